"""Finding private values in text in one pass, however many values there are.

The site hides every value the schemas mark private (reviewer names, contacts, phones)
that does not also stand in public text, and refuses a page that still holds one. With
tens of thousands of names, one regular expression made of all of them costs time in
proportion to (number of values x length of text): Python's ``re`` tries the
alternatives one after another at each position. An Aho-Corasick automaton
(ahocorasick-rs, in Rust) reads the text once and reports the values found, in time
linear in the text plus the matches.
"""

from __future__ import annotations

from collections.abc import Iterable

import ahocorasick_rs


class Finder:
    """The values of a set that occur in texts (as substrings, overlapping or not)."""

    def __init__(self, values: Iterable[str]) -> None:
        # In no order: what is found does not depend on it (sorting 100,000 names took
        # longer than building the automaton).
        self.values = list({v for v in values if v})
        self._all: ahocorasick_rs.AhoCorasick | None = None
        self._longest: ahocorasick_rs.AhoCorasick | None = None

    def __bool__(self) -> bool:
        return bool(self.values)

    def occurring(self, texts: Iterable[str]) -> set[str]:
        """Every value that occurs somewhere in ``texts``, also inside a longer value or word."""
        found: set[str] = set()
        if not self.values:
            return found
        if self._all is None:  # every match, overlapping ones too
            self._all = ahocorasick_rs.AhoCorasick(self.values)
        find = self._all.find_matches_as_strings
        for text in texts:
            found.update(find(text, overlapping=True))
        return found

    def spans(self, text: str) -> list[tuple[int, int]]:
        """(start, end) of the values to hide in ``text``: from the left, at each position the
        longest value that starts there, never overlapping one taken before (what a regular
        expression of the values, longest first, finds with ``sub``)."""
        if not self.values:
            return []
        if self._longest is None:
            self._longest = ahocorasick_rs.AhoCorasick(
                self.values, matchkind=ahocorasick_rs.MatchKind.LeftmostLongest
            )
        return [(start, end) for _, start, end in self._longest.find_matches_as_indexes(text)]

    def replace(self, text: str, mask: str) -> str:
        """``text`` with each value of :meth:`spans` replaced by ``mask``."""
        spans = self.spans(text)
        if not spans:
            return text
        parts = []
        cursor = 0
        for start, end in spans:
            parts.append(text[cursor:start])
            parts.append(mask)
            cursor = end
        parts.append(text[cursor:])
        return "".join(parts)
