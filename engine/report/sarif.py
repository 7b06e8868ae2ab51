"""SARIF 2.1.0 (OASIS): one run, for code-scanning tools such as GitHub's.

The driver lists every check of every rule version of the rulebook as a
reporting descriptor ``art-NN/check`` (a check that appears in several versions
is listed once, with the versions in its properties). Waived violations are
results too, carrying an external suppression with the waiver's reason.
"""

from __future__ import annotations

import json
from typing import Any

from engine import __version__
from engine.labels import article_zh
from engine.policy import Policy, Rule
from engine.report import Report, message, register
from engine.violations import Violation

SCHEMA = (
    "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"
)
FINGERPRINT_KEY = "govmedia/v1"


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
        "shortDescription": {"text": f"{article_zh(rule.article)} {rule.title}:{check}"},
        "fullDescription": {"text": rule.title},
        "help": {"text": rule.explanation},
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


@register("sarif")
def render(report: Report) -> str:
    r = report.result
    rules = descriptors(r.policy)
    index = {d["id"]: i for i, d in enumerate(rules)}
    reasons = {
        w.path: f"{w.data['reason']}(豁免记录 {w.path},有效至 {w.data['expires']})"
        for w in r.authority.waivers  # the waivers that count (engine/authority.py)
    }
    results = [_result(v, report, index, reasons) for v in [*report.shown, *r.waived]]
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
    return json.dumps(doc, ensure_ascii=False, indent=2) + "\n"
