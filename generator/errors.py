"""Problems found in a user's files, each located at ``file:line:column``."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any


@dataclass(frozen=True)
class Problem:
    """One thing wrong in a file, in the author's words, with how to fix it."""

    path: Path
    message: str
    line: int | None = None
    column: int | None = None

    def __str__(self) -> str:
        where = str(self.path)
        if self.line is not None:
            where += f":{self.line}"
            if self.column is not None:
                where += f":{self.column}"
        return f"{where}: {self.message}"


def quoted(text: str, limit: int = 60) -> str:
    """*text* to quote in a message: its start only, however long the author made it."""
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


class LessonError(Exception):
    """Bad input: one or more problems, all reported together (exit status 2)."""

    def __init__(self, problems: list[Problem]) -> None:
        super().__init__("\n".join(map(str, problems)))
        self.problems = problems

    @classmethod
    def at(
        cls, path: Path, message: str, line: int | None = None, column: int | None = None
    ) -> LessonError:
        """A single located problem."""
        return cls([Problem(path, message, line, column)])


class BuildError(Exception):
    """A renderer could not finish an output (exit status 1); the input itself was valid.

    ``block`` is the block being rendered when it was raised (the innermost, inside
    columns), set as it passes :meth:`~generator.renderers.Renderer.render_block`; the
    build then says the error where the lesson writes that block, as ``place``.
    """

    def __init__(self, message: str, *, place: Problem | None = None) -> None:
        super().__init__(message)
        self.block: Any = None
        self.place = place


class FormulaTooWide(BuildError):
    """A display equation wider than its box even at the smallest type size; the build
    turns it into a problem located where the lesson writes the formula."""

    def __init__(self, tex: str, box: str, floor: float) -> None:
        super().__init__(
            f"the formula '{tex}' is too wide for {box} even at {floor:g} pt; break it over"
            " lines with \\begin{aligned} ... \\\\ ... \\end{aligned}, or shorten it"
        )
        self.tex = tex
