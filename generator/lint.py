"""Warnings about a valid lesson that will not come out as its author meant.

Nothing here stops a build: code in a language Pygments does not know is shown plain,
and a character no font can draw prints as a box. Both are said once, at the lesson's
line, with what to do about it.
"""

from __future__ import annotations

import warnings
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from pydantic import BaseModel

from . import glyphs
from .highlight import lexer_for, suggestion
from .inline import RichText
from .load import Lesson
from .model import Block, CodeBody, Document
from .theme import Theme

Loc = tuple[str | int, ...]


def warn(lesson: Lesson, document: Document, theme: Theme) -> None:
    """Issue a located warning for each unknown code language and undrawable character."""
    body, mono = theme.font_file("body"), theme.font_file("mono")
    for loc, value in _texts(document, ()):
        if isinstance(value, CodeBody):
            _language(lesson, loc, value)
            _glyphs(lesson, (*loc, "text"), value.text, mono)
        else:
            _glyphs(lesson, loc, value, body)


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


def _glyphs(lesson: Lesson, loc: Loc, text: str, font: Path) -> None:
    """One warning per character that neither *font* nor the fallback can draw."""
    for char in glyphs.undrawable(text, font):
        line, _ = lesson.source.position(loc)
        if line is not None and "\n" in text:  # a block text: its first line is the next one
            line += 1 + text[: text.index(char)].count("\n")
        where = f"{lesson.path}:{line}" if line is not None else str(lesson.path)
        warnings.warn(
            f"{where}: no font can draw the character '{char}' (U+{ord(char):04X}); it prints"
            f" as a box: replace it, or use a theme font that has it",
            stacklevel=2,
        )


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
