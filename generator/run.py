"""One run of ``lectern build`` or ``lectern check``, from the paths given to the exit status.

The command line, ``lectern watch`` (once per change, in one warm process) and the tests
all go through :func:`run`: find the lessons, hold the output folder, plan, build,
combine, report.
"""

from __future__ import annotations

import contextlib
import tempfile
import time
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from .build import BuildOptions
from .discover import Found, discover
from .errors import BuildError, LessonError
from .files import atomic_target, output_lock
from .report import Report

if TYPE_CHECKING:
    from concurrent.futures import Executor

    from .batch import Plan

EXIT_OK = 0
EXIT_FAILED = 1
EXIT_BAD_INPUT = 2


@dataclass
class Request:
    """What to build and how to say it, beside the :class:`BuildOptions`."""

    sources: list[Path]
    options: BuildOptions
    jobs: int = 1
    exclude: list[str] = field(default_factory=list)
    data: Path | None = None
    name: str | None = None
    verbose: bool = False
    quiet: bool = False
    json_to: str | None = None
    """A file for the JSON report, ``-`` for stdout, or None for none."""
    strict: bool = False
    combine: bool = False
    combine_only: bool = False
    debug: bool = False
    check: bool = False
    """Lay every output out, as a build would, but keep none of them."""
    accessibility: bool = False
    """With a check: also what the author can fix for readers (alt text, link text, ...)."""
    prune: bool = False
    """Remove the outputs of lessons that are gone (deleted or renamed)."""
    workers: Executor | None = None
    """Warm worker processes kept between runs (``lectern watch``); without them a run
    that has work for several starts its own."""


@dataclass
class Result:
    """How a run ended: its exit status, its report, and how long it took."""

    status: int
    report: Report
    seconds: float


def run(request: Request) -> int:
    """Do the run and say how it went; returns the exit status (0 ok, 1 a build failed,
    2 bad input)."""
    result = execute(request)
    quiet = request.quiet or request.json_to == "-"
    if request.check and not quiet:
        for entry in result.report.lessons.values():
            if not entry["errors"] and entry["row"] is None:
                click.echo(f"{entry['lesson']}: ok")
        if request.data is not None and result.report.lessons and not result.report.failed:
            click.echo(f"{len(result.report.lessons)} copies: ok")
    elif (not quiet or result.status) and (result.report.lessons or result.report.files):
        # Said only of a run that built something: a refused one has said why. With the
        # JSON report on stdout, stdout holds nothing else.
        click.echo(result.report.summary(result.seconds), err=request.json_to == "-")
    return result.status


def _say_layouts(options: BuildOptions, quiet: bool) -> None:
    """In verbose mode, which layouts of the user's PowerPoint template the deck uses."""
    reference = options.references.get("pptx")
    if reference is None:
        return
    from .renderers.pptx_template import check

    report = check(reference)
    for line in [*report.uses, *report.repairs]:
        click.echo(f"note: {reference}: {line}", err=quiet)


def execute(request: Request) -> Result:
    """Do the run, printing files and errors as it goes, and the JSON report if asked: a
    run refused before building anything has a report too, saying why."""
    started = time.perf_counter()
    quiet = request.quiet or request.json_to == "-"
    status, report = _run(request, quiet=quiet)
    if request.accessibility and status != EXIT_BAD_INPUT:
        status = max(status, _accessibility(request, report, err=request.json_to == "-"))
    seconds = time.perf_counter() - started
    if request.strict and report.warned and status == EXIT_OK:
        click.echo(
            f"error: {len(report.warned)} warning(s), and --strict makes them fail", err=True
        )
        status = EXIT_FAILED
    if request.json_to:
        status = max(status, _write_report(report.as_json(status, seconds), request.json_to))
    return Result(status, report, seconds)


def _run(request: Request, *, quiet: bool) -> tuple[int, Report]:
    shown = None if request.check else request.options.out_dir  # a check keeps no files
    made = "laid out" if request.check else "combined" if request.combine_only else "written"
    try:
        found = discover(request.sources, request.exclude)
    except LessonError as error:
        return _refused(shown, EXIT_BAD_INPUT, str(error))
    if request.verbose:
        for path, reason in found.skipped:
            click.echo(f"skipped {path}: {reason}", err=quiet)
        _say_layouts(request.options, quiet)
    if request.combine_only:
        only = _only_combined(request)
        if only is None:
            return _refused(
                shown,
                EXIT_BAD_INPUT,
                "error: --combine-only keeps only combined handouts and cheat sheets, and no"
                " format asked for is combined; add -f pdf (or -f docx with --data)",
            )
        request = only
    try:
        with _output_folder(request) as out_dir:
            options = replace(
                request.options, out_dir=out_dir, force=request.options.force or request.check
            )
            report = Report(shown, quiet=quiet, made=made)
            return _build(request, found.lessons, options, report)
    except OSError as error:  # the folder itself: missing rights, a file in its place
        where = error.filename or request.options.out_dir
        reason = error.strerror or error
        return _refused(shown, EXIT_FAILED, f"error: {where}: can't write there ({reason})")


def _accessibility(request: Request, report: Report, *, err: bool) -> int:
    """Say, per lesson, what its author can fix for readers, and keep it in the report;
    EXIT_FAILED if anything. With *err* (the JSON report is on stdout), it is said on stderr."""
    from .a11ycheck import accessibility_problems, contrast_summary
    from .build import prepare

    status = EXIT_OK
    for found in discover(request.sources, request.exclude).lessons:
        try:
            lesson, _, theme = prepare(found.path, request.options)
        except LessonError:  # the check said why
            continue
        problems = [str(problem) for problem in accessibility_problems(lesson)]
        for problem in problems:
            click.echo(problem, err=err)
        click.echo(f"{found.path}: {contrast_summary(theme)}", err=err)
        if problems:
            click.echo(f"{found.path}: {len(problems)} accessibility problem(s)", err=err)
            status = EXIT_FAILED
        report.found_for_readers(found.path, problems)
    return status


def _refused(out_dir: Path | None, status: int, text: str) -> tuple[int, Report]:
    """A run that stops before building: *text* is said, and kept for the JSON report."""
    click.echo(text, err=True)
    report = Report(out_dir, quiet=True)
    report.run_errors.extend(text.splitlines())
    return status, report


def _write_report(text: str, json_to: str) -> int:
    """Write the JSON report whole (a CI step never reads half of one); the exit status
    it adds: a report that can't be written fails the run."""
    if json_to == "-":
        click.echo(text)
        return EXIT_OK
    try:
        with atomic_target(Path(json_to)) as temporary:
            temporary.write_text(text + "\n", encoding="utf-8")
    except OSError as error:  # a file where its folder should be, missing rights
        where = f"{error.filename}: " if error.filename else ""
        reason = f"{where}{error.strerror or error}"
        click.echo(f"error: can't write the report to {json_to} ({reason})", err=True)
        return EXIT_FAILED
    return EXIT_OK


def _only_combined(request: Request) -> Request | None:
    """*request* building just the formats that are combined: with --combine-only the
    others (decks) would be made only to be thrown away. None if none of them is asked for."""
    from .combine import combined_formats
    from .registry import available_formats

    wanted = request.options.formats or list(available_formats())
    kept = [fmt for fmt in wanted if fmt in combined_formats(copies=request.data is not None)]
    if not kept:
        return None
    return replace(request, options=replace(request.options, formats=kept))


@contextmanager
def _output_folder(request: Request) -> Iterator[Path]:
    """Where the run's outputs go, held for the run. A check lays out into a folder it then
    drops; --combine-only builds the separate files there too, and keeps only the combined."""
    out_dir = request.options.out_dir

    def waiting() -> None:
        click.echo(f"waiting for another build into {out_dir} to finish", err=True)

    with contextlib.ExitStack() as stack:
        if not request.check:
            stack.enter_context(output_lock(out_dir, waiting))
        if request.check or request.combine_only:
            yield Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="lectern-")))
        else:
            yield out_dir


def _build(
    request: Request, lessons: list[Found], options: BuildOptions, report: Report
) -> tuple[int, Report]:
    from .batch import FOR_DEVELOPERS, plan_batch, run_batch

    try:
        plan = plan_batch(lessons, options, data=request.data, name=request.name)
    except LessonError as error:
        return _refused(report.out_dir, EXIT_BAD_INPUT, str(error))
    except BuildError as error:
        return _refused(report.out_dir, EXIT_FAILED, f"error: {error}")
    report.start(len(plan.jobs) + len(plan.failed), rows=plan.rows, debug=request.debug)
    for job in plan.fresh:
        said_before = [
            text for fmt in job.keys for text in plan.manifest.warnings_of(fmt, job.stem)
        ]
        report.up_to_date(
            job, {fmt: plan.manifest.name_of(fmt, job.stem) for fmt in job.keys}, said_before
        )
    previous = warnings.showwarning

    def said(message: Warning | str, category: type[Warning], *args: Any, **kwargs: Any) -> None:
        if issubclass(category, FOR_DEVELOPERS):  # about code, not the lessons
            previous(message, category, *args, **kwargs)
        else:
            report.warning(str(message))

    warnings.showwarning = said
    try:
        status = run_batch(plan, options, request.jobs, report.update, kept=request.workers)
    finally:
        warnings.showwarning = previous
        if plan.manifest_error:
            report.run_errors.append(plan.manifest_error)
        report.close()
    if request.prune and not (request.check or request.combine_only):
        status = max(status, _prune(plan, options, report))
    if request.combine or request.combine_only:
        status = max(status, _combine(plan, options, request, report, status=status))
    return status, report


def _prune(plan: Plan, options: BuildOptions, report: Report) -> int:
    """Remove what deleted or renamed lessons left in the output folder (``--prune``): a
    CI job that keeps the folder between runs would otherwise publish their files with
    the rest."""
    try:
        removed = plan.manifest.prune()
        plan.manifest.save()
    except (OSError, BuildError) as error:  # a file that will not go, a manifest unsaved
        report.run_errors.append(f"--prune: {error}")
        click.echo(f"error: --prune: {error}", err=True)
        return EXIT_FAILED
    for name in removed:
        report.removed_file(options.out_dir / name)
    return EXIT_OK


def _combine(
    plan: Plan, options: BuildOptions, request: Request, report: Report, *, status: int
) -> int:
    """Write the combined files, unless a copy failed (its old file would slip in)."""
    from .combine import combine_outputs

    try:
        if status != EXIT_OK:
            raise BuildError("the combined files are not made while a copy fails; fix it first")
        written = combine_outputs(plan, options, into=request.options.out_dir)
        for fmt, path in written:
            report.wrote_combined(fmt, path)
        if not written:
            report.warning(
                "--combine made nothing: it joins cheat sheets, and the handouts of a --data"
                " merge; add -f pdf (or -f docx with --data)"
            )
    except BuildError as error:
        report.run_errors.append(str(error))
        click.echo(f"error: {error}", err=True)
        return EXIT_FAILED
    return EXIT_OK
