"""Lectern's benchmark: how fast one lesson builds, how a batch scales, and pandoc beside it.

Run from the repository root after ``pip install -e .``::

    python bench/run.py            # the full run (a few minutes on 2 cores)
    python bench/run.py --quick    # smaller batches, for a smoke test

Cold figures start a fresh ``lectern build`` process each time (imports included);
warm figures build in this process after the imports are paid. Every figure is a
median of several runs. Nothing here is a test: it prints a table and exits 0.
"""

from __future__ import annotations

import argparse
import csv
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "content" / "alliance-vs-coalition.yaml"
SAMPLE_MD = ROOT / "bench" / "alliance-vs-coalition.md"
CODE_HEAVY = ROOT / "bench" / "code-heavy.yaml"
sys.path.insert(0, str(ROOT))
ENV = {**os.environ, "PYTHONPATH": str(ROOT)}
LECTERN = [sys.executable, "-m", "generator"]

from generator.build import BuildOptions, build  # noqa: E402  (after the path is set)
from generator.registry import RegistryError, available_formats, renderer_for  # noqa: E402

Row = tuple[str, str, str]  # what, figure, note


def median_time(action: Callable[[], object], runs: int) -> float:
    """Median wall time of *action* in seconds."""
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        action()
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def run(command: list[str | Path], **kwargs) -> None:
    subprocess.run([str(part) for part in command], check=True, capture_output=True, **kwargs)


def lectern(*args: str | Path) -> None:
    run([*LECTERN, *args], env=ENV)


def ms(seconds: float) -> str:
    return f"{seconds * 1000:.0f} ms"


def working_formats() -> list[str]:
    """The installed formats that import, in their usual order."""
    found = []
    for name in available_formats():
        try:
            renderer_for(name)
        except RegistryError as error:
            print(f"(skipping {name}: {error})", file=sys.stderr)
        else:
            found.append(name)
    return found


def format_args(formats: list[str]) -> list[str]:
    return [arg for name in formats for arg in ("-f", name)]


def single_lesson(formats: list[str], work: Path, runs: int) -> tuple[list[Row], dict[str, float]]:
    """Cold and warm time of the sample lesson into each format and all of them."""
    rows, cold = [], {}
    groups = [[name] for name in formats] + ([formats] if len(formats) > 1 else [])
    for group in groups:
        label = "+".join(group)
        out = work / f"single-{label}"
        args = ["build", SAMPLE, "-o", out, "--force", *format_args(group)]
        lectern(*args)
        cold[label] = median_time(lambda args=args: lectern(*args), runs)
        options = BuildOptions(formats=group, out_dir=out)
        build(SAMPLE, options)
        warm = median_time(lambda options=options: build(SAMPLE, options), runs)
        rows.append((f"sample -> {label}", f"{ms(cold[label])} cold, {ms(warm)} warm", ""))
    return rows, cold


def course(work: Path, count: int) -> Path:
    """*count* copies of the sample lesson with different titles."""
    folder = work / f"course-{count}"
    folder.mkdir()
    text = SAMPLE.read_text(encoding="utf-8")
    for number in range(count):
        retitled = re.sub(r"^title: .*$", f'title: "Lesson {number}"', text, count=1, flags=re.M)
        (folder / f"lesson-{number:03}.yaml").write_text(retitled, encoding="utf-8")
    return folder


def batch(formats: list[str], work: Path, count: int) -> list[Row]:
    """Per-lesson cost of a whole course, serial and on two workers (one process each)."""
    folder = course(work, count)
    rows = []
    for jobs in ("1", "2"):
        out = work / f"batch-{jobs}"
        started = time.perf_counter()
        lectern("build", folder, "-o", out, "-j", jobs, *format_args(formats))
        total = time.perf_counter() - started
        rows.append(
            (
                f"batch of {count}, --jobs {jobs}",
                f"{ms(total / count)} per lesson",
                f"{total:.1f} s in all",
            )
        )
    started = time.perf_counter()
    lectern("build", folder, "-o", work / "batch-2", "-j", "2", *format_args(formats))
    rows.append((f"batch of {count}, nothing changed", f"{ms(time.perf_counter() - started)}", ""))
    return rows


def long_lesson(formats: list[str], work: Path, runs: int) -> list[Row]:
    """Time per copy of the sample's sections for 1x, 10x and 50x the sample's length."""
    import yaml

    data = yaml.safe_load(SAMPLE.read_text(encoding="utf-8"))
    sections = data["sections"]
    figures = []
    for times in (1, 10, 50):
        data["sections"] = [
            {**section, "heading": f"{section['heading']} ({copy + 1})"}
            for copy in range(times)
            for section in sections
        ]
        path = work / f"long-{times}x.yaml"
        path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), "utf-8")
        options = BuildOptions(formats=formats, out_dir=work / "long", allow_overflow=True)
        build(path, options)
        seconds = median_time(lambda path=path, options=options: build(path, options), runs)
        figures.append(f"{times}x {ms(seconds / times)}")
    return [("long lesson, time per 1x of content", ", ".join(figures), "flat = linear")]


def code_heavy(formats: list[str], work: Path, runs: int) -> list[Row]:
    """Warm time per content slide (the deck's slides but its cover and closing ones) of a
    code-heavy lesson against the sample: highlighting, measuring mono lines and cutting
    long ones should cost no more than prose does, page for page."""
    from pptx import Presentation

    figures = {}
    for lesson in (SAMPLE, CODE_HEAVY):
        options = BuildOptions(formats=formats, out_dir=work / f"code-{lesson.stem}")
        written = build(lesson, options)
        seconds = median_time(lambda lesson=lesson, options=options: build(lesson, options), runs)
        deck = next((path for path in written if path.suffix == ".pptx"), None)
        if deck is None:
            return [("code-heavy lesson", "needs the pptx format to count pages", "")]
        figures[lesson] = seconds / (len(Presentation(str(deck)).slides) - 2)
    ratio = figures[CODE_HEAVY] / figures[SAMPLE]
    return [
        (
            "code-heavy lesson, warm, per content slide",
            f"{ms(figures[CODE_HEAVY])} (sample {ms(figures[SAMPLE])}): {ratio:.1f}x",
            "target under 2x",
        )
    ]


def merge_peak_rss(formats: list[str], work: Path, count: int) -> tuple[float, int]:
    """Seconds and peak RSS (KiB) of a *count*-row merge in one fresh process."""
    data = work / f"rows-{count}.csv"
    with data.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["student", "school"])
        writer.writerows([f"Student {n}", f"School {n % 7}"] for n in range(count))
    out = work / f"merge-{count}"
    command = [*LECTERN, "build", SAMPLE, "--data", data, "-o", out, "-j", "1"]
    command += format_args(formats)
    probe = (
        "import resource, subprocess, sys, time\n"
        "started = time.perf_counter()\n"
        "subprocess.run(sys.argv[1:], check=True, capture_output=True)\n"
        "print(time.perf_counter() - started,"
        " resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", probe, *map(str, command)],
        env=ENV,
        check=True,
        capture_output=True,
        text=True,
    )
    seconds, peak = result.stdout.split()
    return float(seconds), int(peak)


def merge(formats: list[str], work: Path, count: int) -> list[Row]:
    small_time, small_peak = merge_peak_rss(formats, work, count // 5)
    big_time, big_peak = merge_peak_rss(formats, work, count)
    return [
        (
            f"data merge, {count} rows, --jobs 1",
            f"{ms(big_time / count)} per row",
            f"{big_time:.1f} s in all",
        ),
        (
            f"peak memory, {count // 5} vs {count} rows",
            f"{small_peak / 1024:.0f} MiB vs {big_peak / 1024:.0f} MiB",
            f"{ms(small_time / (count // 5))} per row at {count // 5}",
        ),
    ]


def pandoc_route(work: Path, runs: int) -> dict[str, float]:
    """pandoc (Markdown -> .docx, -> .pptx) and LibreOffice (.docx -> PDF), where installed."""
    found: dict[str, float] = {}
    if shutil.which("pandoc"):
        for suffix in ("docx", "pptx"):
            target = work / f"pandoc.{suffix}"
            found[suffix] = median_time(lambda t=target: run(["pandoc", SAMPLE_MD, "-o", t]), runs)
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if soffice and "docx" in found:
        profile = f"-env:UserInstallation=file://{work / 'lo-profile'}"
        convert = [soffice, profile, "--headless", "--convert-to", "pdf", "--outdir", work]
        convert.append(work / "pandoc.docx")
        run(convert)  # the first run creates the profile
        found["pdf"] = median_time(lambda: run(convert), max(3, runs // 2))
    return found


def faster(lectern: float, other: float) -> str:
    """Which of the two is faster, and by how much, as a ratio above one."""
    if lectern <= other:
        return f"Lectern {other / lectern:.1f}x faster"
    return f"pandoc route {lectern / other:.1f}x faster"


def comparison(cold: dict[str, float], pandoc: dict[str, float]) -> list[Row]:
    rows = [
        (f"pandoc route: {name}", ms(seconds), faster(cold[name], seconds))
        for name, seconds in pandoc.items()
        if name in cold
    ]
    route = sum(pandoc.values())
    everything = "+".join(name for name in ("docx", "pptx", "pdf") if name in cold)
    if len(pandoc) == 3 and everything in cold and len(everything.split("+")) == 3:
        rows.append(
            (
                "pandoc route: all three",
                ms(route),
                f"{faster(cold[everything], route)} (target: Lectern 3x faster)",
            )
        )
    return rows


def table(rows: list[Row]) -> str:
    widths = [max(len(row[i]) for row in rows) for i in range(3)]
    lines = [
        " | ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True))
        for row in rows
    ]
    lines.insert(1, "-+-".join("-" * width for width in widths))
    return "\n".join(line.rstrip() for line in lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="Smaller batches and fewer runs.")
    parser.add_argument("--runs", type=int, default=7, help="Runs per median (default 7).")
    args = parser.parse_args()
    runs = 3 if args.quick else args.runs
    lessons, rows_in_merge = (20, 50) if args.quick else (200, 500)
    formats = working_formats()
    if not formats:
        sys.exit("no output format can be loaded; install Lectern with pip install -e .")
    rows: list[Row] = [("what", "Lectern", "note")]
    with tempfile.TemporaryDirectory(prefix="lectern-bench-") as temporary:
        work = Path(temporary)
        rows.append(("lectern --help", ms(median_time(lambda: lectern("--help"), runs)), "cold"))
        single, cold = single_lesson(formats, work, runs)
        rows += single
        rows += comparison(cold, pandoc_route(work, runs))
        rows += batch(formats, work, lessons)
        rows += long_lesson(formats, work, max(1, runs // 3))
        rows += code_heavy(formats, work, runs)
        rows += merge(formats, work, rows_in_merge)
    print(
        f"Lectern benchmark: {os.cpu_count()} cores, Python {sys.version.split()[0]},"
        f" formats {', '.join(formats)}\n"
    )
    print(table(rows))


if __name__ == "__main__":
    main()
