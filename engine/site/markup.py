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

REDACTED = "＊＊＊"

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
        # One pass over a text finds every value (re compiles an alternation of
        # literals with a first-character prefilter), instead of one scan per value.
        self._pattern = (
            re.compile("|".join(re.escape(v) for v in self.private)) if self.private else None
        )

    def redact(self, value: object) -> str:
        text = "" if value is None else str(value)
        if self._pattern is None:
            return text
        return self._pattern.sub(REDACTED, text)

    def __call__(self, value: object) -> str:
        """Escaped for HTML text and attribute values."""
        return html.escape(self.redact(value), quote=True)

    def heading(self, value: object) -> str:
        """Plain text safe inside a Markdown heading and in the page title MkDocs derives from it."""
        text = self.redact(value).translate(_HEADING_SWAP)
        return _MD_PUNCT.sub(r"\\\1", text).strip()

    def leaks(self, output: str) -> list[str]:
        """Private values present in ``output`` (a rendered page)."""
        if self._pattern is None or not self._pattern.search(output):
            return []
        return [secret for secret in self.private if secret in output]


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

    def href(self, target: str, anchor: str = "") -> str:
        here = page_url(self.current, self.use_directory_urls) or "./"
        there = page_url(target, self.use_directory_urls) or "./"
        rel = get_relative_url(there, here)
        if self.use_directory_urls and not rel.endswith("/") and not rel.endswith(".html"):
            rel += "/"
        return rel + (f"#{anchor}" if anchor else "")

    def a(self, target: str, label_html: str) -> str:
        """A link to a generated page; plain text if that page does not exist."""
        if target not in self.existing:
            return label_html
        return f'<a href="{html.escape(self.href(target))}">{label_html}</a>'


def table(headers: Sequence[str], rows: Iterable[Sequence[str]], css: str = "") -> str:
    """An HTML table; ``headers`` and cells must already be escaped HTML."""
    rows = list(rows)
    if not rows:
        return '<p class="gm-none">无</p>'
    cls = f' class="{css}"' if css else ""
    head = "".join(f"<th>{h}</th>" for h in headers)
    body = "".join("<tr>" + "".join(f"<td>{c}</td>" for c in row) + "</tr>" for row in rows)
    return f"<table{cls}><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def block(html_text: str) -> str:
    """A raw HTML block: its own paragraph, no blank lines inside, no leading indent."""
    lines = [line.strip() for line in html_text.splitlines()]
    return "\n" + "\n".join(line for line in lines if line) + "\n\n"


def bar_chart(
    labels: Sequence[str],
    series: Sequence[tuple[str, str, Sequence[int]]],
    title: str,
    line: tuple[str, str, Sequence[int]] | None = None,
) -> str:
    """An inline SVG grouped bar chart, with an optional line on its own scale (right axis).

    ``series`` and ``line``: (name, colour, values), one value per label.
    """
    e = html.escape
    groups = max(len(labels), 1)
    left, right, top, bottom = 40, 44, 24, 52
    step = 44.0
    width = int(left + right + groups * step)
    height = 260
    plot_h = height - bottom - top
    base_y = top + plot_h
    peak = max([1, *(v for _, _, values in series for v in values)])
    bar_w = max(4.0, (step - 10) / max(len(series), 1))
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="gm-chart" role="img" '
        f'viewBox="0 0 {width} {height}" width="{width}" height="{height}">',
        f"<title>{e(title)}</title>",
        f'<line x1="{left}" y1="{base_y}" x2="{width - right}" y2="{base_y}" stroke="#888"/>',
        f'<text x="{left - 6}" y="{top + 4}" text-anchor="end" font-size="11">{peak}</text>',
        f'<text x="{left - 6}" y="{base_y}" text-anchor="end" font-size="11">0</text>',
    ]
    for i, label in enumerate(labels):
        x0 = left + i * step + 5
        for j, (name, colour, values) in enumerate(series):
            h = plot_h * values[i] / peak
            parts.append(
                f'<rect x="{x0 + j * bar_w:.1f}" y="{base_y - h:.1f}" width="{bar_w - 1:.1f}" '
                f'height="{h:.1f}" fill="{colour}"><title>{e(label)} {e(name)}: {values[i]}</title></rect>'
            )
        parts.append(
            f'<text x="{x0 + (step - 10) / 2:.1f}" y="{base_y + 14}" text-anchor="middle" '
            f'font-size="10">{e(label[2:] if len(label) == 7 else label)}</text>'
        )
    legend = [(name, colour) for name, colour, _ in series]
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
            f'<text x="{width - right + 6}" y="{top + 4}" font-size="11" fill="{colour}">{line_peak}</text>'
        )
        legend.append((name, colour))
    for j, (name, colour) in enumerate(legend):
        x = left + j * 110
        parts.append(f'<rect x="{x}" y="{height - 18}" width="10" height="10" fill="{colour}"/>')
        parts.append(f'<text x="{x + 14}" y="{height - 9}" font-size="11">{e(name)}</text>')
    parts.append("</svg>")
    return "".join(parts)
