"""JUnit XML for CI dashboards: one test suite per article, one test case per violation.

An article without open violations gets one passing test case; an article the
engine does not check (no checks in any version) gets one skipped case, so the
dashboard shows the whole rulebook. Waived violations are skipped cases.
Everything is escaped by ``xml.etree``; characters XML 1.0 cannot carry at all
are written as visible escapes (``clean``) before that.

Reminders get a test suite of their own, one *passing* test case each, the
reminder's text in the case's ``<system-out>``. JUnit has no outcome for "a person
should look at this": ``<failure>`` and ``<error>`` fail the build, and
``<skipped>`` says a test did not run (dashboards count and colour it as such),
while a reminder is the result of a check that ran and found no violation.
``<system-out>`` inside ``<testcase>`` is shown next to the case by Jenkins, GitLab
and Azure DevOps and counts for nothing.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from collections import defaultdict
from collections.abc import Iterator

from engine.labels import REMINDER_HINT, REMINDERS_HEADING, REMINDERS_HEADING_EN, article_zh
from engine.report import Report, message, register, reminders
from engine.textsafe import clean
from engine.violations import Reminder, Violation

# Characters XML 1.0 cannot carry at all, even escaped (a TOML string may hold them);
# ``clean`` escapes them already, this is the last guard.
_INVALID = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def _clean(text: str) -> str:
    return _INVALID.sub("\ufffd", clean(text))


def _case(suite: ET.Element, name: str, classname: str) -> ET.Element:
    return ET.SubElement(suite, "testcase", {"name": name, "classname": classname, "time": "0"})


@register("junit")
def chunks(report: Report) -> Iterator[str]:
    yield render(report)


def render(report: Report) -> str:
    r = report.result
    en = report.lang == "en"
    by_rule: dict[str, list[Violation]] = defaultdict(list)
    for v in [*report.shown, *r.waived]:
        by_rule[v.rule].append(v)
    root = ET.Element("testsuites", {"name": "govmedia"})
    total = failures = skipped = 0
    for rule in sorted(r.policy.rules.values(), key=lambda x: (x.article, x.id)):
        found = by_rule.get(rule.id, [])
        suite = ET.SubElement(
            root,
            "testsuite",
            {"name": _clean(f"{rule.id} {article_zh(rule.article)} {rule.title}")},
        )
        n_fail = n_skip = 0
        checked = any(v.checks for v in rule.versions)
        open_ = [v for v in found if v.status == "open"]
        for v in found:
            case = _case(
                suite, _clean(f"{v.path}:{v.line} {v.check}"), f"govmedia.{v.rule}.{v.check}"
            )
            text = _clean(message(v, report.lang))
            if v.status == "open":
                n_fail += 1
                failure = ET.SubElement(case, "failure", {"message": text, "type": v.severity})
                hint = "" if en else f"怎么改: {_clean(v.hint)}\n"
                failure.text = (
                    f"{_clean(v.path)}:{v.line}: [{v.check_id} v{v.version} {v.severity}] {text}\n"
                    f"{hint}fingerprint {v.fingerprint}\n"
                )
            else:
                n_skip += 1
                ET.SubElement(
                    case,
                    "skipped",
                    {"message": f"{'waived by' if en else '已豁免'} {v.waiver}: {text}"},
                )
        if not open_:
            if checked:
                _case(suite, "no violations" if en else "无违规", f"govmedia.{rule.id}")
            else:
                case = _case(
                    suite, "not checked" if en else "本条不作自动检查", f"govmedia.{rule.id}"
                )
                n_skip += 1
                ET.SubElement(case, "skipped", {"message": rule.kind})
        cases = len(suite)
        suite.set("tests", str(cases))
        suite.set("failures", str(n_fail))
        suite.set("errors", "0")
        suite.set("skipped", str(n_skip))
        total += cases
        failures += n_fail
        skipped += n_skip
    notes = reminders(report)
    if notes:
        suite = _reminder_suite(root, notes, report.lang)
        total += len(suite)
    root.set("tests", str(total))
    root.set("failures", str(failures))
    root.set("errors", "0")
    root.set("skipped", str(skipped))
    ET.indent(root)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="unicode") + "\n"


def _reminder_suite(root: ET.Element, notes: list[Reminder], lang: str) -> ET.Element:
    """One passing test case per reminder (see the module's docstring)."""
    en = lang == "en"
    suite = ET.SubElement(
        root, "testsuite", {"name": REMINDERS_HEADING_EN if en else REMINDERS_HEADING}
    )
    for m in notes:
        where = f"{m.path}:{m.line} " if m.path and m.line else (f"{m.path} " if m.path else "")
        case = _case(suite, _clean(f"{where}{m.kind}"), f"govmedia.reminder.{m.kind}")
        out = ET.SubElement(case, "system-out")
        day = f"{m.day} " if m.day else ""
        hint = f"\n{REMINDER_HINT}: {_clean(m.hint)}" if m.hint and not en else ""
        out.text = f"{_clean(day + message(m, lang))}{hint}\n"
    for name, value in (("tests", len(suite)), ("failures", 0), ("errors", 0), ("skipped", 0)):
        suite.set(name, str(value))
    return suite
