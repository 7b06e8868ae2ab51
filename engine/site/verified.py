"""The private values a site build hides, named by a tag, and those new since another build.

Texts a build takes from the cache (remembered violation tables, engine/site/pages/reuse.py;
remembered pages, engine/site/rendered.py) were checked for private values when they
were made, against that build's values. The values change with the records: a new post
brings a new reviewer's name. A text that held none of the old values holds one of the
new values only if it holds one that the old set lacked, so a later build looks for
those few (``new_since``), not for all of them (100,000 names on a large banner) again.

A set is kept in the cache once, as the JSON list of its values in order, under the
digest of that text (its tag); a set read back whose text does not match its tag is not
used (the caller then checks the text against every value, as for a text never checked).
"""

from __future__ import annotations

import hashlib
import json
from typing import Any

from engine.cache import Cache, digest

# What a stored set looks like; a new layout is a new key.
_FORMAT = "govmedia-site-private-set/1"
# Up to this many new values are looked for one by one; with more, callers check a text
# against every value.
FEW = 16


class PrivateSet:
    """One build's private values (``Escaper.private``)."""

    def __init__(self, cache: Cache, values: list[str]) -> None:
        self.cache = cache
        self.values = values
        self._tag: str | None = None
        self._body: bytes = b""
        self._stored = False
        self._new: dict[str, set[str] | None] = {}
        self.longest = max(map(len, values), default=0)

    @property
    def tag(self) -> str:
        """The digest of the set's text (the set is kept under it when first asked for)."""
        if self._tag is None:
            self._body = json.dumps(sorted(self.values), ensure_ascii=False).encode(
                "utf-8", "surrogatepass"
            )
            self._tag = _tag(self._body)
        if not self._stored:
            self._stored = True
            self.cache.put_bytes(_key(self._tag), self._body)
        return self._tag

    def new_since(self, tag: Any) -> set[str] | None:
        """The values of this set that the set of ``tag`` lacks; None when that set is not
        known (not in the cache, damaged) or lacks more than ``FEW`` values."""
        if not isinstance(tag, str):
            return None
        if tag == self.tag:
            return set()
        if tag not in self._new:
            self._new[tag] = self._since(tag)
        return self._new[tag]

    def _since(self, tag: str) -> set[str] | None:
        body = self.cache.get_bytes(_key(tag))
        if body is None or _tag(body) != tag:
            return None
        try:
            old = json.loads(body)
        except ValueError:
            return None
        if not isinstance(old, list):
            return None
        new = set(self.values).difference(old)
        return new if len(new) <= FEW else None

    def keep(self, sets: int) -> None:
        """Keep about the ``sets`` most recently used sets (and this build's)."""
        if self._tag is not None:
            self.cache.touch(_key(self._tag))
        for tag in self._new:
            self.cache.touch(_key(tag))
        self.cache.keep_newest(sets)


def _key(tag: str) -> str:
    return digest([_FORMAT, tag])


def _tag(body: bytes) -> str:
    return hashlib.sha256(body).hexdigest()
