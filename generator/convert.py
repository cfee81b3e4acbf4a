"""A lesson written out in either form: YAML (the exact form) or Markdown.

Both writers start from a validated :class:`~generator.model.Document` and write what
a person would: shorthands where the YAML form has them (``list: [a, b]``), one block
after another in Markdown. Reading what they write gives an equal document again
(``lectern convert`` both ways; a test keeps it so for every lesson in the repository).
Texts are written as they are held, inline Markdown included; only what would change
a Markdown line's meaning (a leading ``#`` or ``1.``, a ``|`` in a table cell) is escaped.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import yaml

from .inline import RichText
from .markdown import (
    ATTRIBUTE_LINE,
    DOCUMENT_DIVS,
    TERM_ITEM,
    TRAILING_ATTRIBUTES,
    literal_ampersands,
    protect_escapes,
)
from .model import (
    Block,
    CalloutBlock,
    CodeBlock,
    ColumnsBlock,
    CompareBlock,
    Document,
    ImageBlock,
    ListBlock,
    ListItem,
    MathBlock,
    QuoteBlock,
    Section,
    TableBlock,
    Term,
    TermsBlock,
    TextBlock,
)

# A table's cells are padded into columns while its widest row stays this short.
ALIGNED_TABLE_WIDTH = 100
# A pipe table's rule under a column *width* characters wide, by how the column lines up.
RULE_ENDS: dict[str, Callable[[int], str]] = {
    "": lambda width: "-" * (max(width, 1) + 2),
    "left": lambda width: ":" + "-" * (max(width, 1) + 1),
    "center": lambda width: ":" + "-" * max(width, 1) + ":",
    "right": lambda width: "-" * (max(width, 1) + 1) + ":",
}
BLOCK_START = re.compile(
    r"^(?:#|>|[-+*](?=\s|$)|[:~](?=\s|$)|:{3}|=+\s*$|-+\s*$|(?:[-*_]\s*){3,}$|`{3}|~{3}|<|\|)"
)
# A heading's last '#'s after a space are the optional closing sequence, not its text.
CLOSING_HASHES = re.compile(r"(?:^|(?<=\s))#+\s*$")
ORDERED_START = re.compile(r"^(\d+)([.)])(?=\s|$)")
BARE_ATTRIBUTE = re.compile(r"^[A-Za-z0-9_:.%-]+$")
BACKTICKS = re.compile(r"`+")
COLONS_ONLY = re.compile(r"^\s*(:{3,})\s*$", re.M)
# Fields that Markdown writes in the body rather than in the front matter.
BODY_FIELDS = ("sections", *DOCUMENT_DIVS)


# -- the YAML form ----------------------------------------------------------------------


def lesson_data(document: Document) -> dict[str, Any]:
    """The document as a lesson file's mapping: defaults left out, shorthands used."""
    data = document.model_dump(by_alias=True, exclude_defaults=True, exclude={"sections"})
    sections = {"sections": [section_data(section) for section in document.sections]}
    keys = list(Document.model_fields)
    return {
        key: value
        for key, value in sorted({**data, **sections}.items(), key=lambda kv: keys.index(kv[0]))
    }


def section_data(section: Section) -> dict[str, Any]:
    data = section.model_dump(
        by_alias=True, exclude_defaults=True, exclude={"blocks", "sections", "heading"}
    )
    out: dict[str, Any] = {"heading": section.heading, **data}
    if section.blocks:
        out["blocks"] = [block_data(block) for block in section.blocks]
    if section.sections:
        out["sections"] = [section_data(child) for child in section.sections]
    return out


def block_data(block: Block) -> dict[str, Any]:
    """A block as the YAML form writes it: its kind key first, then the common keys."""
    data = block.model_dump(by_alias=True, exclude_defaults=True)
    body = data.pop(block.kind)
    if isinstance(block, ListBlock):
        items = [item_data(item) for item in block.list_.items]
        start = {"start": block.list_.start} if block.list_.start != 1 else {}
        body = {"numbered": True, **start, "items": items} if block.list_.numbered else items
    elif isinstance(block, CodeBlock):
        code = block.code
        body = {"language": code.language, "text": code.text} if code.language else code.text
    elif isinstance(block, ColumnsBlock):
        blocks = [[block_data(inner) for inner in column] for column in block.columns.blocks]
        body = {**body, "blocks": blocks}
    title = {"title": data.pop("title")} if "title" in data else {}
    return {**title, block.kind: body, **data}


def item_data(item: ListItem) -> str | dict[str, Any]:
    """A list item: plain text when that is all it has."""
    data = item.model_dump(by_alias=True, exclude_defaults=True, include={"term"})
    data.update(
        item.model_dump(
            by_alias=True, exclude_defaults=True, include={"text", "short", "numbered", "start"}
        )
    )
    if item.items:
        data["items"] = [item_data(child) for child in item.items]
    return item.text if list(data) == ["text"] else data


class TidyDumper(yaml.SafeDumper):
    """YAML as the sample lesson is written: block style, short lists of words inline."""

    def increase_indent(self, flow: bool = False, indentless: bool = False) -> None:
        super().increase_indent(flow, False)  # list items indented under their key

    def represent_list(self, data: list[Any]) -> yaml.Node:
        short = all(isinstance(item, (str, float)) and len(str(item)) <= 30 for item in data)
        flow = bool(data) and short and sum(len(str(item)) + 2 for item in data) <= 60
        return self.represent_sequence("tag:yaml.org,2002:seq", data, flow_style=flow)

    def represent_text(self, text: str) -> yaml.Node:
        """Text of several lines as a ``|`` block, as a person writes code or a paragraph
        (PyYAML picks another style for text a block cannot hold, such as trailing spaces)."""
        style = "|" if "\n" in text else None
        return self.represent_scalar("tag:yaml.org,2002:str", str(text), style=style)

    def represent_number(self, number: float) -> yaml.Node:
        """A whole number without its '.0' (a width of 40, columns 2 and 3)."""
        return (
            self.represent_int(int(number))
            if number.is_integer()
            else super().represent_float(number)
        )


TidyDumper.add_representer(str, TidyDumper.represent_text)
TidyDumper.add_representer(float, TidyDumper.represent_number)
TidyDumper.add_representer(RichText, TidyDumper.represent_text)
TidyDumper.add_representer(list, TidyDumper.represent_list)


def dump_yaml(data: dict[str, Any]) -> str:
    return yaml.dump(
        data,
        Dumper=TidyDumper,
        sort_keys=False,
        allow_unicode=True,
        width=10**9,
        default_flow_style=False,
    )


def to_yaml(document: Document) -> str:
    """The lesson as a YAML file."""
    return dump_yaml(lesson_data(document))


# -- the Markdown form ------------------------------------------------------------------


def to_markdown(document: Document) -> str:
    """The lesson as a Markdown file: front matter, then the body."""
    data = lesson_data(document)
    front = {key: value for key, value in data.items() if key not in BODY_FIELDS}
    writer = MarkdownWriter()
    parts = [f"---\n{dump_yaml(front)}---"]
    if document.objectives:
        parts.append(writer.div("objectives", writer.plain_list(document.objectives)))
    parts.extend(writer.section(section, 1) for section in document.sections)
    if document.glossary:
        parts.append(writer.div("glossary", writer.definitions(document.glossary)))
    if document.takeaways:
        parts.append(writer.div("takeaways", writer.plain_list(document.takeaways)))
    if document.questions:
        parts.append(writer.div("questions", writer.questions(document)))
    if document.sources:
        parts.append(writer.div("sources", writer.plain_list(document.sources)))
    return "\n\n".join(parts) + "\n"


def attributes(values: dict[str, Any], classes: tuple[str, ...] = ()) -> str:
    """``{.class key=value key="a value"}``; empty when there is nothing to say."""
    parts = [f".{name}" for name in classes]
    for key, value in values.items():
        if value is None or value == [] or value is False:
            continue
        text = " ".join(value) if isinstance(value, list) else str(value)
        if value is True:
            text = "true"
        if not BARE_ATTRIBUTE.match(text):
            escaped = text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")
            text = f'"{escaped}"'
        parts.append(f"{key}={text}")
    return "{" + " ".join(parts) + "}" if parts else ""


def common_attributes(block: Block, **extra: Any) -> dict[str, Any]:
    """The keys of *block* written after it: *extra* first, then those every block has."""
    data = block.model_dump(exclude_defaults=True, include=set(Block.model_fields) - {"title"})
    return {**extra, **data}


def escape_line(line: str) -> str:
    """A line of text that Markdown would otherwise read as the start of another block."""
    line = protect_escapes(line)
    ordered = ORDERED_START.match(line)
    if ordered:
        return f"{ordered.group(1)}\\{line[len(ordered.group(1)) :]}"
    if BLOCK_START.match(line) or ATTRIBUTE_LINE.match(line):
        return "\\" + line
    return line


def text_lines(text: str, indent: str = "") -> list[str]:
    """*text* as paragraph lines: its line breaks written as Markdown hard breaks (one
    that ends the text, as a YAML ``|`` text does, is the last line's final ``\\``)."""
    lines = [escape_line(line) for line in text.split("\n")]
    written = [
        (indent if number else "") + line + ("\\" if number < len(lines) - 1 else "")
        for number, line in enumerate(lines)
    ]
    return written[:-1] if len(written) > 1 and not lines[-1] else written


def display_lines(text: RichText) -> list[str] | None:
    """A text that is one ``$$...$$`` equation, its lines as written: Markdown reads
    them as a display block, in which a line-break backslash would be part of the TeX."""
    whole = text.display_math is not None and text.startswith("$$") and text.endswith("$$")
    return text.split("\n") if whole else None


def number(value: float) -> str:
    """*value* as written: ``2`` for 2.0, every digit of 1.25 (reading it gives it back)."""
    return str(int(value)) if value.is_integer() else repr(value)


class ConvertError(ValueError):
    """A lesson holds something the other form cannot write (a line break in a heading)."""


def one_line(text: str) -> str:
    """*text* for a place Markdown keeps to one line (a heading, a term, a caption)."""
    if "\n" in text:
        raise ConvertError(
            f"'{text[:40]}' holds a line break, which Markdown cannot write in a heading,"
            " a term, a title or a caption; join its lines to convert it"
        )
    return text


def inline_end(text: str) -> str:
    """Text ending a heading or a cell, where a final ``{...}`` would read as attributes."""
    text = protect_escapes(one_line(text))
    found = TRAILING_ATTRIBUTES.search(text)
    text = text if not found else text[: found.start(1)] + "\\" + text[found.start(1) :]
    hashes = CLOSING_HASHES.search(text)
    return text if not hashes else text[: hashes.start()] + "\\" + text[hashes.start() :]


def cell_end(text: str) -> str:
    """A table cell, on its one line: a line break in it written ``<br>``, as GitHub's
    tables write one (the reader reads it back as a line break)."""
    return "<br>".join(inline_end(line) for line in text.split("\n"))


class MarkdownWriter:
    """Writes blocks, one ``write_<kind>`` method per block kind, as lines of Markdown."""

    def __init__(self) -> None:
        self.last_marker: dict[str, str] = {}
        self.depth = 1
        """The level of the section being written: its block titles are one below."""

    def section(self, section: Section, depth: int) -> str:
        extra = {key: getattr(section, key) for key in ("only", "skip", "lang")}
        heading = f"{'#' * depth} {inline_end(section.heading)}"
        label = attributes(extra, ("section",) if depth > 1 else ())
        parts = [f"{heading} {label}" if label else heading]
        if section.notes:
            parts.append(self.notes(section.notes))
        self.depth = depth
        parts.extend(self.blocks(section.blocks))
        parts.extend(self.section(child, depth + 1) for child in section.sections)
        return "\n\n".join(parts)

    def blocks(self, blocks: list[Block]) -> list[str]:
        """A section's or a column's blocks, each a piece of Markdown."""
        parts = []
        previous: Block | None = None
        for block in blocks:
            if isinstance(previous, TermsBlock) and isinstance(block, TermsBlock):
                parts.append("<!-- -->")  # two definition lists in a row would read as one
            parts.append(self.block(block))
            previous = block
        return parts

    def block(self, block: Block) -> str:
        """A block: its title, itself, its keys on the line after, and notes of more than
        a line in a ``::: notes`` div after that."""
        write: Callable[[Any], tuple[list[str], dict[str, Any]]] = getattr(
            self, f"write_{block.kind}"
        )
        lines, extra = write(block)
        if not isinstance(block, ListBlock):
            self.last_marker.clear()
        classes = ("compare",) if isinstance(block, CompareBlock) else ()
        keys = common_attributes(block, **extra)
        notes = keys.pop("notes") if "\n" in (block.notes or "") else None
        trailer = attributes(keys, classes)
        if trailer:
            lines.append(trailer)
        if block.title is not None:
            lines = [f"{'#' * (self.depth + 1)} {inline_end(block.title)}", "", *lines]
        if notes is not None:
            lines += ["", self.notes(notes)]
        return "\n".join(lines)

    def notes(self, notes: str) -> str:
        return self.div("notes", "\n".join(text_lines(notes)))

    def write_text(self, block: TextBlock) -> tuple[list[str], dict[str, Any]]:
        return display_lines(block.text) or text_lines(block.text), {"short": block.short}

    def write_list(self, block: ListBlock) -> tuple[list[str], dict[str, Any]]:
        kind = "numbered" if block.list_.numbered else "bullets"
        choices = (".", ")") if block.list_.numbered else ("-", "*")
        marker = choices[1] if self.last_marker.get(kind) == choices[0] else choices[0]
        self.last_marker = {kind: marker}  # the same marker twice in a row would join the lists
        return self.items(block.list_.items, marker, start=block.list_.start), {}

    def items(
        self, items: list[ListItem], marker: str, indent: str = "", *, start: int = 1
    ) -> list[str]:
        lines = []
        for number, item in enumerate(items, start):
            bullet = f"{number}{marker}" if marker in ".)" else marker
            inner = indent + " " * (len(bullet) + 1)
            text, keys = item.text, {"short": item.short}
            if item.term is not None:
                compact = f"**{item.term}** – {item.text}"
                found = TERM_ITEM.match(compact)
                if found and (found["term"], found["text"]) == (item.term, item.text):
                    text = compact
                else:  # a term that is not plain words: said as a key instead
                    keys = {"term": item.term, **keys}
            lines.append(f"{indent}{bullet} " + "\n".join(text_lines(text, inner)))
            trailer = attributes(keys)
            if trailer:
                lines.append(inner + trailer)
            if item.items:
                if item.start != 1:  # only a list from 1 may interrupt the item's text
                    lines.append("")
                nested = "." if item.numbered else "-"
                lines.extend(self.items(item.items, nested, inner, start=item.start))
        return lines

    def write_compare(self, block: CompareBlock) -> tuple[list[str], dict[str, Any]]:
        body = block.compare
        rows = []
        for row in body.rows:
            cells = [cell_end(str(value)) for value in row.values]
            if row.short is not None:
                cells = [
                    f"{cell} {attributes({'short': short})}"
                    for cell, short in zip(cells, row.short, strict=True)
                ]
            rows.append([cell_end(row.aspect or ""), *cells])
        header = ["", *map(cell_end, body.columns)]
        return self.pipe_table(header, rows), {}  # {.compare} comes after

    def write_table(self, block: TableBlock) -> tuple[list[str], dict[str, Any]]:
        table = block.table
        rows = [[cell_end(str(cell)) for cell in row] for row in table.rows]
        header = [cell_end(cell) for cell in table.header]
        return self.pipe_table(header, rows, table.align), {}

    def pipe_table(
        self, header: list[str], rows: list[list[str]], align: list[str] | None = None
    ) -> list[str]:
        """A pipe table, its columns lined up when that keeps it narrow; colons in its rule
        say how each column lines up (``:--`` left, ``:-:`` centred, ``--:`` right)."""
        table = [[cell.replace("|", "\\|") for cell in row] for row in [header, *rows]]
        widths = [max(len(row[column]) for row in table) for column in range(len(header))]
        if sum(widths) + 3 * len(widths) + 1 > ALIGNED_TABLE_WIDTH:
            widths = [0] * len(header)
        sides = align or [""] * len(header)
        padded = {"right": str.rjust, "center": str.center}
        pad = [
            [
                padded.get(side, str.ljust)(cell, width)
                for cell, width, side in zip(row, widths, sides, strict=True)
            ]
            for row in table
        ]
        line = ["| " + " | ".join(row) + " |" for row in pad]
        rule = (
            "|"
            + "|".join(RULE_ENDS[side](width) for side, width in zip(sides, widths, strict=True))
            + "|"
        )
        return [line[0], rule, *line[1:]]

    def write_terms(self, block: TermsBlock) -> tuple[list[str], dict[str, Any]]:
        return self.definitions(block.terms).split("\n"), {}

    def definitions(self, terms: list[Term]) -> str:
        entries = []
        for term in terms:
            lines = [
                escape_line(one_line(term.term)),
                ": " + "\n".join(text_lines(term.definition, "  ")),
            ]
            trailer = attributes({"short": term.short})
            if trailer:
                lines.append("  " + trailer)
            entries.append("\n".join(lines))
        return "\n\n".join(entries)

    def write_callout(self, block: CalloutBlock) -> tuple[list[str], dict[str, Any]]:
        body = block.callout
        head = f"> [!{body.kind.upper()}]" + (f" {one_line(body.title)}" if body.title else "")
        return [head, *(f"> {line}" for line in text_lines(body.text))], {"short": body.short}

    def write_quote(self, block: QuoteBlock) -> tuple[list[str], dict[str, Any]]:
        lines = [f"> {line}" for line in text_lines(block.quote.text)]
        if block.quote.source:
            lines.append(f"> — {one_line(block.quote.source)}")
        return lines, {}

    def write_math(self, block: MathBlock) -> tuple[list[str], dict[str, Any]]:
        return ["```math", *block.math.tex.strip().splitlines(), "```"], {"alt": block.math.alt}

    def write_image(self, block: ImageBlock) -> tuple[list[str], dict[str, Any]]:
        body = block.image
        alt = literal_ampersands(re.sub(r"([\\\[\]])", r"\\\1", one_line(body.alt)))
        src = f"<{body.src}>" if re.search(r"[\s()<>]", body.src) else body.src
        caption = ""
        if body.caption:
            quoted = one_line(body.caption).replace("\\", "\\\\").replace('"', '\\"')
            caption = f' "{literal_ampersands(quoted)}"'
        width = attributes({"width": f"{number(body.width)}%"}) if body.width is not None else ""
        return [f"![{alt}]({src}{caption}){width}"], {}

    def write_code(self, block: CodeBlock) -> tuple[list[str], dict[str, Any]]:
        """A fence longer than any run of backticks in the code, so none can close it."""
        body = block.code
        longest = max((len(run) for run in BACKTICKS.findall(body.text)), default=0)
        fence = "`" * max(3, longest + 1)
        lines = body.text.split("\n") if body.text else []
        return [fence + (body.language or ""), *lines, fence], {}

    def write_columns(self, block: ColumnsBlock) -> tuple[list[str], dict[str, Any]]:
        """``::: column`` divs inside ``:::: columns``, with more colons than any line of
        colons the columns hold (a ``::: notes`` div, or code), so none can close them."""
        body = block.columns
        columns = ["\n\n".join(self.blocks(column)) for column in body.blocks]
        longest = max((len(found) for found in COLONS_ONLY.findall("\n".join(columns))), default=2)
        inner, outer = ":" * (longest + 1), ":" * (longest + 2)
        widths = ",".join(number(width) for width in body.widths or ())
        lines = [f"{outer} columns" + (f" {attributes({'widths': widths})}" if widths else "")]
        for text in columns:
            lines += [f"{inner} column", text, inner]
        return [*lines, outer], {}

    # -- the document's own lists ---------------------------------------------------

    def div(self, name: str, content: str) -> str:
        return f"::: {name}\n{content}\n:::"

    def plain_list(self, items: list[RichText]) -> str:
        return "\n".join("- " + "\n".join(text_lines(item, "  ")) for item in items)

    def questions(self, document: Document) -> str:
        lines = []
        for number, question in enumerate(document.questions, 1):
            bullet = f"{number}."
            inner = " " * (len(bullet) + 1)
            lines.append(f"{bullet} " + "\n".join(text_lines(question.prompt, inner)))
            for choice in question.choices or []:
                mark = "x" if choice == question.answer else " "
                lines.append(f"{inner}- [{mark}] " + "\n".join(text_lines(choice, inner + "  ")))
            said = [] if question.choices else [("Answer", question.answer)]
            if question.explanation:
                said.append(("Explanation", question.explanation))
            for index, (label, text) in enumerate(said):
                if index:
                    lines.append(f"{inner}>")
                elif question.choices:
                    lines.append("")
                quoted = text_lines(f"{label}: {text}")
                lines.extend(f"{inner}> {line}" for line in quoted)
        return "\n".join(lines)
