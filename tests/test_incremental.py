"""Incremental builds: unchanged outputs are skipped; any change to what they read rebuilds."""

from __future__ import annotations

import json

import pytest

from generator import build as build_module
from generator import manifest
from generator.build import cached_theme
from generator.manifest import MANIFEST_NAME
from generator.theme import load_theme

from .conftest import write_lesson
from .test_batch import OUTLINE, outline, run  # noqa: F401 (outline: a fixture, used below)

pytestmark = pytest.mark.usefixtures("outline")

THEME = """\
name: mine
extends: default
palette: {primary: "123456"}
"""
LESSON = """\
title: "Hello {{ vars.who }}"
theme: mine
vars: {who: class}
sections:
  - heading: First
    blocks: [text: one]
"""


@pytest.fixture
def lesson(tmp_path):
    (tmp_path / "mine").mkdir()
    (tmp_path / "mine" / "theme.yaml").write_text(THEME, encoding="utf-8")
    return write_lesson(tmp_path, LESSON)


def build(lesson, *extra: str):
    result = run("build", lesson, "-o", lesson.parent / "out", *OUTLINE, *extra)
    assert result.exit_code == 0, result.output
    return result.output.splitlines()[-1]


def test_a_second_build_skips_and_force_rebuilds(lesson):
    assert build(lesson).startswith("1 file written")
    output = lesson.parent / "out" / "lesson-outline.txt"
    before = output.stat().st_mtime_ns
    assert build(lesson).startswith("0 files written") and "1 up to date" in build(lesson)
    assert output.stat().st_mtime_ns == before
    assert build(lesson, "--force").startswith("1 file written")


@pytest.mark.parametrize(
    "change",
    [
        lambda lesson: lesson.write_text(LESSON.replace("one", "two"), encoding="utf-8"),
        lambda lesson: (lesson.parent / "mine" / "theme.yaml").write_text(
            THEME.replace("123456", "654321"), encoding="utf-8"
        ),
        lambda lesson: (lesson.parent / "out" / "lesson-outline.txt").write_text(
            "edited by hand", encoding="utf-8"
        ),
        lambda lesson: (lesson.parent / "out" / "lesson-outline.txt").unlink(),
    ],
    ids=["lesson", "theme", "output-edited", "output-missing"],
)
def test_a_change_rebuilds(lesson, change):
    build(lesson)
    change(lesson)
    assert build(lesson).startswith("1 file written")
    assert "Hello class" in (lesson.parent / "out" / "lesson-outline.txt").read_text("utf-8")


def saving_while_it_loads(monkeypatch, theme_file, saves: list[str]) -> None:
    """Each load of a theme is followed, before the build hashes its files, by the next
    of *saves*, while there are any."""

    def load_during_a_save(*args, **kwargs):
        theme = load_theme(*args, **kwargs)
        if saves:
            theme_file.write_text(saves.pop(0), encoding="utf-8")
        return theme

    monkeypatch.setattr(build_module, "load_theme", load_during_a_save)


def test_a_theme_saved_while_it_loaded_is_loaded_again(lesson, monkeypatch):
    """The save is what the build uses, not the theme as it was a moment before: a watch's
    rebuild for that save would otherwise find the outputs current and keep the old look."""
    saved = lesson.parent / "mine" / "theme.yaml"
    saving_while_it_loads(monkeypatch, saved, [THEME.replace("123456", "654321")])
    assert cached_theme("mine", lesson.parent, "en").palette.primary == "654321"


def test_a_theme_that_keeps_changing_while_it_loads_is_read_again_next_time(lesson, monkeypatch):
    saved = lesson.parent / "mine" / "theme.yaml"
    saving_while_it_loads(monkeypatch, saved, [THEME.replace("123456", "654321")] * 10)
    build(lesson)
    monkeypatch.undo()
    assert build(lesson).startswith("1 file written")
    assert "1 up to date" in build(lesson)


def test_adding_a_missing_linked_file_rebuilds_without_its_warning(lesson):
    """An up-to-date output says its build's warnings again, so --strict keeps failing
    until the lesson is fixed; putting the linked file in place is that fix."""
    lesson.write_text(LESSON.replace("text: one", "text: '[notes](notes.pdf)'"), encoding="utf-8")
    strict = ("build", lesson, "-o", lesson.parent / "out", *OUTLINE, "--strict")
    for _ in range(2):
        result = run(*strict)
        assert result.exit_code == 1 and "'notes.pdf' names a file" in result.output
    (lesson.parent / "notes.pdf").write_bytes(b"%PDF-1.4\n")
    result = run(*strict)
    assert result.exit_code == 0, result.output
    assert result.output.splitlines()[-1].startswith("1 file written")


def test_only_wording_in_the_lesson_s_language_rebuilds_it(lesson):
    """A theme's French wording does not shape an English lesson's outputs; its own
    language's wording, added or changed, does."""
    build(lesson)
    wording = lesson.parent / "mine" / "text"
    wording.mkdir()
    (wording / "fr.yaml").write_text('glossary_title: "Glossaire"\n', encoding="utf-8")
    assert "1 up to date" in build(lesson)
    (wording / "en.yaml").write_text('glossary_title: "Word bank"\n', encoding="utf-8")
    assert build(lesson).startswith("1 file written")


def test_changed_lectern_code_rebuilds(lesson, monkeypatch):
    """A fixed renderer must replace what the broken one wrote, with no version bump."""
    build(lesson)
    monkeypatch.setattr(manifest, "code_fingerprint", lambda: "an edited renderer")
    assert build(lesson).startswith("1 file written")


def test_a_changed_var_or_flag_rebuilds(lesson):
    build(lesson)
    assert build(lesson, "--var", "who=world").startswith("1 file written")
    assert "1 up to date" in build(lesson, "--var", "who=world")
    assert build(lesson, "--var", "who=world", "--allow-outside").startswith("1 file written")


def test_the_manifest_is_stable_json_naming_each_output(lesson):
    build(lesson)
    path = lesson.parent / "out" / MANIFEST_NAME
    text = path.read_text(encoding="utf-8")
    entry = json.loads(text)["outputs"]["lesson-outline.txt"]
    assert entry["format"] == "outline" and entry["stem"] == "lesson"
    assert entry["size"] == (lesson.parent / "out" / "lesson-outline.txt").stat().st_size
    assert "mine/theme.yaml" in entry["inputs"]  # relative to the lesson: the tree can move
    assert "lectern:default/theme.yaml" in entry["inputs"]  # the shipped theme it extends
    build(lesson, "--force")
    assert path.read_text(encoding="utf-8") == text


def test_a_corrupt_manifest_means_a_full_rebuild(lesson):
    build(lesson)
    (lesson.parent / "out" / MANIFEST_NAME).write_text("{not json", encoding="utf-8")
    assert build(lesson).startswith("1 file written")


def test_a_failed_build_is_retried_next_time(lesson):
    build(lesson)
    lesson.write_text("title: T\nsections: []\n", encoding="utf-8")
    assert run("build", lesson, "-o", lesson.parent / "out", *OUTLINE).exit_code == 2
    assert run("build", lesson, "-o", lesson.parent / "out", *OUTLINE).exit_code == 2


def test_merge_rows_are_skipped_one_by_one(lesson):
    data = lesson.parent / "rows.csv"
    data.write_text("who\nAnna\nBo\n", encoding="utf-8")
    assert build(lesson, "--data", str(data)).startswith("2 files written")
    data.write_text("who\nAnna\nBen\n", encoding="utf-8")
    summary = build(lesson, "--data", str(data))
    assert summary.startswith("1 file written") and "1 up to date" in summary


def test_another_reference_template_rebuilds_and_a_moved_copy_does_not(lesson, tmp_path):
    """Switching --reference-pptx to another file said "1 up to date": the manifest knew
    that a template was given, not which one."""
    first, second = tmp_path / "first.pptx", tmp_path / "second.pptx"
    first.write_bytes(b"a deck template")
    second.write_bytes(b"another deck template")
    assert build(lesson, "--reference-pptx", first).startswith("1 file written")
    assert "1 up to date" in build(lesson, "--reference-pptx", first)
    assert build(lesson, "--reference-pptx", second).startswith("1 file written")
    moved = tmp_path / "moved" / "second.pptx"
    moved.parent.mkdir()
    moved.write_bytes(second.read_bytes())
    assert "1 up to date" in build(lesson, "--reference-pptx", moved)
