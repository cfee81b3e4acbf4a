"""Drawing on a slide: rectangles, text frames and tables written exactly as measured.

Every frame gets explicit insets, wrapping, an exact line spacing and no auto-fit, so
PowerPoint and LibreOffice wrap its text into the lines :mod:`generator.textfit`
counted. On a user's own template (``own_style`` false) placeholders and tables take
their colours from the template's master and table style instead of the theme.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from lxml.etree import SubElement
from pptx.dml.color import RGBColor
from pptx.enum.shapes import MSO_SHAPE
from pptx.enum.text import MSO_ANCHOR, MSO_AUTO_SIZE, PP_ALIGN
from pptx.oxml.ns import qn
from pptx.slide import Slide
from pptx.text.text import _Run
from pptx.util import Emu, Pt

from .. import textfit
from ..inline import Run
from ..theme import Theme

CELL_INSETS = (7.0, 4.0, 7.0, 4.0)  # left, top, right, bottom of table cells, points


def pt(points: float) -> Emu:
    """Points as the EMU lengths python-pptx writes."""
    return Emu(round(points * 12700))


@dataclass(frozen=True)
class Para(textfit.Paragraph):
    """A paragraph as measured (runs, size, indent, space) plus how it is drawn."""

    colour: str = ""
    align: PP_ALIGN = PP_ALIGN.LEFT
    bullet: str | None = None  # a bullet character, or an auto-number scheme name
    hang: float = 0.0  # how far the bullet hangs left of the text (inside the indent)
    start_at: int | None = None  # first number of an auto-numbered sequence


class Painter:
    """Draws shapes from the theme's colours and fonts; lengths in points."""

    def __init__(self, theme: Theme, language: str, *, own_style: bool = True) -> None:
        self.theme = theme
        self.language = language
        self.own_style = own_style

    def rectangle(
        self, slide: Slide, left: float, top: float, width: float, height: float, fill: str
    ) -> Any:
        shape = slide.shapes.add_shape(
            MSO_SHAPE.RECTANGLE, pt(left), pt(top), pt(width), pt(height)
        )
        shape.fill.solid()
        shape.fill.fore_color.rgb = RGBColor.from_string(fill)
        shape.line.fill.background()
        shape._element.remove(shape._element.find(qn("p:style")))  # no theme shadow or outline
        return shape

    def text_box(
        self,
        slide: Slide,
        left: float,
        top: float,
        box: textfit.Box,
        paras: Sequence[Para],
        *,
        fill: str | None = None,
        anchor: MSO_ANCHOR = MSO_ANCHOR.TOP,
    ) -> Any:
        """A frame of *box*'s size and insets holding *paras*; a panel when *fill* is given."""
        if fill:
            shape = self.rectangle(slide, left, top, box.width, box.height, fill)
        else:
            shape = slide.shapes.add_textbox(pt(left), pt(top), pt(box.width), pt(box.height))
        self.fill_frame(shape.text_frame, paras, box.insets, anchor)
        return shape

    def fill_frame(
        self,
        frame: Any,
        paras: Sequence[Para],
        insets: tuple[float, float, float, float],
        anchor: MSO_ANCHOR | None = MSO_ANCHOR.TOP,
        *,
        inherit: bool = False,
    ) -> None:
        """Write *paras* into *frame* with explicit insets, wrapping and no auto-fit.

        With *inherit* (a reference's placeholder) colours come from the slide master,
        as does the anchor when none is given; sizes, spacing and indents are still
        written, since they are what was measured.
        """
        frame.word_wrap = True
        frame.auto_size = MSO_AUTO_SIZE.NONE
        if anchor is not None:
            frame.vertical_anchor = anchor
        frame.margin_left, frame.margin_top, frame.margin_right, frame.margin_bottom = (
            pt(inset) for inset in insets
        )
        for index, para in enumerate(paras):
            paragraph = frame.paragraphs[0] if index == 0 else frame.add_paragraph()
            self.write_paragraph(paragraph, para, first=index == 0, inherit=inherit)

    def write_paragraph(
        self, paragraph: Any, para: Para, *, first: bool, inherit: bool = False
    ) -> None:
        if not inherit:  # a placeholder keeps its master's alignment: it measures the same
            paragraph.alignment = para.align
        paragraph.line_spacing = Pt(para.line_height)
        paragraph.space_before = Pt(0 if first else para.space_before)
        paragraph.space_after = Pt(0)
        props = paragraph._p.get_or_add_pPr()
        if para.indent or inherit:  # a master's own indents would change the measured width
            props.set("marL", str(pt(para.indent)))
            props.set("indent", str(-pt(para.hang)))
        if para.bullet and not inherit:
            colour = props.makeelement(qn("a:buClr"), {})
            colour.append(colour.makeelement(qn("a:srgbClr"), {"val": self.theme.palette.accent}))
            props.append(colour)
        if not para.bullet:
            if inherit:  # no bullet of the master's where none was measured
                props.append(props.makeelement(qn("a:buNone"), {}))
        elif len(para.bullet) == 1:
            props.append(props.makeelement(qn("a:buChar"), {"char": para.bullet}))
        else:
            number = {"type": para.bullet}
            if para.start_at is not None:
                number["startAt"] = str(para.start_at)
            props.append(props.makeelement(qn("a:buAutoNum"), number))
        if not para.runs:  # an empty cell: its line is as tall as the others' at this size
            paragraph._p.get_or_add_endParaRPr().set("sz", str(round(para.size * 100)))
        for run in para.runs:
            self.write_run(paragraph, run, para, inherit=inherit)

    def write_run(self, paragraph: Any, run: Run, para: Para, *, inherit: bool) -> None:
        """One run as its XML, written directly: python-pptx's font properties look every
        child element up again on each assignment, which made runs most of a deck's time."""
        fonts = self.theme.fonts
        r = paragraph._p.add_r()
        r.text = run.text
        props = r.get_or_add_rPr()
        props.set("sz", str(round(para.size * 100)))
        props.set("b", "1" if run.bold else "0")
        props.set("i", "1" if run.italic else "0")
        props.set("lang", self.language)
        if not inherit:
            fill = SubElement(props, qn("a:solidFill"))
            SubElement(fill, qn("a:srgbClr"), val=para.colour or self.theme.palette.text)
        face = fonts.mono.name if run.code else getattr(fonts, para.role).name
        SubElement(props, qn("a:latin"), typeface=face)
        if run.href:
            _Run(r, paragraph).hyperlink.address = run.href

    def table(
        self,
        slide: Slide,
        left: float,
        top: float,
        width: float,
        rows: Sequence[Sequence[Sequence[Run]]],
        widths: Sequence[float],
        heights: Sequence[float],
        size: float,
    ) -> None:
        """A table of *rows* (the first a header) with the given widths and row heights."""
        palette = self.theme.palette
        frame = slide.shapes.add_table(
            len(rows), len(widths), pt(left), pt(top), pt(width), pt(sum(heights))
        )
        table = frame.table
        table.first_row = True
        table.horz_banding = not self.own_style  # a reference's table style colours the rows
        for column, share in zip(table.columns, widths, strict=True):
            column.width = pt(share)
        for index, (row, cells, height) in enumerate(zip(table.rows, rows, heights, strict=True)):
            row.height = pt(height)
            header = index == 0
            for cell, runs in zip(row.cells, cells, strict=True):
                if self.own_style:
                    cell.fill.solid()
                    fill = palette.background if index % 2 else palette.light
                    cell.fill.fore_color.rgb = RGBColor.from_string(
                        palette.primary if header else fill
                    )
                cell.vertical_anchor = MSO_ANCHOR.MIDDLE
                cell.margin_left, cell.margin_top, cell.margin_right, cell.margin_bottom = (
                    pt(inset) for inset in CELL_INSETS
                )
                cell.text_frame.word_wrap = True
                colour = palette.on_primary if header else palette.text
                self.write_paragraph(
                    cell.text_frame.paragraphs[0],
                    Para(runs, size, colour=colour),
                    first=True,
                    inherit=not self.own_style,
                )
