"""The WordprocessingML helpers a user's template goes through: style look-up, page setup."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import docx
import pytest
from docx.oxml import parse_xml
from docx.oxml.ns import nsdecls, qn
from docx.shared import Mm, Twips

from generator.renderers.wordml import Styles, open_reference, page_of, repair_page


def styled(*styles: tuple[str, str, str]):
    """A document whose styles are exactly (type, id, name) triples."""
    word = docx.Document()
    root = word.styles.element
    for old in root.findall(qn("w:style")):
        root.remove(old)
    for kind, style_id, name in styles:
        root.append(
            parse_xml(
                f'<w:style {nsdecls("w")} w:type="{kind}" w:styleId="{style_id}">'
                f'<w:name w:val="{name}"/></w:style>'
            )
        )
    return word


@pytest.mark.parametrize(
    ("style_id", "name"),
    [
        ("Heading1", "Heading 1"),  # pandoc, LibreOffice
        ("berschrift1", "heading 1"),  # German Word
        ("1", "HEADING 1"),  # any case
        ("Heading1", "Título 1"),  # a translated name: the id says what it is
        ("heading 1", "Kopf"),  # an id with its space
    ],
)
def test_a_style_is_found_by_name_or_id_in_any_case(style_id, name) -> None:
    styles = Styles(styled(("paragraph", style_id, name)))
    found = styles.find("Heading 1")
    assert found is not None and found.styleId == style_id


def test_a_style_of_another_kind_is_not_taken() -> None:
    styles = Styles(styled(("table", "Quote", "Quote"), ("character", "Title", "Title")))
    assert styles.find("Quote") is None and styles.find("Title") is None
    assert styles.find("Title", "character").styleId == "Title"


def test_an_added_style_gets_an_id_no_other_style_has() -> None:
    styles = Styles(styled(("paragraph", "Meta", "Something else")))
    added = styles.add("Meta", "paragraph")
    assert added.styleId == "Meta2"
    assert styles.find("Meta") is added


def test_the_template_table_style_is_its_default_one_else_its_first_custom_one() -> None:
    word = styled(("table", "TableNormal", "Normal Table"), ("table", "House", "House"))
    plain, house = word.styles.element.findall(qn("w:style"))
    plain.set(qn("w:default"), "1")
    assert Styles(word).table_style() is None  # Word's plain default is no house style
    house.set(qn("w:customStyle"), "1")
    assert Styles(word).table_style().styleId == "House"
    plain.attrib.pop(qn("w:default"))
    house.attrib.pop(qn("w:customStyle"))
    house.set(qn("w:default"), "1")
    assert Styles(word).table_style().styleId == "House"


def section_with(xml: str):
    word = docx.Document()
    sect_pr = word.sections[0]._sectPr
    for child in list(sect_pr):
        sect_pr.remove(child)
    for child in parse_xml(f"<w:sectPr {nsdecls('w')}>{xml}</w:sectPr>"):
        sect_pr.append(child)
    return word.sections[0]


PAGE = '<w:pgSz w:w="11906" w:h="16838"/><w:pgMar w:top="1000" w:right="1000" w:bottom="1000" w:left="906" w:header="500" w:footer="500" w:gutter="0"/>'


@pytest.mark.parametrize(
    ("cols", "columns", "width"),
    [
        ("", 1, 10000),
        ('<w:cols w:space="720"/>', 1, 10000),
        ('<w:cols w:num="2" w:space="1000"/>', 2, 4500),
        ('<w:cols w:num="3"/>', 3, (10000 - 2 * 720) // 3),  # the schema's default gap
        (
            '<w:cols w:num="2" w:equalWidth="0"><w:col w:w="6000" w:space="500"/>'
            '<w:col w:w="3500"/></w:cols>',
            2,
            3500,
        ),
    ],
)
def test_the_text_column_is_the_narrowest_column(cols, columns, width) -> None:
    page = page_of(section_with(PAGE + cols))
    assert page.text_width == Twips(10000)
    assert (page.columns, page.column_width.twips) == (columns, width)


def test_a_gutter_narrows_the_text() -> None:
    page = page_of(section_with(PAGE.replace('w:gutter="0"', 'w:gutter="600"')))
    assert (page.text_width.twips, page.column_width.twips) == (9400, 9400)


def test_a_missing_page_size_and_margins_are_filled_in_and_said() -> None:
    section = section_with("")
    repairs = repair_page(section, (Mm(210), Mm(297)), Mm(20))
    assert repairs == [
        "no page size: 210 × 297 mm used",
        "no top, right, bottom, left margins: 20 mm used",
    ]
    page = page_of(section)
    assert (round(page.width.mm), round(page.height.mm), round(page.left.mm)) == (210, 297, 20)
    assert round(section.header_distance.mm) == 10


def test_a_complete_page_setup_is_left_alone() -> None:
    section = section_with(PAGE)
    assert repair_page(section, (Mm(100), Mm(100)), Mm(5)) == []
    assert section.page_width == Twips(11906)


def test_a_template_without_section_properties_gets_them(tmp_path) -> None:
    word = docx.Document()
    body = word.element.body
    body.remove(body.find(qn("w:sectPr")))
    path = tmp_path / "no-section.docx"
    word.save(str(path))
    opened, repairs = open_reference(path)
    assert repairs == ["no section properties: added"]
    assert opened.element.body.find(qn("w:sectPr")) is not None


def test_a_template_without_a_body_is_refused(tmp_path) -> None:
    buffer = io.BytesIO()
    docx.Document().save(buffer)
    path = tmp_path / "no-body.docx"
    with (
        zipfile.ZipFile(io.BytesIO(buffer.getvalue())) as source,
        zipfile.ZipFile(path, "w") as out,
    ):
        for entry in source.infolist():
            data = source.read(entry)
            if entry.filename == "word/document.xml":
                data = f"<w:document {nsdecls('w')}/>".encode()
            out.writestr(entry, data)
    with pytest.raises(ValueError, match="no body"):
        open_reference(Path(path))


def test_a_template_locked_for_editing_is_unlocked(tmp_path) -> None:
    word = docx.Document()
    settings = word.settings.element
    settings.append(
        parse_xml(f'<w:documentProtection {nsdecls("w")} w:edit="readOnly" w:enforcement="1"/>')
    )
    path = tmp_path / "locked.docx"
    word.save(str(path))
    opened, repairs = open_reference(path)
    assert repairs == [
        "editing is restricted (document protection): removed, so the handout can be edited"
    ]
    assert opened.settings.element.find(qn("w:documentProtection")) is None
