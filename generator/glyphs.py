"""Which font draws which character: the theme's font where it has the glyph, else the
bundled fallback (DejaVu Sans, which covers superscript signs, arrows, Greek, Cyrillic
and most symbols teachers paste in).

Text is measured and embedded with the same choice, so a character the theme's font
lacks (``m s⁻¹``, ``NADP⁺``) is neither printed as a box nor measured as one.
"""

from __future__ import annotations

from collections.abc import Iterator
from functools import cache, lru_cache
from pathlib import Path

FALLBACK = Path(__file__).resolve().parent / "fonts" / "DejaVuSans-Regular.ttf"


@cache
def charset(path: Path) -> frozenset[int]:
    """The code points the TrueType file *path* has glyphs for, from its ``cmap`` table.

    Read here rather than through reportlab, so that ``lectern check`` (which warns about
    undrawable characters) does not import the PDF library.
    """
    data = path.read_bytes()
    tables = {
        data[at : at + 4]: int.from_bytes(data[at + 8 : at + 12])
        for at in range(12, 12 + 16 * int.from_bytes(data[4:6]), 16)
    }
    cmap = tables[b"cmap"]
    found: set[int] = set()
    for at in range(cmap + 4, cmap + 4 + 8 * int.from_bytes(data[cmap + 2 : cmap + 4]), 8):
        platform, encoding = (
            int.from_bytes(data[at : at + 2]),
            int.from_bytes(data[at + 2 : at + 4]),
        )
        if (platform, encoding) in UNICODE_MAPS:
            found |= _subtable(data, cmap + int.from_bytes(data[at + 4 : at + 8]))
    return frozenset(found)


UNICODE_MAPS = {(0, 3), (0, 4), (3, 1), (3, 10)}  # (platform, encoding) of Unicode cmaps


def _subtable(data: bytes, at: int) -> set[int]:
    """The code points a cmap subtable (format 4 or 12) maps to a glyph other than 0."""

    def u16(offset: int) -> int:
        return int.from_bytes(data[offset : offset + 2])

    def u32(offset: int) -> int:
        return int.from_bytes(data[offset : offset + 4])

    found: set[int] = set()
    if u16(at) == 12:
        for group in range(at + 16, at + 16 + 12 * u32(at + 12), 12):
            if u32(group + 8):
                found.update(range(u32(group), u32(group + 4) + 1))
        return found
    if u16(at) != 4:
        return found
    segments = u16(at + 6) // 2
    ends, starts = at + 14, at + 16 + 2 * segments
    deltas, offsets = starts + 2 * segments, starts + 4 * segments
    for segment in range(segments):
        start, end = u16(starts + 2 * segment), u16(ends + 2 * segment)
        delta, offset = u16(deltas + 2 * segment), u16(offsets + 2 * segment)
        for char in range(start, min(end, 0xFFFE) + 1):
            if offset == 0:
                glyph = (char + delta) & 0xFFFF
            else:
                glyph = u16(offsets + 2 * segment + offset + 2 * (char - start))
                glyph = (glyph + delta) & 0xFFFF if glyph else 0
            if glyph:
                found.add(char)
    return found


def drawable(char: str, path: Path) -> bool:
    """Whether *path* draws *char*; control characters (line breaks) need no glyph."""
    return ord(char) < 0x20 or ord(char) in charset(path)


@lru_cache(maxsize=16384)
def covers(text: str, path: Path) -> bool:
    """Whether *path* has a glyph for every character of *text*."""
    return all(drawable(char, path) for char in set(text))


def segments(text: str, path: Path) -> Iterator[tuple[str, Path]]:
    """*text* in stretches, each with the file that draws it: *path*, or the fallback
    where *path* lacks a character the fallback has (else *path*, which shows a box)."""
    if covers(text, path):
        yield text, path
        return
    start, current = 0, None
    for index, char in enumerate(text):
        font = path if drawable(char, path) or not drawable(char, FALLBACK) else FALLBACK
        if font != current and index > start:
            yield text[start:index], current  # type: ignore[misc]
            start = index
        current = font
    if text:
        yield text[start:], current  # type: ignore[misc]


def undrawable(text: str, path: Path) -> list[str]:
    """The characters of *text* that neither *path* nor the fallback can draw, in order."""
    return [
        char
        for char in dict.fromkeys(text)
        if not char.isspace() and not drawable(char, path) and not drawable(char, FALLBACK)
    ]
