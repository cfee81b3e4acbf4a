"""What kind of Office file a user's template is, told by its package, not its name.

A template saved under a presentation's name (a .potx as .pptx, a .dotx as .docx) is an
everyday mistake that Office itself shrugs off; a Word file given where a PowerPoint one
belongs is a mistake to say plainly. Both are told by the content type of the package's
main part, read from ``[Content_Types].xml``, before any library opens the package.
"""

from __future__ import annotations

import io
import re
import zipfile
from dataclasses import dataclass
from pathlib import Path

OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # a compound file: .doc/.ppt, or encrypted
ENCRYPTED = "EncryptedPackage".encode("utf-16-le")  # the stream holding an encrypted package
MAIN = "application/vnd.openxmlformats-officedocument.{family}.{kind}.main+xml"
MAIN_OF = r"\.{}\.[a-zA-Z.]+\.main\+xml"  # any main part of a content-type family
APPLICATIONS = {  # a main part's content-type family, as a message names its file
    "wordprocessingml": "a Word file",
    "presentationml": "a PowerPoint file",
    "spreadsheetml": "an Excel file",
}


@dataclass(frozen=True)
class Kind:
    """One application's documents and templates, and how messages name them."""

    family: str  # the content types' family: wordprocessingml, presentationml
    document: str  # the main part's kind in a document: document, presentation
    files: str  # "a Word document or template (.docx, .dotx)"
    legacy: str  # what to do with the application's pre-2007 binary file

    @property
    def template_type(self) -> str:
        return MAIN.format(family=self.family, kind="template")

    @property
    def document_type(self) -> str:
        return MAIN.format(family=self.family, kind=self.document)


WORD = Kind(
    "wordprocessingml",
    "document",
    "a Word document or template (.docx, .dotx)",
    "a Word 97-2003 file (.doc, .dot): save it as a Word document (.docx) or template (.dotx)",
)
POWERPOINT = Kind(
    "presentationml",
    "presentation",
    "a PowerPoint presentation or template (.pptx, .potx)",
    "a PowerPoint 97-2003 file (.ppt, .pot): save it as a presentation (.pptx) or template (.potx)",
)


def content_types(data: bytes) -> str | None:
    """The package's ``[Content_Types].xml``; None when *data* is no Office package."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as package:
            return package.read("[Content_Types].xml").decode("utf-8", "replace")
    except (zipfile.BadZipFile, KeyError):
        return None


def package_problem(data: bytes, kind: Kind) -> str | None:
    """Why *data* cannot be a document or template of *kind*, in words for its owner;
    None when its main part is one."""
    if data.startswith(OLE_MAGIC):
        if ENCRYPTED in data:
            return "password-protected (encrypted): save a copy without a password and use that"
        return kind.legacy
    types = content_types(data)
    if types is None:
        return f"not {kind.files}: not an Office Open XML package"
    if kind.document_type in types or kind.template_type in types:
        return None
    other = next(
        (name for family, name in APPLICATIONS.items() if re.search(MAIN_OF.format(family), types)),
        None,
    )
    return f"{other or 'not ' + APPLICATIONS[kind.family]}, not {kind.files}"


def file_problem(path: Path, kind: Kind) -> str | None:
    """:func:`package_problem` of the file at *path*, or why it cannot be read."""
    try:
        data = path.read_bytes()
    except OSError as error:
        return f"cannot be read: {error.strerror or error}"
    return package_problem(data, kind)


def as_document(data: bytes, kind: Kind) -> bytes:
    """*data* with a template's main part declared a document's, as python-docx and
    python-pptx open only documents (and what is built from it is one); any other
    package as it is."""
    if kind.template_type not in (content_types(data) or ""):
        return data
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, zipfile.ZipFile(out, "w") as target:
        for item in source.infolist():
            content = source.read(item)
            if item.filename == "[Content_Types].xml":
                content = content.replace(kind.template_type.encode(), kind.document_type.encode())
            target.writestr(item, content, compress_type=zipfile.ZIP_DEFLATED)
    return out.getvalue()
