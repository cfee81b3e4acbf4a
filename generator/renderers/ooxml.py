"""What the Word handout and the PowerPoint deck share: Office Open XML package metadata,
and the mark that tells screen readers a picture or shape is decoration only."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from lxml import etree

from ..files import build_time
from ..model import Document

PROPERTY_LIMIT = 255  # characters the format allows in a core property
DECORATIVE = "{C183D7F6-B498-43B3-948B-1728B52AA6E4}"  # Office's 'mark as decorative'
_DRAWING = "http://schemas.openxmlformats.org/drawingml/2006/main"
_MARKED = etree.XPath(f"a:extLst/a:ext[@uri='{DECORATIVE}']", namespaces={"a": _DRAWING})
_RELATIONSHIPS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
THUMBNAIL = "http://schemas.openxmlformats.org/package/2006/relationships/metadata/thumbnail"
EXTENDED_PROPERTIES = f"{_RELATIONSHIPS}/extended-properties"
_EXTENDED = "http://schemas.openxmlformats.org/officeDocument/2006/extended-properties"
# What an organisation's template says of itself that still holds for the document made
# from it; HyperlinkBase is what the document's relative links are resolved against.
KEPT_FROM_TEMPLATE = ("Template", "Manager", "Company", "HyperlinkBase")


def decorative() -> str:
    """The extension of a shape's or picture's properties (``cNvPr``, ``docPr``) that
    tells screen readers it is decoration only."""
    return (
        f'<a:extLst><a:ext uri="{DECORATIVE}">'
        '<adec:decorative xmlns:adec="http://schemas.microsoft.com/office/drawing/2017/decorative"'
        ' val="1"/></a:ext></a:extLst>'
    )


def described(properties: Any) -> bool:
    """Whether a shape or picture says what it is: alt text, or the decorative mark."""
    return bool((properties.get("descr") or "").strip() or _MARKED(properties))


def mark_decorative(properties: Any) -> None:
    """Add the decorative mark to a shape's or picture's *properties*."""
    extensions = etree.fromstring(f'<mark xmlns:a="{_DRAWING}">{decorative()}</mark>')[0]
    found = properties.find(f"{{{_DRAWING}}}extLst")
    if found is None:
        properties.append(extensions)
    else:
        found.extend(extensions)


def fill_core_properties(props: Any, document: Document) -> None:
    """Set a package's core properties (python-docx's or python-pptx's) from the lesson.

    Every timestamp is the build time, so rebuilds are byte-identical; long texts are
    cut at a word, since both libraries refuse more than the format's 255 characters.
    """
    when = build_time(document).replace(tzinfo=None)
    props.title = fit_property(document.title.plain)
    props.subject = fit_property(document.subtitle.plain if document.subtitle else "")
    props.author = fit_property(document.author.plain if document.author else "")
    props.last_modified_by = props.author
    props.keywords = fit_property(", ".join(document.keywords))
    props.comments = fit_property(document.summary.plain if document.summary else "")
    props.language = document.language
    props.category = ""
    props.created = props.modified = props.last_printed = when
    props.revision = 1


def fill_app_properties(rels: Any, counts: Mapping[str, int]) -> None:
    """Make the package's application properties (``docProps/app.xml``) the document's,
    and drop its thumbnail; *rels* are the package's relationships (python-docx's or
    python-pptx's), *counts* what the document holds (``{"Slides": 15}``).

    Both come from the template the document started from: its properties said another
    program made it, with no slides, in the template's page format, and its thumbnail is
    a picture of the template (python-pptx's is a blank 4:3 page), which file managers
    showed in place of every deck.
    """
    for rel_id in list(rels):
        rel = rels[rel_id]
        if rel.reltype == THUMBNAIL:
            rels.pop(rel_id)
        elif rel.reltype == EXTENDED_PROPERTIES:
            part = rel.target_part
            part._blob = app_properties(part.blob, counts)  # a plain part: its bytes are all


def app_properties(template: bytes, counts: Mapping[str, int]) -> bytes:
    """``docProps/app.xml`` for a document made by Lectern from a template whose own is
    *template*: what the template says of its organisation, and the document's *counts*."""
    try:
        said = {element.tag: element.text for element in etree.fromstring(template)}
    except etree.XMLSyntaxError:  # a template's own properties, unreadable, are not kept
        said = {}
    root = etree.Element(f"{{{_EXTENDED}}}Properties", nsmap={None: _EXTENDED})
    etree.SubElement(root, f"{{{_EXTENDED}}}Application").text = "Lectern"
    for tag in (f"{{{_EXTENDED}}}{name}" for name in KEPT_FROM_TEMPLATE):
        if (said.get(tag) or "").strip():
            etree.SubElement(root, tag).text = said[tag]
    for name, count in counts.items():
        etree.SubElement(root, f"{{{_EXTENDED}}}{name}").text = str(count)
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)


def fit_property(text: str, limit: int = PROPERTY_LIMIT) -> str:
    """*text* cut at a word, with an ellipsis, to fit a core property."""
    if len(text) <= limit:
        return text
    return text[: limit - 1].rsplit(" ", 1)[0] + "…"
