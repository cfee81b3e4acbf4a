"""Which link targets a lesson may write: web pages, e-mail, and files beside the lesson.

A link's target goes into the handout's and the deck's relationships and into the
cheat sheet's link actions as written, and Office and PDF viewers act on it when a
reader clicks. ``javascript:``, ``file:``, ``ms-msdt:``, a ``\\\\host\\share`` path or a
PDF ``GoToR`` to ``/etc/passwd`` would run or open whatever the lesson's author chose,
so only ``http``, ``https`` and ``mailto`` pass, and relative links to files inside
the lesson's folder (outside it only under ``--allow-outside``, like images).
"""

from __future__ import annotations

import re
import warnings
from pathlib import Path
from urllib.parse import unquote, urlsplit

from .errors import LessonError, Problem, quoted
from .inline import RichText
from .load import Lesson
from .model import Document
from .templating import map_text

WEB_SCHEMES = ("http", "https", "mailto")

_SCHEME = re.compile(r"^([A-Za-z][A-Za-z0-9+.-]*):")


def link_problem(href: str, folder: Path, *, allow_outside: bool) -> str | None:
    """What is wrong with the link target *href* in a lesson in *folder*, or None."""
    scheme = _SCHEME.match(href)
    if scheme:
        if scheme.group(1).lower() in WEB_SCHEMES:
            return None
        return (
            f"the link '{quoted(href, 80)}' uses '{scheme.group(1)}:'; links may only be web"
            " addresses (http:, https:), e-mail (mailto:) or files beside the lesson"
        )
    path = unquote(urlsplit(href).path)
    if not path:
        return f"the link '{quoted(href, 80)}' names no file; give a web address or a file name"
    if href.startswith(("/", "\\")) or "\\" in href or Path(path).is_absolute():
        return (
            f"the link '{quoted(href, 80)}' is an absolute or network path; link to a web address"
            " or to a file beside the lesson with a relative path"
        )
    try:
        inside = (folder / path).resolve().is_relative_to(folder.resolve())
    except (OSError, ValueError):  # a NUL byte, a name too long for the system
        return f"the link '{quoted(href, 80)}' is not a usable file name; check it"
    if not allow_outside and not inside:
        return (
            f"the link '{quoted(href, 80)}' points outside the lesson's folder; move the file next"
            " to the lesson, or build with --allow-outside if you trust this file"
        )
    return None


def check_links(lesson: Lesson, document: Document, *, allow_outside: bool) -> None:
    """Refuse every link target of *document* (templates filled in) that is not allowed,
    and warn about a file it links to that is not there: the reader's click would find
    nothing, which a typo in a file name otherwise shows only in class."""
    problems: list[Problem] = []
    folder = lesson.folder

    def check(text: RichText, loc: tuple[str | int, ...]) -> RichText:
        for href in dict.fromkeys(run.href for run in text.runs if run.href):
            if message := link_problem(href, folder, allow_outside=allow_outside):
                problems.append(lesson.source.problem(loc, message))
            elif is_relative(href) and not linked_file(href, folder).exists():
                message = (
                    f"the link '{quoted(href, 80)}' names a file that is not beside the lesson;"
                    " check its name, or put the file there before handing the outputs out"
                )
                warnings.warn(str(lesson.source.problem(loc, message)), stacklevel=2)
        return text

    map_text(document, check, (), every=True)
    if problems:
        raise LessonError(problems)


def missing_files(folder: Path, document: Document) -> list[Path]:
    """The files beside the lesson in *folder* that *document* links to and that are not
    there: an output records their absence, so adding one rebuilds it without the warning."""
    hrefs: dict[str, None] = {}

    def collect(text: RichText, loc: tuple[str | int, ...]) -> RichText:
        hrefs.update(dict.fromkeys(run.href for run in text.runs if run.href))
        return text

    map_text(document, collect, (), every=True)
    files = (linked_file(href, folder) for href in hrefs if is_relative(href))
    return sorted({path for path in files if not path.exists()})


def linked_file(href: str, folder: Path) -> Path:
    """The file a relative link target names, in the lesson's *folder*."""
    return folder / unquote(urlsplit(href).path)


def is_relative(href: str) -> bool:
    """Whether a checked link target is a file beside the lesson (not a web address)."""
    return _SCHEME.match(href) is None
