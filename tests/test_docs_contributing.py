"""CONTRIBUTING.md is true: every path, command, test and name it mentions exists.

The developer guide names files (``engine/contract.py``), commands (``make check-rules``,
``govmedia rules --check policy``), tests (``tests/test_record_kinds.py::test_…``) and
functions (``engine/cases.py`` (``run_case``, …)). A rename that forgets the guide fails
here. The decisions in docs/decisions/ have one number each, and every link to one
resolves.
"""

from __future__ import annotations

import re
from pathlib import Path

import click
from conftest import ROOT

from engine.cli import main

GUIDE = ROOT / "CONTRIBUTING.md"
TEXT = GUIDE.read_text("utf-8")
TOKENS = re.findall(r"`([^`\n]+)`", TEXT)
# The walk-through of "Adding a record kind" creates this file; it must not exist yet.
EXAMPLE_FILES = {"engine/schemas/training.schema.json"}
SOURCES = {
    p: p.read_text("utf-8")
    for p in [*sorted((ROOT / "engine").rglob("*.py")), *sorted((ROOT / "tests").rglob("*.py"))]
}


def _pattern(path: str) -> str:
    """A path as the guide writes it, as a glob: <unit> and NN stand for any name."""
    return re.sub(r"<[^>]+>", "*", path).replace("NN", "[0-9][0-9]")


def _paths() -> list[str]:
    found = set()
    for token in TOKENS + re.findall(
        r"(?<![\w/])((?:engine|tests|policy|docs|bench)/[\w/.<>*-]*)", TEXT
    ):
        token = token.strip("`'\"(),.;:")
        if re.match(r"(engine|tests|policy|docs|bench|site)/", token):
            found.add(re.split(r"::|:(?:line|<line>|\d+)$", token)[0])
    return sorted(found)


def test_every_path_it_names_exists() -> None:
    paths = _paths()
    assert "engine/contract.py" in paths and "tests/test_record_kinds.py" in paths
    missing = [
        p for p in paths if p not in EXAMPLE_FILES and not list(ROOT.glob(_pattern(p).rstrip("/")))
    ]
    assert missing == []
    assert not any((ROOT / p).exists() for p in EXAMPLE_FILES)


def test_every_test_it_names_exists() -> None:
    named = re.findall(r"(tests/[\w/]+\.py)::(\w+)", TEXT)
    named += [("tests/test_cases.py", t) for t in re.findall(r"`(test_\w+)", TEXT)]
    assert len(named) >= 4
    missing = [
        f"{f}::{t}"
        for f, t in named
        if not re.search(rf"^def {t}\(", (ROOT / f).read_text("utf-8"), re.M)
    ]
    assert missing == []


def _makefile_targets() -> set[str]:
    text = (ROOT / "Makefile").read_text("utf-8")
    return set(re.findall(r"^([\w-]+):", text, re.M))


def test_every_make_target_it_names_exists() -> None:
    code = [*TOKENS, *re.findall(r"```sh\n(.*?)```", TEXT, re.S)]
    targets = {t for text in code for t in re.findall(r"(?<![\w-])make ([\w-]+)", text)}
    assert {"test", "mutate", "check-rules"} <= targets
    assert targets - _makefile_targets() == set()


def test_every_govmedia_command_and_option_it_names_exists() -> None:
    ctx = click.Context(main)
    uses = re.findall(r"\bgovmedia ([a-z][\w-]*)((?: [^`\n;,)]*)?)", TEXT)
    assert {"rules", "check", "explain"} <= {name for name, _ in uses}
    wrong = []
    for name, rest in uses:
        command = main.get_command(ctx, name)
        if command is None:
            wrong.append(name)
            continue
        options = {o for p in command.params for o in (*p.opts, *p.secondary_opts)}
        wrong += [f"{name} {o}" for o in re.findall(r"(?<!\S)(--[\w-]+)", rest) if o not in options]
    assert wrong == []


def _defined(name: str, text: str) -> bool:
    return (
        re.search(rf"^\s*(?:async\s+)?(?:def|class) {name}\b|^\s*{name}\s*[:=]", text, re.M)
        is not None
    )


def test_every_function_it_places_in_a_file_is_there() -> None:
    """「`engine/cases.py` (`run_case`, `run_all`, `coverage`)」, 「`engine/evaluate.py`
    `check_waivers`」, 「`load_builders()` (`engine/facts/__init__.py`)」: each name is
    defined in that file."""
    pairs: list[tuple[str, str]] = []
    for path, names in re.findall(r"`(engine/[\w/]+\.py)`\s*\(((?:`[^`]+`(?:,\s*)?)+)\)", TEXT):
        pairs += [(path, n) for n in re.findall(r"`([^`]+)`", names)]
    pairs += re.findall(r"`(engine/[\w/]+\.py)`\s+`([^`]+)`", TEXT)
    pairs += [(p, n) for n, p in re.findall(r"`([\w.]+\(\))`\s*\(`(engine/[\w/]+\.py)`\)", TEXT)]
    assert ("engine/cases.py", "run_case") in pairs and len(pairs) >= 8
    missing = []
    for path, name in pairs:
        bare = re.sub(r"\(.*\)$", "", name).split(".")[-1]
        if not _defined(bare, (ROOT / path).read_text("utf-8")):
            missing.append(f"{path}: {name}")
    assert missing == []


# Names the guide takes from click and the standard library.
OTHER_MODULES = {"click", "str", "functools"}


def test_every_code_name_it_mentions_is_defined_somewhere() -> None:
    """Calls, decorators, dotted names and CONSTANTS the guide mentions are defined in
    engine/ or tests/ (``declare``, ``@account_fact``, ``WorkCalendar.working_days``)."""
    names = set()
    for token in TOKENS:
        if token.split(".")[0].lstrip("@") in OTHER_MODULES:
            continue
        call = re.match(r"@?([A-Za-z_][\w.]*)\(", token)
        if call or re.fullmatch(r"@[A-Za-z_][\w.]*", token):
            names.add((call.group(1) if call else token[1:]).split(".")[-1])
        elif re.fullmatch(r"[A-Za-z_]\w*(\.[A-Za-z_]\w*)+", token) and not token.endswith(
            (".py", ".md", ".toml", ".json")
        ):
            names.add(token.split(".")[-1])
        elif re.fullmatch(r"[A-Z][A-Z0-9_]+|[A-Z][a-z]+[A-Z]\w*", token):
            names.add(token)
    names -= {"en"}  # i18n.en(...), checked below with its module
    assert {
        "count_working_days",
        "account_fact",
        "working_days",
        "RECORD_KINDS",
        "HOLDERS",
    } <= names
    source = "\n".join(SOURCES.values())
    assert [n for n in sorted(names) if not _defined(n, source)] == []
    assert _defined("en", (ROOT / "engine/i18n.py").read_text("utf-8"))


def test_the_record_kind_walk_through_is_the_test_that_exercises_it() -> None:
    """The row the guide adds is the row tests/test_record_kinds.py adds, and its builder
    reads what the guide says it reads."""
    section = TEXT.split("## Adding a record kind", 1)[1].split("\n## ", 1)[0]
    (row,) = re.findall(r"RecordKind\([^)]*\)", section)
    test = (ROOT / "tests/test_record_kinds.py").read_text("utf-8")
    assert row in test
    assert 'ctx.banner.extra["training"]' in section and 'ctx.banner.extra.get("training"' in test
    assert "def test_adding_a_record_kind(" in test


DECISIONS = ROOT / "docs" / "decisions"


def test_each_decision_has_its_own_number() -> None:
    numbers = [p.name[:4] for p in sorted(DECISIONS.glob("*.md"))]
    assert len(numbers) >= 10
    assert len(numbers) == len(set(numbers))
    assert numbers == [f"{i:04d}" for i in range(1, len(numbers) + 1)]


def test_every_link_to_a_decision_resolves() -> None:
    files = [
        *ROOT.glob("*.md"),
        *(ROOT / "docs").rglob("*.md"),
        *(ROOT / "docs").rglob("*.json"),
        *(ROOT / "policy").glob("*.toml"),
        *SOURCES,
    ]
    links = set()
    for path in files:
        for link in re.findall(r"docs/decisions/\s*(\d{4}[\w*.-]*)", Path(path).read_text("utf-8")):
            links.add(link.rstrip("."))
    assert "0011-threat-model.md" in links
    # A bare number (docs/decisions/0007) names the one decision with that number.
    wrong = [
        link
        for link in sorted(links)
        if len(list(DECISIONS.glob(f"{link}-*.md" if link.isdigit() else link))) != 1
        and not (link.endswith("*") and list(DECISIONS.glob(link)))
    ]
    assert wrong == []
