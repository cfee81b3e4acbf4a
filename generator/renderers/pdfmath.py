"""Equations on the cheat sheet: glyph outlines drawn as vectors, measured like text.

A display equation is a flowable of its measured size. An equation inside a paragraph
has to take its width and height in the line, which reportlab's paragraphs only grant
an inline image; so it is written as an ``<img>`` of a blank placeholder of the
equation's size, which makes reportlab wrap the lines and set their height around it.
When reportlab draws that placeholder, the sheet's canvas draws the equation's outlines
in its place instead, so no bitmap reaches the file. The canvas tells the equations
apart by the placeholder's width, which :class:`InlineEquations` keeps distinct.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path
from typing import Any

from reportlab import platypus
from reportlab.lib.colors import HexColor
from reportlab.lib.styles import ParagraphStyle
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import Flowable

from .. import mathdraw
from ..formula import read_formula
from ..inline import Run
from ..mathspeech import Speech
from .pdfimages import registered

PLACEHOLDER = str(Path(__file__).with_name("placeholder.png"))  # one blank pixel
NUDGE = 0.0001  # points added to a width taken by another equation: far below print
CLEARANCE = 0.12  # of the type size, kept clear above and below a tall inline equation


TEXT_DESCENT = 0.2  # share of the type size a line of text reaches below its baseline
_EXTENTS = re.compile(
    rf'<img src="{re.escape(PLACEHOLDER)}" width="[^"]*" height="([^"]*)" valign="([^"]*)"/>'
)


_TRAILING = re.compile(r"[.,;:!?)\]]+")


def glued(runs: Sequence[Run]) -> list[Run]:
    """*runs* with the punctuation right after an equation drawn as part of it: reportlab
    may break a line between an inline image and the text after it, which left a lone
    '.' or '?' at the start of a line."""
    out: list[Run] = []
    for run in runs:
        previous = out[-1] if out else None
        mark = _TRAILING.match(run.text) if previous and previous.math and not run.math else None
        if previous and mark:
            out[-1] = replace(previous, math=f"{previous.math}{{{mark[0]}}}")  # an ordinary atom
            run = replace(run, text=run.text[mark.end() :])
            if not run.text:
                continue
        out.append(run)
    return out


class InlineEquations:
    """The equations set inside the lines of one sheet, by their placeholders' widths."""

    def __init__(self) -> None:
        self.by_width: dict[str, tuple[str, float, str, str]] = {}
        self.widths: dict[tuple[str, float, str, str], str] = {}

    def markup(self, tex: str, size: float, colour: str, language: str) -> str:
        """Paragraph markup for *tex* in a line of *size*-point text, in hex *colour*, in a
        paragraph in *language* (which its spoken form is said in)."""
        mark = (tex, size, colour, language)
        width, ascent, descent = mathdraw.outline(tex).size(size)
        if mark not in self.widths:
            while _key(width) in self.by_width:
                width += NUDGE
            self.widths[mark] = _key(width)
            self.by_width[_key(width)] = mark
        clear = size * CLEARANCE
        return (
            f'<img src="{PLACEHOLDER}" width="{self.widths[mark]}"'
            f' height="{ascent + descent + 2 * clear:.4f}" valign="{-descent - clear:.4f}"/>'
        )

    def spoken(self, width: float) -> Speech:
        """How the equation whose placeholder is *width* wide is read aloud."""
        tex, _, _, language = self.by_width[_key(width)]
        return read_formula(tex).spoken_in(language)

    def draw(self, canvas: Canvas, x: float, y: float, width: float) -> None:
        """The equation whose placeholder reportlab draws *width* wide at (*x*, *y*)."""
        tex, size, colour, _ = self.by_width[_key(width)]
        descent = mathdraw.outline(tex).size(size)[2] + size * CLEARANCE
        mathdraw.draw(canvas, tex, x, y + descent, size, HexColor("#" + colour))


def _key(width: float) -> str:
    return f"{width:.4f}"


class Paragraph(platypus.Paragraph):
    """reportlab's paragraph, spaced to hold the equations in its lines.

    A paragraph holding a tall equation gets a leading that clears it (all its lines
    alike); others keep theirs. reportlab's own automatic leading is not used: with
    several inline images in a paragraph it credits a line with another line's images.
    """

    def __init__(self, text: Any, style: ParagraphStyle, *args, **kwargs) -> None:
        if isinstance(text, str) and PLACEHOLDER in text:
            extents = [(float(h) + float(v), -float(v)) for h, v in _EXTENTS.findall(text)]
            size = style.fontSize
            leading = max(
                style.leading,
                max(ascent for ascent, _ in extents) + size * TEXT_DESCENT,
                max(descent for _, descent in extents) + size * (1 - TEXT_DESCENT),
            )
            if leading > style.leading:
                style = ParagraphStyle(style.name, parent=style, leading=leading)
        super().__init__(text, style, *args, **kwargs)
        self.wrapped_at: float | None = None

    def wrap(self, availWidth: float, availHeight: float) -> tuple[float, float]:
        """Lines are broken once per width. A sheet's frames and tables ask each paragraph
        about three times at the same width, and breaking lines is the costliest step of
        laying a sheet out; the answer does not depend on the height offered. (A split
        that finds no room drops the lines, so they are broken again.)"""
        if availWidth == self.wrapped_at and hasattr(self, "blPara"):
            return self.width, self.height
        size = super().wrap(availWidth, availHeight)
        self.wrapped_at = availWidth if size == (availWidth, self.height) else None
        return size


class SheetCanvas(Canvas):
    """A canvas that draws the inline *equations* where their placeholders go."""

    def __init__(self, *args, equations: InlineEquations, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.equations = equations

    def drawImage(self, image, x, y, width=None, height=None, mask=None, *args, **kwargs):
        if getattr(image, "fileName", None) == PLACEHOLDER:
            self.equations.draw(self, x, y, width)
            return None
        image = registered(self, image, mask) or image
        return super().drawImage(image, x, y, width, height, mask, *args, **kwargs)


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
