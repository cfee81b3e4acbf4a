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
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, replace
from pathlib import Path

import click

from .batch import worker_pool
from .build import cached_theme, digest, image_files
from .discover import IGNORE_FILE, LESSON_SUFFIXES, by_name, discover
from .errors import BuildError, LessonError
from .files import TEMP_PREFIX
from .load import load_lesson
from .registry import available_formats
from .run import EXIT_OK, Request, Result, execute


def watch(request: Request) -> int:
    """Build *request*, then again after each change to what it reads, until Ctrl-C."""
    logging.getLogger("watchfiles").setLevel(logging.ERROR)  # Ctrl-C is said here, once
    formats = len(request.options.formats or available_formats())
    workers = WarmWorkers(1 if request.jobs == 1 else max(request.jobs, formats))
    request = replace(request, jobs=1, quiet=True)
    # Ctrl-C while it builds, too: a build cut short keeps the last good files (each is
    # written whole, then renamed).
    with contextlib.suppress(KeyboardInterrupt):
        first = _rebuild(request, "built")  # here: the workers start as copies of this process
        if first.status and first.report.run_errors and not first.report.lessons:
            return first.status  # refused as a whole (an unknown format): nothing to watch
        inputs = Inputs(request)
        with workers:
            click.echo("watching for changes; Ctrl-C stops")
            _watch(inputs, lambda said: _rebuild(workers.ready(request), "rebuilt", said))
    click.echo("stopped")
    return EXIT_OK


def _watch(inputs: Inputs, rebuild: Callable[[bool], object]) -> None:
    """Call *rebuild* after each change to the *inputs*, until Ctrl-C.

    The watch starts again when what it must watch moves (a theme or pictures elsewhere,
    taken up). What changed while it started again is built at its first quiet moment,
    then: ``rebuild(False)`` says nothing if that was nothing.
    """
    from watchfiles import DefaultFilter
    from watchfiles import watch as changes

    class Filter(DefaultFilter):
        """Only a change to what a build reads; editors' backups are none (as the default)."""

        def __call__(self, change: object, path: str) -> bool:
            return super().__call__(change, path) and Path(path) in inputs  # type: ignore[arg-type]

    roots: list[Path] | None = inputs.roots()
    restarted = False
    while roots:
        started, roots = roots, None
        for changed in changes(
            *started,
            watch_filter=Filter(),
            raise_interrupt=False,  # Ctrl-C ends the loop, roots None
            debounce=50,
            step=10,  # quiet time that ends a save: the edit-to-rebuild wait, and the idle wake-up
            yield_on_timeout=True,
            rust_timeout=250,  # a quiet moment: an empty set of changes
        ):
            if not changed and not restarted:
                continue
            rebuild(bool(changed))
            restarted = False
            inputs.refresh()
            if inputs.roots() != started:
                roots, restarted = inputs.roots(), True
                break


class Inputs:
    """What the watched builds read, so that only a change to it starts a rebuild.

    Anything else written where the lessons are (a log the watch's own lines go to, the
    JSON report, the output folder, drafts and hidden folders) is no change: a rebuild that
    writes it would start the next, without end. A lesson is known by its name (a new one
    in a watched folder counts), a picture by a lesson showing it, a theme by its folders
    (and those it extends). What the lessons use is read again after each rebuild: their
    pictures from the lessons that changed, their themes' folders from the themes.
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
        self.named = {path.resolve() for path in request.sources if not path.is_dir()}
        self.sources = {path.resolve() for path in request.sources if path.is_dir()}
        self.used: dict[Path, Used] = {}
        self.themes: set[Path] = set()
        self.refresh()

    def refresh(self) -> None:
        """Read again what the lessons use: pictures of those that changed, and every
        theme's folders (a theme.yaml may now extend another)."""
        try:
            lessons = discover(self.request.sources, self.request.exclude).paths
        except LessonError:
            # A folder left without lessons, a broken .lecternignore: the build said why,
            # and the next lesson, or the fix, is a change.
            lessons = []
        self.used = {path: self._used_by(path) for path in lessons}
        self.themes = set()
        for theme in {used.theme for used in self.used.values() if used.theme is not None}:
            try:
                with warnings.catch_warnings():  # said by the build already
                    warnings.simplefilter("ignore")
                    folders = cached_theme(*theme).folders
            except (LessonError, BuildError):  # the build said why; its fix is a change
                continue
            self.themes.update(folder.resolve() for folder in folders)

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
        except LessonError:  # the lesson as it was broken: its fix is a change
            return Used(lesson_digest)
        document = lesson.document
        pictures = frozenset((lesson.folder / src).resolve() for src in image_files(document))
        theme = (self.request.options.theme or document.theme, lesson.folder, document.language)
        return Used(lesson_digest, pictures, theme)

    def roots(self) -> list[Path]:
        """The folders to watch: each lesson's folder (its pictures live there), that of a
        picture kept elsewhere, of the data file and of the user's Office templates (a file
        saved by renaming a new one over it, as spreadsheets and Word save, is another file,
        which a watch of the old one no longer hears of), and every theme folder outside
        Lectern; none inside another."""
        from .theme import themes_dir

        shipped = themes_dir().resolve()
        pictures = {picture.parent for used in self.used.values() for picture in used.pictures}
        folders = {
            *self.sources,
            *(path.parent for path in self.named),
            *(path.parent for path in self.files),
            *(folder for folder in self.themes if not folder.is_relative_to(shipped)),
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
        if path in self.named or path in self.files:
            return True
        if any(path.is_relative_to(folder) for folder in self.themes) or any(
            path in used.pictures for used in self.used.values()
        ):
            return True
        if path.name.lower().endswith(LESSON_SUFFIXES) or path.name == IGNORE_FILE:
            return self._looked_in(path)
        return False

    def _looked_in(self, path: Path) -> bool:
        """Whether *path* lies where lessons are looked for: in a watched folder, but not
        in a hidden or ``_`` file or folder there (drafts, ``.git``, a cache)."""
        for source in self.sources:
            if path.is_relative_to(source):
                parts = path.relative_to(source).parts
                return not any(by_name(part) and part != IGNORE_FILE for part in parts)
        return False


@dataclass(frozen=True)
class Used:
    """What one lesson reads besides itself, as of the bytes with *digest*: its pictures,
    and its theme as :func:`cached_theme` is asked for it. Nothing while it is broken (its
    fix is a change of its own)."""

    digest: str
    pictures: frozenset[Path] = frozenset()
    theme: tuple[str, Path, str] | None = None


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


def _rebuild(request: Request, done: str, say_fresh: bool = True) -> Result:
    """Build, then say in one line when, how long, and how it went (unless nothing was
    out of date and not *say_fresh*)."""
    result = execute(request)
    stamp = time.strftime("%H:%M:%S")
    took = f"in {result.seconds * 1000:.0f} ms"
    totals = result.report.totals()
    if result.status != EXIT_OK:
        click.echo(f"{stamp} failed {took}; the last good files are kept (the error is above)")
    elif totals["written"]:
        click.echo(f"{stamp} {done} {totals['written']} file(s) {took}")
    elif say_fresh:
        click.echo(f"{stamp} up to date ({took})")
    return result
