"""Themes: shipped themes load, extends merges, bad themes get located friendly errors."""

from __future__ import annotations

from pathlib import Path

import pytest

from generator.errors import LessonError
from generator.theme import available_themes, load_theme


def write_theme(folder: Path, text: str) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "theme.yaml").write_text(text, encoding="utf-8")
    return folder


def test_shipped_themes_load_and_differ():
    assert {"default", "classroom", "corporate"} <= set(available_themes())
    themes = [load_theme(name) for name in ("default", "classroom", "corporate")]
    assert len({theme.palette.primary for theme in themes}) == 3
    assert len({theme.fonts.heading.name for theme in themes}) == 3


def test_extends_overrides_only_what_it_changes():
    default, corporate = load_theme("default"), load_theme("corporate")
    assert corporate.palette.primary != default.palette.primary
    assert corporate.palette.background == default.palette.background
    assert corporate.text["glossary_title"] == default.text["glossary_title"]
    assert corporate.text["quiz_title"] != default.text["quiz_title"]
    corporate_docx, default_docx = corporate.sizes["docx"], default.sizes["docx"]
    assert corporate_docx["title_band"] != default_docx["title_band"]  # a partial override
    assert {**corporate_docx, "title_band": 0} == {**default_docx, "title_band": 0}


def test_a_theme_may_ship_its_own_fonts():
    font = load_theme("corporate").font_file("body", bold=True)
    assert font.name == "Carlito-Bold.ttf" and font.is_file()


def test_a_user_theme_by_path_extends_a_shipped_one(tmp_path):
    folder = write_theme(tmp_path / "mine", "name: mine\nextends: default\ntext: {footer: Ours}\n")
    theme = load_theme(str(folder))
    assert theme.text["footer"] == "Ours"
    assert theme.folders[0] == folder.resolve()


def test_a_theme_is_found_relative_to_the_lesson(tmp_path):
    write_theme(tmp_path / "themes" / "school", "name: school\nextends: classroom\n")
    theme = load_theme("themes/school", base=tmp_path)
    assert theme.name == "school"


def test_bad_theme_values_are_located(tmp_path):
    folder = write_theme(
        tmp_path / "bad",
        "name: bad\nextends: default\npalette:\n  primary: navy\n  acent: '112233'\n",
    )
    with pytest.raises(LessonError) as caught:
        load_theme(str(folder))
    messages = [str(problem) for problem in caught.value.problems]
    path = folder / "theme.yaml"
    assert f"{path}:4:12: primary: value error, 'navy' is not a colour" in messages[0]
    assert messages[1].startswith(f"{path}:5:3: unknown key 'acent'; did you mean 'accent'?")


def test_unknown_theme_names_the_shipped_ones():
    with pytest.raises(
        LessonError, match="no such theme; use one of classroom, corporate, default"
    ):
        load_theme("neon")


def test_circular_extends_is_refused(tmp_path):
    write_theme(tmp_path / "a", "name: a\nextends: ../b\n")
    write_theme(tmp_path / "b", "name: b\nextends: ../a\n")
    with pytest.raises(LessonError, match="extend each other in a circle"):
        load_theme(str(tmp_path / "a"))


def test_a_missing_font_falls_back_with_a_warning(tmp_path):
    folder = write_theme(
        tmp_path / "fonts",
        "name: f\nextends: default\nfonts: {body: {name: Comic Sans MS, file: ComicSans}}\n",
    )
    theme = load_theme(str(folder))
    with pytest.warns(UserWarning, match="ComicSans-\\*.ttf not found; using LiberationSans"):
        assert theme.font_file("body").name == "LiberationSans-Regular.ttf"


def test_wording_templates_render_in_the_sandbox(tmp_path):
    from generator.model import Document

    folder = write_theme(
        tmp_path / "w", "name: w\nextends: default\ntext: {footer: \"{{ ''.__class__ }}\"}\n"
    )
    document = Document.model_validate(
        {"title": "T", "sections": [{"heading": "H", "blocks": [{"text": "a"}]}]}
    )
    theme = load_theme(str(folder))
    assert theme.wording("header", document) == "T"
    with pytest.raises(
        LessonError, match="text template 'footer': the template does something not allowed"
    ):
        theme.wording("footer", document)


def test_files_a_theme_names_must_exist(tmp_path):
    folder = write_theme(tmp_path / "t", "name: t\nextends: default\nlogo: logo.png\n")
    with pytest.raises(LessonError, match=r"the file 'logo\.png' is not in the theme's folder"):
        load_theme(str(folder))
    (folder / "logo.png").write_bytes(b"png")
    assert load_theme(str(folder)).logo_path == folder.resolve() / "logo.png"
