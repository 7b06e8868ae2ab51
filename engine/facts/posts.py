"""Post-level facts: each post's review chain and content flags; each account-week's output."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from datetime import date, timedelta

from engine.banner import AccountFiles
from engine.facts import Context, Doubt, Fact, account_fact, declare, tracked_from
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


def _chain(levels: set[int]) -> int:
    """How many levels are done in order from level 1 (a missing level 1 counts none)."""
    n = 0
    while n + 1 in levels:
        n += 1
    return n


def _same_day_doubt(
    title: str, published: str, levels: int, possible: int, same_day: set[int]
) -> Doubt | None:
    """A review known only to the publication day proves nothing either way (its level
    counts as not done before publication); if it would decide a check, say so instead."""
    if possible <= levels:
        return None
    named = "、".join(f"第 {n} 级" for n in sorted(same_day) if n <= possible)
    return Doubt(
        fields={"reviewed_levels": possible},
        kind="review-same-day",
        message=f"「{title}」({published} 发布)的{named}审核只记了日期,且与发布是同一天,"
        "无法判断是否先审后发,本条暂不评判",
        hint="能从审核单、系统记录等查到这一级审核确切时刻的,如实补记到分钟(以 at 代替 day);"
        "查不到的保持原样,这里只作提醒。今后审核记录请写明时刻。",
        message_en=f"post {title}: a review known only to the day of publication; "
        "cannot tell whether it came first",
    )


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
            same_day: set[int] = set()  # reviews known only to the publication day
            late = 0
            for review in post.get("review", []):
                if "day" in review:
                    reviewed, day = parse_date(review["day"]), _day(text)
                    if reviewed == day:
                        same_day.add(int(review["level"]))
                        continue
                    early = reviewed < day
                else:
                    at = review["at"]
                    if plain and _plain(at):
                        early = at <= text
                    else:
                        early = parse_datetime(at) <= (published or parse_datetime(text))
                if early:
                    before.add(int(review["level"]))
                else:
                    late += 1
            levels = _chain(before)
            possible = _chain(before | same_day)
            repost = post.get("repost")
            title = str(post["title"])
            shown = stamp.replace("T", " ")
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
                context={"title": title, "published": shown},
                doubt=_same_day_doubt(title, shown, levels, possible, same_day),
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
