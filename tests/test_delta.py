"""The hook's check of a change (engine/delta.py) tells exactly what the full comparison
tells: the same new, changed and fixed violations, the same counts, on the sample banner."""

from __future__ import annotations

import re
import shutil
from datetime import date
from pathlib import Path

import pytest
from conftest import ROOT, git, run_cli

from engine.commands import check
from engine.commands.common import Options, run_evaluation
from engine.violations import compare

AS_OF = date(2026, 11, 26)
AD_POSTS = "records/accounts/wlj-wx/posts/2025-07.toml"


@pytest.fixture(scope="module")
def sample(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("sample")
    shutil.copytree(ROOT / "records", root / "records")
    git(root, "init", "-q", "-b", "main")
    git(root, "add", "-A")
    git(root, "commit", "-qm", "样例记录")
    return root


@pytest.fixture
def repo(sample: Path, tmp_path: Path) -> Path:
    root = tmp_path / "repo"
    git(tmp_path, "clone", "-q", str(sample), str(root))
    return root


def _opts(root: Path) -> Options:
    return Options(repo=root, rev=None, staged=True, as_of=AS_OF, policy_dir=None)


def _full(opts: Options) -> dict[str, object]:
    policy = opts.policy()
    result = run_evaluation(opts, policy=policy)
    found = compare(result.violations, check.base_violations(opts, "HEAD", AS_OF, policy))
    return _shape(found, len(found.unchanged), len(result.waived), result.facts)


def _by_change(opts: Options) -> dict[str, object]:
    change = check.judge_change(opts, "HEAD", opts.policy())
    assert change is not None, "the change could not be judged by partition"
    found = compare(change.result.violations, change.base)
    unchanged = len(found.unchanged) + change.unchanged_open
    waived = len(change.result.waived) + change.result.waived_elsewhere
    return _shape(found, unchanged, waived, change.result.facts)


def _shape(found: object, unchanged: int, waived: int, facts: dict[str, int]) -> dict[str, object]:
    return {
        "new": sorted(v.fingerprint for v in found.new),  # type: ignore[attr-defined]
        "changed": sorted(
            (v.fingerprint, tuple(o.fingerprint for o in olds))
            for v, olds in found.changed  # type: ignore[attr-defined]
        ),
        "fixed": sorted(v.fingerprint for v in found.fixed),  # type: ignore[attr-defined]
        "unchanged": unchanged,
        "waived": waived,
        "facts": facts,
    }


def _stage(root: Path) -> None:
    git(root, "add", "-A")


def test_nothing_staged(repo: Path) -> None:
    opts = _opts(repo)
    by_change = _by_change(opts)
    assert by_change == _full(opts)
    assert by_change["new"] == [] and by_change["fixed"] == []
    assert isinstance(by_change["unchanged"], int) and by_change["unchanged"] > 10


def test_a_new_violation_in_one_account(repo: Path) -> None:
    path = repo / AD_POSTS
    text = path.read_text(encoding="utf-8")
    # Drop every review of the file's first post: a new art-14 violation.
    first = text.index("[[post]]")
    second = text.index("[[post]]", first + 1)
    head = re.sub(r"\[\[post\.review\]\][^\[]*", "", text[first:second])
    path.write_text(text[:first] + head + text[second:], encoding="utf-8")
    _stage(repo)
    opts = _opts(repo)
    by_change = _by_change(opts)
    assert by_change == _full(opts)
    assert by_change["new"], "the dropped review is a new violation"


def test_a_fixed_violation(repo: Path) -> None:
    path = repo / AD_POSTS
    path.write_text(path.read_text(encoding="utf-8").replace("ad = true\n", ""), encoding="utf-8")
    _stage(repo)
    opts = _opts(repo)
    by_change = _by_change(opts)
    assert by_change == _full(opts)
    assert by_change["fixed"], "the advert removed is a fixed violation"


def test_an_account_removed_from_records(repo: Path) -> None:
    git(repo, "rm", "-rq", "records/accounts/wlj-wx")
    opts = _opts(repo)
    by_change = _by_change(opts)
    assert by_change == _full(opts)
    assert by_change["new"], "an account leaving records/ without a closure is a violation"


def test_the_summary_is_remembered_and_reused(repo: Path) -> None:
    path = repo / AD_POSTS
    path.write_text(path.read_text(encoding="utf-8") + "# 备注\n", encoding="utf-8")
    _stage(repo)
    opts = _opts(repo)
    first = _by_change(opts)
    git(repo, "commit", "-qm", "备注", "--no-verify")
    # The index the first run judged is now HEAD: its summary is found, nothing is judged.
    change = check.judge_change(opts, "HEAD", opts.policy())
    assert change is not None
    assert change.result.violations == []
    assert change.result.cache_hits == change.result.partitions
    assert change.unchanged_open == first["unchanged"]


def test_an_acknowledgement_falls_back_to_the_full_comparison(repo: Path) -> None:
    opts = _opts(repo)
    result = run_evaluation(opts, policy=opts.policy())
    target = next(v for v in result.open if v.path == AD_POSTS)
    accepted = run_cli(
        "hook", "accept", target.fingerprint, "--reason", "如实补登", "--repo", str(repo),
        "--as-of", AS_OF.isoformat(),
    )  # fmt: skip
    assert accepted.returncode == 0, accepted.stderr
    _stage(repo)
    # An acknowledgement changes how violations are reported in every partition: the
    # change is not judged partition by partition, the hook compares in full.
    assert check.judge_change(opts, "HEAD", opts.policy()) is None
    out = run_cli("hook", "run", "--repo", str(repo), env={"GOVMEDIA_AS_OF": AS_OF.isoformat()})
    assert out.returncode == 0, out.stdout + out.stderr
    assert "新违规" in out.stdout and "原有" in out.stdout
