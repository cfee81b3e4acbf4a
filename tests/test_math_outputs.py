"""The maths sample lesson in all three formats, reopened: native equations in the
handout, equations with a picture fallback in the deck, vector outlines in the sheet, and
no LaTeX left in any text. The last test has LibreOffice draw the handout and the deck."""

from __future__ import annotations

import hashlib
import io
import re
import shutil
import subprocess
import zipfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from lxml import etree
from pdfua import validate
from PIL import Image
from pydantic import BaseModel
from pypdf import PdfReader
from pypdf.generic import ContentStream

from generator import mathdraw
from generator.build import BuildOptions, build, prepare
from generator.formula import read_formula
from generator.inline import RichText
from generator.mathspeech import Speech
from generator.model import MathBlock, TextBlock
from generator.renderers.pdfmath import glued

from .conftest import ROOT
from .pdfstructure import structure, untagged

LESSON = ROOT / "content" / "forces-and-formulas.yaml"
NS = {
    "m": "http://schemas.openxmlformats.org/officeDocument/2006/math",
    "w": "http://schemas.openxmlformats.org/wordprocessingml/2006/main",
    "a": "http://schemas.openxmlformats.org/drawingml/2006/main",
    "p": "http://schemas.openxmlformats.org/presentationml/2006/main",
    "r": "http://schemas.openxmlformats.org/officeDocument/2006/relationships",
    "mc": "http://schemas.openxmlformats.org/markup-compatibility/2006",
    "a14": "http://schemas.microsoft.com/office/drawing/2010/main",
}
LATEX_LEFT = re.compile(r"\$|\\frac|\\sqrt|\^2\^|\\text")


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> dict[str, Path]:
    out = tmp_path_factory.mktemp("math")
    files = build(LESSON, BuildOptions(formats=["docx", "pptx", "pdf"], out_dir=out))
    return {path.suffix.lstrip("."): path for path in files}


@pytest.fixture(scope="module")
def document():
    return prepare(LESSON, BuildOptions())[1]


def rich_texts(value, *, skip: frozenset[str] = frozenset()) -> Iterator[RichText]:
    """Every text of a model tree, leaving out fields named in *skip*."""
    if isinstance(value, RichText):
        yield value
    elif isinstance(value, BaseModel):
        for name in type(value).model_fields:
            if name not in skip:
                yield from rich_texts(getattr(value, name), skip=skip)
    elif isinstance(value, list):
        for item in value:
            yield from rich_texts(item, skip=skip)


def blocks(document) -> list:
    def walk(sections):
        for section in sections:
            yield from section.blocks
            yield from walk(section.sections)

    return list(walk(document.sections))


def display_equations(document) -> list[tuple[str, str]]:
    """(tex, spoken form) of every display equation, in order."""
    found = []
    for block in blocks(document):
        if isinstance(block, MathBlock):
            found.append((block.math.tex, block.math.spoken))
        elif isinstance(block, TextBlock) and block.text.display_math and not block.short:
            tex = block.text.display_math
            found.append((tex, read_formula(tex).spoken))
    return found


def display_speech(document, language: str) -> list[Speech]:
    """How each display equation is read aloud in a block of *language*, in order."""
    found = []
    for block in blocks(document):
        if isinstance(block, MathBlock):
            found.append(block.math.spoken_in(language))
        elif isinstance(block, TextBlock) and block.text.display_math and not block.short:
            found.append(read_formula(block.text.display_math).spoken_in(language))
    return found


def xml_parts(path: Path, pattern: str) -> list[etree._Element]:
    with zipfile.ZipFile(path) as package:
        return [
            etree.fromstring(package.read(name))
            for name in sorted(package.namelist())
            if re.fullmatch(pattern, name)
        ]


def test_the_sample_uses_every_kind_of_math(document):
    inline = [run for text in rich_texts(document) for run in text.runs if run.math]
    assert len(inline) >= 30
    assert len(display_equations(document)) >= 7
    assert any(choice.runs[0].math for q in document.questions for choice in q.choices or [])


def test_handout_equations_are_native_word_math(built, document):
    (body,) = xml_parts(built["docx"], "word/document.xml")
    shown = [
        run
        for text in rich_texts(document, skip=frozenset({"short"}))
        if not text.display_math
        for run in text.runs
        if run.math
    ]
    displays = display_equations(document)
    paras = body.xpath("//m:oMathPara", namespaces=NS)
    assert len(paras) == len(displays)
    assert len(body.xpath("//m:oMath", namespaces=NS)) == len(shown) + len(displays)
    assert body.xpath("//m:f", namespaces=NS) and body.xpath("//m:nary", namespaces=NS)
    math_font = body.xpath("//m:r/w:rPr/w:rFonts/@w:ascii", namespaces=NS)
    assert set(math_font) == {"Cambria Math"}


def test_handout_text_holds_no_latex(built):
    (body,) = xml_parts(built["docx"], "word/document.xml")
    prose = "".join(body.xpath("//w:t/text()", namespaces=NS))
    assert "acceleration" in prose
    assert not LATEX_LEFT.search(prose), LATEX_LEFT.search(prose)


def test_deck_equations_are_native_with_a_picture_fallback(built, document):
    slides = xml_parts(built["pptx"], r"ppt/slides/slide\d+\.xml")
    choices = [c for s in slides for c in s.xpath("//mc:Choice", namespaces=NS)]
    assert choices and all(c.xpath("@Requires") for c in choices)
    assert all(
        c.nsmap.get(c.get("Requires")) == NS["a14"] for c in choices
    )  # the required prefix names the 2010 drawing namespace
    assert sum(len(c.xpath(".//a14:m/m:oMath", namespaces=NS)) for c in choices) > 0
    pictures = [p for s in slides for p in s.xpath("//mc:Fallback/p:pic", namespaces=NS)]
    displays = display_equations(document)
    assert [p.xpath("string(p:nvPicPr/p:cNvPr/@descr)", namespaces=NS) for p in pictures] == [
        spoken for _, spoken in displays
    ]
    assert sum(len(c.xpath(".//m:oMathPara", namespaces=NS)) for c in choices) == len(displays)


def test_deck_fallback_pictures_are_drawn_from_the_formula(built, document):
    with zipfile.ZipFile(built["pptx"]) as package:
        images = [n for n in package.namelist() if n.startswith("ppt/media/")]
        pictures = [Image.open(io.BytesIO(package.read(name))) for name in images]
    assert len(pictures) == len({tex for tex, _ in display_equations(document)})
    for picture in pictures:
        assert picture.format == "PNG" and picture.mode == "RGBA"
        assert picture.getchannel("A").getextrema() == (0, 255)


def test_deck_text_holds_no_latex_in_either_alternative_or_the_notes(built):
    parts = xml_parts(built["pptx"], r"ppt/(slides/slide|notesSlides/notesSlide)\d+\.xml")
    text = "".join(t for part in parts for t in part.xpath("//a:t/text()", namespaces=NS))
    assert "acceleration" in text and "F = ma" in text  # the inline fallback's text
    assert not LATEX_LEFT.search(text), LATEX_LEFT.search(text)


def test_sheet_draws_equations_as_vectors_and_holds_no_latex(built):
    reader = PdfReader(str(built["pdf"]))
    assert len(reader.pages) == 1
    page = reader.pages[0]
    text = page.extract_text()
    assert "acceleration" in text
    assert not LATEX_LEFT.search(text), LATEX_LEFT.search(text)
    assert "/XObject" not in page["/Resources"]  # no picture, not even a placeholder
    content = page.get_contents().get_data().decode("latin-1")
    quadratic = mathdraw.pdf_operators("x = \\frac{-b \\pm \\sqrt{b^2 - 4ac}}{2a}")
    assert quadratic in content


SOFFICE = shutil.which("soffice") or shutil.which("libreoffice")
# LibreOffice draws a handout's equations with its Math module, a package of its own
MATH_MODULE = SOFFICE is not None and any(Path(SOFFICE).resolve().parent.glob("libsm*lo.*"))


@pytest.mark.slow
@pytest.mark.skipif(
    not MATH_MODULE, reason="LibreOffice with its Math module (libreoffice-math) is not installed"
)
def test_libreoffice_draws_the_equations(built, document, tmp_path):
    """One LibreOffice run converts the handout and the deck: the handout's equations come
    out as formulas (their symbols are in the text), the deck's as the fallback pictures."""
    subprocess.run(
        [
            SOFFICE,
            f"-env:UserInstallation={(tmp_path / 'profile').as_uri()}",
            "--headless",
            "--convert-to",
            "pdf",
            "--outdir",
            str(tmp_path),
            str(built["docx"]),
            str(built["pptx"]),
        ],
        capture_output=True,
        timeout=300,
        check=True,
    )
    handout = "".join(
        page.extract_text() for page in PdfReader(str(tmp_path / f"{built['docx'].stem}.pdf")).pages
    )
    for symbol in ("∑", "∫", "√", "→"):
        assert symbol in handout, f"{symbol} not drawn in the handout"
    deck = PdfReader(str(tmp_path / f"{built['pptx'].stem}.pdf"))
    drawn = {hashlib.sha256(image.data).digest() for page in deck.pages for image in page.images}
    assert len(drawn) == len({tex for tex, _ in display_equations(document)})


def test_sheet_equations_are_formulas_a_screen_reader_says(built, document):
    """Display equations are Formula elements with their spoken form as Alt, in the
    lesson's language (so not marked otherwise), and the sheet stays PDF/UA with nothing
    left untagged."""
    shown = [
        block
        for section in document.sections
        if section.shown_in("pdf")
        for block in section.blocks
        if block.shown_in("pdf")
    ]
    expected = [spoken for _, spoken in display_equations(document)]
    assert len(shown) == len(blocks(document))  # every display equation reaches the sheet
    formulas = [e for _, kind, e in structure(built["pdf"]) if kind == "/Formula"]
    assert [f["/Alt"] for f in formulas] == expected
    assert [formula.get("/Lang") for formula in formulas] == [None] * len(formulas)
    assert [f"{f.rule_id}: {f.message}" for f in validate(str(built["pdf"])).findings] == []
    assert untagged(built["pdf"]) == []


def test_sheet_inline_equations_read_where_they_stand(built, document):
    """Each equation inside a paragraph is a Span whose ActualText is its spoken form,
    drawn in the paragraph's text between the words before and after it, so the
    paragraph reads 'a resultant force F on a mass m gives ...' in order."""
    reader = PdfReader(str(built["pdf"]))
    spoken = [read_formula(run.math).spoken for run in glued(document.summary.runs) if run.math]
    for sequence in tagged_sequences(reader):
        spans = [item for item in sequence if item.startswith("span:")]
        if spans[: len(spoken)] == [f"span:{words}" for words in spoken]:
            break
    else:
        raise AssertionError(f"no paragraph reads {spoken}")
    # text, then each equation followed by more text: the order of the runs
    order = [item.split(":")[0] for item in sequence if item != "paths"]
    collapsed = [kind for i, kind in enumerate(order) if not i or kind != order[i - 1]]
    assert collapsed[:6] == ["text", "span", "text", "span", "text", "span"]
    assert "paths" in sequence  # the outlines are inside the Span, not loose in the page


def tagged_sequences(reader: PdfReader) -> list[list[str]]:
    """Each tagged marked-content sequence as items: 'text' for a text-showing operator,
    'span:WORDS' for a Span's ActualText, 'paths' for a fill inside a Span."""
    found: list[list[str]] = []
    for page in reader.pages:
        current: list[str] | None = None
        depth = 0
        for operands, op in ContentStream(page.get_contents(), reader).operations:
            if op == b"BDC" and "/MCID" in operands[1]:
                current, depth = [], 1
                found.append(current)
            elif current is None:
                continue
            elif op in (b"BDC", b"BMC"):
                depth += 1
                if op == b"BDC" and "/ActualText" in operands[1]:
                    current.append(f"span:{operands[1]['/ActualText']}")
            elif op == b"EMC":
                depth -= 1
                current = None if depth == 0 else current
            elif op in (b"Tj", b"TJ"):
                current.append("text")
            elif op == b"f" and depth > 1:
                current.append("paths")
    return found


@pytest.mark.parametrize(
    ("language", "said_in"), [("de", "de"), ("fr-CA", "fr-CA"), ("zh-TW", "zh-TW"), ("ko", "en")]
)
def test_formulas_are_read_in_the_lesson_language(tmp_path, language, said_in):
    """A German lesson's equations are read in German words, in every place a screen
    reader meets them: the sheet's Formula and Span elements and the deck's pictures. A
    language Lectern has no words for is read in English, and the sheet says so."""
    lesson = tmp_path / "lesson.yaml"
    text = LESSON.read_text(encoding="utf-8").replace("language: en-GB", f"language: {language}")
    lesson.write_text(text, encoding="utf-8")
    files = build(lesson, BuildOptions(formats=["pptx", "pdf"], out_dir=tmp_path / "out"))
    built = {path.suffix.lstrip("."): path for path in files}
    document = prepare(lesson, BuildOptions())[1]
    expected = display_speech(document, language)
    assert {speech.language for speech in expected} >= {said_in}

    formulas = [e for _, kind, e in structure(built["pdf"]) if kind == "/Formula"]
    assert [f["/Alt"] for f in formulas] == [speech.text for speech in expected]
    marked = [None if speech.language == language else speech.language for speech in expected]
    assert [f.get("/Lang") for f in formulas] == marked
    inline = [
        read_formula(run.math).spoken_in(language)
        for run in glued(document.summary.runs)
        if run.math
    ]
    spans = [
        item for sequence in tagged_sequences(PdfReader(str(built["pdf"]))) for item in sequence
    ]
    assert f"span:{inline[0].text}" in spans
    assert list(validate(str(built["pdf"])).findings) == []

    slides = xml_parts(built["pptx"], r"ppt/slides/slide\d+\.xml")
    pictures = [p for s in slides for p in s.xpath("//mc:Fallback/p:pic", namespaces=NS)]
    descriptions = [p.xpath("string(p:nvPicPr/p:cNvPr/@descr)", namespaces=NS) for p in pictures]
    assert descriptions == [speech.text for speech in expected]
    if said_in != "en":
        assert read_formula("F = ma").spoken not in descriptions  # not the English words


def test_inline_equations_say_which_language_their_words_are_in(built):
    """A Span's words carry their language: the lesson's (en-GB) when Lectern reads the
    formula in it."""
    reader = PdfReader(str(built["pdf"]))
    languages = set()
    for page in reader.pages:
        for operands, op in ContentStream(page.get_contents(), reader).operations:
            if op == b"BDC" and "/ActualText" in operands[1]:
                languages.add(operands[1]["/Lang"])
    assert languages == {"en-GB"}


def test_ampersands_in_formulas_are_drawn_in_every_format(tmp_path):
    """An escaped ampersand (``P \\& Q``), one in text (``\\text{R&D}``) and a bare one
    outside an alignment are read, so the sheet draws them too: its drawing once parsed
    LaTeX that its reader had not made well-formed, and the build failed on an XML error
    that named no line of the lesson."""
    lesson = tmp_path / "lesson.yaml"
    lesson.write_text(
        "title: Logic\ndate: 2026-10-01\nsections:\n  - heading: And\n    blocks:\n"
        "      - text: 'Both hold: $P \\& Q$, in $\\text{R&D}$ and in $a & b$.'\n",
        encoding="utf-8",
    )
    files = build(lesson, BuildOptions(formats=["docx", "pptx", "pdf"], out_dir=tmp_path / "out"))
    built = {path.suffix.lstrip("."): path for path in files}
    assert set(built) == {"docx", "pptx", "pdf"}
    content = PdfReader(str(built["pdf"])).pages[0].get_contents().get_data().decode("latin-1")
    for tex in ("P \\& Q", "\\text{R&D}", "a & b"):
        assert mathdraw.pdf_operators(tex) in content
    words = "".join(e.text or "" for e in xml_parts(built["docx"], "word/document.xml")[0].iter())
    assert words.count("&") == 3


def test_every_shape_on_a_slide_with_equations_has_its_own_id(built):
    """A shape holding an equation sits one level deeper (in its alternative), where the
    next id was not looked for: the shape after it took the same id, which PowerPoint
    may repair and screen readers' reading order confuses."""
    for slide in xml_parts(built["pptx"], r"ppt/slides/slide\d+\.xml"):
        ids = slide.xpath(
            "//p:cNvPr[not(ancestor::mc:Fallback)]/@id", namespaces=NS, smart_strings=False
        )
        assert len(ids) == len(set(ids)), sorted(ids)


def test_an_equation_s_fallback_text_reads_left_to_right_in_a_hebrew_sentence(tmp_path):
    """A viewer without equations shows the one-line text; in a right-to-left paragraph
    bidi mirrored its brackets and moved its parts ("ⁿi = (n(n(i = 1)_∑"), unless it is
    isolated as left-to-right text."""
    lesson = tmp_path / "lesson.yaml"
    lesson.write_text(
        "title: T\nlanguage: he\ndate: 2026-10-01\nsections:\n  - heading: H\n    blocks:\n"
        "      - text: 'הנוסחה היא $\\frac{n(n+1)}{2}$ ועוד.'\n"
        "      - text: 'The formula is $\\frac{n(n+1)}{2}$ here.'\n",
        encoding="utf-8",
    )
    (deck,) = build(lesson, BuildOptions(formats=["pptx"], out_dir=tmp_path / "out"))
    shown = " ".join(
        "".join(fallback.xpath(".//a:t/text()", namespaces=NS))
        for slide in xml_parts(deck, r"ppt/slides/slide\d+\.xml")
        for fallback in slide.xpath("//mc:Fallback", namespaces=NS)
    )
    text = read_formula("\\frac{n(n+1)}{2}").text
    assert f"היא \u2066{text}\u2069 ועוד." in shown
    assert f"is {text} here." in shown
