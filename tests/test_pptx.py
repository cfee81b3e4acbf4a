"""The deck: reopened with python-pptx, every text measured again against its frame.

The fit checks measure each text frame and table cell twice: with the renderer's own
measure (generator.textfit, real font metrics) and with a crude independent estimate
(an average character width), so a bug in the measuring code cannot hide itself.
"""

from __future__ import annotations

import json
import math
import unicodedata
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from lxml import etree
from pptx import Presentation
from pptx.dml.color import RGBColor
from pptx.enum.shapes import PP_PLACEHOLDER
from pptx.opc.constants import RELATIONSHIP_TYPE as RT
from pptx.oxml.ns import qn
from pptx.text.text import _Run
from pptx.util import Emu

from generator import textfit
from generator.inline import Run, parse_inline
from generator.theme import Theme, load_theme

from .conftest import EVERY_BLOCK, SAMPLE, write_lesson

DEFAULT = load_theme("default")
SIZES = DEFAULT.sizes["pptx"]
PT = 12700

SENTENCES = [
    "Alliances are usually formal agreements between states that expect to cooperate for years.",
    "A coalition gathers partners for one goal and often dissolves once that goal is reached.",
    "Members of an alliance commit to defend each other, which shapes their planning in peacetime.",
    "Coalition partners keep more independence and may leave when their interests change.",
    "Both forms require trust, shared information and a way to settle disagreements quickly.",
]


def long_paragraph(words: int = 400) -> str:
    """A paragraph of about *words* words made of whole sentences."""
    text: list[str] = []
    while sum(len(s.split()) for s in text) < words:
        text.append(SENTENCES[len(text) % len(SENTENCES)])
    return " ".join(text)


LONG_LESSON = f"""
title: Long content
date: 2026-02-01
sections:
  - heading: Essay
    blocks:
      - text: "{long_paragraph()}"
  - heading: Matrix
    blocks:
      - title: Fifteen rows
        compare:
          columns: [Alliance, Coalition]
          rows:
""" + "".join(
    f"""            - aspect: Aspect number {n}
              values: ["{SENTENCES[n % 5]}", "{SENTENCES[(n + 2) % 5]}"]
"""
    for n in range(1, 16)
)

STRESS_LESSON = """
title: A deliberately awkward lesson whose title is long enough to need two lines on the cover
subtitle: Long words, long lists, code and links
date: 2026-02-02
outputs: {pptx: {aspect: "4:3"}}
sections:
  - heading: A heading that is long enough that it must wrap onto a second line in the bar
    notes: Talk through every awkward case.
    blocks:
      - text: "See https://example.org/an/extremely/long/path/that/cannot/break/anywhere/at/all/because/it/has/no/spaces/whatsoever/and/keeps/going/and/going for details."
      - list:
""" + "".join(
    f"          - term: Term {n}\n            text: {SENTENCES[n % 5]} `code_{n}()`\n"
    for n in range(1, 19)
)


# A do/don't table on a 4:3 deck whose middle column holds a long address: the first
# column was squeezed to 71 pt at 18 pt, setting "Passwor / ds" and "Reportin / g".
SECURITY_LESSON = """
title: Security onboarding
outputs: {pptx: {aspect: "4:3"}}
sections:
  - heading: Do and don't
    blocks:
      - compare:
          columns: [Do, Don't]
          rows:
            - aspect: Passwords
              values: [Use a password manager and a long passphrase for every account,
                       Reuse one password across work and personal accounts]
            - aspect: Reporting
              values: [Report suspicious emails at intranet.example.com/security/report-phishing-now,
                       Forward suspicious emails to colleagues to ask whether they look genuine]
            - aspect: Devices
              values: [Lock your screen whenever you step away, Leave laptops unattended in cars]
"""

# Chinese has no spaces to wrap at and each character is a full em wide: a text measured
# with the Latin body font's box for a missing glyph would be drawn 40% wider.
CJK_LESSON = """
title: 联盟与联合的区别
language: zh-CN
sections:
  - heading: 什么是联合？
    blocks:
      - text: 联合是由独立的群体为了一个共同的目标而暂时团结在一起。政治联合可以影响政策或选举候选人。联合的成功需要明确的目标、强有力的领导和坚定的承诺。
      - callout: {kind: tip, title: 记忆方法, text: 联盟 = 持久；联合 = 直到目标实现为止}
      - table:
          header: [方面, 联盟, 联合]
          rows:
            - [定义, 为了共同利益而达成的正式协议, 为了共同目标而建立的临时伙伴关系]
            - [期限, 长期, 短期，直到目标实现]
  - heading: 日本語の段落
    lang: ja
    blocks:
      - text: 同盟とは、共通の目的のために二つ以上の国や組織が結ぶ正式な協定であり、通常は長期的な関係を前提としています。連合は特定の課題のために一時的に集まった多様な関係者の集まりです。
      - list: [長期的な協力関係, 特定の目標のための一時的な協力, 意思決定の方法が異なる]
"""


@pytest.fixture(scope="module")
def decks(tmp_path_factory) -> dict[str, Path]:
    """Every test deck, built once for the module."""
    from generator.build import BuildOptions, build

    folder = tmp_path_factory.mktemp("decks")
    built = {}
    lessons = {
        "every": EVERY_BLOCK,
        "long": write_lesson(folder, LONG_LESSON, "long.yaml"),
        "stress": write_lesson(folder, STRESS_LESSON, "stress.yaml"),
        "security": write_lesson(folder, SECURITY_LESSON, "security.yaml"),
        "cjk": write_lesson(folder, CJK_LESSON, "cjk.yaml"),
    }
    if SAMPLE.exists():
        lessons["sample"] = SAMPLE
    for name, lesson in lessons.items():
        (path,) = build(lesson, BuildOptions(formats=["pptx"], out_dir=folder / name))
        built[name] = path
    (path,) = build(
        EVERY_BLOCK, BuildOptions(formats=["pptx"], out_dir=folder / "corp", theme="corporate")
    )
    built["corporate"] = path
    return built


def open_deck(path: Path):
    return Presentation(str(path))


def slide_texts(slide) -> list[str]:
    return [
        shape.text_frame.text
        for shape in slide.shapes
        if shape.has_text_frame and shape.text_frame.text
    ]


def title_of(slide) -> str:
    return slide_texts(slide)[0]


def notes_of(slide) -> str:
    return slide.notes_slide.notes_text_frame.text if slide.has_notes_slide else ""


def all_text(slide) -> str:
    parts = slide_texts(slide)
    for shape in slide.shapes:
        if shape.has_table:
            parts += [cell.text for row in shape.table.rows for cell in row.cells]
    return "\n".join(parts)


# -- reading frames back ----------------------------------------------------------------


@dataclass
class Frame:
    """A text frame or table cell as written: its paragraphs and its inner size, points."""

    where: str
    paragraphs: list[textfit.Paragraph]
    width: float
    height: float
    cell: bool = False


def inherited_insets(shape) -> tuple[float, float, float, float]:
    """A frame's insets (left, top, right, bottom, points): its own, else its layout's and
    master's placeholder's, else DrawingML's defaults."""
    names = ("lIns", "tIns", "rIns", "bIns")
    found: dict[str, int] = {}
    chain = [shape]
    while getattr(chain[-1], "is_placeholder", False) and hasattr(chain[-1], "_base_placeholder"):
        base = chain[-1]._base_placeholder
        if base is None:
            break
        chain.append(base)
    for link in chain:
        body = link._element.find(f"{qn('p:txBody')}/{qn('a:bodyPr')}")
        for name in names:
            if body is not None and name not in found and body.get(name) is not None:
                found[name] = int(body.get(name))
    defaults = {"lIns": 91440, "tIns": 45720, "rIns": 91440, "bIns": 45720}
    return tuple(found.get(name, defaults[name]) / PT for name in names)


def _paragraphs(frame, theme: Theme) -> list[textfit.Paragraph]:
    roles = {"+mj-lt": "heading", "+mn-lt": "body"}
    paragraphs = []
    for paragraph in frame.paragraphs:
        if not paragraph.runs and paragraph._p.find(qn("a:fld")) is not None:
            continue  # a field alone (the slide number): checked on its own
        runs = []  # line breaks too: each one is a line more to measure
        for element in paragraph._p:
            if element.tag == qn("a:br"):
                runs.append(Run("\n"))
            elif element.tag == qn("a:r"):
                r = _Run(element, paragraph)
                mono = r.font.name == theme.fonts.mono.name
                runs.append(Run(r.text, bool(r.font.bold), bool(r.font.italic), mono))
        sizes = {r.font.size.pt for r in paragraph.runs}
        if not paragraph.runs:  # an empty line of code: its height is its end mark's
            sizes = {int(paragraph._p.find(qn("a:endParaRPr")).get("sz")) / 100}
        assert len(sizes) == 1, f"one size a paragraph: {paragraph.text!r}"
        size = sizes.pop()
        assert paragraph.line_spacing.pt == pytest.approx(size * textfit.LINE_SPACING, abs=0.02)
        props = paragraph._p.pPr
        indent = int(props.get("marL", 0)) / PT if props is not None else 0.0
        role = next((roles[r.font.name] for r in paragraph.runs if r.font.name in roles), "body")
        before = paragraph.space_before.pt if paragraph.space_before is not None else 0.0
        paragraphs.append(textfit.Paragraph(runs, size, indent, before, role))
    return paragraphs


def frames(path: Path, theme: Theme) -> Iterator[Frame]:
    """Every non-empty text frame and table cell of the deck at *path*."""
    for number, slide in enumerate(open_deck(path).slides, 1):
        for shape in slide.shapes:
            if shape.has_text_frame and shape.text_frame.text:
                tf = shape.text_frame
                left, top, right, bottom = inherited_insets(shape)
                paragraphs = _paragraphs(tf, theme)
                if not paragraphs:
                    continue
                yield Frame(
                    f"slide {number} {tf.text[:40]!r}",
                    paragraphs,
                    shape.width / PT - left - right,
                    shape.height / PT - top - bottom,
                )
            if shape.has_table:
                table = shape.table
                for row in table.rows:
                    for cell, column in zip(row.cells, table.columns, strict=True):
                        if cell.text:
                            yield Frame(
                                f"slide {number} cell {cell.text[:40]!r}",
                                _paragraphs(cell.text_frame, theme),
                                (column.width - cell.margin_left - cell.margin_right) / PT,
                                (row.height - cell.margin_top - cell.margin_bottom) / PT,
                                cell=True,
                            )


def crude_height(paragraphs: list[textfit.Paragraph], width: float) -> float:
    """An independent estimate: every character 0.5 em wide (a Chinese or Japanese one a
    whole em), greedy wrap by characters."""
    total = 0.0
    for paragraph in paragraphs:
        per_line = max(1, int((width - paragraph.indent) / (0.5 * paragraph.size)))
        lines, used = 1, 0
        for word in "".join(run.text for run in paragraph.runs).split():
            size = sum(2 if unicodedata.east_asian_width(char) in "WF" else 1 for char in word)
            need = size + (1 if used else 0)
            if used + need <= per_line:
                used += need
            elif size <= per_line:
                lines, used = lines + 1, size
            else:
                lines += math.ceil(size / per_line)
                used = size % per_line
        total += paragraph.space_before + lines * paragraph.size * textfit.LINE_SPACING
    return total


THEMES = {"corporate": load_theme("corporate")}


def broken_words(frame: Frame, theme: Theme) -> list[str]:
    """Words of a table cell wider than its column (a break after - or / is fine), where
    the table is set above its floor size, so a smaller size would have kept them whole."""
    fonts = textfit.Fonts(theme)
    return [
        word
        for paragraph in frame.paragraphs
        if paragraph.size > theme.size("pptx", "table_min")
        for run in paragraph.runs
        for word in textfit.words(run.text)
        if textfit.text_width(word, fonts.file(run), paragraph.size) > frame.width
    ]


@pytest.mark.parametrize(
    "name", ["every", "long", "stress", "sample", "corporate", "security", "cjk"]
)
def test_every_text_fits_its_frame_by_both_measures(decks, name):
    if name not in decks:
        pytest.skip("the sample lesson is not there yet")
    theme = THEMES.get(name, DEFAULT)
    checked = 0
    for frame in frames(decks[name], theme):
        measured = textfit.height(frame.paragraphs, frame.width, theme)
        assert measured <= frame.height + 0.01, (
            f"{frame.where}: {measured:.1f} > {frame.height:.1f}"
        )
        if frame.cell:
            assert not broken_words(frame, theme), f"{frame.where}: {broken_words(frame, theme)}"
        crude = crude_height(frame.paragraphs, frame.width)
        slack = 1.25 * frame.height + frame.paragraphs[0].size * textfit.LINE_SPACING
        assert crude <= slack, f"{frame.where}: crude estimate {crude:.1f} > {slack:.1f}"
        checked += 1
    assert checked > (8 if name in ("security", "cjk") else 12)


@pytest.mark.parametrize("name", ["every", "long", "stress", "sample"])
def test_every_shape_is_on_the_slide_and_text_keeps_the_margins(decks, name):
    if name not in decks:
        pytest.skip("the sample lesson is not there yet")
    deck = open_deck(decks[name])
    width, height = deck.slide_width, deck.slide_height
    margin = Emu(int(DEFAULT.margins.slide * 914400))
    for number, slide in enumerate(deck.slides, 1):
        for shape in slide.shapes:
            where = f"slide {number} {shape.name}"
            assert shape.left >= 0 and shape.top >= 0, where
            assert shape.left + shape.width <= width, where
            assert shape.top + shape.height <= height, where
            if (shape.has_text_frame and shape.text_frame.text) or shape.has_table:
                left, _, right, _ = (
                    (round(inset * PT) for inset in inherited_insets(shape))
                    if shape.has_text_frame
                    else (0, 0, 0, 0)
                )  # a title bar spans the slide; its text keeps the margins
                assert shape.left + left >= margin - 1, where
                assert shape.left + shape.width - right <= width - margin + 1, where


@pytest.mark.parametrize("name", ["every", "long", "stress", "sample"])
def test_nothing_is_set_below_the_floors(decks, name):
    if name not in decks:
        pytest.skip("the sample lesson is not there yet")
    allowed_small = {SIZES["footer"], SIZES["small"]}
    for slide in open_deck(decks[name]).slides:
        for shape in slide.shapes:
            if shape.has_table:
                for row in shape.table.rows:
                    for cell in row.cells:
                        for run in (r for p in cell.text_frame.paragraphs for r in p.runs):
                            assert run.font.size.pt >= SIZES["table_min"]
            elif shape.has_text_frame:
                for run in (r for p in shape.text_frame.paragraphs for r in p.runs):
                    size = run.font.size.pt
                    if run.font.name == DEFAULT.fonts.mono.name:  # code: readable from 3 m
                        assert size >= SIZES["code_min"], run.text
                    else:
                        assert size >= SIZES["body_min"] or size in allowed_small, run.text


def test_every_block_deck_in_model_order(decks, expect):
    deck = open_deck(decks["every"])
    titles = [title_of(slide).removesuffix(" (cont.)") for slide in deck.slides]
    distinct = [t for i, t in enumerate(titles) if i == 0 or t != titles[i - 1]]
    assert distinct == [
        "Every block: a test lesson",
        "Learning objectives",
        "Prose and lists",
        "Tables",
        "Asides",
        "Code and columns",
        "Glossary",
        "Key takeaways",
        "Quick quiz",
        "Thank you",
    ]
    text = "\n".join(all_text(slide) for slide in deck.slides)
    assert "Never in the cheat sheet." in text
    assert "Only in the handout." not in text
    assert "Handout only" not in text
    expect(dump(decks["every"]), "pptx-every-block")


def dump(path: Path) -> str:
    """Slide titles, shape texts, table cells, alt texts and notes, one slide after another."""
    lines = []
    for number, slide in enumerate(open_deck(path).slides, 1):
        lines.append(f"== slide {number} ({slide.slide_layout.name})")
        for shape in slide.shapes:
            if shape.has_text_frame and shape.text_frame.text:
                for paragraph in shape.text_frame.paragraphs:
                    field = paragraph._p.find(qn("a:fld"))
                    if field is not None:  # the slide number
                        size = int(field.find(qn("a:rPr")).get("sz")) / 100
                        lines.append(f"  [{size:g}] <{field.get('type')} {paragraph.text}>")
                        continue
                    size = paragraph.runs[0].font.size.pt if paragraph.runs else 0
                    lines.append(f"  [{size:g}] {paragraph.text}")
            elif shape.has_table:
                for row in shape.table.rows:
                    lines.append("  | " + " | ".join(cell.text for cell in row.cells) + " |")
            elif shape.shape_type == 13:  # picture
                lines.append(f"  <picture: {shape._element._nvXxPr.cNvPr.get('descr')}>")
        notes = notes_of(slide)
        if notes:
            lines += ["  notes:", *(f"    {line}" for line in notes.splitlines())]
    return "\n".join(lines) + "\n"


def test_notes_on_every_content_slide_with_the_full_text_of_short_forms(decks):
    slides = list(open_deck(decks["every"]).slides)
    for slide in slides[1:-1]:
        assert notes_of(slide).strip(), title_of(slide)
    by_text = {all_text(slide): notes_of(slide) for slide in slides}
    shortened = next(notes for text, notes in by_text.items() if "A short paragraph" in text)
    assert "Notes for the first section." in shortened
    assert "Full text:" in shortened
    assert "A paragraph with bold, italic, code and a link." in shortened
    table_notes = next(notes for text, notes in by_text.items() if "Any size" in text)
    assert "Small to medium" in table_notes and "Small to very large" in table_notes
    glossary = next(notes for text, notes in by_text.items() if "Partnership" in text)
    assert "A formal partnership." in glossary


def test_quiz_answers_only_in_the_notes(decks):
    slides = list(open_deck(decks["every"]).slides)
    quiz = [slide for slide in slides if title_of(slide).startswith("Quick quiz")]
    assert quiz
    shown = "\n".join(all_text(slide) for slide in quiz)
    notes = "\n".join(notes_of(slide) for slide in quiz)
    assert "Name one military alliance." in shown and "Alliance" in shown
    assert "NATO" not in shown and "Answer:" not in shown
    assert "Answer: NATO" in notes and "Answer: Coalition" in notes
    assert "Coalitions end once their goal is met." in notes
    choices = [
        p
        for s in quiz
        for sh in s.shapes
        if sh.has_text_frame
        for p in sh.text_frame.paragraphs
        if p.text in ("Alliance", "Coalition")
    ]
    schemes = [p._p.pPr.find(qn("a:buAutoNum")).get("type") for p in choices]
    assert schemes == ["alphaUcPeriod", "alphaUcPeriod"]


def test_pictures_have_alt_text_and_keep_their_aspect_ratio(decks):
    pictures = [
        shape
        for slide in open_deck(decks["every"]).slides
        for shape in slide.shapes
        if shape.shape_type == 13
    ]
    described = [picture._element._nvXxPr.cNvPr.get("descr") for picture in pictures]
    assert described == [
        "Two overlapping circles",
        "Two circles side by side",
        "A small picture",
    ]
    for picture in pictures:
        assert picture.width / picture.height == pytest.approx(640 / 360, rel=0.01)


def test_a_long_paragraph_continues_between_sentences(decks):
    slides = list(open_deck(decks["long"]).slides)
    essay = [s for s in slides if title_of(s) in ("Essay", "Essay (cont.)")]
    assert len(essay) >= 2
    assert [title_of(s) for s in essay] == ["Essay"] + ["Essay (cont.)"] * (len(essay) - 1)
    chunks = [slide_texts(s)[1] for s in essay]
    assert all(chunk.endswith(".") for chunk in chunks)
    assert " ".join(chunks) == long_paragraph()
    assert [notes_of(s) for s in essay] == chunks


def test_the_sample_deck_has_one_slide_set_per_section_in_order(decks):
    titles = [title_of(slide) for slide in open_deck(decks["sample"]).slides]
    assert titles[0] == "Alliance vs. Coalition"
    assert titles[1:-1] == [
        "Learning objectives",
        "Introduction",
        "Alliance vs. Coalition",
        "What is an alliance?",  # four short statements share one slide, not 2 + 2
        "What is a coalition?",
        "Similarities",
        "Examples of alliances and coalitions",
        "Key differences",
        "Conclusion",
        "Glossary",
        "Key takeaways",
        "Quick quiz",
        "Quick quiz (cont.)",
    ]


def test_every_slide_has_its_own_id_counting_up(decks):
    """Slide ids start at 256 and count up in slide order, as PowerPoint numbers them;
    a deck whose ids repeat is one PowerPoint offers to repair."""
    for name in ("sample", "every", "corporate"):
        ids = [slide.slide_id for slide in open_deck(decks[name]).slides]
        assert ids == list(range(256, 256 + len(ids))), name


def test_more_short_statements_than_a_slide_holds_split_evenly(tmp_path, build_lesson):
    statements = [{"text": f"Point number {n} is short."} for n in range(1, 8)]
    lesson = {"title": "Points", "sections": [{"heading": "Points", "blocks": statements}]}
    path = build_lesson(write_lesson(tmp_path, json.dumps(lesson), "points.yaml"), "pptx")
    slides = list(open_deck(path).slides)[1:-1]
    assert [title_of(s) for s in slides] == ["Points", "Points (cont.)"]
    shown = [
        [
            line
            for text in slide_texts(s)
            for line in text.splitlines()
            if line.startswith("Point n")
        ]
        for s in slides
    ]
    assert sorted(len(texts) for texts in shown) == [3, 4]
    assert [text for texts in shown for text in texts] == [b["text"] for b in statements]


def test_a_fifteen_row_compare_continues_between_rows(decks):

    slides = list(open_deck(decks["long"]).slides)
    matrix = [s for s in slides if title_of(s).startswith("Matrix")]
    assert len(matrix) >= 2
    assert [title_of(s) for s in matrix[1:]] == ["Matrix (cont.)"] * (len(matrix) - 1)
    aspects = []
    for slide in matrix:
        (table,) = [shape.table for shape in slide.shapes if shape.has_table]
        header = [cell.text for cell in table.rows[0].cells]
        assert header == ["Aspect", "Alliance", "Coalition"]
        aspects += [row.cells[0].text for row in list(table.rows)[1:]]
        assert "Fifteen rows" in slide_texts(slide)
    assert aspects == [f"Aspect number {n}" for n in range(1, 16)]


def test_long_words_lists_and_titles_stay_inside_on_4_3(decks):
    deck = open_deck(decks["stress"])
    assert (deck.slide_width, deck.slide_height) == (Emu(9144000), Emu(6858000))
    titles = [title_of(slide) for slide in deck.slides]
    heading = "A heading that is long enough that it must wrap onto a second line in the bar"
    assert heading in titles and f"{heading} (cont.)" in titles
    items = [
        p.text
        for slide in deck.slides
        for shape in slide.shapes
        if shape.has_text_frame
        for p in shape.text_frame.paragraphs
        if p.text.startswith("Term ")
    ]
    assert [item.split(" – ")[0] for item in items] == [f"Term {n}" for n in range(1, 19)]


def test_the_same_lesson_twice_gives_identical_bytes(build_lesson, tmp_path):
    first = build_lesson(EVERY_BLOCK, "pptx").read_bytes()
    again = build_lesson(EVERY_BLOCK, "pptx").read_bytes()
    assert first == again


def test_core_properties_come_from_the_lesson(decks):
    props = open_deck(decks["every"]).core_properties
    assert props.title == "Every block: a test lesson"
    assert props.author == "Test Author"
    assert props.language == "en-GB"
    assert props.created.year == 2026 and props.revision == 1


def test_frames_never_rely_on_autofit(decks):
    for slide in open_deck(decks["every"]).slides:
        for shape in slide.shapes:
            if shape.has_text_frame and shape.text_frame.text:
                body = shape.text_frame._txBody.bodyPr
                assert body.find(qn("a:noAutofit")) is not None
                assert body.get("wrap") == "square"


# -- textfit ------------------------------------------------------------------------------


FONTS = textfit.Fonts(DEFAULT)


def test_wrap_breaks_between_words_within_the_width():
    runs = parse_inline("the quick brown fox jumps over the lazy dog " * 4)
    lines = textfit.wrap(runs, 24, 300, FONTS)
    assert len(lines) > 2
    regular = DEFAULT.font_file("body")
    assert all(textfit.text_width(line, regular, 24) <= 300 for line in lines)
    assert " ".join(lines).split() == "".join(run.text for run in runs).split()


def test_bold_runs_are_measured_with_the_bold_face():
    regular = DEFAULT.font_file("body")
    width = textfit.text_width("wide words here", regular, 24) / textfit.WRAP_SLACK + 0.5
    assert len(textfit.wrap(parse_inline("wide words here"), 24, width, FONTS)) == 1
    assert len(textfit.wrap(parse_inline("wide **words** here"), 24, width, FONTS)) == 2


def test_a_word_longer_than_the_line_is_broken_between_characters():
    lines = textfit.wrap(parse_inline("see " + "x" * 200 + " end"), 20, 200, FONTS)
    regular = DEFAULT.font_file("body")
    assert lines[0] == "see"
    assert all(textfit.text_width(line, regular, 20) <= 200 for line in lines)
    assert "".join(lines[1:]).replace(" ", "") == "x" * 200 + "end"


def test_chinese_and_japanese_are_measured_a_full_em_a_character():
    """The body font has no CJK glyphs; what draws them (any CJK font) sets each a full
    em wide, fullwidth punctuation too, so a slide's text is measured as wide as it shows.
    Latin letters the body font lacks keep the measuring fallback's widths."""
    regular = DEFAULT.font_file("body")
    assert textfit.text_width("联合是由独立", regular, 10) == 60
    assert textfit.text_width("日本語、かな。", regular, 12) == 7 * 12
    assert textfit.text_width("ab联合", regular, 10) == textfit.text_width("ab", regular, 10) + 20
    assert 0 < textfit.text_width("s⁻¹", regular, 10) < 15
    lines = textfit.wrap(parse_inline("联合" * 30), 20, 200, FONTS)
    assert [len(line) for line in lines] == [9] * 6 + [6]  # 200 / 20 pt, with the slack


def test_line_counts_agree_with_wrap_at_every_width():
    texts = [
        "",
        "one",
        long_paragraph(40),
        "see " + "x" * 120 + " end and **bold words** with `code()` after",
        "Donaudampfschifffahrt " * 6 + "*kurz*",
    ]
    widths = tuple(width / 4 for width in range(-40, 2800, 3))
    for text in texts:
        runs = parse_inline(text)
        counts = textfit.line_counts(textfit.setting(runs, FONTS), 18, widths)
        assert counts == tuple(len(textfit.wrap(runs, 18, width, FONTS)) for width in widths)
        shuffled = widths[::-7]
        counts = textfit.line_counts(textfit.setting(runs, FONTS), 18, shuffled)
        assert counts == tuple(len(textfit.wrap(runs, 18, width, FONTS)) for width in shuffled)


def test_fit_finds_the_largest_size_or_none():
    runs = parse_inline(long_paragraph(60))
    box = textfit.Box(600, 200, (5, 5, 5, 5))

    def layout(size: float) -> list[textfit.Paragraph]:
        return [textfit.Paragraph(runs, size)]

    size = textfit.fit(layout, box, DEFAULT, 24, 10)
    assert size is not None and 10 <= size < 24
    assert textfit.fits(layout(size), box, DEFAULT)
    bigger = [s for s in textfit.sizes(24, 10) if s > size]
    assert not any(textfit.fits(layout(s), box, DEFAULT) for s in bigger)
    assert textfit.fit(layout, textfit.Box(600, 40), DEFAULT, 24, 18) is None


def test_sizes_step_by_two_then_one():
    assert list(textfit.sizes(24, 18)) == [24, 22, 20, 19, 18]
    assert list(textfit.sizes(18, 12)) == [18, 16, 14, 13, 12]


def test_height_counts_lines_and_space_before():
    one = textfit.Paragraph(parse_inline("short"), 20)
    two = textfit.Paragraph(parse_inline("short"), 20, space_before=10)
    assert textfit.height([one], 500, DEFAULT) == pytest.approx(24)
    assert textfit.height([one, two], 500, DEFAULT) == pytest.approx(58)


def test_flow_prefers_fewer_boxes_then_the_larger_size():
    heights = [30.0] * 10

    def fits(size: float, items: range) -> bool:
        return sum(heights[i] * size / 10 for i in items) <= 200

    assert textfit.flow(10, fits, 20, 12) == (13, [range(0, 5), range(5, 10)])
    assert textfit.flow(2, fits, 10, 10) == (10, [range(0, 2)])


def test_pack_never_cuts_an_item_and_reports_one_too_big():
    assert textfit.pack(3, lambda items: len(items) <= 2) == [range(0, 2), range(2, 3)]
    assert textfit.pack(2, lambda items: False) is None


def test_sentences_keep_styles_and_lose_only_the_spaces_between():
    runs = parse_inline('One **two.** Three "four." Five? Six')
    found = textfit.sentences(runs)
    assert ["".join(r.text for r in s) for s in found] == [
        "One two.",
        'Three "four."',
        "Five?",
        "Six",
    ]
    assert found[0][1].bold


# -- themes, logo and a user's own template ------------------------------------------------

SHIPPED = ["default", "classroom", "corporate"]


@pytest.fixture(scope="module")
def themed(tmp_path_factory) -> dict[str, Path]:
    """The sample lesson (or the every-block lesson) built with each shipped theme."""
    from generator.build import BuildOptions, build

    folder = tmp_path_factory.mktemp("themed")
    lesson = SAMPLE if SAMPLE.exists() else EVERY_BLOCK
    return {
        name: build(lesson, BuildOptions(formats=["pptx"], out_dir=folder / name, theme=name))[0]
        for name in SHIPPED
    }


def master_fonts(deck, master=None) -> tuple[str, str]:
    """The major and minor Latin fonts of the deck's (first, or given) master's theme."""
    theme_part = (master or deck.slide_master).part.part_related_by(RT.THEME)
    root = etree.fromstring(theme_part.blob)
    return tuple(
        root.find(f".//{qn('a:fontScheme')}/{qn(f'a:{tag}')}/{qn('a:latin')}").get("typeface")
        for tag in ("majorFont", "minorFont")
    )


@pytest.mark.parametrize("name", SHIPPED)
def test_each_theme_colours_and_fonts_the_deck(themed, name):
    theme = load_theme(name)
    deck = open_deck(themed[name])
    fonts = theme.fonts
    assert master_fonts(deck) == (fonts.heading.name, fonts.body.name)
    slides = list(deck.slides)
    for slide in slides[1:-1]:
        bar = slide.shapes.title._base_placeholder  # the layout's title bar
        assert bar.fill.fore_color.rgb == RGBColor.from_string(theme.palette.primary)
    for slide in slides:
        title, *texts = [
            shape.text_frame
            for shape in slide.shapes
            if shape.has_text_frame and shape.text_frame.text
        ]
        assert {run.font.name for run in title.paragraphs[0].runs} == {"+mj-lt"}
        used = {run.font.name for frame in texts for p in frame.paragraphs for run in p.runs}
        assert used <= {None, "+mj-lt", fonts.mono.name}, "only code names its own font"


@pytest.mark.parametrize("name", SHIPPED)
def test_every_slide_of_each_theme_is_on_a_real_layout_with_its_title(themed, name):
    deck = open_deck(themed[name])
    types = [layout.element.get("type") for layout in deck.slide_layouts]
    assert types == ["title", "obj", "secHead", "twoObj", "titleOnly", "blank"]
    for number, slide in enumerate(deck.slides, 1):
        assert slide.shapes.title is not None and slide.shapes.title.text, number
        assert slide.shapes[0] == slide.shapes.title, f"slide {number}: the title is read first"
        for shape in slide.shapes:
            assert shape.is_placeholder or shape.shape_type in (1, 13, 17, 19), shape.name
    for layout in [deck.slide_master, *deck.slide_layouts]:
        for shape in layout.shapes:
            if not shape.is_placeholder:
                extension = shape._element.find(f".//{qn('a:ext')}")
                assert (
                    extension is not None and "decorative" in etree.tostring(extension).decode()
                ), f"{layout.name}: {shape.name} is not marked decorative"


@pytest.mark.parametrize("name", SHIPPED)
def test_each_theme_fits_every_frame(themed, name):
    theme = load_theme(name)
    for frame in frames(themed[name], theme):
        measured = textfit.height(frame.paragraphs, frame.width, theme)
        assert measured <= frame.height + 0.01, frame.where
        assert not frame.cell or not broken_words(frame, theme), frame.where


def pictures(slide) -> list:
    return [shape for shape in slide.shapes if shape.shape_type == 13]


def test_the_corporate_logo_is_on_the_title_and_closing_slides(themed):
    slides = list(open_deck(themed["corporate"]).slides)
    (logo,) = pictures(slides[0])
    assert logo._element._nvXxPr.cNvPr.get("descr") == "Northside High"
    assert logo.width == pytest.approx(logo.height, rel=0.01)  # the square logo stays square
    (small,) = pictures(slides[-1])
    assert small.height < logo.height
    assert not any(pictures(slide) for slide in slides[1:-1])
    assert not pictures(open_deck(themed["default"]).slides[0])


REFERENCE_BACKGROUND = "FFF8E7"
REFERENCE_TITLE = "8B0030"


def make_reference(folder: Path, suffix: str = ".pptx") -> Path:
    """A user's template: its own background and title colour, and a renamed content layout.

    Returns a theme folder that extends default and names it.
    """
    deck = Presentation()
    master = deck.slide_master
    master.background.fill.solid()
    master.background.fill.fore_color.rgb = RGBColor.from_string(REFERENCE_BACKGROUND)
    style = master._element.find(qn("p:txStyles")).find(qn("p:titleStyle"))
    fill = style.find(qn("a:lvl1pPr")).find(qn("a:defRPr")).find(qn("a:solidFill"))
    for child in list(fill):
        fill.remove(child)
    fill.append(fill.makeelement(qn("a:srgbClr"), {"val": REFERENCE_TITLE}))
    deck.slide_layouts[1].name = "Acme Content"
    deck.slides.add_slide(deck.slide_layouts[0]).shapes.title.text = "Template sample slide"
    folder.mkdir()
    path = folder / f"ref{suffix}"
    deck.save(str(path))
    if suffix == ".potx":  # the same package, declared a template
        with zipfile.ZipFile(path) as source:
            items = {item: source.read(item) for item in source.namelist()}
        with zipfile.ZipFile(path, "w") as target:
            for item, data in items.items():
                if item == "[Content_Types].xml":
                    data = data.replace(b"presentation.main+xml", b"template.main+xml")
                target.writestr(item, data)
    (folder / "theme.yaml").write_text(
        f"name: acme\nextends: default\nreference_pptx: ref{suffix}\n", encoding="utf-8"
    )
    return folder


@pytest.fixture(scope="module")
def referenced(tmp_path_factory) -> dict[str, Path]:
    """The every-block lesson built on a reference .pptx and on the same file as a .potx."""
    from generator.build import BuildOptions, build

    folder = tmp_path_factory.mktemp("reference")
    built = {}
    for suffix in (".pptx", ".potx"):
        theme = make_reference(folder / suffix[1:], suffix)
        options = BuildOptions(formats=["pptx"], out_dir=folder / f"out{suffix}", theme=str(theme))
        (built[suffix],) = build(EVERY_BLOCK, options)
    return built


@pytest.mark.parametrize("suffix", [".pptx", ".potx"])
def test_a_reference_deck_gives_its_master_and_layouts(referenced, suffix):
    deck = open_deck(referenced[suffix])
    slides = list(deck.slides)
    assert slides[0].slide_layout.name == "Title Slide"
    assert slides[-1].slide_layout.name == "Title Slide"
    layouts = {slide.slide_layout.name for slide in slides[1:-1]}
    assert layouts == {"Acme Content", "Title Only", "Two Content"}  # even columns: Two Content
    assert "Template sample slide" not in "\n".join(all_text(slide) for slide in slides)
    fill = deck.slide_master.background.fill
    assert fill.fore_color.rgb == RGBColor.from_string(REFERENCE_BACKGROUND)
    assert slides[0].shapes.title.text == "Every block: a test lesson"
    for slide in slides[1:-1]:
        assert slide.shapes.title.text, "every content slide's title is in its placeholder"
        title_runs = slide.shapes.title.text_frame.paragraphs[0].runs
        assert all(run.font.color.type is None for run in title_runs), "colour from the master"
        assert not any(shape.fill.type == 1 for shape in slide.shapes if shape.top == 0)
        for shape in slide.placeholders:
            assert shape.text_frame.text, f"no empty placeholder on {title_of(slide)}"
    bodies = [
        shape
        for slide in slides[1:-1]
        for shape in slide.placeholders
        if shape.placeholder_format.type in (PP_PLACEHOLDER.BODY, PP_PLACEHOLDER.OBJECT)
    ]
    assert len(bodies) >= 5
    assert any("Banana" in body.text_frame.text for body in bodies)


def test_a_reference_deck_fits_and_keeps_tables_and_pictures_in_the_body_area(referenced):
    path = referenced[".pptx"]
    checked = 0
    calibri = load_theme("corporate")  # the template's theme fonts are Calibri, as measured
    for frame in frames(path, calibri):
        assert textfit.height(frame.paragraphs, frame.width, calibri) <= frame.height + 0.01
        assert not frame.cell or not broken_words(frame, calibri), frame.where
        checked += 1
    assert checked > 12
    deck = open_deck(path)
    area = deck.slide_layouts.get_by_name("Acme Content").placeholders[1]
    for slide in deck.slides:
        for shape in slide.shapes:
            if shape.has_table or shape.shape_type == 13:
                assert (
                    area.left <= shape.left and shape.left + shape.width <= area.left + area.width
                )
                assert area.top <= shape.top and shape.top + shape.height <= area.top + area.height


def test_a_reference_deck_builds_byte_identical(build_lesson, tmp_path):
    theme = make_reference(tmp_path / "acme")
    first = build_lesson(EVERY_BLOCK, "pptx", theme=str(theme)).read_bytes()
    again = build_lesson(EVERY_BLOCK, "pptx", theme=str(theme)).read_bytes()
    assert first == again


# -- code, columns, notes, slide breaks, line breaks -----------------------------------

CODE_LINES = [
    "def area(r):",
    '    """The area of a circle of radius r."""',
    "    return 3.14159 * r ** 2  # pi r squared",
    "",
    "print(area(2))",
]


def code_frame(deck, first_line: str):
    """The slide and the panel whose text holds *first_line* of a code block."""
    for slide in deck.slides:
        for shape in slide.shapes:
            if shape.has_text_frame and first_line in shape.text_frame.text:
                return slide, shape
    raise AssertionError(f"no frame holds {first_line!r}")


def run_colours(paragraphs) -> set[str]:
    return {
        str(r.font.color.rgb)
        for p in paragraphs
        for r in p.runs
        if r.font.color.type is not None and r.text.strip()
    }


def test_code_keeps_its_lines_and_indentation_in_the_mono_font_highlighted(decks):
    _, panel = code_frame(open_deck(decks["every"]), "def area(r):")
    paragraphs = panel.text_frame.paragraphs
    assert paragraphs[0].text == "A first function"  # the title, inside the panel
    code = paragraphs[1:]
    assert [p.text for p in code] == CODE_LINES
    runs = [r for p in code for r in p.runs]
    assert {r.font.name for r in runs} == {DEFAULT.fonts.mono.name}
    assert min(r.font.size.pt for r in runs) >= SIZES["code_min"]
    assert len(run_colours(code)) > 2  # keywords, strings, numbers, comments ...
    assert panel.fill.fore_color.rgb == RGBColor.from_string(DEFAULT.highlight["background"])


LONG_CODE = """\
title: Long code
sections:
  - heading: Script
    blocks:
      - code:
          language: python
          text: |
{lines}
"""


def test_long_code_shrinks_to_the_code_floor_then_continues_between_lines(tmp_path):
    from generator.build import BuildOptions, build

    source = [f"value_{n} = {n} * {n}  # line {n}" for n in range(70)]
    source.append("total = compute_value(item, factor=3, offset=base_offset) + " * 3 + "value_0")
    body = "\n".join(f"            {line}" for line in source)
    lesson = write_lesson(tmp_path, LONG_CODE.format(lines=body))
    (path,) = build(lesson, BuildOptions(formats=["pptx"], out_dir=tmp_path / "out"))
    slides = [s for s in open_deck(path).slides if title_of(s).startswith("Script")]
    assert len(slides) >= 2
    assert [title_of(s) for s in slides[1:]] == ["Script (cont.)"] * (len(slides) - 1)
    shown: list[str] = []
    for slide in slides:
        for shape in slide.shapes:
            if shape.has_text_frame and "value_" in shape.text_frame.text:
                for paragraph in shape.text_frame.paragraphs:
                    assert all(r.font.size.pt >= SIZES["code_min"] for r in paragraph.runs)
                    shown.append(paragraph.text)
    mark = DEFAULT.text["code_continued"]
    continued = [line for line in shown if line.startswith(mark)]
    assert continued, "the long last line is cut, with the continuation mark"
    joined = [line for line in shown if not line.startswith(mark)]
    assert len(joined) == len(source)  # every line once, in order
    assert joined[:70] == source[:70]
    assert (joined[70] + "".join(c.removeprefix(mark) for c in continued)) == source[70]


def test_an_image_in_columns_sits_beside_its_text(decks):
    for slide in open_deck(decks["every"]).slides:
        pictures = [
            s
            for s in slide.shapes
            if s.shape_type == 13
            and s._element._nvXxPr.cNvPr.get("descr") == "Two circles side by side"
        ]
        if pictures:
            (picture,) = pictures
            text = next(s for s in slide.shapes if s.has_text_frame and "H2O" in s.text_frame.text)
            assert text.left >= picture.left + picture.width  # to its right ...
            assert text.top < picture.top + picture.height  # ... and level with it
            assert picture.top < text.top + text.height
            return
    raise AssertionError("no slide shows the image in columns")


def test_block_notes_go_to_the_slide_that_shows_the_block(decks):
    deck = open_deck(decks["every"])
    code_slide, _ = code_frame(deck, "def area(r):")
    assert notes_of(code_slide).splitlines()[:2] == [
        "Notes for the code section.",
        "Say what a function is.",
    ]
    columns_slide, _ = code_frame(deck, "H2O")
    assert notes_of(columns_slide) == "Point at the diagram."
    every_note = [notes_of(slide) for slide in deck.slides]
    assert sum("Notes for the first section." in n for n in every_note) == 1
    assert sum("Notes for the code section." in n for n in every_note) == 1


def test_new_slide_starts_a_slide(decks):
    for slide in open_deck(decks["every"]).slides:
        described = [
            s._element._nvXxPr.cNvPr.get("descr") for s in slide.shapes if s.shape_type == 13
        ]
        if "A small picture" in described:
            assert described == ["A small picture"]
            assert not any("H2O" in text for text in slide_texts(slide))
            return
    raise AssertionError("no slide shows the small picture")


def test_line_breaks_sub_and_superscripts_are_kept(decks):
    _, frame = code_frame(open_deck(decks["every"]), "H2O")
    paragraph = next(p for p in frame.text_frame.paragraphs if "H2O" in p.text)
    assert len(paragraph._p.findall(qn("a:br"))) == 3  # a line break, then a blank line
    shifted = [
        (r.text, r._r.rPr.get("baseline")) for r in paragraph.runs if r._r.rPr.get("baseline")
    ]
    assert shifted == [("2", "-25000"), ("2", "30000")]  # H~2~O, r^2^


def test_even_columns_go_on_the_two_content_layout(decks):
    deck = open_deck(decks["every"])
    (slide,) = [s for s in deck.slides if s.slide_layout.name == "Two Content"]
    bodies = sorted(
        (s for s in slide.placeholders if s.placeholder_format.type == PP_PLACEHOLDER.OBJECT),
        key=lambda shape: shape.left,
    )
    assert [body.text_frame.text for body in bodies] == [
        "Even columns go on the Two Content layout.",
        "Left body\nRight body",
    ]
    assert bodies[0].left + bodies[0].width <= bodies[1].left  # side by side


RIGHT_TO_LEFT = """\
title: Directions
sections:
  - heading: עברית
    notes: הערות הדובר
    blocks:
      - text: "ברית היא הסכם **רשמי** בין מדינות, כמו NATO משנת 1949."
      - text: An English paragraph with the Hebrew phrase שלום עולם in it.
      - list: ["פריט ראשון ברשימה", "التحالف اتفاق رسمي"]
"""


def test_right_to_left_paragraphs_are_set_from_the_right(tmp_path, build_lesson):
    """A Hebrew or Arabic paragraph is marked rtl and right-aligned; in the same frame an
    English one says it is left to right (LibreOffice carried the direction over)."""
    deck = Presentation(str(build_lesson(write_lesson(tmp_path, RIGHT_TO_LEFT), "pptx")))
    found = {}
    for slide in deck.slides:
        pages = [slide, slide.notes_slide] if slide.has_notes_slide else [slide]
        for page in pages:
            for paragraph in page._element.iter(qn("a:p")):
                text = "".join(t.text or "" for t in paragraph.iter(qn("a:t")))
                props = paragraph.find(qn("a:pPr"))
                found[text] = None if props is None else (props.get("rtl"), props.get("algn"))
    for text in ("עברית", "פריט ראשון ברשימה", "التحالف اتفاق رسمي", "הערות הדובר"):
        assert found[text] == ("1", "r"), text
    assert found["ברית היא הסכם רשמי בין מדינות, כמו NATO משנת 1949."] == ("1", "r")
    assert found["An English paragraph with the Hebrew phrase שלום עולם in it."] == ("0", "l")
    assert found["Directions"] in (None, (None, None), (None, "l"), (None, "ctr"))


# -- a picture after text ---------------------------------------------------------------

PICTURE_AFTER_TEXT = """\
title: Pictures
sections:
  - heading: Forces on a block
    blocks:
      - list:
          - Weight pulls the block down towards the ground, always straight down
          - The normal force pushes back up from the table, at right angles to it
          - Friction acts along the surface against the motion of the block
      - image: {src: venn.png, alt: Two overlapping circles, width: WIDTH, caption: Overlap}
        notes: Point at the overlap.
"""


@pytest.mark.parametrize("width", ["55%", "100%"])
def test_a_picture_too_tall_for_the_rest_of_a_slide_is_drawn_smaller_beside_the_text(
    tmp_path, width
):
    import shutil

    from generator.build import BuildOptions, build

    shutil.copy(Path(EVERY_BLOCK).parent / "images" / "venn.png", tmp_path)
    path = write_lesson(tmp_path, PICTURE_AFTER_TEXT.replace("WIDTH", width))
    (deck,) = build(path, BuildOptions(formats=["pptx"], out_dir=tmp_path / "out"))
    presentation = Presentation(str(deck))
    slides = list(presentation.slides)[1:-1]  # between the cover and the closing slide
    pictures = [
        (i, shape) for i, s in enumerate(slides) for shape in s.shapes if shape.shape_type == 13
    ]
    ((index, picture),) = pictures
    texts = [shape.text_frame.text for shape in slides[index].shapes if shape.has_text_frame]
    if width == "55%":  # at 55% of the width it is too tall for what the list leaves...
        assert len(slides) == 1  # ...so it is drawn smaller on the list's slide
        (body,) = [s for s in slides[index].shapes if s.has_text_frame and "Friction" in s.text]
        natural = 0.55 * body.width * 360 / 640  # 55% of the content width, venn.png's shape
        assert 0.6 * natural <= picture.height < 0.95 * natural
        notes = slides[index].notes_slide.notes_text_frame.text
        assert "Point at the overlap." in notes  # drawn smaller, still the block's notes
    else:  # even at 60% it would not fit beside the list: a slide of its own, full size
        assert len(slides) == 2 and not any("Friction" in text for text in texts)
    caption = next(
        s for s in slides[index].shapes if s.has_text_frame and s.text_frame.text == "Overlap"
    )
    footer_top = min(s.top for s in slides[index].shapes if s.is_placeholder and "Footer" in s.name)
    assert (
        picture.top + picture.height <= caption.top and caption.top + caption.height <= footer_top
    )
