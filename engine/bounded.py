"""A dict with a cap, for the caches a module keeps between calls.

Module-level state is limited to bounded caches that are written down: each is listed,
with what it holds and its bound, in CONTRIBUTING.md ("Module-level state"), and
tests/test_module_state.py holds that list to the code.
"""

from __future__ import annotations

from typing import Any, Self, TypeVar

K = TypeVar("K")
V = TypeVar("V")


class BoundedDict(dict[K, V]):
    """A dict of at most ``cap`` entries: storing a new key when it is full forgets the
    oldest one stored (first in, first out). Reads are a plain dict's, with no
    bookkeeping on a hit, so a cache read on the hot path costs what it did."""

    def __init__(self, cap: int) -> None:
        if cap < 1:
            raise ValueError(f"a cap of {cap} entries holds nothing")
        super().__init__()
        self.cap = cap

    def __setitem__(self, key: K, value: V) -> None:
        if key not in self:
            while len(self) >= self.cap:
                del self[next(iter(self))]
        super().__setitem__(key, value)

    def update(self, *args: Any, **kwargs: Any) -> None:
        for key, value in dict(*args, **kwargs).items():
            self[key] = value

    def setdefault(self, key: K, default: V) -> V:
        if key not in self:
            self[key] = default
        return self[key]

    def __ior__(self, other: Any) -> Self:  # type: ignore[override,misc]
        self.update(other)
        return self
