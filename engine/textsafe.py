"""Text from records shown safely: control and bidirectional characters escaped.

Control characters (C0, DEL, C1), line and paragraph separators and bidirectional
formatting characters in a record's text could clear a terminal, print a fake line
(「共 0 处违规」) or reorder what is shown. File names under records/ may not contain
them (engine/snapshot.py); every output format shows them in text escaped (``\\u202e``,
engine/report/__init__.py).
"""

from __future__ import annotations

import re

UNSAFE = re.compile("[\x00-\x1f\x7f-\x9f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]")
# Also lone surrogates: bytes of a file name that are not UTF-8 (printed as they are,
# they would stop the program).
_SHOWN = re.compile(UNSAFE.pattern[:-1] + "\ud800-\udfff]")


def _escape(m: re.Match[str]) -> str:
    return f"\\u{ord(m.group()):04x}"


def clean(text: str) -> str:
    """``text`` with control and bidi characters written as visible escapes."""
    return _SHOWN.sub(_escape, text)


def needs_escape(text: str) -> bool:
    """Whether ``clean(text)`` differs from ``text``."""
    return _SHOWN.search(text) is not None


# Line breaks and tabs kept: for formats where they are whitespace, or that escape them
# themselves (HTML, XML, CSV, iCalendar, JSON).
_SHOWN_LINES = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f" + _SHOWN.pattern[len("[\x00-\x1f") :])


def clean_lines(text: str) -> str:
    """``clean``, keeping line breaks (``\\n``, ``\\r``) and tabs as they are."""
    return _SHOWN_LINES.sub(_escape, text)
