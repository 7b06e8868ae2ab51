"""Content-addressed result cache.

Keys are digests of everything a result depends on (blob ids, rule versions,
the check date, the engine's own version), so an entry is valid on any branch
and any clone. Entries are JSON, written atomically; a damaged entry is a miss.
"""

from __future__ import annotations

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
        except (OSError, ValueError):
            return None

    def put(self, key: str, value: Any) -> None:
        if self.directory is None:
            return
        folder = self.directory / key[:2]
        try:
            folder.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(dir=folder, prefix=".tmp-")
            with os.fdopen(fd, "w", encoding="utf-8") as fh:
                json.dump(value, fh, ensure_ascii=False)
            os.replace(tmp, folder / f"{key}.json")
        except OSError:
            pass  # a cache that cannot be written is only slower
