"""Every lesson in content/ builds in every format and every shipped theme, and fits."""

from __future__ import annotations

from pathlib import Path

import docx
import pytest
from pptx import Presentation
from pypdf import PdfReader

from generator import textfit
from generator.build import BuildOptions, build
from generator.theme import available_themes, load_theme

from .conftest import ROOT
from .test_pptx import frames

LESSONS = sorted((ROOT / "content").glob("*.yaml"))
FENCE = "```"


def test_there_is_a_trainers_lesson_with_code_columns_and_notes():
    text = (ROOT / "content" / "git-basics.yaml").read_text(encoding="utf-8")
    assert "code:" in text and "columns:" in text and "notes:" in text


def test_the_content_folder_builds_whole_as_the_readme_and_ci_examples_build_it(tmp_path):
    """`lectern build content`, the README's folder build and its CI examples' command,
    builds every lesson in the repository's own folder: no two of them share an output
    name, and none of them warns."""
    import json

    from click.testing import CliRunner

    from generator.cli import main

    content = ROOT / "content"
    lessons = [path for path in content.iterdir() if path.suffix in (".yaml", ".md")]
    report = tmp_path / "report.json"
    args = ["build", str(content), "-o", str(tmp_path / "out"), "--json", str(report)]
    result = CliRunner().invoke(main, [*args, "--strict"])
    assert result.exit_code == 0, result.output
    totals = json.loads(report.read_text(encoding="utf-8"))["totals"]
    assert totals["written"] == 3 * len(lessons) and totals["lessons"] == len(lessons)
    assert totals["failed"] == totals["errors"] == totals["warnings"] == 0


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> dict[tuple[str, str], list[Path]]:
    out = tmp_path_factory.mktemp("content")
    return {
        (lesson.stem, theme): build(lesson, BuildOptions(out_dir=out / theme, theme=theme))
        for lesson in LESSONS
        for theme in available_themes()
    }


@pytest.mark.parametrize("theme", available_themes())
@pytest.mark.parametrize("lesson", [path.stem for path in LESSONS])
def test_content_builds_fits_and_shows_no_markdown_fences(built, lesson, theme):
    paths = {path.suffix: path for path in built[lesson, theme]}
    assert set(paths) == {".docx", ".pptx", ".pdf"}
    chosen = load_theme(theme)
    checked = 0
    for frame in frames(paths[".pptx"], chosen):
        measured = textfit.height(frame.paragraphs, frame.width, chosen)
        assert measured <= frame.height + 0.01, (
            f"{frame.where}: {measured:.1f} > {frame.height:.1f}"
        )
        checked += 1
    assert checked > 10
    handout = docx.Document(str(paths[".docx"]))
    texts = [p.text for p in handout.paragraphs]
    texts += [cell.text for table in handout.tables for row in table.rows for cell in row.cells]
    deck = Presentation(str(paths[".pptx"]))
    texts += [
        shape.text_frame.text
        for slide in deck.slides
        for shape in slide.shapes
        if shape.has_text_frame
    ]
    code = [
        run.font.size.pt
        for slide in deck.slides
        for shape in slide.shapes
        if shape.has_text_frame
        for paragraph in shape.text_frame.paragraphs
        for run in paragraph.runs
        if run.font.name == chosen.fonts.mono.name
    ]
    assert min(code, default=chosen.size("pptx", "code_min")) >= chosen.size("pptx", "code_min")
    sheet = PdfReader(paths[".pdf"])
    assert len(sheet.pages) == 1
    texts += [page.extract_text() for page in sheet.pages]
    assert not [text for text in texts if FENCE in text]
