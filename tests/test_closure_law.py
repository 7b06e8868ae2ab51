"""The law of closures (art. 13 against art. 24) and of the measures' effective date.

- The 15 working days of a closure notice are counted from the day after its
  publication (民法典 第二百零一条) to the day before the closure; the earliest lawful
  closure date comes from the working-day calendar and is shown by ``check`` and
  ``explain``.
- A closure ordered by the supervising department (``ground = "ordered"``) is judged
  by art. 24 alone, and must point at an existing order of its account.
- No fact dated before the measures took effect is judged, by any rule.
"""

from __future__ import annotations

import json
import shutil
from datetime import date, timedelta
from pathlib import Path

import pytest
from conftest import BASE_AS_OF, ROOT, base_records, git, run_cli, write_records
from signing import authority, commit

from engine import policy, snapshot
from engine.cache import Cache
from engine.evaluate import evaluate
from engine.facts.accounts import earliest_closure, notice_working_days
from engine.workdays import WorkCalendar

WB = "accounts/wb-old/events"
STEPS = (f"{WB}/decision.toml", f"{WB}/filing.toml", f"{WB}/notice.toml")
ORDER = """type = "sanction"
measure = "ordered-closure"
account = "wb-old"
date = 2020-09-16
deadline = 2020-09-21
reason = "长期无力维护"
"""


def _signed(root: Path, files: dict[str, str]) -> Path:
    """``files`` committed in a new repository at ``root``, signed by the supervising unit
    (zwfwj), so that its supervision records carry authority (docs/decisions/0007)."""
    write_records(root, {**files, "authority.toml": authority(("zwfwj", "zwfwj"))})
    git(root, "init", "-q")
    commit(root, "记录", "zwfwj")
    return root


def _base_without(*paths: str) -> dict[str, str]:
    return {k: v for k, v in base_records().items() if k not in paths}


# ---------------------------------------------------------------- counting


def test_the_publication_day_does_not_count() -> None:
    calendar = WorkCalendar()
    closed = date(2020, 10, 22)
    # The base: published Thursday 09-24, counted 09-25..10-21 across National Day 2020.
    assert notice_working_days(calendar, date(2020, 9, 24), date(2020, 10, 21), closed) == 15
    # Published a working day later: 14, although the notice "starts" on a working day.
    assert notice_working_days(calendar, date(2020, 9, 25), date(2020, 10, 21), closed) == 14
    # The closure day is no notice time, whatever the notice's end says.
    assert notice_working_days(calendar, date(2020, 9, 24), date(2020, 11, 30), closed) == 15
    assert earliest_closure(calendar, date(2020, 9, 24), 15) == closed
    # The 15th working day is the make-up Saturday 10-10: closing on Sunday 10-11 is lawful.
    assert earliest_closure(calendar, date(2020, 9, 14), 15) == date(2020, 10, 11)


@pytest.mark.parametrize("year", [2020, 2024, 2025, 2026])
def test_earliest_closure_is_exactly_the_boundary(year: int) -> None:
    """For every publication day of a year: closing on the earliest date gives exactly the
    required count, closing a day earlier does not."""
    calendar = WorkCalendar()
    start = date(year, 1, 1)
    last = date(year, 11, 30)
    while start <= last:
        first = earliest_closure(calendar, start, 15)
        far = first + timedelta(days=60)
        assert notice_working_days(calendar, start, far, first) == 15, start
        assert notice_working_days(calendar, start, far, first - timedelta(days=1)) == 14, start
        start += timedelta(days=1)


def _violations(root: Path, *args: str, as_of: str = BASE_AS_OF) -> list[dict[str, object]]:
    out = run_cli("check", "--repo", str(root), "--as-of", as_of, "--format", "json", *args)
    assert out.returncode in (0, 1), out.stderr
    return list(json.loads(out.stdout)["violations"])


def test_check_and_explain_give_the_earliest_lawful_closure_date(tmp_path: Path) -> None:
    # Published Friday 2020-09-25, closed 10-22: 14 working days. The 15th working day
    # after the publication is 10-22 itself, so the earliest lawful closure is 10-23.
    notice = 'type = "notice"\nstart = 2020-09-25\nend = 2020-10-21\n'
    write_records(tmp_path, {**base_records(), f"{WB}/notice.toml": notice})
    expected = earliest_closure(WorkCalendar(), date(2020, 9, 25), 15).isoformat()
    assert expected == "2020-10-23"
    found = [v for v in _violations(tmp_path) if v["check"] == "notice-too-short"]
    assert len(found) == 1
    violation = found[0]
    assert f"最早可于 {expected} 关停" in str(violation["message"])
    assert "须至少持续到 2020-10-22" in str(violation["hint"])

    out = run_cli(
        "explain", str(violation["fingerprint"]), "--repo", str(tmp_path), "--as-of", BASE_AS_OF
    )
    assert out.returncode == 0, out.stderr
    assert f"最早可合法关停的日期: {expected}" in out.stdout
    assert "公告至少须持续到(含): 2020-10-22" in out.stdout


def test_an_earliest_date_beyond_the_calendar_is_named_not_guessed(tmp_path: Path) -> None:
    # Published 2026-12-15, closed 12-30: the 15th working day after the publication
    # falls in 2027, which no calendar covers. The violation is still reported; its
    # earliest closure date says why it cannot be computed instead of guessing.
    prefix = "accounts/dy-2026"
    files = {
        f"{prefix}/account.toml": 'unit = "xiaozhen"\nname = "测试镇发布"\nplatform = "douyin"\n'
        'certification = "测试镇人民政府"\nopened = 2026-06-01\n',
        f"{prefix}/events/decision.toml": 'type = "closure-decision"\ndate = 2026-12-14\n'
        'basis = "collective"\n',
        f"{prefix}/events/filing.toml": 'type = "filing"\ndate = 2026-12-14\nwith = "zwfwj"\n',
        f"{prefix}/events/notice.toml": 'type = "notice"\nstart = 2026-12-15\nend = 2026-12-29\n',
        f"{prefix}/events/closure.toml": 'type = "closure"\ndate = 2026-12-30\n',
    }
    write_records(tmp_path, {**base_records(), **files})
    found = [
        v for v in _violations(tmp_path, as_of="2026-12-31") if v["check"] == "notice-too-short"
    ]
    assert len(found) == 1
    assert "最早可于 无法推算(工作日历不包含 2027 年" in str(found[0]["message"])
    assert "补充 records/calendar/2027.toml 后即可推算" in str(found[0]["message"])


# ---------------------------------------------------------------- ordered closures


def _evaluate(root: Path, as_of: str, policy_dir: Path = ROOT / "policy") -> list[str]:
    result = evaluate(
        snapshot.from_worktree(root),
        policy.load(policy_dir),
        date.fromisoformat(as_of),
        Cache(None),
    )
    return sorted(f"{v.check_id}@{v.path}" for v in result.open)


def test_an_ordered_closure_that_follows_its_order_breaks_no_rule(tmp_path: Path) -> None:
    # Ordered on Wednesday 09-16, closed on the deadline, Monday 09-21: the account posted
    # in every full week it was active (art-15), and no notice or filing is needed.
    closure = (
        'type = "closure"\ndate = 2020-09-21\nground = "ordered"\norder = "2020-09-16-wb-old"\n'
    )
    files = {
        **_base_without(*STEPS),
        "supervision/2020-09-16-wb-old.toml": ORDER,
        f"{WB}/closure.toml": closure,
    }
    _signed(tmp_path / "ordered", files)
    assert _evaluate(tmp_path / "ordered", BASE_AS_OF) == []
    art13 = ["art-13/no-decision", "art-13/no-filing", "art-13/no-notice"]
    # The same closure stated as the unit's own decision is judged by art-13.
    own = {**files, f"{WB}/closure.toml": 'type = "closure"\ndate = 2020-09-21\nground = "work"\n'}
    _signed(tmp_path / "own", own)
    assert [v.split("@")[0] for v in _evaluate(tmp_path / "own", BASE_AS_OF)] == art13
    # An order its unit has not signed does not count yet: the closure is the unit's own.
    unsigned = tmp_path / "unsigned"
    write_records(unsigned, files)
    git(unsigned, "init", "-q")
    commit(unsigned)
    assert [v.split("@")[0] for v in _evaluate(unsigned, BASE_AS_OF)] == art13


INTERVIEW = 'type = "sanction"\nmeasure = "interview"\naccount = "wb-old"\ndate = 2020-09-16\n'
OTHER = ORDER.replace('account = "wb-old"', 'account = "wx-test"')
LATER = ORDER.replace("date = 2020-09-16", "date = 2020-10-23").replace(
    "deadline = 2020-09-21", "deadline = 2020-10-30"
)


@pytest.mark.parametrize(
    ("supervision", "closure", "line", "words"),
    [
        ({}, 'ground = "ordered"\norder = "2020-09-16-wb-old"', 4, ["不存在", "order"]),
        (
            {"supervision/2020-09-16-wb-old.toml": INTERVIEW},
            'ground = "ordered"\norder = "2020-09-16-wb-old"',
            4,
            ["不是责令关闭"],
        ),
        (
            {"supervision/2020-09-16-wx-test.toml": OTHER},
            'ground = "ordered"\norder = "2020-09-16-wx-test"',
            4,
            ["wx-test", "不是本账号"],
        ),
        (
            {"supervision/2020-09-16-wb-old.toml": LATER},
            'ground = "ordered"\norder = "2020-09-16-wb-old"',
            2,
            ["早于责令关闭的日期"],
        ),
        (
            {"supervision/2020-09-16-wb-old.toml": ORDER},
            'order = "2020-09-16-wb-old"',
            3,
            ['ground = "ordered"'],
        ),
        ({}, 'ground = "ordered"', 1, ["缺少必填字段 整改通知(order)"]),
    ],
    ids=[
        "记录不存在",
        "不是责令关闭",
        "其他账号的处置",
        "关停早于处置",
        "有order无ground",
        "无order",
    ],
)
def test_a_broken_order_reference_exits_2(
    tmp_path: Path, supervision: dict[str, str], closure: str, line: int, words: list[str]
) -> None:
    text = f'type = "closure"\ndate = 2020-10-22\n{closure}\n'
    _signed(tmp_path, {**base_records(), **supervision, f"{WB}/closure.toml": text})
    before = {p: p.read_bytes() for p in tmp_path.rglob("*.toml")}
    out = run_cli("check", "--repo", str(tmp_path), "--as-of", BASE_AS_OF, "--no-cache")
    assert out.returncode == 2, out.stdout + out.stderr
    assert f"records/{WB}/closure.toml:{line}:" in out.stderr
    for word in words:
        assert word in out.stderr
    assert "修改方法" in out.stderr and "Traceback" not in out.stderr
    assert {p: p.read_bytes() for p in tmp_path.rglob("*.toml")} == before


# ---------------------------------------------------------------- the effective date

# A banner whose every record is dated before 2020-08-29 and that breaks most rules.
BEFORE = {
    "units/zwfwj/unit.toml": base_records()["units/zwfwj/unit.toml"],
    "units/xiaozhen/unit.toml": """name = "测试镇人民政府"
type = "town"
supervising_office = "党政综合办公室"
website_office = "党政综合办公室"
newmedia_office = "党政综合办公室"
sectors = ["other"]
internal_bodies = ["党政综合办公室", "综治办"]
""",
    "accounts/xhs-2019/account.toml": """unit = "xiaozhen"
name = "测试镇综治办"
platform = "xiaohongshu"
opened = 2019-03-04
purpose = "event"
operated_by = "contractor"
collects = ["姓名", "身份证号"]
needs = ["姓名"]
""",
    "accounts/xhs-2019/events/contract.toml": """type = "contract"
contractor = "测试文化传媒有限公司"
start = 2020-03-02
end = 2020-12-31
""",
    "accounts/xhs-2019/events/incident.toml": """type = "incident"
date = 2020-06-10
kind = "account-hijack"
description = "账号被盗用"
""",
    "accounts/xhs-2019/events/leak.toml": """type = "incident"
date = 2020-06-11
kind = "data-leak"
description = "用户信息泄露"
""",
    "accounts/xhs-2019/events/closure.toml": 'type = "closure"\ndate = 2020-08-20\nground = "work"\n',
    "accounts/xhs-2019/posts/2020-07.toml": """[[post]]
published = 2020-07-07T10:00:00
title = "测试镇惠民政策解读"
category = "policy"
ad = true
personal_opinion = true
personal_data = true
concerns_units = ["zwfwj"]

[[post.review]]
level = 1
at = 2020-07-07T11:00:00

[[post]]
published = 2020-07-14T10:00:00
title = "转载"
category = "routine"
repost = { source_unit = "某公众号" }
""",
    "accounts/xhs-2019/messages/2020-07.toml": """[[message]]
received = 2020-07-01T09:00:00
topic = "咨询"
""",
    "supervision/2020-06-01-rectification.toml": """type = "rectification-order"
unit = "xiaozhen"
account = "xhs-2019"
issued = 2020-06-01
deadline = 2020-07-01
issue = "长期不更新"
""",
    "supervision/2020-07-01-sanction.toml": """type = "sanction"
measure = "ordered-closure"
account = "xhs-2019"
date = 2020-07-01
deadline = 2020-08-01
""",
}


def _measures_from(tmp_path: Path, day: str) -> Path:
    """A copy of the rulebook whose measures (and every first version) start on ``day``."""
    target = tmp_path / "policy"
    shutil.copytree(ROOT / "policy", target)
    art25 = target / "art-25.toml"
    text = art25.read_text("utf-8")
    assert 'effective_date = "2020-08-29"' in text
    art25.write_text(text.replace('effective_date = "2020-08-29"', f'effective_date = "{day}"'))
    return target


@pytest.mark.parametrize("as_of", ["2020-08-28", "2021-01-17", "2026-11-26"])
def test_nothing_dated_before_the_measures_is_judged(tmp_path: Path, as_of: str) -> None:
    root = _signed(tmp_path / "banner", BEFORE)
    assert _evaluate(root, as_of) == []
    # The same records would break most rules had the measures been in force then.
    earlier = _evaluate(root, as_of, _measures_from(tmp_path, "2019-01-01"))
    rules = {v.split("/")[0] for v in earlier}
    # Every rule judging accounts, posts, events or supervision records; the unit rules
    # (arts. 6, 8, 10) judge the units as they are on the check date, and they are lawful.
    judged = {f"art-{n:02d}" for n in (2, 7, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 23, 24)}
    assert judged <= rules, sorted(judged - rules)


def test_a_version_claiming_an_earlier_start_still_judges_nothing_before_the_measures(
    tmp_path: Path,
) -> None:
    """The effective date is enforced in one place for every rule, not left to each
    version's ``effective_from``: a first version written to start earlier (by mistake)
    still does not judge a closure made before the measures."""
    target = tmp_path / "policy"
    shutil.copytree(ROOT / "policy", target)
    art13 = target / "art-13.toml"
    text = art13.read_text("utf-8")
    assert text.count('effective_from = "measures"') == 1
    art13.write_text(text.replace('effective_from = "measures"', 'effective_from = "2019-01-01"'))
    assert policy.load(target).rules["art-13"].versions[0].effective_from == date(2019, 1, 1)
    root = _signed(tmp_path / "banner", BEFORE)
    assert _evaluate(root, BASE_AS_OF, target) == []
