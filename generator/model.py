"""The lesson content model: one validated tree that every renderer walks.

A lesson file writes a block as ``{compare: {...}, title: ...}``: exactly one kind
key plus the common keys. Internally blocks form a discriminated union whose tag is
that kind key (found by :func:`block_kind`), so the model keeps the file's shape
and validation errors point at the very key the author wrote.
"""

from __future__ import annotations

import datetime as dt
import difflib
import unicodedata
from collections.abc import Iterator
from typing import Annotated, Any, ClassVar, Literal, Union

from pydantic import (
    BaseModel,
    ConfigDict,
    Discriminator,
    Field,
    GetJsonSchemaHandler,
    Tag,
    ValidationInfo,
    WithJsonSchema,
    field_validator,
    model_validator,
)
from pydantic_core import PydanticCustomError

from .formula import FormulaError, read_formula
from .inline import RichText
from .mathspeech import FALLBACK, Speech

FormatName = Annotated[str, Field(pattern=r"^[a-z][a-z0-9_-]*$")]
MIN_WIDTH = 10  # percent: an image narrower than this is a mistake, not a layout


def blank(text: str) -> bool:
    """Whether *text* shows nothing: spaces only, or characters that are never drawn (a
    zero-width space), which a screen reader reads as nothing too."""
    return all(char.isspace() or unicodedata.category(char) in ("Cf", "Cc") for char in text)


def shown(text: RichText, what: str) -> RichText:
    """*text*, which is *what* (a title a screen reader announces), refused when blank."""
    if blank(text.plain):
        raise PydanticCustomError(
            "blank", "it is empty; write {what}, which screen readers announce", {"what": what}
        )
    return text


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


Language = Annotated[str, Field(pattern=r"^[A-Za-z]{2,3}(?:-[A-Za-z0-9]{1,8})*$")]


class Block(Filtered):
    """Common keys of every block."""

    kind: ClassVar[str]
    title: RichText | None = Field(None, description="A short label shown above the block.")
    new_slide: bool = Field(False, description="Start a new slide with this block (decks only).")
    notes: RichText | None = Field(
        None, description="Speaker notes for the slide that shows this block."
    )
    lang: Language | None = Field(
        None, description="This block's language (e.g. ru), when not the lesson's."
    )

    @field_validator("title")
    @classmethod
    def _title_shown(cls, title: RichText | None) -> RichText | None:
        return None if title is None else shown(title, "the block's title (or leave title out)")


class TextBlock(Block):
    """A paragraph; ``short`` is its condensed form for slides and the cheat sheet.

    In a ``|`` text a single newline is a line break and a blank line a new paragraph;
    ``H~2~O`` and ``x^2^`` are sub- and superscripts, in every text."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "text": "Water is H~2~O.\nA second line.\n\nA new paragraph.",
                    "notes": "Said while this block shows.",
                    "lang": "en-GB",
                }
            ]
        }
    )
    kind: ClassVar[str] = "text"
    text: RichText
    short: RichText | None = None


class Shorthand(Node):
    """A mapping that may also be written as a plain string, which stands for its
    :attr:`written_as` field (``- Apples`` for ``- {text: Apples}``)."""

    written_as: ClassVar[str]

    @model_validator(mode="before")
    @classmethod
    def _from_string(cls, data: Any) -> Any:
        return {cls.written_as: data} if isinstance(data, (str, int, float)) else data

    @classmethod
    def __get_pydantic_json_schema__(cls, schema: Any, handler: GetJsonSchemaHandler) -> Any:
        return {"anyOf": [{"type": "string"}, handler(schema)]}


def _numbered_from(start: int, info: ValidationInfo) -> int:
    """A first number belongs to numbered items: on bullets it would silently do nothing."""
    if start != 1 and not info.data.get("numbered"):
        raise PydanticCustomError(
            "start_unnumbered",
            "only a numbered list has a first number; add numbered: true or leave start out",
        )
    return start


class ListItem(Shorthand):
    """One list entry: a plain string in the file, or a mapping with a term and children."""

    written_as: ClassVar[str] = "text"

    text: RichText
    term: RichText | None = None
    short: RichText | None = None
    items: list[ListItem] = Field(default_factory=list, description="Nested items.")
    numbered: bool = Field(False, description="Its nested items are numbered: steps under a point.")
    start: int = Field(1, ge=1, description="The first number of its numbered nested items.")

    _start = field_validator("start")(_numbered_from)

    @field_validator("numbered")
    @classmethod
    def _numbers_items(cls, numbered: bool, info: ValidationInfo) -> bool:
        if numbered and "items" in info.data and not info.data["items"]:
            raise PydanticCustomError(
                "numbered_without_items",
                "counts an item's nested items, and this one has none; add items under it"
                " or leave numbered out",
            )
        return numbered

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
    start: int = Field(
        1,
        ge=1,
        description="The first item's number: a numbered list that goes on after a picture or"
        " code (start: 3 for steps 3 and 4).",
    )
    items: list[ListItem] = Field(min_length=1)

    _start = field_validator("start")(_numbered_from)

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


Alignment = Literal["left", "center", "right"]


class TableBody(Node):
    header: list[RichText] = Field(min_length=1)
    rows: list[list[RichText]] = Field(min_length=1)
    align: list[Alignment] | None = Field(
        None,
        description="How each column's cells line up (numbers read best on the right); in a"
        " right-to-left table, left is where its lines start.",
    )

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
        if self.align is not None and len(self.align) != len(self.header):
            raise PydanticCustomError(
                "align_width",
                "gives {count} for {width}; give one per column, as the header does",
                {
                    "count": counted(len(self.align), "alignment"),
                    "width": counted(len(self.header), "column"),
                    "at": ("align",),
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
    width: Annotated[
        float | None,
        WithJsonSchema(
            {
                "anyOf": [
                    {"type": "string", "pattern": r"^\s*\d+(\.\d+)?\s*%?\s*$"},
                    {"type": "number", "minimum": MIN_WIDTH, "maximum": 100},
                ]
            }
        ),
    ] = Field(
        None,
        description="Percent of the text width (of the body on a slide), 10% to 100%,"
        " e.g. 50%; as large as fits when absent.",
    )

    @field_validator("width", mode="before")
    @classmethod
    def _percent(cls, value: Any) -> Any:
        """``50%``, ``50`` and ``"50"`` all mean half the width; anything else, or outside
        10-100%, is the author's mistake, said in their words."""
        if value is None:
            return None
        text = str(value).strip().removesuffix("%").strip()
        try:
            percent = float(text)
        except ValueError:
            percent = None
        if isinstance(value, bool) or percent is None or not MIN_WIDTH <= percent <= 100:
            raise PydanticCustomError(
                "width_range",
                "width '{value}' is not a percentage from {low}% to 100%; write e.g. 50%",
                {"value": str(value), "low": MIN_WIDTH},
            )
        return percent

    @field_validator("alt")
    @classmethod
    def _alt_not_blank(cls, alt: str) -> str:
        if blank(alt):
            raise PydanticCustomError(
                "alt_blank", "alt text is empty; describe what the image shows"
            )
        return alt


class ImageBlock(Block):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {"image": {"src": "map.png", "alt": "Map of NATO members", "width": "50%"}}
            ]
        }
    )
    kind: ClassVar[str] = "image"
    image: ImageBody


class MathBody(Shorthand):
    """A display equation: its LaTeX, and how it is said when ``alt`` is given."""

    written_as: ClassVar[str] = "tex"

    tex: str = Field(description="The equation in LaTeX, e.g. x = \\frac{-b}{2a}.")
    alt: str | None = Field(None, description="The spoken form; derived from the LaTeX if absent.")

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
        """What a screen reader says: the author's ``alt``, else words read off the formula,
        in English (:meth:`spoken_in` reads them in a block's language)."""
        return self.spoken_in(FALLBACK).text

    def spoken_in(self, language: str) -> Speech:
        """What a screen reader says in a block of *language*: the author's ``alt`` (written
        in the block's language), else the formula read in that language's words."""
        if self.alt:
            return Speech(self.alt, language)
        return read_formula(self.tex).spoken_in(language)


class MathBlock(Block):
    """An equation on a line of its own."""

    kind: ClassVar[str] = "math"
    math: MathBody


class CodeBody(Shorthand):
    written_as: ClassVar[str] = "text"

    text: str = Field(description="The code, verbatim: indentation and line breaks are kept.")
    language: str | None = Field(
        None, description="A Pygments lexer name (python, bash, yaml ...); plain when absent."
    )

    @field_validator("text")
    @classmethod
    def _no_final_newlines(cls, text: str) -> str:
        """The code without the newline a YAML ``|`` block ends in (a Markdown fence has
        none): it is not a line of the code, so both forms hold the same code."""
        return text.rstrip("\n")

    @property
    def lines(self) -> list[str]:
        """The code's lines as written, tabs set at every 4 columns."""
        return self.text.expandtabs(4).split("\n")


class CodeBlock(Block):
    """Program code or commands, verbatim in the mono font, highlighted by language."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "code": {
                        "language": "python",
                        "text": "def area(r):\n    return 3.14 * r**2\n",
                    },
                    "title": "A first function",
                    "notes": "Type it live.",
                },
                {"code": "git status"},
            ]
        }
    )
    kind: ClassVar[str] = "code"
    code: CodeBody


class ColumnsBody(Node):
    widths: list[Annotated[float, Field(gt=0)]] | None = Field(
        None, description="Relative widths, one per column, e.g. [2, 3]; equal when absent."
    )
    blocks: list[list[AnyBlock]] = Field(
        description="Two or three columns, each a list of blocks, shown side by side."
    )

    @field_validator("blocks")
    @classmethod
    def _two_or_three(cls, blocks: list[list[Block]]) -> list[list[Block]]:
        if not 2 <= len(blocks) <= 3:
            raise PydanticCustomError(
                "columns_count",
                "columns has {count}; give 2 or 3 columns, each a list of blocks"
                " (one column needs no columns block)",
                {"count": counted(len(blocks), "column")},
            )
        for number, column in enumerate(blocks, 1):
            if not column:
                raise PydanticCustomError(
                    "columns_count",
                    "column {number} is empty; give it a block or remove it",
                    {"number": number, "at": (number - 1,)},
                )
            for index, block in enumerate(column):
                if isinstance(block, ColumnsBlock):
                    raise PydanticCustomError(
                        "columns_count",
                        "columns cannot hold columns; put these blocks in the outer columns",
                        {"at": (number - 1, index)},
                    )
        return blocks

    @model_validator(mode="after")
    def _widths_match(self) -> ColumnsBody:
        if self.widths is not None and len(self.widths) != len(self.blocks):
            raise PydanticCustomError(
                "columns_count",
                "widths has {count} but there are {columns}; give one width per column",
                {
                    "count": counted(len(self.widths), "value"),
                    "columns": counted(len(self.blocks), "column"),
                    "at": ("widths",),
                },
            )
        return self

    @property
    def shares(self) -> list[float]:
        """Each column's share of the width (they add up to 1)."""
        widths = self.widths or [1.0] * len(self.blocks)
        return [width / sum(widths) for width in widths]


class ColumnsBlock(Block):
    """Blocks side by side: a diagram beside its explanation."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "columns": {
                        "widths": [2, 3],
                        "blocks": [
                            [{"image": {"src": "fbd.png", "alt": "Free-body diagram"}}],
                            [{"text": "Two forces act on the block ..."}],
                        ],
                    },
                    "new_slide": True,
                }
            ]
        }
    )
    kind: ClassVar[str] = "columns"
    columns: ColumnsBody


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
    CodeBlock,
    ColumnsBlock,
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


def inner_blocks(blocks: list[Block]) -> list[Block]:
    """*blocks* with those inside ``columns`` blocks after each, in reading order."""
    found: list[Block] = []
    for block in blocks:
        found.append(block)
        if isinstance(block, ColumnsBlock):
            found += [inner for column in block.columns.blocks for inner in column]
    return found


def located_blocks(
    blocks: list[Block], loc: tuple[str | int, ...]
) -> Iterator[tuple[tuple[str | int, ...], Block]]:
    """:func:`inner_blocks` with each block's location path below *loc* (as validation
    errors write it), so a problem found in the model can be said at its lesson line."""
    for index, block in enumerate(blocks):
        yield (*loc, index), block
        if isinstance(block, ColumnsBlock):
            for number, column in enumerate(block.columns.blocks):
                for inner, found in enumerate(column):
                    yield (*loc, index, "columns", "blocks", number, inner), found


# -- document -----------------------------------------------------------------------


ColumnsBody.model_rebuild()


class Section(Filtered):
    heading: RichText
    notes: RichText | None = Field(
        None, description="Speaker notes for this section's first slide."
    )
    lang: Language | None = Field(
        None, description="This section's language (e.g. ru), when not the lesson's."
    )
    blocks: list[AnyBlock] = Field(default_factory=list)
    sections: list[Section] = Field(default_factory=list, description="Subsections.")

    @field_validator("heading")
    @classmethod
    def _heading_shown(cls, heading: RichText) -> RichText:
        return shown(heading, "the section's heading and its slides' title")

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

    @field_validator("title")
    @classmethod
    def _title_shown(cls, title: RichText) -> RichText:
        return shown(title, "the lesson's title (its cover slide's and its files')")


def json_schema() -> dict[str, Any]:
    """The JSON Schema of a lesson file, for editors' autocompletion and validation."""
    schema = Document.model_json_schema(by_alias=True)
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["title"] = "Lectern lesson"
    return schema
