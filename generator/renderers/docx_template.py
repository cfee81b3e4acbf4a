"""``lectern template check`` for a Word template (.docx, .dotx): what the handout takes from it.

The check opens the template exactly as a build does (the handout renderer's own set-up,
on the default theme), so what it reports is what a build will do: the styles used for
each part of the handout and the ones Lectern adds, the page and the text column tables
and pictures are fitted to, the fonts, what was filled in on opening and what is worth
knowing before printing.
"""

from __future__ import annotations

import warnings
import zipfile
from pathlib import Path

from docx.oxml.ns import qn
from docx.oxml.parser import parse_xml
from docx.oxml.styles import CT_Style

from ..errors import LessonError
from ..model import Document
from ..officefile import WORD, file_problem
from ..templatecheck import TemplateReport
from ..theme import load_theme, metric_twins
from .docx import NEUTRAL, DocxRenderer
from .wordml import MARGINS, Page, style_font, theme_fonts

# What the handout uses a style for, where a template commonly brings its own.
ROLES = {
    "Normal": "body text",
    "Title": "the lesson's title",
    "Subtitle": "its subtitle",
    "Heading 1": "sections",
    "Heading 2": "subsections",
    "Heading 3": "deeper sections",
    "List Paragraph": "list items",
    "Quote": "quotations",
    "Caption": "image captions",
    "Header": "page header text",
    "Footer": "page footer text",
}
PAPERS = {"A4": (210, 297), "A5": (148, 210), "Letter": (215.9, 279.4), "Legal": (215.9, 355.6)}
NARROW_COLUMN = 60  # mm: a text column narrower than this cramps a three-column table
THEME_FONT = {"major": "headings", "minor": "body"}  # the theme's two font slots


def check(path: Path) -> TemplateReport:
    """Everything a handout build would take from, fill in for, or refuse in *path*."""
    report = TemplateReport(path)
    problem = file_problem(path, WORD)
    if problem:
        report.problems.append(problem)
        return report
    renderer = DocxRenderer()
    renderer.document = Document.model_validate(
        {"title": "Template check", "sections": [{"heading": "Check", "blocks": [{"text": "-"}]}]}
    )
    renderer.theme = load_theme("default")
    try:
        with warnings.catch_warnings(record=True) as caught:  # the template's own: reported
            warnings.simplefilter("always")
            renderer.setup(path)
    except LessonError as error:
        report.problems += [problem.message for problem in error.problems]
        return report
    except Exception as error:  # a template python-docx cannot read: say so, not crash
        report.problems.append(f"cannot be opened as a Word document: {error}")
        return report
    _uses(renderer, report)
    _boxes(renderer.page, report)
    report.fonts += fonts(renderer)
    report.repairs += renderer.repairs + _neutralised(renderer)
    report.warnings += _warnings(path, renderer.page)
    report.warnings += [str(note.message).removeprefix(f"{path}: ") for note in caught]
    return report


def _uses(renderer: DocxRenderer, report: TemplateReport) -> None:
    """Which of the template's styles each part of the handout takes, and which are added."""
    for name, role in ROLES.items():
        style = renderer.style[name]
        if name in renderer.given:
            report.uses.append(f"{role}: the template's style {describe(style)}")
        else:
            report.uses.append(f"{role}: style '{name}', added (the template has none)")
    table = renderer.table_style
    report.uses.append(
        f"data tables: the template's table style {describe(table)}"
        if table is not None
        else "data tables: the theme's look (the template has no table style of its own)"
    )
    page = renderer.word.sections[0]
    for story, kind in ((page.header, "header"), (page.footer, "footer")):
        whose = "Lectern's" if story.is_linked_to_previous else "the template's own"
        report.uses.append(f"page {kind} content: {whose}")
    added = [name for name in renderer.style if name not in renderer.given and name not in ROLES]
    if added:
        base = f"; they are based on '{NEUTRAL}'" if NEUTRAL in added else ""
        report.uses.append(f"adds its own styles: {', '.join(added)}{base}")


def describe(style: CT_Style) -> str:
    """A style as Word shows it, with its id where that differs (a template made in
    another language)."""
    name = style.name_val or style.styleId
    differs = style.styleId.replace(" ", "").casefold() != name.replace(" ", "").casefold()
    return f"'{name}'" + (f" (id {style.styleId})" if differs else "")


def _boxes(page: Page, report: TemplateReport) -> None:
    """The page, its margins, and the room text, tables and pictures get, in mm."""
    report.boxes.append(f"page: {paper_name(page)}{page.width.mm:.0f} × {page.height.mm:.0f} mm")
    margins = ", ".join(f"{side} {getattr(page, side).mm:.0f}" for side in MARGINS)
    gutter = f", gutter {page.gutter.mm:.0f}" if page.gutter else ""
    report.boxes.append(f"margins: {margins}{gutter} mm")
    report.boxes.append(f"text: {page.text_width.mm:.0f} × {page.text_height.mm:.0f} mm")
    column = page.column_width.mm
    if page.columns > 1:
        report.boxes.append(
            f"{page.columns} text columns: tables and pictures {column:.0f} mm wide, one column's"
        )
    else:
        report.boxes.append(f"tables and pictures: up to {column:.0f} mm wide")


def paper_name(page: Page) -> str:
    """ "A4, " for a page of a known paper size (either way round), else nothing."""
    size = (page.width.mm, page.height.mm)
    for name, paper in PAPERS.items():
        for turned, suffix in ((paper, ""), (paper[::-1], " landscape")):
            if all(abs(a - b) < 1.5 for a, b in zip(size, turned, strict=True)):
                return f"{name}{suffix}, "
    return ""


def fonts(renderer: DocxRenderer) -> list[str]:
    """The template's fonts: its theme's heading and body fonts, the fonts body text and
    headings end up in (their style's own, else inherited, else the defaults), and the
    shipped face table columns are measured with."""
    word = renderer.word
    lines = [
        f"theme {THEME_FONT[slot]} font: {', '.join(faces)}"
        for slot, faces in theme_fonts(word).items()
        if faces
    ]
    for name in ("Normal", "Heading 1"):
        font = style_font(word, renderer.style[name])
        if font is None:
            lines.append(f"{ROLES[name]} ({name}): the application's default font")
            continue
        source = f", the theme's {THEME_FONT[font.slot]} font" if font.slot else ""
        asian = f"; East Asian text: {font.east_asian}" if font.east_asian else ""
        lines.append(f"{ROLES[name]} ({name}): {font.name}{source}{asian}")
    measured = renderer.measuring.fonts.body
    known = measured.name.lower() in metric_twins()
    how = "its metric twin" if known else "a wide face, as no metric twin is known"
    lines.append(f"table columns are measured with {measured.file} ({how})")
    return lines


def _neutralised(renderer: DocxRenderer) -> list[str]:
    """What of the template's Normal style the styles Lectern adds are kept from."""
    if NEUTRAL in renderer.given or "Normal" not in renderer.given:
        return []
    normal = renderer.style["Normal"]
    defaults = renderer.word.styles.element.find(f"{qn('w:docDefaults')}/{qn('w:pPrDefault')}")
    found = []
    for where in (normal, defaults):
        ppr = None if where is None else where.find(qn("w:pPr"))
        if ppr is None:
            continue
        ind = ppr.find(qn("w:ind"))
        if ind is not None and any(
            ind.get(qn(f"w:{key}")) not in (None, "0") for key in ("firstLine", "firstLineChars")
        ):
            found.append("first-line indent")
        jc = ppr.find(qn("w:jc"))
        if jc is not None and jc.get(qn("w:val")) in ("both", "distribute"):
            found.append("justification")
    grid = renderer.word.sections[0]._sectPr.find(qn("w:docGrid"))
    if grid is not None and grid.get(qn("w:type")) in ("lines", "linesAndChars", "snapToChars"):
        found.append("line grid")
    if not found:
        return []
    *most, last = dict.fromkeys(found)
    kept = f"{', '.join(most)} and {last}" if most else last
    return [
        f"Normal's {kept} apply to body text only: the styles Lectern adds are based on"
        f" '{NEUTRAL}', without them"
    ]


def main_part(package: zipfile.ZipFile) -> str:
    """The name of the package's main part (``word/document.xml`` as Word writes it)."""
    rels = parse_xml(package.read("_rels/.rels"))
    for rel in rels:
        if rel.get("Type", "").endswith("/officeDocument"):
            return rel.get("Target", "").lstrip("/")
    return "word/document.xml"


def _warnings(path: Path, page: Page) -> list[str]:
    """What is usable but worth knowing: narrow columns, body text and sections left out."""
    warnings = []
    if 0 < page.column_width.mm < NARROW_COLUMN:
        warnings.append(
            f"the text column is {page.column_width.mm:.0f} mm wide: tables with several"
            " columns will wrap a lot"
        )
    with zipfile.ZipFile(path) as package:
        root = parse_xml(package.read(main_part(package)))
    body = root.find(qn("w:body"))
    content = [
        child
        for child in body
        if child.tag == qn("w:tbl")
        or (child.tag == qn("w:p") and "".join(child.itertext()).strip())
    ]
    if content:
        count = f"{len(content)} " + (
            "paragraph or table" if len(content) == 1 else "paragraphs and tables"
        )
        warnings.append(
            f"its body text ({count}) is left out: a handout takes only its styles,"
            " headers, footers and page setup"
        )
    sections = len(body.findall(f".//{qn('w:sectPr')}"))
    if sections > 1:
        warnings.append(f"{sections} sections: the handout takes the last one's page setup")
    return warnings
