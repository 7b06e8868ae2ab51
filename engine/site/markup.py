"""Escaping, links and small HTML pieces for generated pages.

Pages are Markdown whose record-derived content sits in raw HTML blocks: Python-
Markdown passes those through untouched, so ``**x**`` or ``[a](javascript:…)``
in a record stays text, and ``html.escape`` makes ``<script>`` text too. Page
headings are Markdown (MkDocs takes titles and the table of contents from
them); their record strings are made inert by :meth:`Escaper.heading`.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterable, Sequence

from mkdocs.utils import get_relative_url

from engine.site.privacy import Finder
from engine.textsafe import clean_lines

REDACTED = "＊＊＊"
# Texts whose redacted form is remembered (per escaper: per build).
_MEMO_SIZE = 1_000_000

# Characters that could start markup in a heading, with harmless look-alikes.
_HEADING_SWAP = str.maketrans(
    {"<": "＜", ">": "＞", "&": "＆", '"': "＂", "'": "＇", "\n": " ", "\r": " ", "\t": " "}
)
# Python-Markdown's backslash-escapable characters (">" is swapped above).
_MD_PUNCT = re.compile(r"([\\`*_{}\[\]()#+\-.!])")


class Escaper:
    """Turns record strings into inert page text, hiding any known private value."""

    def __init__(self, private_values: Iterable[str] = ()) -> None:
        # Longest first, so that a longer value is not half-replaced by a shorter one.
        self.private = sorted(
            {v for v in private_values if len(v.strip()) >= 2}, key=len, reverse=True
        )
        # One pass over a text finds every value (an Aho-Corasick automaton), instead of
        # one scan per value or a regular expression that tries each value at each position.
        self._finder = Finder(self.private)
        self._redacted: dict[str, str] = {}

    def redact(self, value: object) -> str:
        """The text with private values hidden and control and bidi characters escaped
        (``\\u202e``): every page, data file and feed takes record text through here."""
        text = "" if value is None else str(value)
        done = self._redacted.get(text)
        if done is None:
            done = clean_lines(self._finder.replace(text, REDACTED) if self._finder else text)
            if len(self._redacted) < _MEMO_SIZE:
                # A violation's text stands on four pages and in two downloads.
                self._redacted[text] = done
        return done

    def __call__(self, value: object) -> str:
        """Escaped for HTML text and attribute values."""
        return html.escape(self.redact(value), quote=True)

    def heading(self, value: object) -> str:
        """Plain text safe inside a Markdown heading and in the page title MkDocs derives from it."""
        text = self.redact(value).translate(_HEADING_SWAP)
        return _MD_PUNCT.sub(r"\\\1", text).strip()

    def leaks(self, output: str) -> list[str]:
        """Private values present in ``output`` (a rendered page), longest first."""
        return sorted(self._finder.occurring([output]), key=lambda v: (-len(v), v))


def page_url(src_uri: str, use_directory_urls: bool) -> str:
    """The URL MkDocs gives the page built from ``src_uri`` (as ``File.url`` does)."""
    stem = src_uri[: -len(".md")]
    if not use_directory_urls:
        return stem + ".html"
    if stem == "index":
        return ""
    if stem.endswith("/index"):
        return stem[: -len("index")]
    return stem + "/"


class Linker:
    """Relative links between generated pages, for raw HTML (which MkDocs does not rewrite)."""

    def __init__(self, use_directory_urls: bool, existing: set[str]) -> None:
        self.use_directory_urls = use_directory_urls
        self.existing = existing
        self.current = "index.md"
        self._hrefs: dict[tuple[str, str, str], str] = {}

    def href(self, target: str, anchor: str = "") -> str:
        key = (self.current, target, anchor)
        found = self._hrefs.get(key)
        if found is None:
            found = self._hrefs[key] = self._href(target, anchor)
        return found

    def _href(self, target: str, anchor: str = "") -> str:
        here = page_url(self.current, self.use_directory_urls) or "./"
        there = page_url(target, self.use_directory_urls) or "./"
        rel = get_relative_url(there, here)
        if self.use_directory_urls and not rel.endswith("/") and not rel.endswith(".html"):
            rel += "/"
        return rel + (f"#{anchor}" if anchor else "")

    def folder(self) -> str:
        """The folder of the current page's URL: every relative link depends only on it."""
        return page_url(self.current, self.use_directory_urls).rpartition("/")[0]

    def file(self, target: str) -> str:
        """A relative link from the current page to a file of the build (a download)."""
        here = page_url(self.current, self.use_directory_urls) or "./"
        return get_relative_url(target, here)

    def a(self, target: str, label_html: str) -> str:
        """A link to a generated page; plain text if that page does not exist."""
        if target not in self.existing:
            return label_html
        return f'<a href="{html.escape(self.href(target))}">{label_html}</a>'


_TAG = re.compile(r"<[^>]*>")


def table(
    headers: Sequence[str],
    rows: Iterable[Sequence[str]],
    css: str = "",
    row_ids: Sequence[str] | None = None,
    caption: str = "",
) -> str:
    """An HTML table; ``headers`` and cells must already be escaped HTML.

    Every cell carries its column's header as ``data-label``: below 600 px the
    stylesheet lays rows out as cards, each cell under its label.
    """
    rows = list(rows)
    if not rows:
        return '<p class="gm-none">无</p>'
    cls = f' class="gm-cards {css}"' if css else ' class="gm-cards"'
    labels = [html.escape(html.unescape(_TAG.sub("", h)), quote=True) for h in headers]
    head = "".join(f'<th scope="col">{h}</th>' for h in headers)
    body = []
    for i, row in enumerate(rows):
        rid = f' id="{html.escape(row_ids[i], quote=True)}"' if row_ids and row_ids[i] else ""
        cells = "".join(
            f'<td data-label="{labels[j] if j < len(labels) else ""}">{c}</td>'
            for j, c in enumerate(row)
        )
        body.append(f"<tr{rid}>{cells}</tr>")
    cap = f"<caption>{caption}</caption>" if caption else ""
    return f"<table{cls}>{cap}<thead><tr>{head}</tr></thead><tbody>{''.join(body)}</tbody></table>"


def block(html_text: str) -> str:
    """A raw HTML block: its own paragraph, no blank lines inside, no leading indent."""
    lines = [line.strip() for line in html_text.splitlines()]
    return "\n" + "\n".join(line for line in lines if line) + "\n\n"


def bar_chart(
    labels: Sequence[str],
    series: Sequence[tuple[str, str, Sequence[int]]],
    title: str,
    line: tuple[str, str, Sequence[int]] | None = None,
    step: float = 34.0,
    y_label: str = "违规(处)",
) -> str:
    """An inline SVG grouped bar chart, with an optional line on its own scale (right axis).

    ``series`` and ``line``: (name, colour, values), one value per label. The legend
    is HTML beside the chart (it wraps on a phone instead of being clipped); the
    axes say their units; the chart is an image with a title and a description.
    """
    e = html.escape
    groups = max(len(labels), 1)
    left, right, top, bottom = 34, 30 if line else 10, 22, 30
    width = int(left + right + groups * step)
    height = 220
    plot_h = height - bottom - top
    base_y = top + plot_h
    peak = max([1, *(v for _, _, values in series for v in values)])
    bar_w = max(4.0, (step - 8) / max(len(series), 1))
    every = 1 if step >= 30 else 2
    desc = "；".join(
        f"{label}:"
        + ",".join(
            f"{name} {values[i]}" for name, _, values in [*series, *([line] if line else [])]
        )
        for i, label in enumerate(labels)
    )
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="gm-chart" role="img" '
        f'viewBox="0 0 {width} {height}" width="{width}" height="{height}" '
        f'aria-label="{e(title)}">',
        f"<title>{e(title)}</title><desc>{e(desc)}</desc>",
        f'<line x1="{left}" y1="{base_y}" x2="{width - right}" y2="{base_y}" stroke="#767676"/>',
        f'<line x1="{left}" y1="{top}" x2="{left}" y2="{base_y}" stroke="#767676"/>',
        f'<text x="{left - 4}" y="{top + 4}" text-anchor="end" font-size="12">{peak}</text>',
        f'<text x="{left - 4}" y="{base_y}" text-anchor="end" font-size="12">0</text>',
        f'<text x="2" y="{top - 8}" font-size="12">{e(y_label)}</text>',
    ]
    for i, label in enumerate(labels):
        x0 = left + i * step + 4
        for j, (name, colour, values) in enumerate(series):
            h = plot_h * values[i] / peak
            parts.append(
                f'<rect x="{x0 + j * bar_w:.1f}" y="{base_y - h:.1f}" width="{bar_w - 1:.1f}" '
                f'height="{h:.1f}" fill="{colour}"><title>{e(label)} {e(name)}: {values[i]}</title></rect>'
            )
        if i % every == 0 or i == len(labels) - 1:
            text = label[2:].replace("-", ".") if len(label) == 7 else label
            parts.append(
                f'<text x="{x0 + (step - 8) / 2:.1f}" y="{base_y + 14}" text-anchor="middle" '
                f'font-size="11">{e(text)}</text>'
            )
    parts.append(
        f'<text x="{width - right}" y="{height - 2}" text-anchor="end" font-size="11">年.月</text>'
    )
    legend = [(name, colour, "bar") for name, colour, _ in series]
    if line is not None:
        name, colour, values = line
        line_peak = max([1, *values])
        points = " ".join(
            f"{left + i * step + step / 2:.1f},{base_y - plot_h * v / line_peak:.1f}"
            for i, v in enumerate(values)
        )
        parts.append(
            f'<polyline points="{points}" fill="none" stroke="{colour}" stroke-width="2"/>'
        )
        for i, v in enumerate(values):
            cx, cy = left + i * step + step / 2, base_y - plot_h * v / line_peak
            parts.append(
                f'<circle cx="{cx:.1f}" cy="{cy:.1f}" r="3" fill="{colour}">'
                f"<title>{e(labels[i])} {e(name)}: {v}</title></circle>"
            )
        parts.append(
            f'<line x1="{width - right}" y1="{top}" x2="{width - right}" y2="{base_y}" stroke="{colour}"/>'
            f'<text x="{width - right + 3}" y="{top + 4}" font-size="12" fill="{colour}">{line_peak}</text>'
        )
        legend.append((name, colour, "line"))
    parts.append("</svg>")
    keys = "".join(
        f'<li><span class="gm-key gm-key-{shape}" style="background:{colour}"></span>{e(name)}</li>'
        for name, colour, shape in legend
    )
    return "".join(parts) + f'<ul class="gm-legend">{keys}</ul>'
