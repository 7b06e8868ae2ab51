"""The durable_rules adapter: complete, synchronous results and its guarded edges."""

from __future__ import annotations

import subprocess
import sys

import pytest

from engine.rules_engine import MAX_RULES, EngineError, match

SHORT = {"$and": [{"fact": "closure"}, {"$lt": {"days": 15}}]}
NO_FILING = {"$and": [{"fact": "closure"}, {"has_filing": False}]}


def test_matches_every_fact_and_rule_in_order() -> None:
    facts = [{"fact": "closure", "days": d, "has_filing": d % 2 == 0} for d in range(20)]
    got = match({"short": SHORT, "nofile": NO_FILING}, facts)
    expected = sorted(
        [("short", i) for i in range(15)] + [("nofile", i) for i in range(20) if i % 2],
        key=lambda m: (m[1], m[0]),
    )
    assert got == expected


def test_large_batch_is_complete() -> None:
    facts = [{"fact": "closure", "days": i % 30, "has_filing": True} for i in range(5000)]
    got = match({"short": SHORT}, facts)
    assert len(got) == sum(1 for i in range(5000) if i % 30 < 15)


def test_chinese_values_and_missing_fields() -> None:
    facts = [{"fact": "post", "category": "政策"}, {"fact": "post"}]
    got = match(
        {
            "cn": {"$and": [{"fact": "post"}, {"category": "政策"}]},
            "neq": {"$and": [{"fact": "post"}, {"$neq": {"category": "日常"}}]},
        },
        facts,
    )
    # durable_rules: a missing field never matches, not even $neq.
    assert got == [("cn", 0), ("neq", 0)]


def test_no_match_then_delete_state_does_not_crash() -> None:
    # Regression: deleting a state in which no action ever ran freed an uninitialised
    # pointer inside durable_rules. Run in a fresh process: a crash must fail the test,
    # not kill the test runner.
    code = (
        "from engine.rules_engine import match\n"
        "for _ in range(50):\n"
        "    assert match({'r': {'$gt': {'a': 1}}}, [{'a': 1}]) == []\n"
        "print('ok')\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert out.returncode == 0 and out.stdout.strip() == "ok", out.stderr


def test_limits_are_refused_loudly() -> None:
    with pytest.raises(EngineError):
        match({"r": SHORT}, [{f"f{i}": i for i in range(300)}])
    with pytest.raises(EngineError):
        match({"r": SHORT}, [{"fact": "x", "big": "x" * (2 << 20)}])
    with pytest.raises(EngineError):
        match({f"r{i}": SHORT for i in range(MAX_RULES + 1)}, [{"fact": "closure", "days": 1}])
    with pytest.raises(EngineError):
        match({"r": {"$or": [{"a": i} for i in range(100)]}}, [{"a": 1}])
    with pytest.raises(EngineError):
        match({"r": SHORT}, [{"fact": "closure", "days": [1, 2]}])  # type: ignore[dict-item]
