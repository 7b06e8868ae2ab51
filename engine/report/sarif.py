"""SARIF 2.1.0 (OASIS): one run, for code-scanning tools such as GitHub's.

The driver lists every check of every rule version of the rulebook as a
reporting descriptor ``art-NN/check`` (a check that appears in several versions
is listed once, with the versions in its properties). Waived violations are
results too, carrying an external suppression with the waiver's reason.

Reminders (what the check could not judge, or wants a person to look at) are
results of their own reporting descriptors ``reminder/<kind>``, listed after the
rulebook's, with ``kind: "review"`` and ``level: "none"``. SARIF 2.1.0 §3.27.9
defines ``review`` as a result a person must look at to decide whether it is a
problem, and §3.27.10 requires ``level`` ``none`` for any kind other than
``fail``; ``note`` would be wrong, since every level but ``none`` is a failure
(the SARIF TC on oasis-tcs/sarif-spec#215: 'note' "is the least severe failure").
A reminder without a file is anchored at ``records/``: GitHub code scanning
rejects a whole upload if one result has no location (github/codeql-action#1738).
"""

from __future__ import annotations

import hashlib
import itertools
from collections.abc import Iterator
from typing import Any

from engine import __version__
from engine.labels import REMINDER, REMINDERS_HEADING, REMINDERS_HEADING_EN, article_zh
from engine.policy import Policy, Rule
from engine.report import Report, Stream, json_chunks, message, register, reminders
from engine.textsafe import clean
from engine.violations import Reminder, Violation

SCHEMA = (
    "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"
)
FINGERPRINT_KEY = "govmedia/v1"
REMINDER_FINGERPRINT_KEY = "govmedia-reminder/v1"
REMINDER_PREFIX = "reminder/"


def descriptors(policy: Policy) -> list[dict[str, Any]]:
    """One reporting descriptor per distinct ``art-NN/check``, in article order."""
    out: dict[str, dict[str, Any]] = {}
    for rule in sorted(policy.rules.values(), key=lambda r: (r.article, r.id)):
        for version in rule.versions:
            for check in version.checks:
                rule_id = f"{rule.id}/{check.id}"
                entry = out.get(rule_id)
                if entry is None:
                    entry = out[rule_id] = _descriptor(rule, rule_id, check.id, check.severity)
                versions: list[int] = entry["properties"]["versions"]
                if version.number not in versions:
                    versions.append(version.number)
    return list(out.values())


def _descriptor(rule: Rule, rule_id: str, check: str, severity: str) -> dict[str, Any]:
    return {
        "id": rule_id,
        "name": check,
        "shortDescription": {"text": clean(f"{article_zh(rule.article)} {rule.title}:{check}")},
        "fullDescription": {"text": clean(rule.title)},
        "help": {"text": clean(rule.explanation)},
        "defaultConfiguration": {"level": _level(severity)},
        "properties": {
            "article": rule.article,
            "chapter": rule.chapter,
            "kind": rule.kind,
            "versions": [],
            "tags": ["govmedia", rule.id],
        },
    }


def _level(severity: str) -> str:
    return "error" if severity == "error" else "warning"


def _result(
    v: Violation, report: Report, index: dict[str, int], reasons: dict[str, str]
) -> dict[str, Any]:
    result: dict[str, Any] = {
        "ruleId": v.check_id,
        "level": _level(v.severity),
        "message": {"text": message(v, report.lang)},
        "locations": [
            {
                "physicalLocation": {
                    "artifactLocation": {"uri": v.path},
                    "region": {"startLine": max(1, v.line)},
                }
            }
        ],
        "partialFingerprints": {FINGERPRINT_KEY: v.fingerprint},
        "properties": {
            "article": v.article,
            "version": v.version,
            "unit": v.unit,
            "account": v.account,
            "day": v.day,
            "hint": v.hint,
        },
    }
    if v.check_id in index:
        result["ruleIndex"] = index[v.check_id]
    if v.status == "waived" and v.waiver:
        suppression: dict[str, Any] = {
            "kind": "external",
            "status": "accepted",
            "justification": reasons.get(v.waiver, v.waiver),
            "location": {"physicalLocation": {"artifactLocation": {"uri": v.waiver}}},
        }
        result["suppressions"] = [suppression]
    return result


def _reminder_descriptor(kind: str, en: bool) -> dict[str, Any]:
    return {
        "id": REMINDER_PREFIX + kind,
        "name": kind,
        "shortDescription": {"text": f"{'reminder' if en else REMINDER}: {kind}"},
        "fullDescription": {"text": REMINDERS_HEADING_EN if en else REMINDERS_HEADING},
        "defaultConfiguration": {"level": "none"},
        "properties": {"tags": ["govmedia", "reminder"]},
    }


def _reminder_result(m: Reminder, report: Report, index: dict[str, int]) -> dict[str, Any]:
    location: dict[str, Any] = {"artifactLocation": {"uri": m.path or "records/"}}
    if m.path and m.line > 0:
        location["region"] = {"startLine": m.line}
    text = message(m, report.lang)
    # Reminders have no fingerprint of their own: what they are about, not where.
    identity = f"{m.kind}/{m.path}/{m.day}/{m.message}"
    rule_id = REMINDER_PREFIX + m.kind
    return {
        "ruleId": rule_id,
        "ruleIndex": index[rule_id],
        "kind": "review",
        "level": "none",
        "message": {"text": text},
        "locations": [{"physicalLocation": location}],
        "partialFingerprints": {
            REMINDER_FINGERPRINT_KEY: hashlib.sha256(identity.encode()).hexdigest()[:16]
        },
        "properties": {
            "reminder": True,
            "article": m.article,
            "unit": m.unit,
            "account": m.account,
            "day": m.day,
            "hint": m.hint,
        },
    }


def render(report: Report) -> str:
    return "".join(chunks(report))


@register("sarif")
def chunks(report: Report) -> Iterator[str]:
    """The log in pieces: each result made as it is written."""
    r = report.result
    rules = descriptors(r.policy)
    notes = reminders(report)
    rules += [
        _reminder_descriptor(kind, report.lang == "en") for kind in sorted({m.kind for m in notes})
    ]
    index = {d["id"]: i for i, d in enumerate(rules)}
    # Waivers as read from the records: their text is escaped here (``safe`` cleans the
    # violations, not the banner).
    reasons = {
        w.path: clean(f"{w.data['reason']}(豁免记录 {w.path},有效至 {w.data['expires']})")
        for w in r.authority.waivers  # the waivers that count (engine/authority.py)
    }
    results = Stream(
        itertools.chain(
            (_result(v, report, index, reasons) for v in itertools.chain(report.shown, r.waived)),
            (_reminder_result(m, report, index) for m in notes),
        )
    )
    doc = {
        "$schema": SCHEMA,
        "version": "2.1.0",
        "runs": [
            {
                "tool": {
                    "driver": {
                        "name": "govmedia",
                        "version": __version__,
                        "semanticVersion": __version__,
                        "rules": rules,
                    }
                },
                "columnKind": "unicodeCodePoints",
                "results": results,
                "properties": {
                    "as_of": r.as_of.isoformat(),
                    "rulebook": r.policy.digest,
                    "snapshot": r.snapshot.kind,
                    "commit": r.snapshot.commit.sha if r.snapshot.commit else None,
                    "base": report.base,
                },
            }
        ],
    }
    return json_chunks(doc)
