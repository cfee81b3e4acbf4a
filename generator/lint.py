"""Warnings about a valid lesson that will not come out as its author meant.

Nothing here stops a build: code in a language Pygments does not know is shown plain,
and a character no font can draw prints as a box. Both are said once, at the lesson's
line, with what to do about it.
"""

from __future__ import annotations

import warnings
from collections.abc import Iterator
from typing import Any

from pydantic import BaseModel

from .errors import Problem
from .highlight import lexer_for, suggestion
from .inline import RichText
from .load import Lesson
from .model import Block, CodeBody, Document
from .scripts import undrawable
from .theme import Theme

Loc = tuple[str | int, ...]


def warn(lesson: Lesson, document: Document, theme: Theme, *, glyphs: bool) -> None:
    """Warn about each unknown code language and, when *glyphs* (the cheat sheet is
    built: Word and PowerPoint find their own fonts), each character no font can draw."""
    said: set[str] = set()
    for loc, value in _texts(document, ()):
        if isinstance(value, CodeBody):
            _language(lesson, loc, value)
            loc, value = (*loc, "text"), value.text
        if glyphs:
            for char in undrawable(value if isinstance(value, str) else value.plain, theme):
                if char not in said:
                    said.add(char)
                    _glyph(lesson, loc, value, char)


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


def _glyph(lesson: Lesson, loc: Loc, text: str, char: str) -> None:
    """Say where *char* is: at its text, or inside a block text on the line it is on."""
    message = (
        f"the cheat sheet has no font for '{char}' (U+{ord(char):04X}), which prints as an"
        " empty box; add a font file that has it to the theme's fonts.fallback"
    )
    problem = lesson.source.problem(loc, message)
    if problem.line is not None and "\n" in text and char in text:
        line = problem.line + 1 + text[: text.index(char)].count("\n")  # block text: next line
        problem = Problem(lesson.path, message, line)
    warnings.warn(str(problem), stacklevel=2)


def _texts(value: Any, loc: Loc) -> Iterator[tuple[Loc, RichText | CodeBody]]:
    """Every lesson text and code body in a model tree, with its location path."""
    if isinstance(value, RichText | CodeBody):
        yield loc, value
    elif isinstance(value, BaseModel):
        if isinstance(value, Block):
            loc = (*loc, value.kind)  # the union's tag, as in validation error paths
        for name, field in type(value).model_fields.items():
            if name != "vars":
                yield from _texts(getattr(value, name), (*loc, field.alias or name))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from _texts(item, (*loc, index))
