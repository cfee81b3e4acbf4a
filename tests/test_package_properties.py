"""What a handout's and a deck's package says of itself (``docProps/app.xml``, the
thumbnail): the document's own counts and maker, what an organisation's template says of
the organisation, and no picture of the template standing in for the document."""

from __future__ import annotations

import zipfile
from pathlib import Path

import docx
import pytest
from lxml import etree
from pptx import Presentation

from generator.build import BuildOptions, build

from .conftest import SAMPLE
from .test_docx import reference_document
from .test_pptx import make_reference

EXTENDED = "{http://schemas.openxmlformats.org/officeDocument/2006/extended-properties}"
ORGANISATION = (
    f"<Properties xmlns='{EXTENDED[1:-1]}'><Application>Microsoft Office PowerPoint</Application>"
    "<Company>Northside Schools Trust</Company><Manager></Manager>"
    "<HyperlinkBase>https://intranet.northside.example/</HyperlinkBase>"
    "<Slides>1</Slides><PresentationFormat>On-screen Show (4:3)</PresentationFormat></Properties>"
).encode()


def with_app_properties(path: Path, data: bytes) -> Path:
    """*path* with its ``docProps/app.xml`` replaced by *data*, as an organisation's
    template would have its own."""
    with zipfile.ZipFile(path) as source:
        entries = [(entry, source.read(entry)) for entry in source.infolist()]
    with zipfile.ZipFile(path, "w") as target:
        for entry, content in entries:
            target.writestr(entry, data if entry.filename == "docProps/app.xml" else content)
    return path


def app_properties(path: Path) -> dict[str, str]:
    with zipfile.ZipFile(path) as package:
        root = etree.fromstring(package.read("docProps/app.xml"))
    return {element.tag.removeprefix(EXTENDED): element.text for element in root}


def has_thumbnail(path: Path) -> bool:
    with zipfile.ZipFile(path) as package:
        rels = package.read("_rels/.rels").decode("utf-8")
        return "thumbnail" in rels or any("thumbnail" in name for name in package.namelist())


def templates(tmp_path: Path, app_xml: bytes) -> dict[str, Path]:
    """A deck and a Word template as python-docx and python-pptx make them (each with a
    thumbnail of itself), their app.xml replaced by *app_xml*."""
    deck = make_reference(tmp_path / "deck") / "ref.pptx"
    word = reference_document(tmp_path / "ref.docx")
    assert has_thumbnail(deck) and has_thumbnail(word)
    return {"pptx": with_app_properties(deck, app_xml), "docx": with_app_properties(word, app_xml)}


def test_the_deck_counts_its_slides_and_notes_and_says_who_made_it(tmp_path):
    deck_path, handout = build(SAMPLE, BuildOptions(formats=["pptx", "docx"], out_dir=tmp_path))
    deck = Presentation(str(deck_path))
    said = app_properties(deck_path)
    assert said["Application"] == "Lectern"
    assert int(said["Slides"]) == len(deck.slides) > 10
    notes = [slide for slide in deck.slides if slide.has_notes_slide]
    assert int(said["Notes"]) == len(notes) > 0 and said["HiddenSlides"] == "0"
    assert "PresentationFormat" not in said  # the template's (4:3) was not this deck's
    assert not has_thumbnail(deck_path) and not has_thumbnail(handout)
    assert app_properties(handout)["Application"] == "Lectern"


def test_an_organisations_template_keeps_its_company_and_link_base(tmp_path):
    references = templates(tmp_path, ORGANISATION)
    options = BuildOptions(
        formats=["pptx", "docx"], out_dir=tmp_path / "out", references=references
    )
    deck_path, handout = build(SAMPLE, options)
    for path in (deck_path, handout):
        said = app_properties(path)
        assert said["Application"] == "Lectern"
        assert said["Company"] == "Northside Schools Trust"
        assert said["HyperlinkBase"] == "https://intranet.northside.example/"
        assert "Manager" not in said  # empty in the template: nothing to keep
        assert not has_thumbnail(path)
    assert app_properties(deck_path)["Slides"] == str(len(Presentation(str(deck_path)).slides))
    assert docx.Document(str(handout)).paragraphs  # the handout still opens


@pytest.mark.parametrize("broken", [b"<Properties", b""])
def test_a_template_with_unreadable_properties_still_builds(tmp_path, broken):
    references = templates(tmp_path, broken)
    options = BuildOptions(
        formats=["pptx", "docx"], out_dir=tmp_path / "out", references=references
    )
    for path in build(SAMPLE, options):
        assert app_properties(path)["Application"] == "Lectern"
