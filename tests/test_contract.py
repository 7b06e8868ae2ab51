"""The contract between the rulebook and the facts: misspelt kinds, fields, parameters,
operators and mistyped values fail at load with file:line; builders keep to their
declarations."""

from __future__ import annotations

import shutil
from dataclasses import replace
from datetime import date
from functools import partial
from pathlib import Path
from typing import Any

import pytest
from conftest import ROOT, run_cli

from engine import banner, policy, records, snapshot
from engine.errors import InputError, InputErrors
from engine.facts import (
    ACCOUNT_BUILDERS,
    BANNER_BUILDERS,
    FACT_KINDS,
    Context,
    declared_in,
    fact_kinds,
    undeclared,
)
from engine.lines import LineIndex

POLICY = ROOT / "policy"


def _copy(tmp_path: Path) -> Path:
    target = tmp_path / "policy"
    shutil.copytree(POLICY, target)
    return target


def _edit(directory: Path, name: str, old: str, new: str) -> int:
    """Replace ``old`` (once, it must occur) in a policy file; the 1-based line it is on."""
    path = directory / name
    text = path.read_text("utf-8")
    assert text.count(old) >= 1, old
    at = text.index(old)
    path.write_text(text.replace(old, new, 1), "utf-8")
    return text[:at].count("\n") + 1


def _load_error(directory: Path) -> InputError:
    with pytest.raises(InputError) as caught:
        policy.load(directory)
    error = caught.value
    return error.errors[0] if isinstance(error, InputErrors) else error


def test_the_rulebook_keeps_to_the_declarations() -> None:
    loaded = policy.load(POLICY)
    kinds = fact_kinds()
    for rule in loaded.rules.values():
        for version in rule.versions:
            for check in version.checks:
                assert check.fact in kinds
                assert check.fields - {"fact"} <= set(kinds[check.fact].fields)


def test_misspelt_field_fails_at_load_with_file_and_line(tmp_path: Path) -> None:
    directory = _copy(tmp_path)
    line = _edit(
        directory,
        "art-13.toml",
        '{ "$lt" = { notice_working_days =',
        '{ "$lt" = { notice_workng_days =',
    )
    error = _load_error(directory)
    assert (error.path, error.line) == ("policy/art-13.toml", line)
    assert "notice_workng_days" in error.message and "closure" in error.message
    assert "是不是「notice_working_days」" in error.hint
    assert "has_notice" in error.hint  # the known names are listed
    result = run_cli("rules", "--policy", str(directory))
    assert result.returncode == 2
    assert f"policy/art-13.toml:{line}:" in result.stderr
    assert "Traceback" not in result.stderr


def test_misspelt_kind_fails_at_load_with_file_and_line(tmp_path: Path) -> None:
    directory = _copy(tmp_path)
    line = _edit(directory, "art-13.toml", 'fact = "closure"', 'fact = "closre"')
    error = _load_error(directory)
    assert (error.path, error.line) == ("policy/art-13.toml", line)
    assert "closre" in error.message
    assert "是不是「closure」" in error.hint and "account-week" in error.hint


def test_misspelt_field_inside_in_and_or_is_found(tmp_path: Path) -> None:
    directory = _copy(tmp_path)
    text = (directory / "art-12.toml").read_text("utf-8")
    assert '"$nin"' in text or '"$in"' in text
    # A field inside $nin / $in.
    old = next(
        f'"{op}" = {{ platform =' for op in ("$nin", "$in") if f'"{op}" = {{ platform =' in text
    )
    line = _edit(directory, "art-12.toml", old, old.replace("platform", "platfrom"))
    error = _load_error(directory)
    assert (error.path, error.line) == ("policy/art-12.toml", line)
    assert "platfrom" in error.message and "是不是「platform」" in error.hint


def test_unknown_parameter_and_operator_and_each_table(tmp_path: Path) -> None:
    directory = _copy(tmp_path)
    line = _edit(directory, "art-13.toml", '"$min_notice_working_days"', '"$min_notice_workdays"')
    error = _load_error(directory)
    assert (error.path, error.line) == ("policy/art-13.toml", line)
    assert "$min_notice_workdays" in error.message
    assert "是不是「min_notice_working_days」" in error.hint

    directory = _copy(tmp_path / "b")
    line = _edit(directory, "art-13.toml", '{ "$lt" = { notice', '{ "$ltt" = { notice')
    error = _load_error(directory)
    assert (error.path, error.line) == ("policy/art-13.toml", line)
    assert "$ltt" in error.message


def test_a_value_of_the_wrong_type_fails(tmp_path: Path) -> None:
    directory = _copy(tmp_path)
    line = _edit(
        directory, "art-13.toml", "when = { has_notice = false }", 'when = { has_notice = "false" }'
    )
    error = _load_error(directory)
    assert (error.path, error.line) == ("policy/art-13.toml", line)
    assert "has_notice" in error.message and "字符串" in error.message


def test_every_declared_kind_has_a_builder_module_and_is_used() -> None:
    kinds = fact_kinds()
    assert set(BANNER_BUILDERS) | set(ACCOUNT_BUILDERS) <= set(kinds)
    loaded = policy.load(POLICY)
    used = {k for r in loaded.rules.values() for k in r.fact_kinds}
    assert used == set(kinds), set(kinds) ^ used


SAMPLE_AS_OF = date(2026, 11, 26)


def test_builders_emit_exactly_the_declared_fields_on_the_sample() -> None:
    """Every fact of the bundled sample keeps to its declaration."""
    fact_kinds()
    seen: dict[str, set[str]] = {}
    snap = snapshot.from_worktree(ROOT)
    loaded = records.load_many((p, b, partial(snap.read, p)) for p, b in snap.entries.items())
    the_banner = banner.build([r for r in loaded if r.kind != "posts"])
    for entry in the_banner.accounts.values():
        own = [r for r in loaded if r.kind == "posts" and r.ids["account"] == entry.id]
        banner.attach_posts(entry, own)
    ctx = Context(the_banner, the_banner.calendar(), SAMPLE_AS_OF, date(2020, 8, 29))
    facts = [f for b in BANNER_BUILDERS.values() for f in b(ctx)]
    for entry in the_banner.accounts.values():
        facts += [f for b in ACCOUNT_BUILDERS.values() for f in b(ctx, entry)]
    for fact in facts:
        assert undeclared(fact) == [], fact.key
        seen.setdefault(fact.kind, set()).update(fact.fields)
    # The sample exercises every kind, and every declared field shows up somewhere.
    assert set(seen) == set(FACT_KINDS)
    for kind, fields in seen.items():
        assert fields == set(FACT_KINDS[kind].fields), kind


def test_undeclared_reports_each_departure() -> None:
    from engine.facts import Fact

    fact_kinds()
    record = records.Record("unit", "records/units/x/unit.toml", "", {}, {}, lambda: b"")
    fact = Fact(
        kind="closure",
        key="k",
        day=date(2021, 1, 1),
        record=record,
        where=(),
        unit="x",
        account=None,
        fields={"has_decision": "yes", "extra": 1},
    )
    problems = undeclared(fact)
    assert any("'has_decision' is str" in p for p in problems)
    assert any("'extra' emitted but not declared" in p for p in problems)
    assert any("'has_filing' declared but not emitted" in p for p in problems)
    assert undeclared(Fact("nope", "k", date(2021, 1, 1), record, (), "x", None, {})) != []


def test_line_index_finds_checks() -> None:
    text = (POLICY / "art-13.toml").read_text("utf-8")
    index = LineIndex(text)
    line = index.line(("versions", 0, "checks", 0, "fact"))
    assert text.splitlines()[line - 1].startswith("fact = ")


def _small_rulebook(tmp_path: Path) -> Path:
    """art-25 (required: the effective date), art-13, art-06 (whose supervising unit art-13's
    closures are filed with) and the cases' base."""
    directory = tmp_path / "rulebook"
    directory.mkdir()
    for name in ("art-25.toml", "art-06.toml", "art-13.toml", "cases-base.toml"):
        shutil.copy(POLICY / name, directory / name)
    return directory


def test_rules_check_passes_a_good_rulebook(tmp_path: Path) -> None:
    result = run_cli("rules", "--check", str(_small_rulebook(tmp_path)))
    assert result.returncode == 0, result.stdout + result.stderr
    assert "全部通过" in result.stdout
    loaded = policy.load(POLICY).rules
    cases = len(loaded["art-13"].cases) + len(loaded["art-06"].cases)
    assert f"用例:共 {cases} 个,通过 {cases} 个" in result.stdout


# Parameters a builder reads where the article's absence has a meaning of its own, so a
# rulebook without it still loads: without art-13 no closure notice period exempts a week
# from art-15's weekly update (the report fixture's rulebook has no art-13).
OPTIONAL_READS = {"posts.py": {("art-13", "min_notice_working_days")}}


def test_every_parameter_a_builder_reads_is_declared() -> None:
    """A builder that reads an article's parameter (``parameter(ctx, "art-NN", "name", …)``)
    declares it in ``reads`` of a fact kind of its module, so that loading checks it."""
    import re

    kinds = fact_kinds()
    for path in sorted((ROOT / "engine" / "facts").glob("*.py")):
        text = path.read_text("utf-8")
        calls = set(re.findall(r'parameter\(\s*ctx,\s*"([^"]+)",\s*"([^"]+)"', text))
        module = f"engine/facts/{path.name}"
        declared = {
            (rule, name)
            for kind in kinds.values()
            if declared_in(kind.kind) == module
            for rule, names in kind.reads.items()
            for name in names
        }
        calls -= OPTIONAL_READS.get(path.name, set())
        assert calls <= declared, f"{module}: {sorted(calls - declared)} not in any reads="
    assert any(kind.reads for kind in kinds.values())


def test_a_rulebook_without_a_read_parameter_does_not_load(tmp_path: Path) -> None:
    """art-13's closures are filed with art-06's supervising unit: without art-06 (or with a
    version of it that lacks the parameter) the rulebook is refused, never judged with a
    missing constant."""
    directory = _small_rulebook(tmp_path)
    (directory / "art-06.toml").unlink()
    error = _load_error(directory)
    text = (directory / "art-13.toml").read_text("utf-8").splitlines()
    assert error.path == "policy/art-13.toml" and text[error.line - 1] == 'fact = "closure"'
    assert "art-06" in error.message and "supervising_unit" in error.message
    assert "规则集中没有这个规则" in error.message
    shutil.copy(POLICY / "art-06.toml", directory / "art-06.toml")
    _edit(directory, "art-06.toml", 'supervising_unit = "zwfwj"\n', "")
    error = _load_error(directory)
    assert "supervising_unit" in error.message and "有的版本没有定义" in error.message
    result = run_cli("rules", "--check", str(directory))
    assert result.returncode == 2 and "Traceback" not in result.stderr
    assert "policy/art-13.toml:" in result.stderr


def test_rules_check_names_a_failing_case(tmp_path: Path) -> None:
    directory = _small_rulebook(tmp_path)
    text = (directory / "art-13.toml").read_text("utf-8")
    first = text.index('expect = ["art-13/')
    end = text.index("]", first)
    (directory / "art-13.toml").write_text(text[:first] + "expect = []" + text[end + 1 :], "utf-8")
    result = run_cli("rules", "--check", str(directory))
    assert result.returncode == 1, result.stdout + result.stderr
    assert "失败 art-13::" in result.stdout and "预期: []" in result.stdout


def test_rules_check_refuses_a_misspelt_field(tmp_path: Path) -> None:
    directory = _small_rulebook(tmp_path)
    line = _edit(directory, "art-13.toml", "has_notice = false", "has_notise = false")
    result = run_cli("rules", "--check", str(directory))
    assert result.returncode == 2
    assert f"policy/art-13.toml:{line}:" in result.stderr and "has_notise" in result.stderr
    assert "Traceback" not in result.stderr


def test_rules_check_help_is_chinese() -> None:
    result = run_cli("rules", "--help")
    assert result.returncode == 0 and "校验一个规则目录" in result.stdout


def test_debug_runs_check_every_fact_against_its_declaration(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    from conftest import base_records, write_records

    from engine import evaluate
    from engine.cache import Cache
    from engine.facts.interaction import messages as real

    def wrong(ctx: Context, files: banner.AccountFiles) -> Any:
        for fact in real(ctx, files):
            yield replace(fact, fields={**fact.fields, "answerd": True})

    text = '[[message]]\nreceived = 2021-01-11T09:00:00\ntopic = "办事"\n'
    write_records(tmp_path, {**base_records(), "accounts/wx-test/messages/2021-01.toml": text})
    monkeypatch.setitem(ACCOUNT_BUILDERS, "message", wrong)
    loaded = policy.load(POLICY)
    snap = snapshot.from_worktree(tmp_path)
    evaluate.evaluate(snap, loaded, date(2021, 1, 17), Cache(None), trust_all=True)  # no debug
    monkeypatch.setenv("GOVMEDIA_DEBUG", "1")
    with pytest.raises(AssertionError, match="'answerd' emitted but not declared"):
        evaluate.evaluate(snap, loaded, date(2021, 1, 17), Cache(None), trust_all=True)
