"""Formulas: reading LaTeX, the dollar rules, the spoken form, OMML element by element,
and the outlines the PDF and the deck's pictures are drawn from."""

from __future__ import annotations

import io
import string

import pytest
import yaml
from lxml import etree
from PIL import Image

from generator import mathdraw, omml
from generator.formula import MAX_NESTING, FormulaError, read_formula
from generator.inline import RichText
from generator.mathspeech import WORDS

M = {"m": omml.OMML_NAMESPACE}


def math_of(tex: str) -> etree._Element:
    """The ``m:oMath`` element written for *tex*."""
    return etree.fromstring(omml.inline(read_formula(tex).mathml))


def only(tree: etree._Element, path: str) -> etree._Element:
    found = tree.xpath(path, namespaces=M)
    assert len(found) == 1, f"{path}: {len(found)} found in {etree.tostring(tree).decode()}"
    return found[0]


def texts(tree: etree._Element, path: str = ".") -> str:
    return "".join(only(tree, path).xpath(".//m:t/text()", namespaces=M))


# -- reading and refusing ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("tex", "reason"),
    [
        ("\\frac{1}{", "missing closing brace"),
        ("a}", "a closing brace '}' has no opening one"),
        ("\\foo x", "unknown command '\\foo'"),
        ("x^", "'^' or '_' needs something after it"),
        ("x^2^3", "two superscripts on one base"),
        ("\\left( x", "\\left and \\right do not pair up"),
        ("\\begin{matrix} a", "a \\begin{...} has no \\end{...}"),
        ("\\frac{1}", "\\frac needs two arguments"),
        ("  ", "it is empty"),
    ],
)
def test_broken_latex_is_refused_with_the_reason(tex, reason):
    with pytest.raises(FormulaError) as caught:
        read_formula(tex)
    assert str(caught.value).startswith(f"cannot read the formula '{tex}': {reason}")


def nested(pattern: str, depth: int) -> str:
    tex = "x"
    for _ in range(depth):
        tex = pattern.replace("#", tex)
    return tex


@pytest.mark.parametrize(
    "pattern", ["\\frac{1}{#}", "\\sqrt{#}", "x^{#}", "\\left(#\\right)", "\\frac{\\sqrt{#^2}}{2}"]
)
def test_layouts_nested_too_deep_are_refused_before_they_are_laid_out(pattern):
    """Each level doubled the time to lay a formula out: sixteen fractions deep, a build
    never ended; two hundred deep, it ended in a Python traceback."""
    for depth in (MAX_NESTING + 1, 300):
        with pytest.raises(FormulaError) as caught:
            read_formula(nested(pattern, depth))
        message = str(caught.value)
        assert f"more than {MAX_NESTING} deep inside each other" in message
        assert len(message) < 300  # the formula quoted by its start


def test_a_classroom_formula_is_not_too_deep():
    read_formula(nested("\\frac{1}{#}", MAX_NESTING))
    read_formula("x = \\frac{-b \\pm \\sqrt{b^2 - 4ac}}{2a}")


def test_a_formula_is_read_once_and_cached_by_its_source():
    assert read_formula("E = mc^2") is read_formula("E = mc^2")


# -- inline math: pandoc's dollar rules ----------------------------------------------


@pytest.mark.parametrize(
    ("source", "math"),
    [
        ("so $F = ma$ holds", ["F = ma"]),
        ("$a$ and $b$", ["a", "b"]),
        ("it costs $5 and $10 today", []),  # the closing $ has a space before it
        ("between $ x$ and", []),  # the opening $ has a space after it
        ("from $x $ on", []),
        ("$x$5", []),  # a closing $ followed by a digit does not close
        ("a \\$ sign and $y$", ["y"]),
        ("a lone $ sign", []),
        ("`$x$` is code", []),
    ],
)
def test_dollar_rules_follow_pandoc(source, math):
    assert [run.math for run in RichText(source).runs if run.math is not None] == math


def test_an_escaped_dollar_is_a_dollar_and_math_runs_read_as_text():
    text = RichText("pay \\$3 for $x^2$")
    assert text.plain == "pay $3 for x²"
    assert text.runs[-1].math == "x^2"


def test_a_text_that_is_only_double_dollars_is_display_math():
    assert RichText("$$E = mc^2$$").display_math == "E = mc^2"
    assert RichText(" $$E = mc^2$$ ").display_math == "E = mc^2"
    assert RichText("so $$E = mc^2$$").display_math is None
    assert RichText("$E = mc^2$").display_math is None


# -- the spoken form and the one-line text ---------------------------------------------


@pytest.mark.parametrize(
    ("tex", "spoken"),
    [
        ("F = ma", "F equals m a"),
        ("a = \\frac{F}{m}", "a equals F over m"),
        ("x^2 + y^3", "x squared plus y cubed"),
        ("\\sqrt{2}", "the square root of 2 end root"),
        ("\\vec{F}", "vector F"),
        ("\\sum_{i=1}^{n} i", "the sum from i equals 1 to n of i"),
        ("\\alpha \\pm \\beta", "alpha plus or minus beta"),
        ("H_2O", "H sub 2 O"),
        ("\\Phi = B A \\cos \\phi", "Phi equals B A cos phi"),  # ϕ is GREEK PHI SYMBOL
        ("\\epsilon_0 \\vartheta \\varpi \\varsigma", "epsilon sub 0 theta pi sigma"),
    ],
)
def test_spoken_form_reads_the_formula(tex, spoken):
    assert read_formula(tex).spoken == spoken


@pytest.mark.parametrize(
    ("language", "tex", "spoken"),
    [
        ("de", "a = \\frac{F}{m}", "a gleich F durch m"),
        ("de-AT", "x^2 + y^3", "x Quadrat plus y hoch drei"),
        ("fr", "\\sqrt{2}", "la racine carrée de 2 fin de la racine"),
        ("es", "\\vec{F}", "vector F"),
        ("it", "H_2O", "H pedice 2 O"),
        ("pt-BR", "\\alpha \\pm \\beta", "alfa mais ou menos beta"),
        ("nl", "\\sum_{i=1}^{n} i", "de som van i is gelijk aan 1 tot n van i"),
        ("ru", "\\frac{a+b}{2}", "дробь a плюс b делённое на 2 конец дроби"),
        ("zh", "a = \\frac{F}{m}", "a 等于 m 分之 F"),
        ("zh-TW", "x^2 \\ne 0", "x 的平方 不等於 0"),
        ("ja", "a = \\frac{F}{m}", "a イコール m 分の F"),
        ("ru", "\\Delta \\phi = \\omega t", "Дельта фи равно омега t"),
        ("zh", "\\alpha + \\beta", "阿尔法 加 贝塔"),
    ],
)
def test_formulas_are_read_in_the_language_of_their_text(language, tex, spoken):
    assert read_formula(tex).spoken_in(language) == (spoken, language)


@pytest.mark.parametrize("language", ["ko", "he", "zz", "../en", ""])
def test_a_language_without_words_is_read_in_english_and_says_so(language):
    assert read_formula("F = ma").spoken_in(language) == ("F equals m a", "en")


def test_every_language_says_every_symbol_and_construction_with_its_parts():
    """Each language's words name what English's do, and each phrase places the same
    parts: a missing or misspelt one would drop a part of a formula from what is said."""
    english = yaml.safe_load((WORDS / "en.yaml").read_text(encoding="utf-8"))
    languages = sorted(WORDS.glob("*.yaml"))
    assert {path.stem for path in languages} >= {"en", "de", "fr", "ru", "zh-hans", "zh-hant", "ja"}
    for path in languages:
        words = yaml.safe_load(path.read_text(encoding="utf-8"))
        assert words.keys() == english.keys(), path.name
        for table in ("symbols", "letters", "accents", "phrases"):
            assert words[table].keys() == english[table].keys(), (path.name, table)
        for table in ("accents", "phrases"):
            for name, phrase in words[table].items():
                assert _slots(phrase) == _slots(english[table][name]), (path.name, name)
        assert all(isinstance(word, str) for word in words["symbols"].values()), path.name


def _slots(phrase: str) -> list[str]:
    return sorted(field for _, field, _, _ in string.Formatter().parse(phrase) if field)


@pytest.mark.parametrize(
    ("tex", "text"),
    [
        ("x^2", "x²"),
        ("\\mathrm{H_2O}", "H₂O"),
        ("a = \\frac{F}{m}", "a = F/m"),
        ("\\sqrt{x}", "√x"),
    ],
)
def test_linear_text_is_one_line_of_unicode(tex, text):
    assert read_formula(tex).text == text


# -- OMML, element by element ------------------------------------------------------------


def test_mfrac_is_a_fraction():
    fraction = only(math_of("\\frac{a}{b}"), "m:f")
    assert texts(fraction, "m:num") == "a" and texts(fraction, "m:den") == "b"


def test_binomial_without_bar():
    assert only(math_of("\\binom{n}{k}"), ".//m:f/m:fPr/m:type").get(f"{{{M['m']}}}val") == "noBar"


def test_msup_is_a_superscript():
    power = only(math_of("x^2"), "m:sSup")
    assert texts(power, "m:e") == "x" and texts(power, "m:sup") == "2"


def test_msub_is_a_subscript():
    index = only(math_of("x_i"), "m:sSub")
    assert texts(index, "m:e") == "x" and texts(index, "m:sub") == "i"


def test_msubsup_is_a_sub_superscript():
    both = only(math_of("x_i^2"), "m:sSubSup")
    assert [texts(both, f"m:{part}") for part in ("e", "sub", "sup")] == ["x", "i", "2"]


def test_msqrt_is_a_radical_with_its_degree_hidden():
    root = only(math_of("\\sqrt{2}"), "m:rad")
    assert only(root, "m:radPr/m:degHide") is not None
    assert texts(root, "m:e") == "2"


def test_mroot_is_a_radical_with_its_degree():
    root = only(math_of("\\sqrt[3]{8}"), "m:rad")
    assert texts(root, "m:deg") == "3" and texts(root, "m:e") == "8"


def test_a_sum_with_bounds_is_an_nary_over_the_terms_after_it():
    total = only(math_of("\\sum_{i=1}^{n} i^2 = S"), "m:nary")
    assert only(total, "m:naryPr/m:chr").get(f"{{{M['m']}}}val") == "∑"
    assert only(total, "m:naryPr/m:limLoc").get(f"{{{M['m']}}}val") == "undOvr"
    assert texts(total, "m:sub") == "i=1" and texts(total, "m:sup") == "n"
    assert texts(total, "m:e") == "i2"  # the body stops at the relation
    assert texts(math_of("\\sum_{i=1}^{n} i^2 = S")).endswith("=S")


def test_an_integral_keeps_its_bounds_beside_it():
    integral = only(math_of("\\int_0^1 x\\,dx"), "m:nary")
    assert only(integral, "m:naryPr/m:chr").get(f"{{{M['m']}}}val") == "∫"
    assert only(integral, "m:naryPr/m:limLoc").get(f"{{{M['m']}}}val") == "subSup"
    assert texts(integral, "m:sub") == "0" and texts(integral, "m:sup") == "1"


def test_a_bare_operator_with_nothing_after_it_is_a_plain_run():
    tree = math_of("\\sum")
    assert not tree.xpath("m:nary", namespaces=M) and texts(tree) == "∑"


def test_mtable_is_a_matrix_inside_its_brackets():
    fence = only(math_of("\\begin{pmatrix} a & b \\\\ c & d \\end{pmatrix}"), "m:d")
    assert only(fence, "m:dPr/m:begChr").get(f"{{{M['m']}}}val") == "("
    matrix = only(fence, "m:e/m:m")
    rows = matrix.xpath("m:mr", namespaces=M)
    assert [[texts(cell) for cell in row.xpath("m:e", namespaces=M)] for row in rows] == [
        ["a", "b"],
        ["c", "d"],
    ]


def test_left_right_fences_are_a_delimiter():
    fence = only(math_of("\\left[ \\frac{a}{b} \\right]"), "m:d")
    values = [only(fence, f"m:dPr/m:{end}Chr").get(f"{{{M['m']}}}val") for end in ("beg", "end")]
    assert values == ["[", "]"]
    assert only(fence, "m:e/m:f") is not None


@pytest.mark.parametrize(("tex", "mark"), [("\\vec{v}", "⃗"), ("\\hat{x}", "̂"), ("\\bar{y}", "̅")])
def test_accents(tex, mark):
    accent = only(math_of(tex), "m:acc")
    assert only(accent, "m:accPr/m:chr").get(f"{{{M['m']}}}val") == mark


def test_text_is_normal_text():
    run = only(math_of("\\text{speed}"), "m:r")
    assert only(run, "m:rPr/m:nor") is not None and texts(run) == "speed"


def test_tokens_carry_their_styles():
    tree = math_of("x + 2\\sin y")
    runs = {texts(run): run for run in tree.xpath("m:r", namespaces=M)}
    assert not runs["x"].xpath("m:rPr", namespaces=M)  # a letter: italic, OMML's default
    for upright in ("+", "2", "sin"):
        assert only(runs[upright], "m:rPr/m:sty").get(f"{{{M['m']}}}val") == "p"
    upright_letter = only(math_of("\\mathrm{H_2O}"), "m:sSub/m:e/m:r")
    assert only(upright_letter, "m:rPr/m:nor") is not None


def test_an_arrow_with_a_label_carries_it_above():
    arrow = only(math_of("A \\xrightarrow{\\Delta} B"), "m:limUpp")
    assert texts(arrow, "m:e") == "→" and texts(arrow, "m:lim") == "Δ"


def test_aligned_lines_are_an_equation_array():
    lines = only(math_of("\\begin{aligned} a &= b \\\\ c &= d \\end{aligned}"), ".//m:eqArr")
    assert [texts(line) for line in lines.xpath("m:e", namespaces=M)] == ["a=b", "c=d"]


def test_a_limit_is_a_function_with_its_bounds_under_its_name():
    limit = only(math_of("\\lim_{x \\to 0} f"), "m:func")
    assert texts(limit, "m:fName/m:limLow/m:e") == "lim"
    assert texts(limit, "m:fName/m:limLow/m:lim") == "x→0"
    assert texts(limit, "m:e") == "f"


def test_display_math_is_an_omath_para_and_runs_take_the_hosts_properties():
    para = etree.fromstring(omml.display(read_formula("x").mathml, "<w:rPr/>", 'xmlns:w="w"'))
    assert para.tag == f"{{{M['m']}}}oMathPara"
    assert only(para, "m:oMath/m:r/*[local-name()='rPr' and namespace-uri()='w']") is not None


# -- outlines ------------------------------------------------------------------------------


def test_outlines_scale_with_the_type_size():
    small, large = (mathdraw.outline("\\frac{a}{b}").size(size) for size in (10, 20))
    assert large == pytest.approx(tuple(2 * part for part in small))
    width, ascent, descent = small
    assert width > 0 and ascent > 0 and descent > 0  # a fraction reaches below the baseline


def test_picture_is_a_transparent_png_of_the_formulas_size():
    png = mathdraw.picture("x^2 + 1", 20.0, "112233")
    image = Image.open(io.BytesIO(png))
    width, ascent, descent = mathdraw.outline("x^2 + 1").size(20.0)
    assert image.mode == "RGBA"
    assert image.size == (round(width * 4), round((ascent + descent) * 4))
    alpha = image.getchannel("A")
    assert alpha.getextrema() == (0, 255)  # ink and clear background both present
    assert image.getpixel((0, 0))[3] == 0


def test_pdf_operators_fill_closed_paths():
    operators = mathdraw.pdf_operators("\\frac{1}{2}").split("\n")
    assert operators.count("f") >= 2  # the two digits
    assert operators[-1].endswith("re f")  # the fraction bar
    assert all(line.split()[-1] in {"m", "l", "c", "h", "f"} for line in operators[:-1])


def test_sheet_glues_punctuation_after_an_equation_to_it():
    from generator.renderers.pdfmath import glued

    runs = glued(RichText("so $x = 0$? and $F = ma$: yes").runs)
    assert [run.math for run in runs if run.math] == ["x = 0{?}", "F = ma{:}"]
    assert "".join(run.text for run in runs if not run.math) == "so  and  yes"
