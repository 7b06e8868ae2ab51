"""The authority check's named steps (engine/authority.py), one by one, and what the
authority step returns: the waivers that count, never a banner filtered in place.

The steps are tested on small hand-made inputs (the registry's fold, the supervision
fold, the raw log parser, the findings); the end-to-end behaviour is in
tests/test_authority.py and tests/test_attacks.py, with real signed commits.
"""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
from conftest import BASE_AS_OF, base_records, run_cli
from signing import commit, signed_repo
from test_authority import ORDER, ORDER_TEXT, REGISTRY, WAIVER_TEXT
from test_waivers import AD_POSTS, POSTS, WAIVER

from engine import authority, banner, records
from engine.authority import (
    Chain,
    Finding,
    Identity,
    TrustRoot,
    Verdict,
    _ChainFold,
    _in_force,
    _parse_raw_log,
    _Refusals,
    _refuse_untrusted,
    _Version,
    _without_history,
    settle,
)
from engine.timeutil import CHINA_TZ

BOSS = Identity("zwfwj", "ssh-ed25519 AAAA", "SHA256:boss-pinned-key-fingerprint")
OTHER = Identity("zwfwj", "ssh-ed25519 BBBB", "SHA256:boss-second-key-fingerprint")
STRANGER = Identity("xiaozhen", "ssh-ed25519 CCCC", "SHA256:stranger-key-fingerprint")
PIN = TrustRoot("zwfwj", frozenset({BOSS.fingerprint}), "trust-root.toml")
DAY = datetime(2021, 1, 5, 10, tzinfo=CHINA_TZ)


def fold(
    history: list[tuple[str, list[str], str | None, str]],
    versions: dict[str, _Version | None],
    shallow: frozenset[str] = frozenset(),
) -> _ChainFold:
    """The registry's history, oldest first: (commit, parents, blob, signing key or "")."""
    f = _ChainFold(
        PIN,
        shallow,
        {sha: parents for sha, parents, _, _ in history},
        {sha: blob for sha, _, blob, _ in history},
        versions,
        {sha: ("G", key) if key else ("N", "") for sha, _, _, key in history},
        {sha: DAY for sha, *_ in history},
    )
    for sha, *_ in history:
        f.step(sha)
    return f


V1 = _Version([BOSS, STRANGER], frozenset())
V2 = _Version([BOSS, OTHER, STRANGER], frozenset({"xiaozhen"}))


def test_the_first_version_signed_with_a_pinned_key_is_the_root() -> None:
    f = fold([("c1", [], "b1", BOSS.fingerprint)], {"b1": V1})
    assert f.trusted == {"c1": "b1"} and f.problems == []
    result = f.result("c1", "b1")
    assert result.problem == "" and result.fallback == ""
    assert result.identities == V1.identities
    assert result.root is not None and result.root.commit == "c1"


@pytest.mark.parametrize("key", ["", STRANGER.fingerprint, OTHER.fingerprint])
def test_a_first_version_not_signed_with_a_pinned_key_is_untrusted(key: str) -> None:
    f = fold([("c1", [], "b1", key)], {"b1": V2})
    assert f.trusted == {"c1": None}
    result = f.result("c1", "b1")
    assert result.reason == "authority-untrusted" and result.identities == []
    assert "信任根" in result.problem and "c1" in result.problem


def test_a_change_signed_by_the_supervisor_takes_effect() -> None:
    f = fold(
        [("c1", [], "b1", BOSS.fingerprint), ("c2", ["c1"], "b2", BOSS.fingerprint)],
        {"b1": V1, "b2": V2},
    )
    result = f.result("c2", "b2")
    assert f.trusted["c2"] == "b2" and result.fallback == ""
    assert result.delegates == frozenset({"xiaozhen"})


@pytest.mark.parametrize(("key", "words"), [("", "没有签名"), (STRANGER.fingerprint, "不属于")])
def test_an_unsigned_or_foreign_change_leaves_the_last_trusted_version(
    key: str, words: str
) -> None:
    f = fold([("c1", [], "b1", BOSS.fingerprint), ("c2", ["c1"], "b2", key)], {"b1": V1, "b2": V2})
    assert f.trusted["c2"] == "b1"
    result = f.result("c2", "b2")
    assert result.problem == "" and result.identities == V1.identities
    assert words in result.fallback and "按最后一个可信版本" in result.fallback
    assert result.delegates == frozenset()  # the forged version's delegation counts for nothing


def test_a_merge_taking_a_trusted_side_keeps_it() -> None:
    f = fold(
        [
            ("c1", [], "b1", BOSS.fingerprint),
            ("c2", ["c1"], "b2", BOSS.fingerprint),
            ("m", ["c1", "c2"], "b2", ""),
        ],
        {"b1": V1, "b2": V2},
    )
    assert f.trusted["m"] == "b2" and f.problems == []


def test_a_shallow_boundary_makes_the_chain_unknowable() -> None:
    f = fold([("c2", ["c1"], "b2", BOSS.fingerprint)], {"b2": V2}, shallow=frozenset({"c2"}))
    result = f.result("c2", "b2")
    assert result.reason == "shallow" and result.root is None and "浅克隆" in result.problem


def test_the_raw_log_parser_reads_changes_and_deletions() -> None:
    out = (
        "commit aaa\n\n:000000 100644 "
        + "0" * 40
        + " "
        + "1" * 40
        + " A\trecords/supervision/x.toml\n"
        "commit bbb\n\n:100644 000000 "
        + "1" * 40
        + " "
        + "0" * 40
        + " D\trecords/supervision/x.toml\n"
    )
    assert _parse_raw_log(out) == [
        ("aaa", "records/supervision/x.toml", "1" * 40),
        ("bbb", "records/supervision/x.toml", ""),
    ]


def test_the_supervision_fold_keeps_only_changes_the_issuer_signed() -> None:
    signers = {"c1": "zwfwj", "c2": None, "c3": "xiaozhen", "c4": "zwfwj", "c5": "zwfwj"}
    issuers = {"b1": "zwfwj", "b2": "zwfwj", "b3": "zwfwj", "b4": "xiaozhen"}
    x, y = "records/supervision/x.toml", "records/supervision/y.toml"
    events = [
        ("c1", x, "b1"),  # issued and signed by zwfwj: in force
        ("c2", x, "b2"),  # unsigned edit: ignored
        ("c3", x, ""),  # deleted by another unit: ignored
        ("c4", y, "b4"),  # zwfwj signs a record xiaozhen issues: not in force
        ("c5", x, "b3"),  # zwfwj's signed edit: in force
    ]
    found = _in_force(events, signers.get, lambda _path, blob: issuers.get(blob))
    assert found == {x: ("b3", "zwfwj", "c5")}
    deleted = _in_force([*events, ("c5", x, "")], signers.get, lambda _p, b: issuers.get(b))
    assert deleted == {}


def _record(path: str, text: str) -> records.Record:
    data = text.encode()
    found = records.load_record(path, "blob-" + path.rsplit("/", 1)[-1], lambda: data)
    assert found is not None
    return found


def test_findings_name_the_reason_and_the_fix() -> None:
    waiver = _record(f"records/{WAIVER}", WAIVER_TEXT)
    found = _Refusals(PIN)
    _refuse_untrusted(Chain([], None, "缺少根版本", "authority-untrusted"), [waiver], found)
    (finding,) = found.warnings
    assert finding.path == waiver.path and finding.reason == "authority-untrusted"
    assert finding.message.startswith("豁免不生效") and "缺少根版本" in finding.message
    found.replace(waiver.path, Finding(waiver.path, "kept-signed", "…"))
    assert [w.reason for w in found.warnings] == ["kept-signed"]
    outside = _Refusals(PIN)
    _without_history(None, [waiver], outside)
    assert [w.reason for w in outside.warnings] == ["no-git"]


def _banner(waivers: list[records.Record], supervision: list[records.Record]) -> banner.Banner:
    unit = _record("records/units/xiaozhen/unit.toml", base_records()["units/xiaozhen/unit.toml"])
    return banner.Banner(
        units={"xiaozhen": unit, "zwfwj": unit},
        accounts={},
        calendars=[],
        waivers=waivers,
        supervision=supervision,
    )


def test_settle_returns_what_counts_and_leaves_the_banner_alone() -> None:
    signed = _record(f"records/{WAIVER}", WAIVER_TEXT)
    unsigned = _record("records/waivers/2021-01-other.toml", WAIVER_TEXT)
    order = _record(f"records/{ORDER}", ORDER_TEXT)
    the_banner = _banner([signed, unsigned], [order])
    waivers, supervision = list(the_banner.waivers), list(the_banner.supervision)
    verdict = Verdict(frozenset({signed.path}), [Finding(unsigned.path, "unsigned", "…")])
    settled = settle(verdict, the_banner)
    assert settled.waivers == (signed,)
    assert settled.supervision == () and settled.withheld == frozenset({order.path})
    assert settled.unverified_reasons() == {unsigned.path: "unsigned"}
    # The banner still holds every record on file, in the same lists.
    assert the_banner.waivers == waivers and the_banner.supervision == supervision
    everything = settle(authority.TRUST_ALL, the_banner)
    assert everything.waivers == (signed, unsigned) and everything.supervision == (order,)
    with pytest.raises(AttributeError):
        settled.waivers = ()  # type: ignore[misc]


def test_a_kept_version_counts_and_is_not_withheld() -> None:
    order = _record(f"records/{ORDER}", ORDER_TEXT)
    the_banner = _banner([], [order])
    settled = settle(Verdict(frozenset(), kept={order.path: order}), the_banner)
    assert settled.supervision == (order,) and settled.withheld == frozenset()


# ---------------------------------------------------------------- end to end


def _two_waivers(tmp_path: Path) -> tuple[Path, str]:
    """A signed waiver (by zwfwj) and a second one for the same post, unsigned."""
    root = signed_repo(tmp_path / "repo", {**base_records(), POSTS: AD_POSTS}, registry=REGISTRY)
    (root / "records" / WAIVER).parent.mkdir(parents=True, exist_ok=True)
    (root / "records" / WAIVER).write_text(WAIVER_TEXT, "utf-8")
    commit(root, "登记豁免", "zwfwj-key")
    other = "records/waivers/2021-01-unsigned.toml"
    (root / other).write_text(WAIVER_TEXT.replace("公益性助农展销", "未签名的豁免"), "utf-8")
    commit(root, "未签名的豁免", None)
    return root, other


def test_the_banner_keeps_its_waivers_after_verification(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from engine import snapshot
    from engine.cache import Cache
    from engine.evaluate import evaluate
    from engine.policy import default_policy_dir, load
    from engine.timeutil import parse_date

    root, other = _two_waivers(tmp_path)
    built: list[banner.Banner] = []
    build = banner.build

    def spy(*args: Any, **kwargs: Any) -> banner.Banner:
        built.append(build(*args, **kwargs))
        return built[-1]

    monkeypatch.setattr(banner, "build", spy)
    snap = snapshot.from_commit(snapshot.open_repo(root), "HEAD")
    result = evaluate(snap, load(default_policy_dir(root)), parse_date(BASE_AS_OF), Cache(None))
    (the_banner,) = built
    on_file = sorted([f"records/{WAIVER}", other])
    assert sorted(w.path for w in the_banner.waivers) == on_file
    assert sorted(w.path for w in result.banner.waivers) == on_file
    assert [w.path for w in result.authority.waivers] == [f"records/{WAIVER}"]
    assert result.authority.unverified_reasons() == {other: "unsigned"}
    assert [v.waiver for v in result.waived] == [f"records/{WAIVER}"]


def test_the_site_shows_the_waived_violations_check_shows(tmp_path: Path) -> None:
    from test_site_fixture import write_config

    root, _other = _two_waivers(tmp_path)
    out = run_cli(
        "check", "HEAD", "--repo", str(root), "--as-of", BASE_AS_OF, "--no-cache",
        "--format", "json",
    )  # fmt: skip
    assert out.returncode in (0, 1), out.stderr
    checked = json.loads(out.stdout)
    waived = sorted((v["fingerprint"], v["waiver"]) for v in checked["waived"])
    assert waived and {w for _, w in waived} == {f"records/{WAIVER}"}
    site = tmp_path / "site"
    config = write_config(root)
    built = run_cli(
        "site", "--repo", str(root), "--as-of", BASE_AS_OF, "--output", str(site),
        "--config", str(config), cwd=root,
    )  # fmt: skip
    assert built.returncode == 0, built.stdout + built.stderr
    published = json.loads((site / "data" / "violations.json").read_text("utf-8"))
    assert sorted((v["fingerprint"], v["waiver"]) for v in published["waived"]) == waived
    pages = "\n".join(p.read_text("utf-8") for p in site.rglob("*.html"))
    assert "公益性助农展销" in pages  # the waiver that counts is listed in force
    assert "未签名的豁免" not in pages  # the unsigned one is not, wherever the site looks
