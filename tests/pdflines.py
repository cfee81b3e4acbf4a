"""Read a page's lines of text back exactly as they are drawn, from its content stream.

pypdf's text extraction guesses the reading order of right-to-left text, which hides
what a test of right-to-left layout must see: the glyphs in the order they are painted
(left to right) and where each line starts and ends. This reads the operators that
reportlab writes (``cm``, ``q``/``Q``, ``Tm``, ``Td``, ``T*``, ``TL``, ``Tw``, ``Tf``, ``Tj``) with each
font's ``/ToUnicode`` map and ``/Widths``, and the ``/ActualText`` that says what the
drawn text reads as.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from pypdf.generic import ContentStream, DictionaryObject

_BFCHAR = re.compile(r"<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>")


@dataclass
class Line:
    """One line of text as drawn: its start, its pieces in drawing order, its end."""

    x: float
    y: float
    pieces: list[str] = field(default_factory=list)
    end: float = 0.0

    @property
    def text(self) -> str:
        return "".join(self.pieces)


@dataclass
class _Font:
    codes: dict[int, str]
    first: int
    widths: list[float]

    @classmethod
    def read(cls, font: DictionaryObject) -> _Font:
        cmap = font["/ToUnicode"].get_object().get_data().decode("latin-1")
        block = cmap[cmap.index("beginbfchar") : cmap.index("endbfchar")]
        codes = {
            int(code, 16): bytes.fromhex(text).decode("utf-16-be")
            for code, text in _BFCHAR.findall(block)
        }
        return cls(codes, int(font["/FirstChar"]), [float(w) for w in font["/Widths"]])

    def decode(self, data: bytes) -> str:
        return "".join(self.codes.get(byte, "") for byte in data)

    def width(self, data: bytes, size: float) -> float:
        return sum(self.widths[byte - self.first] for byte in data) * size / 1000


def drawn_lines(page, reader) -> list[Line]:
    """Every line of text on *page* in drawing order (a line starts where the text
    position is set), its pieces decoded, with its left and right ends in page space."""
    fonts = {
        name: _Font.read(font.get_object()) for name, font in page["/Resources"]["/Font"].items()
    }
    origin = (0.0, 0.0)  # reportlab's drawing moves only translate
    saved: list[tuple[float, float]] = []
    lines: list[Line] = []
    font, size = None, 0.0
    x = y = leading = spacing = 0.0  # spacing: added to each space (lines squeezed to fit)
    current: Line | None = None

    def start() -> Line:
        line = Line(origin[0] + x, origin[1] + y, end=origin[0] + x)
        lines.append(line)
        return line

    for operands, op in ContentStream(page.get_contents(), reader).operations:
        if op == b"q":
            saved.append(origin)
        elif op == b"Q":
            origin = saved.pop()
        elif op == b"cm":
            origin = (origin[0] + float(operands[4]), origin[1] + float(operands[5]))
        elif op == b"BT":
            x = y = 0.0
            current = None
        elif op == b"Tm":
            x, y = float(operands[4]), float(operands[5])
            current = None
        elif op == b"Td":
            x, y = x + float(operands[0]), y + float(operands[1])
            current = None
        elif op == b"TL":
            leading = float(operands[0])
        elif op == b"Tw":
            spacing = float(operands[0])
        elif op == b"T*":
            y -= leading
            current = None
        elif op == b"Tf":
            font, size = fonts[operands[0]], float(operands[1])
        elif op == b"Tj" and font is not None:
            data = operands[0] if isinstance(operands[0], bytes) else operands[0].original_bytes
            current = current or start()
            current.pieces.append(font.decode(data))
            current.end += font.width(data, size) + spacing * data.count(b" ")
    return [line for line in lines if line.text.strip()]


def actual_texts(page, reader) -> list[str]:
    """The ``/ActualText`` of each marked-content sequence on *page*, in drawing order."""
    return [
        str(operands[1]["/ActualText"])
        for operands, op in ContentStream(page.get_contents(), reader).operations
        if op == b"BDC"
        and isinstance(operands[1], DictionaryObject)
        and "/ActualText" in operands[1]
    ]
