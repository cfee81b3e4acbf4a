"""Building many lessons (or many personalised copies of one) at once.

A batch is planned first, in the calling process: lesson files are hashed, output
names worked out and checked for clashes, and outputs that are up to date are left
out (see :mod:`generator.manifest`). The remaining jobs, one per lesson or per data
row, run in worker processes, or in this process when one worker is enough. A job
that fails is reported and the others go on; the worst failure sets the exit status.
"""

from __future__ import annotations

import contextlib
import functools
import gc
import os
import signal
import sys
import threading
import time
import traceback
import warnings
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .build import (
    BuildOptions,
    Output,
    digest,
    digest_files,
    image_files,
    load_renderer,
    prepare_document,
    render_format,
    theme_inputs,
)
from .discover import Found
from .errors import BuildError, LessonError, Problem
from .links import missing_files
from .load import Lesson, load_lesson
from .manifest import Manifest, ManifestError, output_key, portable
from .merge import DEFAULT_NAME, clash_problems, output_stems, read_rows, refuse_clashes
from .registry import available_formats, unknown_format
from .templating import variables_read

if TYPE_CHECKING:  # the pool is imported only when a batch uses it
    from concurrent.futures import Executor, Future, ProcessPoolExecutor
    from multiprocessing.context import BaseContext

EXIT_OK = 0
EXIT_FAILED = 1
EXIT_BAD_INPUT = 2
FOR_DEVELOPERS = (DeprecationWarning, PendingDeprecationWarning, ImportWarning, ResourceWarning)
"""Warning categories about code, not about a lesson."""


@dataclass(frozen=True)
class Job:
    """One lesson, or one data row of a lesson, into the formats that need building."""

    lesson: Path
    lesson_digest: str | None
    stem: str
    """The output name before the format's label, with the folders it mirrors (``unit1/intro``)."""
    label: str
    variables: dict[str, Any]
    keys: dict[str, str]
    row: int | None = None

    @property
    def formats(self) -> list[str]:
        return list(self.keys)


@dataclass(frozen=True)
class Failure:
    """One error, as printed (``text``) and located for a machine-readable report."""

    text: str
    file: str
    message: str
    line: int | None = None
    column: int | None = None

    @classmethod
    def of(cls, problem: Problem) -> Failure:
        return cls(str(problem), str(problem.path), problem.message, problem.line, problem.column)


@dataclass
class Outcome:
    """What a job wrote, what it read besides the lesson (named as the manifest names
    them), what went wrong, and what it warns about (a theme's missing font, say)."""

    job: Job
    written: list[tuple[str, Output]] = field(default_factory=list)
    # Each input's digest by path; None for a file that must stay absent.
    inputs: dict[str, str | None] = field(default_factory=dict)
    status: int = EXIT_OK
    failures: list[Failure] = field(default_factory=list)
    failed_formats: list[str] = field(default_factory=list)
    details: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    seconds: float = 0.0
    times: dict[str, float] = field(default_factory=dict)
    """Seconds spent on each format."""

    def fail(self, status: int, error: Exception | str, detail: str = "") -> Outcome:
        """Record *error*: a :class:`LessonError`'s located problems, or a message about
        the lesson as a whole."""
        self.status = max(self.status, status)
        if isinstance(error, LessonError):
            self.failures.extend(Failure.of(problem) for problem in error.problems)
        elif isinstance(error, BuildError) and error.place:
            self.failures.append(Failure.of(error.place))
        else:
            text = str(error)
            lesson = str(self.job.lesson)
            message = text.removeprefix(f"{lesson}: ")
            self.failures.append(Failure(f"{lesson}: {message}", lesson, message))
        if detail:
            self.details.append(detail)
        return self


@dataclass
class Plan:
    """The jobs to run, the outputs already up to date (as jobs for the formats that are),
    and the lessons that failed before any job could start."""

    jobs: list[Job]
    manifest: Manifest
    fresh: list[Job] = field(default_factory=list)
    failed: list[Outcome] = field(default_factory=list)
    manifest_error: str | None = None
    rows: int | None = None
    """How many rows the data file has, in a merge."""

    @property
    def up_to_date(self) -> int:
        return sum(len(job.keys) for job in self.fresh)


@functools.lru_cache(maxsize=4)
def _cached_lesson(path: Path, lesson_digest: str) -> Lesson:
    return load_lesson(path)


def lesson_for(job_lesson: Path, lesson_digest: str | None) -> Lesson:
    """The loaded lesson, parsed and validated once however many rows use it."""
    if lesson_digest is None:  # unreadable: let the loader say why
        return load_lesson(job_lesson)
    return _cached_lesson(job_lesson, lesson_digest)


def plan_batch(
    lessons: Iterable[Found],
    options: BuildOptions,
    *,
    data: Path | None = None,
    name: str | None = None,
) -> Plan:
    """Work out every job of a build; raises :class:`LessonError` for a bad data file, a
    name clash or an unknown format (bad input, as a mistyped option is), before anything
    is written."""
    installed = available_formats()
    formats = options.formats or list(installed)
    unknown = [
        Problem(Path("--format"), unknown_format(fmt, installed))
        for fmt in formats
        if fmt not in installed
    ]
    if unknown:
        raise LessonError(unknown)
    rows = read_rows(data) if data is not None else None
    plan = Plan([], Manifest.load(options.out_dir), rows=None if rows is None else len(rows))
    if rows is None:
        lessons = _without_clashes(list(lessons), plan, formats, options.out_dir)
    named: list[tuple[str, str]] = []
    for found in lessons:
        path = found.path
        try:
            lesson_digest: str | None = digest(path.read_bytes())
        except OSError:
            lesson_digest = None
        if rows is None:
            jobs = [Job(path, lesson_digest, found.stem, str(path), dict(options.variables), {})]
        else:
            try:
                jobs = _row_jobs(found, lesson_digest, rows, name or DEFAULT_NAME, options)
                _check_columns(lesson_for(path, lesson_digest), rows, data, options)
            except LessonError as error:
                job = Job(path, lesson_digest, found.stem, str(path), {}, {})
                outcome = Outcome(job)
                outcome.failed_formats = list(formats)  # no copy is made: the report counts them
                plan.failed.append(outcome.fail(EXIT_BAD_INPUT, error))
                continue
        for job in jobs:
            named.append((job.stem, job.label))
            keys = {
                fmt: output_key(lesson_digest or "", fmt, job.stem, job.variables, options)
                for fmt in formats
            }
            stale = {
                fmt: key
                for fmt, key in keys.items()
                if options.force or not plan.manifest.up_to_date(fmt, job.stem, key, path.parent)
            }
            if stale:
                plan.jobs.append(replace(job, keys=stale))
            if len(stale) < len(keys):
                fresh = {fmt: key for fmt, key in keys.items() if fmt not in stale}
                plan.fresh.append(replace(job, keys=fresh))
    if rows is not None:
        refuse_clashes(named, options.out_dir)
    return plan


def _without_clashes(
    lessons: list[Found], plan: Plan, formats: list[str], out_dir: Path
) -> list[Found]:
    """The lessons whose output names no other lesson gives. Lessons that share one
    (``intro.yaml`` beside ``intro.md``) each fail, with the fix, and the rest of the
    folder still builds."""
    by_name: dict[str, list[Found]] = {}
    for found in lessons:
        by_name.setdefault(found.stem.casefold(), []).append(found)
    fix = "rename one of them (the output is named after the lesson file)"
    for group in by_name.values():
        if len(group) == 1:
            continue
        error = LessonError(
            clash_problems([(found.stem, str(found.path)) for found in group], out_dir, fix=fix)
        )
        for found in group:
            outcome = Outcome(Job(found.path, None, found.stem, str(found.path), {}, {}))
            outcome.failed_formats = list(formats)
            plan.failed.append(outcome.fail(EXIT_BAD_INPUT, error))
    return [found for found in lessons if len(by_name[found.stem.casefold()]) == 1]


def _check_columns(
    lesson: Lesson, rows: list[dict[str, Any]], data: Path | None, options: BuildOptions
) -> None:
    """Refuse, once and at the line that reads it, a variable no row of the data file has
    and nothing else gives (the lesson's vars, --var), instead of failing every row. A
    value missing from some rows only fails those rows, as they are built."""
    given = {*lesson.document.vars, *options.variables}
    columns = list(dict.fromkeys(name for row in rows for name in row))
    problems = [
        lesson.source.problem(
            loc,
            f"'{name}' is not a column of {data} (its columns: {', '.join(columns)});"
            " add it there, or give a default under vars: in the lesson",
        )
        for name, loc in variables_read(lesson).items()
        if name not in given and name not in columns
    ]
    if problems:
        raise LessonError(problems)


def _row_jobs(
    found: Found,
    lesson_digest: str | None,
    rows: list[dict[str, Any]],
    template: str,
    options: BuildOptions,
) -> list[Job]:
    path = found.path
    lesson = lesson_for(path, lesson_digest)
    stems = output_stems(path, lesson.stem, lesson.document.vars, rows, template, options.variables)
    folder = found.stem.rpartition("/")[0]
    prefix = f"{folder}/" if folder else ""
    return [
        Job(
            path,
            lesson_digest,
            prefix + stem,
            f"{path} row {number}",
            {**row, **options.variables},
            {},
            row=number,
        )
        for number, (stem, row) in enumerate(zip(stems, rows, strict=True), 1)
    ]


def execute(job: Job, options: BuildOptions) -> Outcome:
    """Build one job; every failure is caught and described, never raised, and every
    warning is kept with the outcome, so that the process reporting on the whole batch
    says each one once, however many workers came across it.

    A library's deprecation notice (shown where Python's warning filters let it through,
    as under a test runner or ``-W default``) says nothing about the lesson: it goes with
    the details ``--debug`` prints, not with the warnings ``--strict`` fails on."""
    started = time.perf_counter()
    with warnings.catch_warnings(record=True) as caught:  # the process's filters still apply
        outcome = _execute(job, options)
    for warning in caught:
        if issubclass(warning.category, FOR_DEVELOPERS):
            outcome.details.append(f"{warning.category.__name__}: {warning.message}\n")
        elif str(warning.message) not in outcome.warnings:
            outcome.warnings.append(str(warning.message))
    outcome.seconds = time.perf_counter() - started
    return outcome


def _execute(job: Job, options: BuildOptions) -> Outcome:
    outcome = Outcome(job)
    try:
        lesson = lesson_for(job.lesson, job.lesson_digest)
        # The job's own formats: only the one that draws the cheat sheet checks its glyphs.
        document, theme = prepare_document(
            lesson, replace(options, formats=job.formats), job.variables
        )
        files = [*image_files(document), *options.references.values()]
        absent = {str(path.resolve()): None for path in missing_files(lesson.folder, document)}
        outcome.inputs = {
            portable(Path(path), job.lesson.parent): sha
            for path, sha in {**theme_inputs(theme), **digest_files(files), **absent}.items()
        }
    except LessonError as error:
        outcome.failed_formats = job.formats
        return outcome.fail(EXIT_BAD_INPUT, error)
    except Exception as error:  # a bug: keep building the other jobs
        outcome.failed_formats = job.formats
        return outcome.fail(EXIT_FAILED, error, traceback.format_exc())
    for fmt in job.formats:
        # Errors name the lesson, not the row: the same error in every row is said once.
        label = str(job.lesson)
        started = time.perf_counter()
        try:
            renderer = load_renderer(fmt)
            written = render_format(
                renderer, document, theme, options.out_dir, job.stem, label=label, lesson=lesson
            )
        except LessonError as error:
            outcome.failed_formats.append(fmt)
            outcome.fail(EXIT_BAD_INPUT, error)
        except BuildError as error:
            outcome.failed_formats.append(fmt)
            outcome.fail(EXIT_FAILED, error, traceback.format_exc())
        except Exception as error:
            outcome.failed_formats.append(fmt)
            outcome.fail(EXIT_FAILED, f"{fmt}: {error}", traceback.format_exc())
        else:
            outcome.written.append((fmt, written))
        outcome.times[fmt] = time.perf_counter() - started
    return outcome


def run_batch(
    plan: Plan,
    options: BuildOptions,
    workers: int,
    report: Callable[[Outcome], None],
    *,
    kept: Executor | None = None,
) -> int:
    """Run the plan's jobs (in *workers* processes when more than one helps, or in the
    *kept* pool of warm workers), call *report* with each outcome as it finishes, keep
    the manifest, and return the worst exit status."""
    status = EXIT_OK
    manifest = plan.manifest

    def finished(outcome: Outcome) -> None:
        nonlocal status
        status = max(status, outcome.status)
        for fmt, output in outcome.written:
            if plan.manifest_error is None:
                name = output.path.relative_to(options.out_dir).as_posix()
                job = outcome.job
                try:
                    manifest.record(
                        name,
                        fmt,
                        job.stem,
                        job.keys[fmt],
                        outcome.inputs,
                        (output.sha256, output.size),
                        outcome.warnings,
                        job.lesson,
                    )
                except ManifestError as error:
                    plan.manifest_error = str(error)
        report(outcome)

    for outcome in plan.failed:
        finished(outcome)
    jobs = plan.jobs
    split = workers > 1 and len(jobs) < workers
    if split:
        jobs = _split_by_format(jobs, load=kept is None)
    try:
        if min(workers, len(jobs)) <= 1:
            for number, job in enumerate(jobs):
                if number == 1:
                    settle()
                finished(execute(job, options))
        elif kept is not None:
            _run_in_pool(jobs, options, kept, finished)
        else:
            if not split:  # import each renderer once here: forked workers start with it
                for fmt in {fmt for job in jobs for fmt in job.formats}:
                    with contextlib.suppress(BuildError):  # each job reports it
                        load_renderer(fmt)
            with worker_pool(min(workers, len(jobs))) as pool:
                _run_in_pool(jobs, options, pool, finished)
    finally:
        if plan.manifest_error is None:
            try:
                manifest.save()
            except ManifestError as error:
                plan.manifest_error = str(error)
    return max(status, EXIT_FAILED if plan.manifest_error else EXIT_OK)


def _split_by_format(jobs: list[Job], *, load: bool) -> list[Job]:
    """One job per format, for when there are fewer lessons than workers.

    With *load*, the lessons are loaded here, before the workers fork, so that each
    worker only imports its own format's library and renders: those imports then run
    side by side, which is most of what a single cold build waits for. Warm workers
    kept from an earlier run load the lesson themselves, at once: a broken lesson then
    fails in each format with the same error, which the report says once.
    """
    split = []
    for job in jobs:
        if load:
            try:
                lesson_for(job.lesson, job.lesson_digest)
            except LessonError:
                split.append(job)  # reported once, by the worker
                continue
        split.extend(replace(job, keys={fmt: key}) for fmt, key in job.keys.items())
    return split


def settle() -> None:
    """Take what this process holds so far (libraries, fonts, templates, lessons read) out
    of the garbage collector's sight, once. It lives as long as the process, yet every
    full collection walked it again, some 70 ms each; a forked worker walking it also
    copies every page it touches."""
    if gc.get_freeze_count() == 0:
        gc.freeze()


def worker_pool(workers: int, *, kept: bool = False) -> ProcessPoolExecutor:
    """*workers* forked processes that end with this one. A *kept* pool, which waits
    between ``lectern watch`` runs, leaves Ctrl-C to this process: the workers would
    otherwise each print how they were interrupted."""
    from concurrent.futures import ProcessPoolExecutor

    settle()  # the workers start as copies of this process
    return ProcessPoolExecutor(
        max_workers=workers,
        mp_context=pool_context(),
        initializer=_worker_start,
        initargs=(os.getpid(), kept),
    )


def _run_in_pool(
    jobs: list[Job],
    options: BuildOptions,
    pool: Executor,
    finished: Callable[[Outcome], None],
) -> None:
    from concurrent.futures import as_completed

    pending: dict[Future[Outcome], Job] = {pool.submit(execute, job, options): job for job in jobs}
    try:
        for future in as_completed(pending):
            job = pending.pop(future)
            try:
                outcome = future.result()
            except Exception as error:  # a worker died (killed, out of memory)
                outcome = Outcome(job).fail(EXIT_FAILED, f"{job.label}: the worker failed: {error}")
            finished(outcome)
    except BaseException:
        for future in pending:
            future.cancel()
        raise


def _worker_start(parent: int, kept: bool) -> None:
    if kept:
        signal.signal(signal.SIGINT, signal.SIG_IGN)
    _exit_with_parent(parent)


def _exit_with_parent(parent: int) -> None:
    """Make a worker stop when the process that started it is gone (killed with -9, say);
    otherwise it would wait for jobs that never come. A SIGTERM first lets a half-written
    output remove its temporary file on the way out; the pool's worker loop catches what a
    job raises, so the worker is then ended outright (the next run sweeps any leftover)."""

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(0.25)
        os.kill(os.getpid(), signal.SIGTERM)
        time.sleep(1)
        os._exit(EXIT_FAILED)

    threading.Thread(target=watch, name="lectern-parent-watch", daemon=True).start()


def pool_context() -> BaseContext:
    """Fork where it is safe: workers inherit loaded libraries and lessons instead of
    importing and parsing them again."""
    import multiprocessing

    if sys.platform == "linux":
        return multiprocessing.get_context("fork")
    return multiprocessing.get_context()
