"""What the Word handout and the PowerPoint deck share: Office Open XML package metadata."""

from __future__ import annotations

from typing import Any

from ..files import build_time
from ..model import Document

PROPERTY_LIMIT = 255  # characters the format allows in a core property


def fill_core_properties(props: Any, document: Document) -> None:
    """Set a package's core properties (python-docx's or python-pptx's) from the lesson.

    Every timestamp is the build time, so rebuilds are byte-identical; long texts are
    cut at a word, since both libraries refuse more than the format's 255 characters.
    """
    when = build_time(document).replace(tzinfo=None)
    props.title = fit_property(document.title.plain)
    props.subject = fit_property(document.subtitle.plain if document.subtitle else "")
    props.author = fit_property(document.author.plain if document.author else "")
    props.last_modified_by = props.author
    props.keywords = fit_property(", ".join(document.keywords))
    props.comments = fit_property(document.summary.plain if document.summary else "")
    props.language = document.language
    props.category = ""
    props.created = props.modified = props.last_printed = when
    props.revision = 1


def fit_property(text: str, limit: int = PROPERTY_LIMIT) -> str:
    """*text* cut at a word, with an ellipsis, to fit a core property."""
    if len(text) <= limit:
        return text
    return text[: limit - 1].rsplit(" ", 1)[0] + "…"
