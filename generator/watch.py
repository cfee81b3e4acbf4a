"""``lectern watch``: rebuild on every change, in one warm process.

The first build imports every renderer and reads the themes; each later one reuses
them (lessons, themes and renderers stay loaded, and the manifest skips outputs that
did not change), so a rebuild costs the rendering alone. Builds run in this process:
forking workers for every edit would cost more than it saves on a lesson or two.

A broken edit leaves the last good files in place (every output is written to a
temporary file and renamed only when complete) and its located error is shown.
"""

from __future__ import annotations

import contextlib
import logging
import time
from collections.abc import Iterable
from dataclasses import replace
from pathlib import Path

import click

from .build import cached_theme
from .discover import discover
from .errors import BuildError, LessonError
from .files import TEMP_PREFIX
from .load import load_lesson
from .run import EXIT_OK, Request, execute


def watch(request: Request) -> int:
    """Build *request*, then again after each change to what it reads, until Ctrl-C."""
    from watchfiles import DefaultFilter
    from watchfiles import watch as changes

    logging.getLogger("watchfiles").setLevel(logging.ERROR)  # Ctrl-C is said here, once
    request = replace(request, jobs=1, quiet=True)
    _rebuild(request, "built")
    out_dir = request.options.out_dir.resolve()

    class Filter(DefaultFilter):
        """Editors' and Lectern's own temporary files, and the output folder, are no change."""

        def __call__(self, change: object, path: str) -> bool:
            resolved = Path(path)
            return (
                super().__call__(change, path)  # type: ignore[arg-type]
                and not resolved.name.startswith(TEMP_PREFIX)
                and not resolved.is_relative_to(out_dir)
            )

    click.echo("watching for changes; Ctrl-C stops")
    for _ in changes(
        *watched(request),
        watch_filter=Filter(),
        raise_interrupt=False,
        debounce=50,
        step=20,
    ):
        _rebuild(request, "rebuilt")
    click.echo("stopped")
    return EXIT_OK


def _rebuild(request: Request, done: str) -> None:
    """Build, then say in one line when, how long, and how it went."""
    result = execute(request)
    stamp = time.strftime("%H:%M:%S")
    took = f"in {result.seconds * 1000:.0f} ms"
    totals = result.report.totals()
    if result.status != EXIT_OK:
        click.echo(f"{stamp} failed {took}; the last good files are kept (the error is above)")
    elif totals["written"]:
        click.echo(f"{stamp} {done} {totals['written']} file(s) {took}")
    else:
        click.echo(f"{stamp} up to date ({took})")


def watched(request: Request) -> list[Path]:
    """The folders and files a build reads: each lesson's folder (its images live there),
    the data file, the user's Office templates and every theme folder outside Lectern."""
    paths: set[Path] = {source if source.is_dir() else source.parent for source in request.sources}
    if request.data is not None:
        paths.add(request.data)
    paths.update(request.options.references.values())
    with contextlib.suppress(LessonError):
        for lesson in discover(request.sources, request.exclude).paths:
            paths.update(_theme_folders(lesson, request))
    return sorted(path.resolve() for path in _existing(paths))


def _theme_folders(lesson_path: Path, request: Request) -> list[Path]:
    from .theme import themes_dir

    try:
        lesson = load_lesson(lesson_path)
        theme = cached_theme(request.options.theme or lesson.document.theme, lesson.folder)
    except (LessonError, BuildError):
        return []
    shipped = themes_dir().resolve()
    return [folder for folder in theme.folders if not folder.resolve().is_relative_to(shipped)]


def _existing(paths: Iterable[Path]) -> list[Path]:
    return [path for path in paths if path.exists()]
