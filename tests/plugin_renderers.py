"""Small test-only renderers, registered through the same entry-point lookup as real ones."""

from __future__ import annotations

from pathlib import Path

from generator.renderers import Renderer


class OutlineRenderer(Renderer):
    """Writes the lesson's headings and block kinds as plain text."""

    format = "outline"
    suffix = ".txt"
    label = "outline"

    def write(self, path: Path) -> None:
        lines = [self.document.title]
        for section in self.shown(self.document.sections):
            lines.append(f"# {section.heading}")
            lines.extend(self.render_block(block) for block in self.shown(section.blocks))
        path.write_text("\n".join(lines) + "\n", encoding="utf-8")

    def render_text(self, block):
        return f"text: {block.text.plain}"

    def render_list(self, block):
        return f"list: {len(block.list_.items)} items"

    def render_compare(self, block):
        return f"compare: {len(block.compare.rows)} rows"

    def render_table(self, block):
        return f"table: {len(block.table.rows)} rows"

    def render_terms(self, block):
        return f"terms: {len(block.terms)}"

    def render_callout(self, block):
        return f"callout: {block.callout.kind}"

    def render_quote(self, block):
        return f"quote: {block.quote.text}"

    def render_image(self, block):
        return f"image: {block.image.alt}"

    def render_math(self, block):
        return f"math: {block.math.spoken}"

    def render_code(self, block):
        return f"code: {len(block.code.lines)} lines"

    def render_columns(self, block):
        return f"columns: {len(block.columns.blocks)}"


class HalfwayRenderer(OutlineRenderer):
    """Writes part of its file, then fails: the previous output must survive."""

    format = "halfway"

    def write(self, path: Path) -> None:
        path.write_text("partial", encoding="utf-8")
        raise RuntimeError("disk on fire")


class Misnamed(OutlineRenderer):
    format = "something-else"
