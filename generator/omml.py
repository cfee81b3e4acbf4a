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
THIN_SPACE = "\u2009"


def inline(root: ET.Element, run_props: str = "") -> str:
    """An ``m:oMath`` element: an equation inside a line of text."""
    return f'<m:oMath xmlns:m="{OMML_NAMESPACE}">{convert(root, run_props)}</m:oMath>'


def display(root: ET.Element, run_props: str = "") -> str:
    """An ``m:oMathPara`` element: an equation on a line of its own, centred."""
    return (
        f'<m:oMathPara xmlns:m="{OMML_NAMESPACE}"><m:oMathParaPr><m:jc m:val="center"/>'
        f"</m:oMathParaPr><m:oMath>{convert(root, run_props)}</m:oMath></m:oMathPara>"
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
            "mtext": lambda node: self.run(node.text or "", UPRIGHT),
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
        """A sequence of siblings: fences, equation arrays and n-ary operators take in
        their neighbours, so a row is read left to right rather than node by node."""
        if any(tag(n) == "mspace" and n.get("linebreak") == "newline" for n in nodes):
            return self.equation_array(nodes)
        fenced = self.fence(nodes)
        if fenced is not None:
            return fenced
        out: list[str] = []
        index = 0
        while index < len(nodes):
            node = nodes[index]
            if _large_operator(node):
                end = index + 1
                while end < len(nodes) and _text(nodes[end]) not in RELATIONS:
                    end += 1
                out.append(self.nary(node, nodes[index + 1 : end]))
                index = end
            else:
                out.append(self.element(node))
                index += 1
        return "".join(out)

    def run(self, text: str, style: str = "") -> str:
        return f'<m:r>{style}{self.run_props}<m:t xml:space="preserve">{escape(text)}</m:t></m:r>'

    def identifier(self, node: ET.Element) -> str:
        """A letter is italic, OMML's default; a name (sin, lim) or a non-letter upright."""
        text = node.text or ""
        letter = len(text) == 1 and text.isalpha()
        if node.get("mathvariant") == "bold":
            return self.run(text, '<m:rPr><m:sty m:val="b"/></m:rPr>')
        upright = not letter or node.get("mathvariant") == "normal"
        return self.run(text, UPRIGHT if upright else "")

    def space(self, node: ET.Element) -> str:
        return self.run(THIN_SPACE, UPRIGHT) if node.get("width") else ""

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

    def fence(self, nodes: Sequence[ET.Element]) -> str | None:
        """``\\left( ... \\right)`` or a bracketed matrix: a delimiter ``m:d`` that grows
        with its content; None when *nodes* are not one fenced group."""
        if len(nodes) < 2 or tag(nodes[0]) != "mo" or tag(nodes[-1]) != "mo":
            return None
        marked = nodes[0].get("fence") == "true" and nodes[-1].get("fence") == "true"
        around_table = len(nodes) == 3 and tag(nodes[1]) == "mtable"
        if not (marked or around_table):
            return None
        return (
            f"<m:d><m:dPr><m:begChr m:val={quoteattr(_text(nodes[0]))}/>"
            f"<m:endChr m:val={quoteattr(_text(nodes[-1]))}/></m:dPr>"
            f"<m:e>{self.row(nodes[1:-1])}</m:e></m:d>"
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
        """Lines broken by ``\\\\`` (``aligned``): one ``m:e`` a line; the ``&`` runs
        stay in the text, where OMML reads them as the alignment points."""
        lines: list[list[ET.Element]] = [[]]
        for node in nodes:
            if tag(node) == "mspace" and node.get("linebreak") == "newline":
                lines.append([])
            else:
                lines[-1].append(node)
        return (
            "<m:eqArr>" + "".join(f"<m:e>{self.row(line)}</m:e>" for line in lines) + "</m:eqArr>"
        )


def _text(node: ET.Element) -> str:
    return "".join(node.itertext()).strip()


def _large_operator(node: ET.Element) -> bool:
    name = tag(node)
    if name == "mo":
        return _text(node) in LARGE_OPERATORS
    scripted = name in ("msub", "msup", "msubsup", "munder", "mover", "munderover")
    return scripted and tag(node[0]) == "mo" and _text(node[0]) in LARGE_OPERATORS
