"""Finding the lessons in the files and folders a build is given.

All the rules live in :func:`discover`, so a new kind of lesson file means one change
here. In a folder, a lesson is a file with a lesson suffix that none of these rules
leaves out:

- a folder holding a ``theme.yaml`` is a theme, not lessons;
- hidden files and folders (``.git``, ``.cache``) and those whose name starts with ``_``
  (drafts, data, partials) are skipped;
- a Markdown file whose front matter holds no ``title`` (a README) is not a lesson;
- a ``.lecternignore`` file (gitignore syntax) in the folder or any folder below it
  leaves out what it matches, as do the ``--exclude`` patterns, relative to the folder given.

A file named on the command line is always a lesson. Each lesson keeps its place in
the folder it was found in, so the output tree mirrors the input tree and two
``intro.yaml`` in different units never write the same file. A lesson reached twice
(a folder and a file in it, the same folder twice) is one lesson, built once.

A pattern that can't be read, in a ``.lecternignore`` or ``--exclude``, is bad input:
said where it is written, with the fix.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from .errors import LessonError, Problem, quoted
from .load import utf8_text
from .markdown import MARKDOWN_SUFFIXES, is_lesson, is_markdown
from .report import REPORT_START

LESSON_SUFFIXES = (".yaml", ".yml", ".json", *MARKDOWN_SUFFIXES)
IGNORE_FILE = ".lecternignore"
THEME_FILE = "theme.yaml"

if TYPE_CHECKING:
    from pathspec import GitIgnoreSpec


@dataclass(frozen=True)
class Found:
    """A lesson file and the stem its outputs are named from, with the folders above it
    inside the folder given (``unit1/intro``)."""

    path: Path
    stem: str


@dataclass
class Discovery:
    """The lessons found, in order, and what was left out, with why."""

    lessons: list[Found] = field(default_factory=list)
    skipped: list[tuple[Path, str]] = field(default_factory=list)

    @property
    def paths(self) -> list[Path]:
        return [found.path for found in self.lessons]


def discover(paths: Iterable[Path], exclude: Iterable[str] = ()) -> Discovery:
    """Expand folders into their lessons (sorted, by the rules above); files pass through.

    A folder without any lesson is an error: a CI job pointed at the wrong folder must not pass.
    """
    patterns = list(exclude)
    result = Discovery()
    seen: dict[Path, Found] = {}
    walked: set[Path] = set()
    for path in paths:
        if not path.is_dir():
            _add([Found(path, path.stem)], seen, result)
            continue
        if path.resolve() in walked:  # given twice: its lessons, and what it skips, are known
            continue
        walked.add(path.resolve())
        found = _walk(path, _spec(patterns), result)
        if not found:
            raise LessonError.at(
                path,
                f"no lesson files ({', '.join(LESSON_SUFFIXES)}) in this folder"
                + (" that are not skipped; see -v" if result.skipped else ""),
            )
        _add(found, seen, result)
    return result


def _add(found: list[Found], seen: dict[Path, Found], result: Discovery) -> None:
    """Add the lessons *found* to *result*, but those *seen* already (by their resolved file).

    A lesson reached twice is built once: built twice, it would be two jobs writing the
    same files. It keeps the stem of the first way it was reached, so the order the user
    gave decides, the same on every run, and its outputs go where a build of that first
    path alone puts them: ``content content/unit1/intro.yaml`` keeps ``unit1/intro``, and
    the output tree still mirrors the folder.
    """
    for lesson in found:
        first = seen.setdefault(lesson.path.resolve(), lesson)
        if first is lesson:
            result.lessons.append(lesson)
        else:
            result.skipped.append((lesson.path, f"reached twice; built once, as {first.path}"))


def _spec(lines: list[str], source: Path | None = None) -> GitIgnoreSpec:
    """*lines* in gitignore syntax, from the ignore file *source*, or ``--exclude`` if None.

    Each line pathspec can't read is a problem at its line (at the option, for
    ``--exclude``), all said together: one run shows every line to fix. pathspec is
    imported here, when a folder is walked: a build of single files is started without it.
    """
    from pathspec import GitIgnoreSpec

    problems = []
    for number, line in enumerate(lines, 1):
        try:
            GitIgnoreSpec.from_lines([line])
        except (ValueError, re.error) as error:
            message = f"'{quoted(line)}' is not a valid pattern (gitignore syntax); "
            message += _fix(line, error)
            if source is None:
                problems.append(Problem(Path("--exclude"), message))
            else:
                problems.append(Problem(source, message, number))
    if problems:
        raise LessonError(problems)
    return GitIgnoreSpec.from_lines(lines)


def _fix(pattern: str, error: ValueError | re.error) -> str:
    """What is wrong with *pattern* and how to fix it, in words. pathspec refuses three
    things (a \\ at the end, a [...] set that is none, a ! with nothing after it), and
    its *error* names none of them: it names the pattern, or a regular expression the
    author never wrote."""
    if (len(pattern) - len(pattern.rstrip("\\"))) % 2:
        return (
            "a \\ at its end escapes nothing; separate folders with / ('old/'),"
            " or write \\\\ for a backslash in a name"
        )
    if isinstance(error, re.error):  # pathspec escapes all but [...] sets
        return f"its [...] set can't be read ({error.msg}); write a range low to high, as in [a-z]"
    return (
        "a ! takes back the pattern after it, and here none follows; write one"
        " ('!keep.yaml'), or \\! for a name that starts with !"
    )


def _read_ignore(path: Path) -> list[str]:
    """The patterns of the ignore file *path*, one a line: UTF-8 text (a byte-order mark,
    as some editors write, is not part of the first pattern)."""
    try:
        raw = path.read_bytes()
    except OSError as error:
        raise LessonError.at(path, f"can't be read ({error.strerror}); fix its rights") from None
    return utf8_text(path, raw).splitlines()


def _walk(root: Path, excluded: GitIgnoreSpec, result: Discovery) -> list[Found]:
    """The lessons in the folder *root*, sorted; what the rules leave out goes to *result*."""
    ignores: list[tuple[str, GitIgnoreSpec, str]] = [("", excluded, "--exclude")]
    found: list[Found] = []
    searched = {os.path.realpath(root)}  # a linked folder is followed, but never twice
    for folder, dirs, files in os.walk(root, followlinks=True):
        here = Path(folder)
        rel = here.relative_to(root).as_posix()
        rel = "" if rel == "." else rel + "/"
        if (here / THEME_FILE).is_file():
            result.skipped.append((here, f"a theme folder (it holds {THEME_FILE})"))
            dirs.clear()
            continue
        ignore_file = here / IGNORE_FILE
        if ignore_file.is_file():
            spec = _spec(_read_ignore(ignore_file), ignore_file)
            ignores.append((rel, spec, rel + IGNORE_FILE))
        kept = []
        for name in sorted(dirs):
            reason = _reason(name, rel + name + "/", ignores)
            real = os.path.realpath(here / name)
            if not reason and real in searched:
                reason = f"a link to {real}, which is searched already"
            if reason:
                result.skipped.append((here / name, reason))
            else:
                searched.add(real)
                kept.append(name)
        dirs[:] = kept
        for name in sorted(files):
            if not name.lower().endswith(LESSON_SUFFIXES):
                continue
            reason = _reason(name, rel + name, ignores)
            if not reason and is_markdown(here / name) and not is_lesson(here / name):
                reason = "not a lesson (its front matter has no 'title')"
            if not reason and name.lower().endswith(".json") and _is_report(here / name):
                reason = "a JSON report of a run (--json), not a lesson"
            if reason:
                result.skipped.append((here / name, reason))
            else:
                found.append(Found(here / name, rel + Path(name).stem))
    return sorted(found, key=lambda lesson: lesson.stem)


def _is_report(path: Path) -> bool:
    """Whether *path* is a run's JSON report, which a CI job may keep beside the lessons:
    it begins as only a report does (its schema, then the Lectern that wrote it)."""
    try:
        with open(path, "rb") as handle:
            start = handle.read(64)
    except OSError:
        return False
    return start.startswith(REPORT_START)


def by_name(name: str) -> str | None:
    """Why a file or folder is not a lesson by its *name* alone, if it isn't: hidden
    (``.git``, a cache) or a draft, data file or partial (``_name``)."""
    if name.startswith("."):
        return "hidden"
    if name.startswith("_"):
        return "its name starts with _"
    return None


def _reason(name: str, rel: str, ignores: list[tuple[str, GitIgnoreSpec, str]]) -> str | None:
    """Why the file or folder *name* (at *rel* in the folder given) is not a lesson, if it isn't."""
    reason = by_name(name)
    if reason:
        return reason
    (_, excluded, option), *files = ignores
    if excluded.match_file(rel):  # asked for on this run: above any file's say
        return f"matched by {option}"
    for base, spec, source in reversed(files):  # as git: the deepest file that decides wins,
        if rel.startswith(base):  # so a folder's '!intro.yaml' takes back a parent's pattern
            ignored = spec.check_file(rel[len(base) :]).include
            if ignored is not None:
                return f"matched by {source}" if ignored else None
    return None
