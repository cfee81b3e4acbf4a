"""Equations' cost: a lesson with 30 equations against the same lesson with them as text.

Run from the repository root after ``pip install -e .``::

    python bench/math.py

Both lessons build in this process, warm (imports paid, one build done first), into
every format; each figure is a median of several builds. The target is a ratio under 3.
Nothing here is a test: it prints a table and exits 0.
"""

from __future__ import annotations

import statistics
import sys
import tempfile
import time
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from generator.build import BuildOptions, build  # noqa: E402  (after the path is set)

RUNS = 5
FORMULAS = [
    r"F = ma",
    r"a = \frac{F}{m}",
    r"x = \frac{-b \pm \sqrt{b^2-4ac}}{2a}",
    r"\sum_{i=1}^{n} i = \frac{n(n+1)}{2}",
    r"\int_0^1 x^2\,dx = \frac{1}{3}",
    r"\mathrm{2H_2 + O_2 \rightarrow 2H_2O}",
    r"E_k = \frac{1}{2} m v^2",
    r"v = u + at",
    r"\vec{p} = m\vec{v}",
    r"\lim_{x \to 0} \frac{\sin x}{x} = 1",
]


def lesson(*, as_math: bool) -> dict:
    """30 equations (10 display, 20 inline), or the same sources as plain text."""

    def inline(tex: str) -> str:
        return f"${tex}$" if as_math else tex.replace("\\", "")

    blocks = []
    for number, tex in enumerate(FORMULAS):
        blocks.append({"math": tex} if as_math else {"text": tex.replace("\\", "")})
        blocks.append(
            {"text": f"Step {number}: we use {inline(tex)} and then {inline(FORMULAS[-number])}."}
        )
    return {
        "title": "Thirty equations",
        "date": "2026-11-30",
        "sections": [
            {"heading": f"Part {part}", "blocks": blocks[part * 5 : part * 5 + 5]}
            for part in range(4)
        ],
        "outputs": {"pdf": {"allow_overflow": True}},
    }


def warm_build(path: Path, out: Path) -> float:
    """Median seconds of building *path* into every format, after a first build."""
    options = BuildOptions(out_dir=out)
    build(path, options)
    times = []
    for _ in range(RUNS):
        started = time.perf_counter()
        build(path, options)
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def main() -> None:
    with tempfile.TemporaryDirectory() as folder:
        work = Path(folder)
        figures = {}
        for name, as_math in (("text", False), ("math", True)):
            path = work / f"{name}.yaml"
            path.write_text(yaml.safe_dump(lesson(as_math=as_math)), encoding="utf-8")
            figures[name] = warm_build(path, work / name)
    ratio = figures["math"] / figures["text"]
    print(f"{'lesson':<32}{'warm build, 3 formats':>24}")
    print(f"{'30 equations as plain text':<32}{figures['text'] * 1000:>21.0f} ms")
    print(f"{'30 equations':<32}{figures['math'] * 1000:>21.0f} ms")
    print(f"{'ratio (target: under 3)':<32}{ratio:>24.2f}")


if __name__ == "__main__":
    main()
