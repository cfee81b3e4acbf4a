"""Pictures are checked once, as the lesson (or theme) is read, and scaled to what a page needs.

The pictures are made here: a PNG whose header claims 50,000 × 50,000 pixels, a
truncated PNG, an SVG, a text file named .png, and a photo too big for any page.
"""

from __future__ import annotations

import io
import shutil
import struct
import zipfile
import zlib
from pathlib import Path

import pytest
from PIL import Image
from pypdf import PdfReader

from generator.build import BuildOptions, build, prepare
from generator.errors import LessonError
from generator.images import MAX_EDGE

from .conftest import write_lesson

TEMPLATES = Path(__file__).resolve().parent.parent / "templates"


def png_claiming(width: int, height: int) -> bytes:
    """A small file whose header says it is *width* × *height* pixels (a decompression bomb)."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return (
            struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
        )

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(b"\0" * 1000))
        + chunk(b"IEND", b"")
    )


def png(width: int, height: int) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (width, height), (40, 90, 160)).save(out, "PNG")
    return out.getvalue()


BAD_PICTURES = {
    "bomb.png": (png_claiming(50_000, 50_000), "has more pixels than a picture may (180 million)"),
    "truncated.png": (png(300, 200)[:300], "is damaged (image file is truncated)"),
    "drawing.svg": (
        b'<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg"/>',
        "is an SVG drawing, which not every format can show; export it as PNG",
    ),
    "notes.png": (b"these are my notes, not a picture", "is not a picture (PNG or JPEG)"),
    "photo.webp": (None, "is a WEBP picture; save it as PNG or JPEG"),
}


def lesson_showing(folder: Path, *names: str) -> Path:
    blocks = "".join(f"      - image: {{src: {name}, alt: A picture}}\n" for name in names)
    return write_lesson(folder, f"title: T\nsections:\n  - heading: H\n    blocks:\n{blocks}")


@pytest.mark.parametrize("name", sorted(BAD_PICTURES))
def test_a_bad_picture_is_a_located_error_before_anything_is_built(tmp_path, name):
    data, message = BAD_PICTURES[name]
    if data is None:
        out = io.BytesIO()
        Image.new("RGB", (20, 20)).save(out, "WEBP")
        data = out.getvalue()
    (tmp_path / name).write_bytes(data)
    lesson = lesson_showing(tmp_path, name)
    with pytest.raises(LessonError) as caught:
        build(lesson, BuildOptions(out_dir=tmp_path / "out"))
    assert str(caught.value).startswith(f"{lesson}:5:22: the image '{name}' {message}")
    assert not (tmp_path / "out").exists()


def test_a_picture_bigger_than_any_page_is_scaled_down_in_every_format(tmp_path):
    (tmp_path / "photo.png").write_bytes(png(6000, 3000))
    lesson = lesson_showing(tmp_path, "photo.png")
    _, document, _ = prepare(lesson, BuildOptions())
    shown = Path(document.sections[0].blocks[0].image.src)
    assert Image.open(shown).size == (MAX_EDGE, MAX_EDGE // 2)
    assert Image.open(tmp_path / "photo.png").size == (6000, 3000)  # the author's file stays
    for path in build(lesson, BuildOptions(out_dir=tmp_path / "out")):
        if path.suffix == ".pdf":
            page = PdfReader(path).pages[0]
            sizes = [(image.image.width, image.image.height) for image in page.images]
        else:
            with zipfile.ZipFile(path) as package:
                sizes = [
                    Image.open(io.BytesIO(package.read(name))).size
                    for name in package.namelist()
                    if "/media/" in name
                ]
        assert sizes == [(MAX_EDGE, MAX_EDGE // 2)], path.name


def jpeg(mode: str, *, header: bool = True) -> bytes:
    """A small JPEG in *mode*; without its *header* (JFIF, Exif), as some editors write it."""
    out = io.BytesIO()
    Image.new(mode, (40, 30), "red" if mode == "RGB" else (0, 255, 255, 0)).save(out, "JPEG")
    data = out.getvalue()
    if header:
        return data
    return data[:2] + data[4 + struct.unpack(">H", data[4:6])[0] :]  # the JFIF segment dropped


@pytest.mark.parametrize(("mode", "header"), [("CMYK", True), ("RGB", False)])
def test_a_jpeg_every_format_reads_alike_is_made_of_one_that_is_not(tmp_path, mode, header):
    """A CMYK JPEG from print software, or one whose header an editor stripped, failed the
    handout with an empty message; it is now copied as a plain RGB JPEG for every format."""
    data = jpeg(mode, header=header)
    assert data[6:10] not in (b"JFIF", b"Exif") or Image.open(io.BytesIO(data)).mode == "CMYK"
    (tmp_path / "photo.jpg").write_bytes(data)
    lesson = lesson_showing(tmp_path, "photo.jpg")
    written = build(lesson, BuildOptions(out_dir=tmp_path / "out"))
    assert len(written) == 3
    for path in written:
        if path.suffix == ".pdf":
            continue
        with zipfile.ZipFile(path) as package:
            pictures = [
                package.read(n) for n in package.namelist() if n.endswith((".jpg", ".jpeg"))
            ]
        assert pictures, path.name
        for picture in pictures:
            assert picture[6:10] == b"JFIF" and Image.open(io.BytesIO(picture)).mode == "RGB"
    assert (tmp_path / "photo.jpg").read_bytes() == data  # the author's file stays


def test_a_theme_logo_is_checked_like_a_lesson_picture(tmp_path):
    theme = tmp_path / "mytheme"
    theme.mkdir()
    (theme / "theme.yaml").write_text(
        "name: t\nextends: default\nlogo: logo.png\n", encoding="utf-8"
    )
    (theme / "logo.png").write_bytes(b"GIF89a but not really")
    lesson = write_lesson(
        tmp_path,
        "title: T\ntheme: mytheme\nsections:\n  - heading: H\n    blocks:\n      - text: a\n",
    )
    with pytest.raises(LessonError) as caught:
        prepare(lesson, BuildOptions())
    assert str(caught.value).startswith(
        f"{theme / 'theme.yaml'}:3:7: the logo 'logo.png' is not a picture"
    )
    shutil.copy(TEMPLATES / "corporate" / "logo.png", theme / "logo.png")
    prepare(lesson, BuildOptions())
