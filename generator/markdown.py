"""Markdown lessons (``lesson.md``) into the very data a YAML lesson holds.

The front matter is YAML and holds any top-level key; the body holds the sections.
markdown-it-py (with mdit-py-plugins) parses the body, and each construct of its
syntax tree is mapped by one small method to the dict shape the YAML loader
validates, so both forms give equal :class:`~generator.model.Document` objects.
Every value made here remembers its source line, so a validation error points at
the ``.md`` file's line. Text is passed on as the inline-Markdown source the YAML
form holds too (``**bold**``, ``$x$``, ``H~2~O``): :class:`~generator.inline.RichText`
parses it, not this module. What that form has no syntax for is written out here:
character references (``&amp;``) become their characters, reference links
(``[text][label]``) the inline links their definitions make, and the few HTML tags
authors paste (``<sub>``, ``<br>``) the syntax's subscripts and line breaks.

The mapping (see the README):

- ``# Heading`` opens a section; ``## Heading {.section}`` a subsection; any other
  heading one level below its section is the title of the block that follows;
- a paragraph is a text block, a list a list block (``**Term** – text`` items), a
  definition list a terms block, a pipe table a table (``{.compare}``: a compare
  block whose first column holds the aspects), ``> [!TIP] Title`` a callout, any other
  block quote a quote (a last line starting with ``—`` is its source), a paragraph
  holding only ``![alt](src "caption"){width=50%}`` an image, a fenced block a code block
  (```` ```math ````: a display equation);
- ``{key=value .class}`` alone on the line after a block sets its keys (``short``,
  ``only``, ``skip``, ``new_slide``, ``notes``, ``lang`` ...); indented under a list item or
  a definition, that item's; at the end of a heading, the section's; at the end of a
  table cell, the cell's short form;
- fenced divs: ``::: notes`` (right under a heading, the section's speaker notes; after a
  block, the block's), ``:::: columns {widths="2,3"}`` holding a ``::: column`` per column,
  ``::: questions``, ``::: glossary``, ``::: takeaways``, ``::: objectives``, ``::: sources``.
"""

from __future__ import annotations

import functools
import re
import string
import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from html.entities import html5
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .errors import LessonError, Problem
from .inline import MATH, Run, parse_inline
from .load import Loc, SourceMap, _without_tags, parse, text_problem
from .model import BLOCK_KINDS, closest, counted

if TYPE_CHECKING:
    from markdown_it import MarkdownIt
    from markdown_it.rules_core import StateCore
    from markdown_it.token import Token

MARKDOWN_SUFFIXES = (".md", ".markdown")

# The front matter: '---' on the first line, YAML, then '---' (or '...').
FRONT_MATTER = re.compile(r"\A\ufeff?---[ \t]*\r?\n(.*?)^(?:---|\.\.\.)[ \t]*$", re.S | re.M)
TITLE_KEY = re.compile(r"^title[ \t]*:", re.M)

# '{...}' holding attributes (a quoted value may hold braces); '{{' starts a template.
_ATTRS = r"\{(?![{%#])(?:[^{}\"]|\"(?:\\.|[^\"\\])*\")*\}"
ATTRIBUTE_LINE = re.compile(rf"^\s*(?:>\s*)*({_ATTRS})\s*$")
TRAILING_ATTRIBUTES = re.compile(rf"\s+({_ATTRS})\s*$")
ATTRIBUTE = re.compile(
    r"\s*(?:\.(?P<cls>[\w-]+)|#[\w-]+|(?P<key>[A-Za-z_][\w:-]*)="
    r"(?:\"(?P<quoted>(?:\\.|[^\"\\])*)\"|(?P<bare>[^\s\"}]+)))\s*"
)
VALUE_ESCAPE = re.compile(r"\\([\"\\{}n])")
CELL_BORDER = re.compile(r"(?<!\\)\|")  # as markdown-it splits a table row
CLOSING_DIV = re.compile(r"^\s*:{3,}\s*$")
ALERT = re.compile(r"^\[!(?P<kind>[A-Za-z]+)\][ \t]*(?P<title>.*)$")
SOURCE_LINE = re.compile(r"^(?:—|―|--)\s*(?P<source>\S.*)$")
TERM_ITEM = re.compile(r"^\*\*(?P<term>[^*](?:.*?[^*])?)\*\*\s+[–—-]\s+(?P<text>\S.*)$", re.S)
TASK_ITEM = re.compile(r"^\s*(?:>\s*)*(?:[-*+]|\d+[.)])\s+\[(?P<mark>[ xX])\]")
ANSWER = re.compile(r"^(?:\*\*)?(?P<label>[A-Za-z]+)\s*:(?:\*\*)?\s*(?P<text>.*)$", re.S)
HARD_BREAK = re.compile(r"(?: {2,}|\\)\n")
# A '\' ending a text (not an escaped '\\') is a line break there too: a text may end in one.
FINAL_BREAK = re.compile(r"(?<!\\)(?:\\\\)*\\\Z")
# A reference link, '[text][label]', '[label][]' or '[label]', that a definition
# ('[label]: https://...') elsewhere in the file gives its address; not an inline link.
REFERENCE_LINK = re.compile(
    r"(?<![\\!])\[(?P<text>(?:\\.|[^\[\]\\])+)\]"
    r"(?:\[(?P<label>(?:\\.|[^\[\]\\])*)\])?(?![(\[])"
)
# The few HTML tags Markdown authors write inside text, and the lesson syntax each is:
# '<br>' a line break, '<sub>2</sub>' a subscript ... (not after a backslash).
INLINE_HTML = re.compile(
    r"(?<!\\)<(?:(?P<br>br\s*/?)|(?P<tag>sub|sup|b|strong|i|em)>(?P<inner>[^<>]*?)</(?P=tag))>",
    re.I,
)
HTML_MARKUP = {"sub": "~", "sup": "^", "b": "**", "strong": "**", "i": "*", "em": "*"}
# A '<' that would start one of those tags, for the writer to escape.
HTML_LIKE = re.compile(r"(?<!\\)<(?=(?:br\s*/?|/?(?:sub|sup|b|strong|i|em))>)", re.I)
# A footnote's mark or the start of its note ('[^1]', '[^1]:'), not after a backslash.
FOOTNOTE = re.compile(r"(?<!\\)(?:\\\\)*(\[\^[^\[\]\s]+\]:?)")
# A '[' (and the backslashes before it) that would start a footnote's mark, for the writer.
FOOTNOTE_LIKE = re.compile(r"(\\*)\[(?=\^[^\[\]\s]+\])")
# What an address may not hold where the inline parser reads one: written as %XX.
UNSAFE_IN_HREF = re.compile(r"[\s()]")
# Code spans and maths, whose backslashes are the code's and the TeX's, not escapes.
VERBATIM = re.compile(r"(`+).+?\1|" + MATH, re.S)
# A picture written inside text; an odd number of backslashes before its '!' escapes it.
PICTURE = re.compile(r"(?<!\\)(?:\\\\)*(!\[[^\]\n]*\]\([^)\n]*\))")
ESCAPE = re.compile(r"\\([!-/:-@\[-`{-~])(?=(.?))", re.S)
# A character reference, as CommonMark reads one: a number, or a name HTML knows.
ENTITY = r"&(?:#[0-9]{1,7}|#[xX][0-9a-fA-F]{1,6}|[A-Za-z][A-Za-z0-9]{1,31});"
UNESCAPE = re.compile(f"{ESCAPE.pattern}|(?P<entity>{ENTITY})", re.S)
ENTITY_START = re.compile(f"&(?={ENTITY[1:]})")
# Escapes that keep a line from starting a list, a code fence or a rule, undone although
# the inline parser knows them: a '*' before a space, a ')' after a number, the first of
# three backticks or tildes, or of a line of '*' or '_', is the same text either way.
LIST_ESCAPE = re.compile(
    r"^(\d*)\\([*)](?=\s|$)|`(?=``)|~(?=~~)|([*_])(?=(?:\s*\3){2,}\s*$))", re.M
)

ALERT_KINDS = {"NOTE": "note", "TIP": "tip", "WARNING": "warning", "EXAMPLE": "example"}
LIST_FIELDS = ("objectives", "takeaways", "sources")
DOCUMENT_DIVS = (*LIST_FIELDS, "glossary", "questions")
DIV_NAMES = ("notes", "columns", "column", *DOCUMENT_DIVS)
ANSWER_LABELS = ("Answer", "Explanation")
# Attributes that hold a list, written "a b" or "a,b".
LIST_ATTRIBUTES = ("only", "skip", "widths")


def _kept_escapes() -> frozenset[str]:
    """Punctuation whose backslash escape the inline parser undoes itself (so it is kept)."""
    return frozenset(c for c in string.punctuation if parse_inline("\\" + c) == (Run(c),))


KEPT_ESCAPES = _kept_escapes()
LONE_BACKSLASH = re.compile(
    "\\\\(?=$|\n|[" + re.escape("".join(sorted(set(string.punctuation) - KEPT_ESCAPES))) + "])"
)


@functools.cache
def parser() -> MarkdownIt:
    """markdown-it with the plugins the lesson syntax uses (built once, on first use)."""
    from markdown_it import MarkdownIt
    from mdit_py_plugins.container import container_plugin
    from mdit_py_plugins.deflist import deflist_plugin
    from mdit_py_plugins.dollarmath import dollarmath_plugin
    from mdit_py_plugins.front_matter import front_matter_plugin
    from mdit_py_plugins.tasklists import tasklists_plugin

    md = MarkdownIt("commonmark", {"maxNesting": 40}).enable("table")
    md.use(front_matter_plugin).use(deflist_plugin).use(dollarmath_plugin)
    md.use(tasklists_plugin)
    md.use(container_plugin, "div", validate=lambda params, markup: bool(params.strip()))
    # Text reaches the model as its source: inline parsing has only to find images (and
    # code spans, whose content is never an image) and the task lists' '[x]'. The rest
    # would be thrown away, so only text that may hold those is parsed at all.
    md.inline.ruler.enableOnly(["text", "newline", "escape", "backticks", "image"])
    md.inline.ruler2.enableOnly(["balance_pairs", "fragments_join"])
    md.core.ruler.at("inline", _parse_inline_where_needed)
    md.normalizeLink = lambda url: url  # image paths stay as written (resolved by the build)
    md.validateLink = lambda url: True
    return md


def _parse_inline_where_needed(state: StateCore) -> None:
    """markdown-it's inline step, for the text that may hold an image or a task's '[x]'."""
    for token in state.tokens:
        if token.type == "inline":
            token.children = []
            if "![" in token.content or token.content.startswith("["):
                state.md.inline.parse(token.content, state.md, state.env, token.children)


def is_markdown(path: Path) -> bool:
    return path.suffix.lower() in MARKDOWN_SUFFIXES


def is_lesson(path: Path) -> bool:
    """Whether a Markdown file found in a folder is a lesson: front matter holding ``title``.

    A README or notes file beside the lessons has none, and is skipped.
    """
    try:
        head = path.read_text(encoding="utf-8", errors="replace")
    except OSError:
        return True  # unreadable: let the loader say why
    found = FRONT_MATTER.match(head)
    return bool(found and TITLE_KEY.search(found.group(1)))


@dataclass
class Node:
    """A block of markdown-it's token stream with what it holds: an ``_open`` token, its
    children, and no ``_close`` token. Blocks without children (a paragraph's inline
    text, a fence) stay markdown-it tokens, which have the same fields."""

    type: str
    tag: str
    map: list[int] | None
    info: str
    markup: str
    attrs: dict[str, str | int | float]
    children: list[Any] = field(default_factory=list)
    content: str = ""


def block_tree(tokens: list[Token]) -> list[Any]:
    """The top-level blocks of a token stream, nested (markdown-it's SyntaxTreeNode does
    this too, but also for every inline token, which costs more than the mapping)."""
    root: list[Any] = []
    open_children = [root]
    for token in tokens:
        if token.nesting == 1:
            node = Node(
                token.type.removesuffix("_open"),
                token.tag,
                token.map,
                token.info,
                token.markup,
                token.attrs,
            )
            open_children[-1].append(node)
            open_children.append(node.children)
        elif token.nesting == -1:
            open_children.pop()
        else:
            open_children[-1].append(token)
    return root


@dataclass
class MarkdownSourceMap(SourceMap):
    """Where each value of a Markdown lesson sits: body values by path, front matter by node."""

    places: dict[tuple[str | int, ...], tuple[int, int]] = field(default_factory=dict)

    def position(self, loc: Loc, *, key: bool = False) -> tuple[int | None, int | None]:
        parts = tuple(_without_tags(loc))
        for end in range(len(parts), 0, -1):
            place = self.places.get(parts[:end])
            if place is not None:
                return place
        if self.root is None:
            return 2, 1  # the front matter is empty: what is missing goes on its first line
        return super().position(loc, key=key)


def read_markdown(path: Path, text: str) -> tuple[dict[str, Any], MarkdownSourceMap]:
    """A Markdown lesson's data (as the YAML form would hold it) and its source map."""
    return Reader(path, text).read()


Attributes = dict[str, Any]
Place = tuple[int, int]


@dataclass
class Attrs:
    """Attributes written ``{.class key=value}``, each with where it was written."""

    values: Attributes
    places: dict[str, Place]
    classes: list[str]
    place: Place


class Reader:
    """One Markdown lesson being mapped; problems are collected and raised together."""

    def __init__(self, path: Path, text: str) -> None:
        self.path = path
        self.text = text
        self.lines = re.split(r"\r\n?|\n", text)  # markdown-it's lines (not str.splitlines')
        self.places: dict[tuple[str | int, ...], Place] = {}
        self.problems: list[Problem] = []
        self.trailing: list[Attrs] = []
        """Attributes on the line after the block being read, found inside it."""
        self.title_level = 2
        """The level of a block title in the section being read (and in its columns)."""
        self.block_readers: dict[str, Callable[[Node, Loc], dict[str, Any] | None]] = {
            "paragraph": self.paragraph,
            "bullet_list": self.list_block,
            "ordered_list": self.list_block,
            "table": self.table,
            "dl": self.terms,
            "blockquote": self.blockquote,
            "fence": self.code,
            "code_block": self.code,
            "math_block": self.math,
            "math_block_label": self.math,
            "container_div": self.columns,
        }

    # -- the whole file -----------------------------------------------------------

    def read(self) -> tuple[dict[str, Any], MarkdownSourceMap]:
        env: dict[str, Any] = {}
        nodes = block_tree(parser().parse(self.text, env))
        self.references: dict[str, dict[str, str]] = env.get("references", {})
        if not nodes or nodes[0].type != "front_matter":
            self.no_front_matter()
        data, yaml_map = self.front_matter(nodes[0])
        body = Body(self, data)
        for node in nodes[1:]:
            body.add(node)
        body.finish()
        if self.problems:
            raise LessonError(sorted(self.problems, key=lambda p: (p.line or 0, p.column or 0)))
        return data, MarkdownSourceMap(self.path, yaml_map.root, self.places)

    def no_front_matter(self) -> None:
        first = self.lines[0].strip() if self.lines else ""
        if first.lstrip("\ufeff") == "---":
            raise LessonError.at(
                self.path,
                "the front matter opened here is never closed; add a '---' line after its last key",
                1,
                1,
            )
        raise LessonError.at(
            self.path,
            "a Markdown lesson starts with front matter: a '---' line, 'title: ...', and"
            " another '---' line",
            1,
            1,
        )

    def front_matter(self, node: Node) -> tuple[dict[str, Any], SourceMap]:
        content = node.content
        if not re.search(r"^[^#\s]", content, re.M):
            return {}, SourceMap(self.path)
        # Padded with the lines above it, so YAML's own marks are the .md file's lines.
        data, source = parse(self.path, "\n" * (node.map[0] + 1) + content)
        if not isinstance(data, dict):
            raise LessonError.at(
                self.path,
                "the front matter holds keys like 'title: ...', one a line, not a list or text",
                node.map[0] + 2,
                1,
            )
        return data, source

    # -- places and problems ------------------------------------------------------

    def at(self, line: int, column: int | None = None) -> Place:
        """1-based place of a 0-based *line* (its first character when no *column*)."""
        text = self.lines[line] if line < len(self.lines) else ""
        if column is None:
            column = len(text) - len(text.lstrip())
        return line + 1, column + 1

    def place(self, loc: Loc, place: Place) -> None:
        self.places[tuple(loc)] = place

    def problem(self, place: Place, message: str) -> None:
        self.problems.append(Problem(self.path, message, *place))

    def node_place(self, node: Node) -> Place:
        return self.at(node.map[0]) if node.map else (None, None)  # type: ignore[return-value]

    # -- text ---------------------------------------------------------------------

    def text_of(self, content: str, place: Place) -> str:
        """Inline source as the YAML form holds it: soft breaks are spaces, hard breaks
        newlines, and escapes of characters the inline parser does not know are undone."""
        if "<" in content:
            content = _outside_verbatim(content, lambda part: INLINE_HTML.sub(_as_markup, part))
        if FINAL_BREAK.search(content):
            content = content[:-1] + "\0"
        lines = HARD_BREAK.sub("\0", content).split("\n")
        joined = " ".join(line.strip() for line in lines).replace("\0", "\n")
        text = "\n".join(line.strip() for line in joined.split("\n"))
        text = LIST_ESCAPE.sub(r"\1\2", self.linked(_unescape(text)))
        if message := text_problem(text):
            self.problem(place, message)
        # A picture would show as '!' and a link to the file (the README allows one only
        # alone in its paragraph, an image block); a footnote as its mark, '[^1]', and
        # its note as a paragraph of its own, and lessons have no footnotes.
        self.refuse(PICTURE, content, place, _picture_in_text)
        self.refuse(FOOTNOTE, content, place, _footnote)
        return text

    def linked(self, text: str) -> str:
        """*text* with its reference links written as the inline links the inline parser
        reads: ``[the docs][docs]`` and a ``[docs]: https://...`` line below it are
        ``[the docs](https://...)``. A label no definition has stays as written."""
        if "[" not in text or not self.references:
            return text
        from markdown_it.common.utils import normalizeReference  # loaded with the parser

        def inline_link(found: re.Match[str]) -> str:
            label = found.group("label") or found.group("text")
            reference = self.references.get(normalizeReference(label))
            if reference is None:
                return found.group()
            href = UNSAFE_IN_HREF.sub(lambda c: f"%{ord(c.group()):02X}", reference["href"])
            return f"[{found.group('text')}]({href})" if href else found.group("text")

        return _outside_verbatim(text, lambda part: REFERENCE_LINK.sub(inline_link, part))

    def refuse(
        self, pattern: re.Pattern[str], content: str, place: Place, say: Callable[[str], str]
    ) -> None:
        """What *say* says of the first thing *pattern* finds in *content* (its group 1),
        outside code and maths, located where it is written."""
        found = pattern.search(VERBATIM.sub(lambda span: " " * len(span.group()), content))
        if found is not None:
            written = content[found.start(1) : found.end(1)]
            self.problem(self.written_at(written, place), say(written))

    def written_at(self, snippet: str, place: Place) -> Place:
        """Where *snippet* is written, at *place* or on a line below it (else *place*)."""
        for line in range(place[0] - 1, len(self.lines)):
            column = self.lines[line].find(snippet)
            if column >= 0:
                return self.at(line, column)
        return place

    def split_attributes(self, node: Node, content: str) -> tuple[str, list[tuple[Attrs, int]]]:
        """A paragraph's *content* without its last lines that are ``{...}``, and those
        attributes with their line's indentation (0: the block's, more: an item's)."""
        lines = content.split("\n")
        found = []
        while len(lines) > 1 and ATTRIBUTE_LINE.match(lines[-1]):
            line = node.map[0] + len(lines) - 1
            source = self.lines[line]
            start = source.index("{")
            attrs = self.attributes(ATTRIBUTE_LINE.match(source).group(1), line, start)
            if attrs is not None:
                found.insert(0, (attrs, len(source) - len(source.lstrip())))
            lines.pop()
        return "\n".join(lines), found

    def route(self, found: list[tuple[Attrs, int]], item: dict[str, Any] | None, loc: Loc) -> None:
        """Indented attributes set *item*'s keys; the others, the block's."""
        for attrs, indent in found:
            if indent and item is not None:
                self.apply(item, attrs, loc)
            else:
                self.trailing.append(attrs)

    def attributes(self, text: str, line: int, column: int) -> Attrs | None:
        """``{.class key=value key="a value"}``, as pandoc writes attributes (``{width=50%}``)."""
        inner = text.strip()[1:-1]
        source = self.lines[line]
        values: Attributes = {}
        places: dict[str, Place] = {}
        classes: list[str] = []
        pos = 0
        while pos < len(inner):
            found = ATTRIBUTE.match(inner, pos)
            if found is None:
                self.problem(
                    self.at(line, column + 1 + pos),
                    f"'{inner[pos:].strip()[:30]}' is not an attribute; write them as"
                    ' {key="value" .class}, or start the line with \\{ to show the braces as'
                    " text",
                )
                return None
            pos = found.end()
            if found["cls"]:
                classes.append(found["cls"])
            elif found["key"]:
                value = found["bare"] if found["quoted"] is None else found["quoted"]
                values[found["key"]] = VALUE_ESCAPE.sub(_unescape_value, value)
                where = source.find(found["key"], column)
                places[found["key"]] = self.at(line, where if where >= 0 else column)
        return Attrs(values, places, classes, self.at(line, column))

    def apply(self, target: dict[str, Any], attrs: Attrs, loc: Loc) -> None:
        """Set *attrs* on *target* (a block, item or term); the model judges the keys."""
        for name in attrs.classes:
            self.problem(attrs.place, f"'.{name}' means nothing here; remove it")
        for key, value in attrs.values.items():
            if key in LIST_ATTRIBUTES:
                value = [part for part in re.split(r"[,\s]+", value) if part]
            target[key] = value
            self.place((*loc, key), attrs.places[key])

    # -- blocks -------------------------------------------------------------------

    def block(self, node: Node, loc: Loc) -> dict[str, Any] | None:
        reader = self.block_readers.get(node.type)
        if reader is None:
            self.problem(self.node_place(node), _UNKNOWN_NODES.get(node.type, _UNKNOWN))
            return None
        self.place(loc, self.node_place(node))
        self.trailing = []
        block = reader(node, loc)
        trailing, self.trailing = self.trailing, []
        for attrs in trailing if block is not None else ():
            self.apply_block_attributes(block, attrs, loc)
        return block

    def paragraph(self, node: Node, loc: Loc) -> dict[str, Any] | None:
        inline = node.children[0]
        content, found = self.split_attributes(node, inline.content)
        image = self.image(node, inline, loc)
        if image is not None:
            block = image
        else:
            block = {"text": self.text_of(content, self.node_place(node))}
            self.place((*loc, "text"), self.node_place(node))
        self.route(found, None, loc)
        return block

    def image(self, node: Node, inline: Node, loc: Loc) -> dict[str, Any] | None:
        """A paragraph holding one image (and perhaps its attributes) is an image block."""
        children = inline.children
        if not children or children[0].type != "image":
            return None
        line = []  # what follows the image on its line: nothing, or {width=50%}
        for child in children[1:]:
            if child.type == "softbreak":
                break
            line.append(child.content)
        rest = "".join(line).strip()
        trailing = re.fullmatch(_ATTRS, rest) if rest else None
        below = inline.content.split("\n")[1:]
        if (rest and not trailing) or not all(ATTRIBUTE_LINE.match(text) for text in below):
            return None
        picture = children[0]
        place = self.node_place(node)
        body: dict[str, Any] = {
            "src": str(picture.attrs.get("src", "")),
            "alt": _plain(picture.content),
        }
        if picture.attrs.get("title"):
            body["caption"] = picture.attrs["title"]
        if not picture.content.strip():
            self.problem(
                place,
                "this image has no alt text; describe what it shows between the brackets:"
                " ![A map of the member countries](map.png)",
            )
        block = {"image": body}
        for key in ("image", "src", "alt", "caption"):
            self.place((*loc, "image", key) if key != "image" else (*loc, key), place)
        if trailing:
            source = self.lines[node.map[0]]
            attrs = self.attributes(trailing.group(), node.map[0], source.rfind("{"))
            self.trailing.extend([attrs] if attrs else [])
        return block

    def apply_block_attributes(self, block: dict[str, Any], attrs: Attrs, loc: Loc) -> None:
        """A block's attributes: ``short`` goes where the block kind keeps it."""
        kind = next(key for key in block if key in BLOCK_KINDS)
        body = block[kind]
        inner = {
            "callout": ("short",),
            "image": ("width",),
            "math": ("alt",),
            "columns": ("widths",),
        }.get(kind, ())
        moved = {key: attrs.values.pop(key) for key in inner if key in attrs.values}
        if moved:
            self.apply(body, Attrs(moved, attrs.places, [], attrs.place), (*loc, kind))
        self.apply(block, attrs, loc)

    def list_block(self, node: Node, loc: Loc) -> dict[str, Any] | None:
        items = [
            self.list_item(child, (*loc, "list", "items", index))
            for index, child in enumerate(node.children)
        ]
        body: dict[str, Any] = {"items": items, **_numbering(node)}
        block = {"list": body}
        self.place((*loc, "list"), self.node_place(node))
        return block

    def list_item(self, node: Node, loc: Loc) -> dict[str, Any]:
        item: dict[str, Any] = {}
        place = self.node_place(node)
        self.place(loc, place)
        paragraphs = []
        for child in node.children:
            if child.type == "paragraph":
                paragraphs.append(self.item_paragraph(child, item, loc))
            elif child.type in ("bullet_list", "ordered_list") and "items" not in item:
                item["items"] = [
                    self.list_item(grandchild, (*loc, "items", index))
                    for index, grandchild in enumerate(child.children)
                ]
                item.update(_numbering(child))
                self.place((*loc, "items"), self.node_place(child))
            else:
                self.problem(
                    self.node_place(child),
                    "a list item holds text and one nested list only; end the list before this",
                )
        if not paragraphs:
            self.problem(place, "this list item has no text; write it or remove the line")
            paragraphs.append("")
        text = "\n\n".join(paragraphs)
        found = TERM_ITEM.match(text)
        if found:
            item["term"], text = found.group("term"), found.group("text")
            self.place((*loc, "term"), place)
        item["text"] = self.checkbox(node) + text
        self.place((*loc, "text"), place)
        return item

    def checkbox(self, item: Node) -> str:
        """The box a task-list item ('- [ ] Pack a lunch') is ticked in, as GitHub shows
        it, for a checklist (markdown-it takes the '[ ]' off its text); none for another
        item. In ``::: questions`` the box marks a choice instead."""
        line = self.lines[item.map[0]]
        found = TASK_ITEM.match(line)
        if found is None or line[found.end() : found.end() + 1] not in ("", " ", "\t"):
            return ""
        return "☐ " if found.group("mark") == " " else "☑ "

    def item_paragraph(self, node: Node, item: dict[str, Any], loc: Loc) -> str:
        """One paragraph of an item; an indented ``{...}`` line under it sets the item's keys,
        an unindented one (after the list's last item) the list block's."""
        content, found = self.split_attributes(node, node.children[0].content)
        self.route(found, item, loc)
        return self.text_of(content, self.node_place(node))

    def table(self, node: Node, loc: Loc) -> dict[str, Any] | None:
        head, *bodies = node.children
        header = self.row(head.children[0])
        rows = [self.row(tr) for body in bodies for tr in body.children]
        row_nodes = [tr for body in bodies for tr in body.children]
        while row_nodes and ATTRIBUTE_LINE.match(self.lines[row_nodes[-1].map[0]]):
            line = row_nodes.pop().map[0]
            rows.pop()
            source = self.lines[line]
            attrs = self.attributes(ATTRIBUTE_LINE.match(source).group(1), line, source.index("{"))
            self.trailing[:0] = [attrs] if attrs else []
        compare = any("compare" in attrs.classes for attrs in self.trailing)
        for attrs in self.trailing:
            attrs.classes = [name for name in attrs.classes if name != "compare"]
        if compare:
            block = self.compare(header, rows, row_nodes, loc)
        else:
            block = self.plain_table(header, rows, row_nodes, loc)
            block["table"].update(_alignment(head.children[0]))
        self.place((*loc, "table" if not compare else "compare"), self.node_place(node))
        return block

    def row(self, tr: Node) -> list[tuple[str, Attrs | None]]:
        """The cells of a table row: text, and attributes written at the cell's end."""
        cells = []
        line = tr.map[0]
        source = self.lines[line]
        written = _cell_count(source)
        if written != len(tr.children) and not ATTRIBUTE_LINE.match(source):
            self.problem(
                self.at(line),
                f"this row has {counted(written, 'cell')} but the table has"
                f" {len(tr.children)} columns;"
                " give one cell per column (a '|' inside a cell is written '\\|')",
            )
        for cell in tr.children:
            content = cell.children[0].content if cell.children else ""
            trailing = TRAILING_ATTRIBUTES.search(content)
            attrs = None
            if trailing:
                column = source.find(trailing.group(1))
                attrs = self.attributes(trailing.group(1), line, max(column, 0))
                content = content[: trailing.start()]
            cells.append((self.text_of(content, self.at(line)), attrs))
        return cells

    def plain_table(self, header, rows, row_nodes, loc: Loc) -> dict[str, Any]:
        for number, tr in enumerate(row_nodes):
            self.place((*loc, "table", "rows", number), self.at(tr.map[0]))
        for attrs in (attrs for row in [header, *rows] for _, attrs in row):
            if attrs is not None:
                self.problem(attrs.place, "only the cells of a {.compare} table take attributes")
        return {
            "table": {
                "header": [text for text, _ in header],
                "rows": [[text for text, _ in row] for row in rows],
            }
        }

    def compare(self, header, rows, row_nodes, loc: Loc) -> dict[str, Any]:
        out = []
        for number, (row, tr) in enumerate(zip(rows, row_nodes, strict=True)):
            row_loc = (*loc, "compare", "rows", number)
            self.place(row_loc, self.at(tr.map[0]))
            aspect, *cells = row
            entry: dict[str, Any] = {"values": [text for text, _ in cells]}
            if aspect[0]:
                entry["aspect"] = aspect[0]
            shorts = [attrs.values.pop("short", None) if attrs else None for _, attrs in cells]
            for _, attrs in row:
                if attrs is not None and (attrs.values or attrs.classes):
                    self.problem(attrs.place, 'a cell takes only {short="..."}; remove the rest')
            if any(short is not None for short in shorts):
                if None in shorts:
                    self.problem(
                        self.at(tr.map[0]),
                        "some cells of this row have a short form and some not; give each"
                        ' cell a {short="..."} or none',
                    )
                entry["short"] = [short or "" for short in shorts]
            out.append(entry)
        return {"compare": {"columns": [text for text, _ in header[1:]], "rows": out}}

    def terms(self, node: Node, loc: Loc) -> dict[str, Any] | None:
        return {"terms": self.definitions(node, (*loc, "terms"), loc)}

    def definitions(self, node: Node, loc: Loc, block_loc: Loc | None) -> list[dict[str, Any]]:
        """A definition list's terms; an unindented ``{...}`` after the last sets *block_loc*'s."""
        terms: list[dict[str, Any]] = []
        for child in node.children:
            place = self.node_place(child)
            if child.type == "dt":
                terms.append({"term": self.text_of(child.children[0].content, place)})
                self.place((*loc, len(terms) - 1), place)
                continue
            term = terms[-1]
            if "definition" in term:
                self.problem(place, "a term takes one definition; join the two into one")
                continue
            paragraphs = []
            for part in child.children:
                if part.type != "paragraph":
                    self.problem(
                        self.node_place(part),
                        "a definition holds text only; end the list before this",
                    )
                    continue
                content, found = self.split_attributes(part, part.children[0].content)
                if block_loc is None:  # the glossary: no block to give attributes to
                    found = [(attrs, 1) for attrs, _ in found]
                self.route(found, term, (*loc, len(terms) - 1))
                paragraphs.append(self.text_of(content, self.node_place(part)))
            term["definition"] = "\n\n".join(paragraphs)
            self.place((*loc, len(terms) - 1, "definition"), place)
        return terms

    def blockquote(self, node: Node, loc: Loc) -> dict[str, Any] | None:
        paragraphs: list[tuple[Node, str]] = []
        for child in node.children:
            if child.type != "paragraph":
                self.problem(
                    self.node_place(child),
                    "a quote or callout holds paragraphs only; end it ('>') before this",
                )
                continue
            content, found = self.split_attributes(child, child.children[0].content)
            self.route(found, None, loc)
            paragraphs.append((child, content))
        if not paragraphs:
            return None
        first, first_text = paragraphs[0]
        head, _, rest = first_text.partition("\n")
        alert = ALERT.match(head)
        if alert:
            block = self.callout(alert, first, [(first, rest), *paragraphs[1:]], loc)
        else:
            block = self.quote(paragraphs, loc)
        return block

    def callout(self, alert: re.Match[str], first, paragraphs, loc: Loc) -> dict[str, Any] | None:
        place = self.node_place(first)
        kind = ALERT_KINDS.get(alert.group("kind").upper())
        if kind is None:
            written = alert.group("kind").upper()
            hint = closest(written, list(ALERT_KINDS))
            message = f"'[!{alert.group('kind')}]' is not a callout kind; use "
            message += ", ".join(f"[!{name}]" for name in ALERT_KINDS)
            if hint:
                message += f" (did you mean [!{hint}]?)"
            self.problem((place[0], place[1] + 2), message)
            return None
        body: dict[str, Any] = {"kind": kind}
        if alert.group("title").strip():
            body["title"] = self.text_of(alert.group("title"), place)
        texts = [self.text_of(text, place) for _, text in paragraphs if text.strip()]
        body["text"] = "\n\n".join(texts)
        if not texts:
            self.problem(place, "this callout has no text; write it on the lines under '> [!...]'")
        self.place((*loc, "callout"), place)
        return {"callout": body}

    def quote(self, paragraphs, loc: Loc) -> dict[str, Any]:
        last, last_text = paragraphs[-1]
        *lines, final = last_text.split("\n")
        source = SOURCE_LINE.match(final.strip())
        body: dict[str, Any] = {}
        if source:
            body["source"] = self.text_of(source.group("source"), self.at(last.map[1] - 1))
            self.place((*loc, "quote", "source"), self.at(last.map[1] - 1))
            paragraphs = [*paragraphs[:-1], (last, "\n".join(lines))]
        texts = [self.text_of(text, self.node_place(node)) for node, text in paragraphs]
        body = {"text": "\n\n".join(text for text in texts if text), **body}
        self.place((*loc, "quote"), self.node_place(paragraphs[0][0]))
        return {"quote": body}

    def code(self, node: Node, loc: Loc) -> dict[str, Any] | None:
        if node.type == "fence" and not self.closed_fence(node):
            return None
        body: dict[str, Any] = {"text": node.content.removesuffix("\n")}
        language = node.info.split()[0] if node.info.strip() else ""
        if language == "math":  # a display equation, as GitHub writes one
            return {"math": {"tex": body["text"].strip()}}
        if language:
            body["language"] = language
        return {"code": body}

    def closed_fence(self, node: Node) -> bool:
        last = node.map[1] - 1
        closing = self.lines[last].strip() if last > node.map[0] else ""
        if closing.startswith(node.markup) and not closing.strip(node.markup[0]):
            return True
        self.problem(
            self.node_place(node),
            f"the {node.markup} fence opened here is never closed; add a line holding"
            f" {node.markup} after the code",
        )
        return False

    def math(self, node: Node, loc: Loc) -> dict[str, Any] | None:
        """``$$...$$`` alone is a text holding display math, as in the YAML form; a math
        block (with its own ``alt``) is a ```` ```math ```` fence."""
        self.place((*loc, "text"), self.node_place(node))
        return {"text": f"$${node.content}$$"}

    def columns(self, node: Node, loc: Loc) -> dict[str, Any] | None:
        """``:::: columns {widths="2,3"}`` holding one ``::: column`` div per column."""
        name, attrs = self.div_name(node)
        if name != "columns":
            self.problem(
                self.node_place(node),
                f"'::: {name}' cannot stand among the blocks of a section;"
                + (" put it inside ':::: columns'" if name == "column" else " move it out"),
            )
            return None
        columns = []
        for child in node.children:
            inner, inner_attrs = (
                self.div_name(child) if child.type == "container_div" else ("", None)
            )
            if inner != "column":
                self.problem(
                    self.node_place(child),
                    "':::: columns' holds '::: column' divs only; put this inside one",
                )
                continue
            if not self.closed_div(child, within=node.map[1]):
                continue
            if inner_attrs is not None:
                self.problem(
                    inner_attrs.place,
                    "a column takes no attributes; give the widths of all columns on the"
                    " columns div: ':::: columns {widths=\"2,3\"}'",
                )
            column_loc = (*loc, "columns", "blocks", len(columns))
            self.place(column_loc, self.node_place(child))
            run = BlockRun(self, column_loc, self.title_level, within=child.map[1])
            for grandchild in child.children:
                run.add(grandchild)
            run.close()
            columns.append(run.blocks)
        if attrs is not None:  # widths, and any key of the block itself
            self.trailing.append(attrs)
        return {"columns": {"blocks": columns}}

    def notes_text(self, node: Node) -> str:
        """The text of a ``::: notes`` div: its paragraphs (``$$...$$`` alone is one too)."""
        texts = []
        for child in node.children:
            if child.type in ("math_block", "math_block_label"):
                texts.append(f"$${child.content}$$")
            elif child.type != "paragraph":
                self.problem(self.node_place(child), "notes hold paragraphs only")
            else:
                texts.append(self.text_of(child.children[0].content, self.node_place(child)))
        return "\n\n".join(texts)

    def heading(self, node: Node) -> Heading:
        """A heading's level, text and attributes; ``{.section}`` marks a subsection."""
        level = int(node.tag[1:])
        place = self.node_place(node)
        content = node.children[0].content if node.children else ""
        trailing = TRAILING_ATTRIBUTES.search(content)
        attrs = None
        if trailing:
            source = self.lines[node.map[0]]
            attrs = self.attributes(trailing.group(1), node.map[0], source.rfind("{"))
            content = content[: trailing.start()]
        text = self.text_of(content, place)
        is_section = level == 1
        if attrs is not None and "section" in attrs.classes:
            attrs.classes.remove("section")
            is_section = True
        return Heading(level, text, attrs, place, is_section)

    # -- fenced divs --------------------------------------------------------------

    def div_name(self, node: Node) -> tuple[str, Attrs | None]:
        """The name of a fenced div (``::: notes`` or ``::: {.column width=40%}``) and its
        other attributes."""
        info = node.info.strip()
        line = node.map[0]
        if info.startswith("{"):
            attrs = self.attributes(info, line, self.lines[line].find("{"))
            name = attrs.classes.pop(0) if attrs and attrs.classes else ""
            return name, attrs
        name, _, rest = info.partition(" ")
        rest = rest.strip()
        attrs = self.attributes(rest, line, self.lines[line].find("{")) if rest else None
        return name, attrs

    def closed_div(self, node: Node, within: int | None = None) -> bool:
        """Whether *node* has its own closing line: not the one of the div it is *within*
        (the line that div ends on), which markdown-it lets close both."""
        end = node.map[1]
        closed = end < len(self.lines) and CLOSING_DIV.match(self.lines[end])
        if closed and (within is None or end < within):
            return True
        markup = node.markup
        if closed:
            self.problem(
                self.node_place(node),
                f"the '{markup} {node.info.strip()}' opened here is never closed before the div"
                f" around it ends; add a line holding {markup} after its content, and give the"
                f" div around it more colons than {markup} (':::: columns' around '::: column')",
            )
            return False
        self.problem(
            self.node_place(node),
            f"the '{markup} {node.info.strip()}' opened here is never closed; add a line"
            f" holding {markup} after its content (a div holding another needs more colons,"
            " as in ':::: columns')",
        )
        return False


_UNKNOWN = "this kind of Markdown has no place in a lesson; remove it"
_UNKNOWN_NODES = {
    "hr": "a '---' line starts a new slide between a section's blocks, and has no meaning"
    " here; remove it",
    "html_block": "raw HTML cannot go into a handout, deck and cheat sheet; write it in Markdown",
    "heading": "this heading is not where a section or block title can be",
}


def _alignment(header: Node) -> dict[str, Any]:
    """The table's ``align``, from the colons of its rule (``|:--|--:|``); none when it
    has none."""
    found = [
        str(cell.attrs.get("style", "")).removeprefix("text-align:") for cell in header.children
    ]
    return {"align": [side or "left" for side in found]} if any(found) else {}


def _as_markup(found: re.Match[str]) -> str:
    """A tag as the lesson syntax writes it: '<br>' a line break (a NUL until the lines
    are joined), '<sup>2</sup>' '^2^'; one the syntax cannot say (a subscript holding a
    space) stays as written."""
    if found["br"] is not None:
        return "\0"
    marker, inner = HTML_MARKUP[found["tag"].lower()], found["inner"]
    scripted = marker in "~^"
    if not inner.strip() or (scripted and (re.search(r"\s", inner) or marker in inner)):
        return found.group()
    return f"{marker}{inner.strip() if not scripted else inner}{marker}"


def _picture_in_text(picture: str) -> str:
    return (
        "a picture must stand alone in its paragraph, not in a sentence, a list item or a"
        f" table cell; put '{picture}' on a line of its own, with a blank line above and"
        " below it"
    )


def _footnote(mark: str) -> str:
    return (
        f"'{mark}' is a footnote, which lessons do not have; put the note in the text, in"
        ' the block\'s notes ({notes="..."}) or under ::: sources, or write'
        f" '\\{mark}' to show it as it is"
    )


def _numbering(node: Node) -> dict[str, Any]:
    """How a list's items are counted, as the list block and a list item both say it:
    ``numbered``, and ``start`` where it is not 1 ("3." after a picture goes on from 3)."""
    if node.type != "ordered_list":
        return {}
    start = int(node.attrs.get("start", 1))
    return {"numbered": True, **({"start": start} if start != 1 else {})}


def _unescape_value(found: re.Match[str]) -> str:
    return "\n" if found.group(1) == "n" else found.group(1)


def _cell_count(line: str) -> int:
    """How many cells a table row's line holds, split as markdown-it splits it: at each
    '|' not after a backslash, a first and a last '|' being the row's borders."""
    line = line.strip()
    count = len(CELL_BORDER.findall(line)) + 1
    if line.startswith("|"):
        count -= 1
    if len(line) > 1 and line.endswith("|") and not line.endswith("\\|"):
        count -= 1
    return count


def _unescape(text: str) -> str:
    """Undo Markdown's backslash escapes of punctuation the inline parser does not know
    (``\\#``, ``1\\.``), and read its character references (``&amp;``, ``&#8212;``),
    outside code spans and maths; the escapes the inline parser knows (``\\*``) stay
    for it."""
    if "\\" not in text and "&" not in text:
        return text
    return _outside_verbatim(text, lambda part: UNESCAPE.sub(_unescape_one, part))


def _unescape_one(found: re.Match[str]) -> str:
    if found.group("entity"):  # shown as text, though the inline parser reads it as markup
        return "".join(f"\\{c}" if c in KEPT_ESCAPES else c for c in _referenced(found.group()))
    escaped, after = found.group(1), found.group(2)
    if escaped == "\\" and after not in KEPT_ESCAPES:
        return "\\"  # '\\\\|' in Markdown is the '\\|' the inline parser shows as it is
    if escaped == "[" and after == "^":
        return "["  # '\\[^1]' is kept from being a footnote, and '[^1]' is no markup
    return found.group() if escaped in KEPT_ESCAPES else escaped


def _plain(text: str) -> str:
    """Text no inline parser reads (alt text), its escapes and references undone."""
    return UNESCAPE.sub(
        lambda found: _referenced(found.group()) if found.group("entity") else found.group(1),
        text,
    )


def _referenced(reference: str) -> str:
    """What a character reference stands for, as CommonMark reads it; a name HTML does
    not know is no reference, and stands for itself."""
    name = reference[1:-1]
    if name.startswith("#"):
        code = int(name[2:], 16) if name[1] in "xX" else int(name[1:])
        usable = 0 < code <= sys.maxunicode and not 0xD800 <= code <= 0xDFFF
        return chr(code) if usable else "\ufffd"  # as CommonMark replaces them
    return html5.get(f"{name};", reference)


def protect_escapes(text: str) -> str:
    """*text* with each backslash that Markdown would read as an escape (before '|', '#'
    ... or at a line's end) doubled, each '&' that would start a character reference
    written as one (``&amp;``) and each '[' that would start a footnote's mark or '<' one
    of the tags the reader knows (``<br>``) escaped, outside code spans and maths: what
    the reader reads back as written."""
    if "\\" not in text and "&" not in text and "[^" not in text and "<" not in text:
        return text
    return _outside_verbatim(
        text,
        lambda part: HTML_LIKE.sub(
            r"\\<",
            FOOTNOTE_LIKE.sub(
                _escaped_bracket, literal_ampersands(LONE_BACKSLASH.sub(r"\\\\", part))
            ),
        ),
    )


def _escaped_bracket(found: re.Match[str]) -> str:
    """A '[' that would start a footnote's mark, escaped unless it is already (after an
    odd number of backslashes)."""
    slashes = found.group(1)
    return f"{slashes}[" if len(slashes) % 2 else f"{slashes}\\["


def literal_ampersands(text: str) -> str:
    """*text* with each '&' that Markdown would read as starting a character reference
    (``&copy;``) written as one, ``&amp;``, so that it reads back as written."""
    return ENTITY_START.sub("&amp;", text)


def _outside_verbatim(text: str, change: Callable[[str], str]) -> str:
    """*text* with *change* made to all but its code spans and maths, whose backslashes
    are their own (pandoc reads ``$1\\,\\text{km}$`` as TeX, not as an escaped comma)."""
    out = []
    pos = 0
    for span in VERBATIM.finditer(text):
        out.append(change(text[pos : span.start()]))
        out.append(span.group())
        pos = span.end()
    out.append(change(text[pos:]))
    return "".join(out)


@dataclass
class Heading:
    """A heading as written: its level, text, attributes and whether it opens a section."""

    level: int
    text: str
    attrs: Attrs | None
    place: Place
    is_section: bool


class BlockRun:
    """The blocks of one section or one column, in order. Around a block: a heading one
    level below the section titles the block under it, a ``{...}`` line right after it sets
    its keys, and a ``::: notes`` div after it holds its speaker notes (a section's
    ``::: notes``, before any block, holds the section's)."""

    def __init__(
        self,
        reader: Reader,
        loc: Loc,
        level: int,
        section: dict[str, Any] | None = None,
        within: int | None = None,
    ) -> None:
        self.reader = reader
        self.loc = tuple(loc)
        self.level = level
        """The level of a block title here (``##`` in a ``#`` section)."""
        self.section = section
        """The section whose blocks these are; None in a column."""
        self.within = within
        """The line a column's div ends on (its divs must close before it)."""
        self.blocks: list[dict[str, Any]] = []
        self.title: tuple[str, Place] | None = None
        self.last: tuple[dict[str, Any], tuple[str | int, ...], int] | None = None
        """The block just read, its location and the line after it."""
        self.slide_break: Place | None = None
        """Where a '---' line waits for the block it starts a slide with."""

    def add(self, node: Node) -> None:
        """Any node of a column; in a section, all but section headings and lesson divs."""
        reader = self.reader
        if node.type == "heading":
            self.add_title(reader.heading(node))
        elif node.type == "container_div" and reader.div_name(node)[0] == "notes":
            if reader.closed_div(node, self.within):
                self.notes(node)
        elif node.type == "html_block" and node.content.lstrip().startswith("<!--"):
            return  # a comment (also what keeps two lists of the same kind apart)
        elif node.type == "paragraph" and self.attributes_only(node):
            return
        elif node.type == "hr" and self.section is not None:
            self.add_slide_break(reader.node_place(node))
        else:
            self.add_block(node)

    def add_slide_break(self, place: Place) -> None:
        """A '---' line starts a new slide with the block below it, as in pandoc's and
        Marp's slide shows: ``new_slide`` on that block (only the deck changes)."""
        if self.title is not None:
            self.reader.problem(
                place, "a '---' line goes above a block's title, not between it and the block"
            )
        elif self.slide_break is not None:
            self.reader.problem(place, "two '---' lines in a row start one slide; keep one")
        else:
            self.slide_break = place

    def add_block(self, node: Node) -> None:
        reader = self.reader
        block_loc = (*self.loc, len(self.blocks))
        block = reader.block(node, block_loc)
        if block is None:
            self.title = None
            return
        if self.title is not None:
            block["title"] = self.title[0]
            reader.place((*block_loc, "title"), self.title[1])
            self.title = None
        if self.slide_break is not None:
            block["new_slide"] = True
            reader.place((*block_loc, "new_slide"), self.slide_break)
            self.slide_break = None
        self.blocks.append(block)
        end = node.map[1] + (1 if node.type == "container_div" else 0)  # after its ':::'
        self.last = (block, block_loc, end)

    def add_title(self, heading: Heading) -> None:
        reader = self.reader
        self.close()
        if heading.is_section:
            reader.problem(
                heading.place,
                "a section cannot start inside a column; end the columns ('::::') above it",
            )
            return
        if heading.attrs is not None and (heading.attrs.values or heading.attrs.classes):
            reader.problem(
                heading.attrs.place, "a block title takes no attributes; put them after the block"
            )
        if heading.level != self.level:
            wanted = "#" * self.level
            written = "#" * heading.level
            where = (
                f"a block title here is '{wanted} Title', a subsection '{written} Heading"
                " {.section}'"
                if self.section is not None
                else f"a block title in a column is '{wanted} Title'"
            )
            reader.problem(
                heading.place,
                f"a '{written} ' heading here is neither a section nor a block title; {where}",
            )
            return
        self.title = (heading.text, heading.place)

    def attributes_only(self, node: Node) -> bool:
        """A paragraph of only ``{...}``: the attributes of the block just above."""
        content = node.children[0].content
        if "\n" in content or not ATTRIBUTE_LINE.match(content):
            return False
        reader = self.reader
        line = node.map[0]
        attrs = reader.attributes(content.strip(), line, reader.lines[line].find("{"))
        if self.last is None or self.last[2] != line:
            reader.problem(
                reader.node_place(node),
                "these attributes follow no block; put them on the line right after the block"
                " they belong to (no blank line between)",
            )
        elif attrs is not None:
            reader.apply_block_attributes(self.last[0], attrs, self.last[1])
        return True

    def notes(self, node: Node) -> None:
        """``::: notes`` after a block: its notes; before the first, the section's."""
        reader = self.reader
        place = reader.node_place(node)
        if self.title is not None:
            reader.problem(
                place,
                "notes go after the block they are about, not between its title and the block",
            )
            return
        if self.last is not None:
            owner, loc, what = self.last[0], self.last[1], "block"
        elif self.section is not None:
            owner, loc, what = self.section, self.loc[:-1], "section"
        else:
            reader.problem(
                place, "notes in a column go after the block they are about; move this below one"
            )
            return
        if "notes" in owner:
            reader.problem(
                place,
                f"this {what} has notes already; keep one"
                + (" ({notes=...} or '::: notes')" if what == "block" else " '::: notes'"),
            )
            return
        owner["notes"] = reader.notes_text(node)
        reader.place((*loc, "notes"), place)

    def close(self) -> None:
        """The end of the run, or a heading: a pending block title or slide break has no
        block."""
        if self.title is not None:
            self.reader.problem(self.title[1], "this block title has no block under it; add one")
            self.title = None
        if self.slide_break is not None:
            self.reader.problem(
                self.slide_break,
                "this '---' line starts a slide with no block under it; add one, or remove"
                " it (a heading starts a slide of its own)",
            )
            self.slide_break = None


class Body:
    """The body's blocks in order, placed into sections, titles and document lists."""

    def __init__(self, reader: Reader, data: dict[str, Any]) -> None:
        self.reader = reader
        self.data = data
        self.in_front = set(data)
        self.stack: list[tuple[dict[str, Any], tuple[str | int, ...], BlockRun]] = []
        self.first_heading: Place | None = None

    @property
    def depth(self) -> int:
        return len(self.stack)

    def add(self, node: Node) -> None:
        reader = self.reader
        if node.type == "heading":
            self.heading(reader.heading(node))
        elif node.type == "container_div":
            self.div(node)
        elif not self.stack:
            if node.type == "html_block" and node.content.lstrip().startswith("<!--"):
                return
            reader.problem(
                reader.node_place(node),
                "this comes before the first '# Heading'; every block belongs to a section:"
                " add a heading above it",
            )
        else:
            self.add_to_section(node)

    def add_to_section(self, node: Node) -> None:
        section, _, run = self.stack[-1]
        if section.get("sections") and node.type != "html_block":
            self.reader.problem(
                self.reader.node_place(node),
                "a section's blocks come before its subsections; move this up, or under a"
                " subsection heading",
            )
            return
        run.add(node)
        if run.blocks:
            section["blocks"] = run.blocks

    def heading(self, heading: Heading) -> None:
        reader = self.reader
        if heading.is_section:
            if self.stack:
                self.stack[-1][2].close()
            self.open_section(heading)
        elif self.stack:
            self.stack[-1][2].add_title(heading)
        else:
            reader.problem(
                heading.place,
                f"a '{'#' * heading.level} ' heading here is neither a section nor a block"
                " title; start the lesson's first section with '# '",
            )

    def open_section(self, heading: Heading) -> None:
        reader = self.reader
        level, place = heading.level, heading.place
        if level - 1 > self.depth:
            reader.problem(
                place,
                f"this subsection has no '{'#' * (level - 1)} ' section above it; use"
                f" '{'#' * (self.depth + 1)} '",
            )
            return
        del self.stack[level - 1 :]
        if self.stack:
            parent, parent_loc, _ = self.stack[-1]
            siblings = parent.setdefault("sections", [])
            loc = (*parent_loc, "sections", len(siblings))
        else:
            if self.first_heading is None:
                self.first_heading = place
                if "sections" in self.in_front:
                    reader.problem(
                        place,
                        "sections are given in the front matter too; keep them in one place",
                    )
            siblings = self.data.setdefault("sections", [])
            loc = ("sections", len(siblings))
        section: dict[str, Any] = {"heading": heading.text}
        reader.place(loc, place)
        reader.place((*loc, "heading"), place)
        if heading.attrs is not None:
            reader.apply(section, heading.attrs, loc)
        siblings.append(section)
        self.stack.append((section, loc, BlockRun(reader, (*loc, "blocks"), level + 1, section)))
        reader.title_level = level + 1

    def div(self, node: Node) -> None:
        reader = self.reader
        if not reader.closed_div(node):
            return
        name, _ = reader.div_name(node)
        place = reader.node_place(node)
        if name not in DIV_NAMES:
            hint = closest(name, list(DIV_NAMES))
            reader.problem(
                place,
                f"'::: {name}' is not a div a lesson knows"
                + (f"; did you mean '::: {hint}'?" if hint else "")
                + f" (divs: {', '.join(DIV_NAMES)})",
            )
        elif name in DOCUMENT_DIVS:
            self.document_list(name, node, place)
        elif not self.stack:
            reader.problem(
                place,
                "notes belong to a section; put '::: notes' under a '# Heading'"
                if name == "notes"
                else "this comes before the first '# Heading'; add a heading above it",
            )
        else:
            self.add_to_section(node)

    def document_list(self, name: str, node: Node, place: Place) -> None:
        reader = self.reader
        if name in self.in_front or name in self.data:
            reader.problem(place, f"'{name}' is given twice (front matter or body); keep one")
            return
        children = list(node.children)
        wanted = "dl" if name == "glossary" else ("bullet_list", "ordered_list")
        if len(children) != 1 or children[0].type not in wanted:
            shape = (
                "a definition list (Term, then ': definition')" if name == "glossary" else "a list"
            )
            reader.problem(place, f"'::: {name}' holds {shape} and nothing else")
            return
        reader.place((name,), place)
        if name == "glossary":
            self.data[name] = reader.definitions(children[0], (name,), None)
        elif name == "questions":
            self.data[name] = [
                self.question(item, (name, index))
                for index, item in enumerate(children[0].children)
            ]
        else:
            self.data[name] = [
                self.plain_item(item, (name, index))
                for index, item in enumerate(children[0].children)
            ]

    def plain_item(self, node: Node, loc: Loc) -> str:
        reader = self.reader
        place = reader.node_place(node)
        reader.place(loc, place)
        if [child.type for child in node.children] != ["paragraph"]:
            reader.problem(place, "each item here is one line of text; no nested lists")
            return ""
        return reader.checkbox(node) + reader.text_of(node.children[0].children[0].content, place)

    def question(self, node: Node, loc: Loc) -> dict[str, Any]:
        reader = self.reader
        place = reader.node_place(node)
        reader.place(loc, place)
        question: dict[str, Any] = {}
        prompts = []
        choices: list[str] | None = None
        answers: list[str] = []
        for child in node.children:
            child_place = reader.node_place(child)
            if child.type == "paragraph":
                prompts.append(reader.text_of(child.children[0].content, child_place))
            elif child.type in ("bullet_list", "ordered_list") and choices is None:
                choices = []
                for item in child.children:
                    text = "".join(
                        p.children[0].content for p in item.children if p.type == "paragraph"
                    ).strip()
                    mark = TASK_ITEM.match(reader.lines[item.map[0]])
                    if mark is None:
                        reader.problem(
                            reader.node_place(item),
                            "a choice is a task-list item: '- [ ] wrong' or '- [x] right'",
                        )
                        continue
                    choices.append(reader.text_of(text, reader.node_place(item)))
                    if mark.group("mark") != " ":
                        answers.append(choices[-1])
                reader.place((*loc, "choices"), child_place)
            elif child.type == "blockquote":
                self.answer_quote(child, question, loc)
            else:
                reader.problem(child_place, "a question holds its prompt, choices and '> Answer:'")
        question = {"prompt": "\n\n".join(prompts), **question}
        reader.place((*loc, "prompt"), place)
        if choices is not None:
            question["choices"] = choices
            if "answer" in question:
                reader.problem(
                    place,
                    "this question has choices and an '> Answer:'; mark the right choice"
                    " '[x]' instead",
                )
            elif not answers:
                reader.problem(
                    place,
                    "no choice of this question is marked as the answer; write the right one"
                    " as '- [x] ...'",
                )
            elif len(answers) > 1:
                reader.problem(place, "more than one choice is marked [x]; mark only the answer")
            else:
                question["answer"] = answers[0]
        elif "answer" not in question:
            reader.problem(
                place,
                "this question has no answer; add '> Answer: ...' under it, or choices as a"
                " task list with the right one marked [x]",
            )
        return question

    def answer_quote(self, node: Node, question: dict[str, Any], loc: Loc) -> None:
        """``> Answer: ...`` and ``> Explanation: ...`` paragraphs under a question."""
        reader = self.reader
        for child in node.children:
            place = reader.node_place(child)
            found = ANSWER.match(child.children[0].content) if child.type == "paragraph" else None
            label = found.group("label").capitalize() if found else ""
            if label not in ANSWER_LABELS:
                hint = closest(label, list(ANSWER_LABELS)) if label else None
                reader.problem(
                    place,
                    "under a question, a '>' line starts with 'Answer:' or 'Explanation:'"
                    + (f"; did you mean '{hint}:'?" if hint else ""),
                )
                continue
            key = label.lower()
            question[key] = reader.text_of(found.group("text"), place)
            reader.place((*loc, key), place)

    def finish(self) -> None:
        if self.stack:
            self.stack[-1][2].close()
        if "sections" not in self.data and not self.reader.problems:
            self.reader.problem(
                self.reader.at(len(self.reader.lines) - 1 if self.reader.lines else 0),
                "the lesson has no sections; start one with a '# Heading' line, with its"
                " blocks under it",
            )
