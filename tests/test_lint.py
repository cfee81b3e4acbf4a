"""Warnings about valid lessons: said at the lesson's line, and the build goes on."""

from __future__ import annotations

import warnings
from pathlib import Path

from generator.build import BuildOptions, build, prepare

from .conftest import write_lesson

LESSON = """\
title: Warnings
sections:
  - heading: H
    blocks:
      - code:
          language: pyhton
          text: print(1)
      - text: |
          a first line
          a Linear B sign 𐀀 here
      - text: m s⁻¹ and NADP⁺ have a fallback font
"""


def warned(path: Path) -> list[str]:
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        prepare(path, BuildOptions())
    return [str(warning.message) for warning in caught]


def test_unknown_language_and_undrawable_characters_are_located_warnings(tmp_path):
    path = write_lesson(tmp_path, LESSON)
    assert warned(path) == [
        f"{path}:6:21: unknown code language 'pyhton'; did you mean 'python'? the code is"
        " shown without highlighting (names: https://pygments.org/languages/)",
        f"{path}:10: the cheat sheet has no font for '𐀀' (U+10000), which prints as an"
        " empty box; add a font file that has it to the theme's fonts.fallback",
    ]


def test_code_in_an_unknown_language_is_shown_plain(tmp_path):
    from pptx import Presentation

    path = write_lesson(tmp_path, LESSON)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        (deck,) = build(path, BuildOptions(formats=["pptx"], out_dir=tmp_path / "out"))
    runs = [
        run
        for slide in Presentation(str(deck)).slides
        for shape in slide.shapes
        if shape.has_text_frame
        for paragraph in shape.text_frame.paragraphs
        for run in paragraph.runs
        if run.text == "print(1)"
    ]
    assert len(runs) == 1  # one run: no token was coloured apart


def test_a_clean_lesson_gives_no_warning(tmp_path):
    path = write_lesson(
        tmp_path,
        "title: T\nsections:\n  - heading: H\n    blocks:\n      - code: {language: bash, text: ls}\n",
    )
    assert warned(path) == []
