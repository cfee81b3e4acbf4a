"""Measuring text with real font metrics, so layouts are decided before anything is drawn.

Office files only say "this text, this font, this box"; the application wraps the text
when it opens the file, and PowerPoint's auto-fit flags act only when PowerPoint itself
re-renders a slide. To promise that nothing overflows, a renderer measures here first:
each run is measured with the theme's metric-compatible TrueType file (Liberation Sans
has Arial's advance widths), lines are wrapped greedily as Office wraps them, and the
line height is ``size * LINE_SPACING``, which renderers must also write into the file as
an exact line spacing so that measurement and rendering agree.

Nothing here knows about any output format; renderers share it.
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field, replace
from functools import cache, lru_cache, partial
from pathlib import Path
from typing import Any

from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont

from .inline import Run
from .scripts import covered
from .theme import FONTS_DIR, Theme

LINE_SPACING = 1.2
"""Line height as a multiple of the type size; written as exact spacing by renderers."""

WRAP_SLACK = 0.98
"""Lines are wrapped to this share of the width: a greedy wrap at a narrower width never
needs fewer lines, so small differences in how an application adds up widths cannot
push a word onto one more line than was measured."""

_SPACE = re.compile(r"(\s+)")
ELLIPSIS = "…"
_TRAILING = " \t\n·|,;:-–—"  # what a cut text does not end in before its ellipsis
_SENTENCE_END = re.compile(r"(?<=[.!?…])\s+|(?<=[.!?…][\"'”’)\]])\s+|[ \t]*\n\s*")


@cache
def font_name(path: Path) -> str:
    """Register the TrueType file *path* with reportlab once; returns its registered name.

    The file is read when the font is first measured or drawn, not here: a theme
    registers a dozen faces (body, headings and code, each bold and italic), a lesson
    uses a few, and reading one costs tens of milliseconds.
    """
    name = f"textfit:{path}"
    pdfmetrics.registerFont(UnreadFont(name, str(path)))
    return name


class UnreadFont(TTFont):
    """A reportlab TrueType font whose file is read on first use.

    Until then it has its name and a stand-in face, which is all registering needs;
    the first attribute it lacks (its face's widths or glyphs, its encoding) reads the
    file, exactly as reportlab's own constructor does.
    """

    def __init__(self, name: str, path: str) -> None:
        self.fontName = name
        self.path = path
        self.face = _UnreadFace(self)

    def read(self) -> None:
        if isinstance(self.face, _UnreadFace):
            TTFont.__init__(self, self.fontName, self.path)

    def __getattr__(self, attribute: str) -> Any:
        if attribute.startswith("__"):  # copying and pickling probe for these
            raise AttributeError(attribute)
        self.read()
        return object.__getattribute__(self, attribute)

    # reportlab asks a font for its ascent and descent for every line it breaks, and asks
    # the face only once the font has failed to answer (here through __getattr__, then
    # an exception): about 1% of a cheat sheet's build.
    @property
    def ascent(self) -> float:
        return self.face.ascent

    @property
    def descent(self) -> float:
        return self.face.descent


class _UnreadFace:
    """What registering reads of a face (its name) before the file is; anything else
    reads the file and answers from the real face."""

    def __init__(self, font: UnreadFont) -> None:
        self.font = font
        self.name = font.fontName

    def __getattr__(self, attribute: str) -> Any:
        if attribute.startswith("__"):
            raise AttributeError(attribute)
        self.font.read()
        return getattr(self.font.face, attribute)


MEASURING_FALLBACK = FONTS_DIR / "DejaVuSans-Regular.ttf"
"""Measures what a font has no glyph for (``m s⁻¹`` in Liberation Sans): a wide face, so
text an application draws from some other font is not measured as narrow empty boxes.
Chinese, Japanese and Korean characters, which it lacks too, are a full em wide, as every
font that has them draws them."""


@lru_cache(maxsize=65536)
def _width(text: str, path: Path, size: float) -> float:
    own = covered(path)
    if all(ord(char) in own or char == "\n" for char in text):
        return pdfmetrics.stringWidth(text, font_name(path), size)
    fallback = font_name(MEASURING_FALLBACK)
    return sum(
        pdfmetrics.stringWidth(char, font_name(path), size)
        if ord(char) in own
        else size
        if unicodedata.east_asian_width(char) in ("W", "F")
        else pdfmetrics.stringWidth(char, fallback, size)
        for char in text
    )


def text_width(text: str, font: Path, size: float) -> float:
    """The advance width of *text* in points, set in the TrueType file *font* at *size*."""
    return _width(text, font, size)


@dataclass(frozen=True)
class Fonts:
    """Which TrueType file measures which run: the role's faces, and mono for code."""

    theme: Theme
    role: str = "body"

    def file(self, run: Run) -> Path:
        if run.code:
            return self.theme.font_file("mono", bold=run.bold)
        return self.theme.font_file(self.role, bold=run.bold, italic=run.italic)


@dataclass(frozen=True)
class Paragraph:
    """One paragraph as a renderer will write it; lengths in points."""

    runs: Sequence[Run]
    size: float
    indent: float = 0.0
    space_before: float = 0.0
    role: str = "body"

    @property
    def line_height(self) -> float:
        return self.size * LINE_SPACING


@dataclass(frozen=True)
class Box:
    """A text frame: outer width and height and its four insets, in points."""

    width: float
    height: float
    insets: tuple[float, float, float, float] = (0.0, 0.0, 0.0, 0.0)  # left, top, right, bottom

    @property
    def inner_width(self) -> float:
        left, _, right, _ = self.insets
        return self.width - left - right

    @property
    def inner_height(self) -> float:
        _, top, _, bottom = self.insets
        return self.height - top - bottom


Setting = tuple[tuple[str, Path], ...]
"""Runs as they are measured: each run's text and the TrueType file of its face."""


@dataclass
class _Word:
    """A stretch without breaking spaces (it may mix styles), the widths of its parts,
    the font of the space after it, and the line breaks (newlines) in that space."""

    pieces: list[tuple[str, Path]] = field(default_factory=list)
    widths: list[float] = field(default_factory=list)
    space: Path | None = None
    breaks: int = 0

    @property
    def text(self) -> str:
        return "".join(text for text, _ in self.pieces)


def _words(pieces: Setting, size: float) -> list[_Word]:
    words = [_Word()]
    for text, font in pieces:
        for part in _parts(text, font, size):
            if isinstance(part, int):
                words[-1].space = font
                words[-1].breaks = part
                words.append(_Word())
            else:
                words[-1].pieces.append((part[0], font))
                words[-1].widths.append(part[1])
    return [word for word in words if word.pieces]


@lru_cache(maxsize=16384)
def _parts(text: str, font: Path, size: float) -> tuple[tuple[str, float] | int, ...]:
    """One run's words, each with its width at *size*, and for each space between them
    the number of line breaks (newlines) it holds.

    Measured once: a run comes back in every cut of its paragraph that a slide tries.
    """
    return tuple(
        part.count("\n") if part.isspace() else (part, text_width(part, font, size))
        for part in _SPACE.split(text)
        if part
    )


def setting(runs: Sequence[Run], fonts: Fonts) -> Setting:
    """*runs* in their font files, ready to be wrapped at any size and width."""
    return tuple((run.text, fonts.file(run)) for run in runs)


def wrap(runs: Sequence[Run], size: float, width: float, fonts: Fonts) -> list[str]:
    """Greedy word wrap of *runs* at *size* to *width* points; returns the lines' text.

    A word wider than a whole line is broken between characters, as Office does, so a
    long unbreakable word (a URL) takes more lines instead of running out of the box.
    """
    return list(_wrapped(setting(runs, fonts), size, width))


@lru_cache(maxsize=1024)  # each holds a count for every width a column may get
def line_counts(pieces: Setting, size: float, widths: tuple[float, ...]) -> tuple[int, ...]:
    """How many lines :func:`wrap` makes of *pieces* at each of *widths*.

    A table column tried at every width would be wrapped hundreds of times; the text is
    wrapped again only at a width where some decision of the last wrap would change,
    which a handful of wraps covers.
    """
    counts: list[int] = []
    bounds, count = _Bounds(math.inf, -math.inf), 0  # no wrap yet: no width is covered
    for width in widths:
        limit = width * WRAP_SLACK
        if not bounds.low <= limit < bounds.high:
            bounds = _Bounds()
            count = len(_wrap(pieces, size, limit, bounds))
        counts.append(count)
    return tuple(counts)


@lru_cache(maxsize=16384)
def _wrapped(pieces: Setting, size: float, width: float) -> tuple[str, ...]:
    """:func:`wrap` of runs already in their fonts; remembered, as fitting retries widths."""
    return _wrap(pieces, size, width * WRAP_SLACK, _Bounds())


@dataclass
class _Bounds:
    """The limits between which a wrap makes the same decisions, so the same lines: a
    width that fitted the limit is a lower bound, one that did not an upper bound."""

    low: float = -math.inf
    high: float = math.inf

    def fits(self, width: float, limit: float) -> bool:
        """Whether *width* fits within *limit*, kept as a bound."""
        if width <= limit:
            self.low = max(self.low, width)
            return True
        self.high = min(self.high, width)
        return False


def _wrap(pieces: Setting, size: float, limit: float, bounds: _Bounds) -> tuple[str, ...]:
    """The lines of *pieces* at *size* within *limit* points; *bounds* learns from every
    comparison with the limit."""
    lines: list[str] = []
    line, line_width, pending_space = "", 0.0, 0.0
    for word, text, word_width, space_width in _measured(pieces, size):
        if line and bounds.fits(line_width + pending_space + word_width, limit):
            line += " " + text
            line_width += pending_space + word_width
        elif bounds.fits(word_width, limit):
            if line:
                lines.append(line)
            line, line_width = text, word_width
        else:
            if line:
                lines.append(line)
            *full, (line, line_width) = _break_word(word, size, limit, bounds)
            lines.extend(text for text, _ in full)
        pending_space = space_width
        if word.breaks:  # a line break: the line ends here, and a blank line per extra one
            lines += [line] + [""] * (word.breaks - 1)
            line, line_width, pending_space = "", 0.0, 0.0
    if line or not lines:
        lines.append(line)
    return tuple(lines)


@lru_cache(maxsize=4096)
def _measured(pieces: Setting, size: float) -> tuple[tuple[_Word, str, float, float], ...]:
    """Each word of *pieces* with its text, width and following space's width at *size*.

    Measured once per text and size: wrapping the same text at many widths (table
    columns being balanced) then only adds numbers.
    """
    return tuple(
        (
            word,
            word.text,
            sum(word.widths),
            text_width(" ", word.space, size) if word.space else 0.0,
        )
        for word in _words(pieces, size)
    )


def _break_word(word: _Word, size: float, limit: float, bounds: _Bounds) -> list[tuple[str, float]]:
    """Split one over-long word into lines between characters; at least one char a line."""
    pieces: list[tuple[str, float]] = []
    text, used = "", 0.0
    for chunk, font in word.pieces:
        for char in chunk:
            advance = text_width(char, font, size)
            if text and not bounds.fits(used + advance, limit):
                pieces.append((text, used))
                text, used = "", 0.0
            text += char
            used += advance
    pieces.append((text, used))
    return pieces


def paragraph_height(paragraph: Paragraph, width: float, theme: Theme) -> float:
    """The height of one paragraph (its space before included) wrapped to *width*."""
    fonts = Fonts(theme, paragraph.role)
    lines = wrap(paragraph.runs, paragraph.size, width - paragraph.indent, fonts)
    return paragraph.space_before + len(lines) * paragraph.line_height


def height(paragraphs: Sequence[Paragraph], width: float, theme: Theme) -> float:
    """The height in points of *paragraphs* stacked in a frame *width* points wide."""
    return sum(paragraph_height(paragraph, width, theme) for paragraph in paragraphs)


def fits(paragraphs: Sequence[Paragraph], box: Box, theme: Theme) -> bool:
    """Whether *paragraphs* fit inside *box* (insets taken off)."""
    return height(paragraphs, box.inner_width, theme) <= box.inner_height


def sizes(start: float, floor: float) -> Iterator[float]:
    """Candidate type sizes from *start* down to *floor*: 2 pt steps, then 1 pt near the floor."""
    size = start
    while size > floor:
        yield size
        size -= 2 if size - 2 >= floor + 2 else 1
    yield max(size, floor)


def fit(
    layout: Callable[[float], Sequence[Paragraph]],
    box: Box,
    theme: Theme,
    start: float,
    floor: float,
) -> float | None:
    """The largest size from *start* down to *floor* at which ``layout(size)`` fits *box*.

    *layout* builds the paragraphs for a given body size (headings or labels may scale
    with it). Returns None when even the floor does not fit: the caller must split.
    """
    for size in sizes(start, floor):
        if fits(layout(size), box, theme):
            return size
    return None


def pack(count: int, fits_group: Callable[[range], bool]) -> list[range] | None:
    """Cut items ``0..count`` into consecutive groups, each as long as ``fits_group`` allows.

    Items are never cut (a list item or a table row stays whole). Returns None when one
    item does not fit even on its own. Each group is measured once, though the greedy
    cut and the even one ask about many of the same groups.
    """
    fits_group = cache(fits_group)
    groups = _greedy(count, fits_group)
    return None if groups is None else _evened(count, groups, fits_group)


def _greedy(count: int, fits_group: Callable[[range], bool]) -> list[range] | None:
    """Groups as long as ``fits_group`` allows, from the first item on; None when one
    item does not fit even on its own."""
    groups: list[range] = []
    start = 0
    while start < count:
        end = start + 1
        if not fits_group(range(start, end)):
            return None
        while end < count and fits_group(range(start, end + 1)):
            end += 1
        groups.append(range(start, end))
        start = end
    return groups


def _evened(count: int, groups: list[range], fits_group: Callable[[range], bool]) -> list[range]:
    """The greedy *groups*, cut again as evenly as they can be when there are several."""
    return _even(count, groups, fits_group) if len(groups) > 1 else groups


def _even(count: int, greedy: list[range], fits_group: Callable[[range], bool]) -> list[range]:
    """Items cut into as many groups as the *greedy* cut, each fitting, as evenly as they
    can be: seven items on two boxes go 4 + 3, not 6 + 1.

    Group by group, the largest of the groups still to come is made as small as it can
    be, and the next group as full as that allows. Where each group can reach is found
    once for every item, sweeping forward (a group that fits still fits without its
    first item), and the count of groups from each item under each cap is worked out
    from those reaches alone, so a list of 4,000 items costs ten times one of 400, not
    a hundred times.
    """
    reach: list[int] = []  # reach[i]: where the fullest group starting at item i ends
    end = 0
    for start in range(count):
        end = max(end, start + 1)
        while end < count and fits_group(range(start, end + 1)):
            end += 1
        reach.append(end)
    longest = max(map(len, greedy))
    needed: dict[int, list[int]] = {}  # by cap: groups needed from each item on
    for cap in range(1, longest + 1):
        groups = [0] * (count + 1)
        for start in range(count - 1, -1, -1):
            groups[start] = 1 + groups[min(start + cap, reach[start])]
        needed[cap] = groups
    cut: list[range] = []
    start, cap = 0, longest
    for left in range(len(greedy), 0, -1):
        while cap > 1 and needed[cap - 1][start] <= left:
            cap -= 1
        end = min(start + cap, reach[start], count - (left - 1))
        cut.append(range(start, end))
        start = end
    return cut


def flow(
    count: int,
    fits_group: Callable[[float, range], bool],
    start: float,
    floor: float,
) -> tuple[float, list[range]] | None:
    """The size and grouping that need the fewest boxes, at the largest such size.

    Tries every size from *start* to *floor*; one box at the largest size that allows it,
    otherwise as few continuation boxes as the floor needs, set as large as that count
    allows (a split deck need not be set at the floor). None when an item does not fit
    even alone at the floor.
    """
    best: tuple[float, list[range], Callable[[range], bool]] | None = None
    for size in sizes(start, floor):
        fits_at = cache(partial(fits_group, size))
        groups = _greedy(count, fits_at)
        if groups is None:
            continue
        if len(groups) == 1:
            return size, groups
        if best is None or len(groups) < len(best[1]):
            best = size, groups, fits_at
    if best is None:
        return None
    size, groups, fits_at = best  # cut evenly at the chosen size alone: the count is the same
    return size, _evened(count, groups, fits_at)


_UNBREAKABLE = re.compile(r"\s+|(?<=[-/\u2010\u2013])")


def words(text: str) -> list[str]:
    """The stretches of *text* a table column must hold whole: words, though a word may
    end a line after a hyphen or a slash ("do/don't", "well-")."""
    return [word for word in _UNBREAKABLE.split(text) if word]


def at_least(widths: Sequence[int], floors: Sequence[int]) -> list[int] | None:
    """*widths* with each raised to its floor, the width taken from the columns with the
    most to spare, in proportion; the total stays the same. None when the floors alone
    add up to more than the total: then some word must break."""
    total = sum(widths)
    if sum(floors) > total:
        return None
    raised = [max(width, floor) for width, floor in zip(widths, floors, strict=True)]
    owed = sum(raised) - total
    spare = [width - floor for width, floor in zip(raised, floors, strict=True)]
    while owed > 0:
        room = sum(spare)
        taken = [min(s, owed * s // room) for s in spare]
        if not any(taken):  # the last few: one each from the columns with most to spare
            widest = max(range(len(spare)), key=spare.__getitem__)
            taken[widest] = 1
        for column, amount in enumerate(taken):
            raised[column] -= amount
            spare[column] -= amount
        owed -= sum(taken)
    return raised


def sentences(runs: Sequence[Run]) -> list[list[Run]]:
    """*runs* cut between sentences and at line breaks, styles kept. The spaces after a
    sentence are dropped; a line break is kept at the end of its line, for :func:`join`."""
    plain = "".join(run.text for run in runs)
    cuts = [(match.start(), match.end()) for match in _SENTENCE_END.finditer(plain)]
    bounds = [0, *(point for cut in cuts for point in cut), len(plain)]
    result = []
    for begin, end, after in zip(bounds[::2], bounds[1::2], [*bounds[2::2], None], strict=True):
        sentence = _slice(runs, begin, end)
        breaks = plain[end:after].count("\n") if after is not None else 0
        if sentence and breaks:
            sentence.append(replace(sentence[-1], text="\n" * breaks))
        result.append(sentence)
    return [sentence for sentence in result if sentence]


def _slice(runs: Sequence[Run], begin: int, end: int) -> list[Run]:
    """The runs covering characters *begin* to *end* of their joined text."""
    sliced, offset = [], 0
    for run in runs:
        low, high = max(begin, offset), min(end, offset + len(run.text))
        if low < high:
            sliced.append(replace(run, text=run.text[low - offset : high - offset]))
        offset += len(run.text)
    return sliced


def shortened(runs: Sequence[Run], size: float, width: float, fonts: Fonts) -> list[Run]:
    """The longest start of *runs* that fits one line *width* points wide with an ellipsis
    after it (*runs* themselves when they fit): for text that must keep to one line, a
    visible cut reads better than text running out of its box."""
    if len(wrap(runs, size, width, fonts)) == 1:
        return list(runs)
    plain = "".join(run.text for run in runs)

    def cut(end: int) -> list[Run]:
        while end and plain[end - 1] in _TRAILING:
            end -= 1
        return [*_slice(runs, 0, end), Run(ELLIPSIS)]

    low, high = 0, len(plain)  # cut(low) fits; cut(high) does not
    while high - low > 1:
        middle = (low + high) // 2
        if len(wrap(cut(middle), size, width, fonts)) == 1:
            low = middle
        else:
            high = middle
    space = plain.rfind(" ", 0, low + 1)
    return cut(space if space > low // 2 else low)  # whole words, unless few would be left


def join(groups: Sequence[Sequence[Run]], separator: str = " ") -> list[Run]:
    """Runs of several sentences as one paragraph again, with *separator* between them
    (none after a line break); the last line's break is dropped."""
    joined: list[Run] = []
    for index, group in enumerate(groups):
        if index and group and not joined[-1].text.endswith("\n"):
            first = group[0]
            joined.append(Run(separator, first.bold, first.italic))
        joined.extend(group)
    while joined and not joined[-1].text.strip("\n"):
        joined.pop()
    return joined
