"""The cheat sheet's page and type: fonts, styles at one size, inline markup, page furniture.

The cheat sheet is laid out several times at different type sizes until it keeps its
page promise (see :mod:`generator.renderers.pdf`). Everything here is a function of the
theme, the document and one body size, so each trial layout starts from scratch.
"""

from __future__ import annotations

import datetime as dt
import io
import re
from collections.abc import Callable, Sequence
from contextlib import nullcontext
from dataclasses import dataclass, replace
from functools import cache, partial
from typing import Any
from xml.sax.saxutils import escape, quoteattr

from reportlab.lib.colors import Color, HexColor
from reportlab.lib.enums import TA_LEFT, TA_RIGHT
from reportlab.lib.pagesizes import A4, landscape, letter, portrait
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.lib.utils import ImageReader
from reportlab.pdfbase.pdfmetrics import registerFontFamily
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import (
    ActionFlowable,
    BaseDocTemplate,
    CondPageBreak,
    Flowable,
    Frame,
    PageTemplate,
)

from ..inline import Run
from ..languages import reads_right_to_left
from ..links import is_relative
from ..model import Document
from ..scripts import RIGHT_TO_LEFT, covered, needed_fallbacks, shaped, split_by_font, visual_order
from ..textfit import Fonts as TextFonts
from ..textfit import font_name, text_width
from ..theme import Theme
from .pdfbidi import read_as
from .pdfmath import InlineEquations, SheetCanvas, glued
from .pdftags import Paragraph, TaggedCanvas, marked

PAPER = {"a4": A4, "letter": letter}
LEADING = 1.2  # line height as a multiple of the type size
BAND_PADDING = 0.45  # title band padding, in title sizes
BAND_RADIUS = 2.5  # points: the title band's corners
DESCENT = 0.2  # share of the type size below the baseline in a reportlab line
WIDTH_SLACK = 0.01  # points: a line re-wrapped at its own measured width still fits
RULE = 0.5  # points: thin rules (column separators, footer, heading underline)

# Vertical rhythm, in body sizes: everything shrinks with the type when the sheet is fitted.
SPACE = {
    "paragraph": 0.3,
    "item": 0.12,
    "heading_before": 0.9,
    "heading_after": 0.35,
    "subheading_before": 0.5,
    "subheading_after": 0.15,
    "label_before": 0.25,
    "label_after": 0.1,
    "block": 0.45,
    "cell_v": 0.22,
    "cell_h": 0.35,
    "box": 0.45,
    "indent": 1.0,
}
BULLETS = ("•", "–", "▪")


@cache
def colour(hex_digits: str) -> Color:
    """A theme colour (six hex digits) as a reportlab colour."""
    return HexColor(f"#{hex_digits}")


@dataclass(frozen=True)
class Faces:
    """Registered font names (each the family name for its role's <b>/<i> faces), and
    the theme whose files they are (to find which characters each face lacks)."""

    body: str
    heading: str
    mono: str
    fallbacks: tuple[str, ...] = ()
    """Fallback faces, for characters the theme's fonts lack (theme ``fonts.fallback``)."""
    coverage: tuple[frozenset[int], ...] = ()
    """What the body face, then each fallback face, has glyphs for."""
    ascii: bool = True
    """Whether the body face has every printable ASCII character (text of those alone
    needs no looking up)."""

    @classmethod
    def register(cls, theme: Theme, chars: set[str]) -> Faces:
        """Register the theme's TrueType files (embedded as subsets) and their families.

        Paragraph markup picks a face by family, bold and italic, so ``<b>`` inside body
        text uses the body font's bold file rather than a synthetic or built-in one. The
        theme's fallback fonts are registered only as far as *chars* need them.
        """
        names = {}
        for role in ("body", "heading", "mono"):
            faces = [
                font_name(theme.font_file(role, bold=bold, italic=italic))
                for bold, italic in ((False, False), (True, False), (False, True), (True, True))
            ]
            registerFontFamily(
                faces[0], normal=faces[0], bold=faces[1], italic=faces[2], boldItalic=faces[3]
            )
            names[role] = faces[0]
        files = needed_fallbacks(chars, theme)
        fallbacks = tuple(font_name(path) for path in files)
        for name in fallbacks:  # one file for every style: a fallback has no bold of its own
            registerFontFamily(name, normal=name, bold=name, italic=name, boldItalic=name)
        coverage = tuple(covered(path) for path in (theme.font_file("body"), *files))
        ascii = all(code in coverage[0] for code in range(0x20, 0x7F))
        return cls(**names, fallbacks=fallbacks, coverage=coverage, ascii=ascii)


def wording(text: str, faces: Faces) -> str:
    """Paragraph markup for theme wording: escaped, in the fonts that have its letters,
    runs of spaces kept (Paragraph collapses them)."""
    return with_fallbacks(shaped(re.sub("(?<= ) ", "\u00a0", text)), faces)


def markup(runs: Sequence[Run], faces: Faces, link: str, math: Callable[[str], str]) -> str:
    """Paragraph markup for inline runs: text escaped, code in mono, links in *link* colour,
    sub- and superscripts, line breaks, equations as *math* writes them."""
    parts = []
    for run in glued(runs):
        if run.math is not None:
            parts.append(math(run.math))
            continue
        text = "<br/>".join(with_fallbacks(shaped(line), faces) for line in run.text.split("\n"))
        if run.code:
            text = f"<font face={quoteattr(faces.mono)}>{text}</font>"
        if run.colour:
            text = f'<font color="#{run.colour}">{text}</font>'
        if run.script:
            text = f"<{run.script}>{text}</{run.script}>"
        if run.bold:
            text = f"<b>{text}</b>"
        if run.italic:
            text = f"<i>{text}</i>"
        if run.href:
            # reportlab reads a target without a scheme as a place in this PDF; a file
            # beside the lesson is another document ('pdf:' makes a GoToR action).
            target = f"pdf:{run.href}" if is_relative(run.href) else run.href
            text = f'<a href={quoteattr(target)} color="#{link}">{text}</a>'
        parts.append(text)
    return "".join(parts)


def with_fallbacks(text: str, faces: Faces) -> str:
    """*text* escaped, each stretch the body face lacks set in the first fallback that has it."""
    if not faces.fallbacks or (faces.ascii and text.isascii()):
        return escape(text)
    return "".join(
        escape(piece)
        if index == 0
        else f"<font face={quoteattr(faces.fallbacks[index - 1])}>{escape(piece)}</font>"
        for piece, index in split_by_font(text, faces.coverage)
    )


class Styles:
    """Every paragraph style of the sheet at one body *size*; headings and spacing in proportion."""

    def __init__(self, theme: Theme, faces: Faces, size: float) -> None:
        self.size = size
        self.small_size = size * theme.size("pdf", "small_ratio")
        self.heading_size = size * theme.size("pdf", "heading_ratio")
        palette = theme.palette
        text, primary = colour(palette.text), colour(palette.primary)
        base = ParagraphStyle(
            "body",
            fontName=faces.body,
            fontSize=size,
            leading=size * LEADING,
            textColor=text,
            alignment=TA_LEFT,
            spaceAfter=self.space("paragraph"),
            bulletFontName=faces.body,
            bulletFontSize=size,
            bulletColor=colour(palette.accent_text),
        )
        self.body = base
        self.heading = ParagraphStyle(
            "heading",
            base,
            fontName=faces.heading,
            fontSize=self.heading_size,
            leading=self.heading_size * LEADING,
            textColor=primary,
            spaceBefore=self.space("heading_before"),
            spaceAfter=self.space("heading_after"),
        )
        self.subheading = ParagraphStyle(
            "subheading",
            self.heading,
            fontSize=size,
            leading=size * LEADING,
            spaceBefore=self.space("subheading_before"),
            spaceAfter=self.space("subheading_after"),
        )
        self.label = ParagraphStyle(
            "label",
            base,
            fontName=faces.heading,
            textColor=colour(palette.accent_text),
            spaceBefore=self.space("label_before"),
            spaceAfter=self.space("label_after"),
        )
        self.small = ParagraphStyle(
            "small",
            base,
            fontSize=self.small_size,
            leading=self.small_size * LEADING,
            textColor=colour(palette.muted),
            spaceAfter=self.space("item"),
        )
        self.cell = ParagraphStyle("cell", self.small, textColor=text, spaceAfter=0)
        self.head_cell = ParagraphStyle(
            "head_cell", self.cell, fontName=faces.heading, textColor=colour(palette.on_primary)
        )
        self.box_text = ParagraphStyle("box_text", base, spaceAfter=0)
        self.term = ParagraphStyle(
            "term",
            base,
            leftIndent=self.space("indent"),
            firstLineIndent=-self.space("indent"),
            spaceAfter=self.space("item") * 2,
        )
        self.box_title = ParagraphStyle(
            "box_title", base, fontName=faces.heading, textColor=primary, spaceAfter=0
        )

    def space(self, name: str) -> float:
        """A vertical or horizontal space from :data:`SPACE`, in points at this size."""
        return SPACE[name] * self.size

    def item(self, level: int, *, small: bool = False) -> ParagraphStyle:
        """A list item's style at nesting *level* (0 = top), its marker hanging in the margin."""
        parent = self.small if small else self.body
        indent = self.space("indent")
        return ParagraphStyle(
            f"item{level}",
            parent,
            textColor=self.body.textColor,
            leftIndent=indent * (level + 1),
            bulletIndent=indent * level + self.size * 0.1,
            bulletFontSize=parent.fontSize,
            spaceAfter=self.space("item"),
        )


@dataclass(frozen=True)
class Geometry:
    """Where things go on a page, in points."""

    page: tuple[float, float]
    margin: float
    columns: int
    gutter: float
    band: float  # height of the title band (first page only)
    footer: float  # height reserved for the footer and the space above it
    depth: float = 1.0  # share of the column height the columns use (less when balanced)
    right_to_left: bool = False  # the first column on the right (a Hebrew or Arabic lesson)

    @classmethod
    def for_sheet(cls, document: Document, theme: Theme, band: Band, footer: Footer) -> Geometry:
        """The page the lesson asks for, with *band* and *footer* laid out across it."""
        options = document.outputs.pdf
        paper = PAPER[options.paper or theme.paper]
        page = landscape(paper) if options.orientation == "landscape" else portrait(paper)
        margin = theme.margins.pdf * mm
        gutter = theme.size("pdf", "gutter")
        return cls(
            page=page,
            margin=margin,
            columns=options.columns,
            gutter=gutter,
            band=band.layout(page[0] - 2 * margin),
            footer=footer.layout(page[0] - 2 * margin) + gutter / 2,
            right_to_left=reads_right_to_left(document.language),
        )

    @property
    def inner_width(self) -> float:
        return self.page[0] - 2 * self.margin

    @property
    def column_width(self) -> float:
        return (self.inner_width - (self.columns - 1) * self.gutter) / self.columns

    def column_top(self, first: bool) -> float:
        top = self.page[1] - self.margin
        return top - self.band - self.gutter * 0.75 if first else top

    @property
    def column_bottom(self) -> float:
        return self.margin + self.footer

    def column_end(self, first: bool) -> float:
        """Where the columns end: at the footer, or higher up when balanced."""
        top = self.column_top(first)
        return top - (top - self.column_bottom) * self.depth

    def frames(self, first: bool, kind: type[Frame] = Frame) -> list[Frame]:
        """One frame (of *kind*) per column in reading order (from the right for a lesson
        in a right-to-left language); ids are the column numbers."""
        height = self.column_top(first) - self.column_end(first)
        return [
            kind(
                self.margin
                + (self.columns - 1 - i if self.right_to_left else i)
                * (self.column_width + self.gutter),
                self.column_end(first),
                self.column_width,
                height,
                leftPadding=0,
                rightPadding=0,
                topPadding=0,
                bottomPadding=0,
                id=str(i),
            )
            for i in range(self.columns)
        ]


class PlacingFrame(Frame):
    """A column that places flowables exactly as reportlab's Frame does, without drawing
    them: a trial layout only has to know where everything goes, and drawing was half
    of laying out a sheet whose columns are balanced in many trials."""

    def _add(self, flowable: Flowable, canv: Canvas, trySplit: int = 0) -> int:
        flowable.drawOn = _not_drawn  # this time only: the layout that is kept draws it
        try:
            return super()._add(flowable, canv, trySplit)
        finally:
            del flowable.drawOn

    add = _add


def _not_drawn(*_: object, **__: object) -> None:
    return None


class Band:
    """The title band: title left, the metadata line beside it (or below when too long), logo right."""

    def __init__(
        self, document: Document, theme: Theme, faces: Faces, meta: str, equations: InlineEquations
    ) -> None:
        palette = theme.palette
        self.fill = colour(palette.primary)
        title_size = theme.size("pdf", "title")
        meta_size = theme.size("pdf", "body")
        self.padding = title_size * BAND_PADDING
        self.gap = title_size
        runs = [replace(run, bold=True) for run in document.title.runs]
        measure = TextFonts(theme, "heading")
        self.title_width = sum(text_width(run.text, measure.file(run), title_size) for run in runs)
        style = ParagraphStyle(
            "band_title",
            fontName=faces.heading,
            fontSize=title_size,
            leading=title_size * LEADING,
            textColor=colour(palette.on_primary),
        )

        def math(tex: str) -> str:
            return equations.markup(tex, title_size, palette.on_primary, document.language)

        self.title = Paragraph(markup(runs, faces, palette.on_primary, math), style)
        self.meta = None
        if meta.strip():
            meta_style = ParagraphStyle(
                "band_meta",
                style,
                fontName=faces.body,
                fontSize=meta_size,
                leading=meta_size * LEADING,
            )
            self.meta = Paragraph(wording(meta, faces), meta_style)
        self.logo = theme.logo_path
        self.width = self.height = self.logo_width = self.text_width = self.meta_width = 0.0
        self.inline = False

    def layout(self, width: float) -> float:
        """Arrange the band for a page *width* between the margins; returns its height."""
        self.width = width
        self.text_width = width - 2 * self.padding
        if self.logo:
            self.logo_width = self.title.style.leading * 2
            self.text_width -= self.logo_width + self.padding
        meta_height = 0.0
        if self.meta is not None:
            _, meta_height = self.meta.wrap(self.text_width, 1e6)
            self.meta_width = max(self.meta.getActualLineWidths0())  # in the fonts it is set in
        room = self.text_width - self.meta_width - self.gap
        self.inline = self.meta is not None and self.title_width <= room
        _, title_height = self.title.wrap(room if self.inline else self.text_width, 1e6)
        if self.inline:  # a box as wide as its line, which then stands left or right alike
            self.meta.wrap(self.meta_width + WIDTH_SLACK, 1e6)
        stacked = 0.0 if self.inline else meta_height
        self.height = title_height + stacked + 2 * self.padding
        return self.height

    def draw(self, canvas: Canvas, x: float, top: float) -> None:
        """Paint the band with its top-left corner at (*x*, *top*); a title that reads
        right to left stands at the right, the metadata beside it on its left."""
        canvas.setFillColor(self.fill)
        canvas.roundRect(x, top - self.height, self.width, self.height, BAND_RADIUS, 0, 1)
        left = x + self.padding
        title_y = top - self.padding - self.title.height
        rtl = getattr(self.title.style, "rtl", False)
        self.title.drawOn(canvas, left + (self.text_width - self.title.width) * rtl, title_y)
        if self.meta is not None and self.inline:
            # the two single lines share a baseline: their descents differ by the size ratio
            drop = (self.title.style.fontSize - self.meta.style.fontSize) * DESCENT
            meta_x = left if rtl else left + self.text_width - self.meta_width
            self.meta.drawOn(canvas, meta_x, title_y + drop)
        elif self.meta is not None:
            self.meta.drawOn(canvas, left, title_y - self.meta.height)
        if self.logo:
            size = self.height - 2 * self.padding
            canvas.drawImage(
                ImageReader(str(self.logo)),
                x + self.width - self.padding - self.logo_width,
                top - self.padding - size,
                self.logo_width,
                size,
                preserveAspectRatio=True,
                anchor="e",
                mask="auto",
            )


class Footer:
    """The footer: its text on the left (wrapping when long), the page label on the right."""

    def __init__(self, text: str, label: str, style: ParagraphStyle, faces: Faces) -> None:
        self.style = style
        self.text = Paragraph(wording(text, faces), style)
        self.label = Paragraph(
            wording(label, faces), ParagraphStyle("label", style, alignment=TA_RIGHT)
        )
        self.label_width = 0.0
        if label:
            self.label.wrap(1e6, 1e6)
            self.label_width = max(self.label.getActualLineWidths0())  # in its own fonts
        self.height = style.leading

    def layout(self, width: float) -> float:
        """Wrap the footer to a page *width* between the margins; returns its height."""
        room = width - (self.label_width + 2 * self.style.fontSize if self.label_width else 0.0)
        self.height = max(self.text.wrap(room, 1e6)[1], self.style.leading)
        self.label.wrap(width, 1e6)
        return self.height

    def draw(self, canvas: Canvas, x: float, y: float) -> None:
        """Paint the footer with its bottom-left corner at (*x*, *y*)."""
        self.text.drawOn(canvas, x, y + self.height - self.text.height)
        self.label.drawOn(canvas, x, y + self.height - self.label.height)


class Sheet(BaseDocTemplate):
    """Columns that flow, the band on page 1 and a footer on every page; it counts what it used.

    After :meth:`build`, :attr:`pages` is the number of pages and :attr:`used` the pages
    filled as a fraction (1.4 = one page and 40% of the next page's columns).
    """

    canvasmaker: type[SheetCanvas] = TaggedCanvas
    """Tagged for screen readers; the benchmark swaps in the untagged SheetCanvas to price it."""

    def __init__(
        self,
        geometry: Geometry,
        furniture: Callable[[Canvas, Sheet], None],
        *,
        when: dt.datetime,
        equations: InlineEquations,
        drawn: bool = True,
        **info: object,
    ) -> None:
        self.out = io.BytesIO()
        self.equations = equations
        self.drawn = drawn
        """Whether the sheet is drawn, or only laid out to see where everything goes."""
        super().__init__(
            self.out,
            pagesize=geometry.page,
            leftMargin=geometry.margin,
            rightMargin=geometry.margin,
            topMargin=geometry.margin,
            bottomMargin=geometry.margin,
            invariant=1,
            **info,
        )
        self.geometry = geometry
        self.furniture = furniture
        self.when = when
        kind = Frame if drawn else PlacingFrame
        self.addPageTemplates(
            [
                PageTemplate(
                    "first",
                    frames=geometry.frames(first=True, kind=kind),
                    onPage=self.begin_page,
                    autoNextPageTemplate="later",
                ),
                PageTemplate(
                    "later", frames=geometry.frames(first=False, kind=kind), onPage=self.begin_page
                ),
            ]
        )
        self.pages = 0
        self._end = (0, 0.0)
        self.current: Flowable | None = None
        """The flowable being placed, so a layout failure can say which block it was."""
        self.last: Flowable | None = None
        """The last flowable placed, for when the failing one is a piece of a split."""
        self.filled: set[tuple[int, int]] = set()
        """(page, column) of every column that holds something."""

    def beforeDocument(self) -> None:
        stamp = self.when.strftime("D:%Y%m%d%H%M%S+00'00'")
        self.canv.setDateFormatter(lambda *_: stamp)

    def begin_page(self, canvas: Canvas, sheet: Sheet) -> None:
        """Open the page's artifacts before the furniture: untagged drawing is decoration."""
        if isinstance(canvas, TaggedCanvas):
            canvas.begin_page()
        if self.drawn:
            self.furniture(canvas, sheet)

    def afterPage(self) -> None:
        if isinstance(self.canv, TaggedCanvas):
            self.canv.end_page()
        self.pages += 1

    def handle_flowable(self, flowables: list[Flowable]) -> None:
        self.current = flowables[0] if flowables else None
        super().handle_flowable(flowables)

    def afterFlowable(self, flowable: Flowable) -> None:
        self.last = flowable
        frame = self.frame
        if frame is None:  # a column break just ended the page
            return
        top = frame._y1 + frame._height
        self._end = (int(frame.id), (top - frame._y) / frame._height)
        if not isinstance(flowable, (ActionFlowable, CondPageBreak)):  # breaks hold nothing
            self.filled.add((self.page, int(frame.id)))

    @property
    def gapless(self) -> bool:
        """Whether no column before the last one used was left empty."""
        column, _ = self._end
        return all(
            (page, c) in self.filled
            for page in range(1, self.pages + 1)
            for c in range(self.geometry.columns if page < self.pages else column + 1)
        )

    @property
    def used(self) -> float:
        column, filled = self._end
        return self.pages - 1 + (column + filled) / self.geometry.columns

    def render(self, story: list[Flowable]) -> None:
        """Lay out *story*. The PDF is written only when :meth:`pdf` asks for it: the
        fitting measures most of its trial layouts and keeps one.

        What the layout marks on the flowables (one moved on to the next column, one
        kept with the next) is undone afterwards, as reportlab's multi-pass builds undo
        it, so that the next trial can lay out the same flowables."""
        self._doSave = 0  # reportlab's own switch, as its multi-pass builds use it
        edits: list[tuple[Any, ...]] = []
        self._multiBuildEdits = edits.append
        try:
            self.build(story, canvasmaker=partial(self.canvasmaker, equations=self.equations))
        finally:
            for undo, *arguments in edits:
                undo(*arguments)
            del self._multiBuildEdits

    def pdf(self) -> bytes:
        """The laid-out sheet as PDF bytes, written on the first call."""
        assert self.drawn, "a sheet only laid out has nothing to write"
        if not self._doSave:
            self.canv.save()
            self._doSave = 1
        return self.out.getvalue()


class CodeBox(Flowable):
    """Lines of code on a shaded box, drawn run by run with the canvas.

    A code line is never wrapped (it was cut to the width already) and its spaces all
    count, so Paragraph's markup parsing and wrapping would only cost time: a code-heavy
    sheet is laid out several times while it is fitted. It splits between lines.
    """

    def __init__(
        self,
        lines: Sequence[Sequence[Run]],
        faces: Faces,
        size: float,
        leading: float,
        padding: float,
        colours: tuple[Color, Color],  # the box's fill, the text's default colour
    ) -> None:
        super().__init__()
        self.lines = list(lines)
        self.faces, self.size, self.leading, self.padding = faces, size, leading, padding
        self.fill, self.ink = colours
        self.width = 0.0

    def wrap(self, available_width: float, available_height: float) -> tuple[float, float]:
        self.width = available_width
        return available_width, len(self.lines) * self.leading + self.padding

    def split(self, available_width: float, available_height: float) -> list[Flowable]:
        fits = int((available_height - self.padding) // self.leading)
        if fits < 1 or fits >= len(self.lines):
            return []
        return [self.part(self.lines[:fits]), self.part(self.lines[fits:])]

    def part(self, lines: Sequence[Sequence[Run]]) -> CodeBox:
        box = CodeBox(
            lines, self.faces, self.size, self.leading, self.padding, (self.fill, self.ink)
        )
        box.spaceBefore, box.spaceAfter = self.spaceBefore, self.spaceAfter
        return box

    def draw(self) -> None:
        """The box, then every line in one text object (a run changes only its face
        and colour), so a long listing costs little to draw."""
        canvas = self.canv
        height = len(self.lines) * self.leading + self.padding
        canvas.saveState()
        canvas.setFillColor(self.fill)
        canvas.rect(0, 0, self.width, height, stroke=0, fill=1)
        faces = (self.faces.mono, *self.faces.fallbacks)
        text = canvas.beginText(self.padding, height - self.padding / 2 - self.size)
        text.setLeading(self.leading)
        ink, face = None, None
        bidi = any(RIGHT_TO_LEFT.search(run.text) for line in self.lines for run in line)
        for line in self.lines:
            pieces = [(run.text, run) for run in line]
            if bidi:  # code reads left to right, a Hebrew comment in it right to left
                pieces = visual_order([(shaped(text), run) for text, run in pieces], rtl=False)
            for said, run in pieces:
                if (run.colour or self.ink) != ink:
                    ink = run.colour or self.ink
                    text.setFillColor(colour(ink) if isinstance(ink, str) else ink)
                for piece, index in split_by_font(said, self.faces.coverage):
                    if faces[index] != face:
                        face = faces[index]
                        text.setFont(face, self.size)
                    text.textOut(piece)
            text.textLine()  # the start of the next line
        with (
            marked(canvas, "Code", lang=getattr(self, "lang", "")),
            read_as(canvas, self.text) if bidi else nullcontext(),
        ):
            canvas.drawText(text)
        canvas.restoreState()

    @property
    def text(self) -> str:
        """The code as it reads, line by line."""
        return "\n".join("".join(run.text for run in line) for line in self.lines)
