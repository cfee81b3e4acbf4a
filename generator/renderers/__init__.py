"""The renderer interface: a visitor over the lesson model, one method per block kind.

A renderer subclass names its ``format`` (``docx``), its file ``suffix`` and a
``label`` for the file name (``handout``), and implements ``render_<kind>`` for every
block kind in :data:`generator.model.BLOCK_KINDS`. :meth:`Renderer.render_block`
dispatches on the block's kind and refuses unknown kinds, so a new kind cannot be
silently dropped by a renderer that has not learnt it.

While a section or block in a language other than the lesson's is rendered, ``lang``
is its language (a block's own wins over its section's), so each format can mark that
text for screen readers and spelling tools.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, ClassVar

from ..errors import BuildError
from ..model import BLOCK_KINDS, Block, Document
from ..theme import Theme


class Renderer(ABC):
    """Base of every output format; one instance renders one document."""

    format: ClassVar[str]
    suffix: ClassVar[str]
    label: ClassVar[str]
    description: ClassVar[str] = ""

    document: Document
    theme: Theme
    lang: str
    """The language of what is being rendered: the lesson's, or its section's or block's."""

    def render(self, document: Document, theme: Theme, path: Path) -> None:
        """Write *document*, styled by *theme*, to *path* (a temporary file the build renames)."""
        self.document = document
        self.theme = theme
        self.lang = document.language
        self.write(path)

    @abstractmethod
    def write(self, path: Path) -> None:
        """Walk ``self.document`` and write the whole output to *path*."""

    def render_block(self, block: Block) -> Any:
        """Dispatch to ``render_<kind>``; an unknown kind is a programming error."""
        method = getattr(self, f"render_{block.kind}", None)
        if method is None:
            raise NotImplementedError(f"{type(self).__name__} cannot render '{block.kind}' blocks")
        with self.speaking(block.lang):
            try:
                return method(block)
            except BuildError as error:
                error.block = error.block or block  # a column's block, not its columns block
                raise

    @contextmanager
    def speaking(self, lang: str | None) -> Iterator[str]:
        """Render in *lang* (a section's or block's language) inside; None keeps the
        current one. Yields the language in force."""
        outer = self.lang
        self.lang = lang or outer
        try:
            yield self.lang
        finally:
            self.lang = outer

    @classmethod
    def missing_kinds(cls) -> list[str]:
        """Block kinds this renderer has no method for (a test keeps this empty)."""
        return [kind for kind in BLOCK_KINDS if not callable(getattr(cls, f"render_{kind}", None))]

    @classmethod
    def output_name(cls, stem: str) -> str:
        """The file name for a lesson *stem*, e.g. ``lesson-handout.docx``."""
        return f"{stem}-{cls.label}{cls.suffix}"

    def wording(self, name: str, **context: Any) -> str:
        """The theme's wording template *name*, rendered for this document."""
        return self.theme.wording(name, self.document, **context)

    def shown(self, items: list[Any]) -> list[Any]:
        """The sections or blocks of *items* that belong in this format."""
        return [item for item in items if item.shown_in(self.format)]
