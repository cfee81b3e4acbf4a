"""Every lesson on every template of the corpus in tests/templates/: no crash, a title on
every slide, text measured inside its placeholder, the template's fonts kept, and a deck
LibreOffice opens.

The corpus holds what real organisations' templates do to a renderer (localised layout
names, reordered layouts, no ``idx``, dark masters, bands, tiny boxes, no slide size, no
notes body); its README says which file does what.
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest
from pptx import Presentation
from pptx.oxml.shapes.picture import CT_Picture
from pptx.util import Pt
from pypdf import PdfReader

from generator import textfit
from generator.build import BuildOptions, build
from generator.inline import Run
from generator.renderers import pptx_template
from generator.theme import Font, load_theme

from .conftest import LESSONS, SAMPLE
from .test_pptx import crude_height, frames, master_fonts

TEMPLATES = Path(__file__).resolve().parent / "templates"
WORD_TEMPLATE = TEMPLATES / "de-a4.docx"
TEMPLATE_FILES = sorted([*TEMPLATES.glob("*.pptx"), *TEMPLATES.glob("*.potx")])
LESSON_FILES = [SAMPLE, *sorted(LESSONS.glob("*.yaml"))]
SOFFICE = shutil.which("soffice") or shutil.which("libreoffice")


@pytest.fixture(scope="module")
def decks(tmp_path_factory) -> dict[str, list[Path]]:
    """Each template's decks, one per lesson."""
    folder = tmp_path_factory.mktemp("templated")
    built: dict[str, list[Path]] = {}
    for template in TEMPLATE_FILES:
        out = folder / template.stem
        options = BuildOptions(formats=["pptx"], out_dir=out, references={"pptx": template})
        built[template.name] = [build(lesson, options)[0] for lesson in LESSON_FILES]
    return built


def test_the_corpus_is_varied_enough():
    assert len(TEMPLATE_FILES) >= 15


def measuring_theme(deck_path: Path):
    """The default theme measuring with the deck's own master fonts, as the deck was laid out."""
    deck = Presentation(str(deck_path))
    major, minor = master_fonts(deck, deck.slides[1].slide_layout.slide_master)
    default = load_theme("default")
    fonts = default.fonts.model_copy(
        update={
            "heading": Font(name=major, file=pptx_template.metric_family(major)),
            "body": Font(name=minor, file=pptx_template.metric_family(minor)),
        }
    )
    return default.model_copy(update={"fonts": fonts})


@pytest.mark.parametrize("template", TEMPLATE_FILES, ids=lambda path: path.name)
def test_every_slide_has_its_title_in_the_title_placeholder(decks, template):
    for deck_path in decks[template.name]:
        for number, slide in enumerate(Presentation(str(deck_path)).slides, 1):
            title = slide.shapes.title
            assert title is not None and title.text.strip(), f"{deck_path.name} slide {number}"


@pytest.mark.parametrize("template", TEMPLATE_FILES, ids=lambda path: path.name)
def test_every_text_fits_its_box_on_every_template(decks, template):
    for deck_path in decks[template.name]:
        theme = measuring_theme(deck_path)
        for frame in frames(deck_path, theme):
            measured = textfit.height(frame.paragraphs, frame.width, theme)
            assert measured <= frame.height + 0.01, f"{frame.where}: {measured:.1f}"
            slack = 1.25 * frame.height + frame.paragraphs[0].size * textfit.LINE_SPACING
            assert crude_height(frame.paragraphs, frame.width) <= slack, frame.where


@pytest.mark.parametrize("template", TEMPLATE_FILES, ids=lambda path: path.name)
def test_the_template_keeps_its_fonts(decks, template):
    opened = pptx_template.open_template(template)
    original = [master_fonts(opened.deck, master) for master in opened.deck.slide_masters]
    for deck_path in decks[template.name]:
        deck = Presentation(str(deck_path))
        assert [master_fonts(deck, master) for master in deck.slide_masters] == original
        for slide in deck.slides:
            for shape in slide.shapes:
                if not shape.has_text_frame:
                    continue
                for paragraph in shape.text_frame.paragraphs:
                    for run in paragraph.runs:
                        assert run.font.name in (None, "+mj-lt", "Courier New"), run.text


@pytest.mark.parametrize("template", TEMPLATE_FILES, ids=lambda path: path.name)
def test_template_check_finds_every_corpus_template_usable(template):
    report = pptx_template.check(template)
    assert report.usable, report.lines()
    assert any(line.startswith("text slides: layout") for line in report.uses)
    assert report.fonts and report.boxes


def test_template_check_says_why_a_file_is_not_a_template(tmp_path):
    fake = tmp_path / "house.pptx"
    fake.write_text("not a zip", encoding="utf-8")
    report = pptx_template.check(fake)
    assert not report.usable
    assert "not a PowerPoint presentation or template" in report.problems[0]


@pytest.mark.slow
@pytest.mark.skipif(SOFFICE is None, reason="LibreOffice (soffice) is not installed")
def test_libreoffice_opens_every_templated_deck(decks, tmp_path):
    """One LibreOffice run converts the sample's deck on each template (every lesson's
    would double the slowest test for little more); each PDF has a page per slide."""
    inputs = tmp_path / "in"
    inputs.mkdir()
    expected = {}
    for template, paths in decks.items():
        for path in paths[:1]:
            name = f"{Path(template).stem}--{path.name}"
            shutil.copy(path, inputs / name)
            expected[Path(name).stem] = len(Presentation(str(path)).slides)
    result = subprocess.run(
        [
            SOFFICE,
            f"-env:UserInstallation={(tmp_path / 'profile').as_uri()}",
            "--headless",
            "--convert-to",
            "pdf",
            "--outdir",
            str(tmp_path / "pdf"),
            *sorted(str(path) for path in inputs.iterdir()),
        ],
        capture_output=True,
        text=True,
        timeout=900,
    )
    for stem, slides in expected.items():
        converted = tmp_path / "pdf" / f"{stem}.pdf"
        assert converted.is_file(), f"LibreOffice could not open {stem}: {result.stderr}"
        assert len(PdfReader(converted).pages) == slides, stem


def test_verbose_builds_say_which_layouts_a_template_gives(tmp_path):
    from click.testing import CliRunner

    from generator.cli import main

    template = TEMPLATES / "de-corporate-16x9.pptx"
    args = ["build", str(SAMPLE), "-f", "pptx", "-o", str(tmp_path), "--reference-pptx"]
    result = CliRunner().invoke(main, [*args, str(template), "-v"])
    assert result.exit_code == 0, result.output
    assert "text slides: layout 'Titel und Inhalt' (obj)" in result.output
    quiet = CliRunner().invoke(main, [*args, str(template), "--force"])
    assert "Titel und Inhalt" not in quiet.output


@pytest.mark.parametrize("name", ["en-dark-keynote-16x9.pptx", "pt-escola-dark-16x9.pptx"])
def test_code_reads_on_a_dark_template(tmp_path, name) -> None:
    """Code keeps the theme's light panel and its own colours on a dark template: the
    highlight palette was chosen for that panel, and read on the template's dark one."""
    from pptx.oxml.ns import qn

    from generator.contrast import AA_TEXT, ratio

    lesson = Path(__file__).resolve().parent.parent / "content" / "git-basics.yaml"
    options = BuildOptions(
        formats=["pptx"], out_dir=tmp_path, references={"pptx": TEMPLATES / name}
    )
    (deck,) = build(lesson, options)
    panels = [
        shape
        for slide in Presentation(str(deck)).slides
        for shape in slide.shapes
        if shape.element.xpath("string(.//p:cNvPr/@descr)").startswith("Code")
    ]
    assert len(panels) >= 6  # the lesson's code blocks, some continued
    colours = set()
    for panel in panels:
        fill = panel.element.find(f"{qn('p:spPr')}/{qn('a:solidFill')}/{qn('a:srgbClr')}")
        assert fill is not None, "the panel has the theme's own fill"
        for run in panel.element.iter(qn("a:r")):
            ink = run.find(f"{qn('a:rPr')}/{qn('a:solidFill')}/{qn('a:srgbClr')}")
            assert ink is not None, f"'{run.findtext(qn('a:t'))}' takes the template's colour"
            colours.add(ink.get("val"))
            assert ratio(ink.get("val"), fill.get("val")) >= AA_TEXT, run.findtext(qn("a:t"))
    assert len(colours) > 3  # still highlighted


FOOTER_LESSON = """\
title: {title}
organization: ACME Learning Trust, Curriculum Office
sections:
  - heading: Passwords
    blocks:
      - image: {{src: {image}, alt: Three boxes}}
      - list: [One, Two, Three, Four, Five, Six, Seven, Eight, Nine, Ten, Eleven, Twelve]
"""


@pytest.mark.parametrize("name", ["en-no-idx-16x9.pptx", "fr-universite-4x3.pptx"])
@pytest.mark.parametrize(
    "title",
    [
        "Information Security Awareness for New Employees",
        "Information Security Awareness for New Employees in the Curriculum Office's Schools",
    ],
)
def test_a_long_footer_keeps_to_the_template_footer_box(tmp_path, name, title) -> None:
    """The footer is fitted to the master's footer box, as the template's content keeps
    clear of that box only: smaller, then without the organisation, then cut short."""
    shutil.copy(SAMPLE.parent / "images" / "git-areas.png", tmp_path)
    lesson = tmp_path / "lesson.yaml"
    lesson.write_text(FOOTER_LESSON.format(title=title, image="git-areas.png"), encoding="utf-8")
    options = BuildOptions(
        formats=["pptx"], out_dir=tmp_path / "out", references={"pptx": TEMPLATES / name}
    )
    (deck_path,) = build(lesson, options)
    theme = measuring_theme(deck_path)
    footers = 0
    for number, slide in enumerate(Presentation(str(deck_path)).slides, 1):
        found = [s for s in slide.placeholders if s.placeholder_format.type == 15]
        if not found:
            continue
        footer = found[0]
        footers += 1
        box = pptx_template.rect(footer)
        drawn = pptx_template.placeholder(slide.slide_layout, (footer.placeholder_format.type,))
        assert box == pptx_template.rect(drawn), f"slide {number}: the footer box moved"
        text = footer.text_frame.text
        assert text.startswith(title[:20]) and text.endswith(("Office", title, "…")), text
        left, top, right, bottom = pptx_template.insets(footer)
        size = footer.text_frame.paragraphs[0].runs[0].font.size.pt
        lines = textfit.wrap([Run(text)], size, box.width - left - right, textfit.Fonts(theme))
        assert len(lines) * size * textfit.LINE_SPACING <= max(
            box.height - top - bottom, size * textfit.LINE_SPACING
        ), f"slide {number}: {lines}"
        for shape in slide.shapes:
            if shape.shape_id == footer.shape_id or (
                shape.is_placeholder and shape.placeholder_format.type in (13, 15, 16)
            ):
                continue
            other = pptx_template.rect(shape)
            apart = (
                other.top + other.height <= box.top
                or other.left + other.width <= box.left
                or box.left + box.width <= other.left
            )
            assert apart, f"slide {number}: {shape.name} overlaps the footer"
    assert footers >= 2


def run_cli(*args: str):
    from click.testing import CliRunner

    from generator.cli import main

    return CliRunner().invoke(main, [str(arg) for arg in args])


def test_a_template_saved_under_a_presentation_name_is_a_template(tmp_path) -> None:
    """What a file is comes from its package's content type, not its name: PowerPoint
    itself opens a .potx saved as .pptx."""
    renamed = tmp_path / "house.pptx"
    shutil.copy(TEMPLATES / "de-behoerde-4x3.potx", renamed)
    checked = run_cli("template", "check", renamed)
    assert checked.exit_code == 0 and f"{renamed}: usable" in checked.output, checked.output
    args = ["build", SAMPLE, "-f", "pptx", "-o", tmp_path / "out", "--reference-pptx", renamed]
    built = run_cli(*args)
    assert built.exit_code == 0, built.output
    deck = Presentation(str(tmp_path / "out" / f"{SAMPLE.stem}-deck.pptx"))
    original = pptx_template.open_template(TEMPLATES / "de-behoerde-4x3.potx").deck
    assert [layout.name for layout in deck.slide_layouts] == [
        layout.name for layout in original.slide_layouts
    ]


@pytest.mark.parametrize(
    ("content", "problem"),
    [
        (b"not a zip", "not a PowerPoint presentation or template (.pptx, .potx): not an Office"),
        (None, "a Word file, not a PowerPoint presentation or template (.pptx, .potx)"),
    ],
)
def test_a_file_that_is_no_presentation_is_bad_input_named_by_its_file(
    tmp_path, content, problem
) -> None:
    """Refused with the user's file named (never the library's in-memory copy) and exit
    status 2, as a Word template that is no Word file is."""
    path = tmp_path / "house.pptx"
    if content is None:
        shutil.copy(WORD_TEMPLATE, path)
    else:
        path.write_bytes(content)
    args = ["build", SAMPLE, "-f", "pptx", "-o", tmp_path / "out", "--reference-pptx", path]
    built = run_cli(*args)
    assert built.exit_code == 2, built.output
    assert f"{path}: {problem}" in built.output and "BytesIO" not in built.output
    checked = run_cli("template", "check", path)
    assert checked.exit_code == 1 and problem in checked.output, checked.output
    assert "BytesIO" not in checked.output


@pytest.mark.parametrize(
    ("named", "problem"),
    [
        ("house.docx", "the file 'house.docx': a Word file, not a PowerPoint presentation"),
        ("missing.potx", "the file 'missing.potx' is not in the theme's folder"),
    ],
)
def test_a_theme_naming_a_wrong_or_missing_deck_template_is_refused_at_its_line(
    tmp_path, named, problem
) -> None:
    """Said as the theme loads, at the line that names the file, as bad input (exit 2):
    not blamed on whichever lesson was building when the deck failed."""
    folder = tmp_path / "house"
    folder.mkdir()
    shutil.copy(WORD_TEMPLATE, folder / "house.docx")
    theme = folder / "theme.yaml"
    theme.write_text(f"name: house\nextends: default\nreference_pptx: {named}\n", "utf-8")
    built = run_cli("build", SAMPLE, "-o", tmp_path / "out", "--theme", folder)
    assert built.exit_code == 2, built.output
    assert f"{theme}:3:17: {problem}" in built.output, built.output
    assert not (tmp_path / "out").exists() or not any((tmp_path / "out").iterdir())


def caption_layout_only(path: Path) -> None:
    """Make the template at *path* lose its Two Content and Comparison layouts and keep
    one with two content boxes, the right one rising beside the title and under its end,
    as a Content with Caption layout (objTx) often does."""
    deck = Presentation(str(path))
    layouts = deck.slide_masters[0].slide_layouts
    layouts.remove(
        next(layout for layout in layouts if layout.element.get("type") == "twoTxTwoObj")
    )
    caption = next(layout for layout in layouts if layout.element.get("type") == "twoObj")
    caption.element.set("type", "objTx")
    title = pptx_template.placeholder(caption, pptx_template.TITLES)
    right = pptx_template.placeholders(caption, pptx_template.BODIES)[-1]
    right.top = title.top
    right.height += title.height
    deck.save(str(path))


def test_side_by_side_content_is_never_set_over_the_title(tmp_path) -> None:
    """A layout whose content box runs under the title is no Two Content layout: the
    columns are drawn in boxes on a layout whose content clears the title."""
    path = tmp_path / "caption.pptx"
    shutil.copy(TEMPLATES / "de-corporate-16x9.pptx", path)
    caption_layout_only(path)
    report = pptx_template.check(path)
    assert "side-by-side content: none" in report.uses, report.uses
    lesson = SAMPLE.parent / "git-basics.yaml"
    options = BuildOptions(formats=["pptx"], out_dir=tmp_path / "out", references={"pptx": path})
    (deck_path,) = build(lesson, options)
    for number, slide in enumerate(Presentation(str(deck_path)).slides, 1):
        assert slide.slide_layout.element.get("type") != "objTx", f"slide {number}"
        title = slide.shapes.title
        if title is None:
            continue
        box = pptx_template.rect(title)
        for shape in slide.shapes:
            if shape.shape_id == title.shape_id or not shape.width:
                continue
            other = pptx_template.rect(shape)
            apart = (
                other.top >= box.top + box.height
                or other.top + other.height <= box.top
                or other.left >= box.left + box.width
                or other.left + other.width <= box.left
            )
            assert apart, f"slide {number}: {shape.name} overlaps the title"


def test_a_template_picture_without_alt_text_is_marked_decorative(tmp_path) -> None:
    """A logo on the template's master repeats on every slide; without alt text a screen
    reader announced an unnamed picture on each one, and nothing said so."""
    deck = Presentation(str(TEMPLATES / "en-custom-layouts-16x9.pptx"))
    master = deck.slide_master
    logo = tmp_path / "logo.png"
    logo.write_bytes(
        (Path(__file__).parent.parent / "generator/renderers/placeholder.png").read_bytes()
    )
    _, rId = master.part.get_or_add_image_part(str(logo))
    tree = master.shapes._spTree
    tree.append(CT_Picture.new_pic(900, "Unnamed mark", "", rId, Pt(10), Pt(10), Pt(40), Pt(20)))
    template = tmp_path / "with-logo.pptx"
    deck.save(str(template))

    options = BuildOptions(
        formats=["pptx"], out_dir=tmp_path / "out", references={"pptx": template}
    )
    built = Presentation(str(build(SAMPLE, options)[0]))
    (picture,) = built.slide_master.element.xpath(
        ".//p:pic[p:nvPicPr/p:cNvPr/@name='Unnamed mark']"
    )
    marks = picture.xpath(".//a:ext[@uri='{C183D7F6-B498-43B3-948B-1728B52AA6E4}']/*")
    assert [mark.get("val") for mark in marks] == ["1"]
    report = pptx_template.check(template)
    assert "the slide master: marked 1 picture(s) or shape(s) without alt text as decorative" in (
        report.repairs
    )
