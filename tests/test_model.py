"""The content model: valid lessons pass, each validation rule refuses what it should."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from generator.model import BLOCK_KINDS, Document, ListBlock, json_schema

MINIMAL = {"title": "T", "sections": [{"heading": "H", "blocks": [{"text": "Hello"}]}]}


def lesson(**changes):
    return {**MINIMAL, **changes}


def blocks(*items):
    return lesson(sections=[{"heading": "H", "blocks": list(items)}])


def error_types(data) -> list[str]:
    with pytest.raises(ValidationError) as caught:
        Document.model_validate(data)
    return [error["type"] for error in caught.value.errors()]


def test_minimal_lesson_is_valid():
    document = Document.model_validate(MINIMAL)
    assert document.title == "T"
    assert document.sections[0].blocks[0].kind == "text"


def test_every_block_kind_validates_from_its_file_form():
    document = Document.model_validate(
        blocks(
            {"text": "a", "short": "b"},
            {"list": ["x", {"term": "T", "text": "y", "items": ["z"]}]},
            {"compare": {"columns": ["A", "B"], "rows": [{"aspect": "R", "values": ["1", "2"]}]}},
            {"table": {"header": ["H"], "rows": [["c"]]}},
            {"terms": [{"term": "t", "definition": "d"}]},
            {"callout": {"kind": "tip", "text": "c"}},
            {"quote": {"text": "q", "source": "s"}},
            {"image": {"src": "a.png", "alt": "A picture"}},
            {"math": "F = ma"},
            {"code": {"language": "python", "text": "print(1)"}},
            {"columns": {"blocks": [[{"text": "a"}], [{"code": "ls"}]]}},
        )
    )
    kinds = [block.kind for block in document.sections[0].blocks]
    assert kinds == list(BLOCK_KINDS)


def test_math_accepts_the_tex_alone_or_with_its_spoken_form():
    plain, spoken = (
        Document.model_validate(
            blocks({"math": "F = ma"}, {"math": {"tex": "F = ma", "alt": "force is mass times a"}})
        )
        .sections[0]
        .blocks
    )
    assert plain.math.tex == spoken.math.tex == "F = ma"
    assert plain.math.spoken == "F equals m a"
    assert spoken.math.spoken == "force is mass times a"


def test_a_formula_that_cannot_be_read_is_a_validation_error():
    assert error_types(blocks({"math": "\\frac{1}{"})) == ["formula"]
    assert error_types(blocks({"text": "so $\\sqrt$ is"})) == ["formula"]


def test_list_accepts_plain_list_and_mapping_forms():
    plain = Document.model_validate(blocks({"list": ["a", "b"]})).sections[0].blocks[0]
    mapped = (
        Document.model_validate(blocks({"list": {"numbered": True, "items": ["a", "b"]}}))
        .sections[0]
        .blocks[0]
    )
    assert isinstance(plain, ListBlock) and not plain.list_.numbered
    assert mapped.list_.numbered
    assert [item.text for item in plain.list_.items] == ["a", "b"]


def test_inline_markdown_is_parsed_into_runs():
    document = Document.model_validate(
        blocks({"text": "**bold**, *it*, `code` and [link](https://x.org)"})
    )
    runs = document.sections[0].blocks[0].text.runs
    assert [(r.text, r.bold, r.italic, r.code, r.href) for r in runs] == [
        ("bold", True, False, False, None),
        (", ", False, False, False, None),
        ("it", False, True, False, None),
        (", ", False, False, False, None),
        ("code", False, False, True, None),
        (" and ", False, False, False, None),
        ("link", False, False, False, "https://x.org"),
    ]


def test_unmatched_markers_and_escapes_stay_literal():
    document = Document.model_validate(blocks({"text": r"2 * 3 = 6, a \*star\* and **open"}))
    assert document.sections[0].blocks[0].text.plain == "2 * 3 = 6, a *star* and **open"


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        (lesson(subtitel="x"), "extra_forbidden"),
        ({"sections": MINIMAL["sections"]}, "missing"),
        (lesson(sections=[]), "too_short"),
        (lesson(sections=[{"heading": "Empty"}]), "empty_section"),
        (blocks({"comapre": {}}), "block_kind"),
        (blocks({"text": "a", "quote": {"text": "b"}}), "block_kind"),
        (
            blocks({"compare": {"columns": ["A", "B"], "rows": [{"values": ["only one"]}]}}),
            "row_width",
        ),
        (
            blocks(
                {
                    "compare": {
                        "columns": ["A", "B"],
                        "rows": [{"values": ["1", "2"], "short": ["1"]}],
                    }
                }
            ),
            "row_width",
        ),
        (blocks({"compare": {"columns": ["A"], "rows": [{"values": ["1"]}]}}), "too_short"),
        (blocks({"table": {"header": ["A", "B"], "rows": [["1"]]}}), "row_width"),
        (blocks({"image": {"src": "a.png"}}), "missing"),
        (blocks({"image": {"src": "a.png", "alt": "  "}}), "alt_blank"),
        (blocks({"callout": {"kind": "danger", "text": "x"}}), "literal_error"),
        (
            blocks(
                {
                    "list": [
                        {
                            "text": "a",
                            "items": [{"text": "b", "items": [{"text": "c", "items": ["d"]}]}],
                        }
                    ]
                }
            ),
            "too_deep",
        ),
        (
            lesson(questions=[{"prompt": "Q", "choices": ["A", "B"], "answer": "C"}]),
            "answer_not_choice",
        ),
        (lesson(outputs={"pdf": {"columns": 9}}), "less_than_equal"),
        (lesson(outputs={"pptx": {"aspect": "21:9"}}), "literal_error"),
        (blocks({"text": "a", "only": ["PDF!"]}), "string_pattern_mismatch"),
    ],
)
def test_validation_rules(data, expected):
    assert expected in error_types(data)


def test_only_and_skip_filter_formats():
    document = Document.model_validate(
        blocks({"text": "a", "only": ["pdf", "pptx"]}, {"text": "b", "skip": ["docx"]})
    )
    first, second = document.sections[0].blocks
    assert first.shown_in("pdf") and not first.shown_in("docx")
    assert second.shown_in("pptx") and not second.shown_in("docx")


def test_numbers_in_text_fields_become_text():
    document = Document.model_validate(lesson(duration=45))
    assert document.duration == "45"


def test_json_schema_is_generated_from_the_model():
    schema = json_schema()
    assert schema["required"] == ["title", "sections"]
    assert schema["additionalProperties"] is False
    assert set(schema["properties"]) == set(Document.model_fields)


@pytest.mark.parametrize(
    ("lesson", "where"),
    [
        ({"title": "T", "sections": [{"heading": "", "blocks": [{"text": "x"}]}]}, "heading"),
        ({"title": "T", "sections": [{"heading": "  ", "blocks": [{"text": "x"}]}]}, "heading"),
        ({"title": "\u200b", "sections": [{"heading": "H", "blocks": [{"text": "x"}]}]}, "title"),
        (
            {"title": "T", "sections": [{"heading": "H", "blocks": [{"text": "x", "title": ""}]}]},
            "title",
        ),
    ],
)
def test_a_heading_or_title_that_shows_nothing_is_refused(lesson, where):
    """An empty heading made a slide with an empty title, which a screen reader announces
    as nothing, and check --accessibility passed it."""
    with pytest.raises(ValidationError) as caught:
        Document.model_validate(lesson)
    (error,) = caught.value.errors()
    assert error["loc"][-1] == where and "it is empty; write" in error["msg"]


def test_alt_text_of_invisible_characters_is_no_alt_text():
    image = {"image": {"src": "a.png", "alt": "\u200b\u2060 "}}
    with pytest.raises(ValidationError, match="alt text is empty"):
        Document.model_validate({"title": "T", "sections": [{"heading": "H", "blocks": [image]}]})
