"""Markdown lessons: the same model as the YAML form, located errors, and ``lectern convert``."""

from __future__ import annotations

import collections
import json
import shutil
import tempfile
import textwrap
from pathlib import Path
from typing import Any

import docx
import pytest
import yaml
from click.testing import CliRunner
from docx.oxml.ns import qn
from hypothesis import HealthCheck, given, settings
from lxml import etree
from pptx import Presentation
from pydantic import ValidationError
from pypdf import PdfReader

from generator.build import BuildOptions, build, prepare
from generator.cli import main
from generator.convert import ConvertError, MarkdownWriter, to_markdown, to_yaml
from generator.discover import LESSON_SUFFIXES, discover
from generator.errors import LessonError
from generator.load import load_lesson
from generator.markdown import read_markdown
from generator.model import BLOCK_KINDS, Document

from .conftest import LESSONS, ROOT, SAMPLE, write_lesson
from .test_pptx import all_text, title_of
from .test_properties import LESSON

CONTENT = ROOT / "content"
SAMPLE_MD = ROOT / "examples" / "markdown" / "alliance-vs-coalition.md"
NEWTON = CONTENT / "newtons-laws.md"
GIT_BASICS = CONTENT / "git-basics.yaml"
EVERY_LESSON = sorted(
    path
    for folder in (CONTENT, LESSONS, SAMPLE_MD.parent)
    for path in folder.iterdir()
    if path.suffix in LESSON_SUFFIXES
)
WORD = {"w": "http://schemas.openxmlformats.org/wordprocessingml/2006/main"}
OMML = "{http://schemas.openxmlformats.org/officeDocument/2006/math}"
FRONT = "---\ntitle: T\nvars: {school: Northside}\n---\n"


def md_lesson(tmp_path: Path, body: str, front: str = FRONT) -> Path:
    return write_lesson(tmp_path, front + textwrap.dedent(body), "lesson.md")


def yaml_lesson(tmp_path: Path, blocks: str) -> Document:
    text = "title: T\nvars: {school: Northside}\nsections:\n  - heading: H\n    blocks:\n"
    text += textwrap.indent(textwrap.dedent(blocks), "      ")
    return load_lesson(write_lesson(tmp_path, text, "lesson.yaml")).document


def problems(path: Path) -> list[str]:
    with pytest.raises(LessonError) as caught:
        prepare(path, BuildOptions())
    return [str(problem).removeprefix(f"{path}:") for problem in caught.value.problems]


# -- the sample, both ways -------------------------------------------------------------


def assert_same_files(yaml_lesson: Path, md_lesson: Path, out: Path) -> None:
    """Both forms of a lesson build byte-identical files in every format."""
    from_yaml = build(yaml_lesson, BuildOptions(out_dir=out / "yaml"))
    from_md = build(md_lesson, BuildOptions(out_dir=out / "md"))
    assert [path.name for path in from_yaml] == [path.name for path in from_md]
    assert len(from_yaml) == 3
    for one, other in zip(from_yaml, from_md, strict=True):
        assert one.read_bytes() == other.read_bytes(), f"{one.name} differs"


def test_the_markdown_sample_builds_the_very_same_files_as_the_yaml_one(tmp_path):
    assert_same_files(SAMPLE, SAMPLE_MD, tmp_path)


def test_the_trainer_sample_in_markdown_builds_the_very_same_files_as_in_yaml(tmp_path):
    """Code, columns, slide breaks, block notes: the Markdown form loses none of them."""
    shutil.copytree(CONTENT / "images", tmp_path / "images")
    as_md = tmp_path / GIT_BASICS.with_suffix(".md").name
    as_md.write_text(to_markdown(load_lesson(GIT_BASICS).document), encoding="utf-8")
    text = as_md.read_text(encoding="utf-8")
    for written in ("```console\n", ':::: columns {widths="3,2"}\n', "{new_slide=true notes="):
        assert written in text
    assert_same_files(GIT_BASICS, as_md, tmp_path / "out")


@pytest.mark.parametrize("path", EVERY_LESSON, ids=lambda path: path.name)
def test_every_lesson_converts_both_ways_to_an_equal_model(tmp_path, path):
    document = load_lesson(path).document
    as_md = write_lesson(tmp_path, to_markdown(document), "converted.md")
    from_md = load_lesson(as_md).document
    assert from_md == document
    as_yaml = write_lesson(tmp_path, to_yaml(from_md), "converted.yaml")
    assert load_lesson(as_yaml).document == document
    # Converting again changes nothing: the writers' output is their own fixed point.
    assert to_markdown(from_md) == as_md.read_text(encoding="utf-8")


def test_the_repository_has_markdown_and_yaml_lessons_to_convert():
    suffixes = {path.suffix for path in EVERY_LESSON}
    assert {".md", ".yaml"} <= suffixes
    assert SAMPLE_MD in EVERY_LESSON and NEWTON in EVERY_LESSON


def test_the_markdown_lesson_data_is_valid_against_the_schema():
    """The front matter is the lesson's own top level: the schema editors use covers it."""
    import jsonschema

    schema = json.loads(CliRunner().invoke(main, ["schema"]).output)
    for path in (SAMPLE_MD, NEWTON):
        data, _ = read_markdown(path, path.read_text(encoding="utf-8"))
        jsonschema.validate(json.loads(json.dumps(data, default=str)), schema)


# -- each construct gives what the YAML form gives --------------------------------------

CONSTRUCTS = {
    "paragraph with short form and soft and hard breaks": (
        """\
        An **alliance** is
        a *partnership*.\\
        Second line.
        {short="Alliance = partnership" skip=pdf}
        """,
        """\
        - text: "An **alliance** is a *partnership*.\\nSecond line."
          short: Alliance = partnership
          skip: [pdf]
        """,
    ),
    "block title, term items and nested items": (
        """\
        ## Steps

        1. **Collaboration** – Both work towards a goal.
           {short="Work together"}
        2. Plain item
           - nested
        {only="docx pptx"}
        """,
        """\
        - title: Steps
          only: [docx, pptx]
          list:
            numbered: true
            items:
              - {term: Collaboration, text: Both work towards a goal., short: Work together}
              - {text: Plain item, items: [nested]}
        """,
    ),
    "two bullet lists kept apart by their markers": (
        "- a\n- b\n\n* c\n",
        "- list: [a, b]\n- list: [c]\n",
    ),
    "compare table with aspects and short forms": (
        """\
        |          | Alliance             | Coalition            |
        |----------|----------------------|----------------------|
        | Duration | Long-term {short=Long} | Until the goal {short="Short"} |
        |          | Few \\| many         | `a\\|b` stays code    |
        {.compare}
        """,
        """\
        - compare:
            columns: [Alliance, Coalition]
            rows:
              - {aspect: Duration, values: [Long-term, Until the goal], short: [Long, Short]}
              - {values: [Few | many, "`a|b` stays code"]}
        """,
    ),
    "plain table with a template in a cell": (
        """\
        | Type     | Where        |
        |----------|--------------|
        | Military | {{ vars.school \\| upper }} |
        """,
        """\
        - table: {header: [Type, Where], rows: [[Military, "{{ vars.school | upper }}"]]}
        """,
    ),
    "definition list": (
        """\
        Alliance
        : A formal agreement.
          {short="Lasting pact"}

        Coalition
        : A temporary union.
        {skip=pptx}
        """,
        """\
        - terms:
            - {term: Alliance, definition: A formal agreement., short: Lasting pact}
            - {term: Coalition, definition: A temporary union.}
          skip: [pptx]
        """,
    ),
    "alert with a title and a short form": (
        """\
        > [!TIP] Memory aid
        > Alliances last;
        > coalitions end.
        {short="Alliance = lasting"}
        """,
        """\
        - callout: {kind: tip, title: Memory aid, text: Alliances last; coalitions end., short: Alliance = lasting}
        """,
    ),
    "alert without a title": (
        "> [!warning]\n> Do not confuse the two.\n",
        "- callout: {kind: warning, text: Do not confuse the two.}\n",
    ),
    "quote with its source": (
        "> Alone we can do so little.\n> — Helen Keller\n",
        "- quote: {text: Alone we can do so little., source: Helen Keller}\n",
    ),
    "image with a caption": (
        '![Two circles](<images/my venn.png> "Where they overlap")\n',
        "- image: {src: images/my venn.png, alt: Two circles, caption: Where they overlap}\n",
    ),
    "escapes of what would start another block": (
        "\\# not a heading\\\n1\\. not a list\\\n\\{not=attributes}\n",
        '- text: "# not a heading\\n1. not a list\\n{not=attributes}"\n',
    ),
    "a text ending in a line break, as a YAML | text does": (
        "First line.\\\nSecond line.\\\n",
        "- text: |\n    First line.\n    Second line.\n",
    ),
    "fenced code with its language, title and block keys": (
        """\
        ## A first function

        ```python
        def area(r):

            return 3.14 * r ** 2
        ```
        {new_slide=true notes="Type it live." lang=en-GB}

        ```
        git status
        ```
        """,
        """\
        - title: A first function
          code:
            language: python
            text: |
              def area(r):

                  return 3.14 * r ** 2
          new_slide: true
          notes: Type it live.
          lang: en-GB
        - code: git status
        """,
    ),
    "a longer fence around code holding a fence": (
        "````markdown\n```python\nx = 1\n```\n````\n",
        '- code: {language: markdown, text: "```python\\nx = 1\\n```"}\n',
    ),
    "columns with widths, titles, keys and notes inside": (
        """\
        ::::: columns {widths="2,3"}
        :::: column
        ![Two circles](images/venn.png){width=80%}
        {lang=fr}
        ::::
        :::: column
        ## Forces

        - Weight
        - Normal force

        ::: notes
        Point at each arrow.

        Then ask which is larger.
        :::
        ::::
        :::::
        {new_slide=true notes="Draw it first."}
        """,
        """\
        - columns:
            widths: [2, 3]
            blocks:
              - - image: {src: images/venn.png, alt: Two circles, width: 80%}
                  lang: fr
              - - title: Forces
                  list: [Weight, Normal force]
                  notes: "Point at each arrow.\\n\\nThen ask which is larger."
          new_slide: true
          notes: Draw it first.
        """,
    ),
    "notes of more than a line in a div after their block": (
        """\
        Text.

        ::: notes
        For this block,\\
        on two lines.
        :::

        More text.
        """,
        """\
        - text: Text.
          notes: "For this block,\\non two lines."
        - text: More text.
        """,
    ),
    "an image width, in the YAML form's words": (
        "![A map](images/venn.png){width=50%}\n",
        "- image: {src: images/venn.png, alt: A map, width: 50}\n",
    ),
}


@pytest.mark.parametrize("name", CONSTRUCTS)
def test_each_construct_reads_as_its_yaml_form(tmp_path, name):
    markdown, expected = CONSTRUCTS[name]
    path = md_lesson(tmp_path, "# H\n\n" + textwrap.dedent(markdown))
    assert load_lesson(path).document == yaml_lesson(tmp_path, expected)


def test_sections_subsections_notes_and_document_lists(tmp_path):
    path = md_lesson(
        tmp_path,
        """\
        ::: objectives
        - Define an alliance
        :::

        # Handout only {only=docx}

        ::: notes
        Say this first.

        And this.
        :::

        Intro.

        ::: notes
        About the intro only.
        :::

        ## A subsection {.section skip=pdf}

        ### Its block title

        Inside.

        ::: takeaways
        1. Alliances last
        :::

        ::: sources
        - A source
        :::
        """,
    )
    document = load_lesson(path).document
    section = document.sections[0]
    assert (section.heading, section.only, section.notes) == (
        "Handout only",
        ["docx"],
        "Say this first.\n\nAnd this.",
    )
    assert section.blocks[0].notes == "About the intro only."
    sub = section.sections[0]
    assert (sub.heading, sub.skip, sub.blocks[0].title) == (
        "A subsection",
        ["pdf"],
        "Its block title",
    )
    assert document.objectives == ["Define an alliance"]
    assert document.takeaways == ["Alliances last"]
    assert document.sources == ["A source"]


def test_questions_from_task_lists_and_answer_quotes(tmp_path):
    path = md_lesson(
        tmp_path,
        """\
        # H

        Text.

        ::: questions
        1. Which is usually temporary?
           - [ ] Alliance
           - [X] Coalition

           > **Explanation:** Coalitions end with their goal.
        2. Name one military alliance.
           > Answer: NATO
        :::
        """,
    )
    first, second = load_lesson(path).document.questions
    assert (first.choices, first.answer, first.explanation) == (
        ["Alliance", "Coalition"],
        "Coalition",
        "Coalitions end with their goal.",
    )
    assert (second.prompt, second.choices, second.answer) == (
        "Name one military alliance.",
        None,
        "NATO",
    )


def test_a_readme_without_front_matter_title_is_not_a_lesson(tmp_path):
    lesson = md_lesson(tmp_path, "# H\n\nText.\n")
    (tmp_path / "README.md").write_text("# About these lessons\n\nRead me.\n", encoding="utf-8")
    (tmp_path / "notes.md").write_text("---\nauthor: me\n---\n# Notes\n", encoding="utf-8")
    found = discover([tmp_path])
    assert found.paths == [lesson]
    assert sorted(path.name for path, _ in found.skipped) == ["README.md", "notes.md"]
    result = CliRunner().invoke(main, ["check", "-v", str(tmp_path)])
    assert result.exit_code == 0, result.output
    assert f"skipped {tmp_path / 'README.md'}: not a lesson" in result.output
    quiet = CliRunner().invoke(main, ["check", str(tmp_path)])
    assert "README" not in quiet.output
    lesson.unlink()
    empty = CliRunner().invoke(main, ["check", str(tmp_path)])
    assert empty.exit_code == 2
    assert "no lesson files" in empty.output and "see -v" in empty.output


def test_vars_from_the_command_line_reach_markdown_text(tmp_path):
    path = md_lesson(tmp_path, "# H\n\nWelcome to {{ vars.school }}.\n")
    _, document, _ = prepare(path, BuildOptions(variables={"school": "Southside"}))
    assert document.sections[0].blocks[0].text == "Welcome to Southside."


def test_a_model_error_deep_in_the_body_points_at_its_markdown_line(tmp_path):
    path = md_lesson(
        tmp_path,
        """\
        # H

        Text.

        | | Only one |
        |-|----------|
        | a | b |
        {.compare}

        ![A map](map.png)
        {titel=Map}
        """,
    )
    assert problems(path) == [
        "9:1: 'columns' needs at least 2; add more",
        "15:2: unknown key 'titel'; did you mean 'title'? (valid here: only, skip, title, new_slide, notes, lang, image)",
    ]


def test_every_block_kind_has_a_markdown_writer():
    """As every renderer draws every kind: a new kind needs its Markdown form too."""
    missing = [kind for kind in BLOCK_KINDS if not hasattr(MarkdownWriter, f"write_{kind}")]
    assert not missing, f"add MarkdownWriter.write_<kind> for: {', '.join(missing)}"


def test_code_and_columns_are_fenced_so_nothing_inside_closes_them(tmp_path):
    """A fence longer than the code's backtick runs; colon fences longer than any line of
    colons a column holds (code, a notes div), and the columns' longer still."""
    code = {"code": {"language": "markdown", "text": "```python\nx = 1\n```\n:::\n::::"}}
    document = Document.model_validate(
        {
            "title": "T",
            "sections": [
                {
                    "heading": "H",
                    "blocks": [
                        code,
                        {
                            "columns": {
                                "blocks": [
                                    [{**code, "notes": "First.\n\nSecond."}],
                                    [{"text": "Right.", "notes": "One line."}],
                                ],
                                "widths": [4 / 3, 1],
                            },
                            "new_slide": True,
                        },
                    ],
                }
            ],
        }
    )
    text = to_markdown(document)
    assert "\n````markdown\n```python\n" in text
    assert '\n:::::: columns {widths="1.3333333333333333,1"}\n::::: column\n' in text
    assert '\n::::: column\nRight.\n{notes="One line."}\n:::::\n::::::\n{new_slide=true}' in text
    assert "\n::: notes\nFirst.\\\n\\\nSecond.\n:::\n" in text
    assert load_lesson(write_lesson(tmp_path, text, "fenced.md")).document == document


# -- maths: TeX as written ------------------------------------------------------------

TEX_IN_TEXT = r"""
# H

Thin space: $1\,\text{km}$ here.

- The set $A = \{1, 2, 3\}$.

| Share | Formula |
|-------|---------|
| half | $50\% = 0.5$ and $\\|v\\|$ |

> [!NOTE]
> Spaces: $a \; b \! c \: d \> e$.

Symbols
: $\# \& \|v\| a \\ b$, and `\,` stays code.
"""


def test_tex_between_dollars_is_read_as_written_in_every_kind_of_text(tmp_path):
    r"""Inside '$...$' a backslash is TeX's, not a Markdown escape (pandoc's rule), so
    '\,' stays a thin space and '\{' a brace; in a table cell '\|' is a pipe, as in GFM."""
    path = md_lesson(tmp_path, TEX_IN_TEXT)
    expected = yaml_lesson(
        tmp_path,
        r"""
        - text: 'Thin space: $1\,\text{km}$ here.'
        - list: ['The set $A = \{1, 2, 3\}$.']
        - table: {header: [Share, Formula], rows: [[half, '$50\% = 0.5$ and $\|v\|$']]}
        - callout: {kind: note, text: 'Spaces: $a \; b \! c \: d \> e$.'}
        - terms: [{term: Symbols, definition: '$\# \& \|v\| a \\ b$, and `\,` stays code.'}]
        """,
    )
    assert load_lesson(path).document == expected
    handout = build(path, BuildOptions(formats=["docx"], out_dir=tmp_path / "out"))[0]
    body = docx.Document(str(handout)).element.body
    maths = ["".join(t.text for t in m.iter(f"{OMML}t")) for m in body.iter(f"{OMML}oMath")]
    assert any("{1,2,3}" in math.replace(" ", "") for math in maths), maths
    assert any("%" in math for math in maths), maths


def test_tex_is_written_as_it_is_so_converting_again_changes_nothing(tmp_path):
    """YAML to Markdown writes a formula's backslashes once: md -> yaml -> md -> yaml
    gives the lesson it started from, and the same files each time."""
    first = load_lesson(md_lesson(tmp_path, TEX_IN_TEXT)).document
    as_yaml = write_lesson(tmp_path, to_yaml(first), "again.yaml")
    markdown = to_markdown(load_lesson(as_yaml).document)
    assert r"Thin space: $1\,\text{km}$ here." in markdown
    assert r"| half  | $50\% = 0.5$ and $\\|v\\|$ |" in markdown
    assert r": $\# \& \|v\| a \\ b$, and `\,` stays code." in markdown
    as_md = write_lesson(tmp_path, markdown, "again.md")
    assert load_lesson(as_md).document == first
    assert to_yaml(load_lesson(as_md).document) == as_yaml.read_text(encoding="utf-8")


DISPLAYS = r"""
# H

Before.

$$
x = \frac{1}{2}
$$

$$
\begin{pmatrix} a & b \\ c & d \end{pmatrix}
$$
{short="A matrix"}

:::: columns
::: column
$$
F = ma
$$
:::
::: column
After.
:::
::::
"""


def test_a_display_of_several_lines_converts_back_to_the_same_equation(tmp_path):
    """A '$$' display is written back as it stands: a line-break backslash after '$$'
    would be read as part of the TeX (md -> yaml -> md -> yaml must be stable)."""
    first = load_lesson(md_lesson(tmp_path, DISPLAYS)).document
    as_yaml = write_lesson(tmp_path, to_yaml(first), "displays.yaml")
    markdown = to_markdown(load_lesson(as_yaml).document)
    assert "$$\nx = \\frac{1}{2}\n$$\n\n$$\n\\begin{pmatrix}" in markdown
    assert '\\end{pmatrix}\n$$\n{short="A matrix"}\n' in markdown
    assert "::: column\n$$\nF = ma\n$$\n:::" in markdown
    again = load_lesson(write_lesson(tmp_path, markdown, "displays.md")).document
    assert again == first
    assert [block.text.display_math for block in again.sections[0].blocks[1:3]] == [
        "\nx = \\frac{1}{2}\n",
        "\n\\begin{pmatrix} a & b \\\\ c & d \\end{pmatrix}\n",
    ]
    assert to_yaml(again) == as_yaml.read_text(encoding="utf-8")


# -- pictures stand alone -----------------------------------------------------------


def test_a_picture_inside_text_is_an_error_where_it_is_written(tmp_path):
    """Inside a sentence, a list item or a table cell a picture would come out as '!' and
    a link to its file; alone in its paragraph it is an image block, in code it is code."""
    shutil.copytree(CONTENT / "images", tmp_path / "images")
    path = md_lesson(
        tmp_path,
        r"""
        # H

        Look at this ![crate](images/free-body.png) picture inline.

        - An item ![crate](images/free-body.png "A crate")

        | Pic | Name |
        |---|---|
        | ![crate](images/free-body.png) | crate |

        > [!NOTE]
        > See
        > ![crate](images/free-body.png)

        ![A crate](images/free-body.png){width=50%}

        Code `![crate](images/free-body.png)` and an escaped \![crate](images/free-body.png).
        """,
    )
    crate, captioned = "![crate](images/free-body.png)", '![crate](images/free-body.png "A crate")'
    assert problems(path) == [
        f"{line}: a picture must stand alone in its paragraph, not in a sentence, a list item"
        f" or a table cell; put '{picture}' on a line of its own, with a blank line above and"
        " below it"
        for line, picture in [
            ("8:14", crate),
            ("10:11", captioned),
            ("14:3", crate),
            ("18:3", crate),
        ]
    ]
    checked = CliRunner().invoke(main, ["check", str(path)])
    assert checked.exit_code == 2 and f"{path}:8:14: a picture must stand alone" in checked.output


def test_braces_alone_on_a_line_are_attributes_or_said_how_to_show_them(tmp_path):
    """A line of '{...}' after a block sets its keys; one that holds no attributes (a set,
    written as maths is) is an error at its place saying how to keep it as text."""
    path = md_lesson(tmp_path, "# S\n\nThe set is\n{a, b}\n\nThe same set is\n\\{a, b}\n")
    assert problems(path) == [
        "8:2: 'a, b' is not an attribute; write them as {key=\"value\" .class}, or start the"
        " line with \\{ to show the braces as text"
    ]
    (tmp_path / "lesson.md").write_text(
        FRONT + "# S\n\nThe same set is\n\\{a, b}\n", encoding="utf-8"
    )
    assert load_lesson(path).document.sections[0].blocks[0].text == "The same set is {a, b}"


def test_a_rule_between_blocks_starts_a_new_slide_as_in_pandoc_and_marp(tmp_path):
    """A trainer's '---' (or '***') between blocks: the block below starts a slide of
    its own in the deck, as new_slide does; the handout and the sheet run on."""
    body = "# Forces\n\nA push or a pull.\n\n{rule}\n\nMeasured in newtons.\n"
    slides = {}
    for rule in ("---", "***", ""):
        folder = tmp_path / (rule.replace("*", "s").replace("-", "d") or "none")
        folder.mkdir()
        lesson = md_lesson(folder, body.format(rule=rule))
        blocks = load_lesson(lesson).document.sections[0].blocks
        assert [block.new_slide for block in blocks] == [False, bool(rule)]
        deck = build(lesson, BuildOptions(formats=["pptx"], out_dir=folder / "out"))[0]
        slides[rule] = [all_text(slide) for slide in Presentation(str(deck)).slides]
    assert slides["---"] == slides["***"] and len(slides["---"]) == len(slides[""]) + 1
    shown = [text for text in slides["---"] if "newtons" in text or "push" in text]
    assert len(shown) == 2 and not any("newtons" in text and "push" in text for text in shown)
    document = load_lesson(tmp_path / "ddd" / "lesson.md").document
    again = write_lesson(tmp_path, to_markdown(document), "again.md")  # as {new_slide=true}
    assert load_lesson(again).document == document


def test_the_html_tags_authors_write_in_text_are_the_lesson_syntax(tmp_path):
    """'<sub>', '<sup>', '<b>', '<em>' and '<br>', which GitHub shows and authors paste,
    were printed as tags; they are the subscript, superscript, bold, italic and line
    break the lesson syntax has, in every output. Escaped, in code, or a tag the syntax
    has no word for, a tag stays as written."""
    lesson = md_lesson(
        tmp_path,
        "# S\n\nH<sub>2</sub>O and E = mc<sup>2</sup>, <b>bold</b> and <em>slanted</em>,"
        " one line<br>and the next; `<br>`, \\<br> and <span>x</span> as written.\n",
    )
    text = load_lesson(lesson).document.sections[0].blocks[0].text
    assert [(run.text, run.script) for run in text.runs if run.script] == [
        ("2", "sub"),
        ("2", "super"),
    ]
    assert [run.text for run in text.runs if run.bold] == ["bold"]
    assert [run.text for run in text.runs if run.italic] == ["slanted"]
    assert "one line\nand the next; <br>, <br> and <span>x</span> as written." in text.plain
    again = write_lesson(tmp_path, to_markdown(load_lesson(lesson).document), "again.md")
    assert load_lesson(again).document == load_lesson(lesson).document
    written = {p.suffix: p for p in build(lesson, BuildOptions(out_dir=tmp_path / "out"))}
    paragraph = next(
        p for p in docx.Document(str(written[".docx"])).paragraphs if p.text.startswith("H2O")
    )
    assert [run.text for run in paragraph.runs if run.font.subscript] == ["2"]
    assert "<sub>" not in PdfReader(written[".pdf"]).pages[0].extract_text()
    assert not any("<b>" in all_text(slide) for slide in Presentation(str(written[".pptx"])).slides)


def test_a_line_break_in_a_table_cell_is_written_br_and_read_back(tmp_path):
    """A YAML cell of two lines could not be converted to Markdown; it is written as
    GitHub's tables write it, '<br>', and a literal '<br>' in a cell is escaped."""
    document = yaml_lesson(
        tmp_path,
        """\
        - table: {header: [Step, Note], rows: [["Boil\\nPour", "a <br> tag"]]}
        - compare:
            columns: [P, Q]
            rows: [{aspect: "Two\\nlines", values: ["c\\nd", e]}]
        """,
    )
    written = to_markdown(document)
    assert "| Boil<br>Pour | a \\<br> tag |" in written and "| Two<br>lines | c<br>d" in written
    assert load_lesson(write_lesson(tmp_path, written, "again.md")).document == document


def test_a_task_list_outside_questions_is_a_checklist_with_its_boxes(tmp_path):
    """'- [ ] Pack a lunch' lost its box and '- [x]' its tick, with no word; a teacher's
    checklist keeps both, in every output, as GitHub shows them."""
    lesson = md_lesson(
        tmp_path,
        "# Trip\n\n- [ ] Pack a lunch\n- [x] Sign the form\n- [x]not a task\n\n"
        "::: takeaways\n- [ ] Bring this sheet back\n:::\n",
    )
    document = load_lesson(lesson).document
    items = [item.text for item in document.sections[0].blocks[0].list_.items]
    assert items == ["☐ Pack a lunch", "☑ Sign the form", "[x]not a task"]
    assert document.takeaways == ["☐ Bring this sheet back"]
    written = {p.suffix: p for p in build(lesson, BuildOptions(out_dir=tmp_path / "out"))}
    texts = [p.text for p in docx.Document(str(written[".docx"])).paragraphs]
    assert "☐ Pack a lunch" in texts and "☑ Sign the form" in texts
    assert "☑ Sign the form" in PdfReader(written[".pdf"]).pages[0].extract_text()
    slides = [all_text(slide) for slide in Presentation(str(written[".pptx"])).slides]
    assert any("☐ Pack a lunch" in text for text in slides)
    again = write_lesson(tmp_path, to_markdown(document), "again.md")
    assert load_lesson(again).document == document


def test_a_footnote_is_an_error_where_it_is_written(tmp_path):
    """A footnote printed as '[^1]', its note as a paragraph of its own: refused at the
    mark and at the note, saying where a note can go; escaped, it is shown as written."""
    path = md_lesson(
        tmp_path,
        "# S\n\nAlliances last.[^1] And `[^2]` is code.\n\n[^1]: Smith, 2020.\n\n"
        "Escaped: \\[^3] stays.\n",
    )
    hint = (
        "is a footnote, which lessons do not have; put the note in the text, in the"
        ' block\'s notes ({notes="..."}) or under ::: sources, or write'
    )
    assert problems(path) == [
        f"7:16: '[^1]' {hint} '\\[^1]' to show it as it is",
        f"9:1: '[^1]:' {hint} '\\[^1]:' to show it as it is",
    ]
    (tmp_path / "lesson.md").write_text(FRONT + "# S\n\nEscaped: \\[^3] stays.\n", "utf-8")
    assert load_lesson(path).document.sections[0].blocks[0].text.plain == "Escaped: [^3] stays."


def test_escaped_tildes_are_shown_and_a_subscript_stays_one(tmp_path):
    r"""'~~' around a word is refused as strikethrough (tests/bad/); written '\~\~' the
    tildes are shown, and a single '~' still makes a subscript."""
    path = md_lesson(tmp_path, "# H\n\nH~2~O is \\~\\~kept\\~\\~ and `~~code~~`.\n")
    handout = build(path, BuildOptions(formats=["docx"], out_dir=tmp_path / "out"))[0]
    paragraph = next(p for p in docx.Document(str(handout)).paragraphs if "H2O" in p.text)
    assert paragraph.text == "H2O is ~~kept~~ and ~~code~~."
    assert [run.text for run in paragraph.runs if run.font.subscript] == ["2"]


def test_character_references_are_the_characters_they_stand_for(tmp_path):
    """As CommonMark reads them: a name HTML knows or a number is its character, shown
    as text even where it is a markup character; in code and maths, or escaped, or a
    name HTML does not know, it is what was written."""
    path = md_lesson(
        tmp_path,
        """\
        # Fish &amp; chips

        Fish &amp; chips, &pound;5&nbsp;each &mdash; &#8364;6 or &#x1F41F;; &ast;not
        emphasis&ast;, &notaname; and \\&amp; stay, as do `&amp;` and $a &amp; b$.

        - AT&amp;T &lt;3

        ![Fish &amp; chips \\&amp; peas](venn.png "Caf&eacute; &amp; bar")
        """,
    )
    shutil.copy(LESSONS / "images" / "venn.png", tmp_path / "venn.png")
    document = load_lesson(path).document
    blocks = document.sections[0].blocks
    assert document.sections[0].heading == "Fish & chips"
    handout = build(path, BuildOptions(formats=["docx"], out_dir=tmp_path / "out"))[0]
    texts = [p.text for p in docx.Document(str(handout)).paragraphs]
    assert (
        "Fish & chips, £5\u00a0each — €6 or 🐟; *not emphasis*, &notaname; and &amp; stay,"
        " as do &amp; and ." in texts  # the handout's equation is Word's, not text
    )
    assert "AT&T <3" in texts
    assert [run.math for run in blocks[0].text.runs if run.math] == ["a &amp; b"]
    assert not any(run.italic for run in blocks[0].text.runs)
    image = blocks[2].image
    assert (image.alt, image.caption) == ("Fish & chips &amp; peas", "Café & bar")
    again = write_lesson(tmp_path, to_markdown(document), "again.md")  # and written back
    assert load_lesson(again).document == document
    image = {"src": "venn.png", "alt": "AT&amp;T", "caption": "&copy; as written"}
    literal = Document.model_validate(
        {"title": "T", "sections": [{"heading": "H", "blocks": [{"image": image}]}]}
    )
    assert load_lesson(write_lesson(tmp_path, to_markdown(literal), "l.md")).document == literal


def test_reference_links_are_links_to_their_definitions(tmp_path):
    """'[text][label]', '[label][]' and '[label]' take the address a definition gives the
    label (matched as CommonMark matches labels: case and spaces aside), wherever text
    is; a label no definition has, code, and escaped brackets stay as they are."""
    path = md_lesson(
        tmp_path,
        """\
        # Links

        Read [the guide][Guide  Docs], then [Python][] and [wiki]; [not defined] and
        `[wiki]` and \\[wiki\\] are text.

        - a [file][sheet] beside the lesson

        [guide docs]: https://example.org/guide "The guide"
        [python]: <https://www.python.org/doc s>
        [wiki]: https://en.wikipedia.org/wiki/Force_(physics)
        [sheet]: <work sheet.pdf>
        """,
    )
    (tmp_path / "work sheet.pdf").write_bytes(b"%PDF-1.4\n")
    blocks = load_lesson(path).document.sections[0].blocks
    links = [(run.text, run.href) for run in blocks[0].text.runs if run.href]
    assert links == [
        ("the guide", "https://example.org/guide"),
        ("Python", "https://www.python.org/doc%20s"),
        ("wiki", "https://en.wikipedia.org/wiki/Force_%28physics%29"),
    ]
    assert "[not defined] and [wiki] and [wiki] are text." in blocks[0].text.plain
    item = blocks[1].list_.items[0]
    assert [run.href for run in item.text.runs if run.href] == ["work%20sheet.pdf"]
    result = CliRunner().invoke(main, ["build", str(path), "-o", str(tmp_path / "out")])
    assert result.exit_code == 0 and "warning" not in result.output  # the file is found
    deck = Presentation(str(tmp_path / "out" / "lesson-deck.pptx"))
    addresses = [
        run.hyperlink.address
        for slide in deck.slides
        for shape in slide.shapes
        if shape.has_text_frame
        for paragraph in shape.text_frame.paragraphs
        for run in paragraph.runs
        if run.hyperlink.address
    ]
    assert "https://example.org/guide" in addresses and "work%20sheet.pdf" in addresses


# -- writing tricky text -----------------------------------------------------------------

TRICKY = [
    "# not a heading",
    "1. not a list",
    "2) not a list either",
    "- not a bullet",
    "> not a quote",
    ": not a definition",
    "{not=attributes}",
    "<b>not html</b>",
    "=====",
    "a | pipe and a {{ vars.school }}",
    "two\nlines",
    "two\n\nparagraphs",
    r"maths $1\,\text{km}$, $\{x\} \| 50\% \\ y$ and \# \, outside",
    "```",
    "~~~",
    "---",
    "***",
    "_ _ _",
    "C# and F #",
    "#",
    "AT&amp;T, &#8212; and \\&copy; as written, `&amp;` too",
    "[a label] and [docs][] are not links",
    "a mark [^1] and [^note]: no footnotes",
]


@pytest.mark.parametrize("text", TRICKY)
def test_text_that_looks_like_markdown_survives_the_round_trip(tmp_path, text):
    line = text.replace("\n", " ")  # headings, titles and cells are one line
    document = Document.model_validate(
        {
            "title": text,
            "vars": {"school": "N"},
            "sections": [
                {
                    "heading": line + " {x}",
                    "blocks": [
                        {"text": text, "short": text, "title": line},
                        {"list": [text, {"term": "T", "text": text, "short": text}]},
                        {"table": {"header": ["A"], "rows": [[line]]}},
                        {"terms": [{"term": "T", "definition": text}]},
                        {"callout": {"kind": "note", "text": text}},
                        {"quote": {"text": text, "source": "S"}},
                    ],
                }
            ],
            "questions": [{"prompt": text, "answer": text, "explanation": text}],
            "takeaways": [text],
        }
    )
    path = write_lesson(tmp_path, to_markdown(document), "tricky.md")
    assert load_lesson(path).document == document


def test_a_line_break_markdown_cannot_write_is_refused_not_lost(tmp_path):
    lesson = write_lesson(
        tmp_path, 'title: T\nsections:\n  - heading: "Two\\nlines"\n    blocks: [text: a]\n'
    )
    result = CliRunner().invoke(main, ["convert", str(lesson), "-o", str(tmp_path / "t.md")])
    assert result.exit_code == 2
    assert (
        f"{lesson}: 'Two\nlines' holds a line break, which Markdown cannot write" in result.output
    )
    assert not (tmp_path / "t.md").exists()


def without_outer_spaces(value: Any) -> Any:
    """*value* with no text starting or ending in spaces: Markdown keeps none there."""
    if isinstance(value, str):
        return "\n".join(line.strip() for line in value.strip().split("\n"))
    if isinstance(value, list):
        return [without_outer_spaces(item) for item in value]
    if isinstance(value, dict):
        return {key: without_outer_spaces(item) for key, item in value.items()}
    return value


@settings(max_examples=40, deadline=None, suppress_health_check=list(HealthCheck))
@given(LESSON)
def test_random_lessons_convert_both_ways_to_an_equal_model(data):
    """Any lesson the property tests build (emoji, right-to-left text, stray '*', '|', '\\',
    '#' ...) goes to Markdown and to YAML and back unchanged, or is refused by name."""
    try:
        document = Document.model_validate(without_outer_spaces(data))
    except ValidationError:
        return  # trimming made two choices equal
    folder = Path(tempfile.mkdtemp())
    try:
        for name, write in (("random.md", to_markdown), ("random.yaml", to_yaml)):
            try:
                text = write(document)
            except ConvertError:
                continue  # a line break in a heading or a cell: refused, tested above
            assert load_lesson(write_lesson(folder, text, name)).document == document
    finally:
        shutil.rmtree(folder)


# -- lectern convert ---------------------------------------------------------------------


def test_convert_writes_the_other_form_to_stdout_or_a_file(tmp_path):
    runner = CliRunner()
    shown = runner.invoke(main, ["convert", str(SAMPLE)])
    assert shown.exit_code == 0, shown.output
    assert shown.output.startswith("---\ntitle: Alliance vs. Coalition\n")
    out = tmp_path / "sample.yaml"
    written = runner.invoke(main, ["convert", str(SAMPLE_MD), "--to", "yaml", "-o", str(out)])
    assert written.exit_code == 0, written.output
    assert yaml.safe_load(out.read_text(encoding="utf-8"))["title"] == "Alliance vs. Coalition"
    assert load_lesson(out).document == load_lesson(SAMPLE).document


def test_the_yaml_writer_keeps_code_and_paragraphs_as_blocks_a_person_writes():
    written = to_yaml(load_lesson(GIT_BASICS).document)
    assert "        code:\n          language: console\n          text: |-\n" in written
    assert "            $ git init\n" in written
    assert "      - text: |\n          Without version control" in written
    assert "          widths: [3, 2]\n" in written
    assert "            - - list:\n                  - term: Without Git\n" in written


def test_convert_refuses_to_replace_the_lesson_and_bad_input_writes_nothing(tmp_path):
    runner = CliRunner()
    lesson = md_lesson(tmp_path, "# H\n\nText.\n")
    same = runner.invoke(main, ["convert", str(lesson), "--to", "md", "-o", str(lesson)])
    assert same.exit_code == 2 and "replace the lesson itself" in same.output
    broken = write_lesson(tmp_path, FRONT + "# H\n\n> [!DANGER]\n> x\n", "broken.md")
    out = tmp_path / "broken.yaml"
    result = runner.invoke(main, ["convert", str(broken), "-o", str(out)])
    assert result.exit_code == 2
    assert f"{broken}:7:3: '[!DANGER]' is not a callout kind" in result.output
    assert "Traceback" not in result.output
    assert not out.exists()


# -- the hand-written lesson ------------------------------------------------------------


def test_the_hand_written_markdown_lesson_builds_in_all_three_formats(tmp_path):
    handout, deck, sheet = build(NEWTON, BuildOptions(out_dir=tmp_path))
    word = docx.Document(str(handout))
    headings = [p.text for p in word.paragraphs if p.style.name.startswith("Heading")]
    for heading in ("Before the laws", "The three laws", "Forces on a crate", "Extension"):
        assert heading in headings
    text = "\n".join(p.text for p in word.paragraphs)
    assert "Northside High · Physics" in "\n".join(
        p.text for section in word.sections for p in section.footer.paragraphs
    )
    assert "— Isaac Newton, in a letter to Robert Hooke (1675)" in text
    assert len(word.inline_shapes) == 1, "the free-body diagram"
    slides = list(Presentation(str(deck)).slides)
    titles = [title_of(slide) for slide in slides]
    assert "Comparing the laws" in titles and "Extension" not in titles  # only: [docx]
    assert "Quick quiz" in titles
    assert any("1 N accelerates 1 kg" in all_text(slide) for slide in slides)
    reader = PdfReader(str(sheet))
    assert len(reader.pages) == 1
    assert "Every action has an equal and opposite reaction" in reader.pages[0].extract_text()


def test_the_readme_shows_one_lesson_in_both_forms(tmp_path):
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    markdown = readme.split("````markdown\n", 1)[1].split("````\n", 1)[0]
    in_yaml = readme.split("### In YAML, the exact form", 1)[1]
    in_yaml = in_yaml.split("```yaml\n", 1)[1].split("```\n", 1)[0]
    from_md = load_lesson(write_lesson(tmp_path, markdown, "readme.md")).document
    assert from_md == load_lesson(write_lesson(tmp_path, in_yaml, "readme.yaml")).document


def test_the_readme_shows_code_and_columns_in_both_forms(tmp_path):
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    markdown = readme.split("-and-notes) in Markdown:\n\n````markdown\n", 1)[1]
    markdown = markdown.split("````\n", 1)[0]
    in_yaml = readme.split("### Code, columns, slide breaks and notes", 1)[1]
    in_yaml = in_yaml.split("```yaml\n", 1)[1].split("```\n", 1)[0]
    from_md = load_lesson(md_lesson(tmp_path, "# H\n\n" + markdown)).document
    assert from_md == yaml_lesson(tmp_path, in_yaml)


def test_a_lesson_in_both_forms_in_one_folder_fails_with_its_own_fix_and_the_rest_build(
    tmp_path,
):
    lessons = tmp_path / "lessons"
    lessons.mkdir()
    write_lesson(lessons, SAMPLE.read_text(encoding="utf-8"), "lesson.yaml")
    md_lesson(lessons, "# H\n\nText.\n")
    other = "title: Other\nsections:\n  - heading: H\n    blocks: [{text: Some text.}]\n"
    write_lesson(lessons, other, "other.yaml")
    out = tmp_path / "out"
    result = CliRunner().invoke(main, ["build", str(lessons), "-o", str(out)])
    assert result.exit_code == 2
    said = "both give the output name 'lesson'; rename one of them"
    assert result.output.count(said) == 1  # one error for the pair, said once
    assert "2 failed" in result.output
    built = [path.name for path in out.iterdir() if path.suffix in (".docx", ".pptx", ".pdf")]
    assert sorted(built) == [
        "other-cheatsheet.pdf",
        "other-deck.pptx",
        "other-handout.docx",
    ]


def test_a_numbered_list_goes_on_from_its_first_number_in_every_format(tmp_path):
    """Steps 3 and 4 after a command were numbered 1 and 2 in all three outputs."""
    lesson = md_lesson(
        tmp_path,
        """
        # Install

        1. Download the installer.
        2. Run it:

        ```console
        $ python3 --version
        ```

        3. Check the version printed.
        4. Open IDLE.
        """,
    )
    lists = [block.list_ for block in load_lesson(lesson).document.sections[0].blocks[::2]]
    assert [(body.numbered, body.start) for body in lists] == [(True, 1), (True, 3)]
    assert "\n3. Check the version printed.\n4. Open IDLE.\n" in to_markdown(
        load_lesson(lesson).document
    )
    written = {p.suffix: p for p in build(lesson, BuildOptions(out_dir=tmp_path / "out"))}

    text = PdfReader(written[".pdf"]).pages[0].extract_text()
    assert "3. Check the version printed." in text and "1. Check" not in text
    handout = docx.Document(str(written[".docx"]))
    starts = {
        int(num.numId): start
        for num in handout.part.numbering_part.element.num_lst
        for start in num.xpath("w:lvlOverride[@w:ilvl='0']/w:startOverride/@w:val")
    }
    used = {
        paragraph.text: starts[paragraph._p.pPr.numPr.numId.val]
        for paragraph in handout.paragraphs
        if paragraph._p.pPr is not None and paragraph._p.pPr.numPr is not None
    }
    assert used == {
        "Download the installer.": "1",
        "Run it:": "1",
        "Check the version printed.": "3",
        "Open IDLE.": "3",
    }
    slide = Presentation(str(written[".pptx"])).slides[1]
    starts = [
        (paragraph.text, autonumber.get("startAt"))
        for shape in slide.shapes
        if shape.has_text_frame
        for paragraph in shape.text_frame.paragraphs
        for autonumber in paragraph._p.xpath("a:pPr/a:buAutoNum")
    ]
    assert starts[2:] == [("Check the version printed.", "3"), ("Open IDLE.", "4")]


def in_word(element: Any, path: str) -> list[Any]:
    """*path* found from *element*, a python-docx element or one the handout made."""
    return etree.XPath(path, namespaces=WORD)(element)


def word_markers(handout: docx.document.Document) -> list[tuple[str, str, int | None]]:
    """Each list paragraph's text, its number format and the number Word shows for it:
    each numbering instance counts its own paragraphs at a level from its start."""
    numbering = handout.part.numbering_part.element
    formats = {
        abstract.get(qn("w:abstractNumId")): {
            int(level.get(qn("w:ilvl"))): in_word(level, "w:numFmt/@w:val")[0]
            for level in in_word(abstract, "w:lvl")
        }
        for abstract in in_word(numbering, "w:abstractNum")
    }
    instances = {
        num.get(qn("w:numId")): (
            in_word(num, "w:abstractNumId/@w:val")[0],
            {
                int(override.get(qn("w:ilvl"))): int(in_word(override, "w:startOverride/@w:val")[0])
                for override in in_word(num, "w:lvlOverride")
            },
        )
        for num in in_word(numbering, "w:num")
    }
    counted: collections.Counter[tuple[str, int]] = collections.Counter()
    markers = []
    for paragraph in handout.paragraphs:
        found = in_word(paragraph._p, "w:pPr/w:numPr")
        if not found:
            continue
        num_id = in_word(found[0], "w:numId/@w:val")[0]
        level = int(in_word(found[0], "w:ilvl/@w:val")[0])
        abstract, starts = instances[num_id]
        fmt = formats[abstract][level]
        number = starts[level] + counted[(num_id, level)]
        counted[(num_id, level)] += 1
        markers.append((paragraph.text, fmt, number if fmt == "decimal" else None))
    return markers


def test_nested_items_are_numbered_or_bulleted_as_written_in_every_format(tmp_path):
    """Steps under a point were bulleted (the cheat sheet, the deck) or lettered (the
    handout) whatever the Markdown said, and a numbered list's bullet points were
    lettered in the handout: each level of a list is counted as it is written."""
    lesson = md_lesson(
        tmp_path,
        """
        # Making tea

        - Boil the water.
        - Brew it:
          1. Warm the pot.
          2. Add the tea.
        - Serve.

        2. Fill the kettle.
           - Cold water.
        3. Wait:

           4. Four minutes.
           5. Five for green tea.
        """,
    )
    document = load_lesson(lesson).document
    points, steps = (block.list_ for block in document.sections[0].blocks)
    assert (points.items[1].numbered, points.items[1].start) == (True, 1)
    assert (steps.start, steps.items[0].numbered, steps.items[1].start) == (2, False, 4)
    for name, write in (("again.md", to_markdown), ("again.yaml", to_yaml)):
        assert load_lesson(write_lesson(tmp_path, write(document), name)).document == document
    written = {p.suffix: p for p in build(lesson, BuildOptions(out_dir=tmp_path / "out"))}

    assert word_markers(docx.Document(str(written[".docx"]))) == [
        ("Boil the water.", "bullet", None),
        ("Brew it:", "bullet", None),
        ("Warm the pot.", "decimal", 1),
        ("Add the tea.", "decimal", 2),
        ("Serve.", "bullet", None),
        ("Fill the kettle.", "decimal", 2),
        ("Cold water.", "bullet", None),
        ("Wait:", "decimal", 3),
        ("Four minutes.", "decimal", 4),
        ("Five for green tea.", "decimal", 5),
    ]
    text = PdfReader(written[".pdf"]).pages[0].extract_text()
    for line in ("1. Warm the pot.", "2. Add the tea.", "2. Fill the kettle.", "3. Wait:"):
        assert line in text
    assert "4. Four minutes." in text and "5. Five for green tea." in text
    assert "1. Cold water." not in text and "Cold water." in text
    bullets = {
        paragraph.text: (
            paragraph._p.xpath("a:pPr/a:buAutoNum/@type"),
            paragraph._p.xpath("a:pPr/a:buAutoNum/@startAt"),
            paragraph._p.xpath("a:pPr/a:buChar/@char"),
        )
        for slide in Presentation(str(written[".pptx"])).slides
        for shape in slide.shapes
        if shape.has_text_frame
        for paragraph in shape.text_frame.paragraphs
    }
    assert bullets["Boil the water."] == ([], [], ["•"])
    assert bullets["Warm the pot."] == (["arabicPeriod"], ["1"], [])
    assert bullets["Add the tea."] == (["arabicPeriod"], ["2"], [])
    assert bullets["Fill the kettle."] == (["arabicPeriod"], ["2"], [])
    assert bullets["Cold water."] == ([], [], ["–"])
    assert bullets["Five for green tea."] == (["arabicPeriod"], ["5"], [])


def test_a_first_number_is_for_numbered_lists(tmp_path):
    lesson = write_lesson(
        tmp_path,
        "title: T\nsections:\n  - heading: H\n    blocks:\n"
        "      - list: {start: 3, items: [a, b]}\n",
    )
    assert problems(lesson) == [
        "5:23: start: only a numbered list has a first number; add numbered: true or leave start out"
    ]
