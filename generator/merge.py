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

from jinja2 import TemplateError
from jinja2.sandbox import SecurityError

from .errors import LessonError, Problem
from .load import parse, read_text
from .templating import explain, render_string

DEFAULT_NAME = "{{ stem }}-{{ row }}"
MAX_NAME_CHARS = 100
DATA_SUFFIXES = (".csv", ".json", ".yaml", ".yml")

_UNSAFE = re.compile(r"[^\w.]+")  # dashes too, so runs of them become one


def read_rows(path: Path) -> list[dict[str, Any]]:
    """The rows of a .csv (with a header line), a JSON list of objects or a YAML list of mappings."""
    suffix = path.suffix.lower()
    if suffix not in DATA_SUFFIXES:
        raise LessonError.at(path, f"a data file ends in {', '.join(DATA_SUFFIXES)}")
    text = read_text(path)
    if suffix == ".csv":
        return _csv_rows(path, text)
    data, _ = parse(path, text)
    if not isinstance(data, list):
        raise LessonError.at(path, "the data should be a list of rows (one mapping per copy)", 1)
    problems = [
        Problem(path, f"row {number} is not a mapping of NAME: VALUE")
        for number, row in enumerate(data, 1)
        if not (isinstance(row, dict) and all(isinstance(key, str) for key in row))
    ]
    if problems:
        raise LessonError(problems)
    if not data:
        raise LessonError.at(path, "the data file has no rows")
    return data


def _csv_rows(path: Path, text: str) -> list[dict[str, Any]]:
    reader = csv.DictReader(io.StringIO(text))
    rows = []
    for row in reader:
        if None in row:
            raise LessonError.at(
                path, "this row has more cells than the header has names", reader.line_num
            )
        rows.append({name.strip(): value for name, value in row.items() if name})
    if not rows:
        raise LessonError.at(path, "the data file has a header but no rows", 1)
    return rows


def safe_name(text: str) -> str:
    """*text* as a file name: letters (accented too), digits, ``-``, ``_`` and ``.`` only.

    Anything else (slashes, spaces, quotes, control characters) collapses into one
    ``-``; leading dots and dashes go, so a name can't hide a file or look like an option.
    """
    name = _UNSAFE.sub("-", unicodedata.normalize("NFC", text))
    return name[:MAX_NAME_CHARS].lstrip(".-").rstrip(".-")


def output_stems(
    lesson_path: Path,
    stem: str,
    lesson_vars: Mapping[str, Any],
    rows: list[dict[str, Any]],
    template: str,
    overrides: Mapping[str, Any],
) -> list[str]:
    """The safe output stem of every row, from *template* (context: stem, row, vars)."""
    stems = []
    problems = []
    for number, row in enumerate(rows, 1):
        context = {"stem": stem, "row": number, "vars": {**lesson_vars, **row, **overrides}}
        try:
            name = safe_name(render_string(template, context))
        except (TemplateError, SecurityError) as error:
            problems.append(Problem(lesson_path, f"--name for row {number}: {explain(error)}"))
            continue
        if not name:
            problems.append(
                Problem(
                    lesson_path, f"--name gives row {number} an empty file name; add {{{{ row }}}}"
                )
            )
        stems.append(name)
    if problems:
        raise LessonError(problems)
    return stems


def refuse_clashes(named: list[tuple[str, str]], out_dir: Path, *, rows: bool = True) -> None:
    """Refuse two sources (``(stem, what)`` pairs) that would write the same files: data
    *rows*, or lesson files (``a.yaml`` and ``a.md``), each with its own fix.

    Names differing only in case clash too: they are one file on macOS and Windows.
    """
    fix = (
        "make --name unique (for example add {{ row }})"
        if rows
        else "rename one of them (the output is named after the lesson file)"
    )
    seen: dict[str, str] = {}
    problems = []
    for stem, what in named:
        first = seen.setdefault(stem.casefold(), what)
        if first != what:
            problems.append(
                Problem(
                    out_dir / stem,
                    f"{first} and {what} both give the output name '{stem}'; {fix}"
                    " or build into separate folders",
                )
            )
    if problems:
        raise LessonError(problems)
