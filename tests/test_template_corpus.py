"""The template corpus in tests/templates/ is what its README says, and its script remakes it.

The deck tests trust these files to carry particular traits (German layout names, a layout
order, no ``idx``, example slides, a missing ``sldSz``). These tests keep the files, the script
that makes them and the README that describes them in step: a change to the script that
alters a file fails here until the files are regenerated and the README says the same.
"""

from __future__ import annotations

import io
import re
import shutil
import subprocess
import zipfile
import zlib
from dataclasses import dataclass
from pathlib import Path

import pytest
from lxml import etree
from pptx import Presentation
from pptx.exc import PackageNotFoundError
from pptx.opc.constants import RELATIONSHIP_TYPE as RT
from pypdf import PdfReader

from .templates import make_pptx_templates as corpus

TEMPLATES = Path(__file__).resolve().parent / "templates"
README = TEMPLATES / "README.md"
SOFFICE = shutil.which("soffice") or shutil.which("libreoffice")
NEEDS_SOFFICE = pytest.mark.skipif(SOFFICE is None, reason="LibreOffice (soffice) is not installed")
A = "{http://schemas.openxmlformats.org/drawingml/2006/main}"


@dataclass
class Entry:
    """What README.md says about one template."""

    name: str
    masters: list[list[tuple[str, str]]]  # per master: (layout name, type)
    size: tuple[int, int] | None
    slides: int
    fonts: tuple[str, ...]
    ea_fonts: tuple[str, ...] | None


def layouts(text: str) -> list[tuple[str, str]]:
    """``Name (type); Name (type)`` as pairs."""
    return re.findall(r"(?:^|; )(.+?) \((\w+)\)", text)


def readme_entries() -> dict[str, Entry]:
    """Parse the ``### NAME`` sections of README.md and their fact lines.

    Layouts are listed as ``- Layouts: ...`` (one master), ``- Layouts (each of N masters): ...``
    or one ``- Layouts, master K: ...`` line per master.
    """
    entries = {}
    for section in README.read_text(encoding="utf-8").split("\n### ")[1:]:
        name, _, body = section.partition("\n")
        facts = dict(re.findall(r"^- ([A-Z][^:]*): (.*)$", body, re.M))
        masters = [layouts(v) for k, v in facts.items() if k.startswith("Layouts, master")]
        for key, value in facts.items():
            if key == "Layouts":
                masters = [layouts(value)]
            elif each := re.fullmatch(r"Layouts \(each of (\d+) masters\)", key):
                masters = [layouts(value)] * int(each.group(1))
        size = re.match(r"(\d+) × (\d+)", facts["Slide size"])
        ea = facts.get("East Asian theme fonts")
        entries[name] = Entry(
            name=name,
            masters=masters,
            size=(int(size.group(1)), int(size.group(2))) if size else None,
            slides=int(facts["Slides"]),
            fonts=tuple(facts["Theme fonts"].split(" / ")),
            ea_fonts=tuple(ea.split(" / ")) if ea else None,
        )
    return entries


ENTRIES = readme_entries()
FILES = sorted(p.name for p in TEMPLATES.iterdir() if p.suffix in (".pptx", ".potx"))
EXPORTED = {f"{name}.pptx" for name in corpus.LIBREOFFICE_MADE}


def theme_fonts(prs) -> tuple[tuple[str, str], tuple[str, str]]:
    """(major, minor) Latin and (major, minor) East Asian typefaces of the first master's theme."""
    theme = etree.fromstring(prs.slide_masters[0].part.part_related_by(RT.THEME).blob)
    scheme = theme.find(f".//{A}fontScheme")

    def face(which: str, script: str) -> str:
        return scheme.find(f"{A}{which}/{A}{script}").get("typeface")

    latin = (face("majorFont", "latin"), face("minorFont", "latin"))
    return latin, (face("majorFont", "ea"), face("minorFont", "ea"))


def test_readme_describes_every_file_and_no_other():
    assert sorted(ENTRIES) == FILES
    table = re.findall(r"^\| (\S+\.p[po]tx) \|", README.read_text(encoding="utf-8"), re.M)
    assert sorted(table) == FILES
    assert len(FILES) >= 15


@pytest.mark.parametrize("name", FILES)
def test_template_is_what_the_readme_says(name):
    entry = ENTRIES[name]
    prs = corpus.open_template(TEMPLATES / name)
    found = [
        [(layout.name, layout._element.get("type", "cust")) for layout in master.slide_layouts]
        for master in prs.slide_masters
    ]
    assert found == entry.masters
    size = (prs.slide_width, prs.slide_height) if prs.slide_width is not None else None
    assert size == entry.size
    assert len(prs.slides) == entry.slides
    latin, east_asian = theme_fonts(prs)
    assert latin == entry.fonts
    if entry.ea_fonts:
        assert east_asian == entry.ea_fonts


def test_python_pptx_refuses_a_potx_until_its_content_type_is_changed():
    potx = [name for name in FILES if name.endswith(".potx")]
    assert potx
    for name in potx:
        with pytest.raises((ValueError, PackageNotFoundError), match="not a PowerPoint file"):
            Presentation(str(TEMPLATES / name))
        assert len(corpus.open_template(TEMPLATES / name).slide_layouts) > 0


def parts(data: bytes) -> list[tuple[str, tuple[int, ...], bytes]]:
    """Each zip entry's name, timestamp and uncompressed content, in order."""
    package = zipfile.ZipFile(io.BytesIO(data))
    return [(i.filename, i.date_time, package.read(i)) for i in package.infolist()]


def compare_with_committed(made: Path, names: list[str]) -> None:
    """Fail when a remade file's parts differ from the committed one's.

    Equal parts with unequal bytes mean only that this machine's zlib compresses differently
    (zlib-ng, say); that is reported as a skip rather than a failure.
    """
    changed = [
        name
        for name in names
        if parts((made / name).read_bytes()) != parts((TEMPLATES / name).read_bytes())
    ]
    assert not changed, f"regenerate tests/templates/ and commit: {changed} differ"
    recompressed = [
        name for name in names if (made / name).read_bytes() != (TEMPLATES / name).read_bytes()
    ]
    if recompressed:
        pytest.skip(
            f"same parts, but zlib {zlib.ZLIB_RUNTIME_VERSION} compresses {recompressed} differently"
        )


def test_script_remakes_the_python_pptx_files_byte_for_byte(tmp_path):
    assert corpus.main(["--out", str(tmp_path), "--no-libreoffice"]) == 0
    made = sorted(p.name for p in tmp_path.iterdir())
    assert made == sorted(set(FILES) - EXPORTED)
    compare_with_committed(tmp_path, made)


def made_by(data: bytes) -> str:
    """The Application line of a package's docProps/app.xml."""
    app = zipfile.ZipFile(io.BytesIO(data)).read("docProps/app.xml").decode("utf-8")
    return re.search(r"<Application>([^<]*)</Application>", app).group(1)


@pytest.mark.slow
@NEEDS_SOFFICE
def test_script_remakes_the_libreoffice_files_byte_for_byte(tmp_path):
    assert sorted(corpus.export_with_libreoffice(SOFFICE, tmp_path)) == sorted(EXPORTED)
    for name in sorted(EXPORTED):
        new, old = (tmp_path / name).read_bytes(), (TEMPLATES / name).read_bytes()
        if made_by(new) != made_by(old):
            pytest.skip(f"{name} was made by {made_by(old)}, this machine has {made_by(new)}")
    compare_with_committed(tmp_path, sorted(EXPORTED))


@pytest.mark.slow
@NEEDS_SOFFICE
def test_libreoffice_opens_every_template(tmp_path):
    out = tmp_path / "pdf"
    subprocess.run(
        [
            SOFFICE,
            f"-env:UserInstallation={(tmp_path / 'profile').as_uri()}",
            "--headless",
            "--convert-to",
            "pdf",
            "--outdir",
            str(out),
            *(str(TEMPLATES / name) for name in FILES),
        ],
        check=True,
        capture_output=True,
        timeout=300,
    )
    for name in FILES:
        pdf = out / f"{Path(name).stem}.pdf"
        assert pdf.is_file(), f"LibreOffice could not open {name}"
        assert len(PdfReader(str(pdf)).pages) == max(1, ENTRIES[name].slides)
