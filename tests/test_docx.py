"""The Word handout, reopened with python-docx: structure, numbering, tables, furniture, properties."""

from __future__ import annotations

import datetime as dt
import zipfile
from collections.abc import Iterator
from pathlib import Path

import docx
import pytest
from docx.document import Document as WordDocument
from docx.enum.style import WD_STYLE_TYPE
from docx.oxml.ns import qn
from docx.shared import Inches, Mm, Pt, RGBColor
from docx.table import Table
from docx.text.paragraph import Paragraph

from generator.build import BuildOptions, build, prepare
from generator.errors import LessonError
from generator.model import Document, Section, TextBlock
from generator.renderers.docx import DocxRenderer, share_out
from generator.renderers.wordml import blank_document
from generator.theme import Theme, load_theme

from .conftest import EVERY_BLOCK, SAMPLE, write_lesson

SMALL_LESSON = """\
title: Small
date: 2026-03-01
{outputs}
sections:
  - heading: Shown
    blocks:
      - text: Kept in the handout.
      - text: Skipped in the handout.
        skip: [docx]
  - heading: Slides only
    only: [pptx]
    blocks:
      - text: Not in the handout.
questions:
  - prompt: Why?
    answer: Because.
"""


@pytest.fixture(scope="module")
def every_block(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return built(EVERY_BLOCK, tmp_path_factory.mktemp("every"))


@pytest.fixture(scope="module")
def sample(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return built(SAMPLE, tmp_path_factory.mktemp("sample"))


def built(lesson: Path, out_dir: Path) -> Path:
    (path,) = build(lesson, BuildOptions(formats=["docx"], out_dir=out_dir))
    return path


def model(lesson: Path) -> tuple[Document, Theme]:
    _, document, theme = prepare(lesson, BuildOptions())
    return document, theme


def blocks(word: WordDocument) -> Iterator[Paragraph | Table]:
    """Body paragraphs and tables in document order."""
    for child in word.element.body.iterchildren():
        if child.tag == qn("w:p"):
            yield Paragraph(child, word)
        elif child.tag == qn("w:tbl"):
            yield Table(child, word)


def all_text(word: WordDocument) -> str:
    """Every paragraph's text, table cells included, one per line."""
    return "\n".join(
        p.text for p in word.element.body.iter(qn("w:p")) for p in [Paragraph(p, word)]
    )


def headings(word: WordDocument) -> list[tuple[int, str]]:
    return [
        (int(p.style.name.split()[-1]), p.text)
        for p in word.paragraphs
        if p.style.name.startswith("Heading ")
    ]


def model_headings(document: Document, theme: Theme) -> list[tuple[int, str]]:
    """The headings a handout of *document* must show, in order."""
    found: list[tuple[int, str]] = []

    def walk(sections: list[Section], level: int) -> None:
        for section in sections:
            if section.shown_in("docx"):
                found.append((min(level, 3), section.heading.plain))
                walk(section.sections, level + 1)

    walk(document.sections, 1)
    back = [
        ("glossary_title", document.glossary),
        ("takeaways_title", document.takeaways),
        ("exercises_title", document.questions),
        ("answer_key_title", document.questions),
    ]
    found += [(1, theme.wording(name, document)) for name, present in back if present]
    return found


def rows(table: Table) -> list[list[str]]:
    return [[cell.text for cell in row.cells] for row in table.rows]


def dump(word: WordDocument) -> str:
    """A readable outline: headings with levels, paragraphs with styles, tables as rows."""
    lines = []
    for item in blocks(word):
        if isinstance(item, Table):
            lines.append("table")
            lines += [
                "  | " + " | ".join(cell.replace("\n", " / ") for cell in row) + " |"
                for row in rows(item)
            ]
        elif item.style.name != "Spacer":
            numbered = item._p.pPr is not None and item._p.pPr.numPr is not None
            level = f" #{item._p.pPr.numPr.ilvl.val}" if numbered else ""
            images = item._p.xpath(".//wp:docPr/@descr")
            text = item.text + "".join(f"<image: {alt}>" for alt in images)
            lines.append(f"[{item.style.name}{level}] {text}".rstrip())
    section = word.sections[0]
    lines.append(f"header: {section.header.paragraphs[0].text}")
    lines.append(f"footer: {section.footer.paragraphs[0].text}")
    return "\n".join(lines) + "\n"


# -- structure ----------------------------------------------------------------------


@pytest.mark.parametrize("lesson", ["every_block", "sample"])
def test_headings_follow_the_model_in_order_and_level(lesson, request) -> None:
    path = request.getfixturevalue(lesson)
    document, theme = model(EVERY_BLOCK if lesson == "every_block" else SAMPLE)
    assert headings(docx.Document(path)) == model_headings(document, theme)


def test_a_handout_without_a_template_defines_only_the_styles_it_can_use(every_block) -> None:
    """python-docx's template brings a hundred of Word's table styles (most of its styles
    part); the handout's tables are styled directly, so only the plain default stays."""
    word = docx.Document(str(every_block))
    table_styles = [style for style in word.styles if style.type == WD_STYLE_TYPE.TABLE]
    assert [style.name for style in table_styles] == ["Normal Table"]
    assert word.tables and all(table.style.name == "Normal Table" for table in word.tables)
    with zipfile.ZipFile(every_block) as package:
        assert package.getinfo("word/styles.xml").file_size < 60_000


def test_every_prose_paragraph_of_the_sample_is_in_the_handout(sample) -> None:
    document, _ = model(SAMPLE)
    text = all_text(docx.Document(sample))
    paragraphs = []

    def walk(sections: list[Section]) -> None:
        for section in sections:
            if section.shown_in("docx"):
                paragraphs.extend(
                    b.text.plain
                    for b in section.blocks
                    if isinstance(b, TextBlock) and b.shown_in("docx")
                )
                walk(section.sections)

    walk(document.sections)
    assert len(paragraphs) >= 10
    for paragraph in paragraphs:
        assert paragraph in text


def test_title_block_and_objectives_box(every_block) -> None:
    word = docx.Document(every_block)
    first = [p for p in word.paragraphs[:4]]
    assert [p.style.name for p in first] == ["Title", "Subtitle", "Meta", "Lead"]
    assert first[0].text == "Every block: a test lesson"
    assert first[2].text == "Testers  ·  10 min  ·  Test Author  ·  Test School  ·  2026-01-15"
    box = word.tables[0]
    assert rows(box) == [
        ["Learning objectives\nRender every block kind\nKeep Test School in the text"]
    ]
    assert box._tbl.xpath(".//w:shd/@w:fill") == ["EDF2F7"]


def test_inline_runs_keep_their_styles(every_block) -> None:
    paragraph = next(
        p for p in docx.Document(every_block).paragraphs if p.text.startswith("A paragraph")
    )
    styled = {run.text: run for run in paragraph.runs}
    assert styled["bold"].bold and styled["italic"].italic
    assert styled["code"].font.name == "Courier New"


def test_links_are_real_hyperlinks(every_block) -> None:
    word = docx.Document(every_block)
    found = []
    for hyperlink in word.element.body.iter(qn("w:hyperlink")):
        rel = word.part.rels[hyperlink.get(qn("r:id"))]
        assert rel.is_external
        found.append(("".join(hyperlink.xpath(".//w:t/text()")), rel.target_ref))
    assert found == [("link", "https://example.org"), ("link", "https://example.org/page")]


# -- lists --------------------------------------------------------------------------


def test_every_numbered_list_has_its_own_numbering_starting_at_1(every_block) -> None:
    word = docx.Document(every_block)
    numbering = word.part.numbering_part.element

    def num_of(text: str) -> str:
        paragraph = next(p for p in word.paragraphs if p.text.endswith(text))
        return paragraph._p.pPr.numPr.numId.val

    steps, again = num_of("First step"), num_of("One again")
    assert steps != again
    for num_id in (steps, again):
        (num,) = numbering.xpath(f"w:num[@w:numId='{num_id}']")
        assert num.xpath("w:lvlOverride[@w:ilvl='0']/w:startOverride/@w:val") == ["1"]
        abstract_id = num.xpath("w:abstractNumId/@w:val")[0]
        formats = numbering.xpath(
            f"w:abstractNum[@w:abstractNumId='{abstract_id}']/w:lvl[@w:ilvl='0']/w:numFmt/@w:val"
        )
        assert formats == ["decimal"]
    assert num_of("Apple") not in (steps, again)


def test_nested_items_and_terms(every_block) -> None:
    word = docx.Document(every_block)
    levels = {
        p.text: p._p.pPr.numPr.ilvl.val
        for p in word.paragraphs
        if p._p.pPr is not None and p._p.pPr.numPr is not None
    }
    assert levels["Nested one"] == 1 and levels["Deepest"] == 2
    second = next(p for p in word.paragraphs if p.text.startswith("Second"))
    assert second.runs[0].text == "Second" and second.runs[0].bold
    assert second.text == "Second: step with a term"


# -- tables -------------------------------------------------------------------------


def test_compare_table_rows_cells_and_repeating_header(every_block) -> None:
    word = docx.Document(every_block)
    table = next(t for t in word.tables if t.rows[0].cells[-1].text == "Dogs")
    assert rows(table) == [
        ["Aspect", "Cats", "Dogs"],
        ["Sound", "Meow", "Woof"],
        ["Size", "Small to medium", "Small to very large"],
    ]
    header, *body = table.rows
    assert header._tr.xpath("w:trPr/w:tblHeader")
    assert header.cells[1]._tc.xpath("w:tcPr/w:shd/@w:fill") == ["1F3A5F"]
    assert all(row._tr.xpath("w:trPr/w:cantSplit") for row in table.rows)
    assert all(row.cells[0].paragraphs[0].style.name == "Table Aspect" for row in body)
    widths = [cell.width for cell in header.cells]
    assert widths[0] < widths[1] == widths[2]


def test_sample_compare_tables_carry_every_row(sample) -> None:
    document, _ = model(SAMPLE)
    compares = [
        b.compare
        for s in document.sections
        for b in s.blocks
        if b.kind == "compare" and b.shown_in("docx")
    ]
    tables = [t for t in docx.Document(sample).tables if t._tbl.xpath(".//w:tblHeader")]
    assert len(tables) == len(compares)
    for table, compare in zip(tables, compares, strict=True):
        assert [c.text for c in table.rows[0].cells[1:]] == [c.plain for c in compare.columns]
        assert [[c.text for c in r.cells] for r in table.rows[1:]] == [
            [row.aspect.plain, *(v.plain for v in row.values)] for row in compare.rows
        ]


def test_column_widths_share_out() -> None:
    assert share_out([1000, 1000], 10000) == [5000, 5000]
    assert share_out([1000, 2000], 6000) == [2000, 4000]  # spare width by need
    assert share_out([800, 30000], 10000) == [800, 9200]  # a short column keeps its need
    assert share_out([9000, 30000, 700], 10000) == [4650, 4650, 700]


def test_answer_lines_are_ruled_paragraphs(every_block) -> None:
    lines = [p for p in docx.Document(every_block).paragraphs if p.style.name == "Answer Line"]
    assert len(lines) >= 2 and all(not p.text for p in lines)
    style = lines[0].style.element
    assert style.xpath("w:pPr/w:pBdr/w:bottom") and style.xpath("w:pPr/w:pBdr/w:between")


# -- images, furniture, properties ---------------------------------------------------


def test_images_have_alt_text_fit_the_text_width_and_a_caption(every_block) -> None:
    word = docx.Document(every_block)
    assert word.element.body.xpath(".//wp:docPr/@descr") == [
        "Two overlapping circles",
        "Two circles side by side",
        "A small picture",
    ]
    section = word.sections[0]
    text_width = section.page_width - section.left_margin - section.right_margin
    extents = word.element.body.xpath(".//wp:extent")
    for extent in extents:
        width, height = int(extent.get("cx")), int(extent.get("cy"))
        assert width <= text_width
        assert abs(width / height - 640 / 360) < 0.01
    assert int(extents[2].get("cx")) == pytest.approx(0.4 * text_width, rel=0.01)  # width: 40%
    caption = next(p for p in word.paragraphs if p.style.name == "Caption")
    assert caption.text == "Where the two overlap"


def test_header_and_footer_carry_title_and_page_fields(every_block) -> None:
    section = docx.Document(every_block).sections[0]
    assert section.header.paragraphs[0].text == "Every block: a test lesson"
    for footer in (section.footer, section.first_page_footer):
        instructions = [t.text.strip() for t in footer._element.iter(qn("w:instrText"))]
        assert instructions == ["PAGE", "NUMPAGES"]
        assert footer.paragraphs[0].text.startswith("Test School\tPage 1 of 1")
    assert abs(section.page_width - Mm(210)) < Mm(0.1)
    assert abs(section.left_margin - Mm(20)) < Mm(0.1)


def test_styles_come_from_the_theme(every_block) -> None:
    styles = docx.Document(every_block).styles
    assert styles["Normal"].font.name == "Arial" and styles["Normal"].font.size == Pt(11)
    assert styles["Heading 1"].font.size == Pt(16)
    assert str(styles["Heading 1"].font.color.rgb) == "1F3A5F"
    assert styles["Heading 2"].paragraph_format.keep_with_next
    assert styles["Block Title"].paragraph_format.keep_with_next
    lang = styles.element.xpath("w:docDefaults/w:rPrDefault/w:rPr/w:lang/@w:val")
    assert lang == ["en-GB"]


def test_document_properties(every_block) -> None:
    props = docx.Document(every_block).core_properties
    assert props.title == "Every block: a test lesson"
    assert props.subject == "Exercising the whole model"
    assert props.author == props.last_modified_by == "Test Author"
    assert props.keywords == "testing, blocks"
    assert props.language == "en-GB"
    assert props.created == props.modified == dt.datetime(2026, 1, 15, tzinfo=dt.UTC)
    assert props.revision == 1


def test_rebuilding_gives_identical_bytes(build_lesson, monkeypatch) -> None:
    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)
    first = build_lesson(EVERY_BLOCK, "docx").read_bytes()
    second = build_lesson(EVERY_BLOCK, "docx").read_bytes()
    assert first == second


def test_each_handout_starts_from_its_own_copy_of_the_template() -> None:
    first = blank_document()
    first.add_paragraph("Only in the first")
    first.styles["Normal"].font.name = "Changed"
    second = blank_document()
    assert [p.text for p in second.paragraphs] == []
    assert second.styles["Normal"].font.name != "Changed"


# -- exercises, options, only/skip -----------------------------------------------------


def test_answer_key_on_its_own_page(every_block) -> None:
    word = docx.Document(every_block)
    key = next(p for p in word.paragraphs if p.text == "Answer key")
    assert key.paragraph_format.page_break_before
    text = all_text(word)
    assert "b) Coalition" in text and "Coalitions end once their goal is met." in text


def test_student_copy_leaves_the_answer_key_out(tmp_path, build_lesson) -> None:
    lesson = write_lesson(
        tmp_path, SMALL_LESSON.format(outputs="outputs: {docx: {answer_key: false, paper: letter}}")
    )
    word = docx.Document(build_lesson(lesson, "docx"))
    names = [text for _, text in headings(word)]
    assert "Exercises" in names and "Answer key" not in names
    assert "Because." not in all_text(word)
    assert abs(word.sections[0].page_width - Inches(8.5)) < Mm(0.1)


def test_only_and_skip(tmp_path, build_lesson, every_block) -> None:
    text = all_text(docx.Document(every_block))
    assert "Never in the cheat sheet." in text and "Only in the handout." in text
    lesson = write_lesson(tmp_path, SMALL_LESSON.format(outputs=""))
    word = docx.Document(build_lesson(lesson, "docx"))
    text = all_text(word)
    assert "Kept in the handout." in text
    assert "Skipped in the handout." not in text and "Not in the handout." not in text
    assert "Slides only" not in [h for _, h in headings(word)]
    assert "Because." in text


def test_every_block_dump(every_block, expect) -> None:
    expect(dump(docx.Document(every_block)), "docx-every-block")


def test_renderer_identity() -> None:
    assert (DocxRenderer.format, DocxRenderer.suffix, DocxRenderer.label) == (
        "docx",
        ".docx",
        "handout",
    )
    assert DocxRenderer.missing_kinds() == []


# -- themes and reference documents ---------------------------------------------------


def themed(lesson: Path, theme: str, out_dir: Path) -> Path:
    (path,) = build(lesson, BuildOptions(formats=["docx"], out_dir=out_dir, theme=theme))
    return path


def theme_folder(folder: Path, body: str) -> Path:
    """A user theme extending default, with *body* appended to its theme.yaml."""
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "theme.yaml").write_text(f"name: custom\nextends: default\n{body}", "utf-8")
    return folder


def style_font(style) -> str:
    return style.element.xpath("w:rPr/w:rFonts/@w:ascii")[0]


@pytest.mark.parametrize("name", ["default", "classroom", "corporate"])
def test_each_shipped_theme_sets_fonts_and_colours(name, tmp_path) -> None:
    theme = load_theme(name)
    word = docx.Document(themed(SAMPLE, name, tmp_path))
    styles = word.styles
    assert style_font(styles["Normal"]) == theme.fonts.body.name
    assert style_font(styles["Heading 1"]) == theme.fonts.heading.name
    assert style_font(styles["Title"]) == theme.fonts.heading.name
    assert str(styles["Heading 1"].font.color.rgb) == theme.palette.primary
    assert styles["Normal"].font.size == Pt(theme.size("docx", "body"))
    table = next(t for t in word.tables if t._tbl.xpath(".//w:tblHeader"))
    fills = {cell._tc.xpath("w:tcPr/w:shd/@w:fill")[0] for cell in table.rows[0].cells}
    assert fills == {theme.palette.primary}
    headers = word.sections[0].header._element
    assert bool(headers.xpath(".//pic:pic")) == (theme.logo_path is not None)


def test_corporate_puts_the_title_on_a_dark_band_and_the_logo_in_the_header(tmp_path) -> None:
    word = docx.Document(themed(SAMPLE, "corporate", tmp_path))
    band = next(blocks(word))
    assert isinstance(band, Table)
    assert band._tbl.xpath(".//w:shd/@w:fill") == [load_theme("corporate").palette.primary]
    title, subtitle = band.rows[0].cells[0].paragraphs
    assert (title.style.name, title.text) == ("Banner Title", "Alliance vs. Coalition")
    assert str(title.style.font.color.rgb) == "FFFFFF" and subtitle.style.name == "Banner Subtitle"
    section = word.sections[0]
    for header in (section.header, section.first_page_header):
        (inline,) = header._element.xpath(".//wp:inline")
        assert inline.xpath("wp:docPr/@descr") == ["Northside High"]
        assert inline.xpath(".//pic:pic")
        height = int(inline.xpath("wp:extent/@cy")[0])
        assert int(inline.xpath("wp:extent/@cx")[0]) == height  # the logo is square
        assert Mm(4) < height < Mm(15)
    rel_id = section.header._element.xpath(".//a:blip/@r:embed")[0]
    assert section.header.part.related_parts[rel_id].content_type == "image/png"


def test_wording_changes_in_a_theme_show_in_the_handout(tmp_path) -> None:
    folder = theme_folder(
        tmp_path / "theme",
        'text: {footer: "Custom footer {{ doc.title }}", handout_term_separator: " — "}\n',
    )
    word = docx.Document(themed(EVERY_BLOCK, str(folder), tmp_path / "out"))
    assert "Second — step with a term" in all_text(word)
    section = word.sections[0]
    for footer in (section.footer, section.first_page_footer):
        text = footer.paragraphs[0].text
        assert text.startswith("Custom footer Every block: a test lesson\tPage ")


def reference_document(path: Path) -> Path:
    """A user's Word template: Georgia text, dark red headings, Letter with 1-inch
    margins, a header of its own, and no numbering part."""
    word = docx.Document()
    word.styles["Normal"].font.name = "Georgia"
    word.styles["Heading 1"].font.color.rgb = RGBColor(0x99, 0x11, 0x22)
    section = word.sections[0]
    section.page_width, section.page_height = Inches(8.5), Inches(11)
    for side in ("left", "right", "top", "bottom"):
        setattr(section, f"{side}_margin", Inches(1))
    section.header.paragraphs[0].text = "ACME Training"
    word.add_paragraph("Template body text that must not survive")
    for rel_id, rel in list(word.part.rels.items()):
        if rel.reltype.endswith("/numbering"):
            del word.part.rels[rel_id]
    word.save(path)
    return path


def as_template(docx_path: Path, dotx_path: Path) -> Path:
    """The same file as a .dotx: only the main part's content type differs."""
    with zipfile.ZipFile(docx_path) as source, zipfile.ZipFile(dotx_path, "w") as target:
        for entry in source.infolist():
            data = source.read(entry)
            if entry.filename == "[Content_Types].xml":
                data = data.replace(b"document.main+xml", b"template.main+xml")
            target.writestr(entry, data)
    return dotx_path


@pytest.fixture
def reference_theme(tmp_path) -> Path:
    folder = theme_folder(tmp_path / "theme", "reference_docx: ref.docx\n")
    reference_document(folder / "ref.docx")
    return folder


def assert_uses_reference(path: Path) -> None:
    word = docx.Document(path)
    styles = word.styles
    assert styles["Normal"].font.name == "Georgia"
    assert str(styles["Heading 1"].font.color.rgb) == "991122"
    assert not styles["Block Title"].element.xpath("w:rPr/w:rFonts")  # Georgia, inherited
    assert str(styles["Block Title"].font.color.rgb) == "1F3A5F"  # the theme fills the gaps
    section = word.sections[0]
    assert abs(section.page_width - Inches(8.5)) < Mm(0.1)
    assert abs(section.left_margin - Inches(1)) < Mm(0.1)
    assert abs(section.top_margin - Inches(1)) < Mm(0.1)
    assert section.header.paragraphs[0].text == "ACME Training"
    assert not section.different_first_page_header_footer  # its header on every page
    assert section.footer.paragraphs[0].text.startswith("Test School\tPage ")
    text = all_text(word)
    assert "Template body text" not in text
    assert word.paragraphs[0].text == "Every block: a test lesson"
    numbering = word.part.numbering_part.element
    num_ids = {
        p._p.pPr.numPr.numId.val
        for p in word.paragraphs
        if p._p.pPr is not None and p._p.pPr.numPr is not None
    }
    assert len(num_ids) >= 3
    for num_id in num_ids:
        assert numbering.xpath(f"w:num[@w:numId='{num_id}']")


def test_a_reference_docx_gives_its_styles_page_and_header(reference_theme, tmp_path) -> None:
    assert_uses_reference(themed(EVERY_BLOCK, str(reference_theme), tmp_path / "out"))


def test_a_reference_dotx_works_too(reference_theme, tmp_path) -> None:
    as_template(reference_theme / "ref.docx", reference_theme / "ref.dotx")
    (reference_theme / "ref.docx").unlink()
    theme_yaml = reference_theme / "theme.yaml"
    theme_yaml.write_text(theme_yaml.read_text().replace("ref.docx", "ref.dotx"))
    path = themed(EVERY_BLOCK, str(reference_theme), tmp_path / "out")
    assert_uses_reference(path)
    with zipfile.ZipFile(path) as package:
        types = package.read("[Content_Types].xml")
    assert b"document.main+xml" in types and b"template.main+xml" not in types


def test_rebuilding_with_a_reference_gives_identical_bytes(reference_theme, tmp_path) -> None:
    first = themed(EVERY_BLOCK, str(reference_theme), tmp_path / "one").read_bytes()
    second = themed(EVERY_BLOCK, str(reference_theme), tmp_path / "two").read_bytes()
    assert first == second


def test_a_broken_reference_is_a_located_lesson_error(tmp_path) -> None:
    folder = theme_folder(tmp_path / "theme", "reference_docx: ref.docx\n")
    (folder / "ref.docx").write_text("not a zip", "utf-8")
    with pytest.raises(LessonError, match="not a Word document"):
        themed(EVERY_BLOCK, str(folder), tmp_path / "out")


# -- table columns hold their longest words -------------------------------------------------

NARROW_TABLES = """\
title: Narrow
sections:
  - heading: Terms
    blocks:
      - table:
          header: [Definition, Explanation, Example]
          rows:
            - [Interoperability, "A long explanation that goes on and on about what the term means in practice, with many words", "An example that is also fairly long, so the columns compete for width"]
      - compare:
          columns: [Responsibilities, Who, When, Where]
          rows:
            - values: [Definitions, Staff, Daily, Here]
glossary:
  - term: Interoperability
    definition: The ability of different systems to work together without special effort.
"""


BOLD_STYLES = ("Table Header", "Table Aspect")


def narrow_reference(path: Path) -> Path:
    """A user's template with a narrow text column: A5, wide margins."""
    word = docx.Document()
    section = word.sections[0]
    section.page_width, section.page_height = Mm(148), Mm(210)
    section.left_margin = section.right_margin = Mm(30)
    word.save(path)
    return path


def test_a_table_column_holds_its_longest_word(tmp_path):
    """A narrow reference template's column set 'Definiti / on' in the handout."""
    from generator.inline import Run
    from generator.textfit import Fonts, text_width, words

    lesson = write_lesson(tmp_path, NARROW_TABLES, "narrow.yaml")
    reference = narrow_reference(tmp_path / "narrow.docx")
    (path,) = build(
        lesson,
        BuildOptions(formats=["docx"], out_dir=tmp_path / "out", references={"docx": reference}),
    )
    theme = load_theme("default")
    fonts, size = Fonts(theme), theme.size("docx", "table")
    checked = 0
    for table in docx.Document(str(path)).tables:
        grid = [int(col.get(qn("w:w"))) for col in table._tbl.tblGrid.findall(qn("w:gridCol"))]
        for row in table.rows:
            for cell, width in zip(row.cells, grid, strict=True):
                room = (width - 2 * 110) / 20  # points inside the cell padding
                for paragraph in cell.paragraphs:
                    for run in paragraph.runs:
                        for word in words(run.text):
                            bold = bool(run.bold) or paragraph.style.name in BOLD_STYLES
                            used = text_width(word, fonts.file(Run(word, bold=bold)), size)
                            assert used <= room, f"{word!r} is {used:.0f} pt in {room:.0f} pt"
                            checked += 1
    assert checked > 30


# -- code, columns, line breaks ----------------------------------------------------------

CODE_LINES = [
    "def area(r):",
    '    """The area of a circle of radius r."""',
    "    return 3.14159 * r ** 2  # pi r squared",
    "",
    "print(area(2))",
]


def test_code_is_verbatim_in_the_mono_font_highlighted_and_kept_together(every_block) -> None:
    word = docx.Document(every_block)
    code = [p for p in word.paragraphs if p.style.name == "Code"]
    assert [p.text for p in code[:5]] == CODE_LINES
    assert code[5].text == "git status"
    assert word.styles["Code"].font.name == "Courier New"
    colours = {str(r.font.color.rgb) for p in code for r in p.runs if r.font.color.rgb}
    assert len(colours) > 2
    keeps = [p.paragraph_format.keep_with_next for p in code[:5]]
    assert keeps == [True, True, True, True, None]  # one box, never split over pages
    shading = word.styles["Code"].element.pPr.find(qn("w:shd"))
    assert shading.get(qn("w:fill")) == load_theme("default").highlight["background"]


def test_columns_are_a_borderless_table_with_the_image_beside_its_text(every_block) -> None:
    word = docx.Document(every_block)
    table = next(t for t in word.tables if "H2O" in t.rows[0].cells[-1].text)
    image_cell, text_cell = table.rows[0].cells
    assert image_cell._tc.xpath(".//wp:docPr/@descr") == ["Two circles side by side"]
    assert text_cell.paragraphs[0].text.startswith("Water is H2O")
    borders = table._tbl.tblPr.find(qn("w:tblBorders"))
    assert all(side.get(qn("w:val")) == "nil" for side in borders)
    widths = [int(w) for w in table._tbl.xpath("w:tblGrid/w:gridCol/@w:w")]
    assert widths[1] / widths[0] == pytest.approx(3 / 2, rel=0.01)  # widths: [2, 3]


def test_newlines_are_line_breaks_and_blank_lines_new_paragraphs(every_block) -> None:
    word = docx.Document(every_block)
    table = next(t for t in word.tables if "H2O" in t.rows[0].cells[-1].text)
    first, second = table.rows[0].cells[1].paragraphs[:2]
    assert first.text == "Water is H2O; area grows as r2.\nA second line of the same paragraph."
    assert second.text == "A new paragraph."
    scripts = [r.font.subscript or r.font.superscript for r in first.runs if r.text == "2"]
    assert [bool(r.font.subscript) for r in first.runs if r.text == "2"] == [True, False]
    assert scripts == [True, True]


RIGHT_TO_LEFT = """\
title: Directions
sections:
  - heading: עברית
    blocks:
      - text: "ברית היא הסכם **רשמי** בין מדינות, כמו NATO משנת 1949."
      - text: An English paragraph with the Hebrew phrase שלום עולם in it.
      - list: ["פריט ראשון ברשימה", "التحالف اتفاق *رسمي*"]
"""


def test_right_to_left_paragraphs_and_runs_are_marked(tmp_path, build_lesson) -> None:
    """Word set Hebrew and Arabic paragraphs from the left, their list numbers too."""
    word = docx.Document(str(build_lesson(write_lesson(tmp_path, RIGHT_TO_LEFT), "docx")))
    marked = {
        p.text: (p._p.pPr is not None and p._p.pPr.find(qn("w:bidi")) is not None)
        for p in word.paragraphs
    }
    assert marked["עברית"] and marked["ברית היא הסכם רשמי בין מדינות, כמו NATO משנת 1949."]
    assert marked["פריט ראשון ברשימה"] and marked["التحالف اتفاق رسمي"]
    assert not marked["An English paragraph with the Hebrew phrase שלום עולם in it."]
    assert not marked["Directions"]
    runs = {
        run.text: {child.tag.split("}")[1] for child in run._r.rPr or []}
        for p in word.paragraphs
        for run in p.runs
    }
    assert runs["רשמי"] >= {"b", "bCs", "rtl"}  # bold for Hebrew is the complex-script bold
    assert runs["رسمي"] >= {"i", "iCs", "rtl"}
    assert "rtl" in runs["ברית היא הסכם "] and "rtl" not in runs[" בין מדינות, כמו NATO משנת 1949."]
    assert "rtl" not in runs["An English paragraph with the Hebrew phrase שלום עולם in it."]
    sizes = word.styles.element.findall(f".//{qn('w:rPr')}/{qn('w:sz')}")
    assert sizes and all(
        size.getparent().find(qn("w:szCs")).get(qn("w:val")) == size.get(qn("w:val"))
        for size in sizes
    )


def words(element) -> str:
    return "".join(element.xpath(".//w:t/text()"))


def test_a_column_ending_in_a_table_keeps_its_text_in_its_own_cell(tmp_path) -> None:
    """Word needs a paragraph after the last table in a cell. A column's or a box's
    empty first paragraph used to stay above a table that began it, and the space after
    the table filled it, so the cell ended with the table: LibreOffice then drew the
    next column's text under that table, and the box sat a line lower than its row."""
    path = write_lesson(
        tmp_path,
        """title: T
sections:
  - heading: H
    blocks:
      - columns:
          blocks:
            - - text: Left text
            - - table: {header: [A, B], rows: [[a, b]]}
            - - text: Right text
      - columns:
          blocks:
            - - terms: [{term: Alliance, definition: a lasting partnership}]
            - - compare: {columns: [X, Y], rows: [{aspect: Size, values: [big, small]}]}
            - - callout: {kind: tip, text: Tip text}
""",
    )
    word = docx.Document(str(built(path, tmp_path / "out")))
    first, second = (table.tr_lst[0].tc_lst for table in word.element.body.findall(qn("w:tbl")))
    for cell in [*first, *second]:
        content = [child for child in cell if child.tag != qn("w:tcPr")]
        assert content[-1].tag == qn("w:p")
        assert content[0].tag != qn("w:p") or words(content[0])  # no blank line above
    for cell in word.element.body.xpath(".//w:tc"):
        assert [c for c in cell if c.tag != qn("w:tcPr")][-1].tag == qn("w:p")
    assert [words(cell) for cell in first] == ["Left text", "ABab", "Right text"]
    assert "Tip text" in words(second[-1])


def test_boxes_inside_columns_may_break_across_pages(tmp_path) -> None:
    """A box taller than a page inside a column cell must be allowed to split: LibreOffice
    takes minutes to lay out an unsplittable row taller than a page inside a table."""
    long_text = "字" * 1200
    path = write_lesson(
        tmp_path,
        f"""title: T
sections:
  - heading: H
    blocks:
      - callout: {{kind: tip, text: Short}}
      - columns:
          widths: [1, 4, 1]
          blocks:
            - - text: Left
            - - table: {{header: [A, B], rows: [[a, b]]}}
            - - callout: {{kind: example, text: {long_text}}}
""",
    )
    word = docx.Document(str(built(path, tmp_path / "out")))
    outer = word.element.body.findall(qn("w:tbl"))
    assert len(outer) == 2  # the callout box, the columns
    assert outer[0].xpath(".//w:cantSplit")  # a box on the page is kept whole
    columns = outer[1]
    nested = columns.xpath(".//w:tc//w:tbl")
    assert len(nested) == 2  # the table and the callout box
    assert not columns.xpath(".//w:cantSplit")
    assert long_text in "".join(columns.itertext())
