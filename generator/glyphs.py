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

from reportlab.pdfbase.ttfonts import TTFont

FALLBACK = Path(__file__).resolve().parent / "fonts" / "DejaVuSans.ttf"


@cache
def charset(path: Path) -> frozenset[int]:
    """The code points the TrueType file *path* has glyphs for."""
    return frozenset(TTFont(f"charset:{path}", str(path)).face.charToGlyph)


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
