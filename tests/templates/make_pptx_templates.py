"""Make the corpus of PowerPoint templates the deck tests run against.

Real templates are not the tidy English 4:3 file python-pptx ships: their layouts are named in
German or Japanese, come in any order, carry dark masters, coloured bands and corner logos, lack
parts (a notes master, an ``idx``, the slide size) and bring example slides along. This script
builds such templates on purpose, one trait or a few per file, so every trait has a test file a
renderer must survive. See README.md next to it for what each file is and what a renderer must do.

Most files are made with python-pptx (its default template is only the skeleton: master, layouts
and theme are rewritten here) plus lxml edits; a few are saved as .pptx by LibreOffice headless,
in one call, from such a deck or from an Impress document written here as flat XML (.fodp),
because only LibreOffice writes the quirks of its own export (placeholders without ``idx``, a
master per layout used, its own English layout set, fonts on the master instead of the theme).

Run ``python tests/templates/make_pptx_templates.py`` to rewrite the files in this folder. The
output is byte-identical on every run: fixed dates and ids, zip entries with a fixed timestamp.
LibreOffice's output is identical only for the same LibreOffice version, which its files name in
docProps/app.xml. ``--no-libreoffice`` skips those files; ``--specimens DIR`` also writes, per
template, a deck with one slide per layout and every placeholder filled, to look at rendered.
"""

from __future__ import annotations

import argparse
import base64
import datetime as dt
import io
import re
import shutil
import struct
import subprocess
import sys
import tempfile
import zipfile
import zlib
from dataclasses import dataclass, field, replace
from pathlib import Path

from lxml import etree
from pptx import Presentation
from pptx.enum.shapes import PP_PLACEHOLDER
from pptx.opc.constants import CONTENT_TYPE as CT
from pptx.opc.constants import RELATIONSHIP_TYPE as RT
from pptx.opc.package import Part
from pptx.oxml import parse_xml
from pptx.parts.slide import SlideLayoutPart, SlideMasterPart
from pptx.util import Emu, Pt

HERE = Path(__file__).resolve().parent

NS = {
    "a": "http://schemas.openxmlformats.org/drawingml/2006/main",
    "p": "http://schemas.openxmlformats.org/presentationml/2006/main",
    "r": "http://schemas.openxmlformats.org/officeDocument/2006/relationships",
}
NSDECL = " ".join(f'xmlns:{k}="{v}"' for k, v in NS.items())
DECORATIVE = (
    '<a:extLst><a:ext uri="{C183D7F6-B498-43B3-948B-1728B52AA6E4}">'
    '<adec:decorative xmlns:adec="http://schemas.microsoft.com/office/drawing/2017/decorative"'
    ' val="1"/></a:ext></a:extLst>'
)
PPTX_MAIN = CT.PML_PRESENTATION_MAIN
POTX_MAIN = "application/vnd.openxmlformats-officedocument.presentationml.template.main+xml"
FIXED_TIME = dt.datetime(2026, 1, 5, 9, 0, 0)
ZIP_TIME = (2026, 1, 5, 9, 0, 0)
EMU_IN = 914400

# -- sizes (EMU) and the sldSz type PowerPoint writes for them --------------------------------
WIDE_16X9 = (12192000, 6858000, None)  # 13.333 x 7.5 in, PowerPoint's default since 2013
SCREEN_16X9 = (9144000, 5143500, "screen16x9")  # 10 x 5.625 in
SCREEN_4X3 = (9144000, 6858000, "screen4x3")  # 10 x 7.5 in
SCREEN_16X10 = (9144000, 5715000, "screen16x10")  # 10 x 6.25 in
A4_LANDSCAPE = (9906000, 6858000, "A4")  # 10.83 x 7.5 in, "A4 paper" in PowerPoint
A4_PORTRAIT = (6858000, 9906000, "A4")
LETTER = (9144000, 6858000, "letter")


# -- languages: layout names as the localised PowerPoint writes them, and prompt texts ----------
@dataclass(frozen=True)
class Language:
    """Names and prompts of one PowerPoint localisation."""

    tag: str
    names: dict[str, str]
    title_prompt: str
    text_prompt: str
    level2_prompt: str


LANGUAGES = {
    "en": Language(
        "en-US",
        {
            "title": "Title Slide",
            "obj": "Title and Content",
            "secHead": "Section Header",
            "twoObj": "Two Content",
            "twoTxTwoObj": "Comparison",
            "titleOnly": "Title Only",
            "blank": "Blank",
            "tx": "Title and Text",
        },
        "Click to edit Master title style",
        "Click to edit Master text styles",
        "Second level",
    ),
    "de": Language(
        "de-DE",
        {
            "title": "Titelfolie",
            "obj": "Titel und Inhalt",
            "secHead": "Abschnittsüberschrift",
            "twoObj": "Zwei Inhalte",
            "twoTxTwoObj": "Vergleich",
            "titleOnly": "Nur Titel",
            "blank": "Leer",
        },
        "Titelmasterformat durch Klicken bearbeiten",
        "Textmasterformat bearbeiten",
        "Zweite Ebene",
    ),
    "pt": Language(
        "pt-BR",
        {
            "title": "Slide de Título",
            "obj": "Título e Conteúdo",
            "secHead": "Cabeçalho da Seção",
            "twoObj": "Duas Partes de Conteúdo",
            "twoTxTwoObj": "Comparação",
            "titleOnly": "Somente Título",
            "blank": "Em branco",
        },
        "Clique para editar o título Mestre",
        "Clique para editar os estilos de texto Mestres",
        "Segundo nível",
    ),
    "ja": Language(
        "ja-JP",
        {
            "title": "タイトル スライド",
            "obj": "タイトルとコンテンツ",
            "secHead": "セクション見出し",
            "twoObj": "2 つのコンテンツ",
            "twoTxTwoObj": "比較",
            "titleOnly": "タイトルのみ",
            "blank": "白紙",
        },
        "マスター タイトルの書式設定",
        "マスター テキストの書式設定",
        "第 2 レベル",
    ),
    "zh": Language(
        "zh-CN",
        {
            "title": "标题幻灯片",
            "obj": "标题和内容",
            "secHead": "节标题",
            "twoObj": "两栏内容",
            "twoTxTwoObj": "比较",
            "titleOnly": "仅标题",
            "blank": "空白",
        },
        "单击此处编辑母版标题样式",
        "编辑母版文本样式",
        "第二级",
    ),
    "fr": Language(
        "fr-FR",
        {
            "title": "Diapositive de titre",
            "obj": "Titre et contenu",
            "secHead": "En-tête de section",
            "twoObj": "Deux contenus",
            "twoTxTwoObj": "Comparaison",
            "titleOnly": "Titre seul",
            "blank": "Vide",
        },
        "Modifiez le style du titre",
        "Modifier les styles du texte du masque",
        "Deuxième niveau",
    ),
}


# -- what one template is made of -------------------------------------------------------------
@dataclass(frozen=True)
class Palette:
    """A theme colour scheme: dk1 lt1 dk2 lt2 accent1-6 hlink folHlink, as RRGGBB."""

    name: str
    colors: tuple[str, ...]


LIGHT_BLUE = Palette(
    "Corporate Blue",
    ("1F2A36", "FFFFFF", "1B3A5C", "E8EEF4", "005A9C", "F39200", "6BA539", "8B1E3F", "00A3AD",
     "7F7F7F", "005A9C", "6A3D9A"),
)  # fmt: skip
NIGHT = Palette(
    "Night",
    ("141824", "F2F2F2", "232B3E", "D9DEE8", "4FC3F7", "FFB74D", "81C784", "E57373", "BA68C8",
     "90A4AE", "4FC3F7", "CE93D8"),
)  # fmt: skip
SCHOOL_GREEN = Palette(
    "Escola",
    ("12372A", "FBFADA", "436850", "ADBC9F", "2E8B57", "F4A300", "3C6E71", "D62828", "6C757D",
     "A7C957", "1D6FA3", "6A4C93"),
)  # fmt: skip
GOV_RED = Palette(
    "Gov Red",
    ("000000", "FFFFFF", "3A0000", "FFF5E6", "C00000", "D4A017", "7F7F7F", "2F5597", "548235",
     "BF9000", "0563C1", "954F72"),
)  # fmt: skip
INDIGO = Palette(
    "Indigo",
    ("202040", "FFFFFF", "2D2A6E", "EEEDF8", "4B3FBF", "E85D75", "2BB3A3", "F2B134", "6E6E8C",
     "A5A5C8", "4B3FBF", "8E44AD"),
)  # fmt: skip
SAND = Palette(
    "Sand",
    ("3B2F2F", "FFFDF7", "5C4033", "F3E9D2", "B5651D", "2A6F97", "8C9A3C", "A23E48", "6D6875",
     "C9ADA7", "2A6F97", "6D597A"),
)  # fmt: skip


@dataclass(frozen=True)
class Layout:
    """One slide layout: its OOXML type, shown name and placeholder arrangement."""

    kind: str  # title obj twoObj twoTxTwoObj secHead titleOnly blank tx, or cust:<arrangement>
    name: str  # as shown in PowerPoint's layout gallery
    title_height_pt: float | None = None  # an unusually short title box
    inherit: bool = False  # placeholders with an empty spPr: position comes from the master
    own_background: bool = False  # showMasterSp="0" and a full-bleed background of its own


@dataclass(frozen=True)
class Spec:
    """Everything that makes one template different from the others."""

    name: str
    language: str
    size: tuple[int, int, str | None]
    palette: Palette
    major: str
    minor: str
    layouts: tuple[Layout, ...]
    ea: tuple[str, str] = ("", "")  # East Asian major/minor fonts
    ext: str = "pptx"
    dark: str = ""  # "" (light), "clrmap" (bg1=dk1, tx1=lt1) or "fill" (dark fill, bg1 text)
    band: str = ""  # "", "left", "top" or "bottom": a coloured band on the master
    logo: str = ""  # "", "top-right", "top-left", "bottom-right"
    insets: str = "default"  # "default", "zero" or "large"
    footers: bool = True  # date, footer and slide-number placeholders on master and layouts
    notes: str = "none"  # "none", "full" (a notes master with a body) or "nobody"
    slides: int = 0  # example slides left in the file
    write_size: bool = True  # False: presentation.xml has no sldSz
    strip_idx: bool = False  # placeholders without idx, the way LibreOffice writes them
    tiny_body: bool = False  # content placeholders barely 0.9 in tall
    title_pt: int = 40
    body_pt: int = 24
    libreoffice: bool = False  # built here, then saved again by LibreOffice Impress as .pptx
    cover: tuple[Layout, ...] = ()  # layouts of a dark master put before the one with `layouts`


def _standard(lang: str, *kinds: str) -> tuple[Layout, ...]:
    """Layouts of *kinds* under the names PowerPoint in language *lang* gives them."""
    return tuple(Layout(k, LANGUAGES[lang].names[k]) for k in kinds)


SEVEN = ("title", "obj", "secHead", "twoObj", "twoTxTwoObj", "titleOnly", "blank")
SIX = ("title", "obj", "secHead", "twoObj", "titleOnly", "blank")

SPECS: tuple[Spec, ...] = (
    Spec(
        "de-corporate-16x9",
        "de",
        WIDE_16X9,
        LIGHT_BLUE,
        "Arial",
        "Arial",
        _standard("de", *SEVEN),
        band="left",
        logo="top-right",
        notes="full",
    ),
    Spec(
        "de-behoerde-4x3",
        "de",
        SCREEN_4X3,
        INDIGO,
        "Verdana",
        "Verdana",
        (Layout("title", "Titelfolie", title_height_pt=25), *_standard("de", *SIX[1:])),
        ext="potx",
        band="top",
        footers=False,
        title_pt=28,
        body_pt=20,
    ),
    Spec(
        "pt-escola-dark-16x9",
        "pt",
        SCREEN_16X9,
        SCHOOL_GREEN,
        "Georgia",
        "Verdana",
        _standard("pt", *SEVEN),
        dark="clrmap",
        band="bottom",
        logo="bottom-right",
        title_pt=32,
        body_pt=20,
    ),
    Spec(
        "ja-16x9",
        "ja",
        WIDE_16X9,
        LIGHT_BLUE,
        "Calibri Light",
        "Calibri",
        _standard("ja", *SEVEN),
        ea=("MS Gothic", "MS Gothic"),
        band="top",
        notes="full",
    ),
    Spec(
        "zh-gov-a4",
        "zh",
        A4_LANDSCAPE,
        GOV_RED,
        "Times New Roman",
        "Times New Roman",
        _standard("zh", *SIX),
        ea=("SimHei", "SimSun"),
        band="top",
        insets="large",
        footers=False,
        notes="nobody",
        title_pt=36,
        body_pt=22,
    ),
    Spec(
        "fr-universite-4x3",
        "fr",
        SCREEN_4X3,
        SAND,
        "Georgia",
        "Times New Roman",
        _standard("fr", *SEVEN),
        band="bottom",
        logo="top-left",
        notes="full",
        slides=2,
    ),
    Spec(
        "en-reordered-16x10",
        "en",
        SCREEN_16X10,
        LIGHT_BLUE,
        "Liberation Sans",
        "Liberation Sans",
        _standard("en", "obj", "twoObj", "secHead", "titleOnly", "blank", "title"),
        footers=False,
        title_pt=36,
    ),
    Spec(
        "en-misleading-names",
        "en",
        SCREEN_16X9,
        NIGHT,
        "DejaVu Sans",
        "DejaVu Sans",
        (
            Layout("title", "Content"),
            Layout("secHead", "Title and Content"),
            Layout("obj", "Section Header"),
            Layout("blank", "Two Content"),
            Layout("twoObj", "Title Only"),
            Layout("titleOnly", "Blank"),
        ),
        dark="fill",
        logo="top-right",
        title_pt=30,
        body_pt=18,
    ),
    Spec(
        "en-tx-content-letter",
        "en",
        LETTER,
        SAND,
        "Calibri Light",
        "Calibri",
        _standard("en", "title", "tx", "secHead", "blank"),
        band="left",
    ),
    Spec(
        "en-custom-layouts-16x9",
        "en",
        WIDE_16X9,
        INDIGO,
        "Calibri Light",
        "Calibri",
        (
            Layout("title", "Title Slide", own_background=True),
            Layout("cust:agenda", "Agenda"),
            Layout("obj", "Title and Content"),
            Layout("cust:quote", "Quote"),
            Layout("cust:picture", "Picture with Caption"),
            Layout("twoObj", "Two Content"),
            Layout("cust:statement", "Big Statement"),
            Layout("secHead", "Section Header"),
            Layout("titleOnly", "Title Only"),
            Layout("blank", "Blank"),
        ),
        insets="zero",
        logo="bottom-right",
    ),
    Spec(
        "en-no-sldsz",
        "en",
        SCREEN_4X3,
        LIGHT_BLUE,
        "Calibri",
        "Calibri",
        _standard("en", *SEVEN),
        write_size=False,
        notes="full",
    ),
    Spec(
        "en-minimal-4x3",
        "en",
        SCREEN_4X3,
        SAND,
        "Arial",
        "Arial",
        _standard("en", "title", "obj", "secHead", "blank"),
        footers=False,
        band="top",
    ),
    Spec(
        "en-tiny-body-16x9",
        "en",
        WIDE_16X9,
        SCHOOL_GREEN,
        "Verdana",
        "Verdana",
        _standard("en", *SIX),
        tiny_body=True,
        logo="top-right",
    ),
    Spec(
        "de-hochformat-a4",
        "de",
        A4_PORTRAIT,
        GOV_RED,
        "DejaVu Sans",
        "DejaVu Sans",
        _standard("de", *SIX),
        band="top",
        insets="large",
        notes="full",
        title_pt=32,
        body_pt=20,
    ),
    Spec(
        "en-dark-keynote-16x9",
        "en",
        WIDE_16X9,
        NIGHT,
        "Georgia",
        "Verdana",
        (
            Layout("title", "Title Slide"),
            Layout("obj", "Title and Content", inherit=True),
            *_standard("en", "secHead", "twoObj", "titleOnly", "blank"),
        ),
        dark="clrmap",
        insets="zero",
        logo="bottom-right",
    ),
    Spec(
        "en-no-idx-16x9",
        "en",
        SCREEN_16X9,
        INDIGO,
        "Liberation Sans",
        "Liberation Sans",
        _standard("en", *SEVEN),
        strip_idx=True,
        band="left",
    ),
    Spec(
        "en-sales-with-slides",
        "en",
        WIDE_16X9,
        LIGHT_BLUE,
        "Arial",
        "Arial",
        _standard("en", *SEVEN),
        band="bottom",
        logo="top-right",
        notes="nobody",
        slides=4,
    ),
    Spec(
        "en-two-masters-16x9",
        "en",
        WIDE_16X9,
        SCHOOL_GREEN,
        "Georgia",
        "Arial",
        _standard("en", "obj", "twoObj", "titleOnly", "blank"),
        cover=_standard("en", "title", "secHead"),
        band="top",
        logo="top-right",
    ),
    Spec(
        "lo-de-export-16x9",
        "de",
        WIDE_16X9,
        INDIGO,
        "Liberation Serif",
        "Liberation Sans",
        _standard("de", *SEVEN),
        band="left",
        logo="top-right",
        slides=2,
        libreoffice=True,
    ),
    Spec(
        "lo-ja-export-4x3",
        "ja",
        SCREEN_4X3,
        NIGHT,
        "Calibri Light",
        "Calibri",
        _standard("ja", *SIX),
        ea=("SimHei", "SimSun"),
        dark="clrmap",
        band="bottom",
        slides=2,
        libreoffice=True,
    ),
)


# -- a tiny logo, drawn here so the corpus needs no image files ---------------------------------
def logo_png(rgb: str, size: int = 48) -> bytes:
    """A square PNG: a filled ring in *rgb* on transparent ground, about 1 KB."""
    r, g, b = (int(rgb[i : i + 2], 16) for i in (0, 2, 4))
    rows = []
    c = (size - 1) / 2
    for y in range(size):
        row = bytearray([0])
        for x in range(size):
            d = ((x - c) ** 2 + (y - c) ** 2) ** 0.5
            inside = d <= c or (abs(x - c) < size / 8 and abs(y - c) < size / 2.6)
            hole = size / 5 < d < size / 3.2
            row += bytes((r, g, b, 255)) if inside and not hole else bytes((0, 0, 0, 0))
        rows.append(bytes(row))

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    header = struct.pack(">IIBBBBB", size, size, 8, 6, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(b"".join(rows), 9))
        + chunk(b"IEND", b"")
    )


# -- geometry ---------------------------------------------------------------------------------
Box = tuple[int, int, int, int]


@dataclass(frozen=True)
class Frame:
    """Where a master puts things: title, body and footer boxes, band and logo."""

    title: Box
    body: Box
    footer_y: int
    footer_h: int
    margin: int
    left: int
    band: Box | None
    logo: Box | None


def frame(spec: Spec) -> Frame:
    """The master's boxes for *spec*: the body always stays clear of the band and the logo."""
    w, h, _ = spec.size
    m = round(min(w, h) * 0.06)
    left, right = m, w - m
    band = None
    title_y, title_h = m, round(h * 0.15)
    footer_h = round(h * 0.055)
    footer_y = h - m // 2 - footer_h
    if spec.band == "left":
        bw = round(w * 0.035)
        band = (0, 0, bw, h)
        left = bw + m
    elif spec.band == "top":
        bh = round(h * 0.17)
        band = (0, 0, w, bh)
        title_y, title_h = round(bh * 0.12), round(bh * 0.76)
    elif spec.band == "bottom":
        bh = round(h * 0.09)
        band = (0, h - bh, w, bh)
        footer_y = h - bh + (bh - footer_h) // 2
    logo = None
    side = round(min(w, h) * 0.09)
    if spec.logo == "top-right":
        logo = (w - m // 2 - side, m // 2, side, side)
        right = logo[0] - m // 3
    elif spec.logo == "top-left":
        logo = (m // 2, m // 2, side, side)
        left = max(left, logo[0] + side + m // 3)
    elif spec.logo == "bottom-right":
        logo = (w - m // 2 - side, h - m // 2 - side, side, side)
    title = (left, title_y, right - left, title_h)
    body_y = title_y + title_h + round(h * 0.03)
    body_bottom = (band[1] if spec.band == "bottom" else footer_y) - round(h * 0.02)
    if spec.logo == "bottom-right":
        body_bottom = min(body_bottom, logo[1] - round(h * 0.01))
    body_w = w - m - left
    body = (left, body_y, body_w, body_bottom - body_y)
    return Frame(title, body, footer_y, footer_h, m, left, band, logo)


# -- XML snippets -----------------------------------------------------------------------------
def _geometry(box: Box) -> str:
    """Position, size and a rectangle outline, the start of a shape's spPr."""
    x, y, cx, cy = box
    return (
        f'<a:xfrm><a:off x="{x}" y="{y}"/><a:ext cx="{cx}" cy="{cy}"/></a:xfrm>'
        '<a:prstGeom prst="rect"><a:avLst/></a:prstGeom>'
    )


def _insets(spec: Spec) -> str:
    """bodyPr inset attributes: none (PowerPoint's 0.1/0.05 in defaults), zero or large."""
    if spec.insets == "zero":
        return ' lIns="0" tIns="0" rIns="0" bIns="0"'
    if spec.insets == "large":
        return ' lIns="365760" tIns="274320" rIns="365760" bIns="274320"'
    return ""


def _paras(lang: Language, kind: str) -> str:
    """The localised prompt paragraphs PowerPoint shows in an empty placeholder of *kind*."""
    if kind in ("title", "ctrTitle"):
        texts = [(0, lang.title_prompt)]
    elif kind in ("body", "obj", "subTitle"):
        texts = [(0, lang.text_prompt)] + ([(1, lang.level2_prompt)] if kind != "subTitle" else [])
    else:
        texts = []
    if not texts:
        return "<a:p><a:endParaRPr/></a:p>"
    return "".join(
        f'<a:p><a:pPr lvl="{lvl}"/><a:r><a:rPr lang="{lang.tag}"/><a:t>{t}</a:t></a:r></a:p>'
        if lvl
        else f'<a:p><a:r><a:rPr lang="{lang.tag}"/><a:t>{t}</a:t></a:r></a:p>'
        for lvl, t in texts
    )


@dataclass
class Shapes:
    """Collects one spTree's shapes with running ids."""

    lang: Language
    spec: Spec
    parts: list[str] = field(default_factory=list)
    next_id: int = 2

    def _id(self) -> int:
        self.next_id += 1
        return self.next_id - 1

    def ph(
        self,
        ph_type: str | None,
        idx: int | None,
        box: Box | None,
        *,
        name: str,
        sz: str | None = None,
        anchor: str | None = None,
        algn: str | None = None,
        size_pt: int | None = None,
        prompt: str | None = None,
        color: str | None = None,
        plain: bool = False,
        font: str | None = None,
    ) -> None:
        """A placeholder; *prompt* is the kind of prompt text to show (title/body/none).

        A *plain* placeholder (and every subtitle-like one) drops the master's bullets and
        indent, as PowerPoint's own layouts do for subtitles, captions and quotes.
        """
        attrs = "".join(
            f' {k}="{v}"' for k, v in (("type", ph_type), ("sz", sz), ("idx", idx)) if v is not None
        )
        body = f"<a:bodyPr{_insets(self.spec)}"
        body += f' anchor="{anchor}"' if anchor else ""
        body += "/>"
        lst = ""
        plain = plain or prompt == "subTitle"
        if algn or size_pt or color or plain or font:
            size = f' sz="{size_pt * 100}"' if size_pt else ""
            props = (_solid(color) if color else "") + (
                f'<a:latin typeface="{font}"/>' if font else ""
            )
            align = f' algn="{algn}"' if algn else ""
            indent = ' marL="0" indent="0"' if plain else ""
            bullet = "<a:buNone/>" if plain else ""
            lst = (
                f"<a:lvl1pPr{indent}{align}>{bullet}<a:defRPr{size}>{props}</a:defRPr></a:lvl1pPr>"
            )
        self.parts.append(
            f'<p:sp><p:nvSpPr><p:cNvPr id="{self._id()}" name="{name}"/>'
            '<p:cNvSpPr><a:spLocks noGrp="1"/></p:cNvSpPr>'
            f"<p:nvPr><p:ph{attrs}/></p:nvPr></p:nvSpPr>"
            f"{f'<p:spPr>{_geometry(box)}</p:spPr>' if box else '<p:spPr/>'}"
            f"<p:txBody>{body}<a:lstStyle>{lst}</a:lstStyle>"
            f"{_paras(self.lang, prompt or (ph_type or 'obj'))}</p:txBody></p:sp>"
        )

    def rect(self, box: Box, fill: str, name: str) -> None:
        """A decorative filled rectangle (marked decorative, as PowerPoint 365 does)."""
        self.parts.append(
            f'<p:sp><p:nvSpPr><p:cNvPr id="{self._id()}" name="{name}">{DECORATIVE}</p:cNvPr>'
            f'<p:cNvSpPr/><p:nvPr userDrawn="1"/></p:nvSpPr><p:spPr>{_geometry(box)}'
            f"{fill}<a:ln><a:noFill/></a:ln></p:spPr>"
            '<p:txBody><a:bodyPr rtlCol="0" anchor="ctr"/><a:lstStyle/><a:p><a:endParaRPr/></a:p>'
            "</p:txBody></p:sp>"
        )

    def picture(self, box: Box, rid: str) -> None:
        """The logo picture, drawn by the master on every slide."""
        self.parts.append(
            f'<p:pic><p:nvPicPr><p:cNvPr id="{self._id()}" name="Logo" descr="Logo"/>'
            '<p:cNvPicPr><a:picLocks noChangeAspect="1"/></p:cNvPicPr><p:nvPr userDrawn="1"/>'
            f'</p:nvPicPr><p:blipFill><a:blip r:embed="{rid}"/><a:stretch><a:fillRect/></a:stretch>'
            f"</p:blipFill><p:spPr>{_geometry(box)}</p:spPr></p:pic>"
        )

    def tree(self) -> str:
        """The spTree holding every shape added so far."""
        return (
            '<p:spTree><p:nvGrpSpPr><p:cNvPr id="1" name=""/><p:cNvGrpSpPr/><p:nvPr/></p:nvGrpSpPr>'
            '<p:grpSpPr><a:xfrm><a:off x="0" y="0"/><a:ext cx="0" cy="0"/><a:chOff x="0" y="0"/>'
            f'<a:chExt cx="0" cy="0"/></a:xfrm></p:grpSpPr>{"".join(self.parts)}</p:spTree>'
        )


def _solid(color: str) -> str:
    """A solid fill: RRGGBB, or a scheme colour name such as ``accent1`` or ``bg1``."""
    if len(color) == 6:
        return f'<a:solidFill><a:srgbClr val="{color}"/></a:solidFill>'
    return f'<a:solidFill><a:schemeClr val="{color}"/></a:solidFill>'


def _footers(
    shapes: Shapes, spec: Spec, f: Frame, idx: tuple[int, int, int], *, on_color: bool = False
) -> None:
    """Date, footer and slide number along the bottom, left of a bottom-right logo.

    Their text is light on a dark fill, on a coloured bottom band or when *on_color*; their
    font is the theme's minor font, named so that LibreOffice does not fall back to a serif.
    """
    w = spec.size[0]
    fw = round((w - 2 * f.margin) * 0.28)
    y, h = f.footer_y, f.footer_h
    light = on_color or spec.dark == "fill" or (spec.band == "bottom" and spec.dark != "clrmap")
    color = "bg1" if light else None
    shapes.ph(
        "dt",
        idx[0],
        (f.left, y, fw, h),
        name="Date Placeholder",
        sz="half",
        size_pt=12,
        color=color,
        font="+mn-lt",
    )
    shapes.ph(
        "ftr",
        idx[1],
        ((w - round(w * 0.36)) // 2, y, round(w * 0.36), h),
        name="Footer Placeholder",
        sz="quarter",
        algn="ctr",
        size_pt=12,
        color=color,
        font="+mn-lt",
    )
    right = w - f.margin
    if f.logo and spec.logo == "bottom-right":
        right = f.logo[0] - f.margin // 3
    shapes.ph(
        "sldNum",
        idx[2],
        (right - fw // 2, y, fw // 2, h),
        name="Slide Number Placeholder",
        sz="quarter",
        algn="r",
        size_pt=12,
        color=color,
        font="+mn-lt",
    )


def _level(n: int, size_pt: int, font: str, color: str, bullet: bool) -> str:
    """Text style of outline level *n* + 1: theme font (*font* is ``+mj`` or ``+mn``), colour."""
    mar = 0 if not bullet else 228600 + n * 457200
    ind = "" if not bullet else ' indent="-228600"'
    bu = '<a:buFont typeface="Arial"/><a:buChar char="•"/>' if bullet else "<a:buNone/>"
    sz = max(size_pt - 2 * n, 12) * 100
    return (
        f'<a:lvl{n + 1}pPr marL="{mar}"{ind} algn="l" defTabSz="914400" rtl="0" eaLnBrk="1"'
        f' latinLnBrk="0" hangingPunct="1"><a:lnSpc><a:spcPct val="90000"/></a:lnSpc>'
        f'<a:spcBef><a:spcPts val="{1000 if bullet else 0}"/></a:spcBef>{bu}'
        f'<a:defRPr sz="{sz}" kern="1200">{_solid(color)}<a:latin typeface="{font}-lt"/>'
        f'<a:ea typeface="{font}-ea"/><a:cs typeface="{font}-cs"/></a:defRPr></a:lvl{n + 1}pPr>'
    )


def master_xml(spec: Spec, logo_rid: str | None) -> str:
    """The slide master: background, band, logo, placeholders and text styles."""
    lang = LANGUAGES[spec.language]
    f = frame(spec)
    s = Shapes(lang, spec)
    if spec.band:
        s.rect(f.band, _solid("accent1"), "Band")
        if spec.band == "top":
            x, y, cx, cy = f.band
            s.rect((x, y + cy, cx, round(cy * 0.06)), _solid("accent2"), "Band Line")
    if f.logo and logo_rid:
        s.picture(f.logo, logo_rid)
    s.ph("title", None, f.title, name="Title Placeholder 1", anchor="ctr" if spec.band else "b")
    s.ph("body", 1, f.body, name="Text Placeholder 2", prompt="body")
    if spec.footers:
        _footers(s, spec, f, (2, 3, 4))
    if spec.dark == "fill":
        bg = f"<p:bg><p:bgPr>{_solid(spec.palette.colors[0])}<a:effectLst/></p:bgPr></p:bg>"
    else:
        bg = f"<p:bg><p:bgPr>{_solid('bg1')}<a:effectLst/></p:bgPr></p:bg>"
    text = "bg1" if spec.dark == "fill" else "tx1"
    title_color = "bg1" if spec.band == "top" else "tx2"
    if spec.dark == "fill":
        title_color = "accent1"
    clrmap = (
        'bg1="dk1" tx1="lt1" bg2="dk2" tx2="lt2"'
        if spec.dark == "clrmap"
        else 'bg1="lt1" tx1="dk1" bg2="lt2" tx2="dk2"'
    )
    body_levels = "".join(_level(n, spec.body_pt, "+mn", text, True) for n in range(5))
    other = "".join(_level(n, 18, "+mn", "tx1", False) for n in range(1))
    return (
        f'<p:sldMaster {NSDECL}><p:cSld name="{spec.palette.name}">{bg}{s.tree()}</p:cSld>'
        f'<p:clrMap {clrmap} accent1="accent1" accent2="accent2" accent3="accent3"'
        ' accent4="accent4" accent5="accent5" accent6="accent6" hlink="hlink" folHlink="folHlink"/>'
        "<p:sldLayoutIdLst/>"
        "<p:txStyles>"
        f"<p:titleStyle>{_level(0, spec.title_pt, '+mj', title_color, False)}</p:titleStyle>"
        f"<p:bodyStyle>{body_levels}</p:bodyStyle>"
        f"<p:otherStyle>{other}</p:otherStyle>"
        "</p:txStyles></p:sldMaster>"
    )


def layout_xml(spec: Spec, layout: Layout) -> str:
    """One layout's XML, its boxes derived from the master's frame."""
    lang = LANGUAGES[spec.language]
    f = frame(spec)
    w, h, _ = spec.size
    s = Shapes(lang, spec)
    bx, by, bw, bh = f.body
    if spec.tiny_body:
        bh = round(EMU_IN * 0.9)
    gap = round(w * 0.02)
    half = (bw - gap) // 2
    kind, _, arrangement = layout.kind.partition(":")
    attrs = f' type="{kind}" preserve="1"' if kind != "cust" else ' preserve="1" userDrawn="1"'
    bg = ""
    # titles away from a top band, or on a layout's own coloured ground, need their own colour
    accent = "tx2" if spec.band == "top" else None
    if layout.own_background:
        attrs += ' showMasterSp="0"'
        bg = f"<p:bg><p:bgPr>{_solid('accent1')}<a:effectLst/></p:bgPr></p:bg>"
        s.rect((0, round(h * 0.8), w, round(h * 0.2)), _solid("tx2"), "Cover Band")
        accent = "bg1"

    def short(box: Box) -> Box:
        """The box with the layout's unusually short title height, if it has one."""
        if not layout.title_height_pt:
            return box
        return (*box[:3], int(Pt(layout.title_height_pt)))

    def title() -> None:
        box = None if layout.inherit else short(f.title)
        s.ph("title", None, box, name="Title 1")

    def content(ph_type: str | None, idx: int, box: Box, name: str, **kw) -> None:
        s.ph(ph_type, idx, None if layout.inherit else box, name=name, prompt="body", **kw)

    big = round(spec.title_pt * 1.25)
    if kind == "title":
        top = round(h * (0.34 if spec.band == "top" else 0.30))
        ctr = dict(algn="ctr", color=accent)
        s.ph(
            "ctrTitle",
            None,
            short((bx, top, bw, round(h * 0.22))),
            name="Title 1",
            anchor="b",
            size_pt=big,
            prompt="title",
            **ctr,
        )
        s.ph(
            "subTitle",
            1,
            (bx, top + round(h * 0.25), bw, round(h * 0.15)),
            name="Subtitle 2",
            prompt="subTitle",
            **ctr,
        )
    elif kind in ("obj", "tx"):
        title()
        content("body" if kind == "tx" else None, 1, (bx, by, bw, bh), "Content Placeholder 2")
    elif kind == "twoObj":
        title()
        content(None, 1, (bx, by, half, bh), "Content Placeholder 2", sz="half")
        content(None, 2, (bx + half + gap, by, half, bh), "Content Placeholder 3", sz="half")
    elif kind == "twoTxTwoObj":
        title()
        head = round(h * 0.08)
        for n, x in enumerate((bx, bx + half + gap)):
            s.ph(
                "body",
                1 + 2 * n,
                (x, by, half, head),
                name=f"Text Placeholder {2 + 2 * n}",
                sz="quarter",
                anchor="b",
                prompt="subTitle",
            )
            content(
                None,
                2 + 2 * n,
                (x, by + head, half, bh - head),
                f"Content Placeholder {3 + 2 * n}",
                sz="quarter",
            )
    elif kind == "secHead":
        s.ph(
            "title",
            None,
            (bx, round(h * 0.36), bw, round(h * 0.22)),
            name="Title 1",
            anchor="b",
            size_pt=big,
            prompt="title",
            color=accent,
        )
        s.ph(
            "body",
            1,
            (bx, round(h * 0.60), bw, round(h * 0.12)),
            name="Text Placeholder 2",
            prompt="subTitle",
        )
    elif kind == "titleOnly":
        title()
    elif arrangement == "agenda":
        title()
        content("body", 13, (bx + bw // 4, by, bw // 2, bh), "Agenda Items")
    elif arrangement == "quote":
        s.ph(
            "body",
            13,
            (bx + bw // 8, round(h * 0.25), bw * 3 // 4, round(h * 0.35)),
            name="Quote",
            anchor="ctr",
            algn="ctr",
            size_pt=spec.title_pt - 4,
            prompt="body",
            plain=True,
        )
        s.ph(
            "body",
            14,
            (bx + bw // 8, round(h * 0.62), bw * 3 // 4, round(h * 0.08)),
            name="Source",
            algn="r",
            prompt="subTitle",
        )
    elif arrangement == "picture":
        s.ph(
            "title",
            None,
            (bx, by, bw // 3, round(h * 0.15)),
            name="Title 1",
            anchor="b",
            size_pt=spec.title_pt // 2 + 4,
        )
        s.ph(
            "pic",
            1,
            (bx + bw // 3 + gap, f.title[1], bw * 2 // 3 - gap, by + bh - f.title[1]),
            name="Picture Placeholder 2",
            prompt="none",
        )
        s.ph(
            "body",
            2,
            (bx, by + round(h * 0.17), bw // 3, bh - round(h * 0.17)),
            name="Text Placeholder 3",
            prompt="subTitle",
        )
    elif arrangement == "statement":
        s.ph(
            "title",
            None,
            (bx, round(h * 0.2), bw, round(h * 0.6)),
            name="Title 1",
            anchor="ctr",
            algn="ctr",
            size_pt=spec.title_pt + 12,
            prompt="title",
            color=accent,
        )
    elif kind != "blank":
        raise ValueError(f"unknown layout kind {layout.kind!r}")
    if spec.footers:
        _footers(s, spec, f, (10, 11, 12), on_color=layout.own_background)
    return (
        f'<p:sldLayout {NSDECL}{attrs}><p:cSld name="{layout.name}">{bg}{s.tree()}</p:cSld>'
        "<p:clrMapOvr><a:masterClrMapping/></p:clrMapOvr></p:sldLayout>"
    )


def theme_xml(blob: bytes, spec: Spec) -> bytes:
    """The python-pptx default theme with *spec*'s colours, fonts and name."""
    root = etree.fromstring(blob)
    root.set("name", f"{spec.palette.name} Theme")
    scheme = root.find(".//a:clrScheme", NS)
    scheme.set("name", spec.palette.name)
    tags = ("dk1", "lt1", "dk2", "lt2", *(f"accent{i}" for i in range(1, 7)), "hlink", "folHlink")
    for tag, color in zip(tags, spec.palette.colors, strict=True):
        slot = scheme.find(f"a:{tag}", NS)
        for child in list(slot):
            slot.remove(child)
        etree.SubElement(slot, f"{{{NS['a']}}}srgbClr", val=color)
    fonts = root.find(".//a:fontScheme", NS)
    fonts.set("name", f"{spec.major} / {spec.minor}")
    for which, latin, ea in (
        ("majorFont", spec.major, spec.ea[0]),
        ("minorFont", spec.minor, spec.ea[1]),
    ):
        node = fonts.find(f"a:{which}", NS)
        node.find("a:latin", NS).set("typeface", latin)
        node.find("a:ea", NS).set("typeface", ea)
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)


# -- building one template --------------------------------------------------------------------
SAMPLE_SLIDES = {
    "en": ("Quarterly review", "Agenda", ["Results", "Outlook", "Questions"]),
    "de": ("Quartalsbericht", "Tagesordnung", ["Ergebnisse", "Ausblick", "Fragen"]),
    "pt": ("Reunião de pais", "Pauta", ["Resultados", "Próximos passos", "Perguntas"]),
    "ja": ("四半期レビュー", "議題", ["結果", "見通し", "質疑応答"]),
    "zh": ("工作汇报", "议程", ["成果", "计划", "问题"]),
    "fr": ("Cours magistral", "Plan du cours", ["Introduction", "Méthodes", "Questions"]),
}


def _layout_by_kind(prs, kind: str):
    """The first master's first layout of type *kind*."""
    for layout in prs.slide_layouts:
        if layout._element.get("type") == kind:
            return layout
    raise LookupError(kind)


def _add_example_slides(prs, spec: Spec) -> None:
    """A title slide and ``spec.slides - 1`` content slides with notes, as templates ship."""
    title, heading, items = SAMPLE_SLIDES[spec.language]
    slide = prs.slides.add_slide(_layout_by_kind(prs, "title"))
    slide.shapes.title.text = title
    slide.placeholders[1].text = "2026"
    for n in range(1, spec.slides):
        slide = prs.slides.add_slide(_layout_by_kind(prs, "obj"))
        slide.shapes.title.text = f"{heading} {n}"
        slide.placeholders[1].text_frame.text = items[0]
        for item in items[1:]:
            slide.placeholders[1].text_frame.add_paragraph().text = item
        slide.notes_slide.notes_text_frame.text = f"{heading}: {', '.join(items)}"


MASTER_ID = 2147483648  # the lowest id PowerPoint gives masters and layouts


def _fill_master(mpart, spec: Spec, layouts: tuple[Layout, ...], master_id: int) -> int:
    """Write *spec*'s master and *layouts* into master part *mpart*; return the next free id."""
    package = mpart.package
    logo_rid = None
    if spec.logo:
        _, logo_rid = mpart.get_or_add_image_part(io.BytesIO(logo_png(spec.palette.colors[5])))
    _replace_content(mpart._element, _parse(master_xml(spec, logo_rid)))
    id_list = mpart._element.find("p:sldLayoutIdLst", NS)
    for layout_id, layout in enumerate(layouts, start=master_id + 1):
        partname = package.next_partname("/ppt/slideLayouts/slideLayout%d.xml")
        element = _parse(layout_xml(spec, layout))
        part = SlideLayoutPart(partname, CT.PML_SLIDE_LAYOUT, package, element)
        part.relate_to(mpart, RT.SLIDE_MASTER)
        rid = mpart.relate_to(part, RT.SLIDE_LAYOUT)
        etree.SubElement(
            id_list, f"{{{NS['p']}}}sldLayoutId", {"id": str(layout_id), f"{{{NS['r']}}}id": rid}
        )
    return master_id + len(layouts) + 1


def _add_cover_master(prs, spec: Spec, master_id: int) -> None:
    """Put a dark master holding *spec*'s cover layouts first, with a theme of its own."""
    cover = replace(spec, dark="fill", band="", footers=False)
    package = prs.part.package
    main_theme = prs.slide_masters[0].part.part_related_by(RT.THEME)
    theme = Part(
        package.next_partname("/ppt/theme/theme%d.xml"),
        CT.OFC_THEME,
        package,
        theme_xml(main_theme.blob, cover),
    )
    partname = package.next_partname("/ppt/slideMasters/slideMaster%d.xml")
    mpart = SlideMasterPart(partname, CT.PML_SLIDE_MASTER, package, _parse(master_xml(cover, None)))
    mpart.relate_to(theme, RT.THEME)
    rid = prs.part.relate_to(mpart, RT.SLIDE_MASTER)
    _fill_master(mpart, cover, spec.cover, master_id)
    masters = prs._element.find("p:sldMasterIdLst", NS)
    entry = etree.Element(
        f"{{{NS['p']}}}sldMasterId", {"id": str(master_id), f"{{{NS['r']}}}id": rid}
    )
    masters.insert(0, entry)


def build_template(spec: Spec) -> bytes:
    """The bytes of the template *spec* describes."""
    prs = Presentation()
    master = prs.slide_masters[0]
    mpart = master.part
    w, h, size_type = spec.size
    prs.slide_width, prs.slide_height = Emu(w), Emu(h)
    sld_sz = prs._element.find("p:sldSz", NS)
    if size_type:
        sld_sz.set("type", size_type)
    else:
        sld_sz.attrib.pop("type", None)

    theme = mpart.part_related_by(RT.THEME)
    theme._blob = theme_xml(theme.blob, spec)
    for rid, rel in list(mpart.rels.items()):
        if rel.reltype == RT.SLIDE_LAYOUT:
            mpart.rels.pop(rid)
    next_id = _fill_master(mpart, spec, spec.layouts, MASTER_ID)
    if spec.cover:
        _add_cover_master(prs, spec, next_id)

    if spec.slides:
        _add_example_slides(prs, spec)
    if spec.notes in ("full", "nobody"):
        notes_master = prs.notes_master
        if spec.notes == "nobody":
            for shape in list(notes_master.placeholders):
                if shape.placeholder_format.type == PP_PLACEHOLDER.BODY:
                    shape._element.getparent().remove(shape._element)
    if spec.strip_idx:
        for part in [mpart, *(layout.part for layout in master.slide_layouts)]:
            for ph in part._element.iter(f"{{{NS['p']}}}ph"):
                ph.attrib.pop("idx", None)
    if not spec.write_size:
        prs._element.remove(prs._element.find("p:sldSz", NS))

    core = prs.core_properties
    core.title = spec.name
    core.author = "Lectern test corpus"
    core.last_modified_by = "Lectern test corpus"
    core.comments = ""
    core.revision = 1
    core.created = FIXED_TIME
    core.modified = FIXED_TIME
    out = io.BytesIO()
    prs.save(out)
    return normalise_zip(out.getvalue(), template=spec.ext == "potx")


def _replace_content(old, new) -> None:
    """Give element *old* the children of *new*; python-pptx keeps proxies on *old*."""
    for child in list(old):
        old.remove(child)
    old.extend(list(new))


def _parse(xml: str):
    """An element of python-pptx's own classes, so its proxies work on it."""
    return parse_xml(xml.encode("utf-8"))


# -- byte-stable packages ---------------------------------------------------------------------
DROP_PARTS = ("docProps/thumbnail.jpeg",)


def normalise_zip(data: bytes, *, template: bool = False) -> bytes:
    """Re-pack *data* with fixed entry times and without a thumbnail, so bytes never drift.

    Also rewrites the dates LibreOffice stamps into docProps, and with *template* marks the
    main part as a template (.potx), which is the only difference PowerPoint makes.
    """
    src = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    stamp = FIXED_TIME.strftime("%Y-%m-%dT%H:%M:%SZ")
    with zipfile.ZipFile(out, "w") as dst:
        for info in src.infolist():
            if info.filename in DROP_PARTS:
                continue
            blob = src.read(info.filename)
            if info.filename == "[Content_Types].xml" and template:
                blob = blob.replace(PPTX_MAIN.encode(), POTX_MAIN.encode())
            if info.filename == "_rels/.rels":
                blob = re.sub(rb'<Relationship [^>]*Target="docProps/thumbnail.jpeg"/>', b"", blob)
            if info.filename == "docProps/core.xml":
                blob = re.sub(
                    rb"(<dcterms:(created|modified)[^>]*>)[^<]*",
                    lambda m: m.group(1) + stamp.encode(),
                    blob,
                )
            if info.filename == "docProps/app.xml":
                blob = re.sub(rb"<TotalTime>\d+</TotalTime>", b"<TotalTime>0</TotalTime>", blob)
            if info.filename.endswith(".xml"):
                blob = _number_fields(blob)
            entry = zipfile.ZipInfo(info.filename, ZIP_TIME)
            entry.compress_type = zipfile.ZIP_DEFLATED
            entry.create_system = 0
            entry.external_attr = 0
            dst.writestr(entry, blob)
    return out.getvalue()


def open_template(path: Path):
    """Open a .pptx or .potx with python-pptx, which refuses the template content type."""
    data = path.read_bytes()
    src = zipfile.ZipFile(io.BytesIO(data))
    types = src.read("[Content_Types].xml")
    if POTX_MAIN.encode() in types:
        out = io.BytesIO()
        with zipfile.ZipFile(out, "w") as dst:
            for info in src.infolist():
                blob = src.read(info.filename)
                if info.filename == "[Content_Types].xml":
                    blob = blob.replace(POTX_MAIN.encode(), PPTX_MAIN.encode())
                dst.writestr(info, blob)
        data = out.getvalue()
    return Presentation(io.BytesIO(data))


FOOTERS = (PP_PLACEHOLDER.DATE, PP_PLACEHOLDER.FOOTER, PP_PLACEHOLDER.SLIDE_NUMBER)
TITLES = (PP_PLACEHOLDER.TITLE, PP_PLACEHOLDER.CENTER_TITLE)


def specimen(path: Path) -> bytes:
    """A deck of the template at *path* with one slide per layout, every placeholder filled.

    Titles name the layout and its type; other placeholders their type and idx; content
    placeholders get a short two-level list; footers are copied from the layout, which
    python-pptx does not do by itself.
    """
    prs = open_template(path)
    for master in prs.slide_masters:
        for layout in master.slide_layouts:
            slide = prs.slides.add_slide(layout)
            for shape in layout.placeholders:
                if shape.placeholder_format.type in FOOTERS:
                    slide.shapes.clone_placeholder(shape)
            kind = layout._element.get("type", "cust")
            for shape in slide.placeholders:
                ph = shape.placeholder_format
                if ph.type == PP_PLACEHOLDER.PICTURE:
                    continue
                frame = shape.text_frame
                frame.text = (
                    f"{layout.name} ({kind})"
                    if ph.type in TITLES
                    else f"{ph.type.name.lower()} {ph.idx}"
                )
                if ph.type == PP_PLACEHOLDER.OBJECT or (
                    ph.type == PP_PLACEHOLDER.BODY and kind == "tx"
                ):
                    for lvl, text in ((0, "A first point"), (1, "with a detail"), (0, "A second")):
                        para = frame.add_paragraph()
                        para.text, para.level = text, lvl
    out = io.BytesIO()
    prs.save(out)
    return out.getvalue()


def _number_fields(blob: bytes) -> bytes:
    """Replace the random GUIDs LibreOffice gives text fields by numbered ones."""
    count = iter(range(1, 1_000_000))
    return re.sub(
        rb'<a:fld id="\{[0-9A-Fa-f-]{36}\}"',
        lambda _: b'<a:fld id="{00000000-0000-4000-8000-%012d}"' % next(count),
        blob,
    )


# -- a template made in LibreOffice Impress itself ----------------------------------------------
ODF_NS = {
    "office": "urn:oasis:names:tc:opendocument:xmlns:office:1.0",
    "style": "urn:oasis:names:tc:opendocument:xmlns:style:1.0",
    "text": "urn:oasis:names:tc:opendocument:xmlns:text:1.0",
    "draw": "urn:oasis:names:tc:opendocument:xmlns:drawing:1.0",
    "fo": "urn:oasis:names:tc:opendocument:xmlns:xsl-fo-compatible:1.0",
    "svg": "urn:oasis:names:tc:opendocument:xmlns:svg-compatible:1.0",
    "presentation": "urn:oasis:names:tc:opendocument:xmlns:presentation:1.0",
    "meta": "urn:oasis:names:tc:opendocument:xmlns:meta:1.0",
    "dc": "http://purl.org/dc/elements/1.1/",
}


def _frame(
    cls: str, style: str, box: tuple[float, float, float, float], text: str = "", span: str = ""
) -> str:
    """A presentation frame at *box* (x, y, width, height in cm) holding *text*, a line a paragraph.

    Outline lines are list items, as Impress writes them; *span* names a text style applied
    directly to the text (Impress's way of recording a local colour or size).
    """
    x, y, w, h = box
    lines = [
        f'<text:span text:style-name="{span}">{t}</text:span>' if span else t
        for t in text.split("\n")
        if t
    ]
    paras = "".join(f"<text:p>{line}</text:p>" for line in lines)
    if cls == "outline" and text:
        paras = "".join(
            f"<text:list-item><text:p>{line}</text:p></text:list-item>" for line in lines
        )
        paras = f'<text:list text:style-name="L1">{paras}</text:list>'
    return (
        f'<draw:frame presentation:style-name="{style}" draw:layer="{"layout" if text else "backgroundobjects"}"'
        f' svg:x="{x}cm" svg:y="{y}cm" svg:width="{w}cm" svg:height="{h}cm"'
        f' presentation:class="{cls}"{"" if text else " presentation:placeholder=" + chr(34) + "true" + chr(34)}>'
        f"<draw:text-box>{paras}</draw:text-box></draw:frame>"
    )


def impress_fodp() -> str:
    """A French faculty template as LibreOffice Impress saves it (flat XML), 28 x 15.75 cm.

    Navy band with a gold rule and the logo across the top, DejaVu Serif titles, Carlito text,
    footer fields on the master, and a title slide and a content slide, as Impress templates
    come. LibreOffice exports it with its own layout set and placeholders without idx.
    """
    logo = base64.b64encode(logo_png("E0A100")).decode()
    decls = " ".join(f'xmlns:{k}="{v}"' for k, v in ODF_NS.items())

    def text_style(
        name: str, parent: str, size: int, color: str, font: str, extra: str = ""
    ) -> str:
        inherit = f' style:parent-style-name="{parent}"' if parent else ""
        return (
            f'<style:style style:name="{name}" style:family="presentation"{inherit}>{extra}'
            f'<style:text-properties fo:color="{color}" style:font-name="{font}" fo:font-size="{size}pt"'
            ' fo:language="fr" fo:country="FR"/></style:style>'
        )

    bullets = (
        '<style:graphic-properties draw:stroke="none" draw:fill="none"><text:list-style'
        ' style:name="L1"><text:list-level-style-bullet text:level="1" text:bullet-char="●">'
        '<style:list-level-properties text:space-before="0.3cm" text:min-label-width="0.6cm"/>'
        '<style:text-properties fo:font-family="OpenSymbol" style:font-size-rel="45%"/>'
        "</text:list-level-style-bullet></text:list-style></style:graphic-properties>"
        '<style:paragraph-properties fo:margin-top="0.3cm"/>'
    )
    styles = "".join(
        (
            text_style(
                "Faculte-title",
                "",
                30,
                "#ffffff",
                "DejaVu Serif",
                '<style:graphic-properties draw:stroke="none" draw:fill="none"'
                ' draw:textarea-vertical-align="middle"/>',
            ),
            text_style("Faculte-subtitle", "", 20, "#1f3a5f", "Carlito",
                       '<style:graphic-properties draw:stroke="none" draw:fill="none"/>'
                       '<style:paragraph-properties fo:text-align="center"/>'),
            text_style("Faculte-outline1", "", 24, "#1f2a36", "Carlito", bullets),
            text_style("Faculte-outline2", "Faculte-outline1", 20, "#1f2a36", "Carlito"),
            text_style("Faculte-outline3", "Faculte-outline2", 18, "#1f2a36", "Carlito"),
            '<style:style style:name="Faculte-background" style:family="presentation">'
            '<style:graphic-properties draw:stroke="none" draw:fill="solid"'
            ' draw:fill-color="#fbfaf5"/></style:style>',
            '<style:style style:name="Faculte-backgroundobjects" style:family="presentation"/>',
        )
    )  # fmt: skip
    auto = (
        '<style:page-layout style:name="PM1"><style:page-layout-properties fo:margin-top="0cm"'
        ' fo:margin-bottom="0cm" fo:margin-left="0cm" fo:margin-right="0cm" fo:page-width="28cm"'
        ' fo:page-height="15.75cm" style:print-orientation="landscape"/></style:page-layout>'
        '<style:style style:name="Mdp1" style:family="drawing-page"><style:drawing-page-properties'
        ' draw:background-size="full" draw:fill="solid" draw:fill-color="#fbfaf5"/></style:style>'
        '<style:style style:name="band" style:family="graphic"><style:graphic-properties'
        ' draw:stroke="none" draw:fill="solid" draw:fill-color="#1f3a5f"/></style:style>'
        '<style:style style:name="rule" style:family="graphic"><style:graphic-properties'
        ' draw:stroke="none" draw:fill="solid" draw:fill-color="#e0a100"/></style:style>'
        '<style:style style:name="cover" style:family="presentation"'
        ' style:parent-style-name="Faculte-title"><style:paragraph-properties'
        ' fo:text-align="center"/></style:style>'
        '<style:style style:name="T1" style:family="text"><style:text-properties'
        ' fo:color="#1f3a5f" fo:font-size="40pt"/></style:style>'
        '<style:style style:name="foot" style:family="presentation"'
        ' style:parent-style-name="Faculte-backgroundobjects"><style:text-properties'
        ' fo:color="#6d6875" style:font-name="Carlito" fo:font-size="12pt"/></style:style>'
    )
    master = (
        '<draw:rect draw:style-name="band" draw:layer="backgroundobjects" svg:x="0cm" svg:y="0cm"'
        ' svg:width="28cm" svg:height="2.8cm"/>'
        '<draw:rect draw:style-name="rule" draw:layer="backgroundobjects" svg:x="0cm"'
        ' svg:y="2.8cm" svg:width="28cm" svg:height="0.15cm"/>'
        '<draw:frame draw:layer="backgroundobjects" draw:name="Logo" svg:x="25.9cm" svg:y="0.5cm"'
        ' svg:width="1.6cm" svg:height="1.6cm"><draw:image><office:binary-data>'
        f"{logo}</office:binary-data></draw:image><svg:desc>Logo</svg:desc></draw:frame>"
        + _frame("title", "Faculte-title", (1.2, 0.3, 23.8, 2.2))
        + _frame("outline", "Faculte-outline1", (1.2, 3.6, 25.6, 9.9))
        + _frame("date-time", "foot", (1.2, 14.3, 6.5, 1.0))
        + _frame("footer", "foot", (9.5, 14.3, 9.0, 1.0))
        + _frame("page-number", "foot", (20.3, 14.3, 6.5, 1.0))
    )
    pages = (
        '<draw:page draw:name="page1" draw:master-page-name="Faculte"'
        ' presentation:presentation-page-layout-name="AL1T0">'
        + _frame("title", "cover", (1.2, 4.5, 25.6, 3.2), "Modèle de cours", span="T1")
        + _frame("subtitle", "Faculte-subtitle", (1.2, 8.2, 25.6, 2.0), "Faculté des sciences")
        + '</draw:page><draw:page draw:name="page2" draw:master-page-name="Faculte"'
        ' presentation:presentation-page-layout-name="AL2T1">'
        + _frame("title", "Faculte-title", (1.2, 0.3, 23.8, 2.2), "Plan du cours")
        + _frame(
            "outline",
            "Faculte-outline1",
            (1.2, 3.6, 25.6, 9.9),
            "Introduction\nMéthodes\nQuestions",
        )
        + "</draw:page>"
    )
    return (
        f'<?xml version="1.0" encoding="UTF-8"?>\n<office:document {decls} office:version="1.3"'
        ' office:mimetype="application/vnd.oasis.opendocument.presentation">'
        "<office:meta><dc:title>Modèle Faculté</dc:title><dc:language>fr-FR</dc:language>"
        "<meta:creation-date>2026-01-05T09:00:00</meta:creation-date>"
        "<dc:date>2026-01-05T09:00:00</dc:date></office:meta>"
        "<office:font-face-decls>"
        '<style:font-face style:name="DejaVu Serif" svg:font-family="&apos;DejaVu Serif&apos;"'
        ' style:font-family-generic="roman"/>'
        '<style:font-face style:name="Carlito" svg:font-family="Carlito"'
        ' style:font-family-generic="swiss"/></office:font-face-decls>'
        f"<office:styles>{styles}</office:styles>"
        f"<office:automatic-styles>{auto}</office:automatic-styles>"
        '<office:master-styles><style:master-page style:name="Faculte"'
        f' style:page-layout-name="PM1" draw:style-name="Mdp1">{master}</style:master-page>'
        "</office:master-styles>"
        f"<office:body><office:presentation>{pages}</office:presentation></office:body>"
        "</office:document>"
    )


IMPRESS_TEMPLATE = "lo-fr-impress"
LIBREOFFICE_MADE = (*(spec.name for spec in SPECS if spec.libreoffice), IMPRESS_TEMPLATE)


def libreoffice_sources() -> dict[str, tuple[str, bytes]]:
    """Name -> (suffix, bytes) of the source of every file LibreOffice makes."""
    sources = {spec.name: (".pptx", build_template(spec)) for spec in SPECS if spec.libreoffice}
    sources[IMPRESS_TEMPLATE] = (".fodp", impress_fodp().encode("utf-8"))
    return sources


def export_with_libreoffice(soffice: str, out: Path) -> list[str]:
    """Have LibreOffice save every source as .pptx, in one call; return the files written."""
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        (work / "src").mkdir()
        sources = []
        for name, (suffix, data) in libreoffice_sources().items():
            sources.append(work / "src" / f"{name}{suffix}")
            sources[-1].write_bytes(data)
        subprocess.run(
            [
                soffice,
                f"-env:UserInstallation={(work / 'profile').as_uri()}",
                "--headless",
                "--convert-to",
                "pptx:Impress MS PowerPoint 2007 XML",
                "--outdir",
                str(work / "out"),
                *map(str, sources),
            ],
            check=True,
            capture_output=True,
            timeout=300,
        )
        written = []
        for source in sources:
            exported = (work / "out" / f"{source.stem}.pptx").read_bytes()
            written.append(f"{source.stem}.pptx")
            (out / written[-1]).write_bytes(normalise_zip(exported))
        return written


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=HERE, help="where to write (default: here)")
    parser.add_argument("--specimens", type=Path, help="also write one deck per template here")
    parser.add_argument(
        "--no-libreoffice", action="store_true", help="skip the files LibreOffice makes"
    )
    args = parser.parse_args(argv)
    args.out.mkdir(parents=True, exist_ok=True)
    for spec in SPECS:
        if not spec.libreoffice:
            (args.out / f"{spec.name}.{spec.ext}").write_bytes(build_template(spec))
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if not args.no_libreoffice:
        if soffice is None:
            print("LibreOffice (soffice) not found: its files are not rewritten", file=sys.stderr)
        else:
            export_with_libreoffice(soffice, args.out)
    if args.specimens:
        args.specimens.mkdir(parents=True, exist_ok=True)
        for path in sorted(args.out.glob("*.p?tx")):
            (args.specimens / f"{path.stem}.pptx").write_bytes(specimen(path))
    return 0


if __name__ == "__main__":
    sys.exit(main())
