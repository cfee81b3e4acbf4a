"""MathML to OMML, Office's own equation markup, which Word and PowerPoint edit natively.

The mapping is small and element by element: ``mfrac`` is a fraction ``m:f``, ``msup``
``m:sSup``, ``msqrt``/``mroot`` a radical ``m:rad``, a scripted sum or integral an n-ary
``m:nary`` over the terms after it, ``mtable`` a matrix ``m:m``, a fenced row ``m:d``,
an accent ``m:acc``, lines broken by ``\\\\`` an equation array ``m:eqArr``, and every
token an ``m:r`` run. Each run carries the host format's own run properties (Word's
``w:rPr``, PowerPoint's ``a:rPr``) so it shows in the math font.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from xml.etree import ElementTree as ET
from xml.sax.saxutils import escape, quoteattr

from .mathspeech import tag

OMML_NAMESPACE = "http://schemas.openxmlformats.org/officeDocument/2006/math"
LARGE_OPERATORS = {"∑", "∏", "∐", "∫", "∬", "∭", "∮", "⋃", "⋂"}
RELATIONS = {"=", "<", ">", "≤", "≥", "≈", "≠", "≡", "→", "⇌"}
ACCENTS = {"→": "⃗", "⃗": "⃗", "^": "̂", "ˆ": "̂", "¯": "̅", "‾": "̅", "˙": "̇", "~": "̃", "˜": "̃"}
TRANSPARENT = {"math", "mrow", "mstyle", "mpadded", "semantics", "mtd"}
UPRIGHT = '<m:rPr><m:sty m:val="p"/></m:rPr>'
# Normal text: words (\text{}) and upright letters (\mathrm{}). LibreOffice ignores the
# upright style on letters and reads words such as "and" as its own operators, but it
# keeps normal text as it is.
TEXT = "<m:rPr><m:nor/></m:rPr>"
THIN_SPACE = "\u2009"
EM_SPACE = "\u2003"


def inline(root: ET.Element, run_props: str = "", namespaces: str = "") -> str:
    """An ``m:oMath`` element: an equation inside a line of text. *namespaces* declares
    the prefixes *run_props* uses."""
    return f'<m:oMath xmlns:m="{OMML_NAMESPACE}" {namespaces}>{convert(root, run_props)}</m:oMath>'


def display(root: ET.Element, run_props: str = "", namespaces: str = "") -> str:
    """An ``m:oMathPara`` element: an equation on a line of its own, centred."""
    return (
        f'<m:oMathPara xmlns:m="{OMML_NAMESPACE}" {namespaces}><m:oMathParaPr>'
        f'<m:jc m:val="center"/></m:oMathParaPr><m:oMath>{convert(root, run_props)}</m:oMath>'
        "</m:oMathPara>"
    )


def convert(root: ET.Element, run_props: str = "") -> str:
    """The OMML content (the inside of ``m:oMath``) of the MathML tree *root*."""
    return _Writer(run_props).element(root)


class _Writer:
    def __init__(self, run_props: str) -> None:
        self.run_props = run_props
        self.writers: dict[str, Callable[[ET.Element], str]] = {
            "mi": self.identifier,
            "mn": lambda node: self.run(node.text or "", UPRIGHT),
            "mo": lambda node: self.run(node.text or "", UPRIGHT),
            "mtext": lambda node: self.run(node.text or "", TEXT),
            "mspace": self.space,
            "mfrac": self.fraction,
            "msup": lambda node: self.scripts("m:sSup", node, ("m:e", "m:sup")),
            "msub": self.subscript,
            "msubsup": lambda node: self.scripts("m:sSubSup", node, ("m:e", "m:sub", "m:sup")),
            "msqrt": lambda node: (
                '<m:rad><m:radPr><m:degHide m:val="1"/></m:radPr><m:deg/>'
                f"<m:e>{self.row(list(node))}</m:e></m:rad>"
            ),
            "mroot": lambda node: (
                f"<m:rad><m:deg>{self.element(node[1])}</m:deg>"
                f"<m:e>{self.element(node[0])}</m:e></m:rad>"
            ),
            "mover": self.over,
            "munder": lambda node: self.scripts("m:limLow", node, ("m:e", "m:lim")),
            "munderover": lambda node: (
                f"<m:limUpp><m:e>{self.scripts('m:limLow', node, ('m:e', 'm:lim'))}</m:e>"
                f"<m:lim>{self.element(node[2])}</m:lim></m:limUpp>"
            ),
            "mtable": self.matrix,
            "menclose": lambda node: (
                f"<m:borderBox><m:e>{self.row(list(node))}</m:e></m:borderBox>"
            ),
            "mphantom": lambda node: "",
        }

    def element(self, node: ET.Element) -> str:
        name = tag(node)
        if name in TRANSPARENT:
            return self.row(list(node))
        writer = self.writers.get(name)
        return writer(node) if writer else self.row(list(node))

    def row(self, nodes: Sequence[ET.Element]) -> str:
        """A sequence of siblings: fences, equation arrays, n-ary operators and function
        names take in their neighbours, so a row is read left to right, not node by node."""
        if any(tag(n) == "mspace" and n.get("linebreak") == "newline" for n in nodes):
            return self.equation_array(nodes)
        out: list[str] = []
        index = 0
        while index < len(nodes):
            node = nodes[index]
            close = _closing_fence(nodes, index)
            if close is not None:
                out.append(self.delimiter(nodes[index], nodes[index + 1 : close], nodes[close]))
                index = close + 1
            elif _large_operator(node) and (tag(node) != "mo" or index + 1 < len(nodes)):
                end = index + 1
                while end < len(nodes) and _text(nodes[end]) not in RELATIONS:
                    end += 1
                out.append(self.nary(node, nodes[index + 1 : end]))
                index = end
            elif _function_name(node) and index + 1 < len(nodes):
                out.append(
                    f"<m:func><m:fName>{self.element(node)}</m:fName>"
                    f"<m:e>{self.element(nodes[index + 1])}</m:e></m:func>"
                )
                index += 2
            else:
                out.append(self.element(node))
                index += 1
        return "".join(out)

    def run(self, text: str, style: str = "") -> str:
        return f'<m:r>{style}{self.run_props}<m:t xml:space="preserve">{escape(text)}</m:t></m:r>'

    def identifier(self, node: ET.Element) -> str:
        """A letter is italic, OMML's default; one set upright (\\mathrm) is normal text; a
        name (sin, lim) or a non-letter is upright."""
        text = node.text or ""
        letter = len(text) == 1 and text.isalpha()
        if node.get("mathvariant") == "bold":
            return self.run(text, '<m:rPr><m:sty m:val="b"/></m:rPr>')
        if letter and node.get("mathvariant") == "normal":
            return self.run(text, TEXT)
        return self.run(text, "" if letter else UPRIGHT)

    def space(self, node: ET.Element) -> str:
        """A space of the width asked for, as the nearest Unicode space (\\quad: an em)."""
        width = node.get("width", "")
        if not width or width.startswith(("-", "negative")):
            return ""
        wide = width.endswith("em") and float(width[:-2] or 0) >= 1
        return self.run(EM_SPACE if wide else THIN_SPACE, UPRIGHT)

    def fraction(self, node: ET.Element) -> str:
        bar = '<m:fPr><m:type m:val="noBar"/></m:fPr>' if node.get("linethickness") == "0" else ""
        return (
            f"<m:f>{bar}<m:num>{self.element(node[0])}</m:num>"
            f"<m:den>{self.element(node[1])}</m:den></m:f>"
        )

    def scripts(self, name: str, node: ET.Element, parts: Sequence[str]) -> str:
        inner = "".join(
            f"<{part}>{self.element(child)}</{part}>"
            for part, child in zip(parts, node, strict=False)
        )
        return f"<{name}>{inner}</{name}>"

    def subscript(self, node: ET.Element) -> str:
        """``x_i`` is a subscript; ``\\lim_{x \\to 0}`` a limit written under its name."""
        base = node[0]
        if tag(base) == "mo" and len(_text(base)) > 1:
            return self.scripts("m:limLow", node, ("m:e", "m:lim"))
        return self.scripts("m:sSub", node, ("m:e", "m:sub"))

    def over(self, node: ET.Element) -> str:
        """An accent (``\\vec``, ``\\hat``, ``\\bar``) or something written above its base
        (the label of ``\\xrightarrow``)."""
        mark = _text(node[1])
        if tag(node[1]) == "mo" and mark in ACCENTS:
            return (
                f"<m:acc><m:accPr><m:chr m:val={quoteattr(ACCENTS[mark])}/></m:accPr>"
                f"<m:e>{self.element(node[0])}</m:e></m:acc>"
            )
        return self.scripts("m:limUpp", node, ("m:e", "m:lim"))

    def nary(self, operator: ET.Element, body: Sequence[ET.Element]) -> str:
        """A sum, product or integral with its bounds, over the terms that follow it."""
        name = tag(operator)
        scripts = list(operator)[1:] if name != "mo" else []
        symbol = _text(operator[0] if name != "mo" else operator)
        lower = scripts[0] if name in ("msub", "munder", "msubsup", "munderover") else None
        upper = scripts[-1] if name in ("msup", "mover", "msubsup", "munderover") else None
        place = "subSup" if symbol in ("∫", "∬", "∭", "∮") else "undOvr"
        hidden = "".join(
            f'<m:{part}Hide m:val="1"/>'
            for part, given in (("sub", lower), ("sup", upper))
            if given is None
        )
        return (
            f"<m:nary><m:naryPr><m:chr m:val={quoteattr(symbol)}/>"
            f'<m:limLoc m:val="{place}"/>{hidden}</m:naryPr>'
            f"<m:sub>{self.element(lower) if lower is not None else ''}</m:sub>"
            f"<m:sup>{self.element(upper) if upper is not None else ''}</m:sup>"
            f"<m:e>{self.row(body)}</m:e></m:nary>"
        )

    def delimiter(
        self, opening: ET.Element, inside: Sequence[ET.Element], closing: ET.Element
    ) -> str:
        """``\\left( ... \\right)`` or a bracketed matrix: a delimiter ``m:d`` that grows
        with its content."""
        return (
            f"<m:d><m:dPr><m:begChr m:val={quoteattr(_text(opening))}/>"
            f"<m:endChr m:val={quoteattr(_text(closing))}/></m:dPr>"
            f"<m:e>{self.row(inside)}</m:e></m:d>"
        )

    def matrix(self, node: ET.Element) -> str:
        columns = max((len(row) for row in node), default=1)
        rows = "".join(
            "<m:mr>" + "".join(f"<m:e>{self.element(cell)}</m:e>" for cell in row) + "</m:mr>"
            for row in node
        )
        return (
            f'<m:m><m:mPr><m:mcs><m:mc><m:mcPr><m:count m:val="{columns}"/>'
            f'<m:mcJc m:val="center"/></m:mcPr></m:mc></m:mcs></m:mPr>{rows}</m:m>'
        )

    def equation_array(self, nodes: Sequence[ET.Element]) -> str:
        """Lines broken by ``\\\\`` (``aligned``): one ``m:e`` a line, centred. The ``&``
        alignment points are left out: LibreOffice reads OMML's '&' as a logical 'and'."""
        lines: list[list[ET.Element]] = [[]]
        for node in nodes:
            if tag(node) == "mspace" and node.get("linebreak") == "newline":
                lines.append([])
            elif _text(node) != "&":
                lines[-1].append(node)
        return (
            "<m:eqArr>" + "".join(f"<m:e>{self.row(line)}</m:e>" for line in lines) + "</m:eqArr>"
        )


def _text(node: ET.Element) -> str:
    return "".join(node.itertext()).strip()


def _closing_fence(nodes: Sequence[ET.Element], index: int) -> int | None:
    """Where the fence opened at *index* closes: a ``\\left``/``\\right`` pair at this
    level, or brackets right around a matrix; None when no fence opens there."""
    node = nodes[index]
    if tag(node) != "mo":
        return None
    if node.get("fence") == "true" and node.get("form") == "prefix":
        depth = 0
        for position in range(index, len(nodes)):
            other = nodes[position]
            if tag(other) == "mo" and other.get("fence") == "true":
                depth += 1 if other.get("form") == "prefix" else -1
                if depth == 0:
                    return position
        return None
    around_table = index + 2 < len(nodes) and tag(nodes[index + 1]) == "mtable"
    if around_table and tag(nodes[index + 2]) == "mo" and _text(node) in "([{|‖⟨":
        return index + 2
    return None


def _function_name(node: ET.Element) -> bool:
    """A named operator with something under it (``\\lim_{x \\to 0}``)."""
    name = tag(node)
    base = node[0] if name in ("msub", "munder") and len(node) else None
    return base is not None and tag(base) == "mo" and len(_text(base)) > 1


def _large_operator(node: ET.Element) -> bool:
    name = tag(node)
    if name == "mo":
        return _text(node) in LARGE_OPERATORS
    scripted = name in ("msub", "msup", "msubsup", "munder", "mover", "munderover")
    return scripted and tag(node[0]) == "mo" and _text(node[0]) in LARGE_OPERATORS
