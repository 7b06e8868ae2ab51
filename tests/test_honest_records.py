"""Honest late records are never blocked, and clerks are never misled.

- The pre-commit hook (``govmedia hook run``, installed as a plain git hook and run by a
  real ``git commit``) shows a violation that changed on the same record and article
  (unanswered -> answered late, unreviewed -> reviewed late, a run of missed weeks split
  by a late post) as changed, and lets it through; new violations still block.
- ``check --base`` lists new, changed and fixed violations (text and JSON).
- Consecutive missed weeks are one violation whose fingerprint survives the run growing.
- ``tracked_from`` (纳入管理日期): no week and no post record before it is judged.
- Text reports are in date order.
- A year no calendar covers only stops the facts that need it (calendar-missing).
- No hint suggests editing a recorded time to make a violation go away.
"""

from __future__ import annotations

import ast
import json
import os
import re
import sys
import tomllib
from collections.abc import Callable
from pathlib import Path

import jsonschema
import pytest
from conftest import ROOT, git, run_cli

AS_OF = "2021-01-17"
MESSAGES = "records/accounts/wx-test/messages/2021-01.toml"
POSTS = "records/accounts/wx-test/posts/2021-01.toml"

UNANSWERED = """[[message]]
received = 2021-01-04T21:30:00
topic = "咨询冬季取暖补贴申领时间"
channel = "留言评论"
asker = "测试群众甲"
"""
ANSWERED_LATE = UNANSWERED + "answered = 2021-01-12T09:00:00\n"

UNREVIEWED = """[[post]]
published = 2021-01-05T10:00:00
title = "测试镇开展冬季防火宣传"
category = "routine"

[[post]]
published = 2021-01-12T10:00:00
title = "测试镇召开安全生产会议"
category = "routine"
[[post.review]]
level = 1
at = 2021-01-12T09:00:00
"""
REVIEWED_LATE = UNREVIEWED.replace(
    'category = "routine"\n\n',
    'category = "routine"\n[[post.review]]\nlevel = 1\nat = 2021-01-06T09:00:00\n\n',
    1,
)


def _env(as_of: str = AS_OF) -> dict[str, str]:
    return {
        "GOVMEDIA_AS_OF": as_of,
        "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}",
    }


def _write(root: Path, rel: str, text: str) -> None:
    path = root / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")


def _hooked(make: Callable[..., Path], files: dict[str, str]) -> Path:
    """A repository whose first commit (made without the hook) holds ``files``, hook installed."""
    root = make(files)
    out = run_cli("hook", "install", "--repo", str(root))
    assert out.returncode == 0, out.stderr
    return root


def _commit(root: Path, message: str, as_of: str = AS_OF) -> tuple[int, str]:
    git(root, "add", "-A")
    done = git(root, "commit", "-m", message, check=False, env=_env(as_of))
    return done.returncode, done.stdout + done.stderr


# ---------------------------------------------------------------- changed, not new


def test_hook_lets_a_late_answer_through_as_changed(records_repo: Callable[..., Path]) -> None:
    root = _hooked(records_repo, {"accounts/wx-test/messages/2021-01.toml": UNANSWERED})
    _write(root, MESSAGES, ANSWERED_LATE)
    code, out = _commit(root, "补录留言答复")
    assert code == 0, out
    assert "提交被拒绝" not in out
    assert "变更: art-18/unanswered" in out and "→ art-18/answered-late" in out


def test_hook_lets_a_late_review_through_as_changed(records_repo: Callable[..., Path]) -> None:
    root = _hooked(records_repo, {"accounts/wx-test/posts/2021-01.toml": UNREVIEWED})
    _write(root, POSTS, REVIEWED_LATE)
    code, out = _commit(root, "补录审核")
    assert code == 0, out
    assert "→ art-14/review-after-publication" in out
    assert "提交被拒绝" not in out


def test_hook_still_blocks_a_new_violation_of_another_article_on_the_same_post(
    records_repo: Callable[..., Path],
) -> None:
    root = _hooked(records_repo, {"accounts/wx-test/posts/2021-01.toml": UNREVIEWED})
    with_ad = REVIEWED_LATE.replace(
        'category = "routine"\n', 'category = "routine"\nad = true\n', 1
    )
    _write(root, POSTS, with_ad)
    code, out = _commit(root, "补录审核并加广告")
    assert code != 0
    assert "提交被拒绝" in out and "商业广告" in out
    assert "→ art-14/review-after-publication" in out  # the late review is still only a change


def test_hook_lets_a_late_post_that_splits_a_run_of_missed_weeks_through(
    records_repo: Callable[..., Path],
) -> None:
    # No post from 2021-01-04 to 01-24: one run of three weeks. A post recorded late on
    # 01-12 splits it into 01-04..01-10 (the same violation) and 01-18..01-24 (changed).
    root = records_repo({"accounts/wx-test/posts/2021-01.toml": "post = []\n"})
    assert run_cli("hook", "install", "--repo", str(root)).returncode == 0
    before = _check_json(root, "2021-01-24")
    (run,) = _of(before, "art-15/weekly-update")
    assert "2021-01-04 至 2021-01-24 连续 3 周" in run["message"]
    _write(root, POSTS, UNREVIEWED.split("\n\n")[1])
    code, out = _commit(root, "补录一条发布", as_of="2021-01-24")
    assert code == 0, out
    assert "变更: art-15/weekly-update" in out
    after = _check_json(root, "2021-01-24")
    runs = sorted(_of(after, "art-15/weekly-update"), key=lambda r: r["day"])
    assert [r["fingerprint"] == run["fingerprint"] for r in runs] == [True, False]
    assert [r["day"] for r in runs] == ["2021-01-04", "2021-01-18"]


def _check_json(root: Path, as_of: str, *extra: str) -> dict:  # type: ignore[type-arg]
    out = run_cli("check", "--repo", str(root), "--as-of", as_of, "--format", "json", *extra)
    assert out.returncode in (0, 1), out.stderr
    doc: dict = json.loads(out.stdout)  # type: ignore[type-arg]
    schema = json.loads((ROOT / "docs" / "report.schema.json").read_text(encoding="utf-8"))
    jsonschema.validate(doc, schema)
    return doc


def _of(doc: dict, check: str) -> list[dict]:  # type: ignore[type-arg]
    return [v for v in doc["violations"] if f"{v['rule']}/{v['check']}" == check]


def test_check_base_lists_new_changed_and_fixed(records_repo: Callable[..., Path]) -> None:
    ad = UNREVIEWED.split("\n\n")[1].replace(
        'category = "routine"\n', 'category = "routine"\nad = true\n'
    )
    root = records_repo(
        {
            "accounts/wx-test/messages/2021-01.toml": UNANSWERED,
            "accounts/wx-test/posts/2021-01.toml": REVIEWED_LATE.split("\n\n")[0] + "\n\n" + ad,
        }
    )
    opinion = ad.replace("ad = true", "personal_opinion = true").replace("2021-01-12", "2021-01-13")
    plain = ad.replace("ad = true\n", "")
    _write(root, MESSAGES, ANSWERED_LATE)  # changed: unanswered -> answered late
    # The ad is removed (fixed); another post carries a personal opinion (new).
    _write(root, POSTS, REVIEWED_LATE.split("\n\n")[0] + "\n\n" + plain + "\n" + opinion)
    doc = _check_json(root, AS_OF, "--base", "HEAD")
    assert [f"{v['rule']}/{v['check']}" for v in doc["violations"]] == ["art-15/personal-opinion"]
    (changed,) = doc["changed"]
    assert changed["violation"]["check"] == "answered-late"
    assert [p["check"] for p in changed["previous"]] == ["unanswered"]
    assert [f"{v['rule']}/{v['check']}" for v in doc["fixed"]] == ["art-15/commercial-ad"]
    summary = doc["summary"]
    assert (summary["errors"], summary["changed"], summary["fixed"]) == (1, 1, 1)
    text = run_cli("check", "--repo", str(root), "--as-of", AS_OF, "--base", "HEAD")
    assert text.returncode == 1
    assert "变更(同一记录、同一条款" in text.stdout
    assert "变更: art-18/unanswered「" in text.stdout
    assert "已改正(上一次提交中有、现在没有)" in text.stdout
    assert "art-15/commercial-ad" in text.stdout.split("已改正")[1]
    en = run_cli("check", "--repo", str(root), "--as-of", AS_OF, "--base", "HEAD", "--lang", "en")
    assert "changed: art-18/unanswered" in en.stdout and "fixed since HEAD:" in en.stdout
    # Only the late answer: nothing new, so exit 0.
    _write(root, POSTS, REVIEWED_LATE.split("\n\n")[0] + "\n\n" + ad)
    only = run_cli("check", "--repo", str(root), "--as-of", AS_OF, "--base", "HEAD")
    assert only.returncode == 0, only.stdout


# ---------------------------------------------------------------- runs of weeks, tracked_from


def test_a_run_of_missed_weeks_is_one_line_whose_fingerprint_survives_growth(
    records_repo: Callable[..., Path],
) -> None:
    root = records_repo({"accounts/wx-test/posts/2021-01.toml": "post = []\n"})
    runs = []
    for as_of, text in (("2021-01-17", "2021-01-04 至 2021-01-17 连续 2 周"),
                        ("2021-02-28", "2021-01-04 至 2021-02-28 连续 8 周")):  # fmt: skip
        (run,) = _of(_check_json(root, as_of), "art-15/weekly-update")
        assert text in run["message"], run["message"]
        runs.append(run)
    assert runs[0]["fingerprint"] == runs[1]["fingerprint"]
    assert runs[0]["day"] == "2021-01-04"


ONBOARDED = """unit = "xiaozhen"
name = "测试镇发布"
platform = "wechat-official"
certification = "测试镇人民政府"
opened = 2019-05-06
tracked_from = {tracked}
"""


def test_tracked_from_leaves_earlier_weeks_and_posts_unjudged(
    records_repo: Callable[..., Path],
) -> None:
    # Opened in 2019, onboarded on Monday 2021-01-11: its records start then.
    early_ad = UNREVIEWED.split("\n\n")[0].replace("2021-01-05", "2021-01-08") + "\nad = true\n"
    files = {
        "accounts/wx-test/account.toml": ONBOARDED.format(tracked="2021-01-11"),
        "accounts/wx-test/posts/2021-01.toml": early_ad + "\n" + UNREVIEWED.split("\n\n")[1],
    }
    root = records_repo(files)
    doc = _check_json(root, AS_OF)
    # (art-19 still judges the responsible-person events from the opening: not post records.)
    judged = [v for v in doc["violations"] if v["rule"] in ("art-14", "art-15")]
    assert judged == [], judged
    # Without tracked_from, a year and a half of weeks and the early post are judged.
    _write(root, "records/accounts/wx-test/account.toml",
           ONBOARDED.format(tracked="2021-01-11").replace("tracked_from = 2021-01-11\n", ""))  # fmt: skip
    found = {f"{v['rule']}/{v['check']}" for v in _check_json(root, AS_OF)["violations"]}
    assert {"art-15/weekly-update", "art-15/commercial-ad", "art-14/review-missing"} <= found


def test_a_bad_tracked_from_is_an_input_error(records_repo: Callable[..., Path]) -> None:
    root = records_repo({"accounts/wx-test/account.toml": ONBOARDED.format(tracked='"2021-02-30"')})
    out = run_cli("check", "--repo", str(root), "--as-of", AS_OF)
    assert out.returncode == 2, out.stdout
    assert "records/accounts/wx-test/account.toml:6:" in out.stderr
    assert "Traceback" not in out.stderr


# ---------------------------------------------------------------- text order


def test_text_report_is_in_date_order(records_repo: Callable[..., Path]) -> None:
    # By file, account.toml (the week of 01-11) would come first; by date it comes last.
    ad = (
        UNREVIEWED.split("\n\n")[1]
        .replace("2021-01-12", "2021-01-06")
        .replace('category = "routine"\n', 'category = "routine"\nad = true\n')
    )
    root = records_repo(
        {
            "accounts/wx-test/messages/2021-01.toml": UNANSWERED,
            "accounts/wx-test/posts/2021-01.toml": UNREVIEWED.split("\n\n")[0] + "\n\n" + ad,
        }
    )
    out = run_cli("check", "--repo", str(root), "--as-of", AS_OF)
    assert out.returncode == 1
    entry = re.compile(r"^  (\d{4}-\d{2}-\d{2}) (records/\S+):\d+: \[(第\S+条) ")
    found = [m.groups() for line in out.stdout.splitlines() if (m := entry.match(line))]
    assert [(d, a) for d, _, a in found] == [
        ("2021-01-04", "第十八条"),
        ("2021-01-05", "第十四条"),
        ("2021-01-06", "第十五条"),
        ("2021-01-11", "第十五条"),
    ]
    assert found[-1][1] == "records/accounts/wx-test/account.toml"


# ---------------------------------------------------------------- calendar-missing


def _closure_2031(filing: bool) -> dict[str, str]:
    prefix = "accounts/dy-2031"
    files = {
        f"{prefix}/account.toml": 'unit = "xiaozhen"\nname = "测试镇抖音"\nplatform = "douyin"\n'
        'certification = "测试镇人民政府"\nopened = 2030-11-04\n',
        f"{prefix}/events/decision.toml": 'type = "closure-decision"\ndate = 2030-12-02\n'
        'basis = "collective"\n',
        f"{prefix}/events/notice.toml": 'type = "notice"\nstart = 2030-12-16\nend = 2031-01-17\n',
        f"{prefix}/events/closure.toml": 'type = "closure"\ndate = 2031-01-20\n',
        # 2030 is known to govmedia (a complete calendar file); 2031 is not.
        "calendar/2030.toml": 'year = 2030\ncomplete = true\nsource = "测试用日历"\n',
    }
    if filing:
        files[f"{prefix}/events/filing.toml"] = (
            'type = "filing"\ndate = 2030-12-09\nwith = "zwfwj"\n'
        )
    return files


def test_a_year_no_calendar_covers_only_stops_the_facts_that_need_it(
    records_repo: Callable[..., Path],
) -> None:
    root = records_repo(_closure_2031(filing=False))
    out = run_cli("check", "--repo", str(root), "--as-of", "2031-01-25", "--format", "json")
    assert out.returncode == 1, out.stderr
    doc = json.loads(out.stdout)
    found = {(f"{v['rule']}/{v['check']}", v["path"]) for v in doc["violations"]}
    closure = "records/accounts/dy-2031/events/closure.toml"
    assert ("art-13/calendar-missing", closure) in found
    assert ("art-13/no-filing", closure) in found  # checks that need no count still judge it
    assert not any(c == "art-13/notice-too-short" for c, _ in found)
    assert any(c == "art-15/weekly-update" for c, _ in found)  # the rest of the run goes on
    (missing,) = [v for v in doc["violations"] if v["check"] == "calendar-missing"]
    assert "records/calendar/2031.toml" in missing["message"]
    assert "records/calendar/2031.toml" in missing["hint"] and missing["severity"] == "error"
    # Adding the calendar file resolves it: the notice is then counted and judged.
    _write(
        root, "records/calendar/2031.toml", 'year = 2031\ncomplete = true\nsource = "测试用日历"\n'
    )
    again = json.loads(
        run_cli("check", "--repo", str(root), "--as-of", "2031-01-25", "--format", "json").stdout
    )
    assert not [v for v in again["violations"] if v["check"] == "calendar-missing"]


def test_calendar_missing_also_for_messages(records_repo: Callable[..., Path]) -> None:
    msg = UNANSWERED.replace("2021-01-04T21:30:00", "2030-12-30T10:00:00")
    files = {**_closure_2031(filing=True), "accounts/dy-2031/messages/2030-12.toml": msg}
    root = records_repo(files)
    out = run_cli("check", "--repo", str(root), "--as-of", "2031-01-10", "--format", "json")
    assert out.returncode == 1, out.stderr
    checks = {f"{v['rule']}/{v['check']}" for v in json.loads(out.stdout)["violations"]}
    assert "art-18/calendar-missing" in checks and "art-18/unanswered" not in checks


# ---------------------------------------------------------------- hints


# Wording that tells a clerk to change a recorded date or time (so that a violation goes
# away) instead of doing the missing act and recording it truthfully, or a waiver.
FORBIDDEN = [
    re.compile(p)
    for p in (
        # (整改, rectification, is not an edit)
        r"((?<!整)改|调整|挪|提前|推迟|推后|倒签).{0,12}(时间|日期|时刻|\d{4}-\d{2})",
        r"(时间|日期|时刻).{0,8}(改为|改成|改到|写成|调整为|提前|推迟|推后|往前|往后)",
        r"((?<!整)改|调整).{0,10}\b(at|published|answered|received|date|start|end|from|to|"
        r"closed|deadline|issued|approved|adopted|reviewed|opened|tracked_from)\b",
        r"\b(at|published|answered|received|date|start|end|from|to|closed|deadline|issued|"
        r"approved|adopted|reviewed|opened)\b\s*(改为|改成|写成)",
    )
]


def bad_hints(hints: list[tuple[str, str]]) -> list[str]:
    return [f"{where}: {text}" for where, text in hints if any(p.search(text) for p in FORBIDDEN)]


def policy_hints(policy_dir: Path) -> list[tuple[str, str]]:
    out = []
    for path in sorted(policy_dir.glob("art-*.toml")):
        data = tomllib.loads(path.read_text(encoding="utf-8"))
        for version in data.get("versions", []):
            for check in version.get("checks", []):
                out.append((f"{path.name} {check['id']}", str(check.get("hint", ""))))
    return out


def engine_hints(sources: dict[str, str]) -> list[tuple[str, str]]:
    """Every ``hint=`` argument and ``hint`` keyword in engine code, f-strings included."""
    out = []
    for name, source in sources.items():
        for node in ast.walk(ast.parse(source)):
            values: list[ast.expr] = []
            if isinstance(node, ast.keyword) and node.arg == "hint":
                values.append(node.value)
            if isinstance(node, ast.FunctionDef) and "hint" in node.name:
                values.extend(
                    n.value for n in ast.walk(node) if isinstance(n, ast.Return) and n.value
                )
            for value in values:
                text = "".join(
                    str(n.value)
                    for n in ast.walk(value)
                    if isinstance(n, ast.Constant) and isinstance(n.value, str)
                )
                out.append(
                    (f"{name}:{node.lineno if hasattr(node, 'lineno') else value.lineno}", text)
                )
    return out


def _engine_sources() -> dict[str, str]:
    return {
        str(p.relative_to(ROOT)): p.read_text(encoding="utf-8")
        for p in sorted((ROOT / "engine").rglob("*.py"))
    }


def test_no_hint_suggests_changing_a_recorded_time() -> None:
    hints = policy_hints(ROOT / "policy") + engine_hints(_engine_sources())
    assert len(hints) > 60
    assert bad_hints(hints) == []


@pytest.mark.parametrize(
    "bad",
    [
        "把回复时间改为 2021-01-08 09:00。",
        "修改 answered 为期限内的时间。",
        "把公告开始日期提前到 2020-09-01。",
        "将 at 改为发布之前。",
        "调整审核时间,使其早于发布时间。",
    ],
)
def test_the_hint_scan_catches_a_planted_bad_hint(tmp_path: Path, bad: str) -> None:
    policy = tmp_path / "policy"
    policy.mkdir()
    text = (ROOT / "policy" / "art-18.toml").read_text(encoding="utf-8")
    good = 'hint = "尽快答复留言'
    assert good in text
    (policy / "art-18.toml").write_text(
        text.replace(good, f'hint = "{bad}尽快答复留言', 1), "utf-8"
    )
    assert bad_hints(policy_hints(policy)) != []
    source = f'raise InputError("x", hint="{bad}")\n'
    assert bad_hints(engine_hints({"planted.py": source})) != []
