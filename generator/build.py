"""Building a lesson: load, fill in templates, find its files, render each format.

This is the one pipeline the CLI, the tests and the benchmarks all call. A lesson is
loaded and validated once (:func:`prepare_lesson`); :func:`prepare_document` then
fills in its templates for one set of variables, which a data merge repeats per row.
"""

from __future__ import annotations

import hashlib
import time
import warnings
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from . import lint
from .errors import BuildError, FormulaTooWide, LessonError, Problem
from .files import atomic_target
from .images import ImageProblem, usable_image
from .links import check_links
from .load import Lesson, load_lesson
from .model import (
    Block,
    ColumnsBlock,
    Document,
    ImageBlock,
    MathBlock,
    Section,
    TextBlock,
    inner_blocks,
    located_blocks,
)
from .registry import RegistryError, available_formats, renderer_for
from .renderers import Renderer
from .templating import resolve
from .theme import Theme, UnknownTheme, load_theme, wording_files


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
    check_links(lesson, document, allow_outside=options.allow_outside)
    if options.allow_overflow:
        pdf = document.outputs.pdf.model_copy(update={"allow_overflow": True})
        outputs = document.outputs.model_copy(update={"pdf": pdf})
        document = document.model_copy(update={"outputs": outputs})
    try:
        theme = cached_theme(options.theme or document.theme, lesson.folder, document.language)
    except UnknownTheme as error:
        raise LessonError([theme_named_at(lesson, options, error.message)]) from None
    theme.check_files(allow_outside=options.allow_outside)
    lint.warn(lesson, document, theme, glyphs=not options.formats or "pdf" in options.formats)
    if options.references:
        chosen = {
            f"reference_{fmt}": str(path.resolve()) for fmt, path in options.references.items()
        }
        theme = theme.model_copy(update=chosen)
    return document, theme


def theme_named_at(lesson: Lesson, options: BuildOptions, message: str) -> Problem:
    """*message*, about the theme a build asked for, said where the author named it: at
    ``--theme``, which overrides the lesson, else at the lesson's ``theme:``."""
    if options.theme:
        return Problem(Path("--theme"), message)
    return lesson.source.problem(("theme",), message)


FILE_CLOCK_TICK_NS = 10_000_000
"""How far behind the clock a file's modification time may be: file systems stamp it
from a clock that moves once per kernel tick, 10 ms at the slowest."""
LOADS_WHILE_SAVED = 3
"""How often a theme is loaded while its files keep changing under it, a tick apart."""


_themes: dict[
    tuple[str, Path, str], tuple[Theme, dict[str, str], list[warnings.WarningMessage]]
] = {}


def cached_theme(name: str, base: Path, language: str = "") -> Theme:
    """:func:`load_theme`, reused while the theme's files hash the same.

    A data merge asks for the same theme once per row; hashing its few files is far
    cheaper than parsing and validating them again. What the theme warned about as it
    loaded (a missing font) is said again each time it is reused, so a warm process
    (``lectern watch``, a second build) still sees it, and ``--strict`` still fails.

    A file saved while the theme loaded is read again once the save has settled, so that
    the digests kept are of the bytes the theme was made from; a file that never settles
    keeps no digest (see :func:`digest_files`), and the next check reads it again.
    """
    known = _themes.get((name, base, language))
    if known and digest_files(theme_files(known[0])) == known[1]:
        for caught in known[2]:
            warnings.warn_explicit(caught.message, caught.category, caught.filename, caught.lineno)
        return known[0]
    for _ in range(LOADS_WHILE_SAVED):
        loading = time.time_ns()
        with warnings.catch_warnings(record=True) as said:
            theme = load_theme(name, base=base, language=language)
        digests = digest_files(theme_files(theme), loading)
        if "" not in digests.values():
            break
        time.sleep(FILE_CLOCK_TICK_NS / 1e9)
    for caught in said:
        warnings.warn_explicit(caught.message, caught.category, caught.filename, caught.lineno)
    _themes[(name, base, language)] = (theme, digests, said)
    return theme


def theme_inputs(theme: Theme) -> dict[str, str | None]:
    """What outputs in the theme depend on, for the manifest: the digest of each of its
    files (as :func:`cached_theme` last checked them in this process, else read now),
    and None for each wording file of the lesson's language it does not have, so that
    adding one (``text/de.yaml``) is a change too."""
    digests = next(
        (
            digests
            for known, digests, _ in _themes.values()
            if known.folders == theme.folders and known.language == theme.language
        ),
        None,
    )
    absent = {
        str(path.resolve()): None
        for folder in theme.folders
        for path in (folder / "text" / name for name in wording_files(theme.language))
        if not path.exists()
    }
    return {**(digests or digest_files(theme_files(theme))), **absent}


def theme_files(theme: Theme) -> list[Path]:
    """Every file in the theme's folders (its own and those it extends) but its wording
    in other languages than the lesson's, which a change to does not touch its outputs."""
    wording = set(wording_files(theme.language))
    return sorted(
        path
        for folder in theme.folders
        for path in folder.rglob("*")
        if path.is_file() and (path.parent != folder / "text" or path.name in wording)
    )


def image_files(document: Document) -> list[Path]:
    """The (resolved) image files a document shows."""

    def walk(sections: list[Section]) -> Iterable[Path]:
        for section in sections:
            for block in inner_blocks(section.blocks):
                if isinstance(block, ImageBlock):
                    yield Path(block.image.src)
            yield from walk(section.sections)

    return sorted(set(walk(document.sections)))


def digest_files(paths: Iterable[Path], read_since: int | None = None) -> dict[str, str]:
    """SHA-256 of each file by absolute path: what an output depends on besides the lesson.

    With *read_since* (a :func:`time.time_ns` taken before something read the files), a
    file changed since then gets the empty digest, which matches none. What was read of it
    may be older than the bytes hashed now (a save racing a build), and their digest would
    vouch for it: the next check would find it current and never read it again.
    """
    digests = {}
    for path in paths:
        data = path.read_bytes()  # then the time: a change after the read is seen in it
        changed = read_since is not None and (
            path.stat().st_mtime_ns >= read_since - FILE_CLOCK_TICK_NS
        )
        digests[str(path.resolve())] = "" if changed else digest(data)
    return digests


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
        render_format(
            renderer, document, theme, options.out_dir, lesson.stem, label=str(path), lesson=lesson
        ).path
        for renderer in renderers
    ]


@dataclass(frozen=True)
class Output:
    """A file a build wrote, with the hash and size of the bytes it wrote there."""

    path: Path
    sha256: str
    size: int


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
    lesson: Lesson | None = None,
) -> Output:
    """Render one output into a temporary file and move it into place.

    The bytes are hashed before the move, so what is recorded is what this build wrote,
    whatever lands on that path afterwards. A formula too wide for its box is the
    author's to fix: with the *lesson* at hand it is reported where the lesson writes it.
    """
    target = out_dir / renderer.output_name(stem)
    try:
        with atomic_target(target) as temporary:
            renderer().render(document, theme, temporary)
            data = temporary.read_bytes()
    except LessonError:
        raise
    except FormulaTooWide as error:
        if lesson is None:
            raise BuildError(f"{label}: {renderer.format}: {error}") from error
        raise LessonError([formula_problem(lesson, document, error)]) from None
    except BuildError as error:  # a renderer's refusal, in words; say where, and which format
        message = f"{renderer.format}: {error}"
        place = block_problem(lesson, document, error.block, message) if lesson else None
        if place is None:
            raise BuildError(f"{label}: {message}") from error
        raise BuildError(str(place), place=place) from error
    except Exception as error:
        raise BuildError(f"{label}: the {renderer.format} build failed: {error}") from error
    return Output(target, digest(data), len(data))


def formula_problem(lesson: Lesson, document: Document, error: FormulaTooWide) -> Problem:
    """*error* located at the display equation it is about (the first that writes it)."""

    def writes_it(block: Block) -> tuple[str, ...] | None:
        if isinstance(block, MathBlock) and block.math.tex == error.tex:
            return ("math", "tex")
        if isinstance(block, TextBlock) and block.text.display_math == error.tex:
            return ("text",)
        return None

    return lesson.source.problem(find_block(document.sections, writes_it) or (), str(error))


def block_problem(
    lesson: Lesson, document: Document, block: Block | None, message: str
) -> Problem | None:
    """*message* said where the lesson writes *block*, if it is one of *document*'s."""
    if block is None:
        return None
    found = find_block(document.sections, lambda candidate: () if candidate is block else None)
    return None if found is None else lesson.source.problem(found, message)


def find_block(
    sections: list[Section],
    match: Callable[[Block], tuple[str, ...] | None],
    loc: tuple[str | int, ...] = ("sections",),
) -> tuple[str | int, ...] | None:
    """The location path of the first block *match* takes (extended by what it returns)."""
    for number, section in enumerate(sections):
        here = (*loc, number)
        for at, block in located_blocks(section.blocks, (*here, "blocks")):
            inside = match(block)
            if inside is not None:
                return (*at, *inside)
        found = find_block(section.sections, match, (*here, "sections"))
        if found:
            return found
    return None


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
        else:
            try:
                src = usable_image(src)
            except ImageProblem as problem:
                message = f"the image '{block.image.src}' {problem}"
                problems.append(lesson.source.problem(loc, message))
        image = block.image.model_copy(update={"src": str(src)})
        return block.model_copy(update={"image": image})

    sections = [fix_section(s, ("sections", i)) for i, s in enumerate(document.sections)]
    if problems:
        raise LessonError(problems)
    return document.model_copy(update={"sections": sections})
