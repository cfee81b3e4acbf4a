"""Pictures a lesson or theme shows: checked once as they are found, and made no bigger
than any page needs.

Each renderer would otherwise meet a bad picture in its own way: python-docx embeds a
50,000-pixel-square PNG unchecked, reportlab decodes a 13,000-pixel one into gigabytes,
and a truncated file, an SVG or a text file named ``.png`` fails with a blank message.
Here every picture is opened once: its size on disk, its pixel count, its format and
whether it decodes whole. One larger than a slide or a page can show is scaled down to
:data:`MAX_EDGE` pixels on its long side, into a cache named by its content, so the
same picture always gives the same bytes.
"""

from __future__ import annotations

import functools
import hashlib
import os
import tempfile
import warnings
from pathlib import Path
from typing import Any

MAX_BYTES = 64 * 1024 * 1024
MAX_PIXELS = 180_000_000  # about 13,400 pixels square: a scan at 1,200 dpi, not a bomb
MAX_EDGE = 2400  # pixels: a full-width 13.3-inch slide at 180 dpi, a handout page at 350
FORMATS = ("PNG", "JPEG", "GIF")


class ImageProblem(ValueError):
    """Why a picture can't be used, in words that end with what to do."""


def usable_image(path: Path) -> Path:
    """*path*, or a scaled-down copy of it; raises :class:`ImageProblem` for a bad picture.

    Pillow is imported here, not with the module: a lesson without pictures is checked
    without it.
    """
    stat = path.stat()
    return _usable(path, stat.st_size, stat.st_mtime_ns)


@functools.lru_cache(maxsize=256)
def _usable(path: Path, size: int, mtime: int) -> Path:
    from PIL import Image, UnidentifiedImageError

    if size > MAX_BYTES:
        raise ImageProblem(
            f"is {size // (1024 * 1024)} MiB; a picture may be at most"
            f" {MAX_BYTES // (1024 * 1024)} MiB: save it smaller"
        )
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", Image.DecompressionBombWarning)
        try:
            with Image.open(path) as picture:
                kind, (width, height) = picture.format, picture.size
                if kind not in FORMATS:
                    raise ImageProblem(f"is a {kind} picture; save it as PNG or JPEG")
                if width * height > MAX_PIXELS:
                    raise ImageProblem(
                        f"is {width:,} × {height:,} pixels; a picture may have at most"
                        f" {MAX_PIXELS // 1_000_000} million: scale it down"
                    )
                if max(width, height) > MAX_EDGE:
                    return _copied(path, picture, kind, MAX_EDGE / max(width, height))
                picture.load()  # decoded whole: a truncated file fails here, not later
                if kind == "JPEG" and not _plain_jpeg(path, picture.mode):
                    return _copied(path, picture, kind, 1.0)
                return path
        except ImageProblem:
            raise
        except Image.DecompressionBombError:
            raise ImageProblem(
                f"has more pixels than a picture may ({MAX_PIXELS // 1_000_000} million);"
                " scale it down"
            ) from None
        except UnidentifiedImageError:
            if path.read_bytes()[:256].lstrip().startswith((b"<?xml", b"<svg")):
                raise ImageProblem(
                    "is an SVG drawing, which not every format can show; export it as PNG"
                ) from None
            raise ImageProblem("is not a picture (PNG or JPEG); check the file") from None
        except (OSError, SyntaxError, ValueError) as error:
            raise ImageProblem(
                f"is damaged ({str(error).rstrip('.')}); export it again as PNG or JPEG"
            ) from None


def _plain_jpeg(path: Path, mode: str) -> bool:
    """Whether a JPEG is one every format reads alike: RGB or grey, opening with a JFIF or
    Exif header. python-docx refuses one without (a CMYK JPEG from print software, one
    whose header an editor stripped), with no message, and viewers draw CMYK ones in
    different colours."""
    with path.open("rb") as file:
        return mode in ("RGB", "L") and file.read(10)[6:10] in (b"JFIF", b"Exif")


def _copied(path: Path, picture: Any, kind: str, scale: float) -> Path:
    """A copy at *scale* (1: the same size, as a plain JPEG), cached by content."""
    suffix = ".jpg" if kind == "JPEG" else ".png"  # a GIF is scaled into a PNG
    edge = MAX_EDGE if scale < 1 else "plain"
    name = hashlib.sha256(path.read_bytes()).hexdigest()[:32] + f"-{edge}{suffix}"
    target = cache_dir() / name
    if target.is_file():  # copied before, so it decoded whole then
        return target
    picture.load()
    size = (max(1, round(picture.width * scale)), max(1, round(picture.height * scale)))
    if picture.mode not in ("RGB", "RGBA", "L", "LA"):
        picture = picture.convert("RGBA" if kind != "JPEG" else "RGB")
    smaller = picture if scale == 1 else picture.resize(size, 1, reducing_gap=1.5)  # LANCZOS
    handle, temporary = tempfile.mkstemp(dir=target.parent, suffix=target.suffix)
    os.close(handle)
    try:
        if kind == "JPEG":
            smaller.save(temporary, "JPEG", quality=90, optimize=True)
        else:
            smaller.save(temporary, "PNG")
        os.replace(temporary, target)
    finally:
        Path(temporary).unlink(missing_ok=True)
    return target


def cache_dir() -> Path:
    """Where scaled-down copies are kept between builds."""
    folder = Path(tempfile.gettempdir()) / "lectern-images"
    folder.mkdir(exist_ok=True)
    return folder
