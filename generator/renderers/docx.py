"""The Word handout: everything in full, for a student reading at a desk.

Real Word structure (python-docx opens and saves the package, the XML is written
directly), so the handout behaves like one a careful teacher made by hand: styles
(not direct formatting) carry the theme's fonts, sizes and colours; sections are
Heading 1-3 (the navigation pane and a table of contents work); lists use Word
numbering that restarts for every list; tables repeat their header row and never
split a row; headings and block labels keep with what follows, so no page ends in a
lone heading. The page furniture (header, footer, page X of Y, the logo) and every
phrase come from the theme.

A theme may name the user's own Word document or template (``reference_docx``): the
handout then starts from it and uses its styles, headers, footers and page setup as
they are; the theme only styles what the reference lacks (Lectern's own paragraph
styles, tables, list numbers), in the reference's fonts.
"""

from __future__ import annotations

import io
import re
import warnings
import zipfile
from collections.abc import Callable, Iterable, Sequence
from contextlib import AbstractContextManager
from dataclasses import replace
from pathlib import Path
from xml.etree import ElementTree as ET

from docx.document import Document as WordDocument
from docx.enum.section import WD_SECTION_START
from docx.enum.text import WD_TAB_ALIGNMENT
from docx.image.image import Image
from docx.oxml import OxmlElement, parse_xml
from docx.oxml.ns import nsdecls, qn
from docx.oxml.styles import CT_Style
from docx.oxml.table import CT_Tbl, CT_Tc
from docx.oxml.text.paragraph import CT_P
from docx.oxml.text.run import CT_R
from docx.oxml.xmlchemy import BaseOxmlElement
from docx.parts.story import StoryPart
from docx.section import Section as PageSection
from docx.section import _BaseHeaderFooter
from docx.shared import Emu, Inches, Length, Mm, Pt, Twips
from docx.text.parfmt import ParagraphFormat
from lxml.etree import XMLSyntaxError

from .. import mathdraw, omml
from ..contrast import AA_TEXT, ratio
from ..errors import FormulaTooWide, LessonError
from ..files import build_time, normalized_zip
from ..formula import read_formula
from ..highlight import code_lines, columns, wrapped
from ..inline import RichText, Run, paragraphs
from ..languages import Lettering, aligned_side, lettering, reads_right_to_left
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
from ..officefile import WORD, file_problem
from ..scripts import right_to_left
from ..textfit import Fonts, at_least, text_width, words
from ..theme import Font, Theme, metric_family
from . import Renderer
from .ooxml import fill_app_properties, fill_core_properties
from .wordml import (
    BORDER_SIDES,
    PPR_ORDER,
    RPR_ORDER,
    STYLE_ORDER,
    TCPR_ORDER,
    TRPR_ORDER,
    Level,
    Numbering,
    Styles,
    add_block,
    add_field,
    add_run,
    apply_style,
    blank_document,
    borders,
    default_run_properties,
    element,
    get_or_add,
    indents,
    keep_with_next,
    link,
    mark_right_to_left,
    number,
    open_reference,
    page_of,
    properties,
    put,
    repair_page,
    right_tab,
    set_child,
    set_colour,
    set_fonts,
    set_indent,
    set_lang,
    set_line_spacing,
    set_values,
    shade,
    space_after,
    style_font,
    style_size,
    sub,
    switch,
)

QUOTE_INDENT = Inches(0.4)
NEUTRAL = "Handout Base"  # what the styles Lectern adds are based on
PAPER = {"a4": (Mm(210), Mm(297)), "letter": (Inches(8.5), Inches(11))}

# Spacing is proportional to the body size, so a theme with larger type breathes alike.
SPACE_AFTER = 0.6  # paragraphs
LINE_SPACING = 1.15
HEADING_SPACE = {1: (1.6, 0.5), 2: (1.1, 0.35), 3: (0.9, 0.25)}  # (before, after) in body sizes
CELL_PADDING = (70, 110)  # twips: top/bottom, left/right
BOX_PADDING = (130, 200)
LIST_INDENT = 360  # twips per nesting level
MEASURE_SLACK = 60  # twips added to a measured cell, for rounding in the application
ASPECT_SHARE = (0.14, 0.34)  # the aspect/term column takes this share of the width, at least/most
IMAGE_MAX_HEIGHT = 0.45  # share of the text height an image may take
MAX_HEADING = 3
READ_STYLES = {"Normal", "Title", "Subtitle", "Heading 1", "Heading 2", "Heading 3", "Caption"}
KEEP_LIST = 8  # lists up to this many items are kept on one page
KEEP_CODE = 30  # code blocks up to this many lines are kept on one page
CODE_PADDING = 5  # points between a code box's edge and its text
COLUMN_GAP = 240  # twips between the columns of a columns block


def table_look(header: bool, header_column: bool) -> dict[str, int | str]:
    """``w:tblLook``: which rows and columns are headers (a screen reader announces them,
    a table style applies its header formats). A data table has a header row and banded
    rows; boxes and term lists (layout tables) have neither, so a template's default table
    style cannot rule or shade them as if they had a header. ``val`` is Word's bit mask."""
    val = 0x0400 | (0x0020 if header else 0x0200) | (0x0080 if header_column else 0)
    return dict(
        firstColumn=int(header_column),
        firstRow=int(header),
        lastColumn=0,
        lastRow=0,
        noHBand=int(not header),
        noVBand=1,
        val=f"{val:04X}",
    )


CHOICE_TEXT = "%2)"  # how a choice's letter stands: a) b) c), or א) ב) in Hebrew
PAGE_MARK, PAGES_MARK = "\ue000", "\ue001"  # sentinels for the page_label fields


def choice_label(letters: Lettering, index: int) -> str:
    """The label Word shows before choice *index*, for the answer key to quote."""
    return CHOICE_TEXT.replace("%2", letters.letter(index))


class DocxRenderer(Renderer):
    """Writes ``STEM-handout.docx``."""

    format = "docx"
    suffix = ".docx"
    label = "handout"
    description = "Word handout: the whole lesson, exercises and an answer key"

    def write(self, path: Path) -> None:
        reference = self.theme.reference("docx")
        self.setup(reference)
        self._title_block()
        for section in self.shown(self.document.sections):
            self.render_section(section, 1)
        self._back_matter()
        self._furniture()
        if reference:
            self._check_contrast(reference)
        self._properties()
        mark_right_to_left(self.word, left_to_right={self.styles.id_of("Code")})
        buffer = io.BytesIO()
        self.word.save(buffer)
        path.write_bytes(normalized_zip(buffer.getvalue(), build_time(self.document)))

    # -- setup ----------------------------------------------------------------------

    def setup(self, reference: Path | None) -> None:
        """Open the starting document (python-docx's, or the user's *reference*) and give
        it the page, styles and lists; what a reference lacked and was filled in is kept
        in ``repairs``, the styles it brought (used as they are) in ``given``."""
        self.repairs: list[str] = []
        self.word = self._open(reference) if reference else blank_document()
        self.from_template = reference is not None
        self.styles = Styles(self.word)
        # Data tables take the template's own table style where it has one.
        self.table_style = self.styles.table_style() if self.from_template else None
        self.given: set[str] = set()
        self.container: OxmlElement = self.word.element.body
        self._blank: CT_P | None = None  # the empty paragraph a new table cell holds
        self._page_setup()
        self._styles()
        self._lists()
        self.measuring = self._measuring_theme()
        self.measured: dict[tuple[str, float, bool], int] = {}

    def _open(self, reference: Path) -> WordDocument:
        problem = file_problem(reference, WORD)
        if problem is None:
            try:
                word, self.repairs = open_reference(reference)
                return word
            except (zipfile.BadZipFile, KeyError, ValueError) as error:
                problem = f"not a Word document or template (.docx, .dotx): {error}"
            except XMLSyntaxError as error:
                problem = f"a part of it is damaged ({error}): open and save it again in Word"
        raise LessonError.at(reference, problem)

    def _measuring_theme(self) -> Theme:
        """The theme whose font files measure table text: its own, or on a template the
        metric twin of the template's body font (an unknown font is measured as a wide
        face, so that columns are never too narrow for their longest word)."""
        font = style_font(self.word, self.style["Normal"]) if self.from_template else None
        if font is None:
            return self.theme
        body = Font(name=font.name, file=metric_family(font.name))
        return self.theme.model_copy(
            update={"fonts": self.theme.fonts.model_copy(update={"body": body})}
        )

    def _page_setup(self) -> None:
        """Paper and margins from the lesson or theme; a reference keeps its own page
        setup unless the lesson asks for a paper size, and takes the theme's for what it
        leaves out. Tables and pictures fit the text column, headers and footers span
        the text width."""
        paper = self.document.outputs.docx.paper
        page = self.word.sections[0]
        margin = Mm(self.theme.margins.docx)
        if self.from_template:
            self.repairs += repair_page(page, PAPER[self.theme.paper], margin)
            self.repairs += self._furniture_distances(page, Emu(margin // 2))
        else:
            page.start_type = WD_SECTION_START.NEW_PAGE
            page.left_margin = page.right_margin = page.top_margin = page.bottom_margin = margin
            page.header_distance = page.footer_distance = Emu(margin // 2)
            paper = paper or self.theme.paper
        if paper:
            page.page_width, page.page_height = PAPER[paper]
        self.page = page_of(page)
        if self.page.column_width <= 0 or self.page.text_height <= 0:
            raise LessonError.at(
                self.theme.reference("docx") or self.theme.folders[0] / "theme.yaml",
                "its margins (or columns) leave no room for text; make them smaller",
            )
        self.text_width = self.page.column_width
        self.text_height = self.page.text_height

    def _furniture_distances(self, page: PageSection, usual: Length) -> list[str]:
        """Keep the header and footer Lectern writes off the paper's edge, which printers
        do not reach: a template without its own may put them at 0 (LibreOffice writes
        that). They get the *usual* distance of the theme's own pages, or half the margin
        when less, so that the body still clears them; says what was changed."""
        repairs = []
        for side, story, margin in (
            ("header", page.header, page.top_margin),
            ("footer", page.footer, page.bottom_margin),
        ):
            distance = getattr(page, f"{side}_distance")
            least = Emu(min(usual, abs(margin) // 2))
            if story.is_linked_to_previous and distance < least:
                setattr(page, f"{side}_distance", least)
                repairs.append(
                    f"{side} {distance.mm:.0f} mm from the page edge: Lectern's {side} set"
                    f" {least.mm:.0f} mm from it"
                )
        return repairs

    def _size(self, name: str) -> float:
        return self.theme.size("docx", name)

    def _check_contrast(self, reference: Path) -> None:
        """Warn (the handout still builds) where a reference's own text styles that this
        handout sets text in are in a colour too faint for the page (WCAG AA). A faint
        style the lesson never uses (a caption, without pictures) does not make the
        handout harder to read, and a CI run with --strict should not fail on it."""
        page = self.theme.palette.background
        used = self.styles.used(self.word.element.body)
        for name in sorted(self.given & READ_STYLES):
            if name != "Normal" and self.styles.id_of(name) not in used:
                continue  # Normal: what text without a style of its own is set in
            colour = self.styles.colour(name)
            if colour and ratio(colour, page) < AA_TEXT:
                warnings.warn(
                    f"{reference}: style '{name}' sets text in {colour}, {ratio(colour, page):.2f}:1"
                    f" on the page {page}, under WCAG AA's {AA_TEXT:g}:1; darken it in the"
                    " template",
                    stacklevel=2,
                )

    def _styles(self) -> None:
        """Set the theme on the document's styles once; paragraphs then only name a style.

        A style the reference document brings is taken as it is; styles Lectern adds to a
        reference get the theme's sizes and colours but inherit the reference's fonts.
        """
        palette, fonts = self.theme.palette, self.theme.fonts
        body = self._size("body")
        self.style: dict[str, CT_Style] = {}
        self.style_id: dict[str, str | None] = {}
        self.table_size = self._size("table")  # data tables' type, measured for their columns

        def rule() -> OxmlElement:
            return borders("pBdr", {"bottom": (6, palette.accent)})

        def bar() -> OxmlElement:  # beside a quote, clear of its text
            return borders("pBdr", {"left": (18, palette.accent)}, space=8)

        heading = {"font": fonts.heading.name, "bold": True, "keep": True, "italic": False}
        small = {"size": self._size("small"), "colour": palette.muted}

        normal = self._define(
            "Normal",
            base=None,
            font=fonts.body.name,
            size=body,
            colour=palette.text,
            before=0,
            after=SPACE_AFTER,
            line_spacing=LINE_SPACING,
        )
        if "Normal" not in self.given:
            switch(get_or_add(normal, "pPr", STYLE_ORDER), "widowControl", True, PPR_ORDER)
        for rpr in (get_or_add(normal, "rPr", STYLE_ORDER), default_run_properties(self.word)):
            set_lang(rpr, self.document.language)  # the lesson's language, reference or not
        self._neutral(normal)

        self._define(
            "Title", size=self._size("title"), colour=palette.primary, after=0.2, **heading
        )
        self._define(
            "Subtitle",
            font=fonts.heading.name,
            size=self._size("subtitle"),
            colour=palette.accent_text,
            italic=False,
            after=0.6,
            keep=True,
        )
        # A band behind the title; a reference styles its own title.
        if self._size("title_band") and not self.from_template:
            self._define("Banner Title", base="Title", colour=palette.on_primary)
            self._define("Banner Subtitle", base="Subtitle", colour=palette.on_primary)
        for level in range(1, MAX_HEADING + 1):
            before, after = HEADING_SPACE[level]
            self._define(
                f"Heading {level}",
                size=self._size(f"h{level}"),
                colour=palette.primary,
                before=before,
                after=after,
                keep_together=True,
                lines=rule() if level == 1 else None,
                **heading,
            )
        self._define("Meta", **small, after=1.0, lines=rule())
        self._define("Lead", size=self._size("h3"), after=SPACE_AFTER * 1.5)
        self._define(
            "Block Title",
            size=body,
            colour=palette.primary,
            bold=True,
            before=0.5,
            after=0.25,
            keep=True,
        )
        self._define(
            "Box Label",
            size=self._size("small"),
            colour=palette.primary,
            bold=True,
            after=0.2,
            keep=True,
        )
        self._define(
            "Box Title",
            kind="character",
            base=None,
            size=self._size("h3"),
            colour=palette.text,
            bold=True,
        )
        self._define("List Paragraph", after=0.2)
        self._define("Table Text", size=self._size("table"), after=0, line_spacing=1.0)
        self._define("Table Header", base="Table Text", colour=palette.on_primary, bold=True)
        self._define("Table Aspect", base="Table Text", bold=True)
        if self.table_style is not None:  # cells the table style gives font, size and colour
            own_size = style_size(self.table_style)
            self.table_size = own_size or self.table_size
            self._define(
                "Table Contents",
                base=None,
                size=None if own_size else self.table_size,
                after=0,
                line_spacing=1.0,
            )
            self._plain("Table Contents")
            self._define("Table Heading", base="Table Contents", bold=True)
        self._define("Box Text", after=0.25)
        quote = self._define(
            "Quote",
            italic=True,
            colour=palette.text,
            before=0.6,
            after=0.2,
            lines=bar(),
            indent=(QUOTE_INDENT, QUOTE_INDENT),
        )
        self._define(  # the bar runs on beside the source, unless the reference styles quotes
            "Quote Source",
            base="Quote",
            **small,
            italic=False,
            before=0,
            after=SPACE_AFTER * 1.5,
            lines=None if "Quote" in self.given else bar(),
            indent=indents(quote),
        )
        code_fill = self.theme.code_background
        self._define(
            "Code",
            font=fonts.mono.name,
            size=self._size("code"),
            after=0,
            line_spacing=1.0,
            keep_together=True,
            fill=code_fill,
            lines=borders(
                "pBdr",
                dict.fromkeys(("top", "left", "bottom", "right"), (4, code_fill)),
                space=CODE_PADDING,
            ),
            indent=(Pt(CODE_PADDING), Pt(CODE_PADDING)),
        )
        self._define("Figure", before=0.6, after=0.2, keep=True, align="center")
        self._define("Caption", **small, italic=True, bold=False, align="center")
        self._define("Instructions", italic=True, colour=palette.muted, keep=True)
        self._define("Question", before=1.0, after=0.2, keep=True)
        self._define("Choice", after=0.1, keep=True)
        self._define(
            "Answer Line",
            after=0,
            keep=True,
            line_spacing=Pt(self._size("answer_line")),
            indent=(Twips(LIST_INDENT), None),
            lines=borders("pBdr", {"bottom": (4, palette.muted), "between": (4, palette.muted)}),
        )
        self._define(
            "Spacer", size=self._size("small"), after=0, line_spacing=Pt(SPACE_AFTER * body * 1.5)
        )
        self._define("Answer", after=0.15)
        self._define(
            "Explanation",
            colour=palette.muted,
            after=SPACE_AFTER,
            indent=(Twips(LIST_INDENT), None),
        )
        self._define(
            "Sources",
            **small,
            before=1.2,
            after=0.2,
            lines=borders("pBdr", {"top": (4, palette.light)}),
        )
        self._define("Source", **small, after=0.2)
        for name in ("Header", "Footer"):
            self._define(name, **small, after=0, tab=self.page.text_width)

    def _neutral(self, normal: CT_Style) -> None:
        """The style every style Lectern adds is based on: Normal without what suits only
        running prose. A template's Normal may indent first lines, justify, and snap lines
        to a page grid (East Asian templates do all three); inherited by table cells, boxes
        and answer lines, that multiplied a handout's pages. Lectern's own Normal has none
        of it, so it serves as is."""
        if not self.from_template:
            self._use(NEUTRAL, normal)
            return
        self._define(NEUTRAL, base="Normal", line_spacing=LINE_SPACING)
        if self._plain(NEUTRAL):
            set_child(self.style[NEUTRAL], "semiHidden", STYLE_ORDER)  # a base, not for text

    def _plain(self, name: str) -> bool:
        """Make style *name* left-aligned, without first-line indent, its lines not snapped
        to the page's line grid, whatever it inherits from a template; a style the
        template brings stays as it is (False)."""
        if name in self.given:
            return False
        style = self.style[name]
        ppr = get_or_add(style, "pPr", STYLE_ORDER)
        set_values(ppr, "ind", PPR_ORDER, firstLine=0, firstLineChars=0)
        set_values(ppr, "jc", PPR_ORDER, val="left")
        switch(ppr, "snapToGrid", False, PPR_ORDER)
        switch(get_or_add(style, "rPr", STYLE_ORDER), "snapToGrid", False, RPR_ORDER)
        return True

    def _define(
        self,
        name: str,
        *,
        kind: str = "paragraph",
        base: str | None = NEUTRAL,
        font: str | None = None,
        size: float | None = None,
        colour: str | None = None,
        bold: bool | None = None,
        italic: bool | None = None,
        before: float | None = None,
        after: float | None = None,
        keep: bool | None = None,
        keep_together: bool | None = None,
        line_spacing: float | Length | None = None,
        indent: tuple[Length | None, Length | None] | None = None,
        align: str | None = None,
        lines: OxmlElement | None = None,
        tab: Length | None = None,
        fill: str | None = None,
    ) -> CT_Style:
        """Give style *name* the theme's look (spacing in multiples of the body size).

        A style the reference brings is returned untouched. Fonts are set only without
        a reference: added styles then inherit the reference's. *lines* are paragraph
        borders (a ``w:pBdr``), *tab* a single right tab stop (header and footer), *indent* left/right.
        """
        found = self.styles.find(name, kind)
        if found is not None and self.from_template:
            self.given.add(name)
            return self._use(name, found)
        style = self._use(name, self.styles.add(name, kind) if found is None else found)
        if base:
            set_values(style, "basedOn", STYLE_ORDER, val=self.style[base].styleId)
        rpr = get_or_add(style, "rPr", STYLE_ORDER)
        if font and not self.from_template:
            set_fonts(rpr, font)
        if colour:
            set_colour(rpr, colour)
        if size:
            set_values(rpr, "sz", RPR_ORDER, val=int(Pt(size).pt * 2))
        if bold is not None:
            switch(rpr, "b", bold, RPR_ORDER)
        if italic is not None:
            switch(rpr, "i", italic, RPR_ORDER)
        if kind != "paragraph":
            return style
        body = self._size("body")
        ppr = get_or_add(style, "pPr", STYLE_ORDER)
        if before is not None:
            set_values(ppr, "spacing", PPR_ORDER, before=Pt(before * body).twips)
        if after is not None:
            set_values(ppr, "spacing", PPR_ORDER, after=Pt(after * body).twips)
        if keep is not None:
            switch(ppr, "keepNext", keep, PPR_ORDER)
        if keep_together is not None:
            switch(ppr, "keepLines", keep_together, PPR_ORDER)
        if line_spacing is not None:
            set_line_spacing(ppr, line_spacing)
        if indent is not None:
            set_indent(ppr, *indent)
        if align is not None:
            set_values(ppr, "jc", PPR_ORDER, val=align)
        if tab is not None:
            put(ppr, right_tab(tab), PPR_ORDER)
        for old in ppr.findall(qn("w:pBdr")):
            ppr.remove(old)
        if lines is not None:
            put(ppr, lines, PPR_ORDER)
        if fill is not None:
            set_child(ppr, "shd", PPR_ORDER, val="clear", color="auto", fill=fill)
        return style

    def _use(self, name: str, style: CT_Style) -> CT_Style:
        """Record *style* as the one paragraphs of *name* get, with the id they name it by
        (none for the default style, as python-docx would write)."""
        self.style[name] = style
        self.style_id[name] = None if style.default else style.styleId
        return style

    def _lists(self) -> None:
        """Bullets, decimal lists and exercise questions, each up to three levels."""
        palette = self.theme.palette
        # Bullets in the theme's body font; in a template's, inherited.
        body = None if self.from_template else self.theme.fonts.body.name

        def levels(formats: Sequence[tuple[str, str]], **style) -> list[Level]:
            return [
                Level(fmt, text, LIST_INDENT * (index + 1), LIST_INDENT - 60, **style)
                for index, (fmt, text) in enumerate(formats)
            ]

        bullets = [("bullet", "•"), ("bullet", "–"), ("bullet", "▪")]
        letters = lettering(self.document.language).word  # a b c, or א ב ג in Hebrew
        decimal = [("decimal", "%1."), ("decimal", "%2."), ("decimal", "%3.")]
        questions = [("decimal", "%1."), (letters, CHOICE_TEXT)]
        self.numbering = Numbering(
            self.word,
            {
                "bullet": levels(bullets, colour=palette.accent_text, font=body),
                "decimal": levels(decimal, colour=palette.primary, bold=True),
                "question": levels(questions, colour=palette.primary, bold=True),
            },
        )

    # -- text -----------------------------------------------------------------------

    def set_style(self, item: CT_P | CT_R, name: str) -> None:
        """Give a paragraph or run style *name* by its id, as python-docx would, but
        without its lookup.

        Assigning a style object makes python-docx scan every style in the document to
        see whether it is the default; done per paragraph, that was most of a handout's time.
        """
        apply_style(item, self.style_id[name])

    def paragraph(self, style: str, text: str | None = None) -> CT_P:
        """A new paragraph of *style* in the current container, with *text*'s inline runs.

        A new table cell already holds an empty paragraph, which is filled first.
        """
        if self._blank is None:
            paragraph = add_block(self.container, "p")
        else:
            paragraph, self._blank = self._blank, None
        self.set_style(paragraph, style)
        if text:
            with self.voiced(text):
                self.runs(paragraph, self.rich(text).runs)
        return paragraph

    def voiced(self, text: str) -> AbstractContextManager[str]:
        """The language *text* is in: the theme's wording (a plain string) is always in the
        lesson's, lesson text (RichText) in its section's or block's."""
        return self.speaking(None if isinstance(text, RichText) else self.document.language)

    @staticmethod
    def rich(text: str) -> RichText:
        """Theme wording may carry inline markup too; lesson text already is RichText."""
        return text if isinstance(text, RichText) else RichText(text)

    def runs(
        self,
        paragraph: CT_P,
        runs: Iterable[Run],
        *,
        bold: bool = False,
        part: StoryPart | None = None,
    ) -> None:
        """Emit inline runs: bold, italic, code in the mono font, links as real hyperlinks,
        each marked with its language when that is not the lesson's (the styles carry that).

        Links are relationships of the *part* the paragraph is in (the body's by default).
        """
        part = part or self.word.part
        pending: list[CT_R] = []
        pending_href: str | None = None
        for run in runs:
            if run.math is not None:
                paragraph.append(equation(run.math, omml.inline))
                continue
            word_run = add_run(
                paragraph,
                run.text,
                bold=run.bold or bold,
                italic=run.italic,
                font=self.theme.fonts.mono.name if run.code else None,
                colour=run.colour or (self.theme.palette.accent_text if run.href else None),
                underline=bool(run.href),
                script=run.script,
            )
            if self.lang != self.document.language:
                set_lang(properties(word_run, "rPr"), self.lang)
            if pending and run.href != pending_href:
                link(part, pending, pending_href)
                pending = []
            if run.href:
                pending.append(word_run)
                pending_href = run.href
        if pending:
            link(part, pending, pending_href)

    # -- title block and sections ---------------------------------------------------

    def _title_block(self) -> None:
        """Title and subtitle (on a band of the primary colour if the theme has one),
        the metadata line, the summary as a lead and the objectives in a box."""
        doc = self.document
        if "Banner Title" in self.style:
            pad = int(self._size("title_band") * 20)
            with self.box(self.theme.palette.primary, padding=(pad, pad), purpose=doc.title.plain):
                self.paragraph("Banner Title", doc.title)
                if doc.subtitle:
                    self.paragraph("Banner Subtitle", doc.subtitle)
            self.spacer()
        else:
            self.paragraph("Title", doc.title)
            if doc.subtitle:
                self.paragraph("Subtitle", doc.subtitle)
        meta = self.wording("meta_line")
        if meta.strip():
            self.paragraph("Meta", meta)
        if doc.summary:
            self.paragraph("Lead", doc.summary)
        if doc.objectives:
            title = self.wording("objectives_title")
            with self.box(self.theme.palette.light, purpose=title):
                self.paragraph("Box Label", title)
                self.bullets(doc.objectives)
            self.spacer()

    def render_section(self, section: Section, level: int) -> None:
        """A heading at *level* (capped at Heading 3), its blocks, then its subsections."""
        with self.speaking(section.lang):
            self.paragraph(f"Heading {min(level, MAX_HEADING)}", section.heading)
            for block in self.shown(section.blocks):
                self.titled(block)
            for child in self.shown(section.sections):
                self.render_section(child, level + 1)

    def titled(self, block: Block) -> None:
        """A block with its title above it, both in the block's language."""
        with self.speaking(block.lang):
            if block.title:
                self.paragraph("Block Title", block.title)
            self.render_block(block)

    def prose(self, style: str, text: RichText) -> CT_P:
        """*text* as paragraphs of *style*: a blank line in it starts a new paragraph, a
        single newline is a line break. Returns the last paragraph."""
        for runs in paragraphs(text.runs):
            paragraph = self.paragraph(style)
            self.runs(paragraph, runs)
        return paragraph

    def render_text(self, block: TextBlock) -> None:
        if block.text.display_math:
            self.display_equation(block.text.display_math)
            return
        self.prose("Normal", block.text)

    def render_math(self, block: MathBlock) -> None:
        self.display_equation(block.math.tex)

    def display_equation(self, tex: str) -> None:
        """A display equation, native and editable in Word (``m:oMathPara``), at body size
        or smaller (down to the small size) when the text width is narrower than it."""
        size = self._size("body")
        width = mathdraw.outline(tex).size(size)[0]
        size *= min(1.0, self.text_width.pt / width)
        if size < self._size("small"):
            raise FormulaTooWide(tex, "the handout's text width", self._size("small"))
        self.paragraph("Normal").append(equation(tex, omml.display, size))

    def render_list(self, block: ListBlock) -> None:
        body = block.list_
        self.list_items(body.items, numbered=body.numbered, start=body.start)

    def list_items(self, items: Sequence[ListItem], *, numbered: bool, start: int = 1) -> None:
        """A list, nested items indented. The items of each level (the list's, or one
        item's nested ones) have a numbering instance of their own, so that they are
        numbered or bulleted as they say and start at their own first number, not where
        the items before them ended."""
        paragraphs: list[CT_P] = []
        separator = self.wording("handout_term_separator")

        def walk(entries: Sequence[ListItem], numbered: bool, start: int, level: int) -> None:
            num_id = self.numbering.new_list("decimal" if numbered else "bullet", start, level)
            for item in entries:
                paragraph = self.paragraph("List Paragraph")
                number(paragraph, num_id, level)
                if item.term:
                    self.runs(paragraph, item.term.runs, bold=True)
                    add_run(paragraph, " " if item.term.plain[-1:] in ".:?!" else separator)
                self.runs(paragraph, item.text.runs)
                paragraphs.append(paragraph)
                if item.items:
                    walk(item.items, item.numbered, item.start, level + 1)

        walk(items, numbered, start, 0)
        if len(paragraphs) <= KEEP_LIST:
            for paragraph in paragraphs[:-1]:
                keep_with_next(paragraph)
        space_after(paragraphs[-1], Pt(SPACE_AFTER * self._size("body")))

    def bullets(self, texts: Sequence[RichText]) -> None:
        self.list_items([ListItem(text=text) for text in texts], numbered=False)

    def render_quote(self, block: QuoteBlock) -> None:
        quote = self.prose("Quote", block.quote.text)
        if block.quote.source:
            keep_with_next(quote)
            source = self.paragraph("Quote Source")
            add_run(source, "— ")
            self.runs(source, block.quote.source.runs)

    def render_image(self, block: ImageBlock) -> None:
        """The image fitted into the text width (and part of the page height), alt text set."""
        image = Image.from_file(block.image.src)
        share = (block.image.width or 100) / 100
        scale = min(
            self.text_width * share / image.width,
            self.text_height * IMAGE_MAX_HEIGHT / image.height,
        )
        figure = self.paragraph("Figure")
        width, height = Emu(int(image.width * scale)), Emu(int(image.height * scale))
        picture(figure, self.word.part, Path(block.image.src), width, height, block.image.alt)
        if block.image.caption:
            self.paragraph("Caption", block.image.caption)
        else:
            keep_with_next(figure, False)

    def render_code(self, block: CodeBlock) -> None:
        """Each line a paragraph of the shaded Code style (Word draws them as one box),
        highlighted, long lines cut with the continuation mark; a short block is kept on
        one page."""
        highlight = self.theme.highlight
        mark = Run(self.wording("code_continued"), code=True, colour=highlight.get("mark"))
        room = self.text_width.pt - 4 * CODE_PADDING
        fits = columns(room, self.theme.font_file("mono"), self._size("code"), mark)
        lines = [
            line
            for source in wrapped(code_lines(block.code, highlight), fits, mark)
            for line in source
        ]
        keep = len(lines) <= KEEP_CODE
        for index, line in enumerate(lines):
            paragraph = self.paragraph("Code")
            self.runs(paragraph, line.runs)
            if keep and index < len(lines) - 1:
                keep_with_next(paragraph)
        self.spacer()  # also parts two code blocks in a row, which Word would draw as one box

    def render_columns(self, block: ColumnsBlock) -> None:
        """A borderless table of one row, a column of blocks in each cell, widths as given."""
        body = block.columns
        widths = [int(self.width * share) for share in body.shares]
        widths[-1] += self.width - sum(widths)
        layout = self.wording("layout_table", what=self.wording("columns_purpose"))
        row = self.table(1, widths, {}, (0, COLUMN_GAP // 2), layout=layout).tr_lst[0]
        row.remove(row.find(qn("w:trPr")))  # a tall row may break across pages
        outer, outer_width = self.container, self.text_width
        for cell, width, column in zip(row.tc_lst, widths, body.blocks, strict=True):
            self.container, self._blank = cell, cell.p_lst[0]
            self.text_width = Emu(Twips(width - COLUMN_GAP))
            for inner in self.shown(column):
                self.titled(inner)
            space_after(cell.p_lst[-1], Pt(0))
        self.container, self.text_width, self._blank = outer, outer_width, None
        self.spacer()

    # -- boxes and tables -----------------------------------------------------------

    def box(
        self,
        fill: str,
        bar: str | None = None,
        padding: tuple[int, int] = BOX_PADDING,
        *,
        purpose: str,
    ) -> _Box:
        """A shaded one-cell table the following paragraphs go into (``with self.box(...)``),
        marked as a layout table for *purpose* (what the box holds)."""
        return _Box(self, fill, bar, padding, self.wording("layout_table", what=purpose))

    def spacer(self) -> None:
        """Space after a table: Word puts the next paragraph right against the table's edge."""
        self.paragraph("Spacer")

    def render_callout(self, block: CalloutBlock) -> None:
        callout = block.callout
        palette = self.theme.palette
        kind = self.wording(f"callout_{callout.kind}")
        fill = palette.callouts[callout.kind]
        with self.box(fill, bar=palette.primary, purpose=kind):
            label = self.paragraph("Box Label")
            add_run(label, kind, caps=True)
            if callout.title:
                add_run(label, "\u2003")
                start = len(label.r_lst)
                self.runs(label, callout.title.runs)
                for run in label.r_lst[start:]:
                    self.set_style(run, "Box Title")
            self.prose("Box Text", callout.text)
        self.spacer()

    def render_compare(self, block: CompareBlock) -> None:
        compare = block.compare
        has_aspect = any(row.aspect for row in compare.rows)
        header: list[RichText | str] = [self.wording("aspect_header")] if has_aspect else []
        header += compare.columns
        rows = [
            ([row.aspect or RichText("")] if has_aspect else []) + row.values
            for row in compare.rows
        ]
        if has_aspect:
            aspects = [row.aspect or "" for row in compare.rows]
            widths = self.label_widths(aspects, len(header), self.table_size)
        else:
            widths = self.even_widths(len(header))
        columns = list(zip(header, *rows, strict=True))
        widths = self.whole_words(widths, columns, has_aspect, self.table_size)
        self.data_table(block.title, header, rows, widths, aspect=has_aspect)

    def render_table(self, block: TableBlock) -> None:
        table = block.table
        columns = list(zip(table.header, *table.rows, strict=True))
        widths = self.content_widths(columns, self.table_size)
        widths = self.whole_words(widths, columns, False, self.table_size)
        self.data_table(
            block.title, table.header, table.rows, widths, aspect=False, align=table.align or ()
        )

    def render_terms(self, block: TermsBlock) -> None:
        self.definitions(block.terms, block.title.plain if block.title else "")

    def definitions(self, terms: Sequence[Term], purpose: str) -> None:
        """Terms in a borderless two-column table: bold term, its definition beside it;
        a layout table (no header row), described by *purpose*."""
        widths = self.label_widths([term.term for term in terms], 2, self._size("table"))
        columns = [[term.term for term in terms], [term.definition for term in terms]]
        widths = self.whole_words(widths, columns, True, self._size("table"))
        light = self.theme.palette.light
        lines = {"insideH": (4, light), "bottom": (4, light)}
        table = self.table(
            len(terms), widths, lines, layout=self.wording("layout_table", what=purpose)
        )
        for row, term in zip(table.tr_lst, terms, strict=True):
            term_cell, definition_cell = row.tc_lst
            self.cell_text(term_cell, "Table Aspect", term.term)
            self.cell_text(definition_cell, "Table Text", term.definition)
        self.spacer()

    def data_table(
        self,
        title: RichText | None,
        header: Sequence[RichText | str],
        rows: Sequence[Sequence[RichText]],
        widths: Sequence[int],
        *,
        aspect: bool,
        align: Sequence[str] = (),
    ) -> None:
        """A data table, header row repeated on each page, bold aspects: in the template's
        table style if it has one, else the theme's look (coloured header, banded rows).
        Each column's cells, header too, line up as *align* says (Word reads left and
        right as where a line starts and ends, so a right-to-left table mirrors them).

        The header and first row keep with each other (and the block's label above them).
        Its caption is the block's title, its description that and the column names, for
        screen readers.
        """
        palette = self.theme.palette
        themed = self.table_style is None
        lines = {"bottom": (8, palette.primary)} if themed else {}
        body_style, head_style, aspect_style = (
            ("Table Text", "Table Header", "Table Aspect")
            if themed
            else ("Table Contents", "Table Heading", "Table Heading")
        )
        caption = title.plain if title else ""
        columns = [cell.plain if isinstance(cell, RichText) else cell for cell in header]
        table = self.table(
            len(rows) + 1,
            widths,
            lines,
            header=True,
            style=self.table_style,
            header_column=aspect,
            caption=caption,
            description=self.wording("table_description", title=caption, columns=columns),
        )
        head, *body = table.tr_lst
        set_child(properties(head, "trPr"), "tblHeader", TRPR_ORDER)

        table_reads_backwards = reads_right_to_left(self.lang)

        def lined_up(paragraph: CT_P, column: int, text: str) -> CT_P:
            """The cell's paragraph on its column's side of the page, in the terms of its
            own direction (which it is marked with as the handout is finished)."""
            on_page = aligned_side(align[column] if align else "left", table_reads_backwards)
            own = aligned_side(on_page, right_to_left(text))
            if own != "left":  # left: where its lines start, as the style has it
                set_values(properties(paragraph, "pPr"), "jc", PPR_ORDER, val=own)
            return paragraph

        for column, (cell, text) in enumerate(zip(head.tc_lst, header, strict=True)):
            set_values(properties(cell, "tcPr"), "vAlign", TCPR_ORDER, val="center")
            keep_with_next(lined_up(self.cell_text(cell, head_style, text), column, text))
            if themed:
                shade(cell, palette.primary)
        for index, (row, cells) in enumerate(zip(body, rows, strict=True)):
            for column, (cell, text) in enumerate(zip(row.tc_lst, cells, strict=True)):
                style = aspect_style if aspect and column == 0 else body_style
                paragraph = lined_up(self.cell_text(cell, style, text), column, text)
                if index == 0:
                    keep_with_next(paragraph)
                if themed and index % 2 == 1:
                    shade(cell, palette.light)
        self.spacer()

    def table(
        self,
        rows: int,
        widths: Sequence[int],
        lines: dict[str, tuple[int, str]],
        cell_padding: tuple[int, int] = CELL_PADDING,
        *,
        header: bool = False,
        style: CT_Style | None = None,
        header_column: bool = False,
        caption: str = "",
        description: str = "",
        layout: str = "",
    ) -> CT_Tbl:
        """A fixed-width, left-aligned table of *widths* (twips), ruled only by *lines*,
        rows never split (but in a cell, where a row taller than a page would stall
        LibreOffice); each cell holds one empty paragraph. In a table *style*, the
        style rules and shades it instead; its first row is a *header* row, and a
        *header_column* holds row headers (a compare table's aspects). A data table has a
        *caption* and *description*; a *layout* table (boxes, terms) only places text and
        says so in its description.

        It is indented by its cell padding, so its edges (fills, rules) line up with the
        text margins rather than the text inside its first column.
        """
        table = add_block(self.container, "tbl")
        if self._blank is not None:
            # Before a new cell's empty paragraph, which the next paragraph fills: Word
            # needs a paragraph after the last table in a cell, and none is left above it.
            self._blank.addprevious(table)
        tbl_pr = sub(table, "tblPr")  # its children are made in schema order
        if style is not None:
            sub(tbl_pr, "tblStyle", val=style.styleId)
        sub(tbl_pr, "tblW", w=sum(widths), type="dxa")
        sub(tbl_pr, "jc", val="left")
        sub(tbl_pr, "tblInd", w=cell_padding[1], type="dxa")
        if style is None:
            tbl_pr.append(borders("tblBorders", {**dict.fromkeys(BORDER_SIDES), **lines}))
        sub(tbl_pr, "tblLayout", type="fixed")
        tbl_pr.append(padding("tblCellMar", *cell_padding))
        sub(tbl_pr, "tblLook", **table_look(header, header_column))
        if caption:
            sub(tbl_pr, "tblCaption", val=caption)
        if description or layout:
            sub(tbl_pr, "tblDescription", val=description or layout)
        grid = sub(table, "tblGrid")
        for width in widths:
            sub(grid, "gridCol", w=width)
        nested = isinstance(self.container, CT_Tc)
        for _ in range(rows):
            row = sub(table, "tr")
            if not nested:  # a row taller than a page inside a cell stalls LibreOffice
                sub(sub(row, "trPr"), "cantSplit")
            for width in widths:
                cell = sub(row, "tc")
                sub(sub(cell, "tcPr"), "tcW", type="dxa", w=width)
                sub(cell, "p")
        return table

    def cell_text(self, cell: CT_Tc, style: str, text: str) -> CT_P:
        """Fill a new cell's one paragraph with *text* in *style*."""
        paragraph = cell.p_lst[0]
        self.set_style(paragraph, style)
        with self.voiced(text):
            self.runs(paragraph, self.rich(text).runs)
        return paragraph

    # -- column widths --------------------------------------------------------------

    @property
    def width(self) -> int:
        """The text width in twips (the unit of table XML)."""
        return int(self.text_width.twips)

    def measure(self, text: str, size: float, *, bold: bool = False) -> int:
        """How wide *text* sets on one line at *size*, in twips, cell padding included.

        Measured with metric-compatible font files (the theme's, or the template's
        font's twin), run by run.
        """
        key = (text, size, bold)
        if key not in self.measured:  # the words of a table's cells repeat
            fonts = Fonts(self.measuring)
            points = sum(
                text_width(run.text, fonts.file(replace(run, bold=run.bold or bold)), size)
                for run in self.rich(text).runs
            )
            self.measured[key] = int(points * 20) + 2 * CELL_PADDING[1] + MEASURE_SLACK
        return self.measured[key]

    def even_widths(self, count: int) -> list[int]:
        return [self.width // count] * count

    def label_widths(self, labels: Sequence[str], count: int, size: float) -> list[int]:
        """A label column as wide as its longest label at *size* needs (within bounds),
        the rest even."""
        low, high = (int(self.width * share) for share in ASPECT_SHARE)
        longest = max((self.measure(label, size, bold=True) for label in labels), default=0)
        first = min(max(longest, low), high)
        rest = (self.width - first) // (count - 1)
        return [first] + [rest] * (count - 1)

    def whole_words(
        self, widths: list[int], columns: Sequence[Sequence[str]], bold_first: bool, size: float
    ) -> list[int]:
        """*widths* with every column at least as wide as its longest word (a break after a
        hyphen or slash is fine), taken from the columns with most to spare. A header is
        bold, and so is a first column of aspects or terms. When the words cannot all fit
        the text width, the widths stay as they are and the longest words wrap."""
        floors = [
            max(
                (
                    self.measure(word, size, bold=(bold_first and index == 0) or row == 0)
                    for row, text in enumerate(column)
                    for word in words(text.plain if isinstance(text, RichText) else text)
                ),
                default=0,
            )
            for index, column in enumerate(columns)
        ]
        return at_least(widths, floors) or widths

    def content_widths(self, columns: Sequence[Sequence[str]], size: float) -> list[int]:
        """Each column gets what its longest cell at *size* needs when that is less than a
        fair share; the columns with more text split the rest evenly (then wrap)."""
        needs = [
            max(self.measure(text, size, bold=index == 0) for text in column)
            for index, column in enumerate(columns)
        ]
        return share_out(needs, self.width)

    # -- back matter ----------------------------------------------------------------

    def _back_matter(self) -> None:
        """Glossary, takeaways and sources after the content; then exercises and the key."""
        doc = self.document
        if doc.glossary:
            self.paragraph("Heading 1", self.wording("glossary_title"))
            self.definitions(doc.glossary, self.wording("glossary_title"))
        if doc.takeaways:
            self.paragraph("Heading 1", self.wording("takeaways_title"))
            self.bullets(doc.takeaways)
        if doc.sources:  # a light closing note under a rule, not a section of its own
            first, *rest = doc.sources
            label = self.paragraph("Sources")
            add_run(label, self.wording("handout_sources_label") + " ", bold=True)
            self.runs(label, first.runs)
            for source in rest:
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
            keep_with_next(last, False)

    def _answer_key(self, questions: Sequence[Question]) -> None:
        heading = self.paragraph("Heading 1", self.wording("answer_key_title"))
        switch(properties(heading, "pPr"), "pageBreakBefore", True, PPR_ORDER)
        num_id = self.numbering.new_list("question")
        for question in questions:
            answer = self.paragraph("Answer")
            number(answer, num_id, 0)
            if question.choices:  # the letter and the choice, as the student marks it
                index = question.choices.index(question.answer)
                letter = choice_label(lettering(self.document.language), index)
                add_run(answer, letter + " ", bold=True)
                self.runs(answer, question.answer.runs, bold=True)
            else:
                self.runs(answer, question.answer.runs)
            if question.explanation:
                keep_with_next(answer)
                self.paragraph("Explanation", question.explanation)
            else:
                space_after(answer, Pt(SPACE_AFTER * self._size("body")))

    # -- page furniture and properties ----------------------------------------------

    def _furniture(self) -> None:
        """Title and logo in the header, page X of Y in the footer.

        The first page shows the title large, so its header carries only the logo. A
        reference document's own header and footer stay as they are; ours fill in only
        where it has none.
        """
        page = self.word.sections[0]
        if page.header.is_linked_to_previous:
            page.different_first_page_header_footer = True
            self._header(page.header)
            if self.theme.logo_path:
                first = page.first_page_header
                paragraph = first.paragraphs[0]._p
                self.set_style(paragraph, "Header")
                set_values(properties(paragraph, "pPr"), "jc", PPR_ORDER, val="right")
                self.logo(paragraph, first.part, self._size("logo_title"))
        footers = [page.footer]
        if page.different_first_page_header_footer:
            footers.append(page.first_page_footer)
        for footer in footers:
            if footer.is_linked_to_previous:
                paragraph = self.furniture_paragraph(footer, "Footer")
                self.runs(paragraph, self.rich(self.wording("footer")).runs, part=footer.part)
                add_run(paragraph, "\t")
                self._page_label(paragraph)

    def _header(self, header: _BaseHeaderFooter) -> None:
        """The running header: the title, the logo at the right margin, a hairline below."""
        paragraph = self.furniture_paragraph(header, "Header")
        self.runs(paragraph, self.rich(self.wording("header")).runs, part=header.part)
        if self.theme.logo_path:
            add_run(paragraph, "\t")
            self.logo(paragraph, header.part, self._size("logo"))
        put(
            properties(paragraph, "pPr"),
            borders("pBdr", {"bottom": (4, self.theme.palette.light)}),
            PPR_ORDER,
        )

    def furniture_paragraph(self, story: _BaseHeaderFooter, style: str) -> CT_P:
        """The first paragraph of a header or footer, with a right tab at the text margin.

        Our own Header/Footer styles carry that tab; a reference's styles may have other
        stops (Word's default centre tab), which the paragraph clears.
        """
        paragraph = story.paragraphs[0]._p
        self.set_style(paragraph, style)
        if style in self.given:
            stops = ParagraphFormat(paragraph).tab_stops
            for stop in ParagraphFormat(self.style[style]).tab_stops:
                stops.add_tab_stop(stop.position, WD_TAB_ALIGNMENT.CLEAR)
            stops.add_tab_stop(self.page.text_width, WD_TAB_ALIGNMENT.RIGHT)
        return paragraph

    def logo(self, paragraph: CT_P, part: StoryPart, height: float) -> None:
        """The theme's logo, *height* points tall with its aspect kept, and alt text."""
        logo = self.theme.logo_path
        image = Image.from_file(str(logo))
        size = Pt(height)
        width = Emu(size * image.width // image.height)
        picture(paragraph, part, logo, width, size, self.wording("logo_alt"))

    def _page_label(self, paragraph: CT_P) -> None:
        """The theme's page label with real PAGE and NUMPAGES fields in place of the numbers."""
        label = self.wording("page_label", page=PAGE_MARK, pages=PAGES_MARK)
        for piece in re.split(f"({PAGE_MARK}|{PAGES_MARK})", label):
            if piece == PAGE_MARK:
                add_field(paragraph, "PAGE", "1")
            elif piece == PAGES_MARK:
                add_field(paragraph, "NUMPAGES", "1")
            elif piece:
                add_run(paragraph, piece)

    def _properties(self) -> None:
        fill_core_properties(self.word.core_properties, self.document)
        fill_app_properties(self.word.part.package.rels, {})  # Word counts pages as it opens


class _Box:
    """Context manager: a shaded one-cell box; paragraphs made inside it go into the cell."""

    def __init__(
        self,
        renderer: DocxRenderer,
        fill: str,
        bar: str | None,
        padding: tuple[int, int],
        description: str,
    ) -> None:
        self.renderer = renderer
        self.description = description
        self.fill = fill
        self.bar = bar
        self.padding = padding

    def __enter__(self) -> CT_Tc:
        r = self.renderer
        lines = {"left": (24, self.bar)} if self.bar else {}
        table = r.table(1, [r.width], lines, self.padding, layout=self.description)
        cell = table.tr_lst[0].tc_lst[0]
        shade(cell, self.fill)
        self.outer = r.container
        r.container = cell
        r._blank = cell.p_lst[0]
        return cell

    def __exit__(self, *exc_info: object) -> None:
        """Leave the box; its last paragraph needs no space below, the cell padding gives it."""
        r = self.renderer
        space_after(r.container.p_lst[-1], Pt(0))
        r.container = self.outer
        r._blank = None


def picture(
    paragraph: CT_P, part: StoryPart, path: Path, width: Length, height: Length, alt: str
) -> None:
    """An inline picture of *part* at *width* x *height* with alt text (screen readers read it)."""
    run = add_run(paragraph)
    inline = part.new_pic_inline(str(path), width, height)
    sub(run, "drawing").append(inline)
    # Drawing ids must differ across the whole package: python-docx counts within one
    # part, so a header's logo took the id of the body's first picture, which Word repairs.
    taken = (other.next_id for other in part.package.iter_parts() if isinstance(other, StoryPart))
    inline.docPr.set("id", str(max(taken)))
    inline.docPr.set("descr", alt)
    for side in ("distT", "distB", "distL", "distR"):  # absent, LibreOffice assumes 1/8 in
        inline.set(side, "0")


MATH_FONT = '<w:rFonts w:ascii="Cambria Math" w:hAnsi="Cambria Math"/>'


def equation(
    tex: str, form: Callable[[ET.Element, str, str], str], size: float | None = None
) -> BaseOxmlElement:
    """*tex* as OMML in *form* (inline or display), its runs in Word's math font, at
    *size* points when given (else the paragraph's)."""
    sized = f'<w:sz w:val="{round(size * 2)}"/>' if size else ""
    return parse_xml(
        form(read_formula(tex).mathml, f"<w:rPr>{MATH_FONT}{sized}</w:rPr>", nsdecls("w"))
    )


def padding(tag: str, vertical: int, horizontal: int) -> OxmlElement:
    """Cell margins (``tblCellMar`` or ``tcMar``) in twips."""
    margins = element(tag)
    for side, size in (
        ("top", vertical),
        ("left", horizontal),
        ("bottom", vertical),
        ("right", horizontal),
    ):
        sub(margins, side, w=size, type="dxa")
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


def answer_lines(question: Question) -> int:
    """Ruled lines for an open question: more for answers that take more words."""
    words = len(question.answer.plain.split()) + len((question.explanation or "").split())
    return min(2 + words // 12, 6)
