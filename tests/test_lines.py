"""Key paths to line numbers in hand-written TOML."""

from __future__ import annotations

from engine.lines import LineIndex

TEXT = '''# comment
name = "x"
note = """
[[post]]
fake = 1
"""

[[post]]
published = 2021-01-05T10:00:00
"title" = "a"
[[post.review]]
level = 1
[[post.review]]
level = 2

[[post]]
published = 2021-01-06T10:00:00
[contact]
phone.home = "1"
'''


def test_lines_of_nested_arrays_and_keys() -> None:
    index = LineIndex(TEXT)
    assert index.line(("name",)) == 2
    assert index.line(("post", 0)) == 8
    assert index.line(("post", 0, "title")) == 10
    assert index.line(("post", 0, "review", 1, "level")) == 14
    assert index.line(("post", 1, "published")) == 17
    assert index.line(("contact", "phone", "home")) == 19


def test_falls_back_to_nearest_enclosing_key() -> None:
    index = LineIndex(TEXT)
    assert index.line(("post", 1, "missing")) == 16
    assert index.line(("nothing",)) == 1
