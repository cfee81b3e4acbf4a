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
    elif not quiet or result.status:
        click.echo(result.report.summary(result.seconds))
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
    """Do the run, printing files and errors as it goes, and the JSON report if asked."""
    started = time.perf_counter()
    quiet = request.quiet or request.json_to == "-"
    try:
        found = discover(request.sources, request.exclude)
    except LessonError as error:
        click.echo(str(error), err=True)
        return Result(EXIT_BAD_INPUT, Report(request.options.out_dir, quiet=True), 0.0)
    if request.verbose:
        for path, reason in found.skipped:
            click.echo(f"skipped {path}: {reason}", err=quiet)
        _say_layouts(request.options, quiet)
    if request.combine_only:
        only = _only_combined(request)
        if only is None:
            click.echo(
                "error: --combine-only keeps only combined handouts and cheat sheets, and no"
                " format asked for is combined; add -f pdf (or -f docx with --data)",
                err=True,
            )
            return Result(EXIT_BAD_INPUT, Report(request.options.out_dir, quiet=True), 0.0)
        request = only
    try:
        with _output_folder(request) as out_dir:
            options = replace(
                request.options, out_dir=out_dir, force=request.options.force or request.check
            )
            status, report = _build(request, found.lessons, options, quiet)
    except OSError as error:  # the folder itself: missing rights, a file in its place
        where = error.filename or request.options.out_dir
        click.echo(f"error: {where}: can't write there ({error.strerror or error})", err=True)
        return Result(EXIT_FAILED, Report(request.options.out_dir, quiet=True), 0.0)
    seconds = time.perf_counter() - started
    if request.strict and report.warned and status == EXIT_OK:
        click.echo(
            f"error: {len(report.warned)} warning(s), and --strict makes them fail", err=True
        )
        status = EXIT_FAILED
    if request.json_to:
        text = report.as_json(status, seconds)
        if request.json_to == "-":
            click.echo(text)
        else:
            try:
                with atomic_target(Path(request.json_to)) as temporary:
                    temporary.write_text(text + "\n", encoding="utf-8")
            except OSError as error:  # a file where its folder should be, missing rights
                where = f"{error.filename}: " if error.filename else ""
                reason = f"{where}{error.strerror or error}"
                click.echo(
                    f"error: can't write the report to {request.json_to} ({reason})", err=True
                )
                status = max(status, EXIT_FAILED)
    return Result(status, report, seconds)


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
    request: Request, lessons: list[Found], options: BuildOptions, quiet: bool
) -> tuple[int, Report]:
    from .batch import FOR_DEVELOPERS, plan_batch, run_batch

    try:
        plan = plan_batch(lessons, options, data=request.data, name=request.name)
    except LessonError as error:
        click.echo(str(error), err=True)
        return EXIT_BAD_INPUT, Report(options.out_dir, quiet=True)
    except BuildError as error:
        click.echo(f"error: {error}", err=True)
        return EXIT_FAILED, Report(options.out_dir, quiet=True)
    report = Report(
        options.out_dir,
        total=len(plan.jobs) + len(plan.failed),
        quiet=quiet or request.check or request.combine_only,
        debug=request.debug,
        rows=plan.rows,
    )
    for job in plan.fresh:
        report.up_to_date(job, {fmt: plan.manifest.name_of(fmt, job.stem) for fmt in job.keys})
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
    if request.combine or request.combine_only:
        status = max(status, _combine(plan, options, request, report, quiet=quiet, status=status))
    return status, report


def _combine(
    plan: Plan, options: BuildOptions, request: Request, report: Report, *, quiet: bool, status: int
) -> int:
    """Write the combined files, unless a copy failed (its old file would slip in)."""
    from .combine import combine_outputs

    if request.combine_only:
        report.files = 0  # the separate files were made only to be combined
    try:
        if status != EXIT_OK:
            raise BuildError("the combined files are not made while a copy fails; fix it first")
        written = combine_outputs(plan, options, into=request.options.out_dir)
        for path in written:
            report.files += 1
            if not quiet:
                click.echo(f"wrote {path} ({path.stat().st_size / 1024:.0f} KiB)")
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
