"""Themes: shipped themes load, extends merges, bad themes get located friendly errors."""

from __future__ import annotations

from pathlib import Path

import docx
import pytest
from lxml import etree
from pptx import Presentation
from pptx.enum.dml import MSO_FILL
from pptx.opc.constants import RELATIONSHIP_TYPE as RT
from pptx.oxml.ns import qn
from pypdf import PdfReader
from reportlab.lib.rl_accel import fp_str

from generator.build import BuildOptions, build
from generator.errors import LessonError
from generator.theme import available_themes, load_theme

from .conftest import SAMPLE


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


def test_calibri_is_measured_with_the_shipped_carlito():
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
    with pytest.warns(UserWarning, match="ComicSans-\\*.ttf not found; using LiberationSans"):
        theme = load_theme(str(folder))  # said as the theme loads, not when text is measured
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


def pdf_faces(path: Path) -> set[str]:
    """The font files embedded in a PDF, by name without the subset tag."""
    fonts = PdfReader(str(path)).pages[0]["/Resources"]["/Font"].values()
    return {font.get_object()["/BaseFont"].split("+", 1)[-1] for font in fonts}


def pdf_fills(path: Path) -> str:
    return PdfReader(str(path)).pages[0].get_contents().get_data().decode("latin-1")


@pytest.mark.parametrize("name", ["default", "classroom", "corporate"])
def test_each_shipped_theme_dresses_all_three_outputs(name, tmp_path):
    """One theme, three files: its fonts and primary colour are the ones each file uses."""
    theme = load_theme(name)
    options = BuildOptions(out_dir=tmp_path, theme=name)
    handout, deck, sheet = build(SAMPLE, options)
    primary = theme.palette.primary

    word = docx.Document(str(handout))
    assert word.styles["Normal"].font.name == theme.fonts.body.name
    assert word.styles["Heading 1"].font.name == theme.fonts.heading.name
    assert str(word.styles["Heading 1"].font.color.rgb) == primary

    presentation = Presentation(str(deck))
    theme_part = presentation.slide_master.part.part_related_by(RT.THEME)
    scheme = etree.fromstring(theme_part.blob)
    faces = [
        scheme.find(f".//{qn(f'a:{tag}')}/{qn('a:latin')}").get("typeface")
        for tag in ("majorFont", "minorFont")
    ]
    assert faces == [theme.fonts.heading.name, theme.fonts.body.name]  # the master's theme fonts
    bar = presentation.slides[1].shapes.title._base_placeholder  # the layout's title bar
    assert bar.fill.type == MSO_FILL.SOLID and str(bar.fill.fore_color.rgb) == primary

    embedded = pdf_faces(sheet)
    for role in ("body", "heading"):
        assert theme.font_file(role, bold=True).stem in embedded
    red, green, blue = (int(primary[i : i + 2], 16) / 255 for i in (0, 2, 4))
    assert f"{fp_str(red, green, blue)} rg" in pdf_fills(sheet)  # the band's fill colour


def test_one_wording_change_shows_in_all_three_outputs(tmp_path):
    """A school changes its footer and a heading once, in its theme; every output follows."""
    folder = write_theme(
        tmp_path / "school",
        "name: school\nextends: default\n"
        'text: {footer: "Northside Science  ·  {{ doc.title }}", glossary_title: "Word bank"}\n',
    )
    handout, deck, sheet = build(SAMPLE, BuildOptions(out_dir=tmp_path / "out", theme=str(folder)))
    footer = "Northside Science  ·  Alliance vs. Coalition"

    word = docx.Document(str(handout))
    assert footer in word.sections[0].footer.paragraphs[0].text
    assert "Word bank" in [p.text for p in word.paragraphs if p.style.name == "Heading 1"]

    slides = list(Presentation(str(deck)).slides)
    texts = [[s.text_frame.text for s in slide.shapes if s.has_text_frame] for slide in slides]
    assert all(any(footer in text for text in slide) for slide in texts[1:-1])
    assert any(text == ["Word bank"] or "Word bank" in text for text in texts)

    page = " ".join(PdfReader(str(sheet)).pages[0].extract_text().split())
    assert " ".join(footer.split()) in page and "Word bank" in page
