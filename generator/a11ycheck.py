"""``lectern check --accessibility``: what an author can fix to make a lesson accessible.

The outputs are tagged, titled and described by the renderers; what they cannot fix is
the lesson's own wording: alt text that says nothing, links that say "click here", text
that points at colours, headings that skip a level, and a theme that sets text too
faint to read. Each finding is located at the lesson's line.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import PurePath
from typing import Any

from pydantic import BaseModel

from .contrast import AA_TEXT, PAIRS, ratio
from .errors import Problem
from .inline import RichText
from .load import Lesson
from .model import ImageBody, Section
from .theme import Theme, palette_colours

LONG_ALT = 150  # characters: beyond this, put the description in the text or a caption
VAGUE_LINKS = {"click here", "here", "this", "link", "this link", "more", "read more", "click"}
COLOUR_WORDS = r"red|green|blue|yellow|orange|purple|pink|grey|gray|colou?red|highlighted"
COLOUR_ONLY = re.compile(
    rf"\b(?:in|the|shown in|marked in|printed in|written in)\s+(?:{COLOUR_WORDS})\b"
    rf"|\b(?:{COLOUR_WORDS})\s+(?:ones?|words?|text|items?|parts?|boxes|cells?)\b",
    re.IGNORECASE,
)
PLACEHOLDER_ALT = re.compile(r"^(?:image|picture|photo|figure|graphic|img)\s*\d*$", re.IGNORECASE)


def accessibility_problems(lesson: Lesson) -> list[Problem]:
    """Every finding in *lesson*, in file order. (A theme whose contrast fails does not
    load at all; :func:`contrast_summary` reports the one that did.)"""
    problems = []

    def at(loc: tuple[Any, ...], message: str) -> None:
        problems.append(lesson.source.problem(loc, message))

    for loc, value in _walk(lesson.document, ()):
        if isinstance(value, ImageBody):
            _check_alt(value, loc, at)
        elif isinstance(value, RichText):
            _check_text(value, loc, at)
    _check_headings(lesson.document.sections, ("sections",), 1, at)
    problems.sort(key=lambda p: (p.line or 0, p.column or 0))
    return problems


def _walk(node: Any, loc: tuple[Any, ...]) -> Iterator[tuple[tuple[Any, ...], Any]]:
    yield loc, node
    if isinstance(node, BaseModel):
        for name in type(node).model_fields:
            yield from _walk(getattr(node, name), (*loc, name))
    elif isinstance(node, list | tuple):
        for index, item in enumerate(node):
            yield from _walk(item, (*loc, index))


def _check_alt(image: ImageBody, loc: tuple[Any, ...], at) -> None:
    alt = image.alt.strip()
    name = PurePath(image.src).name
    words = re.sub(r"[\W_]+", " ", alt).strip().lower()
    if words in {re.sub(r"[\W_]+", " ", s).strip().lower() for s in (name, PurePath(name).stem)}:
        at((*loc, "alt"), f"alt text '{alt}' only repeats the file name; say what the image shows")
    elif PLACEHOLDER_ALT.match(alt):
        at((*loc, "alt"), f"alt text '{alt}' says nothing; say what the image shows")
    elif image.caption and words == re.sub(r"[\W_]+", " ", image.caption.plain).strip().lower():
        at(
            (*loc, "alt"),
            "alt text repeats the caption, so a screen reader says it twice; describe what"
            " the image shows instead",
        )
    if len(alt) > LONG_ALT:
        at(
            (*loc, "alt"),
            f"alt text is {len(alt)} characters; keep it under {LONG_ALT} and put the"
            " details in the text or the caption",
        )


def _check_text(text: RichText, loc: tuple[Any, ...], at) -> None:
    links: dict[str, str] = {}
    for run in text.runs:
        if run.href:
            links[run.href] = links.get(run.href, "") + run.text
    for href, label in links.items():
        said = label.strip().lower().rstrip(".!")
        if said in VAGUE_LINKS or said == href.lower():
            at(
                loc,
                f"link text '{label.strip()}' does not say where it goes; name the page"
                " ([the WHO fact sheet](...)) instead",
            )
    found = COLOUR_ONLY.search(text.plain)
    if found:
        at(
            loc,
            f"'{found.group(0)}' points at a colour, which some readers cannot see (and"
            " screen readers do not say); name the thing, or mark it in bold as well",
        )


def _check_headings(sections: list[Section], loc: tuple[Any, ...], level: int, at) -> None:
    """Heading levels come from the sections' nesting, so they cannot skip one by
    themselves; but deeper than three levels the outputs set them all alike, and a reader
    navigating by headings loses a level there."""
    for index, section in enumerate(sections):
        here = (*loc, index)
        if level > 3:
            at(
                (*here, "heading"),
                f"heading at level {level}: the outputs show three levels; move this"
                " section up a level",
            )
        _check_headings(section.sections, (*here, "sections"), level + 1, at)


def contrast_summary(theme: Theme) -> str:
    """The theme's weakest text/background pair, for the report's last line."""
    colours = palette_colours(theme.palette)
    value, text, fill = min(
        (ratio(colours[text], colours[fill]), text, fill)
        for text, fills, _, _ in PAIRS
        for fill in fills
        if text in colours and fill in colours
    )
    return (
        f"theme '{theme.name}': every text colour reads on its backgrounds (weakest:"
        f" {text} on {fill}, {value:.2f}:1; AA needs {AA_TEXT:g}:1)"
    )
