"""``lectern watch``: rebuild on every change, in one warm process.

The first build imports every renderer and reads the themes; each later one reuses
them (lessons, themes and renderers stay loaded, and the manifest skips outputs that
did not change), so a rebuild costs the rendering alone. The first build runs in this
process; worker processes are then forked from it once, already warm, and later builds
render their formats in them side by side (forking afresh for every edit would cost
more than it saves).

A broken edit leaves the last good files in place (every output is written to a
temporary file and renamed only when complete) and its located error is shown.
"""

from __future__ import annotations

import contextlib
import logging
import time
from collections.abc import Iterable
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import replace
from pathlib import Path

import click

from .batch import worker_pool
from .build import cached_theme
from .discover import discover
from .errors import BuildError, LessonError
from .files import TEMP_PREFIX
from .load import load_lesson
from .registry import available_formats
from .run import EXIT_OK, Request, execute


def watch(request: Request) -> int:
    """Build *request*, then again after each change to what it reads, until Ctrl-C."""
    from watchfiles import DefaultFilter
    from watchfiles import watch as changes

    logging.getLogger("watchfiles").setLevel(logging.ERROR)  # Ctrl-C is said here, once
    formats = len(request.options.formats or available_formats())
    workers = WarmWorkers(1 if request.jobs == 1 else max(request.jobs, formats))
    request = replace(request, jobs=1, quiet=True)
    _rebuild(request, "built")  # in this process, which the workers then start as a copy of
    out_dir = request.options.out_dir.resolve()
    report = None if request.json_to in (None, "-") else Path(request.json_to).resolve()

    class Filter(DefaultFilter):
        """Editors' and Lectern's own temporary files, and what a build writes (the output
        folder, the JSON report), are no change: a report kept beside the lessons would
        otherwise start a rebuild that writes it again, without end."""

        def __call__(self, change: object, path: str) -> bool:
            changed = Path(path)
            return (
                super().__call__(change, path)  # type: ignore[arg-type]
                and not changed.name.startswith(TEMP_PREFIX)
                and not changed.is_relative_to(out_dir)
                and changed != report
            )

    with workers:
        click.echo("watching for changes; Ctrl-C stops")
        for _ in changes(
            *watched(request),
            watch_filter=Filter(),
            raise_interrupt=False,
            debounce=50,
            step=10,  # quiet time that ends a save: the edit-to-rebuild wait, and the idle wake-up
        ):
            _rebuild(workers.ready(request), "rebuilt")
    click.echo("stopped")
    return EXIT_OK


class WarmWorkers:
    """Worker processes forked after the first build, so they start with every library
    imported and every theme read: a rebuild then renders its formats (or lessons) side
    by side, paying for the rendering alone. One worker needs no pool.

    A lesson's formats each get a worker even with fewer cores: the system then shares
    the cores among all three, where two workers would leave the third format to wait
    for one of them to finish.
    """

    def __init__(self, count: int) -> None:
        self.count = count
        self.pool: ProcessPoolExecutor | None = None

    def __enter__(self) -> WarmWorkers:
        if self.count > 1:
            self.pool = self._started()
        return self

    def __exit__(self, *exc: object) -> None:
        if self.pool is not None:
            self.pool.shutdown(cancel_futures=True)

    def ready(self, request: Request) -> Request:
        """*request*, to run in the workers; a pool broken by a dead worker is replaced."""
        if self.pool is None:
            return request
        try:
            self.pool.submit(int).result()
        except BrokenProcessPool:
            self.pool.shutdown(wait=False)
            self.pool = self._started()
        return replace(request, jobs=self.count, workers=self.pool)

    def _started(self) -> ProcessPoolExecutor:
        pool = worker_pool(self.count, kept=True)
        pool.submit(int).result()  # fork now, before the watcher's thread starts
        return pool


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
        document = lesson.document
        theme = cached_theme(
            request.options.theme or document.theme, lesson.folder, document.language
        )
    except (LessonError, BuildError):
        return []
    shipped = themes_dir().resolve()
    return [folder for folder in theme.folders if not folder.resolve().is_relative_to(shipped)]


def _existing(paths: Iterable[Path]) -> list[Path]:
    return [path for path in paths if path.exists()]
