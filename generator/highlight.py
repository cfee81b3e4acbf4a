"""Code blocks as lines of coloured runs, shared by every renderer.

Pygments splits the code into tokens by its ``language``; each token takes the colour
the theme's ``highlight`` palette gives its type (or the nearest parent type), so the
handout, the deck and the cheat sheet colour code alike. Lines too long for their box
are cut here too, by character count (the mono font gives every character the same
width), and every continued line starts with the theme's continuation mark, so a
reader never mistakes a wrapped line for two.
"""

from __future__ import annotations

import difflib
import re
from bisect import bisect_right
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from functools import cache, lru_cache
from itertools import accumulate
from pathlib import Path
from typing import Any
from unicodedata import east_asian_width

from .inline import Run
from .model import CodeBody

# Where a long line may be cut: after a space, or after a comma, semicolon or opening
# bracket (never inside an operator like -> or ==); else anywhere, marked.
_BREAK_AFTER = re.compile(r"[\s,;(\[{]")


@cache
def lexer_for(language: str | None) -> Any | None:
    """The Pygments lexer for *language* (a name or alias), or None when unknown or absent."""
    if not language:
        return None
    from pygments.lexers import get_lexer_by_name
    from pygments.util import ClassNotFound

    try:
        return get_lexer_by_name(language, stripnl=False, tabsize=4)
    except ClassNotFound:
        return None


def suggestion(language: str) -> str | None:
    """The known language name that *language* most likely misspells."""
    from pygments.lexers import get_all_lexers

    names = [alias for _, aliases, _, _ in get_all_lexers() for alias in aliases]
    found = difflib.get_close_matches(language.lower(), names, n=1, cutoff=0.6)
    return found[0] if found else None


def code_lines(code: CodeBody, palette: Mapping[str, str]) -> list[list[Run]]:
    """The code's lines as mono runs, coloured by token type when its language is known.

    Remembered: the cheat sheet and the deck lay the same code out at several sizes."""
    return _highlighted(code.text, code.language, tuple(palette.items()))


@lru_cache(maxsize=256)
def _highlighted(
    text: str, language: str | None, palette: tuple[tuple[str, str], ...]
) -> list[list[Run]]:
    lines = CodeBody(text=text).lines
    lexer = lexer_for(language)
    if lexer is None:
        return [[Run(line, code=True)] if line else [] for line in lines]
    colours = dict(palette)
    result: list[list[Run]] = [[]]
    for token, text in lexer.get_tokens("\n".join(lines)):
        colour = token_colour(token, colours)
        for index, piece in enumerate(text.split("\n")):
            if index:
                result.append([])
            if piece:
                run = Run(piece, code=True, colour=colour)
                line = result[-1]
                if line and (line[-1].colour == colour or piece.isspace()):  # spaces show no colour
                    line[-1] = replace(line[-1], text=line[-1].text + piece)
                else:
                    line.append(run)
    return result[: len(lines)] + [[] for _ in range(len(lines) - len(result))]


def token_colour(token: Any, palette: Mapping[str, str]) -> str | None:
    """The palette's colour for a token type, or for its nearest parent type that has one."""
    colours = _token_table(tuple(palette.items()))
    while token is not None:
        if token in colours:
            return colours[token]
        token = token.parent
    return None


@cache
def _token_table(palette: tuple[tuple[str, str], ...]) -> dict[Any, str]:
    """Palette keys as Pygments token types: ``String`` is ``Token.Literal.String``, as
    Pygments' own styles name it."""
    from pygments import token as tokens

    table = {}
    for name, colour in palette:
        first, *rest = name.split(".")
        found = getattr(tokens, first, None)
        if isinstance(found, tokens._TokenType):
            for part in rest:
                found = getattr(found, part)
            table[found] = colour
    return table


@dataclass(frozen=True)
class Line:
    """One line as drawn: its runs, and whether it continues the line above."""

    runs: list[Run]
    continued: bool = False

    @property
    def text(self) -> str:
        return "".join(run.text for run in self.runs)


def columns(room: float, font: Path, size: float, mark: Run) -> int:
    """How many characters of the mono *font* at *size* fit *room* points, on a line
    that may start with *mark* (its sign may be drawn by a wider fallback font)."""
    from .textfit import WRAP_SLACK, text_width  # measuring needs reportlab: only here

    advance = text_width("0", font, size)
    extra = max(text_width(mark.text, font, size) - len(mark.text) * advance, 0.0)
    return int((room * WRAP_SLACK - extra) // advance)


def wrapped(lines: Sequence[Sequence[Run]], columns: int, mark: Run) -> list[list[Line]]:
    """Each source line cut into drawn lines of at most *columns* characters.

    A cut falls after a space or punctuation where one is near the end, else anywhere;
    every continued line starts with *mark* (a continuation sign and a space).
    """
    columns = max(columns, len(mark.text) + 8)
    return [_cut(list(line), columns, mark) for line in lines]


def _cut(runs: list[Run], columns: int, mark: Run) -> list[Line]:
    text = "".join(run.text for run in runs)
    ends = list(accumulate(map(_columns, text), initial=0))  # ends[i]: columns of text[:i]
    if ends[-1] <= columns:
        return [Line(runs)]
    pieces: list[Line] = []
    start, room, continued = 0, columns, False
    while ends[-1] - ends[start] > room:
        end = max(bisect_right(ends, ends[start] + room) - 1, start + 1)
        breaks = [m.end() for m in _BREAK_AFTER.finditer(text, start, end)]
        good = [b for b in breaks if ends[b] - ends[start] > room // 2]
        cut = good[-1] if good else end
        pieces.append(_line(runs, start, cut, mark if continued else None))
        start, room, continued = cut, columns - len(mark.text), True
    pieces.append(_line(runs, start, len(text), mark))
    return pieces


def _columns(char: str) -> int:
    """How many mono columns *char* takes: two for wide (CJK) and full-width characters,
    as in a terminal; their glyphs come from a wider font than the mono one."""
    return 2 if east_asian_width(char) in "WF" else 1


def _line(runs: Sequence[Run], begin: int, end: int, mark: Run | None) -> Line:
    """Characters *begin* to *end* of *runs*' joined text, after *mark* when given."""
    sliced: list[Run] = [mark] if mark else []
    offset = 0
    for run in runs:
        low, high = max(begin, offset), min(end, offset + len(run.text))
        if low < high:
            sliced.append(replace(run, text=run.text[low - offset : high - offset]))
        offset += len(run.text)
    return Line(sliced, continued=mark is not None)
