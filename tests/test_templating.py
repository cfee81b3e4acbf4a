"""Templates in lesson text: vars and doc work, undefined names and escapes are located errors."""

from __future__ import annotations

import pytest

from generator.errors import LessonError
from generator.load import load_lesson
from generator.templating import resolve

from .conftest import write_lesson

LESSON = """\
title: Fractions
organization: "{{{{ vars.school }}}}"
vars: {{school: Northside High}}
sections:
  - heading: Intro
    blocks:
      - text: {text}
"""


def resolved(tmp_path, text: str, **overrides):
    path = write_lesson(tmp_path, LESSON.format(text=text))
    return resolve(load_lesson(path), overrides)


def test_vars_and_doc_fill_in_any_text_field(tmp_path):
    document = resolved(tmp_path, '"Welcome to {{ doc.title }} at {{ vars.school }}"')
    assert document.organization == "Northside High"
    assert document.sections[0].blocks[0].text == "Welcome to Fractions at Northside High"


def test_cli_overrides_replace_lesson_vars(tmp_path):
    document = resolved(tmp_path, '"{{ vars.school }}"', school="Southside")
    assert document.organization == "Southside"


def test_rendered_text_is_parsed_for_markup(tmp_path):
    document = resolved(tmp_path, '"**{{ vars.school }}**"')
    assert document.sections[0].blocks[0].text.runs[0].bold


def test_text_without_templates_is_reused_unchanged(tmp_path):
    path = write_lesson(tmp_path, LESSON.format(text="plain"))
    lesson = load_lesson(path)
    document = resolve(lesson)
    assert document.organization != lesson.document.organization
    assert document.sections is lesson.document.sections


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ('"Hi {{ vars.teacher }}"', "7:15: 'teacher' is not defined; add it under vars:"),
        ("\"{{ ''.__class__.__mro__ }}\"", "7:15: the template does something not allowed"),
        ('"{{ cycler.__init__.__globals__ }}"', "7:15: the template does something not allowed"),
        ("\"{{ 'x' * 100000000 }}\"", "7:15: the template does something not allowed"),
        ('"{{ 10 ** 1000000 }}"', "7:15: the template does something not allowed"),
        ('"{{ vars.school "', "7:15: template syntax error"),
    ],
)
def test_template_problems_are_located(tmp_path, text, message):
    with pytest.raises(LessonError) as caught:
        resolved(tmp_path, text)
    assert str(caught.value).split("lesson.yaml:")[1].startswith(message)
