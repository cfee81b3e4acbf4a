"""The ``lectern`` command: parse arguments, call the library, report in plain words.

Exit status: 0 success, 1 a build failed, 2 bad input or usage. No traceback
reaches the user unless ``--debug`` asks for one. Heavy libraries (python-docx,
python-pptx, reportlab) are imported only by the renderers that need them.
"""

from __future__ import annotations

import json
import signal
import sys
import traceback
from pathlib import Path

import click

from . import __version__
from .errors import BuildError, LessonError

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


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="lectern")
@click.option("--debug", is_flag=True, help="Show the full traceback when something fails.")
@click.pass_context
def main(ctx: click.Context, debug: bool) -> None:
    """Turn one structured lesson into a Word handout, a PowerPoint deck and a PDF cheat sheet."""
    ctx.obj = {"debug": debug}
    # SIGTERM (a cancelled CI job) unwinds like Ctrl-C, so half-written temporary files go.
    signal.signal(signal.SIGTERM, lambda signum, frame: sys.exit(128 + signum))


def _report_unexpected(ctx: click.Context, error: Exception) -> None:
    if ctx.obj["debug"]:
        traceback.print_exception(error)
    else:
        click.echo(f"error: {error} (run with --debug for details)", err=True)


@main.command()
@click.argument("lessons", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option(
    "-f", "--format", "formats", multiple=True, help="Output format (repeatable); default all."
)
@click.option(
    "-o", "--out", "out_dir", default="output", show_default=True, type=click.Path(path_type=Path)
)
@click.option("--theme", help="Theme name or path to a theme folder (overrides the lesson's).")
@click.option(
    "--var", "var_pairs", multiple=True, metavar="NAME=VALUE", help="Set {{ vars.NAME }}."
)
@click.option("--allow-outside", is_flag=True, help="Let lessons use images outside their folder.")
@click.option(
    "--allow-overflow", is_flag=True, help="Let the cheat sheet run onto more pages than asked."
)
@click.pass_context
def build(
    ctx: click.Context,
    lessons: tuple[Path, ...],
    formats: tuple[str, ...],
    out_dir: Path,
    theme: str | None,
    var_pairs: tuple[str, ...],
    allow_outside: bool,
    allow_overflow: bool,
) -> None:
    """Build LESSONS (files or folders) into output files."""
    from .build import BuildOptions, lesson_files
    from .build import build as build_lesson

    options = BuildOptions(
        formats=list(formats),
        out_dir=out_dir,
        theme=theme,
        variables=_parse_vars(var_pairs),
        allow_outside=allow_outside,
        allow_overflow=allow_overflow,
    )
    status = 0
    for path in lesson_files(lessons):
        try:
            for written in build_lesson(path, options):
                click.echo(f"wrote {written} ({written.stat().st_size / 1024:.0f} KiB)")
        except LessonError as error:
            click.echo(str(error), err=True)
            status = max(status, EXIT_BAD_INPUT)
        except BuildError as error:
            if ctx.obj["debug"]:
                traceback.print_exception(error)
            click.echo(f"error: {error}", err=True)
            status = max(status, EXIT_FAILED)
        except Exception as error:  # a bug: report it in one line, keep building the rest
            _report_unexpected(ctx, error)
            status = max(status, EXIT_FAILED)
    sys.exit(status)


@main.command()
@click.argument("lessons", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("--theme", help="Also check this theme.")
@click.option(
    "--var", "var_pairs", multiple=True, metavar="NAME=VALUE", help="Set {{ vars.NAME }}."
)
@click.option("--allow-outside", is_flag=True, help="Let lessons use images outside their folder.")
def check(
    lessons: tuple[Path, ...], theme: str | None, var_pairs: tuple[str, ...], allow_outside: bool
) -> None:
    """Validate LESSONS without building; print every problem."""
    from .build import BuildOptions, lesson_files, prepare

    options = BuildOptions(
        theme=theme, variables=_parse_vars(var_pairs), allow_outside=allow_outside
    )
    status = 0
    for path in lesson_files(lessons):
        try:
            prepare(path, options)
            click.echo(f"{path}: ok")
        except LessonError as error:
            click.echo(str(error), err=True)
            status = EXIT_BAD_INPUT
    sys.exit(status)


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
    """List the shipped themes."""
    from .theme import available_themes, load_theme

    for name in available_themes():
        click.echo(f"{name:12} {load_theme(name).description}")


@main.command()
def schema() -> None:
    """Print the JSON Schema of lesson files (for editor autocompletion)."""
    from .model import json_schema

    click.echo(json.dumps(json_schema(), indent=2, ensure_ascii=False))
