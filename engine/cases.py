"""Rule cases: examples in each policy file that are also tests.

A case (``[[cases]]`` in ``policy/art-NN.toml``) is a small record set and the
violations of that rule it must produce on a given date::

    [[cases]]
    name = "公告满15个工作日"
    as_of = "2020-11-30"
    expect = []                       # or ["art-13/notice-too-short@1", ...]
    reminders = ["review-same-day"]   # optional: the kinds of this rule's reminders
    remove = ["accounts/wx-test/posts/2021-01.toml"]
    [cases.records]
    "accounts/wx-old/events/closure.toml" = '''
    type = "closure"
    date = 2020-10-21
    '''

The records start from ``policy/cases-base.toml`` (unless ``base = false``):
``remove`` drops base files, ``records`` adds or replaces files (paths relative
to ``records/``). The case is evaluated with the whole rulebook, exactly as
``govmedia check`` would, and only the open violations of the case's own rule
are compared with ``expect`` (as a multiset of ``art-NN/check`` ids; an entry
``art-NN/check@V`` also asserts the version applied), and the kinds of the
reminders of the rule's article with ``reminders`` (default: none).
"""

from __future__ import annotations

import tempfile
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path, PurePosixPath
from typing import Any

from engine import policy as policy_mod
from engine import snapshot
from engine.cache import Cache
from engine.errors import InputError
from engine.evaluate import evaluate
from engine.facts import ACCOUNT_BUILDERS, BANNER_BUILDERS, Context, Fact
from engine.policy import Policy, Rule
from engine.records import parse_toml
from engine.resources import bundled_policy_dir
from engine.timeutil import parse_date
from engine.violations import Violation

BASE_FILE = "cases-base.toml"


@dataclass(frozen=True)
class Base:
    """The shared starting record set of the cases (``policy/cases-base.toml``)."""

    as_of: date
    records: dict[str, str]


@dataclass(frozen=True)
class CaseResult:
    rule: str
    name: str
    as_of: date
    expected: list[str]
    actual: list[str]  # "art-NN/check@V" for every open violation of the rule, sorted
    passed: bool
    violations: list[Violation] = field(default_factory=list)
    judged_by: frozenset[int] = frozenset()  # versions of the rule in force on some judged fact
    error: str = ""  # an input error in the case's records (the case then fails)
    expected_reminders: list[str] = field(default_factory=list)
    actual_reminders: list[str] = field(default_factory=list)  # kinds, sorted

    @property
    def id(self) -> str:
        return f"{self.rule}::{self.name}"

    def explain(self) -> str:
        """Why the case failed, in Chinese (empty if it passed)."""
        if self.passed:
            return ""
        if self.error:
            return f"用例「{self.name}」的记录无效:\n{self.error}"
        lines = [
            f"用例「{self.name}」(as_of {self.as_of.isoformat()}) 的结果与预期不符",
            f"  预期: {self.expected}",
            f"  实际: {self.actual}",
        ]
        if self.expected_reminders != self.actual_reminders:
            lines += [
                f"  预期提醒: {self.expected_reminders}",
                f"  实际提醒: {self.actual_reminders}",
            ]
        lines += [
            f"  - {v.check_id}@{v.version} {v.path}:{v.line} {v.message}" for v in self.violations
        ]
        return "\n".join(lines)


def load_base(policy_dir: Path) -> Base:
    """Read ``cases-base.toml`` of a rulebook directory; an empty base if there is none."""
    path = policy_dir / BASE_FILE
    if not path.is_file():
        return Base(date(2021, 1, 17), {})
    data = parse_toml(f"policy/{BASE_FILE}", path.read_bytes())
    records = data.get("records", {})
    if not isinstance(records, dict) or not all(isinstance(v, str) for v in records.values()):
        raise InputError(
            "[records] 应把路径映射到 TOML 文本",
            path=f"policy/{BASE_FILE}",
            hint="形如 \"units/x/unit.toml\" = '''...'''。",
        )
    return Base(parse_date(str(data["as_of"])), dict(records))


def case_records(case: dict[str, Any], base: Base, where: str = "") -> dict[str, str]:
    """The record files of a case (paths relative to ``records/``)."""
    files = dict(base.records) if case.get("base", True) else {}
    for rel in case.get("remove", []):
        if rel not in files:
            raise InputError(
                f"remove 中的「{rel}」不在基础记录中",
                path=where or None,
                hint="remove 只能列出 policy/cases-base.toml 中 [records] 的路径。",
            )
        del files[rel]
    files.update(case.get("records", {}))
    for rel in files:
        pure = PurePosixPath(rel)
        if pure.is_absolute() or ".." in pure.parts or rel.startswith("records/"):
            raise InputError(
                f"用例记录路径「{rel}」不对",
                path=where or None,
                hint="路径相对于 records/,例如 accounts/wx-test/account.toml。",
            )
    return files


def materialise(root: Path, files: dict[str, str]) -> None:
    for rel, text in files.items():
        path = root / "records" / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")


def _judged_facts(ctx: Context, kinds: frozenset[str]) -> list[Fact]:
    facts: list[Fact] = []
    for kind, banner_builder in BANNER_BUILDERS.items():
        if kind in kinds:
            facts.extend(banner_builder(ctx))
    for kind, account_builder in ACCOUNT_BUILDERS.items():
        if kind in kinds:
            for files in ctx.banner.accounts.values():
                if files.account is not None:
                    facts.extend(account_builder(ctx, files))
    return facts


def _matches(expected: list[str], actual: list[tuple[str, int]]) -> bool:
    """Multiset match; ``id@V`` entries must match the version, bare ids any version."""
    left = list(actual)
    versioned = [e for e in expected if "@" in e]
    bare = [e for e in expected if "@" not in e]
    for entry in versioned:
        check, number = entry.split("@")
        try:
            left.remove((check, int(number)))
        except ValueError:
            return False
    for check in bare:
        hit = next((a for a in left if a[0] == check), None)
        if hit is None:
            return False
        left.remove(hit)
    return not left


def run_case(
    policy: Policy, rule: Rule, case: dict[str, Any], base: Base | None = None
) -> CaseResult:
    """Evaluate one case of ``rule`` with the whole rulebook; compare its violations with ``expect``."""
    if base is None:
        base = load_base(bundled_policy_dir())
    as_of = parse_date(str(case["as_of"]))
    expected = sorted(str(e) for e in case.get("expect", []))
    name = str(case["name"])
    try:
        files = case_records(case, base, rule.path)
        with tempfile.TemporaryDirectory(prefix="govmedia-case-") as tmp:
            root = Path(tmp)
            materialise(root, files)
            (root / "records").mkdir(exist_ok=True)
            # Cases judge rules, not signatures: their waivers and supervision records
            # count without git history (real snapshots are always verified).
            result = evaluate(
                snapshot.from_worktree(root), policy, as_of, Cache(None), trust_all=True
            )
            ctx = Context(result.banner, result.banner.calendar(), as_of, policy.measures_effective)
            facts = _judged_facts(ctx, rule.fact_kinds)
    except InputError as exc:
        return CaseResult(rule.id, name, as_of, expected, [], False, error=exc.render())
    # The versions that judged something: those in force on the facts' dates; a rule
    # whose facts exist only when something is wrong (a gap) is judged as of the date.
    days = [f.day for f in facts] if facts else [as_of]
    judged = frozenset(v.number for d in days if (v := rule.version_on(d)) is not None)
    mine = [v for v in result.open if v.rule == rule.id]
    pairs = sorted((v.check_id, v.version) for v in mine)
    wanted = sorted(str(k) for k in case.get("reminders", []))
    noted = sorted(r.kind for r in result.reminders if r.article == rule.article)
    return CaseResult(
        rule=rule.id,
        name=name,
        as_of=as_of,
        expected=expected,
        actual=[f"{c}@{n}" for c, n in pairs],
        passed=_matches(expected, pairs) and wanted == noted,
        violations=mine,
        judged_by=judged,
        expected_reminders=wanted,
        actual_reminders=noted,
    )


def run_all(policy_dir: Path) -> list[CaseResult]:
    """Every case of every rule in a rulebook directory, in rule order."""
    policy = policy_mod.load(policy_dir)
    base = load_base(policy_dir)
    return [
        run_case(policy, rule, case, base)
        for rule in sorted(policy.rules.values(), key=lambda r: r.article)
        for case in rule.cases
    ]


def coverage(rule: Rule, results: list[CaseResult]) -> dict[int, tuple[list[str], list[str]]]:
    """Per version of ``rule``: its passing cases (``expect = []``, the version judged
    something) and its failing cases (``expect`` non-empty, a violation of that version).

    Only cases that themselves pass count. Every version of a checkable or evidence
    rule needs at least one of each (tests/test_cases.py).
    """
    out: dict[int, tuple[list[str], list[str]]] = {}
    for version in rule.versions:
        n = version.number
        passing = [r.name for r in results if r.passed and not r.expected and n in r.judged_by]
        failing = [
            r.name
            for r in results
            if r.passed and r.expected and any(v.version == n for v in r.violations)
        ]
        out[n] = (passing, failing)
    return out
