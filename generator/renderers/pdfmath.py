"""Equations on the cheat sheet: glyph outlines drawn as vectors, measured like text.

A display equation is a flowable of its measured size. An equation inside a paragraph
has to take its width and height in the line, which reportlab's paragraphs only grant
an inline image; so it is written as an ``<img>`` of a blank placeholder of the
equation's size (which makes reportlab wrap lines and set their height around it)
after an ``<onDraw>`` mark that draws the outlines at that very spot. The sheet's canvas
skips the placeholder, so no bitmap reaches the file.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any
from xml.sax.saxutils import quoteattr

from reportlab import platypus
from reportlab.lib.colors import HexColor
from reportlab.lib.styles import ParagraphStyle
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import Flowable

from .. import mathdraw

PLACEHOLDER = str(Path(__file__).with_name("placeholder.png"))  # one blank pixel
CALLBACK = "equation"
Mark = tuple[str, float, str]  # an equation in a line: its tex, size and colour
_MARKS: dict[str, Mark] = {}  # by the label of its <onDraw>
_LABELS: dict[Mark, str] = {}


def inline_markup(tex: str, size: float, colour: str) -> str:
    """Paragraph markup for the equation *tex* set in a line of *size*-point text."""
    mark = (tex, size, colour)
    label = _LABELS.setdefault(mark, str(len(_LABELS)))
    _MARKS[label] = mark
    width, ascent, descent = mathdraw.outline(tex).size(size)
    return (
        f"<onDraw name={quoteattr(CALLBACK)} label={quoteattr(label)}/>"
        f"<img src={quoteattr(PLACEHOLDER)}"
        f' width="{width:.3f}" height="{ascent + descent:.3f}"'
        f' valign="{-descent:.3f}"/>'
    )


def draw_mark(canvas: Canvas, kind: str, label: str) -> None:
    """The ``<onDraw>`` callback: the equation whose placeholder comes next in the line."""
    tex, size, colour = _MARKS[label]
    where = canvas._curr_tx_info  # the line's position, which reportlab sets for the call
    mathdraw.draw(canvas, tex, where["cur_x"], where["cur_y"], size, HexColor("#" + colour))


class Paragraph(platypus.Paragraph):
    """reportlab's paragraph, whose lines grow to hold the equations in them (and only
    those: other paragraphs keep their fixed leading)."""

    def __init__(self, text: Any, style: ParagraphStyle, *args, **kwargs) -> None:
        if isinstance(text, str) and f"<onDraw name={quoteattr(CALLBACK)}" in text:
            style = ParagraphStyle(style.name, parent=style, autoLeading="max")
        super().__init__(text, style, *args, **kwargs)


class SheetCanvas(Canvas):
    """A canvas that knows the equations' marks and leaves their placeholders undrawn."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.setNamedCB(CALLBACK, draw_mark)

    def drawImage(self, image, *args, **kwargs):
        if getattr(image, "fileName", None) == PLACEHOLDER:
            return None
        return super().drawImage(image, *args, **kwargs)


class Equation(Flowable):
    """A display equation, centred in its column at *size* points."""

    def __init__(self, tex: str, size: float, colour: str, space: float) -> None:
        super().__init__()
        self.tex, self.size, self.colour = tex, size, colour
        self.width, self.ascent, self.descent = mathdraw.outline(tex).size(size)
        self.height = self.ascent + self.descent
        self.spaceBefore = self.spaceAfter = space
        self.available = self.width

    def wrap(self, available_width: float, available_height: float) -> tuple[float, float]:
        self.available = available_width
        return available_width, self.height

    def draw(self) -> None:
        left = (self.available - self.width) / 2
        colour = HexColor("#" + self.colour)
        mathdraw.draw(self.canv, self.tex, left, self.descent, self.size, colour)
