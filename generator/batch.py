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
import sys
import traceback
import warnings
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .build import (
    BuildOptions,
    digest,
    digest_files,
    image_files,
    load_renderer,
    prepare_document,
    render_format,
    theme_files,
)
from .errors import BuildError, LessonError
from .load import Lesson, load_lesson
from .manifest import Manifest, output_key
from .merge import DEFAULT_NAME, output_stems, read_rows, refuse_clashes
from .registry import available_formats

if TYPE_CHECKING:  # the pool is imported only when a batch uses it
    from concurrent.futures import Future
    from multiprocessing.context import BaseContext

EXIT_OK = 0
EXIT_FAILED = 1
EXIT_BAD_INPUT = 2


@dataclass(frozen=True)
class Job:
    """One lesson, or one data row of a lesson, into the formats that need building."""

    lesson: Path
    lesson_digest: str | None
    stem: str
    label: str
    variables: dict[str, Any]
    keys: dict[str, str]

    @property
    def formats(self) -> list[str]:
        return list(self.keys)


@dataclass
class Outcome:
    """What a job wrote, what it read besides the lesson, what went wrong, and what it
    warns about (a theme's missing font, say)."""

    job: Job
    written: list[tuple[str, Path]] = field(default_factory=list)
    inputs: dict[str, str] = field(default_factory=dict)
    status: int = EXIT_OK
    messages: list[str] = field(default_factory=list)
    details: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    def fail(self, status: int, message: str, detail: str = "") -> Outcome:
        self.status = max(self.status, status)
        self.messages.append(message)
        if detail:
            self.details.append(detail)
        return self


@dataclass
class Plan:
    """The jobs to run, and how many outputs were already up to date."""

    jobs: list[Job]
    manifest: Manifest
    up_to_date: int = 0
    failed: list[Outcome] = field(default_factory=list)


@functools.lru_cache(maxsize=4)
def _cached_lesson(path: Path, lesson_digest: str) -> Lesson:
    return load_lesson(path)


def lesson_for(job_lesson: Path, lesson_digest: str | None) -> Lesson:
    """The loaded lesson, parsed and validated once however many rows use it."""
    if lesson_digest is None:  # unreadable: let the loader say why
        return load_lesson(job_lesson)
    return _cached_lesson(job_lesson, lesson_digest)


def plan_batch(
    lessons: Iterable[Path],
    options: BuildOptions,
    *,
    data: Path | None = None,
    name: str | None = None,
) -> Plan:
    """Work out every job of a build; raises :class:`LessonError` for a bad data file or a
    name clash and :class:`BuildError` for an unknown format, before anything is written."""
    installed = available_formats()
    formats = options.formats or list(installed)
    for fmt in formats:
        if fmt not in installed:
            load_renderer(fmt)  # raises, naming the installed formats
    rows = read_rows(data) if data is not None else None
    plan = Plan([], Manifest.load(options.out_dir))
    named: list[tuple[str, str]] = []
    for path in lessons:
        try:
            lesson_digest: str | None = digest(path.read_bytes())
        except OSError:
            lesson_digest = None
        if rows is None:
            sources = [(path.stem, str(path), dict(options.variables))]
        else:
            try:
                sources = _row_sources(path, lesson_digest, rows, name or DEFAULT_NAME, options)
            except LessonError as error:
                plan.failed.append(_failed(path, lesson_digest, EXIT_BAD_INPUT, str(error)))
                continue
        for stem, label, variables in sources:
            named.append((stem, label))
            keys = {
                fmt: output_key(path, lesson_digest or "", fmt, stem, variables, options)
                for fmt in formats
            }
            stale = {
                fmt: key
                for fmt, key in keys.items()
                if options.force or not plan.manifest.up_to_date(fmt, stem, key)
            }
            plan.up_to_date += len(keys) - len(stale)
            if stale:
                plan.jobs.append(Job(path, lesson_digest, stem, label, variables, stale))
    refuse_clashes(named, options.out_dir, rows=rows is not None)
    return plan


def _row_sources(
    path: Path,
    lesson_digest: str | None,
    rows: list[dict[str, Any]],
    template: str,
    options: BuildOptions,
) -> list[tuple[str, str, dict[str, Any]]]:
    lesson = lesson_for(path, lesson_digest)
    stems = output_stems(path, lesson.stem, lesson.document.vars, rows, template, options.variables)
    return [
        (stem, f"{path} row {number}", {**row, **options.variables})
        for number, (stem, row) in enumerate(zip(stems, rows, strict=True), 1)
    ]


def _failed(path: Path, lesson_digest: str | None, status: int, message: str) -> Outcome:
    job = Job(path, lesson_digest, path.stem, str(path), {}, {})
    return Outcome(job).fail(status, message)


def execute(job: Job, options: BuildOptions) -> Outcome:
    """Build one job; every failure is caught and described, never raised, and every
    warning is kept with the outcome, so that the process reporting on the whole batch
    says each one once, however many workers came across it."""
    with warnings.catch_warnings(record=True) as caught:  # the process's filters still apply
        outcome = _execute(job, options)
    outcome.warnings = list(dict.fromkeys(str(warning.message) for warning in caught))
    return outcome


def _execute(job: Job, options: BuildOptions) -> Outcome:
    outcome = Outcome(job)
    try:
        lesson = lesson_for(job.lesson, job.lesson_digest)
        document, theme = prepare_document(lesson, options, job.variables)
        outcome.inputs = digest_files(
            [*theme_files(theme), *image_files(document), *options.references.values()]
        )
    except LessonError as error:
        return outcome.fail(EXIT_BAD_INPUT, str(error))
    except Exception as error:  # a bug: keep building the other jobs
        return outcome.fail(EXIT_FAILED, f"{job.label}: {error}", traceback.format_exc())
    for fmt in job.formats:
        try:
            renderer = load_renderer(fmt)
            target = render_format(
                renderer, document, theme, options.out_dir, job.stem, label=job.label
            )
        except LessonError as error:
            outcome.fail(EXIT_BAD_INPUT, str(error))
        except BuildError as error:
            outcome.fail(EXIT_FAILED, f"error: {error}", traceback.format_exc())
        except Exception as error:
            outcome.fail(EXIT_FAILED, f"{job.label}: {fmt}: {error}", traceback.format_exc())
        else:
            outcome.written.append((fmt, target))
    return outcome


def run_batch(
    plan: Plan, options: BuildOptions, workers: int, report: Callable[[Outcome], None]
) -> int:
    """Run the plan's jobs (in *workers* processes when more than one helps), call *report*
    with each outcome as it finishes, keep the manifest, and return the worst exit status."""
    status = EXIT_OK

    def finished(outcome: Outcome) -> None:
        nonlocal status
        status = max(status, outcome.status)
        for fmt, target in outcome.written:
            plan.manifest.record(
                target, fmt, outcome.job.stem, outcome.job.keys[fmt], outcome.inputs
            )
        report(outcome)

    for outcome in plan.failed:
        finished(outcome)
    jobs = plan.jobs
    split = workers > 1 and len(jobs) < workers
    if split:
        jobs = _split_by_format(jobs)
    try:
        if min(workers, len(jobs)) <= 1:
            for job in jobs:
                finished(execute(job, options))
        else:
            _run_in_pool(jobs, options, min(workers, len(jobs)), finished, preload=not split)
    finally:
        plan.manifest.save()
    return status


def _split_by_format(jobs: list[Job]) -> list[Job]:
    """One job per format, for when there are fewer lessons than workers.

    The lessons are loaded here, before the workers fork, so that each worker only
    imports its own format's library and renders: those imports then run side by
    side, which is most of what a single cold build waits for.
    """
    split = []
    for job in jobs:
        try:
            lesson_for(job.lesson, job.lesson_digest)
        except LessonError:
            split.append(job)  # reported once, by the worker
            continue
        split.extend(replace(job, keys={fmt: key}) for fmt, key in job.keys.items())
    return split


def _run_in_pool(
    jobs: list[Job],
    options: BuildOptions,
    workers: int,
    finished: Callable[[Outcome], None],
    *,
    preload: bool,
) -> None:
    from concurrent.futures import ProcessPoolExecutor, as_completed

    if preload:  # import each renderer once here: forked workers start with it loaded
        for fmt in {fmt for job in jobs for fmt in job.formats}:
            with contextlib.suppress(BuildError):  # each job reports it
                load_renderer(fmt)
    with ProcessPoolExecutor(max_workers=workers, mp_context=_context()) as pool:
        pending: dict[Future[Outcome], Job] = {
            pool.submit(execute, job, options): job for job in jobs
        }
        try:
            for future in as_completed(pending):
                job = pending.pop(future)
                try:
                    outcome = future.result()
                except Exception as error:  # a worker died (killed, out of memory)
                    outcome = Outcome(job).fail(
                        EXIT_FAILED, f"{job.label}: the worker failed: {error}"
                    )
                finished(outcome)
        except BaseException:
            pool.shutdown(wait=True, cancel_futures=True)
            raise


def _context() -> BaseContext:
    """Fork where it is safe: workers inherit loaded libraries and lessons instead of
    importing and parsing them again."""
    import multiprocessing

    if sys.platform == "linux":
        return multiprocessing.get_context("fork")
    return multiprocessing.get_context()
