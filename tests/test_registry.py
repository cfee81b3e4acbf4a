"""The renderer registry and the shared services every renderer relies on."""

from __future__ import annotations

import datetime as dt
import io
import struct
import zipfile
from importlib.metadata import EntryPoint

import pytest

from generator import registry
from generator.build import BuildOptions, build
from generator.errors import BuildError
from generator.files import build_time, normalized_zip
from generator.load import load_lesson
from generator.model import BLOCK_KINDS

from .conftest import EVERY_BLOCK


def plugin(name: str, target: str) -> EntryPoint:
    return EntryPoint(name=name, value=target, group=registry.GROUP)


def test_builtin_formats_are_found_through_entry_points():
    assert list(registry.available_formats())[:3] == ["docx", "pptx", "pdf"]


def test_every_builtin_renderer_implements_every_block_kind():
    for name in ("docx", "pptx", "pdf"):
        renderer = registry.renderer_for(name)
        assert renderer.format == name
        assert renderer.missing_kinds() == [], f"{name} cannot render {renderer.missing_kinds()}"


def test_a_third_party_renderer_is_found_and_builds(add_renderers, tmp_path):
    add_renderers(plugin("outline", "tests.plugin_renderers:OutlineRenderer"))
    assert "outline" in registry.available_formats()
    [written] = build(EVERY_BLOCK, BuildOptions(formats=["outline"], out_dir=tmp_path))
    assert written.name == "every-block-outline.txt"
    text = written.read_text(encoding="utf-8")
    assert "compare: 2 rows" in text and "image: Two overlapping circles" in text
    assert "Only in the handout." not in text  # only: [docx]


def test_duplicate_format_names_are_an_error(add_renderers):
    add_renderers(plugin("pdf", "tests.plugin_renderers:OutlineRenderer"))
    with pytest.raises(registry.RegistryError, match="two renderers claim the format 'pdf'"):
        registry.available_formats()


def test_a_broken_plugin_breaks_only_its_own_format(add_renderers, tmp_path):
    add_renderers(
        plugin("broken", "tests.no_such_module:Renderer"),
        plugin("misnamed", "tests.plugin_renderers:Misnamed"),
        plugin("outline", "tests.plugin_renderers:OutlineRenderer"),
    )
    with pytest.raises(registry.RegistryError, match=r"'broken'.*cannot be loaded"):
        registry.renderer_for("broken")
    with pytest.raises(registry.RegistryError, match="calls itself 'something-else'"):
        registry.renderer_for("misnamed")
    assert registry.renderer_for("outline").format == "outline"
    with pytest.raises(BuildError, match="cannot be loaded"):
        build(EVERY_BLOCK, BuildOptions(formats=["broken"], out_dir=tmp_path))


def test_unknown_format_names_the_installed_ones():
    with pytest.raises(
        registry.RegistryError, match="unknown format 'odt'; installed formats: docx"
    ):
        registry.renderer_for("odt")


def test_missing_kinds_reports_an_unimplemented_block_kind():
    from tests.plugin_renderers import OutlineRenderer

    class Lazy(OutlineRenderer):
        render_quote = None

    assert Lazy.missing_kinds() == ["quote"]
    assert OutlineRenderer.missing_kinds() == []
    assert "quote" in BLOCK_KINDS


def test_failed_build_keeps_the_previous_output_and_leaves_no_temp_file(add_renderers, tmp_path):
    add_renderers(
        plugin("outline", "tests.plugin_renderers:OutlineRenderer"),
        plugin("halfway", "tests.plugin_renderers:HalfwayRenderer"),
    )
    target = tmp_path / "every-block-outline.txt"
    target.write_text("the last good build", encoding="utf-8")
    with pytest.raises(BuildError, match="disk on fire"):
        build(EVERY_BLOCK, BuildOptions(formats=["halfway"], out_dir=tmp_path))
    assert target.read_text(encoding="utf-8") == "the last good build"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["every-block-outline.txt"]


def test_build_time_comes_from_source_date_epoch_then_the_lesson_date(monkeypatch):
    document = load_lesson(EVERY_BLOCK).document
    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)
    assert build_time(document) == dt.datetime(2026, 1, 15, tzinfo=dt.UTC)
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    assert build_time(document) == dt.datetime(2023, 11, 14, 22, 13, 20, tzinfo=dt.UTC)


def test_normalized_zip_fixes_entry_times_and_keeps_the_compressed_data():
    raw = io.BytesIO()
    with zipfile.ZipFile(raw, "w", zipfile.ZIP_DEFLATED) as package:
        package.writestr("a.xml", "<a/>" * 100)
        package.writestr("ppt/média/ü.xml", "<b/>")  # a UTF-8 name: a longer header
        package.comment = b"made by a library"
    when = dt.datetime(2026, 1, 15, 13, 45, 30, tzinfo=dt.UTC)
    once, twice = normalized_zip(raw.getvalue(), when), normalized_zip(raw.getvalue(), when)
    assert once == twice and len(once) == len(raw.getvalue())
    with zipfile.ZipFile(io.BytesIO(once)) as package, zipfile.ZipFile(raw) as before:
        assert package.testzip() is None
        for entry, original in zip(package.infolist(), before.infolist(), strict=True):
            assert entry.date_time == (2026, 1, 15, 13, 45, 30)
            assert entry.external_attr >> 16 == 0o644
            assert entry.compress_size == original.compress_size
            local = once[entry.header_offset + 10 : entry.header_offset + 14]
            assert struct.unpack("<HH", local) == (28079, 23599)  # DOS time and date, as above
            assert package.read(entry) == before.read(original)


def test_normalized_zip_refuses_a_layout_it_does_not_know():
    raw = io.BytesIO()
    with zipfile.ZipFile(raw, "w") as package:
        package.writestr("a.xml", "<a/>")
    broken = raw.getvalue().replace(zipfile.stringFileHeader, b"PK\x09\x09", 1)
    with pytest.raises(ValueError, match="unexpected zip layout"):
        normalized_zip(broken, dt.datetime(2026, 1, 15, tzinfo=dt.UTC))
