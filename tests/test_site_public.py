"""The sample banner's public site as a citizen reads it, in a real headless Chromium.

The bundled sample (records/ of this repository) is built once per session with
``site_url`` set (tests/test_site_fixture.py). Every page is opened at 360×740 (a
phone) and the pages of each family (home, lists, history, about, articles, units,
accounts) at 1366×900; one Chromium serves the whole module.

Checked: no page scrolls sideways; on every article page the current violations
start within the first two screens; no text shows a ``{placeholder}`` or a Latin
identifier (short allow-list); the home count equals ``govmedia check``'s at the
same date and the CSV has that many rows; the feed is Atom; the sitemap lists every
page; search finds what people type; lang, heading order, contrast, alt text and
keyboard focus.
"""

from __future__ import annotations

import csv
import io
import itertools
import json
import re
import subprocess
import sys
import time
import urllib.parse
import xml.etree.ElementTree as ET
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest

# browser and server are module-scoped fixtures: one Chromium and one server for this module;
# server serves this module's ``site`` (the sample).
from test_site_browser import DevTools, browser, server, tab  # noqa: F401
from test_site_fixture import ROOT, SAMPLE_AS_OF, SAMPLE_SITE_URL, built_sample

PHONE = (360, 740)
DESKTOP = (1366, 900)
# Latin words a page may show: the open-data formats and the program that opens them;
# LOGO (the law's own word, art. 12); ISO (the week standard art-15 names); N (a count
# in a sentence); TBD/todo/TODO (the literal words art-06 treats as "not written").
ALLOWED = {"CSV", "JSON", "Atom", "Excel", "UTF-8", "LOGO", "ISO", "N", "TBD", "todo", "TODO"}
LATIN = re.compile(r"[A-Za-z][A-Za-z0-9_\-]*[A-Za-z0-9]|[A-Za-z]")
HEX = re.compile(r"^[0-9a-f]{7,40}$")
# A commit id (the records' version) as shown on every page.
SHA = re.compile(r"(?<![0-9A-Za-z])[0-9a-f]{7,40}(?![0-9A-Za-z])")
URL = re.compile(r"https?://\S+")
ATOM = "{http://www.w3.org/2005/Atom}"


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    _repo, out, proc = built_sample(tmp_path_factory)
    assert proc.returncode == 0, proc.stderr
    return out


def pages_of(site: Path) -> list[str]:
    return sorted(
        str(p.relative_to(site))
        for p in site.rglob("*.html")
        if p.name != "404.html" and not str(p.relative_to(site)).startswith(("assets", "search"))
    )


def family(path: str) -> str:
    return path.split("/")[0] if "/" in path else path


def desktop_sample(paths: list[str]) -> list[str]:
    """Every top-level page, and the first two pages of each folder (articles, units, accounts)."""
    out: list[str] = []
    seen: dict[str, int] = {}
    for path in paths:
        fam = family(path)
        if "/" not in path or seen.get(fam, 0) < 2:
            out.append(path)
            seen[fam] = seen.get(fam, 0) + 1
    out.append("rules/art-13.html")
    return sorted(set(out))


MEASURE = """(() => {
  const doc = document.documentElement;
  const article = document.querySelector('article');
  const first = document.querySelector('article .gm-violations tbody tr');
  const heading = Array.from(document.querySelectorAll('article h2'))
    .find(h => h.textContent.includes('当前未整改的违规'));
  const top = el => el ? el.getBoundingClientRect().top + window.scrollY : null;
  return {
    scroll: doc.scrollWidth, width: window.innerWidth, height: window.innerHeight,
    text: document.body.innerText + '\\n' + (article ? article.textContent : ''),
    title: document.title,
    lang: doc.lang,
    headings: Array.from(document.querySelectorAll('article h1, article h2, article h3, article h4, article h5'),
                         h => Number(h.tagName[1])),
    first: top(first), violations_heading: top(heading),
    small: Array.from(document.querySelectorAll('article *')).filter(el =>
      Array.from(el.childNodes).some(n => n.nodeType === 3 && n.textContent.trim())
      && el.getClientRects().length && !el.closest('svg, .gm-search-words')
      && parseFloat(getComputedStyle(el).fontSize) < 12).map(el => el.tagName + ' ' + el.textContent.trim().slice(0, 20)),
    taps: Array.from(document.querySelectorAll('article table a, article .gm-links a, article .gm-download a'))
      .filter(a => a.getClientRects().length && a.getBoundingClientRect().height < 24)
      .map(a => a.textContent.trim().slice(0, 20) + ' ' + a.getBoundingClientRect().height.toFixed(0)),
    charts: Array.from(document.querySelectorAll('svg.gm-chart'),
                       s => [s.getAttribute('role'), s.getAttribute('aria-label') || '',
                             (s.querySelector('title') || {}).textContent || '']),
  };
})()"""


def _load(client: DevTools, url: str) -> None:
    client.send("Page.navigate", url=url)
    client.wait_for("Page.loadEventFired")


def _size(client: DevTools, size: tuple[int, int]) -> None:
    client.send(
        "Emulation.setDeviceMetricsOverride",
        width=size[0],
        height=size[1],
        deviceScaleFactor=1,
        mobile=size == PHONE,
    )


@pytest.fixture(scope="module")
def measured(browser: str, server: str, site: Path) -> dict[tuple[str, str], dict[str, Any]]:
    """Every page at phone size and a sample of each family at desktop size, measured once."""
    out: dict[tuple[str, str], dict[str, Any]] = {}
    paths = pages_of(site)
    with tab(browser) as client:
        for name, size, todo in (
            ("phone", PHONE, paths),
            ("desktop", DESKTOP, desktop_sample(paths)),
        ):
            _size(client, size)
            for path in todo:
                _load(client, server + path)
                out[(name, path)] = client.evaluate(MEASURE)
        assert client.errors() == [], client.errors()[:5]
    return out


def test_every_page_family_is_covered(measured: dict[tuple[str, str], Any], site: Path) -> None:
    paths = pages_of(site)
    assert len(paths) > 100  # the sample: 25 articles, 29 units, 49 accounts, lists
    assert {p for (size, p) in measured if size == "phone"} == set(paths)
    families = {family(p) for p in paths}
    assert {family(p) for (size, p) in measured if size == "desktop"} == families


def test_no_page_scrolls_sideways(measured: dict[tuple[str, str], Any]) -> None:
    wide = {
        f"{size} {path}: {m['scroll']} > {m['width']}"
        for (size, path), m in measured.items()
        if m["scroll"] > m["width"]
    }
    assert not wide, sorted(wide)[:10]


def test_article_violations_start_within_two_screens(
    measured: dict[tuple[str, str], Any],
) -> None:
    late = []
    checked = 0
    for (size, path), m in measured.items():
        if not path.startswith("rules/art-"):
            continue
        limit = 2 * m["height"]
        top = m["first"] if m["first"] is not None else m["violations_heading"]
        assert top is not None, f"{path}: no 当前未整改的违规 section"
        checked += m["first"] is not None
        if top > limit:
            late.append(f"{size} {path}: {top:.0f} px > {limit} px")
    assert checked >= 5  # the sample has violations under several articles
    assert not late, late


def test_no_placeholder_and_no_latin_identifier(measured: dict[tuple[str, str], Any]) -> None:
    bad: dict[str, set[str]] = {}
    for (_size, path), m in measured.items():
        text = SHA.sub(" ", URL.sub(" ", m["text"]))
        for found in re.findall(r"\{[a-z_]+\}", text):
            bad.setdefault(path, set()).add(found)
        for word in LATIN.findall(text):
            if word in ALLOWED or HEX.match(word):
                continue
            bad.setdefault(path, set()).add(word)
    assert not bad, {p: sorted(w)[:8] for p, w in list(bad.items())[:10]}


def test_lang_heading_order_and_chart_alt_text(measured: dict[tuple[str, str], Any]) -> None:
    charts = 0
    for (size, path), m in measured.items():
        assert m["lang"] == "zh-CN", path
        levels = m["headings"]
        assert levels and levels[0] == 1 and levels.count(1) == 1, (path, levels)
        for a, b in itertools.pairwise(levels):
            assert b <= a + 1, f"{size} {path}: heading h{a} followed by h{b}"
        for role, label, title in m["charts"]:
            charts += 1
            assert role == "img" and label and title, (path, role, label, title)
    assert charts > 0


def test_type_and_tap_targets_on_a_phone(measured: dict[tuple[str, str], Any]) -> None:
    """No text below 12 px; links in tables and download links at least 24 px tall (WCAG 2.5.8)."""
    small = {
        p: m["small"][:3] for (size, p), m in measured.items() if size == "phone" and m["small"]
    }
    assert not small, list(small.items())[:5]
    taps = {p: m["taps"][:3] for (size, p), m in measured.items() if size == "phone" and m["taps"]}
    assert not taps, list(taps.items())[:5]


def test_titles_are_distinct(measured: dict[tuple[str, str], Any]) -> None:
    titles: dict[str, str] = {}
    for (size, path), m in measured.items():
        if size == "phone":
            assert m["title"] not in titles, (path, titles.get(m["title"]))
            titles[m["title"]] = path
    # Accounts are named 平台·名称.
    assert any(t.startswith("小红书·") for t in titles)


# ---------------------------------------------------------------- numbers and open data


@pytest.fixture(scope="module")
def check_report(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """`govmedia check` at the site's date, on the repository the site was built from."""
    repo, _out, _proc = built_sample(tmp_path_factory)
    proc = subprocess.run(
        [sys.executable, "-m", "engine.cli", "check", "--as-of", SAMPLE_AS_OF, "--format", "json"],
        cwd=repo,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert proc.returncode in (0, 1), proc.stderr
    report: dict[str, Any] = json.loads(proc.stdout)
    return report


def test_home_count_equals_check_and_csv_rows(
    browser: str,
    server: str,
    site: Path,
    check_report: dict[str, Any],
) -> None:
    errors = check_report["summary"]["errors"]
    assert errors > 0
    with tab(browser) as client:
        _load(client, server + "index.html")
        tiles = client.evaluate(
            "Array.from(document.querySelectorAll('.gm-stat'), t => t.innerText.replace(/\\s+/g, ' '))"
        )
    assert f"{errors} 处未整改的违规" in tiles, tiles
    assert SAMPLE_AS_OF in (site / "index.html").read_text(encoding="utf-8")
    raw = (site / "data" / "violations.csv").read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")  # UTF-8 with BOM: Excel reads it as UTF-8
    rows = list(csv.reader(io.StringIO(raw.decode("utf-8-sig"))))
    assert rows[0][:3] == ["条款", "发生日期", "单位"]
    assert len(rows) - 1 == len(check_report["violations"]) == errors
    data = json.loads((site / "data" / "violations.json").read_text(encoding="utf-8"))
    assert data["format"] == check_report["format"]
    assert data["summary"]["errors"] == errors
    assert {v["fingerprint"] for v in data["violations"]} == {
        v["fingerprint"] for v in check_report["violations"]
    }


def test_violations_json_follows_the_report_schema(site: Path) -> None:
    import jsonschema

    schema = json.loads((ROOT / "docs" / "report.schema.json").read_text(encoding="utf-8"))
    data = json.loads((site / "data" / "violations.json").read_text(encoding="utf-8"))
    jsonschema.validate(data, schema)


def test_feed_is_atom(site: Path) -> None:
    root = ET.parse(site / "feed.xml").getroot()
    assert root.tag == f"{ATOM}feed"
    for tag in ("id", "title", "updated", "author"):
        assert root.find(f"{ATOM}{tag}") is not None, tag
    assert root.find(f"{ATOM}author/{ATOM}name") is not None
    self_link = [link for link in root.findall(f"{ATOM}link") if link.get("rel") == "self"]
    assert self_link and self_link[0].get("href") == SAMPLE_SITE_URL + "feed.xml"
    entries = root.findall(f"{ATOM}entry")
    assert entries
    ids = set()
    for entry in entries:
        for tag in ("id", "title", "updated"):
            node = entry.find(f"{ATOM}{tag}")
            assert node is not None and node.text, tag
        ids.add(entry.findtext(f"{ATOM}id"))
        datetime.fromisoformat(entry.findtext(f"{ATOM}updated") or "")  # RFC 3339
        link = entry.find(f"{ATOM}link")
        assert link is not None and str(link.get("href")).startswith(SAMPLE_SITE_URL)
        assert not re.search(r"\{[a-z_]+\}", entry.findtext(f"{ATOM}summary") or "")
    assert len(ids) == len(entries)  # ids are unique
    datetime.fromisoformat(root.findtext(f"{ATOM}updated") or "")


def test_sitemap_lists_every_page(site: Path) -> None:
    ns = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
    root = ET.parse(site / "sitemap.xml").getroot()
    listed = {
        urllib.parse.unquote(loc.text or "").removeprefix(SAMPLE_SITE_URL)
        for loc in root.iter(f"{ns}loc")
    }
    pages = set(pages_of(site))
    assert pages <= listed, sorted(pages - listed)[:10]


def test_every_table_page_offers_its_download(site: Path) -> None:
    for page in ("rules/art-13.html", "units/index.html", "history.html"):
        html = (site / page).read_text(encoding="utf-8")
        hrefs = re.findall(r'href="([^"]+\.csv)"', html)
        assert hrefs, page
        for href in hrefs:
            assert (site / page).parent.joinpath(href).resolve().is_file(), (page, href)


# ---------------------------------------------------------------- search


def _search(client: DevTools, words: str) -> list[tuple[str, str]]:
    client.evaluate(
        """(() => {
          const input = document.querySelector('[data-md-component="search-query"]');
          input.focus();
          input.value = WORD;
          input.dispatchEvent(new Event('input', {bubbles: true}));
          input.dispatchEvent(new KeyboardEvent('keyup', {bubbles: true}));
        })()""".replace("WORD", json.dumps(words))
    )
    found: list[list[str]] = []
    deadline = time.monotonic() + 15
    while time.monotonic() < deadline and not found:
        time.sleep(0.2)
        found = client.evaluate(
            "Array.from(document.querySelectorAll('.md-search-result__item > a'),"
            " a => [a.href, (a.querySelector('h1') || a).textContent.trim()])"
        )
    return [(href, title) for href, title in found]


@pytest.mark.parametrize(
    ("words", "page"),
    [
        ("第十三条", "rules/art-13.html"),
        ("十三条", "rules/art-13.html"),
        ("13条", "rules/art-13.html"),
        ("小红书", "accounts/wlj-xhs.html"),
        ("旗教育局", "units/jyj.html"),
    ],
)
def test_search_finds_what_people_type(
    browser: str,
    server: str,
    words: str,
    page: str,
) -> None:
    with tab(browser) as client:
        _size(client, DESKTOP)
        _load(client, server + "index.html")
        time.sleep(0.5)  # the search worker starts
        found = _search(client, words)
    assert found, words
    hrefs = [href.split("#")[0].split("?")[0] for href, _ in found]
    if page.startswith("rules/"):
        assert hrefs[0] == server + page, found[:3]
    else:
        assert server + page in hrefs[:5], found[:5]
    # Whole-page results have distinct titles (accounts are 平台·名称).
    titles = [t for href, t in found if "#" not in href]
    assert len(set(titles)) == len(titles), titles


# ---------------------------------------------------------------- contrast and keyboard

CONTRAST = """(() => {
  const lum = c => {
    const v = c.match(/[\\d.]+/g).slice(0, 3).map(Number).map(x => {
      x /= 255; return x <= 0.03928 ? x / 12.92 : Math.pow((x + 0.055) / 1.055, 2.4); });
    return 0.2126 * v[0] + 0.7152 * v[1] + 0.0722 * v[2];
  };
  const alpha = c => { const m = c.match(/[\\d.]+/g); return m.length > 3 ? Number(m[3]) : 1; };
  const bg = el => {
    for (let n = el; n; n = n.parentElement) {
      const c = getComputedStyle(n).backgroundColor;
      if (alpha(c) > 0.5) return c;
    }
    return 'rgb(255, 255, 255)';
  };
  const mix = (fg, back) => {
    const a = alpha(fg), f = fg.match(/[\\d.]+/g).map(Number), b = back.match(/[\\d.]+/g).map(Number);
    return `rgb(${[0, 1, 2].map(i => f[i] * a + b[i] * (1 - a)).join(',')})`;
  };
  const bad = [];
  for (const el of document.querySelectorAll('article *')) {
    if (!Array.from(el.childNodes).some(n => n.nodeType === 3 && n.textContent.trim())) continue;
    const s = getComputedStyle(el);
    if (s.visibility === 'hidden' || s.display === 'none' || el.getClientRects().length === 0) continue;
    const back = bg(el);
    const fg = mix(s.color, back);
    const [a, b] = [lum(fg), lum(back)].sort((x, y) => y - x);
    const ratio = (a + 0.05) / (b + 0.05);
    if (ratio < 4.5) bad.push(`${el.tagName}.${el.className}: ${ratio.toFixed(2)} "${el.textContent.trim().slice(0, 20)}"`);
  }
  return bad;
})()"""

FAMILY_PAGES = [
    "index.html",
    "rules/art-13.html",
    "units/jyj.html",
    "accounts/jyj-wx.html",
    "history.html",
    "about.html",
]


def test_text_contrast_and_keyboard_focus(browser: str, server: str) -> None:
    with tab(browser) as client:
        for size in (PHONE, DESKTOP):
            _size(client, size)
            for path in FAMILY_PAGES:
                _load(client, server + path)
                bad = client.evaluate(CONTRAST)
                assert not bad, (size, path, bad[:5])
        _load(client, server + "rules/art-13.html")
        # Tab from the top: the first stop skips to the content; the technical notes open
        # from the keyboard.
        reached = []
        for _ in range(200):
            client.send("Input.dispatchKeyEvent", type="keyDown", key="Tab", code="Tab",
                        windowsVirtualKeyCode=9)  # fmt: skip
            client.send("Input.dispatchKeyEvent", type="keyUp", key="Tab", code="Tab",
                        windowsVirtualKeyCode=9)  # fmt: skip
            reached.append(
                client.evaluate(
                    "(() => { const a = document.activeElement;"
                    " return [a.tagName, a.className || '', a.textContent.trim().slice(0, 30)]; })()"
                )
            )
            if reached[-1][0] == "SUMMARY":
                break
        assert reached[0][1].startswith("md-skip"), reached[:3]
        assert any(tag == "A" and "第十三条" not in text for tag, _c, text in reached)
        assert reached[-1][0] == "SUMMARY", reached[-5:]
        client.send("Input.dispatchKeyEvent", type="keyDown", key="Enter", code="Enter",
                    windowsVirtualKeyCode=13, text="\r")  # fmt: skip
        client.send("Input.dispatchKeyEvent", type="keyUp", key="Enter", code="Enter",
                    windowsVirtualKeyCode=13)  # fmt: skip
        assert client.evaluate("document.querySelector('details.gm-tech').open") is True


def test_every_unchecked_article_says_why(site: Path) -> None:
    page = (site / "coverage.html").read_text(encoding="utf-8")
    rows = re.findall(
        r"<tr>(.*?)</tr>", page.split('class="gm-cards gm-coverage"')[1].split("</table>")[0]
    )
    unchecked = [r for r in rows if "没有</span>" in r or "尚未录入" in r]
    assert unchecked
    for row in unchecked:
        why = re.search(r'data-label="未检查的原因">(.*?)</td>', row)
        assert why and re.sub(r"<[^>]+>", "", why.group(1)).strip(), row[:200]
    assert "第二十五条" in page
