"""The PDF cheat sheet: everything that matters on one printed page.

The reader is revising the night before a test, so the sheet is dense but scannable:
``short`` forms wherever the lesson gives them, compact tables, bold terms, boxed
takeaways, in columns that flow under a title band. It keeps its page promise: when
the content does not fit the pages asked for, the whole type scale shrinks (found by
bisection between the theme's body size and its floor); when even the floor is too
big, the build fails and names the longest sections, unless overflow is allowed.

Fonts are the theme's TrueType files, embedded, so quotes, dashes, accents, Greek and
Cyrillic print as written. The PDF is built in reportlab's invariant mode with dates
from the build time, so the same lesson gives the same bytes.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path

from reportlab.lib.enums import TA_CENTER
from reportlab.lib.fonts import tt2ps
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.utils import ImageReader
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import (
    CondPageBreak,
    Flowable,
    KeepTogether,
    Spacer,
    Table,
    TableStyle,
)
from reportlab.platypus.doctemplate import LayoutError

from .. import mathdraw
from ..errors import BuildError, FormulaTooWide, quoted
from ..files import build_time
from ..formula import read_formula
from ..highlight import code_lines, columns, wrapped
from ..inline import RichText, Run, paragraphs
from ..languages import lettering, reads_right_to_left
from ..mathspeech import Speech
from ..model import (
    Block,
    CalloutBlock,
    CodeBlock,
    ColumnsBlock,
    CompareBlock,
    ImageBlock,
    ListBlock,
    ListItem,
    MathBlock,
    Question,
    QuoteBlock,
    Section,
    TableBlock,
    Term,
    TermsBlock,
    TextBlock,
)
from ..scripts import characters
from ..textfit import at_least, words
from . import Renderer
from .pdfbidi import LinedUp
from .pdflayout import (
    BULLETS,
    LEADING,
    RULE,
    Band,
    CodeBox,
    Faces,
    Footer,
    Geometry,
    Sheet,
    Styles,
    colour,
    markup,
    wording,
)
from .pdfmath import InlineEquations
from .pdftags import (
    CompareTable,
    DataTable,
    Figure,
    Formula,
    Paragraph,
    QuoteBox,
    RightToLeftCompareTable,
    RightToLeftDataTable,
    speak,
)

TABLE_KINDS = {  # by (a compare table, in a right-to-left language)
    (False, False): DataTable,
    (True, False): CompareTable,
    (False, True): RightToLeftDataTable,
    (True, True): RightToLeftCompareTable,
}
KEEP_CODE = 30  # code blocks up to this many lines stay in one column
CODE_LEADING = 1.15  # line height of code, in its type size: compact

BALANCED = 0.9  # a one-page sheet filled this far (share of all columns) is left as it is
GUESS_MARGIN = 0.03  # a story this far under BALANCED is taken to be levelled
MAX_PAGES = 20  # outputs.pdf.pages allows at most this many
STEPS = 10  # the fitting tries body sizes in tenths of a point
IMAGE_HEIGHT = 0.22  # images take at most this share of a column's height (at full size)
MIN_SHRINK = 0.6  # a picture is drawn down to this share of its size to fit a column's foot
ASPECT_WIDTH = 0.3  # a compare table's aspect column takes at most this share of its width
ROUNDING = 2.0  # points: corner radius of boxes
OPENING_LINES = 3  # lines of a paragraph that must follow its heading into a column
CHOICE_GAP = "\u00a0\u00a0\u00a0 "  # between multiple-choice options: wide, but may wrap


class ColumnOverflow(BuildError):
    """Some block is taller (or wider) than a whole column at this layout's size and depth."""


@dataclass(frozen=True)
class Part:
    """A named stretch of the sheet (a section, the glossary, ...), measured when it is too long."""

    name: str
    flowables: list[Flowable]


@dataclass(frozen=True)
class Layout:
    """One trial layout of the whole sheet at one body size."""

    size: float
    sheet: Sheet = field(repr=False)
    pages: int
    used: float  # pages filled, as a fraction (1.4 = one page and 40% of the next)
    labelled: int  # the page count its footers name
    gapless: bool = True  # no column left empty before the last one used

    @property
    def drawn(self) -> bool:
        return self.sheet.drawn

    @property
    def data(self) -> bytes:
        """The PDF; only the layout that is kept is ever written out."""
        return self.sheet.pdf()


class PdfRenderer(Renderer):
    """The cheat sheet, laid out in columns with reportlab's platypus."""

    format = "pdf"
    suffix = ".pdf"
    label = "cheatsheet"
    description = "PDF cheat sheet: the essentials on one printed page, in columns"

    body_size: float
    """The body type size the sheet settled on, in points (set by :meth:`write`)."""
    trials: int
    """How many layouts the fitting made (set by :meth:`write`)."""

    width: float
    """The width blocks are laid out in: a sheet column, or a column of a columns block."""

    def write(self, path: Path) -> None:
        self.faces = Faces.register(self.theme, characters(self.document, self.theme))
        self.equations = InlineEquations()
        self.band = Band(
            self.document, self.theme, self.faces, self.wording("band_meta"), self.equations
        )
        self.geometry = Geometry.for_sheet(self.document, self.theme, self.band, self.footer())
        self.trials = 0
        self.stories: dict[float, tuple[Styles, list[Part]]] = {}
        layout = self.fit()
        if not layout.drawn or layout.pages != layout.labelled:
            layout = self.layout(layout.size, layout.pages, drawn=True)
        self.body_size = layout.size
        path.write_bytes(layout.data)

    # -- keeping the page promise ------------------------------------------------------

    def fit(self) -> Layout:
        """The layout at the largest type size that fits the pages asked for."""
        options = self.document.outputs.pdf
        best, smallest = self.search(options.pages)
        if best is not None:
            return self.balance(best) if best.size == self.theme.size("pdf", "body") else best
        if not options.allow_overflow:
            raise BuildError(self.overflow_message(smallest, options.pages))
        best, _ = self.search(smallest.pages)
        assert best is not None  # the floor size fits the pages it took
        return best

    def balance(self, layout: Layout) -> Layout:
        """Shorten the columns of a one-page sheet with room to spare, so they end level.

        A short lesson would otherwise fill the first columns and leave the last one
        (nearly) empty. Searches the columns' depth, in hundredths, for the shortest
        columns that still hold everything on the page: levelled columns are seldom
        much deeper than the text would fill if it could be cut anywhere, so depths
        just above that are tried first, in growing steps, and the range left is then
        bisected. Each try lays the sheet out again without drawing it (see
        :meth:`layout`); :meth:`write` draws the one kept.
        """
        columns = self.geometry.columns
        if layout.pages != 1 or columns == 1 or layout.used > BALANCED:
            return layout
        full, best, best_geometry = self.geometry, layout, self.geometry
        low, high = int(layout.used * 100), 100  # the answer is in (low, high]
        step = 1
        while high - low > 1:
            middle = min(low + step, (low + high) // 2)
            self.geometry = replace(full, depth=middle / 100)
            try:
                trial = self.layout(layout.size, 1, drawn=False)
            except ColumnOverflow:  # columns this shallow cannot hold some block at all
                low, step = middle, step * 2
                continue
            if trial.pages == 1 and trial.gapless:
                best, best_geometry, high = trial, self.geometry, middle
            else:
                low, step = middle, step * 2
        self.geometry = best_geometry
        return best

    def search(self, pages: int) -> tuple[Layout | None, Layout]:
        """Bisect body sizes (theme body down to its floor) for the largest fitting *pages*.

        Returns the best layout (None when not even the floor fits) and the last one
        tried, which is the floor's when nothing fits.
        """
        top = self.theme.size("pdf", "body")
        trial = self.layout(top, pages, drawn=self.first_kept(top, pages))
        if trial.pages <= pages:
            return trial, trial
        best = None
        low, high = round(self.theme.size("pdf", "body_min") * STEPS), round(top * STEPS)
        while low < high:  # the answer, if any, is in [low, high)
            middle = (low + high) // 2
            trial = self.layout(middle / STEPS, pages, drawn=False)
            if trial.pages <= pages:
                best, low = trial, middle + 1
            else:
                high = middle
        return best, trial

    def first_kept(self, size: float, pages: int) -> bool:
        """Whether the first layout, at the full *size*, is likely the one kept, and so
        worth drawing as it is laid out. A story clearly taller than *pages* is fitted
        at smaller sizes, and one clearly shorter than a full page is levelled: either
        way the sheet is laid out again, and the first drawing would be wasted.

        Guessed from the story's height against the columns' room, which costs little:
        the line breaks it measures are the layout's. Columns waste some room at their
        feet, so the guess runs low (by 0.01 to 0.06 of a page in the shipped lessons).
        A wrong guess either way costs: drawing a layout not kept costs most of a
        layout, leaving the kept one undrawn costs placing it once more, a sixth or so.
        So the first layout is drawn only when it will very likely be kept."""
        g = self.geometry
        room = g.columns * (
            g.column_top(True)
            - g.column_bottom
            + (pages - 1) * (g.column_top(False) - g.column_bottom)
        )
        height = sum(map(self.part_height, self.story_at(size)))
        levelled = pages == 1 and g.columns > 1
        return height <= room and not (levelled and height < (BALANCED - GUESS_MARGIN) * room)

    def story_at(self, size: float) -> list[Part]:
        """The story at body *size* (with :attr:`styles` set for it), made once per size:
        balancing the columns lays the sheet out again and again at one size, and
        reportlab lays out the same flowables anew (it is how its own multi-pass builds
        work), their line breaks kept."""
        if size not in self.stories:
            self.styles = Styles(self.theme, self.faces, size)
            self.width = self.geometry.column_width
            self.stories[size] = (self.styles, self.story())
        self.styles, parts = self.stories[size]
        return parts

    def layout(self, size: float, pages: int, *, drawn: bool) -> Layout:
        """Lay out the whole sheet at body *size* into memory; footers say 'of *pages*'.
        Only a *drawn* layout can be written; the others only say where things go."""
        self.trials += 1
        parts = self.story_at(size)
        doc = self.document
        sheet = Sheet(
            self.geometry,
            lambda canvas, sheet: self.furniture(canvas, sheet, pages),
            when=build_time(doc),
            equations=self.equations,
            title=doc.title.plain,
            author=doc.author.plain if doc.author else "",
            subject=(doc.subtitle or doc.summary or RichText("")).plain,
            keywords=", ".join(doc.keywords),
            creator="Lectern",
            lang=doc.language,
            displayDocTitle=True,
            initialFontName=self.faces.body,  # else every page references a Helvetica
            initialFontSize=size,
            drawn=drawn,
        )
        try:
            # An empty story (every section left out) still gets its page with the title band
            story = [f for part in parts for f in part.flowables] or [Spacer(0, 0)]
            sheet.render(story)
        except LayoutError as error:
            owner = {id(f): part.name for part in parts for f in part.flowables}
            name = owner.get(id(sheet.current)) or owner.get(id(sheet.last), "the sheet")
            raise ColumnOverflow(
                f"a block in '{quoted(name)}' is too long to fit one column of the cheat sheet, even"
                " split up (a table cell or header, most likely); shorten it, or leave the"
                " block out of the cheat sheet with 'skip: [pdf]'"
            ) from error
        return Layout(size, sheet, sheet.pages, sheet.used, pages, sheet.gapless)

    def overflow_message(self, smallest: Layout, pages: int) -> str:
        """Say how far over the sheet is at the floor size, and which sections to shorten."""
        heights: dict[str, float] = {}
        for part in self.story_at(smallest.size):  # laid out already, so made already
            heights[part.name] = heights.get(part.name, 0.0) + self.part_height(part)
        total = sum(heights.values()) or 1.0
        longest = sorted(heights.items(), key=lambda item: -item[1])[:3]
        named = ", ".join(f"{quoted(name)} ({height / total:.0%})" for name, height in longest)
        asked = f"{pages} was" if pages == 1 else f"{pages} were"
        return (
            f"the cheat sheet needs {smallest.used:.1f} pages at the smallest type"
            f" ({smallest.size:g} pt) but {asked} asked; shorten the longest sections: {named}"
            " (or allow more pages with outputs.pdf.pages or --allow-overflow)"
        )

    # -- page furniture ----------------------------------------------------------------

    def footer(self, page: int = 0, pages: int = 0) -> Footer:
        """The footer line: sources and date, and 'page N of M' when there are several pages.

        Without *pages* it is measured for the most pages a sheet may have, so the
        room reserved for it is enough whatever the fitting decides.
        """
        size = self.theme.size("pdf", "body") * self.theme.size("pdf", "small_ratio")
        style = ParagraphStyle(
            "footer",
            fontName=self.faces.body,
            fontSize=size,
            leading=size * LEADING,
            textColor=colour(self.theme.palette.muted),
        )
        options = self.document.outputs.pdf
        widest = MAX_PAGES if options.allow_overflow or options.pages > 1 else 0
        label = ""
        if pages > 1 or (not pages and widest):
            label = self.wording("page_label", page=page or widest, pages=pages or widest)
        return Footer(self.wording("cheatsheet_footer"), label, style, self.faces)

    def furniture(self, canvas: Canvas, sheet: Sheet, pages: int) -> None:
        """The band (first page), rules between the columns and the footer (every page)."""
        g, palette = self.geometry, self.theme.palette
        first = sheet.page == 1
        if first:
            self.band.draw(canvas, g.margin, g.page[1] - g.margin)
        canvas.saveState()
        canvas.setLineWidth(RULE)
        canvas.setStrokeColor(colour(palette.light))
        for column in range(1, g.columns):
            x = g.margin + column * (g.column_width + g.gutter) - g.gutter / 2
            canvas.line(x, g.column_end(first), x, g.column_top(first))
        rule = g.column_bottom - g.gutter / 4
        canvas.line(g.margin, rule, g.page[0] - g.margin, rule)
        canvas.restoreState()
        footer = self.footer(sheet.page, pages)
        footer.layout(g.inner_width)
        footer.draw(canvas, g.margin, g.margin)

    # -- the story ---------------------------------------------------------------------

    def story(self) -> list[Part]:
        """The sheet's content in reading order, as named parts."""
        doc, s = self.document, self.styles
        parts = []
        if doc.summary:
            title = self.wording("summary_title")
            body = [self.paragraph(doc.summary, s.body)]
            parts.append(Part(title, self.lead([self.heading(title)], body)))
        parts += [Part(sec.heading.plain, self.section(sec, 1)) for sec in self.shown(doc.sections)]
        if doc.glossary:
            title = self.wording("glossary_title")
            parts.append(
                Part(title, self.lead([self.heading(title)], self.term_list(doc.glossary)))
            )
        if doc.takeaways:
            box = self.takeaways(doc.takeaways)  # its title row stays with the first takeaway
            parts.append(Part(self.wording("takeaways_title"), self.lead([], [box])))
        if doc.questions and doc.outputs.pdf.questions:
            parts.append(Part(self.wording("quiz_title"), self.quiz(doc.questions)))
        return parts

    def section(
        self, section: Section, level: int, leads: Sequence[Flowable] = ()
    ) -> list[Flowable]:
        """A section's heading, its blocks and its subsections.

        *leads* are headings above this one still waiting for content to keep with.
        """
        with self.speaking(section.lang) as lang:
            heading = self.heading(section.heading, level)
            speak([heading], lang)
            pending = [*leads, heading]
            flowables: list[Flowable] = []
            for block in self.shown(section.blocks):
                label, body = self.titled(block)
                flowables += self.lead([*pending, *label], body)
                pending = []
            for child in self.shown(section.sections):
                flowables += self.section(child, level + 1, pending)
                pending = []
        return flowables + pending

    def titled(self, block: Block) -> tuple[list[Flowable], list[Flowable]]:
        """A block's label (when it has a title) and its flowables, in its language."""
        with self.speaking(block.lang) as lang:
            label = [self.paragraph(block.title, self.styles.label)] if block.title else []
            body = self.render_block(block)
        speak([*label, *body], lang)
        return label, body

    def lead(self, leads: Sequence[Flowable], body: Sequence[Flowable]) -> list[Flowable]:
        """*leads* (headings, labels) kept in one column with the opening of *body*.

        reportlab's keepWithNext would carry a whole table or list along with its
        heading; here a column break happens only when the headings and the first lines
        or rows of what follows do not fit in what is left of the column.
        """
        need = sum(self.height(f) for f in leads) + (self.opening(body[0]) if body else 0.0)
        return [CondPageBreak(need), *leads, *body]

    def part_height(self, part: Part) -> float:
        """The room a part takes in a column, laid end to end (its column breaks, which
        take none unless they break, left out)."""
        return sum(self.height(f) for f in part.flowables if not isinstance(f, CondPageBreak))

    def height(self, flowable: Flowable) -> float:
        """The room *flowable* takes in a column, with the space around it."""
        if isinstance(flowable, Whole):
            return sum(self.height(part) for part in flowable.parts)
        _, height = flowable.wrap(self.geometry.column_width, self.geometry.page[1])
        return height + flowable.getSpaceBefore() + flowable.getSpaceAfter()

    def opening(self, flowable: Flowable) -> float:
        """What must follow a heading into its column: a table's header and first row,
        the first lines of a paragraph or of code, or all of something that cannot break."""
        if isinstance(flowable, DataTable):
            self.height(flowable)
            return flowable.getSpaceBefore() + sum(flowable._rowHeights[: flowable.opening_rows])
        if isinstance(flowable, Table):
            self.height(flowable)
            return flowable.getSpaceBefore() + sum(flowable._rowHeights[:2])
        if isinstance(flowable, Paragraph):
            return min(self.height(flowable), OPENING_LINES * flowable.style.leading)
        if isinstance(flowable, CodeBox):  # long code, which may split between its lines
            opening = OPENING_LINES * flowable.leading + flowable.padding
            return flowable.getSpaceBefore() + min(self.height(flowable), opening)
        return self.height(flowable)

    def heading(self, text: RichText | str, level: int = 1) -> Paragraph:
        """A section heading: ruled at the top level, so sections stand apart in a column."""
        if level > 1:
            return self.paragraph(text, self.styles.subheading, bold=True)
        return RuledHeading(
            f"<b>{self.inline(text)}</b>", self.styles.heading, colour(self.theme.palette.accent)
        )

    # -- blocks ------------------------------------------------------------------------

    def render_text(self, block: TextBlock) -> list[Flowable]:
        """A ``short`` form reads as a point, so it is bulleted; full prose stays a paragraph."""
        if block.text.display_math and not block.short:
            tex = block.text.display_math
            return [self.equation(tex, read_formula(tex).spoken_in(self.lang))]
        if block.short:
            return [whole(self.item(self.inline(block.short), 0, BULLETS[0]))]
        return [
            Paragraph(self.markup(runs), self.styles.body) for runs in paragraphs(block.text.runs)
        ]

    def render_math(self, block: MathBlock) -> list[Flowable]:
        return [self.equation(block.math.tex, block.math.spoken_in(self.lang))]

    def equation(self, tex: str, spoken: Speech) -> Flowable:
        """A display equation at body size, smaller (down to the floor) when the column is
        narrower than it; wider still is refused before rendering. It is read as
        *spoken*, marked with its language where that is not the block's."""
        width = mathdraw.outline(tex).size(self.styles.size)[0]
        size = self.styles.size * min(1.0, self.width / width)
        floor = self.theme.size("pdf", "body_min")
        if size < floor:
            raise FormulaTooWide(tex, "a cheat-sheet column", floor)
        space = self.styles.space("paragraph")
        lang = "" if spoken.language == self.lang else spoken.language
        return Formula(tex, size, self.theme.palette.text, space, alt=spoken.text, alt_lang=lang)

    def render_list(self, block: ListBlock) -> list[Flowable]:
        body = block.list_
        return self.list_items(body.items, numbered=body.numbered, level=0, start=body.start)

    def list_items(
        self, items: Sequence[ListItem], *, numbered: bool, level: int, start: int = 1
    ) -> list[Flowable]:
        flowables: list[Flowable] = []
        for number, item in enumerate(items, start):
            marker = f"{number}." if numbered else BULLETS[level]
            text = self.inline(item.short or item.text)
            if item.term:
                text = f"<b>{self.inline(item.term)}</b>{self.separator(item.term)}{text}"
            flowables.append(whole(self.item(text, level, marker)))
            flowables += self.list_items(
                item.items, numbered=item.numbered, level=level + 1, start=item.start
            )
        return flowables

    def render_compare(self, block: CompareBlock) -> list[Flowable]:
        """Aspects down the side in bold, ``short`` values where given, shaded alternate rows."""
        body = block.compare
        values = [list(row.short or row.values) for row in body.rows]
        width = self.width
        if not any(row.aspect for row in body.rows):
            widths = [width / len(body.columns)] * len(body.columns)
            widths = self.whole_words(widths, body.columns, values, bold_first=False)
            return [self.grid(list(body.columns), values, widths, bold_first=False)]
        aspects = [row.aspect or "" for row in body.rows]
        header = [self.wording("aspect_header"), *body.columns]
        padding = 2 * self.styles.space("cell_h")
        aspect_width = min(
            max(self.text_width(a, bold=True) for a in [header[0], *aspects]) + padding,
            width * ASPECT_WIDTH,
        )
        rest = (width - aspect_width) / len(body.columns)
        rows = [[aspect, *cells] for aspect, cells in zip(aspects, values, strict=True)]
        widths = [aspect_width] + [rest] * len(body.columns)
        return [self.grid(header, rows, self.whole_words(widths, header, rows, bold_first=True))]

    def render_table(self, block: TableBlock) -> list[Flowable]:
        table = block.table
        widths = self.column_widths(table.header, table.rows)
        align = table.align or ()
        return [self.grid(list(table.header), table.rows, widths, bold_first=False, align=align)]

    def render_terms(self, block: TermsBlock) -> list[Flowable]:
        return self.term_list(block.terms)

    def render_callout(self, block: CalloutBlock) -> list[Flowable]:
        """A small box tinted by the callout's kind, its label (and title) above the text."""
        callout, s = block.callout, self.styles
        head = self.inline(self.wording(f"callout_{callout.kind}"))
        if callout.title:
            head += self.inline(self.wording("sheet_term_separator")) + self.inline(callout.title)
        rows = [
            [Paragraph(f"<b>{head}</b>", s.box_title)],
            [self.paragraph(callout.short or callout.text, s.box_text)],
        ]
        fill = colour(self.theme.palette.callouts[callout.kind])
        return [whole(self.box(rows, [("BACKGROUND", (0, 0), (-1, -1), fill)]))]

    def render_quote(self, block: QuoteBlock) -> list[Flowable]:
        """Small italic text on an accent rule, its source below."""
        quote, s = block.quote, self.styles
        rows = [[Paragraph(f"<i>{self.inline(quote.text)}</i>", s.box_text)]]
        if quote.source:
            source = self.wording("sheet_quote_source", source=quote.source.plain)
            rows.append([Paragraph(self.inline(source), s.small)])
        accent = colour(self.theme.palette.accent)
        rule = [("LINEBEFORE", (0, 0), (0, -1), 2 * RULE * 1.5, accent)]
        box = self.box(rows, rule, round=False, kind=QuoteBox)
        return [whole(box)]

    def render_image(self, block: ImageBlock) -> list[Flowable]:
        """The picture fitted to the column (and kept small), its caption below."""
        image, s = block.image, self.styles
        pixels_wide, pixels_high = ImageReader(image.src).getSize()
        g = self.geometry
        scale = s.size / self.theme.size("pdf", "body")
        tallest = (g.column_top(False) - g.column_bottom) * IMAGE_HEIGHT * scale
        width = self.width * (image.width or 100) / 100
        height = width * pixels_high / pixels_wide
        if height > tallest:
            width, height = tallest * pixels_wide / pixels_high, tallest
        picture = Figure(image.src, width=width, height=height, alt=image.alt)
        caption = None
        if image.caption:
            style = ParagraphStyle("caption", s.small, alignment=TA_CENTER)
            caption = Paragraph(f"<i>{self.inline(image.caption)}</i>", style)
        return [Picture(picture, caption, s.space("block"))]

    def render_code(self, block: CodeBlock) -> list[Flowable]:
        """A shaded box of compact mono lines, highlighted; long lines cut with the
        continuation mark. A short block stays in one column."""
        s, highlight, palette = self.styles, self.theme.highlight, self.theme.palette
        size, pad = s.cell.fontSize, s.space("cell_h")
        mark = Run(self.wording("code_continued"), code=True, colour=highlight.get("mark"))
        fits = columns(self.width - 2 * pad, self.theme.font_file("mono"), size, mark)
        lines = [
            line.runs
            for source in wrapped(code_lines(block.code, highlight), fits, mark)
            for line in source
        ]
        fill = colour(self.theme.code_background)
        box = CodeBox(
            lines, self.faces, size, size * CODE_LEADING, pad, (fill, colour(palette.text))
        )
        box.spaceBefore, box.spaceAfter = s.space("item"), s.space("block")
        return [whole(box)] if len(lines) <= KEEP_CODE else [box]

    def render_columns(self, block: ColumnsBlock) -> list[Flowable]:
        """A borderless table with a column's blocks in each cell, side by side."""
        body, gap = block.columns, self.styles.space("cell_h") * 2
        outer = self.width
        widths = [outer * share for share in body.shares]
        cells = []
        for width, column in zip(widths, body.blocks, strict=True):
            self.width = width - gap
            flowables: list[Flowable] = []
            for inner in self.shown(column):
                label, body = self.titled(inner)
                flowables += label + body
            cells.append([part for f in flowables for part in _parts(f)])
        self.width = outer
        table = Table(
            [cells], colWidths=widths, hAlign="LEFT", spaceAfter=self.styles.space("block")
        )
        table.setStyle(
            TableStyle(
                [
                    ("FONT", (0, 0), (-1, -1), self.faces.body, self.styles.size),
                    ("VALIGN", (0, 0), (-1, -1), "TOP"),
                    ("LEFTPADDING", (0, 0), (-1, -1), 0),
                    ("RIGHTPADDING", (0, 0), (-1, -1), gap),
                    ("RIGHTPADDING", (-1, 0), (-1, -1), 0),
                    ("TOPPADDING", (0, 0), (-1, -1), 0),
                    ("BOTTOMPADDING", (0, 0), (-1, -1), 0),
                ]
            )
        )
        return [whole(table)]

    # -- closing parts -----------------------------------------------------------------

    def term_list(self, terms: Iterable[Term]) -> list[Flowable]:
        """Bold terms with their short (or full) definitions; a term never leaves its definition."""
        primary = self.theme.palette.primary
        return [
            whole(
                Paragraph(
                    f'<font color="#{primary}"><b>{self.inline(term.term)}</b></font>'
                    f"{self.separator(term.term)}{self.inline(term.short or term.definition)}",
                    self.styles.term,
                )
            )
            for term in terms
        ]

    def takeaways(self, takeaways: Sequence[RichText]) -> Flowable:
        """The takeaways in a shaded, outlined box (it may split between items, never inside)."""
        s, palette = self.styles, self.theme.palette
        rows = [[self.paragraph(self.wording("takeaways_title"), s.box_title, bold=True)]]
        rows += [[self.item(self.inline(text), 0, BULLETS[0])] for text in takeaways]
        return self.box(
            rows,
            [
                ("BACKGROUND", (0, 0), (-1, -1), colour(palette.light)),
                ("BOX", (0, 0), (-1, -1), RULE * 1.5, colour(palette.primary)),
            ],
        )

    def quiz(self, questions: Sequence[Question]) -> list[Flowable]:
        """Numbered questions with lettered choices; the answers follow in small type."""
        s = self.styles
        flowables: list[Flowable] = []
        for number, question in enumerate(questions, 1):
            lines = [self.item(self.inline(question.prompt), 0, f"{number}.")]
            if question.choices:
                letters = lettering(self.document.language)
                options = CHOICE_GAP.join(
                    f"<b>{self.inline(letters.letter(i, upper=True))}.</b>\u00a0{self.inline(choice)}"
                    for i, choice in enumerate(question.choices)
                )
                lines.append(Paragraph(options, s.item(1)))
            flowables.append(whole(*lines))
        answers = [
            whole(self.item(self.inline(question.answer), 0, f"{number}.", small=True))
            for number, question in enumerate(questions, 1)
        ]
        key = self.paragraph(self.wording("answer_key_title"), s.subheading, bold=True)
        return [
            *self.lead([self.heading(self.wording("quiz_title"))], flowables),
            *self.lead([key], answers),
        ]

    # -- helpers -----------------------------------------------------------------------

    def inline(self, text: RichText | str) -> str:
        """Paragraph markup for lesson text (its runs) or theme wording (plain text, in
        the fonts that have its letters: a Japanese lesson's headings are the theme's)."""
        return self.markup(text.runs) if isinstance(text, RichText) else wording(text, self.faces)

    def markup(self, runs: Sequence[Run]) -> str:
        """Paragraph markup for lesson runs, equations set at the body size."""
        size, ink = self.styles.size, self.theme.palette.text
        return markup(
            runs,
            self.faces,
            self.theme.palette.accent_text,
            lambda tex: self.equations.markup(tex, size, ink, self.lang),
        )

    def paragraph(self, text: RichText | str, style: ParagraphStyle, *, bold: bool = False):
        body = self.inline(text)
        return Paragraph(f"<b>{body}</b>" if bold else body, style)

    def item(self, text: str, level: int, marker: str, *, small: bool = False) -> Paragraph:
        """One list entry (markup *text*) with its *marker* hanging in the margin."""
        return Paragraph(text, self.styles.item(level, small=small), bulletText=marker)

    def separator(self, term: RichText) -> str:
        """Between a term and its text; none when the term ends in its own punctuation."""
        if term.plain[-1:] in ".:?!":
            return " "
        return self.inline(self.wording("sheet_term_separator"))

    def text_width(self, text: RichText | str, *, bold: bool = False) -> float:
        """The width of *text* on one line in a table cell, with a point to spare for rounding."""
        plain = text.plain if isinstance(text, RichText) else text
        face = tt2ps(self.faces.body, int(bold), 0)
        return stringWidth(plain, face, self.styles.cell.fontSize) + 1.0

    def column_widths(
        self, header: Sequence[RichText], rows: Sequence[Sequence[RichText]]
    ) -> list[float]:
        """Table column widths: each column's longest word at least, the rest by content."""
        padding = 2 * self.styles.space("cell_h")
        natural, least = [], []
        for head, *cells in zip(header, *rows, strict=True):
            pieces = [w for cell in cells for w in words(cell.plain)] + words(head.plain)
            natural.append(
                max(self.text_width(head, bold=True), *map(self.text_width, cells)) + padding
            )
            least.append(max(self.text_width(word) for word in pieces or [""]) + padding)
        available = self.width
        if sum(natural) <= available:
            return [w * available / sum(natural) for w in natural]
        spare = available - sum(least)
        if spare <= 0:  # long words must break; every column keeps room for a character
            floor = self.narrowest()
            room = max(available - floor * len(least), 0.0)  # none: grid() refuses
            squeeze = [w - floor for w in least]
            return [floor + room * w / (sum(squeeze) or 1.0) for w in squeeze]
        stretch = [n - m for n, m in zip(natural, least, strict=True)]
        return [m + spare * st / sum(stretch) for m, st in zip(least, stretch, strict=True)]

    def whole_words(
        self,
        widths: Sequence[float],
        header: Sequence[RichText | str],
        rows: Sequence[Sequence[RichText | str]],
        *,
        bold_first: bool,
    ) -> list[float]:
        """*widths* with every column at least as wide as its longest word (a break after a
        hyphen or slash is fine), taken from the columns with most to spare; as they are
        when the words cannot all fit, and the longest break."""
        padding = 2 * self.styles.space("cell_h")
        floors = [
            max(
                self.text_width(word, bold=row == 0 or (bold_first and index == 0))
                for row, cell in enumerate(column)
                for word in words(cell.plain if isinstance(cell, RichText) else cell) or [""]
            )
            + padding
            for index, column in enumerate(zip(header, *rows, strict=True))
        ]
        raised = at_least([round(w * 100) for w in widths], [math.ceil(f * 100) for f in floors])
        return list(widths) if raised is None else [w / 100 for w in raised]

    def narrowest(self) -> float:
        """The narrowest a table column may be: its padding and room for one character."""
        return 2 * self.styles.space("cell_h") + self.styles.cell.fontSize

    def grid(
        self,
        header: Sequence[RichText | str],
        rows: Sequence[Sequence[RichText | str]],
        widths: Sequence[float],
        *,
        bold_first: bool = True,
        align: Sequence[str] = (),
    ) -> Table:
        """A compact table: header row in the primary colour, shaded alternate rows; each
        column's cells, header too, line up as *align* says.

        Tables split between rows only, and repeat their header when they do.
        """
        s, palette = self.styles, self.theme.palette
        available = self.width  # a sheet column, or a column of a columns block
        if min(widths) < self.narrowest() - 0.01 or sum(widths) > available + 0.5:
            raise BuildError(
                f"a table of {len(widths)} columns is too wide for a column of the cheat"
                f" sheet (at most {int(available // self.narrowest())} fit); split it, or leave"
                " it out of the cheat sheet with 'skip: [pdf]'"
            )
        right_to_left = reads_right_to_left(self.lang)
        lined_up = LinedUp(align, right_to_left)
        data = [
            [
                Paragraph(f"<b>{self.inline(cell)}</b>", lined_up(s.head_cell, column, cell))
                for column, cell in enumerate(header)
            ]
        ]
        speak(  # the theme's wording (an aspect column's name) is in the lesson's language
            [p for p, cell in zip(data[0], header, strict=True) if not isinstance(cell, RichText)],
            self.document.language,
        )
        data += [
            [
                self.paragraph(cell, lined_up(s.cell, i, cell), bold=bold_first and i == 0)
                for i, cell in enumerate(row)
            ]
            for row in rows
        ]
        table = TABLE_KINDS[bold_first, right_to_left](
            data,
            colWidths=list(widths),
            repeatRows=1,
            splitInRow=1,
            hAlign="RIGHT" if right_to_left else "LEFT",
            spaceBefore=s.space("item"),
            spaceAfter=s.space("block"),
        )
        table.setStyle(
            TableStyle(
                [
                    ("BACKGROUND", (0, 0), (-1, 0), colour(palette.primary)),
                    (
                        "ROWBACKGROUNDS",
                        (0, 1),
                        (-1, -1),
                        [colour(palette.background), colour(palette.light)],
                    ),
                    *self.cells("cell_v", "cell_h"),
                ]
            )
        )
        return table

    def box(
        self,
        rows: list[list[Flowable]],
        extra: list[tuple],
        *,
        round: bool = True,
        kind: type[Table] = Table,
    ) -> Table:
        """A one-column table as a box (a layout table: its paragraphs are tagged as
        themselves, or as one *kind* such as a quotation), splittable between its rows."""
        s = self.styles
        table = kind(
            rows,
            colWidths=[self.width],
            splitInRow=1,
            spaceBefore=s.space("item"),
            spaceAfter=s.space("block"),
        )
        commands = [*self.cells("item", "box"), *extra]
        commands += [
            ("TOPPADDING", (0, 0), (-1, 0), s.space("box")),
            ("BOTTOMPADDING", (0, -1), (-1, -1), s.space("box")),
        ]
        if round:
            commands.append(("ROUNDEDCORNERS", [ROUNDING] * 4))
        table.setStyle(TableStyle(commands))
        return table

    def cells(self, vertical: str, horizontal: str) -> list[tuple]:
        """Cell font, alignment and padding (names of :data:`SPACE` entries) for a table."""
        v, h = self.styles.space(vertical), self.styles.space(horizontal)
        return [
            ("FONT", (0, 0), (-1, -1), self.faces.body, self.styles.cell.fontSize),
            ("VALIGN", (0, 0), (-1, -1), "TOP"),
            ("TOPPADDING", (0, 0), (-1, -1), v),
            ("BOTTOMPADDING", (0, 0), (-1, -1), v),
            ("LEFTPADDING", (0, 0), (-1, -1), h),
            ("RIGHTPADDING", (0, 0), (-1, -1), h),
        ]


class Picture(Flowable):
    """A picture with its caption under it, kept together in one column.

    Where less is left of a column than the picture needs, it is drawn smaller to fit
    (down to :data:`MIN_SHRINK` of its size) rather than moved on, which would leave the
    foot of the column empty; with less room still it moves to the next column whole.
    """

    def __init__(self, figure: Figure, caption: Paragraph | None, space_after: float) -> None:
        super().__init__()
        self.figure, self.caption = figure, caption
        self.size = (figure.drawWidth, figure.drawHeight)
        self.spaceAfter = caption.getSpaceAfter() if caption else space_after
        self.caption_height = 0.0

    def wrap(self, availWidth: float, availHeight: float) -> tuple[float, float]:
        self.width = availWidth
        if self.caption:
            self.caption_height = self.caption.wrap(availWidth, availHeight)[1]
        width, height = self.size
        room = availHeight - self.caption_height
        scale = room / height if MIN_SHRINK * height <= room < height else 1.0
        self.figure.drawWidth, self.figure.drawHeight = width * scale, height * scale
        return availWidth, self.figure.drawHeight + self.caption_height

    @property
    def parts(self) -> list[Flowable]:
        """What it draws (each tagged on its own)."""
        return [self.figure, *([self.caption] if self.caption else [])]

    def split(self, availWidth: float, availHeight: float) -> list[Flowable]:
        return []

    def draw(self) -> None:
        left = (self.width - self.figure.drawWidth) / 2
        self.figure.drawOn(self.canv, left, self.caption_height)
        if self.caption:
            self.caption.drawOn(self.canv, 0, 0)


class Whole(KeepTogether):
    """Flowables kept in one column (unless they are taller than a whole column)."""

    def __init__(self, parts: Sequence[Flowable]) -> None:
        super().__init__(list(parts))
        self.parts = list(parts)


def whole(*flowables: Flowable) -> Whole:
    return Whole(flowables)


def _parts(flowable: Flowable) -> list[Flowable]:
    """What a table cell can hold of *flowable*: a kept-together group's parts (a cell
    is never split, and the group would ask for a column break to keep them)."""
    return flowable.parts if isinstance(flowable, Whole) else [flowable]


class RuledHeading(Paragraph):
    """A heading with a thin rule under it, never split between columns.

    Half a heading at the foot of a column is no heading; it moves to the next column
    whole, and only one taller than a whole column is a layout error.
    """

    def __init__(self, text: str, style: ParagraphStyle, rule_colour) -> None:
        super().__init__(text, style)
        self.rule_colour = rule_colour

    def split(self, availWidth: float, availHeight: float) -> list[Flowable]:
        return []

    def draw(self) -> None:
        super().draw()
        below = -self.style.fontSize * 0.25
        self.canv.saveState()
        self.canv.setStrokeColor(self.rule_colour)
        self.canv.setLineWidth(RULE)
        self.canv.line(0, below, self.width, below)
        self.canv.restoreState()
