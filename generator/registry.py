"""Output formats, found through the ``lectern.renderers`` entry-point group.

Built-in renderers are declared in the package's own metadata exactly like
third-party ones, so one lookup finds both. Entry points are loaded lazily: a
missing optional library breaks only the format that needs it.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable
from dataclasses import dataclass
from importlib.metadata import EntryPoint, entry_points
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # importing the interface pulls in the model; `lectern formats` needs neither
    from .renderers import Renderer

GROUP = "lectern.renderers"


class RegistryError(Exception):
    """A format that is unknown, clashes with another, or cannot be loaded."""


@dataclass(frozen=True)
class Format:
    """An installed output format, not yet imported."""

    name: str
    entry_point: EntryPoint

    @property
    def target(self) -> str:
        return self.entry_point.value

    def load(self) -> type[Renderer]:
        """Import the renderer class; a broken plugin becomes a clear error."""
        from .renderers import Renderer

        try:
            renderer = self.entry_point.load()
        except Exception as error:  # a plugin may fail in any way; name it
            raise RegistryError(
                f"format '{self.name}' ({self.target}) cannot be loaded: {error}"
            ) from error
        if not (isinstance(renderer, type) and issubclass(renderer, Renderer)):
            raise RegistryError(f"format '{self.name}' ({self.target}) is not a Renderer class")
        if renderer.format != self.name:
            raise RegistryError(
                f"format '{self.name}' ({self.target}) calls itself '{renderer.format}'"
            )
        return renderer


@functools.cache
def installed_entry_points() -> tuple[EntryPoint, ...]:
    """The group's entry points, read once per process.

    Reading them scans every installed package's metadata (about 3 ms), and a batch
    asks for each format once per lesson; what is installed does not change meanwhile.
    """
    return tuple(entry_points(group=GROUP))


def available_formats() -> dict[str, Format]:
    """Every installed format by name, in a stable order; a duplicate name is an error."""
    found: dict[str, Format] = {}
    for entry_point in installed_entry_points():
        known = found.get(entry_point.name)
        if known and known.target != entry_point.value:
            raise RegistryError(
                f"two renderers claim the format '{entry_point.name}':"
                f" {known.target} and {entry_point.value}; uninstall one"
            )
        found[entry_point.name] = Format(entry_point.name, entry_point)
    return dict(sorted(found.items(), key=lambda item: _ORDER.get(item[0], len(_ORDER))))


_ORDER = {"docx": 0, "pptx": 1, "pdf": 2}


def renderer_for(name: str) -> type[Renderer]:
    """The renderer class of format *name*."""
    formats = available_formats()
    if name not in formats:
        raise RegistryError(unknown_format(name, formats))
    return formats[name].load()


def unknown_format(name: str, formats: Iterable[str]) -> str:
    """What to say of a format no installed renderer has: the ones that are."""
    return f"unknown format '{name}'; installed formats: {', '.join(formats) or 'none'}"
