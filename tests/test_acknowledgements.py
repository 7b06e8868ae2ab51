"""如实登记: a record of something that already happened and was a violation can be
committed truthfully, saying so, and stays a violation.

A citizen message received on 11-24 is first recorded on 12-04 together with its true
(late) answer. The real hook (a plain git hook, run by a real ``git commit``) blocks it
as a new violation and names the command; ``govmedia hook accept`` writes the
acknowledgement; committed with the record it passes; ``check`` still reports and counts
the violation, marked 如实登记, in text and JSON (validated against
docs/report.schema.json). An acknowledgement already committed does not let a later
new violation with the same fingerprint through, and a waiver stays the only way not
to count a violation.
"""

from __future__ import annotations

import json
import os
import re
import sys
from collections.abc import Callable
from pathlib import Path

import jsonschema
from conftest import ROOT, git, run_cli

AS_OF = "2021-12-04"
MESSAGES = "records/accounts/wx-test/messages/2021-11.toml"
LATE = """[[message]]
received = 2021-11-24T16:20:00
topic = "咨询冬季供暖时间"
asker = "测试群众甲"
answered = 2021-12-03T10:00:00
answer = "已答复供暖安排"
"""


def _env() -> dict[str, str]:
    return {
        "GOVMEDIA_AS_OF": AS_OF,
        "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}",
    }


def _commit(root: Path, message: str) -> tuple[int, str]:
    done = git(root, "commit", "-m", message, check=False, env=_env())
    return done.returncode, done.stdout + done.stderr


def _check_json(root: Path) -> dict:  # type: ignore[type-arg]
    out = run_cli("check", "--repo", str(root), "--as-of", AS_OF, "--format", "json")
    assert out.returncode == 1, out.stderr
    doc = json.loads(out.stdout)
    schema = json.loads((ROOT / "docs" / "report.schema.json").read_text(encoding="utf-8"))
    jsonschema.validate(doc, schema)
    return doc  # type: ignore[no-any-return]


def test_a_late_answer_recorded_late_is_blocked_then_accepted_and_still_counted(
    records_repo: Callable[..., Path],
) -> None:
    root = records_repo()
    assert run_cli("hook", "install", "--repo", str(root)).returncode == 0
    before = _check_json(root)["summary"]["errors"]

    # First recorded on 12-04, with its true answer: a new answered-late, blocked.
    path = root / MESSAGES
    path.parent.mkdir(parents=True)
    path.write_text(LATE, encoding="utf-8")
    git(root, "add", "-A")
    code, out = _commit(root, "登记 11 月 24 日收到的留言")
    assert code != 0, out
    assert "提交被拒绝" in out and "art-18/answered-late" in out
    fingerprint = re.search(r"govmedia hook accept ([0-9a-f]{16}) --reason", out)
    assert fingerprint, out
    fp = fingerprint.group(1)
    assert f"# {MESSAGES}:5 第十八条" in out  # names the record (its answered line)
    assert "不要改动事实" in out and "豁免" in out

    # No reason: refused, nothing written.
    empty = run_cli("hook", "accept", fp, "--reason", " ", "--repo", str(root), env=_env())
    assert empty.returncode == 2 and "--reason 不能为空" in empty.stderr
    assert not (root / "records/acknowledgements").exists()
    unknown = run_cli("accept", "0" * 16, "--reason", "x", "--repo", str(root), env=_env())
    assert unknown.returncode == 2 and "没有指纹为 0000000000000000 的违规" in unknown.stderr

    reason = "留言 11 月 24 日收到,当时漏登,12 月 4 日补登记;答复时间照实填写"
    accepted = run_cli("hook", "accept", fp, "--reason", reason, "--repo", str(root), env=_env())
    assert accepted.returncode == 0, accepted.stderr
    written = re.search(r"已写入 (records/acknowledgements/[0-9a-f-]+\.toml)", accepted.stdout)
    assert written, accepted.stdout
    rel = written.group(1)
    assert "如实登记不是豁免" in accepted.stdout
    text = (root / rel).read_text(encoding="utf-8")
    assert f'fingerprint = "{fp}"' in text and reason in text
    assert 'rule = "art-18/answered-late"' in text and f'target = "{MESSAGES}"' in text

    # Accepting twice is refused with the path.
    twice = run_cli("accept", fp, "--reason", reason, "--repo", str(root), env=_env())
    assert twice.returncode == 2 and "不会重复登记" in twice.stderr and rel in twice.stderr

    # Committed with the record: the hook lets it through and says why.
    git(root, "add", "-A")
    code, out = _commit(root, "登记 11 月 24 日收到的留言(如实登记)")
    assert code == 0, out
    assert "新违规,如实登记" in out and "如实登记 ←" in out

    # Still a violation, counted and marked, in text and JSON.
    text_out = run_cli("check", "--repo", str(root), "--as-of", AS_OF)
    assert text_out.returncode == 1
    assert f"如实登记 ← {rel}(仍是违规,照常计数)" in text_out.stdout
    assert "其中 1 处如实登记" in text_out.stdout
    doc = _check_json(root)
    assert doc["summary"]["errors"] == before + 1
    marked = [v for v in doc["violations"] if v["fingerprint"] == fp]
    assert len(marked) == 1 and marked[0]["acknowledged"] == rel
    assert marked[0]["status"] == "open" and marked[0]["waiver"] is None
    assert all(v["acknowledged"] is None for v in doc["violations"] if v["fingerprint"] != fp)


def test_an_old_acknowledgement_does_not_let_a_new_violation_through(
    records_repo: Callable[..., Path],
) -> None:
    root = records_repo()
    assert run_cli("hook", "install", "--repo", str(root)).returncode == 0
    path = root / MESSAGES
    path.parent.mkdir(parents=True)
    path.write_text(LATE, encoding="utf-8")
    git(root, "add", "-A")
    code, out = _commit(root, "登记留言")
    fp = re.search(r"govmedia hook accept ([0-9a-f]{16})", out)
    assert code != 0 and fp
    assert (
        run_cli(
            "accept", fp.group(1), "--reason", "补登", "--repo", str(root), env=_env()
        ).returncode
        == 0
    )
    # The acknowledgement is committed first, on its own, without the record.
    git(root, "reset", "-q", "--", MESSAGES)
    git(root, "add", "records/acknowledgements")
    code, out = _commit(root, "先提交如实登记")
    assert code == 0, out
    # The record itself later: the acknowledgement is not new in this commit, so the
    # hook blocks (an acknowledgement goes in with the record it is about).
    git(root, "add", "-A")
    code, out = _commit(root, "再提交留言")
    assert code != 0 and "提交被拒绝" in out, out


def test_the_site_marks_an_acknowledged_violation() -> None:
    from datetime import date

    from engine import policy as policy_mod
    from engine.site.model import SiteModel
    from engine.site.pages import Pages
    from engine.violations import Violation

    rules = policy_mod.load(policy_mod.default_policy_dir(ROOT))
    pages = Pages(SiteModel(rules, "HEAD", date(2021, 12, 4), None, None, []), False)
    v = Violation("art-18", "answered-late", 18, 1, "error", MESSAGES, 5, "xiaozhen", "wx-test",
                  "留言<超期>答复", "", "h", "f300a79db2fbbc0c", "k", "2021-11-24")  # fmt: skip
    plain = pages.violation_table([v], who=False)
    marked = pages.violation_table(
        [v.acknowledged_by("records/acknowledgements/a.toml")], who=False
    )
    assert "如实登记" not in plain
    assert '留言&lt;超期&gt;答复 <span class="gm-acknowledged">(如实登记)</span>' in marked
