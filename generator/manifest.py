"""Incremental builds: skip an output whose inputs have not changed since it was built.

The output folder keeps a small JSON manifest mapping each output file to the key it
was built from (a hash of the lesson's bytes, the format, the output name, the
variables, the flags and Lectern's version and code), the files it also read (theme files,
images) with their hashes, and its own hash and size. An output is up to date when
its key matches, none of those files changed, and the output itself is still the file
Lectern wrote. Checking needs no parsing and no renderer import, so a no-op rebuild
of a whole course is quick.
"""

from __future__ import annotations

import functools
import hashlib
import json
import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from . import __version__
from .build import BuildOptions, digest
from .files import atomic_target

MANIFEST_NAME = ".lectern-manifest.json"
SCHEMA = 1


@functools.cache
def code_fingerprint() -> str:
    """A hash of Lectern's own source, so an edited renderer rebuilds what it made.

    The version alone misses changes between releases (a development checkout, a patched
    install); reading the package's few modules costs about a millisecond.
    """
    package = Path(__file__).parent
    sha = hashlib.sha256()
    for module in sorted(package.rglob("*.py")):
        sha.update(module.relative_to(package).as_posix().encode() + b"\0")
        sha.update(module.read_bytes())
    return sha.hexdigest()


def output_key(
    lesson: Path,
    lesson_digest: str,
    fmt: str,
    stem: str,
    variables: Mapping[str, Any],
    options: BuildOptions,
) -> str:
    """The hash of everything an output depends on besides the files it records."""
    facts = {
        "lectern": __version__,
        "code": code_fingerprint(),
        "lesson": str(lesson.resolve()),
        "lesson_sha256": lesson_digest,
        "format": fmt,
        "stem": stem,
        "vars": variables,
        "theme": options.theme,
        "allow_outside": options.allow_outside,
        "allow_overflow": options.allow_overflow,
        "references": {fmt: str(path.resolve()) for fmt, path in options.references.items()},
        "source_date_epoch": os.environ.get("SOURCE_DATE_EPOCH", ""),
    }
    return digest(json.dumps(facts, sort_keys=True, default=str).encode())


@dataclass
class Manifest:
    """The manifest of one output folder, read at the start of a build, saved at its end."""

    out_dir: Path
    outputs: dict[str, dict[str, Any]] = field(default_factory=dict)
    _digests: dict[str, str | None] = field(default_factory=dict, repr=False)
    _names: dict[tuple[Any, Any], str] = field(default_factory=dict, repr=False)

    def __post_init__(self) -> None:
        self._names = {(e.get("format"), e.get("stem")): n for n, e in self.outputs.items()}

    @property
    def path(self) -> Path:
        return self.out_dir / MANIFEST_NAME

    @classmethod
    def load(cls, out_dir: Path) -> Manifest:
        """The folder's manifest; a missing or unreadable one is empty (everything rebuilds)."""
        try:
            data = json.loads((out_dir / MANIFEST_NAME).read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return cls(out_dir)
        if not isinstance(data, dict) or data.get("schema") != SCHEMA:
            return cls(out_dir)
        outputs = data.get("outputs")
        return cls(out_dir, outputs if isinstance(outputs, dict) else {})

    def up_to_date(self, fmt: str, stem: str, key: str) -> bool:
        """Whether the *fmt* output for *stem* was built from *key* and nothing it read changed."""
        name = self._names.get((fmt, stem))
        if name is None:
            return False
        entry = self.outputs[name]
        return (
            entry.get("key") == key
            and self._unchanged(self.out_dir / name, entry.get("sha256"), entry.get("size"))
            and all(
                self._digest(Path(path)) == sha for path, sha in entry.get("inputs", {}).items()
            )
        )

    def record(
        self, output: Path, fmt: str, stem: str, key: str, inputs: Mapping[str, str]
    ) -> None:
        """Remember a freshly written *output*."""
        data = output.read_bytes()
        self.outputs[output.name] = {
            "format": fmt,
            "stem": stem,
            "key": key,
            "inputs": dict(sorted(inputs.items())),
            "sha256": digest(data),
            "size": len(data),
        }
        self._names[(fmt, stem)] = output.name

    def save(self) -> None:
        """Write the manifest atomically, in a stable order, dropping outputs that are gone."""
        outputs = {
            name: entry
            for name, entry in sorted(self.outputs.items())
            if (self.out_dir / name).is_file()
        }
        if not outputs:
            return
        text = json.dumps(
            {"schema": SCHEMA, "lectern": __version__, "outputs": outputs},
            indent=1,
            sort_keys=True,
            ensure_ascii=False,
        )
        with atomic_target(self.path) as temporary:
            temporary.write_text(text + "\n", encoding="utf-8")

    def _unchanged(self, path: Path, sha: str | None, size: int | None) -> bool:
        try:
            if path.stat().st_size != size:
                return False
        except OSError:
            return False
        return self._digest(path) == sha

    def _digest(self, path: Path) -> str | None:
        """A file's hash, once per run (a theme is shared by many outputs); None if it is gone."""
        key = str(path)
        if key not in self._digests:
            try:
                self._digests[key] = digest(path.read_bytes())
            except OSError:
                self._digests[key] = None
        return self._digests[key]
