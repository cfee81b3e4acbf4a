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
import compileall
import csv
import os
import re
import resource
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
SAMPLE_MD = ROOT / "bench" / "alliance-vs-coalition.md"  # pandoc's form, for pandoc
LESSON_MD = ROOT / "examples" / "markdown" / "alliance-vs-coalition.md"  # Lectern's Markdown form
CODE_HEAVY = ROOT / "bench" / "code-heavy.yaml"
sys.path.insert(0, str(ROOT))
ENV = {**os.environ, "PYTHONPATH": str(ROOT)}
LECTERN = [sys.executable, "-m", "generator"]

from generator.build import BuildOptions, build  # noqa: E402  (after the path is set)
from generator.load import load_lesson  # noqa: E402
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


def byte_compiled(tree: Path) -> None:
    """Byte-compile the package in *tree*, as installing it does: a cold build that
    compiled its own sources (where ``PYTHONDONTWRITEBYTECODE`` is set, or the folder is
    read-only) would measure Python's compiler, not Lectern."""
    compileall.compile_dir(tree / "generator", quiet=1)


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


def other_lessons(formats: list[str], work: Path, runs: int) -> list[Row]:
    """Warm time of the other shipped lessons into each format. They are shorter than
    the sample, so their cheat sheets are levelled (laid out again at shorter column
    depths), and they hold pictures, code and formulas, which the sample does not."""
    rows = []
    for lesson in sorted(SAMPLE.parent.glob("*.*")):
        if lesson.stem == SAMPLE.stem or lesson.suffix not in (".yaml", ".md"):
            continue
        figures = []
        for name in formats:
            options = BuildOptions(formats=[name], out_dir=work / f"other-{lesson.stem}")
            build(lesson, options)
            seconds = median_time(lambda o=options, lesson=lesson: build(lesson, o), runs)
            figures.append(f"{name} {ms(seconds)}")
        rows.append((f"{lesson.name}, warm", ", ".join(figures), ""))
    return rows


def reading(runs: int) -> list[Row]:
    """Reading (parsing and validating) the sample, as YAML and as Markdown: warm, in this
    process, and cold, as a fresh ``lectern check`` (Markdown imports markdown-it too)."""
    warm, cold = {}, {}
    for path in (SAMPLE, LESSON_MD):
        load_lesson(path)
        warm[path.suffix] = median_time(lambda path=path: load_lesson(path), runs * 5)
        cold[path.suffix] = median_time(lambda path=path: lectern("check", path), runs)
    return [
        (
            "read the sample, YAML / Markdown, warm",
            f"{ms(warm['.yaml'])} / {ms(warm['.md'])}",
            "target: Markdown under 15 ms",
        ),
        (
            "lectern check the sample, YAML / Markdown",
            f"{ms(cold['.yaml'])} / {ms(cold['.md'])}",
            "cold",
        ),
    ]


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
    """Per-lesson cost of a whole course, serial and on two workers (one process each),
    as cost per lesson per core: wall time x cores used / lessons."""
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
                f"{ms(total * int(jobs) / count)} per lesson per core; {total:.1f} s in all",
            )
        )
    started = time.perf_counter()
    lectern("build", folder, "-o", work / "batch-2", "-j", "2", *format_args(formats))
    rows.append((f"batch of {count}, nothing changed", f"{ms(time.perf_counter() - started)}", ""))
    return rows


def children_cpu() -> float:
    """CPU seconds (user and system) used so far by the child processes waited for,
    their own children included (a build's workers, pandoc's runs)."""
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def equal_cores(formats: list[str], work: Path, count: int, rounds: int = 1) -> list[Row]:
    """Lectern and pandoc on the same cores: one at a time, then two at a time.

    pandoc makes one file per run, so "two at a time" runs two pandoc processes at once,
    as ``--jobs 2`` runs two Lectern workers. pandoc makes the .docx and .pptx only;
    Lectern all the formats asked for. Each side's CPU time per lesson is given too: on a
    machine busy with other work the wall times grow, the CPU times much less. With
    several *rounds*, the two sides take turns and each figure is a median.
    """
    if not shutil.which("pandoc"):
        return [("equal cores", "pandoc not installed", "")]
    from concurrent.futures import ThreadPoolExecutor

    folder = course(work, count)
    targets = [
        work / "pandoc-course" / f"lesson-{n:03}.{suffix}"
        for n in range(count)
        for suffix in ("docx", "pptx")
    ]
    targets[0].parent.mkdir()

    def ours(cores: int) -> None:
        out = work / f"equal-{cores}"
        lectern("build", folder, "-o", out, "-j", str(cores), "--force", *format_args(formats))

    def theirs(cores: int) -> None:
        with ThreadPoolExecutor(cores) as pool:
            list(pool.map(lambda t: run(["pandoc", SAMPLE_MD, "-o", t]), targets))

    rows = []
    for cores in (1, 2):
        times: dict[str, list[tuple[float, float]]] = {"ours": [], "theirs": []}
        for _ in range(rounds):
            for side, action in (("ours", ours), ("theirs", theirs)):
                started, cpu = time.perf_counter(), children_cpu()
                action(cores)
                times[side].append((time.perf_counter() - started, children_cpu() - cpu))
        (wall, cpu), (their_wall, their_cpu) = (
            (
                statistics.median(w for w, _ in runs) / count,
                statistics.median(c for _, c in runs) / count,
            )
            for runs in times.values()
        )
        rows.append(
            (
                f"{count} lessons on {cores} core(s)",
                f"{ms(wall)} per lesson, {ms(wall * cores)} per lesson per core ({ms(cpu)} CPU)",
                f"pandoc .docx+.pptx {ms(their_wall)} per lesson, {ms(their_wall * cores)} per"
                f" lesson per core ({ms(their_cpu)} CPU); {faster(wall, their_wall)}",
            )
        )
    return rows


def startup(work: Path, runs: int) -> list[Row]:
    """Where a cold build's first few hundred milliseconds go, from ``python -X importtime``:
    what the command imports before any lesson is read, and what each renderer adds."""
    modules = {
        "command line (click)": "generator.cli",
        "model (pydantic)": "generator.model",
        "loader and templates": "generator.templating",
        "handout renderer": "generator.renderers.docx",
        "deck renderer": "generator.renderers.pptx",
        "cheat sheet renderer": "generator.renderers.pdf",
    }
    rows = []
    for label, module in modules.items():

        def measure(module=module) -> float:
            result = subprocess.run(
                [sys.executable, "-X", "importtime", "-c", f"import {module}"],
                env=ENV,
                capture_output=True,
                text=True,
                check=True,
            )
            selves = [
                line.removeprefix("import time:").split("|")[0].strip()
                for line in result.stderr.splitlines()
                if line.startswith("import time:")
            ]
            return sum(int(us) for us in selves if us.isdigit()) / 1e6

        rows.append(
            (
                f"import {module}",
                ms(statistics.median(measure() for _ in range(runs))),
                label + ", with all it imports",
            )
        )
    return rows


def tree_cpu(pid: int) -> float | None:
    """CPU seconds used so far by process *pid* and its children, read from Linux's /proc;
    None where there is no /proc."""
    proc = Path("/proc")
    if not proc.is_dir():
        return None
    tick, total = os.sysconf("SC_CLK_TCK"), 0.0
    for stat in proc.glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:  # the process ended meanwhile
            continue
        if stat.parent.name == str(pid) or fields[1] == str(pid):
            total += (int(fields[11]) + int(fields[12])) / tick
    return total


def watch_rebuild(work: Path, runs: int) -> list[Row]:
    """How long after an edit lands ``lectern watch`` has the sample rebuilt (all formats),
    as the watcher says it and as seen from outside (the edit to its line), and the CPU
    time a rebuild takes in the watcher and its workers: on a busy machine the times
    grow, the CPU time much less."""
    lesson = work / "watch" / "lesson.yaml"
    lesson.parent.mkdir()
    text = SAMPLE.read_text(encoding="utf-8")
    lesson.write_text(text, encoding="utf-8")
    process = subprocess.Popen(
        [*LECTERN, "watch", lesson, "-o", work / "watch-out"],
        env=ENV,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )
    try:
        process.stdout.readline()
        process.stdout.readline()
        time.sleep(1)
        said, seen, cpu = [], [], []
        for number in range(runs):
            before = tree_cpu(process.pid)
            started = time.perf_counter()
            lesson.write_text(text.replace("Understanding", f"Understanding ({number})"), "utf-8")
            line = process.stdout.readline()
            seen.append(time.perf_counter() - started)
            said.append(float(re.search(r"in (\d+) ms", line).group(1)) / 1000)
            time.sleep(0.3)
            after = tree_cpu(process.pid)
            if before is not None and after is not None:
                cpu.append(after - before)
    finally:
        process.terminate()
        process.wait()
    used = f", {ms(statistics.median(cpu))} CPU" if cpu else ""
    return [
        (
            "watch: sample rebuilt after an edit",
            f"{ms(statistics.median(said))} build{used}",
            f"{ms(statistics.median(seen))} from the edit to the line (target: under 150 ms)",
        )
    ]


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


def tagging(work: Path, runs: int) -> list[Row]:
    """What tagging the cheat sheet for screen readers costs, warm: tagged vs untagged."""
    from generator.renderers.pdflayout import Sheet, SheetCanvas

    options = BuildOptions(formats=["pdf"], out_dir=work / "tagging")
    build(SAMPLE, options)
    tagged = median_time(lambda: build(SAMPLE, options), runs)
    tagged_canvas, Sheet.canvasmaker = Sheet.canvasmaker, SheetCanvas
    try:
        build(SAMPLE, options)
        plain = median_time(lambda: build(SAMPLE, options), runs)
    finally:
        Sheet.canvasmaker = tagged_canvas
    return [
        (
            "cheat sheet tagging (PDF/UA), warm",
            f"{ms(tagged)} vs {ms(plain)} untagged",
            f"{(tagged / plain - 1):+.0%}",
        )
    ]


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


def long_list(work: Path, lengths: tuple[int, ...]) -> list[Row]:
    """Deck layout of one list of 1,000, 2,000 and 4,000 items: time per 1,000 items.

    A long list is cut into continuation slides as evenly as it can be; the cut must
    cost time in proportion to the list's length, so the figures should stay flat.
    """
    if "pptx" not in working_formats():
        return []
    figures = []
    for length in lengths:
        items = "".join(
            f"          - Item {i} says a little about point {i}\n" for i in range(length)
        )
        path = work / f"list-{length}.yaml"
        path.write_text(f"title: T\nsections:\n  - heading: H\n    blocks:\n      - list:\n{items}")
        options = BuildOptions(formats=["pptx"], out_dir=work / "list")
        build(path, options)  # warm: the first deck in a process also imports and reads
        seconds = median_time(lambda path=path, options=options: build(path, options), 1)
        figures.append(f"{length:,}: {seconds * 1000 / length:.2f} s")
    return [("deck, one long list, time per 1,000 items", ", ".join(figures), "flat = linear")]


def data_rows(work: Path, count: int) -> Path:
    """A class list of *count* students, for a merge of the sample."""
    data = work / f"rows-{count}.csv"
    with data.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["student", "school"])
        writer.writerows([f"Student {n}", f"School {n % 7}"] for n in range(count))
    return data


def merge_peak_rss(formats: list[str], work: Path, count: int) -> tuple[float, int]:
    """Seconds and peak RSS (KiB) of a *count*-row merge in one fresh process."""
    data = data_rows(work, count)
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


def combining(formats: list[str], work: Path, count: int) -> list[Row]:
    """A *count*-row merge made into one file per printable format (``--combine-only``,
    cold, all cores), and the joining of its handouts alone, in this process."""
    data = data_rows(work, count)
    started = time.perf_counter()
    lectern("build", SAMPLE, "--data", data, "-o", work / "combined", "--combine-only")
    rows = [(f"{count}-row merge, --combine-only", ms(time.perf_counter() - started), "cold")]
    if "docx" in formats:
        from generator.docxjoin import join_handouts

        lectern("build", SAMPLE, "--data", data, "-o", work / "copies", "-f", "docx")
        handouts = sorted((work / "copies").glob("*-handout.docx"))
        seconds = median_time(lambda: join_handouts(handouts), 3)
        rows.append(
            (f"  joining its {count} handouts", ms(seconds), f"{ms(seconds / count)} a copy")
        )
    return rows


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
    byte_compiled(ROOT)
    rows: list[Row] = [("what", "Lectern", "note")]
    with tempfile.TemporaryDirectory(prefix="lectern-bench-") as temporary:
        work = Path(temporary)
        rows.append(("lectern --help", ms(median_time(lambda: lectern("--help"), runs)), "cold"))
        rows += reading(runs)
        single, cold = single_lesson(formats, work, runs)
        rows += single
        rows += comparison(cold, pandoc_route(work, runs))
        rows += other_lessons(formats, work, runs)
        rows += startup(work, runs)
        rows += watch_rebuild(work, runs)
        rows += batch(formats, work, lessons)
        rows += equal_cores(formats, work, 10 if args.quick else 40)
        rows += long_lesson(formats, work, max(1, runs // 3))
        if "pdf" in formats:
            rows += tagging(work, runs)
        rows += long_list(work, (250, 500, 1000) if args.quick else (1000, 2000, 4000))
        rows += code_heavy(formats, work, runs)
        rows += merge(formats, work, rows_in_merge)
        rows += combining(formats, work, 30)
    print(
        f"Lectern benchmark: {os.cpu_count()} cores, Python {sys.version.split()[0]},"
        f" formats {', '.join(formats)}\n"
    )
    print(table(rows))


if __name__ == "__main__":
    main()
