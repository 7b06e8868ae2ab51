"""Where a value sits in a TOML file: key paths to line numbers.

TOML parsers give values, not positions. This scanner reads the file's lines the
way a clerk writes them (tables, arrays of tables, ``key = value`` lines,
dotted keys, multi-line strings) and maps each key path such as
``("post", 3, "review", 0, "at")`` to its 1-based line. It is built lazily, only
for files that have something to report.
"""

from __future__ import annotations

import re

_HEADER = re.compile(r"^\s*(\[\[?)\s*([^\]]+?)\s*\]\]?\s*(#.*)?$")
_KEY = re.compile(
    r"^\s*((?:\"[^\"]*\"|'[^']*'|[A-Za-z0-9_\-]+)(?:\s*\.\s*(?:\"[^\"]*\"|'[^']*'|[A-Za-z0-9_\-]+))*)\s*="
)

KeyPath = tuple[str | int, ...]


def _split_key(text: str) -> list[str]:
    parts = re.findall(r"\"[^\"]*\"|'[^']*'|[A-Za-z0-9_\-]+", text)
    return [p[1:-1] if p[0] in "\"'" else p for p in parts]


class LineIndex:
    def __init__(self, text: str) -> None:
        self.lines: dict[KeyPath, int] = {}
        counters: dict[KeyPath, int] = {}
        table: KeyPath = ()
        in_multiline: str | None = None
        text = text.removeprefix("\ufeff")  # a byte order mark is not part of line 1's key
        for number, line in enumerate(text.splitlines(), start=1):
            if in_multiline:
                if line.count(in_multiline) % 2 == 1:
                    in_multiline = None
                continue
            header = _HEADER.match(line)
            if header and not _KEY.match(line):
                names = _split_key(header.group(2))
                concrete: list[str | int] = []
                for i, name in enumerate(names):
                    concrete.append(name)
                    is_last = i == len(names) - 1
                    if is_last and header.group(1) == "[[":
                        n = counters.get(tuple(concrete), -1) + 1
                        counters[tuple(concrete)] = n
                        concrete.append(n)
                    elif not is_last and tuple(concrete) in counters:
                        concrete.append(counters[tuple(concrete)])
                table = tuple(concrete)
                self.lines.setdefault(table, number)
                continue
            key = _KEY.match(line)
            if key:
                path = table + tuple(_split_key(key.group(1)))
                self.lines.setdefault(path, number)
                rest = line[key.end() :]
                for quote in ('"""', "'''"):
                    if rest.count(quote) % 2 == 1:
                        in_multiline = quote
                        break

    def line(self, path: KeyPath) -> int:
        """Line of the value at ``path``, else of its nearest enclosing key or table."""
        probe = tuple(path)
        while probe:
            found = self.lines.get(probe)
            if found is not None:
                return found
            probe = probe[:-1]
        return 1
