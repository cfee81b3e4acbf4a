"""Shared fixtures: lesson files, a build helper, and dumps compared with stored expectations.

Generated files are reopened and dumped to readable text; a dump is compared with
``tests/expected/NAME.txt``. Run ``pytest --update-expected`` after a deliberate change
and review the diff of the expectation files like any other change.
"""

from __future__ import annotations

import difflib
import os
from importlib.metadata import EntryPoint
from pathlib import Path

import pytest
from hypothesis import settings

from generator import registry
from generator.build import BuildOptions, build

ROOT = Path(__file__).resolve().parent.parent
LESSONS = Path(__file__).resolve().parent / "lessons"
EXPECTED = Path(__file__).resolve().parent / "expected"
SAMPLE = ROOT / "content" / "alliance-vs-coalition.yaml"
EVERY_BLOCK = LESSONS / "every-block.yaml"

# The property tests draw the same examples on every run, so CI is red only when the
# code changed; HYPOTHESIS_PROFILE=explore draws new ones to hunt for bugs.
settings.register_profile("repeatable", derandomize=True)
settings.register_profile("explore", derandomize=False)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "repeatable"))


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--update-expected", action="store_true", help="Rewrite tests/expected/ from this run."
    )


@pytest.fixture
def expect(request: pytest.FixtureRequest):
    """``expect(text, "name")`` compares *text* with tests/expected/name.txt, with a diff."""

    def compare(text: str, name: str) -> None:
        path = EXPECTED / f"{name}.txt"
        if request.config.getoption("--update-expected"):
            path.parent.mkdir(exist_ok=True)
            path.write_text(text, encoding="utf-8")
            return
        assert path.exists(), f"no stored expectation {path}; run pytest --update-expected"
        stored = path.read_text(encoding="utf-8")
        if text != stored:
            diff = "\n".join(
                difflib.unified_diff(
                    stored.splitlines(), text.splitlines(), "expected", "actual", lineterm=""
                )
            )
            pytest.fail(f"{name}: output differs from {path.name}:\n{diff}")

    return compare


@pytest.fixture
def build_lesson(tmp_path: Path):
    """``build_lesson(path, "docx", **options)`` builds one format into tmp and returns the file."""

    def run(lesson: Path, fmt: str, **options) -> Path:
        written = build(lesson, BuildOptions(formats=[fmt], out_dir=tmp_path / "out", **options))
        assert len(written) == 1
        return written[0]

    return run


def write_lesson(folder: Path, text: str, name: str = "lesson.yaml") -> Path:
    """Write a small lesson file for a test and return its path."""
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


@pytest.fixture
def add_renderers(monkeypatch: pytest.MonkeyPatch):
    """``add_renderers(entry_point, ...)`` installs test-only renderers beside the real ones,
    found through the entry-point group as a third-party package's would be."""
    installed = list(registry.installed_entry_points())

    def install(*extra: EntryPoint) -> None:
        monkeypatch.setattr(registry, "entry_points", lambda group: [*installed, *extra])
        registry.installed_entry_points.cache_clear()

    yield install
    registry.installed_entry_points.cache_clear()
