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


KOREAN = """\
title: 동맹과 연합
sections:
  - heading: H
    blocks:
      - text: 동맹은 오래 지속되고 연합은 목표를 이루면 해산된다
      - text: a Linear B sign 𐀀 here
"""


def test_characters_no_font_has_are_said_once_per_script_at_the_first(tmp_path):
    """A Korean lesson on a theme without a Korean font: one warning for all its Hangul,
    not one per syllable; another script's character still gets its own."""
    path = write_lesson(tmp_path, KOREAN)
    hangul = sorted(set("동맹과 연합동맹은 오래 지속되고 연합은 목표를 이루면 해산된다") - {" "})
    assert warned(path) == [
        f"{path}:1:8: the cheat sheet has no font for {len(hangul)} Hangul characters ('동',"
        f" '맹', '과' and {len(hangul) - 3} more), which print as empty boxes; add a font file"
        " that has them to the theme's fonts.fallback",
        f"{path}:6:15: the cheat sheet has no font for '𐀀' (U+10000), which prints as an"
        " empty box; add a font file that has it to the theme's fonts.fallback",
    ]


def test_wording_in_the_lesson_language_no_font_has_is_said_at_language(tmp_path):
    """English text marked Korean gets the theme's Korean headings, which the cheat sheet
    cannot draw either: said once, at the lesson's language."""
    lesson = "title: T\nlanguage: ko\nsections:\n  - heading: H\n    blocks: [text: Hello]\n"
    path = write_lesson(tmp_path, lesson)
    (message,) = warned(path)
    assert message.startswith(f"{path}:2:1: the cheat sheet has no font for ")
    assert "Hangul characters" in message and "in the theme's wording for this language" in message


def test_a_format_no_renderer_makes_in_only_or_skip_is_a_located_warning(tmp_path):
    """``only: [dox]`` hid the block from every output without a word."""
    path = write_lesson(
        tmp_path,
        """title: T
sections:
  - heading: H
    skip: [pptx, slides]
    blocks:
      - {text: x, only: [pdf, dox]}
      - columns:
          blocks:
            - - {text: a, only: [pfd]}
            - - text: b
""",
    )
    formats = "(docx, pptx, pdf)"
    assert warned(path) == [
        f"{path}:4:18: 'slides' in skip is not a format {formats}",
        f"{path}:6:31: 'dox' in only is not a format {formats}; did you mean 'docx'?",
        f"{path}:9:34: 'pfd' in only is not a format {formats}; did you mean 'pdf'?",
    ]
