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
import time
import warnings
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from . import __version__
from .errors import BuildError, LessonError

if TYPE_CHECKING:
    from .batch import Outcome

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


def _note_skipped(verbose: bool) -> Callable[[Path], None] | None:
    """In verbose mode, say which Markdown files in a folder were not taken as lessons."""
    if not verbose:
        return None
    return lambda path: click.echo(
        f"note: {path}: skipped, not a lesson (its front matter has no 'title')", err=True
    )


verbose_option = click.option(
    "-v", "--verbose", is_flag=True, help="Also say which files in a folder are not lessons."
)


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
@click.option(
    "-j",
    "--jobs",
    type=click.IntRange(min=1),
    default=os.cpu_count() or 1,
    show_default="the number of cores",
    help="Lessons (or data rows) built in parallel.",
)
@click.option(
    "--data",
    type=click.Path(path_type=Path, dir_okay=False),
    help="A .csv/.json/.yaml file: one personalised copy per row, fields as {{ vars.NAME }}.",
)
@click.option(
    "--name",
    "name_template",
    metavar="TEMPLATE",
    help="Output name of each copy made with --data (context: stem, row, vars);"
    " default '{{ stem }}-{{ row }}'.",
)
@click.option(
    "--reference-docx",
    type=click.Path(path_type=Path, exists=True, dir_okay=False),
    callback=_office_file(".docx", ".dotx"),
    help="Your own Word .docx/.dotx: the handout uses its styles, headers and page setup.",
)
@click.option(
    "--reference-pptx",
    type=click.Path(path_type=Path, exists=True, dir_okay=False),
    callback=_office_file(".pptx", ".potx"),
    help="Your own PowerPoint .pptx/.potx: the deck uses its slide master and layouts.",
)
@click.option("--force", is_flag=True, help="Rebuild outputs even if they are up to date.")
@verbose_option
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
    jobs: int,
    data: Path | None,
    name_template: str | None,
    reference_docx: Path | None,
    reference_pptx: Path | None,
    force: bool,
    verbose: bool,
) -> None:
    """Build LESSONS (lesson files, or folders of .yaml, .json and .md lessons) into files.

    Outputs whose lesson, theme and options have not changed since the last build
    are skipped (see the manifest in the output folder); --force rebuilds them.
    """
    from .batch import plan_batch, run_batch
    from .build import BuildOptions, lesson_files

    if name_template is not None and data is None:
        raise click.UsageError("--name names the copies made with --data; add --data FILE")
    started = time.perf_counter()
    options = BuildOptions(
        formats=list(formats),
        out_dir=out_dir,
        theme=theme,
        variables=_parse_vars(var_pairs),
        allow_outside=allow_outside,
        allow_overflow=allow_overflow,
        force=force,
        references={
            fmt: path
            for fmt, path in (("docx", reference_docx), ("pptx", reference_pptx))
            if path is not None
        },
    )
    try:
        paths = lesson_files(lessons, _note_skipped(verbose))
        plan = plan_batch(paths, options, data=data, name=name_template)
    except LessonError as error:
        click.echo(str(error), err=True)
        sys.exit(EXIT_BAD_INPUT)
    except BuildError as error:
        click.echo(f"error: {error}", err=True)
        sys.exit(EXIT_FAILED)
    progress = Progress(len(plan.jobs) + len(plan.failed), debug=ctx.obj["debug"])
    try:
        status = run_batch(plan, options, jobs, progress.update)
    finally:
        progress.close()
    click.echo(progress.summary(plan.up_to_date, time.perf_counter() - started))
    sys.exit(status)


class Progress:
    """Reports a batch: a bar on a terminal, one line per file in logs and CI."""

    def __init__(self, total: int, *, debug: bool) -> None:
        self.debug = debug
        self.files = self.failed = 0
        self.warned: set[str] = set()
        interactive = sys.stdout.isatty() and not os.environ.get("CI") and total > 1
        self.bar = click.progressbar(length=total, label="building") if interactive else None
        if self.bar:
            self.bar.__enter__()

    def update(self, outcome: Outcome) -> None:
        self.files += len(outcome.written)
        self.failed += bool(outcome.status)
        news = [warning for warning in outcome.warnings if warning not in self.warned]
        self.warned.update(news)  # each said once, however many jobs came across it
        if self.bar is None:
            for _, written in outcome.written:
                click.echo(f"wrote {written} ({written.stat().st_size / 1024:.0f} KiB)")
        elif outcome.messages or news:
            click.echo("\r\033[K", nl=False)
        for message in outcome.messages:
            click.echo(message, err=True)
        for warning in news:
            click.echo(f"warning: {warning}", err=True)
        if self.debug:
            for detail in outcome.details:
                click.echo(detail, err=True, nl=False)
        if self.bar:
            self.bar.update(1)

    def close(self) -> None:
        if self.bar:
            self.bar.__exit__(None, None, None)

    def summary(self, up_to_date: int, seconds: float) -> str:
        parts = [f"{self.files} file{'s' * (self.files != 1)} written in {seconds:.2f} s"]
        if up_to_date:
            parts.append(f"{up_to_date} up to date")
        if self.failed:
            parts.append(f"{self.failed} failed")
        return "; ".join(parts)


@main.command()
@click.argument("lessons", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("--theme", help="Also check this theme.")
@click.option(
    "--var", "var_pairs", multiple=True, metavar="NAME=VALUE", help="Set {{ vars.NAME }}."
)
@click.option("--allow-outside", is_flag=True, help="Let lessons use images outside their folder.")
@click.option(
    "--accessibility",
    is_flag=True,
    help="Also report what the author can fix for screen readers and low vision"
    " (alt text, link text, colour words, heading levels, the theme's contrast); exit 1"
    " when there is any.",
)
@verbose_option
def check(
    lessons: tuple[Path, ...],
    theme: str | None,
    var_pairs: tuple[str, ...],
    allow_outside: bool,
    accessibility: bool,
    verbose: bool,
) -> None:
    """Validate LESSONS without building; print every problem."""
    from .a11ycheck import accessibility_problems, contrast_summary
    from .build import BuildOptions, lesson_files, prepare

    options = BuildOptions(
        theme=theme, variables=_parse_vars(var_pairs), allow_outside=allow_outside
    )
    status = 0
    try:
        paths = lesson_files(lessons, _note_skipped(verbose))
    except LessonError as error:
        click.echo(str(error), err=True)
        sys.exit(EXIT_BAD_INPUT)
    for path in paths:
        try:
            lesson, _, lesson_theme = prepare(path, options)
        except LessonError as error:
            click.echo(str(error), err=True)
            status = EXIT_BAD_INPUT
            continue
        found = accessibility_problems(lesson) if accessibility else []
        for problem in found:
            click.echo(str(problem))
        if accessibility:
            click.echo(f"{path}: {contrast_summary(lesson_theme)}")
            status = max(status, EXIT_FAILED if found else 0)
        click.echo(f"{path}: {len(found)} accessibility problem(s)" if found else f"{path}: ok")
    sys.exit(status)


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
    """List the shipped themes."""
    from .theme import available_themes, load_theme

    for name in available_themes():
        click.echo(f"{name:12} {load_theme(name).description}")


@main.command()
def schema() -> None:
    """Print the JSON Schema of lesson files (for editor autocompletion)."""
    from .model import json_schema

    click.echo(json.dumps(json_schema(), indent=2, ensure_ascii=False))
