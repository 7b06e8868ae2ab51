"""Content-addressed result cache.

Keys are digests of everything a result depends on (blob ids, rule versions,
the check date, the engine's code and the versions of the packages it relies
on), so an entry is valid on any branch and any clone. Entries are JSON,
written atomically (a temporary file renamed into place: a reader sees the old
entry, the new one or none, never half of one). An entry that cannot be read or
parsed is a miss; callers also treat an entry of the wrong shape as a miss.

Each entry starts with a header line holding its key and the SHA-256 of the key and
the value's text: an entry whose checksum does not match (damaged, empty, written by
hand, or copied under another key) is a miss. The checksum is not a signature: the
cache belongs to the user who runs the check, and an official run (CI, the site)
should start from an empty cache or run with ``--no-cache``
(docs/decisions/0011-threat-model.md).
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import json
import os
import sys
import tempfile
from collections.abc import Iterable
from pathlib import Path
from typing import Any, BinaryIO

from engine import __version__


def default_dir() -> Path:
    env = os.environ.get("GOVMEDIA_CACHE_DIR")
    if env:
        return Path(env)
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "govmedia"


class Cache:
    def __init__(self, directory: Path | None) -> None:
        self.directory = directory

    def entry_path(self, key: str) -> Path:
        """Where the entry of ``key`` is kept (only with a directory)."""
        assert self.directory is not None
        return self.directory / key[:2] / f"{key}.json"

    def keep_newest(self, count: int) -> None:
        """Delete all but the ``count`` most recently written or touched entries (a
        cache of large entries, such as whole reports, stays bounded)."""
        if self.directory is None:
            return
        dated = []
        for path in self.directory.glob("*/*.json"):
            with contextlib.suppress(OSError):  # gone meanwhile: another process pruned
                dated.append((path.stat().st_mtime_ns, path))
        for _, path in sorted(dated, reverse=True)[count:]:
            with contextlib.suppress(OSError):
                path.unlink()

    def touch(self, key: str) -> None:
        """Mark the entry of ``key`` as just used (``keep_newest`` keeps it longer)."""
        if self.directory is not None:
            with contextlib.suppress(OSError):
                os.utime(self.entry_path(key))

    def get(self, key: str) -> Any | None:
        body = self.get_bytes(key)
        if body is None:
            return None
        try:
            return json.loads(body)
        except (ValueError, RecursionError):
            # Not UTF-8 (a ValueError), not JSON, or nested deeper than the parser goes:
            # a miss, recomputed and rewritten.
            return None

    def get_bytes(self, key: str) -> bytes | None:
        """An entry's value as stored (``put_bytes``), or None: missing, unreadable, or
        its checksum does not match (damaged, forged or someone else's)."""
        view = self.get_view(key)
        return None if view is None else view.tobytes()

    def get_view(self, key: str) -> memoryview | None:
        """``get_bytes`` without copying the value out of what was read (a report of
        20,000 violations is 15 MB)."""
        if self.directory is None:
            return None
        try:
            with open(self.entry_path(key), "rb") as fh:
                data = fh.read()
        except OSError:
            return None
        end = data.find(b"\n")
        if end < 0:
            return None
        body = memoryview(data)[end + 1 :]
        return body if data[:end] == _header(key, body) else None

    def put(self, key: str, value: Any) -> None:
        try:
            body = json.dumps(value, ensure_ascii=False, allow_nan=False).encode("utf-8")
        except (TypeError, ValueError):
            return  # not JSON: nothing is remembered
        self.put_bytes(key, body)

    def put_bytes(self, key: str, body: bytes) -> None:
        """Store ``body`` as the entry's value, atomically (``get_bytes`` reads it back)."""
        if self.directory is None:
            return
        folder = self.directory / key[:2]
        tmp: str | None = None
        try:
            folder.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(dir=folder, prefix=".tmp-")
            with os.fdopen(fd, "wb") as fh:
                fh.write(_header(key, body) + b"\n")
                fh.write(body)
            os.replace(tmp, self.entry_path(key))
            tmp = None
        except OSError:
            pass  # a cache that cannot be written is only slower
        finally:
            if tmp is not None:  # interrupted or failed: leave no partial file behind
                with contextlib.suppress(OSError):
                    os.unlink(tmp)

    def open_entry(self, key: str) -> Entry | None:
        """An entry written as its value comes, piece by piece (``Entry``); None when
        nothing is remembered (no cache directory, or one that cannot be written)."""
        if self.directory is None:
            return None
        folder = self.directory / key[:2]
        try:
            folder.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(dir=folder, prefix=".tmp-")
        except OSError:
            return None
        return Entry(key, os.fdopen(fd, "w+b"), tmp, self.entry_path(key))


class Entry:
    """A cache entry being written: ``write`` its value's pieces, then ``commit`` (the
    entry appears whole, atomically) or ``discard`` (nothing appears). The header's
    checksum is only known at the end: a placeholder of the same length is written first
    and replaced on commit. A failed write discards the entry (a cache that cannot be
    written is only slower)."""

    def __init__(self, key: str, fh: BinaryIO, tmp: str, final: Path) -> None:
        self.key, self._fh, self._tmp, self._final = key, fh, tmp, final
        self._checksum = hashlib.sha256(key.encode() + b"\0")
        self._open = True
        self._write(b"\0" * len(_header_text(key, "0" * 64)) + b"\n")

    def _write(self, data: bytes) -> None:
        if self._open:
            try:
                self._fh.write(data)
            except OSError:
                self.discard()

    def write(self, data: bytes) -> None:
        self._checksum.update(data)
        self._write(data)

    def commit(self) -> None:
        if not self._open:
            return
        try:
            self._fh.seek(0)
            self._fh.write(_header_text(self.key, self._checksum.hexdigest()))
            self._fh.close()
            os.replace(self._tmp, self._final)
        except OSError:
            self.discard()
        self._open = False

    def discard(self) -> None:
        if not self._open:
            return  # committed or discarded already
        self._open = False
        with contextlib.suppress(OSError):
            self._fh.close()
        with contextlib.suppress(OSError):
            os.unlink(self._tmp)


def _header_text(key: str, checksum: str) -> bytes:
    return f"govmedia-cache/1 {key} {checksum}".encode()


def _header(key: str, body: bytes | memoryview) -> bytes:
    """The first line of an entry: its key and the checksum of key and value."""
    checksum = hashlib.sha256(key.encode() + b"\0")
    checksum.update(body)
    return _header_text(key, checksum.hexdigest())


# ---------------------------------------------------------------- keys


def digest(*parts: Iterable[str] | str) -> str:
    """SHA-256 of strings (or iterables of strings), each ended by a NUL byte."""
    h = hashlib.sha256()
    for part in parts:
        for item in [part] if isinstance(part, str) else part:
            h.update(item.encode())
            h.update(b"\0")
    return h.hexdigest()


def result_key(*parts: str) -> str:
    """A cache key for a result that depends on ``parts`` and on this engine's code."""
    return digest([__version__, engine_digest(), *parts])


# Installed packages a result depends on: the State Council holiday data (working days),
# the rule matcher, the parser and the validators. A new version may judge differently.
_DEPENDENCIES = ("chinesecalendar", "durable_rules", "rtoml", "jsonschema", "jsonschema_rs")


def package_versions() -> list[str]:
    """``name=version`` of Python and of each package results depend on. A version is
    read from the name of the package's ``<name>-<version>.dist-info`` folder (what pip
    installs; the first on ``sys.path``, as importlib.metadata finds it), else from
    importlib.metadata (slow to import: a hook would spend a tenth of its time there)."""
    versions = [f"python={sys.version}"]
    installed = installed_versions()
    for name in _DEPENDENCIES:
        version = installed.get(_normal(name))
        if version is None:
            from importlib import metadata

            try:
                version = metadata.version(name)
            except metadata.PackageNotFoundError:
                version = "?"
        versions.append(f"{name}={version}")
    return versions


def installed_versions() -> dict[str, str]:
    """Normalised distribution name -> version, from the ``.dist-info`` folders on
    ``sys.path`` (the first of a name wins)."""
    found: dict[str, str] = {}
    for entry in sys.path:
        try:
            names = os.listdir(entry or ".")
        except OSError:
            continue
        for folder in names:
            stem = folder[: -len(".dist-info")]
            if folder.endswith(".dist-info") and stem.count("-") == 1:
                name, version = stem.split("-")
                found.setdefault(_normal(name), version)
    return found


def _normal(name: str) -> str:
    return name.lower().replace("-", "_").replace(".", "_")


def _sources(package: str) -> list[str]:
    """The ``*.py`` files under ``package``, in the order ``sorted(Path.rglob("*.py"))``
    gives (by path components; no symlinked folder entered), listed with ``os.walk``:
    pathlib's walk took a hook 4 ms."""
    found = [
        os.path.join(folder, name)
        for folder, _, names in os.walk(package)
        for name in names
        if name.endswith(".py")
    ]
    return sorted(found, key=lambda path: path.split(os.sep))


@functools.cache
def engine_digest() -> str:
    """The engine's own inputs to every result: its version, schemas and source code,
    and the versions of the packages whose data or behaviour results depend on."""
    package = Path(__file__).resolve().parent
    code = [Path(p).read_text("utf-8") for p in _sources(str(package))]
    # The schemas as files (engine/schemas/, what engine.records.schema reads), so that
    # a key is had without importing the validators.
    schemas = [
        f"{p.name}={p.read_text('utf-8')}" for p in sorted((package / "schemas").glob("*.json"))
    ]
    return digest([__version__, *package_versions(), *schemas, *code])
