"""The loader: every problem located at file:line:column, in an author's words, all at once."""

from __future__ import annotations

import contextlib
from pathlib import Path

import pytest
import yaml
from hypothesis import given
from hypothesis import strategies as st

from generator.errors import LessonError
from generator.load import FastLessonLoader, LessonLoader, load_lesson

from .conftest import EVERY_BLOCK, SAMPLE, write_lesson


def problems(tmp_path: Path, text: str | bytes, name: str = "lesson.yaml") -> list[str]:
    path = tmp_path / name
    if isinstance(text, bytes):
        path.write_bytes(text)
    else:
        path.write_text(text, encoding="utf-8")
    with pytest.raises(LessonError) as caught:
        load_lesson(path)
    return [str(problem).replace(f"{path}:", "") for problem in caught.value.problems]


def test_sample_and_every_block_lessons_load():
    assert load_lesson(SAMPLE).document.title
    assert len(load_lesson(EVERY_BLOCK).document.sections) == 5


def test_unknown_key_is_located_and_names_the_closest_key(tmp_path):
    found = problems(
        tmp_path,
        "title: T\nsections:\n  - heading: H\n    blokcs:\n      - text: a\n",
    )
    assert found[0].startswith("4:5: unknown key 'blokcs'; did you mean 'blocks'?")


def test_several_problems_are_reported_together_in_file_order(tmp_path):
    found = problems(
        tmp_path,
        """\
title: T
subtitel: S
sections:
  - heading: H
    blocks:
      - comapre: {columns: [A, B]}
      - compare:
          columns: [A, B]
          rows:
            - values: [1]
      - callout: {kind: danger, text: x}
questions:
  - prompt: Q
    choices: [A, B]
    answer: C
""",
    )
    assert [line.split(": ")[0] for line in found] == ["2:1", "6:9", "10:23", "11:25", "13:5"]
    assert "did you mean 'subtitle'" in found[0]
    assert "did you mean 'compare'" in found[1]
    assert "row 1 has 1 value but there are 2 columns" in found[2]
    assert "'danger' is not allowed" in found[3] and "'warning'" in found[3]
    assert "not one of the choices" in found[4]


def test_missing_title_points_at_the_mapping(tmp_path):
    assert problems(tmp_path, "sections:\n  - heading: H\n    blocks: [{text: a}]\n") == [
        "1:1: 'title' is missing; add a 'title:' line here"
    ]


def test_wrong_type_says_what_was_expected(tmp_path):
    found = problems(
        tmp_path, "title: T\nobjectives: {a: b}\nsections: [{heading: H, blocks: [{text: a}]}]\n"
    )
    assert found == [
        "2:13: 'objectives' should be a list (lines starting with '- '), not a mapping"
    ]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("title: x\nsections:\n\t- heading: a\n", "3:1: a tab character"),
        ('title: "x\nsections: []\n', "a quote is never closed"),
        ("title: x\n  sections: []\n", "2:11: a ':' where a value was expected"),
        (
            "title: x\ntitle: y\nsections: [{heading: H, blocks: [{text: a}]}]\n",
            "2:1: the key 'title' appears twice",
        ),
        ("- just\n- a list\n", "1: a lesson is a mapping"),
        ("", "the file is empty"),
        ("title: a\x00b\n", "1:9: the control character U+0000"),
    ],
)
def test_syntax_errors_are_located_with_a_fix(tmp_path, text, expected):
    found = problems(tmp_path, text)
    assert any(expected in line for line in found), found


def test_not_utf8_is_located(tmp_path):
    assert problems(tmp_path, b"title: caf\xe9\nsections: []\n") == [
        "1:11: the file is not UTF-8 text; save it with UTF-8 encoding"
    ]


def test_byte_order_mark_just_works(tmp_path):
    path = tmp_path / "bom.yaml"
    path.write_bytes(b"\xef\xbb\xbftitle: T\nsections: [{heading: H, blocks: [{text: a}]}]\n")
    assert load_lesson(path).document.title == "T"


def test_yes_and_no_stay_text(tmp_path):
    path = write_lesson(
        tmp_path,
        "title: T\nsections:\n  - heading: H\n    blocks:\n"
        "      - compare: {columns: [A, B], rows: [{aspect: Vote, values: [Yes, No]}]}\n",
    )
    row = load_lesson(path).document.sections[0].blocks[0].compare.rows[0]
    assert row.values == ["Yes", "No"]


def test_dates_written_as_text_stay_text(tmp_path):
    """A table's "Due" column, a heading or a title may hold a date: YAML reads it as a
    date, which was refused as "should be text, not the text '2026-04-01'"."""
    path = write_lesson(
        tmp_path,
        "title: 2026-04-01\ndate: 2026-11-24\nsections:\n  - heading: 2026-05-01\n    blocks:\n"
        "      - table: {header: [Task, 2026-01-01], rows: [[Encrypt laptops, 2026-04-01]]}\n",
    )
    document = load_lesson(path).document
    table = document.sections[0].blocks[0].table
    assert (document.title, document.sections[0].heading) == ("2026-04-01", "2026-05-01")
    assert (table.header, table.rows) == (
        ["Task", "2026-01-01"],
        [["Encrypt laptops", "2026-04-01"]],
    )
    assert str(document.date) == "2026-11-24"


def test_json_lessons_load_with_locations(tmp_path):
    found = problems(
        tmp_path,
        '{\n  "title": "T",\n  "sectons": []\n}\n',
        name="lesson.json",
    )
    assert "3:3: unknown key 'sectons'; did you mean 'sections'?" in "\n".join(found)


def test_alias_bomb_is_refused(tmp_path):
    lines = ["a0: &a0 [x, x, x, x, x, x, x, x, x, x]"]
    lines += [f"a{i}: &a{i} [{', '.join([f'*a{i - 1}'] * 10)}]" for i in range(1, 9)]
    found = problems(tmp_path, "\n".join(lines) + "\ntitle: T\n")
    assert "expands to more than" in found[0]


def test_a_folder_is_not_a_lesson(tmp_path):
    with pytest.raises(LessonError, match="this is a folder"):
        load_lesson(tmp_path)


def nodes(reader: type, text: str) -> list[tuple[str, object, int, int, int, int]]:
    """Every node *reader* composes from *text*: its kind, value and start/end marks.

    A node an alias shares is listed once, so an alias bomb stays small.
    """
    loader = reader(text)
    try:
        found, stack, seen = [], [loader.get_single_node()], set()
        while stack:
            node = stack.pop()
            if node is None or id(node) in seen:
                continue
            seen.add(id(node))
            value = node.value if isinstance(node, yaml.ScalarNode) else None
            start, end = node.start_mark, node.end_mark
            found.append((node.tag, value, start.line, start.column, end.line, end.column))
            if isinstance(node, yaml.MappingNode):
                stack += [part for pair in node.value for part in pair]
            elif isinstance(node, yaml.SequenceNode):
                stack += node.value
        return found
    finally:
        loader.dispose()


def readable_by_libyaml(paths: list[Path]) -> list[Path]:
    readable = []
    for path in paths:
        with contextlib.suppress(yaml.YAMLError, UnicodeDecodeError):
            nodes(FastLessonLoader, path.read_text(encoding="utf-8-sig"))
            readable.append(path)
    return readable


BAD_FILES = sorted(p for p in (Path(__file__).parent / "bad").glob("*.yaml") if p.is_file())


@pytest.mark.skipif(FastLessonLoader is None, reason="PyYAML was built without libyaml")
@pytest.mark.parametrize(
    "path",
    [SAMPLE, EVERY_BLOCK, *readable_by_libyaml(BAD_FILES)],
    ids=lambda path: path.name,
)
def test_libyaml_and_the_python_reader_give_the_same_nodes_and_places(path):
    text = path.read_text(encoding="utf-8-sig")
    assert nodes(FastLessonLoader, text) == nodes(LessonLoader, text)


@pytest.mark.skipif(FastLessonLoader is None, reason="PyYAML was built without libyaml")
@given(st.recursive(st.text(), lambda inner: st.lists(inner) | st.dictionaries(st.text(), inner)))
def test_any_value_reads_the_same_with_either_reader(value):
    text = yaml.safe_dump({"title": value}, allow_unicode=True, width=40)
    assert nodes(FastLessonLoader, text) == nodes(LessonLoader, text)
