"""The cheat sheet: reopened with pypdf; pages, text and its order, fonts, metadata, fitting.

Type sizes and positions are read back from the page's content stream (pypdf's text
visitor), so the tests see what a printer would print, not what the renderer meant.
"""

from __future__ import annotations

import io
import os
import re
import shutil
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

import pytest
from click.testing import CliRunner
from pypdf import PdfReader

from generator.build import BuildOptions, prepare
from generator.cli import main
from generator.errors import BuildError
from generator.renderers.pdf import CODE_LEADING, PdfRenderer
from generator.theme import load_theme

from .conftest import EVERY_BLOCK, LESSONS, SAMPLE, write_lesson

DEFAULT = load_theme("default")
BODY = DEFAULT.size("pdf", "body")
FLOOR = DEFAULT.size("pdf", "body_min")
MM = 72 / 25.4
DUMPED_METADATA = ("Title", "Author", "Subject", "Keywords", "CreationDate", "ModDate")

SENTENCES = (
    "Alliances are usually formal agreements between states that expect to cooperate for years.",
    "A coalition gathers partners for one goal and often dissolves once that goal is reached.",
    "Members of an alliance commit to defend each other, which shapes their planning in peacetime.",
    "Coalition partners keep more independence and may leave when their interests change.",
)


def long_lesson(sections: int, outputs: str = "") -> str:
    """A lesson of *sections* sections ("Part 1", ...) of two full paragraphs each."""
    prose = " ".join(SENTENCES)
    lines = ["title: Long lesson", "date: 2026-02-01", "sections:"]
    for number in range(1, sections + 1):
        lines += [
            f"  - heading: Part {number}",
            "    blocks:",
            f'      - text: "{prose}"',
            f'      - text: "{prose}"',
        ]
    return "\n".join(lines) + "\n" + outputs


def every_block(folder: Path, outputs: str) -> Path:
    """every-block.yaml with extra ``outputs:``, copied with its images into *folder*."""
    shutil.copytree(LESSONS / "images", folder / "images")
    text = EVERY_BLOCK.read_text(encoding="utf-8") + f"outputs:\n  pdf: {outputs}\n"
    return write_lesson(folder, text, "every-block.yaml")


@dataclass(frozen=True)
class Span:
    """One piece of text as drawn: where it starts and at what size."""

    text: str
    x: float
    y: float
    size: float


def spans(page) -> list[Span]:
    found: list[Span] = []

    def visit(text, cm, tm, font, size):
        if text.strip():  # the text matrix, then the graphics state's (platypus translates)
            x = tm[4] * cm[0] + tm[5] * cm[2] + cm[4]
            y = tm[4] * cm[1] + tm[5] * cm[3] + cm[5]
            found.append(Span(text.strip(), x, y, round(size * tm[0] * cm[0], 2)))

    page.extract_text(visitor_text=visit)
    return found


def body_size(reader: PdfReader) -> float:
    """The size most characters are set in: the sheet's body size."""
    sizes: Counter[float] = Counter()
    for page in reader.pages:
        for span in spans(page):
            sizes[span.size] += len(span.text)
    return sizes.most_common(1)[0][0]


def text_of(reader: PdfReader) -> str:
    return "\n".join(page.extract_text() for page in reader.pages)


def words(text: str) -> str:
    """Text with all runs of whitespace made single spaces, to search across line breaks."""
    return " ".join(text.split())


def in_order(text: str, *needles: str) -> bool:
    positions = [text.find(needle) for needle in needles]
    return -1 not in positions and positions == sorted(positions)


@pytest.fixture(scope="module")
def sample(tmp_path_factory) -> PdfReader:
    from generator.build import build

    out = tmp_path_factory.mktemp("sample")
    (path,) = build(SAMPLE, BuildOptions(formats=["pdf"], out_dir=out))
    return PdfReader(path)


@pytest.fixture
def render(tmp_path: Path):
    """``render(lesson, **options)``: the renderer (with its account of the fitting) and the PDF."""

    def run(lesson: Path, **options) -> tuple[PdfRenderer, PdfReader]:
        _, document, theme = prepare(lesson, BuildOptions(**options))
        renderer = PdfRenderer()
        target = tmp_path / f"{lesson.stem}-{len(list(tmp_path.glob('*.pdf')))}.pdf"
        renderer.render(document, theme, target)
        return renderer, PdfReader(target)

    return run


# -- the sample lesson --------------------------------------------------------------


def test_sample_is_one_page_with_every_term_and_aspect(sample):
    assert len(sample.pages) == 1
    text = words(text_of(sample))
    for term in ("Alliance", "Coalition", "Stakeholder", "Consensus", "Advocacy", "Lobbying"):
        assert f"{term}:" in text
    assert "Power asymmetry:" in text
    aspects = ("Definition", "Parties", "Flexibility", "Structure", "Focus", "Power dynamics")
    for aspect in (*aspects, "Duration", "Membership", "Decision-making", "Scope", "Purpose"):
        assert aspect in text, aspect


def test_sample_reads_in_order_down_each_column_then_across(sample):
    text = words(text_of(sample))
    assert in_order(
        text,
        "In brief",
        "Introduction",
        "Definition",
        "Scope",
        "Tip: Memory aid",
        "What is an alliance?",
        "Similarities",
        "1. Collaboration",
        "8. Impact and change",
        "Key differences",
        "Power dynamics",
        "Conclusion",
        "Glossary",
        "Power asymmetry",
        "Key takeaways",
    )
    # the sheet really uses its columns: section headings start at three left edges
    lefts = {round(s.x) for s in spans(sample.pages[0]) if s.size > BODY}
    assert len(lefts & set(column_lefts(3, 297))) == 3


def test_sample_uses_short_forms(sample):
    text = words(text_of(sample))
    assert "Formal agreement to work together" in text
    assert "formal agreement between two or more parties to work together towards" not in text


def test_sample_metadata_and_language(sample):
    meta = sample.metadata
    assert meta.title == "Alliance vs. Coalition"
    assert meta.author == "Ms. Rivera"
    assert meta.subject == "Understanding the differences"
    assert meta["/Keywords"].startswith("alliance, coalition, civics")
    assert meta["/CreationDate"] == meta["/ModDate"] == "D:20261124000000+00'00'"
    assert sample.trailer["/Root"]["/Lang"] == "en-GB"


def test_fonts_are_the_themes_files_embedded(sample, render):
    theme_faces = {
        DEFAULT.font_file(role, bold=bold, italic=italic).stem
        for role in ("body", "heading", "mono")
        for bold in (False, True)
        for italic in (False, True)
    }
    seen = set()
    for reader in (sample, render(EVERY_BLOCK)[1]):
        for font in reader.pages[0]["/Resources"]["/Font"].values():
            font = font.get_object()
            assert "/FontFile2" in font["/FontDescriptor"], font["/BaseFont"]
            name = font["/BaseFont"].split("+", 1)[1]  # drop the subset tag
            seen.add(name if "-" in name else f"{name}-Regular")
    assert seen <= theme_faces
    assert {"LiberationSans-Regular", "LiberationSans-Bold", "LiberationMono-Regular"} <= seen


def test_sample_settles_on_the_theme_body_size(sample):
    assert body_size(sample) == BODY


# -- every block ----------------------------------------------------------------------


def test_every_block_dump(expect, render):
    renderer, reader = render(EVERY_BLOCK)
    assert len(reader.pages) == 1
    box = reader.pages[0].mediabox
    lines = [
        f"pages: {len(reader.pages)}, {float(box.width):.0f} x {float(box.height):.0f} pt,"
        f" body {renderer.body_size:g} pt",
        *(f"{key}: {reader.metadata[f'/{key}']}" for key in DUMPED_METADATA),
        "",
        *(line.strip() for line in text_of(reader).splitlines()),
    ]
    expect("\n".join(lines) + "\n", "pdf-every-block")


def test_only_and_skip_are_respected(render):
    text = words(text_of(render(EVERY_BLOCK)[1]))
    assert "Only in the handout." not in text
    assert "Never in the cheat sheet." not in text
    assert "Handout only" not in text and "Text inside a subsection." not in text
    assert "Alone we can do so little" in text and "Where the two overlap" in text


def test_questions_only_when_asked(tmp_path, render):
    text = words(text_of(render(EVERY_BLOCK)[1]))
    assert "Quick quiz" not in text and "Name one military alliance." not in text
    lesson = every_block(tmp_path, "{questions: true}")
    text = words(text_of(render(lesson)[1]))
    assert in_order(
        text,
        "Key takeaways",
        "Quick quiz",
        "1. Name one military alliance.",
        "2. Which is usually temporary?",
        "A. Alliance",
        "B. Coalition",
        "Answer key",
        "1. NATO",
        "2. Coalition",
    )


@pytest.mark.parametrize(
    ("options", "size", "columns"),
    [
        ("{}", (297, 210), 3),
        ("{paper: letter, orientation: portrait, columns: 2}", (215.9, 279.4), 2),
        ("{paper: a4, orientation: portrait, columns: 1}", (210, 297), 1),
        ("{paper: letter, columns: 4}", (279.4, 215.9), 4),
    ],
)
def test_paper_orientation_and_columns(tmp_path, render, options, size, columns):
    lesson = write_lesson(tmp_path, long_lesson(14, f"outputs:\n  pdf: {options}\n"))
    _, reader = render(lesson, allow_overflow=True)
    box = reader.pages[0].mediabox
    assert (float(box.width), float(box.height)) == pytest.approx((size[0] * MM, size[1] * MM))
    headings = [s for s in spans(reader.pages[0]) if s.text.startswith("Part ")]
    assert {round(s.x) for s in headings} == set(column_lefts(columns, size[0]))


def column_lefts(columns: int, page_width_mm: float) -> list[int]:
    """Where each column starts with the default theme's margins and gutter, in points."""
    margin, gutter = DEFAULT.margins.pdf * MM, DEFAULT.size("pdf", "gutter")
    width = (page_width_mm * MM - 2 * margin - (columns - 1) * gutter) / columns
    return [round(margin + i * (width + gutter)) for i in range(columns)]


# -- keeping the page promise ---------------------------------------------------------


def test_a_long_lesson_shrinks_to_stay_on_one_page(tmp_path, render):
    renderer, reader = render(write_lesson(tmp_path, long_lesson(12)))
    assert len(reader.pages) == 1
    assert FLOOR <= renderer.body_size < BODY
    assert body_size(reader) == renderer.body_size
    assert renderer.trials <= 8  # bisection, not a walk down in tenths
    assert "Part 12" in text_of(reader)


def test_a_short_lesson_keeps_the_theme_size_and_spreads_over_every_column(tmp_path, render):
    renderer, reader = render(write_lesson(tmp_path, long_lesson(3)))
    assert (renderer.body_size, body_size(reader)) == (BODY, BODY)
    assert len(reader.pages) == 1
    # three parts fill about one column; balanced, the text starts in all three
    lefts = {round(s.x) for s in spans(reader.pages[0]) if s.size == BODY}
    assert set(column_lefts(3, 297)) <= lefts


def test_only_the_layout_kept_is_written_out(tmp_path, render, monkeypatch):
    """Trial layouts are measured, not written: a shrunk sheet and a balanced one each
    write one PDF however many layouts the fitting tried."""
    from generator.renderers.pdftags import TaggedCanvas

    written = []
    save = TaggedCanvas.save
    monkeypatch.setattr(TaggedCanvas, "save", lambda canvas: written.append(save(canvas)))
    for parts in (12, 3):  # shrunk to fit; kept at the theme size and balanced
        written.clear()
        renderer, reader = render(write_lesson(tmp_path, long_lesson(parts)))
        assert renderer.trials > 1
        assert len(written) == 1
        assert len(reader.pages) == 1 and f"Part {parts}" in text_of(reader)


def test_a_lesson_far_too_long_fails_and_names_its_longest_sections(tmp_path, render):
    text = long_lesson(40).replace(
        "heading: Part 7\n    blocks:\n",
        "heading: Part 7\n    blocks:\n" + 6 * "      - text: long\n",
    )
    lesson = write_lesson(tmp_path, text.replace("text: long", f'text: "{" ".join(SENTENCES)}"'))
    with pytest.raises(BuildError) as failure:
        render(lesson)
    message = str(failure.value)
    assert "at the smallest type (6.5 pt) but 1 was asked" in message
    assert "needs 2." in message or "needs 3." in message
    assert "Part 7 (" in message.split("longest sections:")[1].split(",")[0]


def test_the_command_exits_1_with_the_message(tmp_path):
    lesson = write_lesson(tmp_path, long_lesson(40))
    result = CliRunner().invoke(main, ["build", str(lesson), "-f", "pdf", "-o", str(tmp_path)])
    assert result.exit_code == 1
    assert "pages at the smallest type (6.5 pt) but 1 was asked" in result.output
    assert not (tmp_path / "lesson-cheatsheet.pdf").exists()


def test_allow_overflow_runs_onto_more_pages(tmp_path):
    lesson = write_lesson(tmp_path, long_lesson(40))
    result = CliRunner().invoke(
        main, ["build", str(lesson), "-f", "pdf", "-o", str(tmp_path), "--allow-overflow"]
    )
    assert result.exit_code == 0, result.output
    reader = PdfReader(tmp_path / "lesson-cheatsheet.pdf")
    pages = len(reader.pages)
    assert pages >= 2
    assert f"Page {pages} of {pages}" in reader.pages[-1].extract_text()
    assert "Part 40" in text_of(reader)


def test_pages_option_gives_room(tmp_path, render):
    renderer, reader = render(write_lesson(tmp_path, long_lesson(12, "outputs: {pdf: {pages: 2}}")))
    assert renderer.body_size == BODY
    assert len(reader.pages) == 2
    assert "Page 1 of 2" in reader.pages[0].extract_text()


def test_a_table_row_never_splits_across_columns(tmp_path, render):
    rows = "".join(
        f"            - aspect: Row {i}\n              values: [{SENTENCES[0]!r}, {SENTENCES[1]!r}]\n"
        for i in range(1, 41)
    )
    lesson = long_lesson(6).replace(
        "sections:\n",
        "sections:\n  - heading: Matrix\n    blocks:\n      - compare:\n"
        "          columns: [Alliance, Coalition]\n          rows:\n" + rows,
        1,
    )
    _, reader = render(write_lesson(tmp_path, lesson), allow_overflow=True)
    text = words(text_of(reader))
    # the header row is repeated at the top of every column the table continues into
    assert text.count("Alliance Coalition") >= 3
    for number in range(1, 41):
        # cells are drawn row by row: a row cut by a column break would have the
        # repeated header in the middle of its text
        assert f"Row {number} {SENTENCES[0]} {SENTENCES[1]}" in text


# -- text and reproducibility -----------------------------------------------------------


def test_non_latin_text_prints_and_extracts_intact(tmp_path, render):
    lesson = write_lesson(
        tmp_path,
        """
title: "Союз и коалиция — Συμμαχία"
date: 2026-03-01
language: ru
sections:
  - heading: "Café “quotes” – dashes"
    blocks:
      - text: "Ελληνικά: συμμαχία, συνασπισμός. Кириллица: союз, коалиция. Naïve façade — déjà vu."
      - terms: [{term: "Ἀθῆναι", definition: "«Ёлка» — ‘single’ and “double” quotes"}]
""",
    )
    _, reader = render(lesson)
    text = words(text_of(reader))
    for needle in (
        "Союз и коалиция — Συμμαχία",
        "Café “quotes” – dashes",
        "Ελληνικά: συμμαχία, συνασπισμός.",
        "Кириллица: союз, коалиция.",
        "Naïve façade — déjà vu.",
        "Ἀθῆναι: «Ёлка» — ‘single’ and “double” quotes",
    ):
        assert needle in text
    assert reader.trailer["/Root"]["/Lang"] == "ru"


def test_markup_is_escaped_and_styled(tmp_path, render):
    lesson = write_lesson(
        tmp_path,
        """
title: "Less < more & more > less"
sections:
  - heading: "Tags <b>stay</b> text"
    blocks:
      - text: "A & B <i>not italic</i> with `x < y` and **bold** [link](https://example.org/?a=1&b=2)."
""",
    )
    _, reader = render(lesson)
    text = words(text_of(reader))
    assert "Less < more & more > less" in text
    assert "Tags <b>stay</b> text" in text
    assert "A & B <i>not italic</i> with x < y and bold link." in text
    links = [a.get_object()["/A"]["/URI"] for a in reader.pages[0]["/Annots"]]
    assert links == ["https://example.org/?a=1&b=2"]


def test_rebuilds_are_byte_identical(tmp_path, monkeypatch, render):
    first, second = tmp_path / "one.pdf", tmp_path / "two.pdf"
    _, document, theme = prepare(SAMPLE, BuildOptions())
    PdfRenderer().render(document, theme, first)
    PdfRenderer().render(document, theme, second)
    assert first.read_bytes() == second.read_bytes()
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    PdfRenderer().render(document, theme, second)
    assert PdfReader(second).metadata["/CreationDate"] == "D:20231114221320+00'00'"


def test_invariant_mode_does_not_leak_into_reportlab(render):
    from reportlab import rl_config

    before = rl_config.invariant
    render(EVERY_BLOCK)
    assert rl_config.invariant == before


# -- long headings ----------------------------------------------------------------------


@pytest.mark.parametrize(
    "heading",
    [" ".join(["Heading"] * 14), "A first heading of some sixty characters, wrapping twice"],
    ids=["100 characters", "first heading of 60 characters"],
)
def test_a_long_heading_stays_whole_and_starts_the_first_column(tmp_path, render, heading):
    """A heading wider than a column wraps; it never splits, nor leaves a column empty."""
    lesson = write_lesson(
        tmp_path, f"title: T\nsections:\n  - heading: {heading}\n    blocks:\n      - text: Body\n"
    )
    _, reader = render(lesson)
    assert len(reader.pages) == 1
    drawn = spans(reader.pages[0])
    assert words(" ".join(s.text for s in drawn if s.text != "T")).startswith(heading)
    first_column = column_lefts(3, 297)[0]
    assert {round(s.x) for s in drawn if s.text != "T"} == {first_column}


def test_a_heading_taller_than_a_column_is_named_briefly(tmp_path, render):
    heading = "word " * 2000
    lesson = write_lesson(
        tmp_path, f"title: T\nsections:\n  - heading: {heading}\n    blocks:\n      - text: Body\n"
    )
    with pytest.raises(BuildError) as caught:
        render(lesson)
    message = str(caught.value)
    assert "too long to fit one column" in message and len(message) < 400, message


@pytest.mark.parametrize("aspects", [True, False])
def test_a_compare_of_50_columns_is_refused_in_words(tmp_path, render, aspects):
    """It crashed inside reportlab with 'negative availWidth'."""
    columns = ", ".join(f"C{i}" for i in range(50))
    values = ", ".join(f"v{i}" for i in range(50))
    aspect = "aspect: Duration, " if aspects else ""
    lesson = write_lesson(
        tmp_path,
        "title: T\nsections:\n  - heading: H\n    blocks:\n"
        f"      - compare: {{columns: [{columns}], rows: [{{{aspect}values: [{values}]}}]}}\n",
    )
    with pytest.raises(BuildError, match=r"a table of 5[01] columns is too wide .*at most \d+ fit"):
        render(lesson)


def test_a_table_column_holds_its_longest_word(tmp_path, render):
    """Five even columns of a compare broke 'Responsibilities' in two."""
    lesson = write_lesson(
        tmp_path,
        "title: T\nsections:\n  - heading: H\n    blocks:\n      - compare:\n"
        "          columns: [Responsibilities, Who, When, Where, How]\n"
        "          rows:\n            - values: [Definitions, Staff, Daily, Here, Well]\n",
    )
    _, reader = render(lesson)
    lines = text_of(reader).split("\n")
    assert "Responsibilities" in [line.strip() for line in lines], lines


# -- writing systems the theme's fonts lack ---------------------------------------------------

SCRIPTS = """\
title: Scripts
sections:
  - heading: Languages
    blocks:
      - text: "Hebrew: שלום עולם. Arabic: مرحبا بالعالم. Chinese: 你好世界."
"""


def needs_system_fonts() -> None:
    """The fallback fonts come from Debian's fonts-dejavu-core and fonts-droid-fallback,
    which .ci/run installs: without them CI fails, elsewhere these tests skip."""
    from generator.scripts import find_font

    missing = [stem for stem in DEFAULT.fonts.fallback if find_font(stem, DEFAULT) is None]
    if missing and not os.environ.get("CI"):
        pytest.skip(f"fallback fonts not installed: {', '.join(missing)}")
    assert not missing, f"install the fonts {missing} (see .ci/run)"


def embedded_fonts(reader: PdfReader) -> set[str]:
    """The base names of the fonts the first page uses, without subset tags."""
    fonts = reader.pages[0]["/Resources"]["/Font"]
    return {str(font.get_object()["/BaseFont"]).split("+")[-1] for font in fonts.values()}


def test_hebrew_arabic_and_cjk_are_drawn_by_fonts_that_have_them(tmp_path, render):
    """They came out as empty boxes, Hebrew and Arabic reversed, and nothing said so."""
    from bidi import get_display

    needs_system_fonts()
    _, reader = render(write_lesson(tmp_path, SCRIPTS))
    embedded = embedded_fonts(reader)
    assert "DejaVuSans" in embedded and "DroidSansFallback" in embedded, embedded
    text = text_of(reader)
    # pypdf reads right-to-left runs back into logical order: drawn left to right as
    # written, they came back reversed ("םלוע םולש")
    assert "שלום עולם" in text and get_display("שלום עולם") not in text
    assert "你好世界" in text
    joined = {"\ufee3", "\ufeae", "\ufea3", "\ufe91"}  # initial and final forms of مرحبا
    assert joined & set(text), "Arabic letters are joined, not set in isolated forms"


def test_a_character_no_font_has_is_a_warning_at_its_line(tmp_path):
    from generator.build import build

    needs_system_fonts()
    lesson = write_lesson(
        tmp_path,
        "title: T\nsections:\n  - heading: H\n    blocks:\n      - text: 'a \U00013000 b'\n",
    )
    with pytest.warns(UserWarning) as caught:
        build(lesson, BuildOptions(formats=["pdf"], out_dir=tmp_path / "out"))
    messages = [str(warning.message) for warning in caught]
    assert f"{lesson}:5:15: the cheat sheet has no font for '\U00013000' (U+13000)" in "\n".join(
        messages
    ), messages


# -- code, columns, line breaks, fallback glyphs ---------------------------------------


def test_code_keeps_its_lines_and_indentation_in_mono(render):
    _, reader = render(EVERY_BLOCK)
    lines = [line.strip() for line in text_of(reader).splitlines()]
    start = lines.index("def area(r):")
    assert lines[start : start + 5] == [
        "def area(r):",
        '"""The area of a circle of radius r."""',
        "return 3.14159 * r ** 2  # pi r squared",
        "print(area(2))",  # after a blank line: see below
        "git status",
    ]
    found: dict[str, tuple[float, float, int, float]] = {}

    def visit(text, cm, tm, font, size):
        for word in ("def", "return", "print"):
            if text.lstrip().startswith(word) and word not in found:
                indent = len(text) - len(text.lstrip())
                x, y = tm[4] * cm[0] + cm[4], tm[5] * cm[3] + cm[5]
                found[word] = (x, size * tm[0] * cm[0], indent, y)

    reader.pages[0].extract_text(visitor_text=visit)
    size = found["def"][1]
    advance = 0.6 * size  # every character of the mono font is 0.6 em wide

    def start(word: str) -> float:
        x, _, indent, _ = found[word]
        return x + indent * advance

    assert start("return") - start("def") == pytest.approx(4 * advance, abs=0.5)
    assert start("print") == pytest.approx(start("def"), abs=0.5)
    lines_apart = (found["return"][3] - found["print"][3]) / (size * CODE_LEADING)
    assert lines_apart == pytest.approx(2, abs=0.2)  # the blank line is kept
    fonts = {f.get_object()["/BaseFont"] for f in reader.pages[0]["/Resources"]["/Font"].values()}
    assert any(name.endswith("+LiberationMono") for name in fonts)


def test_code_is_highlighted_in_more_than_one_colour(render):
    _, reader = render(EVERY_BLOCK)
    content = reader.pages[0].get_contents().get_data().decode("latin-1")
    theme_colours = {
        tuple(round(int(hex_[i : i + 2], 16) / 255, 2) for i in (0, 2, 4))
        for name, hex_ in DEFAULT.highlight.items()
        if name not in ("background", "mark")
    }
    used = {
        tuple(round(float(v), 2) for v in match.split())
        for match in re.findall(r"([\d.]+ [\d.]+ [\d.]+) rg", content)
    }
    assert len(used & theme_colours) > 2


def test_newlines_are_line_breaks_on_the_cheat_sheet(render):
    _, reader = render(EVERY_BLOCK)
    lines = text_of(reader).splitlines()
    assert "Water is H2O; area grows as r2." in lines
    assert "A second line of the same paragraph." in lines


def test_characters_the_theme_font_lacks_come_from_the_fallback(tmp_path, render):
    lesson = write_lesson(
        tmp_path,
        "title: Units\nsections:\n  - heading: Speed\n    blocks:\n"
        "      - text: Speed is measured in m s⁻¹; NADP⁺ takes electrons.\n",
    )
    _, reader = render(lesson)
    fonts = {
        font.get_object()["/BaseFont"].split("+", 1)[1]
        for font in reader.pages[0]["/Resources"]["/Font"].values()
    }
    assert "DejaVuSans" in fonts
    assert "m s⁻¹" in text_of(reader) and "NADP⁺" in text_of(reader)


# -- right-to-left paragraphs ---------------------------------------------------------------

HEBREW = (
    "ברית היא הסכם **רשמי** בין מדינות שמתחייבות להגן זו על זו לאורך שנים רבות, כמו NATO"
    " שנוסד בשנת 1949 והוא עדיין קיים היום. קואליציה לעומת זאת מתאספת למטרה אחת ומתפרקת"
    " כאשר המטרה הושגה, ולכן היא נמשכת בדרך כלל זמן קצר בהרבה מברית."
)
ARABIC = (
    "التحالف اتفاق **رسمي** بين دول تلتزم بالدفاع عن بعضها البعض لسنوات طويلة، مثل حلف NATO"
    " الذي تأسس عام 1949 وما زال قائما حتى اليوم. أما الائتلاف فيجتمع لهدف واحد وينحل"
    " عندما يتحقق الهدف."
)
DIRECTIONS = f"""\
title: Directions
sections:
  - heading: Hebrew
    blocks:
      - text: "{HEBREW} {HEBREW}"
      - text: An English paragraph with the Hebrew phrase שלום עולם in it stays left to right.
  - heading: Arabic
    blocks:
      - text: "{ARABIC} {ARABIC}"
outputs:
  pdf: {{columns: 1, orientation: portrait}}
"""
SCRIPT = {"Hebrew": "[\u0590-\u05ff]", "Arabic": "[\u0600-\u06ff\ufb50-\ufeff]"}


def unmarked(markdown: str) -> str:
    return markdown.replace("**", "")


def lines_in(reader: PdfReader, script: str) -> list:
    """The lines drawn on the first page with more letters of *script* than Latin ones,
    in drawing order (top to bottom in a column)."""
    from .pdflines import drawn_lines

    return [
        line
        for line in drawn_lines(reader.pages[0], reader)
        if len(re.findall(SCRIPT[script], line.text)) > len(re.findall("[A-Za-z]", line.text))
    ]


def reading(drawn: str) -> str:
    """A line as drawn (left to right) put back into reading order by the bidi
    algorithm, in plain letters (Arabic is drawn in its joined forms)."""
    import unicodedata

    from bidi.algorithm import get_display

    return unicodedata.normalize("NFKC", get_display(drawn, base_dir="R")).strip()


@pytest.fixture
def directions(tmp_path, render) -> tuple[PdfReader, Path]:
    needs_system_fonts()
    _, reader = render(write_lesson(tmp_path, DIRECTIONS))
    return reader, next(tmp_path.glob("*.pdf"))


@pytest.mark.parametrize(
    ("script", "text"), [("Hebrew", HEBREW), ("Arabic", ARABIC)], ids=["Hebrew", "Arabic"]
)
def test_a_wrapped_right_to_left_paragraph_reads_from_its_top_line_down(directions, script, text):
    """The lines came out in reverse order (the first line showed the end of the text),
    and a bold word or an English name cut the paragraph into pieces set left to right."""
    import unicodedata

    lines = lines_in(directions[0], script)
    assert len(lines) >= 3
    read = [reading(line.text) for line in lines]
    assert " ".join(read) == unicodedata.normalize("NFKC", unmarked(f"{text} {text}")), read
    # right-aligned: every line ends at the column's right edge, the short last one too
    assert max(line.end for line in lines) - min(line.end for line in lines) < 0.01
    assert lines[-1].x > lines[0].x + 50


def test_a_latin_paragraph_keeps_a_hebrew_phrase_in_place(directions):
    from .pdflines import drawn_lines

    reader, _ = directions
    lines = drawn_lines(reader.pages[0], reader)
    (line,) = [line for line in lines if "English" in line.text]
    assert "the Hebrew phrase םלוע םולש in it" in line.text  # drawn reversed, where it reads
    assert line.x == pytest.approx(min(other.x for other in lines if other.y < line.y + 20))


def test_right_to_left_text_is_tagged_in_reading_order(directions):
    """The structure tree reads the text as written: /ActualText over the drawn glyphs."""
    from pdfua import validate

    from .pdflines import actual_texts

    reader, path = directions
    said = actual_texts(reader.pages[0], reader)
    assert (
        unmarked(f"{HEBREW} {HEBREW}") in said and unmarked(f"{ARABIC} {ARABIC}") in said
    )  # Arabic not in joined forms
    assert [f"{f.rule_id}: {f.message}" for f in validate(str(path)).findings] == []


def test_a_right_to_left_list_item_has_its_marker_on_the_right(tmp_path, render):
    needs_system_fonts()
    lesson = write_lesson(
        tmp_path,
        "title: T\nsections:\n  - heading: H\n    blocks:\n      - list:\n"
        "          numbered: true\n          items:\n"
        "            - פריט ראשון ברשימה ממוספרת שהוא ארוך מספיק כדי להישבר לשתי שורות לפחות\n",
    )
    from .pdflines import drawn_lines

    _, reader = render(lesson)
    (marker,) = [line for line in drawn_lines(reader.pages[0], reader) if "1" in line.text]
    assert marker.text == ".1"  # '1.' as it reads from the right
    first, *rest = lines_in(reader, "Hebrew")
    assert rest and all(line.end < marker.x for line in (first, *rest))
    assert reading(first.text).startswith("פריט ראשון")


@pytest.mark.parametrize("audience", ["Year 10 civics", "כיתה י׳ אזרחות"])
def test_a_right_to_left_title_stands_at_the_right_of_the_band(tmp_path, render, audience):
    """The metadata stands on the left whichever way it reads: a Hebrew one, set from the
    right of a box as wide as the band, was drawn over the title."""
    needs_system_fonts()
    lesson = write_lesson(
        tmp_path,
        f"title: ברית מול קואליציה\naudience: {audience}\n"
        "sections:\n  - heading: H\n    blocks:\n      - text: T\n",
    )
    from .pdflines import drawn_lines

    _, reader = render(lesson)
    lines = drawn_lines(reader.pages[0], reader)
    (title,) = [line for line in lines if reading(line.text) == "ברית מול קואליציה"]
    (meta,) = [line for line in lines if reading(line.text) == audience]
    page_width = float(reader.pages[0].mediabox.width)
    assert meta.end < title.x  # the metadata on the left, beside the title
    assert page_width - title.end == pytest.approx(meta.x, abs=0.5)  # as far in from the right


def test_a_right_to_left_lesson_s_columns_start_at_the_right(tmp_path, render):
    """A Hebrew sheet is read from its right-hand column; an English one from its left."""
    needs_system_fonts()
    from .pdflines import drawn_lines

    sections = "".join(
        f'  - heading: חלק {n}\n    blocks:\n      - text: "{HEBREW}"\n' for n in range(1, 9)
    )
    starts = {}
    for language in ("he", "en"):
        lesson = write_lesson(
            tmp_path, f"title: T\nlanguage: {language}\nsections:\n{sections}", f"{language}.yaml"
        )
        _, reader = render(lesson)
        headings = {reading(line.text): line for line in drawn_lines(reader.pages[0], reader)}
        first, last = headings["חלק 1"], headings["חלק 8"]
        starts[language] = (first.end, last.end)
    first, last = starts["he"]
    assert first > last + 100  # the first part in the right-hand column, the last further left
    first, last = starts["en"]
    assert first < last - 100


def test_a_right_to_left_table_reads_from_the_right_in_reading_order(tmp_path, render):
    """The aspect column stands at the right of a Hebrew compare table; its cells are still
    drawn (and so tagged for screen readers) aspect first."""
    needs_system_fonts()
    from .pdflines import drawn_lines

    lesson = write_lesson(
        tmp_path,
        "title: T\nlanguage: he\nsections:\n  - heading: H\n    blocks:\n"
        "      - compare:\n          columns: [ברית, קואליציה]\n          rows:\n"
        "            - {aspect: משך, values: [ארוך, קצר]}\n",
    )
    _, reader = render(lesson)
    cells = ["היבט", "ברית", "קואליציה"]
    header = [line for line in drawn_lines(reader.pages[0], reader) if reading(line.text) in cells]
    assert [reading(line.text) for line in header] == cells  # in reading order
    assert header[0].x > header[1].x > header[2].x  # from the right


SHORT_LESSON = """\
title: "ברית או קואליציה?"
language: he
summary: ברית היא שותפות ארוכת טווח; קואליציה היא התאגדות זמנית סביב מטרה אחת.
sections:
  - heading: מהי ברית?
    blocks:
      - text: ברית היא שותפות **רשמית** בין מדינות או ארגונים, לרוב לטווח ארוך.
      - callout: {kind: tip, text: "ברית = ביחד לאורך זמן."}
      - list: [צבאית, כלכלית, פוליטית]
  - heading: מהי קואליציה?
    blocks:
      - text: קואליציה היא קבוצה זמנית של גורמים שמתאחדים להשגת מטרה משותפת.
      - compare:
          columns: [ברית, קואליציה]
          rows:
            - {aspect: משך, values: [ארוך טווח, זמני]}
            - {aspect: מטרה, values: [רחבה, ממוקדת]}
glossary:
  - {term: ברית, definition: שותפות רשמית וארוכת טווח.}
  - {term: קואליציה, definition: התאגדות זמנית סביב מטרה.}
takeaways:
  - ברית נמשכת זמן רב; קואליציה מתפרקת בתום המשימה.
"""


def test_a_short_table_is_not_cut_into_one_row_pieces(tmp_path, render):
    """Levelling a short lesson's columns cut its two-row table in two, each row under a
    header of its own at the top of two columns; a piece keeps two rows or moves on."""
    needs_system_fonts()
    from .pdflines import drawn_lines

    _, reader = render(write_lesson(tmp_path, SHORT_LESSON))
    drawn = [reading(line.text) for line in drawn_lines(reader.pages[0], reader)]
    assert drawn.count("היבט") == 1  # one header: the table is whole
    assert "משך" in drawn and "מטרה" in drawn


def test_a_table_piece_keeps_two_rows_unless_its_column_is_empty():
    from reportlab.pdfgen.canvas import Canvas
    from reportlab.platypus import Frame, Spacer

    from generator.renderers.pdftags import DataTable

    canvas = Canvas(io.BytesIO())
    rows = [["Aspect"], ["one"], ["two"], ["three"]]
    frame = Frame(0, 0, 200, 100, 0, 0, 0, 0)
    frame.add(Spacer(200, 60), canvas)  # 40 points left: the header and two rows
    assert len(frame.split(DataTable(rows, rowHeights=[15] * 4, repeatRows=1), canvas)) == 0
    assert len(frame.split(DataTable(rows[:3] * 2, rowHeights=[15] * 6, repeatRows=1), canvas)) == 0
    empty = Frame(0, 0, 200, 40, 0, 0, 0, 0)  # an empty column too short for the table
    assert len(empty.split(DataTable(rows, rowHeights=[15] * 4, repeatRows=1), canvas)) == 2


# -- a picture at the foot of a column -------------------------------------------------


def test_a_picture_shrinks_to_the_foot_of_a_column_rather_than_moving_on():
    from reportlab.platypus import Paragraph as Caption

    from generator.renderers.pdf import MIN_SHRINK, Picture
    from generator.renderers.pdftags import Figure

    venn = Path(EVERY_BLOCK).parent / "images" / "venn.png"
    figure = Figure(str(venn), width=200, height=100, alt="Two circles")
    caption = Caption("A caption")
    picture = Picture(figure, caption, 6)
    _, natural = picture.wrap(300, 1000)
    caption_height = natural - 100
    assert (figure.drawWidth, figure.drawHeight) == (200, 100)  # room enough: its own size
    _, fitted = picture.wrap(300, caption_height + 80)
    assert fitted == pytest.approx(caption_height + 80)  # 80% of it left: drawn at 80%
    assert figure.drawWidth == pytest.approx(160)  # in proportion
    _, moved = picture.wrap(300, caption_height + 100 * MIN_SHRINK - 1)
    assert moved == natural  # too little left: its own size, so the frame moves it on
    assert picture.split(300, 50) == []  # never cut between picture and caption


def image_sizes(reader: PdfReader) -> list[tuple[int, int]]:
    """Width and height in pixels of each picture on the first page."""
    xobjects = reader.pages[0]["/Resources"]["/XObject"]
    return sorted(
        (int(image["/Width"]), int(image["/Height"]))
        for image in (xobjects[name].get_object() for name in xobjects)
        if image["/Subtype"] == "/Image"
    )


def test_a_picture_is_prepared_once_yet_an_edited_one_is_read_again(tmp_path):
    """Each layout the sheet tries draws the picture on a new canvas; it is prepared once
    and the file comes out the same, but replacing the picture's file is seen."""
    from PIL import Image

    from generator.build import build

    picture = tmp_path / "picture.png"
    Image.new("RGB", (40, 30), "#3366aa").save(picture)
    lesson = write_lesson(
        tmp_path,
        """title: Pictures
sections:
  - heading: One picture
    blocks:
      - text: Short text beside a picture.
      - image: {src: picture.png, alt: A blue box, caption: A blue box}
""",
    )
    options = BuildOptions(formats=["pdf"], out_dir=tmp_path / "out", force=True)
    (first,) = build(lesson, options)
    kept = first.read_bytes()
    assert (40, 30) in image_sizes(PdfReader(first))
    (again,) = build(lesson, options)
    assert again.read_bytes() == kept  # the prepared picture, registered anew, is the same
    Image.new("RGB", (64, 48), "#aa3366").save(picture)
    os.utime(picture, ns=(1, 1))  # a new picture, whatever the clock says
    (edited,) = build(lesson, options)
    sizes = image_sizes(PdfReader(edited))
    assert (64, 48) in sizes and (40, 30) not in sizes


def test_a_table_too_wide_for_its_column_of_a_columns_block_says_what_fits_there(tmp_path, render):
    header = ", ".join(f"H{i}" for i in range(14))
    cells = ", ".join("x" for _ in range(14))
    table = f"{{table: {{header: [{header}], rows: [[{cells}]]}}}}"
    lesson = write_lesson(
        tmp_path,
        f"""title: T
sections:
  - heading: H
    blocks:
      - {table}
      - columns:
          widths: [1, 6]
          blocks:
            - - {table}
            - - text: The wide column.
""",
    )
    with pytest.raises(BuildError) as raised:
        render(lesson)
    found = re.search(
        r"a table of 14 columns is too wide .*\(at most (\d+) fit\)", str(raised.value)
    )
    assert found and int(found[1]) < 14  # counted in the narrow column the table is in
