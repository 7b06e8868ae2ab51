"""Content-addressed result cache.

Keys are digests of everything a result depends on (blob ids, rule versions,
the check date, the engine's code and the versions of the packages it relies
on), so an entry is valid on any branch and any clone. Entries are JSON,
written atomically (a temporary file renamed into place: a reader sees the old
entry, the new one or none, never half of one). An entry that cannot be read or
parsed is a miss; callers also treat an entry of the wrong shape as a miss.
"""

from __future__ import annotations

import contextlib
import json
import os
import tempfile
from pathlib import Path
from typing import Any


def default_dir() -> Path:
    env = os.environ.get("GOVMEDIA_CACHE_DIR")
    if env:
        return Path(env)
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "govmedia"


class Cache:
    def __init__(self, directory: Path | None) -> None:
        self.directory = directory

    def get(self, key: str) -> Any | None:
        if self.directory is None:
            return None
        try:
            with open(self.directory / key[:2] / f"{key}.json", encoding="utf-8") as fh:
                return json.load(fh)
        except (OSError, ValueError, RecursionError):
            # Missing, unreadable, truncated, not UTF-8 (a ValueError), not JSON, or
            # nested deeper than the parser goes: a miss, recomputed and rewritten.
            return None

    def put(self, key: str, value: Any) -> None:
        if self.directory is None:
            return
        folder = self.directory / key[:2]
        tmp: str | None = None
        try:
            folder.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(dir=folder, prefix=".tmp-")
            with os.fdopen(fd, "w", encoding="utf-8") as fh:
                json.dump(value, fh, ensure_ascii=False, allow_nan=False)
            os.replace(tmp, folder / f"{key}.json")
            tmp = None
        except (OSError, TypeError, ValueError):
            pass  # a cache that cannot be written is only slower
        finally:
            if tmp is not None:  # interrupted or failed: leave no partial file behind
                with contextlib.suppress(OSError):
                    os.unlink(tmp)
