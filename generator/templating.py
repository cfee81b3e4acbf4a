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
from typing import Any

from jinja2 import StrictUndefined, TemplateError, TemplateSyntaxError, UndefinedError
from jinja2.sandbox import SandboxedEnvironment, SecurityError
from pydantic import BaseModel

from .errors import LessonError, Problem
from .inline import RichText
from .load import Lesson, SourceMap
from .model import Block, Document

MAX_RESULT_CHARS = 100_000


class LessonSandbox(SandboxedEnvironment):
    """The sandbox, also refusing ``'x' * 10**9`` and towering powers."""

    intercepted_binops = frozenset({"*", "**"})

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


@functools.cache
def environment() -> LessonSandbox:
    """The one shared sandbox (templates compile once and are cached by source)."""
    return LessonSandbox(undefined=StrictUndefined, autoescape=False, keep_trailing_newline=False)


@functools.lru_cache(maxsize=4096)
def _compile(source: str):
    return environment().from_string(source)


def has_template(text: str) -> bool:
    return "{{" in text or "{%" in text or "{#" in text


def render_string(source: str, context: Mapping[str, Any]) -> str:
    """Render one template string; raises jinja2's errors for the caller to locate."""
    result = _compile(source).render(context)
    if len(result) > MAX_RESULT_CHARS:
        raise SecurityError("the result is too long")
    return result


def explain(error: Exception) -> str:
    """A template error in an author's words, with the fix."""
    if isinstance(error, UndefinedError):
        name = re.search(r"has no attribute '([^']+)'|'([^']+)' is undefined", str(error))
        missing = next((group for group in name.groups() if group), None) if name else None
        if missing:
            return (
                f"'{missing}' is not defined; add it under vars: in the lesson"
                f" or pass --var {missing}=VALUE"
            )
        return f"a template uses something undefined ({error}); check the name"
    if isinstance(error, SecurityError):
        return f"the template does something not allowed ({error}); use plain {{{{ vars.NAME }}}} values"
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
            return RichText(render_string(text, context))
        except (TemplateError, SecurityError) as error:
            problems.append(_located(lesson.source, loc, error))
            return text

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


def map_text(value: Any, function: TextFunction, loc: tuple[str | int, ...]) -> Any:
    """Apply *function* to every templated text in a model tree, copying only what changes."""
    if isinstance(value, RichText):
        return function(value, loc) if has_template(value) else value
    if isinstance(value, BaseModel):
        if isinstance(value, Block):
            loc = (*loc, value.kind)  # the union's tag, as in validation error paths
        changes = {}
        for name, field in type(value).model_fields.items():
            if name == "vars":
                continue
            old = getattr(value, name)
            new = map_text(old, function, (*loc, field.alias or name))
            if new is not old:
                changes[name] = new
        return value.model_copy(update=changes) if changes else value
    if isinstance(value, list):
        new_items = [map_text(item, function, (*loc, index)) for index, item in enumerate(value)]
        return (
            new_items if any(n is not o for n, o in zip(new_items, value, strict=True)) else value
        )
    return value
