"""Machine-readable report; its shape is docs/report.schema.json."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from engine.report import Report, Stream, json_chunks, message, register, reminders
from engine.violations import Reminder, Violation

FIELDS = (
    "rule", "check", "article", "version", "severity", "path", "line", "unit", "account",
    "message", "hint", "fingerprint", "status", "waiver", "acknowledged",
)  # fmt: skip


def violation_json(v: Violation, lang: str) -> dict[str, Any]:
    out = {name: getattr(v, name) for name in FIELDS}
    out["message"] = message(v, lang)
    out["day"] = v.day
    return out


def reminder_json(reminder: Reminder, lang: str) -> dict[str, Any]:
    out = reminder.to_dict()
    if lang == "en" and reminder.message_en:
        out["message"] = reminder.message_en
    del out["message_en"]
    return out


def render(report: Report) -> str:
    return "".join(chunks(report))


@register("json")
def chunks(report: Report) -> Iterator[str]:
    """The report in pieces: each violation's JSON made as it is written."""
    r = report.result
    lang = report.lang
    doc = {
        "format": "govmedia-report/1",
        "snapshot": {
            "kind": r.snapshot.kind,
            "commit": r.snapshot.commit.sha if r.snapshot.commit else None,
        },
        "as_of": r.as_of.isoformat(),
        "rulebook": r.policy.digest,
        "base": report.base,
        "violations": Stream(violation_json(v, lang) for v in report.shown),
        "waived": Stream(violation_json(v, lang) for v in r.waived),
        "changed": [
            {
                "violation": violation_json(v, report.lang),
                "previous": [violation_json(b, report.lang) for b in olds],
            }
            for v, olds in report.changed
        ],
        "fixed": Stream(violation_json(v, lang) for v in report.fixed),
        "reminders": Stream(reminder_json(x, lang) for x in reminders(report)),
        "accepted": [violation_json(v, report.lang) for v in report.accepted],
        "authority_warnings": [
            {"path": w.path, "reason": w.reason, "message": w.message} for w in r.authority.warnings
        ],
        "summary": {
            "errors": len(report.errors),
            "warnings": len(report.shown) - len(report.errors),
            "waived": len(r.waived),
            "existing_at_base": report.base_known,
            "changed": len(report.changed),
            "fixed": len(report.fixed),
            "accepted": len(report.accepted),
            "units": len(r.banner.units),
            "accounts": len(r.banner.accounts),
            "posts": r.facts.get("post", 0),
            "by_article": _count(report.shown, "rule"),
        },
    }
    return json_chunks(doc)


def _count(violations: list[Violation], attr: str) -> dict[str, int]:
    counts: dict[str, int] = {}
    for v in violations:
        key = str(getattr(v, attr))
        counts[key] = counts.get(key, 0) + 1
    return dict(sorted(counts.items()))
