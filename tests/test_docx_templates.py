"""Handouts on real-world Word templates (tests/templates/, made by make_docx_templates.py).

Every template builds the sample lesson and the every-block lesson; each result is
reopened to check that its tables and pictures stay inside the text column, that the
template's fonts are kept and Lectern's added styles name none of their own, and that
``lectern template check`` accepts the template. The slow test opens every handout in
LibreOffice (one soffice call) and compares page counts with the default theme's.
"""

from __future__ import annotations

import shutil
import subprocess
import zipfile
from pathlib import Path

import docx
import pytest
from click.testing import CliRunner
from docx.oxml import parse_xml
from docx.oxml.ns import nsdecls, qn
from docx.shared import Mm, Twips
from lxml import etree
from pypdf import PdfReader

import generator
from generator.build import BuildOptions, build
from generator.cli import main
from generator.errors import LessonError
from generator.renderers import docx_template
from generator.textfit import text_width
from generator.theme import load_theme

from .conftest import EVERY_BLOCK, SAMPLE
from .templates import make_docx_templates as script

FOLDER = Path(__file__).resolve().parent / "templates"
TEMPLATES = sorted(p for p in FOLDER.iterdir() if p.suffix in (".docx", ".dotx"))
LESSONS = {"sample": SAMPLE, "every-block": EVERY_BLOCK}
SOFFICE = shutil.which("soffice") or shutil.which("libreoffice")
W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
WP = "{http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing}"
MAX_GROWTH = 1.5  # pages, against the default theme's for the same text room and type size


@pytest.fixture(scope="module")
def handouts(tmp_path_factory) -> dict[tuple[str, str], Path]:
    """(template, lesson) -> the handout built on it; ("default", lesson) on the default theme."""
    out = tmp_path_factory.mktemp("handouts")
    built = {}
    for lesson, path in LESSONS.items():
        (built["default", lesson],) = build(
            path, BuildOptions(formats=["docx"], out_dir=out / "default")
        )
        for template in TEMPLATES:
            options = BuildOptions(
                formats=["docx"], out_dir=out / template.name, references={"docx": template}
            )
            (built[template.name, lesson],) = build(path, options)
    return built


def test_there_are_enough_varied_templates() -> None:
    assert len(TEMPLATES) >= 8
    assert {p.suffix for p in TEMPLATES} == {".docx", ".dotx"}


def test_the_script_makes_the_committed_templates_again(tmp_path) -> None:
    made = script.main(tmp_path, office=False)
    assert len(made) >= 8
    for path in made:
        assert path.read_bytes() == (FOLDER / path.name).read_bytes(), f"{path.name} differs"


# -- what the handouts keep --------------------------------------------------------


def section_of(root: etree._Element) -> etree._Element:
    return root.find(f"{W}body/{W}sectPr")


def attr(element: etree._Element | None, name: str, default: int = 0) -> int:
    value = None if element is None else element.get(W + name)
    return default if value is None else int(value)


def column_width(path: Path) -> int:
    """The handout's text column in twips, read from its section properties."""
    with zipfile.ZipFile(path) as package:
        sect_pr = section_of(etree.fromstring(package.read("word/document.xml")))
    size, margins = sect_pr.find(W + "pgSz"), sect_pr.find(W + "pgMar")
    width = attr(size, "w") - attr(margins, "left") - attr(margins, "right")
    cols = sect_pr.find(W + "cols")
    count = attr(cols, "num", 1)
    return (width - (count - 1) * attr(cols, "space", 720)) // count


@pytest.mark.parametrize("lesson", LESSONS)
@pytest.mark.parametrize("template", TEMPLATES, ids=lambda p: p.name)
def test_tables_and_pictures_stay_in_the_text_column(handouts, template, lesson) -> None:
    path = handouts[template.name, lesson]
    column = column_width(path)
    with zipfile.ZipFile(path) as package:
        body = etree.fromstring(package.read("word/document.xml")).find(W + "body")
    tables = body.findall(W + "tbl")
    assert tables
    for table in tables:
        widths = [attr(col, "w") for col in table.iter(W + "gridCol")]
        indent = attr(table.find(f"{W}tblPr/{W}tblInd"), "w")
        cell_margin = attr(table.find(f"{W}tblPr/{W}tblCellMar/{W}left"), "w")
        # the indent puts the table's edge (not its text) on the margin
        assert sum(widths) + indent - cell_margin <= column + 2, (
            template.name,
            sum(widths),
            column,
        )
    for extent in body.iter(WP + "extent"):
        assert int(extent.get("cx")) <= column * 635 + 635  # EMU


def own_fonts(style) -> dict[str, str]:
    fonts = style.find(f"{qn('w:rPr')}/{qn('w:rFonts')}")
    return {} if fonts is None else dict(fonts.attrib)


def test_the_template_keeps_its_styles_fonts_and_theme(handouts) -> None:
    for template in TEMPLATES:
        after = docx.Document(handouts[template.name, "sample"])
        with zipfile.ZipFile(template) as package:
            styles = etree.fromstring(package.read("word/styles.xml"))
            theme = (
                package.read("word/theme/theme1.xml")
                if "word/theme/theme1.xml" in package.namelist()
                else None
            )
        given = {s.get(W + "styleId"): s for s in styles.iter(W + "style")}
        kept = {s.get(qn("w:styleId")): s for s in after.styles.element.iter(qn("w:style"))}
        for style_id, style in given.items():  # the template's styles, fonts included
            assert own_fonts(kept[style_id]) == own_fonts(style), (template.name, style_id)
        mono = load_theme("default").fonts.mono.name
        for style_id, style in kept.items():  # added ones inherit the template's fonts
            if style_id not in given and style.get(qn("w:type")) == "paragraph":
                named = set(own_fonts(style).values())
                assert named <= {mono}, f"{template.name}: {style_id} names {named}"
        if theme is not None:
            with zipfile.ZipFile(handouts[template.name, "sample"]) as package:
                assert package.read("word/theme/theme1.xml") == theme


def test_added_styles_do_not_inherit_a_prose_normal(handouts) -> None:
    """Japanese and Chinese templates indent, justify and grid their Normal; Lectern's
    table, box and answer styles must not."""
    for name in ("ja-grid.docx", "zh-gov.docx"):
        word = docx.Document(handouts[name, "every-block"])
        normal = word.styles["Normal"]
        assert normal.paragraph_format.alignment is not None  # justified, as the template has it
        for style_name in ("Table Text", "Box Text", "Answer Line", "Question"):
            style = word.styles[style_name]
            chain = []
            while style is not None:
                chain.append(style)
                style = style.base_style
            assert chain[-1].name == "Normal"
            base = chain[-2]
            assert base.name == "Handout Base"
            ppr = base.element.pPr
            assert ppr.find(qn("w:snapToGrid")).get(qn("w:val")) == "0"
            assert ppr.find(qn("w:ind")).get(qn("w:firstLineChars")) == "0"
            assert ppr.find(qn("w:jc")).get(qn("w:val")) == "left"
            for own in chain[:-2]:  # nothing in between puts them back
                own_ppr = own.element.pPr
                if own_ppr is not None:
                    assert own_ppr.find(qn("w:snapToGrid")) is None
                    assert (
                        own_ppr.find(qn("w:jc")) is None
                        or own_ppr.find(qn("w:jc")).get(qn("w:val")) != "both"
                    )


def test_data_tables_take_the_template_table_style(handouts) -> None:
    word = docx.Document(handouts["de-a4.docx", "sample"])
    data = [t for t in word.tables if t._tbl.xpath("w:tr/w:trPr/w:tblHeader")]
    assert data
    for table in data:
        assert table._tbl.xpath("w:tblPr/w:tblStyle/@w:val") == ["Firmentabelle"]
        assert not table._tbl.xpath(".//w:shd")  # the style shades, not Lectern
    header = data[0].rows[0].cells[0].paragraphs[0]
    assert header.style.name == "Table Heading" and header.style.font.color.rgb is None
    plain = docx.Document(handouts["letter-classic.docx", "sample"])
    assert not plain.element.xpath("//w:tblStyle")  # no table style of its own: the theme's look


@pytest.mark.parametrize("name", ["de-a4.docx", "a5-booklet.dotx"])
def test_term_columns_fit_their_longest_term_in_the_template_font(handouts, name) -> None:
    """A template's font is measured with its metric twin, or the wide DejaVu Sans when it
    has none (DejaVu Serif here), at the size the column is set in: no term breaks."""
    assert (
        docx_template.check(FOLDER / name)
        .fonts[-1]
        .startswith("table columns are measured with DejaVuSans")
    )
    word = docx.Document(handouts[name, "every-block"])
    bold = Path(generator.__file__).parent / "fonts" / "DejaVuSans-Bold.ttf"
    size = load_theme("default").size("docx", "table")
    terms = [
        t for t in word.tables if t.rows[0].cells[0].paragraphs[0].style.name == "Table Aspect"
    ]
    assert terms
    for table in terms:
        column = int(table._tbl.xpath("w:tblGrid/w:gridCol/@w:w")[0])
        longest = max(text_width(row.cells[0].text, bold, size) for row in table.rows)
        assert column >= longest * 20 + 2 * 110, (column, longest)


def test_missing_page_setup_is_filled_from_the_theme(handouts) -> None:
    section = docx.Document(handouts["empty-sectpr.docx", "sample"]).sections[0]
    theme = load_theme("default")
    assert round(section.page_width.mm) == 210 and round(section.page_height.mm) == 297
    assert round(section.left_margin.mm) == theme.margins.docx == round(section.top_margin.mm)


@pytest.mark.parametrize(
    ("name", "side"), [("lo-letter.docx", "header"), ("lo-two-columns.docx", "footer")]
)
def test_our_header_and_footer_keep_off_the_page_edge(handouts, name, side) -> None:
    """A template without its own header (or footer) may put it 0 mm from the edge, as
    LibreOffice writes; Lectern's gets the distance of the theme's own pages (10 mm), or
    half the margin when less, so that it prints and the body still clears it."""
    template = docx.Document(str(FOLDER / name)).sections[0]
    assert getattr(template, f"{side}_distance") == 0  # the case at hand
    for lesson in LESSONS:
        page = docx.Document(str(handouts[name, lesson])).sections[0]
        margin = page.top_margin if side == "header" else page.bottom_margin
        distance = getattr(page, f"{side}_distance")
        expected = min(Mm(10), margin // 2)  # in twips, as Word keeps them
        assert abs(distance - expected) <= Twips(1), (lesson, distance.mm, margin.mm)
    report = docx_template.check(FOLDER / name)
    assert any(line.startswith(f"{side} 0 mm from the page edge") for line in report.repairs)


def test_styles_are_found_by_name_or_id_in_any_case(handouts) -> None:
    """`Heading 1` (pandoc, LibreOffice), `heading 1` under id `1` (Japanese Word) and
    `Título 1` over id `Heading1` (a translated template) are all the template's own."""
    for name, heading_id in (
        ("empty-sectpr.docx", "Heading1"),
        ("lo-letter.docx", "Heading1"),
        ("ja-grid.docx", "1"),
        ("zh-gov.docx", "1"),
        ("pt-letter.dotx", "Heading1"),
        ("de-a4.docx", "berschrift1"),
    ):
        word = docx.Document(handouts[name, "sample"])
        ids = {p.style.style_id for p in word.paragraphs if p.text == "Introduction"}
        assert ids == {heading_id}, name
        assert not [
            s
            for s in word.styles
            if s.name in ("Heading 1", "heading 1") and s.style_id != heading_id
        ]


# -- lectern template check ---------------------------------------------------------


@pytest.mark.parametrize("template", TEMPLATES, ids=lambda p: p.name)
def test_template_check_accepts_each_template(template) -> None:
    result = CliRunner().invoke(main, ["template", "check", str(template)])
    assert result.exit_code == 0, result.output
    assert result.output.startswith(f"{template}: usable")
    assert "sections: the template's style" in result.output
    assert "fonts:" in result.output


@pytest.mark.parametrize("name", ["de-behoerde-4x3.potx", "ja-16x9.pptx"])
def test_template_check_sends_decks_to_the_deck_check(name) -> None:
    result = CliRunner().invoke(main, ["template", "check", str(FOLDER / name)])
    assert result.exit_code == 0, result.output
    assert result.output.startswith(f"{FOLDER / name}: usable")
    assert "layout '" in result.output


def test_template_check_reports_columns_repairs_and_fonts() -> None:
    two = docx_template.check(FOLDER / "two-columns.docx")
    assert any("2 text columns" in line for line in two.boxes)
    empty = docx_template.check(FOLDER / "empty-sectpr.docx")
    assert any("no page size" in line for line in empty.repairs)
    chinese = docx_template.check(FOLDER / "zh-gov.docx")
    assert any("FangSong" in line for line in chinese.fonts)
    assert any("first-line indent" in line for line in chinese.repairs)
    german = docx_template.check(FOLDER / "de-a4.docx")
    assert "data tables: the template's table style 'Firmentabelle'" in german.uses


def encrypted(path: Path) -> Path:
    """What Word writes for a password-protected file: a compound file holding the package."""
    header = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(504)
    path.write_bytes(header + "EncryptedPackage".encode("utf-16-le") + bytes(512))
    return path


@pytest.mark.parametrize(
    ("make", "words"),
    [
        (lambda p: p.write_text("not a zip", "utf-8"), "not an Office Open XML package"),
        (encrypted, "password-protected"),
        (
            lambda p: shutil.copy(FOLDER.parent / "lessons" / "images" / "venn.png", p),
            "not an Office",
        ),
    ],
    ids=["text", "encrypted", "picture"],
)
def test_template_check_refuses_what_is_not_a_word_template(tmp_path, make, words) -> None:
    path = tmp_path / "broken.docx"
    make(path)
    result = CliRunner().invoke(main, ["template", "check", str(path)])
    assert result.exit_code == 1
    assert "NOT usable" in result.output and words in result.output
    assert "Traceback" not in result.output


def test_a_damaged_template_is_bad_input_for_the_build_and_the_check(tmp_path) -> None:
    path = tmp_path / "damaged.docx"
    with (
        zipfile.ZipFile(FOLDER / "letter-classic.docx") as source,
        zipfile.ZipFile(path, "w") as out,
    ):
        for entry in source.infolist():
            data = source.read(entry)
            out.writestr(
                entry, data[: len(data) // 2] if entry.filename == "word/styles.xml" else data
            )
    report = docx_template.check(path)
    assert not report.usable and "damaged" in report.problems[0]
    with pytest.raises(LessonError, match="damaged"):
        build(
            EVERY_BLOCK, BuildOptions(formats=["docx"], out_dir=tmp_path, references={"docx": path})
        )


def edited(tmp_path: Path, change) -> Path:
    """letter-classic.docx with *change* applied to its python-docx document."""
    word = docx.Document(str(FOLDER / "letter-classic.docx"))
    change(word)
    path = tmp_path / "edited.docx"
    word.save(str(path))
    return path


def test_margins_that_leave_no_room_are_bad_input(tmp_path) -> None:
    path = edited(tmp_path, lambda word: setattr(word.sections[0], "left_margin", Mm(200)))
    report = docx_template.check(path)
    assert not report.usable and "no room for text" in report.problems[0]
    with pytest.raises(LessonError, match="no room for text"):
        build(
            EVERY_BLOCK, BuildOptions(formats=["docx"], out_dir=tmp_path, references={"docx": path})
        )


def test_a_narrow_column_and_a_lock_are_reported(tmp_path) -> None:
    def change(word) -> None:
        word.sections[0]._sectPr.find(qn("w:cols")).set(qn("w:num"), "4")
        word.settings.element.append(
            parse_xml(f'<w:documentProtection {nsdecls("w")} w:edit="forms" w:enforcement="1"/>')
        )

    report = docx_template.check(edited(tmp_path, change))
    assert report.usable
    assert any("4 text columns" in line for line in report.boxes)
    assert any("mm wide: tables with several columns" in line for line in report.warnings)
    assert any("editing is restricted" in line for line in report.repairs)


def test_a_pptx_renamed_docx_is_named_for_what_it_is(tmp_path) -> None:
    from pptx import Presentation

    path = tmp_path / "slides.docx"
    Presentation().save(str(path))
    report = docx_template.check(path)
    assert not report.usable and "a PowerPoint file" in report.problems[0]
    with pytest.raises(LessonError, match="a PowerPoint file"):
        build(
            EVERY_BLOCK, BuildOptions(formats=["docx"], out_dir=tmp_path, references={"docx": path})
        )


def test_template_check_takes_only_office_files(tmp_path) -> None:
    path = tmp_path / "notes.txt"
    path.write_text("x", "utf-8")
    result = CliRunner().invoke(main, ["template", "check", str(path)])
    assert result.exit_code == 2 and "not a .docx" in result.output


# -- LibreOffice --------------------------------------------------------------------


def body_size(path: Path) -> float:
    """The size of body text in points: Normal's own, else the document default, else 10."""
    word = docx.Document(path)
    size = word.styles["Normal"].font.size
    if size is None:
        found = word.styles.element.xpath("w:docDefaults/w:rPrDefault/w:rPr/w:sz/@w:val")
        return int(found[0]) / 2 if found else 10
    return size.pt


def text_area(path: Path) -> float:
    section = docx.Document(path).sections[0]
    width = section.page_width - section.left_margin - section.right_margin
    return width * (section.page_height - section.top_margin - section.bottom_margin)


@pytest.mark.slow
@pytest.mark.skipif(SOFFICE is None, reason="LibreOffice (soffice) is not installed")
def test_libreoffice_opens_every_handout_without_blowing_up_the_pages(handouts, tmp_path) -> None:
    """One soffice call converts every handout. On the sample, a template gives at most
    1.5x the default theme's pages, once its own text room and body size are allowed for
    (an A5 page holds half as much; 16 pt body text needs more pages than 11 pt)."""
    files = tmp_path / "in"
    files.mkdir()
    names = {}
    for (template, lesson), path in handouts.items():
        name = f"{Path(template).stem}--{lesson}.docx"
        shutil.copy(path, files / name)
        names[template, lesson] = name
    result = subprocess.run(
        [
            SOFFICE,
            f"-env:UserInstallation={(tmp_path / 'profile').as_uri()}",
            "--headless",
            "--convert-to",
            "pdf",
            "--outdir",
            str(tmp_path / "pdf"),
            *sorted(str(p) for p in files.iterdir()),
        ],
        capture_output=True,
        text=True,
        timeout=600,
    )
    pages = {}
    for key, name in names.items():
        pdf = tmp_path / "pdf" / name.replace(".docx", ".pdf")
        assert pdf.is_file(), f"LibreOffice could not open {name}:\n{result.stdout}{result.stderr}"
        pages[key] = len(PdfReader(str(pdf)).pages)
        assert pages[key] >= 1
    default = handouts["default", "sample"]
    for template in TEMPLATES:
        path = handouts[template.name, "sample"]
        scale = (text_area(default) / text_area(path)) * (body_size(path) / body_size(default))
        allowed = MAX_GROWTH * pages["default", "sample"] * scale
        assert pages[template.name, "sample"] <= allowed, (template.name, pages, allowed)


@pytest.mark.slow
@pytest.mark.skipif(SOFFICE is None, reason="LibreOffice (soffice) is not installed")
def test_the_script_makes_the_libreoffice_templates_again(tmp_path) -> None:
    """LibreOffice's own output may change between its versions; what the tests rely on
    (style names and ids, the page setup) must not."""
    made = [p for p in script.main(tmp_path) if p.name.startswith("lo-")]
    assert made
    for path in made:
        for part in ("word/styles.xml", "word/document.xml"):
            assert summary(path, part) == summary(FOLDER / path.name, part), (path.name, part)


def summary(path: Path, part: str) -> list[str]:
    with zipfile.ZipFile(path) as package:
        root = etree.fromstring(package.read(part))
    if part.endswith("styles.xml"):
        return [
            f"{s.get(W + 'styleId')}={s.find(W + 'name').get(W + 'val')}"
            for s in root.iter(W + "style")
        ]
    return [etree.tostring(child).decode() for child in section_of(root)]


def test_a_header_picture_without_alt_text_is_marked_decorative(tmp_path):
    """A logo in the template's header repeats on every page; without alt text a screen
    reader announced an unnamed picture each time, and nothing said so."""
    word = docx.Document(str(FOLDER / "de-a4.docx"))
    logo = Path(generator.__file__).parent / "renderers" / "placeholder.png"
    word.sections[0].header.paragraphs[0].add_run().add_picture(str(logo), width=Mm(20))
    template = tmp_path / "with-logo.docx"
    word.save(str(template))

    options = BuildOptions(
        formats=["docx"], out_dir=tmp_path / "out", references={"docx": template}
    )
    with zipfile.ZipFile(build(SAMPLE, options)[0]) as package:
        headers = [etree.fromstring(package.read(n)) for n in package.namelist() if "header" in n]
    pictures = [picture for header in headers for picture in header.iter(f"{WP}docPr")]
    assert pictures
    for picture in pictures:
        marks = picture.xpath(".//*[local-name()='decorative']/@val")
        assert (picture.get("descr") or "").strip() or marks == ["1"]
    marked = (
        f"headers and footers: marked {len(pictures)} picture(s) without alt text as decorative"
    )
    assert marked in docx_template.check(template).repairs
