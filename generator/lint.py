"""Warnings about a valid lesson that will not come out as its author meant.

Nothing here stops a build: code in a language Pygments does not know is shown plain,
and a character no font can draw prints as a box. Both are said once, at the lesson's
line, with what to do about it.
"""

from __future__ import annotations

import unicodedata
import warnings
from collections.abc import Iterator
from typing import Any

from pydantic import BaseModel

from .errors import Problem
from .highlight import lexer_for, suggestion
from .inline import RichText
from .load import Lesson
from .model import Block, CodeBody, Document, Filtered, closest
from .registry import available_formats
from .scripts import undrawable
from .theme import Theme

Loc = tuple[str | int, ...]


def warn(lesson: Lesson, document: Document, theme: Theme, *, glyphs: bool) -> None:
    """Warn about each unknown code language and, when *glyphs* (the cheat sheet is
    built: Word and PowerPoint find their own fonts), the characters no font can draw:
    once per script, at the first of them, so a Korean lesson on a machine without a
    Korean font gets one warning, not one per syllable."""
    missing: dict[str, tuple[str, Loc, str]] = {}  # the first place of each character
    formats = list(available_formats())
    for loc, value in _texts(document, ()):
        if isinstance(value, Filtered):
            _formats(lesson, loc, value, formats)
            continue
        if isinstance(value, CodeBody):
            _language(lesson, loc, value)
            loc, value = (*loc, "text"), value.text
        if glyphs:
            text = value if isinstance(value, str) else value.plain
            for char in undrawable(text, theme):
                missing.setdefault(char, (char, loc, text))
    if glyphs:  # the theme's wording in the lesson's language is drawn with the same fonts
        for wording in theme.text.values():
            for char in undrawable(wording, theme):
                missing.setdefault(char, (char, ("language",), wording))
    by_script: dict[str, list[tuple[str, Loc, str]]] = {}
    for found in missing.values():
        by_script.setdefault(_script_of(found[0]), []).append(found)
    for script, found in by_script.items():
        _glyphs(lesson, script, found)


def _language(lesson: Lesson, loc: Loc, code: CodeBody) -> None:
    if not code.language or lexer_for(code.language) is not None:
        return
    guess = suggestion(code.language)
    hint = f"did you mean '{guess}'? " if guess else ""
    message = (
        f"unknown code language '{code.language}'; {hint}the code is shown without"
        " highlighting (names: https://pygments.org/languages/)"
    )
    warnings.warn(str(lesson.source.problem((*loc, "language"), message)), stacklevel=2)


def _formats(lesson: Lesson, loc: Loc, node: Filtered, known: list[str]) -> None:
    """A format named in ``only`` or ``skip`` that no renderer (of the *known* formats)
    makes: a typo (``dox``) that would hide a block from every output, or skip nothing,
    without a word."""
    for key, names in (("only", node.only or []), ("skip", node.skip)):
        for index, name in enumerate(names):
            if name in known:
                continue
            guess = closest(name, known)
            message = f"'{name}' in {key} is not a format ({', '.join(known)})"
            message += f"; did you mean '{guess}'?" if guess else ""
            warnings.warn(str(lesson.source.problem((*loc, key, index), message)), stacklevel=2)


def _glyphs(lesson: Lesson, script: str, found: list[tuple[str, Loc, str]]) -> None:
    """Say which characters of one script no font has, where the first of them is: at its
    text, inside a block text on the line it is on, or at ``language:`` when it is the
    theme's wording in that language."""
    char, loc, text = found[0]
    if len(found) == 1:
        what = f"'{char}' (U+{ord(char):04X}), which prints as an empty box"
        fix = "add a font file that has it"
    else:
        shown = ", ".join(f"'{other}'" for other, _, _ in found[:3])
        more = f" and {len(found) - 3} more" if len(found) > 3 else ""
        what = f"{len(found)} {script} characters ({shown}{more}), which print as empty boxes"
        fix = "add a font file that has them"
    wording = loc == ("language",)
    where = " in the theme's wording for this language" if wording else ""
    message = f"the cheat sheet has no font for {what}{where}; {fix} to the theme's fonts.fallback"
    problem = lesson.source.problem(loc, message, key=wording)
    if not wording and problem.line is not None and "\n" in text and char in text:
        line = problem.line + 1 + text[: text.index(char)].count("\n")  # block text: next line
        problem = Problem(lesson.path, message, line)
    warnings.warn(str(problem), stacklevel=2)


def _script_of(char: str) -> str:
    """The script a character belongs to, as the first word of its Unicode name says
    (Hangul, CJK, Arabic ...)."""
    word = unicodedata.name(char, "other").split()[0]
    return word if word == "CJK" else word.capitalize()


def _texts(value: Any, loc: Loc) -> Iterator[tuple[Loc, RichText | CodeBody | Filtered]]:
    """Every lesson text and code body in a model tree, and everything a lesson sends to
    some formats only, with its location path."""
    if isinstance(value, RichText | CodeBody):
        yield loc, value
    elif isinstance(value, BaseModel):
        if isinstance(value, Block):
            loc = (*loc, value.kind)  # the union's tag, as in validation error paths
        if isinstance(value, Filtered):
            yield loc, value
        for name, field in type(value).model_fields.items():
            if name != "vars":
                yield from _texts(getattr(value, name), (*loc, field.alias or name))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from _texts(item, (*loc, index))
