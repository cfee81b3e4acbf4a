"""Builds as a CI job and a teacher run them: a real folder of lessons, with themes kept
inside it, drafts, ignored folders, two lessons with the same name, a broken one."""

from __future__ import annotations

import io
import json
import os
import queue
import shutil
import signal
import subprocess
import sys
import threading
import time
import zipfile
from pathlib import Path

import docx
import pytest
from click.testing import CliRunner
from docx.parts.story import StoryPart
from pdfua import validate
from PIL import Image
from pypdf import PdfReader

from generator.cli import main
from generator.manifest import MANIFEST_NAME

from .conftest import EVERY_BLOCK, ROOT, write_lesson
from .pdfstructure import structure, untagged

LESSON = """\
title: {title}
date: 2026-01-15
theme: {theme}
sections:
  - heading: First part
    blocks:
      - text: "Hello {{{{ vars.who }}}}, this is {title}."
      - list: [one, two, three]
vars: {{who: class}}
"""
THEME = "name: school\nextends: default\npalette: {primary: '0B5394'}\n"


def run(*args: str | Path):
    return CliRunner().invoke(main, [str(arg) for arg in args])


def lesson(folder: Path, name: str, title: str, theme: str = "default") -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    return write_lesson(folder, LESSON.format(title=title, theme=theme), name=name)


@pytest.fixture
def course(tmp_path) -> Path:
    """A course as teachers keep one: units, a theme folder among them, drafts, an archive."""
    root = tmp_path / "content"
    lesson(root / "unit1", "intro.yaml", "Unit one", theme="../themes/school")
    lesson(root / "unit2", "intro.yaml", "Unit two")
    (root / "themes" / "school").mkdir(parents=True)
    (root / "themes" / "school" / "theme.yaml").write_text(THEME, encoding="utf-8")
    (root / "themes" / "school" / "extra.yaml").write_text("not: a lesson\n", encoding="utf-8")
    lesson(root / "_drafts", "next.yaml", "Draft")
    lesson(root / "unit2", "_partial.yaml", "Partial")
    lesson(root / ".cache", "copy.yaml", "Cached")
    lesson(root / "archive", "old.yaml", "Archived")
    lesson(root / "notes", "aside.yaml", "Aside")
    (root / ".lecternignore").write_text("# old years\narchive/\n", encoding="utf-8")
    return root


def outputs(folder: Path) -> list[str]:
    return sorted(
        p.relative_to(folder).as_posix()
        for p in folder.rglob("*")
        if p.is_file() and not p.name.startswith(".lectern-")
    )


def test_a_folder_build_finds_lessons_by_the_rules_and_mirrors_the_tree(course, tmp_path):
    out = tmp_path / "dist"
    result = run("build", course, "-o", out, "-f", "pdf", "--exclude", "notes/", "-v")
    assert result.exit_code == 0, result.output
    assert outputs(out) == ["unit1/intro-cheatsheet.pdf", "unit2/intro-cheatsheet.pdf"]
    assert "Unit one" in PdfReader(out / "unit1" / "intro-cheatsheet.pdf").pages[0].extract_text()
    assert "Unit two" in PdfReader(out / "unit2" / "intro-cheatsheet.pdf").pages[0].extract_text()
    skipped = {line for line in result.stdout.splitlines() if line.startswith("skipped ")}
    assert skipped == {
        f"skipped {course / '.cache'}: hidden",
        f"skipped {course / '_drafts'}: its name starts with _",
        f"skipped {course / 'archive'}: matched by .lecternignore",
        f"skipped {course / 'notes'}: matched by --exclude",
        f"skipped {course / 'themes' / 'school'}: a theme folder (it holds theme.yaml)",
        f"skipped {course / 'unit2' / '_partial.yaml'}: its name starts with _",
    }


def test_a_lecternignore_in_a_subfolder_applies_below_it(course, tmp_path):
    (course / "unit2" / ".lecternignore").write_text("intro.yaml\n", encoding="utf-8")
    result = run("build", course, "-o", tmp_path / "dist", "-f", "pdf", "--exclude", "notes")
    assert result.exit_code == 0, result.output
    assert outputs(tmp_path / "dist") == ["unit1/intro-cheatsheet.pdf"]


def test_a_subfolders_lecternignore_takes_back_a_parents_pattern_but_not_exclude(course, tmp_path):
    (course / ".lecternignore").write_text("archive/\nintro.yaml\n", encoding="utf-8")
    (course / "unit2" / ".lecternignore").write_text("!intro.yaml\n", encoding="utf-8")
    args = ["build", course, "-o", tmp_path / "dist", "-f", "pdf", "--exclude", "notes"]
    assert run(*args).exit_code == 0
    assert outputs(tmp_path / "dist") == ["unit2/intro-cheatsheet.pdf"]  # as git would
    excluded = run(*args, "--exclude", "unit2/intro.yaml", "-o", tmp_path / "other")
    assert excluded.exit_code == 2 and "no lesson files" in excluded.stderr  # the run's own say


def test_a_linked_folder_of_lessons_is_followed_once(course, tmp_path):
    shared = tmp_path / "shared"
    lesson(shared, "common.yaml", "Shared lesson")
    (course / "shared").symlink_to(shared, target_is_directory=True)
    (course / "unit1" / "back").symlink_to(course, target_is_directory=True)  # a loop
    (course / "current").symlink_to(course / "_drafts", target_is_directory=True)  # not a draft
    result = run("build", course, "-o", tmp_path / "dist", "-f", "pdf", "--exclude", "notes", "-v")
    assert result.exit_code == 0, result.output
    assert outputs(tmp_path / "dist") == [
        "current/next-cheatsheet.pdf", "shared/common-cheatsheet.pdf",
        "unit1/intro-cheatsheet.pdf", "unit2/intro-cheatsheet.pdf",
    ]  # fmt: skip
    assert f"skipped {course / 'unit1' / 'back'}: a link to" in result.stdout


def test_a_folder_with_only_skipped_files_is_an_error(tmp_path):
    lesson(tmp_path / "content" / "_drafts", "a.yaml", "Draft")
    result = run("build", tmp_path / "content", "-o", tmp_path / "dist")
    assert result.exit_code == 2
    assert "no lesson files" in result.stderr and "see -v" in result.stderr


@pytest.mark.parametrize(
    ("first", "again", "built"),
    [
        ("", "unit1/intro.yaml", "unit1/intro-cheatsheet.pdf"),
        ("", "unit1/", "unit1/intro-cheatsheet.pdf"),
        ("", "unit2/../unit1/intro.yaml", "unit1/intro-cheatsheet.pdf"),
        ("unit1/intro.yaml", "", "intro-cheatsheet.pdf"),
    ],
)
def test_a_lesson_reached_twice_is_built_once_where_it_was_first_found(
    course, tmp_path, first, again, built
):
    out = tmp_path / "dist"
    paths = [f"{course}/{first}", f"{course}/{again}"]
    result = run("build", *paths, "-o", out, "-f", "pdf", "--exclude", "notes/", "-v")
    assert result.exit_code == 0, result.output
    assert outputs(out) == sorted([built, "unit2/intro-cheatsheet.pdf"])
    assert "Unit one" in PdfReader(out / built).pages[0].extract_text()
    assert "reached twice; built once, as " in result.stdout
    assert result.stderr == ""


@pytest.mark.parametrize(
    ("text", "said"),
    [
        (b"archive/\n!\n", ":2: '!' is not a valid pattern (gitignore syntax); a ! takes back"),
        (b"archive\\\n", ":1: 'archive\\' is not a valid pattern (gitignore syntax); a \\ at"),
        (b"[z-a]\n", ":1: '[z-a]' is not a valid pattern (gitignore syntax); its [...] set"),
        (b"r\xe9sum\xe9.yaml\n", ":1:2: the file is not UTF-8 text; save it with UTF-8"),
    ],
)
def test_a_lecternignore_that_cant_be_read_is_said_at_its_line(course, tmp_path, text, said):
    (course / "unit2" / ".lecternignore").write_bytes(text)
    result = run("build", course, "-o", tmp_path / "dist", "-f", "pdf")
    assert result.exit_code == 2, result.output
    assert result.stderr.startswith(f"{course / 'unit2' / '.lecternignore'}{said}")
    assert not (tmp_path / "dist").exists()


def test_every_bad_exclude_pattern_is_said_at_the_option(course, tmp_path):
    result = run("build", course, "-o", tmp_path / "dist", "--exclude", "old\\", "--exclude", "!")
    assert result.exit_code == 2, result.output
    assert result.stderr.splitlines() == [
        "--exclude: 'old\\' is not a valid pattern (gitignore syntax); a \\ at its end escapes"
        " nothing; separate folders with / ('old/'), or write \\\\ for a backslash in a name",
        "--exclude: '!' is not a valid pattern (gitignore syntax); a ! takes back the pattern"
        " after it, and here none follows; write one ('!keep.yaml'), or \\! for a name that"
        " starts with !",
    ]
    assert not (tmp_path / "dist").exists()


def test_a_lecternignore_saved_with_a_byte_order_mark_applies_from_its_first_line(course, tmp_path):
    (course / ".lecternignore").write_text("archive/\nnotes/\n", encoding="utf-8-sig")
    result = run("build", course, "-o", tmp_path / "dist", "-f", "pdf")
    assert result.exit_code == 0, result.output
    assert outputs(tmp_path / "dist") == [
        "unit1/intro-cheatsheet.pdf",
        "unit2/intro-cheatsheet.pdf",
    ]


def test_quiet_says_nothing_on_success_and_the_summary_on_failure(course, tmp_path):
    ok = run("build", course, "-o", tmp_path / "dist", "-f", "pdf", "--exclude", "notes", "-q")
    assert ok.exit_code == 0 and ok.stdout == "" and ok.stderr == ""
    lesson(course / "unit3", "broken.yaml", "Broken").write_text("title: x\n", encoding="utf-8")
    bad = run("build", course, "-o", tmp_path / "dist", "-f", "pdf", "--exclude", "notes", "-q")
    assert bad.exit_code == 2
    assert "broken.yaml" in bad.stderr and "1 failed" in bad.stdout
    assert "wrote" not in bad.stdout


def test_json_reports_each_output_with_its_status_errors_and_totals(course, tmp_path):
    out = tmp_path / "dist"
    run("build", course / "unit1", "-o", out / "unit1", "-f", "pdf")  # unit1 is now up to date
    broken = lesson(course / "unit3", "broken.yaml", "Broken")
    broken.write_text("title: Broken\nsections: []\n", encoding="utf-8")
    result = run(
        "build", course, "-o", out, "-f", "pdf", "-f", "docx", "--exclude", "notes",
        "--json", tmp_path / "report.json",
    )  # fmt: skip
    assert result.exit_code == 2
    report = json.loads((tmp_path / "report.json").read_text(encoding="utf-8"))
    assert report["schema"] == 1 and report["status"] == 2
    by_lesson = {
        Path(entry["lesson"]).relative_to(course).as_posix(): entry for entry in report["lessons"]
    }
    assert set(by_lesson) == {"unit1/intro.yaml", "unit2/intro.yaml", "unit3/broken.yaml"}
    unit2 = {o["format"]: o for o in by_lesson["unit2/intro.yaml"]["outputs"]}
    assert unit2["pdf"]["status"] == "written" and unit2["pdf"]["seconds"] > 0
    assert unit2["pdf"]["path"] == str(out / "unit2" / "intro-cheatsheet.pdf")
    [error] = by_lesson["unit3/broken.yaml"]["errors"]
    assert error["file"] == str(broken) and error["line"] == 2
    assert "needs at least 1" in error["message"]
    assert {o["status"] for o in by_lesson["unit3/broken.yaml"]["outputs"]} == {"failed"}
    assert report["totals"] == {
        "lessons": 3, "written": 4, "laid_out": 0, "combined": 0, "removed": 0, "up_to_date": 0,
        "failed": 2, "warnings": 0, "accessibility": 0, "errors": 1,
    }  # fmt: skip
    again = run(
        "build",
        course,
        "-o",
        out,
        "-f",
        "pdf",
        "--exclude",
        "notes",
        "--exclude",
        "unit3",
        "--json",
    )
    assert again.exit_code == 0
    report = json.loads(again.stdout)  # --json alone: the report is all stdout says
    assert report["totals"]["up_to_date"] == 2 and report["totals"]["written"] == 0


def test_a_report_that_cant_be_written_fails_the_run_in_words(course, tmp_path):
    blocked = tmp_path / "taken"
    blocked.write_text("a file where the report's folder should be", encoding="utf-8")
    out = tmp_path / "dist"
    args = ["build", course / "unit1", "-o", out, "-f", "pdf", "--json", blocked / "r.json"]
    result = run(*args)
    assert result.exit_code == 1 and isinstance(result.exception, SystemExit)  # no traceback
    assert f"can't write the report to {blocked / 'r.json'}" in result.stderr
    assert (out / "intro-cheatsheet.pdf").exists()  # the build itself stands
    assert [path.name for path in tmp_path.iterdir() if path.name.startswith(".lectern-")] == []


def test_strict_makes_a_warning_fail_the_run(course, tmp_path):
    (course / "themes" / "school" / "theme.yaml").write_text(
        THEME + "fonts: {body: {name: Comic Sans MS, file: ComicSans}}\n", encoding="utf-8"
    )
    args = ["build", course / "unit1", "-o", tmp_path / "dist", "-f", "pdf"]
    relaxed = run(*args)
    assert relaxed.exit_code == 0 and "ComicSans-*.ttf not found" in relaxed.stderr
    strict = run(*args, "--force", "--strict")
    assert strict.exit_code == 1
    assert "ComicSans-*.ttf not found" in strict.stderr and "--strict" in strict.stderr


def test_strict_fails_on_the_lessons_warnings_not_on_a_librarys_deprecation(
    course, tmp_path, monkeypatch
):
    """A library's DeprecationWarning, which test runners and ``-W default`` let through,
    is no warning about the lesson: ``--strict`` passes, and ``--debug`` shows it."""
    import warnings

    from generator.renderers import pdf

    write = pdf.PdfRenderer.write

    def deprecated(self, path):
        warnings.warn("old_api() is deprecated; use new_api()", DeprecationWarning, stacklevel=1)
        return write(self, path)

    monkeypatch.setattr(pdf.PdfRenderer, "write", deprecated)
    args = ["build", course / "unit1", "-o", tmp_path / "dist", "-f", "pdf", "-j", "1"]
    with warnings.catch_warnings():
        warnings.simplefilter("default")  # as a test runner or -W default shows them
        strict = run(*args, "--strict")
        debug = run("--debug", *args, "--force", "--strict")
    assert strict.exit_code == 0, strict.stderr
    assert "old_api" not in strict.stderr
    assert debug.exit_code == 0 and "DeprecationWarning: old_api() is deprecated" in debug.stderr


def test_a_ci_job_that_makes_warnings_errors_still_builds_formulas(tmp_path):
    """PYTHONWARNINGS=error turns a library's deprecation notice on import into an
    exception; the formula library's own is kept from failing the build."""
    lesson = ROOT / "content" / "forces-and-formulas.yaml"
    result = subprocess.run(
        [sys.executable, "-m", "generator", "build", str(lesson), "-o", str(tmp_path), "-j", "1"],
        env={**os.environ, "PYTHONWARNINGS": "error", "PYTHONPATH": str(ROOT)},
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert len(list(tmp_path.glob("forces-and-formulas-*"))) == 3


def test_a_moved_output_folder_and_a_restored_checkout_are_up_to_date(course, tmp_path):
    first = run("build", course, "-o", tmp_path / "dist", "-f", "pdf", "--exclude", "notes")
    assert "2 files written" in first.stdout
    manifest = (tmp_path / "dist" / MANIFEST_NAME).read_text(encoding="utf-8")
    assert str(tmp_path) not in manifest  # nothing in it names where the course was
    (tmp_path / "dist").rename(tmp_path / "moved")
    moved = run("build", course, "-o", tmp_path / "moved", "-f", "pdf", "--exclude", "notes")
    assert moved.stdout.startswith("0 files written") and "2 up to date" in moved.stdout
    elsewhere = tmp_path / "ci" / "checkout"
    shutil.copytree(tmp_path / "content", elsewhere / "content")
    shutil.copytree(tmp_path / "moved", elsewhere / "dist")  # a CI cache restored at a new path
    restored = run(
        "build", elsewhere / "content", "-o", elsewhere / "dist", "-f", "pdf", "--exclude", "notes"
    )
    assert restored.stdout.startswith("0 files written") and "2 up to date" in restored.stdout
    (elsewhere / "content" / "themes" / "school" / "theme.yaml").write_text(
        THEME.replace("0B5394", "990000"), encoding="utf-8"
    )
    changed = run(
        "build", elsewhere / "content", "-o", elsewhere / "dist", "-f", "pdf", "--exclude", "notes"
    )
    assert changed.stdout.splitlines()[-1].startswith("1 file written")  # the lesson using it


def test_a_broken_lesson_fails_alone_and_keeps_its_last_good_output(course, tmp_path):
    out = tmp_path / "dist"
    run("build", course, "-o", out, "-f", "pdf", "--exclude", "notes")
    good = (out / "unit2" / "intro-cheatsheet.pdf").read_bytes()
    (course / "unit2" / "intro.yaml").write_text(
        "title: Two\nsections:\n  - heading: x\n", encoding="utf-8"
    )
    result = run("build", course, "-o", out, "-f", "pdf", "--exclude", "notes", "--force")
    assert result.exit_code == 2
    assert f"{course / 'unit2' / 'intro.yaml'}:3:" in result.stderr
    assert "1 file written" in result.stdout and "1 failed" in result.stdout
    assert (out / "unit2" / "intro-cheatsheet.pdf").read_bytes() == good


def test_a_missing_image_is_one_error_and_one_failure(tmp_path):
    path = write_lesson(
        tmp_path,
        "title: T\nsections:\n  - heading: H\n    blocks:\n"
        "      - image: {src: gone.png, alt: A map}\n",
    )
    result = run("build", path, "-o", tmp_path / "out", "-j", "2")  # split over the workers
    assert result.exit_code == 2
    assert result.stderr.count("gone.png' does not exist") == 1
    assert "1 failed" in result.stdout


OVERFLOWING = """\
title: Long
date: 2026-01-15
author: "{{ vars.student }}"
outputs: {pdf: {pages: 1, columns: 1}}
sections:
""" + "".join(
    f"  - heading: Part {n}\n    blocks:\n      - text: {'A long sentence about alliances. ' * 30}\n"
    for n in range(30)
)


def test_check_lays_out_and_finds_an_overflowing_cheat_sheet(tmp_path):
    path = write_lesson(tmp_path, OVERFLOWING.replace("{{ vars.student }}", "Ms. R"), "long.yaml")
    result = run("check", path)
    assert result.exit_code == 1
    assert "the cheat sheet needs" in result.stderr and "long.yaml" in result.stderr
    assert run("check", path, "--allow-overflow", "-f", "pdf").exit_code == 0
    assert not list(tmp_path.glob("output*"))  # a check writes nothing


def test_check_data_names_a_missing_column_once_at_its_line(tmp_path):
    path = write_lesson(tmp_path, LESSON.format(title="T", theme="default").replace(
        "vars.who", "vars.student"), "merge.yaml")  # fmt: skip
    data = tmp_path / "class.csv"
    data.write_text("name\n" + "".join(f"Pupil {n}\n" for n in range(30)), encoding="utf-8")
    plain = run("check", path)
    assert plain.exit_code == 2 and "'student' is not defined" in plain.stderr
    result = run("check", path, "--data", data)
    assert result.exit_code == 2
    assert result.stderr.count("student") == 1
    assert f"{path}:7:" in result.stderr
    assert (
        "'student' is not a column of" in result.stderr and "(its columns: name)" in result.stderr
    )
    data.write_text("student\n" + "".join(f"Pupil {n}\n" for n in range(30)), encoding="utf-8")
    fixed = run("check", path, "--data", data, "-f", "pdf")
    assert fixed.exit_code == 0 and "30 copies: ok" in fixed.stdout


@pytest.fixture
def merge(tmp_path) -> tuple[Path, Path]:
    path = write_lesson(
        tmp_path,
        LESSON.format(title="Merge", theme="default").replace("vars.who", "vars.student"),
        "letter.yaml",
    )
    data = tmp_path / "class.csv"
    data.write_text("student\n" + "".join(f"Pupil{n:02}\n" for n in range(30)), encoding="utf-8")
    return path, data


def test_a_30_row_merge_combines_into_one_printable_file_per_format(merge, tmp_path):
    path, data = merge
    out = tmp_path / "out"
    args = ["build", path, "--data", data, "-o", out, "-f", "pdf", "-f", "docx", "--combine"]
    result = run(*args, "--name", "{{ stem }}-{{ vars.student }}")
    assert result.exit_code == 0, result.output
    assert len(list(out.glob("letter-Pupil*"))) == 60  # the separate files too
    sheets = PdfReader(out / "letter-cheatsheets.pdf")
    single = len(PdfReader(out / "letter-Pupil00-cheatsheet.pdf").pages)
    assert len(sheets.pages) == 30 * single
    firsts = [sheets.pages[n * single].extract_text() for n in range(30)]
    assert all(f"Hello Pupil{n:02}" in text for n, text in enumerate(firsts))  # in row order
    handouts = docx.Document(str(out / "letter-handouts.docx"))
    assert len(handouts.sections) == 30  # a section break per copy
    restarts = [s._sectPr.find(docx.oxml.ns.qn("w:pgNumType")) for s in handouts.sections]
    assert all(r is not None and r.get(docx.oxml.ns.qn("w:start")) == "1" for r in restarts)
    greetings = [p.text for p in handouts.paragraphs if p.text.startswith("Hello ")]
    assert greetings == [f"Hello Pupil{n:02}, this is Merge." for n in range(30)]
    single_size = (out / "letter-Pupil00-cheatsheet.pdf").stat().st_size
    combined = (out / "letter-cheatsheets.pdf").read_bytes()
    assert len(combined) < 5 * single_size  # the fonts all copies share, stored once
    report = validate(str(out / "letter-cheatsheets.pdf"))  # tagged, as each sheet is
    assert [f"{f.rule_id}: {f.message}" for f in report.findings] == []
    tree = structure(out / "letter-cheatsheets.pdf")
    assert [kind for depth, kind, _ in tree if depth <= 1] == ["/Document"] + ["/Part"] * 30
    assert untagged(out / "letter-cheatsheets.pdf") == []
    again = run(*args, "--name", "{{ stem }}-{{ vars.student }}")
    assert "60 up to date" in again.stdout
    assert (out / "letter-cheatsheets.pdf").read_bytes() == combined  # made again, the same


def test_each_combined_copy_counts_its_own_pages(merge, tmp_path):
    """ "page 2 of N" counts the copy's pages: each copy's footers ask for the page number
    of a bookmark on that copy's last paragraph (restarted at 1 for the copy), a field
    LibreOffice computes as Word does, unlike SECTIONPAGES."""
    path, data = merge
    data.write_text("student\nAda\nBo\nCy\n", encoding="utf-8")
    out = tmp_path / "out"
    result = run("build", path, "--data", data, "-o", out, "-f", "docx", "--combine-only")
    assert result.exit_code == 0, result.output
    handouts = docx.Document(str(out / "letter-handouts.docx"))
    body = handouts.element.body
    qn = docx.oxml.ns.qn
    for number, section in enumerate(handouts.sections, 1):
        name = f"_LecternCopy{number}"
        instructions = [
            text.text.strip()
            for footer in (section.footer, section.first_page_footer)
            for text in footer._element.iter(qn("w:instrText"))
        ]
        assert f"PAGEREF {name}" in instructions, instructions
        assert not any("PAGES" in instruction for instruction in instructions)
        (mark,) = body.xpath(f".//w:bookmarkStart[@w:name='{name}']")
        paragraph = mark.getparent()
        if number < 3:  # the paragraph that ends the copy's section
            assert paragraph.find(f"{qn('w:pPr')}/{qn('w:sectPr')}") is not None
        else:
            assert paragraph is body.xpath(".//w:p")[-1]
    ids = body.xpath(".//w:bookmarkStart/@w:id")
    assert len(ids) == len(set(ids)) == 3


def test_combine_only_keeps_just_the_combined_files(merge, tmp_path):
    path, data = merge
    out = tmp_path / "out"
    result = run("build", path, "--data", data, "-o", out, "-f", "pdf", "--combine-only")
    assert result.exit_code == 0, result.output
    assert outputs(out) == ["letter-cheatsheets.pdf"]
    assert len(PdfReader(out / "letter-cheatsheets.pdf").pages) >= 30
    assert result.stdout.splitlines()[-1].startswith("1 file written")


def test_combine_only_builds_just_the_formats_it_combines(merge, tmp_path):
    """Decks are not combined: --combine-only does not make them only to throw them away,
    and asked for decks alone it says there is nothing to make."""
    path, data = merge
    out = tmp_path / "out"
    result = run("build", path, "--data", data, "-o", out, "--combine-only", "--json", "-")
    assert result.exit_code == 0, result.output
    assert outputs(out) == ["letter-cheatsheets.pdf", "letter-handouts.docx"]
    report = json.loads(result.stdout)
    built = {output["format"] for lesson in report["lessons"] for output in lesson["outputs"]}
    assert built == {"docx", "pdf"}
    decks = run("build", path, "--data", data, "-o", out, "--combine-only", "-f", "pptx")
    assert decks.exit_code == 2
    assert "no format asked for is combined" in decks.stderr


def test_combine_with_nothing_to_combine_says_so(merge, tmp_path):
    path, data = merge
    args = ["build", path, "--data", data, "-o", tmp_path / "out", "-f", "pptx", "--combine"]
    result = run(*args)
    assert result.exit_code == 0, result.output  # the decks are built, as asked
    assert "warning: --combine made nothing" in result.stderr
    assert run(*args, "--strict", "--force").exit_code == 1


def test_an_error_in_every_row_is_said_once_with_a_count(merge, tmp_path):
    path, data = merge
    text = path.read_text(encoding="utf-8").replace(
        "three]\n", "three]\n      - image: {src: gone.png, alt: A map}\n"
    )
    path.write_text(text, encoding="utf-8")
    out = tmp_path / "out"
    result = run("build", path, "--data", data, "-o", out, "-f", "pdf", "-j", "2", "--combine")
    assert result.exit_code == 2
    assert result.stderr.count("gone.png' does not exist") == 1
    assert "gone.png' does not exist; check the path (in all 30 rows)" in result.stderr
    assert "30 failed" in result.stdout
    assert "combined files are not made" in result.stderr and not out.exists()


def test_combine_on_a_folder_gives_one_pdf_of_the_course(course, tmp_path):
    out = tmp_path / "dist"
    result = run("build", course, "-o", out, "--exclude", "notes", "-f", "pdf", "--combine")
    assert result.exit_code == 0, result.output
    course_pdf = PdfReader(out / "cheatsheets.pdf")
    texts = [page.extract_text() for page in course_pdf.pages]
    assert "Unit one" in texts[0] and "Unit two" in texts[-1]
    assert not validate(str(out / "cheatsheets.pdf")).findings  # lessons in other themes too


def start_watch(path: Path, out: Path, *options: str) -> subprocess.Popen[str]:
    """``lectern watch`` of *path* into two formats on two warm workers, once it watches."""
    command = [sys.executable, "-m", "generator", "watch", str(path), "-o", str(out)]
    process = subprocess.Popen(
        [*command, "-f", "pdf", "-f", "docx", "-j", "2", *options],
        cwd=ROOT,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    assert "built 2 file(s) in" in next_line(process)
    assert next_line(process).startswith("watching for changes")
    time.sleep(1)  # the line is said just before the watcher starts
    return process


def next_line(process: subprocess.Popen[str], seconds: float = 60) -> str:
    """The watch's next line: a change it never sees fails the test instead of hanging it.
    (The reading thread ends with the watch, which the test's ``finally`` stops.)"""
    lines: queue.Queue[str] = queue.Queue()
    assert process.stdout is not None
    threading.Thread(target=lambda: lines.put(process.stdout.readline()), daemon=True).start()
    try:
        return lines.get(timeout=seconds)
    except queue.Empty:
        raise AssertionError(f"lectern watch said nothing in {seconds:.0f} s") from None


def stop_watch(process: subprocess.Popen[str]) -> tuple[str, str]:
    """Ctrl-C; the watch must stop cleanly. Returns what it said after, on stdout and stderr."""
    process.send_signal(signal.SIGINT)
    stdout, stderr = process.communicate(timeout=30)
    assert process.returncode == 0
    assert stdout.strip().endswith("stopped") and "Traceback" not in stderr
    return stdout, stderr


def test_watch_rebuilds_on_an_edit_keeps_the_last_good_file_and_stops_on_ctrl_c(tmp_path):
    theme = tmp_path / "lessons" / "look"
    theme.mkdir(parents=True)
    (theme / "theme.yaml").write_text(THEME, encoding="utf-8")
    path = lesson(tmp_path / "lessons", "live.yaml", "First draft", theme="look")
    out = tmp_path / "out"
    pdf = out / "live-cheatsheet.pdf"
    process = start_watch(path, out)
    try:
        first = pdf.read_bytes()
        path.write_text(path.read_text(encoding="utf-8").replace("First draft", "Second draft"))
        assert "rebuilt 2 file(s) in" in next_line(process)  # in two warm workers
        assert "Second draft" in PdfReader(pdf).pages[0].extract_text()
        assert "Second draft" in docx.Document(out / "live-handout.docx").paragraphs[0].text
        second = pdf.read_bytes()
        assert second != first
        (theme / "theme.yaml").write_text(THEME.replace("0B5394", "990000"), encoding="utf-8")
        assert "rebuilt 2 file(s) in" in next_line(process)  # the theme is watched too
        path.write_text("title: Broken\nsections: []\n", encoding="utf-8")
        line = next_line(process)
        assert "failed in" in line and "last good files are kept" in line
        assert f"{path}:2:" in process.stderr.readline()  # once, though both formats failed
        assert "Second draft" in PdfReader(pdf).pages[0].extract_text()
    finally:
        _, stderr = stop_watch(process)
    assert f"{path}:2:" not in stderr  # the broken edit's error was said once, read above


def test_watch_is_woken_only_by_what_a_build_reads(tmp_path):
    """A log or a JSON report kept beside the lesson is written by every rebuild; were it a
    change, each rebuild would start the next, without end. A picture the lesson shows is."""
    path = lesson(tmp_path / "lessons", "live.yaml", "First draft")
    picture = path.parent / "pic.png"
    shutil.copy(ROOT / "tests" / "lessons" / "images" / "venn.png", picture)
    shown = "      - image: {src: pic.png, alt: Two circles}\n"
    text = path.read_text(encoding="utf-8").replace("three]\n", "three]\n" + shown)
    path.write_text(text, encoding="utf-8")
    report = path.parent / "report.json"
    process = start_watch(path, tmp_path / "out", "--json", str(report))
    try:
        (path.parent / "watch.log").write_text("built\n", encoding="utf-8")
        for draft in ("_drafts/next.yaml", ".cache/state.json"):  # where no lesson is looked for
            (path.parent / draft).parent.mkdir()
            (path.parent / draft).write_text("title: Draft\n", encoding="utf-8")
        time.sleep(0.5)  # time enough for a rebuild, were any of these a change
        with Image.open(picture) as image:
            image.rotate(90, expand=True).save(picture)
        assert "rebuilt 2 file(s) in" in next_line(process)  # the picture, not the log
        path.write_text(path.read_text(encoding="utf-8").replace("First", "Second"))
        assert "rebuilt 2 file(s) in" in next_line(process)
        assert json.loads(report.read_text(encoding="utf-8"))["status"] == 0
        time.sleep(2)  # the rebuild's report lands after its line
    finally:
        stdout, _ = stop_watch(process)
    assert stdout.strip() == "stopped"


def test_watch_says_a_broken_lecternignore_and_keeps_watching(tmp_path):
    path = lesson(tmp_path / "lessons", "live.yaml", "First draft")
    ignore = path.parent / ".lecternignore"
    pdf = tmp_path / "out" / "live-cheatsheet.pdf"
    process = start_watch(path.parent, tmp_path / "out")
    try:
        ignore.write_text("drafts/\n!\n", encoding="utf-8")
        assert "failed in" in next_line(process)
        assert process.stderr.readline().startswith(f"{ignore}:2: '!' is not a valid pattern")
        ignore.write_text("drafts/\n", encoding="utf-8")
        assert "up to date" in next_line(process)  # the fix is a change too
        path.write_text(path.read_text(encoding="utf-8").replace("First", "Second"))
        assert "rebuilt 2 file(s) in" in next_line(process)
        assert "Second draft" in PdfReader(pdf).pages[0].extract_text()
    finally:
        stop_watch(process)


def test_watch_follows_a_file_saved_by_renaming_and_a_theme_taken_up_later(tmp_path):
    """Spreadsheets and Word save by renaming a new file over the old, which a watch of the
    old file no longer hears of; a theme outside the lessons' folders is watched once a
    lesson takes it up."""
    path = lesson(tmp_path / "lessons", "quiz.yaml", "Quiz")
    data = tmp_path / "data" / "class.csv"
    data.parent.mkdir()
    data.write_text("who\nAnn\n", encoding="utf-8")
    theme = tmp_path / "themes" / "house"
    theme.mkdir(parents=True)
    (theme / "theme.yaml").write_text(THEME, encoding="utf-8")
    out = tmp_path / "out"
    process = start_watch(path, out, "--data", str(data))
    try:
        for rows in ("Ann\nBob\n", "Ann\nBob\nCid\n"):  # each saved by renaming
            data.with_suffix(".new").write_text("who\n" + rows, encoding="utf-8")
            data.with_suffix(".new").replace(data)
            assert "rebuilt 2 file(s) in" in next_line(process)  # the new row's two
        assert "Hello Cid" in PdfReader(out / "quiz-3-cheatsheet.pdf").pages[0].extract_text()
        path.write_text(path.read_text(encoding="utf-8").replace("default", "../themes/house"))
        assert "rebuilt 6 file(s) in" in next_line(process)
        time.sleep(0.5)  # the watch starts again, now with the theme
        (theme / "theme.yaml").write_text(THEME.replace("0B5394", "990000"), encoding="utf-8")
        assert "rebuilt 6 file(s) in" in next_line(process)
        base = tmp_path / "themes" / "base"  # a theme the theme now extends
        base.mkdir()
        (base / "theme.yaml").write_text(THEME.replace("school", "base"), encoding="utf-8")
        (theme / "theme.yaml").write_text(THEME.replace("default", "../base"), encoding="utf-8")
        assert "rebuilt 6 file(s) in" in next_line(process)
        time.sleep(0.5)
        (base / "theme.yaml").write_text(THEME.replace("0B5394", "006600"), encoding="utf-8")
        assert "rebuilt 6 file(s) in" in next_line(process)
    finally:
        stop_watch(process)


def test_watch_replaces_a_worker_that_died(tmp_path):
    path = lesson(tmp_path / "lessons", "live.yaml", "First draft")
    out = tmp_path / "out"
    process = start_watch(path, out)
    try:
        found = subprocess.run(["pgrep", "-P", str(process.pid)], capture_output=True, text=True)
        workers = [int(pid) for pid in found.stdout.split()]
        assert len(workers) == 2
        os.kill(workers[0], signal.SIGKILL)  # as the system does when memory runs out
        time.sleep(0.5)
        path.write_text(path.read_text(encoding="utf-8").replace("First draft", "Second draft"))
        assert "rebuilt 2 file(s) in" in next_line(process)
        assert "Second draft" in PdfReader(out / "live-cheatsheet.pdf").pages[0].extract_text()
    finally:
        stop_watch(process)


def test_combining_handouts_leaves_later_builds_in_this_process_unchanged(merge, tmp_path):
    """Handouts are combined in the building process itself: what it changes there (the
    documents it opens, the package parts it moves) must not reach a later handout."""
    path, data = merge
    args = ["-f", "docx", "-j", "1", "--force"]
    plain = ["--var", "student=Ann"]
    assert run("build", path, "-o", tmp_path / "before", *plain, *args).exit_code == 0
    combined = run("build", path, "--data", data, "-o", tmp_path / "merged", "--combine", *args)
    assert combined.exit_code == 0, combined.output
    assert run("build", path, "-o", tmp_path / "after", *plain, *args).exit_code == 0
    name = "letter-handout.docx"
    assert (tmp_path / "after" / name).read_bytes() == (tmp_path / "before" / name).read_bytes()


def test_combined_copies_keep_their_pictures_links_lists_and_logo(tmp_path):
    """Each copy brings its pictures (stored once), links and header logo into the one
    package, and its lists of their own (each starts again at 1); no part name and no
    picture id repeats, which Word would call unreadable content."""
    data = tmp_path / "rows.csv"
    data.write_text("row\n1\n2\n3\n", encoding="utf-8")
    out = tmp_path / "out"
    args = ["-o", out, "-f", "docx", "--theme", "corporate"]
    result = run("build", EVERY_BLOCK, "--data", data, *args, "--combine")
    assert result.exit_code == 0, result.output
    path = out / "every-block-handouts.docx"
    with (
        zipfile.ZipFile(path) as joined,
        zipfile.ZipFile(out / "every-block-1-handout.docx") as one,
    ):
        names = joined.namelist()
        pictures = [name for name in one.namelist() if name.startswith("word/media/")]
    assert len(names) == len(set(names))
    assert sorted(name for name in names if name.startswith("word/media/")) == sorted(pictures)
    assert len(pictures) >= 2  # the lesson's picture and the theme's logo
    handouts = docx.Document(str(path))
    qn = docx.oxml.ns.qn
    parts = [part for part in handouts.part.package.iter_parts() if isinstance(part, StoryPart)]
    ids = [d.get("id") for part in parts for d in part.element.iter(qn("wp:docPr"))]
    assert len(ids) == len(set(ids)) > 3
    for part in parts:  # every picture and link points at something in the package
        for attribute in part.element.xpath(".//@r:embed | .//w:hyperlink/@r:id"):
            assert attribute in part.rels, f"{part.partname}: {attribute}"
    links = {rel.target_ref for rel in handouts.part.rels.values() if rel.is_external}
    assert "https://example.org/page" in links
    logos = [
        section.header.part.element.xpath(".//a:blip/@r:embed") for section in handouts.sections
    ]
    assert len(logos) == 3 and all(len(logo) == 1 for logo in logos)
    copies, lists = [], set()
    for paragraph in handouts.element.body.iter(qn("w:p")):
        lists.update(paragraph.xpath("./w:pPr/w:numPr/w:numId/@w:val"))
        if paragraph.find(f"{qn('w:pPr')}/{qn('w:sectPr')}") is not None:
            copies.append(lists)
            lists = set()
    copies.append(lists)
    assert len(copies) == 3 and all(len(lists) == len(copies[0]) > 2 for lists in copies)
    assert not (copies[0] & copies[1]) and not (copies[1] & copies[2])
    numbering = handouts.part.numbering_part.element
    for number in copies[2]:
        (entry,) = numbering.xpath(f"./w:num[@w:numId='{number}']")
        starts = entry.xpath("./w:lvlOverride/w:startOverride/@w:val")
        assert starts and set(starts) == {"1"}  # a list of its own, counted from 1


def test_joining_an_untagged_pdf_keeps_every_page_and_claims_no_tags(merge, tmp_path):
    """A PDF from another renderer may be untagged: the joined file then holds all the
    pages, and no structure tree that would cover only some of them."""
    from reportlab.pdfgen.canvas import Canvas

    from generator.pdfjoin import join_pdfs

    path, data = merge
    data.write_text("student\nAda\nBo\n", encoding="utf-8")
    out = tmp_path / "out"
    assert run("build", path, "--data", data, "-o", out, "-f", "pdf").exit_code == 0
    sheets = sorted(out.glob("*-cheatsheet.pdf"))
    plain = tmp_path / "plain.pdf"
    canvas = Canvas(str(plain))
    canvas.drawString(72, 720, "An untagged page")
    canvas.save()
    joined = PdfReader(io.BytesIO(join_pdfs([sheets[0], plain, sheets[1]])))
    assert len(joined.pages) == 3 and "An untagged page" in joined.pages[1].extract_text()
    assert "/StructTreeRoot" not in joined.trailer["/Root"]
