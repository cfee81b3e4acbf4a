"""The deck's starting file: python-pptx's default template, or a user's own .pptx/.potx.

With a user's file the deck is built on its slide master and layouts, so the company's
colours, backgrounds and logos stay as its designer made them; this module opens such a
file, empties it of slides, finds the layouts the deck needs (by name, else by the
placeholders they hold) and says where their placeholders sit, so text can be measured
in the very box it will be drawn in.
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pptx import Presentation
from pptx.enum.shapes import PP_PLACEHOLDER
from pptx.presentation import Presentation as Deck
from pptx.slide import Slide, SlideLayout

from ..errors import BuildError

TEMPLATE_TYPE = "application/vnd.openxmlformats-officedocument.presentationml.template.main+xml"
PRESENTATION_TYPE = (
    "application/vnd.openxmlformats-officedocument.presentationml.presentation.main+xml"
)
TITLES = (PP_PLACEHOLDER.TITLE, PP_PLACEHOLDER.CENTER_TITLE)
BODIES = (PP_PLACEHOLDER.BODY, PP_PLACEHOLDER.OBJECT)
SUBTITLES = (PP_PLACEHOLDER.SUBTITLE, *BODIES)


@dataclass(frozen=True)
class Rect:
    """A placeholder's box on the slide, in points."""

    left: float
    top: float
    width: float
    height: float


@dataclass(frozen=True)
class Layouts:
    """The reference's layouts the deck uses: one for covers, one for content slides."""

    title: SlideLayout
    content: SlideLayout


def open_deck(reference: Path | None) -> Deck:
    """The default template, or *reference* emptied of its slides (a .potx opened as a deck)."""
    if reference is None:
        return Presentation()
    data = reference.read_bytes()
    if reference.suffix.lower() == ".potx":
        data = _as_presentation(data)
    deck = Presentation(io.BytesIO(data))
    slides = deck.slides._sldIdLst
    for slide in list(slides):
        deck.part.drop_rel(slide.rId)  # the slide part is then no longer written
        slides.remove(slide)
    return deck


def _as_presentation(data: bytes) -> bytes:
    """A .potx package with its main part declared a presentation, which python-pptx opens."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, zipfile.ZipFile(out, "w") as target:
        for item in source.infolist():
            content = source.read(item.filename)
            if item.filename == "[Content_Types].xml":
                content = content.replace(TEMPLATE_TYPE.encode(), PRESENTATION_TYPE.encode())
            target.writestr(item, content, compress_type=zipfile.ZIP_DEFLATED)
    return out.getvalue()


class Slides:
    """Adds slides to a deck as python-pptx's ``add_slide`` does, with each layout's own
    placeholders; which placeholders those are is found once per layout, not once per
    slide, since looking through the layout was most of the cost of a new slide."""

    def __init__(self, deck: Deck) -> None:
        self.deck = deck
        self.placeholders: dict[str, tuple[Any, ...]] = {}  # by the layout's part name

    def add(self, layout: SlideLayout) -> Slide:
        """A new last slide on *layout*."""
        name = layout.part.partname
        if name not in self.placeholders:
            self.placeholders[name] = tuple(layout.iter_cloneable_placeholders())
        relation, slide = self.deck.part.add_slide(layout)
        for shape in self.placeholders[name]:
            slide.shapes.clone_placeholder(shape)
        self.deck.slides._sldIdLst.add_sldId(relation)
        return slide


def find_layouts(deck: Deck) -> Layouts:
    """The title and content layouts: by their usual names, else by the placeholders they hold."""
    layouts = list(deck.slide_layouts)
    content = _layout(layouts, "Title and Content", BODIES)
    title = _layout(layouts, "Title Slide", (PP_PLACEHOLDER.SUBTITLE,)) or content
    if content is None or title is None:
        raise BuildError(
            "the reference deck has no layout with a title and a content placeholder;"
            " add a 'Title and Content' layout to it"
        )
    return Layouts(title, content)


def _layout(
    layouts: Sequence[SlideLayout], name: str, second: Sequence[PP_PLACEHOLDER]
) -> SlideLayout | None:
    named = [layout for layout in layouts if layout.name.lower() == name.lower()]
    typed = [
        layout
        for layout in layouts
        if placeholder(layout, TITLES) is not None and placeholder(layout, second) is not None
    ]
    return next(iter(named + typed), None)


def placeholder(owner: Any, kinds: Sequence[PP_PLACEHOLDER]) -> Any | None:
    """The first placeholder of one of *kinds* on a slide or layout, in the order of *kinds*."""
    for kind in kinds:
        for shape in owner.placeholders:
            if shape.placeholder_format.type == kind:
                return shape
    return None


def rect(shape: Any) -> Rect:
    """Where *shape* sits, inherited from its layout and master when it does not say."""
    return Rect(*(value / 12700 for value in (shape.left, shape.top, shape.width, shape.height)))


def remove(shape: Any) -> None:
    """Take *shape* off its slide (an unused placeholder would show its prompt text)."""
    element = shape._element
    element.getparent().remove(element)
