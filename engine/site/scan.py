"""The site's summary of a post file of the usual shape, read from its bytes without the
TOML parser (``post_strings``).

The site keeps of each folder of records its private values and its distinct public
strings (engine/site/model.py, ``_Splitter``). Post files are nearly all of the data and
nearly all of one plain shape: ``[[post]]`` and ``[[post.review]]`` headers and lines
``key = value`` whose value is a basic string without escapes, an integer, a boolean, a
date or a local date-time to the second, or a one-line table of such values. For a file
of exactly that shape the strings are taken by a few regular expressions over the
whole file; any other file (comments, escapes, arrays, other spacing, CRLF, a BOM, no
final newline, ...) goes through the parser and the walk, as before.
tests/test_site_scan.py compares both on generated post files.

The site reads records only after they passed the check (``gather`` evaluates first),
so each key stands where the schema lets it: the private field ``reviewer`` only in a
review. ``usable`` checks that the posts schema still says so.
"""

from __future__ import annotations

import functools
import re
from typing import Any

import rtoml

from engine import records as records_mod

# The one private field of a post file, and where it stands.
_PRIVATE = "post.review.reviewer"

_KEY = rb"[A-Za-z0-9_-]+"
# A basic string without escapes, an integer, a boolean, a date or a date-time to the second.
_STRING = rb'"[^"\\\n\r]*"'
_STAMP = rb"[1-9][0-9]{3}-[0-9]{2}-[0-9]{2}(?:[ T][0-9]{2}:[0-9]{2}:[0-9]{2})?"
_VALUE = rb"(?:" + _STRING + rb"|-?[0-9]+|true|false|" + _STAMP + rb")"
_PAIR = _KEY + rb" = " + _VALUE
_INLINE = _KEY + rb" = \{ " + _PAIR + rb"(?:, " + _PAIR + rb")* \}"
# The whole file: lines of those forms (or empty), each ending with a newline.
_SHAPE = re.compile(
    rb"(?:(?:\[\[post\]\]|\[\[post\.review\]\]|" + _PAIR + rb"|" + _INLINE + rb")?\n)*+"
)
# In a file of that shape (and a newline put before it) a line's value is found from the
# " = " before it: keys hold no space, strings no quote nor newline, and a line's last
# character tells its kind (a string's closing quote, a date-time's digit, a table's brace).
_REVIEWERS = re.compile(rb'\nreviewer = "([^"\\\n\r]*)"(?=\n)')
_STRINGS = re.compile(rb'(?<!\nreviewer) = "([^"\\\n\r]*)"\n')
_STAMPS = re.compile(rb" = (" + _STAMP + rb")\n")
_INLINES = re.compile(rb"^" + _INLINE + rb"$", re.M)


@functools.cache
def usable() -> bool:
    """Whether the schema's private fields of a post file are exactly the reviewer of a
    review, and a post itself has no field of that name (so a ``reviewer`` line is
    always a review's)."""
    if records_mod.private_fields("posts") != frozenset({_PRIVATE}):
        return False
    schema = records_mod.schema("posts")
    try:
        post = schema["properties"]["post"]["items"]
        review = post["properties"]["review"]["items"]
    except (KeyError, TypeError):
        return False
    return (
        schema.get("additionalProperties") is False
        and post.get("additionalProperties") is False
        and review.get("additionalProperties") is False
        and "reviewer" not in post["properties"]
        and "reviewer" not in schema["properties"]
    )


def post_strings(raw: bytes) -> tuple[set[str], set[str], list[Any], int] | None:
    """A post file of the usual shape: its reviewers (private), its strings and date-times
    as text (public: what ``_Splitter`` finds in a parsed file, a date-time as
    ``records.parse_toml`` writes it), its one-line tables as the parser gives them (for
    the walk, as ``[[post]]`` tables: ``{"post": [...]}``), and its number of posts.
    None for any other file."""
    if b"\0" in raw or _SHAPE.fullmatch(raw) is None:
        return None
    text = b"\n" + raw
    try:
        private = _texts(set(_REVIEWERS.findall(text)))
        public = _texts(set(_STRINGS.findall(text)))
        # A date-time as records.parse_toml writes it: "T" between the day and the time.
        public.update(_texts(set(_STAMPS.findall(text)), b" ", b"T"))
        lines = _INLINES.findall(raw) if b" = { " in raw else []
        inline = [rtoml.loads(line.decode("utf-8")) for line in lines]
    except (UnicodeDecodeError, rtoml.TomlParsingError):
        return None
    if any("reviewer" in table for table in inline):
        return None
    private.discard("")
    tables = [{"post": inline}] if inline else []
    # Each "[[post]]\n" is a header line: no other line of the shape ends so.
    return private, public, tables, raw.count(b"[[post]]\n")


def _texts(found: set[bytes], old: bytes = b"", new: bytes = b"") -> set[str]:
    """The values as text, decoded together (no value holds a NUL: ``post_strings``)."""
    if not found:
        return set()
    joined = b"\0".join(found)
    if old:
        joined = joined.replace(old, new)
    return set(joined.decode("utf-8").split("\0"))
