"""Handouts joined into one Word file: every copy of a merge, ready to print in row order.

Each copy brings its body, lists, pictures, links, headers and footers into the first
copy's package, ends with a section break and starts its page numbers at 1 again, so
every student's pages read "page 1, 2 ...". Copies of one lesson in one theme share
styles, fonts and settings, so the first copy's are kept.

Its own module, as :mod:`generator.pdfjoin` is: python-docx is loaded only when
handouts are joined, not by every run that asks which formats are combined.
"""

from __future__ import annotations

import datetime as dt
import io
import zipfile
from copy import deepcopy
from pathlib import Path
from typing import Any

from docx import Document
from docx.document import Document as WordDocument
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.opc.packuri import PackURI
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.parts.story import StoryPart
from lxml import etree

from .errors import BuildError
from .files import normalized_zip
from .renderers.wordml import SECTPR_ORDER, get_or_add


def join_handouts(paths: list[Path]) -> bytes:
    """Every handout in order, one section each, with its own headers and footers (they
    may show the copy's own variables) and page numbers counted within the copy."""
    master = Document(str(paths[0]))
    body = master.element.body
    final = _page_setup(master, paths[0])
    copies = _Copies(master)
    _restart_pages(master.part, final, _end_of_copy(1))
    ends = []  # each copy's last paragraph
    for number, path in enumerate(paths[1:], 2):
        copy = Document(str(path))
        _page_setup(copy, path)
        ends.append(_end_section(body, final))
        try:
            final = copies.append(copy)
        except BuildError as error:
            raise BuildError(f"{path}: {error}") from None
        _restart_pages(master.part, final, _end_of_copy(number))
    ends.append(body.xpath("./w:p")[-1])
    _mark_ends(body, ends)
    _number_drawings(master.part.package)
    buffer = io.BytesIO()
    master.save(buffer)
    with zipfile.ZipFile(paths[0]) as first:
        stamp = dt.datetime(*first.infolist()[0].date_time, tzinfo=dt.UTC)
    return normalized_zip(buffer.getvalue(), stamp)


def _page_setup(handout: WordDocument, path: Path) -> Any:
    """*handout*'s closing section properties, which end its body."""
    section = handout.element.body[-1]
    if section.tag != qn("w:sectPr"):
        raise BuildError(f"{path}: the handout has no section properties to copy")
    return section


class _Copies:
    """Moves handouts into *master*, each after the last: its body and page setup, with
    what they refer to in its own package (pictures, links, headers and footers, lists)
    made again in the master's.

    The copies are handouts of one lesson in one theme, so their styles, fonts and
    settings are the first copy's and are not merged: a general-purpose merge of Word
    files compares every style for every paragraph, which made 30 copies take seconds.
    """

    def __init__(self, master: WordDocument) -> None:
        self.part = master.part
        self.partnames = {part.partname for part in self.part.package.iter_parts()}
        self.numbering = self.part.numbering_part.element
        self.definitions = {
            _definition_key(definition): definition.get(qn("w:abstractNumId"))
            for definition in self.numbering.findall(qn("w:abstractNum"))
        }
        self.next_definition = max((int(n) for n in self.definitions.values()), default=-1) + 1
        numbers = self.numbering.findall(qn("w:num"))
        self.last_number = numbers[-1] if numbers else None  # new lists go after it
        self.next_number = max((int(n.get(qn("w:numId"))) for n in numbers), default=0) + 1

    def append(self, copy: WordDocument) -> Any:
        """Move *copy*'s body to the end of the master's; returns its page setup, now the
        master's last section."""
        body = self.part.element.body
        lists: dict[str, str] = {}
        for element in list(copy.element.body):
            body.append(element)
            self._relate(element, copy.part, self.part)
            for number in element.iter(qn("w:numId")):
                old = number.get(qn("w:val"))
                if old != "0":
                    if old not in lists:
                        lists[old] = self._list(copy.part.numbering_part.element, old)
                    number.set(qn("w:val"), lists[old])
        return body[-1]

    def _relate(self, element: Any, source: StoryPart, target: StoryPart) -> None:
        """Point *element*'s relationship ids (``r:id``, ``r:embed`` ...), which are
        *source*'s, at the same targets from *target*."""
        for attribute in element.xpath("descendant-or-self::*/@r:*"):
            rel = source.rels[attribute]
            attribute.getparent().set(attribute.attrname, self._target(rel, target))

    def _target(self, rel: Any, target: StoryPart) -> str:
        if rel.is_external:
            return target.relate_to(rel.target_ref, rel.reltype, is_external=True)
        if rel.reltype == RT.IMAGE:  # a picture already in the master is shared
            return target.get_or_add_image(io.BytesIO(rel.target_part.blob))[0]
        if rel.reltype in _STORIES:
            old = rel.target_part
            story = type(old)(
                self._partname(_STORIES[rel.reltype]), old.content_type, old.element, target.package
            )
            self._relate(story.element, old, story)
            return target.relate_to(story, rel.reltype)
        kind = rel.reltype.rpartition("/")[2]
        raise BuildError(f"a handout holding a {kind} part cannot be combined with others")

    def _partname(self, template: str) -> PackURI:
        number = 1
        while PackURI(template % number) in self.partnames:
            number += 1
        name = PackURI(template % number)
        self.partnames.add(name)
        return name

    def _list(self, numbering: Any, old: str) -> str:
        """A list of the master's numbering like *numbering*'s list *old*, under a number of
        its own (so it starts again at 1), over the same definition where the master has
        it; returns its number."""
        source = numbering.find(f"{qn('w:num')}[@{qn('w:numId')}='{old}']")
        reference = source.find(qn("w:abstractNumId"))
        definition = numbering.find(
            f"{qn('w:abstractNum')}[@{qn('w:abstractNumId')}='{reference.get(qn('w:val'))}']"
        )
        key = _definition_key(definition)
        if key not in self.definitions:
            added = deepcopy(definition)
            added.set(qn("w:abstractNumId"), str(self.next_definition))
            self.definitions[key] = str(self.next_definition)
            self.next_definition += 1
            first = self.numbering.find(qn("w:num"))
            if first is None:
                self.numbering.append(added)
            else:
                first.addprevious(added)
        number = deepcopy(source)
        number.set(qn("w:numId"), str(self.next_number))
        number.find(qn("w:abstractNumId")).set(qn("w:val"), self.definitions[key])
        if self.last_number is None:
            self.numbering.append(number)
        else:
            self.last_number.addnext(number)
        self.last_number = number
        self.next_number += 1
        return number.get(qn("w:numId"))


_STORIES = {RT.HEADER: "/word/header%d.xml", RT.FOOTER: "/word/footer%d.xml"}


def _definition_key(definition: Any) -> bytes:
    """A list definition's levels as bytes, whatever number it is filed under."""
    return b"".join(etree.tostring(child) for child in definition)


def _end_section(body: Any, section: Any) -> Any:
    """End the body so far with a paragraph holding *section*, the page setup of the copy
    it closes (a paragraph holding page setup ends a section in Word); returns it."""
    paragraph = OxmlElement("w:p")
    properties = OxmlElement("w:pPr")
    properties.append(section)
    paragraph.append(properties)
    body.append(paragraph)
    return paragraph


def _restart_pages(document_part: Any, section: Any, end: str) -> None:
    """Number *section*'s pages from 1, and count them up to the bookmark *end*."""
    get_or_add(section, "pgNumType", SECTPR_ORDER).set(qn("w:start"), "1")
    _count_section_pages(document_part, section, end)


def _number_drawings(package: Any) -> None:
    """Give every picture of the package an id of its own: each copy brought its own
    from 1, and Word repairs a document whose ids repeat."""
    drawings = (
        drawing
        for part in package.iter_parts()
        if isinstance(part, StoryPart)
        for drawing in part.element.iter(qn("wp:docPr"))
    )
    for number, drawing in enumerate(drawings, 1):
        drawing.set("id", str(number))


def _end_of_copy(number: int) -> str:
    """The name of the (hidden) bookmark on the last paragraph of copy *number*."""
    return f"_LecternCopy{number}"


def _mark_ends(body: Any, ends: list[Any]) -> None:
    """Bookmark the last paragraph of each copy, for its footer to count its pages by."""
    taken = max((int(n) for n in body.xpath(".//w:bookmarkStart/@w:id")), default=0)
    for number, paragraph in enumerate(ends, 1):
        start, end = OxmlElement("w:bookmarkStart"), OxmlElement("w:bookmarkEnd")
        start.set(qn("w:id"), str(taken + number))
        start.set(qn("w:name"), _end_of_copy(number))
        end.set(qn("w:id"), str(taken + number))
        paragraph.append(start)
        paragraph.append(end)


def _count_section_pages(document_part: Any, section: Any, end: str) -> None:
    """Make "page 2 of 5" count the copy's pages, not the whole file's: the page count
    becomes the page number of the bookmark *end* on the copy's last paragraph, which
    page numbering restarted at 1 for the copy. Word's own SECTIONPAGES would say the
    same, but LibreOffice cannot compute it and prints its stored placeholder
    ("page 2 of 1"); a PAGEREF both compute."""

    for reference in section:
        if reference.tag in (qn("w:headerReference"), qn("w:footerReference")):
            part = document_part.related_parts[reference.get(qn("r:id"))]
            for text in part.element.iter(qn("w:instrText")):
                text.text = text.text.replace("NUMPAGES", f"PAGEREF {end}")
            for field in part.element.iter(qn("w:fldSimple")):
                field.set(
                    qn("w:instr"), field.get(qn("w:instr")).replace("NUMPAGES", f"PAGEREF {end}")
                )
