"""Link targets: only web addresses, e-mail and files beside the lesson reach an output.

The refused kinds are in the bad-input corpus (tests/bad/link-*); here the allowed ones
are built into all three formats and read back from the files' relationships and the
PDF's link actions, so a target can't slip through a renderer unchecked.
"""

from __future__ import annotations

import re
import zipfile
from pathlib import Path

import docx
import pytest
from hypothesis import given
from hypothesis import strategies as st
from pptx import Presentation
from pypdf import PdfReader

from generator.build import BuildOptions, build, prepare
from generator.errors import LessonError
from generator.links import link_problem

from .conftest import write_lesson

ALLOWED = "[web](https://example.org/a?b=1) [mail](mailto:t@example.org) [notes](notes/week1.pdf)"


@pytest.mark.parametrize(
    "href",
    [
        "javascript:alert(1)",
        "JavaScript:alert(1)",
        "vbscript:msgbox",
        "file:///etc/passwd",
        "data:text/html,<script>",
        "ms-msdt:/id PCWDiagnostic",
        "pdf:/etc/passwd",
        "\\\\host\\share\\x.exe",
        "//host/share",
        "/etc/passwd",
        "C:/Windows/system32/calc.exe",
        "../outside.pdf",
        "notes/../../outside.pdf",
        "#top",
    ],
)
def test_every_other_target_is_refused(tmp_path, href):
    assert link_problem(href, tmp_path, allow_outside=False)


def test_a_link_outside_the_folder_passes_only_when_allowed(tmp_path):
    assert link_problem("../shared/notes.pdf", tmp_path, allow_outside=True) is None
    assert link_problem("/etc/passwd", tmp_path, allow_outside=True)


def test_a_link_written_by_a_command_line_value_is_refused_where_it_is_used(tmp_path):
    lesson = write_lesson(
        tmp_path,
        "title: T\nsections:\n  - heading: H\n    blocks:\n      - text: '[x]({{ vars.u }})'\n",
    )
    with pytest.raises(LessonError) as caught:
        prepare(lesson, BuildOptions(variables={"u": "javascript:alert(1)"}))
    assert str(caught.value).startswith(f"{lesson}:5:15: the link 'javascript:alert(1)'")


def test_allowed_links_reach_every_format_as_written(tmp_path):
    (tmp_path / "notes").mkdir()
    (tmp_path / "notes" / "week1.pdf").write_bytes(b"%PDF-1.4\n")
    lesson = write_lesson(
        tmp_path, f"title: T\nsections:\n  - heading: H\n    blocks:\n      - text: '{ALLOWED}'\n"
    )
    written = build(lesson, BuildOptions(out_dir=tmp_path / "out"))
    wanted = {"https://example.org/a?b=1", "mailto:t@example.org", "notes/week1.pdf"}
    for path in written:
        found = link_targets(path)
        assert found == wanted, (path.name, found)


def link_targets(path: Path) -> set[str]:
    """The targets of the links in a built file: the PDF's link actions, or the Office
    package's hyperlink relationships."""
    if path.suffix == ".pdf":
        found = set()
        for annotation in PdfReader(path).pages[0].get("/Annots", []):
            action = annotation.get_object()["/A"]
            found.add(action.get("/URI") or action.get("/F"))
            if action.get("/F"):
                assert action["/S"] == "/GoToR"
        return found
    with zipfile.ZipFile(path) as package:
        rels = "".join(
            package.read(name).decode() for name in package.namelist() if name.endswith(".rels")
        )
    found = set(re.findall(r'Type="[^"]*/hyperlink" Target="([^"]*)"', rels))
    found |= set(re.findall(r'Target="([^"]*)"[^>]*Type="[^"]*/hyperlink"', rels))
    return {target.replace("&amp;", "&") for target in found}


def shown_text(path: Path) -> str:
    """What a reader sees in a built file, its words joined by single spaces."""
    if path.suffix == ".pdf":
        text = PdfReader(path).pages[0].extract_text()
    elif path.suffix == ".docx":
        text = "\n".join(paragraph.text for paragraph in docx.Document(str(path)).paragraphs)
    else:
        slides = Presentation(str(path)).slides
        text = "\n".join(
            shape.text_frame.text
            for slide in slides
            for shape in slide.shapes
            if shape.has_text_frame
        )
    return " ".join(text.split())


WIKIPEDIA = "https://en.wikipedia.org/wiki/Force_(physics)"
PARENTHESES = f"See [force]({WIKIPEDIA}) for more."
BOTH_FORMS = {
    "lesson.yaml": f"title: T\nsections:\n  - heading: H\n    blocks:\n      - text: '{PARENTHESES}'\n",
    "lesson.md": f"---\ntitle: T\n---\n\n# H\n\n{PARENTHESES}\n",
}


@pytest.mark.parametrize("name", BOTH_FORMS)
def test_an_address_holding_parentheses_is_one_link_in_every_format(tmp_path, name):
    """CommonMark lets an address hold balanced parentheses; the link is not cut at the
    first ')', leaving the rest of the address in the sentence."""
    lesson = write_lesson(tmp_path, BOTH_FORMS[name], name)
    for path in build(lesson, BuildOptions(out_dir=tmp_path / "out")):
        assert link_targets(path) == {WIKIPEDIA}, path.name
        assert "See force for more." in shown_text(path), path.name


AUTOLINKS = "Write to <mailto:t@example.org> or see <https://example.org/a_(b)>."
AUTOLINK_FORMS = {
    "lesson.yaml": f"title: T\nsections:\n  - heading: H\n    blocks:\n      - text: '{AUTOLINKS}'\n",
    "lesson.md": f"---\ntitle: T\n---\n\n# H\n\n{AUTOLINKS}\n",
}


@pytest.mark.parametrize("name", AUTOLINK_FORMS)
def test_an_address_in_angle_brackets_is_a_link_showing_itself(tmp_path, name):
    """``<https://...>`` (CommonMark's autolink) was printed as it stands, brackets and
    all, and no reader could click it."""
    lesson = write_lesson(tmp_path, AUTOLINK_FORMS[name], name)
    for path in build(lesson, BuildOptions(out_dir=tmp_path / "out")):
        assert link_targets(path) == {"mailto:t@example.org", "https://example.org/a_(b)"}
        shown = "Write to t@example.org or see https://example.org/a_(b)."
        assert shown in shown_text(path), path.name


BARE = (
    "The article (https://en.wikipedia.org/wiki/Force_(physics)) and https://example.org/a_b?q=1."
    " Not xhttps://example.org, not `https://example.org/code`; __strong__ text."
    " Ask teacher@school.example.org, or see www.school.example.org."
)
BARE_FORMS = {
    "lesson.yaml": f"title: T\nsections:\n  - heading: H\n    blocks:\n      - text: '{BARE}'\n",
    "lesson.md": f"---\ntitle: T\n---\n\n# H\n\n{BARE}\n",
}


@pytest.mark.parametrize("name", BARE_FORMS)
def test_an_address_written_out_is_a_link_without_the_sentences_punctuation(tmp_path, name):
    """A web or e-mail address pasted into a sentence was printed but could not be
    clicked, in the handout, the deck or the sheet; GitHub, and Word as one types, link
    it. The full stop or bracket that ends the sentence is not part of it; brackets in
    pairs are."""
    lesson = write_lesson(tmp_path, BARE_FORMS[name], name)
    for path in build(lesson, BuildOptions(out_dir=tmp_path / "out")):
        assert link_targets(path) == {
            "https://en.wikipedia.org/wiki/Force_(physics)",
            "https://example.org/a_b?q=1",
            "mailto:teacher@school.example.org",
            "https://www.school.example.org",
        }, path.name
        shown = "The article (https://en.wikipedia.org/wiki/Force_(physics)) and"
        assert shown in shown_text(path), path.name
        assert "__" not in shown_text(path)  # __strong__, as CommonMark has it, is bold


def test_an_address_in_chinese_or_japanese_text_is_linked_without_the_text_around_it(tmp_path):
    """Chinese and Japanese put no space around an address: the link is the address alone,
    not the sentence's full stop '。' or the words before it."""
    text = "请访问https://example.org/a。或者联系teacher@school.example.org。"
    lesson = write_lesson(
        tmp_path,
        f"title: T\nlanguage: zh\nsections:\n  - heading: H\n    blocks:\n      - text: {text}\n",
    )
    handout = build(lesson, BuildOptions(formats=["docx"], out_dir=tmp_path / "out"))[0]
    assert link_targets(handout) == {"https://example.org/a", "mailto:teacher@school.example.org"}
    assert text in shown_text(handout)


def test_a_bracket_left_open_before_a_link_is_text_and_the_link_its_own_words():
    """'[a [b](url)' links 'b', as CommonMark does: the open bracket is text. (The link
    was read as 'a [b', and every '[' looked to the end of the text for its ']', so a
    long text of brackets took seconds to read.)"""
    from generator.inline import parse_inline

    runs = parse_inline("[a [b](https://example.org) and [^1" + " [x" * 2000)
    assert [(run.text, run.href) for run in runs if run.href] == [("b", "https://example.org")]
    assert "".join(run.text for run in runs).startswith("[a b and [^1 [x [x")


HREF = st.one_of(
    st.text(min_size=1, max_size=40),
    st.builds(
        lambda scheme, rest: f"{scheme}:{rest}",
        st.sampled_from(
            ["http", "HTTPS", "mailto", "javascript", "file", "pdf", "data", "ms-msdt"]
        ),
        st.text(max_size=30),
    ),
    st.builds(lambda parts: "/".join(parts), st.lists(st.sampled_from(["..", ".", "a", "b.pdf"]))),
)


@given(href=HREF)
def test_a_link_passes_only_to_the_web_e_mail_or_a_file_inside_the_folder(tmp_path_factory, href):
    folder = tmp_path_factory.getbasetemp() / "lesson"
    if link_problem(href, folder, allow_outside=False) is not None:
        return
    scheme, colon, _ = href.partition(":")
    if colon and scheme.replace("+", "").replace("-", "").replace(".", "").isalnum():
        assert scheme.lower() in ("http", "https", "mailto"), href
    else:
        assert not href.startswith(("/", "\\")) and "\\" not in href, href
        target = (folder / href.split("#")[0].split("?")[0]).resolve()
        assert target.is_relative_to(folder.resolve()), href


def test_a_link_to_a_missing_file_is_said_where_it_is_written(tmp_path):
    """A typo in a linked handout's name built silently; the reader's click found nothing."""
    (tmp_path / "notes").mkdir()
    (tmp_path / "notes" / "week 1.pdf").write_bytes(b"%PDF-1.4\n")
    lesson = write_lesson(
        tmp_path,
        "title: T\nsections:\n  - heading: H\n    blocks:\n"
        "      - text: 'Read [week 1](notes/week%201.pdf), [week 2](notes/week2.pdf)"
        " and [the web](https://example.org/missing.pdf).'\n",
    )
    with pytest.warns(UserWarning) as said:
        prepare(lesson, BuildOptions())
    assert [str(warning.message) for warning in said] == [
        f"{lesson}:5:15: the link 'notes/week2.pdf' names a file that is not beside the lesson;"
        " check its name, or put the file there before handing the outputs out"
    ]
