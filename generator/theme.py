"""Themes: one folder of colours, fonts, sizes and wording shared by every renderer.

A theme folder holds ``theme.yaml``. It may ``extends:`` another theme and override
only what it changes. Its ``text`` templates are jinja2 strings (run in the same
sandbox as lesson text) for every piece of wording a renderer adds by itself, so a
change of wording shows up in the handout, the deck and the cheat sheet at once.
"""

from __future__ import annotations

import difflib
import functools
import warnings
from pathlib import Path
from typing import Annotated, Any, Literal

import yaml
from jinja2 import TemplateError
from jinja2.sandbox import SecurityError
from pydantic import AfterValidator, Field, ValidationError, field_validator, model_validator
from pydantic_core import PydanticCustomError

from .contrast import AA_TEXT, Shortfall, ratio, shortfalls
from .errors import LessonError, Problem
from .images import ImageProblem, usable_image
from .languages import text_tags
from .load import SourceMap, describe, parse, read_text, text_problem
from .model import Document, Node, closest
from .officefile import POWERPOINT, WORD, Kind, file_problem
from .templating import check_theme_template, explain, has_template, names_used, render_string

PACKAGE_DIR = Path(__file__).resolve().parent
FONTS_DIR = PACKAGE_DIR / "fonts"
FALLBACK_FONT = "LiberationSans"
FALLBACK_FAMILY = "DejaVuSans"  # measures an unknown template font: wide, so a narrower one fits
STYLES = ("Regular", "Bold", "Italic", "BoldItalic")
REFERENCES: dict[str, Kind] = {"reference_docx": WORD, "reference_pptx": POWERPOINT}


@functools.cache
def metric_twins() -> dict[str, str]:
    """Office font names (lower case) and the shipped family whose metrics measure text
    set in them (``fonts/metrics.yaml``): a user's template names its own fonts."""
    with (FONTS_DIR / "metrics.yaml").open(encoding="utf-8") as file:
        return {name.lower(): family for name, family in yaml.safe_load(file).items()}


def metric_family(font: str) -> str:
    """The shipped TrueType family that measures text set in *font* (the fallback's
    for a font without a known twin)."""
    return metric_twins().get(font.lower(), FALLBACK_FAMILY)


def themes_dir() -> Path:
    """Where the shipped themes live: inside an installed package, or the checkout's templates/."""
    installed = PACKAGE_DIR / "templates"
    return installed if installed.is_dir() else PACKAGE_DIR.parent / "templates"


Colour = str


class Palette(Node):
    primary: Colour = Field(description="Headings, title bars, table headers.")
    accent: Colour = Field(description="Rules, bars and highlights: decoration, never text.")
    accent_text: Colour = Field(
        description="The accent where it colours text or bullets (links, list numbers, block"
        " titles, subtitles): a darker shade of the accent that reads on every background."
        " Defaults to the accent itself.",
    )
    text: Colour
    muted: Colour = Field(description="Metadata, footers, captions.")
    background: Colour
    light: Colour = Field(description="Shaded boxes and alternating table rows.")
    on_primary: Colour = Field(description="Text on the primary colour.")
    callouts: dict[Literal["note", "tip", "warning", "example"], Colour]

    @field_validator(
        "primary", "accent", "accent_text", "text", "muted", "background", "light", "on_primary"
    )
    @classmethod
    def _hex(cls, value: str) -> str:
        return _hex_colour(value)

    @model_validator(mode="before")
    @classmethod
    def _text_accent(cls, data: Any) -> Any:
        if isinstance(data, dict) and data.get("accent_text") is None and "accent" in data:
            return {**data, "accent_text": data["accent"]}
        return data

    @field_validator("callouts")
    @classmethod
    def _hex_all(cls, value: dict[str, str]) -> dict[str, str]:
        return {kind: _hex_colour(colour) for kind, colour in value.items()}


def _hex_colour(value: str) -> str:
    digits = value.lstrip("#").upper()
    if len(digits) != 6 or any(c not in "0123456789ABCDEF" for c in digits):
        raise ValueError(f"'{value}' is not a colour; write six hex digits like 1F3A5F")
    return digits


def _checked_wording(source: str) -> str:
    """A wording template the sandbox may run: valid syntax and only lesson text's filters."""
    try:
        check_theme_template(source)
    except (TemplateError, SecurityError) as error:
        raise PydanticCustomError("wording", explain(error)) from None
    return source


Wording = Annotated[str, AfterValidator(_checked_wording)]


class Font(Node):
    name: str = Field(description="The font name written into Word and PowerPoint files.")
    file: str = Field(
        description="Family stem of metric-compatible TrueType files (FILE-Regular.ttf, ...)"
        " used to measure text and to embed in PDFs."
    )

    @field_validator("file")
    @classmethod
    def _bare_stem(cls, value: str) -> str:
        if not value or any(mark in value for mark in ("/", "\\", ":")) or value.startswith("."):
            raise ValueError(
                f"'{value}' should be the family part of a font file's name (like LiberationSans"
                " for LiberationSans-Regular.ttf), not a path; put the files in the theme's fonts/"
            )
        return value


class Fonts(Node):
    heading: Font
    body: Font
    mono: Font
    fallback: list[str] = Field(
        default_factory=list,
        description="TrueType files (STEM.ttf or STEM-Regular.ttf, in the theme's fonts/ or the"
        " system's font folders) for characters the fonts above lack, first match first:"
        " Hebrew, Arabic, CJK. Used by the PDF; Word and PowerPoint find their own.",
    )

    @field_validator("fallback")
    @classmethod
    def _bare_stems(cls, stems: list[str]) -> list[str]:
        for stem in stems:
            Font._bare_stem(stem)
        return stems


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
    text: dict[str, Wording] = Field(description="Jinja2 wording templates, by name.")
    highlight: dict[str, Colour] = Field(
        default_factory=dict,
        description="Code colours: 'background', 'mark' (the continuation sign) and Pygments"
        " token types (Keyword, String, Comment, Name.Function ...); a type without its own"
        " colour takes its parent's, else the text colour.",
    )
    folders: list[Path] = Field(default_factory=list, exclude=True)
    language: str = Field("", exclude=True)  # the lesson language its wording was read for

    @field_validator("highlight")
    @classmethod
    def _hex_highlight(cls, value: dict[str, str]) -> dict[str, str]:
        return {token: _hex_colour(colour) for token, colour in value.items()}

    @property
    def code_background(self) -> str:
        """The fill behind code: the highlight palette's, else the palette's light one."""
        return self.highlight.get("background", self.palette.light)

    @model_validator(mode="after")
    def _named_files_usable(self) -> Theme:
        """Find every file the theme names, and refuse an Office template of the wrong
        kind (a Word file as ``reference_pptx``), as the theme loads: said at its line,
        not later by a renderer, blamed on whichever lesson was building."""
        self._file("logo")
        for key, kind in REFERENCES.items():
            path = self._file(key)
            problem = None if path is None else file_problem(path, kind)
            if problem:
                message = f"the file '{getattr(self, key)}': {problem}"
                raise LessonError([self._source().problem((key,), message)])
        return self

    @model_validator(mode="after")
    def _font_files_found(self) -> Theme:
        """Look every font file up as the theme loads, so a missing one is said then (by
        ``lectern check`` too), rather than by whichever renderer first measures text; and
        said by every load, though the lookups are remembered, so a theme read again after
        an edit still warns."""
        missing = set()
        for role in ("heading", "body", "mono"):
            stem = getattr(self.fonts, role).file
            for style in range(len(STYLES)):
                found = self.font_file(role, bold=bool(style & 1), italic=bool(style & 2))
                if not found.name.startswith(f"{stem}-"):
                    missing.add(stem)
        where = self.folders[0] / "theme.yaml" if self.folders else f"theme '{self.name}'"
        for stem in sorted(missing):
            warnings.warn(
                f"{where}: font files {stem}-*.ttf not found; using {FALLBACK_FONT}"
                f" (put {stem}-Regular.ttf and its Bold, Italic and BoldItalic"
                " files in the theme's fonts/ folder)",
                stacklevel=2,
            )
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
            # Most wording is one plain line, which the template would give back as it is
            # (a line break it would normalise); running it costs a compile per process.
            if template.isprintable() and not has_template(template):
                result = template
            else:
                if name != "footer" and "footer" in names_used(template):
                    context.setdefault("footer", self.wording("footer", document))
                context = {"doc": document, "vars": document.vars, **context}
                result = render_string(template, context)
            if problem := text_problem(result):
                raise SecurityError(f"filled in, {problem}")
            return result
        except (TemplateError, SecurityError) as error:
            message = f"text template '{name}': {explain(error)}"
            raise LessonError([self._source().problem(("text", name), message)]) from None

    def font_file(self, role: str, *, bold: bool = False, italic: bool = False) -> Path:
        """The TrueType file for a font role, falling back (with a warning) to the shipped one.

        Remembered by the theme's folders and font, outside the model: text fitting asks
        for every word it measures, and a model's private attributes are slow to reach.
        """
        stem = getattr(self.fonts, role).file
        return _font_file(tuple(self.folders), stem, bold, italic)

    @property
    def logo_path(self) -> Path | None:
        """The logo file, if the theme has one."""
        return self._file("logo")

    def check_files(self, *, allow_outside: bool) -> None:
        """Refuse a logo or Office template that lies outside the theme's folders, and a
        logo that is not a usable picture.

        The same rule as a lesson's images: an absolute path, ``../..`` or a symbolic
        link out of the folder is embedded in every output, so it needs --allow-outside.
        """
        inside = [folder.resolve() for folder in self.folders]
        problems = []
        for key in ("logo", *REFERENCES):
            name = getattr(self, key)
            found = self._file(key)
            if (
                not allow_outside
                and found is not None
                and not any(found.resolve().is_relative_to(f) for f in inside)
            ):
                problems.append(
                    (
                        key,
                        f"the file '{name}' is outside the theme's folder; move it into the"
                        " folder, or build with --allow-outside if you trust this theme",
                    )
                )
        if self.logo_path is not None:
            try:
                usable_image(self.logo_path)
            except ImageProblem as problem:
                problems.append(("logo", f"the logo '{self.logo}' {problem}"))
        if problems:
            raise LessonError(
                [self._source().problem((key,), message) for key, message in problems]
            )

    def _source(self) -> SourceMap:
        """Where the theme's keys are written, for located messages."""
        path = self.folders[0] / "theme.yaml" if self.folders else Path(self.name)
        if not path.is_file():
            return SourceMap(path)
        return parse(path, read_text(path))[1]

    def reference(self, fmt: Literal["docx", "pptx"]) -> Path | None:
        """The user's own Office template for *fmt*, if the theme names one."""
        return self._file(f"reference_{fmt}")

    def _file(self, key: str) -> Path | None:
        """The file the theme's *key* names: absolute, or in its folder or a folder it
        extends; one it names but that is not there is an error at the key's line."""
        name = getattr(self, key)
        if name is None:
            return None
        if Path(name).is_absolute():
            return Path(name)
        for folder in self.folders:
            if (folder / name).is_file():
                return folder / name
        message = f"the file '{name}' is not in the theme's folder; check the name"
        raise LessonError([self._source().problem((key,), message)])


@functools.lru_cache(maxsize=256)
def _font_file(folders: tuple[Path, ...], stem: str, bold: bool, italic: bool) -> Path:
    style = STYLES[bold + 2 * italic]
    for candidate in (stem, FALLBACK_FONT):
        for folder in (*(f / "fonts" for f in folders), FONTS_DIR):
            for name in (f"{candidate}-{style}.ttf", f"{candidate}-Regular.ttf"):
                if (folder / name).is_file():
                    return folder / name
    raise FileNotFoundError(f"no font files for {stem} or {FALLBACK_FONT}")


class UnknownTheme(LessonError):
    """No shipped theme has this name and no folder at this path holds a theme.yaml.

    Only the caller knows where the name is written (a lesson's ``theme:``, a theme's
    ``extends:``, ``--theme``), so it says :attr:`message` there; a caller that does
    not is left a problem filed under the name itself.
    """

    def __init__(self, name: str) -> None:
        self.message = _no_such_theme(name)
        super().__init__([Problem(Path(name), self.message)])


def _no_such_theme(name: str) -> str:
    """What to say of an unknown theme: the shipped one a typo most likely meant, and
    every one there is, so the author can pick without looking them up."""
    shipped = available_themes()
    guess = closest(name, shipped)
    hint = f" did you mean '{guess}'?" if guess else ""
    return (
        f"no such theme '{name}';{hint} use one of {', '.join(shipped)}"
        " or a folder with a theme.yaml"
    )


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
    raise UnknownTheme(name_or_path)


def available_themes() -> list[str]:
    """Names of the shipped themes."""
    return sorted(p.parent.name for p in themes_dir().glob("*/theme.yaml"))


def load_theme(name_or_path: str, base: Path | None = None, *, language: str = "") -> Theme:
    """Load and validate a theme, merging the themes it extends, with its wording in
    *language* (a lesson's tag, e.g. de-AT) where the themes have it."""
    data, folders = _merged_data(find_theme(name_or_path, base), seen=(), language=language)
    path = folders[0] / "theme.yaml"
    try:
        theme = Theme.model_validate({**data, "folders": folders, "language": language})
    except ValidationError as error:
        _, source = parse(path, read_text(path))
        raise LessonError(describe(error, source, Theme)) from None
    _check_contrast(theme, folders)
    return theme


def palette_colours(palette: Palette) -> dict[str, str]:
    """The palette's colours by key, callout fills as ``callouts.kind``."""
    colours = palette.model_dump(exclude={"callouts"})
    colours.update({f"callouts.{kind}": fill for kind, fill in palette.callouts.items()})
    return colours


def _check_contrast(theme: Theme, folders: list[Path]) -> None:
    """Refuse a palette that sets text where it cannot be read (WCAG AA), each pair said
    at the theme file that chose the text colour."""
    problems = []
    for shortfall in [*shortfalls(palette_colours(theme.palette)), *_code_shortfalls(theme)]:
        key = shortfall.text_key
        if key == "accent_text" and theme.palette.accent_text == theme.palette.accent:
            key = "accent"  # no accent_text of its own: the accent is what to change
        loc = ("highlight", key) if shortfall.group == "highlight" else ("palette", *key.split("."))
        path, line = _where_set(folders, loc)
        problems.append(Problem(path, str(shortfall), line))
    if problems:
        raise LessonError(problems)


def _code_shortfalls(theme: Theme) -> list[Shortfall]:
    """Code colours (the continuation mark and plain text too) that do not read on the
    code background, which is the theme's in every output, whatever the template."""
    fill = theme.code_background
    colours = {"text": theme.palette.text, **theme.highlight}
    return [
        Shortfall(key, "background", value, fill, ratio(value, fill), AA_TEXT, "code", "highlight")
        for key, value in colours.items()
        if key != "background" and ratio(value, fill) < AA_TEXT
    ]


def _where_set(folders: list[Path], loc: tuple[str, ...]) -> tuple[Path, int | None]:
    """The theme.yaml (the theme's own or one it extends) that sets *loc*, and its line."""
    for folder in folders:
        path = folder / "theme.yaml"
        data, source = parse(path, read_text(path))
        node = data
        for part in loc:
            node = node.get(part) if isinstance(node, dict) else None
        if node is not None:
            return path, source.position(loc)[0]
    return folders[0] / "theme.yaml", None


def _merged_data(
    folder: Path, seen: tuple[Path, ...], language: str
) -> tuple[dict[str, Any], list[Path]]:
    """A theme's data over the data of the themes it extends. Its wording in *language*
    (``text/de.yaml``) goes over its own ``text:``, before the merge: the nearest theme
    that words a phrase has the say, so a theme's own English title is not replaced by
    the translation of the title it replaced."""
    path = folder / "theme.yaml"
    if folder in seen:
        raise LessonError.at(path, "themes extend each other in a circle; break the loop")
    data, source = parse(path, read_text(path))
    if not isinstance(data, dict):
        raise LessonError.at(path, "a theme is a mapping of keys (name:, palette:, ...)", 1)
    translated = translations(folder, language)
    if translated:
        own = data.get("text")
        data = {**data, "text": {**(own if isinstance(own, dict) else {}), **translated}}
    parent = data.get("extends")
    if not parent:
        return data, [folder]
    try:
        parent_folder = find_theme(str(parent), folder)
    except UnknownTheme as error:  # said at this theme's extends:, not at the lesson
        raise LessonError([source.problem(("extends",), error.message)]) from None
    parent_data, parent_folders = _merged_data(parent_folder, (*seen, folder), language)
    merged = _deep_merge(parent_data, data)
    palette = data.get("palette")
    if isinstance(palette, dict) and "accent" in palette and "accent_text" not in palette:
        del merged["palette"]["accent_text"]  # a new accent: its own text shade, or itself
    return merged, [folder, *parent_folders]


def translations(folder: Path, language: str) -> dict[str, str]:
    """The theme *folder*'s wording in *language*: ``text/pt.yaml``, then ``text/pt-br.yaml``
    over it for pt-BR. Each is checked as it is read, so a mistake is said at its line."""
    wording: dict[str, str] = {}
    for name in wording_files(language):
        path = folder / "text" / name
        if path.is_file():
            wording.update(_translation(path))
    return wording


def wording_files(language: str) -> list[str]:
    """The names of a theme's wording files for *language*, in the order they apply:
    ``de.yaml``, ``de-at.yaml`` for de-AT. A language written in more than one script has
    its script's file between them: ``zh.yaml``, ``zh-hant.yaml``, ``zh-tw.yaml`` for zh-TW."""
    return [f"{tag}.yaml" for tag in text_tags(language)]


def worded_languages(theme: Theme) -> set[str]:
    """The languages (tags, lower case) a theme or a theme it extends has wording in."""
    return {path.stem for folder in theme.folders for path in (folder / "text").glob("*.yaml")}


@functools.cache
def wording_names() -> list[str]:
    """The names of every piece of wording, as the default theme sets them all."""
    path = themes_dir() / "default" / "theme.yaml"
    data, _ = parse(path, read_text(path))
    return list(data["text"])


def _translation(path: Path) -> dict[str, str]:
    data, source = parse(path, read_text(path))
    if not isinstance(data, dict):
        raise LessonError.at(path, "wording is a mapping of NAME: text, as under text:", 1)
    problems = []
    known = wording_names()
    for name, value in data.items():
        if name not in known:
            guess = difflib.get_close_matches(str(name), known, n=1)
            hint = f"did you mean '{guess[0]}'?" if guess else "see the default theme's text:"
            problems.append(
                source.problem((name,), f"no wording is named '{name}'; {hint}", key=True)
            )
            continue
        if not isinstance(value, str):
            problems.append(source.problem((name,), "write the wording as text, in quotes"))
            continue
        try:
            check_theme_template(value)
        except (TemplateError, SecurityError) as error:
            problems.append(source.problem((name,), explain(error)))
    if problems:
        raise LessonError(problems)
    return data


def _deep_merge(base: dict[str, Any], override: dict[str, Any]) -> dict[str, Any]:
    merged = dict(base)
    for key, value in override.items():
        if isinstance(value, dict) and isinstance(merged.get(key), dict):
            merged[key] = _deep_merge(merged[key], value)
        else:
            merged[key] = value
    return merged
