"""WordprocessingML pieces python-docx has no API for: numbering, fields, links, borders, shading.

python-docx covers paragraphs, runs, tables and styles, but a handout also needs
list numbering that restarts for every list, PAGE/NUMPAGES fields, hyperlinks,
cell shading and borders, and must start from a user's own .docx or .dotx. These helpers build that XML and insert every child
element at its schema position (Word rejects a file whose elements are out of order;
LibreOffice is more forgiving, so a wrong order would go unnoticed in a preview).
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import docx
from docx.document import Document as WordDocument
from docx.opc.constants import CONTENT_TYPE as CT
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.oxml import OxmlElement, parse_xml
from docx.oxml.ns import nsdecls, nsmap, qn
from docx.oxml.styles import CT_Style, styleId_from_name
from docx.parts.numbering import NumberingPart
from docx.shared import Emu, Length, Twips
from docx.styles import BabelFish
from docx.text.paragraph import Paragraph
from docx.text.parfmt import ParagraphFormat
from docx.text.run import Run as WordRun
from lxml.etree import SubElement


def names(words: str) -> tuple[str, ...]:
    return tuple(words.split())


# Child order of the property elements we touch (ECMA-376 part 1, 17.3 and 17.4).
PPR_ORDER = names(
    "pStyle keepNext keepLines pageBreakBefore framePr widowControl numPr suppressLineNumbers"
    " pBdr shd tabs suppressAutoHyphens kinsoku wordWrap overflowPunct topLinePunct autoSpaceDE"
    " autoSpaceDN bidi adjustRightInd snapToGrid spacing ind contextualSpacing mirrorIndents"
    " suppressOverlap jc textDirection textAlignment textboxTightWrap outlineLvl divId cnfStyle"
    " rPr sectPr pPrChange"
)
RPR_ORDER = names(
    "rStyle rFonts b bCs i iCs caps smallCaps strike dstrike outline shadow emboss imprint noProof"
    " snapToGrid vanish webHidden color spacing w kern position sz szCs highlight u effect bdr shd"
    " fitText vertAlign rtl cs em lang eastAsianLayout specVanish oMath"
)
TBLPR_ORDER = names(
    "tblStyle tblpPr tblOverlap bidiVisual tblStyleRowBandSize tblStyleColBandSize tblW jc"
    " tblCellSpacing tblInd tblBorders shd tblLayout tblCellMar tblLook tblCaption tblDescription"
)
TRPR_ORDER = names(
    "cnfStyle divId gridBefore gridAfter wBefore wAfter cantSplit trHeight tblHeader"
    " tblCellSpacing jc hidden"
)
TCPR_ORDER = names(
    "cnfStyle tcW gridSpan hMerge vMerge tcBorders shd noWrap tcMar textDirection tcFitText"
    " vAlign hideMark"
)
STYLE_ORDER = names(
    "name aliases basedOn next link autoRedefine hidden uiPriority semiHidden unhideWhenUsed"
    " qFormat locked personal personalCompose personalReply rsid pPr rPr tblPr trPr tcPr"
    " tblStylePr"
)
BORDER_SIDES = ("top", "left", "bottom", "right", "insideH", "insideV")

W = f"{{{nsmap['w']}}}"  # the namespace part of a w: tag or attribute in Clark notation


def attributes(values: dict[str, str | int]) -> dict[str, str]:
    """``w:`` attributes from plain names, in the order given (the order they are written)."""
    return {W + name: str(value) for name, value in values.items()}


def element(tag: str, **values: str | int) -> OxmlElement:
    """A new ``w:`` element with ``w:`` attributes, e.g. ``element("shd", fill="EDF2F7")``."""
    return OxmlElement(f"w:{tag}", attributes(values))


def sub(parent: OxmlElement, tag: str, **values: str | int) -> OxmlElement:
    """A new ``w:`` element appended to *parent*: building a fresh element needs no
    schema lookup, since its children are made in order."""
    return SubElement(parent, W + tag, attributes(values))


@cache
def ranks(order: tuple[str, ...]) -> dict[str, int]:
    """Each tag's position in a schema *order*, by its Clark name, worked out once."""
    return {W + name: index for index, name in enumerate(order)}


def put(parent: OxmlElement, child: OxmlElement, order: Sequence[str]) -> OxmlElement:
    """Replace *parent*'s child of the same tag by *child*, at its schema position in *order*."""
    for old in parent.findall(child.tag):
        parent.remove(old)
    rank = ranks(tuple(order))
    own = rank[child.tag]
    for sibling in parent:
        if rank.get(sibling.tag, -1) > own:
            sibling.addprevious(child)
            return child
    parent.append(child)
    return child


def get_or_add(parent: OxmlElement, tag: str, order: Sequence[str]) -> OxmlElement:
    """*parent*'s ``w:tag`` child, made at its schema position if missing, so that
    settings already on it (a template style's) are kept."""
    found = parent.find(W + tag)
    return put(parent, element(tag), order) if found is None else found


def properties(parent: OxmlElement, tag: str) -> OxmlElement:
    """The properties element (``pPr``, ``rPr``, ``tcPr``) that leads *parent*, made if missing."""
    found = parent.find(W + tag)
    if found is None:
        found = element(tag)
        parent.insert(0, found)
    return found


def switch(parent: OxmlElement, tag: str, on: bool, order: Sequence[str]) -> None:
    """An on/off property such as ``w:b``: bare when on, ``w:val="0"`` when explicitly off."""
    node = get_or_add(parent, tag, order)
    if on:
        node.attrib.pop(W + "val", None)
    else:
        node.set(W + "val", "0")


def set_values(parent: OxmlElement, tag: str, order: Sequence[str], **values: str | int) -> None:
    """Set attributes of *parent*'s ``w:tag`` child (made if missing), keeping its others."""
    node = get_or_add(parent, tag, order)
    for name, value in values.items():
        node.set(W + name, str(value))


def shading(fill: str) -> OxmlElement:
    """A solid background of colour *fill* (hex)."""
    return element("shd", val="clear", color="auto", fill=fill)


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
            group.append(element(side, val="nil"))
        else:
            size, colour = spec
            group.append(element(side, val="single", sz=size, space=space, color=colour))
    return group


def set_lang(rpr: OxmlElement, language: str) -> None:
    """Mark text as written in *language* (spell-check and hyphenation use it)."""
    put(rpr, element("lang", val=language), RPR_ORDER)


def set_fonts(rpr: OxmlElement, name: str) -> None:
    """Use the font *name* for every script, dropping theme-font references that would win."""
    put(rpr, element("rFonts", ascii=name, hAnsi=name, cs=name, eastAsia=name), RPR_ORDER)


def set_colour(rpr: OxmlElement, colour: str) -> None:
    """A plain RGB colour (python-docx keeps a theme colour attribute that Word prefers)."""
    put(rpr, element("color", val=colour), RPR_ORDER)


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


class Styles:
    """A document's styles by name and id, read once.

    python-docx finds a style by scanning every style's name, on each lookup and each
    addition; a theme defines some thirty styles, so that was a third of a handout's time.
    Lookups follow python-docx's: by name (Word's internal name, ``heading 1`` for
    ``Heading 1``), else by style id.
    """

    def __init__(self, document: WordDocument) -> None:
        self.root = document.styles.element
        self.by_name: dict[str | None, CT_Style] = {}
        self.by_id: dict[str | None, CT_Style] = {}
        for style in self.root.findall(W + "style"):
            self._index(style)

    def _index(self, style: CT_Style) -> None:
        self.by_name.setdefault(style.name_val, style)
        self.by_id.setdefault(style.styleId, style)

    def names(self) -> set[str | None]:
        """Every style's name as Word shows it."""
        return {BabelFish.internal2ui(name) for name in self.by_name}

    def find(self, name: str) -> CT_Style | None:
        """The style called *name* (as Word shows it), else the one whose id is *name*."""
        style = self.by_name.get(BabelFish.ui2internal(name))
        return self.by_id.get(name) if style is None else style

    def add(self, name: str, kind: str) -> CT_Style:
        """A new custom style of *kind* (``paragraph``, ``character``) shown in the gallery."""
        internal = BabelFish.ui2internal(name)
        values = {"type": kind, "customStyle": 1, "styleId": styleId_from_name(internal)}
        style = SubElement(self.root, W + "style", attributes(values))
        sub(style, "name", val=internal)
        sub(style, "qFormat")
        self._index(style)
        return style


# -- documents ----------------------------------------------------------------------

TEMPLATE_MAIN = "application/vnd.openxmlformats-officedocument.wordprocessingml.template.main+xml"


def open_reference(path: Path) -> WordDocument:
    """A user's .docx or .dotx with its body emptied: its styles, numbering, headers,
    footers and page setup (the body's final ``w:sectPr``) stay.

    A .dotx differs from a .docx only in its main part's content type, which python-docx
    refuses; the type is switched in ``[Content_Types].xml`` in memory before opening,
    so the handout is saved as a document, not a template.
    """
    data = path.read_bytes()
    with zipfile.ZipFile(io.BytesIO(data)) as source:
        if TEMPLATE_MAIN.encode() in source.read("[Content_Types].xml"):
            out = io.BytesIO()
            with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
                for entry in source.infolist():
                    content = source.read(entry)
                    if entry.filename == "[Content_Types].xml":
                        content = content.replace(
                            TEMPLATE_MAIN.encode(), CT.WML_DOCUMENT_MAIN.encode()
                        )
                    target.writestr(entry, content)
            data = out.getvalue()
    word = docx.Document(io.BytesIO(data))
    body = word.element.body
    for child in list(body):
        if child.tag != qn("w:sectPr"):
            body.remove(child)
    return word


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
            part.package.next_partname("/word/numbering%d.xml"),
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
    numbered list in the handout starts at 1.
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
        definition.append(element("multiLevelType", val="multilevel"))
        for index, level in enumerate(levels):
            lvl = element("lvl", ilvl=index)
            lvl.append(element("start", val=1))
            lvl.append(element("numFmt", val=level.format))
            lvl.append(element("lvlText", val=level.text))
            lvl.append(element("lvlJc", val="left"))
            ppr = element("pPr")
            ppr.append(element("ind", left=level.indent, hanging=level.hanging))
            lvl.append(ppr)
            rpr = element("rPr")
            if level.font:
                set_fonts(rpr, level.font)
            if level.bold:
                put(rpr, element("b"), RPR_ORDER)
            if level.colour:
                set_colour(rpr, level.colour)
            lvl.append(rpr)
            definition.append(lvl)
        return definition

    def new_list(self, style: str) -> int:
        """A fresh numbering instance of *style* whose every level starts again at 1."""
        num_id = self.next_id
        self.next_id += 1
        num = element("num", numId=num_id)
        num.append(element("abstractNumId", val=self.abstract[style]))
        for index in range(self.levels[style]):
            override = element("lvlOverride", ilvl=index)
            override.append(element("startOverride", val=1))
            num.append(override)
        self.root.append(num)
        return num_id


def number(paragraph: Paragraph, num_id: int, level: int) -> None:
    """Make *paragraph* an item of list *num_id* at nesting *level* (0-based)."""
    num_pr = paragraph._p.get_or_add_pPr().get_or_add_numPr()
    num_pr.get_or_add_ilvl().val = level
    num_pr.get_or_add_numId().val = num_id


# -- fields and links ---------------------------------------------------------------


def add_field(paragraph: Paragraph, instruction: str, placeholder: str) -> None:
    """A field such as ``PAGE``; *placeholder* shows until the application updates it."""

    def run(*children: OxmlElement) -> None:
        r = paragraph.add_run()._r
        for child in children:
            r.append(child)

    code = element("instrText")
    code.set("{http://www.w3.org/XML/1998/namespace}space", "preserve")
    code.text = f" {instruction} "
    shown = element("t")
    shown.text = placeholder
    run(element("fldChar", fldCharType="begin"))
    run(code)
    run(element("fldChar", fldCharType="separate"))
    run(shown)
    run(element("fldChar", fldCharType="end"))


def link(paragraph: Paragraph, runs: Iterable[WordRun], url: str) -> None:
    """Wrap *runs* (already in *paragraph*) in one ``w:hyperlink`` to the external *url*."""
    runs = list(runs)
    rel_id = paragraph.part.relate_to(url, RT.HYPERLINK, is_external=True)
    hyperlink = OxmlElement("w:hyperlink")
    hyperlink.set(qn("r:id"), rel_id)
    runs[0]._r.addprevious(hyperlink)
    for run in runs:
        hyperlink.append(run._r)
