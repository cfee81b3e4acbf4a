"""Two plain readings of a MathML formula: spoken words, and one line of Unicode text.

The spoken form is the alt text of an equation's picture and what a screen reader says
("x equals the fraction minus b plus or minus ..."); the linear form stands in for the
equation where only text can go (slide text for viewers without equations, notes,
document properties). Both walk the tree latex2mathml builds.

The words are data, one file per language in ``speech/``: a German lesson's formulas
are read in German, so a screen reader speaking German says them in words it knows.
A language without a file is read in English, and the outputs mark those words English.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from pathlib import Path
from typing import NamedTuple
from xml.etree import ElementTree as ET

import yaml

from .languages import text_tags

MATHML = "{http://www.w3.org/1998/Math/MathML}"
WORDS = Path(__file__).parent / "speech"
FALLBACK = "en"  # the language formulas are read in when Lectern has no words for the lesson's

_ACCENTS = {"→": "vector", "⃗": "vector", "^": "hat", "̂": "hat", "¯": "bar", "‾": "bar"}
_LARGE = {"∑", "∏", "∫", "∮"}
_GREEK_WORDS = {"GREEK", "SMALL", "CAPITAL", "LETTER", "SYMBOL", "LUNATE", "FINAL"}
_TOKENS = {"mi", "mn", "mtext", "mo"}
_SUPERSCRIPTS = str.maketrans("0123456789+-−=()ni", "⁰¹²³⁴⁵⁶⁷⁸⁹⁺⁻⁻⁼⁽⁾ⁿⁱ")
_SUBSCRIPTS = str.maketrans("0123456789+-−=()", "₀₁₂₃₄₅₆₇₈₉₊₋₋₌₍₎")
_SPACES = re.compile(r"\s+")
_TAG = re.compile(r"[a-z]{2,3}(?:-[a-z0-9]{1,8})*")


class Speech(NamedTuple):
    """A formula in words, and the language tag of those words."""

    text: str
    language: str


class Words(NamedTuple):
    """How formulas are said in one language, as its ``speech/LANG.yaml`` lists it."""

    symbols: dict[str, str]
    letters: dict[str, str]
    accents: dict[str, str]
    phrases: dict[str, str]

    def say(self, phrase: str, **parts: str) -> str:
        return self.phrases[phrase].format(**parts)


def tag(element: ET.Element) -> str:
    """The element's MathML name without its namespace."""
    return element.tag.removeprefix(MATHML)


def spoken(root: ET.Element, language: str = FALLBACK) -> Speech:
    """The formula in words of *language* (a tag: de-AT is read in German), or in English
    where Lectern has no words for it."""
    found = words_for(language)
    if found is None:
        language, found = FALLBACK, words_for(FALLBACK)
        assert found is not None  # shipped
    text = _SPACES.sub(" ", " ".join(_say(root, found))).replace(" ,", ",").strip()
    return Speech(text, language)


@functools.cache
def words_for(language: str) -> Words | None:
    """The words for *language*: its most specific file (``zh-hant.yaml`` for zh-TW, and
    ``de.yaml`` for de-AT); None if Lectern has none."""
    for tag in reversed(text_tags(language)):
        path = WORDS / f"{tag}.yaml"
        if _TAG.fullmatch(tag) and path.is_file():
            data = yaml.safe_load(path.read_text(encoding="utf-8"))
            return Words(data["symbols"], data["letters"], data["accents"], data["phrases"])
    return None


def _say(element: ET.Element, words: Words) -> list[str]:
    """The element's words, one item per symbol or construction."""
    name = tag(element)
    parts = list(element)

    def said(part: ET.Element) -> str:
        return " ".join(_say(part, words))

    if name in _TOKENS:
        text = (element.text or "").strip()
        return [words.symbols.get(text, _say_token(text, words))]
    if name == "mfrac":
        numerator, denominator = said(parts[0]), said(parts[1])
        short = _is_token(parts[0]) and _is_token(parts[1])
        phrase = "fraction" if short else "long_fraction"
        return [words.say(phrase, numerator=numerator, denominator=denominator)]
    if name == "msqrt":
        return [words.say("square_root", radicand=" ".join(_children(element, words)))]
    if name == "mroot":
        return [words.say("root", radicand=said(parts[0]), index=said(parts[1]))]
    if name in ("msub", "munder"):
        phrase = "subscript" if name == "msub" else "under"
        return [words.say(phrase, base=said(parts[0]), index=said(parts[1]))]
    if name == "mover" and _accent(parts[1]):
        return [words.accents[_ACCENTS[_accent(parts[1])]].format(base=said(parts[0]))]
    if name == "msup":
        return [_power(said(parts[0]), parts[1], words)]
    if name == "mover":
        return [words.say("over", base=said(parts[0]), mark=said(parts[1]))]
    if name in ("msubsup", "munderover"):
        base = said(parts[0])
        if (parts[0].text or "").strip() in _LARGE:
            lower, upper = said(parts[1]), said(parts[2])
            return [words.say("bounds", operator=base, lower=lower, upper=upper)]
        return [_power(words.say("subscript", base=base, index=said(parts[1])), parts[2], words)]
    if name == "mtable":
        return ["; ".join(said(row) for row in parts)]
    if name == "mspace" and element.get("linebreak") == "newline":
        return [";"]
    return _children(element, words)


def _children(element: ET.Element, words: Words) -> list[str]:
    return [word for child in element for word in _say(child, words)]


def _is_token(element: ET.Element) -> bool:
    """Whether *element* is one letter, number or symbol (perhaps in a group of its own)."""
    if tag(element) in _TOKENS:
        return True
    return tag(element) == "mrow" and len(element) == 1 and _is_token(element[0])


def _power(base: str, exponent: ET.Element, words: Words) -> str:
    text = "".join(exponent.itertext()).strip()
    if text == "2":
        return words.say("squared", base=base)
    if text == "3":
        return words.say("cubed", base=base)
    return words.say("power", base=base, exponent=" ".join(_say(exponent, words)))


def _accent(mark: ET.Element) -> str | None:
    text = "".join(mark.itertext()).strip()
    return text if tag(mark) == "mo" and text in _ACCENTS else None


def _say_token(text: str, words: Words) -> str:
    """A letter or number as it is written; a Greek letter by its name in *words*. The
    letter's name is read off its Unicode name, whatever else that says: ϕ (\\phi) is
    GREEK PHI SYMBOL, ϵ (\\epsilon) GREEK LUNATE EPSILON SYMBOL."""
    if len(text) == 1 and unicodedata.category(text).startswith("L") and not text.isascii():
        name = unicodedata.name(text, "").split()
        if name[:1] == ["GREEK"]:
            letter = next((part for part in name if part not in _GREEK_WORDS), "").lower()
            word = words.letters.get(letter, letter)
            return word[:1].upper() + word[1:] if "CAPITAL" in name else word
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
