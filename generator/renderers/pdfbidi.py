"""Right-to-left paragraphs on the cheat sheet: wrapped as they read, drawn as they look.

A PDF draws glyphs left to right exactly as it is given them, so Hebrew and Arabic must
be put in visual order by the sheet. Done before wrapping, the first line of a long
paragraph would hold the end of its text; done run by run, a bold word or a Latin name
would cut the paragraph into pieces set side by side in reading order. So reportlab
wraps the paragraph in reading order (words measured as they are), and each line is put
in visual order only when it is drawn, with the Unicode bidi algorithm run over the
whole line in the paragraph's direction. That direction is the first strong letter's;
a right-to-left paragraph is right-aligned, its indents and list marker mirrored.

What a screen reader or a copy reads is the text in reading order: the drawing carries
it as ``/ActualText`` (Arabic in its plain letters, not the joined forms drawn).
"""

from __future__ import annotations

import copy
import unicodedata
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import Any

from reportlab.lib.enums import TA_CENTER, TA_LEFT, TA_RIGHT
from reportlab.lib.styles import ParagraphStyle
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.platypus.paragraph import _FK_IMG
from reportlab.rl_config import paraFontSizeHeightOffset

from ..languages import aligned_side
from ..scripts import RIGHT_TO_LEFT, right_to_left, visual_order
from .pdfmath import Paragraph as MathParagraph

OBJECT = "\ufffc"  # stands for an inline picture (an equation) among a line's letters
PRESENTATION_FORMS = range(0xFB50, 0xFEFF)  # Arabic joined forms, as arabic_reshaper writes them


def mirrored(style: ParagraphStyle, rtl: bool) -> ParagraphStyle:
    """*style* for a paragraph of direction *rtl* that holds right-to-left letters: for a
    right-to-left one, right-aligned (when it was left-aligned) with its indents swapped.

    The direction is kept on the style, which reportlab hands to both pieces of a split
    paragraph: the second piece keeps the paragraph's direction whatever it starts with.
    """
    if hasattr(style, "rtl"):
        return style
    if rtl:
        style = ParagraphStyle(
            style.name,
            parent=style,
            alignment=TA_RIGHT if style.alignment == TA_LEFT else style.alignment,
            leftIndent=style.rightIndent,
            rightIndent=style.leftIndent,
        )
    else:
        style = ParagraphStyle(style.name, parent=style)
    style.rtl = rtl
    return style


SIDES = {"left": TA_LEFT, "center": TA_CENTER, "right": TA_RIGHT}


class LinedUp:
    """A table's cell styles by column: each column's cells line up as the table's
    ``align`` says, left being the side its lines start from (the right, in a
    right-to-left table), whichever way a cell's own text runs. Word reads a table's
    alignment so, and a column of numbers in a Hebrew table lines up with its header."""

    def __init__(self, align: Sequence[str], right_to_left: bool) -> None:
        self.align = align
        self.right_to_left = right_to_left
        self.made: dict[tuple[str, int, bool | None], ParagraphStyle] = {}

    def __call__(self, style: ParagraphStyle, column: int, text: str) -> ParagraphStyle:
        side = SIDES[aligned_side(self.align[column] if self.align else "left", self.right_to_left)]
        # The direction of a text with right-to-left letters, kept on the style so that
        # the paragraph takes the column's side rather than mirroring it for its text.
        direction = right_to_left(text) if RIGHT_TO_LEFT.search(text) else None
        if side == style.alignment and direction is None:
            return style
        key = (style.name, side, direction)
        if key not in self.made:
            self.made[key] = ParagraphStyle(style.name, parent=style, alignment=side)
            if direction is not None:
                self.made[key].rtl = direction
        return self.made[key]


class Paragraph(MathParagraph):
    """A paragraph wrapped in reading order and drawn line by line in visual order."""

    def __init__(self, text: Any, style: ParagraphStyle, *args: Any, **kwargs: Any) -> None:
        super().__init__(text, style, *args, **kwargs)
        plain = "".join(getattr(frag, "text", "") for frag in self.frags)
        # the pieces of a split paragraph hold words, not text: their style says
        self.bidi = hasattr(self.style, "rtl") or bool(RIGHT_TO_LEFT.search(plain))
        self.marker: str | None = None
        if not self.bidi:
            return
        self.style = mirrored(self.style, getattr(self.style, "rtl", right_to_left(plain)))
        if self.style.rtl:
            # reportlab sets a marker only on the left: this one is drawn on the right
            self.marker, self.bulletText = self.bulletText, None
            if self.style.firstLineIndent:  # a hanging first line hangs out on the right
                self._offsets = [-self.style.firstLineIndent, 0.0]

    def breakLines(self, width: Any) -> Any:
        """Lines as wide as reportlab's, the first shortened (as reportlab does on the
        left) when the marker reaches past the indent it stands in."""
        if self.marker:
            width = [width[0] - self._overrun(), *width[1:]]
        return super().breakLines(width)

    def split(self, availWidth: float, availHeight: float) -> list[Any]:
        pieces = super().split(availWidth, availHeight)
        if len(pieces) == 2 and self.marker:
            pieces[0].marker = self.marker
        return pieces

    def draw(self) -> None:
        if not self.bidi:
            return super().draw()
        logical = self.blPara
        with read_as(self.canv, _reading(logical)):
            self.blPara = _visual(logical, self.style.rtl)
            try:
                super().draw()
            finally:
                self.blPara = logical
            if self.marker and logical.lines:
                self._draw_marker(logical)

    def _marker_width(self) -> float:
        return stringWidth(self.marker or "", self.style.bulletFontName, self.style.bulletFontSize)

    def _overrun(self) -> float:
        """How far the marker and its gap reach into the first line (reportlab's rule)."""
        style = self.style
        reach = style.bulletIndent + self._marker_width() + 0.6 * style.bulletFontSize
        return max(0.0, reach - style.rightIndent - style.firstLineIndent)

    def _draw_marker(self, lines: Any) -> None:
        """The list marker, mirrored: as far in from the right as it would be from the
        left, in right-to-left order ('1.' reads with its dot on the left)."""
        style = self.style
        first = lines.lines[0] if lines.kind == 1 else lines
        top = style.fontSize if paraFontSizeHeightOffset else getattr(first, "ascent", 0)
        marker = "".join(text for text, _ in visual_order([(self.marker, None)], True))
        canvas = self.canv
        canvas.saveState()
        canvas.setFont(style.bulletFontName, style.bulletFontSize)
        canvas.setFillColor(getattr(style, "bulletColor", style.textColor))
        left = self.width - style.bulletIndent - self._marker_width()
        canvas.drawString(left, self.height - top, marker)
        canvas.restoreState()


def _visual(lines: Any, rtl: bool) -> Any:
    """A copy of reportlab's broken lines with each line's text in visual order."""
    drawn = copy.copy(lines)
    if lines.kind == 0:  # one style: a line is its spare width and its words
        drawn.lines = [
            (spare, ["".join(text for text, _ in visual_order([(" ".join(words), None)], rtl))])
            for spare, words in lines.lines
        ]
        return drawn
    drawn.lines = []
    for line in lines.lines:
        shown = copy.copy(line)
        shown.words = _visual_fragments(line.words, rtl)
        drawn.lines.append(shown)
    return drawn


def _visual_fragments(fragments: list[Any], rtl: bool) -> list[Any]:
    """One line's fragments cut and ordered left to right; a fragment that draws nothing
    (a line break, an anchor) stays last, a picture moves as one character would."""
    pieces = []
    still = []
    for fragment in fragments:
        if _picture(fragment):
            pieces.append((OBJECT, fragment))
        elif getattr(fragment, "text", "") and not hasattr(fragment, "cbDefn"):
            pieces.append((fragment.text, fragment))
        else:
            still.append(fragment)
    shown = [
        fragment if _picture(fragment) else fragment.clone(text=text)
        for text, fragment in visual_order(pieces, rtl)
    ]
    return shown + still


def _picture(fragment: Any) -> bool:
    return getattr(fragment, "_fkind", None) == _FK_IMG


def _reading(lines: Any) -> str:
    """The text of reportlab's broken *lines* in reading order, Arabic unjoined."""
    if lines.kind == 0:
        text = " ".join(" ".join(words) for _, words in lines.lines)
    else:
        text = " ".join(
            "".join(getattr(f, "text", "") for f in line.words).strip() for line in lines.lines
        )
    return "".join(
        unicodedata.normalize("NFKC", char) if ord(char) in PRESENTATION_FORMS else char
        for char in text
    )


@contextmanager
def read_as(canvas: Any, text: str) -> Iterator[None]:
    """What is drawn inside reads as *text* (to a screen reader, a search, a copy): the
    letters in reading order, where the drawing has them in visual order."""
    canvas._code.append(f"/Span <</ActualText {_pdf_text(text)}>> BDC")
    try:
        yield
    finally:
        canvas._code.append("EMC")


def _pdf_text(text: str) -> str:
    """*text* as a PDF text string: UTF-16 with its byte order mark, in hex."""
    return f"<FEFF{text.encode('utf-16-be').hex().upper()}>"
