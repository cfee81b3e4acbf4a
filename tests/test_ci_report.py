"""What a CI job reads of a run: its JSON report, its exit status and what ``--strict``
fails on, on every run, not only a first one that builds everything."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from .conftest import ROOT
from .test_ci import lesson, run

UNKNOWN_LANGUAGE = "      - code: {language: pythn, text: 'print(1)'}\n"


def warned_lesson(folder: Path) -> Path:
    """A lesson that builds, with a warning: a code block in a language Pygments lacks."""
    path = lesson(folder, "code.yaml", "Code")
    text = path.read_text(encoding="utf-8").replace("three]\n", "three]\n" + UNKNOWN_LANGUAGE)
    path.write_text(text, encoding="utf-8")
    return path


def report_of(path: Path) -> dict:
    return json.loads(path.read_text(encoding="utf-8"))


def test_strict_fails_again_while_the_warned_outputs_are_up_to_date(tmp_path):
    warned_lesson(tmp_path / "content")
    args = ["build", tmp_path / "content", "-o", tmp_path / "out", "-f", "pdf", "--strict"]
    first = run(*args)
    assert first.exit_code == 1 and "unknown code language 'pythn'" in first.stderr
    again = run(*args, "--json", tmp_path / "report.json")
    assert again.exit_code == 1  # nothing rebuilt, and still the same warning
    assert "unknown code language 'pythn'" in again.stderr
    report = report_of(tmp_path / "report.json")
    assert report["status"] == 1 and report["totals"]["up_to_date"] == 1
    assert report["totals"]["warnings"] == 1
    [entry] = report["lessons"]
    assert "unknown code language 'pythn'" in entry["warnings"][0]


def test_a_report_kept_beside_the_lessons_is_not_a_lesson(tmp_path):
    lesson(tmp_path / "course", "one.yaml", "One")
    report = tmp_path / "course" / "report.json"
    args = ["build", tmp_path / "course", "-o", tmp_path / "out", "-f", "pdf"]
    assert run(*args, "--json", report).exit_code == 0
    checked = run("check", tmp_path / "course", "-f", "pdf")
    for again in (run(*args, "--json", report), checked, run(*args, "-v")):
        assert again.exit_code == 0, again.stderr  # this run's report, or an earlier run's
    assert f"skipped {report}: a JSON report of a run (--json), not a lesson" in again.stdout
    assert [entry["lesson"] for entry in report_of(report)["lessons"]] == [
        str(tmp_path / "course" / "one.yaml")
    ]


def test_with_json_alone_stdout_is_the_report_even_when_the_run_fails(tmp_path):
    lesson(tmp_path / "course", "one.yaml", "One")
    (tmp_path / "course" / "bad.yaml").write_text("title: Bad\nsections: [\n", encoding="utf-8")
    result = run("build", tmp_path / "course", "-o", tmp_path / "out", "-f", "pdf", "--json")
    assert result.exit_code == 2
    report = json.loads(result.stdout)  # and nothing else
    assert report["status"] == 2 and report["totals"]["failed"] == 1
    assert "1 file written" in result.stderr and "1 failed" in result.stderr


def test_a_run_refused_before_building_still_writes_its_report(tmp_path):
    (tmp_path / "empty").mkdir()
    result = run("build", tmp_path / "empty", "-o", tmp_path / "out", "--json", tmp_path / "r.json")
    assert result.exit_code == 2
    assert "no lesson files" in result.stderr
    assert "files written" not in result.stdout  # it said why; no summary of nothing
    report = report_of(tmp_path / "r.json")
    assert report["status"] == 2 and report["lessons"] == []
    assert "no lesson files" in report["errors"][0] and report["totals"]["errors"] == 1


def test_combine_only_reports_the_combined_file_and_no_files_that_are_gone(tmp_path):
    for name in ("b", "a", "c"):
        lesson(tmp_path / "content", f"{name}.yaml", name.upper())
    out = tmp_path / "out"
    args = ["build", tmp_path / "content", "-o", out, "--json", tmp_path / "r.json", "-j", "2"]
    result = run(*args, "--combine-only")
    assert result.exit_code == 0, result.stderr
    report = report_of(tmp_path / "r.json")
    assert report["output_folder"] == str(out)
    assert report["combined"] == [{"format": "pdf", "path": str(out / "cheatsheets.pdf")}]
    assert (out / "cheatsheets.pdf").is_file()
    names = [Path(entry["lesson"]).name for entry in report["lessons"]]
    assert names == ["a.yaml", "b.yaml", "c.yaml"]  # path order, whichever finished first
    outputs = [output for entry in report["lessons"] for output in entry["outputs"]]
    assert {(output["status"], output["path"]) for output in outputs} == {("combined", None)}
    assert report["totals"]["combined"] == 1 and report["totals"]["written"] == 0
    assert "1 file written" in result.stdout


def test_a_check_reports_what_it_laid_out_and_keeps_nothing(tmp_path):
    warned_lesson(tmp_path / "content")
    result = run(
        "check", tmp_path / "content", "-f", "pdf", "-f", "docx", "--strict", "-q",
        "--json", tmp_path / "r.json",
    )  # fmt: skip
    assert result.exit_code == 1
    assert "2 outputs laid out" in result.stdout and "written" not in result.stdout
    report = report_of(tmp_path / "r.json")
    assert report["output_folder"] is None and report["totals"]["laid_out"] == 2
    [entry] = report["lessons"]
    assert {(output["status"], output["path"]) for output in entry["outputs"]} == {
        ("laid out", None)
    }


def test_prune_removes_what_a_gone_lesson_left_and_nothing_else(tmp_path):
    content, out = tmp_path / "content", tmp_path / "out"
    lesson(content / "unit1", "forces.yaml", "Forces")
    broken = lesson(content / "unit1", "intro.yaml", "Intro")
    lesson(content / "unit2", "waves.md", "Waves").unlink()  # a Markdown lesson instead:
    (content / "unit2" / "waves.md").write_text("---\ntitle: Waves\n---\n# Part\n\nHi.\n")
    assert run("build", content, "-o", out, "-f", "pdf", "-f", "docx").exit_code == 0
    (content / "unit1" / "forces.yaml").rename(content / "unit1" / "dynamics.yaml")
    broken.write_text("title: Broken\nsections: []\n", encoding="utf-8")
    waves = (content / "unit2" / "waves.md").read_text(encoding="utf-8")
    (content / "unit2" / "waves.md").write_text(waves.replace("title:", "Title:"))  # no lesson
    (out / "notes.pdf").write_bytes(b"%PDF- the teacher's own")  # not Lectern's
    result = run("build", content, "-o", out, "-f", "pdf", "--prune", "--json", tmp_path / "r.json")
    assert result.exit_code == 2  # the broken lesson
    gone = [out / "unit1" / "forces-cheatsheet.pdf", out / "unit1" / "forces-handout.docx"]
    for path in gone:
        assert f"removed {path} (its lesson is gone)" in result.stdout
    assert sorted(p.relative_to(out).as_posix() for p in out.rglob("*.*") if p.name[0] != ".") == [
        "notes.pdf",
        "unit1/dynamics-cheatsheet.pdf",
        "unit1/intro-cheatsheet.pdf",  # its lesson fails, but is there: the last good files
        "unit1/intro-handout.docx",
        "unit2/waves-cheatsheet.pdf",  # no longer a lesson, but the file is there
        "unit2/waves-handout.docx",
    ]
    assert report_of(tmp_path / "r.json")["removed"] == [str(path) for path in gone]
    again = run("build", content, "-o", out, "-f", "pdf", "--prune")  # the manifest forgot them
    assert "removed" not in again.stdout


def test_prune_leaves_what_this_run_did_not_reach(tmp_path):
    """A build of one folder, or of a merge whose lesson fails, into a shared output folder
    must not take the other lessons' files, or the last good copies, for lessons gone."""
    content, out = tmp_path / "content", tmp_path / "out"
    lesson(content / "unit1", "forces.yaml", "Forces")
    lesson(content / "unit2", "waves.yaml", "Waves")
    merge = lesson(tmp_path / "quiz", "quiz.yaml", "Quiz")
    data = tmp_path / "quiz" / "_class.csv"
    data.write_text("who\nAnn\nBob\n", encoding="utf-8")
    assert run("build", content, "-o", out, "-f", "pdf").exit_code == 0
    assert run("build", merge, "--data", data, "-o", out, "-f", "pdf").exit_code == 0
    before = sorted(p.name for p in out.rglob("*.pdf"))
    assert run("build", content / "unit1", "-o", out, "-f", "pdf", "--prune").exit_code == 0
    merge.write_text("title: Broken\nsections: []\n", encoding="utf-8")
    failed = run("build", merge, "--data", data, "-o", out, "-f", "pdf", "--prune")
    assert failed.exit_code == 2 and "removed" not in failed.stdout
    after = sorted(p.name for p in out.rglob("*.pdf"))
    assert set(before) <= set(after)


def test_a_checks_accessibility_findings_are_in_its_report_and_not_on_stdout(tmp_path):
    shutil.copytree(ROOT / "content", tmp_path / "content")
    result = run("check", tmp_path / "content" / "git-basics.yaml", "--accessibility", "--json")
    assert result.exit_code == 1  # it finds something for the author to fix
    report = json.loads(result.stdout)  # and stdout is the report alone
    assert report["status"] == 1  # as the exit status: the findings count
    assert report["totals"]["laid_out"] == 3
    [entry] = report["lessons"]
    assert report["totals"]["accessibility"] == len(entry["accessibility"]) > 0
    assert "alt text is" in entry["accessibility"][0]
    assert "accessibility problem(s)" in result.stderr


def test_a_merge_refused_before_its_copies_counts_as_failed(tmp_path):
    path = lesson(tmp_path / "quiz", "quiz.yaml", "Quiz")
    data = tmp_path / "quiz" / "_class.csv"
    data.write_text("who\nAnn\nBob\n", encoding="utf-8")
    report = tmp_path / "r.json"
    result = run(
        "build", path, "--data", data, "--name", "{{ vars.nobody }}", "-f", "pdf", "-f", "docx",
        "-o", tmp_path / "out", "--json", report,
    )  # fmt: skip
    assert result.exit_code == 2
    totals = report_of(report)["totals"]
    assert totals["failed"] == 2 and totals["errors"] == 1  # a CI step reading totals sees it
