"""The bad-input corpus: every broken or hostile lesson gives exit 2 and located messages.

The corpus is data: ``tests/bad/`` holds the files and ``tests/bad/expected.yaml`` what
``lectern check`` must print for each (the part after ``PATH:``). Inputs too big to keep
in the repository (a 5 MB string, a file of 30,000 values) are generated here.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner
from pptx import Presentation

from generator.build import BuildOptions, prepare
from generator.cli import main
from generator.errors import LessonError
from generator.files import TEMP_PREFIX
from generator.load import MAX_FILE_BYTES, MAX_NODES, MAX_TEXT_CHARS
from generator.renderers.pptx import PptxRenderer

from .conftest import ROOT, write_lesson

BAD = Path(__file__).resolve().parent / "bad"
EXPECTED: dict[str, list[str] | str] = yaml.safe_load(
    (BAD / "expected.yaml").read_text(encoding="utf-8")
)
BAD_CASES = sorted(name for name, lines in EXPECTED.items() if lines != "ok")
GOOD_CASES = sorted(name for name, lines in EXPECTED.items() if lines == "ok")
BLOCKS = "sections:\n  - heading: H\n    blocks:\n      - text: a\n"


def printed(path: Path) -> list[str]:
    """What ``lectern check`` prints for *path*, without the leading ``PATH:``."""
    with pytest.raises(LessonError) as caught:
        prepare(path, BuildOptions())
    lines = [str(problem) for problem in caught.value.problems]
    assert all(line.startswith(f"{path}:") for line in lines), lines
    return [line.removeprefix(f"{path}:").strip() for line in lines]


def assert_matches(found: list[str], expected: list[str]) -> None:
    assert len(found) == len(expected), "\n".join(found)
    for line, start in zip(found, expected, strict=True):
        assert line.startswith(start), f"expected {start!r}\n     got {line!r}"


def test_the_corpus_is_big_and_every_file_is_listed():
    files = {path.name for path in BAD.iterdir()} - {"expected.yaml"}
    assert files == set(EXPECTED), "list each file of tests/bad/ in expected.yaml, and only those"
    assert len(BAD_CASES) >= 40
    assert len([name for name in BAD_CASES if name.endswith(".md")]) >= 15


@pytest.mark.parametrize("name", BAD_CASES)
def test_bad_lesson_gives_its_message(name):
    found = printed(BAD / name)
    assert_matches(found, EXPECTED[name])
    # A message a teacher can act on says where (when there is a line) and what to do.
    for line in found:
        assert "Traceback" not in line and "Error" not in line.split(":")[0]


@pytest.mark.parametrize("name", GOOD_CASES)
def test_good_lesson_in_the_corpus_loads(name):
    _, document, _ = prepare(BAD / name, BuildOptions())
    assert document.title.startswith(("T", "Caf"))
    assert "\ufeff" not in document.title


def test_check_prints_the_corpus_messages_and_exits_2():
    """The CLI prints exactly the corpus lines, prefixed with the path, and no traceback."""
    paths = [BAD / name for name in BAD_CASES if (BAD / name).is_file()]
    result = CliRunner().invoke(main, ["check", *map(str, paths)])
    assert result.exit_code == 2
    assert "Traceback" not in result.output
    for path in paths:
        mine = [
            line.removeprefix(f"{path}:").strip()
            for line in result.output.splitlines()
            if line.startswith(f"{path}:")
        ]
        assert_matches(mine, EXPECTED[path.name])


def test_escaped_control_characters_never_reach_a_renderer(tmp_path):
    """Every character XML refuses is caught, whichever escape wrote it."""
    for code in [*range(0x00, 0x09), 0x0B, 0x0C, *range(0x0E, 0x20), 0xFFFE, 0xFFFF]:
        path = write_lesson(tmp_path, f'title: "x\\u{code:04x}"\n{BLOCKS}')
        assert printed(path) == [
            f"1:8: this text holds the invisible control character U+{code:04X} (after 'x'),"
            " which Word and PowerPoint files cannot hold; delete it (look for an escape like"
            " \\x01 or \\u0001)"
        ]


def test_tab_newline_and_return_escapes_are_fine(tmp_path):
    path = write_lesson(tmp_path, f'title: "a\\tb\\nc\\rd"\n{BLOCKS}')
    assert prepare(path, BuildOptions())[1].title == "a\tb\nc\rd"


def test_a_5_mb_string_is_refused_by_size(tmp_path):
    path = write_lesson(tmp_path, f'title: "{"x" * 5_000_000}"\n{BLOCKS}')
    assert printed(path) == [
        f"the file is {path.stat().st_size // 1024} KiB; a lesson may be at most"
        f" {MAX_FILE_BYTES // 1024} KiB: split it into several lessons"
    ]


def test_a_long_text_inside_the_size_limit_is_refused_where_it_is(tmp_path):
    path = write_lesson(tmp_path, f"title: T\nsummary: {'y' * (MAX_TEXT_CHARS + 1)}\n{BLOCKS}")
    assert printed(path) == [
        f"2:10: this text is {MAX_TEXT_CHARS + 1:,} characters; the limit is"
        f" {MAX_TEXT_CHARS:,}: shorten it or split it into several blocks"
    ]


def test_too_many_values_stop_the_reading_early(tmp_path):
    items = "".join(f"  - item {i}\n" for i in range(MAX_NODES + 10))
    path = write_lesson(tmp_path, f"title: T\nobjectives:\n{items}{BLOCKS}")
    [message] = printed(path)
    # Keys count too: title, T, objectives and the list come first, so the line of item 20,001.
    assert message.startswith(f"{MAX_NODES - 2}:5: the lesson has more than {MAX_NODES:,} values")


def test_json_that_yaml_cannot_read_is_still_checked(tmp_path):
    """A key over 1,024 characters is JSON but not YAML: the JSON reader's values get checked."""
    key = "k" * 1100
    path = write_lesson(tmp_path, f'{{"title": "T\\u0001", "{key}": 1}}', name="long-key.json")
    [message] = printed(path)
    assert message.startswith("this text holds the invisible control character U+0001")


def test_deep_json_nesting_is_refused_without_a_traceback(tmp_path):
    text = '{"title": "T", "summary": ' + "[" * 100_000 + "]" * 100_000 + "}"
    path = write_lesson(tmp_path, text, name="deep.json")
    [message] = printed(path)
    assert "nesting is too deep" in message


@pytest.mark.parametrize(
    ("template", "refused"),
    [
        ("{{ ('x' * 100000) | list | join('y' * 100000) }}", "the joined text would be too long"),
        ("{{ ('x' * 100000) | replace('x', 'yy') }}", "the replaced text would be too long"),
        ("{{ 'x' | center(1000000000) }}", "the filter 'center' cannot be used"),
        ("{{ vars.n / 0 }}", "division by zero"),
        ("{{ cycler.__init__.__globals__ }}", "not allowed"),
        ("{% include '/etc/passwd' %}", "includes cannot be used"),
    ],
)
def test_template_bombs_and_mistakes_are_located(tmp_path, template, refused):
    path = write_lesson(tmp_path, f'title: T\nvars: {{n: 1}}\nsummary: "{template}"\n{BLOCKS}')
    [message] = printed(path)
    assert message.startswith("3:10: ") and refused in message, message


def test_plain_templates_with_filters_and_conditions_still_work(tmp_path):
    path = write_lesson(
        tmp_path,
        'title: "{{ vars.school | upper }}{% if vars.year %} {{ vars.year }}{% endif %}"\n'
        f"vars: {{school: Northside, year: 2026}}\n{BLOCKS}",
    )
    assert prepare(path, BuildOptions())[1].title == "NORTHSIDE 2026"


# -- no output is lost ----------------------------------------------------------------


def lesson_text(title: str, sections: int = 1) -> str:
    body = "".join(
        f"  - heading: Part {n}\n    blocks:\n      - text: {title}, part {n}, in full.\n"
        f"      - list: [One point, Another point, A third point]\n"
        for n in range(sections)
    )
    return f"title: {title}\ndate: 2026-01-15\nsections:\n{body}"


def build_cli(*args: str):
    return CliRunner().invoke(main, ["build", "-j", "1", *args])


@pytest.mark.parametrize(
    ("breakage", "status", "message"),
    [
        ("title: Broken\nsectons: []\n", 2, "b.yaml:2:1: unknown key 'sectons'"),
        (lesson_text("Explode"), 1, "b.yaml: the pptx build failed: the renderer broke"),
    ],
    ids=["bad input", "renderer crash"],
)
def test_one_failing_lesson_leaves_the_others_built_and_its_old_output_alone(
    tmp_path, monkeypatch, breakage, status, message
):
    def fragile(self, block):
        if "Explode" in block.text:
            raise RuntimeError("the renderer broke")
        return original(self, block)

    original = PptxRenderer.render_text
    monkeypatch.setattr(PptxRenderer, "render_text", fragile)
    out = tmp_path / "out"
    paths = [write_lesson(tmp_path, lesson_text(name), f"{name}.yaml") for name in "abc"]
    assert build_cli(*map(str, paths), "-f", "pptx", "-o", str(out)).exit_code == 0
    old = (out / "b-deck.pptx").read_bytes()
    write_lesson(tmp_path, lesson_text("A again"), "a.yaml")
    write_lesson(tmp_path, breakage, "b.yaml")
    write_lesson(tmp_path, lesson_text("C again"), "c.yaml")

    result = build_cli(*map(str, paths), "-f", "pptx", "-o", str(out))

    assert result.exit_code == status
    assert message in result.output and "Traceback" not in result.output, result.output
    assert (out / "b-deck.pptx").read_bytes() == old
    for name in "ac":
        cover = Presentation(str(out / f"{name}-deck.pptx")).slides[0]
        assert f"{name.upper()} again" in " ".join(shape.text_frame.text for shape in cover.shapes)
    assert sorted(p.name for p in out.iterdir() if not p.name.startswith(".lectern-")) == [
        "a-deck.pptx",
        "b-deck.pptx",
        "c-deck.pptx",
    ]


@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGINT])
def test_an_interrupted_build_leaves_no_partial_file_and_keeps_the_old_one(tmp_path, signum):
    lesson = write_lesson(tmp_path, lesson_text("Big", sections=300), "big.yaml")
    out = tmp_path / "out"
    out.mkdir()
    previous = out / "big-handout.docx"
    previous.write_bytes(b"the last good handout")
    process = subprocess.Popen(
        [sys.executable, "-m", "generator", "build", str(lesson), "-f", "docx", "-o", str(out)],
        cwd=ROOT,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    # Interrupt while the renderer writes: its temporary file exists from start to finish.
    while process.poll() is None and not list(out.glob(f"{TEMP_PREFIX}*.docx")):
        time.sleep(0.005)
    assert process.poll() is None, "the build finished before it could be interrupted"
    process.send_signal(signum)
    output = process.communicate(timeout=60)[0].decode()

    assert process.returncode != 0, output
    assert "Traceback" not in output
    assert previous.read_bytes() == b"the last good handout"
    assert not list(out.glob(f"{TEMP_PREFIX}*.docx")), "a partial file was left behind"


def test_a_control_character_from_a_var_or_a_data_row_is_refused_before_any_output(tmp_path):
    """It failed in python-docx ("All strings must be XML compatible") after the other
    formats were written, with no file or line; `check` said ok."""
    lesson = write_lesson(
        tmp_path, "title: T\nsections:\n  - heading: 'Hi {{ vars.who }}'\n    blocks: [text: a]\n"
    )
    with pytest.raises(LessonError) as caught:
        prepare(lesson, BuildOptions(variables={"who": "Anna\x02"}))
    assert str(caught.value).startswith(
        f"{lesson}:3:14: filled in, this text holds the invisible control character U+0002"
    )
    data = tmp_path / "rows.csv"
    data.write_text('who\n"Bo\x03"\n', encoding="utf-8")
    out = tmp_path / "out"
    result = build_cli(str(lesson), "--data", str(data), "-o", str(out))
    assert result.exit_code == 2
    assert "U+0003" in result.output and "Traceback" not in result.output
    assert not out.exists() or not [p for p in out.iterdir() if not p.name.startswith(".")]


def test_bold_italic_markers_give_bold_italic():
    from generator.inline import Run, parse_inline

    assert parse_inline("a ***x*** b") == (Run("a "), Run("x", True, True), Run(" b"))


def test_a_10000_character_heading_is_quoted_by_its_start_in_messages(tmp_path):
    lesson = write_lesson(
        tmp_path, f"title: T\nsections:\n  - heading: {'x' * 10_000}\n    blocks: [text: a]\n"
    )
    result = build_cli(str(lesson), "-o", str(tmp_path / "out"))
    assert result.exit_code == 1
    errors = [line for line in result.output.splitlines() if "too long" in line]
    assert errors and all(len(line) < 400 for line in errors), errors
    assert all("x" * 59 + "…'" in line and "x" * 61 not in line for line in errors), errors


LAYOUT_FAILS = """\
title: T
sections:
  - heading: H
    blocks:
      - text: Intro
      - list:
          - a short item
          - "{long}"
      - columns:
          blocks:
            - - text: left
            - - text: right
              - table:
                  header: [{columns}]
                  rows:
                    - [{cells}]
"""


@pytest.mark.parametrize("jobs", ["1", "2"])
def test_a_block_that_cannot_be_laid_out_is_named_at_its_line(tmp_path, jobs):
    """A list item too long for any slide, a table too wide for a cheat sheet column: the
    error says where the lesson writes the block (inside columns, the column's block), in
    the output and in the JSON report, so a long lesson's author need not hunt for it."""
    lesson = write_lesson(
        tmp_path,
        LAYOUT_FAILS.format(
            long=" ".join(["word"] * 400),
            columns=", ".join(f"C{n}" for n in range(12)),
            cells=", ".join(["x"] * 12),
        ),
    )
    report = tmp_path / "report.json"
    result = build_cli(str(lesson), "-o", str(tmp_path / "out"), "-j", jobs, "--json", str(report))
    assert result.exit_code == 1
    assert f"{lesson}:6:9: pptx: a list item is too long to fit a slide" in result.output
    assert f"{lesson}:13:17: pdf: a table of 12 columns is too wide" in result.output
    errors = yaml.safe_load(report.read_text(encoding="utf-8"))["lessons"][0]["errors"]
    assert sorted((e["line"], e["column"], e["message"][:4]) for e in errors) == [
        (6, 9, "pptx"),
        (13, 17, "pdf:"),
    ]
