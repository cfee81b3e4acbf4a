"""Make the Word templates the handout is tested on: ``python tests/templates/make_docx_templates.py [FOLDER]``.

Each is a house template as organisations hand them out, made with python-docx and
edits of its XML where python-docx has no API, so that each carries one thing that once
broke a build or a layout:

- style names as Word writes them (``heading 1``), as pandoc and LibreOffice write them
  (``Heading 1``), translated names over English ids, and the numeric or German ids
  Japanese, Chinese and German Word give them;
- A4, Letter and A5 pages, a two-column section, an empty ``w:sectPr`` (pandoc's);
- a Normal style with a first-line indent, justification and a line grid (East Asian
  government and school templates);
- a custom table style, a template's default table style, a header logo and footers.

Two of them are then passed through LibreOffice (``lo-*.docx``, in one ``soffice`` call
when it is installed), which rewrites every part as LibreOffice does. Files are written
with fixed timestamps, so running the script again gives the same bytes for every file
python-docx writes; what LibreOffice writes differs run to run only in metadata.
"""

from __future__ import annotations

import io
import shutil
import subprocess
import sys
import tempfile
import zipfile
from collections.abc import Callable
from pathlib import Path

import docx
from docx.document import Document as WordDocument
from docx.oxml import parse_xml
from docx.oxml.ns import nsdecls, qn
from docx.shared import Mm
from PIL import Image, ImageDraw

HERE = Path(__file__).resolve().parent
STAMP = (2026, 1, 1, 0, 0, 0)
TEMPLATE_TYPE = b"wordprocessingml.template.main+xml"
DOCUMENT_TYPE = b"wordprocessingml.document.main+xml"
HEADINGS = ("heading 1", "heading 2", "heading 3")


# -- edits ----------------------------------------------------------------------------


def style(word: WordDocument, name: str):
    """A style element by its name as the template writes it."""
    for element in word.styles.element.iterchildren(qn("w:style")):
        if element.name_val == name:
            return element
    raise KeyError(name)


def rename(word: WordDocument, names: dict[str, tuple[str, str]]) -> None:
    """Give styles new (name, id) pairs and point every reference at the new ids."""
    ids = {}
    for old, (name, style_id) in names.items():
        element = style(word, old)
        ids[element.styleId] = style_id
        element.name_val = name
        element.styleId = style_id
    root = word.styles.element
    for tag in ("w:basedOn", "w:next", "w:link"):
        for ref in root.iter(qn(tag)):
            ref.set(qn("w:val"), ids.get(ref.get(qn("w:val")), ref.get(qn("w:val"))))
    for tag in ("w:pStyle", "w:rStyle", "w:tblStyle"):
        for part in (word.element, *(s.header._element for s in word.sections)):
            for ref in part.iter(qn(tag)):
                ref.set(qn("w:val"), ids.get(ref.get(qn("w:val")), ref.get(qn("w:val"))))


def fonts(word: WordDocument, body: str, heading: str, east_asian: str | None = None) -> None:
    """Body and heading fonts on Normal, Title and the headings (and their East Asian face)."""
    for name, face in (("Normal", body), ("Title", heading), *((h, heading) for h in HEADINGS)):
        rpr = style(word, name).get_or_add_rPr()
        for old in rpr.findall(qn("w:rFonts")):
            rpr.remove(old)
        asian = east_asian or face
        rpr.insert(
            0,
            parse_xml(
                f'<w:rFonts {nsdecls("w")} w:ascii="{face}" w:hAnsi="{face}" w:cs="{face}"'
                f' w:eastAsia="{asian}"/>'
            ),
        )


def page(word: WordDocument, size: tuple[float, float], margins: tuple[float, ...]) -> None:
    """Page size and top, right, bottom, left margins in mm."""
    section = word.sections[0]
    section.page_width, section.page_height = Mm(size[0]), Mm(size[1])
    for side, value in zip(("top", "right", "bottom", "left"), margins, strict=True):
        setattr(section, f"{side}_margin", Mm(value))
    section.header_distance = section.footer_distance = Mm(10)


def sect_child(word: WordDocument, xml: str) -> None:
    """Replace the section's child of the same tag by *xml* (``w:cols``, ``w:docGrid``)."""
    sect_pr = word.sections[0]._sectPr
    new = parse_xml(xml)
    for old in sect_pr.findall(new.tag):
        sect_pr.remove(old)
    sect_pr.append(new)


def prose_normal(word: WordDocument, *, size: float, first_line_chars: int, line: int) -> None:
    """A Normal style for running prose, as East Asian house templates have it: a
    first-line indent in characters, justified lines, an exact line height, snapped to
    the page's line grid."""
    normal = style(word, "Normal")
    ppr = normal.get_or_add_pPr()
    ppr.append(
        parse_xml(f'<w:spacing {nsdecls("w")} w:after="0" w:line="{line}" w:lineRule="exact"/>')
    )
    ppr.append(
        parse_xml(
            f'<w:ind {nsdecls("w")} w:firstLineChars="{first_line_chars}" w:firstLine="640"/>'
        )
    )
    ppr.append(parse_xml(f'<w:jc {nsdecls("w")} w:val="both"/>'))
    normal.get_or_add_rPr().append(parse_xml(f'<w:sz {nsdecls("w")} w:val="{int(size * 2)}"/>'))


def table_style(word: WordDocument, name: str, style_id: str, head: str, band: str) -> None:
    """A custom table style: ruled top and bottom, a coloured header row, banded rows."""
    word.styles.element.append(
        parse_xml(
            f'<w:style {nsdecls("w")} w:type="table" w:customStyle="1" w:styleId="{style_id}">'
            f'<w:name w:val="{name}"/><w:basedOn w:val="TableNormal"/><w:uiPriority w:val="40"/>'
            '<w:rPr><w:sz w:val="18"/></w:rPr><w:tblPr><w:tblBorders>'
            f'<w:top w:val="single" w:sz="12" w:space="0" w:color="{head}"/>'
            f'<w:bottom w:val="single" w:sz="12" w:space="0" w:color="{head}"/>'
            '<w:insideH w:val="single" w:sz="4" w:space="0" w:color="BFBFBF"/>'
            "</w:tblBorders></w:tblPr>"
            '<w:tblStylePr w:type="firstRow"><w:rPr><w:b/><w:color w:val="FFFFFF"/></w:rPr>'
            f'<w:tcPr><w:shd w:val="clear" w:color="auto" w:fill="{head}"/></w:tcPr></w:tblStylePr>'
            '<w:tblStylePr w:type="band1Horz"><w:tcPr>'
            f'<w:shd w:val="clear" w:color="auto" w:fill="{band}"/></w:tcPr></w:tblStylePr>'
            "</w:style>"
        )
    )


def header(word: WordDocument, text: str, logo: Path | None = None) -> None:
    """Header text, with a logo before it."""
    paragraph = word.sections[0].header.paragraphs[0]
    if logo is not None:
        paragraph.add_run().add_picture(str(logo), height=Mm(8))
        paragraph.add_run("  ")
    paragraph.add_run(text)


def footer(word: WordDocument, text: str) -> None:
    """Footer text and a PAGE field."""
    paragraph = word.sections[0].footer.paragraphs[0]
    paragraph.add_run(text + " ")
    for xml in (
        '<w:fldChar w:fldCharType="begin"/>',
        '<w:instrText xml:space="preserve"> PAGE </w:instrText>',
        '<w:fldChar w:fldCharType="end"/>',
    ):
        paragraph._p.append(parse_xml(f"<w:r {nsdecls('w')}>{xml}</w:r>"))


def body(word: WordDocument, *texts: str) -> None:
    """Example text in the template's body, as house templates come (a build drops it)."""
    for text in texts:
        word.add_paragraph(text)


def make_logo(path: Path, colour: tuple[int, int, int]) -> Path:
    image = Image.new("RGB", (120, 40), colour)
    draw = ImageDraw.Draw(image)
    draw.rectangle((8, 8, 32, 32), fill=(255, 255, 255))
    draw.ellipse((40, 12, 56, 28), fill=(255, 255, 255))
    image.save(path, optimize=False)
    return path


# -- the templates --------------------------------------------------------------------


def german_a4(word: WordDocument, logo: Path) -> None:
    """German Word: English lower-case names under German ids, a custom table style,
    a header logo, A4 with wide left margin."""
    fonts(word, "DejaVu Serif", "DejaVu Sans")
    rename(
        word,
        {
            "Normal": ("Normal", "Standard"),
            "heading 1": ("heading 1", "berschrift1"),
            "heading 2": ("heading 2", "berschrift2"),
            "heading 3": ("heading 3", "berschrift3"),
            "Title": ("Title", "Titel"),
            "Quote": ("Quote", "Zitat"),
        },
    )
    page(word, (210, 297), (25, 20, 20, 25))
    table_style(word, "Firmentabelle", "Firmentabelle", "8B0030", "F3E6EA")
    header(word, "Akademie Nordlicht · Lernmaterial", logo)
    footer(word, "Seite")
    body(word, "Überschrift und Text der Vorlage, die beim Erstellen entfällt.")


def portuguese_letter(word: WordDocument, logo: Path) -> None:
    """Portuguese names over English ids (only the ids say which style is which),
    Letter paper, saved as a .dotx."""
    fonts(word, "Liberation Serif", "Liberation Sans")
    rename(
        word,
        {
            "heading 1": ("Título 1", "Heading1"),
            "heading 2": ("Título 2", "Heading2"),
            "heading 3": ("Título 3", "Heading3"),
            "Title": ("Título", "Title"),
            "Subtitle": ("Subtítulo", "Subtitle"),
            "Quote": ("Citação", "Quote"),
        },
    )
    page(word, (215.9, 279.4), (25.4, 25.4, 25.4, 25.4))
    header(word, "Escola Aurora · Material didático", logo)
    footer(word, "Página")
    body(word, "Texto de exemplo do modelo, que não entra no material.")


def japanese_grid(word: WordDocument, logo: Path) -> None:
    """Japanese Word: numeric ids, a prose Normal (first-line indent, justified, exact
    lines on a line grid), East Asian fonts, A4."""
    fonts(word, "Liberation Serif", "Liberation Sans", east_asian="MS Mincho")
    rename(
        word,
        {
            "Normal": ("Normal", "a"),
            "heading 1": ("heading 1", "1"),
            "heading 2": ("heading 2", "2"),
            "heading 3": ("heading 3", "3"),
            "Title": ("Title", "a3"),
        },
    )
    page(word, (210, 297), (35, 30, 30, 30))
    prose_normal(word, size=10.5, first_line_chars=100, line=360)
    sect_child(word, f'<w:docGrid {nsdecls("w")} w:type="lines" w:linePitch="360"/>')
    header(word, "東京学園 · 授業資料")
    footer(word, "ページ")
    body(word, "この文章はテンプレートの見本です。")


def chinese_government(word: WordDocument, logo: Path) -> None:
    """A Chinese government template: 16 pt FangSong body, two-character first-line
    indent, justified, 28 pt exact lines on a characters-and-lines grid, GB/T 9704 margins."""
    fonts(word, "FangSong", "SimHei", east_asian="仿宋")
    rename(
        word,
        {
            "Normal": ("Normal", "a"),
            "heading 1": ("heading 1", "1"),
            "heading 2": ("heading 2", "2"),
            "heading 3": ("heading 3", "3"),
            "Title": ("Title", "a4"),
        },
    )
    page(word, (210, 297), (37, 26, 35, 28))
    prose_normal(word, size=16, first_line_chars=200, line=560)
    sect_child(
        word,
        f'<w:docGrid {nsdecls("w")} w:type="linesAndChars" w:linePitch="579" w:charSpace="-849"/>',
    )
    header(word, "示范学校 · 教学讲义")
    footer(word, "第")
    body(word, "本文件为模板示例文字。")


def two_columns(word: WordDocument, logo: Path) -> None:
    """A two-column A4 newsletter: tables must stay inside one column."""
    fonts(word, "Liberation Sans", "Liberation Sans")
    page(word, (210, 297), (20, 15, 20, 15))
    sect_child(word, f'<w:cols {nsdecls("w")} w:num="2" w:space="567"/>')
    header(word, "Riverside College · Newsletter", logo)
    body(word, "Sample body text in the newsletter template.")


def empty_section(word: WordDocument, logo: Path) -> None:
    """pandoc's reference.docx in miniature: ``Heading 1`` names as shown, an empty
    ``w:sectPr`` (no page size, no margins), a default table style of its own."""
    rename(
        word,
        {
            "heading 1": ("Heading 1", "Heading1"),
            "heading 2": ("Heading 2", "Heading2"),
            "heading 3": ("Heading 3", "Heading3"),
        },
    )
    for element in word.styles.element.iterchildren(qn("w:style")):
        if element.get(qn("w:type")) == "table" and element.get(qn("w:default")):
            del element.attrib[qn("w:default")]
    word.styles.element.append(
        parse_xml(
            f'<w:style {nsdecls("w")} w:type="table" w:default="1" w:styleId="Table">'
            '<w:name w:val="Table"/><w:basedOn w:val="TableNormal"/><w:tblPr>'
            '<w:tblCellMar><w:left w:w="108" w:type="dxa"/><w:right w:w="108" w:type="dxa"/>'
            '</w:tblCellMar></w:tblPr><w:tblStylePr w:type="firstRow"><w:tcPr><w:tcBorders>'
            '<w:bottom w:val="single"/></w:tcBorders></w:tcPr></w:tblStylePr></w:style>'
        )
    )
    sect_pr = word.sections[0]._sectPr
    for child in list(sect_pr):
        sect_pr.remove(child)
    body(word, "Heading and body text of the reference document.")


def a5_booklet(word: WordDocument, logo: Path) -> None:
    """An A5 booklet, narrow margins, lower-case names, a custom table style, .dotx."""
    fonts(word, "DejaVu Serif", "DejaVu Serif")
    page(word, (148, 210), (18, 12, 16, 15))
    table_style(word, "Booklet Table", "BookletTable", "205E3B", "E8F1EC")
    header(word, "Pocket guides", logo)
    footer(word, "p.")


def letter_classic(word: WordDocument, logo: Path) -> None:
    """A US school's Letter template: serif body, headings in lower-case names, a
    footer, no table style."""
    fonts(word, "Liberation Serif", "Liberation Serif")
    page(word, (215.9, 279.4), (19, 19, 19, 19))
    footer(word, "Lincoln Middle School · page")


TEMPLATES: dict[str, Callable[[WordDocument, Path], None]] = {
    "de-a4.docx": german_a4,
    "pt-letter.dotx": portuguese_letter,
    "ja-grid.docx": japanese_grid,
    "zh-gov.docx": chinese_government,
    "two-columns.docx": two_columns,
    "empty-sectpr.docx": empty_section,
    "a5-booklet.dotx": a5_booklet,
    "letter-classic.docx": letter_classic,
}
# Passed through LibreOffice: name -> the template it is made from.
CONVERTED = {"lo-two-columns.docx": "two-columns.docx", "lo-letter.docx": "letter-classic.docx"}


def make(name: str, out: Path, logo: Path) -> Path:
    word = docx.Document()
    TEMPLATES[name](word, logo)
    buffer = io.BytesIO()
    word.save(buffer)
    data = buffer.getvalue()
    if name.endswith(".dotx"):
        data = retype(data, DOCUMENT_TYPE, TEMPLATE_TYPE)
    path = out / name
    path.write_bytes(fixed_stamps(data))
    return path


def retype(data: bytes, old: bytes, new: bytes) -> bytes:
    """The package with its main part's content type changed (a .dotx is a .docx so marked)."""
    return rewrite(
        data,
        lambda name, content: (
            content.replace(old, new) if name == "[Content_Types].xml" else content
        ),
    )


def fixed_stamps(data: bytes) -> bytes:
    return rewrite(data, lambda name, content: content)


def rewrite(data: bytes, change: Callable[[str, bytes], bytes]) -> bytes:
    """The package rewritten entry by entry, every entry stamped with the same time."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, zipfile.ZipFile(out, "w") as target:
        for entry in source.infolist():
            info = zipfile.ZipInfo(entry.filename, STAMP)
            info.compress_type = zipfile.ZIP_DEFLATED
            target.writestr(info, change(entry.filename, source.read(entry)))
    return out.getvalue()


def convert(out: Path, soffice: str) -> list[Path]:
    """The ``lo-*`` templates: their sources opened and saved again by LibreOffice, in one call."""
    with tempfile.TemporaryDirectory() as folder:
        work = Path(folder)
        sources = []
        for target, source in CONVERTED.items():
            sources.append(work / target)
            shutil.copy(out / source, sources[-1])
        subprocess.run(
            [
                soffice,
                f"-env:UserInstallation={(work / 'profile').as_uri()}",
                "--headless",
                "--convert-to",
                "docx:MS Word 2007 XML",
                "--outdir",
                str(work / "converted"),
                *map(str, sources),
            ],
            check=True,
            capture_output=True,
            timeout=300,
        )
        made = []
        for target in CONVERTED:
            made.append(out / target)
            made[-1].write_bytes(fixed_stamps((work / "converted" / target).read_bytes()))
        return made


def main(out: Path, *, office: bool = True) -> list[Path]:
    """Make every template in *out*; the ``lo-*`` ones only with *office* and LibreOffice."""
    out.mkdir(parents=True, exist_ok=True)
    logo = make_logo(out / "logo.png", (0x1F, 0x3A, 0x5F))
    made = [make(name, out, logo) for name in TEMPLATES]
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if office and soffice:
        made += convert(out, soffice)
    elif office:
        print("soffice not found: the lo-* templates were not made again", file=sys.stderr)
    return made


if __name__ == "__main__":
    for path in main(Path(sys.argv[1]) if len(sys.argv) > 1 else HERE):
        print(path)
