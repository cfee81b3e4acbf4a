"""Lesson files (YAML or JSON) into a validated :class:`~generator.model.Document`.

Every problem is reported as ``file:line:column: what is wrong; how to fix it``,
all problems of a file at once. The YAML is composed into nodes first so that each
validation error can be traced back to the line the author wrote.
"""

from __future__ import annotations

import contextlib
import json
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, ClassVar, get_args

import yaml
from pydantic import ValidationError
from yaml.composer import Composer
from yaml.constructor import SafeConstructor
from yaml.resolver import Resolver

try:
    from yaml.cyaml import CParser
except ImportError:
    CParser = None

from .errors import LessonError, Problem
from .model import BLOCK_KINDS, BLOCK_TYPES, Document, Node, closest

# Limits that keep a hostile or broken file from hanging a CI job: the pure-Python YAML
# parser handles about 20,000 values or 1 MiB of text in well under a second.
MAX_FILE_BYTES = 1024 * 1024
MAX_TEXT_CHARS = 100_000
MAX_NODES = 20_000
MAX_EXPANDED = 50_000
MAX_DEPTH = 60

# Characters XML 1.0 cannot hold, so Word and PowerPoint files cannot either. YAML's reader
# refuses most of them when typed, but escapes ("\x01", JSON "\u0001") let them through.
XML_INCOMPATIBLE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")

BLOCK_BY_KIND = {block.kind: block for block in BLOCK_TYPES}
Loc = Sequence[str | int]


class Refused(yaml.MarkedYAMLError):
    """A file refused before it is fully read (too big, too deep), at the place it went wrong."""


def _yaml12_resolvers() -> dict[str, list[tuple[str, re.Pattern[str]]]]:
    """Safe YAML's implicit types, with only true/false (any case) read as booleans."""
    boolean = ("tag:yaml.org,2002:bool", re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"))
    resolvers = {
        first: [(tag, regexp) for tag, regexp in found if tag != boolean[0]]
        for first, found in Resolver.yaml_implicit_resolvers.items()
    }
    for first in "tTfF":
        resolvers.setdefault(first, []).append(boolean)
    return resolvers


class LessonRules:
    """What every lesson loader adds to safe YAML: YAML 1.2 booleans, limits, real dates.

    ``Yes``/``No``/``On``/``Off`` stay text: a compare cell reading "No" must print "No",
    not "False". Absurd files (too many values, too deep) are refused while they are
    read, before they cost much.
    """

    node_count: int
    depth: int

    def compose_node(self, parent: yaml.Node | None, index: Any) -> yaml.Node:
        """Count values and nesting as they are read, so a huge file stops early."""
        if self.check_event(yaml.AliasEvent):
            return super().compose_node(parent, index)
        mark = self.peek_event().start_mark
        self.node_count += 1
        if self.node_count > MAX_NODES:
            raise Refused(
                problem=f"the lesson has more than {MAX_NODES:,} values; split it into"
                " several lessons",
                problem_mark=mark,
            )
        if self.depth >= MAX_DEPTH:
            raise Refused(
                problem=f"nesting is too deep (more than {MAX_DEPTH} levels); flatten it",
                problem_mark=mark,
            )
        self.depth += 1
        try:
            return super().compose_node(parent, index)
        finally:
            self.depth -= 1

    def construct_yaml_timestamp(self, node: yaml.ScalarNode) -> Any:
        """A date that matches the pattern but does not exist (2026-13-45) is a located error."""
        try:
            return super().construct_yaml_timestamp(node)
        except ValueError:
            raise Refused(
                problem=f"'{node.value}' is not a real date; write it as YYYY-MM-DD,"
                " e.g. 2026-11-24",
                problem_mark=node.start_mark,
            ) from None

    yaml_constructors: ClassVar[dict[str, Any]] = {
        **SafeConstructor.yaml_constructors,
        "tag:yaml.org,2002:timestamp": construct_yaml_timestamp,
    }
    yaml_implicit_resolvers: ClassVar[dict[str, Any]] = _yaml12_resolvers()


class LessonLoader(LessonRules, yaml.SafeLoader):
    """The pure-Python reader: slow, but its errors are the ones :data:`_YAML_HINTS` explains."""

    def __init__(self, stream: str) -> None:
        super().__init__(stream)
        self.node_count = 0
        self.depth = 0


if CParser is None:  # a PyYAML built without libyaml: every file takes the pure-Python path
    FastLessonLoader: type[LessonRules] | None = None
else:

    class FastLessonLoader(LessonRules, Composer, CParser, SafeConstructor, Resolver):  # type: ignore[no-redef]
        """The same rules over libyaml's parser, about ten times faster on a valid lesson.

        Only scanning and parsing are libyaml's; nodes are composed (and counted) by the
        same Python code as :class:`LessonLoader`, so both give the same nodes and marks.
        Any error sends the file back to :class:`LessonLoader`, whose messages explain it.
        """

        def __init__(self, stream: str) -> None:
            CParser.__init__(self, stream)
            Composer.__init__(self)
            SafeConstructor.__init__(self)
            Resolver.__init__(self)
            self.node_count = 0
            self.depth = 0


@dataclass
class SourceMap:
    """Finds where a value sits in the file, from a validation location path."""

    path: Path
    root: yaml.Node | None = None

    def position(self, loc: Loc, *, key: bool = False) -> tuple[int | None, int | None]:
        """1-based (line, column) of the value at *loc*, or of its key when *key*."""
        if self.root is None:
            return None, None
        node, key_node = self.root, None
        parts = list(loc)
        for index, part in enumerate(parts):
            if _is_tag(parts, index) and not _is_field(node, parts, index):
                continue
            child = _child(node, part)
            if child is None:
                continue
            key_node, node = child
        mark = (key_node if key and key_node is not None else node).start_mark
        return mark.line + 1, mark.column + 1

    def problem(self, loc: Loc, message: str, *, key: bool = False) -> Problem:
        line, column = self.position(loc, key=key)
        return Problem(self.path, message, line, column)


def _is_field(node: yaml.Node, parts: list[str | int], index: int) -> bool:
    """Whether a kind key in a path is the block's own key (``image: {src: ...}``), not a tag.

    Validation paths carry the tag before the field (``image, image, src``); paths built
    by later checks name the field only (``image, src``).
    """
    after = parts[index + 1] if index + 1 < len(parts) else None
    return after is not None and after != parts[index] and _child(node, after) is None


def _without_tags(loc: Loc) -> list[str | int]:
    """Drop the block-kind tags that the discriminated union adds to error paths."""
    parts = list(loc)
    return [part for index, part in enumerate(parts) if not _is_tag(parts, index)]


def _is_tag(parts: list[str | int], index: int) -> bool:
    """Whether the kind name at *index* is a union tag: it follows a block's index, in a
    section's ``blocks`` or (two indices deep) in a column of a ``columns`` block."""
    if parts[index] not in BLOCK_KINDS or index < 2 or not isinstance(parts[index - 1], int):
        return False
    if parts[index - 2] == "blocks":
        return True
    return index >= 3 and isinstance(parts[index - 2], int) and parts[index - 3] == "blocks"


def _child(node: yaml.Node, part: str | int) -> tuple[yaml.Node | None, yaml.Node] | None:
    if isinstance(node, yaml.MappingNode):
        for key_node, value_node in node.value:
            if key_node.value == str(part):
                return key_node, value_node
    elif (
        isinstance(node, yaml.SequenceNode)
        and isinstance(part, int)
        and 0 <= part < len(node.value)
    ):
        return None, node.value[part]
    return None


@dataclass
class Lesson:
    """A loaded lesson: the validated document and where it came from."""

    path: Path
    document: Document
    source: SourceMap = field(repr=False)

    @property
    def stem(self) -> str:
        return self.path.stem

    @property
    def folder(self) -> Path:
        return self.path.parent


def load_lesson(path: Path | str) -> Lesson:
    """Read, parse and validate a lesson file; raise :class:`LessonError` listing every problem."""
    path = Path(path)
    text = read_text(path)
    if path.suffix.lower() in (".md", ".markdown"):
        from .markdown import read_markdown  # markdown-it is imported only for Markdown

        data, source = read_markdown(path, text)
    else:
        data, source = parse(path, text)
    if isinstance(data, list):  # most likely rows for --data, found in a folder of lessons
        raise LessonError.at(
            path,
            "a lesson is a mapping of keys (title:, sections:, ...), not a list; if this is"
            " a --data file, start its name with _ or list it in .lecternignore",
            1,
        )
    if not isinstance(data, dict):
        raise LessonError.at(
            path, "a lesson is a mapping of keys (title:, sections:, ...), not text", 1
        )
    try:
        document = Document.model_validate(data)
    except ValidationError as error:
        raise LessonError(describe(error, source)) from None
    return Lesson(path, document, source)


def read_text(path: Path) -> str:
    """The file's text: UTF-8 (a byte-order mark is fine), with located encoding errors."""
    if path.is_dir():
        raise LessonError.at(path, "this is a folder, not a lesson file; name a .yaml file")
    if not path.exists():
        raise LessonError.at(path, "no such file; check the name and folder")
    if path.stat().st_size > MAX_FILE_BYTES:
        raise LessonError.at(
            path,
            f"the file is {path.stat().st_size // 1024} KiB; a lesson may be at most"
            f" {MAX_FILE_BYTES // 1024} KiB: split it into several lessons",
        )
    raw = path.read_bytes()
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise LessonError.at(
            path, "the file is UTF-16 text; save it again with UTF-8 encoding", 1, 1
        )
    text = utf8_text(path, raw)
    if not text.strip():
        raise LessonError.at(
            path, "the file is empty; a lesson needs at least title: and sections:", 1
        )
    return text


def utf8_text(path: Path, raw: bytes) -> str:
    """*raw*, the bytes of *path*, as UTF-8 text (a byte-order mark, as some editors write,
    is dropped); bytes that are not UTF-8 are an error at their line and column."""
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = raw[: error.start].count(b"\n") + 1
        column = error.start - (raw.rfind(b"\n", 0, error.start) + 1) + 1
        raise LessonError.at(
            path, "the file is not UTF-8 text; save it with UTF-8 encoding", line, column
        ) from None


def parse(path: Path, text: str) -> tuple[Any, SourceMap]:
    """YAML (or JSON, which is YAML too) into plain data plus its source map.

    libyaml reads the file first; a file it refuses, or that breaks a reading limit, is
    read again by the pure-Python parser, which explains every syntax error in words.
    The nodes and their places are the same either way, so later checks need no retry.
    """
    if path.suffix.lower() == ".json" and "\t" in text and _is_json(text):
        # Valid JSON has tabs only between tokens, where YAML refuses them: spaces are the same.
        text = text.replace("\t", " ")
    if FastLessonLoader is not None:
        with contextlib.suppress(yaml.YAMLError, RecursionError):
            return _compose(FastLessonLoader, path, text)
    try:
        return _compose(LessonLoader, path, text)
    except Refused as error:
        raise LessonError([_yaml_problem(path, error)]) from None
    except yaml.MarkedYAMLError as error:
        if path.suffix.lower() == ".json":
            return _parse_json(path, text)
        raise LessonError([_yaml_problem(path, error)]) from None
    except yaml.reader.ReaderError as error:
        before = text[: error.position]
        line, column = before.count("\n") + 1, len(before) - (before.rfind("\n") + 1) + 1
        message = (
            f"the control character U+{ord(text[error.position]):04X} cannot appear in a lesson;"
            " delete it (it is often pasted in by accident)"
        )
        raise LessonError.at(path, message, line, column) from None
    except yaml.YAMLError as error:
        raise LessonError.at(path, f"not valid YAML: {error}") from None
    except RecursionError:
        raise LessonError.at(path, f"nesting is too deep (more than {MAX_DEPTH} levels)") from None


def _compose(reader: type[LessonRules], path: Path, text: str) -> tuple[Any, SourceMap]:
    """Read *text* with *reader*: nodes first (checked for bombs and limits), then data."""
    loader = reader(text)
    try:
        root = loader.get_single_node()
        if root is None:
            raise LessonError.at(
                path,
                "the file holds only comments; a lesson needs at least title: and sections:",
                1,
            )
        _check_shape(path, root)
        return loader.construct_document(root), SourceMap(path, root)
    finally:
        loader.dispose()


def _is_json(text: str) -> bool:
    try:
        json.loads(text)
    except (json.JSONDecodeError, RecursionError):
        return False
    return True


def _parse_json(path: Path, text: str) -> tuple[Any, SourceMap]:
    """JSON that YAML cannot read (rare): no source map, but the same checks on the values."""
    try:
        data = json.loads(text)
    except json.JSONDecodeError as error:
        raise LessonError.at(
            path, f"not valid JSON: {error.msg}", error.lineno, error.colno
        ) from None
    except RecursionError:
        raise LessonError.at(path, f"nesting is too deep (more than {MAX_DEPTH} levels)") from None
    _check_values(path, data, 0)
    return data, SourceMap(path)


def _check_values(path: Path, value: Any, depth: int) -> None:
    if depth > MAX_DEPTH:
        raise LessonError.at(path, f"nesting is too deep (more than {MAX_DEPTH} levels)")
    if isinstance(value, str):
        message = text_problem(value)
        if message:
            raise LessonError.at(path, message)
    if isinstance(value, dict):
        children = [*value, *value.values()]
    else:
        children = value if isinstance(value, list) else []
    for child in children:
        _check_values(path, child, depth + 1)


_SURROGATE = re.compile(r"[\ud800-\udfff]")


def joined_surrogates(text: str) -> str:
    """*text* with each escaped UTF-16 pair (JSON's ``"\\ud83d\\ude00"``) made the one
    character it stands for; a surrogate without its partner stays, to be refused."""
    if not _SURROGATE.search(text):
        return text
    return re.sub(
        r"[\ud800-\udbff][\udc00-\udfff]",
        lambda pair: pair.group().encode("utf-16-le", "surrogatepass").decode("utf-16-le"),
        text,
    )


def text_problem(text: str) -> str | None:
    """What is wrong with one text value (too long, or holding a character XML refuses)."""
    if len(text) > MAX_TEXT_CHARS:
        return (
            f"this text is {len(text):,} characters; the limit is"
            f" {MAX_TEXT_CHARS:,}: shorten it or split it into several blocks"
        )
    bad = XML_INCOMPATIBLE.search(text)
    if bad:
        return (
            f"this text holds the invisible control character U+{ord(bad.group()):04X}"
            f" (after '{text[: bad.start()][-20:]}'), which Word and PowerPoint files cannot"
            " hold; delete it (look for an escape like \\x01 or \\u0001)"
        )
    return None


_YAML_HINTS = {
    "found character '\\t' that cannot start any token": (
        "a tab character; YAML indents with spaces only: replace tabs with spaces"
    ),
    "found unexpected end of stream": "a quote is never closed; add the closing quote",
    "found a tab character": "a tab character; YAML indents with spaces only",
    "mapping values are not allowed here": (
        "a ':' where a value was expected: indent this line under its key, or put the"
        " text in quotes if it contains ': '"
    ),
    "did not find expected key": "this line is not indented like its neighbours; line it up",
    "did not find expected '-' indicator": "this list item is not indented like the others",
    "expected <block end>, but found": (
        "this line is not indented like the lines above it; line it up with its neighbours"
    ),
    "but found another document": (
        "a second '---' starts another document; keep one lesson per file"
    ),
    "could not determine a constructor for the tag": (
        "YAML tags (words starting with '!') are not allowed in a lesson; remove the tag"
    ),
    "found undefined alias": (
        "a value starting with '*' names an anchor ('&name') that is not defined above;"
        " put the text in quotes"
    ),
}
_BRACKETS = {"while parsing a flow sequence": "[]", "while parsing a flow mapping": "{}"}


def _yaml_problem(path: Path, error: yaml.MarkedYAMLError) -> Problem:
    mark = error.problem_mark or error.context_mark
    problem = error.problem or "not valid YAML"
    message = next((hint for key, hint in _YAML_HINTS.items() if key in problem), None)
    if isinstance(error, Refused):
        message = problem
    elif error.context in _BRACKETS and error.context_mark is not None:
        opening, closing = _BRACKETS[error.context]
        message = (
            f"the '{opening}' on line {error.context_mark.line + 1} is never closed, or a ','"
            f" is missing between its items; add the '{closing}' or the ','"
        )
    if message is None:
        message = f"not valid YAML: {problem}"
        if error.context:
            message += f" ({error.context})"
    line = mark.line + 1 if mark else None
    column = mark.column + 1 if mark else None
    return Problem(path, message, line, column)


def _check_shape(path: Path, root: yaml.Node) -> None:
    """Refuse alias bombs, absurd nesting, duplicate keys and huge strings before building data."""
    sizes: dict[int, int] = {}
    problems: list[Problem] = []

    def where(node: yaml.Node) -> tuple[int, int]:
        return node.start_mark.line + 1, node.start_mark.column + 1

    def visit(node: yaml.Node, depth: int) -> int:
        if id(node) in sizes:
            return sizes[id(node)]
        if depth > MAX_DEPTH:
            raise LessonError.at(
                path, f"nesting is too deep (more than {MAX_DEPTH} levels)", *where(node)
            )
        size = 1
        if isinstance(node, yaml.MappingNode):
            seen: set[str] = set()
            for key_node, value_node in node.value:
                if isinstance(key_node, yaml.ScalarNode):
                    key_node.value = joined_surrogates(key_node.value)
                    if message := text_problem(key_node.value):
                        problems.append(Problem(path, message, *where(key_node)))
                    if key_node.value in seen:
                        problems.append(
                            Problem(
                                path,
                                f"the key '{key_node.value}' appears twice in this mapping;"
                                " keep one",
                                *where(key_node),
                            )
                        )
                    seen.add(key_node.value)
                size += visit(value_node, depth + 1)
        elif isinstance(node, yaml.SequenceNode):
            size += sum(visit(child, depth + 1) for child in node.value)
        else:
            node.value = joined_surrogates(node.value)
            if message := text_problem(node.value):
                problems.append(Problem(path, message, *where(node)))
        if size > MAX_EXPANDED:
            raise LessonError.at(
                path,
                f"the lesson expands to more than {MAX_EXPANDED:,} values through YAML aliases"
                " ('*name'); write the content out instead of nesting aliases",
                *where(node),
            )
        sizes[id(node)] = size
        return size

    visit(root, 0)
    if problems:
        raise LessonError(problems)


# -- validation errors in the author's words ------------------------------------------

_TYPE_NAMES = {
    "string_type": "text",
    "list_type": "a list (lines starting with '- ')",
    "dict_type": "a mapping of keys",
    "model_type": "a mapping of keys",
    "model_attributes_type": "a mapping of keys",
    "bool_type": "true or false",
    "bool_parsing": "true or false",
    "int_type": "a whole number",
    "int_parsing": "a whole number",
    "date_type": "a date like 2026-11-24",
    "date_from_datetime_parsing": "a date like 2026-11-24",
    "date_parsing": "a date like 2026-11-24",
}


def describe(
    error: ValidationError, source: SourceMap, root: type[Node] = Document
) -> list[Problem]:
    """Turn pydantic's errors about a *root* model into located problems, in file order."""
    problems: dict[tuple[Any, ...], Problem] = {}
    items = error.errors(include_url=False)
    guessed = {
        (item["loc"][:-1], _guess(root, item["loc"]))
        for item in items
        if item["type"] == "extra_forbidden"
    }
    for item in items:
        kind = item["type"]
        ctx = item.get("ctx") or {}
        loc = (*item["loc"], *ctx.get("at", ()))
        name = _field_name(loc)
        if kind == "missing" and (loc[:-1], name) in guessed:
            continue  # the misspelt key already says 'did you mean ...'
        if loc[:1] == ("vars",) and len(loc) > 2:
            message = (
                f"'{loc[1]}' in vars should be text, a number, true/false or a date,"
                f" not {_shape_of(item['input'])}"
            )
            problem = source.problem(loc[:2], message)
        elif kind in _AUTHOR_MESSAGES:
            problem = source.problem(loc, item["msg"])
        elif kind == "extra_forbidden":
            problem = source.problem(loc, _unknown_key_message(root, loc), key=True)
        elif kind == "missing":
            problem = source.problem(
                loc[:-1], f"'{name}' is missing; add {_article(name)} '{name}:' line here"
            )
        elif kind == "block_kind":
            problem = source.problem(loc, _block_kind_message(item["input"]))
        elif kind in _TYPE_NAMES:
            message = f"'{name}' should be {_TYPE_NAMES[kind]}, not {_shape_of(item['input'])}"
            problem = source.problem(loc, message)
        elif kind == "literal_error":
            message = f"'{item['input']}' is not allowed for '{name}'; use {ctx['expected']}"
            problem = source.problem(loc, message)
        elif kind == "too_short":
            message = f"'{name}' needs at least {ctx['min_length']}; add more"
            problem = source.problem(loc, message)
        elif kind in ("greater_than_equal", "less_than_equal"):
            limit = ctx.get("ge", ctx.get("le"))
            bound = "at least" if kind == "greater_than_equal" else "at most"
            problem = source.problem(loc, f"'{name}' must be {bound} {limit}")
        elif kind == "string_pattern_mismatch":
            what = PATTERN_NAMES.get(name, "a format name like pdf or docx")
            problem = source.problem(loc, f"'{item['input']}' is not {what}")
        else:
            problem = source.problem(loc, f"{name}: {item['msg'][0].lower()}{item['msg'][1:]}")
        problems.setdefault((problem.line, problem.column, problem.message), problem)
    return sorted(problems.values(), key=lambda p: (p.line or 0, p.column or 0))


# What a text field with a pattern holds, by the field's name (the default: formats).
PATTERN_NAMES = {"lang": "a language tag like en, ru or pt-BR"}

# Errors the model raises with messages already written for authors.
_AUTHOR_MESSAGES = {
    "row_width",
    "empty_section",
    "answer_not_choice",
    "too_deep",
    "alt_blank",
    "wording",
    "formula",
    "markup",
    "width_range",
    "columns_count",
}


def _article(word: str) -> str:
    return "an" if word[:1].lower() in "aeiou" else "a"


def _guess(root: type[Node], loc: tuple[Any, ...]) -> str | None:
    owner = model_at(root, loc[:-1])
    return closest(str(loc[-1]), owner.keys()) if owner else None


def _unknown_key_message(root: type[Node], loc: tuple[Any, ...]) -> str:
    key = str(loc[-1])
    owner = model_at(root, loc[:-1])
    valid = owner.keys() if owner else []
    hint = closest(key, valid) if valid else None
    message = f"unknown key '{key}'"
    if hint:
        message += f"; did you mean '{hint}'?"
    if valid:
        message += f" (valid here: {', '.join(valid)})"
    return message


def model_at(model: type[Node], loc: Sequence[str | int]) -> type[Node] | None:
    """The model class that validates the value at *loc* (None where it is not a model)."""
    current: type[Node] | None = model
    parts = list(loc)
    for index, part in enumerate(parts):
        if current is None or isinstance(part, int):
            continue
        if _is_tag(parts, index):
            current = BLOCK_BY_KIND[str(part)]
            continue
        field = next(
            (f for name, f in current.model_fields.items() if (f.alias or name) == part), None
        )
        current = _node_class(field.annotation) if field else None
    return current


def _node_class(annotation: Any) -> type[Node] | None:
    if isinstance(annotation, type) and issubclass(annotation, Node):
        return annotation
    for argument in get_args(annotation):
        found = _node_class(argument)
        if found is not None:
            return found
    return None


def _field_name(loc: tuple[Any, ...]) -> str:
    names = [part for part in _without_tags(loc) if isinstance(part, str)]
    return names[-1] if names else "lesson"


def _block_kind_message(data: Any) -> str:
    kinds = ", ".join(BLOCK_KINDS)
    if not isinstance(data, dict):
        return f"a block is a mapping with one kind key ({kinds}), not {_shape_of(data)}"
    present = [key for key in data if key in BLOCK_KINDS]
    if len(present) > 1:
        return (
            f"this block has several kind keys ({', '.join(present)}); split it into one block each"
        )
    guesses = [hint for key in data if (hint := closest(str(key), list(BLOCK_KINDS)))]
    if guesses:
        return f"this block has no kind key; did you mean '{guesses[0]}'? (kinds: {kinds})"
    return f"this block has no kind key; start it with one of: {kinds}"


def _shape_of(value: Any) -> str:
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, list):
        return "a list"
    if value is None:
        return "nothing"
    if isinstance(value, bool):
        return "true/false"
    if isinstance(value, (int, float)):
        return f"the number {value}"
    return f"the text '{str(value)[:40]}'"
