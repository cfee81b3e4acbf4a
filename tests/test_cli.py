"""The command line: exit codes 0/1/2, located messages, never a traceback for bad input."""

from __future__ import annotations

import json

import docx
from click.testing import CliRunner
from pptx import Presentation

from generator import __version__
from generator.cli import main

from .conftest import EVERY_BLOCK, write_lesson


def run(*args: str):
    return CliRunner().invoke(main, list(args))


def test_version_and_help():
    assert run("--version").output.strip() == f"lectern, version {__version__}"
    result = run("--help")
    assert result.exit_code == 0
    for command in ("build", "check", "formats", "schema", "themes"):
        assert command in result.output


def test_check_a_good_lesson_exits_0():
    result = run("check", str(EVERY_BLOCK))
    assert result.exit_code == 0, result.output
    assert result.output.strip() == f"{EVERY_BLOCK}: ok"


def test_check_a_typo_prints_file_line_col_and_a_suggestion(tmp_path):
    path = write_lesson(
        tmp_path, "title: T\nsections:\n  - heading: H\n    blocks:\n      - txt: a\n"
    )
    result = run("check", str(path))
    assert result.exit_code == 2
    assert f"{path}:5:9: this block has no kind key; did you mean 'text'?" in result.output
    assert "Traceback" not in result.output


def test_check_reports_every_bad_file_and_still_checks_the_rest(tmp_path):
    bad = write_lesson(tmp_path, "title: T\n", name="bad.yaml")
    result = run("check", str(bad), str(EVERY_BLOCK))
    assert result.exit_code == 2
    assert f"{bad}:1:1: 'sections' is missing" in result.output
    assert f"{EVERY_BLOCK}: ok" in result.output


def test_var_overrides_reach_the_lesson(tmp_path):
    path = write_lesson(
        tmp_path,
        "title: T\nsections:\n  - heading: H\n    blocks:\n      - text: 'Hi {{ vars.who }}'\n",
    )
    assert run("check", str(path)).exit_code == 2
    assert run("check", str(path), "--var", "who=Sam").exit_code == 0
    result = run("check", str(path), "--var", "oops")
    assert result.exit_code == 2
    assert "'oops' should look like NAME=VALUE" in result.output


def test_build_with_an_unknown_format_is_bad_input(tmp_path):
    result = run("build", str(EVERY_BLOCK), "-f", "odt", "-o", str(tmp_path))
    assert result.exit_code == 2
    assert "--format: unknown format 'odt'; installed formats: docx, pptx, pdf" in result.output


def test_build_bad_input_exits_2_and_writes_nothing(tmp_path):
    path = write_lesson(tmp_path, "title: T\nsections: []\n")
    out = tmp_path / "out"
    result = run("build", str(path), "-o", str(out))
    assert result.exit_code == 2
    assert "'sections' needs at least 1" in result.output
    assert not out.exists()


def test_missing_file_is_bad_input(tmp_path):
    result = run("check", str(tmp_path / "nope.yaml"))
    assert result.exit_code == 2
    assert "no such file" in result.output


def test_formats_lists_the_builtin_renderers():
    result = run("formats")
    assert result.exit_code == 0
    assert [line.split()[0] for line in result.output.splitlines()][:3] == ["docx", "pptx", "pdf"]


def test_schema_is_json_and_names_the_block_kinds():
    result = run("schema")
    schema = json.loads(result.output)
    assert schema["title"] == "Lectern lesson"
    assert {"CompareBlock", "TextBlock", "ImageBlock"} <= set(schema["$defs"])


def test_themes_lists_the_shipped_themes_with_descriptions():
    lines = run("themes").output.splitlines()
    assert [line.split()[0] for line in lines[:3]] == ["classroom", "corporate", "default"]
    assert "print-friendly" in lines[2]
    assert (
        "Wording in English and in ar, de, es, fr, he, it, ja, ko, nl, pt, ru, zh-hans, zh-hant,"
        " chosen by" in lines[-1]
    )


def test_schema_validates_the_lesson_files():
    import jsonschema
    import yaml

    from .conftest import SAMPLE

    schema = json.loads(run("schema").output)
    for path in (SAMPLE, EVERY_BLOCK, SAMPLE.parent / "git-basics.yaml"):
        data = json.loads(json.dumps(yaml.safe_load(path.read_text(encoding="utf-8")), default=str))
        jsonschema.validate(data, schema)
    bad = {"title": "T", "sections": [{"heading": "H", "blocks": [{"txt": "a"}]}]}
    assert list(jsonschema.Draft202012Validator(schema).iter_errors(bad))
    examples = [
        example
        for kind in ("TextBlock", "ImageBlock", "CodeBlock", "ColumnsBlock")
        for example in schema["$defs"][kind]["examples"]
    ]
    assert len(examples) >= 5
    lesson = {"title": "T", "sections": [{"heading": "H", "blocks": examples}]}
    jsonschema.validate(lesson, schema)  # every example is a valid block


def test_reference_templates_from_the_command_line(tmp_path):
    """--reference-docx/--reference-pptx put a user's own Office files under any theme."""
    word = docx.Document()
    word.styles["Normal"].font.name = "Georgia"
    word.save(tmp_path / "house.docx")
    deck = Presentation()
    deck.slide_layouts[1].name = "House Content"
    deck.save(tmp_path / "house.pptx")
    out = tmp_path / "out"
    result = run(
        "build", str(EVERY_BLOCK), "-o", str(out), "-f", "docx", "-f", "pptx",
        "--reference-docx", str(tmp_path / "house.docx"),
        "--reference-pptx", str(tmp_path / "house.pptx"),
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    stem = EVERY_BLOCK.stem
    handout = docx.Document(out / f"{stem}-handout.docx")
    assert handout.styles["Normal"].font.name == "Georgia"
    slides = list(Presentation(out / f"{stem}-deck.pptx").slides)
    layouts = {slide.slide_layout.name for slide in slides[1:-1]}
    assert "House Content" in layouts and layouts <= {"House Content", "Title Only", "Two Content"}
    again = run("build", str(EVERY_BLOCK), "-o", str(out), "-f", "docx")
    assert again.output.startswith("wrote"), "dropping the reference must rebuild"
    assert docx.Document(out / f"{stem}-handout.docx").styles["Normal"].font.name == "Arial"


def test_a_reference_of_the_wrong_kind_is_a_usage_error(tmp_path):
    (tmp_path / "house.pptx").write_bytes(b"")
    result = run("build", str(EVERY_BLOCK), "--reference-docx", str(tmp_path / "house.pptx"))
    assert result.exit_code == 2
    assert "is not a .docx or .dotx file" in result.output


def test_an_empty_folder_is_bad_input_not_success(tmp_path):
    """A CI job pointed at the wrong folder must fail, not build nothing and pass."""
    for command in ("build", "check"):
        result = run(command, str(tmp_path))
        assert result.exit_code == 2
        assert (
            f"{tmp_path}: no lesson files (.yaml, .yml, .json, .md, .markdown) in this folder\n"
            in result.output
        )


def test_a_theme_warning_is_said_once_in_plain_words(tmp_path):
    for command in ("check", "build"):  # a theme each: a process looks a font up only once
        theme = tmp_path / command
        theme.mkdir()
        (theme / "theme.yaml").write_text(
            "name: comic\nextends: default\n"
            "fonts: {body: {name: Comic Sans MS, file: ComicSans}}\n",
            encoding="utf-8",
        )
        output = ["-o", str(tmp_path / "out")] if command == "build" else []
        result = run(command, str(EVERY_BLOCK), "--theme", str(theme), *output)
        assert result.exit_code == 0, result.output
        lines = [line for line in result.stderr.splitlines() if "ComicSans" in line]
        assert lines == [
            f"warning: {theme / 'theme.yaml'}: font files ComicSans-*.ttf not found;"
            " using LiberationSans (put ComicSans-Regular.ttf and its Bold, Italic and"
            " BoldItalic files in the theme's fonts/ folder)"
        ]
        assert "UserWarning" not in result.output
