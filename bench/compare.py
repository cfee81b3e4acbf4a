"""Lectern beside the pandoc route, on the same machine, at the same moment, on equal cores.

Run from the repository root after ``pip install -e .``::

    python bench/compare.py                   # this tree
    python bench/compare.py --against main    # this tree and a git revision, taken in turns
    python bench/compare.py --quick           # fewer runs, a course of 10

It prints, for the sample lesson built cold (a fresh process, imports and all) into all
three formats: the median wall time and CPU time of this tree's ``lectern build``, of the
revision's if one is given, and of the pandoc route measured the same way (pandoc to
.docx, pandoc to .pptx, then LibreOffice .docx -> PDF, one after the other); then where a
cold build's import time goes (``python -X importtime``, one process); then a course of
copies of the sample built with ``--jobs 1`` and ``--jobs 2`` beside pandoc making their
.docx and .pptx one file at a time and two at a time, per lesson and per lesson per core,
with each side's CPU time per lesson.
Runs are taken in turns, so a machine busy with other work slows every column alike; the
load average before and after says how busy it was. Nothing is asserted: it prints and
exits 0.
"""

from __future__ import annotations

import argparse
import io
import os
import shutil
import statistics
import subprocess
import sys
import tarfile
import tempfile
import time
from collections import defaultdict
from collections.abc import Callable
from pathlib import Path

from run import (
    ROOT,
    SAMPLE,
    SAMPLE_MD,
    Row,
    byte_compiled,
    children_cpu,
    equal_cores,
    faster,
    ms,
    table,
    working_formats,
)

Command = list[str]


def timed(commands: list[Command], env: dict[str, str] | None = None) -> tuple[float, float]:
    """Wall and CPU seconds (user + system, its worker processes included) of running
    *commands* one after the other, outside the repository (``python -m`` would find
    this tree's package in the current folder before the one asked for)."""
    started, cpu = time.perf_counter(), children_cpu()
    for command in commands:
        subprocess.run(command, check=True, capture_output=True, env=env, cwd=tempfile.gettempdir())
    return time.perf_counter() - started, children_cpu() - cpu


def tree_of(revision: str, work: Path) -> Path:
    """The package at *revision*, unpacked under *work* (its templates and fonts too)."""
    target = work / f"tree-{revision.replace('/', '-')}"
    target.mkdir()
    archive = subprocess.run(
        ["git", "-C", str(ROOT), "archive", revision, "generator", "templates"],
        check=True,
        capture_output=True,
    ).stdout
    with tarfile.open(fileobj=io.BytesIO(archive)) as tar:
        tar.extractall(target, filter="data")
    return target


def lectern_env(tree: Path) -> dict[str, str]:
    """An environment whose ``python -m generator`` is the package in *tree*.

    The package is byte-compiled first, as an installed one is.
    """
    byte_compiled(tree)
    env = {**os.environ, "PYTHONPATH": str(tree)}
    found = subprocess.run(
        [sys.executable, "-c", "import generator; print(generator.__file__)"],
        env=env,
        cwd=tempfile.gettempdir(),
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    if not Path(found).is_relative_to(tree):
        sys.exit(f"python -m generator would run {found}, not the package in {tree}")
    return env


def build_command(out: Path) -> Command:
    return [
        sys.executable,
        "-m",
        "generator",
        "build",
        str(SAMPLE),
        "-o",
        str(out),
        "--force",
        "-q",
    ]


def pandoc_route(work: Path) -> list[Command] | None:
    """pandoc to .docx and .pptx, then LibreOffice .docx -> PDF; None without them."""
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if not (shutil.which("pandoc") and soffice):
        return None
    docx = work / "route" / "lesson.docx"
    profile = f"-env:UserInstallation=file://{work / 'lo-profile'}"
    return [
        ["pandoc", str(SAMPLE_MD), "-o", str(docx)],
        ["pandoc", str(SAMPLE_MD), "-o", str(docx.with_suffix(".pptx"))],
        [
            soffice,
            profile,
            "--headless",
            "--convert-to",
            "pdf",
            "--outdir",
            str(docx.parent),
            str(docx),
        ],
    ]


def cold_builds(trees: dict[str, Path], work: Path, runs: int) -> list[Row]:
    """Cold builds of the sample, all three formats, each tree and the pandoc route in turn."""
    contenders: dict[str, tuple[list[Command], dict[str, str] | None]] = {
        f"lectern build ({label}), cold": (
            [build_command(work / f"cold-{label}")],
            lectern_env(tree),
        )
        for label, tree in trees.items()
    }
    route = pandoc_route(work)
    if route is not None:
        (work / "route").mkdir()
        contenders["pandoc route (.docx, .pptx, LibreOffice PDF)"] = (route, None)
    for (
        commands,
        env,
    ) in contenders.values():  # the first run fills caches and LibreOffice's profile
        timed(commands, env)
    figures: dict[str, list[tuple[float, float]]] = defaultdict(list)
    for _ in range(runs):
        for label, (commands, env) in contenders.items():
            figures[label].append(timed(commands, env))
    medians = {
        label: (statistics.median(w for w, _ in runs_), statistics.median(c for _, c in runs_))
        for label, runs_ in figures.items()
    }
    route_wall = next((wall for label, (wall, _) in medians.items() if "pandoc" in label), None)
    rows = []
    for label, (wall, cpu) in medians.items():
        note = f"{ms(cpu)} CPU"
        if route_wall is not None and "pandoc" not in label:
            note += f"; {faster(wall, route_wall)} (target: Lectern 3x faster)"
        rows.append((label, ms(wall), note))
    return rows


def import_times(tree: Path, work: Path) -> tuple[dict[str, int], list[tuple[int, str]]]:
    """Microseconds each top-level package costs a cold ``--jobs 1`` build to import (its
    own modules' time, summed), and the slowest single modules."""
    result = subprocess.run(
        [sys.executable, "-X", "importtime", *build_command(work / "imports")[1:], "-j", "1"],
        env=lectern_env(tree),
        cwd=work,
        capture_output=True,
        text=True,
        check=True,
    )
    packages: dict[str, int] = defaultdict(int)
    modules = []
    for line in result.stderr.splitlines():
        if not line.startswith("import time:") or "|" not in line:
            continue
        own, _, name = (part.strip() for part in line.removeprefix("import time:").split("|"))
        if own.isdigit():
            packages[name.split(".")[0]] += int(own)
            modules.append((int(own), name))
    return dict(packages), sorted(modules, reverse=True)


def imports(trees: dict[str, Path], work: Path, runs: int) -> list[Row]:
    """Per-package import time of a cold build, median of *runs*, for each tree."""
    found: dict[str, dict[str, list[int]]] = {label: defaultdict(list) for label in trees}
    slowest: dict[str, list[tuple[int, str]]] = {}
    for _ in range(runs):
        for label, tree in trees.items():
            packages, modules = import_times(tree, work)
            for name, micros in packages.items():
                found[label][name].append(micros)
            slowest[label] = modules
    medians = {
        label: {name: statistics.median(values) for name, values in packages.items()}
        for label, packages in found.items()
    }
    first = next(iter(trees))

    def cost(name: str) -> float:  # in the tree where it costs most
        return max(packages.get(name, 0) for packages in medians.values())

    names = sorted({name for packages in medians.values() for name in packages}, key=cost)
    names = names[::-1][:14]
    rows = [("import time, --jobs 1, by package", " / ".join(trees), "own time of its modules")]
    rows += [
        (f"  {name}", " / ".join(ms(medians[label].get(name, 0) / 1e6) for label in trees), "")
        for name in names
    ]
    rows.append(
        (
            "  all imports",
            " / ".join(ms(sum(medians[label].values()) / 1e6) for label in trees),
            "",
        )
    )
    rows += [
        (f"  slowest module ({first})", ms(micros / 1e6), name)
        for micros, name in slowest[first][:6]
    ]
    return rows


def load() -> str:
    return " ".join(f"{figure:.2f}" for figure in os.getloadavg())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--against", metavar="REV", help="Also measure this git revision.")
    parser.add_argument("--runs", type=int, default=9, help="Runs per median (default 9).")
    parser.add_argument("--lessons", type=int, default=40, help="Lessons in the course (40).")
    parser.add_argument("--quick", action="store_true", help="3 runs and a course of 10.")
    parser.add_argument(
        "--only", choices=["cold", "imports", "course"], action="append", help="Run only these."
    )
    args = parser.parse_args()
    runs, lessons = (3, 10) if args.quick else (args.runs, args.lessons)
    parts = args.only or ["cold", "imports", "course"]
    formats = working_formats()
    rows: list[Row] = [("what", "figure", "note")]
    loads = [load()]
    with tempfile.TemporaryDirectory(prefix="lectern-compare-") as temporary:
        work = Path(temporary)
        trees = {"this tree": ROOT}
        lectern_env(ROOT)  # compiled for the course too
        if args.against:
            trees[args.against] = tree_of(args.against, work)
        steps: dict[str, Callable[[], list[Row]]] = {
            "cold": lambda: cold_builds(trees, work, runs),
            "imports": lambda: imports(trees, work, max(1, runs // 3)),
            "course": lambda: equal_cores(formats, work, lessons, rounds=max(1, runs // 3)),
        }
        for part in parts:
            rows += steps[part]()
        loads.append(load())
    print(
        f"Lectern beside pandoc: {os.cpu_count()} cores, Python {sys.version.split()[0]},"
        f" formats {', '.join(formats)}; load average {loads[0]} before, {loads[1]} after\n"
    )
    print(table(rows))


if __name__ == "__main__":
    main()
