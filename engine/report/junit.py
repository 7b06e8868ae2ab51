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


def render(report: Report) -> str:
    return "".join(chunks(report))


def _start_tag(elem: ET.Element) -> str:
    """The start tag of an element without children, escaped as ``xml.etree`` does."""
    return ET.tostring(elem, encoding="unicode")[: -len(" />")] + ">"


def _written(case: ET.Element) -> str:
    """A test case as the line(s) it takes in the indented whole (depth 2)."""
    ET.indent(case, level=2)
    return "    " + ET.tostring(case, encoding="unicode") + "\n"


def _violation_case(v: Violation, en: bool, lang: str) -> ET.Element:
    case = ET.Element(
        "testcase",
        {
            "name": _clean(f"{v.path}:{v.line} {v.check}"),
            "classname": f"govmedia.{v.rule}.{v.check}",
            "time": "0",
        },
    )
    text = _clean(message(v, lang))
    if v.status == "open":
        failure = ET.SubElement(case, "failure", {"message": text, "type": v.severity})
        hint = "" if en else f"怎么改: {_clean(v.hint)}\n"
        failure.text = (
            f"{_clean(v.path)}:{v.line}: [{v.check_id} v{v.version} {v.severity}] {text}\n"
            f"{hint}fingerprint {v.fingerprint}\n"
        )
    else:
        ET.SubElement(
            case, "skipped", {"message": f"{'waived by' if en else '已豁免'} {v.waiver}: {text}"}
        )
    return case


def _counted(elem: ET.Element, tests: int, failures: int, skipped: int) -> ET.Element:
    for name, value in (
        ("tests", tests),
        ("failures", failures),
        ("errors", 0),
        ("skipped", skipped),
    ):
        elem.set(name, str(value))
    return elem


@register("junit")
def chunks(report: Report) -> Iterator[str]:
    """The XML in pieces, one test case at a time: the counts are taken first (they
    come first, as attributes), then each case is made as it is written, indented as
    ``ET.indent`` indents the whole."""
    r = report.result
    en = report.lang == "en"
    lang = report.lang
    by_rule: dict[str, list[Violation]] = defaultdict(list)
    for v in [*report.shown, *r.waived]:
        by_rule[v.rule].append(v)
    suites = []
    for rule in sorted(r.policy.rules.values(), key=lambda x: (x.article, x.id)):
        found = by_rule.get(rule.id, [])
        checked = any(v.checks for v in rule.versions)
        n_fail = sum(1 for v in found if v.status == "open")
        n_skip = len(found) - n_fail + (0 if n_fail or checked else 1)
        cases = len(found) + (0 if n_fail else 1)
        suite = ET.Element(
            "testsuite", {"name": _clean(f"{rule.id} {article_zh(rule.article)} {rule.title}")}
        )
        suites.append((rule, found, checked, _counted(suite, cases, n_fail, n_skip)))
    notes = reminders(report)
    root = ET.Element("testsuites", {"name": "govmedia"})
    _counted(
        root,
        sum(int(s.get("tests", 0)) for *_, s in suites) + len(notes),
        sum(int(s.get("failures", 0)) for *_, s in suites),
        sum(int(s.get("skipped", 0)) for *_, s in suites),
    )
    yield '<?xml version="1.0" encoding="UTF-8"?>\n'
    if not suites and not notes:
        yield ET.tostring(root, encoding="unicode") + "\n"
        return
    yield _start_tag(root) + "\n"
    for rule, found, checked, suite in suites:
        yield "  " + _start_tag(suite) + "\n"
        for v in found:
            yield _written(_violation_case(v, en, lang))
        if suite.get("failures") == "0":
            case = ET.Element(
                "testcase",
                {
                    "name": ("no violations" if en else "无违规")
                    if checked
                    else ("not checked" if en else "本条不作自动检查"),
                    "classname": f"govmedia.{rule.id}",
                    "time": "0",
                },
            )
            if not checked:
                ET.SubElement(case, "skipped", {"message": rule.kind})
            yield _written(case)
        yield "  </testsuite>\n"
    if notes:
        suite = _counted(
            ET.Element("testsuite", {"name": REMINDERS_HEADING_EN if en else REMINDERS_HEADING}),
            len(notes),
            0,
            0,
        )
        yield "  " + _start_tag(suite) + "\n"
        for m in notes:
            yield _written(_reminder_case(m, lang))
        yield "  </testsuite>\n"
    yield "</testsuites>\n"


def _reminder_case(m: Reminder, lang: str) -> ET.Element:
    """One passing test case per reminder (see the module's docstring)."""
    en = lang == "en"
    where = f"{m.path}:{m.line} " if m.path and m.line else (f"{m.path} " if m.path else "")
    case = ET.Element(
        "testcase",
        {
            "name": _clean(f"{where}{m.kind}"),
            "classname": f"govmedia.reminder.{m.kind}",
            "time": "0",
        },
    )
    out = ET.SubElement(case, "system-out")
    day = f"{m.day} " if m.day else ""
    hint = f"\n{REMINDER_HINT}: {_clean(m.hint)}" if m.hint and not en else ""
    out.text = f"{_clean(day + message(m, lang))}{hint}\n"
    return case
