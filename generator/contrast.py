"""WCAG 2.1 contrast between two colours, so that no text is set where it cannot be read."""

from __future__ import annotations

from dataclasses import dataclass

AA_TEXT = 4.5  # WCAG AA for body text
AA_LARGE = 3.0  # WCAG AA for large text (18 pt, or 14 pt bold) and for graphics such as bullets


def luminance(colour: str) -> float:
    """The relative luminance of a six-digit hex colour (0 black to 1 white)."""

    def channel(value: int) -> float:
        c = value / 255
        return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = (int(colour[i : i + 2], 16) for i in (0, 2, 4))
    return 0.2126 * channel(r) + 0.7152 * channel(g) + 0.0722 * channel(b)


def ratio(first: str, second: str) -> float:
    """The contrast ratio of two hex colours, from 1 (none) to 21 (black on white)."""
    high, low = sorted((luminance(first), luminance(second)), reverse=True)
    return (high + 0.05) / (low + 0.05)


FILLS = (
    "background",
    "light",
    *(f"callouts.{kind}" for kind in ("note", "tip", "warning", "example")),
)

# Every text/background pair a theme's palette produces in the three outputs: the text
# colour's key, the fills it is set on, the least ratio it needs, and what it colours.
PAIRS: tuple[tuple[str, tuple[str, ...], float, str], ...] = (
    ("text", FILLS, AA_TEXT, "body text, in boxes and table rows too"),
    ("primary", FILLS, AA_TEXT, "headings, list numbers and block titles"),
    ("accent_text", FILLS, AA_TEXT, "links, subtitles, labels and bullets"),
    ("muted", ("background",), AA_TEXT, "footers, captions and metadata"),
    ("on_primary", ("primary",), AA_TEXT, "table header text and title bars"),
)


@dataclass(frozen=True)
class Shortfall:
    """A text colour that does not read on a background it is set on."""

    text_key: str
    fill_key: str
    text: str
    fill: str
    ratio: float
    needed: float
    uses: str
    group: str = "palette"  # the theme key both colours are under

    def __str__(self) -> str:
        return (
            f"{self.group}.{self.text_key} {self.text} on {self.group}.{self.fill_key}"
            f" {self.fill} is"
            f" {self.ratio:.2f}:1, under WCAG AA's {self.needed:g}:1 ({self.uses});"
            f" choose a darker {self.text_key} or a lighter {self.fill_key}"
        )


def shortfalls(colours: dict[str, str]) -> list[Shortfall]:
    """The pairs of *colours* (palette keys, callouts as ``callouts.kind``) under AA."""
    found = []
    for text_key, fills, needed, uses in PAIRS:
        for fill_key in fills:
            if text_key in colours and fill_key in colours:
                value = ratio(colours[text_key], colours[fill_key])
                if value < needed:
                    found.append(
                        Shortfall(
                            text_key,
                            fill_key,
                            colours[text_key],
                            colours[fill_key],
                            value,
                            needed,
                            uses,
                        )
                    )
    return found
