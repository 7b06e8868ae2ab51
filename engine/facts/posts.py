"""Post-level facts: each post's review chain and content flags; each account-week's output."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from datetime import date, timedelta

from engine.banner import AccountFiles
from engine.facts import Context, Fact, account_fact, declare, tracked_from
from engine.facts.accounts import judged_day
from engine.timeutil import iso_local, parse_date, parse_datetime


def _plain(text: str) -> bool:
    """Already China time as ``YYYY-MM-DDTHH:MM:SS`` (records normalise TOML date-times so).

    Such strings compare as the times they name and are their own ``iso_local``;
    using them as they are spares parsing ~2 million date-times in a large repository.
    """
    return len(text) == 19 and text[10] == "T" and text[0] != "0"


def _day(text: str) -> date:
    return date.fromisoformat(text[:10]) if _plain(text) else parse_datetime(text).date()


POST = declare(
    "post",
    {
        "category": str,
        "reviewed_levels": int,
        "late_reviews": int,
        "ad": bool,
        "personal_opinion": bool,
        "personal_data": bool,
        "deidentified": bool,
        "disclosure_basis": str,
        "is_repost": bool,
    },
)


@account_fact("post")
def post_facts(ctx: Context, files: AccountFiles) -> Iterator[Fact]:
    if not files.posts:
        return
    unit, account = files.unit, files.id
    for record in files.posts:
        for i, post in enumerate(record.data["post"]):
            text = post["published"]
            plain = _plain(text)
            published = None if plain else parse_datetime(text)
            stamp = text if published is None else iso_local(published)
            before: set[int] = set()
            late = 0
            for review in post.get("review", []):
                at = review["at"]
                if plain and _plain(at):
                    early = at <= text
                else:
                    early = parse_datetime(at) <= (published or parse_datetime(text))
                if early:
                    before.add(int(review["level"]))
                else:
                    late += 1
            levels = 0
            while levels + 1 in before:
                levels += 1
            repost = post.get("repost")
            yield Fact(
                kind="post",
                key=f"{account}/post/{stamp}",
                day=_day(text) if published is None else published.date(),
                record=record,
                where=("post", i),
                unit=unit,
                account=account,
                fields={
                    "category": str(post["category"]),
                    "reviewed_levels": levels,
                    "late_reviews": late,
                    "ad": bool(post.get("ad", False)),
                    "personal_opinion": bool(post.get("personal_opinion", False)),
                    "personal_data": bool(post.get("personal_data", False)),
                    "deidentified": bool(post.get("deidentified", False)),
                    "disclosure_basis": str(post.get("disclosure_basis", "")),
                    "is_repost": repost is not None,
                },
                context={"title": str(post["title"]), "published": stamp.replace("T", " ")},
            )


def _monday(day: date) -> date:
    return day - timedelta(days=day.weekday())


ACCOUNT_WEEK = declare("account-week", {"posts": int, "in_notice_period": bool})


@account_fact("account-week")
def account_weeks(ctx: Context, files: AccountFiles) -> Iterator[Fact]:
    """One fact per full ISO week (Mon-Sun) inside the account's active period, up to the check date.

    An account onboarded after it opened (``tracked_from``, 纳入管理日期) has no post
    records before that day: its weeks start at the first full week from then. The
    weeks form a series, so that consecutive weeks breaking a rule are reported as one
    run (engine/evaluate.py).
    """
    last = judged_day(ctx, files)
    if last is None:
        return
    counts: Counter[date] = Counter()
    for record in files.posts:
        for post in record.data["post"]:
            counts[_monday(_day(post["published"]))] += 1
    notices = [
        (parse_date(e.data["start"]), parse_date(e.data["end"])) for e in files.events_of("notice")
    ]
    tracked = tracked_from(files)
    start = files.opened if tracked is None else max(files.opened, tracked)
    record, unit, account = files.record, files.unit, files.id
    six, seven = timedelta(days=6), timedelta(days=7)
    week = start if start.weekday() == 0 else _monday(start) + seven
    while week + six <= last:
        sunday = week + six
        in_notice = any(start <= sunday and week <= end for start, end in notices)
        iso = week.isocalendar()
        monday = week.isoformat()
        yield Fact(
            kind="account-week",
            key=f"{account}/week/{monday}",
            day=week,
            record=record,
            where=("name",),
            unit=unit,
            account=account,
            fields={"posts": counts.get(week, 0), "in_notice_period": in_notice},
            context={
                "week": f"{iso.year} 年第 {iso.week} 周",
                "week_start": monday,
                "week_end": sunday.isoformat(),
            },
            series=f"{account}/week",
            until=sunday,
        )
        week += seven
