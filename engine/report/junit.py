"""JUnit XML for CI dashboards: one test suite per article, one test case per violation.

An article without open violations gets one passing test case; an article the
engine does not check (no checks in any version) gets one skipped case, so the
dashboard shows the whole rulebook. Waived violations are skipped cases.
Everything is escaped by ``xml.etree``.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from collections import defaultdict

from engine.labels import article_zh
from engine.report import Report, message, register
from engine.violations import Violation

# Characters XML 1.0 cannot carry at all, even escaped (a TOML string may hold them).
_INVALID = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def _clean(text: str) -> str:
    return _INVALID.sub("\ufffd", text)


def _case(suite: ET.Element, name: str, classname: str) -> ET.Element:
    return ET.SubElement(suite, "testcase", {"name": name, "classname": classname, "time": "0"})


@register("junit")
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
                hint = "" if en else f"怎么改: {v.hint}\n"
                failure.text = (
                    f"{v.path}:{v.line}: [{v.check_id} v{v.version} {v.severity}] {text}\n"
                    f"{_clean(hint)}fingerprint {v.fingerprint}\n"
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
    root.set("tests", str(total))
    root.set("failures", str(failures))
    root.set("errors", "0")
    root.set("skipped", str(skipped))
    ET.indent(root)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="unicode") + "\n"
