"""Post-level facts: each post's review chain and content flags; each account-week's output."""

from __future__ import annotations

from bisect import bisect_right
from collections import Counter
from collections.abc import Iterable, Iterator
from datetime import date, timedelta
from functools import partial

from engine.banner import AccountFiles
from engine.facts import (
    Context,
    Doubt,
    Fact,
    FactTable,
    FactValue,
    account_fact,
    account_table,
    declare,
    parameter,
    tracked_from,
)
from engine.facts.accounts import judged_day
from engine.labels import CATEGORY, label
from engine.records import Record
from engine.timeutil import iso_local, parse_date, parse_datetime
from engine.workdays import CalendarMissing


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
        "late_only_level": int,
        "same_reviewer_levels": str,
        "ad": bool,
        "personal_opinion": bool,
        "personal_data": bool,
        "deidentified": bool,
        "disclosure_basis": str,
        "is_repost": bool,
    },
)


_POST_FIELDS = tuple(POST.fields)  # in the order declared, the order facts hold them


@account_fact("post")
def post_facts(ctx: Context, files: AccountFiles) -> Iterator[Fact]:
    """One fact per post: its review chain and content flags (``post_table``'s rows)."""
    if files.posts:
        yield from post_table(ctx, files).facts()


# A post with none of these keys (most posts): its last fields are ``_UNFLAGGED``.
_FLAGGED = frozenset(
    ("ad", "personal_opinion", "personal_data", "deidentified", "disclosure_basis", "repost")
)
_UNFLAGGED: tuple[FactValue, ...] = (False, False, False, False, "", False)


@account_table("post")
def post_table(ctx: Context, files: AccountFiles) -> FactTable:
    """The account's post facts as a table (``FactTable``): a post's Fact, with its key
    path and context, is made only for a post the judge reports (``_post_fact``)."""
    posts = list(files.posts)
    starts: list[int] = []  # the row of each file's first post
    table = FactTable("post", f"{files.id}/post/", partial(_post_fact, files, posts, starts))
    days, names, column, doubts = table.days, table.names, table.fields, table.doubts
    # Posts with equal fields share one dict (never changed), and are grouped by it for
    # the judge (engine/evaluate.py): by the fields' values.
    alike: dict[tuple[FactValue, ...], tuple[dict[str, FactValue], list[int]]] = {}
    on_day: dict[str, date] = {}  # the day of a plain time's first ten characters
    for record in posts:
        starts.append(len(days))
        for post in record.data["post"]:
            text = post["published"]
            plain = len(text) == 19 and text[10] == "T" and text[0] != "0"  # _plain(text)
            if plain:
                published = None
                stamp = text
                day = on_day.get(text[:10])
                if day is None:
                    day = on_day[text[:10]] = date.fromisoformat(text[:10])
            else:
                published = parse_datetime(text)
                stamp = iso_local(published)
                day = published.date()
            before: set[int] = set()
            after: set[int] | None = None  # made when needed: most posts have none
            same_day: set[int] | None = None  # reviews known only to the publication day
            late = 0
            whos: list[str] = []  # the reviewers named, and the levels they signed
            signed: list[int] = []
            for review in post.get("review", ()):
                level = int(review["level"])
                who = str(review.get("reviewer", "")).strip()
                if who:
                    whos.append(who)
                    signed.append(level)
                if "day" in review:
                    reviewed = parse_date(review["day"])
                    if reviewed == day:
                        if same_day is None:
                            same_day = set()
                        same_day.add(level)
                        continue
                    early = reviewed < day
                else:
                    at = review["at"]
                    if plain and len(at) == 19 and at[10] == "T" and at[0] != "0":
                        early = at <= text
                    else:
                        early = parse_datetime(at) <= (published or parse_datetime(text))
                if early:
                    before.add(level)
                else:
                    if after is None:
                        after = set()
                    after.add(level)
                    late += 1
            levels = 0  # _chain(before), inline: the levels done in order from level 1
            while levels + 1 in before:
                levels += 1
            # The lowest level reviewed only after publication: a late review that stands
            # in for that level (art-14 judges it only if the category needs that level).
            late_only = min(after - before - (same_day or set()), default=0) if after else 0
            # Levels signed by one reviewer (never the name: reviewers are private); none
            # when every name differs (the usual case).
            shared = _shared(zip(whos, signed, strict=True)) if len(set(whos)) < len(whos) else ""
            if _FLAGGED.isdisjoint(post):
                flags: tuple[FactValue, ...] = _UNFLAGGED
            else:
                flags = (
                    bool(post.get("ad", False)),
                    bool(post.get("personal_opinion", False)),
                    bool(post.get("personal_data", False)),
                    bool(post.get("deidentified", False)),
                    str(post.get("disclosure_basis", "")),
                    post.get("repost") is not None,
                )
            values = (str(post["category"]), levels, late, late_only, shared, *flags)
            same = alike.get(values)
            if same is None:
                same = alike[values] = (dict(zip(_POST_FIELDS, values, strict=True)), [])
            row = len(days)
            same[1].append(row)
            days.append(day)
            names.append(stamp)
            column.append(same[0])
            if same_day:
                possible = _chain(before | same_day)
                shown = stamp.replace("T", " ")
                doubt = _same_day_doubt(str(post["title"]), shown, levels, possible, same_day)
                if doubt is not None:
                    doubts[row] = doubt
    table.alike = list(alike.values())
    return table


def _post_fact(
    files: AccountFiles, posts: list[Record], starts: list[int], table: FactTable, j: int
) -> Fact:
    """Row ``j`` of ``post_table``'s table as a Fact: from the ``j``-th post of the files."""
    n = bisect_right(starts, j) - 1  # the last file whose first row is at most j
    record, i = posts[n], j - starts[n]
    post = record.data["post"][i]
    return Fact(
        "post",
        table.key(j),
        table.days[j],
        record,
        ("post", i),
        files.unit,
        files.id,
        table.fields[j],
        {
            "title": str(post["title"]),
            "published": table.names[j].replace("T", " "),
            "category_zh": label(CATEGORY, str(post["category"])),
        },
        "",
        None,
        {},
        table.doubts.get(j),
    )


def _shared(named: Iterable[tuple[str, int]]) -> str:
    """「第 1 级、第 2 级」 for the levels one reviewer signed, per such reviewer."""
    reviewers: dict[str, set[int]] = {}
    for who, level in named:
        reviewers.setdefault(who, set()).add(level)
    shared = sorted((sorted(ls) for ls in reviewers.values() if len(ls) > 1), key=lambda ls: ls[0])
    return "、".join("、".join(f"第 {n} 级" for n in ls) for ls in shared)


def _monday(day: date) -> date:
    return day - timedelta(days=day.weekday())


def judged_weeks(first_day: date, last_day: date, as_of: date) -> Iterator[tuple[date, date]]:
    """The weeks (Monday, Sunday) art-15 judges for an account active from ``first_day``
    to ``last_day``, checked on ``as_of``.

    Only full ISO weeks inside the active period, and only weeks that ended before the
    check date: on a Sunday the unit can still post that evening, so the week is judged
    from Monday on (policy/art-15.toml, choices).
    """
    six, seven = timedelta(days=6), timedelta(days=7)
    week = first_day if first_day.weekday() == 0 else _monday(first_day) + seven
    while week + six <= last_day and week + six < as_of:
        yield week, week + six
        week += seven


def notice_exemptions(ctx: Context, files: AccountFiles) -> tuple[list[tuple[date, date]], int]:
    """The closure-notice periods during which art-15 does not ask for weekly updates.

    A notice exempts only if a closure of the account is recorded after the notice began
    (a closure that follows it), and only for the notice period art 13 requires: from
    its publication to the end of the N-th working day after it, N being art-13's
    ``min_notice_working_days`` in force on the publication day, and never past the
    notice's end or the day before the closure. Also returns the year no calendar
    covers when a period could not be counted (0 when all could).
    """
    closure = files.closure
    if closure is None:
        return [], 0
    closed = parse_date(closure.data["date"])
    periods: list[tuple[date, date]] = []
    missing = 0
    for event in files.events_of("notice"):
        start, end = parse_date(event.data["start"]), parse_date(event.data["end"])
        if closed <= start:
            continue
        last = min(end, closed - timedelta(days=1))
        needed = parameter(ctx, "art-13", "min_notice_working_days", start)
        if isinstance(needed, int):
            try:
                last = min(last, ctx.calendar.add_working_days(start, needed))
            except CalendarMissing as exc:
                missing = missing or exc.year
        periods.append((start, last))
    return periods, missing


ACCOUNT_WEEK = declare("account-week", {"posts": int, "in_notice_period": bool})


@account_fact("account-week")
def account_weeks(ctx: Context, files: AccountFiles) -> Iterator[Fact]:
    """One fact per week ``judged_weeks`` gives for the account's active period.

    An account onboarded after it opened (``tracked_from``, 纳入管理日期) has no post
    records before that day: its weeks start at the first full week from then. The
    weeks form a series, so that consecutive weeks breaking a rule are reported as one
    run (engine/evaluate.py). A week that overlaps the notice period of a closure that
    follows (``notice_exemptions``) is marked ``in_notice_period``.
    """
    last = judged_day(ctx, files)
    if last is None:
        return
    # Posts per week, by the ordinal of the week's Monday; plain times (``_plain``) are
    # counted by their day's text first.
    counts: Counter[int] = Counter()
    on_day: Counter[str] = Counter()
    for record in files.posts:
        texts = [post["published"] for post in record.data["post"]]
        plain = [t[:10] for t in texts if len(t) == 19 and t[10] == "T" and t[0] != "0"]
        on_day.update(plain)
        if len(plain) < len(texts):
            for text in texts:
                if not _plain(text):
                    day = _day(text)
                    counts[day.toordinal() - day.weekday()] += 1
    for text, n in on_day.items():
        day = date.fromisoformat(text)
        counts[day.toordinal() - day.weekday()] += n
    notices, missing = notice_exemptions(ctx, files)
    tracked = tracked_from(files)
    start = files.opened if tracked is None else max(files.opened, tracked)
    record, unit, account = files.record, files.unit, files.id
    alike: dict[tuple[int, bool], dict[str, FactValue]] = {}
    for week, sunday in judged_weeks(start, last, ctx.as_of):
        in_notice = bool(notices) and any(begin <= sunday and week <= end for begin, end in notices)
        iso = week.isocalendar()
        monday = week.isoformat()
        posts = counts.get(week.toordinal(), 0)
        fields = alike.get((posts, in_notice))  # weeks with equal fields share one dict
        if fields is None:
            fields = alike[posts, in_notice] = {"posts": posts, "in_notice_period": in_notice}
        yield Fact(  # positional (the order of Fact's fields): one per week of each account
            "account-week",
            f"{account}/week/{monday}",
            week,
            record,
            ("name",),
            unit,
            account,
            fields,
            {
                "week": f"{iso.year} 年第 {iso.week} 周",
                "week_start": monday,
                "week_end": sunday.isoformat(),
            },
            f"{account}/week",
            sunday,
            {"in_notice_period": missing} if missing and in_notice else {},
            None,
        )
