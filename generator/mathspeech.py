"""Two plain readings of a MathML formula: spoken words, and one line of Unicode text.

The spoken form is the alt text of an equation's picture and what a screen reader says
("x equals the fraction minus b plus or minus ..."); the linear form stands in for the
equation where only text can go (slide text for viewers without equations, notes,
document properties). Both walk the tree latex2mathml builds.
"""

from __future__ import annotations

import re
import unicodedata
from xml.etree import ElementTree as ET

MATHML = "{http://www.w3.org/1998/Math/MathML}"
LANGUAGE = "en"  # the language of the spoken form's words, whatever the lesson's

_OPERATOR_WORDS = {
    "=": "equals",
    "+": "plus",
    "−": "minus",
    "-": "minus",
    "±": "plus or minus",
    "∓": "minus or plus",
    "×": "times",
    "·": "times",
    "⋅": "times",
    "∗": "times",
    "/": "over",
    "÷": "divided by",
    "<": "is less than",
    ">": "is greater than",
    "≤": "is less than or equal to",
    "≥": "is greater than or equal to",
    "≠": "is not equal to",
    "≈": "is approximately",
    "∝": "is proportional to",
    "→": "goes to",
    "⟶": "goes to",
    "⇌": "is in equilibrium with",
    "⇒": "implies",
    "∞": "infinity",
    "∑": "the sum",
    "∏": "the product",
    "∫": "the integral",
    "∮": "the contour integral",
    "∂": "partial",
    "∇": "del",
    "∈": "is in",
    "′": "prime",
    "°": "degrees",
    "(": "open bracket",
    ")": "close bracket",
    "[": "open bracket",
    "]": "close bracket",
    "|": "absolute value",
    ",": ",",
    "!": "factorial",
    "%": "percent",
    "&": "",
}
_ACCENT_WORDS = {"→": "vector", "⃗": "vector", "^": "hat", "̂": "hat", "¯": "bar", "‾": "bar"}
_LARGE = {"∑", "∏", "∫", "∮"}
_SUPERSCRIPTS = str.maketrans("0123456789+-−=()ni", "⁰¹²³⁴⁵⁶⁷⁸⁹⁺⁻⁻⁼⁽⁾ⁿⁱ")
_SUBSCRIPTS = str.maketrans("0123456789+-−=()", "₀₁₂₃₄₅₆₇₈₉₊₋₋₌₍₎")
_SPACES = re.compile(r"\s+")


def tag(element: ET.Element) -> str:
    """The element's MathML name without its namespace."""
    return element.tag.removeprefix(MATHML)


def spoken(root: ET.Element) -> str:
    """The formula in words."""
    return _SPACES.sub(" ", " ".join(_say(root))).replace(" ,", ",").strip()


def _say(element: ET.Element) -> list[str]:
    name = tag(element)
    parts = list(element)
    if name in ("mi", "mn", "mtext", "mo"):
        text = (element.text or "").strip()
        return [_OPERATOR_WORDS.get(text, _say_token(text))]
    if name == "mfrac":
        over = [*_say(parts[0]), "over", *_say(parts[1])]
        return over if len(over) == 3 else ["the fraction", *over, "end fraction"]
    if name == "msqrt":
        return ["the square root of", *_children(element), "end root"]
    if name == "mroot":
        return ["the", *_say(parts[1]), "th root of", *_say(parts[0]), "end root"]
    if name in ("msub", "munder"):
        return [*_say(parts[0]), "sub" if name == "msub" else "under", *_say(parts[1])]
    if name == "mover" and _accent(parts[1]):
        return [_ACCENT_WORDS[_accent(parts[1])], *_say(parts[0])]
    if name == "msup":
        return [*_say(parts[0]), *_power(parts[1])]
    if name == "mover":
        return [*_say(parts[0]), "with", *_say(parts[1]), "above"]
    if name in ("msubsup", "munderover"):
        base = _say(parts[0])
        if (parts[0].text or "").strip() in _LARGE:
            return [*base, "from", *_say(parts[1]), "to", *_say(parts[2]), "of"]
        return [*base, "sub", *_say(parts[1]), *_power(parts[2])]
    if name == "mtable":
        return ["; ".join(" ".join(_say(row)) for row in parts)]
    if name == "mspace" and element.get("linebreak") == "newline":
        return [";"]
    return _children(element)


def _children(element: ET.Element) -> list[str]:
    return [word for child in element for word in _say(child)]


def _power(exponent: ET.Element) -> list[str]:
    text = "".join(exponent.itertext()).strip()
    if text == "2":
        return ["squared"]
    if text == "3":
        return ["cubed"]
    return ["to the power", *_say(exponent)]


def _accent(mark: ET.Element) -> str | None:
    text = "".join(mark.itertext()).strip()
    return text if tag(mark) == "mo" and text in _ACCENT_WORDS else None


def _say_token(text: str) -> str:
    if len(text) == 1 and unicodedata.category(text).startswith("L") and not text.isascii():
        name = unicodedata.name(text, "")
        if name.startswith("GREEK"):
            word = name.split()[-1].lower()
            return word.capitalize() if "CAPITAL" in name else word
    return text


def linear(root: ET.Element) -> str:
    """The formula on one line of Unicode text."""
    return _SPACES.sub(" ", _line(root)).strip()


def _line(element: ET.Element) -> str:
    name = tag(element)
    parts = list(element)
    if name == "mtext":
        return element.text or ""
    if name in ("mi", "mn", "mo"):
        text = (element.text or "").strip()
        if text in ("=", "+", "−", "±", "×", "→", "<", ">", "≤", "≥", "≈", "≠", "⇌"):
            return f" {text} "
        return "" if text == "&" else text
    if name == "mfrac":
        return f"{_grouped(parts[0])}/{_grouped(parts[1])}"
    if name == "msqrt":
        inner = "".join(_line(child) for child in parts).strip()
        return f"√{inner}" if len(inner) <= 1 or inner.isalnum() else f"√({inner})"
    if name == "mroot":
        return f"{_script(parts[1], _SUPERSCRIPTS, '^')}√{_grouped(parts[0])}"
    if name in ("msub", "munder"):
        return _line(parts[0]) + _script(parts[1], _SUBSCRIPTS, "_")
    if name == "msup":
        return _line(parts[0]) + _script(parts[1], _SUPERSCRIPTS, "^")
    if name == "mover":
        mark = _accent(parts[1])
        if mark:
            return _line(parts[0]) + {"→": "⃗", "^": "̂", "¯": "̅"}.get(mark, mark)
        return f"{_line(parts[0])}({_line(parts[1])})"
    if name in ("msubsup", "munderover"):
        return (
            _line(parts[0])
            + _script(parts[1], _SUBSCRIPTS, "_")
            + _script(parts[2], _SUPERSCRIPTS, "^")
        )
    if name == "mtable":
        return "; ".join(_line(row) for row in parts)
    if name == "mtd":
        return "".join(_line(child) for child in parts) + " "
    if name == "mspace":
        return "; " if element.get("linebreak") == "newline" else " "
    return "".join(_line(child) for child in parts)


def _grouped(element: ET.Element) -> str:
    text = _line(element).strip()
    return text if len(text) <= 1 or text.isalnum() else f"({text})"


def _script(element: ET.Element, table: dict[int, str], marker: str) -> str:
    text = _line(element).strip()
    raised = text.translate(table)
    if all(char != plain for char, plain in zip(raised, text, strict=True)):
        return raised
    return f"{marker}({text})"
