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
from engine.site.pages.reuse import TableMemo

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


def test_the_memo_reuses_a_text_only_when_it_holds_no_private_value(tmp_path: Path) -> None:
    cache = Cache(tmp_path)
    before = TableMemo(cache, "context", Escaper(["张秘密"]))
    before.remember("k", "<td>公开的文字</td>")
    before.remember("masked", f"<td>负责人 {REDACTED}</td>")

    # Another set of private values: the clean text is reused.
    now = TableMemo(cache, "context", Escaper(["张秘密", "王新人"]))
    assert now.recall("k") == "<td>公开的文字</td>"
    # A private value of this build stands in it: not reused.
    holds = TableMemo(cache, "context", Escaper(["公开的"]))
    assert holds.recall("k") is None
    # A masked text depends on the private values: reused only with the same ones.
    assert now.recall("masked") is None
    assert TableMemo(cache, "context", Escaper(["张秘密"])).recall("masked") == (
        f"<td>负责人 {REDACTED}</td>"
    )
    # A private value that escaping writes otherwise: every text keyed by the values.
    odd = TableMemo(cache, "context", Escaper(["张&秘密"]))
    assert odd.recall("k") is None
