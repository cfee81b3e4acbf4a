"""Fast start: commands that render nothing never import the Office and PDF libraries."""

from __future__ import annotations

import subprocess
import sys

import pytest

from .conftest import EVERY_BLOCK, ROOT, SAMPLE

HEAVY = ("docx", "pptx", "reportlab", "PIL", "lxml")

PROBE = """\
import sys
from generator.cli import main
try:
    main(sys.argv[1:])
except SystemExit:
    pass
print(" ".join(sorted({name.split(".")[0] for name in sys.modules})), file=sys.stderr)
"""


def fresh_python(code: str, *args: str) -> subprocess.CompletedProcess[str]:
    """*code* run with *args* in a new interpreter, so nothing is imported or read yet."""
    return subprocess.run(
        [sys.executable, "-c", code, *args],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env={"PYTHONPATH": str(ROOT), "PATH": ""},
        check=True,
    )


@pytest.mark.parametrize(
    "args", [["--help"], ["formats"], ["check", str(SAMPLE)], ["build", "--help"]]
)
def test_commands_that_render_nothing_import_no_heavy_library(args):
    result = fresh_python(PROBE, *args)
    imported = set(result.stderr.split())
    assert "generator" in imported  # the probe really ran the command
    assert imported.isdisjoint(HEAVY), imported & set(HEAVY)


def test_checking_pictures_leaves_the_image_library_to_the_workers():
    """`check` lays every output out in worker processes, which also decode the pictures;
    the process that reports imports none of the heavy libraries, pictures or not."""
    result = fresh_python(PROBE, "check", str(EVERY_BLOCK))
    imported = set(result.stderr.split())
    assert "generator" in imported and imported.isdisjoint(HEAVY), imported & set(HEAVY)


MATH_LIBRARIES = {"latex2mathml", "ziamath", "ziafont"}


@pytest.mark.parametrize(
    ("lesson", "imports_math"),
    [(SAMPLE, False), (ROOT / "content" / "forces-and-formulas.yaml", True)],
)
def test_the_math_libraries_are_imported_by_the_first_formula(tmp_path, lesson, imports_math):
    """A lesson without equations builds all three formats without importing the
    libraries that read and draw them (about a quarter of a cold build's time)."""
    result = fresh_python(PROBE, "build", str(lesson), "-o", str(tmp_path), "-j", "1")
    imported = set(result.stderr.split())
    assert {"docx", "pptx", "reportlab"} <= imported  # every format was really built
    assert (imported >= MATH_LIBRARIES) is imports_math, imported & MATH_LIBRARIES
    assert imported.isdisjoint(MATH_LIBRARIES) is not imports_math


FONTS_READ = """\
import sys
from pathlib import Path
from reportlab.pdfbase import pdfmetrics
from generator.build import BuildOptions, build
from generator.textfit import UnreadFont
build(Path(sys.argv[1]), BuildOptions(formats=["pdf"], out_dir=Path(sys.argv[2])))
fonts = [font for font in pdfmetrics._fonts.values() if isinstance(font, UnreadFont)]
print("registered", *sorted(Path(font.path).name for font in fonts))
print("read", *sorted(Path(font.path).name for font in fonts if "charWidths" in vars(font.face)))
"""


@pytest.mark.parametrize(
    ("lesson", "mono"), [(SAMPLE, False), (ROOT / "content" / "git-basics.yaml", True)]
)
def test_the_cheat_sheet_reads_only_the_font_files_it_draws_with(lesson, mono, tmp_path):
    """A theme registers a dozen faces, and names two fallbacks (the second a CJK font of
    many megabytes); a sheet reads the files it draws with. The theme's wording holds a
    character the body font lacks (the code continuation mark), which the first fallback
    has, so the second is not needed."""
    result = fresh_python(FONTS_READ, str(lesson), str(tmp_path))
    registered, read = (set(line.split()[1:]) for line in result.stdout.splitlines())
    assert "DejaVuSans-Regular.ttf" in read  # the first fallback has the mark
    assert not any(name.startswith("DroidSans") for name in registered | read)
    assert ("LiberationMono-Regular.ttf" in read) == mono
    unused = {name for name in registered if "BoldItalic" in name}
    assert unused and unused.isdisjoint(read)  # registered, for <b><i>, but never drawn


def test_a_course_of_cheat_sheets_combined_loads_no_office_library(tmp_path):
    """Which formats are combined is asked before the workers start; a folder of lessons
    built as cheat sheets alone and joined into one PDF never needs the Word library."""
    course = tmp_path / "course"
    course.mkdir()
    for lesson in (SAMPLE, ROOT / "content" / "forces-and-formulas.yaml"):
        (course / lesson.name).write_bytes(lesson.read_bytes())
    out = tmp_path / "out"
    result = fresh_python(
        PROBE, "build", str(course), "-o", str(out), "-f", "pdf", "--combine-only"
    )
    imported = set(result.stderr.split())
    assert (out / "cheatsheets.pdf").is_file()  # the sheets were really built and joined
    assert "pypdf" in imported
    assert imported.isdisjoint({"docx", "pptx"}), imported & {"docx", "pptx"}
