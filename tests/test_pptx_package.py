"""The deck's package is written by Lectern, to the bytes python-pptx's own writer gives.

Checked on decks with pictures, an external link, notes pages and a user's template, so
that a python-pptx upgrade that changes how a package is laid out shows up here first.
"""

from __future__ import annotations

import datetime as dt
import io
import zipfile
from pathlib import Path

import pytest
from pptx import Presentation

from generator.build import BuildOptions, load_renderer, prepare, render_format
from generator.files import normalized_zip
from generator.renderers import pptx, pptx_package

from .conftest import EVERY_BLOCK, SAMPLE, write_lesson

TEMPLATES = Path(__file__).resolve().parent / "templates"
WHEN = dt.datetime(2026, 3, 1, 12, 30, 15, tzinfo=dt.UTC)


def rendered_deck(lesson: Path, tmp_path: Path, monkeypatch, template: Path | None = None):
    """The python-pptx deck object the renderer writes out for *lesson*."""
    decks = []

    def kept(deck, when):
        decks.append(deck)
        return pptx_package.deck_bytes(deck, when)

    monkeypatch.setattr(pptx, "deck_bytes", kept)
    options = BuildOptions(formats=["pptx"], references={"pptx": template} if template else {})
    _, document, theme = prepare(lesson, options)
    render_format(load_renderer("pptx"), document, theme, tmp_path, "deck", label="deck")
    return decks[0]


def by_python_pptx(deck) -> bytes:
    buffer = io.BytesIO()
    deck.save(buffer)
    return normalized_zip(buffer.getvalue(), WHEN)


LINKED = """\
title: Links
sections:
  - heading: Where to read more
    blocks:
      - text: "See [the treaty](https://example.org/treaty?lang=en&part=2) and [notes](notes.pdf)."
"""


@pytest.mark.parametrize("lesson", ["sample", "every-block", "linked"])
def test_the_package_is_the_one_python_pptx_writes(lesson, tmp_path, monkeypatch):
    path = {"sample": SAMPLE, "every-block": EVERY_BLOCK}.get(lesson)
    if path is None:
        path = write_lesson(tmp_path, LINKED)
        (tmp_path / "notes.pdf").write_bytes(b"%PDF-1.4\n")
    deck = rendered_deck(path, tmp_path / "out", monkeypatch)
    written = pptx_package.deck_bytes(deck, WHEN)
    assert written == by_python_pptx(deck)
    package = zipfile.ZipFile(io.BytesIO(written))
    members = package.namelist()
    assert members[:2] == ["[Content_Types].xml", "_rels/.rels"]
    assert any(name.startswith("ppt/media/") for name in members) == (lesson == "every-block")
    rels = b"".join(package.read(name) for name in members if name.endswith(".rels"))
    assert (b'part=2" TargetMode="External"' in rels) == (lesson == "linked")
    assert len(Presentation(io.BytesIO(written)).slides) == len(deck.slides)


def test_a_users_template_package_is_the_one_python_pptx_writes(tmp_path, monkeypatch):
    template = TEMPLATES / "de-behoerde-4x3.potx"
    deck = rendered_deck(EVERY_BLOCK, tmp_path, monkeypatch, template)
    assert pptx_package.deck_bytes(deck, WHEN) == by_python_pptx(deck)


def test_every_entry_is_dated_when_built_and_readable_by_all(tmp_path, monkeypatch):
    deck = rendered_deck(SAMPLE, tmp_path, monkeypatch)
    for entry in zipfile.ZipFile(io.BytesIO(pptx_package.deck_bytes(deck, WHEN))).infolist():
        assert entry.date_time == (2026, 3, 1, 12, 30, 14)  # zip keeps even seconds
        assert entry.external_attr >> 16 == 0o644
        assert entry.compress_type == zipfile.ZIP_DEFLATED


def test_attribute_values_are_escaped_as_lxml_escapes_them():
    class Rel:
        rId, reltype, is_external = "rId3", "http://x/hyperlink", True
        target_ref = 'https://example.org/?a=1&b="2"<3>'

    xml = pptx_package.relationships([Rel()]).decode()
    assert 'Target="https://example.org/?a=1&amp;b=&quot;2&quot;&lt;3&gt;"' in xml
    assert xml.endswith('TargetMode="External"/></Relationships>')
