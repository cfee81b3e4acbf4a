"""A real office suite opens every output: LibreOffice converts each file to PDF.

python-docx, python-pptx and pypdf reopen what they understand; LibreOffice is what many
teachers actually open handouts and decks with, and it is stricter about the XML. Each
output is converted headless with a fresh profile; the deck must come out with one page
per slide. Slow (LibreOffice starts once per file set), so marked ``slow``.
"""

from __future__ import annotations

import os
import re
import shutil
import signal
import subprocess
import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, Phase, given, settings
from pptx import Presentation
from pypdf import PdfReader

from generator.build import BuildOptions, build
from generator.errors import BuildError

from .conftest import EVERY_BLOCK, SAMPLE
from .test_properties import FORMATS, LESSON, write_random_lesson

SOFFICE = shutil.which("soffice") or shutil.which("libreoffice")

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(
        SOFFICE is None,
        reason="LibreOffice (soffice) is not installed; .ci/run installs it where apt-get exists",
    ),
]


def soffice(
    profile: Path, out: Path, files: list[Path], *, timeout: float
) -> subprocess.CompletedProcess[str]:
    """Convert *files* to PDF in *out* in one LibreOffice run. On a time-out the whole
    process group is killed: killing the launcher alone leaves soffice.bin running."""
    command = [
        SOFFICE,
        f"-env:UserInstallation={profile.as_uri()}",
        "--headless",
        "--convert-to",
        "pdf",
        "--outdir",
        str(out),
        *map(str, files),
    ]
    with subprocess.Popen(
        command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, start_new_session=True
    ) as process:
        try:
            stdout, stderr = process.communicate(timeout=timeout)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.communicate()
            raise
    return subprocess.CompletedProcess(command, process.returncode, stdout, stderr)


def convert_and_check(files: list[Path], work: Path) -> None:
    """Convert each file to PDF with LibreOffice and check the result has the right pages."""
    profile = work / "profile"
    for path in files:
        out = work / path.suffix.lstrip(".")
        result = soffice(profile, out, [path], timeout=180)
        converted = out / f"{path.stem}.pdf"
        assert result.returncode == 0 and converted.is_file(), (
            f"LibreOffice could not open {path.name}:\n{result.stdout}{result.stderr}"
        )
        pages = len(PdfReader(str(converted)).pages)
        if path.suffix == ".pptx":
            assert pages == len(Presentation(str(path)).slides)
        elif path.suffix == ".pdf":
            assert pages == len(PdfReader(str(path)).pages)
        else:
            assert pages >= 1


@pytest.mark.parametrize("lesson", [SAMPLE, EVERY_BLOCK], ids=lambda p: p.stem)
def test_libreoffice_opens_every_output(tmp_path, lesson):
    files = build(lesson, BuildOptions(formats=list(FORMATS), out_dir=tmp_path / "out"))
    assert len(files) == len(FORMATS)
    convert_and_check(files, tmp_path)


@settings(
    max_examples=3,
    deadline=None,
    phases=(Phase.explicit, Phase.generate),  # a failure here is shrunk by test_properties
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(lesson=LESSON)
def test_libreoffice_opens_random_lessons(lesson):
    with tempfile.TemporaryDirectory() as folder:
        work = Path(folder)
        path = write_random_lesson(work, lesson)
        files = []
        for fmt in FORMATS:
            options = BuildOptions(formats=[fmt], out_dir=work / "out", allow_overflow=True)
            try:
                files += build(path, options)
            except BuildError as error:  # refusals are test_properties' business
                if "too long" not in str(error):
                    raise
        convert_and_check(files, work)


def test_libreoffice_counts_each_combined_copys_own_pages(tmp_path):
    """In handouts joined into one file, LibreOffice prints "Page 2 of 5" with the copy's
    own page count, for copies of different lengths (it cannot compute SECTIONPAGES)."""
    from generator.docxjoin import join_handouts

    lessons = [SAMPLE, EVERY_BLOCK, SAMPLE.parent / "forces-and-formulas.yaml"]
    handouts = [
        build(lesson, BuildOptions(formats=["docx"], out_dir=tmp_path / "out"))[0]
        for lesson in lessons
    ]
    joined = tmp_path / "out" / "joined.docx"
    joined.write_bytes(join_handouts(handouts))
    result = soffice(tmp_path / "profile", tmp_path / "pdf", [*handouts, joined], timeout=300)
    assert result.returncode == 0, result.stderr
    lengths = [len(PdfReader(tmp_path / "pdf" / f"{path.stem}.pdf").pages) for path in handouts]
    assert len(set(lengths)) > 1  # copies of different lengths, or the test proves nothing
    footers = [
        re.search(r"Page (\d+) of (\d+)", page.extract_text()).groups()
        for page in PdfReader(tmp_path / "pdf" / "joined.pdf").pages
    ]
    expected = [(str(page), str(length)) for length in lengths for page in range(1, length + 1)]
    assert footers == expected
