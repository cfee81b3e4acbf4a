"""Language of parts: a lesson in British English with a Russian section and French
blocks, built in all three formats and reopened. Each text says its own language where it
is not the lesson's, so screen readers switch voice and spelling tools switch dictionary."""

from __future__ import annotations

import shutil
from pathlib import Path

import docx
import pytest
from click.testing import CliRunner
from pdfua import validate
from pptx import Presentation
from pypdf import PdfReader

from generator.build import BuildOptions, build
from generator.cli import main
from generator.languages import office_tag, word_languages

from .conftest import EVERY_BLOCK, write_lesson
from .pdfstructure import structure

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
A = "{http://schemas.openxmlformats.org/drawingml/2006/main}"

MIXED = """title: Greetings
language: en-GB
date: 2026-01-15
sections:
  - heading: In English
    blocks:
      - text: We start with a greeting in **English**.
      - title: En français
        text: Bonjour à tous, et bienvenue.
        lang: fr
        notes: Dites bonjour.
  - heading: По-русски
    lang: ru
    notes: Скажите здравствуйте.
    blocks:
      - text: Здравствуйте, дорогие ученики.
      - list: [Привет, Пока]
      - text: This sentence stays in English.
        lang: en-GB
      - columns:
          blocks:
            - [{text: Левая колонка.}]
            - [{text: La colonne de droite., lang: fr}]
      - compare:
          columns: [Утро, Вечер]
          rows:
            - {aspect: Приветствие, values: [Доброе утро, Добрый вечер]}
      - math: {tex: "F = ma", alt: эф равно эм а}
"""

# Every text of the lesson, by the language it is written in (the lesson's: None).
LANGUAGES = {
    "We start with a greeting in ": None,
    "En français": "fr",
    "Bonjour à tous, et bienvenue.": "fr",
    "По-русски": "ru",
    "Здравствуйте, дорогие ученики.": "ru",
    "Привет": "ru",
    "Пока": "ru",
    "This sentence stays in English.": None,
    "Левая колонка.": "ru",
    "La colonne de droite.": "fr",
    "Утро": "ru",
    "Приветствие": "ru",
    "Доброе утро": "ru",
    "Aspect": None,  # the theme's wording, in the lesson's language
}


@pytest.fixture(scope="module")
def mixed(tmp_path_factory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("languages")
    lesson = write_lesson(folder, MIXED)
    files = build(lesson, BuildOptions(out_dir=folder / "out"))
    return {"lesson": lesson, **{path.suffix.lstrip("."): path for path in files}}


def test_office_tags_name_a_region_and_words_script():
    assert office_tag("ru") == "ru-RU" and office_tag("fr") == "fr-FR"
    assert office_tag("pt-BR") == "pt-BR" and office_tag("en-GB") == "en-GB"
    assert office_tag("sr-Latn") == "sr-Latn-RS"
    assert word_languages("ru") == {"val": "ru-RU"}
    assert word_languages("ar")["bidi"] == word_languages("ar")["val"] == "ar-EG"
    assert word_languages("ja") == {"val": "ja-JP", "eastAsia": "ja-JP"}


def test_handout_runs_say_their_language(mixed):
    handout = docx.Document(str(mixed["docx"]))
    normal = handout.styles["Normal"].element.find(f"{W}rPr/{W}lang")
    assert normal.get(f"{W}val") == "en-GB"  # the lesson's, which unmarked runs take
    found = {}
    for run in handout.element.body.iter(f"{W}r"):
        text = "".join(t.text or "" for t in run.iter(f"{W}t"))
        lang = run.find(f"{W}rPr/{W}lang")
        found[text] = None if lang is None else lang.get(f"{W}val")
    assert {text: found[text] for text in LANGUAGES} == {
        text: lang and office_tag(lang) for text, lang in LANGUAGES.items()
    }


def test_deck_runs_and_notes_say_their_language(mixed):
    deck = Presentation(str(mixed["pptx"]))
    found, notes = {}, {}
    for slide in deck.slides:
        for run in slide.shapes._spTree.iter(f"{A}r"):
            found[run.find(f"{A}t").text] = run.find(f"{A}rPr").get("lang")
        for run in slide.notes_slide.notes_text_frame._txBody.iter(f"{A}r"):
            notes[run.find(f"{A}t").text] = run.find(f"{A}rPr").get("lang")
    lesson_text = [text for text in LANGUAGES if text != "Aspect"]  # cells take their block's
    assert {text: found[text] for text in lesson_text} == {
        text: office_tag(LANGUAGES[text] or "en-GB") for text in lesson_text
    }
    assert found["Greetings"] == "en-GB" and found["Questions?"] == "en-GB"  # the lesson's
    assert notes["Dites bonjour."] == "fr-FR" and notes["Скажите здравствуйте."] == "ru-RU"
    assert notes["La colonne de droite."] == "fr-FR"  # a column's block keeps its own
    assert notes["Левая колонка."] == "ru-RU"


def test_sheet_elements_say_their_language(mixed):
    """Leaves of the structure tree in reading order, with their /Lang: the document's
    stays en-GB, and each element in another language says which."""
    reader = PdfReader(str(mixed["pdf"]))
    assert reader.trailer["/Root"]["/Lang"] == "en-GB"
    leaves = [
        (kind, entries.get("/Lang"))
        for _, kind, entries in structure(mixed["pdf"])
        if isinstance(entries.get("/K"), int)
    ]
    assert leaves == [
        ("/H1", None),  # the title
        ("/P", None),  # its date line
        ("/H2", None),
        ("/P", None),
        ("/P", "fr"),  # the block's label
        ("/P", "fr"),
        ("/H2", "ru"),
        ("/P", "ru"),
        ("/LBody", "ru"),
        ("/LBody", "ru"),
        ("/P", None),  # the English block inside the Russian section
        ("/P", "ru"),
        ("/P", "fr"),  # the French column
        ("/TH", None),  # 'Aspect', the theme's wording
        ("/TH", "ru"),
        ("/TH", "ru"),
        ("/TH", "ru"),
        ("/TD", "ru"),
        ("/TD", "ru"),
        ("/Formula", "ru"),  # the author's alt text is Russian
    ]
    assert [f"{f.rule_id}: {f.message}" for f in validate(str(mixed["pdf"])).findings] == []


def test_check_accessibility_finds_nothing_wrong_with_languages(mixed):
    result = CliRunner().invoke(main, ["check", "--accessibility", str(mixed["lesson"])])
    assert result.exit_code == 0, result.output
    assert "accessibility problem" not in result.output


def test_a_picture_in_another_language_is_a_figure_in_it(tmp_path):
    """every-block's last picture is French: its Figure says so, the others do not."""
    shutil.copytree(EVERY_BLOCK.parent, tmp_path / "lessons")
    (sheet,) = build(
        tmp_path / "lessons" / EVERY_BLOCK.name, BuildOptions(formats=["pdf"], out_dir=tmp_path)
    )
    figures = [e for _, kind, e in structure(sheet) if kind == "/Figure"]
    assert [(f["/Alt"], f.get("/Lang")) for f in figures] == [
        ("Two overlapping circles", None),
        ("Two circles side by side", None),
        ("A small picture", "fr"),
    ]


HEBREW_CODE = """title: תכנות בפייתון
language: he
sections:
  - heading: לולאות
    blocks:
      - text: לולאה חוזרת על פעולה.
      - code:
          language: python
          text: |
            # הדפסה של המספרים
            print("שלום", i)
"""


def test_code_reads_left_to_right_in_a_hebrew_lesson(tmp_path):
    """A line of code starts at the left whatever its comment is written in, and the
    Hebrew inside it reads right to left: on the sheet drawn in visual order (and read
    back as written), in Word and PowerPoint a left-to-right paragraph with a
    right-to-left run."""
    from bidi.algorithm import get_display

    from .pdflines import actual_texts, drawn_lines
    from .test_pdf import needs_system_fonts

    needs_system_fonts()
    lesson = write_lesson(tmp_path, HEBREW_CODE)
    handout, deck, sheet = build(lesson, BuildOptions(out_dir=tmp_path / "out"))
    source = ["# הדפסה של המספרים", 'print("שלום", i)']

    reader = PdfReader(sheet)
    drawn = [line.text for line in drawn_lines(reader.pages[0], reader)]
    for line in source:
        assert get_display(line, base_dir="L") in drawn, drawn
    assert "\n".join(source) in actual_texts(reader.pages[0], reader)

    code = [p for p in docx.Document(str(handout)).paragraphs if p.style.name == "Code"]
    assert [p.text for p in code] == source
    for paragraph in code:
        assert paragraph._p.find(f"{W}pPr/{W}bidi") is None  # set from the left
        hebrew = [r for r in paragraph.runs if any("\u0590" <= c <= "\u05ff" for c in r.text)]
        assert hebrew and all(r._r.find(f"{W}rPr/{W}rtl") is not None for r in hebrew)

    slide = Presentation(str(deck)).slides[1]
    lines = [
        p
        for shape in slide.shapes
        if shape.has_text_frame
        for p in shape.text_frame.paragraphs
        if p.text in source
    ]
    assert len(lines) == 2
    assert all(p._p.find(f"{A}pPr").get("rtl") != "1" for p in lines)
    title = slide.shapes.title.text_frame.paragraphs[0]._p.find(f"{A}pPr")
    assert title is None or title.get("rtl") != "0"  # the Hebrew title still reads from the right


HEBREW_QUIZ = """title: ברית או קואליציה?
language: he
outputs: {pdf: {questions: true}}
sections:
  - heading: מהי קואליציה?
    blocks:
      - text: קבוצה זמנית של גורמים.
questions:
  - prompt: מה מאפיין קואליציה?
    choices: [שותפות קבועה, התאגדות זמנית, הסכם סחר]
    answer: התאגדות זמנית
"""


def test_choices_are_lettered_in_the_lesson_s_alphabet(tmp_path):
    """A Hebrew quiz's choices are א ב ג in all three outputs, and the handout's answer
    key quotes the letter its list shows; other languages keep a b c."""
    from generator.languages import lettering

    from .pdflines import drawn_lines
    from .test_pdf import needs_system_fonts, reading

    assert [lettering("he").letter(i) for i in range(3)] == ["א", "ב", "ג"]
    assert lettering("ar-EG").letter(2) == "ج" and lettering("fa").word == "arabicAbjad"
    assert lettering("de").letter(27) == "bb" and lettering("en").slides == "alphaUcPeriod"
    needs_system_fonts()
    lesson = write_lesson(tmp_path, HEBREW_QUIZ)
    handout, deck, sheet = build(lesson, BuildOptions(out_dir=tmp_path / "out"))

    word = docx.Document(str(handout))
    formats = word.part.numbering_part.element.xpath(".//w:lvl[@w:ilvl='1']/w:numFmt/@w:val")
    assert "hebrew2" in formats and "lowerLetter" not in formats  # the choices
    answers = [p.text for p in word.paragraphs if p.style.name == "Answer"]
    assert answers == ["ב) התאגדות זמנית"]

    schemes = {
        auto.get("type")
        for slide in Presentation(str(deck)).slides
        for auto in slide._element.iter(f"{A}buAutoNum")
    }
    assert "hebrew2Minus" in schemes and "alphaUcPeriod" not in schemes

    reader = PdfReader(sheet)
    drawn = " ".join(reading(line.text) for line in drawn_lines(reader.pages[0], reader))
    assert "א." in drawn and "ב." in drawn and "A." not in drawn


def test_a_quotations_source_ends_its_line_in_hebrew_too(tmp_path):
    """On a slide a quotation's source is set at the end of the line: the right in
    English, the left in Hebrew (it stayed on the right, where a Hebrew line starts)."""
    quote = "      - quote: {{text: {text}, source: {source}}}\n"
    lessons = {
        "en": ("Together we stand", "A saying"),
        "he": ("ביחד נעמוד", "אמרה עממית"),
    }
    sides = {}
    for language, (text, source) in lessons.items():
        body = f"title: T\nlanguage: {language}\nsections:\n  - heading: H\n    blocks:\n"
        (tmp_path / language).mkdir()
        lesson = write_lesson(tmp_path / language, body + quote.format(text=text, source=source))
        deck = build(lesson, BuildOptions(formats=["pptx"], out_dir=tmp_path / language))[0]
        sides[language] = {
            paragraph.text: (paragraph._p.pPr.get("algn"), paragraph._p.pPr.get("rtl", "0"))
            for slide in Presentation(str(deck)).slides
            for shape in slide.shapes
            if shape.has_text_frame
            for paragraph in shape.text_frame.paragraphs
            if paragraph._p.pPr is not None
        }
    assert sides["en"]["— A saying"][0] == "r"
    assert sides["he"]["— אמרה עממית"] == ("l", "1")
    assert sides["he"]["ביחד נעמוד"] == ("r", "1")
