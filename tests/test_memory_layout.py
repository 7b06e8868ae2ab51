"""What keeps a check of a large repository small in memory (bench/scale.py measures
it): blobs read ahead are let go, violations read back share their repeated words,
``safe`` copies only what it escapes, and a report is written piece by piece."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from conftest import commit_files

from engine import fsutil, snapshot
from engine.report import _clean_fields
from engine.violations import Violation


def _violation(**changes: object) -> Violation:
    data: dict[str, object] = {
        "rule": "art-15",
        "check": "weekly-update",
        "article": 15,
        "version": 1,
        "severity": "error",
        "path": "records/accounts/a/account.toml",
        "line": 3,
        "unit": "示例局",
        "account": "a",
        "message": "一周没有更新",
        "message_en": "no update this week",
        "hint": "每周至少更新一次",
        "fingerprint": "0123456789abcdef",
        "fact_key": "a/2026-W01",
        "day": "2026-01-05",
        "evidence": {"week_start": "2026-01-05", "posts": 0},
        "fact_keys": [],
        "check_name": "weekly-update",
        "read": ["posts"],
    }
    data.update(changes)
    return Violation(**data)  # type: ignore[arg-type]


def test_blobs_read_ahead_are_let_go_at_the_next_prefetch(tmp_path: Path) -> None:
    files = {
        "records/a.toml": b'a = "\xe4\xb8\x80"\n',
        "records/b.toml": b"b = 2\n",
        "records/empty.toml": b"",
        "records/same.toml": b"b = 2\n",  # the same blob as b.toml
    }
    root = commit_files(tmp_path, files)
    snap = snapshot.from_commit(snapshot.open_repo(root), "HEAD")
    reader = snap._reader
    assert isinstance(reader, snapshot._GitReader)
    snap.prefetch(["records/a.toml", "records/empty.toml"])
    assert set(reader._ahead) == {
        snap.entries["records/a.toml"],
        snap.entries["records/empty.toml"],
    }
    assert snap.read("records/a.toml") == files["records/a.toml"]
    assert snap.read("records/empty.toml") == b""
    assert reader._ahead == {}  # handed out once ...
    assert snap.read("records/a.toml") == files["records/a.toml"]  # ... and kept until
    snap.prefetch(["records/b.toml", "records/same.toml"])  # the next prefetch
    assert list(reader._ahead) == [snap.entries["records/b.toml"]]
    assert reader._asked == {}
    assert snap.read("records/b.toml") == snap.read("records/same.toml") == b"b = 2\n"
    # What was let go is read again from git, the same bytes.
    assert snap.read("records/a.toml") == files["records/a.toml"]
    snap.release()  # the parent before forking: nothing kept, its git ended
    assert reader._ahead == {} and reader._asked == {}
    assert reader._git._proc is None
    assert snap.read("records/empty.toml") == b""  # a new git answers


def test_violations_read_back_share_their_repeated_words() -> None:
    a = _violation().to_dict()
    b = _violation(fact_key="a/2026-W02", fingerprint="fedcba9876543210").to_dict()
    # As from two cache entries or two workers: equal strings, distinct objects.
    a, b = json.loads(json.dumps(a)), json.loads(json.dumps(b))
    assert a["unit"] is not b["unit"]
    va, vb = Violation.from_dict(a), Violation.from_dict(b)
    assert va == _violation()  # nothing changes but where the words live
    for name in ("rule", "check", "unit", "path", "day", "hint", "check_name"):
        assert getattr(va, name) is getattr(vb, name), name
    assert va.evidence["week_start"] is vb.evidence["week_start"]
    assert va.read[0] is vb.read[0]
    assert not hasattr(va, "__dict__")  # slots: no dict per violation


def test_safe_copies_only_the_violations_it_escapes() -> None:
    clean = _violation()
    dirty = _violation(message="一周\u202e没有更新", evidence={"note": "a\x1bb", "n": 1})
    assert _clean_fields(clean) is clean  # nothing to escape: not copied
    escaped = _clean_fields(dirty)
    assert escaped is not dirty
    assert escaped.message == "一周\\u202e没有更新"
    assert escaped.evidence == {"note": "a\\u001bb", "n": 1}
    assert escaped.hint is dirty.hint  # what needed nothing is shared
    assert dirty.evidence == {"note": "a\x1bb", "n": 1}  # the original is left as it was


def test_a_report_written_in_pieces_is_all_or_nothing(tmp_path: Path) -> None:
    target = tmp_path / "report.json"
    fsutil.write_atomic(target, (piece.encode() for piece in ["{", '"a": 1', "}\n"]))
    assert target.read_text() == '{"a": 1}\n'

    def failing() -> object:
        yield b"half of a report"
        raise RuntimeError("the format failed")

    with pytest.raises(RuntimeError):
        fsutil.write_atomic(target, failing(), overwrite=True)  # type: ignore[arg-type]
    assert target.read_text() == '{"a": 1}\n'  # the old report, untouched
    assert [p.name for p in tmp_path.iterdir()] == ["report.json"]  # no temporary left
