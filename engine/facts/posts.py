"""Post-level facts: each post's review chain and content flags; each account-week's output."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from datetime import date, timedelta

from engine.banner import AccountFiles
from engine.facts import Context, Fact, account_fact
from engine.facts.accounts import judged_day
from engine.timeutil import iso_local, parse_date, parse_datetime


@account_fact("post", reads_posts=True)
def post_facts(ctx: Context, files: AccountFiles) -> Iterator[Fact]:
    for record in files.posts:
        for i, post in enumerate(record.data["post"]):
            published = parse_datetime(post["published"])
            stamp = iso_local(published)
            before: set[int] = set()
            late = 0
            for review in post.get("review", []):
                if parse_datetime(review["at"]) <= published:
                    before.add(int(review["level"]))
                else:
                    late += 1
            levels = 0
            while levels + 1 in before:
                levels += 1
            repost = post.get("repost")
            yield Fact(
                kind="post",
                key=f"{files.id}/post/{stamp}",
                day=published.date(),
                record=record,
                where=("post", i),
                unit=files.unit,
                account=files.id,
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


@account_fact("account-week", reads_posts=True)
def account_weeks(ctx: Context, files: AccountFiles) -> Iterator[Fact]:
    """One fact per full ISO week (Mon-Sun) inside the account's active period, up to the check date."""
    last = judged_day(ctx, files)
    if last is None:
        return
    counts: Counter[date] = Counter()
    for record in files.posts:
        for post in record.data["post"]:
            counts[_monday(parse_datetime(post["published"]).date())] += 1
    notices = [
        (parse_date(e.data["start"]), parse_date(e.data["end"])) for e in files.events_of("notice")
    ]
    opened = files.opened
    week = opened if opened.weekday() == 0 else _monday(opened) + timedelta(days=7)
    while week + timedelta(days=6) <= last:
        sunday = week + timedelta(days=6)
        in_notice = any(start <= sunday and week <= end for start, end in notices)
        yield Fact(
            kind="account-week",
            key=f"{files.id}/week/{week.isoformat()}",
            day=week,
            record=files.record,
            where=("name",),
            unit=files.unit,
            account=files.id,
            fields={"posts": counts.get(week, 0), "in_notice_period": in_notice},
            context={
                "week": f"{week.isocalendar().year} 年第 {week.isocalendar().week} 周",
                "week_start": week.isoformat(),
                "week_end": sunday.isoformat(),
            },
        )
        week += timedelta(days=7)
