"""The banner's records, indexed and cross-checked: units, accounts and their files."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from itertools import repeat
from operator import itemgetter

from engine.errors import InputError, InputErrors
from engine.records import Record, record_kind
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
    # Records of kinds whose holder is "extra" (engine/records.py RECORD_KINDS), by kind.
    extra: dict[str, list[Record]] = field(default_factory=dict)
    # Statements that a violation is recorded as it happened (如实登记); they waive nothing.
    acknowledgements: list[Record] = field(default_factory=list)

    def unit_name(self, unit_id: str) -> str:
        """The unit's name; an unregistered id is shown as itself."""
        unit = self.units.get(unit_id)
        return str(unit.data["name"]) if unit is not None else unit_id

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


# Where ``build`` puts a record, by the ``holder`` of its kind in engine/records.py's
# RECORD_KINDS. "none": a record the banner does not hold (the authority registry).
HOLDERS = (
    "unit",
    "account",
    "account.events",
    "account.posts",
    "account.messages",
    "unit.evidence",
    "supervision",
    "calendars",
    "waivers",
    "acknowledgements",
    "extra",
    "none",
)


def build(records: list[Record], post_paths: dict[str, list[str]] | None = None) -> Banner:
    """Index records by entity and check every cross-reference."""
    units: dict[str, Record] = {}
    accounts: dict[str, AccountFiles] = {}
    calendars: list[Record] = []
    waivers: list[Record] = []
    evidence: dict[str, list[Record]] = {}
    supervision: list[Record] = []
    extra: dict[str, list[Record]] = {}
    acknowledgements: list[Record] = []

    def files(account_id: str) -> AccountFiles:
        return accounts.setdefault(account_id, AccountFiles(account_id))

    for record in records:
        holder = record_kind(record.kind).holder  # an unknown kind raises
        if holder == "unit":
            units[record.ids["unit"]] = record
        elif holder == "account":
            files(record.ids["account"]).account = record
        elif holder == "account.events":
            files(record.ids["account"]).events.append(record)
        elif holder == "account.posts":
            files(record.ids["account"]).posts.append(record)
        elif holder == "account.messages":
            files(record.ids["account"]).messages.append(record)
        elif holder == "unit.evidence":
            evidence.setdefault(record.ids["unit"], []).append(record)
        elif holder == "supervision":
            supervision.append(record)
        elif holder == "calendars":
            calendars.append(record)
        elif holder == "waivers":
            waivers.append(record)
        elif holder == "acknowledgements":
            acknowledgements.append(record)
        elif holder == "extra":
            extra.setdefault(record.kind, []).append(record)
        elif holder != "none":
            raise ValueError(
                f"record kind {record.kind!r} has holder {holder!r}, which banner.build "
                f"does not know (one of {', '.join(HOLDERS)})"
            )
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
        extra={k: sorted(rs, key=lambda r: r.path) for k, rs in sorted(extra.items())},
        acknowledgements=sorted(acknowledgements, key=lambda r: r.path),
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
        _check_lifecycle(entry, errors)
    for waiver in banner.waivers:
        unit_ref(waiver, "approved_by", waiver.data["approved_by"])
        _check_period(waiver, errors, (("approved", "expires"),))
    _check_extra_references(banner, unit_ref, account_ref, errors)
    if errors:
        raise InputErrors(errors)


def _check_lifecycle(entry: AccountFiles, errors: list[InputError]) -> None:
    """One opening event at most, and no closure before the account was opened."""
    openings = sorted(entry.events_of("opening"), key=lambda r: r.path)
    for extra in openings[1:]:
        errors.append(
            InputError(
                f"账号「{entry.id}」已有开设事件 {openings[0].path},这是第二个",
                path=extra.path,
                line=extra.line("type"),
                hint="一个账号只登记一次开设:删除多余的开设事件文件。"
                "关停后重新开设的账号,按新账号另建目录登记。",
            )
        )
    account = entry.record
    # (date, path, key): a line number is looked up only for a message.
    starts = [(str(account.data["opened"]), account.path, "opened")]
    starts += [(str(o.data["date"]), o.path, "date") for o in openings]
    by_path = {r.path: r for r in (account, *openings)}
    for closure in entry.events_of("closure"):
        closed = str(closure.data["date"])
        before = [s for s in starts if closed < s[0]]
        if not before:
            continue
        opened, where, key = max(before)
        errors.append(
            InputError(
                f"关停日期 {closed} 早于账号的开设日期 {opened}({where}:{by_path[where].line(key)})",
                path=closure.path,
                line=closure.line("date"),
                hint="检查两个日期是否写错:关停不能早于开设。",
            )
        )


def check_as_of(banner: Banner, as_of: date) -> None:
    """The check date is not earlier than every record: nothing would exist to judge.

    The earliest date is taken from account.toml (``opened``) and account events,
    the records every judgement starts from; they are read before any post file.
    """
    earliest: tuple[str, Record, str] | None = None
    for entry in banner.accounts.values():
        if entry.account is None:
            continue
        dates = [(str(entry.account.data["opened"]), entry.account, "opened")]
        for event in entry.events:
            for key in ("date", "start", "from"):
                if key in event.data:
                    dates.append((str(event.data[key]), event, key))
                    break
        for day, record, key in dates:
            if earliest is None or day < earliest[0]:
                earliest = (day, record, key)  # its line is read only for the error
    if earliest is not None and as_of.isoformat() < earliest[0]:
        day, record, key = earliest
        raise InputError(
            f"检查日期 {as_of.isoformat()} 早于所有记录:最早的记录日期是 {day}"
            f"({record.path}:{record.line(key)})",
            hint="检查日期应在记录覆盖的时期内:改正 --as-of(或环境变量 GOVMEDIA_AS_OF);"
            "不写 --as-of 时,检查提交用提交日期,检查工作区和暂存区用今天。",
        )


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


def attach_posts(
    files: AccountFiles, posts: list[Record], as_of: date | None = None, *, as_stood: bool = False
) -> list[str]:
    """Give an account its parsed post files, checking each post sits in its month's file,
    is recorded once, and (given the check date) was published by then.

    With ``as_stood`` (an explicit, earlier check date: "how did it stand then?"), posts
    published after ``as_of`` are left out instead, and their publication times returned.
    """
    errors: list[InputError] = []
    posts = sorted(posts, key=lambda r: r.path)
    if not _usual_posts(posts):  # else neither finds anything
        for record in posts:
            _check_post_months(record, errors)
        _check_post_duplicates(posts, errors)
    later: list[str] = []
    if as_of is not None and as_stood:
        posts = [_as_it_stood(record, as_of, later) for record in posts]
    elif as_of is not None:
        _check_post_dates(posts, as_of, errors)
    if errors:
        raise InputErrors(errors)
    files.posts = posts
    return later


@dataclass(eq=False)
class StoodRecord(Record):
    """A post file without its posts published after the check date; ``line`` still
    points into the file as it is (``kept[i]`` is the file's index of the i-th post kept)."""

    kept: tuple[int, ...] = ()

    def line(self, *keys: str | int) -> int:
        if len(keys) >= 2 and keys[0] == "post" and isinstance(keys[1], int):
            keys = ("post", self.kept[keys[1]], *keys[2:])
        return super().line(*keys)


def _as_it_stood(record: Record, as_of: date, later: list[str]) -> Record:
    last = as_of.isoformat()
    if record.ids["month"] < last[:7]:
        return record
    kept: list[int] = []
    for i, post in enumerate(record.data["post"]):
        published = _local_time(post["published"])
        if published[:10] > last:
            later.append(published.replace("T", " "))
        else:
            kept.append(i)
    if len(kept) == len(record.data["post"]):
        return record
    data = {**record.data, "post": [record.data["post"][i] for i in kept]}
    return StoodRecord(
        record.kind, record.path, record.blob, data, record.ids, record._source, kept=tuple(kept)
    )


def _local_time(value: object) -> str:
    """A post's publication time as China time, ``YYYY-MM-DDTHH:MM:SS``."""
    text = str(value)
    if len(text) == 19 and text[10] == "T":
        return text  # a TOML date-time without offset, already normalised by the parser
    return iso_local(parse_datetime(text))


_PUBLISHED, _TITLE = itemgetter("published"), itemgetter("title")


def _usual_posts(posts: list[Record]) -> bool:
    """True when ``_check_post_months`` and ``_check_post_duplicates`` would find nothing
    in these post files, found with few steps per post: every publication time a text
    already in China time (``YYYY-MM-DDTHH:MM:SS``) of its file's month, every title a
    text, and no (time, title) twice. False: let them look (and word what they find)."""
    keys: list[tuple[str, str]] = []
    for record in posts:
        entries = record.data["post"]
        if not entries:
            continue
        published = list(map(_PUBLISHED, entries))
        titles = list(map(_TITLE, entries))
        if (
            set(map(type, published)) | set(map(type, titles)) != {str}
            or set(map(len, published)) != {19}
            or not all(map(str.startswith, published, repeat("T"), repeat(10)))
            or not all(map(str.startswith, published, repeat(record.ids["month"])))
        ):
            return False
        keys.extend(zip(published, map(str.strip, titles), strict=True))
    return len(set(keys)) == len(keys)


def _check_post_duplicates(posts: list[Record], errors: list[InputError]) -> None:
    """The same post (publication time and title) recorded twice, in one file or two."""
    seen: dict[tuple[str, str], tuple[Record, int]] = {}
    for record in posts:
        for i, post in enumerate(record.data["post"]):
            published = post["published"]
            if not (type(published) is str and len(published) == 19 and published[10] == "T"):
                published = _local_time(published)  # (else it is its own _local_time)
            key = (published, str(post["title"]).strip())
            first = seen.get(key)
            if first is None:  # each (record, i) comes once: the first of its key
                seen[key] = (record, i)
                continue
            where = f"{first[0].path}:{first[0].line('post', first[1])}"
            errors.append(
                InputError(
                    f"与 {where} 的发布记录重复(发布时间 {key[0].replace('T', ' ')}、"
                    f"标题「{key[1]}」都相同)",
                    path=record.path,
                    line=record.line("post", i),
                    hint="同一条发布只登记一次:删除重复的这一条;"
                    "若确是两条不同的发布,按平台上两条各自的实际发布时间和标题如实登记。",
                )
            )


def _check_post_dates(posts: list[Record], as_of: date, errors: list[InputError]) -> None:
    """A post published after the check date has not happened yet at that date."""
    last = as_of.isoformat()
    for record in posts:
        if record.ids["month"] < last[:7]:
            continue  # a post outside its file's month is reported by _check_post_months
        for i, post in enumerate(record.data["post"]):
            published = _local_time(post["published"])
            if published[:10] > last:
                errors.append(
                    InputError(
                        f"发布时间 {published.replace('T', ' ')} 晚于检查日期 {last}",
                        path=record.path,
                        line=record.line("post", i, "published"),
                        hint="发布记录只登记已经发布的内容:检查发布时间(年、月、日)是否写错;"
                        "若是检查日期不对,用 --as-of 指定正确的日期。",
                    )
                )


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
