"""Building a lesson: load, fill in templates, find its files, render each format.

This is the one pipeline the CLI, the tests and the benchmarks all call. A lesson is
loaded and validated once (:func:`prepare_lesson`); :func:`prepare_document` then
fills in its templates for one set of variables, which a data merge repeats per row.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from . import lint
from .errors import BuildError, LessonError, Problem
from .files import atomic_target
from .load import Lesson, load_lesson
from .model import Block, ColumnsBlock, Document, ImageBlock, Section, inner_blocks
from .registry import RegistryError, available_formats, renderer_for
from .renderers import Renderer
from .templating import resolve
from .theme import Theme, load_theme

LESSON_SUFFIXES = (".yaml", ".yml", ".json")


@dataclass
class BuildOptions:
    """Everything a build needs besides the lesson file itself."""

    formats: list[str] = field(default_factory=list)
    out_dir: Path = Path("output")
    theme: str | None = None
    variables: Mapping[str, Any] = field(default_factory=dict)
    allow_outside: bool = False
    allow_overflow: bool = False
    force: bool = False
    references: Mapping[str, Path] = field(default_factory=dict)
    """The user's own Office templates by format ("docx", "pptx"), over the theme's."""


def lesson_files(paths: Iterable[Path]) -> list[Path]:
    """Expand folders into the lesson files they hold (sorted); files pass through.

    A folder without any is an error: a CI job pointed at the wrong folder must not pass.
    """
    found: list[Path] = []
    for path in paths:
        if path.is_dir():
            inside = sorted(
                p for p in path.rglob("*") if p.suffix.lower() in LESSON_SUFFIXES and p.is_file()
            )
            if not inside:
                raise LessonError.at(
                    path, f"no lesson files ({', '.join(LESSON_SUFFIXES)}) in this folder"
                )
            found.extend(inside)
        else:
            found.append(path)
    return found


def prepare(path: Path, options: BuildOptions) -> tuple[Lesson, Document, Theme]:
    """Load and check everything about a lesson that can be wrong before rendering."""
    lesson = load_lesson(path)
    document, theme = prepare_document(lesson, options, options.variables)
    return lesson, document, theme


def prepare_document(
    lesson: Lesson, options: BuildOptions, variables: Mapping[str, Any]
) -> tuple[Document, Theme]:
    """The lesson's document for one set of *variables* (over its ``vars``), and its theme."""
    document = resolve(lesson, variables)
    document = resolve_images(lesson, document, allow_outside=options.allow_outside)
    if options.allow_overflow:
        pdf = document.outputs.pdf.model_copy(update={"allow_overflow": True})
        outputs = document.outputs.model_copy(update={"pdf": pdf})
        document = document.model_copy(update={"outputs": outputs})
    theme = cached_theme(options.theme or document.theme, lesson.folder)
    lint.warn(lesson, document, theme)
    if options.references:
        chosen = {
            f"reference_{fmt}": str(path.resolve()) for fmt, path in options.references.items()
        }
        theme = theme.model_copy(update=chosen)
    return document, theme


_themes: dict[tuple[str, Path], tuple[Theme, dict[str, str]]] = {}


def cached_theme(name: str, base: Path) -> Theme:
    """:func:`load_theme`, reused while the theme's files hash the same.

    A data merge asks for the same theme once per row; hashing its few files is far
    cheaper than parsing and validating them again.
    """
    known = _themes.get((name, base))
    if known and digest_files(theme_files(known[0])) == known[1]:
        return known[0]
    theme = load_theme(name, base=base)
    _themes[(name, base)] = (theme, digest_files(theme_files(theme)))
    return theme


def theme_files(theme: Theme) -> list[Path]:
    """Every file in the theme's folders (its own and those it extends)."""
    return sorted(path for folder in theme.folders for path in folder.rglob("*") if path.is_file())


def image_files(document: Document) -> list[Path]:
    """The (resolved) image files a document shows."""

    def walk(sections: list[Section]) -> Iterable[Path]:
        for section in sections:
            for block in inner_blocks(section.blocks):
                if isinstance(block, ImageBlock):
                    yield Path(block.image.src)
            yield from walk(section.sections)

    return sorted(set(walk(document.sections)))


def digest_files(paths: Iterable[Path]) -> dict[str, str]:
    """SHA-256 of each file by absolute path: what an output depends on besides the lesson."""
    return {str(path.resolve()): digest(path.read_bytes()) for path in paths}


def digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def build(path: Path, options: BuildOptions) -> list[Path]:
    """Build one lesson into every requested format; returns the files written.

    Raises :class:`LessonError` for bad input (nothing is written) and
    :class:`BuildError` when a renderer fails (earlier formats stay written).
    """
    lesson, document, theme = prepare(path, options)
    formats = options.formats or list(available_formats())
    renderers = [load_renderer(name) for name in formats]
    return [
        render_format(renderer, document, theme, options.out_dir, lesson.stem, label=str(path))
        for renderer in renderers
    ]


def load_renderer(name: str) -> type[Renderer]:
    """The renderer class of format *name*; an unknown or broken one is a build failure."""
    try:
        return renderer_for(name)
    except RegistryError as error:
        raise BuildError(str(error)) from None


def render_format(
    renderer: type[Renderer],
    document: Document,
    theme: Theme,
    out_dir: Path,
    stem: str,
    *,
    label: str,
) -> Path:
    """Render one output into a temporary file and move it into place; returns its path."""
    target = out_dir / renderer.output_name(stem)
    try:
        with atomic_target(target) as temporary:
            renderer().render(document, theme, temporary)
    except LessonError:
        raise
    except BuildError as error:  # a renderer's refusal, in words; say which lesson and format
        raise BuildError(f"{label}: {renderer.format}: {error}") from error
    except Exception as error:
        raise BuildError(f"{label}: the {renderer.format} build failed: {error}") from error
    return target


def resolve_images(lesson: Lesson, document: Document, *, allow_outside: bool) -> Document:
    """Point every image at an existing file inside the lesson's folder (or anywhere, if allowed)."""
    problems: list[Problem] = []
    folder = lesson.folder.resolve()

    def fix_section(section: Section, loc: tuple[str | int, ...]) -> Section:
        blocks = [fix_block(block, (*loc, "blocks", i)) for i, block in enumerate(section.blocks)]
        sections = [fix_section(s, (*loc, "sections", i)) for i, s in enumerate(section.sections)]
        return section.model_copy(update={"blocks": blocks, "sections": sections})

    def fix_block(block: Block, loc: tuple[str | int, ...]) -> Block:
        if isinstance(block, ImageBlock):
            return fix_image(block, loc)
        if isinstance(block, ColumnsBlock):
            body = block.columns
            columns = [
                [fix_block(inner, (*loc, "columns", "blocks", c, i)) for i, inner in enumerate(col)]
                for c, col in enumerate(body.blocks)
            ]
            return block.model_copy(update={"columns": body.model_copy(update={"blocks": columns})})
        return block

    def fix_image(block: ImageBlock, loc: tuple[str | int, ...]) -> ImageBlock:
        src = (folder / block.image.src).resolve()
        loc = (*loc, "image", "src")
        if not allow_outside and not src.is_relative_to(folder):
            problems.append(
                lesson.source.problem(
                    loc,
                    f"the image '{block.image.src}' is outside the lesson's folder; move it next to"
                    " the lesson, or build with --allow-outside if you trust this file",
                )
            )
        elif not src.is_file():
            problems.append(
                lesson.source.problem(
                    loc, f"the image '{block.image.src}' does not exist; check the path"
                )
            )
        image = block.image.model_copy(update={"src": str(src)})
        return block.model_copy(update={"image": image})

    sections = [fix_section(s, ("sections", i)) for i, s in enumerate(document.sections)]
    if problems:
        raise LessonError(problems)
    return document.model_copy(update={"sections": sections})
