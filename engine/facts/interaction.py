"""Interaction facts (article 18): each public message, and whether its answer came in time."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from engine.banner import AccountFiles
from engine.facts import Context, Fact, account_fact, count_working_days, declare, violation_values
from engine.labels import VALUE, label
from engine.records import Record
from engine.timeutil import iso_local, parse_date, parse_datetime
from engine.workdays import CalendarMissing, WorkCalendar


def answer_deadline(calendar: WorkCalendar, received: date, working_days: int) -> date:
    """The last day on which a message received on ``received`` is answered in time.

    The period starts the day after receipt (民法典 第二百零一条: the first day is not
    counted) and ends at 24:00 of its last day (第二百零三条): the ``working_days``-th
    working day after receipt. An answer given on that day is in time; an answer, or a
    check date, on any later day (a weekend or holiday included) is late. Raises
    ``CalendarMissing`` when the count needs a year no calendar covers. ``govmedia due``
    shows this day.
    """
    return calendar.add_working_days(received, working_days)


MESSAGE = declare("message", {"answered": bool, "needs_answer": bool, "elapsed_working_days": int})


@dataclass(frozen=True)
class Received:
    """A public message received by the check date, as ``check`` and ``govmedia due`` read it."""

    record: Record
    index: int  # its place in the record's ``[[message]]`` list
    data: Mapping[str, Any]
    received: datetime
    stamp: str  # the time of receipt, ISO 8601 in China time
    key: str  # the fact key: account, receipt time, and #n for a repeat of that minute
    answer: datetime | None  # the answer, if given by the check date


def received_messages(files: AccountFiles, as_of: date) -> Iterator[Received]:
    """The account's messages received by ``as_of``, in record order; an answer given
    after ``as_of`` counts as none yet."""
    seen: Counter[str] = Counter()
    for record in files.messages:
        for i, message in enumerate(record.data["message"]):
            received = parse_datetime(str(message["received"]))
            if received.date() > as_of:
                continue
            stamp = iso_local(received)
            seen[stamp] += 1
            answered_at = message.get("answered")
            answer = parse_datetime(str(answered_at)) if answered_at else None
            if answer is not None and answer.date() > as_of:
                answer = None  # not yet answered as of the check date
            suffix = "" if seen[stamp] == 1 else f"#{seen[stamp]}"
            yield Received(
                record, i, message, received, stamp, f"{files.id}/message/{stamp}{suffix}", answer
            )


@account_fact("message")
def messages(ctx: Context, files: AccountFiles) -> Iterator[Fact]:
    """One fact per message received by the check date.

    ``elapsed_working_days`` counts the working days after the day of receipt and before
    the day of the answer (answered) or the check date (not answered by then). The
    message is late exactly when that count reaches the limit N: then the N-th working
    day after receipt (the deadline, ``answer_deadline``) ended before that day.
    """
    for m in received_messages(files, ctx.as_of):
        received, answer = m.received, m.answer
        until = answer.date() if answer is not None else ctx.as_of
        days, missing = count_working_days(
            ctx, received.date() + timedelta(days=1), until - timedelta(days=1)
        )
        no_answer = str(m.data.get("no_answer", ""))
        yield Fact(
            kind="message",
            key=m.key,
            day=received.date(),
            record=m.record,
            where=("message", m.index, "answered" if answer is not None else "received"),
            unit=files.unit,
            account=files.id,
            fields={
                "answered": answer is not None,
                "needs_answer": not no_answer,
                "elapsed_working_days": days,
            },
            context={
                "topic": str(m.data["topic"]),
                "received": m.stamp.replace("T", " "),
                "received_day": received.date().isoformat(),
                "answered_at": iso_local(answer).replace("T", " ") if answer else "未答复",
                "answered_day": answer.date().isoformat() if answer else "",
                "no_answer": label(VALUE, no_answer) if no_answer else "",
            },
            uncounted={"elapsed_working_days": missing} if missing else {},
        )


@violation_values("message")
def message_deadline(ctx: Context, fact: Fact, parameters: Mapping[str, Any]) -> dict[str, str]:
    """The deadline date of a late message, for its message (needs the version's limit)."""
    needed = parameters.get("answer_working_days")
    if not isinstance(needed, int):
        return {}
    try:
        deadline = answer_deadline(ctx.calendar, parse_date(fact.context["received_day"]), needed)
    except CalendarMissing as exc:
        return {"deadline": f"无法推算(缺少 {exc.path})"}
    return {"deadline": deadline.isoformat()}
