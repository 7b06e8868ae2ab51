"""A check of a commit answered from the report a previous check left
(engine/commands/warm.py): used when everything it depends on is the same, and never
when a record, the rulebook, the check date, a waiver, an acknowledgement or the
``--policy`` folder differs. Every answer is compared with a check run without the cache."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from collections.abc import Callable
from pathlib import Path

from conftest import BASE_AS_OF, ROOT, git, run_cli
from test_check import AD_POST

from engine.cache import _header

POSTS = "records/accounts/wx-test/posts/2021-01.toml"
ENTRY = b"govmedia-report-entry/1 "


def _check(root: Path, *extra: str) -> subprocess.CompletedProcess[str]:
    """``check HEAD`` with the cache, after checking that it says what a check without
    the cache says (same report, same exit code)."""
    args = ("check", "HEAD", "--repo", str(root), "--format", "json", *extra)
    cached = run_cli(*args)
    fresh = run_cli(*args, "--no-cache")
    assert cached.returncode in (0, 1), cached.stderr
    assert (cached.returncode, cached.stdout) == (fresh.returncode, fresh.stdout)
    return cached


def _report_entries(cache: Path) -> list[Path]:
    return sorted(p for p in cache.rglob("*.json") if ENTRY in p.read_bytes()[:200])


def _commit(root: Path, message: str) -> None:
    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", message)


def test_a_commit_checked_again_is_answered_from_its_report(
    records_repo: Callable[..., Path], tmp_path: Path
) -> None:
    root = records_repo()
    first = _check(root)
    cache = Path(os.environ["GOVMEDIA_CACHE_DIR"])
    entries = _report_entries(cache)
    assert len(entries) == 1
    # What is kept is what is printed, with the exit code.
    body = entries[0].read_bytes().partition(b"\n")[2]
    assert body == ENTRY + f"{first.returncode}\n{first.stdout}".encode()
    # A second check prints the entry, without judging again: shown by an entry
    # rewritten (with a valid checksum) that the second check then prints.
    other = 1 - first.returncode
    forged = ENTRY + f"{other}\n".encode() + b'{"forged": true}\n'
    entries[0].write_bytes(_header(entries[0].stem, forged) + b"\n" + forged)
    again = run_cli("check", "HEAD", "--repo", str(root), "--format", "json")
    assert (again.returncode, again.stdout) == (other, '{"forged": true}\n')
    # Written to a file (-o) the same way.
    out = tmp_path / "report.json"
    written = run_cli("check", "HEAD", "--repo", str(root), "--format", "json", "-o", str(out))
    assert written.returncode == other
    assert out.read_text(encoding="utf-8") == '{"forged": true}\n'
    # Another format or language is another report.
    text = run_cli("check", "HEAD", "--repo", str(root))
    assert text.returncode == first.returncode and "forged" not in text.stdout
    english = run_cli("check", "HEAD", "--repo", str(root), "--format", "json", "--lang", "en")
    assert english.returncode == first.returncode and "forged" not in english.stdout


def test_a_damaged_report_entry_is_a_miss(records_repo: Callable[..., Path]) -> None:
    root = records_repo()
    first = _check(root)
    cache = Path(os.environ["GOVMEDIA_CACHE_DIR"])
    (entry,) = _report_entries(cache)
    for damaged in (
        entry.read_bytes()[:-5],  # truncated: the checksum fails
        b"",
        _header(entry.stem, b"not a report") + b"\nnot a report",  # summed, wrong shape
        _header(entry.stem, ENTRY + b"7\n{}") + b"\n" + ENTRY + b"7\n{}",  # exit code 7
    ):
        entry.write_bytes(damaged)
        again = run_cli("check", "HEAD", "--repo", str(root), "--format", "json")
        assert (again.returncode, again.stdout) == (first.returncode, first.stdout)


def test_what_the_report_depends_on_makes_another_report(
    records_repo: Callable[..., Path], tmp_path: Path
) -> None:
    root = records_repo()
    clean = _check(root, "--as-of", BASE_AS_OF)
    assert clean.returncode == 0

    # A record changed (a new commit): the ad post is reported.
    path = root / POSTS
    path.write_text(path.read_text(encoding="utf-8") + AD_POST, encoding="utf-8")
    _commit(root, "广告")
    with_ad = _check(root, "--as-of", BASE_AS_OF)
    found = json.loads(with_ad.stdout)["violations"]
    assert with_ad.returncode == 1 and found
    violation = found[0]

    # Another check date.
    later = _check(root, "--as-of", "2021-03-01")
    assert later.stdout != with_ad.stdout

    # A waiver (unsigned here: it does not count, and the report says so).
    waiver = root / "records/waivers/ad.toml"
    waiver.parent.mkdir(parents=True, exist_ok=True)
    waiver.write_text(
        f'rule = "{violation["rule"]}"\ntarget = "{violation["path"]}"\n'
        f'fingerprint = "{violation["fingerprint"]}"\nreason = "测试"\n'
        'approved_by = "zwfwj"\napprover = "测试"\napproved = 2021-01-01\n'
        "expires = 2021-12-31\n",
        encoding="utf-8",
    )
    _commit(root, "豁免")
    waived = _check(root, "--as-of", BASE_AS_OF)
    assert waived.stdout != with_ad.stdout
    assert json.loads(waived.stdout)["authority_warnings"]

    # An acknowledgement (如实登记) of the violation.
    accepted = run_cli(
        "accept", violation["fingerprint"], "--reason", "如实登记", "--repo", str(root)
    )
    assert accepted.returncode == 0, accepted.stderr
    _commit(root, "如实登记")
    acknowledged = _check(root, "--as-of", BASE_AS_OF)
    marked = json.loads(acknowledged.stdout)["violations"]
    assert marked and marked[0]["acknowledged"]

    # The rulebook, committed in policy/: without the rule (and its waiver), none of
    # its violations.
    shutil.copytree(ROOT / "policy", root / "policy")
    (root / "policy" / f"{violation['rule']}.toml").unlink()
    waiver.unlink()
    _commit(root, "规则")
    rulebook = _check(root, "--as-of", BASE_AS_OF)
    remaining = json.loads(rulebook.stdout)["violations"]
    assert not [v for v in remaining if v["rule"] == violation["rule"]]

    # A rulebook given with --policy: its files' contents, not its name, count.
    folder = tmp_path / "rules"
    shutil.copytree(ROOT / "policy", folder)
    given = _check(root, "--as-of", BASE_AS_OF, "--policy", str(folder))
    assert given.stdout != rulebook.stdout
    assert [v for v in json.loads(given.stdout)["violations"] if v["rule"] == violation["rule"]]
    (folder / f"{violation['rule']}.toml").unlink()
    edited = _check(root, "--as-of", BASE_AS_OF, "--policy", str(folder))
    assert edited.stdout != given.stdout


def test_removed_accounts_remembered_by_commit_follow_each_commit(
    records_repo: Callable[..., Path],
) -> None:
    """What a commit's history says of removed accounts (engine/removed.py) is kept by the
    commit id: the hook that first sees HEAD fills it, and a later commit, a staged
    removal or a damaged entry is never answered from an older one."""
    root = records_repo()

    def removed(*args: str) -> list[str]:
        out = run_cli(*args, "--repo", str(root), "--format", "json", "--as-of", BASE_AS_OF)
        fresh = run_cli(
            *args, "--repo", str(root), "--format", "json", "--as-of", BASE_AS_OF, "--no-cache"
        )
        assert out.returncode in (0, 1), out.stderr
        assert (out.returncode, out.stdout) == (fresh.returncode, fresh.stdout)
        doc = json.loads(out.stdout)
        return [v["account"] for v in doc["violations"] if v["check"] == "account-removed"]

    assert removed("check", "HEAD") == []
    assert removed("check", "--staged") == []
    git(root, "rm", "-q", "-r", "--cached", "records/accounts/wx-test")
    assert removed("check", "--staged") == ["wx-test"]  # HEAD's accounts, remembered
    git(root, "commit", "-q", "--no-verify", "-m", "移走账号")
    assert removed("check", "HEAD") == ["wx-test"]
    cache = Path(os.environ["GOVMEDIA_CACHE_DIR"])
    kept = [p for p in cache.rglob("*.json") if b'[["wx-test", "' in p.read_bytes()]
    assert kept  # the deletion, remembered with its parent commit
    for entry in kept:
        entry.write_bytes(b"damaged")
    assert removed("check", "--staged") == ["wx-test"]
    assert removed("check", "HEAD~1") == []


def test_a_report_is_remembered_only_once_every_piece_went_by(tmp_path: Path) -> None:
    """The report entry is written as the report streams out (engine/commands/warm.py):
    whole after the last piece, absent when the writing stopped half-way or a piece
    could not be kept as UTF-8."""
    from engine.cache import Cache
    from engine.commands.warm import cached_report, remembering

    store = Cache(tmp_path / "cache")
    pieces = ["{\n", '  "违规": []\n', "}\n"]
    assert list(remembering(store, "a" * 64, 1, iter(pieces))) == pieces
    found = cached_report(store, "a" * 64)
    assert found is not None and found[0] == 1
    assert bytes(found[1]).decode("utf-8") == "".join(pieces)

    stopped = remembering(store, "b" * 64, 0, iter(pieces))
    assert next(stopped) == pieces[0]
    stopped.close()  # the output failed: the rest is never asked for
    assert cached_report(store, "b" * 64) is None

    odd = ["ok", "\udcff", "end"]
    assert list(remembering(store, "c" * 64, 0, iter(odd))) == odd
    assert cached_report(store, "c" * 64) is None
    assert cached_report(store, "d" * 64) is None
    # No temporary file is left behind by any of them.
    assert not [p for p in (tmp_path / "cache").rglob(".tmp-*")]
    # An exit code other than 0 or 1 (bad input) is never remembered.
    assert list(remembering(store, "e" * 64, 2, iter(pieces))) == pieces
    assert cached_report(store, "e" * 64) is None


def test_only_the_most_recently_used_reports_are_kept(tmp_path: Path) -> None:
    """Each checked commit leaves a report (15 MB with 20,000 violations): the reports'
    folder keeps the REPORTS_KEPT most recently written or read, and nothing else of
    the cache is pruned with them."""
    from engine.cache import Cache
    from engine.commands.warm import REPORTS_KEPT, cached_report, remembering, reports

    cache = Cache(tmp_path / "cache")
    cache.put("f" * 64, {"partition": 1})
    store = reports(cache)
    keys = [f"{n:064x}" for n in range(REPORTS_KEPT + 3)]
    for n, key in enumerate(keys):
        list(remembering(store, key, 0, iter(["report"])))
        os.utime(store.entry_path(key), ns=(n * 10**9, n * 10**9))  # written in this order
        if n == 0:
            continue
        if n == 1:
            store.touch(keys[0])  # the first one read again: used more recently
    kept = {key for key in keys if cached_report(store, key) is not None}
    assert len(kept) == REPORTS_KEPT
    assert keys[0] in kept and keys[-1] in kept
    assert keys[1] not in kept and keys[2] not in kept
    assert cache.get("f" * 64) == {"partition": 1}
