"""Inline Markdown for lesson text: parsed once, consumed by every renderer.

Lesson authors write ``**bold**``, ``*italic*``, `` `code` ``, ``[link](url)`` (or an
address written out), ``H~2~O``, ``x^2^`` and ``$math$`` (LaTeX, by pandoc's dollar
rules) inside any text field. Renderers must not parse markup themselves, so a text field is a :class:`RichText`: a ``str`` (its plain source, for templating and messages)
that also carries the parsed :attr:`RichText.runs`.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from dataclasses import dataclass, replace
from functools import lru_cache
from typing import Any

from pydantic import GetCoreSchemaHandler
from pydantic_core import PydanticCustomError, core_schema

from .formula import FormulaError, read_formula


@dataclass(frozen=True, slots=True)
class Run:
    """A stretch of text with one set of inline styles."""

    text: str
    bold: bool = False
    italic: bool = False
    code: bool = False
    href: str | None = None
    math: str | None = None
    """The LaTeX of an equation; ``text`` is then its one-line Unicode form."""
    script: str | None = None  # "sub" or "super": H~2~O, x^2^
    colour: str | None = None  # six hex digits; set by code highlighting, not by lesson markup


# Math follows pandoc: the opening '$' has a non-space after it, the closing one a
# non-space before it and no digit after it, so "$5 and $10" is prose; '$$...$$' is
# display math. Its content is TeX, taken as written: the Markdown reader and writer
# find it with this pattern too, to leave its backslashes alone.
MATH = (
    r"\$\$(?P<display>[^$]+?)\$\$"
    r"|(?<!\\)\$(?P<math>[^\s$](?:[^$]*?[^\s$\\])?)\$(?!\d)"
)
# A link's address may hold balanced parentheses, as CommonMark allows (Wikipedia's
# "Force_(physics)"): one level of them, without spaces.
HREF = r"(?:[^()\s]|\([^()\s]*\))+"
# An address written out in the text, as GitHub links one: printable ASCII, not inside a
# word, and not ending in the punctuation of the sentence around it ('.', ',', a closing
# bracket that opened before it), though it may hold brackets in pairs ("Force_(physics)").
BARE_URL = (
    r"(?<![A-Za-z0-9_/@.])(?P<bare>(?:https?://|www\.)(?:[!-'*-;=?-~]|\([!-'*-;=?-~]*\))*"
    r"(?:[#-&+\-/-9=@-\\^`-}]|\([!-'*-;=?-~]*\)))"
)
# An e-mail address written out, linked as GitHub links one. Both start after any letter
# but a Latin one: Chinese and Japanese put no space before an address.
BARE_EMAIL = (
    r"(?<![A-Za-z0-9._%+-])(?P<email>[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*"
    r"\.[A-Za-z]{2,})(?![A-Za-z0-9@-])"
)
# Order matters: code first (its content is literal), then math, then links, then emphasis.
_TOKEN = re.compile(
    rf"`(?P<code>[^`]+)`|{MATH}"
    rf"|\[(?P<label>[^\[\]]+)\]\((?P<href>{HREF})\)"
    r"|<(?P<auto>(?:https?|mailto):[^<>\s]+)>"
    rf"|{BARE_URL}|{BARE_EMAIL}"
    r"|\*\*\*(?P<strong>[^*\s](?:.*?[^*\s])?)\*\*\*"
    r"|\*\*(?P<bold>.+?)\*\*"
    r"|(?<![\w_])__(?P<ubold>[^_\s](?:.*?[^_\s])?)__(?![\w_])"
    r"|(?<![\w*])\*(?P<italic>[^*\s](?:[^*]*[^*\s])?)\*(?![\w*])"
    r"|(?<![\w_])_(?P<uitalic>[^_\s](?:[^_]*[^_\s])?)_(?![\w_])"
    r"|~~(?P<strike>[^~\s](?:[^~]*?[^~\s])?)~~"
    r"|~(?P<sub>[^~\s]+)~"
    r"|\^(?P<super>[^\^\s]+)\^"
)
_BLANK_LINE = re.compile(r"\n[ \t]*\n\s*")
_ESCAPE = re.compile(r"\\([\\`*_\[\]()$~^])")


class MarkupError(ValueError):
    """Inline markup that no output shows: refused, rather than shown as something else."""


def parse_inline(
    source: str,
    *,
    bold: bool = False,
    italic: bool = False,
    href: str | None = None,
    script: str | None = None,
) -> tuple[Run, ...]:
    """Split *source* into runs; unmatched markers stay as literal text.

    Raises :class:`MarkupError` for ``~~strikethrough~~``, which would otherwise read as a
    subscript between two tildes."""
    runs: list[Run] = []
    pos = 0
    style = {"bold": bold, "italic": italic, "href": href, "script": script}

    def literal(text: str) -> None:
        if text:
            runs.append(Run(_ESCAPE.sub(r"\1", text), **style))

    for match in _TOKEN.finditer(source):
        if _escaped(source, match.start()):
            continue
        literal(source[pos : match.start()])
        pos = match.end()
        if match["code"] is not None:
            runs.append(Run(match["code"], code=True, **style))
        elif match["math"] is not None or match["display"] is not None:
            tex = match["math"] if match["math"] is not None else match["display"]
            runs.append(Run(read_formula(tex).text, math=tex, **style))
        elif match["label"] is not None:
            runs.extend(parse_inline(match["label"], **{**style, "href": match["href"]}))
        elif match["auto"] is not None:  # <https://...>: the address is its own label
            shown = match["auto"].removeprefix("mailto:")
            runs.append(Run(shown, **{**style, "href": match["auto"]}))
        elif match["bare"] is not None:  # inside a link's label, the link's address wins
            bare = match["bare"]
            address = f"https://{bare}" if bare.startswith("www.") else bare
            runs.append(Run(bare, **{**style, "href": style["href"] or address}))
        elif match["email"] is not None:
            email = match["email"]
            runs.append(Run(email, **{**style, "href": style["href"] or f"mailto:{email}"}))
        elif match["strong"] is not None:
            runs.extend(parse_inline(match["strong"], **{**style, "bold": True, "italic": True}))
        elif match["bold"] is not None or match["ubold"] is not None:
            inner = match["bold"] if match["bold"] is not None else match["ubold"]
            runs.extend(parse_inline(inner, **{**style, "bold": True}))
        elif match["strike"] is not None:
            raise MarkupError(
                f"'{match.group()}' is strikethrough, which lessons do not support; remove"
                " the '~~', or write \\~\\~ to show the tildes"
            )
        elif match["sub"] is not None or match["super"] is not None:
            kind = "sub" if match["sub"] is not None else "super"
            runs.extend(parse_inline(match[kind], **{**style, "script": kind}))
        else:
            inner = match["italic"] if match["italic"] is not None else match["uitalic"]
            runs.extend(parse_inline(inner, **{**style, "italic": True}))
    literal(source[pos:])
    return _merge(runs)


def _escaped(source: str, index: int) -> bool:
    backslashes = 0
    while index > 0 and source[index - 1] == "\\":
        backslashes += 1
        index -= 1
    return backslashes % 2 == 1


@lru_cache(maxsize=16384)
def _parsed(source: str) -> tuple[Run, ...]:
    """:func:`parse_inline`, remembered: every build of a lesson (a merge's every row,
    a watch's every edit) makes its texts again from the same sources."""
    return parse_inline(source)


def _merge(runs: list[Run]) -> tuple[Run, ...]:
    """Join neighbouring runs with the same style, so renderers emit fewer runs."""
    merged: list[Run] = []
    for run in runs:
        last = merged[-1] if merged else None
        if last and last.math is None and replace(last, text=run.text) == run:
            merged[-1] = replace(run, text=last.text + run.text)
        else:
            merged.append(run)
    return tuple(merged)


def paragraphs(runs: Sequence[Run]) -> list[list[Run]]:
    """*runs* cut at blank lines: a lesson's ``|`` text keeps a single newline as a line
    break inside a paragraph, and a blank line starts a new paragraph. Newlines at the
    edges of a paragraph are dropped (a ``|`` text ends in one)."""
    result: list[list[Run]] = [[]]
    for run in runs:
        pieces = _BLANK_LINE.split(run.text)
        for index, piece in enumerate(pieces):
            if index:
                result.append([])
            if piece:
                result[-1].append(replace(run, text=piece))
    trimmed = [_trim(paragraph) for paragraph in result]
    return [paragraph for paragraph in trimmed if paragraph] or [[]]


def _trim(runs: list[Run]) -> list[Run]:
    """*runs* without newlines at either end."""
    runs = list(runs)
    while runs and not runs[0].text.lstrip("\n"):
        runs.pop(0)
    while runs and not runs[-1].text.rstrip("\n"):
        runs.pop()
    if runs:
        runs[0] = replace(runs[0], text=runs[0].text.lstrip("\n"))
        runs[-1] = replace(runs[-1], text=runs[-1].text.rstrip("\n"))
    return runs


class RichText(str):
    """A text field's source, with its inline markup parsed into :attr:`runs`."""

    __slots__ = ("runs",)
    runs: tuple[Run, ...]

    def __new__(cls, source: str) -> RichText:
        self = super().__new__(cls, source)
        self.runs = _parsed(source)
        return self

    @property
    def plain(self) -> str:
        """The text as a reader sees it, without markup (for measuring and metadata)."""
        return "".join(run.text for run in self.runs)

    @property
    def display_math(self) -> str | None:
        """The LaTeX when the whole text is one ``$$...$$`` equation, shown on its own line."""
        shown = [run for run in self.runs if run.math is not None or run.text.strip()]
        whole = len(shown) == 1 and shown[0].math is not None
        return shown[0].math if whole and self.strip().startswith("$$") else None

    @classmethod
    def __get_pydantic_core_schema__(
        cls, source_type: Any, handler: GetCoreSchemaHandler
    ) -> core_schema.CoreSchema:
        text = core_schema.no_info_after_validator_function(_validated, core_schema.str_schema())
        return core_schema.no_info_before_validator_function(
            _dates_as_text, text, serialization=core_schema.to_string_ser_schema()
        )


def _dates_as_text(value: Any) -> Any:
    """A date where text is asked for (a table's "Due" column) is that text: YAML reads
    ``2026-04-01`` as a date, which the author wrote as words in a cell."""
    if isinstance(value, dt.datetime):
        return value.isoformat(sep=" ")
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


def _validated(source: str) -> RichText:
    """A text field's value; a formula that cannot be read, or markup no output shows, is
    the author's error there."""
    try:
        return RichText(source)
    except FormulaError as error:
        raise PydanticCustomError("formula", "{message}", {"message": str(error)}) from None
    except MarkupError as error:
        raise PydanticCustomError("markup", "{message}", {"message": str(error)}) from None
