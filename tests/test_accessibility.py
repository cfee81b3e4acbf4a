"""Accessibility read back from the files: contrast of every piece of text against what is
behind it, titles, alt text and descriptions on slides, tagged tables in the handout."""

from __future__ import annotations

import shutil
from pathlib import Path

import docx
import pytest
from click.testing import CliRunner
from docx.shared import RGBColor
from pdfua import validate
from pptx import Presentation
from pptx.enum.shapes import MSO_SHAPE_TYPE
from pypdf import PdfReader

from generator.build import BuildOptions, build
from generator.cli import main
from generator.contrast import shortfalls
from generator.errors import LessonError
from generator.load import load_lesson
from generator.theme import available_themes, load_theme, palette_colours

from .conftest import EVERY_BLOCK, SAMPLE, write_lesson
from .contrastread import docx_text, pdf_text, pptx_text, unreadable
from .pdfstructure import structure, untagged

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
THEMES = available_themes()
LESSONS = [SAMPLE, *sorted(EVERY_BLOCK.parent.glob("*.yaml"))]  # the sample and tests/lessons/*


@pytest.fixture(scope="module")
def outputs(tmp_path_factory) -> dict[tuple[str, str], dict[str, Path]]:
    """Every lesson in every shipped theme, all three formats, built once."""
    built = {}
    for theme in THEMES:
        for lesson in LESSONS:
            out = tmp_path_factory.mktemp(f"{theme}-{lesson.stem}")
            files = build(lesson, BuildOptions(out_dir=out, theme=theme))
            built[theme, lesson.stem] = {path.suffix.lstrip("."): path for path in files}
    return built


@pytest.mark.parametrize("name", THEMES)
def test_each_shipped_theme_reads_on_every_fill(name):
    assert shortfalls(palette_colours(load_theme(name).palette)) == []


def test_a_too_light_accent_is_refused_where_it_is_set(tmp_path):
    folder = tmp_path / "pale"
    folder.mkdir()
    (folder / "theme.yaml").write_text(
        "name: pale\nextends: default\npalette:\n  accent: 'FACC15'\n", encoding="utf-8"
    )
    with pytest.raises(LessonError) as caught:
        load_theme(str(folder))
    first = caught.value.problems[0]
    assert first.path == folder.resolve() / "theme.yaml" and first.line == 4
    assert "palette.accent_text FACC15 on palette.background FFFFFF is 1.53:1" in str(first)
    assert "4.5:1" in str(first)


def test_a_text_accent_of_its_own_passes(tmp_path):
    folder = tmp_path / "gold"
    folder.mkdir()
    (folder / "theme.yaml").write_text(
        "name: gold\nextends: default\npalette: {accent: 'FACC15', accent_text: '713F12'}\n",
        encoding="utf-8",
    )
    palette = load_theme(str(folder)).palette
    assert (palette.accent, palette.accent_text) == ("FACC15", "713F12")


@pytest.mark.parametrize("theme", THEMES)
@pytest.mark.parametrize("fmt", ["docx", "pptx", "pdf"])
def test_all_text_in_the_outputs_reads_on_its_background(outputs, theme, fmt):
    read = {"docx": docx_text, "pptx": pptx_text, "pdf": pdf_text}[fmt]
    for lesson in LESSONS:
        seen = list(read(outputs[theme, lesson.stem][fmt]))
        assert len(seen) > 20  # the reader found the text
        assert unreadable(iter(seen)) == [], f"{lesson.stem} in {theme}"


def _undescribed(shapes) -> list[str]:
    """Shapes a screen reader meets with nothing to say: not placeholders or text boxes,
    with neither alt text nor the decorative mark."""
    found = []
    for shape in shapes:
        element = shape._element
        if shape.is_placeholder or element.xpath("./p:nvSpPr/p:cNvSpPr[@txBox='1']"):
            continue
        name = element.xpath("./*[1]/p:cNvPr")[0]
        decorative = name.xpath(".//*[local-name()='decorative'][@val='1']")
        if not (name.get("descr") or "").strip() and not decorative:
            found.append(shape.name)
    return found


@pytest.mark.parametrize("theme", THEMES)
def test_every_deck_is_titled_described_and_labelled(outputs, theme):
    for lesson in LESSONS:
        deck = Presentation(str(outputs[theme, lesson.stem]["pptx"]))
        untitled = [i for i, s in enumerate(deck.slides, 1) if not s.shapes.title.text.strip()]
        assert untitled == [], f"{lesson.stem}: slides without a title"
        pictures = [
            shape
            for slide in deck.slides
            for shape in slide.shapes
            if shape.shape_type == MSO_SHAPE_TYPE.PICTURE
        ]
        assert pictures or lesson != EVERY_BLOCK  # every-block.yaml has an image
        assert all(p._element.xpath("string(./*[1]/p:cNvPr/@descr)") for p in pictures)
        holders = [*deck.slides, deck.slide_master, *deck.slide_master.slide_layouts]
        for holder in holders:
            assert _undescribed(holder.shapes) == [], f"{lesson.stem}: {holder.name}"


@pytest.mark.parametrize("theme", THEMES)
def test_a_compare_table_names_its_aspect_column(outputs, theme):
    deck = Presentation(str(outputs[theme, SAMPLE.stem]["pptx"]))
    tables = [s for slide in deck.slides for s in slide.shapes if s.has_table]
    compare = next(t for t in tables if t.table.first_col)
    assert compare.table.first_row
    assert compare.table.cell(0, 0).text == load_theme(theme).text["aspect_header"] == "Aspect"
    assert compare._element.xpath("string(./*[1]/p:cNvPr/@descr)")


def _tables(path: Path) -> list[dict[str, object]]:
    """Each handout table's look, caption, description and header rows, read back."""
    body = docx.Document(str(path)).element.body
    found = []
    for table in body.iter(f"{W}tbl"):
        properties = table.find(f"{W}tblPr")

        def value(tag: str, attribute: str = "val", properties=properties) -> str | None:
            element = properties.find(f"{W}{tag}")
            return None if element is None else element.get(f"{W}{attribute}")

        found.append(
            {
                "first_row": value("tblLook", "firstRow"),
                "first_column": value("tblLook", "firstColumn"),
                "caption": value("tblCaption"),
                "description": value("tblDescription") or "",
                "headers": len(table.findall(f"{W}tr/{W}trPr/{W}tblHeader")),
            }
        )
    return found


@pytest.mark.parametrize("theme", THEMES)
def test_handout_tables_say_whether_they_hold_data(outputs, theme):
    tables = _tables(outputs[theme, EVERY_BLOCK.stem]["docx"])
    data = [t for t in tables if t["first_row"] == "1"]
    layout = [t for t in tables if t["first_row"] == "0"]
    assert len(data) + len(layout) == len(tables)
    assert len(data) == 2  # the compare table and the plain table
    assert {t["caption"] for t in data} == {"Cats vs. dogs", None}  # only one has a title
    assert all(t["headers"] == 1 and "columns" in t["description"] for t in data)
    assert [t["first_column"] for t in data] == ["1", "0"]  # aspects are row headers
    # objectives box, terms, the callouts and the glossary
    assert len(layout) >= 4
    assert all(t["headers"] == 0 and t["first_column"] == "0" for t in layout)
    assert all(t["description"].startswith("Layout table") for t in layout)


@pytest.mark.parametrize("theme", THEMES)
def test_every_handout_image_has_alt_text(outputs, theme):
    for lesson in LESSONS:
        body = docx.Document(str(outputs[theme, lesson.stem]["docx"])).element.body
        pictures = body.xpath(".//wp:docPr")
        assert all(p.get("descr", "").strip() for p in pictures)
        assert pictures or lesson != EVERY_BLOCK


@pytest.mark.parametrize("theme", THEMES)
def test_every_cheat_sheet_is_tagged_pdf_ua(outputs, theme):
    for lesson in LESSONS:
        sheet = outputs[theme, lesson.stem]["pdf"]
        report = validate(str(sheet))
        assert [f"{f.rule_id}: {f.message}" for f in report.findings] == [], lesson.stem
        assert untagged(sheet) == [], lesson.stem
        reader = PdfReader(str(sheet))
        catalog = reader.trailer["/Root"]
        assert catalog["/MarkInfo"]["/Marked"]
        language = load_lesson(lesson).document.language
        assert catalog["/Lang"] == language and catalog["/ViewerPreferences"]["/DisplayDocTitle"]
        xmp = catalog["/Metadata"].get_object().get_data().decode()
        assert "<pdfuaid:part>1</pdfuaid:part>" in xmp and "<dc:title>" in xmp
        numbers = catalog["/StructTreeRoot"]["/ParentTree"]["/Nums"]
        parents = {numbers[i]: numbers[i + 1].get_object() for i in range(0, len(numbers), 2)}
        for page in reader.pages:
            assert page["/Tabs"] == "/S" and "/StructParents" in page
            assert isinstance(parents[page["/StructParents"]], list)  # its marked content
            fonts = page["/Resources"]["/Font"].values()
            assert all("/ToUnicode" in font.get_object() for font in fonts)  # text is readable
            for reference in page.get("/Annots", []):
                annotation = reference.get_object()
                assert annotation["/Contents"] and "/StructParent" in annotation
                link = parents[annotation["/StructParent"]]  # the element that owns it
                assert link["/S"] == "/Link"
                assert link["/K"][0].raw_get("/Obj").idnum == reference.idnum


def test_the_structure_tree_follows_the_lesson(outputs):
    tree = structure(outputs["default", EVERY_BLOCK.stem]["pdf"])
    kinds = [kind for _, kind, _ in tree]
    assert kinds[0] == "/Document" and kinds[1] == "/H1"  # the title first
    for kind in ("/H2", "/P", "/L", "/LI", "/LBody", "/Table", "/TR", "/TH", "/TD", "/Quote"):
        assert kind in kinds, kind
    assert "/Code" in kinds  # code boxes are read as code, not skipped as decoration
    figures = [entries for _, kind, entries in tree if kind == "/Figure"]
    alts = ["Two overlapping circles", "Two circles side by side", "A small picture"]
    assert [f["/Alt"] for f in figures] == alts  # in lesson order, the one in columns too
    scopes = {str(e["/A"]["/Scope"]) for _, kind, e in tree if kind == "/TH"}
    assert scopes == {"/Column", "/Row"}  # header row, and the compare table's aspects
    links = [e for _, kind, e in tree if kind == "/Link"]
    assert links and all(link["/K"][0]["/Type"] == "/OBJR" for link in links)
    # reading order: the headings in the order the lesson gives its sections
    headings = [e for _, kind, e in tree if kind == "/H2"]
    assert len(headings) >= 4


def test_sheet_text_reads_in_lesson_order(outputs):
    """Column by column: the sample's sections come out of the page in the lesson's order,
    and the structure tree visits the page's marked content in that same order."""
    sheet = outputs["default", SAMPLE.stem]["pdf"]
    text = "".join(page.extract_text() for page in PdfReader(str(sheet)).pages)
    start = text.index(load_lesson(SAMPLE).document.title.plain)
    for section in load_lesson(SAMPLE).document.sections:
        start = text.index(section.heading.plain, start)  # raises when out of order
    mcids = [e["/K"] for _, _, e in structure(sheet) if isinstance(e.get("/K"), int)]
    assert mcids == sorted(mcids) and len(mcids) > 20


def test_check_accessibility_reports_what_an_author_can_fix(tmp_path):
    (tmp_path / "images").mkdir()
    shutil.copy(EVERY_BLOCK.parent / "images" / "venn.png", tmp_path / "images" / "venn.png")
    long_alt = "A diagram " + "with many overlapping labelled regions " * 5
    lesson = write_lesson(
        tmp_path,
        f"""title: Sets
sections:
  - heading: One
    blocks:
      - text: For the rules, [click here](https://example.org/rules).
      - text: Learn the words in red before the test.
      - image: {{src: images/venn.png, alt: venn.png}}
      - image: {{src: images/venn.png, alt: Two circles, caption: Two circles}}
      - image: {{src: images/venn.png, alt: "{long_alt}"}}
    sections:
      - heading: Two
        sections:
          - heading: Three
            sections:
              - heading: Four
                blocks:
                  - text: Deep down.
""",
    )
    result = CliRunner().invoke(main, ["check", "--accessibility", str(lesson)])
    assert result.exit_code == 1
    lines = result.output.splitlines()
    expected = [
        (5, "link text 'click here'"),
        (6, "'in red' points at a colour"),
        (7, "only repeats the file name"),
        (8, "repeats the caption"),
        (9, f"alt text is {len(long_alt.strip())} characters"),
        (15, "heading at level 4"),
    ]
    for line, words in expected:
        assert any(x.startswith(f"{lesson}:{line}:") and words in x for x in lines), words
    assert any("theme 'default'" in x and "4.5:1" in x for x in lines)


def test_check_accessibility_passes_the_sample():
    result = CliRunner().invoke(main, ["check", "--accessibility", str(SAMPLE)])
    assert result.exit_code == 0, result.output
    assert "accessibility problem" not in result.output
    assert "every text colour reads on its backgrounds" in result.output


def test_a_reference_handout_template_in_faint_colours_is_warned_about(tmp_path):
    template = docx.Document()
    template.styles["Normal"].font.color.rgb = RGBColor(0xBB, 0xBB, 0xBB)
    reference = tmp_path / "faint.docx"
    template.save(str(reference))
    options = BuildOptions(formats=["docx"], out_dir=tmp_path, references={"docx": reference})
    with pytest.warns(UserWarning, match=r"style 'Normal' sets text in BBBBBB, 1\.9\d:1"):
        (handout,) = build(SAMPLE, options)
    assert handout.is_file()  # a warning, not a failure


def test_a_faint_template_style_is_warned_about_only_where_the_handout_uses_it(tmp_path):
    """A faint Caption matters to a handout with pictures, not to one without; a style
    that only inherits the faint colour (Heading 2 from Heading 1) is faint too."""
    import warnings

    template = docx.Document()
    template.styles["Caption"].font.color.rgb = RGBColor(0xAA, 0xAA, 0xAA)
    template.styles["Heading 1"].font.color.rgb = RGBColor(0xAA, 0xAA, 0xAA)
    template.styles["Heading 2"].font.color.rgb = None  # inherits Heading 1's
    template.styles["Heading 2"].base_style = template.styles["Heading 1"]
    reference = tmp_path / "faint.docx"
    template.save(str(reference))
    options = BuildOptions(formats=["docx"], out_dir=tmp_path, references={"docx": reference})
    picture = Path(EVERY_BLOCK).parent / "images" / "venn.png"
    shutil.copy(picture, tmp_path / "venn.png")
    blocks = "      - text: Words.\n"
    pictured = blocks + "      - image: {src: venn.png, alt: Two circles, caption: Two sets}\n"
    said = {}
    for name, body in (("plain", blocks), ("pictured", pictured)):
        lesson = write_lesson(
            tmp_path,
            f"title: T\nsections:\n  - heading: H\n    blocks:\n{body}"
            "    sections:\n      - heading: Sub\n        blocks: [{text: More.}]\n",
            f"{name}.yaml",
        )
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            build(lesson, options)
        said[name] = {str(w.message).split("'")[1] for w in caught if "WCAG" in str(w.message)}
    assert said["plain"] == {"Heading 1", "Heading 2"}
    assert said["pictured"] == {"Heading 1", "Heading 2", "Caption"}


def test_a_deck_template_s_table_header_colours_are_warned_about_only_with_a_table(tmp_path):
    """A template without a table style gets header colours of our choosing; when even the
    best of its scheme reads poorly there, a deck with a table is warned, one without is
    not (it never shows them)."""
    import re
    import warnings
    import zipfile

    source = Path(__file__).resolve().parent / "templates" / "en-minimal-4x3.pptx"
    reference = tmp_path / "grey-accents.pptx"
    greys = {"dk1": "333333", "dk2": "8A8A8A", "lt2": "EEEEEE", "accent1": "8A8A8A"}
    greys["accent2"] = "8A8A8A"  # headers in mid grey: neither text colour reads on it
    with zipfile.ZipFile(source) as old, zipfile.ZipFile(reference, "w") as new:
        for item in old.infolist():
            data = old.read(item)
            if item.filename.startswith("ppt/theme/"):
                text = data.decode("utf-8")
                for slot, colour in greys.items():
                    text = re.sub(
                        rf"<a:{slot}>.*?</a:{slot}>",
                        f'<a:{slot}><a:srgbClr val="{colour}"/></a:{slot}>',
                        text,
                    )
                data = text.encode("utf-8")
            new.writestr(item, data)
    options = BuildOptions(formats=["pptx"], out_dir=tmp_path, references={"pptx": reference})
    table = "      - table: {header: [A, B], rows: [[one, two]]}\n"
    said = {}
    for name, body in (("plain", "      - text: Words.\n"), ("tabled", table)):
        lesson = write_lesson(
            tmp_path, f"title: T\nsections:\n  - heading: H\n    blocks:\n{body}", f"{name}.yaml"
        )
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            (deck,) = build(lesson, options)
        said[name] = [str(w.message) for w in caught if "table header" in str(w.message)]
        assert deck.is_file()  # a warning, not a failure
    assert said["plain"] == []
    assert len(said["tabled"]) == 1
    assert "333333 on 8A8A8A" in said["tabled"][0]
