"""engine/site/searchtext.py: the search plugin indexes a block's stand-in as it indexes
the block (material's own parser, on whole pages around the block), and blocks of
another kind are left as they are."""

from __future__ import annotations

import html
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from material.plugins.search.plugin import Parser

from engine.site.searchtext import for_search


def _sections(page: str) -> list[tuple[Any, ...]]:
    """What the search plugin takes from a page: each section's tag, id, title and text."""
    parser = Parser()
    parser.feed(page)
    parser.close()
    return [
        (s.el.tag, s.id, "".join(s.title).strip(), "".join(s.text).strip(), s.is_excluded())
        for s in parser.data
    ]


_WORDS = st.one_of(
    st.sampled_from(["", " ", "  ", "\n", " \n ", "斯琴", "第 14 条", "a & b", "x < y > z", "\t"]),
    st.text(st.characters(blacklist_characters="\x00"), max_size=8),
)
_ATTRS = st.sampled_from(
    ["", ' class="gm-cards"', ' data-label="记录"', ' href="a.html?x=1&amp;y=2"', ' id="r1"']
)
_TAGS = st.sampled_from(["table", "tr", "td", "th", "div", "span", "a", "strong", "em", "small"])


@st.composite
def _element(draw: st.DrawFn, depth: int = 0) -> str:
    tag = draw(_TAGS)
    parts = [f"<{tag}{draw(_ATTRS)}>"]
    for _ in range(draw(st.integers(0, 4))):
        if depth < 3 and draw(st.booleans()):
            parts.append(draw(_element(depth + 1)))
        else:
            parts.append(html.escape(draw(_WORDS), quote=False))
        if draw(st.booleans()):
            parts.append("<br>")
    parts.append(f"</{tag}>")
    return "".join(parts)


_BEFORE = st.sampled_from(
    [
        "",
        '<h1 id="t">标题</h1>\n',
        '<h1 id="t">标题</h1>\n<p>说明 </p>\n<h2 id="s">小节</h2>\n',
        "<p>前言</p>\n",
        '<h2 id="s">小节</h2>\n<p>a</p>\n ',
    ]
)
_AFTER = st.sampled_from(["", "\n<p>后记</p>", '\n<h2 id="n">下一节</h2>\n<p>b</p>', " \n"])


@settings(max_examples=400, deadline=None)
@given(_BEFORE, _element(), _AFTER)
def test_the_stand_in_is_indexed_as_the_block(before: str, block: str, after: str) -> None:
    stand_in = for_search(block)
    assert stand_in is not None, block
    assert _sections(before + stand_in + after) == _sections(before + block + after)


def test_the_stand_in_has_fewer_tags() -> None:
    row = '<tr><td data-label="账号"><a href="accounts/x.html">账号甲</a></td><td>3</td></tr>'
    block = '<table class="gm-cards"><tbody>' + row * 50 + "</tbody></table>"
    stand_in = for_search(block)
    assert stand_in is not None
    assert stand_in.count("<") == 2
    assert _sections(stand_in) == _sections(block)


def test_a_quoted_attribute_may_hold_a_greater_than_sign() -> None:
    block = '<div title="a>b"><span>x</span> <span>y</span></div>'
    stand_in = for_search(block)
    assert stand_in is not None
    assert _sections(stand_in) == _sections(block)
    assert _sections(block)[0][3] == "x y"


@pytest.mark.parametrize(
    "block",
    [
        '<div><h2 id="x">标题</h2></div>',  # a heading
        "<div><p>段落</p></div>",  # a tag the plugin keeps
        "<ul><li>一</li></ul>",
        "<div><code>x</code></div>",
        "<div><script>x</script></div>",  # a tag it skips
        '<div data-search-exclude="">不索引</div>',
        "<div><!-- 注释 --></div>",
        "<div>a < b</div>",  # a "<" that is not a tag
        "<div title=a>b>x</div>",  # a ">" outside a tag
        "<div title='a'>x</div>",
        "纯文本",
        "<div>a\x00b</div>",
    ],
)
def test_other_blocks_are_left_as_they_are(block: str) -> None:
    assert for_search(block) is None
