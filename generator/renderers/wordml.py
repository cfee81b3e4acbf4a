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
from pathlib import Path

import docx
from docx.document import Document as WordDocument
from docx.opc.constants import CONTENT_TYPE as CT
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.oxml import OxmlElement, parse_xml
from docx.oxml.ns import nsdecls, qn
from docx.parts.numbering import NumberingPart
from docx.text.paragraph import Paragraph
from docx.text.run import Run as WordRun


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
BORDER_SIDES = ("top", "left", "bottom", "right", "insideH", "insideV")


def element(tag: str, **attributes: str | int) -> OxmlElement:
    """A new ``w:`` element with ``w:`` attributes, e.g. ``element("shd", fill="EDF2F7")``."""
    node = OxmlElement(f"w:{tag}")
    for name, value in attributes.items():
        node.set(qn(f"w:{name}"), str(value))
    return node


def put(parent: OxmlElement, child: OxmlElement, order: Sequence[str]) -> OxmlElement:
    """Replace *parent*'s child of the same tag by *child*, at its schema position in *order*."""
    tag = child.tag.split("}")[1]
    for old in parent.findall(qn(f"w:{tag}")):
        parent.remove(old)
    later = {qn(f"w:{name}") for name in order[order.index(tag) + 1 :]}
    for index, sibling in enumerate(parent):
        if sibling.tag in later:
            parent.insert(index, child)
            return child
    parent.append(child)
    return child


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
