"""The same lessons build to byte-identical files: twice, from another folder, by another path.

CI jobs rebuild outputs on a schedule and commit or publish them; a file that changes
when its lesson did not makes noise in every diff. Only ``SOURCE_DATE_EPOCH`` (or the
lesson's date) sets the timestamps inside the files.
"""

from __future__ import annotations

import datetime as dt
import os
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from docx import Document as WordDocument
from pptx import Presentation
from pypdf import PdfReader

from generator.build import BuildOptions, build

from .conftest import EVERY_BLOCK, ROOT, SAMPLE

FORMATS = ["docx", "pptx", "pdf"]
FORMAT_OPTIONS = [option for fmt in FORMATS for option in ("-f", fmt)]
EPOCH = 1_700_000_000  # 2023-11-14 22:13:20 UTC
EPOCH_TIME = dt.datetime.fromtimestamp(EPOCH, tz=dt.UTC)


@pytest.fixture
def lessons(tmp_path: Path) -> list[Path]:
    """The sample and every-block lessons, copied with their images to a folder of their own."""
    folder = tmp_path / "lessons"
    shutil.copytree(EVERY_BLOCK.parent, folder)
    shutil.copy(SAMPLE, folder)
    for extra in SAMPLE.parent.iterdir():
        if extra.is_dir():
            shutil.copytree(extra, folder / extra.name, dirs_exist_ok=True)
    return [folder / SAMPLE.name, folder / EVERY_BLOCK.name]


def build_all(lessons: list[Path], out: Path) -> dict[str, bytes]:
    files = {}
    for lesson in lessons:
        for path in build(lesson, BuildOptions(formats=FORMATS, out_dir=out)):
            files[path.name] = path.read_bytes()
    return files


def build_in_subprocess(args: list[str], cwd: Path, **env: str) -> None:
    subprocess.run(
        [sys.executable, "-m", "generator", "build", "-j", "1", *args, *FORMAT_OPTIONS],
        cwd=cwd,
        env={**os.environ, "PYTHONPATH": str(ROOT), **env},
        check=True,
        capture_output=True,
    )


def read_outputs(out: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in out.iterdir() if p.suffix in (".docx", ".pptx", ".pdf")}


def test_two_builds_are_byte_identical(tmp_path, lessons, monkeypatch):
    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)
    first = build_all(lessons, tmp_path / "first")
    second = build_all(lessons, tmp_path / "second")
    assert len(first) == 2 * len(FORMATS)
    assert first == second


def test_another_working_directory_and_a_relative_path_change_nothing(
    tmp_path, lessons, monkeypatch
):
    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)
    reference = build_all(lessons, tmp_path / "reference")
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    # From the lessons' folder with bare names, and from an unrelated folder with ../ paths.
    build_in_subprocess(
        [*(lesson.name for lesson in lessons), "-o", str(tmp_path / "by-name")],
        cwd=lessons[0].parent,
    )
    build_in_subprocess(
        [*(os.path.relpath(lesson, elsewhere) for lesson in lessons), "-o", "out"],
        cwd=elsewhere,
    )
    assert read_outputs(tmp_path / "by-name") == reference
    assert read_outputs(elsewhere / "out") == reference


def test_source_date_epoch_sets_every_timestamp(tmp_path, lessons):
    for run in ("one", "two"):
        build_in_subprocess(
            [str(lessons[1]), "-o", str(tmp_path / run)],
            cwd=tmp_path,
            SOURCE_DATE_EPOCH=str(EPOCH),
        )
    pinned = read_outputs(tmp_path / "one")
    assert pinned == read_outputs(tmp_path / "two")
    assert pinned != build_all(lessons[1:], tmp_path / "by-date")  # the lesson's own date

    out = tmp_path / "one"
    stem = lessons[1].stem
    for office in (out / f"{stem}-handout.docx", out / f"{stem}-deck.pptx"):
        with zipfile.ZipFile(office) as package:
            assert {entry.date_time for entry in package.infolist()} == {EPOCH_TIME.timetuple()[:6]}
    naive = EPOCH_TIME.replace(tzinfo=None)
    word = WordDocument(str(out / f"{stem}-handout.docx")).core_properties
    deck = Presentation(str(out / f"{stem}-deck.pptx")).core_properties
    for properties in (word, deck):
        assert properties.modified.replace(tzinfo=None) == naive
        assert properties.created.replace(tzinfo=None) == naive
    info = PdfReader(str(out / f"{stem}-cheatsheet.pdf")).metadata
    assert info.creation_date.astimezone(dt.UTC) == EPOCH_TIME
