"""WCAG 2.1 contrast between two colours, so that no text is set where it cannot be read."""

from __future__ import annotations

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
