"""Personalised copies from a data file: one copy per row, safe names, clashes refused."""

from __future__ import annotations

import json

import pytest

from generator import batch
from generator.merge import MAX_NAME_BYTES, safe_name

from .conftest import write_lesson
from .test_batch import OUTLINE, outline, run  # noqa: F401 (outline: a fixture, used below)

pytestmark = pytest.mark.usefixtures("outline")

CERTIFICATE = """\
title: "Certificate for {{ vars.student }}"
vars: {school: Northside, score: none}
sections:
  - heading: "Well done, {{ vars.student }}"
    blocks:
      - text: "Score {{ vars.score }} at {{ vars.school }}"
"""


@pytest.fixture
def lesson(tmp_path):
    return write_lesson(tmp_path, CERTIFICATE, name="certificate.yaml")


def write_data(tmp_path, name: str, text: str):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_a_csv_of_three_rows_gives_three_copies_with_the_row_values(tmp_path, lesson):
    data = write_data(tmp_path, "class.csv", "student,score\nAnna,12\nBo,7\nChé,9\n")
    result = run("build", lesson, "--data", data, "-o", tmp_path / "out", *OUTLINE)
    assert result.exit_code == 0, result.output
    out = tmp_path / "out"
    assert sorted(p.name for p in out.glob("*.txt")) == [
        f"certificate-{n}-outline.txt" for n in (1, 2, 3)
    ]
    third = (out / "certificate-3-outline.txt").read_text(encoding="utf-8")
    assert third.splitlines() == [
        "Certificate for Ché",
        "# Well done, Ché",
        "text: Score 9 at Northside",
    ]


@pytest.mark.parametrize(
    ("name", "text"),
    [
        ("rows.json", '[{"student": "Anna", "score": 12}, {"student": "Bo", "score": 7}]'),
        ("rows.yaml", "- {student: Anna, score: 12}\n- {student: Bo, score: 7}\n"),
    ],
)
def test_json_and_yaml_rows(tmp_path, lesson, name, text):
    data = write_data(tmp_path, name, text)
    name_template = "{{ vars.student }}"
    result = run("build", lesson, "--data", data, "--name", name_template, "-o", tmp_path, *OUTLINE)
    assert result.exit_code == 0, result.output
    assert "Score 7 at Northside" in (tmp_path / "Bo-outline.txt").read_text(encoding="utf-8")


def test_var_overrides_a_row_field(tmp_path, lesson):
    data = write_data(tmp_path, "class.csv", "student,school\nAnna,Eastside\n")
    result = run(
        "build", lesson, "--data", data, "--var", "school=Westside", "-o", tmp_path, *OUTLINE
    )
    assert result.exit_code == 0, result.output
    text = (tmp_path / "certificate-1-outline.txt").read_text(encoding="utf-8")
    assert "at Westside" in text


@pytest.mark.parametrize(
    ("raw", "safe"),
    [
        ("Anna Müller", "Anna-Müller"),
        ("../../etc/passwd", "etc-passwd"),
        ("a\\b:c*?<>|d", "a-b-c-d"),
        (".hidden", "hidden"),
        ("--rm -rf", "rm-rf"),
        ("Zoë_O'Brien.v2", "Zoë_O-Brien.v2"),
        ("tab\there\nnewline", "tab-here-newline"),
    ],
)
def test_names_are_made_safe(raw, safe):
    assert safe_name(raw) == safe


def test_unsafe_names_from_rows_stay_inside_the_output_folder(tmp_path, lesson):
    data = write_data(tmp_path, "class.csv", "student\n../../escape\n")
    out = tmp_path / "deep" / "out"
    result = run(
        "build", lesson, "--data", data, "--name", "{{ vars.student }}", "-o", out, *OUTLINE
    )
    assert result.exit_code == 0, result.output
    assert [p.name for p in out.glob("*.txt")] == ["escape-outline.txt"]


def test_two_rows_with_the_same_name_are_refused_naming_both(tmp_path, lesson):
    data = write_data(tmp_path, "class.csv", "student\nAnna\nBo\nanna\n")
    out = tmp_path / "out"
    result = run(
        "build", lesson, "--data", data, "--name", "{{ vars.student }}", "-o", out, *OUTLINE
    )
    assert result.exit_code == 2
    assert f"{lesson} row 1 and {lesson} row 3 both give the output name 'anna'" in result.output
    assert not out.exists()


def test_a_name_every_row_shares_is_refused_once(tmp_path, lesson):
    data = write_data(tmp_path, "class.csv", "student\n" + "".join(f"P{n}\n" for n in range(30)))
    result = run("build", lesson, "--data", data, "--name", "handout", *OUTLINE)
    assert result.exit_code == 2
    assert result.output.count("give the output name") == 1
    assert f"{lesson} row 1, {lesson} row 2 and 28 more all give the output name 'handout'" in (
        result.output
    )


def test_a_name_template_error_is_bad_input(tmp_path, lesson):
    data = write_data(tmp_path, "class.csv", "student\nAnna\n")
    result = run("build", lesson, "--data", data, "--name", "{{ vars.nobody }}", *OUTLINE)
    assert result.exit_code == 2
    assert "--name for row 1: 'nobody' is not defined" in result.output


def test_a_name_template_error_of_every_row_is_said_once(tmp_path, lesson):
    data = write_data(tmp_path, "class.csv", "student\n" + "".join(f"S{n}\n" for n in range(30)))
    result = run("build", lesson, "--data", data, "--name", "{{ vars.nobody }}", *OUTLINE)
    assert result.exit_code == 2
    assert result.output.count("'nobody' is not defined") == 1
    assert "--name (in all 30 rows): 'nobody' is not defined" in result.output
    assert f"add a 'nobody' column to {data}, add it under vars:" in result.output


def test_name_without_data_is_a_usage_error(lesson):
    result = run("build", lesson, "--name", "{{ stem }}")
    assert result.exit_code == 2
    assert "add --data FILE" in result.output


@pytest.mark.parametrize(
    ("name", "text", "message"),
    [
        ("rows.json", '{"student": "Anna"}', "should be a list of rows"),
        ("rows.yaml", "- Anna\n- Bo\n", "row 1 is not a mapping"),
        ("rows.csv", "student\n", "has a header but no rows"),
        ("rows.csv", "student\nAnna,extra\n", "rows.csv:2: this row has more cells (2) than"),
        ("rows.csv", "student,score\nAnna\n", "rows.csv:2: this row has fewer cells (1) than"),
        ("rows.csv", "student,score,student\nA,1,B\n", "rows.csv:1: the column 'student' appears"),
        ("rows.yaml", "- {student: Anna}\n- {student: }\n", "rows.yaml:2: 'student' has no value"),
        ("rows.txt", "Anna\n", "a data file ends in"),
    ],
)
def test_bad_data_files_are_bad_input(tmp_path, lesson, name, text, message):
    data = write_data(tmp_path, name, text)
    result = run("build", lesson, "--data", data, "-o", tmp_path / "out", *OUTLINE)
    assert result.exit_code == 2
    assert message in result.output and str(data) in result.output


def test_a_row_missing_a_value_fails_alone(tmp_path):
    lesson = write_lesson(
        tmp_path,
        "title: T\nsections:\n  - heading: 'Hi {{ vars.student }}'\n    blocks: [text: x]\n",
    )
    data = write_data(tmp_path, "rows.json", json.dumps([{"student": "Anna"}, {"name": "Bo"}]))
    result = run("build", lesson, "--data", data, "-o", tmp_path / "out", *OUTLINE)
    assert result.exit_code == 2
    assert "'student' is not defined" in result.output
    assert [p.name for p in (tmp_path / "out").glob("*.txt")] == ["lesson-1-outline.txt"]


@pytest.mark.parametrize("jobs", ["1", "2"])
def test_the_lesson_is_loaded_once_per_merge(tmp_path, lesson, monkeypatch, jobs):
    calls = []
    real = batch.load_lesson
    monkeypatch.setattr(batch, "load_lesson", lambda path: calls.append(path) or real(path))
    batch._cached_lesson.cache_clear()
    rows = "".join(f"Student {n},{n}\n" for n in range(6))
    data = write_data(tmp_path, "class.csv", "student,score\n" + rows)
    result = run("build", lesson, "--data", data, "-o", tmp_path / "out", "-j", jobs, *OUTLINE)
    assert result.exit_code == 0, result.output
    assert len(list((tmp_path / "out").glob("*.txt"))) == 6
    assert calls == [lesson]  # forked workers share the parent's loaded lesson


def test_a_blank_name_cell_is_refused_not_given_the_plain_lessons_name(tmp_path, lesson):
    """Named '{{ stem }}-{{ vars.student }}', a blank cell gave 'certificate', the name of
    the lesson's own outputs, and overwrote them."""
    out = tmp_path / "out"
    assert run("build", lesson, "--var", "student=All", "-o", out, *OUTLINE).exit_code == 0
    plain = (out / "certificate-outline.txt").read_bytes()
    data = write_data(tmp_path, "students.csv", "student,score\nAnna,12\n  ,7\n")
    name = "{{ stem }}-{{ vars.student }}"
    result = run("build", lesson, "--data", data, "--name", name, "-o", out, *OUTLINE)
    assert result.exit_code == 2
    assert f"{data}:3: the 'student' cell is empty; every copy needs a name" in result.output
    assert (out / "certificate-outline.txt").read_bytes() == plain
    assert not (out / "certificate-Anna-outline.txt").exists()


@pytest.mark.parametrize("delimiter", [";", "\t", "|"])
def test_the_delimiter_is_found_from_the_header(tmp_path, lesson, delimiter):
    text = f"student{delimiter}score\nAnna{delimiter}12\nBo{delimiter}7\n"
    data = write_data(tmp_path, "class.csv", text)
    name = "{{ vars.student }}"
    result = run("build", lesson, "--data", data, "--name", name, "-o", tmp_path, *OUTLINE)
    assert result.exit_code == 0, result.output
    assert "Score 7 at" in (tmp_path / "Bo-outline.txt").read_text(encoding="utf-8")


def test_names_are_capped_in_bytes_not_characters(tmp_path, lesson):
    data = write_data(tmp_path, "class.csv", "student\n" + "漢" * 300 + "\n")
    name = "{{ stem }}-{{ vars.student }}"
    result = run("build", lesson, "--data", data, "--name", name, "-o", tmp_path / "o", *OUTLINE)
    assert result.exit_code == 0, result.output
    [written] = (tmp_path / "o").glob("*.txt")
    stem = written.name.removesuffix("-outline.txt")
    assert len(stem.encode()) <= MAX_NAME_BYTES and stem.endswith("漢")
    assert safe_name("é" * 200).encode() == ("é" * (MAX_NAME_BYTES // 2)).encode()
