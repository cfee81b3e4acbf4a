"""What a run did, for a person (printed as it goes) and for a machine (``--json``).

Every job's outcome comes here as it finishes. Files written are said one line each
(or shown as a bar on a terminal); warnings are said once however many jobs met them;
errors are gathered and said once each at the end, with the rows they happened in,
so a typo in a merge variable is one line ("in all 30 rows"), not thirty.

The JSON report (schema 1) is one object::

    {"schema": 1, "lectern": VERSION, "status": 0|1|2, "seconds": S,
     "output_folder": DIR,
     "lessons": [{"lesson": PATH, "row": N|null, "seconds": S,
                  "outputs": [{"format": F, "path": PATH|null,
                               "status": "written"|"up to date"|"failed", "seconds": S|null}],
                  "warnings": [TEXT, ...],
                  "errors": [{"file": PATH, "line": N|null, "column": N|null,
                              "message": TEXT, "text": "FILE:LINE: MESSAGE"}]}],
     "errors": [TEXT, ...],       # about the run as a whole (the manifest could not be saved)
     "totals": {"lessons": N, "written": N, "up_to_date": N, "failed": N,
                "warnings": N, "errors": N}}

A lesson built with ``--data`` has one entry per row. Paths are as given on the command
line (relative to where Lectern ran, when they were given so). ``seconds`` of an output is
the time spent rendering it.
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


@dataclass
class _Error:
    """An error said once, with the rows (of which lessons) it happened in."""

    failure: Failure
    rows: dict[str, set[int]] = field(default_factory=dict)


class Report:
    """Gathers a run's outcomes; prints them unless *quiet*; can say them all as JSON."""

    def __init__(
        self,
        out_dir: Path,
        *,
        total: int = 0,
        quiet: bool = False,
        debug: bool = False,
        rows: int | None = None,
    ) -> None:
        self.out_dir = out_dir
        self.quiet = quiet
        self.debug = debug
        self.rows = rows
        self.lessons: dict[tuple[str, int | None], dict[str, Any]] = {}
        self.errors: dict[str, _Error] = {}
        self.run_errors: list[str] = []
        self.warned: set[str] = set()
        self.files = 0
        interactive = sys.stdout.isatty() and not os.environ.get("CI") and total > 1 and not quiet
        self.bar = click.progressbar(length=total, label="building") if interactive else None
        if self.bar:
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
            }
        return self.lessons[key]

    def up_to_date(self, job: Job, names: dict[str, str | None]) -> None:
        """Note *job*'s outputs that were up to date (their names in the output folder)."""
        entry = self._entry(job)
        for fmt, name in names.items():
            path = str(self.out_dir / name) if name else None
            entry["outputs"].append(
                {"format": fmt, "path": path, "status": "up to date", "seconds": None}
            )

    def update(self, outcome: Outcome) -> None:
        """Take in a finished job: print its files and new warnings; keep its errors."""
        entry = self._entry(outcome.job)
        entry["seconds"] = round(entry["seconds"] + outcome.seconds, 4)
        for fmt, output in outcome.written:
            self.files += 1
            seconds = outcome.times.get(fmt)
            entry["outputs"].append(
                {
                    "format": fmt,
                    "path": str(output.path),
                    "status": "written",
                    "seconds": None if seconds is None else round(seconds, 4),
                }
            )
            if self.bar is None and not self.quiet:
                click.echo(f"wrote {output.path} ({output.size / 1024:.0f} KiB)")
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
            "up_to_date": sum(output["status"] == "up to date" for output in outputs),
            "failed": sum(output["status"] == "failed" for output in outputs),
            "warnings": len(self.warned),
            "errors": len(self.errors) + len(self.run_errors),
        }

    def summary(self, seconds: float) -> str:
        totals = self.totals()
        parts = [f"{self.files} file{'s' * (self.files != 1)} written in {seconds:.2f} s"]
        if totals["up_to_date"]:
            parts.append(f"{totals['up_to_date']} up to date")
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
                "output_folder": str(self.out_dir),
                "lessons": list(self.lessons.values()),
                "errors": self.run_errors,
                "totals": self.totals(),
            },
            indent=2,
            ensure_ascii=False,
        )
