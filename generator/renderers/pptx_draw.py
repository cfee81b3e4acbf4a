"""Drawing on a slide: rectangles, text frames and tables written exactly as measured,
and the slide's speaker notes page.

Every frame gets wrapping, an exact line spacing and no auto-fit, so PowerPoint and
LibreOffice wrap its text into the lines :mod:`generator.textfit` counted; a frame drawn
here gets explicit insets, a placeholder keeps the ones it inherits (they were measured).
No run names a font but code: headings take the master's major font (``+mj-lt``) and
the rest its minor one. Colours are roles: on a theme's own master (``own_style``) the
theme's exact colours, on a user's template its colour scheme (the text and title
colours of its master, its second background for panels, its table style), so the deck
reads on a dark master as on a light one.

Each shape is written as one XML string and parsed once: python-pptx's properties look
every child element up again on each assignment, which made drawing most of a deck's
time. The strings hold what python-pptx's own shape templates hold once those
properties are set, so a shape reads back through python-pptx as any other.
"""

from __future__ import annotations

import io
import re
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from copy import deepcopy
from dataclasses import dataclass, replace
from typing import Any
from xml.sax.saxutils import escape, quoteattr

from lxml.etree import XPath
from pptx.enum.text import MSO_ANCHOR, PP_ALIGN
from pptx.opc.constants import CONTENT_TYPE as CT
from pptx.opc.constants import RELATIONSHIP_TYPE as RT
from pptx.opc.packuri import PackURI
from pptx.oxml import parse_xml
from pptx.oxml.ns import namespaces, nsdecls, qn
from pptx.parts.slide import NotesSlidePart
from pptx.slide import Slide
from pptx.util import Emu

from .. import mathdraw, omml, textfit
from ..formula import read_formula
from ..inline import Run
from ..languages import aligned_side, office_tag
from ..scripts import right_to_left
from ..theme import Theme

CODE_ROLES = ("code", "code_text")  # a code panel's fill and its plain text
BASELINE = {"sub": -25000, "super": 30000}  # sub- and superscript shifts, thousandths of %
CELL_INSETS = (7.0, 4.0, 7.0, 4.0)  # left, top, right, bottom of table cells, points
NAMESPACES = nsdecls("a", "p", "r")
TABLE_STYLE = "{5C22544A-7EE6-4342-B048-85BDC9FD1C3A}"  # python-pptx's default table style
PLAIN_TABLE_STYLE = "{2D5ABB26-0587-4C30-8999-92F81FD0307C}"  # Office's "No Style, No Grid"
TABLE_URI = "http://schemas.openxmlformats.org/drawingml/2006/table"
NOTES = "/ppt/notesSlides/notesSlide"  # a notes page's part name, before its number
RIGHT_TO_LEFT_PARAGRAPH = '<a:pPr algn="r" rtl="1"/>'  # a notes line in Hebrew or Arabic
LEFT_TO_RIGHT_ISOLATE, POP_ISOLATE = "\u2066", "\u2069"  # Unicode's bidi isolate marks
BODY_INSETS = ("lIns", "tIns", "rIns", "bIns")
CELL_MARGINS = ("marL", "marT", "marR", "marB")
MC = "http://schemas.openxmlformats.org/markup-compatibility/2006"
_SHAPE_IDS = XPath(  # the tree's own, its shapes', and those of shapes holding an equation
    "p:nvGrpSpPr/p:cNvPr/@id | */*/p:cNvPr/@id | mc:AlternateContent/mc:Choice/*/*/p:cNvPr/@id",
    namespaces={**namespaces("p"), "mc": MC},
    smart_strings=False,
)
_NOTES_BODY = XPath(
    "p:cSld/p:spTree/p:sp[p:nvSpPr/p:nvPr/p:ph/@type='body']/p:txBody", namespaces=namespaces("p")
)
SLIDE_NUMBER_FIELD = "{B6F15528-21DE-4FAA-801E-634DDDAF4B2B}"  # one id for every slide's field
_CONTROL = re.compile(r"[\x00-\x08\x0B-\x1F]")
A14 = "http://schemas.microsoft.com/office/drawing/2010/main"
# The equations' alternative names the 2010 drawing namespace by a prefix of its own.
# PowerPoint resolves a prefix to its namespace, knows it and shows the native equation;
# LibreOffice compares the prefix with the names it supports ("a14" among them, though
# it draws no equations) and so shows the fallback, which it can draw.
_CHOICE = f'<mc:Choice xmlns:a14="{A14}" xmlns:am="{A14}" Requires="am">'
_ALTERNATE = f'<mc:AlternateContent xmlns:mc="{MC}">{_CHOICE}</mc:Choice><mc:Fallback/></mc:AlternateContent>'
_RUN_ALTERNATIVES = XPath(".//mc:AlternateContent", namespaces={"mc": MC})
MATH_FONT = "Cambria Math"


def pt(points: float) -> Emu:
    """Points as the EMU lengths python-pptx writes."""
    return Emu(round(points * 12700))


def centipoints(points: float) -> int:
    """Points as python-pptx writes a spacing: its ``Pt`` truncates to whole EMUs, and the
    file holds whole hundredths of a point."""
    return int(points * 12700) // 127


def _reads_right_to_left(para: Para) -> bool:
    """Whether *para* reads right to left, by its first strong letter; a line of code
    reads left to right whatever its comments and strings hold."""
    reverse = right_to_left("".join(run.text for run in para.runs))
    return reverse and not all(run.code for run in para.runs)


SIDES = {"left": PP_ALIGN.LEFT, "center": PP_ALIGN.CENTER, "right": PP_ALIGN.RIGHT}


def mirrored(align: PP_ALIGN) -> PP_ALIGN:
    """*align* seen from the other side: a paragraph's left and right are where its lines
    start and end, so a right-to-left one is set from the right, and its 'right' is on
    the left (a quotation's source ends the line either way)."""
    return {PP_ALIGN.LEFT: PP_ALIGN.RIGHT, PP_ALIGN.RIGHT: PP_ALIGN.LEFT}.get(align, align)


@dataclass(frozen=True)
class Para(textfit.Paragraph):
    """A paragraph as measured (runs, size, indent, space) plus how it is drawn."""

    colour: str = ""
    align: PP_ALIGN = PP_ALIGN.LEFT
    bullet: str | None = None  # a bullet character, or an auto-number scheme name
    hang: float = 0.0  # how far the bullet hangs left of the text (inside the indent)
    start_at: int | None = None  # first number of an auto-numbered sequence
    lang: str = ""  # its language, when not the one the painter is speaking


class Painter:
    """Draws shapes from the theme's colours and fonts; lengths in points."""

    def __init__(
        self,
        theme: Theme,
        language: str,
        roles: dict[str, str] | None = None,
        table_style: str | None = None,
    ) -> None:
        self.theme = theme
        self.lang = _lang(language)
        self.roles = roles  # a user's template's colours by role; None: the theme's own
        self.own_style = roles is None
        self.table_style = table_style  # a template's own default table style, if any

    @property
    def colours_table_headers(self) -> bool:
        """Whether a table's header row is drawn in colours of our choosing on a user's
        template (one without a table style of its own)."""
        return not self.own_style and self.table_style is None

    @contextmanager
    def speaking(self, language: str) -> Iterator[None]:
        """Text drawn inside is marked as written in *language* (a section's or block's);
        '' keeps the language in force."""
        outer = self.lang
        self.lang = _lang(language) if language else outer
        try:
            yield
        finally:
            self.lang = outer

    def lang_of(self, para: Para) -> str:
        """The quoted language of *para*'s runs: its own, else the one in force."""
        return _lang(para.lang) if para.lang else self.lang

    def colour(self, role: str) -> str:
        """A colour role ('primary', 'muted', 'callout_tip', 'code' ...) as a fill's colour element;
        '' where a user's template has no such colour and its own should show."""
        palette = self.theme.palette
        if role in CODE_ROLES:  # the theme's even on a template: its highlight colours read there
            value = self.theme.code_background if role == "code" else palette.text
            return f'<a:srgbClr val="{value}"/>'
        panel = role.startswith("callout_")
        if self.roles is not None:
            return self.roles.get("panel" if panel else role, "")
        value = palette.callouts[role.removeprefix("callout_")] if panel else getattr(palette, role)
        return f'<a:srgbClr val="{value}"/>'

    def fill(self, role: str) -> str:
        """A solid fill of the colour *role*, or nothing (inherited) where it has none."""
        colour = self.colour(role)
        return f"<a:solidFill>{colour}</a:solidFill>" if colour else ""

    def text_box(
        self,
        slide: Slide,
        left: float,
        top: float,
        box: textfit.Box,
        paras: Sequence[Para],
        *,
        fill: str | None = None,
        anchor: MSO_ANCHOR = MSO_ANCHOR.TOP,
        description: str = "",
    ) -> None:
        """A frame of *box*'s size and insets holding *paras*; a panel when *fill* (a colour
        role) is given, described for screen readers as *description* (what kind of box)."""
        text = self.paragraphs(slide, paras)
        insets = _attributes(BODY_INSETS, box.insets)
        body = (
            f'<a:bodyPr wrap="square" anchor="{anchor.xml_value}"{insets}>'
            f"<a:noAutofit/></a:bodyPr><a:lstStyle/>{text}"
        )
        if fill:
            _add(
                slide,
                f"<p:sp {NAMESPACES}><p:nvSpPr>{_name(slide, 'Rectangle', description)}<p:cNvSpPr/><p:nvPr/>"
                f"</p:nvSpPr><p:spPr>{_place('a', left, top, box.width, box.height)}"
                f'<a:prstGeom prst="rect"><a:avLst/></a:prstGeom>{self.fill(fill)}'
                f"<a:ln><a:noFill/></a:ln></p:spPr><p:txBody>{body}</p:txBody></p:sp>",
            )
            return
        _add(
            slide,
            f"<p:sp {NAMESPACES}><p:nvSpPr>{_name(slide, 'TextBox')}"
            '<p:cNvSpPr txBox="1"/><p:nvPr/></p:nvSpPr>'
            f"<p:spPr>{_place('a', left, top, box.width, box.height)}"
            '<a:prstGeom prst="rect"><a:avLst/></a:prstGeom><a:noFill/></p:spPr>'
            f"<p:txBody>{body}</p:txBody></p:sp>",
        )

    def fill_placeholder(
        self,
        shape: Any,
        paras: Sequence[Para],
        anchor: MSO_ANCHOR | None,
        insets: Sequence[float] | None = None,
    ) -> None:
        """Write *paras* into a layout's placeholder with wrapping and no auto-fit.

        Insets, colours and alignment come from the layout and master (the insets were
        measured), as does the anchor when none is given, and the insets unless given;
        sizes, spacing and indents are written, since they are what was measured.
        """
        position = f' anchor="{anchor.xml_value}"' if anchor else ""
        position += _attributes(BODY_INSETS, insets) if insets else ""
        body = parse_xml(
            f'<p:txBody {NAMESPACES}><a:bodyPr wrap="square"{position}><a:noAutofit/>'
            f"</a:bodyPr><a:lstStyle/>{self.paragraphs(shape, paras, inherit=True)}</p:txBody>"
        )
        _set_body(shape, body)
        element = shape.element
        parent, index = element.getparent(), element.getparent().index(element)
        lifted = _lifted(element)
        if lifted is not element:
            parent.insert(index, lifted)

    def slide_number(self, shape: Any, number: int, size: float) -> None:
        """The slide-number placeholder holding the slide number field, at *size*."""
        body = parse_xml(
            f'<p:txBody {NAMESPACES}><a:bodyPr wrap="square"><a:noAutofit/></a:bodyPr>'
            "<a:lstStyle/><a:p>"
            f'<a:fld id="{SLIDE_NUMBER_FIELD}" type="slidenum">'
            f'<a:rPr lang={self.lang} sz="{round(size * 100)}"/><a:t>{number}</a:t></a:fld>'
            "</a:p></p:txBody>"
        )
        _set_body(shape, body)

    def table(
        self,
        slide: Slide,
        left: float,
        top: float,
        width: float,
        rows: Sequence[Sequence[Sequence[Run]]],
        widths: Sequence[float],
        heights: Sequence[float],
        size: float,
        *,
        first_column: bool = False,
        description: str = "",
        align: Sequence[str] = (),
        rtl: bool = False,
    ) -> None:
        """A table of *rows* (the first a header) with the given widths and row heights;
        *first_column* marks the first column as row headers (a compare table's aspects);
        *description* is its alt text. Each column's cells line up as *align* says, left
        being where the table's lines start: its first column is on the right when it
        reads right to left (*rtl*)."""
        flags = ' firstRow="1"' + (' firstCol="1"' if first_column else "")
        flags += ' bandRow="1"' if self.table_style else ""  # a template's style shades rows
        flags += ' rtl="1"' if rtl else ""
        sides = [SIDES[aligned_side(side, rtl)] for side in align or ["left"] * len(widths)]
        grid = "".join(f'<a:gridCol w="{pt(share)}"/>' for share in widths)
        body = "".join(
            f'<a:tr h="{pt(height)}">{self.row(slide, index, cells, size, sides)}</a:tr>'
            for index, (cells, height) in enumerate(zip(rows, heights, strict=True))
        )
        _add(
            slide,
            f"<p:graphicFrame {NAMESPACES}><p:nvGraphicFramePr>{_name(slide, 'Table', description)}"
            '<p:cNvGraphicFramePr><a:graphicFrameLocks noGrp="1"/></p:cNvGraphicFramePr>'
            f"<p:nvPr/></p:nvGraphicFramePr>{_place('p', left, top, width, sum(heights))}"
            f'<a:graphic><a:graphicData uri="{TABLE_URI}"><a:tbl>'
            f"<a:tblPr{flags}><a:tableStyleId>{self.style_id}</a:tableStyleId>"
            f"</a:tblPr><a:tblGrid>{grid}</a:tblGrid>{body}</a:tbl></a:graphicData>"
            "</a:graphic></p:graphicFrame>",
        )

    @property
    def style_id(self) -> str:
        """The table style: the theme's fills over python-pptx's default style, a template's
        own default style, or none at all (a template without one gets explicit colours)."""
        if self.own_style:
            return TABLE_STYLE
        return self.table_style or PLAIN_TABLE_STYLE

    def row(
        self,
        slide: Slide,
        index: int,
        cells: Sequence[Sequence[Run]],
        size: float,
        sides: Sequence[PP_ALIGN],
    ) -> str:
        """One table row's cells: on the theme's master the header on the primary colour,
        then alternate shading; on a template, as its table style draws them, or when it
        has none, a header in its strong colour and rows in its readable text colour.
        A cell is set on its column's side of the page (*sides*), whichever way it reads."""
        margins = _attributes(CELL_MARGINS, CELL_INSETS)
        fill, colour = "", ""
        header = index == 0
        if self.own_style:
            shade = "primary" if header else "background" if index % 2 else "light"
            fill = self.fill(shade)
            colour = "on_primary" if header else "text"
        elif self.table_style is None:  # on "No Style, No Grid": only these colours show
            fill = self.fill("header") if header else ""
            colour = "on_header" if header else "text"

        def para(runs: Sequence[Run], column: int) -> Para:
            plain = Para(runs, size, colour=colour)
            reverse = _reads_right_to_left(plain)  # its left and right are mirrored
            return replace(plain, align=mirrored(sides[column]) if reverse else sides[column])

        return "".join(
            '<a:tc><a:txBody><a:bodyPr wrap="square"/><a:lstStyle/>'
            f"{self.paragraphs(slide, [para(runs, column)])}"
            f'</a:txBody><a:tcPr anchor="ctr"{margins}>{fill}</a:tcPr></a:tc>'
            for column, runs in enumerate(cells)
        )

    def paragraphs(self, owner: Any, paras: Sequence[Para], *, inherit: bool = False) -> str:
        """*paras* as ``a:p`` elements; links are related to *owner*'s part (its slide).

        With *inherit* (a placeholder) alignment (but a centred or right-aligned line's)
        and bullet colours come from the master;
        indents are always written there, since a master's own indents would change the
        measured width, and so is the absence of a bullet. A paragraph that reads right
        to left (its first strong letter is Hebrew or Arabic) is marked so and set from
        the right; in a frame that holds one, every paragraph says its direction and
        alignment (LibreOffice carries them over to a paragraph that does not).
        """
        directions = [_reads_right_to_left(para) for para in paras]
        return "".join(
            self.paragraph(
                owner,
                para,
                first=index == 0,
                inherit=inherit,
                direction=(' rtl="1"' if reverse else ' rtl="0"') if any(directions) else "",
            )
            for index, (para, reverse) in enumerate(zip(paras, directions, strict=True))
        )

    def paragraph(
        self, owner: Any, para: Para, *, first: bool, inherit: bool, direction: str = ""
    ) -> str:
        """One paragraph with the exact line spacing it was measured at, and no space
        before it at the top of its frame, where the measure counted none; *direction*
        is its ``rtl`` attribute, if it needs one."""
        if direction == ' rtl="1"':
            para = replace(para, align=mirrored(para.align))
        as_master = inherit and not direction and para.align == PP_ALIGN.LEFT
        props = "" if as_master else f' algn="{para.align.xml_value}"'
        props += direction
        if para.indent or inherit:
            props += f' marL="{pt(para.indent)}" indent="{-pt(para.hang)}"'
        before = 0 if first else para.space_before
        spacing = (
            f'<a:lnSpc><a:spcPts val="{centipoints(para.line_height)}"/></a:lnSpc>'
            f'<a:spcBef><a:spcPts val="{centipoints(before)}"/></a:spcBef>'
            '<a:spcAft><a:spcPts val="0"/></a:spcAft>'
        )
        if not (inherit or self.own_style or (para.colour and self.colour(para.colour))):
            para = replace(para, colour="text")  # outside a template's placeholders: readable
        runs = "".join(self.run(owner, run, para) for run in para.runs)
        if not para.runs:  # an empty cell: its line is as tall as the others' at this size
            runs = f'<a:endParaRPr sz="{round(para.size * 100)}"/>'
        return (
            f"<a:p><a:pPr{props}>{spacing}{self.bullet(para, inherit=inherit)}</a:pPr>{runs}</a:p>"
        )

    def bullet(self, para: Para, *, inherit: bool) -> str:
        """The bullet, in the accent colour unless the master colours it; or none."""
        if not para.bullet:
            return "<a:buNone/>" if inherit else ""  # no bullet of the master's, as measured
        accent = "" if inherit else self.colour("accent_text")
        colour = f"<a:buClr>{accent}</a:buClr>" if accent else ""
        if len(para.bullet) == 1:
            return f"{colour}<a:buChar char={quoteattr(para.bullet)}/>"
        start = "" if para.start_at is None else f' startAt="{para.start_at}"'
        return f"{colour}<a:buAutoNum type={quoteattr(para.bullet)}{start}/>"

    def run(self, owner: Any, run: Run, para: Para) -> str:
        """One run in the face it was measured in, marked with its language (its
        paragraph's, else the one in force), so spelling tools and screen readers take it
        as written in that language. Only code names its font (the theme's
        mono) and its own colour (highlighting); a heading takes the master's major font,
        the rest its minor one. A newline in its text is a line break."""
        if run.code:
            face = f"<a:latin typeface={quoteattr(self.theme.fonts.mono.name)}/>"
        else:
            face = '<a:latin typeface="+mj-lt"/>' if para.role == "heading" else ""
        if run.colour:
            fill = f'<a:solidFill><a:srgbClr val="{run.colour}"/></a:solidFill>'
        else:
            fill = self.fill(para.colour) if para.colour else ""
        if run.math is not None:
            return self.math_run(owner, run, para, fill)
        link = ""
        if run.href:
            relation = owner.part.relate_to(run.href, RT.HYPERLINK, is_external=True)
            link = f'<a:hlinkClick r:id="{relation}"/>'
        baseline = f' baseline="{BASELINE[run.script]}"' if run.script else ""
        props = (
            f'<a:rPr sz="{round(para.size * 100)}" b="{int(run.bold)}"'
            f' i="{int(run.italic)}" lang={self.lang_of(para)}{baseline}>{fill}{face}{link}</a:rPr>'
        )
        return f"<a:br>{props}</a:br>".join(
            f"<a:r>{props}<a:t>{_text(line)}</a:t></a:r>" if line else ""
            for line in run.text.split("\n")
        )

    def math_run(self, owner: Any, run: Run, para: Para, fill: str) -> str:
        """An inline equation: native OMML (``a14:m``) for PowerPoint, its one-line text
        for viewers without equations, kept left to right in a right-to-left paragraph
        (bidi would mirror its brackets and move its parts). :func:`_add` lifts the two
        to the shape."""
        props = (
            f'<a:rPr sz="{round(para.size * 100)}" lang={self.lang_of(para)}>{fill}'
            f"<a:latin typeface={quoteattr(MATH_FONT)}/></a:rPr>"
        )
        equation = omml.inline(read_formula(run.math).mathml, props, NAMESPACES)
        isolated = f"{LEFT_TO_RIGHT_ISOLATE}{run.text}{POP_ISOLATE}"
        text = replace(run, math=None, text=isolated if _reads_right_to_left(para) else run.text)
        return (
            f"<mc:AlternateContent xmlns:mc={quoteattr(MC)}>{_CHOICE}<a14:m>{equation}</a14:m>"
            f"</mc:Choice><mc:Fallback>{self.run(owner, text, para)}</mc:Fallback>"
            "</mc:AlternateContent>"
        )

    def equation(
        self,
        slide: Slide,
        left: float,
        top: float,
        width: float,
        height: float,
        tex: str,
        size: float,
        alt: str,
    ) -> None:
        """A display equation centred in a frame: native OMML for PowerPoint, and a
        picture of it (alt text: its spoken form) for viewers without equations."""
        colour = self.theme.palette.text
        props = (
            f'<a:rPr sz="{round(size * 100)}" lang={self.lang}>{self.fill("text")}'
            f"<a:latin typeface={quoteattr(MATH_FONT)}/></a:rPr>"
        )
        formula = omml.display(read_formula(tex).mathml, props, NAMESPACES)
        name = _name(slide, "TextBox")
        frame = _place("a", left, top, width, height)
        native = parse_xml(
            f"<p:sp {NAMESPACES} xmlns:a14={quoteattr(A14)}><p:nvSpPr>{name}"
            '<p:cNvSpPr txBox="1"/><p:nvPr/></p:nvSpPr>'
            f'<p:spPr>{frame}<a:prstGeom prst="rect"><a:avLst/></a:prstGeom><a:noFill/></p:spPr>'
            '<p:txBody><a:bodyPr wrap="none" lIns="0" tIns="0" rIns="0" bIns="0" anchor="ctr">'
            '<a:noAutofit/></a:bodyPr><a:lstStyle/><a:p><a:pPr algn="ctr"/>'
            f"<a14:m>{formula}</a14:m></a:p></p:txBody></p:sp>"
        )
        image = io.BytesIO(mathdraw.picture(tex, size, colour))
        _, relation = slide.part.get_or_add_image_part(image)
        drawn_width, ascent, descent = mathdraw.outline(tex).size(size)
        picture_left = left + (width - drawn_width) / 2
        picture_top = top + (height - ascent - descent) / 2
        fallback = parse_xml(
            f"<p:pic {NAMESPACES}><p:nvPicPr>{name.replace('/>', f' descr={quoteattr(alt)}/>')}"
            '<p:cNvPicPr><a:picLocks noChangeAspect="1"/></p:cNvPicPr><p:nvPr/></p:nvPicPr>'
            f'<p:blipFill><a:blip r:embed="{relation}"/><a:stretch><a:fillRect/></a:stretch>'
            f"</p:blipFill><p:spPr>"
            f"{_place('a', picture_left, picture_top, drawn_width, ascent + descent)}"
            '<a:prstGeom prst="rect"><a:avLst/></a:prstGeom></p:spPr></p:pic>'
        )
        slide.shapes.element.insert_element_before(_alternatives(native, fallback), "p:extLst")


_BLANK_NOTES: dict[bytes, Any] = {}  # a notes page before its text, by template


class NotesPages:
    """Speaker notes pages. python-pptx makes the first from the notes master of a
    template (by its *key*); every other page, in this deck and the next, is a copy of
    that page while it was blank, since cloning the master's placeholders again for
    every slide took a fifth of a render."""

    def __init__(self, key: bytes) -> None:
        self.key = key
        self.names: set[str] | None = None  # the package's notes page names, once known

    def write(self, slide: Slide, notes: Sequence[tuple[str, str]]) -> None:
        """*notes*, texts each in its language, in the notes placeholder of *slide*'s
        notes page as python-pptx writes a text frame's text: a paragraph a line, a line
        break for a vertical tab."""
        page = self.page(slide)
        body = _NOTES_BODY(page)[0]
        for paragraph in body.findall(qn("a:p")):
            body.remove(paragraph)
        lines = "".join(
            f"<a:p>{RIGHT_TO_LEFT_PARAGRAPH if right_to_left(line) else ''}"
            f"{_breaks(line, _lang(language))}</a:p>"
            for text, language in notes
            for line in text.split("\n")
        )
        body.extend(parse_xml(f"<p:txBody {NAMESPACES}>{lines}</p:txBody>"))

    def page(self, slide: Slide) -> Any:
        """*slide*'s new notes page: a copy of the template's blank one."""
        part = slide.part
        package = part.package
        if self.names is None:
            if self.key not in _BLANK_NOTES:
                page = slide.notes_slide.element
                _BLANK_NOTES[self.key] = deepcopy(page)
                self.names = _notes_names(package)
                return page
            self.names = _notes_names(package)
        page = deepcopy(_BLANK_NOTES[self.key])
        page_part = NotesSlidePart(self.name(), CT.PML_NOTES_SLIDE, package, page)
        page_part.relate_to(package.presentation_part.notes_master_part, RT.NOTES_MASTER)
        page_part.relate_to(part, RT.SLIDE)
        part.relate_to(page_part, RT.NOTES_SLIDE)
        return page

    def name(self) -> PackURI:
        """The name python-pptx's ``next_partname`` gives a new page (the highest free
        number up to one past the count), from the names gathered once: walking the
        whole package for every page cost more than the page."""
        count = len(self.names)
        name = next(
            f"{NOTES}{n}.xml"
            for n in range(count + 1, 0, -1)
            if f"{NOTES}{n}.xml" not in self.names
        )
        self.names.add(name)
        return PackURI(name)


def _notes_names(package: Any) -> set[str]:
    return {part.partname for part in package.iter_parts() if part.partname.startswith(NOTES)}


def _set_body(shape: Any, body: Any) -> None:
    """Give a placeholder *body* as its text (python-pptx clones a footer without one)."""
    old = shape.element.txBody
    if old is None:
        shape.element.append(body)
    else:
        old.getparent().replace(old, body)


def _add(slide: Slide, xml: str) -> None:
    """Parse one shape's XML onto *slide*, above the shapes already there."""
    slide.shapes.element.insert_element_before(_lifted(parse_xml(xml)), "p:extLst")


def _lifted(shape: Any) -> Any:
    """*shape* itself, or, when its text holds equations, the two alternatives PowerPoint
    writes for it: the shape with native equations, and the shape with their text."""
    if not _RUN_ALTERNATIVES(shape):
        return shape
    fallback = deepcopy(shape)
    for copy, keep in ((shape, 0), (fallback, 1)):
        for alternatives in _RUN_ALTERNATIVES(copy):
            parent = alternatives.getparent()
            index = parent.index(alternatives)
            parent[index : index + 1] = list(alternatives[keep])
    return _alternatives(shape, fallback)


def _alternatives(native: Any, fallback: Any) -> Any:
    """``mc:AlternateContent`` holding *native* as the choice and *fallback* as the rest."""
    alternate = parse_xml(_ALTERNATE)
    alternate[0].append(native)
    alternate[1].append(fallback)
    return alternate


def _name(slide: Slide, kind: str, description: str = "") -> str:
    """A new shape's id and name as python-pptx gives them: one past the highest id on
    the slide, and the kind with the id less one. The ids are read from the shape tree
    and its shapes alone, which hold every id on a slide; python-pptx searches the whole
    slide, text and all, for every shape it adds. *description* is its alt text."""
    number = max(int(value) for value in _SHAPE_IDS(slide.shapes.element)) + 1
    descr = f" descr={quoteattr(description)}" if description else ""
    return f'<p:cNvPr id="{number}" name="{kind} {number - 1}"{descr}/>'


def _place(prefix: str, left: float, top: float, width: float, height: float) -> str:
    """A shape's position and size (``a:xfrm``, or ``p:xfrm`` for a graphic frame)."""
    return (
        f'<{prefix}:xfrm><a:off x="{pt(left)}" y="{pt(top)}"/>'
        f'<a:ext cx="{pt(width)}" cy="{pt(height)}"/></{prefix}:xfrm>'
    )


def _attributes(names: Sequence[str], insets: Sequence[float]) -> str:
    """Four insets as the attributes *names* (left, top, right, bottom), in EMUs."""
    return "".join(f' {name}="{pt(inset)}"' for name, inset in zip(names, insets, strict=True))


def _breaks(line: str, lang: str) -> str:
    """A notes line's runs in the (quoted) language *lang*, with a line break for each
    vertical tab and no empty runs."""
    return "<a:br/>".join(
        f"<a:r><a:rPr lang={lang}/><a:t>{_text(part)}</a:t></a:r>" if part else ""
        for part in line.split("\v")
    )


def _lang(language: str) -> str:
    """*language* as the quoted value of a run's ``lang`` attribute."""
    return quoteattr(office_tag(language))


def _text(text: str) -> str:
    """Run text as element content: control characters as python-pptx escapes them
    (``_x0007_``), then XML's own escapes."""
    return escape(_CONTROL.sub(lambda match: f"_x{ord(match[0]):04X}_", text))
