"""The Word handout: everything in full, for a student reading at a desk.

Built with python-docx on real Word structure, so the handout behaves like one a
careful teacher made by hand: styles (not direct formatting) carry the theme's fonts,
sizes and colours; sections are Heading 1-3 (the navigation pane and a table of
contents work); lists use Word numbering that restarts for every list; tables repeat
their header row and never split a row; headings and block labels keep with what
follows, so no page ends in a lone heading. The page furniture (header, footer,
page X of Y) and every phrase come from the theme.
"""

from __future__ import annotations

import io
import re
from collections.abc import Iterable, Sequence
from pathlib import Path

import docx
from docx.document import Document as WordDocument
from docx.enum.section import WD_SECTION_START
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.table import WD_CELL_VERTICAL_ALIGNMENT, WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_TAB_ALIGNMENT
from docx.image.image import Image
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Emu, Inches, Mm, Pt, RGBColor, Twips
from docx.styles.style import ParagraphStyle
from docx.table import Table, _Cell
from docx.text.paragraph import Paragraph

from ..files import build_time, normalized_zip
from ..inline import RichText, Run
from ..model import (
    CalloutBlock,
    CompareBlock,
    ImageBlock,
    ListBlock,
    ListItem,
    Question,
    QuoteBlock,
    Section,
    TableBlock,
    Term,
    TermsBlock,
    TextBlock,
)
from . import Renderer
from .wordml import (
    PPR_ORDER,
    TBLPR_ORDER,
    TCPR_ORDER,
    TRPR_ORDER,
    Level,
    Numbering,
    add_field,
    borders,
    element,
    link,
    number,
    put,
    set_colour,
    set_fonts,
    set_lang,
    shading,
)

QUOTE_INDENT = Inches(0.4)
PAPER = {"a4": (Mm(210), Mm(297)), "letter": (Inches(8.5), Inches(11))}

# Spacing is proportional to the body size, so a theme with larger type breathes alike.
SPACE_AFTER = 0.6  # paragraphs
LINE_SPACING = 1.15
HEADING_SPACE = {1: (1.6, 0.5), 2: (1.1, 0.35), 3: (0.9, 0.25)}  # (before, after) in body sizes
CELL_PADDING = (70, 110)  # twips: top/bottom, left/right
BOX_PADDING = (130, 200)
LIST_INDENT = 360  # twips per nesting level
CHAR_WIDTH = 0.52  # average glyph width in ems for a rough measure of text
ASPECT_SHARE = (0.14, 0.34)  # the aspect/term column takes this share of the width, at least/most
IMAGE_MAX_HEIGHT = 0.45  # share of the text height an image may take
MAX_HEADING = 3
KEEP_LIST = 8  # lists up to this many items are kept on one page

CHOICE_FORMAT = ("lowerLetter", "%2)")  # multiple-choice letters: a) b) c)
PAGE_MARK, PAGES_MARK = "\ue000", "\ue001"  # sentinels for the page_label fields


def choice_label(index: int) -> str:
    """The letter Word shows before choice *index*, for the answer key to quote."""
    return CHOICE_FORMAT[1].replace("%2", chr(ord("a") + index))


class DocxRenderer(Renderer):
    """Writes ``STEM-handout.docx``."""

    format = "docx"
    suffix = ".docx"
    label = "handout"
    description = "Word handout: the whole lesson, exercises and an answer key"

    def write(self, path: Path) -> None:
        self.word = docx.Document()
        self.container: WordDocument | _Cell = self.word
        self._cell_used = False
        self._page_setup()
        self._styles()
        self._lists()
        self._title_block()
        for section in self.shown(self.document.sections):
            self.render_section(section, 1)
        self._back_matter()
        self._furniture()
        self._properties()
        buffer = io.BytesIO()
        self.word.save(buffer)
        path.write_bytes(normalized_zip(buffer.getvalue(), build_time(self.document)))

    # -- setup ----------------------------------------------------------------------

    def _page_setup(self) -> None:
        outputs = self.document.outputs.docx
        width, height = PAPER[outputs.paper or self.theme.paper]
        margin = Mm(self.theme.margins.docx)
        page = self.word.sections[0]
        page.start_type = WD_SECTION_START.NEW_PAGE
        page.page_width, page.page_height = width, height
        page.left_margin = page.right_margin = page.top_margin = page.bottom_margin = margin
        page.header_distance = page.footer_distance = Emu(margin // 2)
        self.text_width = Emu(width - 2 * margin)
        self.text_height = Emu(height - 2 * margin)

    def _size(self, name: str) -> float:
        return self.theme.size("docx", name)

    def _styles(self) -> None:
        """Set the theme on the document's styles once; paragraphs then only name a style."""
        palette, fonts = self.theme.palette, self.theme.fonts
        body = self._size("body")
        styles = self.word.styles
        self.style: dict[str, ParagraphStyle] = {}

        def define(
            name: str,
            *,
            base: str | None = "Normal",
            font: str | None = None,
            size: float | None = None,
            colour: str | None = None,
            bold: bool | None = None,
            italic: bool | None = None,
            before: float | None = None,
            after: float | None = None,
            keep: bool | None = None,
        ) -> ParagraphStyle:
            if name in self.style:
                style = self.style[name]
            else:
                try:
                    style = styles[name]
                except KeyError:
                    style = styles.add_style(name, WD_STYLE_TYPE.PARAGRAPH)
                    style.quick_style = True
                self.style[name] = style
            if base:
                style.base_style = self.style.get(base) or styles[base]
            rpr = style.element.get_or_add_rPr()
            if font:
                set_fonts(rpr, font)
            if colour:
                set_colour(rpr, colour)
            if size:
                style.font.size = Pt(size)
            if bold is not None:
                style.font.bold = bold
            if italic is not None:
                style.font.italic = italic
            fmt = style.paragraph_format
            if before is not None:
                fmt.space_before = Pt(before * body)
            if after is not None:
                fmt.space_after = Pt(after * body)
            if keep is not None:
                fmt.keep_with_next = keep
            ppr = style.element.get_or_add_pPr()
            for old in ppr.findall(qn("w:pBdr")):
                ppr.remove(old)
            return style

        normal = define(
            "Normal",
            base=None,
            font=fonts.body.name,
            size=body,
            colour=palette.text,
            before=0,
            after=SPACE_AFTER,
        )
        normal.paragraph_format.line_spacing = LINE_SPACING
        normal.paragraph_format.widow_control = True
        for rpr in (normal.element.get_or_add_rPr(), self._default_rpr()):
            set_lang(rpr, self.document.language)

        heading = {"font": fonts.heading.name, "bold": True, "keep": True, "italic": False}
        define("Title", size=self._size("title"), colour=palette.primary, after=0.2, **heading)
        define(
            "Subtitle",
            font=fonts.heading.name,
            size=self._size("subtitle"),
            colour=palette.accent,
            italic=False,
            after=0.6,
            keep=True,
        )
        for level in range(1, MAX_HEADING + 1):
            before, after = HEADING_SPACE[level]
            style = define(
                f"Heading {level}",
                size=self._size(f"h{level}"),
                colour=palette.primary,
                before=before,
                after=after,
                **heading,
            )
            style.paragraph_format.keep_together = True
        put(
            self.style["Heading 1"].element.get_or_add_pPr(),
            borders("pBdr", {"bottom": (6, palette.accent)}),
            PPR_ORDER,
        )
        meta = define("Meta", size=self._size("small"), colour=palette.muted, after=1.0)
        put(
            meta.element.get_or_add_pPr(),
            borders("pBdr", {"bottom": (6, palette.accent)}),
            PPR_ORDER,
        )
        define("Lead", size=self._size("h3"), after=SPACE_AFTER * 1.5)
        define(
            "Block Title",
            size=body,
            colour=palette.primary,
            bold=True,
            before=0.5,
            after=0.25,
            keep=True,
        )
        define(
            "Box Label",
            size=self._size("small"),
            colour=palette.primary,
            bold=True,
            after=0.2,
            keep=True,
        )
        define("List Paragraph", after=0.2)
        define("Table Text", size=self._size("table"), after=0)
        self.style["Table Text"].paragraph_format.line_spacing = 1.0
        define("Table Header", base="Table Text", colour=palette.on_primary, bold=True)
        define("Table Aspect", base="Table Text", bold=True)
        define("Box Text", after=0.25)
        define("Quote", italic=True, colour=palette.text, before=0.6, after=0.2)
        source = define(
            "Quote Source",
            base="Quote",
            size=self._size("small"),
            colour=palette.muted,
            italic=False,
            before=0,
            after=SPACE_AFTER * 1.5,
        )
        for style in (self.style["Quote"], source):  # one bar beside the quote and its source
            style.paragraph_format.left_indent = style.paragraph_format.right_indent = QUOTE_INDENT
            put(
                style.element.get_or_add_pPr(),
                borders("pBdr", {"left": (18, palette.accent)}, space=8),
                PPR_ORDER,
            )
        define("Figure", before=0.6, after=0.2, keep=True)
        self.style["Figure"].paragraph_format.alignment = WD_ALIGN_PARAGRAPH.CENTER
        define("Caption", size=self._size("small"), colour=palette.muted, italic=True, bold=False)
        self.style["Caption"].paragraph_format.alignment = WD_ALIGN_PARAGRAPH.CENTER
        define("Instructions", italic=True, colour=palette.muted)
        define("Question", before=1.0, after=0.2, keep=True)
        define("Choice", after=0.1, keep=True)
        answer = define("Answer Line", after=0, keep=True)
        answer.paragraph_format.line_spacing = Pt(self._size("answer_line"))
        answer.paragraph_format.left_indent = Twips(LIST_INDENT)
        put(
            answer.element.get_or_add_pPr(),
            borders("pBdr", {"bottom": (4, palette.muted), "between": (4, palette.muted)}),
            PPR_ORDER,
        )
        spacer = define("Spacer", size=self._size("small"), after=0)
        spacer.paragraph_format.line_spacing = Pt(SPACE_AFTER * body * 1.5)
        define("Answer", after=0.15)
        explanation = define("Explanation", colour=palette.muted, after=SPACE_AFTER)
        explanation.paragraph_format.left_indent = Twips(LIST_INDENT)
        define("Source", size=self._size("small"), colour=palette.muted, after=0.2)
        for name in ("Header", "Footer"):
            furniture = define(name, size=self._size("small"), colour=palette.muted, after=0)
            furniture.paragraph_format.tab_stops.clear_all()
            furniture.paragraph_format.tab_stops.add_tab_stop(
                self.text_width, WD_TAB_ALIGNMENT.RIGHT
            )

    def _default_rpr(self):
        """The document-wide default run properties (``w:docDefaults``)."""
        defaults = self.word.styles.element.find(qn("w:docDefaults"))
        rpr_default = defaults.find(qn("w:rPrDefault"))
        rpr = rpr_default.find(qn("w:rPr"))
        if rpr is None:
            rpr = element("rPr")
            rpr_default.append(rpr)
        return rpr

    def _lists(self) -> None:
        """Bullets, decimal lists and exercise questions, each up to three levels."""
        palette, body = self.theme.palette, self.theme.fonts.body.name

        def levels(formats: Sequence[tuple[str, str]], **style) -> list[Level]:
            return [
                Level(fmt, text, LIST_INDENT * (index + 1), LIST_INDENT - 60, **style)
                for index, (fmt, text) in enumerate(formats)
            ]

        bullets = [("bullet", "•"), ("bullet", "–"), ("bullet", "▪")]
        decimal = [("decimal", "%1."), ("lowerLetter", "%2."), ("lowerRoman", "%3.")]
        questions = [("decimal", "%1."), CHOICE_FORMAT]
        self.numbering = Numbering(
            self.word,
            {
                "bullet": levels(bullets, colour=palette.accent, font=body),
                "decimal": levels(decimal, colour=palette.primary, bold=True),
                "question": levels(questions, colour=palette.primary, bold=True),
            },
        )

    # -- text -----------------------------------------------------------------------

    def paragraph(self, style: str, text: str | None = None) -> Paragraph:
        """A new paragraph of *style* in the current container, with *text*'s inline runs."""
        container = self.container
        if isinstance(container, _Cell) and not self._cell_used:
            paragraph = container.paragraphs[0]
            paragraph.style = self.style[style]
            self._cell_used = True
        else:
            paragraph = container.add_paragraph(style=self.style[style])
        if text:
            self.runs(paragraph, self.rich(text).runs)
        return paragraph

    @staticmethod
    def rich(text: str) -> RichText:
        """Theme wording may carry inline markup too; lesson text already is RichText."""
        return text if isinstance(text, RichText) else RichText(text)

    def runs(self, paragraph: Paragraph, runs: Iterable[Run], *, bold: bool = False) -> None:
        """Emit inline runs: bold, italic, code in the mono font, links as real hyperlinks."""
        pending: list = []
        pending_href: str | None = None
        for run in runs:
            word_run = paragraph.add_run(run.text)
            if run.bold or bold:
                word_run.bold = True
            if run.italic:
                word_run.italic = True
            if run.code:
                set_fonts(word_run._r.get_or_add_rPr(), self.theme.fonts.mono.name)
            if run.href:
                word_run.font.color.rgb = RGBColor.from_string(self.theme.palette.accent)
                word_run.underline = True
            if pending and run.href != pending_href:
                link(paragraph, pending, pending_href)
                pending = []
            if run.href:
                pending.append(word_run)
                pending_href = run.href
        if pending:
            link(paragraph, pending, pending_href)

    # -- title block and sections ---------------------------------------------------

    def _title_block(self) -> None:
        doc = self.document
        self.paragraph("Title", doc.title)
        if doc.subtitle:
            self.paragraph("Subtitle", doc.subtitle)
        meta = self.wording("meta_line")
        if meta.strip():
            self.paragraph("Meta", meta)
        if doc.summary:
            self.paragraph("Lead", doc.summary)
        if doc.objectives:
            with self.box(self.theme.palette.light):
                self.paragraph("Box Label", self.wording("objectives_title"))
                self.bullets(doc.objectives)
            self.spacer()

    def render_section(self, section: Section, level: int) -> None:
        """A heading at *level* (capped at Heading 3), its blocks, then its subsections."""
        self.paragraph(f"Heading {min(level, MAX_HEADING)}", section.heading)
        for block in self.shown(section.blocks):
            if block.title:
                self.paragraph("Block Title", block.title)
            self.render_block(block)
        for child in self.shown(section.sections):
            self.render_section(child, level + 1)

    def render_text(self, block: TextBlock) -> None:
        self.paragraph("Normal", block.text)

    def render_list(self, block: ListBlock) -> None:
        self.list_items(block.list_.items, "decimal" if block.list_.numbered else "bullet")

    def list_items(self, items: Sequence[ListItem], style: str) -> None:
        """A list with its own numbering instance (so it starts at 1), nested items indented."""
        num_id = self.numbering.new_list(style)
        paragraphs: list[Paragraph] = []

        def walk(entries: Sequence[ListItem], level: int) -> None:
            for item in entries:
                paragraph = self.paragraph("List Paragraph")
                number(paragraph, num_id, level)
                if item.term:
                    self.runs(paragraph, item.term.runs, bold=True)
                    paragraph.add_run(" " if item.term.plain[-1:] in ".:?!" else ": ")
                self.runs(paragraph, item.text.runs)
                paragraphs.append(paragraph)
                walk(item.items, level + 1)

        walk(items, 0)
        if len(paragraphs) <= KEEP_LIST:
            for paragraph in paragraphs[:-1]:
                paragraph.paragraph_format.keep_with_next = True
        paragraphs[-1].paragraph_format.space_after = Pt(SPACE_AFTER * self._size("body"))

    def bullets(self, texts: Sequence[RichText]) -> None:
        self.list_items([ListItem(text=text) for text in texts], "bullet")

    def render_quote(self, block: QuoteBlock) -> None:
        quote = self.paragraph("Quote", block.quote.text)
        if block.quote.source:
            quote.paragraph_format.keep_with_next = True
            source = self.paragraph("Quote Source")
            source.add_run("— ")
            self.runs(source, block.quote.source.runs)

    def render_image(self, block: ImageBlock) -> None:
        """The image fitted into the text width (and part of the page height), alt text set."""
        image = Image.from_file(block.image.src)
        scale = min(
            self.text_width / image.width, self.text_height * IMAGE_MAX_HEIGHT / image.height
        )
        figure = self.paragraph("Figure")
        figure.add_run().add_picture(
            block.image.src,
            width=Emu(int(image.width * scale)),
            height=Emu(int(image.height * scale)),
        )
        for doc_pr in figure._p.xpath(".//wp:docPr"):
            doc_pr.set("descr", block.image.alt)
        for inline in figure._p.xpath(".//wp:inline"):
            for side in ("distT", "distB", "distL", "distR"):  # absent, LibreOffice assumes 1/8 in
                inline.set(side, "0")
        if block.image.caption:
            self.paragraph("Caption", block.image.caption)
        else:
            figure.paragraph_format.keep_with_next = False

    # -- boxes and tables -----------------------------------------------------------

    def box(self, fill: str, bar: str | None = None) -> _Box:
        """A shaded one-cell table the following paragraphs go into (``with self.box(...)``)."""
        return _Box(self, fill, bar)

    def spacer(self) -> None:
        """Space after a table: Word puts the next paragraph right against the table's edge."""
        self.paragraph("Spacer")

    def render_callout(self, block: CalloutBlock) -> None:
        callout = block.callout
        palette = self.theme.palette
        with self.box(palette.callouts[callout.kind], bar=palette.primary):
            label = self.paragraph("Box Label")
            label.add_run(self.wording(f"callout_{callout.kind}")).font.all_caps = True
            if callout.title:
                label.add_run("\u2003")
                self.runs(label, callout.title.runs)
            self.paragraph("Box Text", callout.text)
        self.spacer()

    def render_compare(self, block: CompareBlock) -> None:
        compare = block.compare
        has_aspect = any(row.aspect for row in compare.rows)
        header = [self.rich(self.wording("aspect_header"))] if has_aspect else []
        header += compare.columns
        rows = [
            ([row.aspect or RichText("")] if has_aspect else []) + row.values
            for row in compare.rows
        ]
        if has_aspect:
            widths = self.label_widths([row.aspect or "" for row in compare.rows], len(header))
        else:
            widths = self.even_widths(len(header))
        self.data_table(header, rows, widths, aspect=has_aspect)

    def render_table(self, block: TableBlock) -> None:
        table = block.table
        columns = list(zip(table.header, *table.rows, strict=True))
        self.data_table(table.header, table.rows, self.content_widths(columns), aspect=False)

    def render_terms(self, block: TermsBlock) -> None:
        self.definitions(block.terms)

    def definitions(self, terms: Sequence[Term]) -> None:
        """Terms in a borderless two-column table: bold term, its definition beside it."""
        widths = self.label_widths([term.term for term in terms], 2)
        light = self.theme.palette.light
        table = self.table(len(terms), widths, {"insideH": (4, light), "bottom": (4, light)})
        for row, term in zip(table.rows, terms, strict=True):
            self.cell_text(row.cells[0], "Table Aspect", term.term)
            self.cell_text(row.cells[1], "Table Text", term.definition)
        self.spacer()

    def data_table(
        self,
        header: Sequence[RichText],
        rows: Sequence[Sequence[RichText]],
        widths: Sequence[int],
        *,
        aspect: bool,
    ) -> None:
        """A themed table: coloured header row repeated on each page, banded rows, bold aspects.

        The header and first row keep with each other (and the block's label above them).
        """
        palette = self.theme.palette
        table = self.table(len(rows) + 1, widths, {"bottom": (8, palette.primary)})
        head = table.rows[0]
        put(head._tr.get_or_add_trPr(), element("tblHeader"), TRPR_ORDER)
        for cell, text in zip(head.cells, header, strict=True):
            cell.vertical_alignment = WD_CELL_VERTICAL_ALIGNMENT.CENTER
            self.cell_text(cell, "Table Header", text).paragraph_format.keep_with_next = True
            put(cell._tc.get_or_add_tcPr(), shading(palette.primary), TCPR_ORDER)
        for index, (row, cells) in enumerate(zip(table.rows[1:], rows, strict=True)):
            for column, (cell, text) in enumerate(zip(row.cells, cells, strict=True)):
                style = "Table Aspect" if aspect and column == 0 else "Table Text"
                paragraph = self.cell_text(cell, style, text)
                if index == 0:
                    paragraph.paragraph_format.keep_with_next = True
                if index % 2 == 1:
                    put(cell._tc.get_or_add_tcPr(), shading(palette.light), TCPR_ORDER)
        self.spacer()

    def table(
        self,
        rows: int,
        widths: Sequence[int],
        lines: dict[str, tuple[int, str]],
        cell_padding: tuple[int, int] = CELL_PADDING,
    ) -> Table:
        """A fixed-width table of *widths* (twips), ruled only by *lines*, rows never split.

        It is indented by its cell padding, so its edges (fills, rules) line up with the
        text margins rather than the text inside its first column.
        """
        table = self.container.add_table(rows=rows, cols=len(widths))
        table.alignment = WD_TABLE_ALIGNMENT.LEFT
        table.autofit = False
        tbl_pr = table._tbl.tblPr
        put(tbl_pr, element("tblW", w=sum(widths), type="dxa"), TBLPR_ORDER)
        sides = dict.fromkeys(("top", "left", "bottom", "right", "insideH", "insideV"))
        put(tbl_pr, borders("tblBorders", {**sides, **lines}), TBLPR_ORDER)
        put(tbl_pr, element("tblInd", w=cell_padding[1], type="dxa"), TBLPR_ORDER)
        put(tbl_pr, padding("tblCellMar", *cell_padding), TBLPR_ORDER)
        for column, width in zip(table.columns, widths, strict=True):
            column.width = Twips(width)
        for row in table.rows:
            put(row._tr.get_or_add_trPr(), element("cantSplit"), TRPR_ORDER)
            for cell, width in zip(row.cells, widths, strict=True):
                cell.width = Twips(width)
        return table

    def cell_text(self, cell: _Cell, style: str, text: str) -> Paragraph:
        """Fill a new cell's one paragraph with *text* in *style*."""
        paragraph = cell.paragraphs[0]
        paragraph.style = self.style[style]
        self.runs(paragraph, self.rich(text).runs)
        return paragraph

    # -- column widths --------------------------------------------------------------

    @property
    def width(self) -> int:
        """The text width in twips (the unit of table XML)."""
        return int(self.text_width.twips)

    def measure(self, text: str, *, bold: bool = False) -> int:
        """Roughly how wide *text* sets in table type, in twips, cell padding included."""
        size = self._size("table") * (1.1 if bold else 1.0)
        return int(len(text) * size * CHAR_WIDTH * 20) + 2 * CELL_PADDING[1] + 60

    def even_widths(self, count: int) -> list[int]:
        return [self.width // count] * count

    def label_widths(self, labels: Sequence[str], count: int) -> list[int]:
        """A label column as wide as its longest label needs (within bounds), the rest even."""
        low, high = (int(self.width * share) for share in ASPECT_SHARE)
        longest = max((self.rich(label).plain for label in labels), key=len, default="")
        first = min(max(self.measure(longest, bold=True), low), high)
        rest = (self.width - first) // (count - 1)
        return [first] + [rest] * (count - 1)

    def content_widths(self, columns: Sequence[Sequence[str]]) -> list[int]:
        """Each column gets what its longest cell needs when that is less than a fair share;
        the columns with more text split the rest evenly (then wrap)."""
        needs = [
            max(self.measure(self.rich(text).plain, bold=index == 0) for text in column)
            for index, column in enumerate(columns)
        ]
        return share_out(needs, self.width)

    # -- back matter ----------------------------------------------------------------

    def _back_matter(self) -> None:
        """Glossary, takeaways and sources after the content; then exercises and the key."""
        doc = self.document
        if doc.glossary:
            self.paragraph("Heading 1", self.wording("glossary_title"))
            self.definitions(doc.glossary)
        if doc.takeaways:
            self.paragraph("Heading 1", self.wording("takeaways_title"))
            self.bullets(doc.takeaways)
        if doc.sources:
            self.paragraph("Heading 1", self.wording("sources_title"))
            for source in doc.sources:
                self.paragraph("Source", source)
        if doc.questions:
            self._exercises(doc.questions)
            if doc.outputs.docx.answer_key:
                self._answer_key(doc.questions)

    def _exercises(self, questions: Sequence[Question]) -> None:
        self.paragraph("Heading 1", self.wording("exercises_title"))
        self.paragraph("Instructions", self.wording("exercise_instructions"))
        num_id = self.numbering.new_list("question")
        for question in questions:
            prompt = self.paragraph("Question", question.prompt)
            number(prompt, num_id, 0)
            last = prompt
            if question.choices:
                for choice in question.choices:
                    last = self.paragraph("Choice", choice)
                    number(last, num_id, 1)
            else:
                for _ in range(answer_lines(question)):
                    last = self.paragraph("Answer Line")
            last.paragraph_format.keep_with_next = False

    def _answer_key(self, questions: Sequence[Question]) -> None:
        heading = self.paragraph("Heading 1", self.wording("answer_key_title"))
        heading.paragraph_format.page_break_before = True
        num_id = self.numbering.new_list("question")
        for question in questions:
            answer = self.paragraph("Answer")
            number(answer, num_id, 0)
            if question.choices:  # the letter and the choice, as the student marks it
                letter = choice_label(question.choices.index(question.answer))
                answer.add_run(letter + " ").bold = True
                self.runs(answer, question.answer.runs, bold=True)
            else:
                self.runs(answer, question.answer.runs)
            if question.explanation:
                answer.paragraph_format.keep_with_next = True
                self.paragraph("Explanation", question.explanation)
            else:
                answer.paragraph_format.space_after = Pt(SPACE_AFTER * self._size("body"))

    # -- page furniture and properties ----------------------------------------------

    def _furniture(self) -> None:
        """Title in the header (not on the first page, which shows it large), page X of Y below."""
        page = self.word.sections[0]
        page.different_first_page_header_footer = True
        header = page.header.paragraphs[0]
        header.style = self.style["Header"]
        self.runs(header, self.rich(self.wording("header")).runs)
        put(
            header._p.get_or_add_pPr(),
            borders("pBdr", {"bottom": (4, self.theme.palette.light)}),
            PPR_ORDER,
        )
        for footer in (page.footer, page.first_page_footer):
            paragraph = footer.paragraphs[0]
            paragraph.style = self.style["Footer"]
            self.runs(paragraph, self.rich(self.wording("footer")).runs)
            paragraph.add_run("\t")
            self._page_label(paragraph)

    def _page_label(self, paragraph: Paragraph) -> None:
        """The theme's page label with real PAGE and NUMPAGES fields in place of the numbers."""
        label = self.wording("page_label", page=PAGE_MARK, pages=PAGES_MARK)
        for piece in re.split(f"({PAGE_MARK}|{PAGES_MARK})", label):
            if piece == PAGE_MARK:
                add_field(paragraph, "PAGE", "1")
            elif piece == PAGES_MARK:
                add_field(paragraph, "NUMPAGES", "1")
            elif piece:
                paragraph.add_run(piece)

    def _properties(self) -> None:
        doc = self.document
        when = build_time(doc).replace(tzinfo=None)
        props = self.word.core_properties
        props.title = fit_property(doc.title.plain)
        props.subject = fit_property(doc.subtitle.plain if doc.subtitle else "")
        props.author = fit_property(doc.author.plain if doc.author else "")
        props.last_modified_by = props.author
        props.keywords = fit_property(", ".join(doc.keywords))
        props.comments = fit_property(doc.summary.plain if doc.summary else "")
        props.language = doc.language
        props.category = ""
        props.created = props.modified = when
        props.revision = 1
        package_rels = self.word.part.package.rels
        for rel_id, rel in list(package_rels.items()):
            if rel.reltype == RT.THUMBNAIL:  # python-docx's template ships its own thumbnail
                del package_rels[rel_id]


class _Box:
    """Context manager: a shaded one-cell box; paragraphs made inside it go into the cell."""

    def __init__(self, renderer: DocxRenderer, fill: str, bar: str | None) -> None:
        self.renderer = renderer
        self.fill = fill
        self.bar = bar

    def __enter__(self) -> _Cell:
        r = self.renderer
        lines = {"left": (24, self.bar)} if self.bar else {}
        cell = r.table(1, [r.width], lines, BOX_PADDING).rows[0].cells[0]
        put(cell._tc.get_or_add_tcPr(), shading(self.fill), TCPR_ORDER)
        self.outer = r.container
        r.container = cell
        r._cell_used = False
        return cell

    def __exit__(self, *exc_info: object) -> None:
        """Leave the box; its last paragraph needs no space below, the cell padding gives it."""
        self.renderer.container.paragraphs[-1].paragraph_format.space_after = Pt(0)
        self.renderer.container = self.outer


def padding(tag: str, vertical: int, horizontal: int) -> OxmlElement:
    """Cell margins (``tblCellMar`` or ``tcMar``) in twips."""
    margins = element(tag)
    for side, size in (
        ("top", vertical),
        ("left", horizontal),
        ("bottom", vertical),
        ("right", horizontal),
    ):
        margins.append(element(side, w=size, type="dxa"))
    return margins


def share_out(needs: Sequence[int], total: int) -> list[int]:
    """Split *total* between columns: those needing less than a fair share get their need,
    the rest split what is left evenly; spare width goes to every column by its need."""
    widths = [0] * len(needs)
    open_columns = list(range(len(needs)))
    budget = total
    while open_columns:
        fair = budget // len(open_columns)
        modest = [i for i in open_columns if needs[i] <= fair]
        if not modest:
            for i in open_columns:
                widths[i] = fair
            break
        for i in modest:
            widths[i] = needs[i]
            budget -= needs[i]
            open_columns.remove(i)
    spare = total - sum(widths)
    if spare > 0:
        widths = [width + spare * width // sum(widths) for width in widths]
    widths[-1] += total - sum(widths)
    return widths


def fit_property(text: str, limit: int = 255) -> str:
    """*text* cut at a word to fit a core property (the format allows 255 characters)."""
    if len(text) <= limit:
        return text
    return text[: limit - 1].rsplit(" ", 1)[0] + "…"


def answer_lines(question: Question) -> int:
    """Ruled lines for an open question: more for answers that take more words."""
    words = len(question.answer.plain.split()) + len((question.explanation or "").split())
    return min(2 + words // 12, 6)
