"""Instructions per warm build of the sample, for before-and-after figures a busy machine
cannot blur.

Run from the repository root after ``pip install -e .``; needs valgrind::

    python bench/instructions.py                  # this tree
    python bench/instructions.py --against main   # this tree and a git revision

Wall and CPU times of one build move by a third from minute to minute on a machine
shared with other work, which hides a change of a tenth. The count of instructions a
build executes moves by well under one percent. Each figure is measured in one process
under valgrind's cachegrind (with no cache simulation): the sample is built twice to
warm the process (imports, fonts, templates), then three more times, and the
difference between the two runs' counts, divided by three, is the cost of one warm
build. It takes about a minute per format and tree. Nothing is asserted.
"""

from __future__ import annotations

import argparse
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from compare import lectern_env, tree_of
from run import ROOT, SAMPLE, Row, table, working_formats

WARM_UP, MEASURED = 2, 3

LOOP = """\
import sys
from pathlib import Path
from generator.build import BuildOptions, build
options = BuildOptions(formats=sys.argv[1].split(","), out_dir=Path(sys.argv[3]), force=True)
for _ in range(int(sys.argv[2])):
    build(Path(sys.argv[4]), options)
"""


def instructions(env: dict[str, str], formats: str, builds: int, out: Path) -> int:
    """Instructions executed by a process that builds the sample *builds* times."""
    result = subprocess.run(
        [
            "valgrind",
            "--tool=cachegrind",
            "--cache-sim=no",
            "--cachegrind-out-file=/dev/null",
            sys.executable,
            "-c",
            LOOP,
            formats,
            str(builds),
            str(out),
            str(SAMPLE),
        ],
        env=env,
        cwd=tempfile.gettempdir(),
        capture_output=True,
        text=True,
        check=True,
    )
    found = re.search(r"I\s+refs:\s+([\d,]+)", result.stderr)
    if found is None:
        sys.exit(f"valgrind gave no instruction count:\n{result.stderr[-2000:]}")
    return int(found.group(1).replace(",", ""))


def per_build(env: dict[str, str], formats: str, work: Path) -> float:
    """Millions of instructions of one warm build into *formats*."""
    short = instructions(env, formats, WARM_UP, work)
    long = instructions(env, formats, WARM_UP + MEASURED, work)
    return (long - short) / MEASURED / 1e6


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--against", metavar="REV", help="Also measure this git revision.")
    args = parser.parse_args()
    if shutil.which("valgrind") is None:
        sys.exit("valgrind is not installed (apt-get install valgrind)")
    formats = working_formats()
    groups = [*formats, ",".join(formats)]
    with tempfile.TemporaryDirectory(prefix="lectern-instructions-") as folder:
        work = Path(folder)
        trees = {"this tree": lectern_env(ROOT)}
        if args.against:
            trees[args.against] = lectern_env(tree_of(args.against, work))
        rows: list[Row] = [("what", "millions of instructions", "change")]
        for group in groups:
            counts = {name: per_build(env, group, work / "out") for name, env in trees.items()}
            figure = " / ".join(f"{count:.0f} M" for count in counts.values())
            note = ""
            if args.against:
                ours, theirs = counts["this tree"], counts[args.against]
                note = f"{(ours - theirs) / theirs:+.0%} against {args.against}"
            rows.append((f"sample -> {group.replace(',', '+')}", figure, note))
    heading = " / ".join(trees)
    print(f"Instructions per warm build of the sample ({heading}), Python {sys.version.split()[0]}")
    print()
    print(table(rows))


if __name__ == "__main__":
    main()
