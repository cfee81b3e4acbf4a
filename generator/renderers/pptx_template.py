"""The deck's template: a theme's own master (:mod:`.pptx_master`) or a user's .pptx/.potx.

Both are handled alike: the package is opened and normalised (slides dropped, a missing
slide size or notes body supplied, placeholders without an ``idx`` numbered), then the
layouts the deck needs are chosen by their language-independent ``type`` (``title``,
``obj``, ``twoObj``, ``titleOnly``), else by the placeholders they hold and the largest
body area. Boxes are read with everything a layout inherits from its master, insets
included, so that text is measured in the very box it will be drawn in, and the
template's own fonts are what text is measured with.
"""

from __future__ import annotations

import copy
import functools
import hashlib
import io
import warnings
import zipfile
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from lxml import etree
from pptx import Presentation
from pptx.enum.shapes import PP_PLACEHOLDER
from pptx.opc.constants import RELATIONSHIP_TYPE as RT
from pptx.oxml import parse_xml
from pptx.oxml.ns import namespaces, nsdecls, qn
from pptx.presentation import Presentation as Deck
from pptx.slide import Slide, SlideLayout

from ..contrast import AA_LARGE, AA_TEXT, ratio
from ..errors import BuildError, LessonError
from ..officefile import POWERPOINT, as_document, package_problem
from ..templatecheck import TemplateReport
from ..theme import FALLBACK_FAMILY, Font, Theme, metric_family, metric_twins
from . import pptx_master
from .ooxml import described, mark_decorative

TITLES = (PP_PLACEHOLDER.TITLE, PP_PLACEHOLDER.CENTER_TITLE)
BODIES = (PP_PLACEHOLDER.BODY, PP_PLACEHOLDER.OBJECT)
SUBTITLES = (PP_PLACEHOLDER.SUBTITLE, *BODIES)
FOOTERS = (PP_PLACEHOLDER.FOOTER, PP_PLACEHOLDER.SLIDE_NUMBER)
DEFAULT_INSETS = (7.2, 3.6, 7.2, 3.6)  # DrawingML's own, when nothing on the way says
DEFAULT_SIZE = (960.0, 540.0)  # a slide size for a package that gives none (16:9)
CHECK_LINE = 18 * 1.2  # a line at the shipped themes' body floor, for `template check`
HARD_MIN = 10.0  # no text is set smaller, whatever the template's boxes
_INSET_NAMES = ("lIns", "tIns", "rIns", "bIns")
_A = "{http://schemas.openxmlformats.org/drawingml/2006/main}"
_PH = f"{qn('p:nvSpPr')}/{qn('p:nvPr')}/{qn('p:ph')}"
BACKGROUND_SHARE = 0.5  # a master shape covering this much of the slide is a background
MIN_LINES = 4  # a content area holds at least this many lines at the body floor
KEEP_SHARE = 0.4  # a box is moved clear of a decoration only if this much of it is left
_NOTES_BODY = (
    '<p:sp {ns}><p:nvSpPr><p:cNvPr id="{id}" name="Notes Placeholder {n}"/>'
    '<p:cNvSpPr><a:spLocks noGrp="1"/></p:cNvSpPr><p:nvPr><p:ph type="body" sz="quarter"'
    ' idx="3"/></p:nvPr></p:nvSpPr><p:spPr><a:xfrm><a:off x="685800" y="4400550"/>'
    '<a:ext cx="5486400" cy="3600450"/></a:xfrm><a:prstGeom prst="rect"><a:avLst/>'
    "</a:prstGeom></p:spPr><p:txBody><a:bodyPr/><a:lstStyle/><a:p/></p:txBody></p:sp>"
)


@dataclass(frozen=True)
class Rect:
    """A placeholder's box on the slide, in points."""

    left: float
    top: float
    width: float
    height: float


ContentArea = tuple[Rect, tuple[float, float, float, float], bool, str | None]
"""Where slide content goes, its insets, whether in the body placeholder, and why not."""


@dataclass
class Slot:
    """A placeholder on a slide, with the box and insets it inherits from its layout.

    Read once per layout rather than through python-pptx's inheritance, which searches
    the layout and master again for every property of every placeholder asked."""

    element: Any  # the slide's ``p:sp``
    part: Any  # the slide's part, which its links are related to
    layout: SlideLayout
    rect: Rect
    insets: tuple[float, float, float, float]

    def place(self, area: Rect) -> None:
        """Give the placeholder its own position where it must differ from its layout's."""
        if area == self.rect:
            return
        properties = self.element.find(qn("p:spPr"))
        old = properties.find(qn("a:xfrm"))
        if old is not None:
            properties.remove(old)
        properties.insert(
            0,
            parse_xml(
                f'<a:xfrm {nsdecls("a")}><a:off x="{round(area.left * 12700)}"'
                f' y="{round(area.top * 12700)}"/><a:ext cx="{round(area.width * 12700)}"'
                f' cy="{round(area.height * 12700)}"/></a:xfrm>'
            ),
        )
        self.rect = area

    def remove(self) -> None:
        """Take the placeholder off its slide (unused, it would show its prompt text)."""
        self.element.getparent().remove(self.element)


@dataclass
class Template:
    """An opened template and the layouts the deck uses for each kind of slide."""

    deck: Deck
    name: str  # how messages name it: the file's name, or the theme's
    own: bool  # a shipped theme's master: the theme's colours are its colours
    cover: SlideLayout
    content: SlideLayout
    two: SlideLayout | None
    title_only: SlideLayout | None
    fonts: tuple[str, str]  # the master's major (heading) and minor (body) Latin fonts
    report: TemplateReport
    key: bytes  # the package's digest: what is read from its layouts is kept by it

    def slot(
        self, slide: Slide, layout: SlideLayout, kinds: Sequence[PP_PLACEHOLDER]
    ) -> Slot | None:
        """The first placeholder of one of *kinds* on *slide* (on *layout*), in the order
        of *kinds*."""
        found: dict[PP_PLACEHOLDER, tuple[Any, Any]] = {}
        for kind, element, ph in _placeholders(slide):
            if kind in kinds:
                found.setdefault(kind, (element, ph))
        kind = next((kind for kind in kinds if kind in found), None)
        return None if kind is None else self._slot(slide, layout, *found[kind])

    def slots(
        self, slide: Slide, layout: SlideLayout, kinds: Sequence[PP_PLACEHOLDER]
    ) -> list[Slot]:
        """Every placeholder of one of *kinds* on *slide*, left to right (side-by-side
        bodies)."""
        found = [
            self._slot(slide, layout, element, ph)
            for kind, element, ph in _placeholders(slide)
            if kind in kinds
        ]
        return sorted(found, key=lambda slot: (slot.rect.left, slot.rect.top))

    def _slot(self, slide: Slide, layout: SlideLayout, element: Any, ph: Any) -> Slot:
        box, inner = self._layout_box(layout, ph)
        return Slot(element, slide.part, layout, box, inner)

    def _layout_box(
        self, layout: SlideLayout, ph: Any
    ) -> tuple[Rect, tuple[float, float, float, float]]:
        """The box and insets the layout gives the placeholder *ph* stands for."""
        kind, idx = ph.get("type", "obj"), ph.get("idx", "0")
        key = (self.key, str(layout.part.partname), kind, idx)
        if key not in _BOXES:
            shape = (
                placeholder(layout, (_placeholder_type(kind),))
                if idx == "0"
                else layout.placeholders.get(idx=int(idx))
            )
            _BOXES[key] = (rect(shape), insets(shape))
        return _BOXES[key]

    @property
    def width(self) -> float:
        return self.deck.slide_width / 12700

    @property
    def height(self) -> float:
        return self.deck.slide_height / 12700

    def colour_roles(self) -> dict[str, str]:
        """Colour roles as the template's own scheme colours, each only where it reads on
        the master's real background (WCAG AA); '' leaves the master's colour to show.
        Tables get colours of their own only when the template has no table style."""
        scheme, background, names = self._scheme_roles
        self.warn_contrast("text", scheme[names["text"]], background)

        def slot(value: str) -> str:
            return f'<a:schemeClr val="{value}"/>'

        strong, text, panel = names["strong"], names["text"], names["panel"]
        return {
            "primary": slot(strong) if ratio(scheme[strong], background) >= AA_TEXT else "",
            "accent_text": slot("accent1")
            if ratio(scheme["accent1"], background) >= AA_LARGE
            else "",
            "text": slot(text),
            "header": slot(names["header"]),
            "on_header": slot(names["on_header"]),
            "panel": slot(panel)
            if panel
            else f'<a:schemeClr val="{text}"><a:alpha val="12000"/></a:schemeClr>',
        }

    def warn_table_header(self) -> None:
        """Warn if a table's header, drawn in the colours :meth:`colour_roles` gives it,
        reads poorly: said only by a deck that draws one, as a lesson without tables
        would be warned about colours it never shows."""
        scheme, _, names = self._scheme_roles
        self.warn_contrast("table header text", scheme[names["on_header"]], scheme[names["header"]])

    @functools.cached_property
    def _scheme_roles(self) -> tuple[dict[str, str], str, dict[str, str]]:
        """The content master's scheme colours, its real background, and the scheme slot
        that reads best for each role."""
        master = self.content.slide_master  # the one the content slides are on
        scheme = _scheme_colours(master)
        background = _background(master, scheme)

        def best(slots: Sequence[str], on: str) -> str:
            return max(slots, key=lambda name: ratio(scheme[name], on))

        text = best(("tx1", "bg1", "tx2", "bg2"), background)
        header = best(("accent1", "tx2", "accent2"), background)
        names = {
            "text": text,
            "strong": best(("tx2", "accent1", "accent2", "tx1"), background),
            "header": header,
            "on_header": best(("bg1", "tx1", "bg2", "tx2"), scheme[header]),
            "panel": "bg2" if ratio(scheme[text], scheme["bg2"]) >= AA_TEXT else "",
        }
        return scheme, background, names

    def warn_contrast(self, what: str, fore: str, back: str) -> None:
        """Warn (the deck still builds) where the template's best colours read poorly."""
        value = ratio(fore, back)
        if value < AA_TEXT:
            note = (
                f"{self.name}: {what} {fore} on {back} is {value:.2f}:1, under WCAG AA's"
                f" {AA_TEXT:g}:1; darken the text or lighten the background in the template"
            )
            if note not in self.report.warnings:
                self.report.warnings.append(note)
                warnings.warn(note, stacklevel=2)

    def table_style(self) -> str | None:
        """The id of the template's own default table style, if it defines one."""
        try:
            part = self.deck.part.part_related_by(RT.TABLE_STYLES)
        except KeyError:
            return None
        root = etree.fromstring(part.blob)
        default = root.get("def")
        ids = {style.get("styleId") for style in root.iter(f"{_A}tblStyle")}
        return default if default in ids else None

    def content_area(self, line: float) -> ContentArea:
        """Where slide content goes, its text insets, whether text goes into the content
        layout's body placeholder, and the warning when it does not. A body box too small for a few lines of
        *line* height moves the content onto Title Only slides, in the master's body area:
        continuation slides of three words each would serve no one.

        Worked out once per template and line height: it reads boxes through python-pptx's
        inheritance, which looks through the layout and master again for each."""
        key = (self.key, line)
        if key not in _AREAS:
            _AREAS[key] = self._content_area(line)
        note = _AREAS[key][3]
        if note and note not in self.report.warnings:
            self.report.warnings.append(note)
        return _AREAS[key]

    def _content_area(self, line: float) -> ContentArea:
        body = placeholder(self.content, BODIES)
        area, inner = self.clear_box(self.content, rect(body)), insets(body)
        master_body = placeholder(self.content.slide_master, (PP_PLACEHOLDER.BODY,))
        if (
            area.height - inner[1] - inner[3] >= MIN_LINES * line
            or self.title_only is None
            or master_body is None
        ):
            return area, inner, True, None
        wider = self.clear_box(self.title_only, rect(master_body))
        if wider.height <= area.height:
            return area, inner, True, None
        note = (
            f"{describe(self.content)}: body box {area.height:.0f} pt tall; content goes on"
            f" {describe(self.title_only)} slides, in the master's body area"
        )
        return wider, insets(master_body), False, note

    def clear_box(self, layout: SlideLayout, box: Rect) -> Rect:
        """*box* on *layout* less any part a band, bar or picture of the layout or its
        master covers: text set there would run over the decoration."""
        for decoration in _decorations(layout):
            other = rect(decoration)
            if other.width * other.height >= BACKGROUND_SHARE * self.width * self.height:
                continue
            if not _overlap(box, other):
                continue
            right, bottom = other.left + other.width, other.top + other.height
            candidates = [
                Rect(box.left, box.top, box.width, other.top - box.top),
                Rect(box.left, bottom, box.width, box.top + box.height - bottom),
                Rect(box.left, box.top, other.left - box.left, box.height),
                Rect(right, box.top, box.left + box.width - right, box.height),
            ]
            best = max(candidates, key=lambda r: max(r.width, 0) * max(r.height, 0))
            if best.width * best.height < KEEP_SHARE * box.width * box.height:
                continue  # a panel behind the text rather than a band beside it
            box = best
        return box

    def measuring_theme(self, theme: Theme) -> Theme:
        """*theme* with the template's fonts, so text is measured as it will be drawn."""
        if self.own:
            return theme
        major, minor = self.fonts
        fonts = theme.fonts.model_copy(
            update={
                "heading": Font(name=major, file=metric_family(major)),
                "body": Font(name=minor, file=metric_family(minor)),
            }
        )
        return theme.model_copy(update={"fonts": fonts})


def themed(theme: Theme, aspect: str) -> Template:
    """The shipped theme's own master and layouts, for a deck of *aspect*."""
    data = pptx_master.themed_package(theme, aspect)
    deck = Presentation(io.BytesIO(data))
    return _template(deck, f"theme '{theme.name}'", _digest(data), own=True)


def open_template(path: Path) -> Template:
    """A user's .pptx or .potx, emptied of its slides and normalised. Whether it is a
    template is told by its package, not its name; a file that is no PowerPoint package
    is bad input, said at the file as a Word template's is."""
    try:
        data = path.read_bytes()
    except OSError as error:
        raise LessonError.at(path, f"cannot be read: {error.strerror or error}") from None
    problem = package_problem(data, POWERPOINT)
    if problem:
        raise LessonError.at(path, problem)
    stream = io.BytesIO(as_document(data, POWERPOINT))
    try:
        deck = Presentation(stream)
    except (zipfile.BadZipFile, KeyError, ValueError, etree.XMLSyntaxError) as error:
        damage = str(error).replace(str(stream), path.name)  # python-pptx names the stream
        raise LessonError.at(
            path, f"a part of it is damaged ({damage}): open and save it again in PowerPoint"
        ) from None
    return _template(deck, path.name, _digest(data), own=False)


_CHOICES: dict[bytes, tuple[int | None, ...]] = {}  # layouts chosen, by the package's digest
_AREAS: dict[tuple[bytes, float], ContentArea] = {}  # content areas, by digest and line height
_BOXES: dict[tuple[bytes, str, str, str], tuple[Rect, tuple[float, float, float, float]]] = {}


def _chosen(layouts: Sequence[SlideLayout]) -> tuple[SlideLayout | None, ...]:
    """The content, cover, two-content and title-only layouts, each or None."""
    return (
        _choose(layouts, ("obj", "tx"), TITLES, BODIES),
        _choose(layouts, ("title",), TITLES, (PP_PLACEHOLDER.SUBTITLE, *BODIES)),
        _choose(layouts, ("twoObj", "twoTxTwoObj"), TITLES, BODIES, count=2),
        _choose(layouts, ("titleOnly",), TITLES, ()),
    )


def _template(deck: Deck, name: str, key: bytes, *, own: bool) -> Template:
    report = TemplateReport(Path(name))
    _drop_slides(deck, report)
    _normalise(deck, report)
    if not own:  # a theme's own master marks its decorations as it draws them
        _mark_decorations(deck, report)
    layouts = _all_layouts(deck)
    if key not in _CHOICES:  # looking through every layout's placeholders is slow
        _CHOICES[key] = tuple(
            None if layout is None else layouts.index(layout) for layout in _chosen(layouts)
        )
    content, cover, two, title_only = (
        None if index is None else layouts[index] for index in _CHOICES[key]
    )
    if content is None:
        raise BuildError(
            f"{name}: no layout has both a title and a content placeholder;"
            " add a 'Title and Content' layout to the template"
        )
    cover = cover or content
    for what, layout in (
        ("cover and closing slides", cover),
        ("text slides", content),
        ("side-by-side content", two),
        ("tables, pictures and panels", title_only),
    ):
        report.uses.append(f"{what}: {describe(layout)}")
    if two is None:
        report.warnings.append("no Two Content layout: side-by-side content is drawn in boxes")
    if title_only is None:
        report.uses[-1] = (
            f"tables, pictures and panels: {describe(content)} with its body placeholder removed"
        )
    fonts = _theme_fonts(content.slide_master)
    return Template(deck, name, own, cover, content, two, title_only, fonts, report, key)


def _digest(data: bytes) -> bytes:
    return hashlib.sha1(data, usedforsecurity=False).digest()


def describe(layout: SlideLayout | None) -> str:
    """A layout as a report names it: its name and type."""
    if layout is None:
        return "none"
    return f"layout '{layout.name}' ({layout.element.get('type', 'cust')})"


def _choose(
    layouts: Sequence[SlideLayout],
    types: Sequence[str],
    first: Sequence[PP_PLACEHOLDER],
    second: Sequence[PP_PLACEHOLDER],
    *,
    count: int = 1,
) -> SlideLayout | None:
    """The first layout of one of *types* (in their order) that holds the placeholders,
    none of its *second* ones over its title (a Content with Caption layout's picture box
    may rise beside the title and under its end); else, of those, the one whose *second*
    placeholders have the largest area (a layout's name is in the template's language,
    and says nothing reliable)."""

    def holds(layout: SlideLayout) -> bool:
        title = placeholder(layout, first)
        if title is None:
            return False
        found = [shape for shape in layout.placeholders if _kind(shape) in second]
        if any(_overlap(rect(shape), rect(title)) for shape in found):
            return False  # content there would be drawn over the title
        return len(found) >= count if second else not found

    suitable = [layout for layout in layouts if holds(layout)]
    for kind in types:
        typed = [layout for layout in suitable if layout.element.get("type") == kind]
        if typed:
            return typed[0]
    if not second:
        return None  # a title-only layout is chosen by its type alone
    return max(suitable, key=lambda layout: _body_area(layout, second), default=None)


def _body_area(layout: SlideLayout, kinds: Sequence[PP_PLACEHOLDER]) -> float:
    return max(
        (r.width * r.height for s in layout.placeholders if _kind(s) in kinds for r in [rect(s)]),
        default=0.0,
    )


def _placeholders(slide: Slide) -> Iterator[tuple[PP_PLACEHOLDER, Any, Any]]:
    """Each placeholder on *slide*: its type, its ``p:sp`` and its ``p:ph``."""
    for element in slide.shapes._spTree.iterchildren(qn("p:sp")):
        ph = element.find(_PH)
        if ph is not None:
            yield _placeholder_type(ph.get("type", "obj")), element, ph


def _kind(shape: Any) -> PP_PLACEHOLDER:
    return shape.placeholder_format.type


@functools.cache
def _placeholder_type(value: str) -> PP_PLACEHOLDER:
    """The placeholder type an ``<p:ph type>`` value names: python-pptx looks it up
    through every member of the enumeration, for each placeholder of each slide."""
    return PP_PLACEHOLDER.from_xml(value)


def _drop_slides(deck: Deck, report: TemplateReport) -> None:
    slides = deck.slides._sldIdLst
    if len(slides):
        report.repairs.append(f"dropped the {len(slides)} slide(s) the template came with")
    for slide in list(slides):
        deck.part.drop_rel(slide.rId)  # the slide part is then no longer written
        slides.remove(slide)


def _normalise(deck: Deck, report: TemplateReport) -> None:
    """Mend what real templates leave out: a slide size, a notes page body, and the
    ``idx`` of layout placeholders (LibreOffice writes ``<p:ph type="subTitle"/>``,
    which would then be taken for the title, whose idx is 0 by default)."""
    if deck.slide_width is None or deck.slide_height is None:
        deck.slide_width, deck.slide_height = (round(v * 12700) for v in DEFAULT_SIZE)
        report.repairs.append("the template gives no slide size: using 16:9 (960 x 540 pt)")
    for layout in _all_layouts(deck):
        used = {int(ph.get("idx")) for ph in _ph_elements(layout) if ph.get("idx")}
        for ph in _ph_elements(layout):
            if ph.get("idx") is None and ph.get("type") not in ("title", "ctrTitle"):
                number = max(used | {9}) + 1
                used.add(number)
                ph.set("idx", str(number))
                report.repairs.append(
                    f"{describe(layout)}: numbered its '{ph.get('type', 'obj')}' placeholder"
                    f" (idx {number}), which had no idx"
                )
    notes_master = deck.notes_master  # python-pptx makes one when the template has none
    tree = notes_master.shapes._spTree
    bodies = tree.xpath("p:sp/p:nvSpPr/p:nvPr/p:ph[@type='body']")
    if not bodies:
        number = max((int(i) for i in tree.xpath(".//p:cNvPr/@id")), default=1) + 1
        tree.append(parse_xml(_NOTES_BODY.format(ns=nsdecls("a", "p"), id=number, n=number)))
        report.repairs.append("the notes master had no body placeholder: added one for notes")


_UNPLACED = etree.XPath(  # the properties of every shape on a master or layout but its placeholders
    "p:cSld/p:spTree/*/*[1][not(p:nvPr/p:ph)]/p:cNvPr", namespaces=namespaces("p")
)
_WORDS = etree.XPath(".//a:t/text()", namespaces=namespaces("a"))


def _mark_decorations(deck: Deck, report: TemplateReport) -> None:
    """Mark as decorative the pictures and textless shapes of the template's masters and
    layouts that have no alt text: a logo or a band repeats on every slide, and a screen
    reader would otherwise announce it as an unnamed picture on each one."""
    for owner in [*deck.slide_masters, *_all_layouts(deck)]:
        marked = 0
        for properties in _UNPLACED(owner.element):
            if described(properties) or "".join(_WORDS(properties.getparent().getparent())).strip():
                continue  # words on every slide ("Confidential") are read, not hidden
            mark_decorative(properties)
            marked += 1
        if marked:
            where = describe(owner) if isinstance(owner, SlideLayout) else "the slide master"
            report.repairs.append(
                f"{where}: marked {marked} picture(s) or shape(s) without alt text as decorative"
            )


def _ph_elements(layout: SlideLayout) -> list[Any]:
    return layout.element.xpath("p:cSld/p:spTree/*/*/p:nvPr/p:ph")


def _all_layouts(deck: Deck) -> list[SlideLayout]:
    """Every layout of every master (a template may keep its content layouts on a second)."""
    return [layout for master in deck.slide_masters for layout in master.slide_layouts]


def _decorations(layout: SlideLayout) -> list[Any]:
    """The shapes other than placeholders that show on slides of *layout*."""
    shapes = [shape for shape in layout.shapes if not shape.is_placeholder]
    if layout.element.get("showMasterSp") != "0":
        shapes += [shape for shape in layout.slide_master.shapes if not shape.is_placeholder]
    return [shape for shape in shapes if shape.width and shape.height]


def _overlap(first: Rect, second: Rect) -> bool:
    return (
        first.left < second.left + second.width
        and second.left < first.left + first.width
        and first.top < second.top + second.height
        and second.top < first.top + first.height
    )


def _scheme_colours(master: Any) -> dict[str, str]:
    """The master's colours as slides use them (bg1, tx1, bg2, tx2, accent1 ...): the
    theme's colour scheme seen through the master's colour map."""
    part = master.part.part_related_by(RT.THEME)
    scheme = etree.fromstring(part.blob).find(f".//{_A}clrScheme")
    colours = {}
    for slot in scheme:
        value = slot[0].get("lastClr") or slot[0].get("val") or "000000"
        colours[etree.QName(slot).localname] = value.upper()
    mapping = master.element.find(qn("p:clrMap"))
    names = dict(mapping.attrib) if mapping is not None else {}
    defaults = {"bg1": "lt1", "tx1": "dk1", "bg2": "lt2", "tx2": "dk2"}
    for role, slot in defaults.items():
        colours[role] = colours.get(names.get(role, slot), "000000")
    return colours


def _background(master: Any, scheme: dict[str, str]) -> str:
    """The colour a slide of the master shows behind its text: the master's own solid
    background when it sets one (LibreOffice writes a dark master this way, with the
    scheme's light text colour mapped to the background), else the scheme's bg1."""
    fill = master.element.find(f"{qn('p:cSld')}/{qn('p:bg')}")
    if fill is not None:
        for colour in fill.iter(f"{_A}srgbClr", f"{_A}schemeClr"):
            value = colour.get("val")
            return (
                value.upper() if colour.tag == f"{_A}srgbClr" else scheme.get(value, scheme["bg1"])
            )
    return scheme["bg1"]


def _theme_fonts(master: Any) -> tuple[str, str]:
    """The master theme's major and minor Latin typefaces."""
    part = master.part.part_related_by(RT.THEME)
    root = etree.fromstring(part.blob)
    a = "{http://schemas.openxmlformats.org/drawingml/2006/main}"
    names = []
    for tag in ("majorFont", "minorFont"):
        latin = root.find(f".//{a}fontScheme/{a}{tag}/{a}latin")
        names.append(latin.get("typeface") if latin is not None else "Calibri")
    return names[0], names[1]


def font_notes(template: Template) -> list[str]:
    """The template's fonts and what measures them, in a report's words."""
    notes = []
    for role, font in zip(("headings", "body text"), template.fonts, strict=True):
        family = metric_family(font)
        known = font.lower() in metric_twins()
        how = (
            f"measured with {family}"
            if known
            else f"no metric twin known; measured as {family}, a wide face"
        )
        notes.append(f"{role}: {font} ({how})")
    return notes


_COPIES: dict[tuple[bytes, str, bool], tuple[Any, ...]] = {}  # placeholders, by layout


class Slides:
    """Adds slides to a deck as python-pptx's ``add_slide`` does, with each layout's own
    placeholders plus its footer and slide-number ones (which python-pptx leaves off).

    A new slide's placeholders are the same for every slide of a layout (ids and names
    count from an empty slide), so python-pptx clones them once per layout of a template
    and later slides, in this deck and the next, get copies: looking through the layout
    was most of the cost of a new slide."""

    def __init__(self, template: Template) -> None:
        self.deck = template.deck
        self.key = template.key
        self.ids = self.deck.slides._sldIdLst
        # python-pptx finds the next slide id with an XPath query per slide; it is one
        # more than the largest in use (256 in an empty deck), so count on from there.
        self.next_id = max((int(slide.get("id")) for slide in self.ids), default=255) + 1

    def add(self, layout: SlideLayout, *, footers: bool = True) -> Slide:
        """A new last slide on *layout*; without *footers* for a cover, as PowerPoint's
        "don't show on title slide" leaves them off."""
        key = (self.key, str(layout.part.partname), footers)
        relation, slide = self.deck.part.add_slide(layout)
        tree = slide.shapes._spTree
        if key in _COPIES:
            for element in _COPIES[key]:
                tree.insert_element_before(copy.deepcopy(element), "p:extLst")
        else:
            shapes = [*layout.iter_cloneable_placeholders()]
            if footers:
                shapes += [shape for shape in layout.placeholders if _kind(shape) in FOOTERS]
            for shape in shapes:
                slide.shapes.clone_placeholder(shape)
            _COPIES[key] = tuple(copy.deepcopy(element) for element in tree.iter_shape_elms())
        self.ids._add_sldId(id=self.next_id, rId=relation)
        self.next_id += 1
        return slide


def placeholders(owner: Any, kinds: Sequence[PP_PLACEHOLDER]) -> list[Any]:
    """Every placeholder of one of *kinds* on a slide or layout, left to right."""
    found = [shape for shape in owner.placeholders if _kind(shape) in kinds]
    return sorted(found, key=lambda shape: (rect(shape).left, rect(shape).top))


def placeholder(owner: Any, kinds: Sequence[PP_PLACEHOLDER]) -> Any | None:
    """The first placeholder of one of *kinds* on a slide or layout, in the order of *kinds*."""
    for kind in kinds:
        for shape in owner.placeholders:
            if _kind(shape) == kind:
                return shape
    return None


def rect(shape: Any) -> Rect:
    """Where *shape* sits, inherited from its layout and master when it does not say."""
    return Rect(*(value / 12700 for value in (shape.left, shape.top, shape.width, shape.height)))


def insets(shape: Any) -> tuple[float, float, float, float]:
    """A placeholder's text insets (left, top, right, bottom, points), each taken from the
    first of the shape, its layout's placeholder and its master's that gives it."""
    found: list[float | None] = [None] * 4
    for element in _inheritance(shape):
        body = element.find(f"{qn('p:txBody')}/{qn('a:bodyPr')}")
        if body is None:
            continue
        for index, name in enumerate(_INSET_NAMES):
            if found[index] is None and body.get(name) is not None:
                found[index] = int(body.get(name)) / 12700
    return tuple(  # type: ignore[return-value]
        default if value is None else value
        for value, default in zip(found, DEFAULT_INSETS, strict=True)
    )


def _inheritance(shape: Any) -> list[Any]:
    """The shape's element, then its layout's placeholder's, then the master's."""
    chain = [shape.element]
    layout_shape = getattr(shape, "_base_placeholder", None)
    while layout_shape is not None:
        chain.append(layout_shape.element)
        layout_shape = getattr(layout_shape, "_base_placeholder", None)
    return chain


def check(path: Path) -> TemplateReport:
    """What a deck built on the PowerPoint template at *path* would use, and why not."""
    unusable = TemplateReport(path)
    try:
        template = open_template(path)
    except LessonError as error:  # not a PowerPoint package
        unusable.problems += [problem.message for problem in error.problems]
        return unusable
    except BuildError as error:  # a package without the layouts a deck needs
        unusable.problems.append(str(error).removeprefix(f"{path.name}: "))
        return unusable
    report = template.report
    report.path = path
    template.content_area(CHECK_LINE)
    report.boxes.append(f"slide: {template.width:.0f} x {template.height:.0f} pt")
    for what, layout, kinds in (
        ("title", template.content, TITLES),
        ("content area", template.content, BODIES),
        ("cover title", template.cover, TITLES),
        ("cover subtitle", template.cover, SUBTITLES),
    ):
        shape = placeholder(layout, kinds)
        if shape is None:
            continue
        box, inner = rect(shape), insets(shape)
        report.boxes.append(
            f"{what}: {box.width:.0f} x {box.height:.0f} pt at ({box.left:.0f}, {box.top:.0f}),"
            f" insets {', '.join(f'{value:g}' for value in inner)} pt ({describe(layout)})"
        )
        if kinds == TITLES and box.height < 1.2 * 24 + inner[1] + inner[3]:
            report.warnings.append(
                f"{describe(layout)}: title box {box.height:.0f} pt tall; long titles are set"
                f" smaller, down to {HARD_MIN:g} pt"
            )
    report.fonts += font_notes(template)
    for font in template.fonts:
        if font.lower() not in metric_twins():
            report.warnings.append(
                f"font '{font}' has no metric twin here: text is measured as the wide"
                f" {FALLBACK_FAMILY}, so lines may break earlier than they need to"
            )
    if placeholder(template.content, FOOTERS) is None:
        report.warnings.append(
            f"{describe(template.content)} has no footer or slide-number placeholder:"
            " slides carry neither"
        )
    return report
