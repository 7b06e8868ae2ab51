"""Interaction facts (article 18): each public message and how many working days its answer took."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from datetime import date, timedelta

from engine.banner import AccountFiles
from engine.facts import Context, Fact, account_fact, count_working_days, declare
from engine.timeutil import iso_local, parse_datetime
from engine.workdays import WorkCalendar


def answer_deadline(calendar: WorkCalendar, received: date, working_days: int) -> date:
    """The last day on which a message received on ``received`` is answered in time.

    The period starts the day after receipt (民法典 第二百零一条: the first day is not
    counted) and ends at 24:00 of its last day: the ``working_days``-th working day after
    receipt. An answer given on that day is in time; an answer, or a check date, on any
    later day (a weekend or holiday included) is late. Raises ``CalendarMissing`` when the
    count needs a year no calendar covers. ``govmedia due`` shows this day.
    """
    return calendar.add_working_days(received, working_days)


MESSAGE = declare("message", {"answered": bool, "working_days": int})


@account_fact("message")
def messages(ctx: Context, files: AccountFiles) -> Iterator[Fact]:
    """One fact per message received by the check date.

    ``working_days`` counts the working days after the day of receipt and before the
    day of the answer (answered) or the check date (not answered by then), plus that
    day itself, begun: a message received on a Monday and answered on Friday took 4
    working days. So it exceeds the limit N exactly when the answer or the check date
    falls after the deadline, ``answer_deadline`` (the end of the N-th working day after
    receipt), whatever the weekday of that later day.
    """
    seen: Counter[str] = Counter()
    for record in files.messages:
        for i, message in enumerate(record.data["message"]):
            received = parse_datetime(str(message["received"]))
            if received.date() > ctx.as_of:
                continue
            stamp = iso_local(received)
            seen[stamp] += 1
            answered_at = message.get("answered")
            answer = parse_datetime(str(answered_at)) if answered_at else None
            if answer is not None and answer.date() > ctx.as_of:
                answer = None  # not yet answered as of the check date
            until = answer.date() if answer is not None else ctx.as_of
            days, missing = count_working_days(
                ctx, received.date() + timedelta(days=1), until - timedelta(days=1)
            )
            days += 1 if until > received.date() else 0
            suffix = "" if seen[stamp] == 1 else f"#{seen[stamp]}"
            yield Fact(
                kind="message",
                key=f"{files.id}/message/{stamp}{suffix}",
                day=received.date(),
                record=record,
                where=("message", i, "answered" if answer is not None else "received"),
                unit=files.unit,
                account=files.id,
                fields={"answered": answer is not None, "working_days": days},
                context={
                    "topic": str(message["topic"]),
                    "received": stamp.replace("T", " "),
                    "answered_at": iso_local(answer).replace("T", " ") if answer else "未答复",
                },
                uncounted={"working_days": missing} if missing else {},
            )
