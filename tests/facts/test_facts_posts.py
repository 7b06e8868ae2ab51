"""engine/facts/posts.py: one fact per post (review levels), one per full ISO week."""

from __future__ import annotations

from datetime import date

from factkit import account, account_facts, base

from engine.facts.posts import account_weeks, post_facts

POSTS = """
[[post]]
published = 2021-01-05T10:00:00
title = "两级审核"
category = "policy"
[[post.review]]
level = 2
at = 2021-01-05T09:30:00
[[post.review]]
level = 1
at = 2021-01-05T09:00:00
[[post.review]]
level = 3
at = 2021-01-05T11:00:00

[[post]]
published = 2021-01-12T10:00:00+08:00
title = "只有第二级"
category = "routine"
ad = true
[[post.review]]
level = 2
at = 2021-01-12T09:00:00

[[post]]
published = 2021-01-13T01:00:00Z
title = "转载"
category = "routine"
[post.repost]
source_unit = "新华社"
"""


def test_review_levels_count_consecutive_levels_before_publication() -> None:
    files = base(**{"accounts/wx/posts/2021-01.toml": POSTS})
    facts = account_facts(post_facts, files, date(2021, 1, 17))
    assert [(f.fields["reviewed_levels"], f.fields["late_reviews"]) for f in facts] == [
        (2, 1),  # levels 1 and 2 before, level 3 after publication
        (0, 0),  # level 2 without level 1 is no complete chain
        (0, 0),
    ]
    first, second, third = facts
    assert first.fields["category"] == "policy" and first.fields["ad"] is False
    assert second.fields["ad"] is True and second.fields["is_repost"] is False
    assert third.fields["is_repost"] is True
    # A UTC time is judged in China time: 01:00Z is 09:00 on the 13th.
    assert third.day == date(2021, 1, 13) and third.key == "wx/post/2021-01-13T09:00:00"
    assert first.where == ("post", 0)


def test_weeks_count_posts_and_notice_periods() -> None:
    """A notice exempts weeks only when a closure follows it, and only up to art-13's
    15th working day after its publication (01-13 + 15 working days = 02-03), not to its end."""
    notice = {
        "accounts/wx/posts/2021-01.toml": POSTS,
        "accounts/wx/events/notice.toml": 'type = "notice"\nstart = 2021-01-13\nend = 2021-03-31\n',
    }
    closing = base(
        **notice, **{"accounts/wx/events/closure.toml": 'type = "closure"\ndate = 2021-03-01\n'}
    )
    facts = account_facts(account_weeks, closing, date(2021, 2, 16))
    found = [(f.day.isoformat(), f.fields["posts"], f.fields["in_notice_period"]) for f in facts]
    assert found == [
        ("2021-01-04", 1, False),
        ("2021-01-11", 2, True),  # the notice starts on its Wednesday, 01-13
        ("2021-01-18", 0, True),
        ("2021-01-25", 0, True),
        ("2021-02-01", 0, True),  # the 15th working day, 02-03, falls in this week
        ("2021-02-08", 0, False),  # the notice still runs, but its 15 working days are over
    ]
    # The same notice with no closure recorded is no closure procedure: nothing is exempt.
    facts = account_facts(account_weeks, base(**notice), date(2021, 2, 16))
    assert [f.fields["in_notice_period"] for f in facts] == [False] * 6


def test_weeks_start_at_the_first_full_week_after_tracking_began() -> None:
    files = base(**{"accounts/wx/account.toml": account(tracked_from="2021-01-06")})
    facts = account_facts(account_weeks, files, date(2021, 1, 25))
    assert [f.day for f in facts] == [date(2021, 1, 11), date(2021, 1, 18)]
    assert facts[0].series == "wx/week" and facts[0].until == date(2021, 1, 17)
    # Checked on the Sunday 01-24 itself, the week of 01-18 can still be met that evening.
    facts = account_facts(account_weeks, files, date(2021, 1, 24))
    assert [f.day for f in facts] == [date(2021, 1, 11)]


def test_a_week_ending_after_the_check_date_is_not_yet_judged() -> None:
    facts = account_facts(account_weeks, base(), date(2021, 1, 16))
    assert [f.day for f in facts] == [date(2021, 1, 4)]
