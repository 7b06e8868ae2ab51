"""engine/site/scan.py: a post file of the usual shape read without the TOML parser gives
what the parser and the site's walk (``_Splitter``) give; any other file is left to them."""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from engine import snapshot as snapshot_mod
from engine.cache import Cache
from engine.site import scan
from engine.site.model import Folders, _parsed, _Splitter

ROOT = Path(__file__).resolve().parents[1]

# Text a record may hold in a basic string without escapes (no quote, backslash or
# control character), including names that are also other fields' values.
_TEXT = st.one_of(
    st.sampled_from(["", "斯琴", "韩杰洋", "routine", "2026-11-01", "a = b", "x, y = z", "#1"]),
    st.text(
        st.characters(blacklist_categories=("Cc", "Cs"), blacklist_characters='"\\'),
        max_size=12,
    ),
)
_STAMP = st.datetimes(min_value=datetime(1000, 1, 1), max_value=datetime(2099, 12, 31)).map(
    lambda d: d.replace(microsecond=0)
)


def _string(text: str) -> str:
    return f'"{text}"'


def _stamp(when: datetime, sep: str) -> str:
    return when.strftime(f"%Y-%m-%d{sep}%H:%M:%S").rjust(19, "0")


@st.composite
def _post_file(draw: st.DrawFn) -> str:
    """A post file of the usual shape (what scan.post_strings reads itself)."""
    lines: list[str] = []
    for _ in range(draw(st.integers(0, 4))):
        lines.append("[[post]]")
        when = draw(_STAMP)
        lines.append(f"published = {_stamp(when, draw(st.sampled_from([' ', 'T'])))}")
        lines.append(f"title = {_string(draw(_TEXT))}")
        lines.append(f"category = {_string(draw(st.sampled_from(['routine', 'major'])))}")
        if draw(st.booleans()):
            lines.append(f"url = {_string(draw(_TEXT))}")
        if draw(st.booleans()):
            lines.append(f"ad = {draw(st.sampled_from(['true', 'false']))}")
        if draw(st.booleans()):
            pairs = [f"source_unit = {_string(draw(_TEXT))}"]
            if draw(st.booleans()):
                pairs.append(f"original_title = {_string(draw(_TEXT))}")
            if draw(st.booleans()):
                pairs.append("source_named = true")
            lines.append("repost = { " + ", ".join(pairs) + " }")
        for level in range(1, draw(st.integers(0, 3)) + 1):
            lines += ["", "[[post.review]]", f"level = {level}"]
            if draw(st.booleans()):
                at = when - timedelta(minutes=draw(st.integers(0, 3000)))
                lines.append(f"at = {_stamp(at, ' ')}")
            else:
                lines.append(f"day = {when.date().isoformat().rjust(10, '0')}")
            if draw(st.booleans()):
                lines.append(f"reviewer = {_string(draw(_TEXT))}")
        lines.append("")
    return "\n".join(lines) + ("\n" if lines else "")


def _plain(raw: bytes) -> tuple[set[str], set[str], int]:
    data = _parsed("records/accounts/a/posts/2026-11.toml", raw)
    private: set[str] = set()
    public: set[str] = set()
    _Splitter.of("posts").values([data], "", private, public)
    return private, public, len(data.get("post", []))


def _scanned(raw: bytes) -> tuple[set[str], set[str], int] | None:
    found = scan.post_strings(raw)
    if found is None:
        return None
    private, public, tables, posts = found
    private, public = set(private), set(public)
    _Splitter.of("posts").values(tables, "", private, public)
    return private, public, posts


def test_the_schema_allows_the_shortcut() -> None:
    assert scan.usable()


@settings(max_examples=300, deadline=None)
@given(_post_file())
def test_a_usual_post_file_is_read_as_the_parser_reads_it(text: str) -> None:
    raw = text.encode("utf-8")
    got = _scanned(raw)
    assert got is not None, text
    assert got == _plain(raw)


_USUAL = (
    '[[post]]\npublished = 2026-11-01 12:34:00\ntitle = "标题"\ncategory = "routine"\n'
    '\n[[post.review]]\nlevel = 1\nat = 2026-11-01 10:00:00\nreviewer = "斯琴"\n'
)


@pytest.mark.parametrize(
    "text",
    [
        _USUAL.replace('"标题"', '"标\\"题"'),  # an escape
        _USUAL.replace('"标题"', "'标题'"),  # a literal string
        _USUAL.replace('"标题"', '"""标题"""'),  # a multi-line string
        _USUAL.replace('category = "routine"', 'category = "routine" # 日常'),  # a comment
        _USUAL.replace("\n", "\r\n"),  # CRLF
        "\ufeff" + _USUAL,  # a BOM
        _USUAL.rstrip("\n"),  # no final newline
        _USUAL.replace("title =", "title  ="),  # other spacing
        _USUAL.replace("at = 2026-11-01 10:00:00", "at = 2026-11-01 10:00:00.5"),
        _USUAL.replace("at = 2026-11-01 10:00:00", "at = 2026-11-01T10:00:00+08:00"),
        _USUAL.replace("at = 2026-11-01 10:00:00", "at = 2026-11-01 10:00"),
        _USUAL + 'concerns_units = ["a", "b"]\n',  # an array
        _USUAL.replace("[[post.review]]", "[[ post.review ]]"),
        _USUAL + '[post.repost]\nsource_unit = "x"\n',  # a table header of another kind
        _USUAL + "repost = { source_unit = { x = 1 } }\n",  # a nested one-line table
        _USUAL + 'review = [{ level = 1, reviewer = "斯琴" }]\n',
        _USUAL.replace('"标题"', '"标\x00题"'),
    ],
)
def test_any_other_file_is_left_to_the_parser(text: str) -> None:
    assert scan.post_strings(text.encode("utf-8")) is None


def test_a_one_line_table_named_reviewer_is_left_to_the_parser() -> None:
    """In a review it would be private as a whole; the scan takes each one-line table as a
    post's."""
    raw = (_USUAL + 'reviewer = { name = "斯琴" }\n').encode("utf-8")
    assert scan.post_strings(raw) is None
    # A field of that name inside another table is public wherever it stands.
    raw = (_USUAL + 'repost = { reviewer = "乌兰" }\n').encode("utf-8")
    assert _scanned(raw) == _plain(raw)
    assert "乌兰" in _plain(raw)[1]


def test_the_usual_file_itself_is_scanned() -> None:
    got = _scanned(_USUAL.encode("utf-8"))
    assert got == ({"斯琴"}, {"标题", "routine", "2026-11-01T12:34:00", "2026-11-01T10:00:00"}, 1)


def test_folders_with_and_without_the_scan_agree(monkeypatch: pytest.MonkeyPatch) -> None:
    """The sample's folders summarised with the scan and with the parser only."""
    snap = snapshot_mod.from_worktree(ROOT)

    def summaries(scanning: bool) -> dict[str, Any]:
        monkeypatch.setattr(Folders, "scan", scanning)
        folders = Folders(snap, Cache(None))
        out = {}
        for group, s in folders.read(list(folders.files)).items():
            out[group] = (s.private, sorted(s.public or []), s.posts)
        return out

    with_scan = summaries(True)
    assert with_scan == summaries(False)
    assert any(posts for _, _, posts in with_scan.values())
