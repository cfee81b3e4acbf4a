"""A shipped theme's own slide master and layouts, built from ``theme.yaml``.

A deck on real layouts is one a trainer can keep editing: PowerPoint's outline view
shows every title, "Reset slide" restores the layout, another design can be applied,
and its accessibility checker finds a title on every slide. So a theme does not draw
its look onto blank slides; it becomes a template like any user's: one master whose
title placeholder is the coloured title bar, whose body placeholder is the content
area and whose footer and slide-number placeholders sit in the bottom margin, and six
layouts (Title, Title and Content, Two Content, Section Header, Title Only, Blank).
Fonts are the master's theme fonts (``+mj-lt`` for headings, ``+mn-lt`` for body), so
no run needs to name one. The package is built once per theme and slide size and
kept as bytes; every deck opens a fresh copy.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from xml.sax.saxutils import quoteattr

from lxml import etree
from pptx import Presentation
from pptx.opc.constants import RELATIONSHIP_TYPE as RT
from pptx.oxml import parse_xml
from pptx.oxml.ns import nsdecls, qn

from ..theme import Theme
from .ooxml import decorative

ASPECTS = {"16:9": (960.0, 540.0), "4:3": (720.0, 540.0)}  # slide sizes in points
TITLE_BAR = 80.0  # height of the title bar, points
ACCENT_RULE = 4.0  # the accent line under the title bar
GAP = 18.0  # between stacked blocks, and between the title bar and the content
TEXT_INSETS = (0.0, 3.0, 0.0, 3.0)  # left, top, right, bottom of the theme's text frames
NAMESPACES = nsdecls("a", "p", "r")
LAYOUT_TYPES = ("title", "obj", "twoObj", "secHead", "titleOnly", "blank")  # the ones kept


_PACKAGES: dict[tuple[str, str], bytes] = {}  # by the theme's content and the aspect


def themed_package(theme: Theme, aspect: str) -> bytes:
    """The theme's template as a .pptx package: a master, six layouts and no slides."""
    key = (theme.model_dump_json(), aspect)
    if key not in _PACKAGES:
        _PACKAGES[key] = _package(theme, aspect)
    return _PACKAGES[key]


def _package(theme: Theme, aspect: str) -> bytes:
    deck = Presentation()
    width, height = ASPECTS[aspect]
    deck.slide_width, deck.slide_height = pt(width), pt(height)
    master = deck.slide_master
    geometry = Geometry(theme, width, height)
    _scheme(master.part.part_related_by(RT.THEME), theme)
    _replace_tree(master.element, geometry.master_shapes())
    master.element.remove(master.element.find(qn("p:txStyles")))
    master.element.append(parse_xml(geometry.text_styles()))
    for layout in list(master.slide_layouts):
        kind = layout.element.get("type")
        if kind not in LAYOUT_TYPES:
            master.slide_layouts.remove(layout)
            continue
        shapes = geometry.layout_shapes(kind)
        _replace_tree(layout.element, shapes)
        if kind in ("title", "secHead"):  # full-bleed primary colour, no title bar
            layout.element.set("showMasterSp", "0")
            _background(layout.element, theme.palette.primary)
    deck.notes_master  # noqa: B018 (python-pptx makes it when asked: once here, not per deck)
    buffer = io.BytesIO()
    deck.save(buffer)
    return buffer.getvalue()


def pt(points: float) -> int:
    """Points as EMUs, as python-pptx writes lengths."""
    return round(points * 12700)


class Geometry:
    """Where the theme puts things on a slide of one size, and how they look."""

    def __init__(self, theme: Theme, width: float, height: float) -> None:
        self.theme = theme
        self.palette = theme.palette
        self.sizes = theme.sizes["pptx"]
        self.width, self.height = width, height
        self.margin = theme.margins.slide * 72
        self.top = TITLE_BAR + ACCENT_RULE + GAP
        self.area_width = width - 2 * self.margin
        self.area_height = height - self.margin - self.top
        footer = self.sizes["footer"]
        self.footer_line = footer * 1.2 + TEXT_INSETS[1] + TEXT_INSETS[3]
        self.footer_top = height - (self.margin + self.footer_line) / 2
        self.rule_top = height * 0.55  # the cover's accent rule
        ceiling = height * 0.13  # the cover title stays clear of the logo in the corner
        if theme.logo_path:
            ceiling = max(ceiling, self.margin + self.sizes["logo"])
        self.cover_ceiling = ceiling

    # -- the master ----------------------------------------------------------------

    def master_shapes(self) -> list[str]:
        """The title bar (the title placeholder), its accent rule, the content area and
        the footer and slide-number placeholders in the bottom margin."""
        palette = self.palette
        return [
            self.title_bar(2),
            _rule(3, "Accent Rule", (0, TITLE_BAR, self.width, ACCENT_RULE), palette.accent),
            _placeholder(
                4,
                "Text Placeholder 3",
                '<p:ph type="body" idx="1"/>',
                (self.margin, self.top, self.area_width, self.area_height),
                TEXT_INSETS,
                "t",
            ),
            *self.footers(5),
        ]

    def title_bar(self, shape_id: int) -> str:
        """The title placeholder as a bar of the primary colour across the top; given on
        every layout as on the master, so that no viewer has to inherit its fill."""
        return _placeholder(
            shape_id,
            "Title 1",
            '<p:ph type="title"/>',
            (0, 0, self.width, TITLE_BAR),
            (self.margin, TEXT_INSETS[1], self.margin, TEXT_INSETS[3]),
            "ctr",
            fill=self.palette.primary,
        )

    def footers(self, first_id: int, *, layout: bool = False) -> list[str]:
        """The footer at the left of the bottom margin and the slide number at the right."""
        number_width = 72.0
        ids = (' idx="11"', ' idx="12"') if layout else (' idx="3"', ' idx="4"')
        style = (
            '<a:lvl1pPr algn="{align}"><a:defRPr sz="{size}" b="0">'
            '<a:solidFill><a:srgbClr val="{colour}"/></a:solidFill></a:defRPr></a:lvl1pPr>'
        )
        common = {"size": round(self.sizes["footer"] * 100), "colour": self.palette.muted}
        return [
            _placeholder(
                first_id,
                f"Footer Placeholder {first_id - 1}",
                f'<p:ph type="ftr" sz="quarter"{ids[0]}/>',
                (
                    self.margin,
                    self.footer_top,
                    self.area_width - number_width - GAP,
                    self.footer_line,
                ),
                TEXT_INSETS,
                "b",
                list_style=style.format(align="l", **common),
            ),
            _placeholder(
                first_id + 1,
                f"Slide Number Placeholder {first_id}",
                f'<p:ph type="sldNum" sz="quarter"{ids[1]}/>',
                (
                    self.width - self.margin - number_width,
                    self.footer_top,
                    number_width,
                    self.footer_line,
                ),
                TEXT_INSETS,
                "b",
                list_style=style.format(align="r", **common),
                text='<a:fld id="{B6F15528-21DE-4FAA-801E-634DDDAF4B2B}" type="slidenum">'
                "<a:t>&#8249;#&#8250;</a:t></a:fld>",
            ),
        ]

    def text_styles(self) -> str:
        """Title and body styles: the theme's fonts as theme fonts, its sizes and colours,
        bullets in the accent colour."""
        palette, sizes = self.palette, self.sizes
        body = round(sizes["body"] * 100)
        levels = "".join(
            f'<a:lvl{level}pPr marL="{pt(indent)}" indent="{-pt(hang)}" algn="l">'
            '<a:spcBef><a:spcPts val="0"/></a:spcBef>'
            f'<a:buClr><a:srgbClr val="{palette.accent_text}"/></a:buClr>'
            f'<a:buFont typeface="Arial"/><a:buChar char={quoteattr(char)}/>'
            f'<a:defRPr sz="{body}"><a:solidFill><a:srgbClr val="{palette.text}"/>'
            f'</a:solidFill><a:latin typeface="+mn-lt"/></a:defRPr></a:lvl{level}pPr>'
            for level, (indent, hang, char) in enumerate(
                [(36, 36, "•"), (72, 28, "–"), (100, 28, "•")], 1
            )
        )
        return (
            f"<p:txStyles {NAMESPACES}><p:titleStyle>"
            '<a:lvl1pPr algn="l"><a:spcBef><a:spcPts val="0"/></a:spcBef><a:buNone/>'
            f'<a:defRPr sz="{round(sizes["heading"] * 100)}" b="1">'
            f'<a:solidFill><a:srgbClr val="{palette.on_primary}"/></a:solidFill>'
            '<a:latin typeface="+mj-lt"/></a:defRPr></a:lvl1pPr></p:titleStyle>'
            f"<p:bodyStyle>{levels}</p:bodyStyle>"
            '<p:otherStyle><a:lvl1pPr><a:defRPr><a:latin typeface="+mn-lt"/></a:defRPr>'
            "</a:lvl1pPr></p:otherStyle></p:txStyles>"
        )

    # -- the layouts ---------------------------------------------------------------

    def layout_shapes(self, kind: str) -> list[str]:
        """The placeholders of one layout; positions not given are the master's."""
        title = self.title_bar(2)
        body = _inherited(3, "Content Placeholder 2", '<p:ph idx="1"/>')
        if kind == "title":
            return self.cover()  # covers carry no footer
        if kind == "secHead":
            return [*self.section_header(), *self.footers(8, layout=True)]
        if kind == "obj":
            return [title, body, *self.footers(4, layout=True)]
        if kind == "twoObj":
            half = (self.area_width - GAP) / 2
            return [
                title,
                *(
                    _placeholder(
                        3 + side,
                        f"Content Placeholder {2 + side}",
                        f'<p:ph sz="half" idx="{1 + side}"/>',
                        (self.margin + side * (half + GAP), self.top, half, self.area_height),
                        TEXT_INSETS,
                        "t",
                    )
                    for side in (0, 1)
                ),
                *self.footers(5, layout=True),
            ]
        if kind == "titleOnly":
            return [title, *self.footers(3, layout=True)]
        return self.footers(2, layout=True)  # blank

    def cover(self) -> list[str]:
        """The title slide: big title above an accent rule, subtitle and meta below (the
        deck puts the logo in the corner above, with the lesson's own alt text)."""
        return self.divider(
            '<p:ph type="ctrTitle"/>',
            self.cover_ceiling,
            "Subtitle 2",
            '<p:ph type="subTitle" idx="1"/>',
            self.palette.on_primary,
        )

    def section_header(self) -> list[str]:
        """A section divider on the primary colour: the heading, a rule, a line of text."""
        return self.divider(
            '<p:ph type="title"/>',
            self.height * 0.25,
            "Text Placeholder 2",
            '<p:ph type="body" idx="1"/>',
            self.palette.light,
        )

    def divider(self, title: str, ceiling: float, name: str, text: str, colour: str) -> list[str]:
        """A big title above an accent rule and a text placeholder below it, on the layout's
        primary background: the cover and the section header differ only in the details."""
        palette, sizes = self.palette, self.sizes
        left, width = 2 * self.margin, self.width - 4 * self.margin
        below = self.rule_top + ACCENT_RULE + GAP
        return [
            _placeholder(
                2,
                "Title 1",
                title,
                (left, ceiling, width, self.rule_top - GAP - ceiling),
                TEXT_INSETS,
                "b",
                list_style=_level_style(sizes["title"], palette.on_primary, bold=True),
                fill="",
            ),
            _rule(
                4, "Accent Rule", (left, self.rule_top, 1.5 * 72, ACCENT_RULE + 2), palette.accent
            ),
            _placeholder(
                3,
                name,
                text,
                (left, below, width, self.height - self.margin - below),
                TEXT_INSETS,
                "t",
                list_style=_level_style(sizes["subtitle"], colour, bullet=False),
            ),
        ]


def _level_style(size: float, colour: str, *, bold: bool = False, bullet: bool = True) -> str:
    none = "" if bullet else "<a:buNone/>"
    return (
        f'<a:lvl1pPr marL="0" indent="0" algn="l">{none}'
        f'<a:defRPr sz="{round(size * 100)}" b="{int(bold)}">'
        f'<a:solidFill><a:srgbClr val="{colour}"/></a:solidFill></a:defRPr></a:lvl1pPr>'
    )


def _box(rect: Sequence[float]) -> str:
    left, top, width, height = rect
    return (
        f'<a:xfrm><a:off x="{pt(left)}" y="{pt(top)}"/>'
        f'<a:ext cx="{pt(width)}" cy="{pt(height)}"/></a:xfrm>'
    )


def _insets(insets: Sequence[float]) -> str:
    names = ("lIns", "tIns", "rIns", "bIns")
    return "".join(f' {name}="{pt(value)}"' for name, value in zip(names, insets, strict=True))


def _placeholder(
    shape_id: int,
    name: str,
    ph: str,
    rect: Sequence[float],
    insets: Sequence[float],
    anchor: str,
    *,
    fill: str | None = None,
    list_style: str = "",
    text: str = "",
) -> str:
    """A placeholder with its own position, insets and anchor; *fill* '' for none."""
    if fill is None:
        background = ""
    elif fill:
        background = f'<a:solidFill><a:srgbClr val="{fill}"/></a:solidFill>'
    else:
        background = "<a:noFill/>"
    return (
        f'<p:sp {NAMESPACES}><p:nvSpPr><p:cNvPr id="{shape_id}" name={quoteattr(name)}/>'
        f'<p:cNvSpPr><a:spLocks noGrp="1"/></p:cNvSpPr><p:nvPr>{ph}</p:nvPr></p:nvSpPr>'
        f'<p:spPr>{_box(rect)}<a:prstGeom prst="rect"><a:avLst/></a:prstGeom>{background}'
        f'</p:spPr><p:txBody><a:bodyPr vert="horz" wrap="square"{_insets(insets)}'
        f' rtlCol="0" anchor="{anchor}"><a:noAutofit/></a:bodyPr>'
        f"<a:lstStyle>{list_style}</a:lstStyle><a:p>{text}</a:p></p:txBody></p:sp>"
    )


def _inherited(shape_id: int, name: str, ph: str) -> str:
    """A layout placeholder that takes position, insets and style from the master."""
    return (
        f'<p:sp {NAMESPACES}><p:nvSpPr><p:cNvPr id="{shape_id}" name={quoteattr(name)}/>'
        f'<p:cNvSpPr><a:spLocks noGrp="1"/></p:cNvSpPr><p:nvPr>{ph}</p:nvPr></p:nvSpPr>'
        "<p:spPr/><p:txBody><a:bodyPr/><a:lstStyle/><a:p/></p:txBody></p:sp>"
    )


def _rule(shape_id: int, name: str, rect: Sequence[float], colour: str) -> str:
    """A filled rectangle without text, marked decorative."""
    return (
        f'<p:sp {NAMESPACES}><p:nvSpPr><p:cNvPr id="{shape_id}" name={quoteattr(name)}>'
        f'{decorative()}</p:cNvPr><p:cNvSpPr/><p:nvPr userDrawn="1"/></p:nvSpPr>'
        f'<p:spPr>{_box(rect)}<a:prstGeom prst="rect"><a:avLst/></a:prstGeom>'
        f'<a:solidFill><a:srgbClr val="{colour}"/></a:solidFill><a:ln><a:noFill/></a:ln>'
        "</p:spPr></p:sp>"
    )


def _replace_tree(owner, shapes: Sequence[str]) -> None:
    """Replace the shapes of a master's or layout's shape tree by *shapes*."""
    tree = owner.find(qn("p:cSld")).find(qn("p:spTree"))
    for child in list(tree)[2:]:  # keep the group's own properties
        tree.remove(child)
    for shape in shapes:
        tree.append(parse_xml(shape))


def _background(owner, colour: str) -> None:
    """A solid background of *colour* for one layout."""
    slide_data = owner.find(qn("p:cSld"))
    old = slide_data.find(qn("p:bg"))
    if old is not None:
        slide_data.remove(old)
    slide_data.insert(
        0,
        parse_xml(
            f'<p:bg {NAMESPACES}><p:bgPr><a:solidFill><a:srgbClr val="{colour}"/>'
            "</a:solidFill><a:effectLst/></p:bgPr></p:bg>"
        ),
    )


def _scheme(part, theme: Theme) -> None:
    """The theme part's colours and fonts made the theme's: text and background as dark
    1 and light 1, primary and light as dark 2 and light 2, the accent and callout
    colours as accents, and the heading and body fonts as the major and minor fonts."""
    root = etree.fromstring(part.blob)
    a = "{http://schemas.openxmlformats.org/drawingml/2006/main}"
    palette = theme.palette
    colours = {
        "dk1": palette.text,
        "lt1": palette.background,
        "dk2": palette.primary,
        "lt2": palette.light,
        "accent1": palette.accent,
        "accent2": palette.callouts["note"],
        "accent3": palette.callouts["tip"],
        "accent4": palette.callouts["warning"],
        "accent5": palette.callouts["example"],
        "accent6": palette.muted,
        "hlink": palette.primary,
        "folHlink": palette.muted,
    }
    scheme = root.find(f".//{a}clrScheme")
    scheme.set("name", f"Lectern {theme.name}")
    for slot, colour in colours.items():
        holder = scheme.find(f"{a}{slot}")
        for child in list(holder):
            holder.remove(child)
        etree.SubElement(holder, f"{a}srgbClr", val=colour)
    fonts = root.find(f".//{a}fontScheme")
    fonts.set("name", f"Lectern {theme.name}")
    for tag, role in (("majorFont", "heading"), ("minorFont", "body")):
        fonts.find(f"{a}{tag}/{a}latin").set("typeface", getattr(theme.fonts, role).name)
    part._blob = etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)
