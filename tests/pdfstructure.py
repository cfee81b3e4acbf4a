"""Read a tagged PDF back: its structure tree, and any page content outside a tag."""

from __future__ import annotations

from pathlib import Path

from pypdf import PdfReader
from pypdf.generic import ContentStream, DictionaryObject

PAINTING = {
    b"Tj",
    b"TJ",
    b"'",
    b'"',
    b"f",
    b"F",
    b"f*",
    b"S",
    b"s",
    b"B",
    b"B*",
    b"b",
    b"b*",
    b"Do",
    b"sh",
}


def untagged(path: Path) -> list[str]:
    """Painting operators that are neither in a marked-content sequence with an MCID nor
    in an /Artifact, by page."""
    reader = PdfReader(str(path))
    found = []
    for number, page in enumerate(reader.pages, 1):
        stack: list[bool] = []  # for each open sequence: does it tag or mark an artifact
        for operands, op in ContentStream(page.get_contents(), reader).operations:
            if op == b"BDC":
                props = operands[1]
                tagged = isinstance(props, DictionaryObject) and "/MCID" in props
                stack.append(tagged or operands[0] == "/Artifact")
            elif op == b"BMC":
                stack.append(operands[0] == "/Artifact")
            elif op == b"EMC":
                stack.pop()
            elif op in PAINTING and not any(stack):
                found.append(f"page {number}: {op.decode()}")
        assert not stack, f"page {number}: unbalanced marked content"
    return found


def structure(path: Path) -> list[tuple[int, str, dict]]:
    """The structure tree depth first: (depth, type, the element's own entries)."""
    reader = PdfReader(str(path))
    root = reader.trailer["/Root"]["/StructTreeRoot"]
    found: list[tuple[int, str, dict]] = []

    def walk(node, depth: int) -> None:
        node = node.get_object()
        if isinstance(node, DictionaryObject) and "/S" in node:
            found.append((depth, str(node["/S"]), node))
            kids = node.get("/K")
            kids = kids if isinstance(kids, list) else [kids]
            for kid in kids:
                kid = kid.get_object() if hasattr(kid, "get_object") else kid
                if isinstance(kid, DictionaryObject) and "/S" in kid:
                    walk(kid, depth + 1)

    kids = root["/K"]
    for kid in kids if isinstance(kids, list) else [kids]:
        walk(kid, 0)
    return found
