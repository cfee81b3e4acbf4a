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
import warnings
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, replace
from pathlib import Path

import click

from .batch import worker_pool
from .build import cached_theme, digest, image_files
from .discover import IGNORE_FILE, LESSON_SUFFIXES, discover
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
    inputs = Inputs(request)

    class Filter(DefaultFilter):
        """Only a change to what a build reads; editors' backups are none (as the default)."""

        def __call__(self, change: object, path: str) -> bool:
            return super().__call__(change, path) and Path(path) in inputs  # type: ignore[arg-type]

    with contextlib.suppress(KeyboardInterrupt), workers:  # Ctrl-C while it builds, too:
        # a rebuild cut short keeps the last good files (each is written whole, then renamed)
        click.echo("watching for changes; Ctrl-C stops")
        roots: list[Path] | None = inputs.roots()
        while roots:  # a watch started again when what it must watch moved
            started, roots = roots, None
            for _ in changes(
                *started,
                watch_filter=Filter(),
                raise_interrupt=False,  # Ctrl-C ends the loop, roots None
                debounce=50,
                step=10,  # quiet time that ends a save: the edit-to-rebuild wait, and the idle wake-up
            ):
                _rebuild(workers.ready(request), "rebuilt")
                inputs.refresh()
                if inputs.roots() != started:  # a theme or pictures elsewhere, taken up
                    roots = inputs.roots()
                    break
    click.echo("stopped")
    return EXIT_OK


class Inputs:
    """What the watched builds read, so that only a change to it starts a rebuild.

    Anything else written where the lessons are (a log the watch's own lines go to, the
    JSON report, the output folder) is no change: a rebuild that writes it would start the
    next, without end. A lesson is known by its name (a new one in a watched folder counts),
    a picture by a lesson showing it, a theme by its folders. Which pictures and themes
    the lessons use is read again after each rebuild, from the lessons that changed.
    """

    def __init__(self, request: Request) -> None:
        self.request = request
        self.out_dir = request.options.out_dir.resolve()
        json_to = request.json_to
        self.report = None if json_to in (None, "-") else Path(json_to).resolve()
        self.files = {
            path.resolve()
            for path in (request.data, *request.options.references.values())
            if path is not None
        }
        self.used: dict[Path, Used] = {}
        self.refresh()

    def refresh(self) -> None:
        """Read again which pictures and themes the lessons use (those that changed)."""
        try:
            lessons = discover(self.request.sources, self.request.exclude).paths
        except LessonError:
            # A folder left without lessons, a broken .lecternignore: the build said why,
            # and the next lesson, or the fix, is a change.
            lessons = []
        self.used = {path: self._used_by(path) for path in lessons}

    def _used_by(self, path: Path) -> Used:
        try:
            lesson_digest = digest(path.read_bytes())
        except OSError:
            return Used("")
        known = self.used.get(path)
        if known is not None and known.digest == lesson_digest:
            return known
        try:
            lesson = load_lesson(path)
            document = lesson.document
            with warnings.catch_warnings():  # said by the build already
                warnings.simplefilter("ignore")
                theme = cached_theme(
                    self.request.options.theme or document.theme, lesson.folder, document.language
                )
        except (LessonError, BuildError):  # the lesson as it was broken: its fix is a change
            return Used(lesson_digest)
        pictures = {(lesson.folder / src).resolve() for src in image_files(document)}
        themes = frozenset(folder.resolve() for folder in theme.folders)
        return Used(lesson_digest, frozenset(pictures), themes)

    def roots(self) -> list[Path]:
        """The folders to watch: each lesson's folder (its pictures live there), that of a
        picture kept elsewhere, of the data file and of the user's Office templates (a file
        saved by renaming a new one over it, as spreadsheets and Word save, is another file,
        which a watch of the old one no longer hears of), and every theme folder outside
        Lectern; none inside another."""
        from .theme import themes_dir

        shipped = themes_dir().resolve()
        sources = {path if path.is_dir() else path.parent for path in self.request.sources}
        themes = {folder for used in self.used.values() for folder in used.themes}
        pictures = {picture.parent for used in self.used.values() for picture in used.pictures}
        folders = {
            *(path.resolve() for path in sources),
            *(path.parent for path in self.files),
            *(folder for folder in themes if not folder.is_relative_to(shipped)),
            *pictures,
        }
        folders = {folder for folder in folders if folder.is_dir()}
        return sorted(
            folder
            for folder in folders
            if not any(folder.is_relative_to(above) for above in folders - {folder})
        )

    def __contains__(self, path: Path) -> bool:
        if (
            path.name.startswith(TEMP_PREFIX)
            or path.is_relative_to(self.out_dir)
            or path == self.report
        ):
            return False
        if path.name.lower().endswith(LESSON_SUFFIXES) or path.name == IGNORE_FILE:
            return True
        return path in self.files or any(
            path in used.pictures or any(path.is_relative_to(folder) for folder in used.themes)
            for used in self.used.values()
        )


@dataclass(frozen=True)
class Used:
    """What one lesson reads besides itself, as of the bytes with *digest*: none while it
    is broken (its fix is a change of its own)."""

    digest: str
    pictures: frozenset[Path] = frozenset()
    themes: frozenset[Path] = frozenset()


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
