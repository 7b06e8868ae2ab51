"""The banner's records, indexed and cross-checked: units, accounts and their files."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date

from engine.errors import InputError, InputErrors
from engine.records import Record
from engine.timeutil import iso_local, parse_date, parse_datetime
from engine.workdays import DayOverride, WorkCalendar


@dataclass
class AccountFiles:
    """One account's folder: account.toml, its events and its monthly post files."""

    id: str
    account: Record | None = None
    events: list[Record] = field(default_factory=list)
    posts: list[Record] = field(default_factory=list)
    post_paths: list[str] = field(default_factory=list)  # known even before posts are parsed
    messages: list[Record] = field(default_factory=list)  # public messages, one file a month

    @property
    def record(self) -> Record:
        assert self.account is not None
        return self.account

    @property
    def unit(self) -> str:
        return str(self.record.data["unit"])

    @property
    def opened(self) -> date:
        return parse_date(self.record.data["opened"])

    def events_of(self, kind: str) -> list[Record]:
        return [e for e in self.events if e.data["type"] == kind]

    @property
    def closure(self) -> Record | None:
        closures = self.events_of("closure")
        return max(closures, key=lambda r: r.data["date"]) if closures else None

    @property
    def closed_on(self) -> date | None:
        closure = self.closure
        return parse_date(closure.data["date"]) if closure else None

    def active_on(self, day: date) -> bool:
        closed = self.closed_on
        return self.opened <= day and (closed is None or day < closed)


@dataclass
class Banner:
    units: dict[str, Record]
    accounts: dict[str, AccountFiles]
    calendars: list[Record]
    waivers: list[Record]
    evidence: dict[str, list[Record]] = field(default_factory=dict)  # unit id -> systems, plans
    supervision: list[Record] = field(default_factory=list)  # rectification orders, sanctions
    # Paths of supervision records present but left out for lack of authority (engine/authority.py).
    withheld: frozenset[str] = frozenset()

    def unit_name(self, unit_id: str) -> str:
        return str(self.units[unit_id].data["name"])

    def calendar(self) -> WorkCalendar:
        overrides = []
        complete = []
        for record in self.calendars:
            if record.data["complete"]:
                complete.append(int(record.data["year"]))
            for i, day in enumerate(record.data.get("day", [])):
                d = parse_date(day["date"])
                if d.year != record.data["year"]:
                    raise InputError(
                        f"日期 {d.isoformat()} 不属于本文件声明的 {record.data['year']} 年",
                        path=record.path,
                        line=record.line("day", i, "date"),
                        hint="把这一天移到对应年份的日历文件中。",
                    )
                overrides.append(DayOverride(d, day["kind"] == "workday", day["name"], record.path))
        return WorkCalendar(overrides, complete)


def build(records: list[Record], post_paths: dict[str, list[str]] | None = None) -> Banner:
    """Index records by entity and check every cross-reference."""
    units: dict[str, Record] = {}
    accounts: dict[str, AccountFiles] = {}
    calendars: list[Record] = []
    waivers: list[Record] = []
    evidence: dict[str, list[Record]] = {}
    supervision: list[Record] = []

    def files(account_id: str) -> AccountFiles:
        return accounts.setdefault(account_id, AccountFiles(account_id))

    for record in records:
        if record.kind == "unit":
            units[record.ids["unit"]] = record
        elif record.kind == "account":
            files(record.ids["account"]).account = record
        elif record.kind == "event":
            files(record.ids["account"]).events.append(record)
        elif record.kind == "posts":
            files(record.ids["account"]).posts.append(record)
        elif record.kind == "calendar":
            calendars.append(record)
        elif record.kind == "waiver":
            waivers.append(record)
        elif record.kind == "messages":
            files(record.ids["account"]).messages.append(record)
        elif record.kind == "evidence":
            evidence.setdefault(record.ids["unit"], []).append(record)
        elif record.kind == "supervision":
            supervision.append(record)
    for account_id, paths in (post_paths or {}).items():
        files(account_id).post_paths = sorted(paths)
    for entry in accounts.values():
        if not entry.post_paths:
            entry.post_paths = sorted(r.path for r in entry.posts)
    for entry in accounts.values():
        entry.messages.sort(key=lambda r: r.path)
    banner = Banner(
        units,
        dict(sorted(accounts.items())),
        calendars,
        waivers,
        {u: sorted(rs, key=lambda r: r.path) for u, rs in sorted(evidence.items())},
        sorted(supervision, key=lambda r: r.path),
    )
    _check_references(banner)
    return banner


def _check_references(banner: Banner) -> None:
    errors: list[InputError] = []

    def unit_ref(record: Record, key: str, value: object) -> None:
        if value is not None and value not in banner.units:
            errors.append(
                InputError(
                    f"单位「{value}」不存在",
                    path=record.path,
                    line=record.line(key),
                    hint="单位 id 是 records/units/ 下的目录名;先登记该单位,或改正拼写。",
                )
            )

    def account_ref(record: Record, key: str, value: object) -> None:
        if value is not None and value not in banner.accounts:
            errors.append(
                InputError(
                    f"账号「{value}」不存在",
                    path=record.path,
                    line=record.line(key),
                    hint="账号 id 是 records/accounts/ 下的目录名;改正拼写。",
                )
            )

    for record in banner.units.values():
        unit_ref(record, "superior", record.data.get("superior"))
        account_ref(record, "publishes_via", record.data.get("publishes_via"))
    for entry in banner.accounts.values():
        if entry.account is None:
            others = entry.events + entry.posts + entry.messages
            some = others[0] if others else None
            errors.append(
                InputError(
                    f"账号目录 records/accounts/{entry.id}/ 缺少 account.toml",
                    path=some.path if some else None,
                    hint="先用 govmedia new account 登记账号,再录入它的事件和发布记录。",
                )
            )
            continue
        unit_ref(entry.account, "unit", entry.account.data["unit"])
        for event in entry.events:
            if event.data["type"] == "filing":
                unit_ref(event, "with", event.data["with"])
            _check_period(event, errors)
    for waiver in banner.waivers:
        unit_ref(waiver, "approved_by", waiver.data["approved_by"])
    _check_extra_references(banner, unit_ref, account_ref, errors)
    if errors:
        raise InputErrors(errors)


def _check_extra_references(
    banner: Banner,
    unit_ref: Callable[[Record, str, object], None],
    account_ref: Callable[[Record, str, object], None],
    errors: list[InputError],
) -> None:
    """Evidence, messages and supervision records: their units and accounts exist, dates agree."""
    for unit_id, items in banner.evidence.items():
        if unit_id not in banner.units:
            errors.append(
                InputError(
                    f"单位目录 records/units/{unit_id}/ 缺少 unit.toml",
                    path=items[0].path,
                    hint="先登记该单位(unit.toml),再录入它的制度和预案。",
                )
            )
        for record in items:
            adopted, reviewed = record.data["adopted"], record.data.get("reviewed")
            if reviewed and reviewed < adopted:
                errors.append(
                    InputError(
                        f"复核日期 {reviewed} 早于印发日期 {adopted}",
                        path=record.path,
                        line=record.line("reviewed"),
                        hint="检查两个日期是否写反。",
                    )
                )
    for entry in banner.accounts.values():
        for record in entry.messages:
            month = record.ids["month"]
            for i, message in enumerate(record.data["message"]):
                received = parse_datetime(str(message["received"]))
                if not iso_local(received).startswith(month):
                    errors.append(
                        InputError(
                            f"收到留言的时间 {message['received']} 不在本文件的月份 {month} 内",
                            path=record.path,
                            line=record.line("message", i, "received"),
                            hint=f"把这条留言移到 messages/{iso_local(received)[:7]}.toml。",
                        )
                    )
                answered = message.get("answered")
                if answered and parse_datetime(str(answered)) < received:
                    errors.append(
                        InputError(
                            f"答复时间 {answered} 早于收到留言的时间 {message['received']}",
                            path=record.path,
                            line=record.line("message", i, "answered"),
                            hint="检查答复时间是否写错。",
                        )
                    )
    for record in banner.supervision:
        unit_ref(record, "unit", record.data.get("unit"))
        unit_ref(record, "issued_by", record.data.get("issued_by"))
        account_ref(record, "account", record.data.get("account"))
        account = banner.accounts.get(str(record.data.get("account")))
        unit = record.data.get("unit")
        if unit and account is not None and account.account is not None and account.unit != unit:
            errors.append(
                InputError(
                    f"账号「{record.data['account']}」的主办单位是「{account.unit}」,不是「{unit}」",
                    path=record.path,
                    line=record.line("unit"),
                    hint="改正 unit 或 account,使两者一致。",
                )
            )
        _check_period(
            record, errors, (("issued", "deadline"), ("issued", "closed"), ("date", "deadline"))
        )


def _check_period(
    record: Record,
    errors: list[InputError],
    pairs: tuple[tuple[str, str], ...] = (("start", "end"), ("from", "to")),
) -> None:
    """Each (earlier, later) pair of date fields present in the record is in order."""
    for start_key, end_key in pairs:
        start, end = record.data.get(start_key), record.data.get(end_key)
        if start and end and end < start:
            errors.append(
                InputError(
                    f"{end_key} ({end}) 早于 {start_key} ({start})",
                    path=record.path,
                    line=record.line(end_key),
                    hint="检查起止日期是否写反。",
                )
            )


def attach_posts(files: AccountFiles, posts: list[Record]) -> None:
    """Give an account its parsed post files, checking each post sits in its month's file."""
    errors: list[InputError] = []
    for record in posts:
        _check_post_months(record, errors)
    if errors:
        raise InputErrors(errors)
    files.posts = sorted(posts, key=lambda r: r.path)


def _check_post_months(posts: Record, errors: list[InputError]) -> None:
    month = posts.ids["month"]
    for i, post in enumerate(posts.data["post"]):
        if not str(post["published"]).startswith(month):
            errors.append(
                InputError(
                    f"发布时间 {post['published']} 不在本文件的月份 {month} 内",
                    path=posts.path,
                    line=posts.line("post", i, "published"),
                    hint=f"把这条发布记录移到 posts/{str(post['published'])[:7]}.toml。",
                )
            )
