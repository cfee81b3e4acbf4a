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
import secrets
import struct
import sys
import time
import zipfile
from collections.abc import Callable, Iterator
from pathlib import Path

from .model import Document

FALLBACK_TIME = dt.datetime(2000, 1, 1, tzinfo=dt.UTC)
PERMISSIONS = 0o644  # of every file in a package, whoever unpacks it
TEMP_PREFIX = ".lectern-"
LOCK_NAME = ".lectern-lock"


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
    # Named before it is created, so an interrupt the moment after its creation still
    # finds it to remove (mkstemp returns the name only after the file exists).
    temporary = target.parent / f"{TEMP_PREFIX}{secrets.token_hex(8)}{target.suffix}"
    try:
        os.close(os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))
        yield temporary
        os.chmod(temporary, 0o644)
        os.replace(temporary, target)
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise


@contextlib.contextmanager
def output_lock(out_dir: Path, waiting: Callable[[], None]) -> Iterator[None]:
    """Hold the output folder for a whole run; a second run calls *waiting*, then waits.

    Two runs into one folder would otherwise interleave their files and each record
    the other's as its own. The lock file stays (removing it would let a third run lock
    a different file), unless the run created the folder and wrote nothing into it. While the lock is held no other run writes here, so any
    temporary file left in the folder is from a run that was killed: it is removed.
    """
    created = not out_dir.exists()
    out_dir.mkdir(parents=True, exist_ok=True)
    lock = out_dir / LOCK_NAME
    try:
        with open(lock, "a+b") as handle:
            if not _try_lock(handle):
                waiting()
                _lock(handle)
            sweep_temporary(out_dir)
            yield
    finally:
        if created and [path.name for path in out_dir.iterdir()] == [LOCK_NAME]:
            lock.unlink(missing_ok=True)  # a run that wrote nothing leaves no folder behind
            out_dir.rmdir()


def sweep_temporary(out_dir: Path) -> None:
    """Remove the temporary files a killed run left anywhere under *out_dir*."""
    from .manifest import KEPT_NAMES  # the manifest's own files share the prefix

    for path in out_dir.rglob(TEMP_PREFIX + "*"):
        if path.name not in KEPT_NAMES and path.name != LOCK_NAME and path.is_file():
            path.unlink(missing_ok=True)


if sys.platform == "win32":
    import msvcrt

    def _try_lock(handle: io.BufferedRandom) -> bool:
        try:
            msvcrt.locking(handle.fileno(), msvcrt.LK_NBLCK, 1)
        except OSError:
            return False
        return True

    def _lock(handle: io.BufferedRandom) -> None:
        while not _try_lock(handle):  # LK_LOCK gives up after ten seconds
            time.sleep(0.2)

else:
    import fcntl

    def _try_lock(handle: io.BufferedRandom) -> bool:
        try:
            fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            return False
        return True

    def _lock(handle: io.BufferedRandom) -> None:
        fcntl.flock(handle.fileno(), fcntl.LOCK_EX)


def normalized_zip(data: bytes, when: dt.datetime) -> bytes:
    """An Office (zip) package with fixed entry times and permissions, so rebuilds are identical.

    python-docx and python-pptx stamp every zip entry with the current time. The stamps
    are overwritten where they stand, in each entry's local header and in the central
    directory; the compressed data is kept as it is, since compressing it again would
    cost a fifth of a handout's time.
    """
    stamp = max(when, dt.datetime(1980, 1, 1, tzinfo=dt.UTC))
    dos_time = stamp.hour << 11 | stamp.minute << 5 | stamp.second // 2
    dos_date = (stamp.year - 1980) << 9 | stamp.month << 5 | stamp.day
    out = bytearray(data)
    with zipfile.ZipFile(io.BytesIO(data)) as package:
        entries = package.infolist()
    for entry in entries:
        _expect(out, entry.header_offset, zipfile.stringFileHeader)
        struct.pack_into("<HH", out, entry.header_offset + 10, dos_time, dos_date)
    end = data.rfind(zipfile.stringEndArchive)
    offset = struct.unpack_from("<L", data, end + 16)[0]  # where the central directory starts
    for _ in entries:
        _expect(out, offset, zipfile.stringCentralDir)
        struct.pack_into("<HH", out, offset + 12, dos_time, dos_date)
        struct.pack_into("<L", out, offset + 38, PERMISSIONS << 16)
        name, extra, comment = struct.unpack_from("<3H", data, offset + 28)
        offset += 46 + name + extra + comment
    return bytes(out)


def _expect(data: bytearray, offset: int, signature: bytes) -> None:
    """Refuse a package laid out otherwise than zipfile writes it (no stamps are guessed at)."""
    if data[offset : offset + 4] != signature:
        raise ValueError(f"unexpected zip layout at byte {offset}")
