"""What the search plugin reads of a raw HTML block of ours, with fewer tags (``for_search``).

The theme's search plugin (material/plugins/search) parses each page's HTML with Python's
HTMLParser to index its text: for the site's tables (a row per record, a cell per field,
attributes on each) most of a build's indexing time goes to tags whose only effect is to
part the text. In a block with no heading, no tag the plugin keeps in the index (p, li,
code, pre, ...) or skips (script, style, object, data-search-exclude), each run of text
between tags is indexed as it is (unescaped, a line break made a space, escaped again)
and a run of white space as one space after text. Runs of text side by side are simply
joined, so the block reads the same to the plugin as one ``<span>`` holding its text,
with each run of white space in a ``<span>`` of its own (the plugin's white-space rule
looks at the piece before it). The page published is the real one: the plugin reads the
block's stand-in only (engine/site/plugin.py). tests/test_site_searchtext.py compares
the plugin's index of both.
"""

from __future__ import annotations

import html
import re

# A tag of our markup: a letter or "/" after "<", attribute values in double quotes.
_TAG = re.compile(r"<[a-zA-Z/][^<>\"']*(?:\"[^\"]*\"[^<>\"']*)*>")
# What the plugin treats otherwise: headings, tags it keeps or skips, comments,
# declarations, an excluded element, line numbers, permalinks.
_SPECIAL = re.compile(
    r"</?(?:h[1-6]|p|li|ol|ul|code|pre|sub|sup|script|style|object|textarea|title)[\s/>]"
    r"|<[!?]|data-search-exclude|linenodiv|headerlink",
    re.IGNORECASE,
)


def for_search(block: str) -> str | None:
    """The block's stand-in for the search plugin (it indexes the same text), or None when
    the block is not of that plain kind (the plugin then reads the block itself)."""
    if not block.startswith("<") or _SPECIAL.search(block):
        return None
    runs = _TAG.split(block)
    # Every "<" and ">" is in a tag (record text is escaped): what HTMLParser sees as tags.
    joined = "\0".join(runs)
    if "<" in joined or ">" in joined or "\0" in block:
        return None
    out = ["<span>"]
    text: list[str] = []
    space = False  # the last piece is white space
    for run in runs:
        if not run:
            continue  # HTMLParser reports no empty text
        data = html.unescape(run)
        if data.isspace():
            if not space:
                if text:
                    out.append(html.escape("".join(text), quote=False))
                    text = []
                out.append("<span> </span>")
                space = True
        else:
            text.append(data.replace("\n", " "))
            space = False
    if text:
        out.append(html.escape("".join(text), quote=False))
    out.append("</span>")
    return "".join(out)
