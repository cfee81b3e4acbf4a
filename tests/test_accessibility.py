"""Accessibility read back from the files: contrast of every piece of text against what is
behind it, titles, alt text and descriptions on slides, tagged tables in the handout."""

from __future__ import annotations

from pathlib import Path

import pytest
from pptx import Presentation
from pptx.enum.shapes import MSO_SHAPE_TYPE

from generator.build import BuildOptions, build
from generator.contrast import shortfalls
from generator.errors import LessonError
from generator.theme import available_themes, load_theme, palette_colours

from .conftest import EVERY_BLOCK, SAMPLE
from .contrastread import docx_text, pdf_text, pptx_text, unreadable

THEMES = available_themes()
LESSONS = [SAMPLE, EVERY_BLOCK]


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
