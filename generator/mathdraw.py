"""Formulas as glyph outlines: measured, drawn as vectors in the PDF, painted as pictures.

ziamath lays a formula out in its bundled STIX Two Math font and writes SVG in which
every glyph is a filled path (``M``, ``L``, ``Q``, ``Z`` in absolute coordinates, y
down, baseline at 0) and every rule a ``rect``. Those two shapes are all there is, so
they are read here directly instead of through a general SVG library: the PDF draws
them with reportlab's own path operators (true vectors, any size), and the deck's
fallback picture paints them with Pillow, which python-pptx already needs.

A formula is laid out once, at :data:`REFERENCE` points, and scaled: ziamath's layout is
linear in the font size. Layouts and pictures are cached by their source.

ziamath and Pillow are imported by the first formula, not with this module: every
renderer imports it, and ziamath alone costs a cold build about 200 ms in each worker,
which a lesson without equations should not pay.
"""

from __future__ import annotations

import io
import re
import warnings
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache, lru_cache
from types import ModuleType
from typing import TYPE_CHECKING
from xml.etree import ElementTree as ET

from .formula import read_formula, well_formed

if TYPE_CHECKING:
    from reportlab.pdfgen.canvas import Canvas

REFERENCE = 10.0  # points the layout is made at
PICTURE_SCALE = 4  # picture pixels per point: sharp when projected or zoomed
SUPERSAMPLE = 4  # painted this much larger, then reduced, for smooth edges
_SVG = "{http://www.w3.org/2000/svg}"
_PATH_TOKEN = re.compile(r"[MLQCZ]|-?\d*\.?\d+(?:e-?\d+)?")

Point = tuple[float, float]
Segment = tuple[str, tuple[Point, ...]]  # ("M"|"L"|"C"|"Z", points)


@dataclass(frozen=True)
class Outline:
    """A formula's shapes at :data:`REFERENCE` points; y grows downwards from the baseline."""

    width: float
    ascent: float
    descent: float
    paths: tuple[tuple[Segment, ...], ...]
    rects: tuple[tuple[float, float, float, float], ...]
    left: float  # where the drawing starts, left of the origin

    def size(self, points: float) -> tuple[float, float, float]:
        """(width, ascent, descent) when set at *points*."""
        scale = points / REFERENCE
        return self.width * scale, self.ascent * scale, self.descent * scale


@cache
def _ziamath() -> ModuleType:
    """ziamath, set to write glyphs as plain paths (not ``<symbol>``/``<use>``).

    Its import calls a deprecated importlib API; where warnings are errors (a CI job
    with ``PYTHONWARNINGS=error``) that notice would fail every build with formulas."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        import ziafont
        import ziamath

    ziafont.config.svg2 = False
    return ziamath


@lru_cache(maxsize=1024)
def outline(tex: str) -> Outline:
    """The laid-out formula *tex* (already checked by :func:`read_formula`)."""
    ziamath = _ziamath()
    # ziamath's own reading of the LaTeX (it rewrites a few constructs it draws better),
    # made well-formed before ziamath parses it, as the formula's reading was.
    markup = well_formed(ziamath.tex.tex2mml(read_formula(tex).tex))
    svg = ET.fromstring(ziamath.Math(markup, size=REFERENCE).svg())
    left, top, width, height = (float(value) for value in svg.get("viewBox", "").split())
    paths = tuple(tuple(_segments(path.get("d", ""))) for path in svg.iter(f"{_SVG}path"))
    rects = tuple(
        (float(r.get("x", 0)), float(r.get("y", 0)), float(r.get("width")), float(r.get("height")))
        for r in svg.iter(f"{_SVG}rect")
    )
    return Outline(width, -top, height + top, paths, rects, left)


def _segments(data: str) -> Iterator[Segment]:
    """Path data as moves, lines and cubic curves (a quadratic curve raised to cubic)."""
    tokens = _PATH_TOKEN.findall(data)
    index = 0
    current: Point = (0.0, 0.0)

    def take(count: int) -> tuple[Point, ...]:
        nonlocal index
        values = [float(token) for token in tokens[index : index + 2 * count]]
        index += 2 * count
        return tuple(zip(values[::2], values[1::2], strict=True))

    while index < len(tokens):
        command = tokens[index]
        index += 1
        if command in ("M", "L"):
            (current,) = take(1)
            yield command, (current,)
        elif command == "Q":
            control, end = take(2)
            first = (
                current[0] + 2 / 3 * (control[0] - current[0]),
                current[1] + 2 / 3 * (control[1] - current[1]),
            )
            second = (
                end[0] + 2 / 3 * (control[0] - end[0]),
                end[1] + 2 / 3 * (control[1] - end[1]),
            )
            current = end
            yield "C", (first, second, end)
        elif command == "C":
            points = take(3)
            current = points[-1]
            yield "C", points
        elif command == "Z":
            yield "Z", ()


def draw(canvas: Canvas, tex: str, x: float, baseline: float, points: float, colour) -> None:
    """Draw *tex* on a PDF *canvas* with its origin at (*x*, *baseline*), as filled paths."""
    shape = outline(tex)
    scale = points / REFERENCE
    canvas.saveState()
    canvas.translate(x - shape.left * scale, baseline)
    canvas.scale(scale, -scale)  # the outline's y grows downwards
    canvas.setFillColor(colour)
    canvas.addLiteral(pdf_operators(tex))
    canvas.restoreState()


@lru_cache(maxsize=1024)
def pdf_operators(tex: str) -> str:
    """The formula's shapes as PDF path operators, filled by the non-zero rule as fonts
    are. Written once per formula: a sheet is laid out several times while it is fitted,
    and formatting the numbers of every curve again each time cost most of a build."""
    shape = outline(tex)
    operators = {"M": "m", "L": "l", "C": "c", "Z": "h"}
    out = []
    for segments in shape.paths:
        last = None
        for command, points in segments:
            if command == "L" and points[0] == last:
                continue  # ziamath starts every contour with a line of no length
            numbers = " ".join(_number(value) for point in points for value in point)
            out.append(f"{numbers} {operators[command]}".lstrip())
            last = points[-1] if points else last
        out.append("f")
    out += [" ".join(map(_number, rect)) + " re f" for rect in shape.rects]
    return "\n".join(out)


def _number(value: float) -> str:
    """A coordinate to a hundredth of a point at the reference size (a thousandth of an
    em): finer than print shows, and the sheet's streams stay small."""
    return f"{value:.2f}".rstrip("0").rstrip(".")


@lru_cache(maxsize=256)
def picture(tex: str, points: float, colour: str) -> bytes:
    """*tex* set at *points*, painted in the hex *colour* on a transparent PNG."""
    from PIL import Image, ImageDraw

    shape = outline(tex)
    width, ascent, descent = shape.size(points)
    scale = points / REFERENCE * PICTURE_SCALE * SUPERSAMPLE
    size = (max(1, round(width * PICTURE_SCALE)), max(1, round((ascent + descent) * PICTURE_SCALE)))
    image = Image.new("L", (size[0] * SUPERSAMPLE, size[1] * SUPERSAMPLE), 0)
    pen = ImageDraw.Draw(image)

    def place(point: Point) -> Point:
        return (point[0] - shape.left) * scale, (point[1] + shape.ascent) * scale

    for segments in shape.paths:
        figure = ImageDraw.Outline()
        for command, pts in segments:
            if command == "M":
                figure.move(*place(pts[0]))
            elif command == "L":
                figure.line(*place(pts[0]))
            elif command == "C":
                figure.curve(*place(pts[0]), *place(pts[1]), *place(pts[2]))
            else:
                figure.close()
        pen.shape(figure, fill=255)
    for left, top, w, h in shape.rects:
        corner = place((left, top))
        pen.rectangle((*corner, corner[0] + w * scale, corner[1] + h * scale), fill=255)
    mask = image.reduce(SUPERSAMPLE)
    ink = Image.new("RGBA", mask.size, "#" + colour)
    ink.putalpha(mask)
    out = io.BytesIO()
    ink.save(out, "PNG")
    return out.getvalue()
