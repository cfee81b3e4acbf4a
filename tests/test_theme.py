"""Themes: shipped themes load, extends merges, bad themes get located friendly errors."""

from __future__ import annotations

import json
import warnings
import zipfile
from pathlib import Path
from typing import Any

import docx
import pytest
from click.testing import CliRunner, Result
from lxml import etree
from pptx import Presentation
from pptx.enum.dml import MSO_FILL
from pptx.opc.constants import RELATIONSHIP_TYPE as RT
from pptx.oxml.ns import qn
from pypdf import PdfReader
from reportlab.lib.rl_accel import fp_str

from generator.build import BuildOptions, build
from generator.cli import main
from generator.errors import LessonError
from generator.theme import (
    available_themes,
    load_theme,
    themes_dir,
    translations,
    wording_files,
)

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
        LessonError, match="no such theme 'neon'; use one of classroom, corporate, default"
    ):
        load_theme("neon")


def build_reported(*args: str) -> tuple[Result, list[dict[str, Any]]]:
    """Build into out/ with the CLI, as an author would: what it printed and its exit
    code, and the errors its JSON report lists."""
    result = CliRunner().invoke(
        main, ["build", "-j", "1", "-f", "pdf", "-o", "out", "--json", "report.json", *args]
    )
    report = json.loads(Path("report.json").read_text(encoding="utf-8"))
    return result, [error for lesson in report["lessons"] for error in lesson["errors"]]


BLOCKS = "sections:\n  - heading: A\n    blocks:\n      - text: hi\n"


@pytest.mark.parametrize(
    ("name", "text", "line", "message"),
    [
        (
            "b.yaml",
            f"title: T\ntheme: clasroom\n{BLOCKS}",
            2,
            "no such theme 'clasroom'; did you mean 'classroom'? use one of classroom,",
        ),
        (
            "b.md",
            "---\ntitle: T\ntheme: corprate\n---\n\n# A\n\nhi\n",
            3,
            "no such theme 'corprate'; did you mean 'corporate'? use one of classroom,",
        ),
        (
            "b.yaml",
            f"title: T\ntheme: themes/school\n{BLOCKS}",
            2,
            "no such theme 'themes/school'; use one of classroom, corporate, default or a folder",
        ),
    ],
    ids=["typo", "markdown", "missing folder"],
)
def test_an_unknown_theme_is_said_at_the_lessons_theme_line(
    tmp_path, monkeypatch, name, text, line, message
):
    """It was said under the theme's name, with no lesson or line to find it by."""
    monkeypatch.chdir(tmp_path)
    Path(name).write_text(text, encoding="utf-8")
    result, errors = build_reported(name)
    assert result.exit_code == 2, result.output
    assert f"{name}:{line}:8: {message}" in result.output
    assert [(e["file"], e["line"], e["column"]) for e in errors] == [(name, line, 8)]


@pytest.mark.parametrize(
    ("theme", "where", "message"),
    [
        (
            "name: bad\nextends: defualt\n",
            "2:10",
            "no such theme 'defualt'; did you mean 'default'?",
        ),
        ("name: bad\nextends: default\npalette: [\n", "4:1", "not valid YAML"),
    ],
    ids=["extends unknown", "broken yaml"],
)
def test_a_bad_theme_folder_is_said_in_its_own_file_not_the_lesson(
    tmp_path, monkeypatch, theme, where, message
):
    monkeypatch.chdir(tmp_path)
    folder = write_theme(tmp_path / "themes" / "bad", theme)
    Path("b.yaml").write_text(f"title: T\ntheme: themes/bad\n{BLOCKS}", encoding="utf-8")
    result, errors = build_reported("b.yaml")
    path = folder.resolve() / "theme.yaml"
    assert result.exit_code == 2, result.output
    assert f"{path}:{where}: {message}" in result.output
    assert [(e["file"], f"{e['line']}:{e['column']}") for e in errors] == [(str(path), where)]


def test_an_unknown_theme_option_is_said_at_the_option_not_the_lesson(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    Path("b.yaml").write_text(f"title: T\ntheme: classroom\n{BLOCKS}", encoding="utf-8")
    result, errors = build_reported("b.yaml", "--theme", "clasroom")
    assert result.exit_code == 2, result.output
    assert "--theme: no such theme 'clasroom'; did you mean 'classroom'?" in result.output
    assert [(e["file"], e["line"]) for e in errors] == [("--theme", None)]


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


def test_a_missing_font_is_said_each_time_the_theme_is_loaded(tmp_path):
    """A theme read again (after an edit in ``lectern watch``, or because it was saved as
    it loaded) says its missing font again: the font lookups it remembers are no reason
    to stay quiet, and ``--strict`` must still fail."""
    folder = write_theme(
        tmp_path / "fonts",
        "name: f\nextends: default\nfonts: {body: {name: Comic Sans MS, file: ComicSans}}\n",
    )
    for _ in range(2):
        with warnings.catch_warnings(record=True) as said:
            warnings.simplefilter("always")
            load_theme(str(folder))
        missing = [str(w.message) for w in said if "ComicSans-*.ttf not found" in str(w.message)]
        assert len(missing) == 1, missing


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


# -- wording in the lesson's language ---------------------------------------------------


def in_language(folder: Path, language: str) -> Path:
    """The sample, declared as written in *language* (its text stays English)."""
    text = SAMPLE.read_text(encoding="utf-8").replace("language: en-GB", f"language: {language}")
    path = folder / f"lesson-{language}.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def test_a_lessons_language_words_all_three_outputs(tmp_path):
    """A German teacher's handout says Glossar and Lösungen, not Glossary and Answer key;
    de-AT finds the German wording."""
    lesson = in_language(tmp_path, "de-AT")
    handout, deck, sheet = build(lesson, BuildOptions(out_dir=tmp_path / "out"))
    word = docx.Document(str(handout))
    headings = [p.text for p in word.paragraphs if p.style.name == "Heading 1"]
    assert {"Glossar", "Das Wichtigste", "Übungen", "Lösungen"} <= set(headings)
    assert "Glossary" not in headings
    footer = word.sections[0].footer.paragraphs[0]._p
    assert "Seite " in "".join(footer.itertext()) and " von " in "".join(footer.itertext())
    slides = [slide.shapes.title.text for slide in Presentation(str(deck)).slides]
    assert {"Lernziele", "Kurzes Quiz", "Vielen Dank"} <= set(slides)
    assert "Das Wichtigste" in PdfReader(str(sheet)).pages[0].extract_text()


def test_wording_in_a_script_the_body_font_lacks_is_drawn_on_the_cheat_sheet(tmp_path):
    """A Japanese lesson's headings, callout label and footer come from the theme: they
    are set in the fallback font that has their letters, as lesson text is, not left
    as empty boxes in the body font."""
    from .test_pdf import needs_system_fonts

    needs_system_fonts()
    lesson = in_language(tmp_path, "ja")
    (sheet,) = build(lesson, BuildOptions(formats=["pdf"], out_dir=tmp_path / "out"))
    page = PdfReader(str(sheet)).pages[0]
    text = page.extract_text()
    for phrase in ("概要", "用語集", "まとめ", "観点", "ヒント", "出典"):
        assert phrase in text, phrase
    fonts = {str(font["/BaseFont"]) for font in page["/Resources"]["/Font"].values()}
    assert any("DroidSansFallback" in font for font in fonts)


def test_a_theme_s_own_wording_beats_the_translation_of_what_it_replaced(tmp_path):
    """The nearest theme that words a phrase decides it: a school's English 'Word bank'
    stays (its German lessons are its own to word), until the school words it in German."""
    folder = write_theme(
        tmp_path / "school",
        'name: school\nextends: default\ntext: {glossary_title: "Word bank"}\n',
    )
    lesson = in_language(tmp_path, "de")

    def headings() -> list[str]:
        options = BuildOptions(formats=["docx"], out_dir=tmp_path / "out", theme=str(folder))
        (handout,) = build(lesson, options)
        return [
            p.text for p in docx.Document(str(handout)).paragraphs if p.style.name == "Heading 1"
        ]

    assert "Word bank" in headings() and "Lösungen" in headings()
    (folder / "text").mkdir()
    (folder / "text" / "de.yaml").write_text('glossary_title: "Wortschatz"\n', encoding="utf-8")
    assert "Wortschatz" in headings()


def test_a_regional_wording_goes_over_its_language_and_others_stay_english(tmp_path):
    folder = write_theme(tmp_path / "school", "name: school\nextends: default\n")
    (folder / "text").mkdir()
    (folder / "text" / "pt-br.yaml").write_text('quiz_title: "Quiz rápido"\n', encoding="utf-8")
    brazil = load_theme(str(folder), language="pt-BR")
    assert brazil.text["quiz_title"] == "Quiz rápido"  # the region's own
    assert brazil.text["glossary_title"] == "Glossário"  # the language's, from default
    assert load_theme(str(folder), language="pt-PT").text["quiz_title"] == "Questionário rápido"
    swahili = load_theme(str(folder), language="sw")
    assert swahili.text == load_theme("default").text  # no wording in Swahili: English


@pytest.mark.parametrize(
    ("language", "glossary", "files"),
    [
        ("zh", "术语表", ["zh.yaml", "zh-hans.yaml"]),
        ("zh-CN", "术语表", ["zh.yaml", "zh-hans.yaml", "zh-cn.yaml"]),
        ("zh-SG", "术语表", ["zh.yaml", "zh-hans.yaml", "zh-sg.yaml"]),
        ("zh-TW", "詞彙表", ["zh.yaml", "zh-hant.yaml", "zh-tw.yaml"]),
        ("zh-HK", "詞彙表", ["zh.yaml", "zh-hant.yaml", "zh-hk.yaml"]),
        ("zh-Hant", "詞彙表", ["zh.yaml", "zh-hant.yaml"]),
        ("zh-Hans-TW", "术语表", ["zh.yaml", "zh-hans.yaml", "zh-hans-tw.yaml"]),
    ],
)
def test_chinese_wording_follows_the_script_the_tag_writes_or_its_region_uses(
    language, glossary, files
):
    """One zh.yaml would give Taiwan's teachers Simplified characters: Chinese wording is
    kept by script, which a tag names (zh-Hant) or its region implies (zh-TW, zh-HK)."""
    assert wording_files(language) == files
    assert load_theme("classroom", language=language).text["glossary_title"] == glossary
    assert wording_files("de-AT") == ["de.yaml", "de-at.yaml"]  # one script: no script file


def test_a_traditional_chinese_lesson_is_worded_so_in_every_output(tmp_path):
    from .test_pdf import needs_system_fonts

    needs_system_fonts()
    lesson = in_language(tmp_path, "zh-TW")
    handout, deck, sheet = build(lesson, BuildOptions(out_dir=tmp_path / "out"))
    headings = [
        p.text for p in docx.Document(str(handout)).paragraphs if p.style.name == "Heading 1"
    ]
    assert {"詞彙表", "重點整理", "練習", "參考答案"} <= set(headings)
    slides = [slide.shapes.title.text for slide in Presentation(str(deck)).slides]
    assert {"學習目標", "小測驗", "謝謝"} <= set(slides)
    text = PdfReader(str(sheet)).pages[0].extract_text()
    assert "重點整理" in text and "术语表" not in text


def test_a_mistake_in_a_wording_file_is_said_at_its_line(tmp_path):
    folder = write_theme(tmp_path / "school", "name: school\nextends: default\n")
    (folder / "text").mkdir()
    wording = folder / "text" / "fr.yaml"
    wording.write_text('quiz_title: "Quiz"\nglosary_title: "Lexique"\n', encoding="utf-8")
    with pytest.raises(LessonError) as caught:
        load_theme(str(folder), language="fr-CA")
    assert (
        f"{wording}:2:1: no wording is named 'glosary_title'; did you mean 'glossary_title'?"
        in (str(caught.value))
    )
    wording.write_text('quiz_title: "{{ doc.title "\n', encoding="utf-8")
    with pytest.raises(LessonError, match=r"fr\.yaml:1:"):
        load_theme(str(folder), language="fr")


@pytest.mark.parametrize("name", available_themes())
def test_shipped_wording_is_complete_in_every_language_it_has(name):
    """Every language the default theme is worded in words each shipped theme's own
    phrases too: a theme's English title would otherwise stand in a German handout."""
    default = load_theme("default")
    english = load_theme(name)
    languages = sorted(path.stem for path in (themes_dir() / "default" / "text").glob("*.yaml"))
    assert len(languages) >= 7
    for language in languages:
        worded = load_theme(name, language=language).text
        for key, translation in translations(themes_dir() / "default", language).items():
            if english.text[key] == default.text[key]:  # the default's phrase
                assert worded[key] == translation, f"{name}: '{key}' in {language}"
            else:  # the theme's own phrase needs its own translation
                assert worded[key] != english.text[key], f"{name}: '{key}' in {language}"


# -- files a theme names stay inside its folder ---------------------------------------------


CORPORATE_LOGO = Path(__file__).resolve().parent.parent / "templates" / "corporate" / "logo.png"


@pytest.mark.parametrize("how", ["absolute", "dots", "symlink"])
def test_a_theme_file_outside_its_folder_needs_allow_outside(tmp_path, how):
    """A logo from anywhere would be embedded in all three outputs, like an outside image."""
    folder = tmp_path / "lesson" / "mytheme"
    folder.mkdir(parents=True)
    name = {
        "absolute": str(CORPORATE_LOGO),
        "dots": "../" * len(folder.parts) + str(CORPORATE_LOGO).lstrip("/"),
        "symlink": "logo.png",
    }[how]
    if how == "symlink":
        (folder / "logo.png").symlink_to(CORPORATE_LOGO)
    write_theme(folder, f"name: t\nextends: default\nlogo: '{name}'\n")
    lesson = folder.parent / "l.yaml"
    lesson.write_text(
        "title: T\ntheme: mytheme\nsections:\n  - heading: H\n    blocks:\n      - text: a\n",
        encoding="utf-8",
    )
    out = tmp_path / "out"
    with pytest.raises(LessonError) as caught:
        build(lesson, BuildOptions(out_dir=out))
    assert str(caught.value) == (
        f"{folder / 'theme.yaml'}:3:7: the file '{name}' is outside the theme's folder; move it"
        " into the folder, or build with --allow-outside if you trust this theme"
    )
    assert not out.exists() or not list(out.iterdir())
    written = build(lesson, BuildOptions(out_dir=out, allow_outside=True, formats=["docx"]))
    assert any(n.startswith("word/media/") for n in zipfile.ZipFile(written[0]).namelist())


def test_a_font_file_is_named_not_pathed(tmp_path):
    folder = write_theme(
        tmp_path / "f",
        "name: f\nextends: default\nfonts: {body: {name: X, file: ../../../usr/share/fonts/X}}\n",
    )
    with pytest.raises(LessonError, match=r"theme.yaml:3:\d+: .*not a path"):
        load_theme(str(folder))


# -- theme wording runs under the same limits as lesson text ---------------------------------


@pytest.mark.parametrize(
    ("template", "refused"),
    [
        (
            "{% for i in range(100000) %}{% for j in range(100000) %}{% endfor %}{% endfor %}",
            "it runs more than 100,000 loop turns or calls",
        ),
        (
            "{% for i in range(100000) %}{{ 'x' * 100000 }}{% endfor %}",
            "the result is longer than 100,000 characters",
        ),
        (
            "{% macro f(n) %}{{ f(n) }}{{ f(n) }}{% endmacro %}{{ f(1) }}",
            "it calls itself too deeply",
        ),
        (
            "{% macro f(n) %}{% if n %}{{ f(n - 1) }}{{ f(n - 1) }}{% endif %}{% endmacro %}"
            "{{ f(40) }}",
            "it runs more than 100,000 loop turns or calls",
        ),
        (
            "{% set s = 'x' * 50000 %}{% for a in s %}{% for b in s %}{% endfor %}{% endfor %}",
            "it runs more than 100,000 loop turns or calls",
        ),
        ("{{ lipsum(100000) }}", "'lipsum' is not defined"),
    ],
    ids=[
        "nested ranges",
        "growing text",
        "recursion",
        "doubling recursion",
        "nested strings",
        "generated text",
    ],
)
def test_runaway_wording_stops_with_the_theme_file_and_key(tmp_path, template, refused):
    from generator.model import Document

    folder = write_theme(
        tmp_path / "w", f'name: w\nextends: default\ntext:\n  footer: "{template}"\n'
    )
    document = Document.model_validate(
        {"title": "T", "sections": [{"heading": "H", "blocks": [{"text": "a"}]}]}
    )
    theme = load_theme(str(folder))
    with pytest.raises(LessonError) as caught:
        theme.wording("footer", document)
    message = str(caught.value)
    assert message.startswith(f"{folder / 'theme.yaml'}:4:11: text template 'footer': ")
    assert refused in message, message


@pytest.mark.parametrize(
    ("template", "refused"),
    [
        ("{{ doc.title | center(1000000000) }}", "the filter 'center' cannot be used"),
        ("{% include 'x.txt' %}", "includes cannot be used"),
    ],
)
def test_wording_that_can_hang_or_reach_out_is_refused_as_the_theme_loads(
    tmp_path, template, refused
):
    folder = write_theme(
        tmp_path / "w", f'name: w\nextends: default\ntext:\n  header: "{template}"\n'
    )
    with pytest.raises(LessonError) as caught:
        load_theme(str(folder))
    assert str(caught.value).startswith(f"{folder / 'theme.yaml'}:4:11: ")
    assert refused in str(caught.value)
