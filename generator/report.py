"""What a run did, for a person (printed as it goes) and for a machine (``--json``).

Every job's outcome comes here as it finishes. Files written are said one line each
(or shown as a bar on a terminal); warnings are said once however many jobs met them;
errors are gathered and said once each at the end, with the rows they happened in,
so a typo in a merge variable is one line ("in all 30 rows"), not thirty.

The JSON report (schema 1) is one object::

    {"schema": 1, "lectern": VERSION, "status": 0|1|2, "seconds": S,
     "output_folder": DIR|null,   # null for a check, which keeps no files
     "lessons": [{"lesson": PATH, "row": N|null, "seconds": S,
                  "outputs": [{"format": F, "path": PATH|null,
                               "status": "written"|"up to date"|"failed"
                                         |"laid out"|"combined", "seconds": S|null}],
                  "warnings": [TEXT, ...],
                  "errors": [{"file": PATH, "line": N|null, "column": N|null,
                              "message": TEXT, "text": "FILE:LINE: MESSAGE"}],
                  "accessibility": [TEXT, ...]}],   # check --accessibility
     "combined": [{"format": F, "path": PATH}],
     "removed": [PATH, ...],      # with --prune: outputs of lesson files that are gone
     "errors": [TEXT, ...],       # about the run as a whole (a lesson folder without
                                  # lessons, the manifest could not be saved)
     "totals": {"lessons": N, "written": N, "laid_out": N, "combined": N, "removed": N,
                "up_to_date": N, "failed": N, "warnings": N, "accessibility": N,
                "errors": N}}

Lessons come in path order; one built with ``--data`` has one entry per row. Paths are as
given on the command line (relative to where Lectern ran, when they were given so).
``seconds`` of an output is the time spent rendering it, of a lesson the time its jobs
took, which may run side by side. An output a check laid out (and dropped) is ``laid
out``, one made only to go into a combined file (``--combine-only``) is ``combined``; both
have no path. An up-to-date output's warnings are those its build gave, said again.
A run refused before anything is built has a report too, with the reason in ``errors``.
"""

from __future__ import annotations

import json
import os
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from . import __version__

if TYPE_CHECKING:
    from .batch import Failure, Job, Outcome

JSON_SCHEMA = 1
REPORT_START = f'{{\n  "schema": {JSON_SCHEMA},\n  "lectern": '.encode()
"""How every report begins (as :meth:`Report.as_json` writes it): discovery tells a report
kept beside the lessons from a lesson by it."""


@dataclass
class _Error:
    """An error said once, with the rows (of which lessons) it happened in."""

    failure: Failure
    rows: dict[str, set[int]] = field(default_factory=dict)


class Report:
    """Gathers a run's outcomes; prints them unless *quiet*; can say them all as JSON."""

    def __init__(self, out_dir: Path | None, *, quiet: bool = False, made: str = "written") -> None:
        self.out_dir = out_dir
        """Where the outputs are kept; None when none is (a check)."""
        self.quiet = quiet
        self.made = made
        """What became of an output this run made: ``written`` into the output folder,
        ``laid out`` by a check (and dropped), ``combined`` (kept only in a combined file)."""
        self.debug = False
        self.rows: int | None = None
        self.lessons: dict[tuple[str, int | None], dict[str, Any]] = {}
        self.errors: dict[str, _Error] = {}
        self.run_errors: list[str] = []
        self.combined: list[dict[str, str]] = []
        self.removed: list[str] = []
        self.warned: set[str] = set()
        self.files = 0
        self.bar: Any = None

    def start(self, total: int, *, rows: int | None = None, debug: bool = False) -> None:
        """The run's *total* jobs are known: on a terminal, show a bar of them."""
        self.rows = rows
        self.debug = debug
        quiet = self.quiet or self.made != "written"  # files made elsewhere are not said
        if sys.stdout.isatty() and not os.environ.get("CI") and total > 1 and not quiet:
            self.bar = click.progressbar(length=total, label="building")
            self.bar.__enter__()

    def _entry(self, job: Job) -> dict[str, Any]:
        key = (str(job.lesson), job.row)
        if key not in self.lessons:
            self.lessons[key] = {
                "lesson": str(job.lesson),
                "row": job.row,
                "seconds": 0.0,
                "outputs": [],
                "warnings": [],
                "errors": [],
                "accessibility": [],
            }
        return self.lessons[key]

    def up_to_date(self, job: Job, names: dict[str, str | None], said: list[str]) -> None:
        """Note *job*'s outputs that were up to date (their names in the output folder), and
        say again what their builds warned about (*said*): the lesson still has it."""
        entry = self._entry(job)
        for fmt, name in names.items():
            path = str(self.out_dir / name) if name and self.out_dir else None
            entry["outputs"].append(
                {"format": fmt, "path": path, "status": "up to date", "seconds": None}
            )
        entry["warnings"].extend(text for text in said if text not in entry["warnings"])
        for text in said:
            self.warning(text)

    def update(self, outcome: Outcome) -> None:
        """Take in a finished job: print its files and new warnings; keep its errors."""
        entry = self._entry(outcome.job)
        entry["seconds"] = round(entry["seconds"] + outcome.seconds, 4)
        kept = self.made == "written"
        for fmt, output in outcome.written:
            self.files += kept
            seconds = outcome.times.get(fmt)
            entry["outputs"].append(
                {
                    "format": fmt,
                    "path": str(output.path) if kept else None,
                    "status": self.made,
                    "seconds": None if seconds is None else round(seconds, 4),
                }
            )
            if self.bar is None and not self.quiet and kept:
                _said_written(output.path, output.size)
        for fmt in outcome.failed_formats:
            entry["outputs"].append(
                {"format": fmt, "path": None, "status": "failed", "seconds": None}
            )
        entry["warnings"].extend(w for w in outcome.warnings if w not in entry["warnings"])
        for warning in outcome.warnings:
            self.warning(warning)
        for failure in outcome.failures:
            error = self.errors.setdefault(failure.text, _Error(failure))
            if outcome.job.row is not None:
                error.rows.setdefault(str(outcome.job.lesson), set()).add(outcome.job.row)
            located = {
                "file": failure.file,
                "line": failure.line,
                "column": failure.column,
                "message": failure.message,
                "text": failure.text,
            }
            if located not in entry["errors"]:
                entry["errors"].append(located)
        if self.debug:
            for detail in outcome.details:
                click.echo(detail, err=True, nl=False)
        if self.bar:
            self.bar.update(1)

    def warning(self, text: str) -> None:
        """Say a warning, once per run."""
        if text in self.warned:
            return
        self.warned.add(text)
        if self.bar:
            click.echo("\r\033[K", nl=False)
        click.echo(f"warning: {text}", err=True)

    def close(self) -> None:
        """End the bar and say each error once, with where it happened."""
        if self.bar:
            self.bar.__exit__(None, None, None)
            self.bar = None
        for error in self.errors.values():
            click.echo(error.failure.text + self._where(error), err=True)
        for text in self.run_errors:
            click.echo(f"error: {text}", err=True)

    def _where(self, error: _Error) -> str:
        if not error.rows:
            return ""
        counts = [len(rows) for rows in error.rows.values()]
        if len(counts) == 1 and counts[0] == 1:
            return f" (in row {next(iter(next(iter(error.rows.values()))))})"
        if self.rows and all(count == self.rows for count in counts):
            return f" (in all {self.rows} rows)"
        return f" (in {sum(counts)} rows)"

    @property
    def failed(self) -> int:
        """Lessons (or rows) with at least one error."""
        return sum(bool(entry["errors"]) for entry in self.lessons.values())

    def totals(self) -> dict[str, int]:
        outputs = [output for entry in self.lessons.values() for output in entry["outputs"]]
        return {
            "lessons": len(self.lessons),
            "written": sum(output["status"] == "written" for output in outputs),
            "laid_out": sum(output["status"] == "laid out" for output in outputs),
            "combined": len(self.combined),
            "removed": len(self.removed),
            "up_to_date": sum(output["status"] == "up to date" for output in outputs),
            "failed": sum(output["status"] == "failed" for output in outputs),
            "warnings": len(self.warned),
            "accessibility": sum(len(entry["accessibility"]) for entry in self.lessons.values()),
            "errors": len(self.errors) + len(self.run_errors),
        }

    def found_for_readers(self, lesson: Path, problems: list[str]) -> None:
        """Keep what ``check --accessibility`` found in *lesson* for its author to fix."""
        key = (str(lesson), None)
        entry = self.lessons.get(key) or next(
            (entry for (path, _), entry in self.lessons.items() if path == str(lesson)), None
        )
        if entry is not None:  # a lesson the check laid out (the first row of a merge)
            entry["accessibility"] = problems

    def removed_file(self, path: Path) -> None:
        """Note an output removed because its lesson file is gone."""
        self.removed.append(str(path))
        if not self.quiet:
            click.echo(f"removed {path} (its lesson is gone)")

    def wrote_combined(self, fmt: str, path: Path) -> None:
        """Note a combined file (every copy, or every cheat sheet, in one)."""
        self.files += 1
        self.combined.append({"format": fmt, "path": str(path)})
        if not self.quiet:
            _said_written(path, path.stat().st_size)

    def summary(self, seconds: float) -> str:
        totals = self.totals()
        if self.made == "laid out":
            laid = totals["laid_out"]
            parts = [f"{laid} output{'s' * (laid != 1)} laid out in {seconds:.2f} s, none kept"]
        else:
            parts = [f"{self.files} file{'s' * (self.files != 1)} written in {seconds:.2f} s"]
        if totals["up_to_date"]:
            parts.append(f"{totals['up_to_date']} up to date")
        if self.removed:
            parts.append(f"{len(self.removed)} removed")
        if self.failed:
            parts.append(f"{self.failed} failed")
        return "; ".join(parts)

    def as_json(self, status: int, seconds: float) -> str:
        return json.dumps(
            {
                "schema": JSON_SCHEMA,
                "lectern": __version__,
                "status": status,
                "seconds": round(seconds, 4),
                "output_folder": None if self.out_dir is None else str(self.out_dir),
                "lessons": sorted(
                    self.lessons.values(), key=lambda e: (e["lesson"], e["row"] or 0)
                ),
                "combined": self.combined,
                "removed": self.removed,
                "errors": self.run_errors,
                "totals": self.totals(),
            },
            indent=2,
            ensure_ascii=False,
        )


def _said_written(path: Path, size: int) -> None:
    click.echo(f"wrote {path} ({size / 1024:.0f} KiB)")
