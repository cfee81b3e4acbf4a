"""Incremental builds: skip an output whose inputs have not changed since it was built.

The output folder keeps a small JSON manifest mapping each output file to the key it
was built from (a hash of the lesson's bytes, the format, the output name, the
variables, the flags and Lectern's version and code), the files it also read (theme files,
images) with their hashes, its own hash and size, and what its build warned about
(said again while it is up to date, so ``--strict`` keeps failing). An output is up to date when
its key matches, none of those files changed, and the output itself is still the file
Lectern wrote. Checking needs no parsing and no renderer import, so a no-op rebuild
of a whole course is quick.

Nothing in it is an absolute path: outputs are named relative to the output folder,
the files they read relative to their lesson's folder (or to Lectern's shipped themes),
and everything else by content. A course checked out, or a CI cache restored, at
another path is up to date, and so is an output folder that was moved.

Each output is recorded the moment it lands, as one line appended to a journal beside
the manifest, with the hash of the bytes its job wrote (not of whatever file is on disk
when the record is made). A run that is killed keeps what it finished; the next run
folds the journal into the manifest.
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
from .errors import BuildError
from .files import atomic_target
from .theme import themes_dir

MANIFEST_NAME = ".lectern-manifest.json"
JOURNAL_NAME = ".lectern-journal.jsonl"
KEPT_NAMES = frozenset({MANIFEST_NAME, JOURNAL_NAME})
SCHEMA = 2
SHIPPED = "lectern:"


class ManifestError(BuildError):
    """The manifest could not be written: the outputs stand, but will be rebuilt next time."""


def portable(path: Path, base: Path) -> str:
    """How the manifest names an input file: relative to Lectern's shipped themes when it
    is one of theirs, else relative to *base* (the lesson's folder)."""
    resolved = path.resolve()
    shipped = themes_dir().resolve()
    if resolved.is_relative_to(shipped):
        return SHIPPED + resolved.relative_to(shipped).as_posix()
    return Path(os.path.relpath(resolved, base.resolve())).as_posix()


def located(name: str, base: Path) -> Path:
    """The file an input's :func:`portable` name stands for."""
    if name.startswith(SHIPPED):
        return themes_dir() / name.removeprefix(SHIPPED)
    return base / name


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
        "lesson_sha256": lesson_digest,
        "format": fmt,
        "stem": stem,
        "vars": variables,
        "theme": options.theme,
        "allow_outside": options.allow_outside,
        "allow_overflow": options.allow_overflow,
        # by content, not path: another template is a change, the same one moved is not
        "references": {fmt: _file_digest(path) for fmt, path in options.references.items()},
        "source_date_epoch": os.environ.get("SOURCE_DATE_EPOCH", ""),
    }
    return digest(json.dumps(facts, sort_keys=True, default=str).encode())


def _file_digest(path: Path) -> str | None:
    """A file's hash, read once per run however many outputs it goes into."""
    try:
        stat = path.stat()
    except OSError:
        return None  # the build says why it can't be read
    return _digest_of(path.resolve(), stat.st_size, stat.st_mtime_ns)


@functools.lru_cache(maxsize=64)
def _digest_of(path: Path, size: int, mtime: int) -> str:
    return digest(path.read_bytes())


@dataclass
class Manifest:
    """The manifest of one output folder: read at the start of a build, added to as each
    output lands, saved whole at its end."""

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
            data = None
        outputs = {}
        if isinstance(data, dict) and data.get("schema") == SCHEMA:
            outputs = data.get("outputs")
            outputs = outputs if isinstance(outputs, dict) else {}
        return cls(out_dir, {**outputs, **_journal(out_dir / JOURNAL_NAME)})

    def name_of(self, fmt: str, stem: str) -> str | None:
        """The recorded output of *fmt* for *stem*, relative to the folder."""
        return self._names.get((fmt, stem))

    def warnings_of(self, fmt: str, stem: str) -> list[str]:
        """What the build of the recorded *fmt* output for *stem* warned about: said again
        while it is up to date, so that ``--strict`` fails the next run too."""
        name = self._names.get((fmt, stem))
        said = self.outputs[name].get("warnings") if name is not None else None
        return [text for text in said if isinstance(text, str)] if isinstance(said, list) else []

    def up_to_date(self, fmt: str, stem: str, key: str, base: Path) -> bool:
        """Whether the *fmt* output for *stem* was built from *key* and nothing it read
        (named relative to *base*, the lesson's folder) changed."""
        name = self._names.get((fmt, stem))
        if name is None:
            return False
        entry = self.outputs[name]
        inputs = entry.get("inputs")
        return (
            entry.get("key") == key
            and isinstance(inputs, dict)
            and self._unchanged(self.out_dir / name, entry.get("sha256"), entry.get("size"))
            and all(self._digest(located(path, base)) == sha for path, sha in inputs.items())
        )

    def record(
        self,
        name: str,
        fmt: str,
        stem: str,
        key: str,
        inputs: Mapping[str, str | None],
        written: tuple[str, int],
        warnings: list[str],
        lesson: Path,
    ) -> None:
        """Remember the output *name* (relative to the folder) as its job wrote it: *written*
        is the hash and size of those bytes, *warnings* what its build warned about, *lesson*
        the file it was built from (kept relative to the folder, as a restored cache moves
        both). Raises :class:`ManifestError` if the journal can't be written."""
        sha256, size = written
        entry = {
            "format": fmt,
            "stem": stem,
            "lesson": Path(os.path.relpath(lesson.resolve(), self.out_dir.resolve())).as_posix(),
            "key": key,
            "inputs": dict(sorted(inputs.items())),
            "sha256": sha256,
            "size": size,
            "warnings": warnings,
        }
        self.outputs[name] = entry
        self._names[(fmt, stem)] = name
        line = json.dumps({name: entry}, sort_keys=True, ensure_ascii=False)
        try:
            with open(self.out_dir / JOURNAL_NAME, "a", encoding="utf-8") as journal:
                journal.write(line + "\n")
        except OSError as error:
            raise self._failure(error) from None

    def prune(self) -> list[str]:
        """Remove the recorded outputs whose lesson file is gone (deleted, or renamed) from
        a folder that is still there; returns their names, which the manifest forgets when
        saved. Only a lesson's absence counts: one that fails, is skipped or left out of
        this run keeps its files, and so do files not recorded here (someone else's, the
        combined ones). A lesson whose folder is gone too is not taken for deleted: the
        output folder may have moved without the lessons."""
        removed = []
        for name, entry in sorted(self.outputs.items()):
            lesson = entry.get("lesson")
            if not isinstance(lesson, str):
                continue
            path = self.out_dir / lesson
            if not path.exists() and path.parent.is_dir():
                (self.out_dir / name).unlink(missing_ok=True)
                removed.append(name)
        return removed

    def save(self) -> None:
        """Write the manifest atomically, in a stable order, dropping outputs that are gone;
        raises :class:`ManifestError` if it can't."""
        outputs = {
            name: entry
            for name, entry in sorted(self.outputs.items())
            if (self.out_dir / name).is_file()
        }
        journal = self.out_dir / JOURNAL_NAME
        if not outputs and not journal.exists():
            return
        text = json.dumps(
            {"schema": SCHEMA, "lectern": __version__, "outputs": outputs},
            indent=1,
            sort_keys=True,
            ensure_ascii=False,
        )
        try:
            with atomic_target(self.path) as temporary:
                temporary.write_text(text + "\n", encoding="utf-8")
            journal.unlink(missing_ok=True)
        except OSError as error:
            raise self._failure(error) from None

    def _failure(self, error: OSError) -> ManifestError:
        return ManifestError(
            f"{self.path}: can't record what was built ({error.strerror or error}); the files"
            " written are complete, but the next build will make them again. Free some space"
            " or make the output folder writable."
        )

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


def _journal(path: Path) -> dict[str, dict[str, Any]]:
    """The outputs a run recorded as they landed (one JSON object a line); a line cut short
    by a killed run is ignored."""
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except (OSError, ValueError):
        return {}
    outputs: dict[str, dict[str, Any]] = {}
    for line in lines:
        try:
            record = json.loads(line)
        except ValueError:
            continue
        if isinstance(record, dict):
            outputs.update(
                (name, entry) for name, entry in record.items() if isinstance(entry, dict)
            )
    return outputs
