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

    def __init__(self, text: str | bytes) -> None:
        """``text``, or the file's bytes (UTF-8, read as ``Record.line`` reads them:
        decoded only when a question needs the text)."""
        self._raw = text if isinstance(text, bytes) else None
        self._decoded = None if isinstance(text, bytes) else text.removeprefix("\ufeff")
        self._lines: dict[KeyPath, int] | None = None
        # Table path -> (header line, offset of the header's end, offset of the next header).
        self._tables: dict[KeyPath, tuple[int, int, int]] | None = None
        self._keys: dict[KeyPath, dict[KeyPath, int]] = {}  # table -> its keys' lines
        self._posts: _PostLines | bool | None = False  # False: not looked for yet

    @property
    def _text(self) -> str:
        if self._decoded is None:
            raw = self._raw or b""
            # A byte order mark is not part of line 1.
            self._decoded = raw.decode("utf-8-sig", errors="replace").removeprefix("\ufeff")
        return self._decoded

    def _post_lines(self) -> _PostLines | None:
        """The lines of the ``[[post]]`` headers (``_PostLines``), when the text is laid
        out as a clerk's post file is: every ``[`` of the text in a line that is exactly
        ``[[post]]`` or in a ``[[post.review]]``, no multi-line strings, no line breaks
        but ``\\n``. None otherwise (``_quick`` then answers). Found in the file's bytes
        with a few counts and one ``find`` per post, not by reading every header: a
        file's review-missing violations ask for nothing else."""
        if self._posts is False:
            if self._raw is None:
                self._posts = _post_lines(self._text.encode("utf-8", errors="surrogatepass"))
            else:
                self._posts = _post_lines(self._raw.removeprefix(_BOM).removeprefix(_BOM))
        return self._posts  # type: ignore[return-value]

    @property
    def lines(self) -> dict[KeyPath, int]:
        """Every key path and table of the text, with its line (the full scan)."""
        if self._lines is None:
            self._lines = _scan(self._text)
        return self._lines

    def line(self, path: KeyPath) -> int:
        """Line of the value at ``path``, else of its nearest enclosing key or table."""
        probe = tuple(path)
        if len(probe) == 2 and probe[0] == "post" and type(probe[1]) is int and probe[1] >= 0:
            posts = self._post_lines() if self._lines is None else None
            found = posts.line(probe[1]) if posts is not None else None
            if found is not None:
                return found  # what _quick finds: the header's line
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


_BOM = "\ufeff".encode()
# Line breaks (``str.splitlines``) other than "\n", in UTF-8 (where one of these byte
# strings stands, that character does: no other character ends with the bytes they
# start with). Looked for one by one, each of the longer ones only where its first byte
# is: quicker than one regular expression.
_ASCII_BREAKS = (b"\r", b"\x0b", b"\x0c", b"\x1c", b"\x1d", b"\x1e")


def _other_breaks(data: bytes) -> bool:
    return (
        any(b in data for b in _ASCII_BREAKS)
        or (b"\xc2" in data and b"\xc2\x85" in data)
        or (b"\xe2" in data and (b"\xe2\x80\xa8" in data or b"\xe2\x80\xa9" in data))
    )


_POST, _REVIEW = b"[[post]]", b"[[post.review]]"


def _post_lines(data: bytes) -> _PostLines | None:
    """``LineIndex._post_lines`` of a text's UTF-8 bytes (its byte order marks removed):
    "\\n" and "[" are the same bytes wherever they stand, and no other character has one."""
    if b'"""' in data or b"'''" in data or _other_breaks(data):
        return None  # not _simple, or "\\r\\n" breaks: _quick decides
    posts, reviews = data.count(_POST), data.count(_REVIEW)
    if not posts or data.count(b"[") != 2 * (posts + reviews):
        return None  # a "[" elsewhere: another header, perhaps
    # Each "[[post]]" a line of its own: after a line break (or at the start), before one
    # (or at the end); neither count can overlap itself, each holding one line break. Then
    # no other header is there: every "[" is one of these. A "[[post.review]]" that is
    # not a line of its own is no header, but names no post either.
    if (
        data.count(b"\n" + _POST) + data.startswith(_POST) != posts
        or data.count(_POST + b"\n") + data.endswith(_POST) != posts
    ):
        return None
    return _PostLines(data, posts)


class _PostLines:
    """The lines of a post file's ``[[post]]`` headers, found as far as asked."""

    def __init__(self, data: bytes, count: int) -> None:
        self.data, self.count = data, count
        self.offsets: list[int] = []

    def line(self, i: int) -> int | None:
        if i >= self.count:
            return None
        offsets, data = self.offsets, self.data
        while len(offsets) <= i:
            offsets.append(data.find(_POST, offsets[-1] + len(_POST) if offsets else 0))
        return data.count(b"\n", 0, offsets[i]) + 1


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
