"""The lesson content model: one validated tree that every renderer walks.

A lesson file writes a block as ``{compare: {...}, title: ...}``: exactly one kind
key plus the common keys. Internally blocks form a discriminated union whose tag is
that kind key (found by :func:`block_kind`), so the model keeps the file's shape
and validation errors point at the very key the author wrote.
"""

from __future__ import annotations

import datetime as dt
import difflib
from typing import Annotated, Any, ClassVar, Literal, Union

from pydantic import (
    BaseModel,
    ConfigDict,
    Discriminator,
    Field,
    GetJsonSchemaHandler,
    Tag,
    field_validator,
    model_validator,
)
from pydantic_core import PydanticCustomError

from .formula import FormulaError, read_formula
from .inline import RichText

FormatName = Annotated[str, Field(pattern=r"^[a-z][a-z0-9_-]*$")]


def closest(word: str, choices: list[str]) -> str | None:
    """The valid name a typo most likely meant, or None when nothing is close."""
    found = difflib.get_close_matches(word, choices, n=1, cutoff=0.6)
    return found[0] if found else None


class Node(BaseModel):
    """Base of every model class: frozen, and unknown keys are errors (typos must not vanish)."""

    model_config = ConfigDict(extra="forbid", frozen=True, coerce_numbers_to_str=True)

    @classmethod
    def keys(cls) -> list[str]:
        """The keys a lesson file may write for this class."""
        return [field.alias or name for name, field in cls.model_fields.items()]


class Filtered(Node):
    """Something a lesson can send to some formats only."""

    only: list[FormatName] | None = Field(
        None, description="Formats this appears in, e.g. [pdf, pptx]; all when absent."
    )
    skip: list[FormatName] = Field(
        default_factory=list, description="Formats this is left out of, e.g. [docx]."
    )

    def shown_in(self, fmt: str) -> bool:
        """Whether this belongs in the output format *fmt*."""
        return fmt not in self.skip and (self.only is None or fmt in self.only)


# -- blocks -------------------------------------------------------------------------


class Block(Filtered):
    """Common keys of every block."""

    kind: ClassVar[str]
    title: RichText | None = Field(None, description="A short label shown above the block.")


class TextBlock(Block):
    """A paragraph; ``short`` is its condensed form for slides and the cheat sheet."""

    kind: ClassVar[str] = "text"
    text: RichText
    short: RichText | None = None


class ListItem(Node):
    """One list entry: a plain string in the file, or a mapping with a term and children."""

    text: RichText
    term: RichText | None = None
    short: RichText | None = None
    items: list[ListItem] = Field(default_factory=list, description="Nested items.")

    @model_validator(mode="before")
    @classmethod
    def _from_string(cls, data: Any) -> Any:
        return {"text": data} if isinstance(data, (str, int, float)) else data

    @classmethod
    def __get_pydantic_json_schema__(cls, schema: Any, handler: GetJsonSchemaHandler) -> Any:
        return {"anyOf": [{"type": "string"}, handler(schema)]}

    @field_validator("items")
    @classmethod
    def _depth(cls, items: list[ListItem]) -> list[ListItem]:
        if any(grandchild.items for child in items for grandchild in child.items):
            raise PydanticCustomError(
                "too_deep", "lists nest at most 3 levels deep; flatten the innermost items"
            )
        return items


class ListBody(Node):
    numbered: bool = False
    items: list[ListItem] = Field(min_length=1)

    @model_validator(mode="before")
    @classmethod
    def _from_list(cls, data: Any) -> Any:
        return {"items": data} if isinstance(data, list) else data

    @classmethod
    def __get_pydantic_json_schema__(cls, schema: Any, handler: GetJsonSchemaHandler) -> Any:
        mapping = handler(schema)
        return {"anyOf": [mapping["properties"]["items"], mapping]}


class ListBlock(Block):
    """Bulleted or numbered items, nested up to three levels."""

    kind: ClassVar[str] = "list"
    list_: ListBody = Field(alias="list")


class CompareRow(Node):
    aspect: RichText | None = Field(None, description="Row label, e.g. Duration.")
    values: list[RichText]
    short: list[RichText] | None = Field(None, description="Condensed values, one per column.")


NOUNS = {"values": "value", "short": "short value"}


def counted(count: int, noun: str) -> str:
    """'1 value', '3 values': error messages read as a teacher would write them."""
    return f"{count} {noun}{'' if count == 1 else 's'}"


class CompareBody(Node):
    columns: list[RichText] = Field(min_length=2)
    rows: list[CompareRow] = Field(min_length=1)

    @model_validator(mode="after")
    def _row_widths(self) -> CompareBody:
        width = len(self.columns)
        for number, row in enumerate(self.rows, 1):
            for name in ("values", "short"):
                cells = getattr(row, name)
                if cells is not None and len(cells) != width:
                    raise PydanticCustomError(
                        "row_width",
                        "row {number} has {count} but there are {width} columns;"
                        " give one per column",
                        {
                            "number": number,
                            "count": counted(len(cells), NOUNS[name]),
                            "width": width,
                            "at": ("rows", number - 1, name),
                        },
                    )
        return self


class CompareBlock(Block):
    """The comparison matrix: aspects down the side, the compared things across."""

    kind: ClassVar[str] = "compare"
    compare: CompareBody


class TableBody(Node):
    header: list[RichText] = Field(min_length=1)
    rows: list[list[RichText]] = Field(min_length=1)

    @model_validator(mode="after")
    def _row_widths(self) -> TableBody:
        for number, row in enumerate(self.rows, 1):
            if len(row) != len(self.header):
                raise PydanticCustomError(
                    "row_width",
                    "row {number} has {count} but the header has {width}; give one per column",
                    {
                        "number": number,
                        "count": counted(len(row), "cell"),
                        "width": len(self.header),
                        "at": ("rows", number - 1),
                    },
                )
        return self


class TableBlock(Block):
    kind: ClassVar[str] = "table"
    table: TableBody


class Term(Node):
    term: RichText
    definition: RichText
    short: RichText | None = None


class TermsBlock(Block):
    """Terms with their definitions."""

    kind: ClassVar[str] = "terms"
    terms: list[Term] = Field(min_length=1)


class CalloutBody(Node):
    kind: Literal["note", "tip", "warning", "example"] = "note"
    title: RichText | None = None
    text: RichText
    short: RichText | None = None


class CalloutBlock(Block):
    """A boxed aside; its ``kind`` picks its colour and label."""

    kind: ClassVar[str] = "callout"
    callout: CalloutBody


class QuoteBody(Node):
    text: RichText
    source: RichText | None = None


class QuoteBlock(Block):
    kind: ClassVar[str] = "quote"
    quote: QuoteBody


class ImageBody(Node):
    src: str = Field(description="Path relative to the lesson file.")
    alt: str = Field(description="What the image shows, for screen readers.")
    caption: RichText | None = None

    @field_validator("alt")
    @classmethod
    def _alt_not_blank(cls, alt: str) -> str:
        if not alt.strip():
            raise PydanticCustomError(
                "alt_blank", "alt text is empty; describe what the image shows"
            )
        return alt


class ImageBlock(Block):
    kind: ClassVar[str] = "image"
    image: ImageBody


class MathBody(Node):
    """A display equation: its LaTeX, and how it is said when ``alt`` is given."""

    tex: str = Field(description="The equation in LaTeX, e.g. x = \\frac{-b}{2a}.")
    alt: str | None = Field(None, description="The spoken form; derived from the LaTeX if absent.")

    @model_validator(mode="before")
    @classmethod
    def _from_string(cls, data: Any) -> Any:
        return {"tex": data} if isinstance(data, (str, int, float)) else data

    @classmethod
    def __get_pydantic_json_schema__(cls, schema: Any, handler: GetJsonSchemaHandler) -> Any:
        return {"anyOf": [{"type": "string"}, handler(schema)]}

    @field_validator("tex")
    @classmethod
    def _readable(cls, tex: str) -> str:
        try:
            read_formula(tex)
        except FormulaError as error:
            raise PydanticCustomError("formula", "{message}", {"message": str(error)}) from None
        return tex

    @property
    def spoken(self) -> str:
        """What a screen reader says: the author's ``alt``, else words read off the formula."""
        return self.alt or read_formula(self.tex).spoken


class MathBlock(Block):
    """An equation on a line of its own."""

    kind: ClassVar[str] = "math"
    math: MathBody


BLOCK_TYPES: tuple[type[Block], ...] = (
    TextBlock,
    ListBlock,
    CompareBlock,
    TableBlock,
    TermsBlock,
    CalloutBlock,
    QuoteBlock,
    ImageBlock,
    MathBlock,
)
BLOCK_KINDS: tuple[str, ...] = tuple(block.kind for block in BLOCK_TYPES)


def block_kind(data: Any) -> str | None:
    """The tag of a block: its one kind key (None when it has none or several)."""
    if isinstance(data, Block):
        return data.kind
    if not isinstance(data, dict):
        return None
    kinds = [key for key in data if key in BLOCK_KINDS]
    return kinds[0] if len(kinds) == 1 else None


AnyBlock = Annotated[
    Union[tuple(Annotated[block, Tag(block.kind)] for block in BLOCK_TYPES)],  # noqa: UP007
    Discriminator(
        block_kind,
        custom_error_type="block_kind",
        custom_error_message="a block needs exactly one kind key: " + ", ".join(BLOCK_KINDS),
    ),
]


# -- document -----------------------------------------------------------------------


class Section(Filtered):
    heading: RichText
    notes: RichText | None = Field(None, description="Speaker notes for this section's slides.")
    blocks: list[AnyBlock] = Field(default_factory=list)
    sections: list[Section] = Field(default_factory=list, description="Subsections.")

    @model_validator(mode="after")
    def _not_empty(self) -> Section:
        if not self.blocks and not self.sections:
            raise PydanticCustomError(
                "empty_section",
                "section '{heading}' has no blocks; add some or remove the section",
                {"heading": str(self.heading)},
            )
        return self


class Question(Node):
    """An open question, or multiple choice when ``choices`` is given."""

    prompt: RichText
    choices: list[RichText] | None = Field(None, min_length=2)
    answer: RichText
    explanation: RichText | None = None

    @model_validator(mode="after")
    def _answer_is_a_choice(self) -> Question:
        if self.choices is not None and self.answer not in self.choices:
            raise PydanticCustomError(
                "answer_not_choice",
                "the answer '{answer}' is not one of the choices ({choices});"
                " copy one of them exactly",
                {"answer": str(self.answer), "choices": ", ".join(self.choices)},
            )
        return self


class DocxOptions(Node):
    answer_key: bool = Field(True, description="Add the answer key page (false: student copy).")
    paper: Literal["a4", "letter"] | None = None


class PptxOptions(Node):
    aspect: Literal["16:9", "4:3"] = "16:9"


class PdfOptions(Node):
    pages: int = Field(1, ge=1, le=20)
    columns: int = Field(3, ge=1, le=4)
    orientation: Literal["landscape", "portrait"] = "landscape"
    paper: Literal["a4", "letter"] | None = None
    questions: bool = Field(False, description="Include the questions.")
    allow_overflow: bool = Field(
        False, description="Run onto more pages instead of failing when the content does not fit."
    )


class Outputs(Node):
    """Per-format options; every one is optional."""

    docx: DocxOptions = Field(default_factory=DocxOptions)
    pptx: PptxOptions = Field(default_factory=PptxOptions)
    pdf: PdfOptions = Field(default_factory=PdfOptions)


Scalar = Union[str, int, float, bool, dt.date, None]  # noqa: UP007


class Document(Node):
    """A whole lesson."""

    title: RichText
    subtitle: RichText | None = None
    author: RichText | None = None
    organization: RichText | None = None
    date: dt.date | None = Field(
        None, description="The lesson's date; also the build timestamp, never 'today'."
    )
    audience: RichText | None = None
    duration: RichText | None = None
    language: str = Field("en", description="Language tag, e.g. en-GB.")
    keywords: list[str] = Field(default_factory=list)
    summary: RichText | None = None
    objectives: list[RichText] = Field(default_factory=list)
    vars: dict[str, Scalar] = Field(
        default_factory=dict, description="Values for {{ vars.NAME }} in any text."
    )
    theme: str = Field("default", description="A theme name or a path to a theme folder.")
    sections: list[Section] = Field(min_length=1)
    glossary: list[Term] = Field(default_factory=list)
    takeaways: list[RichText] = Field(default_factory=list)
    questions: list[Question] = Field(default_factory=list)
    sources: list[RichText] = Field(default_factory=list)
    outputs: Outputs = Field(default_factory=Outputs)


def json_schema() -> dict[str, Any]:
    """The JSON Schema of a lesson file, for editors' autocompletion and validation."""
    schema = Document.model_json_schema(by_alias=True)
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["title"] = "Lectern lesson"
    return schema
