"""Every kind of handout and deck against the OOXML schemas and Word's and PowerPoint's
known repair triggers (openxml-audit, pure Python).

The renderers write much of their XML by hand, and LibreOffice forgives what Word
rejects as "unreadable content", so reopening the files is not enough. Every block
kind, every shipped theme, the sample, hostile text, a right-to-left lesson (its table
aligned, its list numbered at two levels) and every kind of reference
template (.docx, .dotx, .pptx, .potx) is built and audited, and so are handouts joined
into one file; any finding fails, unless it is listed in FALSE_POSITIVES with the reason
it is one.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from openxml_audit import OpenXmlValidator

from generator.build import BuildOptions, build
from generator.docxjoin import join_handouts
from generator.theme import available_themes

from .conftest import EVERY_BLOCK, SAMPLE, write_lesson
from .test_docx import as_template, reference_document
from .test_pptx import make_reference

# (part, start of the message) of findings the tool reports wrongly, each with why.
# None so far: the handout's stale stylesWithEffects.xml was a real finding, and fixed.
FALSE_POSITIVES: dict[tuple[str, str], str] = {}

HOSTILE = """\
title: "Fish & Chips <b>not bold</b> \\"quoted\\" ]]> 'single'"
sections:
  - heading: "العربية والعبرية: עברית, and 漢字"
    blocks:
      - text: "A very long word: {word} and a [link](https://example.org/?a=1&b=<2>)"
      - table:
          header: ["<tag>", "&amp;", "]]>"]
          rows:
{rows}
"""


RIGHT_TO_LEFT = """\
title: ברית מול קואליציה
language: he
sections:
  - heading: מהי ברית?
    blocks:
      - list:
          - text: "שלבים:"
            numbered: true
            start: 2
            items: [ראשון, שני]
          - נקודה
      - table:
          header: [שם, ציון]
          rows: [[דנה, "92"], [יוסי, "7"]]
          align: [left, right]
      - quote: {text: ביחד נעמוד, source: אמרה עממית}
"""


def hostile(folder: Path) -> Path:
    rows = "".join(f'            - ["r{n} <&>", "ü{n}", "{n}"]\n' for n in range(60))
    return write_lesson(folder, HOSTILE.format(word="x" * 200, rows=rows), "hostile.yaml")


@pytest.fixture(scope="module")
def outputs(tmp_path_factory) -> dict[str, Path]:
    """Every output to audit, by a readable name."""
    work = tmp_path_factory.mktemp("audit")
    built: dict[str, Path] = {}

    def add(name: str, lesson: Path, **options) -> None:
        formats = options.pop("formats", ["docx", "pptx"])
        out = work / name
        for path in build(lesson, BuildOptions(formats=formats, out_dir=out, **options)):
            built[f"{name}{path.suffix}"] = path

    for theme in available_themes():
        add(f"every-block-{theme}", EVERY_BLOCK, theme=theme)
    add("sample", SAMPLE)
    add("hostile", hostile(work))
    add("right-to-left", write_lesson(work, RIGHT_TO_LEFT, "right-to-left.yaml"))
    word = reference_document(work / "house.docx")
    add("reference-docx", EVERY_BLOCK, references={"docx": word}, formats=["docx"])
    dotx = as_template(word, work / "house.dotx")
    add("reference-dotx", EVERY_BLOCK, references={"docx": dotx}, formats=["docx"])
    for suffix in (".pptx", ".potx"):
        theme = make_reference(work / f"theme{suffix}", suffix)
        add(f"reference{suffix.replace('.', '-')}", EVERY_BLOCK, theme=str(theme), formats=["pptx"])
    combined = work / "combined.docx"  # copies with pictures, lists, links and a header logo
    combined.write_bytes(join_handouts([built["every-block-corporate.docx"]] * 3))
    built["combined.docx"] = combined
    return built


NAMES = [
    *(
        f"every-block-{theme}{suffix}"
        for theme in available_themes()
        for suffix in (".docx", ".pptx")
    ),
    "sample.docx",
    "sample.pptx",
    "hostile.docx",
    "hostile.pptx",
    "right-to-left.docx",
    "right-to-left.pptx",
    "reference-docx.docx",
    "reference-dotx.docx",
    "reference-pptx.pptx",
    "reference-potx.pptx",
    "combined.docx",
]


@pytest.mark.parametrize("name", NAMES)
def test_the_output_has_no_schema_or_repair_findings(outputs, name):
    result = OpenXmlValidator().validate(outputs[name])
    findings = [
        f"{finding.part_uri}: {finding.description} ({finding.source_class.value})"
        for finding in result.errors
        if not any(
            finding.part_uri == part and finding.description.startswith(start)
            for part, start in FALSE_POSITIVES
        )
    ]
    assert not findings, "\n".join(findings)
