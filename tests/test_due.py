"""``govmedia due`` on the sample records, checked against ``check`` the day after each
deadline; the calendar-year reminder; bad input."""

from __future__ import annotations

import json
import os
import sys
from collections import Counter
from collections.abc import Callable
from datetime import date, timedelta
from pathlib import Path

import pytest
import rtoml
from conftest import ROOT, git, run_cli
from due_support import account, due_items, evaluated, units

from engine.commands.common import Options, run_evaluation
from engine.violations import Violation

DAY = timedelta(days=1)


def sample_open(day: date) -> list[Violation]:
    """What ``check --as-of day`` reports (open violations) on the sample records as they
    stood that day: posts published after it are left out (check refuses a post from
    after its check date). Waivers and orders count as signed (they are, in the sample:
    ``test_sample_signed`` compares with the real, verified check)."""
    files: dict[str, str] = {}
    for path in sorted((ROOT / "records").rglob("*.toml")):
        rel = path.relative_to(ROOT / "records").as_posix()
        text = path.read_text("utf-8")
        if "/posts/" in rel:
            month = rel.rsplit("/", 1)[-1].removesuffix(".toml")
            if month > day.isoformat()[:7]:
                continue
            if month == day.isoformat()[:7]:
                data = rtoml.loads(text)
                data["post"] = [p for p in data["post"] if str(p["published"])[:10] <= str(day)]
                if not data["post"]:
                    continue
                text = rtoml.dumps(data)
        files[rel] = text
    return evaluated(files, day).open


def test_sample_signed() -> None:
    """On the sample, trusting waivers and orders changes nothing: they are all signed."""
    day = date(2026, 11, 26)
    opts = Options(repo=ROOT, rev=None, staged=False, as_of=day, policy_dir=None, use_cache=True)
    real = sorted(v.fingerprint for v in run_evaluation(opts).open)
    assert real == sorted(v.fingerprint for v in sample_open(day))


def is_reported(violations: list[Violation], item: dict[str, str]) -> bool:
    return any(
        v.check_id == item["check"] and item["fact_key"] in (v.fact_key, *v.fact_keys)
        for v in violations
    )


def due_json(*args: str) -> dict[str, object]:
    run = run_cli("due", *args, "--format", "json")
    assert run.returncode == 0, run.stderr
    data: dict[str, object] = json.loads(run.stdout)
    return data


def check_each_day_after(items: list[dict[str, str]]) -> None:
    by_day: dict[str, list[dict[str, str]]] = {}
    for item in items:
        by_day.setdefault(item["deadline"], []).append(item)
    for deadline, group in sorted(by_day.items()):
        found = sample_open(date.fromisoformat(deadline) + DAY)
        for item in group:
            assert is_reported(found, item), (deadline, item["title"])


def test_sample_due_2026_11_26() -> None:
    data = due_json("--as-of", "2026-11-26")
    items = data["items"]
    assert isinstance(items, list)
    kinds = Counter(i["kind"] for i in items)
    assert len(kinds) >= 5, kinds
    assert {"week", "message", "rectification", "sanction", "evidence"} <= set(kinds)
    message = next(i for i in items if i["kind"] == "message")
    assert message["deadline"] == "2026-11-23" and message["overdue"]
    assert message["article_zh"] == "第十八条"
    assert message["path"] == "records/accounts/zwfwj-ks/messages/2026-11.toml"
    week = next(i for i in items if i["account"] == "gaj-wx" and i["kind"] == "week")
    assert week["title"] == "本周(至 11-29 周日)还没有发布"
    assert week["deadline"] == "2026-11-29" and not week["overdue"]
    # The one account that posted this week (2026-11-24) has no week item.
    posted = [i for i in items if i["kind"] == "week" and i["account"] == "rlgs-wx"]
    assert len(posted) <= 1
    check_each_day_after([i for i in items if i["fact_key"]])


def test_sample_due_year_end() -> None:
    """Around the year's end: waivers and contracts expire; next year's calendar is needed."""
    data = due_json("--as-of", "2026-12-28")
    items = data["items"]
    assert isinstance(items, list)
    kinds = Counter(i["kind"] for i in items)
    assert {"waiver", "contract", "calendar"} <= set(kinds), kinds
    waiver = next(i for i in items if i["kind"] == "waiver")
    assert waiver["deadline"] == "2026-12-31"
    assert waiver["path"] == "records/waivers/2025-08-20-aoerjin-wx-weekly.toml"
    calendar = next(i for i in items if i["kind"] == "calendar")
    assert calendar["path"] == "records/calendar/2027.toml"
    after = sample_open(date(2027, 1, 1))
    for item in (i for i in items if i["kind"] in ("waiver", "contract")):
        assert is_reported(after, item), item["title"]
    still = sample_open(date(2026, 12, 31))
    assert not any(
        v.fingerprint == waiver["extra"]["fingerprint"]  # type: ignore[index]
        for v in still
    )


def test_calendar_year_needed() -> None:
    """A message received just before a year no calendar covers: due names the year
    to record, check cannot judge the message until it is recorded."""
    files = {**units(), **account(date(2026, 6, 1))}
    files["accounts/wx-t/messages/2026-12.toml"] = (
        '[[message]]\nreceived = 2026-12-28T10:00:00\ntopic = "咨询"\nasker = "群众"\n'
    )
    items = due_items(files, date(2026, 12, 28))
    years = [i for i in items if i.kind == "calendar"]
    assert [i.path for i in years] == ["records/calendar/2027.toml"]
    # The first day whose message answer runs into 2027 (5 working days from Dec 25 on).
    assert years[0].deadline <= date(2026, 12, 28)
    assert not [i for i in items if i.kind == "message"]
    later = evaluated(files, date(2027, 1, 8))
    # Not judged: a calendar-missing violation today, a reminder once issue 11 lands.
    cannot = [v.check for v in later.violations if v.rule == "art-18"]
    cannot += [r.kind for r in later.reminders if r.article == 18]
    assert cannot == ["calendar-missing"]
    assert not [v for v in later.open if v.rule == "art-18" and v.check != "calendar-missing"]
    recorded = {
        **files,
        "calendar/2027.toml": 'year = 2027\ncomplete = true\nsource = "测试"\n',
    }
    items = due_items(recorded, date(2026, 12, 28))
    assert not [i for i in items if i.kind == "calendar"]
    message = next(i for i in items if i.kind == "message")
    assert message.deadline == date(2027, 1, 4)  # Dec 29, 30, 31, Jan 1, Jan 4
    found = evaluated(recorded, message.deadline + DAY).open
    assert [v.check for v in found if v.rule == "art-18"] == ["unanswered"]


def test_text_and_filters() -> None:
    run = run_cli("due", "--as-of", "2026-11-26", "--account", "zwfwj-ks")
    assert run.returncode == 0, run.stderr
    assert "第十八条" in run.stdout and "快手·新巴尔虎右旗政务服务局(zwfwj-ks)" in run.stdout
    assert "2026-11-23 24:00" in run.stdout and "[已逾期]" in run.stdout
    assert "records/accounts/zwfwj-ks/messages/2026-11.toml:2" in run.stdout
    assert "gaj-wx" not in run.stdout
    data = due_json("--as-of", "2026-11-26", "--unit", "gaj")
    items = data["items"]
    assert isinstance(items, list) and items
    assert {i["unit"] for i in items} == {"gaj"}


@pytest.mark.parametrize(
    ("args", "words"),
    [
        (["--unit", "nope"], "没有单位「nope」"),
        (["--account", "nope"], "没有账号「nope」"),
        (["--within", "-1"], "不能是负数"),
        (["--as-of", "2026-02-30"], "不是日历上存在的日期"),
    ],
)
def test_bad_input(args: list[str], words: str, tmp_path: Path) -> None:
    run = run_cli("due", "--as-of", "2026-11-26", *args)
    assert run.returncode == 2
    assert words in run.stderr
    assert "Traceback" not in run.stderr


def test_hook_reminds(records_repo: Callable[..., Path]) -> None:
    """After the check, the hook names what falls due for the accounts the commit
    touched, in at most three lines, and lets the commit through."""
    root = records_repo()
    assert run_cli("hook", "install", "--repo", str(root)).returncode == 0
    env = {
        "GOVMEDIA_AS_OF": "2021-01-20",
        "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}",
    }
    messages = root / "records/accounts/wx-test/messages/2021-01.toml"
    messages.parent.mkdir(parents=True)
    lines = [
        f'[[message]]\nreceived = 2021-01-{d:02d}T09:00:00\ntopic = "咨询{d}"\nasker = "群众"\n'
        for d in (18, 19, 20)
    ]
    messages.write_text("\n".join(lines), encoding="utf-8")
    git(root, "add", "-A")
    done = git(root, "commit", "-m", "登记留言", check=False, env=env)
    assert done.returncode == 0, done.stdout + done.stderr
    shown = [x for x in (done.stdout + done.stderr).splitlines() if x.startswith("govmedia 提醒")]
    assert shown[0] == "govmedia 提醒: 微信公众号·测试镇发布 本周(至 01-24 周日)还没有发布"
    assert len(shown) == 3
    assert "留言「咨询18」还没有答复,答复期限 01-25 周一 24:00" in shown[1]
    assert shown[2] == "govmedia 提醒: 还有 2 项即将到期,运行 govmedia due --account wx-test 查看"
    # A commit touching no account folder: no reminder.
    (root / "records/units/xiaozhen/unit.toml").write_text(
        (root / "records/units/xiaozhen/unit.toml").read_text("utf-8") + "\n", encoding="utf-8"
    )
    git(root, "add", "-A")
    quiet = git(root, "commit", "-m", "格式", check=False, env=env)
    assert quiet.returncode == 0
    assert "govmedia 提醒" not in quiet.stdout + quiet.stderr


def test_waived_items_are_not_listed() -> None:
    """A waiver in force the day after the deadline covers what check would report:
    due does not list it; check reports it as waived, not open."""
    files = {**units(), **account(date(2021, 3, 1))}
    as_of = date(2021, 6, 9)  # a Wednesday, no post this week
    week = "wx-t/week/2021-06-07"
    assert [i.key for i in due_items(files, as_of) if i.kind == "week"] == [week]
    files["waivers/2021-06-01-wx-t.toml"] = (
        'rule = "art-15/weekly-update"\ntarget = "records/accounts/wx-t/account.toml"\n'
        'reason = "断网"\napproved_by = "zwfwj"\napprover = "分管领导"\n'
        "approved = 2021-06-01\nexpires = 2021-06-30\n"
    )
    assert not [i for i in due_items(files, as_of) if i.kind == "week"]
    after = evaluated(files, date(2021, 6, 14)).violations
    mine = [v for v in after if week in (v.fact_key, *v.fact_keys)]
    assert mine and all(v.status == "waived" for v in mine)
