"""What ``lectern template check`` says about a user's own Word or PowerPoint template.

Each format's template module fills one :class:`TemplateReport`: what it will use for
what, the boxes text is measured in, the fonts, what it repaired on opening and what it
will warn about. A template is usable unless a problem says otherwise; the command then
exits 1 with the reasons.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path


@dataclass
class TemplateReport:
    """Everything one check found, in the words the command prints."""

    path: Path
    uses: list[str] = field(default_factory=list)  # "content slides: layout 'X' (obj)"
    boxes: list[str] = field(default_factory=list)  # usable box sizes, in points or mm
    fonts: list[str] = field(default_factory=list)  # the template's fonts and how measured
    repairs: list[str] = field(default_factory=list)  # what was mended on opening
    warnings: list[str] = field(default_factory=list)  # usable, but worth knowing
    problems: list[str] = field(default_factory=list)  # why it cannot be used

    @property
    def usable(self) -> bool:
        return not self.problems

    def lines(self) -> list[str]:
        """The report as printed: a heading line, then one section per kind of finding."""
        verdict = "usable" if self.usable else "NOT usable"
        lines = [f"{self.path}: {verdict}"]
        for title, items in (
            ("uses", self.uses),
            ("boxes", self.boxes),
            ("fonts", self.fonts),
            ("repaired", self.repairs),
            ("warnings", self.warnings),
            ("problems", self.problems),
        ):
            if items:
                lines.append(f"  {title}:")
                lines += [f"    {item}" for item in items]
        return lines
