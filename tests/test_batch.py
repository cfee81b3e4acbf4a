"""Batches: folders expand, parallel builds equal serial ones, one bad lesson spoils nothing."""

from __future__ import annotations

import importlib.util
from importlib.metadata import EntryPoint
from pathlib import Path

import pytest
from click.testing import CliRunner

from generator import registry
from generator.batch import plan_batch
from generator.build import BuildOptions
from generator.cli import main
from generator.discover import discover

from .conftest import EVERY_BLOCK, write_lesson

OUTLINE = ["-f", "outline"]
LESSON = """\
title: {title}
date: 2026-01-15
sections:
  - heading: First part
    blocks:
      - text: "Hello {{{{ vars.who }}}}, this is {title}."
      - list: [one, two, three]
      - compare:
          columns: [Alliance, Coalition]
          rows: [{{aspect: Duration, values: [Long, Short]}}]
vars: {{who: class}}
"""


@pytest.fixture
def outline(add_renderers) -> list[str]:
    """Register the test-only outline renderer next to the installed formats."""
    add_renderers(EntryPoint("outline", "tests.plugin_renderers:OutlineRenderer", registry.GROUP))
    return OUTLINE


@pytest.fixture
def real_or_outline(outline) -> list[str]:
    """The three real formats once their renderers exist, else the outline renderer."""
    modules = ("generator.renderers.docx", "generator.renderers.pptx", "generator.renderers.pdf")
    if all(importlib.util.find_spec(name) for name in modules):
        return ["-f", "docx", "-f", "pptx", "-f", "pdf"]
    return outline


def run(*args: str | Path):
    return CliRunner().invoke(main, [str(arg) for arg in args])


def course(folder: Path, count: int) -> Path:
    """A folder of *count* small lessons, some in a subfolder."""
    for number in range(count):
        sub = folder / ("unit-b" if number % 2 else "unit-a")
        sub.mkdir(parents=True, exist_ok=True)
        write_lesson(sub, LESSON.format(title=f"Lesson {number}"), name=f"lesson-{number}.yaml")
    return folder


def built_files(folder: Path) -> list[str]:
    """The outputs under *folder*, relative to it, without Lectern's own state files."""
    return sorted(
        p.relative_to(folder).as_posix()
        for p in folder.rglob("*")
        if p.is_file() and not p.name.startswith(".lectern-")
    )


def test_folders_expand_to_their_lesson_files_sorted(tmp_path):
    course(tmp_path / "course", 4)
    (tmp_path / "course" / "notes.txt").write_text("not a lesson", encoding="utf-8")
    found = discover([tmp_path / "course", EVERY_BLOCK]).paths
    assert [p.name for p in found] == [
        "lesson-0.yaml",
        "lesson-2.yaml",
        "lesson-1.yaml",
        "lesson-3.yaml",
        "every-block.yaml",
    ]


def test_parallel_build_equals_serial_build_byte_for_byte(tmp_path, real_or_outline):
    lessons = course(tmp_path / "course", 4)
    serial = run("build", lessons, "-o", tmp_path / "serial", "--jobs", "1", *real_or_outline)
    parallel = run("build", lessons, "-o", tmp_path / "parallel", "--jobs", "2", *real_or_outline)
    assert serial.exit_code == parallel.exit_code == 0, serial.output + parallel.output
    outputs = built_files(tmp_path / "serial")
    assert len(outputs) == 4 * (len(real_or_outline) // 2)
    assert outputs == built_files(tmp_path / "parallel")
    for name in outputs:
        serial_bytes = (tmp_path / "serial" / name).read_bytes()
        assert serial_bytes == (tmp_path / "parallel" / name).read_bytes(), name


@pytest.mark.parametrize("jobs", ["1", "2"])
def test_one_bad_lesson_among_good_ones(tmp_path, outline, jobs):
    lessons = course(tmp_path / "course", 3)
    bad = write_lesson(lessons, "title: Broken\nsections: []\n", name="broken.yaml")
    out = tmp_path / "out"
    out.mkdir()
    (out / "broken-outline.txt").write_text("the last good build", encoding="utf-8")
    result = run("build", lessons, "-o", out, "--jobs", jobs, *outline)
    assert result.exit_code == 2
    assert f"{bad}:2:" in result.output and "'sections' needs at least 1" in result.output
    for number in range(3):
        unit = "unit-b" if number % 2 else "unit-a"
        text = (out / unit / f"lesson-{number}-outline.txt").read_text("utf-8")
        assert f"Lesson {number}" in text
    assert (out / "broken-outline.txt").read_text(encoding="utf-8") == "the last good build"
    assert "3 files written" in result.output and "1 failed" in result.output


def test_a_failing_renderer_exits_1_and_keeps_the_other_lessons(tmp_path, add_renderers):
    add_renderers(
        EntryPoint("outline", "tests.plugin_renderers:OutlineRenderer", registry.GROUP),
        EntryPoint("halfway", "tests.plugin_renderers:HalfwayRenderer", registry.GROUP),
    )
    lessons = course(tmp_path / "course", 2)
    result = run("build", lessons, "-o", tmp_path / "out", "-f", "halfway", "-f", "outline")
    assert result.exit_code == 1
    assert result.output.count("disk on fire") == 2
    assert built_files(tmp_path / "out") == [
        "unit-a/lesson-0-outline.txt",
        "unit-b/lesson-1-outline.txt",
    ]
    assert not [p for p in (tmp_path / "out").rglob(".lectern-*") if p.suffix == ".txt"]


def test_non_tty_output_is_one_line_per_file_and_a_summary(tmp_path, outline):
    lessons = course(tmp_path / "course", 3)
    result = run("build", lessons, "-o", tmp_path / "out", "--jobs", "2", *outline)
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert len(lines) == 4
    units = ["unit-a", "unit-b", "unit-a"]
    assert sorted(line.split(" (")[0] for line in lines[:3]) == sorted(
        f"wrote {tmp_path / 'out' / units[n] / f'lesson-{n}-outline.txt'}" for n in range(3)
    )
    assert lines[3].startswith("3 files written in ")


def test_two_lessons_named_with_the_same_stem_are_refused(tmp_path, outline):
    for unit in ("a", "b"):
        (tmp_path / unit).mkdir()
        write_lesson(tmp_path / unit, LESSON.format(title=unit), name="intro.yaml")
    lessons = [tmp_path / "a" / "intro.yaml", tmp_path / "b" / "intro.yaml"]
    result = run("build", *lessons, "-o", tmp_path / "out", *outline)
    assert result.exit_code == 2
    assert f"{tmp_path / 'a' / 'intro.yaml'} and {tmp_path / 'b' / 'intro.yaml'}" in result.output
    assert not (tmp_path / "out").exists()


def test_an_unknown_format_is_refused_before_building(tmp_path):
    result = run("build", EVERY_BLOCK, "-f", "odt", "-o", tmp_path / "out")
    assert result.exit_code == 2  # bad input, as a mistyped option is
    assert "unknown format 'odt'" in result.output
    assert not (tmp_path / "out").exists()


def test_a_missing_lesson_is_bad_input_and_the_rest_still_build(tmp_path, outline):
    result = run("build", tmp_path / "nope.yaml", EVERY_BLOCK, "-o", tmp_path / "out", *outline)
    assert result.exit_code == 2
    assert f"{tmp_path / 'nope.yaml'}: no such file" in result.output
    assert (tmp_path / "out" / "every-block-outline.txt").is_file()


def test_plan_leaves_out_nothing_on_a_first_build(tmp_path, outline):
    lessons = discover([course(tmp_path / "course", 2)]).lessons
    plan = plan_batch(lessons, BuildOptions(formats=["outline"], out_dir=tmp_path / "out"))
    assert [job.stem for job in plan.jobs] == ["unit-a/lesson-0", "unit-b/lesson-1"]
    assert plan.up_to_date == 0


def test_one_lesson_on_two_workers_renders_each_format_and_records_both(tmp_path, outline):
    lesson = write_lesson(tmp_path, LESSON.format(title="Solo"))
    result = run("build", lesson, "-o", tmp_path / "out", "-j", "2", *outline, "-f", "docx")
    assert result.exit_code == 0, result.output
    assert "2 files written" in result.output
    again = run("build", lesson, "-o", tmp_path / "out", "-j", "2", *outline, "-f", "docx")
    assert "2 up to date" in again.output
