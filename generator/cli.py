"""The ``lectern`` command: parse arguments, call the library, report in plain words.

Exit status: 0 success, 1 a build failed, 2 bad input or usage. No traceback
reaches the user unless ``--debug`` asks for one. Heavy libraries (python-docx,
python-pptx, reportlab) are imported only by the renderers that need them.
"""

from __future__ import annotations

import json
import os
import signal
import sys
import warnings
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from . import __version__

if TYPE_CHECKING:
    from .run import Request

EXIT_FAILED = 1
EXIT_BAD_INPUT = 2


def _parse_vars(pairs: tuple[str, ...]) -> dict[str, str]:
    variables = {}
    for pair in pairs:
        name, equals, value = pair.partition("=")
        if not equals or not name.strip():
            raise click.BadParameter(f"'{pair}' should look like NAME=VALUE", param_hint="--var")
        variables[name.strip()] = value
    return variables


def _office_file(*suffixes: str) -> Callable[[click.Context, click.Parameter, Any], Any]:
    """An option check: the file given is a document or template of the right kind."""

    def check(ctx: click.Context, param: click.Parameter, value: Path | None) -> Path | None:
        if value is not None and value.suffix.lower() not in suffixes:
            raise click.BadParameter(f"'{value}' is not a {' or '.join(suffixes)} file")
        return value

    return check


def _show_warning(message: Warning | str, *args: Any, **kwargs: Any) -> None:
    """A warning in the words of an error message, without Python's source line."""
    click.echo(f"warning: {message}", err=True)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="lectern")
@click.option("--debug", is_flag=True, help="Show the full traceback when something fails.")
@click.pass_context
def main(ctx: click.Context, debug: bool) -> None:
    """Turn one structured lesson into a Word handout, a PowerPoint deck and a PDF cheat sheet."""
    ctx.obj = {"debug": debug}
    warnings.showwarning = _show_warning
    # SIGTERM (a cancelled CI job) unwinds like Ctrl-C, so half-written temporary files go.
    signal.signal(signal.SIGTERM, lambda signum, frame: sys.exit(128 + signum))


def _lesson_options(command: Callable[..., Any]) -> Callable[..., Any]:
    """The options ``build``, ``check`` and ``watch`` share: what to build and how to say it."""
    options = [
        click.argument("lessons", nargs=-1, required=True, type=click.Path(path_type=Path)),
        click.option(
            "-f",
            "--format",
            "formats",
            multiple=True,
            help="Output format (repeatable); default all.",
        ),
        click.option(
            "--theme", help="Theme name or path to a theme folder (overrides the lesson's)."
        ),
        click.option(
            "--var", "var_pairs", multiple=True, metavar="NAME=VALUE", help="Set {{ vars.NAME }}."
        ),
        click.option(
            "--allow-outside", is_flag=True, help="Let lessons use images outside their folder."
        ),
        click.option(
            "--allow-overflow",
            is_flag=True,
            help="Let the cheat sheet run onto more pages than asked.",
        ),
        click.option(
            "-j",
            "--jobs",
            type=click.IntRange(min=1),
            default=os.cpu_count() or 1,
            show_default="the number of cores",
            help="Lessons (or data rows) built in parallel.",
        ),
        click.option(
            "--data",
            type=click.Path(path_type=Path, dir_okay=False),
            help="A .csv/.json/.yaml file: one personalised copy per row, fields as {{ vars.NAME }}.",
        ),
        click.option(
            "--name",
            "name_template",
            metavar="TEMPLATE",
            help="Output name of each copy made with --data (context: stem, row, vars);"
            " default '{{ stem }}-{{ row }}'.",
        ),
        click.option(
            "--reference-docx",
            type=click.Path(path_type=Path, exists=True, dir_okay=False),
            callback=_office_file(".docx", ".dotx"),
            help="Your own Word .docx/.dotx: the handout uses its styles, headers and page setup.",
        ),
        click.option(
            "--reference-pptx",
            type=click.Path(path_type=Path, exists=True, dir_okay=False),
            callback=_office_file(".pptx", ".potx"),
            help="Your own PowerPoint .pptx/.potx: the deck uses its slide master and layouts.",
        ),
        click.option(
            "--exclude",
            multiple=True,
            metavar="GLOB",
            help="Leave out lessons matching GLOB (gitignore syntax, relative to the folder"
            " given; repeatable).",
        ),
        click.option("-v", "--verbose", is_flag=True, help="Also say what was skipped, and why."),
        click.option("-q", "--quiet", is_flag=True, help="Print nothing unless something fails."),
        click.option(
            "--json",
            "json_to",
            is_flag=False,
            flag_value="-",
            default=None,
            metavar="[FILE]",
            help="Write a JSON report of the run to FILE, or to stdout without one (then put"
            " --json after the lessons, or it takes the next word for FILE).",
        ),
        click.option("--strict", is_flag=True, help="Warnings fail the run (exit status 1)."),
    ]
    for option in reversed(options):
        command = option(command)
    return command


_out_option = click.option(
    "-o",
    "--out",
    "out_dir",
    default="output",
    show_default=True,
    type=click.Path(path_type=Path),
    help="Output folder; a folder's lessons mirror its tree here.",
)
"""The output folder option ``build`` and ``watch`` share (``check`` writes nothing)."""


def _request(ctx: click.Context, params: dict[str, Any], *, check: bool = False) -> Request:
    """A run's request from the shared options (and, for builds, -o, --force and --combine)."""
    from .build import BuildOptions
    from .run import Request

    if params["name_template"] is not None and params["data"] is None:
        raise click.UsageError("--name names the copies made with --data; add --data FILE")
    options = BuildOptions(
        formats=list(params["formats"]),
        out_dir=params.get("out_dir") or Path("output"),
        theme=params["theme"],
        variables=_parse_vars(params["var_pairs"]),
        allow_outside=params["allow_outside"],
        allow_overflow=params["allow_overflow"],
        force=params.get("force", False),
        references={
            fmt: path
            for fmt, path in (
                ("docx", params["reference_docx"]),
                ("pptx", params["reference_pptx"]),
            )
            if path is not None
        },
    )
    return Request(
        sources=list(params["lessons"]),
        options=options,
        jobs=params["jobs"],
        exclude=list(params["exclude"]),
        data=params["data"],
        name=params["name_template"],
        verbose=params["verbose"],
        quiet=params["quiet"],
        json_to=params["json_to"],
        strict=params["strict"],
        combine=params.get("combine", False),
        combine_only=params.get("combine_only", False),
        prune=params.get("prune", False),
        debug=ctx.obj["debug"],
        check=check,
    )


@main.command()
@_lesson_options
@_out_option
@click.option("--force", is_flag=True, help="Rebuild outputs even if they are up to date.")
@click.option(
    "--combine",
    is_flag=True,
    help="Also write one printable file per format holding every copy (with --data) or,"
    " for a folder, every cheat sheet.",
)
@click.option(
    "--combine-only",
    is_flag=True,
    help="Like --combine, without the separate files (nor decks, which are not combined).",
)
@click.option(
    "--prune",
    is_flag=True,
    help="Remove the outputs of lesson files that are gone (deleted or renamed).",
)
@click.pass_context
def build(ctx: click.Context, **params: Any) -> None:
    """Build LESSONS (files or folders) into output files.

    A folder's lessons are found by the rules in the README (theme folders, hidden and
    _ files and folders, .lecternignore and --exclude are left out) and their outputs
    mirror its tree. Outputs whose lesson, theme and options have not changed since the
    last build are skipped (see the manifest in the output folder); --force rebuilds them.
    """
    from .run import run

    sys.exit(run(_request(ctx, params)))


@main.command()
@_lesson_options
@click.option(
    "--accessibility",
    is_flag=True,
    help="Also report what the author can fix for screen readers and low vision"
    " (alt text, link text, colour words, heading levels, the theme's contrast); exit 1"
    " when there is any.",
)
@click.pass_context
def check(ctx: click.Context, accessibility: bool, **params: Any) -> None:
    """Check LESSONS: validate them and lay out every output, writing nothing.

    Each renderer lays the lesson out in full, so a cheat sheet that overflows its page
    or a slide that can't fit is found here, not in the build. With --data, every row's
    copy is checked, and a variable no column provides is named once.
    """
    from .run import run

    sys.exit(run(replace(_request(ctx, params, check=True), accessibility=accessibility)))


@main.command()
@_lesson_options
@_out_option
@click.pass_context
def watch(ctx: click.Context, **params: Any) -> None:
    """Build LESSONS, then rebuild whenever a lesson, image, theme or template changes.

    One line per rebuild says when and how long it took. A broken edit shows its error
    and keeps the last good files. Ctrl-C stops.
    """
    from .watch import watch as watch_lessons

    sys.exit(watch_lessons(_request(ctx, params)))


@main.group()
def template() -> None:
    """Check your own Word or PowerPoint template before building with it."""


TEMPLATE_CHECKS = {
    ".docx": "generator.renderers.docx_template",
    ".dotx": "generator.renderers.docx_template",
    ".pptx": "generator.renderers.pptx_template",
    ".potx": "generator.renderers.pptx_template",
}


@template.command("check")
@click.argument("file", type=click.Path(path_type=Path, exists=True, dir_okay=False))
@click.pass_context
def template_check(ctx: click.Context, file: Path) -> None:
    """Say what a build takes from FILE (.docx, .dotx, .pptx, .potx): the styles or
    layouts used for what, the usable box sizes, the fonts, what was repaired and what
    to watch. Exit status 1 when the template cannot be used."""
    import importlib

    name = TEMPLATE_CHECKS.get(file.suffix.lower())
    if name is None:
        raise click.BadParameter(
            f"'{file}' is not a {', '.join(TEMPLATE_CHECKS)} file", param_hint="FILE"
        )
    check = importlib.import_module(name).check
    try:
        report = check(file)
    except Exception as error:  # a check must never end in a traceback
        if ctx.obj["debug"]:
            raise
        click.echo(f"{file}: could not be checked: {error}", err=True)
        sys.exit(EXIT_FAILED)
    for line in report.lines():
        click.echo(line)
    sys.exit(0 if report.usable else EXIT_FAILED)


@main.command()
@click.argument("lesson", type=click.Path(path_type=Path))
@click.option(
    "--to",
    "target",
    type=click.Choice(["md", "yaml"]),
    help="The form to write; default the other one.",
)
@click.option(
    "-o",
    "--output",
    type=click.Path(path_type=Path, dir_okay=False),
    help="The file to write; default standard output.",
)
def convert(lesson: Path, target: str | None, output: Path | None) -> None:
    """Write LESSON in the other form: YAML or JSON as Markdown, Markdown as YAML.

    Nothing is lost: converting back gives the same lesson, and both build the same files.
    """
    from .convert import ConvertError, to_markdown, to_yaml
    from .errors import LessonError
    from .files import atomic_target
    from .load import load_lesson
    from .markdown import is_markdown

    try:
        document = load_lesson(lesson).document
    except LessonError as error:
        click.echo(str(error), err=True)
        sys.exit(EXIT_BAD_INPUT)
    target = target or ("yaml" if is_markdown(lesson) else "md")
    try:
        text = to_markdown(document) if target == "md" else to_yaml(document)
    except ConvertError as error:
        click.echo(f"{lesson}: {error}", err=True)
        sys.exit(EXIT_BAD_INPUT)
    if output is None:
        click.echo(text, nl=False)
        return
    if output.resolve() == lesson.resolve():
        raise click.UsageError("the output would replace the lesson itself; name another file")
    with atomic_target(output) as temporary:
        temporary.write_text(text, encoding="utf-8")
    click.echo(f"wrote {output}")


@main.command()
def formats() -> None:
    """List the installed output formats (without importing them)."""
    from .registry import RegistryError, available_formats

    try:
        found = available_formats()
    except RegistryError as error:
        raise click.ClickException(str(error)) from None
    for name, fmt in found.items():
        click.echo(f"{name:8} {fmt.target}")


@main.command()
def themes() -> None:
    """List the shipped themes, and the languages their wording is in."""
    from .theme import available_themes, load_theme, worded_languages

    shipped = [load_theme(name) for name in available_themes()]
    for theme in shipped:
        click.echo(f"{theme.name:12} {theme.description}")
    languages = sorted(set().union(*(worded_languages(theme) for theme in shipped)))
    click.echo(
        f"\nWording in English and in {', '.join(languages)}, chosen by a lesson's language:"
    )


@main.command()
def schema() -> None:
    """Print the JSON Schema of lesson files (for editor autocompletion)."""
    from .model import json_schema

    click.echo(json.dumps(json_schema(), indent=2, ensure_ascii=False))
