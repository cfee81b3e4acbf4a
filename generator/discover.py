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
``intro.yaml`` in different units never write the same file.
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from .errors import LessonError
from .markdown import MARKDOWN_SUFFIXES, is_lesson, is_markdown

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
    for path in paths:
        if not path.is_dir():
            result.lessons.append(Found(path, path.stem))
            continue
        before = len(result.lessons)
        _walk(path, _spec(patterns), result)
        if len(result.lessons) == before:
            raise LessonError.at(
                path,
                f"no lesson files ({', '.join(LESSON_SUFFIXES)}) in this folder"
                + (" that are not skipped; see -v" if result.skipped else ""),
            )
    return result


def _spec(lines: list[str]) -> GitIgnoreSpec:
    """*lines* in gitignore syntax. pathspec is imported here, when a folder is walked:
    a build of single files is started without it."""
    from pathspec import GitIgnoreSpec

    return GitIgnoreSpec.from_lines(lines)


def _walk(root: Path, excluded: GitIgnoreSpec, result: Discovery) -> None:
    ignores: list[tuple[str, GitIgnoreSpec, str]] = [("", excluded, "--exclude")]
    found: list[Found] = []
    for folder, dirs, files in os.walk(root):
        here = Path(folder)
        rel = here.relative_to(root).as_posix()
        rel = "" if rel == "." else rel + "/"
        if (here / THEME_FILE).is_file():
            result.skipped.append((here, f"a theme folder (it holds {THEME_FILE})"))
            dirs.clear()
            continue
        if (here / IGNORE_FILE).is_file():
            lines = (here / IGNORE_FILE).read_text(encoding="utf-8").splitlines()
            ignores.append((rel, _spec(lines), rel + IGNORE_FILE))
        kept = []
        for name in sorted(dirs):
            reason = _reason(name, rel + name + "/", ignores)
            if reason:
                result.skipped.append((here / name, reason))
            else:
                kept.append(name)
        dirs[:] = kept
        for name in sorted(files):
            if not name.lower().endswith(LESSON_SUFFIXES):
                continue
            reason = _reason(name, rel + name, ignores)
            if not reason and is_markdown(here / name) and not is_lesson(here / name):
                reason = "not a lesson (its front matter has no 'title')"
            if reason:
                result.skipped.append((here / name, reason))
            else:
                found.append(Found(here / name, rel + Path(name).stem))
    result.lessons.extend(sorted(found, key=lambda lesson: lesson.stem))


def _reason(name: str, rel: str, ignores: list[tuple[str, GitIgnoreSpec, str]]) -> str | None:
    """Why the file or folder *name* (at *rel* in the folder given) is not a lesson, if it isn't."""
    if name.startswith("."):
        return "hidden"
    if name.startswith("_"):
        return "its name starts with _"
    for base, spec, source in ignores:
        if rel.startswith(base) and spec.match_file(rel[len(base) :]):
            return f"matched by {source}"
    return None
