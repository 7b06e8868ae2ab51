"""Violation tables remembered between site builds (engine/site/pages/reuse.py): a rebuild
that takes them from the cache is the same, byte for byte, as a build from scratch, also
when a new private value stands in a remembered table's text.

Real ``govmedia site`` runs on the fixture repository of tests/test_site_fixture.py.
"""

from __future__ import annotations

from pathlib import Path

from test_site_fixture import _git, make_records_repo, write_config
from test_site_incremental import NEW_POST, _site, _tree

from engine.cache import Cache
from engine.site.markup import REDACTED, Escaper
from engine.site.model import SiteModel
from engine.site.pages.reuse import TableMemo
from engine.site.verified import FEW, PrivateSet

# Words of a rule's message that stand in the home page's violation table (the weekly
# update rule's "…周未达到每周发布 1 条的要求…"), and in no record.
WORD = "未达到每周"


def _tables(cache: Path) -> dict[Path, int]:
    """The remembered tables' entries and their inodes (an entry written again is a new
    file renamed into place; one only marked as used keeps its inode)."""
    return {p: p.stat().st_ino for p in (cache / "site-tables").glob("*/*.json")}


def _add_post(repo: Path, reviewer: str, when: str) -> None:
    posts = repo / "records/accounts/jyj-wechat/posts/2026-03.toml"
    text = NEW_POST.replace('reviewer = "审核员"', f'reviewer = "{reviewer}"')
    posts.write_text(posts.read_text(encoding="utf-8") + text, encoding="utf-8")
    _git(repo, "add", "-A")
    _git(repo, "commit", "-q", "-m", "补一条", when=when)


def test_a_rebuild_takes_tables_from_the_cache_and_is_a_full_build(tmp_path: Path) -> None:
    repo = make_records_repo(tmp_path / "repo")
    write_config(repo)
    out, cache = tmp_path / "site", tmp_path / "cache"
    assert _site(repo, out, cache).returncode == 0
    first = _tables(cache)
    assert first  # the first build remembered its tables

    _add_post(repo, "审核员", "2026-03-19T18:00:00+08:00")
    again = _site(repo, out, cache)
    assert again.returncode == 0, again.stderr
    fresh_out = tmp_path / "fresh"
    assert _site(repo, fresh_out, tmp_path / "fresh-cache").returncode == 0
    rebuilt, full = _tree(out), _tree(fresh_out)
    assert sorted(rebuilt) == sorted(full)
    assert [name for name in full if rebuilt[name] != full[name]] == []

    # Most tables came from the cache: few entries were written again or added.
    after = _tables(cache)
    written = [p for p, inode in after.items() if first.get(p) != inode]
    assert len(written) < len(first) / 2
    assert set(first) <= set(after)  # kept (three builds' worth)


def test_a_new_private_value_in_a_remembered_table_is_hidden(tmp_path: Path) -> None:
    """A reviewer whose name is words of a rule's message: the remembered home table
    holds them and must not be reused; the rebuilt site hides them as a fresh build does."""
    repo = make_records_repo(tmp_path / "repo")
    write_config(repo)
    out, cache = tmp_path / "site", tmp_path / "cache"
    assert _site(repo, out, cache).returncode == 0
    assert WORD in (out / "index.html").read_text(encoding="utf-8")

    _add_post(repo, WORD, "2026-03-19T18:00:00+08:00")
    again = _site(repo, out, cache)
    assert again.returncode == 0, again.stderr
    fresh_out = tmp_path / "fresh"
    assert _site(repo, fresh_out, tmp_path / "fresh-cache").returncode == 0
    rebuilt, full = _tree(out), _tree(fresh_out)
    assert [name for name in full if rebuilt.get(name) != full[name]] == []
    home = rebuilt["index.html"].decode("utf-8")
    assert WORD not in home and REDACTED in home
    assert WORD not in rebuilt["data/violations.csv"].decode("utf-8")


def _memo(root: Path, values: list[str], sets: str = "sets") -> TableMemo:
    escaper = Escaper(values)
    private = PrivateSet(Cache(root / sets), escaper.private)
    return TableMemo(Cache(root / "tables"), "context", escaper, private)


def test_the_memo_reuses_a_text_only_when_it_holds_no_private_value(tmp_path: Path) -> None:
    before = _memo(tmp_path, ["张秘密"])
    before.remember("k", "<td>公开的文字</td>")
    before.remember("masked", f"<td>负责人 {REDACTED}</td>")

    # A new private value that the text does not hold: reused.
    assert _memo(tmp_path, ["张秘密", "王新人"]).recall("k") == "<td>公开的文字</td>"
    # A new private value that the text holds: not reused.
    assert _memo(tmp_path, ["张秘密", "公开的"]).recall("k") is None
    # The same, when the set the text was made with is not known: every value looked for.
    assert _memo(tmp_path, ["王新人"], sets="other").recall("k") == "<td>公开的文字</td>"
    assert _memo(tmp_path, ["公开的"], sets="other").recall("k") is None
    # A masked text depends on the private values: reused only with the same ones.
    assert _memo(tmp_path, ["张秘密", "王新人"]).recall("masked") is None
    assert _memo(tmp_path, ["张秘密"]).recall("masked") == f"<td>负责人 {REDACTED}</td>"
    # A private value that escaping writes otherwise: only the same set reuses a text.
    assert _memo(tmp_path, ["张秘密", "王&新人"]).recall("k") is None
    assert _memo(tmp_path, ["张秘密"]).recall("k") == "<td>公开的文字</td>"


def test_a_private_set_names_what_is_new_since_another(tmp_path: Path) -> None:
    cache = Cache(tmp_path)
    old = PrivateSet(cache, ["张秘密", "李隐私"])
    new = PrivateSet(cache, ["张秘密", "王新人"])
    assert new.new_since(old.tag) == {"王新人"}
    assert new.new_since(new.tag) == set()
    assert new.new_since("0" * 64) is None  # not known
    many = PrivateSet(cache, [f"新人{i}" for i in range(FEW + 1)])
    assert many.new_since(old.tag) is None  # too many to look for one by one


def test_a_new_private_value_on_a_remembered_page_stops_the_rebuild(tmp_path: Path) -> None:
    """The theme's footer stands on every page, remembered ones too: a reviewer named by
    its words is a private value on every page, which the leak check of a remembered page
    (only the values new since its last check, engine/site/verified.py) must find."""
    repo = make_records_repo(tmp_path / "repo")
    write_config(repo)
    out, cache = tmp_path / "site", tmp_path / "cache"
    assert _site(repo, out, cache).returncode == 0
    assert (cache / "site-private").is_dir()  # the first build's values, kept

    _add_post(repo, "记录自动生成", "2026-03-19T18:00:00+08:00")
    again = _site(repo, out, cache)
    assert again.returncode == 2, again.stderr
    assert "不公开" in again.stderr and "Traceback" not in again.stderr


def test_a_value_across_the_commit_of_a_remembered_page_is_found(tmp_path: Path) -> None:
    """Only values new since the page's last check are looked for in the whole page; any
    value is looked for where the commit, new in each build, goes."""
    from engine.site.plugin import GovMediaPlugin
    from engine.site.rendered import Rendered

    plugin = GovMediaPlugin()
    old = PrivateSet(Cache(tmp_path), ["张秘密"])
    plugin.private = PrivateSet(Cache(tmp_path), ["张秘密", "王新人"])
    plugin.model = SiteModel(
        None, "HEAD", None, None, None, [], escape=Escaper(["张秘密", "版本ab"])
    )  # type: ignore[arg-type]
    plugin.keys["a.md"] = "k"
    plugin.verdicts["k"] = old.tag
    page = Rendered(title="a", anchors=[], nav="", entries=[], parts=["<p>版本", "</p>"], marks="c")
    commits = {"c": "ab12", "f": "ab12"}
    assert plugin._leaks("a.md", page, commits, page.html(commits)) == ["版本ab"]
    clean = Rendered(title="a", anchors=[], nav="", entries=[], parts=["<p>", "</p>"], marks="c")
    assert plugin._leaks("a.md", clean, commits, clean.html(commits)) == []
    new = Rendered(title="a", anchors=[], nav="", entries=[], parts=["王新人", ""], marks="c")
    assert plugin._leaks("a.md", new, commits, new.html(commits)) == ["王新人"]
    plugin.verdicts.clear()  # never checked: not known, the whole page is checked
    assert plugin._leaks("a.md", clean, commits, clean.html(commits)) is None


def _ids_one_by_one(paths: tuple[str, ...], kind: str) -> list[str]:
    """``Change.ids`` the plain way: ``kind_of`` for each path, for one kind."""
    from engine import records
    from engine.errors import InputError

    found: list[str] = []
    for path in paths:
        try:
            located = records.kind_of(path)
        except InputError:
            continue
        if located and kind in located[1] and located[1][kind] not in found:
            found.append(located[1][kind])
    return found


def test_a_change_names_the_ids_its_paths_name() -> None:
    import random
    from datetime import datetime

    from engine.site.model import Change

    paths = [
        "records/accounts/jyj-wechat/posts/2026-03.toml",
        "records/accounts/jyj-wechat/account.toml",
        "records/accounts/a-1/posts/2026-13.toml",
        "records/accounts/B/posts/2026-03.toml",
        "records/accounts/jyj-weibo/posts/2026-03.toml.bak",
        "records/accounts/jyj-weibo/posts/2026-03.toml",
        "records/units/jyj/unit.toml",
        "records/units/zfb/unit.toml",
        "records/calendar/2026.toml",
        "records/notes.txt",
        "records/stray.toml",
        "README.md",
    ]
    rng = random.Random(16)
    for _ in range(50):
        picked = tuple(rng.choices(paths, k=rng.randint(0, 12)))
        change = Change("0" * 40, datetime(2026, 3, 19), picked)
        for kind in ("account", "unit", "month"):
            assert change.ids(kind) == _ids_one_by_one(picked, kind)
