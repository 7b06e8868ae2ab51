"""Where a value sits in a TOML file: key paths to line numbers.

TOML parsers give values, not positions. This scanner reads the file's lines the
way a clerk writes them (tables, arrays of tables, ``key = value`` lines,
dotted keys, multi-line strings) and maps each key path such as
``("post", 3, "review", 0, "at")`` to its 1-based line. It is built lazily, only
for files that have something to report.
"""

from __future__ import annotations

import re
from functools import lru_cache

_HEADER = re.compile(r"^\s*(\[\[?)\s*([^\]]+?)\s*\]\]?\s*(#.*)?$")
_KEY = re.compile(
    r"^\s*((?:\"[^\"]*\"|'[^']*'|[A-Za-z0-9_\-]+)(?:\s*\.\s*(?:\"[^\"]*\"|'[^']*'|[A-Za-z0-9_\-]+))*)\s*="
)

KeyPath = tuple[str | int, ...]


_PART = re.compile(r"\"[^\"]*\"|'[^']*'|[A-Za-z0-9_\-]+")


@lru_cache(maxsize=4096)
def _split_key(text: str) -> tuple[str, ...]:
    """A dotted key's parts, quotes removed (remembered: a file repeats the same few keys)."""
    return tuple(p[1:-1] if p[0] in "\"'" else p for p in _PART.findall(text))


@lru_cache(maxsize=4096)
def _key_of(line: str) -> tuple[str, int] | None:
    """The key text of a ``key = value`` line and where its value starts (None if it is
    not one); remembered: called with the line up to its first ``=``, which repeats
    (``level =``, ``at =``, ``title =``...)."""
    m = _KEY.match(line)
    return (m.group(1), m.end()) if m else None


@lru_cache(maxsize=4096)
def _header_of(line: str) -> tuple[str, str] | None:
    """A header line's brackets and name (None if it is not one); remembered: a file
    repeats the same few headers (``[[post]]``, ``[[post.review]]``)."""
    m = _HEADER.match(line)
    return (m.group(1), m.group(2)) if m else None


class LineIndex:
    """Line numbers of key paths in one TOML text, found when first asked.

    The quick way: one scan of the text for table headers, then only the asked-for table's
    own lines for its keys; a text with multi-line strings or unusual line breaks is
    scanned line by line in full (``lines``). Both give the same numbers.
    """

    def __init__(self, text: str) -> None:
        self._text = text.removeprefix("\ufeff")  # a byte order mark is not part of line 1
        self._lines: dict[KeyPath, int] | None = None
        # Table path -> (header line, offset of the header's end, offset of the next header).
        self._tables: dict[KeyPath, tuple[int, int, int]] | None = None
        self._keys: dict[KeyPath, dict[KeyPath, int]] = {}  # table -> its keys' lines

    @property
    def lines(self) -> dict[KeyPath, int]:
        """Every key path and table of the text, with its line (the full scan)."""
        if self._lines is None:
            self._lines = _scan(self._text)
        return self._lines

    def line(self, path: KeyPath) -> int:
        """Line of the value at ``path``, else of its nearest enclosing key or table."""
        probe = tuple(path)
        if self._lines is None and _simple(self._text):
            return self._quick(probe)
        while probe:
            found = self.lines.get(probe)
            if found is not None:
                return found
            probe = probe[:-1]
        return 1

    def _quick(self, probe: KeyPath) -> int:
        tables = self._headers()
        while probe:
            table = next(probe[:n] for n in range(len(probe), -1, -1) if probe[:n] in tables)
            found = self._section_keys(table).get(probe)
            if found is not None:
                return found
            if table == probe:
                return tables[table][0]
            probe = probe[:-1]
        return 1

    def _headers(self) -> dict[KeyPath, tuple[int, int, int]]:
        if self._tables is None:
            text = self._text
            tables: dict[KeyPath, tuple[int, int, int]] = {}
            counters: dict[KeyPath, int] = {}
            current: KeyPath = ()
            line, begins, last = 1, 0, 0
            # Headers are the lines that start with "[" (after blanks) and match _HEADER:
            # found with str.find, far quicker than a multi-line regular expression.
            pos = text.find("[")
            while pos != -1:
                starts = text.rfind("\n", 0, pos) + 1
                ends = text.find("\n", pos)
                ends = len(text) if ends == -1 else ends
                header = (
                    _header_of(text[starts:ends])
                    if starts == pos or not text[starts:pos].strip()
                    else None
                )
                if header is not None:
                    tables.setdefault(current, (line, begins, starts))
                    line += text.count("\n", last, starts)
                    last = starts
                    current = _table(header[0], header[1], counters)
                    begins = ends
                pos = text.find("[", ends)
            tables.setdefault(current, (line, begins, len(text)))
            tables.setdefault((), (1, 0, 0))
            self._tables = tables
        return self._tables

    def _section_keys(self, table: KeyPath) -> dict[KeyPath, int]:
        found = self._keys.get(table)
        if found is None:
            first, start, end = self._headers()[table]
            # A section's text starts with the rest of its header's line (nothing but its
            # line break): numbered as the header's line.
            found = _scan(self._text[start:end], table, first - 1)
            self._keys[table] = found
        return found


def _simple(text: str) -> bool:
    """Whether the quick way is safe: no multi-line strings (a header inside one is not a
    header) and no line breaks but "\\n" and "\\r\\n" (``str.splitlines`` counts others)."""
    if '"""' in text or "'''" in text:
        return False
    breaks = text.count("\n")
    return len(text.splitlines()) == breaks + (0 if not text or text.endswith("\n") else 1)


def _scan(text: str, table: KeyPath = (), offset: int = 0) -> dict[KeyPath, int]:
    """Key paths (and tables) to lines, line by line; ``table`` and ``offset`` (the number
    of lines before ``text``) for one table's section."""
    lines: dict[KeyPath, int] = {}
    counters: dict[KeyPath, int] = {}
    in_multiline: str | None = None
    for number, line in enumerate(text.splitlines(), start=offset + 1):
        if in_multiline:
            if line.count(in_multiline) % 2 == 1:
                in_multiline = None
            continue
        stripped = line.lstrip()
        if not stripped or stripped[0] == "#":
            continue  # blank lines and comments name nothing
        eq = line.find("=")
        key = None
        if eq > 0:
            # A key ends before the line's first "=", unless that "=" is quoted.
            quoted = '"' in line[:eq] or "'" in line[:eq]
            key = _key_of(line) if quoted else _key_of(line[: eq + 1])
        if stripped[0] == "[" and key is None:
            header = _HEADER.match(line)
            if header:
                table = _table(header.group(1), header.group(2), counters)
                lines.setdefault(table, number)
                continue
        if key is not None:
            lines.setdefault(table + _split_key(key[0]), number)
            rest = line[key[1] :]
            if '"""' in rest or "'''" in rest:
                for quote in ('"""', "'''"):
                    if rest.count(quote) % 2 == 1:
                        in_multiline = quote
                        break
    return lines


def _table(brackets: str, name: str, counters: dict[KeyPath, int]) -> KeyPath:
    """A header's table path, arrays of tables numbered (``counters`` counts them)."""
    names = _split_key(name)
    if len(names) == 1:  # the usual header, [[post]] or [unit]: the loop below, unrolled
        if brackets == "[[":
            n = counters.get(names, -1) + 1
            counters[names] = n
            return (*names, n)
        return names
    concrete: list[str | int] = []
    for i, part in enumerate(names):
        concrete.append(part)
        is_last = i == len(names) - 1
        if is_last and brackets == "[[":
            n = counters.get(tuple(concrete), -1) + 1
            counters[tuple(concrete)] = n
            concrete.append(n)
        elif not is_last and tuple(concrete) in counters:
            concrete.append(counters[tuple(concrete)])
    return tuple(concrete)
