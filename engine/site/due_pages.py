"""The site's 即将到期 pages and iCalendar feeds (``govmedia due`` for the public).

For each unit: ``due/<unit>.md`` (a page listing what falls due, as a summary list that
stacks on a phone) and ``due/<unit>.ics`` (a feed a clerk subscribes to); for the
supervising unit, ``due/all.ics`` with every unit's items. The feeds are written here
by hand, per RFC 5545: CRLF line ends, lines folded at 75 octets, text escaped, a stable
UID per item, DTSTAMP, and all-day events (``DTSTART;VALUE=DATE``) on the deadline.

Only public text reaches them: every string goes through the site's ``Escaper``, which
masks the values the schemas mark private, and a feed that still contains one is refused.
"""

from __future__ import annotations

import hashlib
import html
from collections.abc import Callable, Iterable
from datetime import UTC, datetime, time, timedelta

from mkdocs.utils import get_relative_url

from engine.commands.due import prepare
from engine.due import DueItem, compute
from engine.errors import InputError
from engine.labels import DUE_KIND, WEEKDAY, account_zh, article_zh, label
from engine.site.markup import block, page_url
from engine.site.model import SiteModel
from engine.textsafe import clean_lines
from engine.timeutil import CHINA_TZ

# The site looks further ahead than the command's default week: a feed is read rarely.
SITE_WITHIN = 30
ALL = "all"


# ---------------------------------------------------------------- RFC 5545


def ical_text(value: str) -> str:
    """A TEXT value (RFC 5545 3.3.11): backslash, semicolon, comma and newlines escaped
    (control and bidi characters first, as ``\\u202e``; the backslash is then escaped)."""
    return (
        clean_lines(value)
        .replace("\\", "\\\\")
        .replace(";", "\\;")
        .replace(",", "\\,")
        .replace("\r\n", "\\n")
        .replace("\n", "\\n")
    )


def fold(line: str) -> str:
    """One content line folded at 75 octets (RFC 5545 3.1), never inside a UTF-8 character;
    each continuation starts with a space, which counts towards its 75."""
    data = line.encode("utf-8")
    if len(data) <= 75:  # most lines: nothing to fold
        return line
    parts: list[bytes] = []
    start, limit = 0, 75
    while len(data) - start > limit:
        end = start + limit
        while data[end] & 0xC0 == 0x80:  # a continuation byte: the character's start
            end -= 1
        parts.append(data[start:end])
        start, limit = end, 74  # the leading space takes one octet
    parts.append(data[start:])
    return "\r\n ".join(part.decode("utf-8") for part in parts)


def calendar(
    name: str,
    items: Iterable[tuple[DueItem, str, str]],
    stamp: datetime,
    events: dict[tuple[str, ...], str] | None = None,
) -> str:
    """A VCALENDAR of all-day events: (item, summary, description) each. ``events``
    remembers each event's folded lines (an event stands in its unit's calendar and the
    banner's; a calendar date in every unit's)."""
    lines = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        "PRODID:-//govmedia//due//ZH",
        "CALSCALE:GREGORIAN",
        "METHOD:PUBLISH",
        f"X-WR-CALNAME:{ical_text(name)}",
        "X-WR-TIMEZONE:Asia/Shanghai",
        "REFRESH-INTERVAL;VALUE=DURATION:PT12H",
    ]
    dtstamp = stamp.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")
    head = "".join(fold(line) + "\r\n" for line in lines)
    body = []
    for item, summary, description in items:
        key = (item.key, str(item.deadline), item.kind, summary, description)
        found = events.get(key) if events is not None else None
        if found is None:
            found = _event(item, summary, description, dtstamp)
            if events is not None:
                events[key] = found
        body.append(found)
    return head + "".join(body) + "END:VCALENDAR\r\n"


def _event(item: DueItem, summary: str, description: str, dtstamp: str) -> str:
    """One VEVENT's folded lines."""
    uid = hashlib.sha256(item.key.encode("utf-8")).hexdigest()[:32]
    lines = [
        "BEGIN:VEVENT",
        f"UID:{uid}@govmedia",
        f"DTSTAMP:{dtstamp}",
        f"DTSTART;VALUE=DATE:{item.deadline.strftime('%Y%m%d')}",
        f"DTEND;VALUE=DATE:{(item.deadline + timedelta(days=1)).strftime('%Y%m%d')}",
        f"SUMMARY:{ical_text(summary)}",
        f"DESCRIPTION:{ical_text(description)}",
        f"CATEGORIES:{ical_text(label(DUE_KIND, item.kind))}",
        "TRANSP:TRANSPARENT",
        "BEGIN:VALARM",
        "ACTION:DISPLAY",
        # 09:00 the day before the deadline day (the event starts at its 00:00).
        "TRIGGER:-PT15H",
        f"DESCRIPTION:{ical_text(summary)}",
        "END:VALARM",
        "END:VEVENT",
    ]
    return "".join(fold(line) + "\r\n" for line in lines)


# ---------------------------------------------------------------- pages and feeds


class DuePages:
    def __init__(
        self,
        model: SiteModel,
        use_directory_urls: bool = False,
        prose: Callable[[object], str] = str,
    ) -> None:
        self.m = model
        # Clerk wording (record paths, field ids) as citizens read it: the site's ``prose``.
        self.prose = prose
        self.directory_urls = use_directory_urls
        self.e = model.escape
        self._events: dict[tuple[str, ...], str] = {}  # ``calendar``'s, for all feeds
        result = model.result
        self.items: list[DueItem] = []
        self.units: dict[str, str] = {}
        if result is None:
            return
        self.banner = result.banner
        self.units = {u: str(r.data["name"]) for u, r in sorted(result.banner.units.items())}
        self.items = compute(prepare(result, SITE_WITHIN))
        commit = model.commit
        self.stamp = (
            commit.date if commit is not None else datetime.combine(model.as_of, time(), CHINA_TZ)
        )

    def href(self, target: str, current: str) -> str:
        """A relative link from the page ``current`` to ``target`` (a page or a feed)."""
        here = page_url(current, self.directory_urls) or "./"
        there = page_url(target, self.directory_urls) if target.endswith(".md") else target
        return html.escape(get_relative_url(there, here))

    def who(self, item: DueItem) -> str:
        files = self.banner.accounts.get(item.account or "")
        if files is not None and files.account is not None:
            data = files.record.data
            return account_zh(str(data["platform"]), str(data["name"]))
        return self.units.get(item.unit, "全旗")

    def texts(self, item: DueItem, state_shown: bool = True) -> tuple[str, str]:
        """Summary and description of an item, private values masked."""
        state = "已逾期 " if item.overdue and state_shown else ""
        article = article_zh(item.article) if item.article else DUE_KIND["calendar"]
        summary = f"{state}{article} {self.who(item)}:{self.prose(item.title)}"
        description = (
            f"期限:{item.deadline.isoformat()} 24:00({WEEKDAY[item.deadline.weekday()]})\n"
            f"事项:{label(DUE_KIND, item.kind)}\n怎么办:{self.prose(item.todo)}"
        )
        return self.e.redact(summary), self.e.redact(description)

    def of_unit(self, unit_id: str) -> list[DueItem]:
        return [i for i in self.items if i.unit == unit_id or i.kind == "calendar"]

    def feed(self, name: str, items: list[DueItem]) -> bytes:
        text = calendar(name, ((i, *self.texts(i)) for i in items), self.stamp, self._events)
        if self.e.leaks(text):
            raise InputError(f"日历 {name} 含有标为不公开的字段值,已停止生成")
        return text.encode("utf-8")

    def page(self, unit_id: str) -> str:
        name = self.units[unit_id]
        items = self.of_unit(unit_id)
        as_of = self.m.as_of
        out = f"# {self.e.heading(name)} · 即将到期\n\n"
        overdue = sum(1 for i in items if i.overdue)
        answer = (
            f"截至 {as_of.isoformat()},{SITE_WITHIN} 天内到期和已逾期的事项共 {len(items)} 项"
            + (f",其中已逾期 {overdue} 项。" if overdue else "。")
            if items
            else f"截至 {as_of.isoformat()},{SITE_WITHIN} 天内没有到期的事项。"
        )
        out += block(
            f'<p class="gm-due-answer">{self.e(answer)}</p>'
            f'<p>手机订阅:<a href="{self.href(f"due/{unit_id}.ics", f"due/{unit_id}.md")}">{self.e(name)}的到期日历</a>'
            "(在手机日历中选「添加订阅日历」,填入这个链接的网址)</p>"
        )
        rows = []
        for item in items:
            summary, _ = self.texts(item, state_shown=False)
            when = f"{item.deadline.isoformat()} 24:00 {WEEKDAY[item.deadline.weekday()]}"
            state = "已逾期" if item.overdue else "待办"
            rows.append(
                '<div class="gm-due-item" style="margin:0 0 1em 0">'
                f'<dt style="font-weight:bold">{self.e(state)} · {self.e(when)}</dt>'
                f'<dd style="margin:0">{self.e(summary)}<br>'
                f"怎么办:{self.e(self.prose(item.todo))}</dd></div>"
            )
        if rows:
            out += block(
                '<dl class="gm-due" style="overflow-wrap:anywhere;word-break:break-word">'
                + "".join(rows)
                + "</dl>"
            )
        return out

    def index(self) -> str:
        out = "# 即将到期\n\n"
        out += block(
            f"<p>截至 {self.e(self.m.as_of.isoformat())},全旗 {SITE_WITHIN} 天内到期和已逾期的事项共"
            f" {len(self.items)} 项。主管单位订阅:"
            f'<a href="{self.href(f"due/{ALL}.ics", "due/index.md")}">全旗到期日历</a></p>'
        )
        rows = [
            f'<li><a href="{self.href(f"due/{u}.md", "due/index.md")}">{self.e(n)}</a>:'
            f"{len(self.of_unit(u))} 项</li>"
            for u, n in self.units.items()
        ]
        out += block('<ul style="overflow-wrap:anywhere">' + "".join(rows) + "</ul>")
        return out

    def files(self) -> dict[str, str | bytes]:
        """Generated files: src_uri -> page Markdown (str) or feed (bytes)."""
        if self.m.result is None:
            return {}
        out: dict[str, str | bytes] = {"due/index.md": self.index()}
        out[f"due/{ALL}.ics"] = self.feed("全旗政务新媒体到期事项", self.items)
        for unit_id, name in self.units.items():
            out[f"due/{unit_id}.md"] = self.page(unit_id)
            out[f"due/{unit_id}.ics"] = self.feed(
                f"{name}政务新媒体到期事项", self.of_unit(unit_id)
            )
        return out


def due_files(
    model: SiteModel, use_directory_urls: bool, prose: Callable[[object], str] = str
) -> dict[str, str | bytes]:
    return DuePages(model, use_directory_urls, prose).files()
