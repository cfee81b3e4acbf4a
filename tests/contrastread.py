"""Read back, from the written files, every piece of text with its colour and the colour
behind it, so tests can hold all three formats to WCAG AA contrast."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import docx
from lxml import etree
from pptx import Presentation
from pptx.oxml.ns import qn as pqn
from pypdf import PdfReader
from pypdf.generic import ContentStream

from generator.contrast import AA_LARGE, AA_TEXT, ratio

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
WHITE = "FFFFFF"


@dataclass(frozen=True)
class Seen:
    """One piece of text as a reader sees it."""

    text: str
    colour: str
    behind: str
    size: float  # points
    bold: bool
    graphic: bool = False  # a bullet: 3:1 like large text

    @property
    def needed(self) -> float:
        large = self.size >= 18 or (self.bold and self.size >= 14)
        return AA_LARGE if large or self.graphic else AA_TEXT

    @property
    def ratio(self) -> float:
        return ratio(self.colour, self.behind)


def unreadable(seen: Iterator[Seen]) -> list[str]:
    """The pieces of text under AA, described for an assertion message."""
    return [
        f"{item.text[:40]!r} {item.colour} on {item.behind}: {item.ratio:.2f}:1"
        for item in seen
        if item.text.strip() and item.ratio < item.needed - 0.005
    ]


# -- Word --------------------------------------------------------------------------------


def docx_text(path: Path) -> Iterator[Seen]:
    document = docx.Document(str(path))
    styles = {s.get(f"{W}styleId"): s for s in document.styles.element.iter(f"{W}style")}

    def chain(style_id: str | None) -> Iterator[etree._Element]:
        while style_id and style_id in styles:
            yield styles[style_id]
            based = styles[style_id].find(f"{W}basedOn")
            style_id = based.get(f"{W}val") if based is not None else None

    def first(elements, path: str, attr: str = "val") -> str | None:
        for element in elements:
            found = element.find(path)
            if found is not None and found.get(f"{W}{attr}") not in (None, "auto"):
                return found.get(f"{W}{attr}")
        return None

    parts = [document.element]
    for section in document.sections:
        for part in (section.header, section.footer, section.first_page_header):
            if not part.is_linked_to_previous:
                parts.append(part._element)
    for root in parts:
        for run in root.iter(f"{W}r"):
            text = "".join(t.text or "" for t in run.iter(f"{W}t"))
            paragraph = next(a for a in run.iterancestors(f"{W}p"))
            p_style = paragraph.find(f"{W}pPr/{W}pStyle")
            r_style = run.find(f"{W}rPr/{W}rStyle")
            own = [e for e in (run.find(f"{W}rPr"),) if e is not None]
            layers = [
                *own,
                *chain(r_style.get(f"{W}val") if r_style is not None else None),
                *chain(p_style.get(f"{W}val") if p_style is not None else "Normal"),
            ]
            rpr = [e if e.tag == f"{W}rPr" else e.find(f"{W}rPr") for e in layers]
            rpr = [e for e in rpr if e is not None]
            colour = first(rpr, f"{W}color") or "000000"
            size = int(first(rpr, f"{W}sz") or 22) / 2
            bold = any(e.find(f"{W}b") is not None for e in rpr)
            behind = None
            for ancestor in run.iterancestors():
                if ancestor.tag == f"{W}p":
                    ppr = [paragraph.find(f"{W}pPr")] + [
                        s.find(f"{W}pPr")
                        for s in chain(p_style.get(f"{W}val") if p_style is not None else "Normal")
                    ]
                    behind = first([e for e in ppr if e is not None], f"{W}shd", "fill")
                elif ancestor.tag == f"{W}tc":
                    behind = first([ancestor], f"{W}tcPr/{W}shd", "fill")
                if behind:
                    break
            yield Seen(text, colour.upper(), (behind or WHITE).upper(), size, bold)


# -- PowerPoint --------------------------------------------------------------------------


def pptx_text(path: Path) -> Iterator[Seen]:
    deck = Presentation(str(path))
    for slide in deck.slides:
        background = _slide_background(slide)
        for shape in slide.shapes:
            yield from _shape_text(shape, background)


def _srgb(element) -> str | None:
    if element is None:
        return None
    found = element.find(f"{pqn('a:solidFill')}/{pqn('a:srgbClr')}")
    return found.get("val") if found is not None else None


def _slide_background(slide) -> str:
    for holder in (slide, slide.slide_layout, slide.slide_layout.slide_master):
        bg = holder.element.find(f"{pqn('p:cSld')}/{pqn('p:bg')}/{pqn('p:bgPr')}")
        if bg is not None and _srgb(bg):
            return _srgb(bg)
    return WHITE


def _shape_text(shape, background: str) -> Iterator[Seen]:
    if shape.shape_type is not None and shape.has_table if hasattr(shape, "has_table") else False:
        for row in shape.table.rows:
            for cell in row.cells:
                fill = _srgb(cell._tc.tcPr) or background
                yield from _runs(cell._tc.txBody, [], fill)
        return
    if getattr(shape, "shapes", None) is not None:  # a group
        for inner in shape.shapes:
            yield from _shape_text(inner, background)
        return
    if not getattr(shape, "has_text_frame", False) or not shape.has_text_frame:
        return
    chain = [shape.element]
    base = getattr(shape, "_base_placeholder", None) if shape.is_placeholder else None
    while base is not None:
        chain.append(base.element)
        base = getattr(base, "_base_placeholder", None)
    fill = next((_srgb(e.find(pqn("p:spPr"))) for e in chain if _srgb(e.find(pqn("p:spPr")))), None)
    styles = [
        e.find(f"{pqn('p:txBody')}/{pqn('a:lstStyle')}/{pqn('a:lvl1pPr')}/{pqn('a:defRPr')}")
        for e in chain
    ]
    master = shape.part.slide_layout.slide_master.element.find(pqn("p:txStyles"))
    kind = (
        "titleStyle"
        if shape.is_placeholder and "title" in str(shape.placeholder_format.type).lower()
        else "bodyStyle"
    )
    styles.append(master.find(f"{pqn(f'p:{kind}')}/{pqn('a:lvl1pPr')}/{pqn('a:defRPr')}"))
    yield from _runs(
        shape.element.find(pqn("p:txBody")),
        [s for s in styles if s is not None],
        fill or background,
    )


def _runs(body, styles, behind: str) -> Iterator[Seen]:
    for paragraph in body.iter(pqn("a:p")):
        bullet = paragraph.find(f"{pqn('a:pPr')}/{pqn('a:buClr')}/{pqn('a:srgbClr')}")
        if bullet is not None:
            yield Seen("bullet", bullet.get("val"), behind, 0, False, graphic=True)
        for run in paragraph.iter(pqn("a:r")):
            rpr = run.find(pqn("a:rPr"))
            layers = [e for e in (rpr, *styles) if e is not None]
            colour = next((_srgb(e) for e in layers if _srgb(e)), "000000")
            size = next((int(e.get("sz")) / 100 for e in layers if e.get("sz")), 18)
            bold = next((e.get("b") == "1" for e in layers if e.get("b")), False)
            text = run.findtext(pqn("a:t")) or ""
            yield Seen(text, colour, behind, size, bold)


# -- PDF ---------------------------------------------------------------------------------


def pdf_text(path: Path) -> Iterator[Seen]:
    """Text drawn on the page, each with the latest filled shape under its start point."""
    reader = PdfReader(str(path))
    for page in reader.pages:
        fonts = {
            name: str(font.get_object().get("/BaseFont", ""))
            for name, font in page["/Resources"].get("/Font", {}).items()
        }
        ctm, stack, fill, fills = (1, 0, 0, 1, 0, 0), [], "000000", []
        points: list[tuple[float, float]] = []
        text_matrix, font, size = (1, 0, 0, 1, 0, 0), "", 0.0
        for operands, op in ContentStream(page.get_contents(), reader).operations:
            if op == b"q":
                stack.append((ctm, fill))
            elif op == b"Q":
                ctm, fill = stack.pop()
            elif op == b"cm":
                ctm = _multiply([float(v) for v in operands], ctm)
            elif op == b"rg":
                fill = "".join(f"{round(float(v) * 255):02X}" for v in operands)
            elif op in (b"m", b"l"):
                points.append(_apply(ctm, float(operands[0]), float(operands[1])))
            elif op == b"c":
                points.append(_apply(ctm, float(operands[4]), float(operands[5])))
            elif op == b"re":
                x, y, w, h = (float(v) for v in operands)
                points += [_apply(ctm, x, y), _apply(ctm, x + w, y + h)]
            elif op in (b"f", b"f*", b"F", b"B", b"B*", b"b", b"b*"):
                xs, ys = [p[0] for p in points], [p[1] for p in points]
                if points:
                    fills.append((min(xs), min(ys), max(xs), max(ys), fill))
                points = []
            elif op in (b"n", b"S", b"s"):
                points = []
            elif op == b"Tm":
                text_matrix = tuple(float(v) for v in operands)
            elif op == b"Tf":
                font, size = fonts.get(operands[0], ""), float(operands[1])
            elif op in (b"Tj", b"TJ"):
                x, y = _apply(ctm, text_matrix[4], text_matrix[5])
                behind = next(
                    (c for x0, y0, x1, y1, c in reversed(fills) if x0 <= x <= x1 and y0 <= y <= y1),
                    WHITE,
                )
                value = operands[0]
                text = (
                    value
                    if isinstance(value, str)
                    else "".join(v for v in value if isinstance(v, str))
                )
                yield Seen(text, fill, behind, size * text_matrix[3] * ctm[3], "Bold" in font)


def _multiply(m, n):
    a, b, c, d, e, f = m
    a2, b2, c2, d2, e2, f2 = n
    return (
        a * a2 + b * c2,
        a * b2 + b * d2,
        c * a2 + d * c2,
        c * b2 + d * d2,
        e * a2 + f * c2 + e2,
        e * b2 + f * d2 + f2,
    )


def _apply(m, x, y):
    a, b, c, d, e, f = m
    return a * x + c * y + e, b * x + d * y + f
