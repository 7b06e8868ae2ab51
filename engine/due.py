"""What falls due: the deadlines of the measures, computed forward from the same rule
versions and parameters ``check`` judges with.

Every item names the day by whose end (24:00) something must be done, the article,
the record and what to do. An item due on day D that is still open on D+1 is what
``check --as-of D+1`` reports as a violation; one done by D is not reported
(tests/test_due_consistency.py). Items whose deadline has passed but that can still be
done (a message still unanswered) are listed as overdue.

Nothing here copies a number of the law: each period is read from the parameters of
the rule version in force on the day that picks the version in ``check``.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator
from dataclasses import asdict, dataclass, field
from datetime import date, timedelta
from typing import Any

from engine.banner import AccountFiles, Banner
from engine.facts import Context
from engine.facts.accounts import earliest_closure, responsible_periods, uncovered
from engine.facts.interaction import answer_deadline, received_messages
from engine.facts.outsourcing import contract_periods, outsourced_from
from engine.facts.posts import _day as post_day
from engine.facts.posts import notice_exemptions
from engine.facts.supervision import SUPERVISION_DIR, closure_order
from engine.labels import DUE_KIND, EVENT_TYPE, WEEKDAY, account_zh, article_zh, label
from engine.policy import Policy, Version
from engine.records import Record
from engine.timeutil import parse_date
from engine.violations import Violation, fingerprint
from engine.workdays import CalendarMissing, WorkCalendar, missing_hint


@dataclass(frozen=True)
class DueItem:
    kind: str  # a key of labels.DUE_KIND
    deadline: date  # the last day (to its 24:00) on which it is still in time
    article: int
    check: str  # the check that reports it once late ("art-15/weekly-update")
    unit: str
    account: str | None
    path: str
    line: int
    title: str  # what, in Chinese
    todo: str  # what to do, in Chinese
    overdue: bool
    key: str  # stable id of the item (feeds' UIDs)
    fact_key: str = ""  # the fact ``check`` judges it by ("" if none)
    extra: dict[str, str] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["deadline"] = self.deadline.isoformat()
        data["deadline_time"] = "24:00"
        data["article_zh"] = article_zh(self.article)
        data["kind_zh"] = label(DUE_KIND, self.kind)
        return data


def md(day: date) -> str:
    """12-06 周日: a day as the clerk reads it in a short line."""
    return f"{day.month:02d}-{day.day:02d} {WEEKDAY[day.weekday()]}"


def monday(day: date) -> date:
    return day - timedelta(days=day.weekday())


@dataclass
class Due:
    """What ``compute`` needs: the records (authority already applied), the rulebook,
    the check date, the window and the violations ``check`` found on the check date."""

    banner: Banner
    policy: Policy
    as_of: date
    within: int
    violations: list[Violation] = field(default_factory=list)
    # account id -> the days on which it published (posts of the current weeks only)
    post_days: dict[str, list[date]] = field(default_factory=dict)
    # The waivers that count (engine/authority.py), not every waiver on file.
    waivers: list[Record] = field(kw_only=True)

    def __post_init__(self) -> None:
        self.calendar: WorkCalendar = self.banner.calendar()
        self.horizon = self.as_of + timedelta(days=self.within)
        self.ctx = Context(
            self.banner, self.calendar, self.as_of, self.policy.measures_effective, self.policy
        )
        self.missing_years: dict[int, tuple[date, str]] = {}

    def version(self, rule: str, day: date) -> Version | None:
        if day < self.policy.measures_effective or rule not in self.policy.rules:
            return None
        return self.policy.rules[rule].version_on(day)

    def name(self, files: AccountFiles) -> str:
        data = files.record.data
        return account_zh(str(data["platform"]), str(data["name"]), files.id)

    def needs_year(self, exc: CalendarMissing, day: date, why: str) -> None:
        known = self.missing_years.get(exc.year)
        if known is None or day < known[0]:
            self.missing_years[exc.year] = (day, why)


def post_months(as_of: date, within: int) -> set[str]:
    """The months (``YYYY-MM``) whose post files ``weeks`` needs."""
    first = monday(as_of)
    return {(first + timedelta(days=n)).strftime("%Y-%m") for n in range((as_of - first).days + 1)}


def count_post_days(posts: Iterable[Record]) -> list[date]:
    return [post_day(str(p["published"])) for r in posts for p in r.data["post"]]


# ---------------------------------------------------------------- the kinds


def weeks(due: Due, files: AccountFiles) -> Iterator[DueItem]:
    """Art. 15: the weeks ending in the window whose posts so far fall short."""
    first_monday = monday(due.as_of)
    tracked = files.record.data.get("tracked_from")
    start = max(files.opened, parse_date(tracked)) if tracked else files.opened
    first_judged = start if start.weekday() == 0 else monday(start) + timedelta(days=7)
    closed = files.closed_on
    # The notice periods art-15 exempts: only of a closure that follows, at most art-13's
    # notice period (engine/facts/posts.py, the same function the check uses).
    notices = notice_exemptions(due.ctx, files)[0]
    days = due.post_days.get(files.id, [])
    week = first_monday
    while week + timedelta(days=6) <= due.horizon:
        sunday = week + timedelta(days=6)
        version = due.version("art-15", week)
        judged = week >= first_judged and (closed is None or sunday < closed)
        in_notice = any(s <= sunday and week <= e for s, e in notices)
        if version is not None and judged and not in_notice:
            need = int(version.parameters["min_posts_per_week"])
            done = sum(1 for d in days if week <= d <= min(sunday, due.as_of))
            if done < need:
                if week > due.as_of:
                    title = f"{md(week)} 起的一周(至 {md(sunday)})须至少发布 {need} 条"
                elif done == 0:
                    title = f"本周(至 {md(sunday)})还没有发布"
                else:
                    title = f"本周(至 {md(sunday)})只发布了 {done} 条,至少要 {need} 条"
                yield DueItem(
                    kind="week",
                    deadline=sunday,
                    article=15,
                    check="art-15/weekly-update",
                    unit=files.unit,
                    account=files.id,
                    path=files.record.path,
                    line=files.record.line("name"),
                    title=title,
                    todo=f"{sunday.isoformat()} 24:00 前至少再发布 {need - done} 条,"
                    f"并登记到 records/accounts/{files.id}/posts/",
                    overdue=False,
                    key=f"{files.id}/week/{week.isoformat()}",
                    fact_key=f"{files.id}/week/{week.isoformat()}",
                )
        week += timedelta(days=7)


def messages(due: Due, files: AccountFiles) -> Iterator[DueItem]:
    """Art. 18: messages not answered by the check date, with their answer deadline."""
    for m in received_messages(files, due.as_of):
        if m.answer is not None:
            continue
        received = m.received
        version = due.version("art-18", received.date())
        if version is None:
            continue
        try:
            deadline = answer_deadline(
                due.calendar, received.date(), int(version.parameters["answer_working_days"])
            )
        except CalendarMissing as exc:
            due.needs_year(exc, received.date(), f"{m.stamp[:10]} 收到的留言")
            continue
        if deadline > due.horizon:
            continue
        when = m.stamp.replace("T", " ")[:16]
        yield DueItem(
            kind="message",
            deadline=deadline,
            article=18,
            check="art-18/unanswered",
            unit=files.unit,
            account=files.id,
            path=m.record.path,
            line=m.record.line("message", m.index, "received"),
            title=f"{when} 收到的留言「{m.data['topic']}」还没有答复,答复期限 {md(deadline)} 24:00",
            todo=f"答复留言,并在 {m.record.path} 中填写答复时间(answered)",
            overdue=deadline < due.as_of,
            key=m.key,
            fact_key=m.key,
        )


def latest_notice_start(calendar: WorkCalendar, closed: date, needed: int) -> date:
    """The last day a notice can be published for a closure on ``closed`` to be lawful."""
    day = closed - timedelta(days=1)
    while earliest_closure(calendar, day, needed) > closed:
        day -= timedelta(days=1)
    return day


def closures(due: Due, files: AccountFiles) -> Iterator[DueItem]:
    """Art. 13: a closure 因工作原因 planned after the check date, or a notice running
    without a closure yet: the steps still missing and the earliest lawful closure date."""
    closure = files.closure
    notices = files.events_of("notice")
    notice = max(notices, key=lambda e: str(e.data["start"]), default=None)
    if closure is not None:
        planned = parse_date(closure.data["date"])
        if planned <= due.as_of or closure_order(due.ctx, files, closure) is not None:
            return
        record, where, day = closure, ("date",), planned
    elif notice is not None and parse_date(notice.data["end"]) >= due.as_of:
        planned = None
        record, where, day = notice, ("start",), parse_date(notice.data["start"])
    else:
        return
    version = due.version("art-13", day)
    if version is None:
        return
    needed = int(version.parameters["min_notice_working_days"])
    steps = {
        "closure-decision": "集体研究或主要领导同意的关停决定",
        "filing": EVENT_TYPE["filing"],
        "notice": "向社会公告",
    }
    missing = [text for kind, text in steps.items() if not files.events_of(kind)]
    earliest = None
    if notice is not None:
        start = parse_date(notice.data["start"])
        try:
            earliest = earliest_closure(due.calendar, start, needed)
        except CalendarMissing as exc:
            due.needs_year(exc, start, f"{start.isoformat()} 发布的关停公告")
            return
    name = due.name(files)
    if planned is None:
        assert earliest is not None
        deadline = earliest
        title = (
            f"关停公告({notice.data['start'] if notice else ''} 发布)须满 {needed} 个工作日,"
            f"最早可于 {md(earliest)} 关停"
        )
        todo = "关停前还须:" + "、".join(missing) if missing else "公告期满后关停,并登记关停记录"
    else:
        deadline = planned
        if earliest is None:
            latest = latest_notice_start(due.calendar, planned, needed)
            title = f"计划于 {md(planned)} 关停,还没有关停公告;公告最迟须于 {md(latest)} 发布"
            deadline = latest
        elif earliest > planned:
            title = (
                f"计划于 {md(planned)} 关停,但公告须满 {needed} 个工作日,"
                f"最早可于 {md(earliest)} 关停"
            )
        else:
            title = f"计划于 {md(planned)} 关停(最早可关停日 {md(earliest)})"
        todo = (
            f"关停前({planned.isoformat()} 之前或当天)还须:" + "、".join(missing)
            if missing
            else "按计划关停"
        )
        if earliest is not None and earliest > planned:
            todo = f"把关停日期推迟到 {earliest.isoformat()} 或之后;" + todo
    yield DueItem(
        kind="closure",
        deadline=deadline,
        article=13,
        check="art-13/notice-too-short",
        unit=files.unit,
        account=files.id,
        path=record.path,
        line=record.line(*where),
        title=f"{name}:{title}",
        todo=todo,
        overdue=deadline < due.as_of,
        key=f"{files.id}/closure",
        fact_key=f"{files.id}/closure",
        extra={"earliest_closure": earliest.isoformat() if earliest else ""},
    )


def coverage(
    due: Due,
    files: AccountFiles,
    kind: str,
    rule: str,
    check: str,
    periods: list[tuple[date, date]],
    start: date,
    record: Record,
    where: tuple[str, ...],
    what: Callable[[date], tuple[str, str]],
) -> Iterator[DueItem]:
    """Arts 7, 19: a period (contract, responsible person) that ends in the window, or
    has already ended, with no other one from the next day: the gap ``check`` reports."""
    closed = files.closed_on
    last = due.horizon + timedelta(days=1)
    if closed is not None:
        last = min(last, closed - timedelta(days=1))
    for begin, end in uncovered(max(start, due.policy.measures_effective), last, periods):
        if end < due.as_of:
            continue  # a gap that is over: history, not something to do
        version = due.version(rule, begin)
        if version is None:
            continue
        deadline = (
            begin - timedelta(days=1) + timedelta(days=int(version.parameters["max_gap_days"]))
        )
        if deadline > due.horizon:
            continue
        title, todo = what(begin)
        yield DueItem(
            kind=kind,
            deadline=deadline,
            article=int(rule.removeprefix("art-")),
            check=check,
            unit=files.unit,
            account=files.id,
            path=record.path,
            line=record.line(*where),
            title=title,
            todo=todo,
            overdue=deadline < due.as_of,
            key=f"{files.id}/{kind}/{begin.isoformat()}",
            fact_key=f"{files.id}/{'contract-gap' if kind == 'contract' else 'gap'}/{begin.isoformat()}",
        )


def contracts(due: Due, files: AccountFiles) -> Iterator[DueItem]:
    data = files.record.data
    if data.get("operated_by") != "contractor":
        return
    events = files.events_of("contract")
    ending = max(events, key=lambda e: str(e.data["end"]), default=None)

    def what(begin: date) -> tuple[str, str]:
        if begin > due.as_of:
            title = f"委托合同 {md(begin - timedelta(days=1))} 到期,之后没有续签的合同"
        else:
            title = f"自 {begin.isoformat()} 起没有生效的委托合同"
        return title, "续签委托合同(明确权责、签订保密协议、审查资质),用 govmedia new contract 登记"

    yield from coverage(
        due,
        files,
        "contract",
        "art-07",
        "art-07/no-contract",
        contract_periods(files),
        outsourced_from(files),
        ending or files.record,
        ("end",) if ending else ("operated_by",),
        what,
    )


def responsibles(due: Due, files: AccountFiles) -> Iterator[DueItem]:
    events = files.events_of("responsible")
    ending = max(
        (e for e in events if "to" in e.data), key=lambda e: str(e.data["to"]), default=None
    )

    def what(begin: date) -> tuple[str, str]:
        if begin > due.as_of:
            title = f"负责人任期 {md(begin - timedelta(days=1))} 结束,之后没有指定新的负责人"
        else:
            title = f"自 {begin.isoformat()} 起没有指定负责人"
        return title, "指定接任的负责人(任期从前任结束的次日起),用 govmedia new responsible 登记"

    yield from coverage(
        due,
        files,
        "responsible",
        "art-19",
        "art-19/no-responsible-person",
        responsible_periods(files),
        files.opened,
        ending or files.record,
        ("to",) if ending else ("name",),
        what,
    )


def orders(due: Due) -> Iterator[DueItem]:
    """Arts 23, 24: open rectification orders and ordered closures, by their deadline."""
    for record in due.banner.supervision:
        data = record.data
        name = record.path.rsplit("/", 1)[-1]
        if data["type"] == "rectification-order":
            if parse_date(data["issued"]) > due.as_of:
                continue
            if "closed" in data and parse_date(data["closed"]) <= due.as_of:
                continue
            unit = str(data.get("unit") or due.banner.accounts[str(data["account"])].unit)
            account = str(data["account"]) if "account" in data else None
            rule, kind, check, fact = "art-23", "rectification", "art-23/overdue", "rectification"
            title = f"整改通知(问题:{data['issue']})"
            todo = f"完成整改,并在 {record.path} 中填写完成日期(closed)"
        elif data["type"] == "sanction" and data.get("measure") == "ordered-closure":
            if parse_date(data["date"]) > due.as_of:
                continue
            files = due.banner.accounts[str(data["account"])]
            closed = files.closed_on
            if closed is not None and closed <= due.as_of:
                continue
            unit, account = files.unit, files.id
            rule, kind, check, fact = "art-24", "sanction", "art-24/not-closed", "ordered-closure"
            title = f"{due.name(files)} 被责令关闭"
            todo = (
                f'关停账号,并登记关停记录(ground = "ordered",'
                f'order = "{record.path.removeprefix(SUPERVISION_DIR).removesuffix(".toml")}")'
            )
        else:
            continue
        deadline = parse_date(data["deadline"])
        version = due.version(rule, deadline)
        if version is None:
            continue
        last = deadline + timedelta(days=int(version.parameters["grace_days"]))
        if last > due.horizon:
            continue
        yield DueItem(
            kind=kind,
            deadline=last,
            article=int(rule.removeprefix("art-")),
            check=check,
            unit=unit,
            account=account,
            path=record.path,
            line=record.line("deadline"),
            title=f"{title},期限 {md(deadline)}",
            todo=todo,
            overdue=last < due.as_of,
            key=f"{fact}/{name}",
            fact_key=f"{fact}/{name}",
        )


def evidence(due: Due) -> Iterator[DueItem]:
    """Art. 20: systems and plans a unit needs from the first day it hosts an active
    account (from the check date, or from an account's opening in the window)."""
    first_host: dict[str, date] = {}  # the first day (from the check date) it hosts
    since: dict[str, date] = {}  # hosting on the check date: the earliest opening
    for files in due.banner.accounts.values():
        if files.account is None:
            continue
        day = max(files.opened, due.as_of)
        if day <= due.horizon and files.active_on(day):
            first_host[files.unit] = min(first_host.get(files.unit, day), day)
        if files.active_on(due.as_of):
            opened = max(files.opened, due.policy.measures_effective)
            since[files.unit] = min(since.get(files.unit, opened), opened)
    for unit_id, day in sorted(first_host.items()):
        version = due.version("art-20", day)
        if version is None:
            continue
        required: dict[str, str] = dict(version.parameters.get("required", {}))
        items = due.banner.evidence.get(unit_id, [])
        unit = due.banner.units[unit_id]
        for kind, text in required.items():
            adopted = [parse_date(r.data["adopted"]) for r in items if r.data["type"] == kind]
            if any(a <= day for a in adopted):
                continue
            deadline = since.get(unit_id, day)
            yield DueItem(
                kind="evidence",
                deadline=deadline,
                article=20,
                check="art-20/missing",
                unit=unit_id,
                account=None,
                path=unit.path,
                line=unit.line("name"),
                title=f"单位主办政务新媒体,还没有{text}的记录",
                todo=f"印发{text},并登记到 records/units/{unit_id}/evidence/"
                "(govmedia new evidence)",
                overdue=deadline < due.as_of,
                key=f"{unit_id}/evidence/{kind}",
                fact_key=f"{unit_id}/evidence/{kind}",
            )


def waivers(due: Due) -> Iterator[DueItem]:
    """Waivers that expire in the window while they still hide a violation."""
    hidden: dict[str, list[Violation]] = defaultdict(list)
    for violation in due.violations:
        if violation.status == "waived" and violation.waiver:
            hidden[violation.waiver].append(violation)
    for waiver in due.waivers:
        expires = parse_date(waiver.data["expires"])
        if not due.as_of <= expires <= due.horizon or waiver.path not in hidden:
            continue
        for violation in hidden[waiver.path]:
            yield DueItem(
                kind="waiver",
                deadline=expires,
                article=violation.article,
                check=violation.check_id,
                unit=violation.unit,
                account=violation.account,
                path=waiver.path,
                line=waiver.line("expires"),
                title=f"豁免 {md(expires)} 到期,此后这处违规重新计入:{violation.message}",
                todo="改正记录所述的问题;确需继续例外的,到期前请主管单位另行批准豁免",
                overdue=False,
                key=f"waiver/{waiver.path.rsplit('/', 1)[-1]}/{violation.fingerprint}",
                fact_key=violation.fact_key,
                extra={"fingerprint": violation.fingerprint},
            )


def calendars(due: Due) -> Iterator[DueItem]:
    """Years of the working-day calendar needed in the window and not recorded.

    A year is needed once a day in the window lies in it, or once a message received in
    the window, or a closure notice published in it, has its period run into it.
    """
    answer = due.version("art-18", due.horizon)
    notice = due.version("art-13", due.horizon)
    day = due.as_of
    while day <= due.horizon:
        try:
            due.calendar.is_workday(day)
            if answer is not None:
                answer_deadline(due.calendar, day, int(answer.parameters["answer_working_days"]))
        except CalendarMissing as exc:
            due.needs_year(exc, day, f"{day.isoformat()} 起收到的留言")
        if notice is not None:
            try:
                due.calendar.add_working_days(
                    day, int(notice.parameters["min_notice_working_days"])
                )
            except CalendarMissing as exc:
                due.needs_year(exc, day, f"{day.isoformat()} 起发布的关停公告")
        day += timedelta(days=1)
    supervisor = due.version("art-06", due.horizon)
    supervising = str(supervisor.parameters.get("supervising_unit", "")) if supervisor else ""
    for year, (needed, why) in sorted(due.missing_years.items()):
        path = f"records/calendar/{year}.toml"
        yield DueItem(
            kind="calendar",
            deadline=needed,
            article=0,
            check="calendar-missing",
            unit=supervising,
            account=None,
            path=path,
            line=0,
            title=f"{year} 年的工作日历还没有登记,{why}无法推算期限",
            todo=missing_hint(year),
            overdue=needed < due.as_of,
            key=f"calendar/{year}",
        )


ACCOUNT_KINDS = (weeks, messages, closures, contracts, responsibles)


def waived(due: Due, item: DueItem) -> bool:
    """Whether a waiver in force the day after the deadline would cover what ``check``
    then reports (same rule or check, same record; its fingerprint, if it names one)."""
    if not item.fact_key or item.kind == "waiver":
        return False
    day = item.deadline + timedelta(days=1)
    target = item.path
    if item.kind in ("contract", "responsible") and item.account:
        target = due.banner.accounts[item.account].record.path  # gaps are the account's
    rule, check = item.check.split("/", 1)
    for waiver in due.waivers:
        data = waiver.data
        if not parse_date(data["approved"]) <= day <= parse_date(data["expires"]):
            continue
        if str(data["rule"]) not in (rule, item.check) or data["target"] != target:
            continue
        named = data.get("fingerprint")
        if named is None or named == fingerprint(rule, check, item.fact_key):
            return True
    return False


def compute(
    due: Due, units: Iterable[str] | None = None, accounts: Iterable[str] | None = None
) -> list[DueItem]:
    """Everything due by the end of the window (and what is overdue but still open),
    for the given units or accounts (all when neither is given), by deadline."""
    unit_set = set(units) if units else None
    account_set = set(accounts) if accounts else None
    found: list[DueItem] = []
    for files in due.banner.accounts.values():
        if files.account is None:
            continue
        if account_set is not None and files.id not in account_set:
            continue
        if unit_set is not None and files.unit not in unit_set:
            continue
        if files.closed_on is not None and files.closed_on <= due.as_of:
            continue
        for kind in ACCOUNT_KINDS:
            found.extend(kind(due, files))
    if account_set is None:
        found.extend(evidence(due))
    found.extend(orders(due))
    found.extend(waivers(due))
    found.extend(calendars(due))

    def wanted(item: DueItem) -> bool:
        if account_set is not None and item.account not in account_set:
            return item.kind == "calendar"
        if unit_set is not None and item.unit not in unit_set:
            return item.kind == "calendar"
        return True

    found = [i for i in found if wanted(i) and not waived(due, i)]
    found.sort(key=lambda i: (i.deadline, i.unit, i.account or "", i.kind, i.key))
    return found
