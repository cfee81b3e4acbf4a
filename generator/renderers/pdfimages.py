"""Pictures on the cheat sheet, decoded and compressed once per file, not once per layout.

The sheet is laid out several times over (to find its type size, then to level its
columns), each time on a new canvas, and reportlab reads, digests and compresses a
picture again for every canvas it is drawn on: for a lesson with one diagram, that was
most of the sheet's time. Here a picture is prepared once per file (and its size and
modification time, so an edited picture is read again) and registered in each new
document as reportlab itself would register it, under a name taken from the file's
content: the same lesson gives the same file wherever it is built.
"""

from __future__ import annotations

import copy
import hashlib
from functools import lru_cache
from pathlib import Path
from typing import Any

from reportlab.lib.utils import ImageReader, _digester
from reportlab.pdfbase.pdfdoc import PDFImageXObject, PDFObjectReference
from reportlab.pdfgen.canvas import Canvas

KEPT = 32
"""Prepared pictures kept by a process (a course's shared logo, a lesson's figures)."""


def registered(canvas: Canvas, image: Any, mask: Any) -> str | None:
    """What to hand reportlab's ``drawImage`` for *image* (a file, or a reader of one):
    a name under which the prepared picture is now registered on *canvas*. None for a
    picture that is no file, which reportlab then reads as usual."""
    source = getattr(image, "fileName", image)
    if not isinstance(source, str | Path):
        return None
    try:
        stat = Path(source).stat()
    except OSError:
        return None  # reportlab says what is wrong with it
    key = tuple(mask) if isinstance(mask, list) else mask
    token, prepared = _prepared(str(source), stat.st_mtime_ns, stat.st_size, key)
    name = _digester(f"{token}{mask}")  # what drawImage names a picture given as text
    document = canvas._doc
    reference = document.getXObjectName(name)
    if reference not in document.idToObject:
        picture = copy.copy(prepared)  # a document marks what it registers
        picture.name = name
        canvas._setXObjects(picture)
        document.Reference(picture, reference)
        document.addForm(name, picture)
        alpha = getattr(picture, "_smask", None)
        if alpha is not None:
            del picture._smask
            alpha_reference = document.getXObjectName(alpha.name)
            if alpha_reference in document.idToObject:
                picture.smask = PDFObjectReference(alpha_reference)
            else:
                alpha = copy.copy(alpha)
                canvas._setXObjects(alpha)
                picture.smask = document.Reference(alpha, alpha_reference)
    return token


@lru_cache(maxsize=KEPT)
def _prepared(path: str, stamp: int, size: int, mask: Any) -> tuple[str, PDFImageXObject]:
    """The picture's stream, decoded and compressed, and a name for it from its bytes."""
    token = "picture-" + hashlib.sha256(Path(path).read_bytes()).hexdigest()
    return token, PDFImageXObject(token, ImageReader(path), mask=mask)
