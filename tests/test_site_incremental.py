"""The site built again after a commit reuses the pages that did not change, and is the
same, byte for byte, as a site built from scratch (engine/site/rendered.py).

Real ``govmedia site`` runs (subprocesses) on the fixture repository of
tests/test_site_fixture.py. Pages rendered ahead in forked workers (engine/site/plugin.py,
``_render_ahead``) are compared with MkDocs' own page loop, and a private value on a
page still stops the build, whichever process renders the page.
"""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from test_site_fixture import AS_OF, PRIVATE, ROOT, _git, govmedia, make_records_repo, write_config

from engine.site.markup import Escaper
from engine.site.model import SiteModel
from engine.site.rendered import Rendered

NEW_POST = """
[[post]]
published = "2026-03-19T16:00:00"
title = "三月新增的动态"
category = "routine"
[[post.review]]
level = 1
at = "2026-03-19T15:00:00"
reviewer = "审核员"
"""


def _tree(site: Path) -> dict[str, bytes]:
    return {
        path.relative_to(site).as_posix(): path.read_bytes()
        for path in sorted(site.rglob("*"))
        if path.is_file()
    }


def _site(repo: Path, out: Path, cache: Path) -> subprocess.CompletedProcess[str]:
    config = repo / "mkdocs.yml"
    args = ["site", "--repo", str(repo), "--as-of", AS_OF, "-o", str(out), "--config", str(config)]
    return govmedia(*args, cwd=repo, cache=cache)


def _entries(cache: Path) -> set[Path]:
    """The page cache's entries (engine/site/plugin.py, ``_PAGES_FOLDER``)."""
    return set((cache / "site-pages").glob("*/*.json"))


def _short_head(repo: Path) -> str:
    return subprocess.run(
        ["git", "rev-parse", "--short=10", "HEAD"], cwd=repo, capture_output=True, text=True
    ).stdout.strip()


def test_a_rebuild_after_a_commit_is_a_full_build(tmp_path: Path) -> None:
    repo = make_records_repo(tmp_path / "repo")
    write_config(repo)
    out, cache = tmp_path / "site", tmp_path / "cache"
    first = _site(repo, out, cache)
    assert first.returncode == 0, first.stderr
    before = _tree(out)
    old_commit = _short_head(repo)
    remembered = _entries(cache)

    posts = repo / "records/accounts/jyj-wechat/posts/2026-03.toml"
    posts.write_text(posts.read_text(encoding="utf-8") + NEW_POST, encoding="utf-8")
    _git(repo, "add", "-A")
    _git(repo, "commit", "-q", "-m", "补一条", when="2026-03-19T18:00:00+08:00")
    again = _site(repo, out, cache)
    assert again.returncode == 0, again.stderr
    fresh_out = tmp_path / "fresh-site"
    fresh = _site(repo, fresh_out, tmp_path / "fresh-cache")
    assert fresh.returncode == 0, fresh.stderr

    rebuilt, full = _tree(out), _tree(fresh_out)
    assert sorted(rebuilt) == sorted(full)
    different = [name for name in full if rebuilt[name] != full[name]]
    assert different == []  # every page, search/search_index.json, sitemap.xml, downloads

    # The account's page changed (a post more) and was rendered again.
    page = "accounts/jyj-wechat.html"
    assert rebuilt[page] != before[page]
    # Every page shows the new commit, remembered pages too; none the old one.
    new_commit = _short_head(repo)
    for name in ("index.html", "rules/art-01.html", page, "about.html"):
        text = rebuilt[name].decode("utf-8")
        assert new_commit in text and old_commit not in text, name
    index = rebuilt["search/search_index.json"].decode("utf-8")
    assert new_commit in index and old_commit not in index

    # Most pages were reused: the rebuild wrote far fewer page entries than there are
    # pages (each rendered page writes two: its HTML and the rest).
    pages = [name for name in rebuilt if name.endswith(".html")]
    written = _entries(cache) - remembered
    assert 0 < len(written) < len(pages) / 2


# Builds with the plugin changed first (python -c): pages rendered ahead in forked
# workers from the first page on, or MkDocs' own page loop (no page cache, no workers).
_WORKERS = "import engine.site.plugin as p; p._AHEAD_MIN = 1\n"
_MKDOCS_LOOP = "import engine.site.plugin as p; p._KNOWN_PLUGINS = frozenset()\n"
_LEAK = textwrap.dedent(
    f"""
    import engine.site.pages as pages
    about = pages.Pages.about
    pages.Pages.about = lambda self: about(self) + "\\n\\n{PRIVATE["reviewer"]}\\n"
    """
)


def _patched_site(
    prelude: str, repo: Path, out: Path, cache: Path
) -> subprocess.CompletedProcess[str]:
    config = repo / "mkdocs.yml"
    args = ["site", "--repo", str(repo), "--as-of", AS_OF, "-o", str(out), "--config", str(config)]
    script = prelude + f"from engine.cli import main\nmain({args!r})\n"
    env = {**os.environ, "GOVMEDIA_CACHE_DIR": str(cache), "GOVMEDIA_JOBS": "2"}
    env["PYTHONPATH"] = os.pathsep.join([str(ROOT), env.get("PYTHONPATH", "")])
    return subprocess.run(
        [sys.executable, "-c", script],
        cwd=repo,
        env=env,
        capture_output=True,
        text=True,
        timeout=180,
    )


@pytest.fixture(scope="module")
def repo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = make_records_repo(tmp_path_factory.mktemp("incremental") / "repo")
    write_config(root)
    return root


def test_pages_rendered_in_workers_are_mkdocs_own(repo: Path, tmp_path: Path) -> None:
    ahead = _patched_site(_WORKERS, repo, tmp_path / "ahead", tmp_path / "cache-ahead")
    assert ahead.returncode == 0, ahead.stderr
    loop = _patched_site(_MKDOCS_LOOP, repo, tmp_path / "loop", tmp_path / "cache-loop")
    assert loop.returncode == 0, loop.stderr
    a, b = _tree(tmp_path / "ahead"), _tree(tmp_path / "loop")
    assert sorted(a) == sorted(b)
    assert [name for name in a if a[name] != b[name]] == []
    # The MkDocs loop kept no page; the other build kept every page it rendered.
    pages = [name for name in a if name.endswith(".html") and name != "404.html"]
    assert len(_entries(tmp_path / "cache-ahead") - _entries(tmp_path / "cache-loop")) >= len(pages)


@pytest.mark.parametrize("prelude", [_WORKERS, _MKDOCS_LOOP], ids=["workers", "mkdocs-loop"])
def test_a_private_value_on_a_page_stops_the_build(
    prelude: str, repo: Path, tmp_path: Path
) -> None:
    proc = _patched_site(prelude + _LEAK, repo, tmp_path / "site", tmp_path / "cache")
    assert proc.returncode == 2, proc.stderr
    assert "about.md" in proc.stderr and "不公开" in proc.stderr
    assert "Traceback" not in proc.stderr
    assert not (tmp_path / "site" / "about.html").exists()


def test_a_remembered_page_is_checked_for_leaks_again() -> None:
    """The private values change with the records: a page taken from the cache goes
    through the leak check like a page rendered now."""
    from types import SimpleNamespace

    from mkdocs.exceptions import PluginError

    from engine.site.plugin import GovMediaPlugin

    plugin = GovMediaPlugin()
    plugin.model = SiteModel(None, "HEAD", None, None, None, [], escape=Escaper(["张秘密"]))  # type: ignore[arg-type]
    page = SimpleNamespace(file=SimpleNamespace(src_uri="accounts/a.md"))
    plugin.remembered["accounts/a.md"] = Rendered(
        title="a", anchors=[], nav="", entries=[], parts=["<p>公开</p>"], marks=""
    )
    assert plugin.on_post_page("-", page=page, config=None) == "<p>公开</p>"  # type: ignore[arg-type]
    plugin.remembered["accounts/a.md"].parts = ["<p>负责人 张秘密</p>"]
    with pytest.raises(PluginError, match="不公开"):
        plugin.on_post_page("-", page=page, config=None)  # type: ignore[arg-type]


def test_the_commit_goes_into_each_cut_with_its_own_escaping() -> None:
    rendered = Rendered(
        title=None, anchors=[], nav="", entries=[], parts=["a", "b", "c"], marks="cf"
    )
    assert rendered.html({"c": "1&", "f": "2"}) == "a1&b2c"
