"""Interaction facts (article 18): each public message and how many working days its answer took."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from datetime import timedelta

from engine.banner import AccountFiles
from engine.facts import Context, Fact, account_fact, count_working_days, declare
from engine.timeutil import iso_local, parse_datetime

MESSAGE = declare("message", {"answered": bool, "working_days": int})


@account_fact("message")
def messages(ctx: Context, files: AccountFiles) -> Iterator[Fact]:
    """One fact per message received by the check date.

    ``working_days`` counts the working days after the day of receipt up to the day
    of the answer (answered) or up to the check date (not answered by then): a
    message received on a Monday and answered on Friday took 4 working days.
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
            days, missing = count_working_days(ctx, received.date() + timedelta(days=1), until)
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
