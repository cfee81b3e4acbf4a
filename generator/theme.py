"""Themes: one folder of colours, fonts, sizes and wording shared by every renderer.

A theme folder holds ``theme.yaml``. It may ``extends:`` another theme and override
only what it changes. Its ``text`` templates are jinja2 strings (run in the same
sandbox as lesson text) for every piece of wording a renderer adds by itself, so a
change of wording shows up in the handout, the deck and the cheat sheet at once.
"""

from __future__ import annotations

import functools
import warnings
from pathlib import Path
from typing import Any, Literal

from jinja2 import TemplateError
from jinja2.sandbox import SecurityError
from pydantic import Field, ValidationError, field_validator, model_validator

from .errors import LessonError
from .load import describe, parse, read_text
from .model import Document, Node
from .templating import explain, names_used, render_string

PACKAGE_DIR = Path(__file__).resolve().parent
FONTS_DIR = PACKAGE_DIR / "fonts"
FALLBACK_FONT = "LiberationSans"
STYLES = ("Regular", "Bold", "Italic", "BoldItalic")


def themes_dir() -> Path:
    """Where the shipped themes live: inside an installed package, or the checkout's templates/."""
    installed = PACKAGE_DIR / "templates"
    return installed if installed.is_dir() else PACKAGE_DIR.parent / "templates"


Colour = str


class Palette(Node):
    primary: Colour = Field(description="Headings, title bars, table headers.")
    accent: Colour = Field(description="Rules and highlights.")
    text: Colour
    muted: Colour = Field(description="Metadata, footers, captions.")
    background: Colour
    light: Colour = Field(description="Shaded boxes and alternating table rows.")
    on_primary: Colour = Field(description="Text on the primary colour.")
    callouts: dict[Literal["note", "tip", "warning", "example"], Colour]

    @field_validator("primary", "accent", "text", "muted", "background", "light", "on_primary")
    @classmethod
    def _hex(cls, value: str) -> str:
        return _hex_colour(value)

    @field_validator("callouts")
    @classmethod
    def _hex_all(cls, value: dict[str, str]) -> dict[str, str]:
        return {kind: _hex_colour(colour) for kind, colour in value.items()}


def _hex_colour(value: str) -> str:
    digits = value.lstrip("#").upper()
    if len(digits) != 6 or any(c not in "0123456789ABCDEF" for c in digits):
        raise ValueError(f"'{value}' is not a colour; write six hex digits like 1F3A5F")
    return digits


class Font(Node):
    name: str = Field(description="The font name written into Word and PowerPoint files.")
    file: str = Field(
        description="Family stem of metric-compatible TrueType files (FILE-Regular.ttf, ...)"
        " used to measure text and to embed in PDFs."
    )


class Fonts(Node):
    heading: Font
    body: Font
    mono: Font


class Margins(Node):
    docx: float = Field(20, description="Handout page margins, mm.")
    pdf: float = Field(10, description="Cheat sheet page margins, mm.")
    slide: float = Field(0.5, description="Slide margins, inches.")


class Theme(Node):
    """A validated theme; renderers read every colour, font, size and phrase from here."""

    name: str
    description: str = ""
    extends: str | None = None
    palette: Palette
    fonts: Fonts
    sizes: dict[Literal["docx", "pptx", "pdf"], dict[str, float]]
    paper: Literal["a4", "letter"] = "a4"
    margins: Margins = Field(default_factory=Margins)
    logo: str | None = Field(None, description="Image file, relative to the theme folder.")
    reference_docx: str | None = Field(
        None,
        description="A Word .docx/.dotx whose styles, headers and page setup the handout uses.",
    )
    reference_pptx: str | None = Field(
        None, description="A PowerPoint .pptx/.potx whose slide master and layouts the deck uses."
    )
    text: dict[str, str] = Field(description="Jinja2 wording templates, by name.")
    highlight: dict[str, Colour] = Field(
        default_factory=dict,
        description="Code colours: 'background', 'mark' (the continuation sign) and Pygments"
        " token types (Keyword, String, Comment, Name.Function ...); a type without its own"
        " colour takes its parent's, else the text colour.",
    )
    folders: list[Path] = Field(default_factory=list, exclude=True)

    @field_validator("highlight")
    @classmethod
    def _hex_highlight(cls, value: dict[str, str]) -> dict[str, str]:
        return {token: _hex_colour(colour) for token, colour in value.items()}

    @model_validator(mode="after")
    def _named_files_exist(self) -> Theme:
        for name in (self.logo, self.reference_docx, self.reference_pptx):
            self._file(name)
        return self

    @model_validator(mode="after")
    def _font_files_found(self) -> Theme:
        """Look every font file up as the theme loads, so a missing one is said then (by
        ``lectern check`` too), rather than by whichever renderer first measures text."""
        for role in ("heading", "body", "mono"):
            for style in range(len(STYLES)):
                self.font_file(role, bold=bool(style & 1), italic=bool(style & 2))
        return self

    def size(self, fmt: str, name: str) -> float:
        """A type size in points for one output format."""
        return self.sizes[fmt][name]

    def wording(self, name: str, document: Document, **context: Any) -> str:
        """Render the theme's *name* text template for *document*.

        Every template but ``footer`` itself may use ``{{ footer }}``, so one change to the
        footer wording reaches the handout, the slides and the cheat sheet.
        """
        template = self.text[name]
        try:
            if name != "footer" and "footer" in names_used(template):
                context.setdefault("footer", self.wording("footer", document))
            return render_string(template, {"doc": document, "vars": document.vars, **context})
        except (TemplateError, SecurityError) as error:
            where = self.folders[0] / "theme.yaml" if self.folders else Path(self.name)
            raise LessonError.at(where, f"text template '{name}': {explain(error)}") from None

    def font_file(self, role: str, *, bold: bool = False, italic: bool = False) -> Path:
        """The TrueType file for a font role, falling back (with a warning) to the shipped one.

        Remembered by the theme's folders and font, outside the model: text fitting asks
        for every word it measures, and a model's private attributes are slow to reach.
        """
        stem = getattr(self.fonts, role).file
        return _font_file(self.name, tuple(self.folders), stem, bold, italic)

    @property
    def logo_path(self) -> Path | None:
        """The logo file, if the theme has one."""
        return self._file(self.logo)

    def reference(self, fmt: Literal["docx", "pptx"]) -> Path | None:
        """The user's own Office template for *fmt*, if the theme names one."""
        return self._file(getattr(self, f"reference_{fmt}"))

    def _file(self, name: str | None) -> Path | None:
        """A file named by the theme: absolute, or in its folder or a folder it extends."""
        if name is None:
            return None
        if Path(name).is_absolute():
            return Path(name)
        for folder in self.folders:
            if (folder / name).is_file():
                return folder / name
        where = self.folders[0] / "theme.yaml" if self.folders else Path(self.name)
        raise LessonError.at(
            where, f"the file '{name}' is not in the theme's folder; check the name"
        )


@functools.lru_cache(maxsize=256)
def _font_file(theme: str, folders: tuple[Path, ...], stem: str, bold: bool, italic: bool) -> Path:
    style = STYLES[bold + 2 * italic]
    for candidate in (stem, FALLBACK_FONT):
        for folder in (*(f / "fonts" for f in folders), FONTS_DIR):
            for name in (f"{candidate}-{style}.ttf", f"{candidate}-Regular.ttf"):
                if (folder / name).is_file():
                    if candidate != stem:
                        where = folders[0] / "theme.yaml" if folders else f"theme '{theme}'"
                        warnings.warn(
                            f"{where}: font files {stem}-*.ttf not found; using {FALLBACK_FONT}"
                            f" (put {stem}-Regular.ttf and its Bold, Italic and BoldItalic"
                            " files in the theme's fonts/ folder)",
                            stacklevel=4,
                        )
                    return folder / name
    raise FileNotFoundError(f"no font files for {stem} or {FALLBACK_FONT}")


def find_theme(name_or_path: str, base: Path | None = None) -> Path:
    """A theme folder: a shipped theme's name, or a path (relative to *base*) to a folder."""
    candidate = Path(name_or_path)
    for folder in (
        (base / candidate) if base else candidate,
        candidate,
        themes_dir() / name_or_path,
    ):
        if (folder / "theme.yaml").is_file():
            return folder.resolve()
    shipped = ", ".join(available_themes())
    raise LessonError.at(
        Path(name_or_path), f"no such theme; use one of {shipped} or a folder with a theme.yaml"
    )


def available_themes() -> list[str]:
    """Names of the shipped themes."""
    return sorted(p.parent.name for p in themes_dir().glob("*/theme.yaml"))


def load_theme(name_or_path: str, base: Path | None = None) -> Theme:
    """Load and validate a theme, merging the themes it extends."""
    data, folders = _merged_data(find_theme(name_or_path, base), seen=())
    path = folders[0] / "theme.yaml"
    try:
        return Theme.model_validate({**data, "folders": folders})
    except ValidationError as error:
        _, source = parse(path, read_text(path))
        raise LessonError(describe(error, source, Theme)) from None


def _merged_data(folder: Path, seen: tuple[Path, ...]) -> tuple[dict[str, Any], list[Path]]:
    path = folder / "theme.yaml"
    if folder in seen:
        raise LessonError.at(path, "themes extend each other in a circle; break the loop")
    data, _ = parse(path, read_text(path))
    if not isinstance(data, dict):
        raise LessonError.at(path, "a theme is a mapping of keys (name:, palette:, ...)", 1)
    parent = data.get("extends")
    if not parent:
        return data, [folder]
    parent_data, parent_folders = _merged_data(find_theme(str(parent), folder), (*seen, folder))
    return _deep_merge(parent_data, data), [folder, *parent_folders]


def _deep_merge(base: dict[str, Any], override: dict[str, Any]) -> dict[str, Any]:
    merged = dict(base)
    for key, value in override.items():
        if isinstance(value, dict) and isinstance(merged.get(key), dict):
            merged[key] = _deep_merge(merged[key], value)
        else:
            merged[key] = value
    return merged
