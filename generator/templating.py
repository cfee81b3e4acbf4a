"""Jinja2 in a sandbox, for ``{{ vars.x }}`` in lesson text and for theme wording.

Lesson and theme files come from many hands, so templates can reach only the values
given to them: no attributes starting with ``_``, no Python internals, no disk, and
no arithmetic that builds gigantic strings. An undefined name is an error, never an
empty string that slips into a printed handout.
"""

from __future__ import annotations

import functools
import operator
import re
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

from jinja2 import (
    StrictUndefined,
    TemplateSyntaxError,
    UndefinedError,
    meta,
    nodes,
    pass_environment,
)
from jinja2.filters import do_join, do_replace
from jinja2.sandbox import SandboxedEnvironment, SecurityError
from pydantic import BaseModel

from .errors import LessonError, Problem
from .formula import FormulaError
from .inline import RichText
from .load import Lesson, SourceMap, text_problem
from .model import Block, Document

MAX_RESULT_CHARS = 100_000
MAX_STEPS = 100_000  # loop turns and calls in one rendering: theme wording may loop, not forever

# Lesson text needs values, conditions and simple filters, nothing that loops or calls:
# a loop or a padding width can hang a build long before the result's length is checked.
LESSON_FILTERS = frozenset(
    {
        "upper", "lower", "title", "capitalize", "trim", "default", "d", "join", "select",
        "reject", "first", "last", "length", "count", "string", "int", "float", "round",
        "abs", "list", "sort", "unique", "truncate", "striptags", "wordcount", "replace",
    }
)  # fmt: skip
LESSON_FORBIDDEN = {
    nodes.For: "loops ({% for %})",
    nodes.Macro: "macros",
    nodes.CallBlock: "call blocks",
    nodes.FilterBlock: "filter blocks",
    nodes.Call: "calling functions or methods",
    nodes.Mod: "the % operator",
    nodes.Pow: "the ** operator",
    nodes.Include: "includes",
    nodes.Import: "imports",
    nodes.FromImport: "imports",
    nodes.Extends: "extends",
}


# Theme wording may loop and call macros (a compare row's cells, say), but it shares
# lesson text's filters: a padding width or an import can hang or reach out as surely.
THEME_FORBIDDEN = {
    nodes.Include: "includes",
    nodes.Import: "imports",
    nodes.FromImport: "imports",
    nodes.Extends: "extends",
}


class LessonSandbox(SandboxedEnvironment):
    """The sandbox, also refusing ``'x' * 10**9``, towering powers, and endless work.

    Every loop turn and every call spends one step of a budget set for each rendering
    (:data:`MAX_STEPS`), so nested loops or a macro that calls itself twice stop early
    with a message instead of running until the job is killed.
    """

    intercepted_binops = frozenset({"*", "**"})
    steps = 0

    def spend(self) -> None:
        self.steps += 1
        if self.steps > MAX_STEPS:
            raise SecurityError(f"it runs more than {MAX_STEPS:,} loop turns or calls")

    def call(__self, __context: Any, __obj: Any, *args: Any, **kwargs: Any) -> Any:
        __self.spend()
        return super().call(__context, __obj, *args, **kwargs)

    def _parse(self, source: str, name: str | None, filename: str | None) -> nodes.Template:
        """The template's tree, each loop's sequence counted turn by turn as it is walked."""
        tree = super()._parse(source, name, filename)
        for loop in tree.find_all(nodes.For):
            loop.iter = nodes.Filter(loop.iter, "_counted", [], [], None, None, lineno=loop.lineno)
        return tree

    def call_binop(self, context: Any, operator_: str, left: Any, right: Any) -> Any:
        if operator_ == "**":
            if isinstance(right, (int, float)) and abs(right) > 100:
                raise SecurityError("the exponent is too large")
            return operator.pow(left, right)
        if isinstance(left, (str, list, tuple)) or isinstance(right, (str, list, tuple)):
            count = right if isinstance(left, (str, list, tuple)) else left
            sequence = left if isinstance(left, (str, list, tuple)) else right
            if isinstance(count, int) and len(sequence) * count > MAX_RESULT_CHARS:
                raise SecurityError("the repeated text would be too long")
        return operator.mul(left, right)


def _join(eval_ctx: Any, value: Any, d: str = "", attribute: Any = None) -> str:
    """jinja2's join, refusing a result longer than any lesson text (a separator bomb)."""
    items = list(value)
    if len(str(d)) * len(items) > MAX_RESULT_CHARS:
        raise SecurityError("the joined text would be too long")
    return do_join(eval_ctx, items, d, attribute)


def _replace(eval_ctx: Any, s: str, old: str, new: str, count: int | None = None) -> str:
    """jinja2's replace, refusing a result longer than any lesson text."""
    growth = str(s).count(str(old)) * max(len(str(new)) - len(str(old)), 0)
    if len(str(s)) + growth > MAX_RESULT_CHARS:
        raise SecurityError("the replaced text would be too long")
    return do_replace(eval_ctx, s, old, new, count)


@pass_environment
def _counted(env: LessonSandbox, sequence: Any) -> Any:
    """A loop's sequence, spending a step of the rendering's budget per turn."""
    for item in sequence:
        env.spend()
        yield item


_join.jinja_pass_arg = _replace.jinja_pass_arg = do_join.jinja_pass_arg  # type: ignore[attr-defined]


@functools.cache
def environment() -> LessonSandbox:
    """The one shared sandbox (templates compile once and are cached by source)."""
    env = LessonSandbox(undefined=StrictUndefined, autoescape=False, keep_trailing_newline=False)
    env.filters.update(join=_join, replace=_replace, _counted=_counted)
    del env.globals["lipsum"]  # pages of generated text from one call
    return env


@functools.lru_cache(maxsize=4096)
def check_lesson_template(source: str) -> None:
    """Refuse what lesson text has no use for and could hang a build (loops, calls, ...)."""
    tree = environment().parse(source)
    for node_type, what in LESSON_FORBIDDEN.items():
        if tree.find(node_type) is not None:
            raise SecurityError(f"{what} cannot be used in lesson text")
    for node in tree.find_all(nodes.Filter):
        if node.name not in LESSON_FILTERS:
            raise SecurityError(f"the filter '{node.name}' cannot be used in lesson text")


@functools.lru_cache(maxsize=4096)
def check_theme_template(source: str) -> None:
    """Refuse in theme wording what reaches other files or could hang a build unbudgeted."""
    tree = environment().parse(source)
    for node_type, what in THEME_FORBIDDEN.items():
        if tree.find(node_type) is not None:
            raise SecurityError(f"{what} cannot be used in theme wording")
    for node in tree.find_all(nodes.Filter):
        if node.name not in LESSON_FILTERS and node.name != "_counted":
            raise SecurityError(f"the filter '{node.name}' cannot be used in theme wording")


@functools.lru_cache(maxsize=4096)
def _compile(source: str):
    return environment().from_string(source)


@functools.lru_cache(maxsize=4096)
def names_used(source: str) -> frozenset[str]:
    """The variables a template reads from its context (so costly ones are made on demand)."""
    return frozenset(meta.find_undeclared_variables(environment().parse(source)))


def variables_read(lesson: Lesson) -> dict[str, tuple[str | int, ...]]:
    """Each ``vars.NAME`` the lesson's text needs, with where it is first read.

    A read guarded by ``| default(...)`` or ``is defined`` is left out: the text copes
    without it. A merge checks these names against its data file's columns.
    """
    found: dict[str, tuple[str | int, ...]] = {}

    def collect(text: RichText, loc: tuple[str | int, ...]) -> RichText:
        try:
            tree = environment().parse(text)
        except TemplateSyntaxError:
            return text  # said, located, when the text is rendered
        guarded = {
            id(inner)
            for node in tree.find_all((nodes.Filter, nodes.Test))
            if node.name in ("default", "d", "defined", "undefined")
            for inner in node.find_all((nodes.Getattr, nodes.Getitem))
        }
        for node in tree.find_all((nodes.Getattr, nodes.Getitem)):
            name = _vars_name(node)
            if name is not None and id(node) not in guarded:
                found.setdefault(name, loc)
        return text

    map_text(lesson.document, collect, ())
    return found


def _vars_name(node: nodes.Getattr | nodes.Getitem) -> str | None:
    """NAME, if *node* is ``vars.NAME`` or ``vars["NAME"]``."""
    if not (isinstance(node.node, nodes.Name) and node.node.name == "vars"):
        return None
    if isinstance(node, nodes.Getattr):
        return node.attr
    return node.arg.value if isinstance(node.arg, nodes.Const) else None


def has_template(text: str) -> bool:
    return "{{" in text or "{%" in text or "{#" in text


def render_string(source: str, context: Mapping[str, Any]) -> str:
    """Render one template string; raises jinja2's errors for the caller to locate.

    The text is gathered piece by piece, so a loop that writes gigabytes is stopped
    at the length of the longest lesson text, not when memory runs out.
    """
    template = _compile(source)
    environment().steps = 0
    pieces: list[str] = []
    length = 0
    try:
        for piece in template.generate(context):
            length += len(piece)
            if length > MAX_RESULT_CHARS:
                raise SecurityError(f"the result is longer than {MAX_RESULT_CHARS:,} characters")
            pieces.append(piece)
    except RecursionError:
        raise SecurityError("it calls itself too deeply") from None
    return "".join(pieces)


def explain(error: Exception, data: Path | None = None) -> str:
    """A template error in an author's words, with the fix (with the *data* file of a
    merge, a column of it is one)."""
    if isinstance(error, UndefinedError):
        name = re.search(r"has no attribute '([^']+)'|'([^']+)' is undefined", str(error))
        missing = next((group for group in name.groups() if group), None) if name else None
        if missing:
            column = f"add a '{missing}' column to {data}, " if data else ""
            return (
                f"'{missing}' is not defined; {column}add it under vars: in the lesson"
                f" or pass --var {missing}=VALUE"
            )
        return f"a template uses something undefined ({error}); check the name"
    if isinstance(error, SecurityError) or "unsafe" in str(error):
        return (
            f"the template does something not allowed ({str(error).rstrip('.')});"
            " use plain {{ vars.NAME }} values"
        )
    if isinstance(error, FormulaError):
        return str(error)
    if isinstance(error, TemplateSyntaxError):
        return f"template syntax error: {error.message}; write placeholders as {{{{ vars.NAME }}}}"
    return f"the template failed: {error}"


def resolve(lesson: Lesson, overrides: Mapping[str, Any] | None = None) -> Document:
    """The lesson's document with every ``{{ ... }}`` rendered, using *overrides* over ``vars``.

    The document is validated once; this walk is cheap, so a data merge calls it once
    per row. Text without a template is reused as it is.
    """
    document = lesson.document
    variables = {**document.vars, **(overrides or {})}
    context = {"vars": variables, "doc": document}
    problems: list[Problem] = []

    def render(text: RichText, loc: tuple[str | int, ...]) -> RichText:
        try:
            check_lesson_template(text)
            result = render_string(text, context)
        except Exception as error:  # a template is the author's code: any failure is theirs
            problems.append(_located(lesson.source, loc, error))
            return text
        if message := text_problem(result):  # from --var, a data row or a "\x01" literal
            problems.append(lesson.source.problem(loc, f"filled in, {message}"))
            return text
        return RichText(result)

    resolved = map_text(document, render, ())
    if problems:
        raise LessonError(problems)
    return resolved


def _located(source: SourceMap, loc: tuple[str | int, ...], error: Exception) -> Problem:
    problem = source.problem(loc, explain(error))
    if isinstance(error, TemplateSyntaxError) and problem.line is not None and error.lineno > 1:
        return Problem(problem.path, problem.message, problem.line + error.lineno - 1)
    return problem


TextFunction = Callable[[RichText, tuple[str | int, ...]], RichText]


def map_text(
    value: Any, function: TextFunction, loc: tuple[str | int, ...], *, every: bool = False
) -> Any:
    """Apply *function* to every templated text in a model tree (to *every* text, when
    asked), copying only what changes."""
    if isinstance(value, RichText):
        return function(value, loc) if every or has_template(value) else value
    if isinstance(value, BaseModel):
        if isinstance(value, Block):
            loc = (*loc, value.kind)  # the union's tag, as in validation error paths
        changes = {}
        for name, field in type(value).model_fields.items():
            if name == "vars":
                continue
            old = getattr(value, name)
            new = map_text(old, function, (*loc, field.alias or name), every=every)
            if new is not old:
                changes[name] = new
        return value.model_copy(update=changes) if changes else value
    if isinstance(value, list):
        new_items = [
            map_text(item, function, (*loc, index), every=every) for index, item in enumerate(value)
        ]
        return (
            new_items if any(n is not o for n, o in zip(new_items, value, strict=True)) else value
        )
    return value
