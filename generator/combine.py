"""One printable file holding many outputs: every copy of a merge, or a course's cheat sheets.

A teacher printing 30 personalised handouts wants one file to send to the printer, in
row order. Cheat sheets (PDF) are joined page after page, tagged
(:mod:`generator.pdfjoin`); handouts one section per copy, each numbering its own pages
(:mod:`generator.docxjoin`). Decks are not printed, so they are not combined.

Which formats are combined is asked before any worker starts, so the joiners, and the
libraries they read files with, are imported only when files are joined.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from .batch import Job, Plan
from .build import BuildOptions
from .errors import BuildError
from .files import atomic_target

COMBINED = {"docx": "handouts.docx", "pdf": "cheatsheets.pdf"}


def combined_formats(*, copies: bool) -> list[str]:
    """The formats whose outputs are combined: handouts and cheat sheets for the copies of
    a merge, cheat sheets alone for a folder of different lessons."""
    return list(COMBINED) if copies else ["pdf"]


def combine_outputs(plan: Plan, options: BuildOptions, *, into: Path) -> list[tuple[str, Path]]:
    """Write the combined files of a run into *into*; returns them, each with its format.

    With a data file, one file per printable format for each lesson, holding its copies
    in row order (``intro-handouts.docx``); for lessons without one, one PDF of all their
    cheat sheets (``cheatsheets.pdf``). Raises :class:`BuildError` if an output to
    combine is missing (its build failed).
    """
    copies: dict[tuple[str, int | None], tuple[Job, set[str]]] = {}
    for job in sorted([*plan.jobs, *plan.fresh], key=lambda job: (str(job.lesson), job.row or 0)):
        copies.setdefault((str(job.lesson), job.row), (job, set()))[1].update(job.keys)
    groups: dict[tuple[str, str], list[Path]] = {}
    for job, formats in copies.values():  # one entry per copy, however its formats were split
        for fmt in COMBINED:
            if fmt not in formats or fmt not in combined_formats(copies=job.row is not None):
                continue
            name = plan.manifest.name_of(fmt, job.stem)
            if name is None or not (options.out_dir / name).is_file():
                raise BuildError(
                    f"{job.label}: its {fmt} output is missing, so the combined file is not made"
                )
            group = _lesson_stem(job) + "-" if job.row is not None else ""
            groups.setdefault((fmt, group), []).append(options.out_dir / name)
    written = []
    for (fmt, group), paths in groups.items():
        target = into / f"{group}{COMBINED[fmt]}"
        with atomic_target(target) as temporary:
            temporary.write_bytes(_joiner(fmt)(paths))
        written.append((fmt, target))
    return written


def _lesson_stem(job: Job) -> str:
    """The lesson's own output stem, with the folders it mirrors (``unit1/intro``)."""
    folder = job.stem.rpartition("/")[0]
    return f"{folder}/{job.lesson.stem}" if folder else job.lesson.stem


def _joiner(fmt: str) -> Callable[[list[Path]], bytes]:
    """The function that joins outputs of *fmt* into one file's bytes."""
    if fmt == "docx":
        from .docxjoin import join_handouts

        return join_handouts
    from .pdfjoin import join_pdfs

    return join_pdfs
