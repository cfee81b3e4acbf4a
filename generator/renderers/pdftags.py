"""A tagged cheat sheet (PDF/UA-1): what a screen reader needs, on top of reportlab.

reportlab draws; this module marks what it draws. Everything on a page starts out
inside an ``/Artifact`` sequence (the band's fill, rules, box backgrounds, footers),
and each paragraph, table cell and picture the lesson supplies is lifted out of it into
a marked-content sequence with an MCID. The canvas records those in drawing order,
which is the lesson's reading order (the columns fill one after another), and writes
the structure tree from them when the file is saved: Document > H1/H2/H3, P, L > LI >
LBody, Table > TR > TH/TD, Figure with its alt text, Quote, and Link elements that
own their annotations. The catalog says it is tagged (MarkInfo, Lang, the structure
tree, XMP with the PDF/UA identification), and each page lists its tab order by structure.

Each piece tags itself by its paragraph style's name, so a paragraph split across
columns stays tagged; the drawing code only chooses these classes over reportlab's.
Text in another language than the lesson's says so in its element's ``/Lang``:
:func:`speak` marks a block's flowables (their paragraphs' styles, which the pieces of
a split keep). A display equation is a ``Formula`` element whose ``/Alt`` is its spoken
form; an equation inside a line is drawn where it stands among the line's text, in a
``Span`` whose ``/ActualText`` is its spoken form, so the paragraph reads through it.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from contextlib import AbstractContextManager, contextmanager, nullcontext
from dataclasses import dataclass, field
from typing import Any
from xml.sax.saxutils import escape

from reportlab.lib.rl_accel import fp_str
from reportlab.lib.styles import ParagraphStyle
from reportlab.pdfbase import pdfdoc
from reportlab.pdfbase.pdfdoc import (
    PDFArray,
    PDFDictionary,
    PDFName,
    PDFObjectReference,
    PDFStream,
    PDFString,
)
from reportlab.pdfgen.textobject import PDFTextObject
from reportlab.platypus import Flowable, Image, KeepTogether, Table
from reportlab.platypus import Paragraph as BaseParagraph

from .pdfbidi import Paragraph as PlainParagraph
from .pdfmath import PLACEHOLDER, Equation, SheetCanvas

# Paragraph style name -> structure type; styles not named (footers, page labels) stay artifacts.
ROLES = {
    "band_title": "H1",
    "band_meta": "P",
    "heading": "H2",
    "subheading": "H3",
    "body": "P",
    "label": "P",
    "small": "P",
    "caption": "P",
    "term": "P",
    "box_title": "P",
    "box_text": "P",
    "cell": "P",
    "code": "Code",
    "head_cell": "P",
}
LIST_ITEM = "item"  # item0, item1, ... (and their small variants): list items


def role(style_name: str) -> str | None:
    """The structure type of a paragraph in the style *style_name*, or None for an artifact."""
    if style_name.startswith(LIST_ITEM):
        return "LI"
    return ROLES.get(style_name)


@dataclass
class Leaf:
    """One marked-content sequence: its structure type, page, MCID and what it belongs to."""

    kind: str
    page: int
    mcid: int
    groups: tuple[tuple[str, int], ...]  # enclosing (Table/TR/Quote, serial) from outside in
    attributes: dict[str, Any] = field(default_factory=dict)
    links: list[tuple[PDFObjectReference, int, str]] = field(default_factory=list)


class TaggedCanvas(SheetCanvas):
    """A canvas that keeps every page's content inside tags or artifacts and, on save,
    writes the structure tree and the catalog entries of a tagged PDF."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.lang = kwargs.get("lang") or "en"
        self.leaves: list[Leaf] = []
        self.groups: list[tuple[str, int]] = []
        self.serial = 0
        self.marked = False  # inside a tagged sequence: nested pieces join it
        self.next_mcid = 0
        self.parent_keys = 0  # keys of the parent tree given out so far (pages and links)
        self.page_keys: list[int] = []  # each page's key, in page order
        self.text: PDFTextObject | None = None  # the text object being written, if any

    # -- marking -------------------------------------------------------------------------

    def begin_page(self) -> None:
        """Open the page's artifact sequence: what is not tagged is decoration."""
        self._code.append("/Artifact BMC")
        self.next_mcid = 0

    def end_page(self) -> None:
        self._code.append("EMC")

    @contextmanager
    def tag(self, kind: str | None, **attributes: Any) -> Iterator[None]:
        """Mark what is drawn inside as one *kind* element (no-op inside another tag);
        a ``lang`` other than the document's is the element's language."""
        if kind is None or self.marked:
            yield
            return
        if attributes.get("lang") in ("", self.lang):
            del attributes["lang"]
        leaf = Leaf(kind, self._pageNumber, self.next_mcid, tuple(self.groups), attributes)
        self.leaves.append(leaf)
        self.next_mcid += 1
        name = "LBody" if kind == "LI" else kind  # a list item's content is its body
        self._code.append(f"EMC /{name} <</MCID {leaf.mcid}>> BDC")
        self.marked = True
        try:
            yield
        finally:
            self.marked = False
            self._code.append("EMC /Artifact BMC")

    @contextmanager
    def group(self, kind: str) -> Iterator[None]:
        """Elements tagged inside belong to one *kind* element (Table, TR, Quote)."""
        self.serial += 1
        self.groups.append((kind, self.serial))
        try:
            yield
        finally:
            self.groups.pop()

    def beginText(self, *args: Any, **kwargs: Any) -> PDFTextObject:
        self.text = super().beginText(*args, **kwargs)
        return self.text

    def drawText(self, text: PDFTextObject) -> None:
        self.text = None
        super().drawText(text)

    def drawImage(self, image, x, y, width=None, height=None, *args, **kwargs):
        """An inline equation inside tagged text is drawn in the paragraph's text object
        where its placeholder stands (reportlab draws images before the text of their
        lines), in a Span that gives its spoken form as the text it stands for."""
        text = self.text
        if getattr(image, "fileName", None) != PLACEHOLDER or text is None or not self.marked:
            return super().drawImage(image, x, y, width, height, *args, **kwargs)
        page, self._code = self._code, []
        try:
            super().drawImage(image, x, y, width, height, *args, **kwargs)
            drawing = self._code
        finally:
            self._code = page
        spoken = self.equations.spoken(width)
        text._code += [
            "ET",
            f"/Span <</Lang {_string(spoken.language)} /ActualText {_string(spoken.text)}>> BDC",
            *drawing,
            "EMC",
            "BT",  # the line goes on from its start, which reportlab keeps
            f"1 0 0 1 {fp_str(text._x0, text.XtraState.cur_y)} Tm",
        ]
        return None

    def linkURL(self, url: str, rect: Any, relative: int = 0, *args: Any, **kw: Any) -> None:
        """A link annotation described by its address and owned by a Link element."""
        key = self.parent_key()
        kw.update(Contents=PDFString(url), StructParent=key)
        super().linkURL(url, rect, relative, *args, **kw)
        if self.leaves:
            self.leaves[-1].links.append((self._annotationrefs[-1], key, url))

    def showPage(self) -> None:
        super().showPage()
        page = self._doc.Pages.pages[-1]
        page.__NoDefault__ = [*page.__NoDefault__, "StructParents", "Tabs"]
        page.StructParents = self.parent_key()
        self.page_keys.append(page.StructParents)
        page.Tabs = PDFName("S")

    def parent_key(self) -> int:
        """A new key of the parent tree: a page's (for its marked content) or a link
        annotation's (for its Link element), each its own."""
        self.parent_keys += 1
        return self.parent_keys - 1

    def save(self) -> None:
        if len(self._code):
            self.showPage()
        self.write_structure()
        super().save()

    # -- the structure tree ----------------------------------------------------------------

    def write_structure(self) -> None:
        """The structure tree from the recorded leaves, the parent tree that maps each
        page's MCIDs and each link annotation back to its element, and the catalog."""
        doc = self._doc
        pages = len(doc.Pages.pages)
        root = PDFDictionary({"Type": PDFName("StructTreeRoot")})
        root_ref = doc.Reference(root)
        writer = _Writer(doc, pages)
        document_ref = writer.write(_tree(self.leaves), root_ref)
        root["K"] = PDFArray([document_ref])
        marked = zip(self.page_keys, writer.per_page, strict=True)
        entries = {key: PDFArray(refs) for key, refs in marked}
        entries.update(writer.links)
        nums = [item for key in sorted(entries) for item in (key, entries[key])]
        root["ParentTree"] = doc.Reference(PDFDictionary({"Nums": PDFArray(nums)}))
        root["ParentTreeNextKey"] = self.parent_keys
        catalog = doc.Catalog
        catalog.StructTreeRoot = root_ref
        catalog.MarkInfo = PDFDictionary({"Marked": "true"})
        catalog.Metadata = doc.Reference(_xmp(doc.info.title, self.lang))


@dataclass
class Node:
    """A structure element before it is written: a group, or a leaf's marked content."""

    kind: str
    children: list[Node] = field(default_factory=list)
    leaf: Leaf | None = None


def _tree(leaves: list[Leaf]) -> Node:
    """Document > groups (Table > TR, Quote) > elements, consecutive list items in one L."""
    document = Node("Document")
    groups: dict[tuple[str, int], Node] = {}
    for leaf in leaves:
        parent = document
        for key in leaf.groups:
            if key not in groups:
                groups[key] = Node(key[0])
                parent.children.append(groups[key])
            parent = groups[key]
        if leaf.kind == "LI":
            if not parent.children or parent.children[-1].kind != "L":
                parent.children.append(Node("L"))
            body = Node("LBody", leaf=leaf)
            parent.children[-1].children.append(Node("LI", [body]))
        else:
            parent.children.append(Node(leaf.kind, leaf=leaf))
    return document


class _Writer:
    """Writes nodes as PDF structure elements, remembering what the parent tree needs."""

    def __init__(self, doc: Any, pages: int) -> None:
        self.doc = doc
        self.per_page: list[list[PDFObjectReference]] = [[] for _ in range(pages)]
        self.links: dict[int, PDFObjectReference] = {}

    def write(self, node: Node, parent: PDFObjectReference) -> PDFObjectReference:
        element = StructElem({"Type": PDFName("StructElem"), "S": PDFName(node.kind), "P": parent})
        ref = self.doc.Reference(element)
        leaf = node.leaf
        if leaf is None:
            element["K"] = PDFArray([self.write(child, ref) for child in node.children])
            return ref
        page = PDFObjectReference(f"Page{leaf.page}")
        element["Pg"] = page
        if "alt" in leaf.attributes:
            element["Alt"] = PDFString(leaf.attributes["alt"])
        if "lang" in leaf.attributes:
            element["Lang"] = PDFString(leaf.attributes["lang"])
        if "scope" in leaf.attributes:
            element["A"] = PDFDictionary(
                {"O": PDFName("Table"), "Scope": PDFName(leaf.attributes["scope"])}
            )
        content: list[Any] = [leaf.mcid]
        for annotation, key, url in leaf.links:
            objr = PDFDictionary({"Type": PDFName("OBJR"), "Obj": annotation, "Pg": page})
            link = StructElem(
                {
                    "Type": PDFName("StructElem"),
                    "S": PDFName("Link"),
                    "P": ref,
                    "Pg": page,
                    "Alt": PDFString(url),
                    "K": PDFArray([objr]),
                }
            )
            self.links[key] = self.doc.Reference(link)
            content.append(self.links[key])
        element["K"] = PDFArray(content) if len(content) > 1 else leaf.mcid
        self.per_page[leaf.page - 1].append(ref)
        return ref


class StructElem(PDFDictionary):
    """A structure element, written to the same bytes as reportlab writes a dictionary,
    with less of its work: a sheet has one per paragraph, cell and picture, and
    reportlab formats each key and value of each through its general dispatch (names
    escaped a character at a time, every piece re-encoded), which was a tenth of saving
    a sheet. Its keys, names, numbers and references are plain ASCII; anything else
    (text, a nested dictionary) is still reportlab's to write."""

    def format(self, document: Any) -> bytes:
        items = [
            b"/" + key.encode() + b" " + _formatted(self.dict[key], document)
            for key in sorted(self.dict)
        ]
        return b"<<\n" + _joined(items, 6) + b"\n>>"


def _formatted(value: Any, document: Any) -> bytes:
    if isinstance(value, str):  # a name, as PDFName gives it
        return value.encode()
    if type(value) is int:
        return b"%d" % value
    if isinstance(value, PDFObjectReference):
        return b"%d %d R" % document.idToObjectNumberAndVersion[value.name]
    if isinstance(value, PDFArray):
        return b"[ " + _joined([_formatted(item, document) for item in value.sequence], 10) + b" ]"
    return pdfdoc.format(value, document)


def _joined(items: list[bytes], per_line: int) -> bytes:
    """*items* spaced as reportlab spaces a dictionary's or array's: a line break before
    every *per_line*-th."""
    for index in reversed(range(per_line, len(items), per_line)):
        items.insert(index, b"\n ")
    return b" ".join(items)


def _string(text: str) -> str:
    """*text* as a PDF text string for a content stream: UTF-16 in hex, with its mark."""
    return f"<FEFF{text.encode('utf-16-be').hex().upper()}>"


def _xmp(title: str, lang: str) -> PDFStream:
    """The XMP packet: the title (dc:title) and the PDF/UA-1 identification."""
    packet = f"""<?xpacket begin="\ufeff" id="W5M0MpCehiHzreSzNTczkc9d"?>
<x:xmpmeta xmlns:x="adobe:ns:meta/">
<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">
<rdf:Description rdf:about="" xmlns:dc="http://purl.org/dc/elements/1.1/"
 xmlns:pdfuaid="http://www.aiim.org/pdfua/ns/id/">
<dc:title><rdf:Alt><rdf:li xml:lang="x-default">{escape(title)}</rdf:li></rdf:Alt></dc:title>
<dc:language><rdf:Bag><rdf:li>{escape(lang)}</rdf:li></rdf:Bag></dc:language>
<pdfuaid:part>1</pdfuaid:part>
</rdf:Description>
</rdf:RDF>
</x:xmpmeta>
<?xpacket end="w"?>"""
    stream = PDFStream(
        PDFDictionary({"Type": PDFName("Metadata"), "Subtype": PDFName("XML")}),
        packet.encode("utf-8"),
    )
    stream.filters = []  # XMP stays readable: uncompressed
    return stream


# -- flowables that tag themselves -----------------------------------------------------------


def _tagging(canvas: Any) -> bool:
    return isinstance(canvas, TaggedCanvas)


def marked(canvas: Any, kind: str, **attributes: Any) -> AbstractContextManager[None]:
    """What is drawn inside, tagged as one *kind* element when *canvas* is tagging."""
    return canvas.tag(kind, **attributes) if _tagging(canvas) else nullcontext()


def speak(flowables: Iterable[Any], lang: str) -> None:
    """Mark what *flowables* tag (inside tables and kept groups too) as written in
    *lang*, but for what is already marked: a block inside a block says its own first."""
    for flowable in flowables:
        if isinstance(flowable, BaseParagraph):
            if not getattr(flowable.style, "lang", ""):
                flowable.style = ParagraphStyle(flowable.style.name, parent=flowable.style)
                flowable.style.lang = lang
        elif isinstance(flowable, Table):
            for row in flowable._cellvalues:
                speak((part for cell in row for part in _listed(cell)), lang)
        elif isinstance(flowable, KeepTogether):
            speak(flowable._content, lang)
        elif hasattr(flowable, "parts"):  # a picture with its caption
            speak(flowable.parts, lang)
        elif isinstance(flowable, Flowable) and not getattr(flowable, "lang", ""):
            flowable.lang = lang


def _listed(cell: Any) -> list[Any]:
    return cell if isinstance(cell, (list, tuple)) else [cell]


def _language(cell: Any) -> str:
    """The language a table cell's (first) paragraph was marked with, or ''."""
    first = next(iter(_listed(cell)), None)
    return getattr(getattr(first, "style", None), "lang", "")


class Paragraph(PlainParagraph):
    """The sheet's Paragraph (inline equations and all), tagged by its style's name
    (pieces of a split keep it) in its style's language."""

    def drawOn(self, canvas: Any, x: float, y: float, _sW: float = 0) -> None:
        if not _tagging(canvas):
            return super().drawOn(canvas, x, y, _sW)
        with canvas.tag(role(self.style.name), lang=getattr(self.style, "lang", "")):
            super().drawOn(canvas, x, y, _sW)


class Figure(Image):
    """A picture tagged as a Figure with its alt text."""

    lang = ""  # its block's language, once spoken

    def __init__(self, *args: Any, alt: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.alt = alt

    def drawOn(self, canvas: Any, x: float, y: float, _sW: float = 0) -> None:
        if not _tagging(canvas):
            return super().drawOn(canvas, x, y, _sW)
        with canvas.tag("Figure", alt=self.alt, lang=self.lang):
            super().drawOn(canvas, x, y, _sW)


class Formula(Equation):
    """A display equation tagged as a Formula, its spoken form the alternate text, in
    *alt_lang* ('' for its block's language, which :func:`speak` says)."""

    def __init__(self, *args: Any, alt: str, alt_lang: str = "", **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.alt, self.lang = alt, alt_lang

    def drawOn(self, canvas: Any, x: float, y: float, _sW: float = 0) -> None:
        if not _tagging(canvas):
            return super().drawOn(canvas, x, y, _sW)
        with canvas.tag("Formula", alt=self.alt, lang=self.lang):
            super().drawOn(canvas, x, y, _sW)


ORPHAN_ROWS = 2  # rows a data table keeps under its header on each side of a split


class DataTable(Table):
    """A data table: Table > TR > TH (its first row, repeated on each piece of a split)
    and TD; its pieces after a split stay data tables (reportlab splits by class).

    Split between columns, each piece keeps at least :data:`ORPHAN_ROWS` rows under its
    header: a short table cut into one-row pieces, each under its own header, reads
    worse than the same table a column further on.
    """

    row_headers = False  # the first column holds row headers
    right_to_left = False  # its first column drawn at the right, cells tagged in reading order

    def split(self, availWidth: float, availHeight: float) -> list[Any]:
        pieces = super().split(availWidth, availHeight)
        frame = getattr(self, "_frame", None)  # reportlab's, while it asks for a split
        if (
            len(pieces) == 2
            and frame is not None
            and not frame._atTop  # in an empty column it splits as it must
            and min(piece.body_rows for piece in pieces) < ORPHAN_ROWS
        ):
            return []  # on to the next column
        return pieces

    @property
    def body_rows(self) -> int:
        return len(self._cellvalues) - self.repeatRows

    @property
    def opening_rows(self) -> int:
        """The rows that must follow a heading into its column: the header and the first
        piece a split may leave (all of a table too short to split)."""
        if self.body_rows < 2 * ORPHAN_ROWS:
            return len(self._cellvalues)
        return self.repeatRows + ORPHAN_ROWS

    def drawOn(self, canvas: Any, x: float, y: float, _sW: float = 0) -> None:
        if not _tagging(canvas):
            return super().drawOn(canvas, x, y, _sW)
        self._rows: list[float] = []
        self._row_group: Any = None
        with canvas.group("Table"):
            super().drawOn(canvas, x, y, _sW)
            self._end_row()

    def _end_row(self) -> None:
        if self._row_group is not None:
            self._row_group.__exit__(None, None, None)
            self._row_group = None

    def _drawCell(self, cellval: Any, cellstyle: Any, pos: Any, size: Any) -> None:
        if self.right_to_left:  # the same cell, as far from the right as it was from the left
            start, end = self._colpositions[0], self._colpositions[-1]
            pos = (start + end - pos[0] - size[0], pos[1])
        canvas = self.canv
        if not _tagging(canvas):
            return super()._drawCell(cellval, cellstyle, pos, size)
        if not self._rows or self._rows[-1] != pos[1]:  # a cell on a new row
            self._end_row()
            self._rows.append(pos[1])
            self._row_group = canvas.group("TR")
            self._row_group.__enter__()
            self._column = 0
        if len(self._rows) == 1:
            kind, attributes = "TH", {"scope": "Column"}
        elif self._column == 0 and self.row_headers:
            kind, attributes = "TH", {"scope": "Row"}
        else:
            kind, attributes = "TD", {}
        self._column += 1
        with canvas.tag(kind, lang=_language(cellval), **attributes):
            super()._drawCell(cellval, cellstyle, pos, size)


class CompareTable(DataTable):
    """A compare table: its first column names the aspect of each row."""

    row_headers = True


class RightToLeftDataTable(DataTable):
    """A data table in a right-to-left language (its pieces after a split stay so)."""

    right_to_left = True


class RightToLeftCompareTable(CompareTable):
    """A compare table in a right-to-left language."""

    right_to_left = True


class QuoteBox(Table):
    """A boxed quotation: its paragraphs are grouped in a Quote element."""

    def drawOn(self, canvas: Any, x: float, y: float, _sW: float = 0) -> None:
        if not _tagging(canvas):
            return super().drawOn(canvas, x, y, _sW)
        with canvas.group("Quote"):
            super().drawOn(canvas, x, y, _sW)
