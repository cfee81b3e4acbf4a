"""Inline Markdown for lesson text: parsed once, consumed by every renderer.

Lesson authors write ``**bold**``, ``*italic*``, `` `code` ``, ``[link](url)`` and
``$math$`` (LaTeX, by pandoc's dollar rules) inside any text field. Renderers must not parse markup themselves, so a text field
is a :class:`RichText`: a ``str`` (its plain source, for templating and messages)
that also carries the parsed :attr:`RichText.runs`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
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


# Order matters: code first (its content is literal), then math (its content is LaTeX),
# then links, then emphasis. Math follows pandoc: the opening '$' has a non-space after
# it, the closing one a non-space before it and no digit after it, so "$5 and $10" is
# prose; '$$...$$' is display math.
_TOKEN = re.compile(
    r"`(?P<code>[^`]+)`"
    r"|\$\$(?P<display>[^$]+?)\$\$"
    r"|(?<!\\)\$(?P<math>[^\s$](?:[^$]*?[^\s$\\])?)\$(?!\d)"
    r"|\[(?P<label>[^\]]+)\]\((?P<href>[^)\s]+)\)"
    r"|\*\*\*(?P<strong>[^*\s](?:.*?[^*\s])?)\*\*\*"
    r"|\*\*(?P<bold>.+?)\*\*"
    r"|(?<![\w*])\*(?P<italic>[^*\s](?:[^*]*[^*\s])?)\*(?![\w*])"
    r"|(?<![\w_])_(?P<uitalic>[^_\s](?:[^_]*[^_\s])?)_(?![\w_])"
)
_ESCAPE = re.compile(r"\\([\\`*_\[\]()$])")


def parse_inline(
    source: str, *, bold: bool = False, italic: bool = False, href: str | None = None
) -> tuple[Run, ...]:
    """Split *source* into runs; unmatched markers stay as literal text."""
    runs: list[Run] = []
    pos = 0

    def literal(text: str) -> None:
        if text:
            runs.append(Run(_ESCAPE.sub(r"\1", text), bold, italic, False, href))

    for match in _TOKEN.finditer(source):
        if _escaped(source, match.start()):
            continue
        literal(source[pos : match.start()])
        pos = match.end()
        if match["code"] is not None:
            runs.append(Run(match["code"], bold, italic, True, href))
        elif match["math"] is not None or match["display"] is not None:
            tex = match["math"] if match["math"] is not None else match["display"]
            runs.append(Run(read_formula(tex).text, bold, italic, False, href, tex))
        elif match["label"] is not None:
            runs.extend(parse_inline(match["label"], bold=bold, italic=italic, href=match["href"]))
        elif match["strong"] is not None:
            runs.extend(parse_inline(match["strong"], bold=True, italic=True, href=href))
        elif match["bold"] is not None:
            runs.extend(parse_inline(match["bold"], bold=True, italic=italic, href=href))
        else:
            inner = match["italic"] if match["italic"] is not None else match["uitalic"]
            runs.extend(parse_inline(inner, bold=bold, italic=True, href=href))
    literal(source[pos:])
    return _merge(runs)


def _escaped(source: str, index: int) -> bool:
    backslashes = 0
    while index > 0 and source[index - 1] == "\\":
        backslashes += 1
        index -= 1
    return backslashes % 2 == 1


def _merge(runs: list[Run]) -> tuple[Run, ...]:
    """Join neighbouring runs with the same style, so renderers emit fewer runs."""
    merged: list[Run] = []
    for run in runs:
        last = merged[-1] if merged else None
        if last and (last.bold, last.italic, last.code, last.href, last.math, run.math) == (
            run.bold,
            run.italic,
            run.code,
            run.href,
            None,
            None,
        ):
            merged[-1] = Run(last.text + run.text, run.bold, run.italic, run.code, run.href)
        else:
            merged.append(run)
    return tuple(merged)


class RichText(str):
    """A text field's source, with its inline markup parsed into :attr:`runs`."""

    __slots__ = ("runs",)
    runs: tuple[Run, ...]

    def __new__(cls, source: str) -> RichText:
        self = super().__new__(cls, source)
        self.runs = parse_inline(source)
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
        return core_schema.no_info_after_validator_function(
            _validated, core_schema.str_schema(), serialization=core_schema.to_string_ser_schema()
        )


def _validated(source: str) -> RichText:
    """A text field's value; a formula that cannot be read is the author's error there."""
    try:
        return RichText(source)
    except FormulaError as error:
        raise PydanticCustomError("formula", "{message}", {"message": str(error)}) from None
