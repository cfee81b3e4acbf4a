"""A table's columns line up as written (``align``, or the colons of a Markdown table's
rule), in all three outputs; in a right-to-left table, left is where its lines start."""

from __future__ import annotations

from pathlib import Path

import docx
from pptx import Presentation
from pypdf import PdfReader

from generator.build import BuildOptions, build
from generator.convert import to_markdown, to_yaml
from generator.load import load_lesson
from generator.scripts import RIGHT_TO_LEFT

from .conftest import write_lesson
from .pdflines import drawn_lines
from .test_markdown import in_word, md_lesson
from .test_pdf import needs_system_fonts

SCORES = """
# Results

| Name               | Score | Grade |
|:-------------------|------:|:-----:|
| Ann Example        | 92    | A     |
| Bob                | 7     | B+    |
| Carolina Long-Name | 100   | C     |
"""
HEBREW = """\
title: ציונים
language: he
sections:
  - heading: תוצאות
    blocks:
      - table:
          header: [שם, ציון, הערה]
          rows:
            - [דנה, "92", טוב מאוד]
            - [יוסי, "7", עבר]
          align: [left, right, center]
"""
COLUMNS = {  # the cells of each column, header first
    "scores": [["Name", "Ann Example", "Bob"], ["Score", "92", "7", "100"], ["Grade", "B+"]],
    "hebrew": [["שם", "דנה", "יוסי"], ["ציון", "92", "7"], ["הערה", "עבר"]],
}


def lines_by_text(pdf: Path) -> dict[str, tuple[float, float]]:
    """Where each line of the sheet starts and ends, by what it reads (Hebrew is drawn
    from its last letter, and read back so)."""
    reader = PdfReader(pdf)
    return {
        line.text[::-1] if RIGHT_TO_LEFT.search(line.text) else line.text: (line.x, line.end)
        for line in drawn_lines(reader.pages[0], reader)
    }


def word_sides(handout: Path) -> dict[str, str]:
    """Each table cell's text and its paragraph's ``w:jc`` ('' when it has none)."""
    word = docx.Document(str(handout))
    return {
        "".join(in_word(paragraph, ".//w:t/text()")): "".join(
            in_word(paragraph, "w:pPr/w:jc/@w:val")
        )
        for paragraph in in_word(word.element.body, ".//w:tbl//w:p")
    }


def slide_sides(deck: Path) -> tuple[dict[str, str], list[str]]:
    """Each table cell's text and the side its paragraph is set on (``algn``), and the
    tables' directions."""
    sides, directions = {}, []
    for slide in Presentation(str(deck)).slides:
        for shape in slide.shapes:
            if shape.has_table:
                directions.append(shape.table._tbl.tblPr.get("rtl", "0"))
                for row in shape.table.rows:
                    for cell in row.cells:
                        paragraph = cell.text_frame.paragraphs[0]
                        sides[paragraph.text] = paragraph._p.pPr.get("algn", "")
    return sides, directions


def test_the_colons_of_a_markdown_table_are_its_alignment_both_ways(tmp_path):
    lesson = md_lesson(tmp_path, SCORES)
    document = load_lesson(lesson).document
    assert document.sections[0].blocks[0].table.align == ["left", "right", "center"]
    written = to_markdown(document)
    assert "|:-------------------|------:|:-----:|" in written
    assert "| Carolina Long-Name |   100 |   C   |" in written  # padded to its side
    for name, text in (("again.md", written), ("again.yaml", to_yaml(document))):
        assert load_lesson(write_lesson(tmp_path, text, name)).document == document
    (tmp_path / "plain").mkdir()
    plain = md_lesson(tmp_path / "plain", "# R\n\n| a | b |\n|---|---|\n| 1 | 2 |\n")
    assert load_lesson(plain).document.sections[0].blocks[0].table.align is None


def test_columns_line_up_as_written_in_every_format(tmp_path):
    written = {
        p.suffix: p
        for p in build(md_lesson(tmp_path, SCORES), BuildOptions(out_dir=tmp_path / "out"))
    }
    drawn = lines_by_text(written[".pdf"])
    name, score, grade = COLUMNS["scores"]
    assert len({round(drawn[text][0], 1) for text in name}) == 1  # left: one start
    assert len({round(drawn[text][1], 1) for text in score}) == 1  # right: one end
    assert len({round(sum(drawn[text]) / 2, 1) for text in grade}) == 1  # centre: one middle
    assert len({round(drawn[text][0], 1) for text in score}) > 1  # not merely all one width

    sides = word_sides(written[".docx"])
    assert {sides[text] for text in name} == {""}  # as the style sets it: left
    assert {sides[text] for text in score} == {"right"}
    assert {sides[text] for text in grade} == {"center"}

    sides, directions = slide_sides(written[".pptx"])
    assert directions == ["0"]
    assert {sides[text] for text in name} == {"l"}
    assert {sides[text] for text in score} == {"r"}
    assert {sides[text] for text in grade} == {"ctr"}


def test_a_right_to_left_table_starts_its_lines_on_the_right(tmp_path):
    """'left' is the side a Hebrew table's lines start from, the right; a column of
    numbers aligned 'right' ends on the left, its header with it, though digits read
    left to right."""
    needs_system_fonts()
    lesson = write_lesson(tmp_path, HEBREW)
    written = {p.suffix: p for p in build(lesson, BuildOptions(out_dir=tmp_path / "out"))}
    name, score, remark = COLUMNS["hebrew"]
    drawn = lines_by_text(written[".pdf"])
    assert len({round(drawn[text][1], 1) for text in name}) == 1  # starts: on the right
    assert len({round(drawn[text][0], 1) for text in score}) == 1  # ends: on the left
    assert len({round(sum(drawn[text]) / 2, 1) for text in remark}) == 1
    assert drawn["שם"][0] > drawn["ציון"][0]  # the first column on the right

    sides = word_sides(written[".docx"])  # Word reads jc in each paragraph's own direction
    assert sides["ציון"] == "right" and sides["92"] == ""  # both on the left of the page
    assert sides["שם"] == "" and sides["דנה"] == ""

    sides, directions = slide_sides(written[".pptx"])  # PowerPoint reads algn as the page's
    assert directions == ["1"]
    assert {sides[text] for text in score} == {"l"}
    assert {sides[text] for text in name} == {"r"}


def test_a_column_lines_up_as_one_whichever_way_its_cells_read(tmp_path):
    """In a Hebrew compare table a year or a Latin name starts on the right with the
    Hebrew around it, and in an English table a Hebrew word starts on the left with its
    column: each had taken its own direction's side."""
    needs_system_fonts()
    lesson = write_lesson(
        tmp_path,
        "title: T\nlanguage: he\nsections:\n  - heading: ח\n    blocks:\n"
        "      - compare:\n          columns: [ברית, קואליציה]\n"
        "          rows:\n            - {aspect: שנה, values: ['1949', זמני]}\n"
        "            - {aspect: דוגמה, values: [NATO, ארגון]}\n"
        "  - heading: English\n    lang: en\n    blocks:\n"
        "      - table: {header: [Word, Meaning], rows: [[שלום, peace], [Hello, hi]]}\n",
    )
    written = {p.suffix: p for p in build(lesson, BuildOptions(out_dir=tmp_path / "out"))}
    sides = word_sides(written[".docx"])  # jc in each paragraph's own direction
    assert sides["1949"] == "right" and sides["NATO"] == "right" and sides["זמני"] == ""
    assert sides["שלום"] == "right" and sides["Hello"] == ""  # English: both on the left
    slides, _ = slide_sides(written[".pptx"])  # the page's side
    assert {slides[text] for text in ("1949", "NATO", "זמני", "ארגון")} == {"r"}
    assert {slides[text] for text in ("שלום", "Hello", "Word")} == {"l"}
    drawn = lines_by_text(written[".pdf"])
    column = [drawn[text][1] for text in ("ברית", "1949", "NATO")]  # one column's ends
    assert max(column) - min(column) < 0.5  # one start: its right
    assert abs(drawn["שלום"][0] - drawn["Hello"][0]) < 0.5
