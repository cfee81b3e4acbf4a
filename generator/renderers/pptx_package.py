"""A deck's package written out: the zip python-pptx writes, byte for byte, with fixed times.

python-pptx's own writer builds every relationships file element by element (each
relationship parsed from a snippet of XML, then serialised), which was a third of
saving the sample's deck, and it stamps each entry with the current time, which had to
be overwritten afterwards (:func:`~generator.files.normalized_zip`). Here the
relationships and content types are written as text, and each entry is stamped with
the build's time as it is written. The entries, their order and their bytes are those
python-pptx writes.
"""

from __future__ import annotations

import datetime as dt
import io
import zipfile
from collections.abc import Iterable
from typing import Any
from xml.sax.saxutils import escape

from pptx.opc.constants import CONTENT_TYPE as CT
from pptx.opc.spec import default_content_types
from pptx.presentation import Presentation as Deck

from ..files import PERMISSIONS

DECLARATION = "<?xml version='1.0' encoding='UTF-8' standalone='yes'?>\n"
RELATIONSHIPS = "http://schemas.openxmlformats.org/package/2006/relationships"
TYPES = "http://schemas.openxmlformats.org/package/2006/content-types"
_ATTRIBUTE = {'"': "&quot;", "\n": "&#10;", "\r": "&#13;", "\t": "&#9;"}


def deck_bytes(deck: Deck, when: dt.datetime) -> bytes:
    """The .pptx file of *deck*, every entry dated *when* (from 1980, zip's first year)."""
    package = deck.part.package
    parts = list(package.iter_parts())
    stamp = max(when, dt.datetime(1980, 1, 1, tzinfo=dt.UTC))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:

        def put(name: str, data: bytes) -> None:
            entry = zipfile.ZipInfo(name, stamp.timetuple()[:6])
            entry.compress_type = zipfile.ZIP_DEFLATED
            entry.external_attr = PERMISSIONS << 16
            archive.writestr(entry, data)

        put("[Content_Types].xml", content_types(parts))
        put("_rels/.rels", relationships(package._rels.values()))
        for part in parts:
            put(part.partname.membername, part.blob)
            if part.rels:
                put(part.partname.rels_uri.membername, relationships(part.rels.values()))
    return out.getvalue()


def relationships(rels: Iterable[Any]) -> bytes:
    """A ``.rels`` file, relationships in the order of their numbers (``rId2`` before
    ``rId10``), as python-pptx orders them."""

    def number(rel: Any) -> tuple[int, str]:
        rid = rel.rId
        return (int(rid[3:]) if rid.startswith("rId") and rid[3:].isdigit() else 0, rid)

    items = "".join(
        f'<Relationship Id="{_quoted(rel.rId)}" Type="{_quoted(rel.reltype)}"'
        f' Target="{_quoted(rel.target_ref)}"'
        + (' TargetMode="External"/>' if rel.is_external else "/>")
        for rel in sorted(rels, key=number)
    )
    return _document("Relationships", RELATIONSHIPS, items)


def content_types(parts: Iterable[Any]) -> bytes:
    """``[Content_Types].xml``: a default type by extension where the part's type is the
    usual one for it, else an override for the part; each kind sorted, as python-pptx does."""
    defaults = {"rels": CT.OPC_RELATIONSHIPS, "xml": CT.XML}
    overrides: dict[str, str] = {}
    for part in parts:
        ext, content_type = part.partname.ext, part.content_type
        if (ext.lower(), content_type) in default_content_types:
            defaults[ext.lower()] = content_type
        else:
            overrides[part.partname] = content_type
    items = "".join(
        f'<Default Extension="{_quoted(ext)}" ContentType="{_quoted(kind)}"/>'
        for ext, kind in sorted(defaults.items())
    ) + "".join(
        f'<Override PartName="{_quoted(name)}" ContentType="{_quoted(kind)}"/>'
        for name, kind in sorted(overrides.items())
    )
    return _document("Types", TYPES, items)


def _document(root: str, namespace: str, items: str) -> bytes:
    body = (
        f'<{root} xmlns="{namespace}">{items}</{root}>'
        if items
        else f'<{root} xmlns="{namespace}"/>'
    )
    return (DECLARATION + body).encode("utf-8")


def _quoted(value: str) -> str:
    """*value* escaped for a double-quoted attribute, as lxml writes it."""
    return escape(value, _ATTRIBUTE)
