"""Writing systems in the cheat sheet: fallback fonts, right-to-left order, missing glyphs.

Word and PowerPoint pick a font for each character and order right-to-left text
themselves; a PDF draws exactly the glyphs it is given. So the cheat sheet sets each
character its theme font lacks in the first of the theme's ``fonts.fallback`` files
that has it (looked for in the theme's fonts/, Lectern's own, then the system's font
folders, where Debian's fonts-dejavu and fonts-droid-fallback put theirs), joins
Arabic letters into their connected forms and puts Hebrew and Arabic runs in visual
order. Which characters no font can draw is found here and said by the lesson checks.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Sequence
from pathlib import Path

from .inline import RichText
from .model import Document
from .templating import map_text
from .theme import FONTS_DIR, Theme

SYSTEM_FONT_DIRS = (
    Path("/usr/share/fonts"),
    Path("/usr/local/share/fonts"),
    Path.home() / ".local" / "share" / "fonts",
    Path.home() / ".fonts",
    Path("/Library/Fonts"),
    Path("C:/Windows/Fonts"),
)
RIGHT_TO_LEFT = re.compile(r"[\u0590-\u08ff\ufb1d-\ufdff\ufe70-\ufefc]")
ARABIC = re.compile(r"[\u0600-\u06ff\u0750-\u077f\u08a0-\u08ff]")
# Latin, its accents and common punctuation: every text font has them, so text of these
# alone is never looked up (and its check reads no font file).
COMMON = re.compile(r"[\u0020-\u024f\u2000-\u206f\u20ac\u2122]")
IGNORED = re.compile(r"[\s\u200b-\u200f\u2028-\u202e\u2060-\u206f\ufe00-\ufe0f]")


@functools.cache
def covered(path: Path) -> frozenset[int]:
    """The characters the TrueType file *path* has glyphs for (read from the font as
    registered for measuring and drawing, so the file is parsed once per process)."""
    from reportlab.pdfbase import pdfmetrics

    from .textfit import font_name

    return frozenset(pdfmetrics.getFont(font_name(path)).face.charToGlyph)


def characters(document: Document, theme: Theme) -> set[str]:
    """Every character the document's text and the theme's wording may print."""
    found: set[str] = set()

    def collect(text: RichText, loc: tuple[str | int, ...]) -> RichText:
        found.update(text.plain)
        return text

    map_text(document, collect, (), every=True)
    for template in theme.text.values():
        found.update(template)
    return found


def needs_fallback(chars: set[str], theme: Theme) -> bool:
    """Whether some of *chars* are missing from the theme's body font (so the fallback
    fonts, several megabytes to read, are loaded only for text that needs them)."""
    rare = {char for char in chars if not COMMON.match(char) and not IGNORED.match(char)}
    if not rare:
        return False
    body = covered(theme.font_file("body"))
    return any(ord(char) not in body for char in rare)


def fallback_files(theme: Theme) -> list[Path]:
    """The theme's fallback font files that can be found, in the order it names them."""
    return [path for stem in theme.fonts.fallback if (path := find_font(stem, theme)) is not None]


def find_font(stem: str, theme: Theme) -> Path | None:
    """``STEM.ttf`` or ``STEM-Regular.ttf`` in the theme's fonts/, Lectern's, or the system's."""
    return _find_font(stem, tuple(folder / "fonts" for folder in theme.folders))


@functools.lru_cache(maxsize=64)
def _find_font(stem: str, own: tuple[Path, ...]) -> Path | None:
    names = (f"{stem}.ttf", f"{stem}-Regular.ttf")
    for folder in (*own, FONTS_DIR):
        for name in names:
            if (folder / name).is_file():
                return folder / name
    for folder in SYSTEM_FONT_DIRS:
        if folder.is_dir():
            for name in names:
                found = sorted(folder.rglob(name))
                if found:
                    return found[0]
    return None


def visual(text: str) -> str:
    """*text* as a PDF must draw it: Arabic letters joined, right-to-left runs reversed
    into visual order (Latin words and numbers inside them keep theirs)."""
    if not RIGHT_TO_LEFT.search(text):
        return text
    from bidi import get_display

    if ARABIC.search(text):
        import arabic_reshaper

        text = arabic_reshaper.reshape(text)
    return get_display(text)


def split_by_font(text: str, fonts: Sequence[frozenset[int]]) -> list[tuple[str, int]]:
    """*text* cut into stretches, each with the index of the first of *fonts* that has
    all of it (0, the run's own font, for what none has, and for spaces)."""
    pieces: list[tuple[str, int]] = []
    for char in text:
        code = ord(char)
        index = 0
        if code not in fonts[0] and not IGNORED.match(char):
            index = next((i for i, font in enumerate(fonts) if code in font), 0)
        if pieces and pieces[-1][1] == index:
            pieces[-1] = (pieces[-1][0] + char, index)
        else:
            pieces.append((char, index))
    return pieces


def undrawable(text: str, theme: Theme) -> list[str]:
    """The characters of *text* (as drawn: Arabic joined) that neither the cheat sheet's
    body font nor any of the theme's fallback fonts has, in order; the PDF would print
    each as an empty box."""
    if all(COMMON.match(char) or IGNORED.match(char) for char in text):
        return []
    body = covered(theme.font_file("body"))
    missing = [
        char
        for char in dict.fromkeys(visual(text))
        if ord(char) not in body and not IGNORED.match(char)
    ]
    if not missing:
        return []
    fallbacks = [covered(path) for path in fallback_files(theme)]
    return [char for char in missing if not any(ord(char) in font for font in fallbacks)]
