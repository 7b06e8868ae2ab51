"""`govmedia site` end to end: a real MkDocs build (strict) from a temporary records repository.

The repository plants hostile strings in record fields shown on the site and
private values in fields the schema hides; the built HTML, the search index
and every other output file are searched for them.
"""

from __future__ import annotations

import html as html_mod
import json
import re
import subprocess
from pathlib import Path

import pytest
from test_site_fixture import (
    AS_OF,
    COMMIT_WORDS,
    MARKDOWN_LINK,
    PRIVATE,
    SCRIPT,
    SEARCH_WORD,
    built_site,
    govmedia,
    write_config,
)

from engine.labels import article_zh
from engine.site.markup import Escaper, Linker, page_url
from engine.site.model import SiteModel
from engine.site.pages import Pages


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    _repo, out, proc = built_site(tmp_path_factory)
    assert proc.returncode == 0, proc.stderr
    assert "站点已生成" in proc.stdout
    assert "WARNING" not in proc.stderr, proc.stderr
    return out


def _texts(site: Path) -> dict[str, str]:
    out = {}
    for path in site.rglob("*"):
        if path.is_file() and path.suffix in (
            ".html",
            ".json",
            ".xml",
            ".csv",
            ".txt",
            ".js",
            ".css",
            ".svg",
        ):
            out[path.relative_to(site).as_posix()] = path.read_text(
                encoding="utf-8", errors="replace"
            )
    return out


def test_pages_exist(site: Path) -> None:
    for page in (
        "index.html",
        "rules/index.html",
        "rules/art-13.html",
        "rules/art-19.html",
        "units/index.html",
        "units/jyj.html",
        "accounts/jyj-wechat.html",
        "accounts/jyj-weibo.html",
        "history.html",
        "coverage.html",
        "search/search_index.json",
    ):
        assert (site / page).is_file(), page
    home = (site / "index.html").read_text(encoding="utf-8")
    assert f"检查日期 <strong>{AS_OF}</strong>" in home
    assert "政务新媒体合规状况" in home


def test_no_private_value_anywhere(site: Path) -> None:
    texts = _texts(site)
    assert "search/search_index.json" in texts
    for name, value in PRIVATE.items():
        # JSON may write non-ASCII as \\u escapes: check both spellings.
        spellings = {value, json.dumps(value)[1:-1]}
        for path, text in texts.items():
            for spelling in spellings:
                assert spelling not in text, f"private {name} ({value}) leaked into {path}"


def test_private_value_inside_public_text_is_not_masked(site: Path) -> None:
    from test_site_fixture import SHARED_NAME

    home = (site / "index.html").read_text(encoding="utf-8")
    assert f"旗{SHARED_NAME}局" in home
    assert "＊＊＊" not in home


def test_record_strings_are_escaped(site: Path) -> None:
    texts = _texts(site)
    account = texts["accounts/jyj-wechat.html"]
    # Shown, as text.
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in account
    assert "**粗体标题**" in account
    assert "[点我](javascript:alert(2))" in account
    assert "新右旗教育 &lt;img src=x onerror=alert(3)&gt;" in account
    for path, text in texts.items():
        # Downloads under data/ are data (CSV, JSON), never rendered as HTML: they carry
        # the records' text exactly (test_downloads_carry_record_text_exactly).
        if not path.endswith((".html", ".json")) or path.startswith("data/"):
            continue
        assert SCRIPT not in text, path
        assert "<img src=x" not in text, path
        assert 'href="javascript:' not in text.lower(), path
        assert "<strong>粗体标题</strong>" not in text, path
    # The page title (from a record) cannot close <title> or open a tag.
    title = re.search(r"<title>(.*?)</title>", account, re.S)
    assert title and "<" not in title.group(1)


def test_commit_messages_are_not_published(site: Path) -> None:
    # Commit messages are free text (here with a private phone number): no page shows them.
    for path, text in _texts(site).items():
        for words in (COMMIT_WORDS, "一月发布记录", "补录负责人", PRIVATE["phone"]):
            assert words not in text, f"commit message {words!r} published in {path}"
    home = (site / "index.html").read_text(encoding="utf-8")
    assert "最近的记录变更" in home and "gm-changes" in home


def test_search_index_is_segmented_into_chinese_words(site: Path) -> None:
    index = json.loads((site / "search/search_index.json").read_text(encoding="utf-8"))
    assert index["config"]["lang"] == ["zh"]
    separator = re.compile(index["config"]["separator"])
    tokens = {
        token
        for doc in index["docs"]
        if doc["location"].startswith("rules/art-13.html")
        for token in separator.split(doc["title"] + " " + doc["text"])
    }
    # "关停注销程序" is indexed as words (jieba), so "注销" is found on its own.
    assert {"关停", "注销", "程序"} <= tokens, sorted(tokens)[:50]
    account = {
        token
        for doc in index["docs"]
        if doc["location"].startswith("accounts/jyj-weibo.html")
        for token in separator.split(doc["text"])
    }
    assert SEARCH_WORD in account


def test_history_counts_opened_and_resolved(site: Path) -> None:
    page = (site / "history.html").read_text(encoding="utf-8")
    assert "<svg" in page and "每月发生的违规和月底累计未整改的违规" in page
    recorded = page.split("按当时的记录")[-1]
    rows = re.findall(
        r'<tr><td data-label="月份">(\d{4}-\d{2})</td><td data-label="检查日期">([\d-]+)</td>'
        r'<td data-label="新出现">(\d+)</td><td data-label="已消除">(\d+)</td>'
        r'<td data-label="未整改">(\d+)</td>',
        recorded,
    )
    months = {m: (int(o), int(r), int(n)) for m, _day, o, r, n in rows}
    # Four sampled months: three judged in worker processes, the newest reused from the build.
    assert sorted(months) == ["2025-12", "2026-01", "2026-02", "2026-03"]
    opened, resolved, still_open = months["2025-12"]
    assert opened == still_open > 0 and resolved == 0
    # March: the waiver hides weibo's responsibility gap, so it counts as resolved.
    assert months["2026-03"][1] >= 1
    previous = 0
    for month in sorted(months):
        o, r, n = months[month]
        assert n == previous + o - r
        previous = n


def test_account_page_shows_events_and_waivers_without_private_fields(site: Path) -> None:
    page = (site / "accounts/jyj-weibo.html").read_text(encoding="utf-8")
    assert "机构改革期间人员未到位 &lt;b&gt;说明&lt;/b&gt;" in page  # waiver reason, escaped
    assert "专人负责" in page  # event kind from the schema's title
    wechat = (site / "accounts/jyj-wechat.html").read_text(encoding="utf-8")
    assert "委托运维合同" in wechat and "某某文化传媒有限公司" in wechat
    assert "信息员" in wechat  # public role of the responsible person, not the person


def test_bad_ref_exits_2(tmp_path: Path) -> None:
    repo = _empty_repo(tmp_path)
    proc = govmedia(
        "site",
        "--repo",
        str(repo),
        "--ref",
        "no-such-branch",
        "--output",
        str(tmp_path / "o"),
        "--config",
        str(repo / "mkdocs.yml"),
        cwd=repo,
        cache=tmp_path / "cache",
    )
    assert proc.returncode == 2, proc.stderr
    assert "未知的 git 引用「no-such-branch」" in proc.stderr
    assert "Traceback" not in proc.stderr


def test_commit_without_records_builds_an_empty_status(tmp_path: Path) -> None:
    _repo, out, proc = _small_repo(tmp_path)
    assert proc.returncode == 0, proc.stderr
    home = (out / "index.html").read_text(encoding="utf-8")
    assert "该提交中没有 records/ 目录" in home
    assert (out / "rules/art-13.html").is_file()
    assert (out / "coverage.html").is_file()


def _small_repo(tmp_path: Path) -> tuple[Path, Path, subprocess.CompletedProcess[str]]:
    repo = _empty_repo(tmp_path)
    out = tmp_path / "out"
    proc = govmedia(
        "site",
        "--repo",
        str(repo),
        "--output",
        str(out),
        "--config",
        str(repo / "mkdocs.yml"),
        cwd=repo,
        cache=tmp_path / "cache",
    )
    return repo, out, proc


def _empty_repo(tmp_path: Path) -> Path:
    """A repository whose only commit has no records/."""
    repo = tmp_path / "empty"
    repo.mkdir()
    subprocess.run(["git", "init", "-q"], cwd=repo, check=True)
    (repo / "README.md").write_text("no records yet\n", encoding="utf-8")
    write_config(repo)
    subprocess.run(["git", "add", "-A"], cwd=repo, check=True)
    subprocess.run(
        [
            "git",
            "-c",
            "user.name=t",
            "-c",
            "user.email=t@example.invalid",
            "commit",
            "-q",
            "-m",
            "init",
        ],
        cwd=repo,
        check=True,
    )
    return repo


# ---------------------------------------------------------------- units


def test_heading_text_is_inert() -> None:
    e = Escaper(["张三"])
    text = e.heading("</title><script>**x**[a](javascript:1) 张三")
    assert "<" not in text and ">" not in text
    assert "张三" not in text
    assert r"\*\*x\*\*" in text and r"\[a\]\(javascript:1\)" in text
    assert e("a < b & 张三") == "a &lt; b &amp; ＊＊＊"
    assert e.leaks("…张三…") == ["张三"]


def test_links_between_pages() -> None:
    assert page_url("rules/art-13.md", False) == "rules/art-13.html"
    assert page_url("index.md", True) == ""
    assert page_url("units/index.md", True) == "units/"
    link = Linker(False, {"rules/art-13.md", "index.md"})
    link.current = "accounts/a.md"
    assert link.href("rules/art-13.md") == "../rules/art-13.html"
    assert link.a("units/missing.md", "x") == "x"
    link = Linker(True, {"rules/art-13.md"})
    link.current = "accounts/a.md"
    assert link.href("rules/art-13.md") == "../../rules/art-13/"


def test_article_numerals() -> None:
    assert [article_zh(n) for n in (1, 10, 13, 20, 25)] == [
        "第一条",
        "第十条",
        "第十三条",
        "第二十条",
        "第二十五条",
    ]


def test_cases_render_defensively() -> None:
    from datetime import date

    from engine import policy as policy_mod

    rules = policy_mod.load(policy_mod.default_policy_dir(Path(__file__).resolve().parent.parent))
    model = SiteModel(rules, "HEAD", date(2026, 1, 1), None, None, [])
    pages = Pages(model, use_directory_urls=False)
    html = pages.cases(
        [
            {
                "name": "公告满 15 个工作日",
                "as_of": "2024-01-01",
                "expect": [],
                "records": {"records/a.toml": "x"},
            },
            {
                "name": SCRIPT,
                "expect": ["art-13/no-notice", {"check": "notice-too-short", "line": 3}],
            },
            {"name": "expect as a string", "expect": "art-13/no-filing"},
            "not a table",
            {"records": ["odd"], "expect": [{"unexpected": MARKDOWN_LINK}]},
        ]
    )
    assert "合规的示例" in html and "违规的示例" in html
    assert "公告满 15 个工作日" in html
    assert "&lt;script&gt;" in html and SCRIPT not in html
    # People read how many violations a case expects, not check ids.
    assert "违规 2 处" in html and "违规 1 处" in html
    assert "art-13/no-notice" not in html and "notice-too-short" not in html
    assert pages.cases([]) == ""


def test_invalid_records_exit_2(tmp_path: Path) -> None:
    repo = _empty_repo(tmp_path)
    unit = repo / "records/units/x/unit.toml"
    unit.parent.mkdir(parents=True)
    unit.write_text('name = "x"\ntype = "bogus"\nsupervising_office = "办公室"\n', encoding="utf-8")
    subprocess.run(["git", "add", "-A"], cwd=repo, check=True)
    subprocess.run(
        ["git", "-c", "user.name=t", "-c", "user.email=t@example.invalid", "commit", "-qm", "bad"],
        cwd=repo,
        check=True,
    )
    proc = govmedia(
        "site",
        "--repo",
        str(repo),
        "--output",
        str(tmp_path / "o"),
        "--config",
        str(repo / "mkdocs.yml"),
        cwd=repo,
        cache=tmp_path / "cache",
    )
    assert proc.returncode == 2, proc.stderr
    assert "records/units/x/unit.toml:2" in proc.stderr and "bogus" in proc.stderr
    assert "Traceback" not in proc.stderr


def test_coverage_lists_every_article(site: Path) -> None:
    page = (site / "coverage.html").read_text(encoding="utf-8")
    for n in (1, 13, 25):
        assert article_zh(n) in page
    assert "有规则检查" in page


def test_leak_guard_stops_the_build() -> None:
    from types import SimpleNamespace

    from mkdocs.exceptions import PluginError

    from engine.site.plugin import GovMediaPlugin

    plugin = GovMediaPlugin()
    plugin.model = SiteModel(None, "HEAD", None, None, None, [], escape=Escaper(["张秘密"]))  # type: ignore[arg-type]
    page = SimpleNamespace(file=SimpleNamespace(src_uri="accounts/a.md"))
    assert plugin.on_post_page("<p>公开</p>", page=page, config=None) == "<p>公开</p>"  # type: ignore[arg-type]
    with pytest.raises(PluginError, match="不公开"):
        plugin.on_post_page("<p>负责人 张秘密</p>", page=page, config=None)  # type: ignore[arg-type]


def test_the_authority_files_root_version_is_shown(site: Path) -> None:
    root = re.compile(r"授权名录根版本: <code>[0-9a-f]{10}</code>\(2025-12-20\)")
    assert root.search((site / "about.html").read_text(encoding="utf-8"))
    coverage = (site / "coverage.html").read_text(encoding="utf-8")
    assert root.search(coverage)
    # The fixture's waiver was committed with zwfwj's registered key: nothing unverified.
    assert "全部豁免和监管记录都由其单位登记的人员签名提交" in coverage


def test_build_without_site_url_warns(tmp_path: Path) -> None:
    repo = _empty_repo(tmp_path)
    write_config(repo, site_url=None)  # not strict: the warning must not fail the build
    out = tmp_path / "out"
    proc = govmedia(
        "site", "--repo", str(repo), "--output", str(out), "--config", str(repo / "mkdocs.yml"),
        cwd=repo, cache=tmp_path / "cache",
    )  # fmt: skip
    assert proc.returncode == 0, proc.stderr
    assert "WARNING" in proc.stderr and "site_url" in proc.stderr, proc.stderr
    assert "<loc>" not in (out / "sitemap.xml").read_text(encoding="utf-8")


def test_downloads_carry_record_text_exactly(site: Path) -> None:
    """Data files hold the records' words as they are (no HTML escaping), private fields never."""
    report = json.loads((site / "data/violations.json").read_text(encoding="utf-8"))
    assert any(SCRIPT in v["message"] for v in report["violations"])
    table = (site / "data/violations.csv").read_text(encoding="utf-8-sig")
    assert SCRIPT in table and "&lt;" not in table
    accounts = (site / "data/accounts.csv").read_text(encoding="utf-8-sig")
    assert "微信公众号,新右旗教育 <img src=x onerror=alert(3)>" in accounts
    feed = (site / "feed.xml").read_text(encoding="utf-8")
    assert "<script>" not in feed and "&lt;script&gt;" in feed  # XML-escaped text


def _pages(repo_url: str = "") -> Pages:
    from datetime import date, datetime

    from engine import policy as policy_mod
    from engine.snapshot import CommitInfo
    from engine.timeutil import CHINA_TZ

    rules = policy_mod.load(policy_mod.default_policy_dir(Path(__file__).resolve().parent.parent))
    commit = CommitInfo("a" * 40, datetime(2026, 1, 1, tzinfo=CHINA_TZ), "x", "y")
    model = SiteModel(rules, "HEAD", date(2026, 1, 1), commit, None, [])
    return Pages(model, use_directory_urls=False, repo_url=repo_url)


def test_clause_map_renders_checks_and_reasons_in_chinese() -> None:
    """``rule.clauses`` (each sentence -> the checks enforcing it, or why not) when present."""
    from dataclasses import replace

    from engine.policy import Clause

    pages = _pages()
    rule = pages.m.policy.rules["art-13"]
    check = rule.versions[-1].checks[0]
    with_clauses = replace(
        rule,
        clauses=(
            Clause("须经本单位集体研究或主要领导同意", (check.id,), ""),
            Clause("公告时间不少于15个工作日", (), "由 {account_name} 的 notice 记录判断 <b>x"),
        ),
    )
    html = pages.clauses(with_clauses)
    assert "须经本单位集体研究或主要领导同意" in html and "有规则检查" in html
    assert pages.plain(check.message) in html or pages.e(pages.plain(check.message)) in html
    assert check.id not in html  # check ids are not shown, their messages are
    assert "〔账号名称〕" in html and "{account_name}" not in html
    assert "&lt;b&gt;" in html and "<b>" not in html


def test_reminders_are_listed_apart_from_violations() -> None:
    from engine.violations import Reminder

    pages = _pages()
    html = pages.reminder_table(
        [
            Reminder(
                "calendar-missing",
                "2027 年的节假日安排还没有登记",
                "在 calendar 中登记",
                article=13,
            )
        ]
    )
    assert "2027 年的节假日安排还没有登记" in html and "第十三条" in html
    assert "gm-reminders" in html and "gm-violations" not in html
    assert "calendar" not in html  # enum and folder names in Chinese


def test_violations_link_to_the_record_and_to_the_public_repository() -> None:
    pages = _pages("https://example.invalid/banner/records/")
    pages.existing.add("accounts/jyj-wx.md")
    pages.link.existing.add("accounts/jyj-wx.md")
    pages.link.current = "rules/art-13.md"
    html = pages.record_link("records/accounts/jyj-wx/events/2026-01-02-closure.toml", 3)
    assert 'href="../accounts/jyj-wx.html#r-event-2026-01-02-closure"' in html
    assert (
        'href="https://example.invalid/banner/records/blob/' + "a" * 40
        + '/records/accounts/jyj-wx/events/2026-01-02-closure.toml#L3"'
    ) in html  # fmt: skip
    assert _pages().record_link("records/waivers/w.toml", 1) == "—"


def test_reminders_are_shown_escaped_on_the_home_page() -> None:
    """Issue 11, section 2: what the check cannot judge (a calendar year) and back-filled
    reviews reach the site as reminders, never as violations of a unit."""
    from datetime import date
    from types import SimpleNamespace
    from typing import Any, cast

    from engine import policy as policy_mod
    from engine.violations import Reminder

    rules = policy_mod.load(policy_mod.default_policy_dir(Path(__file__).resolve().parent.parent))
    banner = SimpleNamespace(accounts={}, units={}, waivers=[])
    result = SimpleNamespace(
        violations=[],
        banner=banner,
        authority=SimpleNamespace(waivers=()),  # the waivers that count: none
        reminders=[
            Reminder(kind="backfilled", message=f"「{SCRIPT}」的第 2 级审核在发布后才写入记录",
                     hint="请主管单位核实", day="2021-01-12"),
            Reminder(kind="calendar-missing", message="2031 年的工作日历还没有登记", day="2031-01-01"),
        ]
    )  # fmt: skip
    model = SiteModel(rules, "HEAD", date(2026, 1, 1), None, cast(Any, result), [])
    pages = Pages(model, use_directory_urls=False)
    html = pages.reminder_table(pages.reminders)
    assert "提醒" in html and "2031 年的工作日历还没有登记" in html
    assert "&lt;script&gt;" in html and SCRIPT not in html
    assert html.index("2021-01-12") < html.index("2031-01-01")
    assert "gm-reminders" in html


def test_the_site_judges_with_the_committed_rulebook_not_the_work_tree(
    tmp_path_factory: pytest.TempPathFactory,
) -> None:
    """An uncommitted edit of policy/ (here: art-15 asking for 0 posts a week, which would
    hide every weekly-update violation) does not change what the site publishes."""
    import re as _re
    import shutil

    _repo, reference, proc = built_site(tmp_path_factory)
    assert proc.returncode == 0, proc.stderr
    tile = _re.compile(r"(\d+)\s*处未整改的违规")

    def count(site: Path) -> int:
        text = _re.sub(r"<[^>]+>", " ", (site / "index.html").read_text(encoding="utf-8"))
        found = tile.search(text)
        assert found, text[:500]
        return int(found.group(1))

    tmp = tmp_path_factory.mktemp("site-uncommitted-policy")
    from test_site_fixture import make_records_repo

    repo = make_records_repo(tmp / "records-repo")
    root = Path(__file__).resolve().parent.parent
    shutil.copytree(root / "policy", repo / "policy")  # in the work tree, never committed
    art15 = repo / "policy" / "art-15.toml"
    art15.write_text(
        art15.read_text(encoding="utf-8").replace(
            "min_posts_per_week = 1", "min_posts_per_week = 0"
        ),
        encoding="utf-8",
    )
    config = write_config(repo)
    out = tmp / "site"
    built = govmedia(
        "site", "--repo", str(repo), "--as-of", AS_OF, "--output", str(out),
        "--config", str(config), cwd=repo, cache=tmp / "cache",
    )  # fmt: skip
    assert built.returncode == 0, built.stderr
    assert count(out) == count(reference) > 0


def test_raw_blocks_skip_markdown_and_violation_rows_stay_out_of_search(site: Path) -> None:
    """Raw HTML blocks skip Python-Markdown behind placeholders (engine/site/plugin.py,
    ``_defer``): every placeholder is put back, the violation tables are on their pages,
    and their rows are left out of the search index while the other blocks are in it."""
    pages = {p: t for p, t in _texts(site).items() if p.endswith(".html")}
    assert not [p for p, t in pages.items() if "data-gm-block" in t]
    article = pages["rules/art-15.html"]
    table = re.search(r'<table class="gm-cards gm-violations">.*?</table>', article)
    assert table, "no violation table on the article's page"
    cells = [
        html_mod.unescape(re.sub(r"<[^>]+>", "", c))
        for c in re.findall(r'<td data-label="问题">(.*?)</td>', table.group(0))
    ]
    assert cells
    index = json.loads((site / "search/search_index.json").read_text(encoding="utf-8"))
    text = "".join(
        (doc["title"] + doc["text"]).replace("\u200b", "")
        for doc in index["docs"]
        if doc["location"].startswith("rules/art-15.html")
    )
    assert not [c for c in cells if c in text]
    # A block that is not a violation table (the status line) is indexed as before.
    assert "检查日期" in text and AS_OF in text


@pytest.mark.parametrize(
    ("line", "one"),
    [
        ('<table class="a"><tr><td>x</td></tr></table>', True),
        ("<div><div>a</div><div>b</div></div>", True),
        ("<p>a</p><ul><li>b</li></ul>", False),  # Markdown parts these with a line break
        ("<div>a</div><div>b</div>", False),
        ("<div>a</div> text", False),
        ("<span>a</span>", False),  # not a block: Markdown wraps it in a paragraph
        ("<divx>a</divx>", False),
        ("<div>a", False),
    ],
)
def test_one_element_lines(line: str, one: bool) -> None:
    from engine.site.plugin import _one_element

    assert _one_element(line) is one


def test_a_placeholder_left_in_a_page_stops_the_build() -> None:
    """A raw HTML block that could not be put back (its placeholder changed on the way
    through Markdown or the theme) fails the build instead of leaving a hole in a page."""
    from types import SimpleNamespace

    from mkdocs.exceptions import PluginError

    from engine.site.plugin import GovMediaPlugin

    plugin = GovMediaPlugin()
    text = '# 标题\n\n<table class="gm-cards gm-violations"><tr><td>x</td></tr></table>\n\n正文\n'
    deferred = plugin._defer("rules/a.md", text)
    token = next(iter(plugin.deferred["rules/a.md"]))
    assert token in deferred and "gm-violations" not in deferred
    page = SimpleNamespace(file=SimpleNamespace(src_uri="rules/a.md"))
    html = f"<h1>标题</h1>\n{token}\n<p>正文</p>"
    out = plugin.on_post_page(html, page=page, config=None)  # type: ignore[arg-type]
    assert out is not None and "gm-violations" in out and "data-gm-block" not in out
    mangled = html.replace(token, token.replace("></div>", "> </div>"))
    with pytest.raises(PluginError, match="未能放回"):
        plugin.on_post_page(mangled, page=page, config=None)  # type: ignore[arg-type]
