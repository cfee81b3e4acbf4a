"""WordprocessingML written directly: paragraphs, runs, tables, styles, numbering, fields, links.

python-docx opens and saves the package, but has no API for list numbering that
restarts for every list, PAGE/NUMPAGES fields, hyperlinks, cell shading and borders,
or starting from a user's own .docx or .dotx; and its paragraph, run, table and style
objects find every element they touch by walking the schema, which made a handout
several times slower than the XML it writes. These helpers write that XML as
python-docx would, attribute for attribute, and insert every child element at its
schema position (Word rejects a file whose elements are out of order; LibreOffice is
more forgiving, so a wrong order would go unnoticed in a preview).
"""

from __future__ import annotations

import copy
import io
import re
from collections.abc import Collection, Iterator, Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import docx
from docx.document import Document as WordDocument
from docx.opc.constants import CONTENT_TYPE as CT
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.opc.packuri import PackURI
from docx.oxml import OxmlElement, parse_xml
from docx.oxml.ns import nsdecls, nsmap, qn
from docx.oxml.parser import oxml_parser
from docx.oxml.styles import CT_Style, styleId_from_name
from docx.oxml.table import CT_Tc
from docx.oxml.text.paragraph import CT_P
from docx.oxml.text.run import CT_R
from docx.parts.numbering import NumberingPart
from docx.parts.story import StoryPart
from docx.section import Section
from docx.shared import Emu, Length, Twips
from docx.styles import BabelFish
from docx.text.parfmt import ParagraphFormat
from lxml.etree import SubElement

from ..languages import word_languages
from ..officefile import WORD, as_document
from ..scripts import RIGHT_TO_LEFT, right_to_left, right_to_left_only
from .ooxml import described, mark_decorative

W = f"{{{nsmap['w']}}}"  # the namespace part of a w: tag or attribute in Clark notation
W_NAMESPACE = {"w": nsmap["w"]}
XML_SPACE = "{http://www.w3.org/XML/1998/namespace}space"


def order(tags: str) -> dict[str, int]:
    """Each tag's position in a schema order, by its Clark name (as lxml names elements)."""
    return {W + tag: index for index, tag in enumerate(tags.split())}


# Child order of the property elements we touch (ECMA-376 part 1, 17.3, 17.4 and 17.7).
PPR_ORDER = order(
    "pStyle keepNext keepLines pageBreakBefore framePr widowControl numPr suppressLineNumbers"
    " pBdr shd tabs suppressAutoHyphens kinsoku wordWrap overflowPunct topLinePunct autoSpaceDE"
    " autoSpaceDN bidi adjustRightInd snapToGrid spacing ind contextualSpacing mirrorIndents"
    " suppressOverlap jc textDirection textAlignment textboxTightWrap outlineLvl divId cnfStyle"
    " rPr sectPr pPrChange"
)
RPR_ORDER = order(
    "rStyle rFonts b bCs i iCs caps smallCaps strike dstrike outline shadow emboss imprint noProof"
    " snapToGrid vanish webHidden color spacing w kern position sz szCs highlight u effect bdr shd"
    " fitText vertAlign rtl cs em lang eastAsianLayout specVanish oMath"
)
TRPR_ORDER = order(
    "cnfStyle divId gridBefore gridAfter wBefore wAfter cantSplit trHeight tblHeader"
    " tblCellSpacing jc hidden"
)
TCPR_ORDER = order(
    "cnfStyle tcW gridSpan hMerge vMerge tcBorders shd noWrap tcMar textDirection tcFitText"
    " vAlign hideMark"
)
STYLE_ORDER = order(
    "name aliases basedOn next link autoRedefine hidden uiPriority semiHidden unhideWhenUsed"
    " qFormat locked personal personalCompose personalReply rsid pPr rPr tblPr trPr tcPr"
    " tblStylePr"
)
SECTPR_ORDER = order(
    "headerReference footerReference footnotePr endnotePr type pgSz pgMar paperSrc pgBorders"
    " lnNumType pgNumType cols formProt vAlign noEndnote titlePg textDirection bidi rtlGutter"
    " docGrid printerSettings sectPrChange"
)
BORDER_SIDES = ("top", "left", "bottom", "right", "insideH", "insideV")
# A paragraph's or run's properties element and the style reference that leads it.
STYLE_REFERENCE = {W + "p": ("pPr", "pStyle"), W + "r": ("rPr", "rStyle")}
RUN_BREAKS = re.compile("([\t\r\n])")
RUN_SPECIALS = {"\t": "tab", "\r": "br", "\n": "br"}  # characters with an element of their own


def element(tag: str, **values: str | int) -> OxmlElement:
    """A new, unattached ``w:`` element with ``w:`` attributes, e.g. ``element("tabs")``.

    It starts a document of its own, so :func:`sub` is cheaper wherever the parent is known.
    """
    return set_attributes(oxml_parser.makeelement(W + tag, nsmap=W_NAMESPACE), values)


def sub(parent: OxmlElement, tag: str, **values: str | int) -> OxmlElement:
    """A new ``w:`` element appended to *parent*, e.g. ``sub(ppr, "jc", val="center")``."""
    return set_attributes(SubElement(parent, W + tag), values)


def set_attributes(node: OxmlElement, values: dict[str, str | int]) -> OxmlElement:
    """Set ``w:`` attributes in the order given (the order they are written), one by
    one: lxml does that faster than from a mapping."""
    for name, value in values.items():
        node.set(W + name, str(value))
    return node


def put(parent: OxmlElement, child: OxmlElement, order: dict[str, int]) -> OxmlElement:
    """Replace *parent*'s child of the same tag by *child*, at its schema position in *order*."""
    for old in parent.findall(child.tag):
        parent.remove(old)
    return place(parent, child, order)


def set_child(
    parent: OxmlElement, tag: str, order: dict[str, int], **values: str | int
) -> OxmlElement:
    """Replace *parent*'s ``w:tag`` child by a new one with *values*, at its schema position."""
    for old in parent.findall(W + tag):
        parent.remove(old)
    return place(parent, sub(parent, tag, **values), order)


def place(parent: OxmlElement, child: OxmlElement, order: dict[str, int]) -> OxmlElement:
    """Move *child* before *parent*'s first child that comes after it in *order* (Word
    rejects property elements out of schema order), else to the end."""
    own = order[child.tag]
    for sibling in parent:
        if order.get(sibling.tag, -1) > own:
            sibling.addprevious(child)
            return child
    parent.append(child)
    return child


def get_or_add(parent: OxmlElement, tag: str, order: dict[str, int]) -> OxmlElement:
    """*parent*'s ``w:tag`` child, made at its schema position if missing, so that
    settings already on it (a template style's) are kept."""
    found = parent.find(W + tag)
    return place(parent, sub(parent, tag), order) if found is None else found


def properties(parent: OxmlElement, tag: str) -> OxmlElement:
    """The properties element (``pPr``, ``rPr``, ``tcPr``) that leads *parent*, made if missing."""
    found = parent.find(W + tag)
    if found is None:
        found = sub(parent, tag)
        parent.insert(0, found)
    return found


def switch(parent: OxmlElement, tag: str, on: bool, order: dict[str, int]) -> None:
    """An on/off property such as ``w:b``: bare when on, ``w:val="0"`` when explicitly off."""
    node = get_or_add(parent, tag, order)
    if on:
        node.attrib.pop(W + "val", None)
    else:
        node.set(W + "val", "0")


def set_values(parent: OxmlElement, tag: str, order: dict[str, int], **values: str | int) -> None:
    """Set attributes of *parent*'s ``w:tag`` child (made if missing), keeping its others."""
    set_attributes(get_or_add(parent, tag, order), values)


def shade(cell: CT_Tc, fill: str) -> None:
    """Fill a table cell with the solid colour *fill* (hex)."""
    set_child(properties(cell, "tcPr"), "shd", TCPR_ORDER, val="clear", color="auto", fill=fill)


def borders(tag: str, sides: dict[str, tuple[int, str] | None], space: int = 1) -> OxmlElement:
    """A border set (``pBdr``, ``tblBorders``, ``tcBorders``): side -> (eighths of a point, colour).

    A side mapped to None is explicitly off, so a table style cannot draw it; *space* is
    the gap between a paragraph border and its text, in points.
    """
    group = element(tag)
    for side in (*BORDER_SIDES, "between"):
        if side not in sides:
            continue
        spec = sides[side]
        if spec is None:
            sub(group, side, val="nil")
        else:
            size, colour = spec
            sub(group, side, val="single", sz=size, space=space, color=colour)
    return group


def set_lang(rpr: OxmlElement, language: str) -> None:
    """Mark text as written in *language* (spell-check, hyphenation and screen readers
    use it), for its script's letters too when that is a complex or East Asian one."""
    set_child(rpr, "lang", RPR_ORDER, **word_languages(language))


def set_fonts(rpr: OxmlElement, name: str) -> None:
    """Use the font *name* for every script, dropping theme-font references that would win."""
    set_child(rpr, "rFonts", RPR_ORDER, ascii=name, hAnsi=name, cs=name, eastAsia=name)


def set_colour(rpr: OxmlElement, colour: str) -> None:
    """A plain RGB colour (python-docx keeps a theme colour attribute that Word prefers)."""
    set_child(rpr, "color", RPR_ORDER, val=colour)


def set_line_spacing(ppr: OxmlElement, value: float | Length) -> None:
    """Line spacing as python-docx writes it: a length is an exact height (or stays a
    minimum where the style already says so), a number is a multiple of single spacing."""
    spacing = get_or_add(ppr, "spacing", PPR_ORDER)
    if isinstance(value, Length):
        spacing.set(W + "line", str(value.twips))
        if spacing.get(W + "lineRule") != "atLeast":
            spacing.set(W + "lineRule", "exact")
    else:
        spacing.set(W + "line", str(Emu(value * Twips(240)).twips))
        spacing.set(W + "lineRule", "auto")


def set_indent(ppr: OxmlElement, left: Length | None, right: Length | None) -> None:
    """Left and right indents; a side given as None is dropped, so it is inherited."""
    ind = ppr.find(W + "ind")
    if ind is None:
        if left is None and right is None:
            return
        ind = get_or_add(ppr, "ind", PPR_ORDER)
    for side, value in (("left", left), ("right", right)):
        if value is None:
            ind.attrib.pop(W + side, None)
        else:
            ind.set(W + side, str(value.twips))


def indents(style: CT_Style) -> tuple[Length | None, Length | None]:
    """A style's own left and right indents (None where it has none)."""
    own = ParagraphFormat(style)
    return own.left_indent, own.right_indent


def right_tab(position: Length) -> OxmlElement:
    """A ``w:tabs`` with one right-aligned stop at *position*."""
    tabs = element("tabs")
    sub(tabs, "tab", pos=position.twips, val="right")
    return tabs


def _key_of(element: OxmlElement, attribute: str) -> str:
    """The style name or id in *element*'s ``w:``*attribute*, as :class:`Styles` compares them."""
    return style_key(element.get(W + attribute, ""))


class Styles:
    """A document's styles by name and id, read once.

    python-docx finds a style by scanning every style's name, on each lookup and each
    addition; a theme defines some thirty styles, so that was a third of a handout's time.
    A style is found by its name, else by its id, both compared without regard to case
    (and an id also without spaces): Word writes built-in names in lower case
    (``heading 1``), pandoc and LibreOffice as shown (``Heading 1``), and templates made
    in other languages keep English names under local ids or the reverse.
    """

    def __init__(self, document: WordDocument) -> None:
        self.root = document.styles.element
        self.by_name: dict[tuple[str, str], CT_Style] = {}
        self.by_id: dict[tuple[str, str], CT_Style] = {}
        for style in self.root.iterchildren(W + "style"):
            self._index(style)

    def _index(self, style: CT_Style) -> None:
        """Remember *style* under its kind, name and id; the first of a name or id wins,
        as in Word."""
        kind = style.get(W + "type", "paragraph")
        name = style.find(W + "name")
        if name is not None:
            self.by_name.setdefault((kind, _key_of(name, "val")), style)
        self.by_id.setdefault((kind, _key_of(style, "styleId")), style)

    def find(self, name: str, kind: str = "paragraph") -> CT_Style | None:
        """The style of *kind* called *name* (as Word shows it), else the one whose id is
        *name*, with or without its spaces."""
        key = style_key(name)
        for found in (
            self.by_name.get((kind, key)),
            self.by_id.get((kind, key)),
            self.by_id.get((kind, key.replace(" ", ""))),
        ):
            if found is not None:
                return found
        return None

    def colour(self, name: str) -> str | None:
        """The text colour style *name* sets, itself or through the styles it is based on
        (six hex digits); None for automatic or a theme colour."""
        for style in self.lineage(self.find(name)):
            found = style.find(f"{qn('w:rPr')}/{qn('w:color')}")
            if found is not None and found.get(qn("w:val"), "auto") != "auto":
                return found.get(qn("w:val")).upper()
        return None

    def lineage(self, style: CT_Style | None) -> Iterator[CT_Style]:
        """*style*, then the style it is based on, and so on, as far as the document has
        them (a loop of bases is followed once)."""
        seen: set[int] = set()
        while style is not None and id(style) not in seen:
            seen.add(id(style))
            yield style
            based = style.find(W + "basedOn")
            kind = style.get(W + "type", "paragraph")
            style = None if based is None else self.by_id.get((kind, _key_of(based, "val")))

    def id_of(self, name: str) -> str | None:
        """The id of the style *name* finds, as :meth:`used` gives ids."""
        style = self.find(name)
        return None if style is None else _key_of(style, "styleId")

    def used(self, element: OxmlElement) -> set[str]:
        """The ids (compared as :meth:`find` compares them) of the paragraph styles text in
        *element* is set in, and of every style those are based on."""
        named = {_key_of(reference, "val") for reference in element.iter(W + "pStyle")}
        return {
            _key_of(style, "styleId")
            for key in named
            for style in self.lineage(self.by_id.get(("paragraph", key)))
        }

    def add(self, name: str, kind: str) -> CT_Style:
        """A new custom style of *kind* (``paragraph``, ``character``) shown in the gallery,
        under an id no other style has."""
        internal = BabelFish.ui2internal(name)
        base = style_id = styleId_from_name(internal)
        taken = {key for _, key in self.by_id}
        suffix = 1
        while style_key(style_id) in taken:
            suffix += 1
            style_id = f"{base}{suffix}"
        style = sub(self.root, "style", type=kind, customStyle=1, styleId=style_id)
        sub(style, "name", val=internal)
        sub(style, "qFormat")
        self._index(style)
        return style

    def table_style(self) -> CT_Style | None:
        """The template's own table style: its default one unless that is Word's plain
        "Normal Table", else its first custom one; None when it has neither."""
        tables = [s for s in self.root.iterchildren(W + "style") if s.get(W + "type") == "table"]
        for style in tables:
            if (
                style.get(W + "default") in ("1", "true", "on")
                and style_key(style.name_val or "") not in PLAIN_TABLE_STYLES
            ):
                return style
        return next((s for s in tables if s.get(W + "customStyle") in ("1", "true", "on")), None)


def style_size(style: CT_Style) -> float | None:
    """A style's own type size in points, None when it leaves the size to others."""
    size = style.find(f"{W}rPr/{W}sz")
    half_points = integer(None if size is None else size.get(W + "val"), 0)
    return half_points / 2 or None


PLAIN_TABLE_STYLES = {"normal table", "table normal"}  # Word's and LibreOffice's


def style_key(name: str) -> str:
    """A style name or id as Word compares them: without regard to case."""
    return name.casefold().strip()


# -- documents ----------------------------------------------------------------------


def blank_document() -> WordDocument:
    """python-docx's default document, new for each handout.

    Parsing its template (some 440 kB of style XML) took a fifth of a handout's time;
    the parsed document is kept, and copying it takes half as long.
    """
    return copy.deepcopy(_default_document())


@cache
def _default_document() -> WordDocument:
    return without_table_styles(without_stale_styles(docx.Document()))


def without_table_styles(word: WordDocument) -> WordDocument:
    """*word* with no table style but its default (plain) one.

    python-docx's template defines a hundred of Word's built-in table styles (Light
    Shading, Medium Grid, each in six accents): 340 kB of its 355 kB of styles. A
    handout without the user's template styles its tables itself and uses none of them,
    yet every handout copied, wrote and compressed them, a tenth of its time. Word adds
    a built-in style's definition when someone picks it, so nothing is lost.
    """
    styles = word.styles.element
    for style in styles.findall(W + "style"):
        if style.get(W + "type") == "table" and style.get(W + "default") != "1":
            styles.remove(style)
    return word


STYLES_WITH_EFFECTS = "http://schemas.microsoft.com/office/2007/relationships/stylesWithEffects"


def without_stale_styles(word: WordDocument) -> WordDocument:
    """*word* without its ``stylesWithEffects.xml``, a copy of the styles for Word 2010.

    The handout adds its own styles to ``styles.xml`` only, so the copy falls out of
    step (two dozen styles missing, other document defaults), which Word may report
    as unreadable content. Word makes the part again when it saves; nothing reads it
    otherwise.
    """
    for rel_id, rel in list(word.part.rels.items()):
        if rel.reltype == STYLES_WITH_EFFECTS:
            word.part.rels.pop(rel_id)
    return word


def open_reference(path: Path) -> tuple[WordDocument, list[str]]:
    """A user's .docx or .dotx with its body emptied: its styles, numbering, headers,
    footers and page setup (the body's final ``w:sectPr``) stay. Also says what had to
    be mended: a body without section properties gets empty ones, and a restriction on
    editing goes (a teacher adapts the handout).

    A .dotx differs from a .docx only in its main part's content type, which python-docx
    refuses; the type is switched in ``[Content_Types].xml`` in memory before opening,
    so the handout is saved as a document, not a template.
    """
    data = as_document(path.read_bytes(), WORD)
    word = without_stale_styles(docx.Document(io.BytesIO(data)))
    body = word.element.body
    if body is None:
        raise ValueError("its main part has no body (w:body)")
    repairs = []
    for child in list(body):
        if child.tag != qn("w:sectPr"):
            body.remove(child)
    if body.find(qn("w:sectPr")) is None:
        sub(body, "sectPr")
        repairs.append("no section properties: added")
    settings = word.settings.element
    for tag in ("w:writeProtection", "w:documentProtection"):
        for lock in settings.findall(qn(tag)):
            settings.remove(lock)
            repairs.append(f"{LOCKS[tag]}: removed, so the handout can be edited")
    return word, repairs + _decorations_marked(word)


def _decorations_marked(word: WordDocument) -> list[str]:
    """Mark as decorative the pictures of the template's headers and footers that have no
    alt text: a logo there repeats on every page, and a screen reader would otherwise
    announce an unnamed picture each time."""
    marked = 0
    for relationship in word.part.rels.values():
        if relationship.reltype in (RT.HEADER, RT.FOOTER) and not relationship.is_external:
            for picture in relationship.target_part.element.iter(qn("wp:docPr")):
                if not described(picture):
                    mark_decorative(picture)
                    marked += 1
    if not marked:
        return []
    return [f"headers and footers: marked {marked} picture(s) without alt text as decorative"]


LOCKS = {  # settings that make Word open a document read-only or for forms only
    "w:writeProtection": "opens read-only (write protection)",
    "w:documentProtection": "editing is restricted (document protection)",
}


# -- fonts --------------------------------------------------------------------------

A = "{http://schemas.openxmlformats.org/drawingml/2006/main}"


@dataclass(frozen=True)
class StyleFont:
    """The Latin font a style's text is set in, the theme slot it comes from (``major``,
    ``minor``) if named through the theme, and a different East Asian font."""

    name: str
    slot: str | None = None
    east_asian: str | None = None


def theme_fonts(document: WordDocument) -> dict[str, list[str]]:
    """The theme part's major (headings) and minor (body) fonts: Latin, then East Asian."""
    found: dict[str, list[str]] = {"major": [], "minor": []}
    try:
        part = document.part.part_related_by(RT.THEME)
    except KeyError:
        return found
    root = parse_xml(part.blob)
    for slot, faces in found.items():
        font = root.find(f".//{A}{slot}Font")
        for script in ("latin", "ea"):
            face = None if font is None else font.find(A + script)
            if face is not None and face.get("typeface"):
                faces.append(face.get("typeface"))
    return found


def style_font(document: WordDocument, style: CT_Style) -> StyleFont | None:
    """The font text in *style* is set in: from its own or a base style's ``w:rFonts``,
    else the document defaults, a theme font resolved through the theme; None when
    nothing names one (the application's default)."""
    theme = theme_fonts(document)
    for rfonts in _font_chain(document, style):
        asian = rfonts.get(W + "eastAsia")
        face = rfonts.get(W + "ascii")
        if face:
            return StyleFont(face, None, asian if asian and asian != face else None)
        slot = (rfonts.get(W + "asciiTheme") or "")[:5]
        if theme.get(slot):
            return StyleFont(theme[slot][0], slot)
    return None


def _font_chain(document: WordDocument, style: CT_Style | None) -> Iterator[OxmlElement]:
    """``w:rFonts`` of *style*, its bases in turn, then of the document defaults."""
    styles = document.styles.element
    seen: set[str] = set()
    while style is not None and style.styleId not in seen:
        seen.add(style.styleId)
        rfonts = style.find(f"{W}rPr/{W}rFonts")
        if rfonts is not None:
            yield rfonts
        base = style.basedOn_val
        style = styles.get_by_id(base) if base else None
    defaults = styles.find(f"{W}docDefaults/{W}rPrDefault/{W}rPr/{W}rFonts")
    if defaults is not None:
        yield defaults


# -- page setup ---------------------------------------------------------------------


@dataclass(frozen=True)
class Page:
    """A section's page setup and the text column that tables and pictures must fit in."""

    width: Length
    height: Length
    top: Length
    right: Length
    bottom: Length
    left: Length
    gutter: Length
    columns: int
    column_width: Length  # the narrowest column's

    @property
    def text_width(self) -> Length:
        """Between the side margins: headers and footers span it whatever the columns."""
        return Emu(self.width - self.left - self.right - self.gutter)

    @property
    def text_height(self) -> Length:
        return Emu(self.height - self.top - self.bottom)


def page_of(section: Section) -> Page:
    """The page of *section* (sizes and margins present), with its text column: the text
    width itself, or with ``w:cols`` the narrowest of the columns it is divided into."""
    gutter = Emu(section.gutter or 0)  # room for the binding, beside the inner margin
    width = Emu(section.page_width - section.left_margin - section.right_margin - gutter)
    columns, column = 1, width
    cols = section._sectPr.find(W + "cols")
    if cols is not None:
        own = [integer(col.get(W + "w"), 0) for col in cols.iterchildren(W + "col")]
        if own and cols.get(W + "equalWidth") in ("0", "false", "off"):
            columns, column = len(own), Twips(min(own))
        else:
            columns = max(integer(cols.get(W + "num"), 1), 1)
            gaps = (columns - 1) * integer(cols.get(W + "space"), DEFAULT_COLUMN_SPACE)
            column = Emu((width - Twips(gaps)) // columns)
    return Page(
        section.page_width,
        section.page_height,
        Emu(abs(section.top_margin)),  # negative: "exactly", text may not push it down
        section.right_margin,
        Emu(abs(section.bottom_margin)),
        section.left_margin,
        gutter,
        columns,
        column,
    )


DEFAULT_COLUMN_SPACE = 720  # twips between columns when w:cols does not say (the schema's)


def integer(value: str | None, default: int) -> int:
    """A whole number from an attribute (twips, half-points), *default* when absent or
    unreadable."""
    try:
        return int(value) if value is not None else default
    except ValueError:
        return default


def repair_page(section: Section, paper: tuple[Length, Length], margin: Length) -> list[str]:
    """Give *section* the page size and margins it leaves out (pandoc's reference.docx has
    an empty ``w:sectPr``), from *paper* and *margin*; says what was filled in."""
    repairs = []
    if section.page_width is None or section.page_height is None:
        width, height = paper
        section.page_width = section.page_width or width
        section.page_height = section.page_height or height
        repairs.append(
            f"no page size: {section.page_width.mm:.0f} × {section.page_height.mm:.0f} mm used"
        )
    missing = [side for side in MARGINS if getattr(section, f"{side}_margin") is None]
    for side in missing:
        setattr(section, f"{side}_margin", margin)
    if missing:
        plural = "s" * (len(missing) > 1)
        repairs.append(f"no {', '.join(missing)} margin{plural}: {margin.mm:.0f} mm used")
    for side in ("header", "footer"):
        if getattr(section, f"{side}_distance") is None:
            setattr(section, f"{side}_distance", Emu(margin // 2))
    return repairs


MARGINS = ("top", "right", "bottom", "left")


def default_run_properties(document: WordDocument) -> OxmlElement:
    """The document-wide default run properties (``w:docDefaults``), made if missing."""
    styles = document.styles.element
    defaults = styles.find(qn("w:docDefaults"))
    if defaults is None:
        defaults = element("docDefaults")
        styles.insert(0, defaults)
    rpr_default = defaults.find(qn("w:rPrDefault"))
    if rpr_default is None:
        rpr_default = element("rPrDefault")
        defaults.insert(0, rpr_default)
    rpr = rpr_default.find(qn("w:rPr"))
    if rpr is None:
        rpr = element("rPr")
        rpr_default.append(rpr)
    return rpr


def numbering_part(document: WordDocument) -> NumberingPart:
    """The document's numbering part; made when a reference document has none
    (python-docx's own ``numbering_part`` cannot create one)."""
    part = document.part
    try:
        return part.part_related_by(RT.NUMBERING)
    except KeyError:
        numbering = NumberingPart(
            PackURI("/word/numbering.xml"),  # where Word and validators look for it
            CT.WML_NUMBERING,
            parse_xml(f"<w:numbering {nsdecls('w')}/>"),
            part.package,
        )
        part.relate_to(numbering, RT.NUMBERING)
        return numbering


# -- numbering ----------------------------------------------------------------------


@dataclass(frozen=True)
class Level:
    """One level of a list definition: number format, its text (``%1.``) and indents in twips."""

    format: str
    text: str
    indent: int
    hanging: int
    bold: bool = False
    colour: str | None = None
    font: str | None = None


class Numbering:
    """List definitions in numbering.xml: one abstract definition per style, one instance per list.

    Word continues numbering across every paragraph that shares a ``w:num``; so each
    list gets a fresh ``w:num`` with a ``startOverride`` on every level, and every
    numbered list in the handout starts at 1 or where its lesson says.
    """

    def __init__(self, document: WordDocument, styles: dict[str, Sequence[Level]]) -> None:
        self.root = numbering_part(document).element
        used = [int(n.get(qn("w:abstractNumId"))) for n in self.root.findall(qn("w:abstractNum"))]
        self.abstract: dict[str, int] = {}
        self.levels: dict[str, int] = {}
        first_num = self.root.find(qn("w:num"))
        for offset, (name, levels) in enumerate(styles.items(), start=max(used, default=-1) + 1):
            self.abstract[name] = offset
            self.levels[name] = len(levels)
            definition = self._abstract(offset, levels)
            if first_num is None:
                self.root.append(definition)
            else:
                first_num.addprevious(definition)
        nums = [int(n.get(qn("w:numId"))) for n in self.root.findall(qn("w:num"))]
        self.next_id = max(nums, default=0) + 1

    @staticmethod
    def _abstract(number: int, levels: Sequence[Level]) -> OxmlElement:
        definition = element("abstractNum", abstractNumId=number)
        sub(definition, "multiLevelType", val="multilevel")
        for index, level in enumerate(levels):
            lvl = sub(definition, "lvl", ilvl=index)
            sub(lvl, "start", val=1)
            sub(lvl, "numFmt", val=level.format)
            sub(lvl, "lvlText", val=level.text)
            sub(lvl, "lvlJc", val="left")
            sub(sub(lvl, "pPr"), "ind", left=level.indent, hanging=level.hanging)
            rpr = sub(lvl, "rPr")
            if level.font:
                set_fonts(rpr, level.font)
            if level.bold:
                set_child(rpr, "b", RPR_ORDER)
            if level.colour:
                set_colour(rpr, level.colour)
        return definition

    def new_list(self, style: str, start: int = 1, level: int = 0) -> int:
        """A fresh numbering instance of *style* whose *level* starts again at *start* and
        every other at 1."""
        num_id = self.next_id
        self.next_id += 1
        num = sub(self.root, "num", numId=num_id)
        sub(num, "abstractNumId", val=self.abstract[style])
        for index in range(self.levels[style]):
            first = start if index == level else 1
            sub(sub(num, "lvlOverride", ilvl=index), "startOverride", val=first)
        return num_id


def number(paragraph: CT_P, num_id: int, level: int) -> None:
    """Make *paragraph* an item of list *num_id* at nesting *level* (0-based)."""
    num_pr = set_child(properties(paragraph, "pPr"), "numPr", PPR_ORDER)
    sub(num_pr, "ilvl", val=level)
    sub(num_pr, "numId", val=num_id)


# -- paragraphs and runs --------------------------------------------------------------


def add_block(container: OxmlElement, tag: str) -> OxmlElement:
    """A new paragraph (``p``) or table (``tbl``) at the end of *container*: a table cell,
    or a body, whose section properties stay last."""
    block = sub(container, tag)
    before = block.getprevious()
    if before is not None and before.tag == W + "sectPr":
        before.addprevious(block)
    return block


def apply_style(item: CT_P | CT_R, style_id: str | None) -> None:
    """Give a paragraph or a run the style *style_id*; None means the default style."""
    holder, tag = STYLE_REFERENCE[item.tag]
    own = properties(item, holder)
    for old in own.findall(W + tag):
        own.remove(old)
    if style_id is not None:
        own.insert(0, sub(own, tag, val=style_id))


def keep_with_next(paragraph: CT_P, keep: bool = True) -> None:
    """Keep *paragraph* on the page of the next (or, with False, explicitly not)."""
    switch(properties(paragraph, "pPr"), "keepNext", keep, PPR_ORDER)


def space_after(paragraph: CT_P, space: Length) -> None:
    """Space below *paragraph*, over its style's."""
    set_values(properties(paragraph, "pPr"), "spacing", PPR_ORDER, after=space.twips)


def add_run(
    paragraph: CT_P,
    text: str = "",
    *,
    bold: bool = False,
    italic: bool = False,
    caps: bool = False,
    font: str | None = None,
    colour: str | None = None,
    underline: bool = False,
    script: str | None = None,
) -> CT_R:
    """A run of *text* at the end of *paragraph*, with only the formatting asked for
    (*script*: ``sub`` or ``super``)."""
    run = sub(paragraph, "r")
    if bold or italic or caps or font or colour or underline or script:
        rpr = sub(run, "rPr")
        if font:
            set_fonts(rpr, font)
        for tag, on in (("b", bold), ("i", italic), ("caps", caps)):
            if on:
                sub(rpr, tag)
        if colour:
            set_colour(rpr, colour)
        if underline:
            sub(rpr, "u", val="single")
        if script:
            sub(rpr, "vertAlign", val=f"{script}script")
    add_text(run, text)
    return run


def add_text(run: CT_R, text: str) -> None:
    """*text* as run content: tabs and line breaks become their own elements, the rest
    ``w:t`` pieces that keep their edge spaces."""
    for piece in RUN_BREAKS.split(text):
        if piece in RUN_SPECIALS:
            sub(run, RUN_SPECIALS[piece])
        elif piece:
            t = sub(run, "t")
            t.text = piece
            if len(piece.strip()) < len(piece):
                t.set(XML_SPACE, "preserve")


# -- right-to-left text -----------------------------------------------------------


def mark_right_to_left(word: WordDocument, left_to_right: Collection[str] = ()) -> None:
    """Mark the Hebrew and Arabic in every story of *word* (body, headers, footers) the
    way Word does: a paragraph that reads right to left (its first strong letter, as the
    bidi algorithm decides) gets ``w:bidi``, so it is set from the right with its indents
    and list number mirrored; a run of right-to-left text gets ``w:rtl``. Word formats
    these scripts with the complex-script properties, so a bold or italic run gets
    ``w:bCs``/``w:iCs`` and, where there is any such text, every style's ``w:szCs`` is
    its size. Paragraphs of the styles *left_to_right* (ids, as :meth:`Styles.id_of` gives
    them) read left to right whatever they start with: a line of code whose comment is in
    Hebrew.
    """
    found = False
    for part in word.part.package.iter_parts():
        if isinstance(part, StoryPart):
            found = _mark_paragraphs(part.element, left_to_right) or found
    if found:
        for size in word.styles.element.iter(W + "sz"):  # a template's may differ
            set_child(size.getparent(), "szCs", RPR_ORDER, val=size.get(W + "val"))


def _mark_paragraphs(root: OxmlElement, left_to_right: Collection[str]) -> bool:
    found = False
    for paragraph in root.iter(W + "p"):
        text = "".join(t.text or "" for t in paragraph.iter(W + "t"))
        if not RIGHT_TO_LEFT.search(text):
            continue
        found = True
        style = paragraph.find(f"{W}pPr/{W}pStyle")
        if right_to_left(text) and (style is None or _key_of(style, "val") not in left_to_right):
            switch(properties(paragraph, "pPr"), "bidi", True, PPR_ORDER)
        for run in paragraph.iter(W + "r"):
            said = "".join(t.text or "" for t in run.findall(W + "t"))
            if not RIGHT_TO_LEFT.search(said):
                continue
            rpr = properties(run, "rPr")
            if right_to_left_only(said):
                switch(rpr, "rtl", True, RPR_ORDER)
            for latin, complex_script in (("b", "bCs"), ("i", "iCs")):
                if rpr.find(W + latin) is not None:
                    switch(rpr, complex_script, True, RPR_ORDER)
    return found


# -- fields and links ---------------------------------------------------------------


def add_field(paragraph: CT_P, instruction: str, placeholder: str) -> None:
    """A field such as ``PAGE``; *placeholder* shows until the application updates it."""
    sub(add_run(paragraph), "fldChar", fldCharType="begin")
    code = sub(add_run(paragraph), "instrText")
    code.set(XML_SPACE, "preserve")
    code.text = f" {instruction} "
    sub(add_run(paragraph), "fldChar", fldCharType="separate")
    sub(add_run(paragraph), "t").text = placeholder
    sub(add_run(paragraph), "fldChar", fldCharType="end")


def link(part: StoryPart, runs: Sequence[CT_R], url: str) -> None:
    """Wrap *runs* (already in a paragraph of *part*) in one ``w:hyperlink`` to *url*."""
    rel_id = part.relate_to(url, RT.HYPERLINK, is_external=True)
    hyperlink = OxmlElement("w:hyperlink")
    hyperlink.set(qn("r:id"), rel_id)
    runs[0].addprevious(hyperlink)
    for run in runs:
        hyperlink.append(run)
