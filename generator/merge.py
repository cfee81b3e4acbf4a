"""Personalised copies: one output set per row of a data file.

A row's fields become ``{{ vars.NAME }}`` for that copy; the output name comes from
a template rendered in the same sandbox as lesson text, then made safe for every
file system. Two rows that would write the same file are refused before anything
is built, so no copy silently overwrites another.
"""

from __future__ import annotations

import csv
import io
import re
import unicodedata
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from jinja2 import TemplateError, nodes
from jinja2.sandbox import SecurityError

from .errors import LessonError, Problem
from .load import parse, read_text
from .templating import environment, explain, render_string

DEFAULT_NAME = "{{ stem }}-{{ row }}"
MAX_NAME_BYTES = 120  # of UTF-8: with "-cheatsheet.pdf" well under every file system's 255
DELIMITERS = ",;\t|"
DATA_SUFFIXES = (".csv", ".json", ".yaml", ".yml")

_UNSAFE = re.compile(r"[^\w.]+")  # dashes too, so runs of them become one


class Row(dict[str, Any]):
    """One row's fields, remembering where it was written so a problem can point there."""

    def __init__(self, fields: Mapping[str, Any], path: Path, line: int | None) -> None:
        super().__init__(fields)
        self.path = path
        self.line = line


def read_rows(path: Path) -> list[Row]:
    """The rows of a .csv (with a header line), a JSON list of objects or a YAML list of mappings."""
    suffix = path.suffix.lower()
    if suffix not in DATA_SUFFIXES:
        raise LessonError.at(path, f"a data file ends in {', '.join(DATA_SUFFIXES)}")
    text = read_text(path)
    if suffix == ".csv":
        return _csv_rows(path, text)
    data, source = parse(path, text)
    if not isinstance(data, list):
        raise LessonError.at(path, "the data should be a list of rows (one mapping per copy)", 1)
    problems = [
        Problem(path, f"row {number} is not a mapping of NAME: VALUE")
        for number, row in enumerate(data, 1)
        if not (isinstance(row, dict) and all(isinstance(key, str) for key in row))
    ]
    problems += [
        Problem(
            path,
            f"'{key}' has no value in this row; write one (or \"\" for empty text)",
            source.position((number - 1, key))[0],
        )
        for number, row in enumerate(data, 1)
        if isinstance(row, dict)
        for key, value in row.items()
        if value is None
    ]
    if problems:
        raise LessonError(problems)
    if not data:
        raise LessonError.at(path, "the data file has no rows")
    return [Row(row, path, source.position((index,))[0]) for index, row in enumerate(data)]


def _csv_rows(path: Path, text: str) -> list[Row]:
    """A CSV's rows, split at whichever of , ; tab or | its header line uses.

    A short row, a long one and a header naming a column twice are refused, each at
    its line: filled in, they would print "None" or lose a column's values silently.
    """
    header = text.lstrip("\n").partition("\n")[0]
    delimiter = max(DELIMITERS, key=header.count) if any(d in header for d in DELIMITERS) else ","
    reader = csv.reader(io.StringIO(text), delimiter=delimiter)
    names = [name.strip() for name in next(reader, [])]
    seen: set[str] = set()
    for name in names:
        if name and name in seen:
            raise LessonError.at(
                path, f"the column '{name}' appears twice in the header; rename one", 1
            )
        seen.add(name)
    rows = []
    for cells in reader:
        if not any(cell.strip() for cell in cells):
            continue  # a blank line
        if len(cells) != len(names):
            more = "more" if len(cells) > len(names) else "fewer"
            raise LessonError.at(
                path,
                f"this row has {more} cells ({len(cells)}) than the header has names"
                f" ({len(names)}); give one per column (an empty one is fine)",
                reader.line_num,
            )
        fields = {name: value for name, value in zip(names, cells, strict=True) if name}
        rows.append(Row(fields, path, reader.line_num))
    if not rows:
        raise LessonError.at(path, "the data file has a header but no rows", 1)
    return rows


def safe_name(text: str) -> str:
    """*text* as a file name: letters (accented too), digits, ``-``, ``_`` and ``.`` only.

    Anything else (slashes, spaces, quotes, control characters) collapses into one
    ``-``; leading dots and dashes go, so a name can't hide a file or look like an option.
    It is cut to :data:`MAX_NAME_BYTES` bytes (never inside a character): file systems
    count bytes, and a CJK character takes three.
    """
    name = _UNSAFE.sub("-", unicodedata.normalize("NFC", text)).lstrip(".-")
    cut = name.encode("utf-8")[:MAX_NAME_BYTES].decode("utf-8", errors="ignore")
    return cut.rstrip(".-")


def output_stems(
    lesson_path: Path,
    stem: str,
    lesson_vars: Mapping[str, Any],
    rows: list[Row],
    template: str,
    overrides: Mapping[str, Any],
) -> list[str]:
    """The safe output stem of every row, from *template* (context: stem, row, vars).

    A row whose cell for a variable the name uses is empty is refused: its copy would
    take a name meant for another, such as the plain lesson's own.
    """
    stems = []
    problems = []
    unnamed: dict[str, list[int]] = {}  # what rendering --name said, and for which rows
    try:
        naming = sorted(vars_named(template) - set(overrides))
    except TemplateError:  # said, with the row, when the name is rendered below
        naming = []
    for number, row in enumerate(rows, 1):
        empty = [name for name in naming if name in row and not str(row[name] or "").strip()]
        if empty:
            problems.append(
                Problem(
                    row.path,
                    f"the '{empty[0]}' cell is empty; every copy needs a name (--name uses it)",
                    row.line,
                )
            )
            continue
        context = {"stem": stem, "row": number, "vars": {**lesson_vars, **row, **overrides}}
        try:
            name = safe_name(render_string(template, context))
        except (TemplateError, SecurityError) as error:
            unnamed.setdefault(explain(error, row.path), []).append(number)
            continue
        if not name:
            problems.append(
                Problem(
                    lesson_path, f"--name gives row {number} an empty file name; add {{{{ row }}}}"
                )
            )
        stems.append(name)
    problems += [
        Problem(lesson_path, f"--name{_rows_of(numbers, len(rows))}: {said}")
        for said, numbers in unnamed.items()
    ]
    if problems:
        raise LessonError(problems)
    return stems


def _rows_of(numbers: list[int], count: int) -> str:
    """Which rows an error of the name is in, said once for all of them: a typo in
    ``--name`` is the same in every row, and thirty lines of it hide nothing new."""
    if len(numbers) == 1:
        return f" for row {numbers[0]}"
    if len(numbers) == count:
        return f" (in all {count} rows)"
    return f" for rows {', '.join(map(str, numbers))}"


def vars_named(template: str) -> set[str]:
    """The ``vars`` fields a template reads (``vars.NAME`` or ``vars['NAME']``)."""
    tree = environment().parse(template)
    named = {
        node.attr
        for node in tree.find_all(nodes.Getattr)
        if isinstance(node.node, nodes.Name) and node.node.name == "vars"
    }
    named |= {
        str(node.arg.value)
        for node in tree.find_all(nodes.Getitem)
        if isinstance(node.node, nodes.Name)
        and node.node.name == "vars"
        and isinstance(node.arg, nodes.Const)
    }
    return named


def refuse_clashes(named: list[tuple[str, str]], out_dir: Path) -> None:
    """Refuse data rows (``(stem, what)`` pairs) that would write the same files: the
    whole merge waits for a --name that tells the copies apart."""
    problems = clash_problems(named, out_dir, fix="make --name unique (for example add {{ row }})")
    if problems:
        raise LessonError(problems)


def clash_problems(named: list[tuple[str, str]], out_dir: Path, *, fix: str) -> list[Problem]:
    """One problem per output name that more than one source (``(stem, what)`` pairs)
    would write, said once with *fix*, however many share it (30 rows with one --name).

    Names differing only in case clash too: they are one file on macOS and Windows.
    """
    by_name: dict[str, list[tuple[str, str]]] = {}
    for stem, what in named:
        by_name.setdefault(stem.casefold(), []).append((stem, what))
    problems = []
    for sources in by_name.values():
        whats = list(dict.fromkeys(what for _, what in sources))
        if len(whats) < 2:
            continue
        if len(whats) == 2:
            who = f"{whats[0]} and {whats[1]} both give"
        else:
            who = f"{whats[0]}, {whats[1]} and {len(whats) - 2} more all give"
        stem = sources[-1][0]
        problems.append(
            Problem(
                out_dir / stem,
                f"{who} the output name '{stem}'; {fix} or build into separate folders",
            )
        )
    return problems
