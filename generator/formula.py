"""A formula written in LaTeX, read once into MathML, with what every output needs.

latex2mathml does the reading. It is lenient: an unknown command becomes an identifier
spelt with its backslash and a stray brace becomes a character, so the formula is also
checked here, and anything it would print wrongly is refused with the reason in the
author's words (:class:`FormulaError`). Formulas are cached by their source: a lesson
repeats its symbols, and every renderer asks for the same ones.

latex2mathml is imported by the first formula read: the model imports this module, and
latex2mathml (with the package metadata and the URL and SSL modules it pulls in) would
otherwise cost every lesson, equations or not, about 60 ms before the build starts.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from xml.etree import ElementTree as ET

from . import mathspeech
from .errors import quoted

MATHML = "{http://www.w3.org/1998/Math/MathML}"

_REASONS = {  # latex2mathml.exceptions, by name
    "NoAvailableTokensError": "a command is missing its argument",
    "MissingSuperScriptOrSubscriptError": "'^' or '_' needs something after it",
    "DoubleSuperscriptsError": "two superscripts on one base; group one in braces",
    "DoubleSubscriptsError": "two subscripts on one base; group one in braces",
    "ExtraLeftOrMissingRightError": "\\left and \\right do not pair up",
    "MissingEndError": "a \\begin{...} has no \\end{...}",
    "NumeratorNotFoundError": "\\frac needs a numerator: \\frac{a}{b}",
    "DenominatorNotFoundError": "\\frac needs a denominator: \\frac{a}{b}",
    "InvalidAlignmentError": "an unknown column alignment in an array",
    "LimitsMustFollowMathOperatorError": "\\limits must follow an operator like \\sum",
}
_BARE_AMPERSAND = re.compile(r"&(?!#?\w+;)")  # an alignment '&' is written unescaped
_TWO_ARGUMENTS = {"mfrac": "\\frac", "mroot": "\\sqrt[n]"}
MAX_NESTING = 6
"""How deep fractions, roots, scripts and \\left...\\right pairs may sit inside each
other. Laying a formula out takes twice as long for each level (a second at eight, a
build that never ends at sixteen), while a classroom formula seldom goes past four."""
_TOO_DEEP = (
    f"fractions, roots, powers or brackets sit more than {MAX_NESTING} deep inside each"
    " other; split the formula, or name a part and write it on its own"
)
_NESTED = {"mfrac", "msqrt", "mroot", "msub", "msup", "msubsup", "munder", "mover", "munderover"}


class FormulaError(ValueError):
    """The LaTeX cannot be read; ``reason`` says why, in the author's words."""

    def __init__(self, tex: str, reason: str) -> None:
        super().__init__(f"cannot read the formula '{quoted(tex, 80)}': {reason}")
        self.tex = tex
        self.reason = reason


@dataclass(frozen=True)
class Formula:
    """One formula: its source, its MathML tree, and two readings of it."""

    tex: str
    mathml: ET.Element
    text: str
    """A one-line Unicode rendering ("a = F/m", "H₂O") for plain-text places."""

    @property
    def spoken(self) -> str:
        """How a screen reader says it in English ("F equals m times a")."""
        return self.spoken_in(mathspeech.FALLBACK).text

    def spoken_in(self, language: str) -> mathspeech.Speech:
        """How a screen reader says it in *language*, or in English (and so marked) where
        Lectern has no words for that language."""
        return _spoken(self.tex, language)


@lru_cache(maxsize=2048)
def _spoken(tex: str, language: str) -> mathspeech.Speech:
    return mathspeech.spoken(read_formula(tex).mathml, language)


@lru_cache(maxsize=2048)
def read_formula(tex: str) -> Formula:
    """The formula written as *tex*; raises :class:`FormulaError` when it cannot be read."""
    source = tex.strip()
    if not source:
        raise FormulaError(tex, "it is empty; write the formula between the dollars")
    _check_braces(source)
    from latex2mathml.converter import convert

    try:
        markup = convert(source)
    except RecursionError:  # hundreds of levels: the reader itself gives up
        raise FormulaError(tex, _TOO_DEEP) from None
    except Exception as error:  # latex2mathml's errors share no base class but Exception
        name = type(error).__name__
        reason = _REASONS.get(name, f"LaTeX this tool cannot read ({name})")
        raise FormulaError(tex, reason) from None
    root = ET.fromstring(well_formed(markup))
    _check_tree(source, root)
    return Formula(tex, root, mathspeech.linear(root))


def well_formed(markup: str) -> str:
    """*markup* from latex2mathml made well-formed XML: it writes an ampersand outside
    an alignment (``a & b``, ``\\text{R&D}``) bare, which an XML parser refuses."""
    return _BARE_AMPERSAND.sub("&amp;", markup)


def _nesting(root: ET.Element) -> int:
    """The deepest nesting of layouts (fractions, roots, scripts, stretched brackets) in a
    formula's tree, counted without recursion: a formula may nest hundreds deep."""
    deepest = 0
    stack = [(root, 0)]
    while stack:
        element, depth = stack.pop()
        tag = element.tag.removeprefix(MATHML)
        fenced = tag == "mrow" and len(element) > 0 and element[0].get("fence") == "true"
        depth += tag in _NESTED or fenced
        deepest = max(deepest, depth)
        stack.extend((child, depth) for child in element)
    return deepest


def _check_braces(tex: str) -> None:
    depth = 0
    escaped = False
    for char in tex:
        if escaped:
            escaped = False
        elif char == "\\":
            escaped = True
        elif char == "{":
            depth += 1
        elif char == "}":
            depth -= 1
            if depth < 0:
                raise FormulaError(tex, "a closing brace '}' has no opening one")
    if depth:
        raise FormulaError(tex, "missing closing brace")


def _check_tree(tex: str, root: ET.Element) -> None:
    if _nesting(root) > MAX_NESTING:
        raise FormulaError(tex, _TOO_DEEP)
    for element in root.iter():
        text = (element.text or "").strip()
        if text.startswith("\\") and len(text) > 1:
            raise FormulaError(tex, f"unknown command '{text}'; check its spelling")
        tag = element.tag.removeprefix(MATHML)
        if tag in _TWO_ARGUMENTS and len(element) != 2:
            raise FormulaError(tex, f"{_TWO_ARGUMENTS[tag]} needs two arguments in braces")
