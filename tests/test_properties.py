"""Random valid lessons go through every renderer, and the files reopen.

Hypothesis builds lessons as Python data (every block kind, nested lists and sections,
compare tables of any size, code in known and unknown languages, columns, questions,
notes and slide breaks on blocks, only/skip) with text from the corners of Unicode
that break layout code: emoji, right-to-left scripts, combining marks, CJK, words far
longer than a line, curly quotes. Each lesson is written as YAML, as an author would,
and built into all three formats.
"""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path
from typing import Any

import pytest
import yaml
from docx import Document as WordDocument
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st
from pptx import Presentation
from pypdf import PdfReader

from generator.build import BuildOptions, build
from generator.errors import BuildError

from .conftest import LESSONS

FORMATS = ("docx", "pptx", "pdf")
IMAGE = LESSONS / "images" / "venn.png"

SAMPLES = [
    "Alliance vs. Coalition",
    "👩🏽‍🏫 Teachers 🤝 students 🌍",
    "تحالف مقابل ائتلاف: ما الفرق؟",
    "ברית מול קואליציה",
    "Ünïcödé cafe\u0301 na\u0308ive Z\u0327\u0301alg\u030a\u0316o",
    "同盟与联盟的区别是什么？日本語のテキスト、한국어 텍스트",
    "“Curly quotes” and ‘single ones’ – en dash — em dash …",
    "Donaudampfschifffahrtsgesellschaftskapitänsmützenabzeichen" * 4,
    "https://example.org/a/very/long/path/without/any/spaces/" + "segment" * 30,
    "**bold** and *italic* and `code` and [a link](https://example.org)",
    "mixed English and עברית and العربية in one line",
]

# Any printable text except braces (they start templates, which random text must not).
RANDOM_TEXT = st.text(
    st.characters(exclude_categories=("Cc", "Cs", "Cn"), exclude_characters="{}"),
    min_size=1,
    max_size=60,
).filter(str.strip)
LONG_WORD = st.builds(lambda c, n: c * n, st.sampled_from("xW字ש😀"), st.integers(60, 400))
TEXT = st.one_of(st.sampled_from(SAMPLES), RANDOM_TEXT, LONG_WORD)
SHORT = st.one_of(st.none(), TEXT)
# Headings and titles stay a heading's length, but still hold words longer than a slide's width.
HEADING = st.one_of(
    st.sampled_from(SAMPLES[:7]),
    RANDOM_TEXT.map(lambda text: text[:40]).filter(str.strip),
    st.builds(lambda c, n: c * n, st.sampled_from("xW字ש😀"), st.integers(20, 60)),
)
FILTER = st.one_of(
    st.just({}),
    st.lists(st.sampled_from(FORMATS), min_size=1, max_size=2, unique=True).map(
        lambda formats: {"only": formats}
    ),
    st.lists(st.sampled_from(FORMATS), min_size=1, max_size=1).map(lambda f: {"skip": f}),
)


def drop_none(mapping: dict[str, Any]) -> dict[str, Any]:
    return {key: value for key, value in mapping.items() if value is not None}


def list_items(depth: int) -> st.SearchStrategy[list[Any]]:
    plain = TEXT
    if depth == 3:
        return st.lists(plain, min_size=1, max_size=3)
    rich = st.builds(
        lambda text, term, short, items, start: drop_none(
            {
                "text": text,
                "term": term,
                "short": short,
                "items": items or None,
                "numbered": bool(items and start) or None,
                "start": start if items else None,
            }
        ),
        TEXT,
        SHORT,
        SHORT,
        st.one_of(st.just([]), list_items(depth + 1)),
        st.one_of(st.none(), st.integers(1, 12)),  # numbered nested items, from this number
    )
    return st.lists(st.one_of(plain, rich), min_size=1, max_size=4)


@st.composite
def compare(draw: st.DrawFn) -> dict[str, Any]:
    width = draw(st.integers(2, 4))
    cells = st.lists(TEXT, min_size=width, max_size=width)
    rows = [
        drop_none(
            {
                "aspect": draw(SHORT),
                "values": draw(cells),
                "short": draw(st.one_of(st.none(), cells)),
            }
        )
        for _ in range(draw(st.integers(1, 6)))
    ]
    return {"compare": {"columns": draw(cells), "rows": rows}}


@st.composite
def table(draw: st.DrawFn) -> dict[str, Any]:
    width = draw(st.integers(1, 5))
    cells = st.lists(TEXT, min_size=width, max_size=width)
    sides = st.sampled_from(["left", "center", "right"])
    align = draw(st.one_of(st.none(), st.lists(sides, min_size=width, max_size=width)))
    body = {"header": draw(cells), "rows": draw(st.lists(cells, min_size=1, max_size=6))}
    return {"table": drop_none({**body, "align": align})}


BODIES = st.one_of(
    st.builds(lambda text, short: drop_none({"text": text, "short": short}), TEXT, SHORT),
    st.builds(
        lambda numbered, items, start: {
            "list": {"numbered": numbered, "items": items, **({"start": start} if numbered else {})}
        },
        st.booleans(),
        list_items(1),
        st.integers(1, 120),
    ),
    compare(),
    table(),
    st.builds(
        lambda terms: {"terms": terms},
        st.lists(
            st.builds(
                lambda term, definition, short: drop_none(
                    {"term": term, "definition": definition, "short": short}
                ),
                TEXT,
                TEXT,
                SHORT,
            ),
            min_size=1,
            max_size=4,
        ),
    ),
    st.builds(
        lambda kind, title, text, short: {
            "callout": drop_none({"kind": kind, "title": title, "text": text, "short": short})
        },
        st.sampled_from(["note", "tip", "warning", "example"]),
        SHORT,
        TEXT,
        SHORT,
    ),
    st.builds(
        lambda text, source: {"quote": drop_none({"text": text, "source": source})}, TEXT, SHORT
    ),
    st.builds(
        lambda alt, caption: {
            "image": drop_none({"src": IMAGE.name, "alt": alt, "caption": caption})
        },
        TEXT,
        SHORT,
    ),
)
CODE = st.builds(
    lambda lines, language: {"code": drop_none({"text": "\n".join(lines), "language": language})},
    st.lists(st.one_of(TEXT, st.just(""), st.just("    indented(x)")), min_size=1, max_size=40),
    st.sampled_from([None, "python", "bash", "console", "no-such-language"]),
)
BODIES = st.one_of(BODIES, CODE)
COLUMNS = st.builds(
    lambda blocks, widths: {
        "columns": drop_none({"blocks": blocks, "widths": widths[: len(blocks)] or None})
    },
    st.lists(st.lists(BODIES, min_size=1, max_size=2), min_size=2, max_size=3),
    st.lists(st.integers(1, 4), max_size=3).filter(lambda w: len(w) in (0, 3)),
)
BLOCK = st.builds(
    lambda body, title, filters, notes, new_slide: {
        **body,
        **drop_none({"title": title, "notes": notes}),
        **filters,
        **({"new_slide": True} if new_slide else {}),
    },
    st.one_of(BODIES, COLUMNS),
    st.one_of(st.none(), HEADING),
    FILTER,
    SHORT,
    st.booleans(),
)


def sections(depth: int) -> st.SearchStrategy[list[dict[str, Any]]]:
    children = st.just([]) if depth == 2 else sections(depth + 1)
    section = st.builds(
        lambda heading, notes, blocks, subsections, filters: drop_none(
            {
                "heading": heading,
                "notes": notes,
                "blocks": blocks,
                "sections": subsections or None,
                **filters,
            }
        ),
        HEADING,
        SHORT,
        st.lists(BLOCK, min_size=1, max_size=4),
        children,
        FILTER,
    )
    return st.lists(section, min_size=1, max_size=3 if depth == 1 else 1)


@st.composite
def question(draw: st.DrawFn) -> dict[str, Any]:
    choices = draw(st.one_of(st.none(), st.lists(TEXT, min_size=2, max_size=4, unique=True)))
    answer = draw(st.sampled_from(choices)) if choices else draw(TEXT)
    return drop_none(
        {"prompt": draw(TEXT), "choices": choices, "answer": answer, "explanation": draw(SHORT)}
    )


LESSON = st.builds(
    lambda title, subtitle, author, summary, objectives, body, glossary, takeaways, questions: (
        drop_none(
            {
                "title": title,
                "subtitle": subtitle,
                "author": author,
                "date": "2026-01-15",
                "summary": summary,
                "objectives": objectives or None,
                "sections": body,
                "glossary": glossary or None,
                "takeaways": takeaways or None,
                "questions": questions or None,
                "outputs": {"pdf": {"questions": True}},
            }
        )
    ),
    HEADING,
    st.one_of(st.none(), HEADING),
    st.one_of(st.none(), HEADING),
    SHORT,
    st.lists(TEXT, max_size=3),
    sections(1),
    st.lists(st.builds(lambda t, d: {"term": t, "definition": d}, TEXT, TEXT), max_size=3),
    st.lists(TEXT, max_size=3),
    st.lists(question(), max_size=3),
)


def write_random_lesson(folder: Path, lesson: dict[str, Any]) -> Path:
    """The lesson as an author would write it: a YAML file, with its image beside it."""
    shutil.copy(IMAGE, folder / IMAGE.name)
    path = folder / "random.yaml"
    path.write_text(yaml.safe_dump(lesson, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return path


def assert_inside_slides(path: Path) -> None:
    deck = Presentation(str(path))
    width, height = deck.slide_width, deck.slide_height
    for number, slide in enumerate(deck.slides, 1):
        for shape in slide.shapes:
            box = (shape.left, shape.top, shape.width, shape.height)
            assert None not in box, f"slide {number}: {shape.name} has no position"
            left, top, w, h = box
            assert left >= 0 and top >= 0, f"slide {number}: {shape.name} starts off the slide"
            assert left + w <= width and top + h <= height, (
                f"slide {number}: {shape.name} ends off the slide"
                f" ({left + w} > {width} or {top + h} > {height})"
            )


def reopen(path: Path) -> None:
    """Open a built file with the library a reader's tool is built on; fail if it can't."""
    if path.suffix == ".docx":
        assert WordDocument(str(path)).paragraphs
    elif path.suffix == ".pptx":
        assert_inside_slides(path)
    else:
        reader = PdfReader(str(path))
        assert len(reader.pages) >= 1
        assert reader.pages[0].extract_text() is not None


@pytest.mark.parametrize("fmt", FORMATS)
@settings(
    max_examples=50,  # per format: 150 random lessons built and reopened in all
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(lesson=LESSON)
def test_random_valid_lessons_build_and_reopen(fmt, lesson):
    with tempfile.TemporaryDirectory() as folder:
        path = write_random_lesson(Path(folder), lesson)
        options = BuildOptions(formats=[fmt], out_dir=Path(folder) / "out", allow_overflow=True)
        try:
            [written] = build(path, options)
        except BuildError as error:
            # A deck or sheet refuses, in words, what cannot fit a slide or a column even
            # broken up (a text, or a table in a narrow column of a columns block);
            # nothing else. The handout has no such limit.
            message = str(error)
            assert fmt != "docx" and ("too long" in message or "too wide for" in message), error
            event(f"{fmt} refused what cannot fit")
            return
        reopen(written)


@pytest.mark.parametrize("fmt", ["docx", "pptx"])
def test_a_title_longer_than_255_characters_is_cut_in_the_properties_only(tmp_path, fmt):
    """Office formats allow 255 characters in a core property; the page keeps the whole title."""
    path = tmp_path / "long-title.yaml"
    title = ("Alliances and coalitions " * 11).strip()
    path.write_text(f"title: {title}\nsections: [{{heading: H, blocks: [{{text: a}}]}}]\n")
    [written] = build(path, BuildOptions(formats=[fmt], out_dir=tmp_path))
    if fmt == "docx":
        opened = WordDocument(str(written))
        text = " ".join(p.text for p in opened.paragraphs)
    else:
        opened = Presentation(str(written))
        text = " ".join(s.text_frame.text for s in opened.slides[0].shapes if s.has_text_frame)
    stored = opened.core_properties.title
    assert len(stored) <= 255 and stored.endswith("…")
    assert title.startswith(stored[:-1].rstrip())
    assert " ".join(title.split()) in " ".join(text.split())
