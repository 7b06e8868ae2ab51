"""One home for each word and each constant of the law.

Labels (what an id is called) are defined in engine/labels.py only; a constant of the law
(a number of working days, a list of sectors or purposes, the supervising unit) is a
parameter of the article that defines it, in policy/art-NN.toml, and nowhere else: code
reads it with ``engine.facts.parameter`` and a hint with a ``{placeholder}``. Each test
scans engine/ and policy/ for a copy, so a retyped label or a number copied from another
article fails here, whatever its wording.
"""

from __future__ import annotations

import ast
import re
from collections import defaultdict
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import rtoml
from conftest import ROOT

from engine import labels

ENGINE = ROOT / "engine"
POLICY = ROOT / "policy"

# Vocabularies whose labels are distinctive enough that the same text elsewhere is a copy.
VOCABULARIES = {
    "SEVERITY": labels.SEVERITY,
    "RULE_KIND": labels.RULE_KIND,
    "PLATFORM": labels.PLATFORM,
    "UNIT_TYPE": labels.UNIT_TYPE,
    "SECTOR": labels.SECTOR,
    "CATEGORY": labels.CATEGORY,
    "REVIEW_LEVEL": labels.REVIEW_LEVEL,
    "EVENT_TYPE": labels.EVENT_TYPE,
    "EVIDENCE_TYPE": labels.EVIDENCE_TYPE,
    "INCIDENT_TYPE": labels.INCIDENT_TYPE,
    "SUPERVISION_TYPE": labels.SUPERVISION_TYPE,
    "MEASURE": labels.MEASURE,
    "NEW_KIND": labels.NEW_KIND,
    "DUE_KIND": labels.DUE_KIND,
}
# Single characters and everyday nouns that are also labels (镇, 单位, 其他) say nothing.
MIN_LABEL = 4
# Labels that must not even be part of another string: they are only ever shown by label.
WHOLE_WORDS = (labels.SEVERITY["warning"], *labels.PLATFORM.values())

# Copies in files another helper owns, waiting for the lead to apply the fix (see the report
# of branch h-oneword). Each entry must still occur: once fixed, delete it here.
AWAITING_LEAD: set[tuple[str, str]] = set()


def _strings(path: Path, formatted: bool = True) -> Iterator[tuple[int, str]]:
    """Every string constant of a module but its docstrings (developer English); without
    ``formatted``, not the literal parts of f-strings either."""
    tree = ast.parse(path.read_text("utf-8"))
    skipped = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.JoinedStr) and not formatted:
            skipped.update(id(v) for v in node.values)
        if isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef):
            body = node.body
            if body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant):
                skipped.add(id(body[0].value))
    for node in ast.walk(tree):
        if (
            isinstance(node, ast.Constant)
            and isinstance(node.value, str)
            and id(node) not in skipped
        ):
            yield node.lineno, node.value


def _modules() -> list[Path]:
    return [p for p in sorted(ENGINE.rglob("*.py")) if p != ENGINE / "labels.py"]


def _rel(path: Path) -> str:
    return path.relative_to(ROOT).as_posix()


def test_no_label_is_retyped_in_engine() -> None:
    known: dict[str, list[str]] = defaultdict(list)
    for name, table in VOCABULARIES.items():
        for key, text in table.items():
            if len(text) >= MIN_LABEL:
                known[text].append(f"{name}[{key!r}]")
    assert len(known) > 40  # the scan has something to look for
    copies = [
        f"{_rel(path)}:{line}: {text!r} is {' / '.join(known[text])}"
        for path in _modules()
        for line, text in _strings(path)
        if text in known
    ]
    assert copies == [], "use engine.labels instead:\n" + "\n".join(copies)


def test_severity_and_platform_labels_only_in_labels_py() -> None:
    found = {
        (_rel(path), word): line
        for path in _modules()
        for line, text in _strings(path)
        for word in WHOLE_WORDS
        if word in text
    }
    copies = sorted(f"{where}:{line}: {word}" for (where, word), line in found.items())
    assert set(found) - AWAITING_LEAD == set(), "\n".join(copies)
    assert AWAITING_LEAD - set(found) == set(), "fixed: remove it from AWAITING_LEAD"


def test_one_definition_of_each_shared_helper() -> None:
    """``article_zh``, ``private_values`` and the writer of case records exist once."""
    defined: dict[str, list[str]] = defaultdict(list)
    for path in [*sorted(ENGINE.rglob("*.py")), *sorted((ROOT / "tests").rglob("*.py"))]:
        for node in ast.walk(ast.parse(path.read_text("utf-8"))):
            if isinstance(node, ast.FunctionDef):
                defined[node.name].append(_rel(path))
    assert defined["article_zh"] == ["engine/labels.py"]
    assert defined["private_values"] == ["engine/records.py"]
    assert defined["materialise"] == ["engine/cases.py"]
    assert "write_records" not in defined and "base_records" in defined


def _rules() -> dict[str, dict[str, Any]]:
    return {p.stem: rtoml.load(p) for p in sorted(POLICY.glob("art-*.toml"))}


def _parameters(rule: dict[str, Any]) -> Iterator[tuple[str, Any]]:
    for version in rule.get("versions", []):
        yield from version.get("parameters", {}).items()
    yield from rule.get("parameters", {}).items()


def test_an_id_constant_of_the_law_is_a_parameter_of_one_article() -> None:
    """A unit id or other single id (the supervising unit) is defined by one article; the
    others read it (art-13 files closures with art-06's ``supervising_unit``)."""
    owners: dict[str, set[str]] = defaultdict(set)
    for rule_id, rule in _rules().items():
        for _name, value in _parameters(rule):
            if isinstance(value, str) and re.fullmatch(r"[a-z0-9][a-z0-9-]+", value):
                owners[value].add(rule_id)
    assert owners  # art-06's supervising unit is one
    shared = {value: sorted(rules) for value, rules in owners.items() if len(rules) > 1}
    assert shared == {}


def _constants() -> tuple[set[str], list[frozenset[str]]]:
    """Every id-like string parameter and every list of strings the rulebook defines."""
    ids: set[str] = set()
    lists: list[frozenset[str]] = []
    for rule in _rules().values():
        for _name, value in _parameters(rule):
            if isinstance(value, str) and re.fullmatch(r"[a-z0-9][a-z0-9-]+", value):
                ids.add(value)
            elif (
                isinstance(value, list)
                and len(value) > 1
                and all(isinstance(v, str) for v in value)
            ):
                lists.append(frozenset(value))
    return ids, lists


def test_no_constant_of_the_law_is_written_in_engine() -> None:
    """KEY_SECTORS, art-11's event purposes, the supervising unit: not in code. A string
    equal to an id parameter, or a literal collection of strings equal to a list
    parameter (in any order), is a copy of the law in the code."""
    ids, lists = _constants()
    assert "zwfwj" in ids and frozenset({"event", "project"}) in lists
    copies = []
    for path in sorted(ENGINE.rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text("utf-8"))):
            if isinstance(node, ast.Constant) and node.value in ids:
                copies.append(f"{_rel(path)}:{node.lineno}: {node.value!r}")
            if isinstance(node, ast.Set | ast.List | ast.Tuple) and len(node.elts) > 1:
                items = [e.value for e in node.elts if isinstance(e, ast.Constant)]
                if len(items) == len(node.elts) and frozenset(map(str, items)) in lists:
                    copies.append(f"{_rel(path)}:{node.lineno}: {sorted(map(str, items))}")
    assert copies == [], "read it with engine.facts.parameter:\n" + "\n".join(copies)


def _templates() -> Iterator[tuple[str, str, str, str]]:
    for rule_id, rule in _rules().items():
        for version in rule.get("versions", []):
            for check in version.get("checks", []):
                for field in ("message", "hint"):
                    yield rule_id, check["id"], field, str(check.get(field, ""))


def test_messages_and_hints_quote_numbers_only_through_parameters() -> None:
    """A number in a message or hint is a ``{placeholder}`` (its own version's parameter, a
    fact's value, or another article's parameter the fact builder read): art-11's hint
    shows art-13's notice period, so an amendment of art-13 changes it too."""
    found = []
    for rule_id, check, field, text in _templates():
        bare = re.sub(r"\{[^{}]*\}", "", text)
        bare = re.sub(r"art-\d\d", "", bare)  # file and rule names
        for number in re.findall(r"\d+", bare):
            found.append(f"{rule_id}/{check} {field}: {number} in {text!r}")
    assert found == []
    art11 = next(
        t for r, c, f, t in _templates() if (r, c, f) == ("art-11", "duplicate-platform", "hint")
    )
    assert "{min_notice_working_days}" in art11


def test_policy_texts_name_platforms_by_id_only() -> None:
    """Platform labels live in engine/labels.py; a rule's notes, hints and messages that
    listed them would drift from the site and the records' documentation."""
    words = tuple(labels.PLATFORM.values())
    found = []
    for rule_id, rule in _rules().items():
        for version in rule.get("versions", []):
            texts = [*version.get("parameter_notes", {}).values(), version.get("summary", "")]
            texts += [c.get(f, "") for c in version.get("checks", []) for f in ("message", "hint")]
            found += [f"{rule_id}: {w}" for t in texts for w in words if w in str(t)]
    assert found == []


# Folder prefixes written in files another helper owns (see AWAITING_LEAD): each must
# still occur; once the lead replaces it by records.directory(kind), delete it here.
FOLDERS_AWAITING_LEAD: set[tuple[str, str]] = set()


def test_record_folders_come_from_the_record_kind_table() -> None:
    """Where records of a kind live is RECORD_KINDS' (engine/records.py); code asks
    ``records.directory(kind)`` instead of writing ``"records/supervision/"`` (a path
    to one file, ``f"records/calendar/{year}.toml"``, names the file, not the layout)."""
    from engine import records

    folders = {records.directory(k) for k in records.kinds()} - {"records/"}
    assert "records/supervision/" in folders
    found = {
        (_rel(path), text)
        for path in _modules()
        if path != ENGINE / "records.py"
        for _line, text in _strings(path, formatted=False)
        if text in folders
    }
    assert found - FOLDERS_AWAITING_LEAD == set()
    assert FOLDERS_AWAITING_LEAD - found == set(), "fixed: remove it from FOLDERS_AWAITING_LEAD"


def test_the_rulebook_names_severities_by_their_labels() -> None:
    """The rulebook's prose calls an error 违规 and a warning 警示, as the reports do (not
    错误, 提醒 or 警告: 提醒 is a reminder, 警告 a sanction of art-24)."""
    found = []
    for path in sorted(POLICY.glob("*.toml")):
        text = path.read_text("utf-8")
        for word, severity in re.findall(r"(\w{2})\((error|warning)\)", text):
            if word != labels.SEVERITY[severity]:
                found.append(f"{path.name}: {word}({severity})")
        found += [f"{path.name}: {m}" for m in re.findall(r"(?:报告|为|按)错误", text)]
    assert found == []
    assert "违规(error)" in (POLICY / "art-11.toml").read_text("utf-8")
