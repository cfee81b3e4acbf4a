"""Writing outputs safely and reproducibly.

A build writes to a temporary file beside the target and renames it into place, so
a failure or an interrupt never leaves half a file and never clobbers the last good
output. Timestamps come from ``SOURCE_DATE_EPOCH`` or the lesson's date, never the
clock, so the same lesson builds to byte-identical files.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import io
import os
import tempfile
import zipfile
from collections.abc import Iterator
from pathlib import Path

from .model import Document

FALLBACK_TIME = dt.datetime(2000, 1, 1, tzinfo=dt.UTC)
TEMP_PREFIX = ".lectern-"


def build_time(document: Document) -> dt.datetime:
    """The timestamp written into outputs: ``SOURCE_DATE_EPOCH``, else the lesson's date."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    if epoch.isdigit():
        return dt.datetime.fromtimestamp(int(epoch), tz=dt.UTC)
    if document.date is not None:
        return dt.datetime.combine(document.date, dt.time(), tzinfo=dt.UTC)
    return FALLBACK_TIME


@contextlib.contextmanager
def atomic_target(target: Path) -> Iterator[Path]:
    """Yield a temporary path beside *target*; on success it replaces *target*.

    On any failure (including KeyboardInterrupt) the temporary file is removed and
    *target* keeps its previous content.
    """
    target.parent.mkdir(parents=True, exist_ok=True)
    handle, name = tempfile.mkstemp(prefix=TEMP_PREFIX, suffix=target.suffix, dir=target.parent)
    os.close(handle)
    temporary = Path(name)
    try:
        yield temporary
        os.chmod(temporary, 0o644)
        os.replace(temporary, target)
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise


def normalized_zip(data: bytes, when: dt.datetime) -> bytes:
    """Rewrite an Office (zip) package with fixed entry times, so rebuilds are identical.

    python-docx and python-pptx stamp every zip entry with the current time.
    """
    stamp = max(when, dt.datetime(1980, 1, 1, tzinfo=dt.UTC)).timetuple()[:6]
    out = io.BytesIO()
    with (
        zipfile.ZipFile(io.BytesIO(data)) as source,
        zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target,
    ):
        for entry in source.infolist():
            info = zipfile.ZipInfo(entry.filename, date_time=stamp)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            target.writestr(info, source.read(entry.filename))
    return out.getvalue()
