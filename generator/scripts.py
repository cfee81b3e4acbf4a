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
import unicodedata
from collections.abc import Sequence
from pathlib import Path
from typing import TypeVar

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
T = TypeVar("T")
# Bidi classes the algorithm drops (rule X9): joins and format controls move with the
# character before them.
UNORDERED = ("BN", "LRE", "RLE", "LRO", "RLO", "PDF")
IGNORED = re.compile(r"[\s\u200b-\u200f\u2028-\u202e\u2060-\u206f\ufe00-\ufe0f]")
PLAIN = re.compile(f"(?:{COMMON.pattern}|{IGNORED.pattern})*")  # text that needs no look-up


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


def needed_fallbacks(chars: set[str], theme: Theme) -> list[Path]:
    """The theme's fallback files that *chars* missing from its body font need."""
    rare = {char for char in chars if not COMMON.match(char) and not IGNORED.match(char)}
    if not rare:
        return []
    body = covered(theme.font_file("body"))
    return _fallbacks_for([char for char in rare if ord(char) not in body], theme)[0]


def _fallbacks_for(missing: list[str], theme: Theme) -> tuple[list[Path], list[str]]:
    """The theme's fallback files, in its order, as far as the characters *missing* from
    its body font need them, and the characters none of them has. A file is read (several
    megabytes, for the CJK ones) only when those before it leave something to find; the
    first file that has a character is the one that draws it, so the rest are not needed.
    """
    files = []
    for path in fallback_files(theme):
        if not missing:
            break
        files.append(path)
        font = covered(path)
        missing = [char for char in missing if ord(char) not in font]
    return files, missing


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


def shaped(text: str) -> str:
    """*text* with its Arabic letters in their joined forms, still in reading order (so a
    paragraph is measured and wrapped as it reads, and put in visual order line by line)."""
    if not ARABIC.search(text):
        return text
    import arabic_reshaper

    try:
        return arabic_reshaper.reshape(text)
    except IndexError:  # arabic_reshaper fails on a zero-width join before lam-alef
        return " ".join(shaped(word) if " " in text else word for word in text.split(" "))


def right_to_left(text: str) -> bool:
    """Whether a paragraph of *text* reads right to left: its first letter of a strong
    direction is Hebrew or Arabic (rules P2 and P3 of the Unicode bidi algorithm)."""
    if not RIGHT_TO_LEFT.search(text):
        return False
    from bidi import get_base_level

    return get_base_level(text) == 1


def right_to_left_only(text: str) -> bool:
    """Whether *text* has Hebrew or Arabic letters and no letter written left to right
    (digits and punctuation take the direction of what is around them)."""
    return bool(RIGHT_TO_LEFT.search(text)) and not any(
        unicodedata.bidirectional(char) == "L" for char in text
    )


def visual_order(pieces: Sequence[tuple[str, T]], rtl: bool) -> list[tuple[str, T]]:
    """One line's *pieces* (each a text and what draws it, in reading order) cut and
    ordered as a PDF draws them, left to right: the Unicode bidi algorithm run over the
    whole line in a paragraph of direction *rtl*, so a bold word or a Latin name keeps its
    place among the words around it; brackets in right-to-left stretches mirrored.

    A letter moves with its marks (niqqud, harakat) and an emoji with its modifiers and
    joined parts: reversed apart, they would be drawn on the wrong letter or fall apart.
    """
    from bidi import algorithm

    clusters = [
        (cluster, owner) for owner, (text, _) in enumerate(pieces) for cluster in _clusters(text)
    ]
    storage = algorithm.get_empty_storage()
    storage["base_level"] = int(rtl)
    storage["base_dir"] = "R" if rtl else "L"
    algorithm.get_embedding_levels("".join(_leader(cluster) for cluster, _ in clusters), storage)
    for char, (cluster, owner) in zip(storage["chars"], clusters, strict=True):
        char["cluster"], char["owner"] = cluster, owner
    algorithm.explicit_embed_and_overrides(storage)
    algorithm.resolve_weak_types(storage)
    for step in (
        algorithm.resolve_neutral_types,
        algorithm.resolve_implicit_levels,
        algorithm.reorder_resolved_levels,
        algorithm.apply_mirroring,
    ):
        step(storage, False)
    ordered: list[tuple[str, int]] = []
    for char in storage["chars"]:
        cluster = char["cluster"]
        first = cluster[0] if char["ch"] == _leader(cluster) else char["ch"]  # mirrored?
        text = first + cluster[1:]
        if ordered and ordered[-1][1] == char["owner"]:
            ordered[-1] = (ordered[-1][0] + text, char["owner"])
        else:
            ordered.append((text, char["owner"]))
    return [(text, pieces[owner][1]) for text, owner in ordered]


def _clusters(text: str) -> list[str]:
    """*text* cut into what must stay together when reordered: a character with the
    marks, variation selectors, skin tones and zero-width joins that follow it."""
    clusters: list[str] = []
    joined = False
    for char in text:
        if clusters and (joined or _extends(char)):
            clusters[-1] += char
        else:
            clusters.append(char)
        joined = char == "\u200d" and len(clusters[-1]) > 1  # a join between two characters
    return clusters


def _extends(char: str) -> bool:
    return (
        unicodedata.category(char) in ("Mn", "Mc", "Me")
        or unicodedata.bidirectional(char) in UNORDERED
        or "\U0001f3fb" <= char <= "\U0001f3ff"
    )


def _leader(cluster: str) -> str:
    """The character that stands for *cluster* in the bidi algorithm: its first, unless
    that is one the algorithm drops (a join or format control at the start of a line)."""
    first = cluster[0]
    return " " if unicodedata.bidirectional(first) in UNORDERED else first


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
    if PLAIN.fullmatch(text):
        return []
    body = covered(theme.font_file("body"))
    missing = [
        char
        for char in dict.fromkeys(shaped(text))
        if ord(char) not in body and not IGNORED.match(char)
    ]
    return _fallbacks_for(missing, theme)[1]
