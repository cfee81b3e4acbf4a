"""The PowerPoint deck: large type, one idea a slide, the presenter's script in the notes.

Every slide sits on a real layout of a real master: the theme's own (built from its
colours, fonts and sizes by :mod:`.pptx_master`) or the user's .pptx/.potx, opened and
normalised by :mod:`.pptx_template`. Both are filled the same way: the title in the
layout's title placeholder, text in its body placeholder, tables, pictures and panels
inside the body placeholder's box on a Title Only layout, the footer and slide number
in the master's own placeholders. Drawing itself lives in :mod:`.pptx_draw`.

Nothing is left to PowerPoint's auto-fit: every text is measured with
:mod:`generator.textfit` in the box it will be drawn in, with that box's insets and the
template's fonts, set smaller down to the theme's floor when it does not fit, and
otherwise continued on further slides, cutting only between list items, table rows,
terms, questions or sentences. Only a user's template whose boxes are too small for
anything may push text below the floor, down to a hard minimum, with a warning naming
the template and the box.
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from functools import cache, cached_property
from itertools import pairwise, permutations
from pathlib import Path
from typing import Any

from pptx.enum.text import MSO_ANCHOR, PP_ALIGN
from pptx.parts.image import Image
from pptx.slide import Slide, SlideLayout

from .. import mathdraw, textfit
from ..errors import BuildError, FormulaTooWide, quoted
from ..files import build_time
from ..formula import read_formula
from ..highlight import Line, code_lines, columns, wrapped
from ..inline import RichText, Run
from ..languages import lettering, reads_right_to_left
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
    QuoteBlock,
    Section,
    TableBlock,
    TermsBlock,
    TextBlock,
)
from . import Renderer, pptx_template
from .ooxml import fill_app_properties, fill_core_properties
from .pptx_draw import CELL_INSETS, NotesPages, Painter, Para, pt
from .pptx_master import GAP
from .pptx_package import deck_bytes
from .pptx_template import BODIES, FOOTERS, HARD_MIN, SUBTITLES, TITLES

PANEL_INSETS = (18.0, 14.0, 18.0, 14.0)  # of coloured callout panels
WIDTH_UNITS = 200  # table column widths move in steps of this share of the content width
MAX_GROUP = 3  # small blocks sharing one slide at most
MAX_STATEMENTS = 5  # short statements sharing one slide at most: they read as a slide's points
STATEMENT_WORDS = 25  # a text this short (or a `short`) is set as a large statement
MATH_LEADING = 1.25  # a display equation's frame over its drawn height: room for Office's layout
MIN_SHRINK = 0.6  # a picture sharing a slide is drawn down to this share of its size to fit
IMAGE_SHARES = 0.6  # an image (with its label and caption) taller than this share of the
# content area, even drawn smaller, has its slide to itself; a smaller one may share one

ColumnLines = Mapping[int, tuple[int, ...]]  # a table column's rows' lines, by width in units


@dataclass
class Piece:
    """A measured stretch of slide content, drawn at a top edge within the content area."""

    height: float
    draw: Callable[[Slide, float], None]
    script: list[str]  # the text shown, as plain lines (notes when nothing else is said)
    full: list[str] = field(default_factory=list)  # full texts of what is shown shortened
    said: list[str] = field(default_factory=list)  # for the presenter only (quiz answers)
    fills: bool = False  # laid out alone (set smaller, or split): never shares a slide
    centre: bool = False
    attach: bool = False  # joins the slide before it when it fits, even a filled one
    alone: Piece | None = None  # how it is set when it ends up alone on a slide
    paras: list[Para] | None = None  # a plain text frame's paragraphs (placeholder-ready)
    notes: list[str] = field(default_factory=list)  # its block's speaker notes
    new_slide: bool = False  # starts a slide (its block asked for one)
    columns: list[Any] | None = None  # a Two Content slide's columns: (box, insets, pieces)
    lang: str = ""  # its block's language ('' for the slide's)
    inner: list[Piece] = field(default_factory=list)  # a columns piece's: their notes are its
    least: float | None = None  # the least height it can be drawn at (a picture, smaller)
    resized: Callable[[float], Piece] | None = None  # itself drawn this tall, when it can be

    @property
    def smallest(self) -> float:
        return self.height if self.least is None else self.least


@dataclass(frozen=True)
class SubItem:
    """A list item's nested item on a slide, with its bullet: a character, or a
    PowerPoint auto-number scheme and the number (or letter) it shows."""

    runs: Sequence[Run]
    bullet: str = "–"
    start_at: int | None = None


@dataclass
class Page:
    """One content slide waiting to be drawn."""

    title: str
    pieces: list[Piece]
    notes: str | None = None
    lang: str = ""  # its section's language ('' for the lesson's)


def _room_for_a_line(box: textfit.Box, line: float) -> textfit.Box:
    """*box* with its top and bottom insets cut, if need be, to leave room for one
    *line*: a template's insets may leave a footer box less than a line inside. A box
    lower than a line still takes one, as it is measured."""
    if box.inner_height >= line:
        return box
    left, top, right, bottom = box.insets
    spare = max(box.height - line, 0) / 2
    insets = (left, min(top, spare), right, min(bottom, spare))
    return replace(box, height=max(box.height, line), insets=insets)


class PptxRenderer(Renderer):
    format = "pptx"
    suffix = ".pptx"
    label = "deck"
    description = "PowerPoint deck: large type, one idea a slide, speaker notes"

    def write(self, path: Path) -> None:
        reference = self.theme.reference("pptx")
        if reference is None:
            self.template = pptx_template.themed(self.theme, self.document.outputs.pptx.aspect)
        else:
            self.template = pptx_template.open_template(reference)
        self.theme = self.template.measuring_theme(self.theme)
        self.deck = self.template.deck
        self.slides = pptx_template.Slides(self.template)
        self.margin = self.theme.margins.slide * 72
        self.width, self.height = self.template.width, self.template.height
        line = self.theme.size("pptx", "body_min") * textfit.LINE_SPACING
        area, self.insets, self.text_in_body, note = self.template.content_area(line)
        if note:
            self.template_warning(note)
        self.left, self.top = area.left, area.top
        self.area_width, self.area_height = area.width, area.height
        if self.template.own:
            self.paint = Painter(self.theme, self.document.language)
        else:
            roles, style = self.template.colour_roles(), self.template.table_style()
            self.paint = Painter(self.theme, self.document.language, roles, style)
        self.notes_pages = NotesPages(self.template.key)
        self.title_slide()
        for page in self.pages():
            self.content_slide(page)
        self.closing_slide()
        fill_core_properties(self.deck.core_properties, self.document)
        slides = self.deck.slides
        counts = {
            "Slides": len(slides),
            "Notes": sum(slide.has_notes_slide for slide in slides),
            "HiddenSlides": 0,
        }
        fill_app_properties(self.deck.part.package._rels, counts)
        path.write_bytes(deck_bytes(self.deck, build_time(self.document)))

    # -- the deck's order ------------------------------------------------------------

    def pages(self) -> list[Page]:
        """Every content slide in order: objectives, sections, glossary, takeaways, quiz."""
        doc = self.document
        pages: list[Page] = []
        if doc.objectives:
            items = [(objective.runs, []) for objective in doc.objectives]
            pages += self.paginate(self.wording("objectives_title"), self.bullets(None, items))
        for section in self.shown(doc.sections):
            pages += self.section_pages(section)
        if doc.glossary:
            pages += self.paginate(
                self.wording("glossary_title"), self.term_pieces(None, doc.glossary)
            )
        if doc.takeaways:
            items = [(takeaway.runs, []) for takeaway in doc.takeaways]
            pages += self.paginate(self.wording("takeaways_title"), self.bullets(None, items))
        if doc.questions:
            pages += self.paginate(self.wording("quiz_title"), self.quiz_pieces())
        return pages

    def section_pages(self, section: Section) -> list[Page]:
        with self.speaking(section.lang) as lang:
            pieces = [p for block in self.shown(section.blocks) for p in self.pieces(block)]
            pages = self.paginate(section.heading, pieces, section.notes, lang)
            for child in self.shown(section.sections):
                pages += self.section_pages(child)
        return pages

    def pieces(self, block: Block) -> list[Piece]:
        """A block's pieces in its language, the first carrying the block's notes and
        slide break."""
        pieces = self.render_block(block)
        if not pieces:  # columns whose blocks are all left out of the deck
            return pieces
        for piece in pieces:
            for form in (piece, piece.alone):
                if form is not None:
                    form.lang = form.lang or block.lang or self.lang  # inner blocks first
        first = pieces[0]
        for piece in (first, first.alone):
            if piece is not None:
                piece.notes = [*([block.notes.plain] if block.notes else []), *piece.notes]
                piece.new_slide = piece.new_slide or block.new_slide
        return pieces

    def paginate(
        self, title: str, pieces: list[Piece], notes: str | None = None, lang: str = ""
    ) -> list[Page]:
        """Slides for one title: small pieces share slides, evenly; a filling piece is alone.

        Every slide after the first carries the theme's `continued` wording, and a piece
        left alone on a slide is set in its `alone` form when it has one. A piece that
        asks for a new slide starts one; *notes* go to the first slide only. The slides
        are in *lang* (a section's language) but where a piece says otherwise.
        """
        groups: list[list[Piece]] = []
        run: list[Piece] = []  # consecutive pieces that may share a slide
        for piece in pieces:
            if piece.new_slide:
                groups += self.balanced(run)
                run = []
            if piece.new_slide and piece.fills:
                groups.append([piece])
            elif piece.new_slide:
                run.append(piece)
            elif piece.attach and not run and groups and self.room(groups[-1], piece):
                groups[-1].append(piece)
            elif piece.fills:
                groups += self.balanced(run)
                groups.append([piece])
                run = []
            else:
                run.append(piece)
        groups += self.balanced(run)
        groups = [[g[0].alone] if len(g) == 1 and g[0].alone else g for g in groups]
        groups = [_fitted(group, self.area_height) for group in groups]
        return [
            Page(
                title if not index else self.wording("continued", title=title),
                group,
                notes if not index else None,
                lang,
            )
            for index, group in enumerate(groups)
        ]

    def room(self, group: Sequence[Piece], piece: Piece | None = None) -> bool:
        """Whether *group* (and *piece*) fit one slide's content area together."""
        stack = [*group, piece] if piece else list(group)
        limit = MAX_STATEMENTS if all(p.centre for p in stack) else MAX_GROUP
        return len(stack) <= limit and _stacked(stack, smallest=True) <= self.area_height

    def balanced(self, pieces: list[Piece]) -> list[list[Piece]]:
        """*pieces* on as few slides as they need, as even as can be (4 -> 2 + 2, not 3 + 1)."""
        if not pieces:
            return []
        count = 1
        used: list[Piece] = []
        for piece in pieces:
            if used and not self.room(used, piece):
                count += 1
                used = []
            used.append(piece)
        return _even_cut(pieces, count, self.room)

    # -- slides ----------------------------------------------------------------------

    def content_slide(self, page: Page) -> None:
        """The title, then the pieces stacked (centred when they are all statements).

        Text alone goes into the layout's body placeholder; a slide with a table, picture
        or panel is a Title Only slide with its pieces drawn inside the body's box.
        """
        if len(page.pieces) == 1 and page.pieces[0].columns:
            self.two_content_slide(page)
            return
        text_only = self.text_in_body and all(piece.paras for piece in page.pieces)
        layout = (self.template.content if text_only else self.template.title_only) or (
            self.template.content
        )
        slide = self.slides.add(layout)
        self.slide_title(slide, layout, page.title, page.lang)
        body = self.template.slot(slide, layout, BODIES)
        centred = all(piece.centre for piece in page.pieces)
        if text_only:
            body.place(pptx_template.Rect(self.left, self.top, self.area_width, self.area_height))
            self.paint.fill_placeholder(
                body, self.joined(page.pieces), MSO_ANCHOR.MIDDLE if centred else MSO_ANCHOR.TOP
            )
        else:
            if body is not None:
                body.remove()
            top = self.top + ((self.area_height - _stacked(page.pieces)) / 2 if centred else 0)
            self.stack(slide, page.pieces, top)
        self.footer(slide, layout)
        self.notes_pages.write(slide, self.notes(page))

    def joined(self, pieces: Sequence[Piece]) -> list[Para]:
        """Plain text pieces as one frame's paragraphs, as far apart as stacked frames are."""
        paras: list[Para] = []
        apart = GAP + self.insets[1] + self.insets[3]  # the gap plus the insets it replaces
        for piece in pieces:
            first, *rest = (replace(para, lang=piece.lang) for para in piece.paras or [])
            paras += [replace(first, space_before=apart) if paras else first, *rest]
        return paras

    def notes(self, page: Page) -> list[tuple[str, str]]:
        """The section's notes and the full text of anything shown shortened (else the
        text), each line with its language: its piece's, else its slide's."""
        slide = page.lang or self.document.language

        pieces = list(_with_inner(page.pieces))

        def each(kind: str) -> list[tuple[str, str]]:
            return [
                (line, piece.lang or slide) for piece in pieces for line in getattr(piece, kind)
            ]

        lines = [(page.notes, slide)] if page.notes else []
        lines += each("notes")
        lines += [(line, self.document.language) for piece in pieces for line in piece.said]
        full = each("full")
        if full:
            lines += [(self.wording("notes_full_text"), self.document.language), *full]
        return lines or each("script")

    def slide_title(self, slide: Slide, on: SlideLayout, title: str, lang: str) -> None:
        """The title in the layout's title placeholder, in the master's title style, in
        *lang* (its section's language; '' for the lesson's)."""
        sizes = self.theme.sizes["pptx"]
        runs = RichText(title).runs

        def layout(size: float) -> list[Para]:
            return [Para(_bold(runs), size, role="heading", lang=lang)]

        shape = self.template.slot(slide, on, TITLES)
        what = f"the slide title '{quoted(title)}'"
        self.fill_placeholder(shape, layout, sizes["heading"], sizes["body_min"], what, "title")

    def fitted(
        self,
        layout: Callable[[float], list[Para]],
        box: textfit.Box,
        start: float,
        floor: float,
        what: str,
        where: str = "",
    ) -> float:
        """The largest size at which *layout* fits *box*; an error naming *what* otherwise.

        In a user's template whose box (*where*, e.g. "layout 'X': title box") is too small even at the
        floor, the text goes on shrinking down to the hard minimum, with a warning that
        names the template, its layout and the box: the lesson is not to blame.
        """
        size = textfit.fit(layout, box, self.theme, start, floor)
        if size is None and where and not self.template.own:
            size = textfit.fit(layout, box, self.theme, floor, HARD_MIN)
            if size is not None:
                self.template_warning(
                    f"{where} {box.height:.0f} pt tall: {what} is set at {size:g} pt"
                )
        if size is None:
            if where and not self.template.own:
                raise BuildError(
                    f"{self.template.name}: {where} {box.height:.0f} pt tall is too small"
                    f" for {what} even at {HARD_MIN:g} pt; use a layout with a larger box"
                )
            raise BuildError(f"{what} is too long for its slide; shorten it")
        return size

    def template_warning(self, message: str) -> None:
        """A warning about the user's template, once per deck for each message."""
        text = f"{self.template.name}: {message}"
        if text not in self.warned:
            self.warned.add(text)
            warnings.warn(text, stacklevel=2)

    @cached_property
    def warned(self) -> set[str]:
        return set()

    def fill_placeholder(
        self,
        shape: pptx_template.Slot,
        layout: Callable[[float], list[Para]],
        start: float,
        floor: float,
        what: str,
        where: str,
        anchor: MSO_ANCHOR | None = None,
    ) -> None:
        """*layout*'s text in a placeholder, measured in the box and insets it inherits;
        a subtitle box that runs over a decoration of the template is moved clear of it
        (a title or footer is often set on a band on purpose)."""
        if where == "cover subtitle":  # a title is often set on a band on purpose
            shape.place(self.template.clear_box(shape.layout, shape.rect))
        area = shape.rect
        box = textfit.Box(area.width, area.height, shape.insets)
        named = f"{pptx_template.describe(shape.layout)}: {where} box"
        size = self.fitted(layout, box, start, floor, what, named)
        self.paint.fill_placeholder(shape, layout(size), anchor)

    def footer(self, slide: Slide, layout: SlideLayout) -> None:
        """The footer wording and the slide number in the layout's own placeholders; a
        layout without them gets neither, as its designer chose."""
        size = self.theme.size("pptx", "footer")
        shape = self.template.slot(slide, layout, (FOOTERS[0],))
        number = self.template.slot(slide, layout, (FOOTERS[1],))
        for found in (shape, number):  # read last, after the content
            if found is not None:
                slide.shapes._spTree.insert_element_before(found.element, "p:extLst")
        if shape is not None:
            box = textfit.Box(shape.rect.width, shape.rect.height, shape.insets)
            if box not in self.footers:
                self.footers[box] = self.fitted_footer(box)
            paras, inner = self.footers[box]
            self.paint.fill_placeholder(shape, paras, None, inner if inner != box.insets else None)
        if number is not None:
            self.paint.slide_number(number, len(self.deck.slides), size)

    def fitted_footer(self, box: textfit.Box) -> tuple[list[Para], tuple[float, ...]]:
        """The footer as it fits *box*, the master's footer placeholder, which it never
        leaves (the template's designer keeps slide content clear of that box only), and
        the insets it is set in. Set smaller (down to :data:`HARD_MIN`), then without the
        organisation, then cut short with an ellipsis on one line."""
        start = self.theme.size("pptx", "footer")
        floor = min(start, HARD_MIN)
        line = floor * textfit.LINE_SPACING
        box = _room_for_a_line(box, line)
        for runs in self.footer_texts:
            size = textfit.fit(
                lambda size, runs=runs: [Para(runs, size)], box, self.theme, start, floor
            )
            if size is not None:
                return [Para(runs, size)], box.insets
        fonts = textfit.Fonts(self.theme)
        runs = textfit.shortened(self.footer_texts[-1], floor, box.inner_width, fonts)
        return [Para(runs, floor)], box.insets

    @cached_property
    def footers(self) -> dict[textfit.Box, tuple[list[Para], tuple[float, ...]]]:
        """The footer fitted to each footer box: the same on every slide of a layout."""
        return {}

    @cached_property
    def footer_texts(self) -> list[Sequence[Run]]:
        """The footer wording, then, when it differs, the wording without the lesson's
        footer (its organisation): the title says which deck a slide is from."""
        full, bare = (
            RichText(self.wording("slide_footer", **extra)) for extra in ({}, {"footer": ""})
        )
        return [full.runs, bare.runs] if bare and bare != full else [full.runs]

    def title_slide(self) -> None:
        doc, sizes = self.document, self.theme.sizes["pptx"]
        lines = [(doc.title.runs, sizes["title"], True)]
        if doc.subtitle:
            lines.append((doc.subtitle.runs, sizes["subtitle"], False))
        meta = RichText(self.wording("meta_line"))
        summary = doc.summary.plain if doc.summary else ""
        slide = self.cover_slide(lines, meta.runs if meta else None, summary)
        self.logo(slide, self.theme.size("pptx", "logo"), bottom=False)

    def closing_slide(self) -> None:
        sizes = self.theme.sizes["pptx"]
        lines = [
            (RichText(self.wording("closing_title")).runs, sizes["title"], True),
            (RichText(self.wording("closing_subtitle")).runs, sizes["subtitle"], False),
        ]
        slide = self.cover_slide(lines, None, "")
        self.logo(slide, self.theme.size("pptx", "logo_small"), bottom=True)

    def logo(self, slide: Slide, height: float, *, bottom: bool) -> None:
        """The theme's logo in the top (or bottom) right corner, its aspect ratio kept; a
        user's template brings its own logos on its master."""
        path = self.theme.logo_path
        if path is None or not self.template.own:
            return
        pixels = Image.from_file(str(path)).size
        width = min(height * pixels[0] / pixels[1], self.width / 4)
        height = width * pixels[1] / pixels[0]
        left = self.width - self.margin - width
        top = self.height - self.margin - height if bottom else self.margin
        picture = slide.shapes.add_picture(str(path), pt(left), pt(top), pt(width), pt(height))
        picture._element._nvXxPr.cNvPr.set("descr", self.wording("logo_alt"))

    def cover_slide(
        self,
        lines: list[tuple[Sequence[Run], float, bool]],
        meta: Sequence[Run] | None,
        notes: str,
    ) -> Slide:
        """The title in the cover layout's title placeholder, the rest in its subtitle."""
        sizes = self.theme.sizes["pptx"]
        slide = self.slides.add(self.template.cover, footers=False)
        (title, title_size, _), *rest = lines

        def heading(size: float) -> list[Para]:
            return [Para(_bold(title), size, role="heading")]

        shape = self.template.slot(slide, self.template.cover, TITLES)
        title_text = "".join(run.text for run in title)
        what = f"the title '{title_text}'"
        self.fill_placeholder(shape, heading, title_size, sizes["body_min"], what, "cover title")
        below = self.template.slot(slide, self.template.cover, SUBTITLES)
        if below is not None and (rest or meta):

            def body(size: float) -> list[Para]:
                scale = size / sizes["subtitle"]
                paras = [Para(runs, round(line * scale, 1)) for runs, line, _ in rest]
                if meta:
                    small = max(round(sizes["small"] * scale, 1), sizes["footer"])
                    space = small * 0.5 if paras else 0
                    paras.append(Para(meta, small, space_before=space, colour="light"))
                return paras

            floor = sizes["subtitle"] * sizes["footer"] / sizes["small"]
            self.fill_placeholder(
                below, body, sizes["subtitle"], floor, "the subtitle", "cover subtitle"
            )
        elif below is not None:
            below.remove()
        if notes:
            self.notes_pages.write(slide, [(notes, self.document.language)])
        return slide

    # -- measuring helpers -------------------------------------------------------------

    def block_label(self, title: RichText | None) -> list[Para]:
        """A block's title as a small label paragraph above it."""
        if not title:
            return []
        size = self.theme.size("pptx", "label")
        return [Para(_bold(title.runs), size, role="heading", colour="primary")]

    def flow_text(
        self,
        count: int,
        layout: Callable[[float, range], list[Para]],
        start: float,
        *,
        insets: tuple[float, float, float, float] | None = None,
        floor: float | None = None,
        height: Callable[[float, range], float] | None = None,
    ) -> tuple[float, list[range]] | None:
        """Size and slide groups for *count* uncuttable units laid out by *layout*
        (measured as a whole, or by *height* when the units' heights simply add up),
        from *start* down to *floor* (the theme's body floor by default)."""
        box = textfit.Box(self.area_width, self.area_height, insets or self.insets)
        floor = self.theme.size("pptx", "body_min") if floor is None else floor

        def fits(size: float, items: range) -> bool:
            if height is not None:
                return height(size, items) <= box.inner_height
            return textfit.fits(layout(size, items), box, self.theme)

        found = textfit.flow(count, fits, start, floor)
        if found is None and not self.template.own:  # the template's content area is small
            found = textfit.flow(count, fits, floor, HARD_MIN)
            if found is not None:
                self.template_warning(
                    f"{pptx_template.describe(self.template.content)}: content area"
                    f" {box.width:.0f} x {box.height:.0f} pt; some text is set at"
                    f" {found[0]:g} pt, below the theme's floor"
                )
        return found

    def text_pieces(
        self,
        count: int,
        layout: Callable[[float, range], list[Para]],
        start: float,
        script: Callable[[range], list[str]],
        full: Callable[[range], list[str]],
        *,
        said: Callable[[range], list[str]] = lambda items: [],
        fill: str | None = None,
        description: str = "",
        centre: bool = False,
        floor: float | None = None,
        height: Callable[[float, range], float] | None = None,
    ) -> list[Piece] | None:
        """Pieces of one text frame each (a panel when *fill*, described as
        *description*), fitted and continued."""
        insets = PANEL_INSETS if fill else self.insets
        found = self.flow_text(count, layout, start, insets=insets, floor=floor, height=height)
        if found is None:
            return None
        size, groups = found
        pieces = []
        for items in groups:
            paras = layout(size, items)
            needed = textfit.height(paras, self.area_width - insets[0] - insets[2], self.theme)
            box = textfit.Box(self.area_width, needed + insets[1] + insets[3], insets)

            def draw(slide: Slide, top: float, box=box, paras=paras) -> None:
                self.paint.text_box(
                    slide, self.left, top, box, paras, fill=fill, description=description
                )

            pieces.append(
                Piece(
                    box.height,
                    draw,
                    script(items),
                    full(items),
                    said(items),
                    fills=size < start or len(groups) > 1,
                    centre=centre,
                    paras=None if fill else paras,
                )
            )
        return pieces

    def prose_pieces(
        self,
        runs: Sequence[Run],
        layout: Callable[[float, Sequence[Run]], list[Para]],
        start: float,
        full: list[str],
        **options: Any,
    ) -> list[Piece]:
        """A paragraph's pieces: whole if it fits, else cut between sentences (or words)."""
        for cut in (textfit.sentences, _words):  # words only when a sentence is too long
            units = cut(runs)

            def chunk(size: float, items: range, units=units) -> list[Para]:
                return layout(size, textfit.join([units[i] for i in items]))

            def plain(items: range, units=units) -> list[str]:
                return ["".join(run.text for run in textfit.join([units[i] for i in items]))]

            pieces = self.text_pieces(
                len(units), chunk, start, plain, lambda items: full, **options
            )
            if pieces is not None:
                return pieces
        raise BuildError("a text is too long to fit a slide even word by word")

    # -- blocks ----------------------------------------------------------------------

    def render_text(self, block: TextBlock) -> list[Piece]:
        if block.text.display_math and not block.short:
            tex = block.text.display_math
            return self.equation_pieces(
                tex, read_formula(tex).spoken_in(self.lang).text, block.title
            )
        shown = block.short or block.text
        sizes = self.theme.sizes["pptx"]
        statement = block.short is not None or len(block.text.plain.split()) <= STATEMENT_WORDS
        start = sizes["statement"] if statement else sizes["body"]
        label = self.block_label(block.title)

        def layout(size: float, runs: Sequence[Run]) -> list[Para]:
            return [*label, Para(runs, size, space_before=_space(label, size))]

        full = [block.text.plain] if block.short else []
        return self.prose_pieces(shown.runs, layout, start, full, centre=statement)

    def render_math(self, block: MathBlock) -> list[Piece]:
        return self.equation_pieces(
            block.math.tex, block.math.spoken_in(self.lang).text, block.title
        )

    def equation_pieces(self, tex: str, spoken: str, title: RichText | None) -> list[Piece]:
        """A display equation at body size, set smaller (down to the floor) when it is too
        wide or tall for the content area; wider still is refused before rendering."""
        sizes = self.theme.sizes["pptx"]
        label = self.block_label(title)
        label_height = textfit.height(label, self.area_width, self.theme) + (
            GAP / 2 if label else 0
        )
        width, ascent, descent = mathdraw.outline(tex).size(sizes["body"])
        room = (self.area_height - label_height) / MATH_LEADING
        size = sizes["body"] * min(1.0, self.area_width / width, room / (ascent + descent))
        if size < sizes["body_min"]:
            raise FormulaTooWide(tex, "a slide", sizes["body_min"])
        width, ascent, descent = mathdraw.outline(tex).size(size)
        height = (ascent + descent) * MATH_LEADING

        def draw(slide: Slide, top: float) -> None:
            if label:
                box = textfit.Box(self.area_width, label_height - GAP / 2, (0, 0, 0, 0))
                self.paint.text_box(slide, self.left, top, box, label)
            self.paint.equation(
                slide, self.left, top + label_height, self.area_width, height, tex, size, spoken
            )

        return [Piece(label_height + height, draw, [read_formula(tex).text])]

    def render_list(self, block: ListBlock) -> list[Piece]:
        items = [(self.item_runs(item), self.sub_items(item)) for item in block.list_.items]
        full = [
            _item_full(item, self.term_separator)
            for item in _flatten(block.list_.items)
            if item.short
        ]
        body = block.list_
        return self.bullets(
            block.title, items, numbered=body.numbered, first=body.start, full=lambda chosen: full
        )

    def sub_items(self, item: ListItem) -> list[SubItem]:
        """An item's nested items, numbered if it says so; deeper ones, brought up to the
        slide's second level, are dashed."""
        nested = []
        for number, child in enumerate(item.items, item.start):
            counted = SubItem(self.item_runs(child), "arabicPeriod", number)
            nested.append(counted if item.numbered else SubItem(self.item_runs(child)))
            nested += [SubItem(self.item_runs(grandchild)) for grandchild in child.items]
        return nested

    def item_runs(self, item: ListItem) -> list[Run]:
        """A list item as shown: the term in bold, then its short form or its text."""
        body = list((item.short or item.text).runs)
        if not item.term:
            return body
        return [*_bold(item.term.runs), Run(self.term_separator), *body]

    @cached_property
    def term_separator(self) -> str:
        return self.wording("deck_term_separator")

    def bullets(
        self,
        title: RichText | None,
        items: Sequence[tuple[Sequence[Run], Sequence[SubItem]]],
        *,
        numbered: bool = False,
        first: int = 1,
        full: Callable[[range], list[str]] = lambda chosen: [],
        said: Callable[[range], list[str]] = lambda chosen: [],
    ) -> list[Piece]:
        """Items with their sub-items (2 levels), continued between whole items.

        Numbers (from *first*) and letters are PowerPoint auto-numbers with an explicit start
        on every paragraph, so a continuation slide or an interrupting sub-list cannot
        restart them.
        """
        start, floor = self.theme.size("pptx", "body"), self.theme.size("pptx", "body_min")
        label = self.block_label(title)

        def layout(size: float, chosen: range) -> list[Para]:
            paras = list(label)
            sub = max(round(size * 0.9), floor)
            for index in chosen:
                runs, children = items[index]
                paras.append(
                    Para(
                        runs,
                        size,
                        indent=size * 1.5,
                        hang=size * 1.5,
                        space_before=_space(paras, size),
                        bullet="arabicPeriod" if numbered else "•",
                        start_at=index + first if numbered else None,
                    )
                )
                paras += [
                    Para(
                        child.runs,
                        sub,
                        indent=size * 1.5 + sub * 1.3,
                        hang=sub * 1.3,
                        space_before=sub * 0.25,
                        bullet=child.bullet,
                        start_at=child.start_at,
                    )
                    for child in children
                ]
            return paras

        def script(chosen: range) -> list[str]:
            return [_plain(items[i][0]) for i in chosen]

        pieces = self.text_pieces(len(items), layout, start, script, full, said=said)
        if pieces is None:
            raise BuildError("a list item is too long to fit a slide; shorten it or add `short`")
        return pieces

    def render_terms(self, block: TermsBlock) -> list[Piece]:
        return self.term_pieces(block.title, block.terms)

    def term_pieces(self, title: RichText | None, terms: Sequence[Any]) -> list[Piece]:
        """Term/definition pairs: the term in bold in the primary colour, the definition below."""
        start, floor = self.theme.size("pptx", "body"), self.theme.size("pptx", "body_min")
        label = self.block_label(title)
        sep = self.term_separator

        def layout(size: float, chosen: range) -> list[Para]:
            paras = list(label)
            sub = max(round(size * 0.9), floor)
            for index in chosen:
                term = terms[index]
                paras.append(
                    Para(
                        _bold(term.term.runs),
                        size,
                        space_before=_space(paras, size),
                        colour="primary",
                    )
                )
                paras.append(Para((term.short or term.definition).runs, sub))
            return paras

        def script(chosen: range) -> list[str]:
            return [f"{terms[i].term.plain}{sep}{terms[i].definition.plain}" for i in chosen]

        def full(chosen: range) -> list[str]:
            return [
                f"{terms[i].term.plain}{sep}{terms[i].definition.plain}"
                for i in chosen
                if terms[i].short
            ]

        pieces = self.text_pieces(len(terms), layout, start, script, full)
        if pieces is None:
            raise BuildError("a definition is too long to fit a slide; add a `short` form")
        return pieces

    def render_callout(self, block: CalloutBlock) -> list[Piece]:
        callout = block.callout
        sizes = self.theme.sizes["pptx"]
        head = [*self.block_label(block.title)]
        kind = self.wording(f"callout_{callout.kind}")
        heading = kind if not callout.title else f"{kind}{self.term_separator}{callout.title}"
        head.append(
            Para(
                _bold(RichText(heading).runs),
                sizes["label"],
                role="heading",
                colour="primary",
                space_before=_space(head, sizes["label"]),
            )
        )

        def layout(size: float, runs: Sequence[Run]) -> list[Para]:
            return [*head, Para(runs, size, space_before=size * 0.3)]

        full = [callout.text.plain] if callout.short else []
        shown = callout.short or callout.text
        panel = {"fill": f"callout_{callout.kind}", "description": heading}
        pieces = self.prose_pieces(shown.runs, layout, sizes["body"], full, **panel)
        if len(pieces) == 1 and not pieces[0].fills:  # a small panel: near its block, or big
            alone = self.prose_pieces(
                shown.runs, layout, sizes["statement"], full, **panel, centre=True
            )
            pieces[0].attach = True
            pieces[0].alone = alone[0] if len(alone) == 1 else None
        return pieces

    def render_quote(self, block: QuoteBlock) -> list[Piece]:
        quote = block.quote
        sizes = self.theme.sizes["pptx"]
        label = self.block_label(block.title)
        source = (
            RichText(self.wording("deck_quote_source", source=quote.source)).runs
            if quote.source
            else None
        )

        def layout(size: float, runs: Sequence[Run]) -> list[Para]:
            paras = [
                *label,
                Para(_italic(runs), size, space_before=_space(label, size), colour="primary"),
            ]
            if source:
                paras.append(
                    Para(
                        source,
                        sizes["body_min"],
                        space_before=size * 0.6,
                        colour="muted",
                        align=PP_ALIGN.RIGHT,
                    )
                )
            return paras

        return self.prose_pieces(quote.text.runs, layout, sizes["statement"], [], centre=True)

    def render_compare(self, block: CompareBlock) -> list[Piece]:
        body = block.compare
        labelled = any(row.aspect for row in body.rows)
        header = list(body.columns)
        if labelled:
            header.insert(0, RichText(self.wording("aspect_header")))
        rows, full = [], []
        for row in body.rows:
            cells = list(row.short or row.values)
            if labelled:
                cells.insert(0, row.aspect or RichText(""))
            rows.append(cells)
            if row.short:
                pairs = [(c.plain, v.plain) for c, v in zip(body.columns, row.values, strict=True)]
                aspect = row.aspect.plain if row.aspect else ""
                full.append(self.wording("deck_notes_row", aspect=aspect, cells=pairs))
        return self.table_pieces(block.title, header, rows, bold_first=labelled, full=full)

    def render_table(self, block: TableBlock) -> list[Piece]:
        table = block.table
        return self.table_pieces(block.title, table.header, table.rows, align=table.align or ())

    def table_pieces(
        self,
        title: RichText | None,
        header: Sequence[RichText],
        rows: Sequence[Sequence[RichText]],
        *,
        bold_first: bool = False,
        full: Sequence[str] = (),
        align: Sequence[str] = (),
    ) -> list[Piece]:
        """A real table, rows measured at each size; rows continue on further slides; its
        columns line up as *align* says."""
        sizes = self.theme.sizes["pptx"]
        label = self.block_label(title)
        description = title.plain if title else ", ".join(cell.plain for cell in header)
        label_height = textfit.height(label, self.area_width, self.theme) + (
            GAP / 2 if label else 0
        )
        cells = [[_bold(c.runs) for c in header]] + [
            [_bold(c.runs) if bold_first and i == 0 else c.runs for i, c in enumerate(row)]
            for row in rows
        ]
        widths_at = cache(
            lambda size: self.column_widths(cells, size, break_words=size <= sizes["table_min"])
        )
        heights: dict[tuple[float, int], float] = {}

        def row_height(size: float, index: int) -> float:
            if (size, index) not in heights:
                heights[size, index] = (
                    max(
                        textfit.height(
                            [Para(runs, size)], width - CELL_INSETS[0] - CELL_INSETS[2], self.theme
                        )
                        for runs, width in zip(cells[index], widths_at(size), strict=True)
                    )
                    + CELL_INSETS[1]
                    + CELL_INSETS[3]
                )
            return heights[size, index]

        def fits(size: float, chosen: range) -> bool:
            if widths_at(size) is None:  # a word would break: try a smaller size
                return False
            total = label_height + row_height(size, 0)
            total += sum(row_height(size, i + 1) for i in chosen)
            return total <= self.area_height

        found = textfit.flow(len(rows), fits, sizes["table"], sizes["table_min"])
        if found is None:
            raise BuildError("a table row is too long to fit a slide; shorten it or add `short`")
        right_to_left = reads_right_to_left(self.lang)  # the block's: it is drawn later
        size, groups = found
        if self.paint.colours_table_headers:
            self.template.warn_table_header()
        pieces = []
        for chosen in groups:
            indices = [0, *(i + 1 for i in chosen)]
            row_heights = [row_height(size, i) for i in indices]

            def draw(slide: Slide, top: float, indices=indices, row_heights=row_heights) -> None:
                if label:
                    box = textfit.Box(self.area_width, label_height - GAP / 2, (0, 0, 0, 0))
                    self.paint.text_box(slide, self.left, top, box, label)
                self.paint.table(
                    slide,
                    self.left,
                    top + label_height,
                    self.area_width,
                    [cells[i] for i in indices],
                    widths_at(size),
                    row_heights,
                    size,
                    first_column=bold_first,
                    description=description,
                    align=align,
                    rtl=right_to_left,
                )

            script = [" | ".join(_plain(c) for c in cells[i]) for i in indices]
            pieces.append(
                Piece(
                    label_height + sum(row_heights),
                    draw,
                    script,
                    list(full),
                    fills=size < sizes["table"] or len(groups) > 1,
                )
            )
        return pieces

    def column_widths(
        self, cells: Sequence[Sequence[Sequence[Run]]], size: float, *, break_words: bool = False
    ) -> list[float] | None:
        """Column widths at *size*: shares follow each column's longest text, each column
        at least as wide as its longest word, then width moves between columns for as long
        as that saves lines, so that no row is measured taller than it needs (a one-line
        cell just short of its column's width would be measured as two lines, and drawn
        with a second line's worth of empty space).

        None when the longest words cannot all fit at *size* (a smaller size may), unless
        *break_words*: at the table's floor size, words then break."""
        fonts = textfit.Fonts(self.theme)
        count = len(cells[0])
        natural = [
            max(
                sum(textfit.text_width(run.text, fonts.file(run), 1) for run in row[col])
                for row in cells
            )
            + 1
            for col in range(count)
        ]
        share = [max(0.6 / count, min(1.6 / count, n / sum(natural))) for n in natural]
        unit = self.area_width / WIDTH_UNITS
        inset = CELL_INSETS[0] + CELL_INSETS[2]
        alloc = [round(WIDTH_UNITS * s / sum(share)) for s in share]
        alloc[alloc.index(max(alloc))] += WIDTH_UNITS - sum(alloc)
        longest = [
            max(
                (
                    textfit.text_width(word, fonts.file(run), size)
                    for row in cells
                    for run in row[col]
                    for word in textfit.words(run.text)
                ),
                default=0.0,
            )
            for col in range(count)
        ]
        least = [math.ceil((w / textfit.WRAP_SLACK + inset) / unit) for w in longest]
        raised = textfit.at_least(alloc, least)
        if raised is not None:
            alloc = raised
        elif break_words:
            least = [1] * count
        else:
            return None

        def column(col: int) -> ColumnLines:
            """Each row's lines in column *col*, by the widths in units it may be given (it
            gives width down to its least, or keeps what it starts with)."""
            units = range(min(alloc[col], least[col]), WIDTH_UNITS + 1)
            widths = tuple(n * unit - inset for n in units)
            texts = (textfit.setting(row[col], fonts) for row in cells)
            counts = zip(*(textfit.line_counts(text, size, widths) for text in texts), strict=True)
            return dict(zip(units, counts, strict=True))

        balanced = _balanced([column(col) for col in range(count)], alloc, least)
        return [n * unit for n in balanced]

    def render_image(self, block: ImageBlock) -> list[Piece]:
        image = block.image
        sizes = self.theme.sizes["pptx"]
        label = self.block_label(block.title)
        label_height = textfit.height(label, self.area_width, self.theme) + (
            GAP / 2 if label else 0
        )
        caption = (
            [Para(image.caption.runs, sizes["small"], colour="muted", align=PP_ALIGN.CENTER)]
            if image.caption
            else []
        )
        caption_height = (
            textfit.height(caption, self.area_width, self.theme) + self.insets[1] + self.insets[3]
            if caption
            else 0
        )
        pixels = Image.from_file(image.src).size
        room = self.area_height - label_height - caption_height - (GAP / 2 if caption else 0)
        share = (image.width or 100) / 100
        natural = pixels[1] * min(self.area_width * share / pixels[0], room / pixels[1])
        script = [image.alt] + ([image.caption.plain] if image.caption else [])
        left, area_width, insets = self.left, self.area_width, self.insets
        others = label_height + (GAP / 2 + caption_height if caption else 0)

        def sized(height: float) -> Piece:
            """The picture *height* points tall, its label above and caption below."""
            width = height * pixels[0] / pixels[1]

            def draw(slide: Slide, top: float) -> None:
                if label:
                    box = textfit.Box(area_width, label_height - GAP / 2, (0, 0, 0, 0))
                    self.paint.text_box(slide, left, top, box, label)
                picture = slide.shapes.add_picture(
                    image.src,
                    pt(left + (area_width - width) / 2),
                    pt(top + label_height),
                    pt(width),
                    pt(height),
                )
                picture._element._nvXxPr.cNvPr.set("descr", image.alt)
                if caption:
                    box = textfit.Box(area_width, caption_height, insets)
                    below = top + label_height + height + GAP / 2
                    self.paint.text_box(slide, left, below, box, caption)

            least = others + height * MIN_SHRINK
            return Piece(
                others + height,
                draw,
                script,
                fills=least > self.area_height * IMAGE_SHARES,
                least=least,
                resized=lambda fit: sized(fit - others),
            )

        return [sized(natural)]

    def render_code(self, block: CodeBlock) -> list[Piece]:
        """A shaded panel of mono lines, highlighted, its title inside; set smaller down
        to the code floor, then continued between lines. Long lines are cut, with the
        continuation mark, to the width they have at each size."""
        sizes, highlight = self.theme.sizes["pptx"], self.theme.highlight
        label = [replace(para, colour="code_text") for para in self.block_label(block.title)]
        source = code_lines(block.code, highlight)
        mark = Run(self.wording("code_continued"), code=True, colour=highlight.get("mark"))
        mono = self.theme.font_file("mono")
        room = self.area_width - PANEL_INSETS[0] - PANEL_INSETS[2]

        @cache
        def lines_at(size: float) -> list[list[Line]]:
            return wrapped(source, columns(room, mono, size, mark), mark)

        def layout(size: float, chosen: range) -> list[Para]:
            paras = list(label)
            for index in chosen:
                paras += line_paras(size, index, first=bool(paras) and index == chosen[0])
            return paras

        def line_paras(size: float, index: int, *, first: bool) -> list[Para]:
            """One source line's drawn lines; the first of a panel under its title."""
            return [
                Para(
                    tuple(line.runs),
                    size,
                    space_before=_space(label, size) if first and not n else 0.0,
                    colour="code_text",
                )
                for n, line in enumerate(lines_at(size)[index])
            ]

        @cache
        def measured(size: float, index: int, first: bool) -> float:
            return textfit.height(line_paras(size, index, first=first), room, self.theme)

        def height(size: float, chosen: range) -> float:
            """A panel's height: its title's and each line's, each measured once a size."""
            title = textfit.height(label, room, self.theme) if label else 0.0
            return title + sum(measured(size, i, bool(label) and i == chosen[0]) for i in chosen)

        def script(chosen: range) -> list[str]:
            return [block.code.lines[i] for i in chosen]

        pieces = self.text_pieces(
            len(source),
            layout,
            sizes["code"],
            script,
            lambda chosen: [],
            fill="code",
            description=code_description(block),
            floor=sizes["code_min"],
            height=height,
        )
        if pieces is None:
            raise BuildError("a code line is too long to fit a slide even cut; shorten it")
        return pieces

    def render_columns(self, block: ColumnsBlock) -> list[Piece]:
        """The columns' blocks side by side, each column measured in its own area: two
        even columns in the bodies of the Two Content layout (on a slide of their own),
        others in parts of the content area. When a column does not fit one slide, its
        blocks follow one another instead."""
        body = block.columns
        two = self.two_areas() if len(body.blocks) == 2 and len(set(body.shares)) == 1 else None
        widths = [(self.area_width + GAP) * share - GAP for share in body.shares]
        lefts = [self.left + sum(widths[:i]) + GAP * i for i in range(len(widths))]
        areas = two or [
            (pptx_template.Rect(left, self.top, width, self.area_height), self.insets)
            for left, width in zip(lefts, widths, strict=True)
        ]
        stacks: list[tuple[pptx_template.Rect, tuple[float, ...], list[Piece]]] = []
        for (area, insets), column in zip(areas, body.blocks, strict=True):
            with self.area(area, insets):
                pieces = [p for inner in self.shown(column) for p in self.pieces(inner)]
            if _stacked(pieces) > area.height or any(p.new_slide for p in pieces[1:]):
                return [
                    p for column in body.blocks for b in self.shown(column) for p in self.pieces(b)
                ]
            stacks.append((area, insets, pieces))

        def draw(slide: Slide, top: float) -> None:
            for area, insets, pieces in stacks:
                with self.area(replace(area, top=top), insets):
                    self.stack(slide, pieces, top)

        every = [piece for *_, pieces in stacks for piece in pieces]
        if not every:
            return []
        return [
            Piece(
                max(_stacked(pieces) for *_, pieces in stacks),
                draw,
                [],
                fills=two is not None or any(piece.fills for piece in every),
                columns=stacks if two else None,
                inner=every,
            )
        ]

    def two_areas(self) -> list[tuple[pptx_template.Rect, tuple[float, ...]]] | None:
        """The Two Content layout's two body boxes, left first, with their insets."""
        layout = self.template.two
        if layout is None:
            return None
        bodies = pptx_template.placeholders(layout, BODIES)
        if len(bodies) != 2:
            return None
        return [
            (self.template.clear_box(layout, pptx_template.rect(ph)), pptx_template.insets(ph))
            for ph in bodies
        ]

    def two_content_slide(self, page: Page) -> None:
        """A columns piece on the Two Content layout: a column of plain text in its body
        placeholder, any other column drawn in that placeholder's box."""
        (piece,) = page.pieces
        layout = self.template.two
        slide = self.slides.add(layout)
        self.slide_title(slide, layout, page.title, page.lang)
        bodies = self.template.slots(slide, layout, BODIES)
        for body, (area, insets, pieces) in zip(bodies, piece.columns or [], strict=True):
            with self.area(area, insets):
                if pieces and all(p.paras for p in pieces):
                    body.place(area)
                    self.paint.fill_placeholder(body, self.joined(pieces), MSO_ANCHOR.TOP)
                else:
                    body.remove()
                    self.stack(slide, pieces, area.top)
        self.footer(slide, layout)
        self.notes_pages.write(slide, self.notes(page))

    def stack(self, slide: Slide, pieces: Sequence[Piece], top: float) -> None:
        """Draw *pieces* one under another from *top*, a gap apart."""
        for piece in pieces:
            with self.paint.speaking(piece.lang):
                piece.draw(slide, top)
            top += piece.height + GAP

    @contextmanager
    def area(self, box: pptx_template.Rect, insets: tuple[float, ...]) -> Iterator[None]:
        """Measure and draw within a part of the slide (a column) for a while."""
        outer = self.left, self.top, self.area_width, self.area_height, self.insets
        self.left, self.top, self.area_width, self.area_height = (
            box.left,
            box.top,
            box.width,
            box.height,
        )
        self.insets = insets
        try:
            yield
        finally:
            self.left, self.top, self.area_width, self.area_height, self.insets = outer

    # -- quiz ------------------------------------------------------------------------

    def quiz_pieces(self) -> list[Piece]:
        """Questions numbered, choices lettered; answers only ever go to the notes."""
        questions = self.document.questions
        letters = lettering(self.document.language).slides
        items = [
            (q.prompt.runs, [SubItem(c.runs, letters, n) for n, c in enumerate(q.choices or [], 1)])
            for q in questions
        ]

        def answers(chosen: range) -> list[str]:
            lines = []
            for index in chosen:
                question = questions[index]
                lines.append(f"{index + 1}. {self.wording('answer_label')} {question.answer.plain}")
                if question.explanation:
                    lines.append(question.explanation.plain)
            return lines

        return self.bullets(None, items, numbered=True, said=answers)


def _with_inner(pieces: Sequence[Piece]) -> Iterator[Piece]:
    """*pieces* in order, each followed by the pieces inside it (a columns piece's)."""
    for piece in pieces:
        yield piece
        yield from _with_inner(piece.inner)


def _stacked(pieces: Sequence[Piece], *, smallest: bool = False) -> float:
    """The height of *pieces* stacked on one slide with gaps between them (*smallest*:
    with pictures drawn as small as they may be)."""
    heights = (piece.smallest if smallest else piece.height for piece in pieces)
    return sum(heights) + GAP * (len(pieces) - 1)


def _fitted(pieces: list[Piece], height: float) -> list[Piece]:
    """*pieces* stacked no taller than *height*: the pictures among them drawn smaller,
    each by its share of what they can give up, where together they are too tall."""
    excess = _stacked(pieces) - height
    give = [piece.height - piece.smallest for piece in pieces]
    if excess <= 0 or not sum(give):
        return pieces
    cut = min(1.0, excess / sum(give))
    return [
        _drawn_as(piece, piece.resized(piece.height - part * cut))
        if part and piece.resized
        else piece
        for piece, part in zip(pieces, give, strict=True)
    ]


def _drawn_as(piece: Piece, smaller: Piece) -> Piece:
    """*piece* (its notes, language and slide break) with *smaller*'s height and drawing."""
    return replace(piece, height=smaller.height, draw=smaller.draw)


def _even_cut(
    pieces: list[Piece], count: int, room: Callable[[Sequence[Piece]], bool]
) -> list[list[Piece]]:
    """*pieces* cut into *count* consecutive groups that have *room*, the tallest as low as
    it can be (ties: the fullest group as small as it can be)."""

    @cache
    def best(start: int, left: int) -> tuple[tuple[float, int], tuple[int, ...]] | None:
        if left == 1:
            group = pieces[start:]
            return ((_stacked(group), len(group)), ()) if group and room(group) else None
        found = None
        for end in range(start + 1, len(pieces) - left + 2):
            rest = best(end, left - 1)
            if rest is None or not room(pieces[start:end]):
                continue
            here = (_stacked(pieces[start:end]), end - start)
            option = (max(here, rest[0]), (end, *rest[1]))
            if found is None or option[0] < found[0]:
                found = option
        return found

    result = best(0, count)
    assert result is not None, "the greedy count always has a cut"
    bounds = [0, *result[1], len(pieces)]
    return [pieces[a:b] for a, b in pairwise(bounds)]


def _balanced(lines: Sequence[ColumnLines], alloc: list[int], least: Sequence[int]) -> list[int]:
    """*alloc* (each column's width in units) after moving width between columns for as
    long as a move saves lines; *lines* holds each column's rows' lines by width."""
    best = sum(map(max, zip(*(lines[col][n] for col, n in enumerate(alloc)), strict=True)))
    while (move := _best_move(lines, alloc, least)) is not None and move[0] < best:
        best, alloc = move
    return alloc


def _best_move(
    lines: Sequence[ColumnLines], alloc: list[int], least: Sequence[int]
) -> tuple[int, list[int]] | None:
    """The first move of some units from one column to another (by gaining column, giving
    column, then step) that leaves the fewest lines, and those lines. The columns a move
    leaves alone are merged once for each pair, not again for every step."""
    found: tuple[int, list[int]] | None = None
    for gain, give in permutations(range(len(alloc)), 2):
        rest = [lines[col][n] for col, n in enumerate(alloc) if col not in (gain, give)]
        rows = len(lines[gain][alloc[gain]])
        others = [max(row) for row in zip(*rest, strict=True)] if rest else [0] * rows
        for step in range(1, alloc[give] - least[give] + 1):
            wider, narrower = lines[gain][alloc[gain] + step], lines[give][alloc[give] - step]
            total = sum(map(max, wider, narrower, others))
            if found is None or total < found[0]:
                moved = list(alloc)
                moved[gain] += step
                moved[give] -= step
                found = (total, moved)
    return found


def _bold(runs: Sequence[Run]) -> list[Run]:
    return [replace(r, bold=True) for r in runs]


def _italic(runs: Sequence[Run]) -> list[Run]:
    return [replace(r, italic=True) for r in runs]


def _plain(runs: Sequence[Run]) -> str:
    return "".join(run.text for run in runs)


def _space(before: Sequence[Para], size: float) -> float:
    """Space above a paragraph: none at the top of a frame, half a line after another."""
    return size * 0.5 if before else 0.0


def _words(runs: Sequence[Run]) -> list[list[Run]]:
    """*runs* cut into words: the last resort for a sentence longer than a slide."""
    words: list[list[Run]] = []
    for sentence in textfit.sentences(runs):
        for run in sentence:
            for word in run.text.split():
                words.append([replace(run, text=word)])
    return words


def _flatten(items: Sequence[ListItem]) -> list[ListItem]:
    return [node for item in items for node in (item, *_flatten(item.items))]


def _item_full(item: ListItem, separator: str) -> str:
    return f"{item.term.plain}{separator}{item.text.plain}" if item.term else item.text.plain


def code_description(block: CodeBlock) -> str:
    """What a code panel is, for a screen reader: its title, else its language."""
    if block.title:
        return f"Code: {block.title.plain}"
    return f"Code ({block.code.language})" if block.code.language else "Code"
