"""Finding private values in text in one pass, however many values there are.

The site hides every value the schemas mark private (reviewer names, contacts, phones)
that does not also stand in public text, and refuses a page that still holds one. With
tens of thousands of names, one regular expression made of all of them costs time in
proportion to (number of values x length of text): Python's ``re`` tries the
alternatives one after another at each position. An Aho-Corasick automaton
(pyahocorasick, in C) reads the text once and reports every value that ends at each
position, in time linear in the text plus the matches.
"""

from __future__ import annotations

from collections.abc import Iterable

import ahocorasick


class Finder:
    """The values of a set that occur in texts (as substrings, overlapping or not)."""

    def __init__(self, values: Iterable[str]) -> None:
        self.values = frozenset(v for v in values if v)
        self._automaton: ahocorasick.Automaton | None = None
        if self.values:
            automaton = ahocorasick.Automaton(ahocorasick.STORE_LENGTH)
            for value in self.values:
                automaton.add_word(value)
            automaton.make_automaton()
            self._automaton = automaton

    def __bool__(self) -> bool:
        return self._automaton is not None

    def occurring(self, texts: Iterable[str]) -> set[str]:
        """Every value that occurs somewhere in ``texts``, also inside a longer value or word."""
        found: set[str] = set()
        automaton = self._automaton
        if automaton is None:
            return found
        for text in texts:
            for end, length in automaton.iter(text):
                found.add(text[end - length + 1 : end + 1])
        return found

    def spans(self, text: str) -> list[tuple[int, int]]:
        """(start, end) of the values to hide in ``text``: from the left, at each position the
        longest value that starts there, never overlapping one taken before (what a regular
        expression of the values, longest first, finds with ``sub``)."""
        automaton = self._automaton
        if automaton is None:
            return []
        longest: dict[int, int] = {}
        for end, length in automaton.iter(text):
            start = end - length + 1
            if length > longest.get(start, 0):
                longest[start] = length
        out = []
        cursor = 0
        for start in sorted(longest):
            if start >= cursor:
                cursor = start + longest[start]
                out.append((start, cursor))
        return out

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
