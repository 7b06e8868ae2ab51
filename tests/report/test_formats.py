"""Every output format, end to end, on a tiny records repository with known violations.

The repository is ``tests/report/fixture`` (records plus a frozen copy of four
articles, so that amending the real rulebook does not move the golden files),
copied into a temporary git repository. Its violations at 2021-01-25:

* art-12/unapproved-platform   bili-test is on "bilibili"             error
* art-12/certification-missing-unit  wx-test's certification           warning (fixture)
* art-15/weekly-update         wx-test had no post in 2021-01-18..24  error
* art-15/commercial-ad         wx-test post with ad = true            error
* art-15/personal-opinion      waived by records/waivers/...          waived

and two reminders (never violations, never failing a run in any format):

* waiver-unmatched   records/waivers/2021-01-20-bili-test-ad.toml waives an ad nobody posted
* later-records      a bili-test post published after the check date (no file of its own)

Golden files: ``GOVMEDIA_REGEN=1 .venv/bin/pytest tests/report`` rewrites them.

The SARIF schema is the OASIS errata01 schema, vendored as
``tests/report/sarif-schema-2.1.0.json`` from github.com/oasis-tcs/sarif-spec,
path ``sarif-2.1/schema/sarif-schema-2.1.0.json`` (commit e0583813964e).
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import xml.etree.ElementTree as ET
from dataclasses import replace
from datetime import date
from pathlib import Path
from typing import Any

import jsonschema
import pytest
import signing
from click.testing import CliRunner

from engine import __version__
from engine.cli import main
from engine.evaluate import Result
from engine.labels import REMINDERS_HEADING
from engine.report import FORMATS, Report, load_formats, safe
from engine.report.github import escape_data, escape_property
from engine.violations import Reminder

HERE = Path(__file__).parent
FIXTURE = HERE / "fixture"
GOLDEN = HERE / "golden"
ROOT = HERE.parent.parent
AS_OF = "2021-01-25"  # a Monday: the week 2021-01-18..24 has ended

EXPECTED = {
    ("art-12/unapproved-platform", "error", "records/accounts/bili-test/account.toml"),
    ("art-12/certification-missing-unit", "warning", "records/accounts/wx-test/account.toml"),
    ("art-15/weekly-update", "error", "records/accounts/wx-test/account.toml"),
    ("art-15/commercial-ad", "error", "records/accounts/wx-test/posts/2021-01.toml"),
}
WAIVED = ("art-15/personal-opinion", "records/waivers/2021-01-15-wx-test-opinion.toml")
UNMATCHED = "records/waivers/2021-01-20-bili-test-ad.toml"
REMINDERS = {("later-records", ""), ("waiver-unmatched", UNMATCHED)}


def make_repo(tmp: Path) -> Path:
    repo = tmp / "banner"
    shutil.copytree(FIXTURE, repo)
    git = [
        "git",
        "-c",
        "user.name=测试",
        "-c",
        "user.email=t@example.org",
        "-c",
        "commit.gpgsign=false",
    ]
    # The waiver counts only when committed with a key its unit registered (tests/signing.py).
    (repo / "records" / "authority.toml").write_text(signing.authority(("zwfwj", "zwfwj-key")))
    sign = ["-c", "gpg.format=ssh", "-c", f"user.signingkey={signing.key('zwfwj-key')}"]
    subprocess.run([*git, "init", "-q", "-b", "main"], cwd=repo, check=True)
    subprocess.run([*git, "add", "-A"], cwd=repo, check=True)
    subprocess.run([*git, *sign, "commit", "-S", "-q", "-m", "fixture"], cwd=repo, check=True)
    return repo


@pytest.fixture(scope="module")
def repo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return make_repo(tmp_path_factory.mktemp("formats"))


def check(repo: Path, fmt: str, *extra: str) -> tuple[int, str]:
    result = CliRunner().invoke(
        main,
        ["check", "--repo", str(repo), "--as-of", AS_OF, "--no-cache", "--format", fmt, *extra],
        catch_exceptions=False,
    )
    assert not result.stderr, result.stderr
    return result.exit_code, result.stdout


def golden(name: str, text: str) -> None:
    path = GOLDEN / name
    if os.environ.get("GOVMEDIA_REGEN"):
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    assert path.exists(), f"missing golden file {path}; run with GOVMEDIA_REGEN=1"
    assert text == path.read_text(encoding="utf-8"), f"{name} differs; GOVMEDIA_REGEN=1 to accept"


# ---------------------------------------------------------------- sarif


def test_sarif_is_valid_sarif_2_1_0(repo: Path) -> None:
    code, out = check(repo, "sarif")
    assert code == 1
    doc = json.loads(out)
    schema = json.loads((HERE / "sarif-schema-2.1.0.json").read_text(encoding="utf-8"))
    validator = jsonschema.Draft4Validator(schema)
    errors = [f"{list(e.absolute_path)}: {e.message}" for e in validator.iter_errors(doc)]
    assert errors == []

    (run,) = doc["runs"]
    driver = run["tool"]["driver"]
    assert driver["name"] == "govmedia"
    ids = [r["id"] for r in driver["rules"]]
    assert ids == [
        "art-12/unapproved-platform",
        "art-12/certification-missing-unit",
        "art-15/weekly-update",
        "art-15/commercial-ad",
        "art-15/personal-opinion",
        "art-19/no-responsible-person",
        "reminder/later-records",
        "reminder/waiver-unmatched",
    ]
    assert driver["rules"][0]["fullDescription"]["text"] == "核准平台、名称与认证信息"

    results = run["results"]

    def uri(r: dict[str, Any]) -> str:
        return str(r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"])

    failing = [r for r in results if r.get("kind", "fail") == "fail" and "suppressions" not in r]
    assert {(r["ruleId"], r["level"], uri(r)) for r in failing} == EXPECTED
    for r in results:
        assert ids[r["ruleIndex"]] == r["ruleId"]
        (print_,) = r["partialFingerprints"].values()
        assert re.fullmatch(r"[0-9a-f]{16}", print_)
        assert len(r["locations"]) == 1  # GitHub rejects a whole upload for one without
        if r.get("kind", "fail") != "fail":
            assert r["level"] == "none"  # SARIF 2.1.0 §3.27.10: only "fail" has a level
    reminders = [r for r in results if r.get("kind") == "review"]
    assert {(r["ruleId"].removeprefix("reminder/"), uri(r)) for r in reminders} == {
        (kind, path or "records/") for kind, path in REMINDERS
    }
    assert len(results) == len(EXPECTED) + 1 + len(REMINDERS)  # nothing else is reported
    unmatched = next(r for r in reminders if uri(r) == UNMATCHED)
    assert unmatched["locations"][0]["physicalLocation"]["region"]["startLine"] == 2  # target
    assert "豁免没有对应任何违规" in unmatched["message"]["text"]
    assert unmatched["properties"]["reminder"] is True
    for rule in driver["rules"][-2:]:
        assert rule["defaultConfiguration"]["level"] == "none"
    (waived,) = [r for r in results if "suppressions" in r]
    assert waived["ruleId"] == WAIVED[0]
    (suppression,) = waived["suppressions"]
    assert suppression["kind"] == "external"
    assert "平台无法追溯" in suppression["justification"]
    assert "吴某某" not in out  # the waiver's approver is private


def test_sarif_fingerprints_match_json(repo: Path) -> None:
    sarif = json.loads(check(repo, "sarif")[1])
    report = json.loads(check(repo, "json")[1])
    results = sarif["runs"][0]["results"]
    in_sarif = {r["partialFingerprints"]["govmedia/v1"] for r in results if "kind" not in r}
    in_json = {v["fingerprint"] for v in report["violations"] + report["waived"]}
    assert in_sarif == in_json


# ---------------------------------------------------------------- junit


def test_junit_counts_and_escaping(repo: Path) -> None:
    code, out = check(repo, "junit")
    assert code == 1
    root = ET.fromstring(out.encode("utf-8"))
    assert root.tag == "testsuites"
    suites = {s.get("name", "").split()[0]: s for s in root.findall("testsuite")}
    assert list(suites) == ["art-12", "art-15", "art-19", "art-25", REMINDERS_HEADING]
    notes = suites.pop(REMINDERS_HEADING)

    def count(suite: ET.Element, tag: str) -> int:
        return sum(1 for case in suite.findall("testcase") if case.find(tag) is not None)

    art12, art15, art19, art25 = suites.values()
    assert (len(art12), count(art12, "failure")) == (2, 2)
    assert (len(art15), count(art15, "failure"), count(art15, "skipped")) == (3, 2, 1)
    assert (len(art19), count(art19, "failure"), count(art19, "skipped")) == (
        1,
        0,
        0,
    )  # passing case
    assert count(art25, "skipped") == 1  # informational: no checks
    for suite in suites.values():
        assert suite.get("tests") == str(len(suite.findall("testcase")))
        assert suite.get("failures") == str(count(suite, "failure"))
    assert root.get("tests") == "9" and root.get("failures") == "4" and root.get("skipped") == "2"
    # Reminders: passing cases, their text in <system-out>; nothing counts against the run.
    assert (notes.get("tests"), notes.get("failures"), notes.get("errors")) == ("2", "0", "0")
    assert notes.get("skipped") == "0"
    for case in notes.findall("testcase"):
        assert [child.tag for child in case] == ["system-out"]
    kinds = {c.get("classname", "").removeprefix("govmedia.reminder.") for c in notes}
    assert kinds == {kind for kind, _ in REMINDERS}
    unmatched = next(c for c in notes if "waiver-unmatched" in c.get("name", ""))
    assert unmatched.get("name") == f"{UNMATCHED}:2 waiver-unmatched"
    assert "豁免没有对应任何违规" in (unmatched.findtext("system-out") or "")
    assert "\n怎么办: 核对 rule" in (unmatched.findtext("system-out") or "")

    ad = next(c for c in art15.findall("testcase") if "commercial-ad" in c.get("name", ""))
    failure = ad.find("failure")
    assert failure is not None
    assert "<冬季促销> & 优惠100%, 详情: 见链接" in failure.get("message", "")
    assert failure.get("type") == "error"
    assert "&lt;冬季促销&gt; &amp;" in out


# ---------------------------------------------------------------- github

_COMMAND = re.compile(r"^::(error|warning) file=([^,:]+),line=(\d+),title=([^,:]+)::(.*)$")
_NOTICE = re.compile(r"^::notice (?:file=([^,:]+),line=(\d+),)?title=([^,:]+)::(.*)$")


def test_github_workflow_commands(repo: Path) -> None:
    code, out = check(repo, "github")
    assert code == 1
    lines = [line for line in out.splitlines() if not line.startswith("::notice ")]
    notices = [_NOTICE.match(line) for line in out.splitlines() if line.startswith("::notice ")]
    assert len(lines) == len(EXPECTED)
    assert len(out.splitlines()) == len(EXPECTED) + len(REMINDERS)
    assert all(notices), out
    assert {(m.group(3).split()[1], m.group(1) or "") for m in notices if m} == REMINDERS
    unmatched = next(m for m in notices if m and m.group(1) == UNMATCHED)
    assert unmatched.group(2) == "2" and unmatched.group(3) == "提醒 waiver-unmatched"
    assert "%0A怎么办: " in unmatched.group(4)
    seen = set()
    for line in lines:
        m = _COMMAND.match(line)
        assert m, line
        level, path, _line, title, body = m.groups()
        assert "\r" not in body
        seen.add((title.split()[0], level, path))
    assert seen == EXPECTED
    ad = next(line for line in lines if "commercial-ad" in line)
    assert "优惠100%25, 详情: 见链接" in ad  # message: only % CR LF are escaped
    assert "%0A怎么改: " in ad


def test_github_escaping_rules() -> None:
    assert escape_data("a%b\r\nc,d:e") == "a%25b%0D%0Ac,d:e"
    assert escape_property("a%b\r\nc,d:e") == "a%25b%0D%0Ac%2Cd%3Ae"


# ---------------------------------------------------------------- json and text


def test_json_matches_its_schema(repo: Path) -> None:
    code, out = check(repo, "json")
    assert code == 1
    doc = json.loads(out)
    schema = json.loads((ROOT / "docs" / "report.schema.json").read_text(encoding="utf-8"))
    jsonschema.Draft202012Validator.check_schema(schema)
    validator = jsonschema.Draft202012Validator(schema)
    assert [e.message for e in validator.iter_errors(doc)] == []
    assert {
        (v["rule"] + "/" + v["check"], v["severity"], v["path"]) for v in doc["violations"]
    } == EXPECTED
    assert [(w["rule"] + "/" + w["check"], w["waiver"]) for w in doc["waived"]] == [WAIVED]


def test_json_at_a_commit_matches_its_schema(repo: Path) -> None:
    code, out = check(repo, "json", "HEAD")
    assert code == 1
    doc: dict[str, Any] = json.loads(out)
    schema = json.loads((ROOT / "docs" / "report.schema.json").read_text(encoding="utf-8"))
    jsonschema.Draft202012Validator(schema).validate(doc)
    assert doc["snapshot"]["kind"] == "commit"


@pytest.mark.parametrize(
    ("fmt", "lang", "name"),
    [
        ("json", "zh", "fixture.json"),
        ("text", "zh", "fixture.txt"),
        ("text", "en", "fixture.en.txt"),
        ("sarif", "zh", "fixture.sarif"),
        ("junit", "zh", "fixture.junit.xml"),
        ("github", "zh", "fixture.github.txt"),
    ],
)
def test_golden(repo: Path, fmt: str, lang: str, name: str) -> None:
    code, out = check(repo, fmt, "--lang", lang)
    assert code == 1
    if fmt == "sarif":  # the driver's version moves with every release, not with the report
        out = out.replace(f'"{__version__}"', '"VERSION"')
    golden(name, out)


def test_no_private_value_in_any_format(repo: Path) -> None:
    private = [
        "赵某某",
        "0470-1234567",
        "钱某某",
        "13800000000",
        "孙某某",
        "0470-7654321",
        "李某某",
        "周某某",
        "吴某某",
        "郑某某",
    ]
    for fmt in ("text", "json", "sarif", "junit", "github"):
        out = check(repo, fmt)[1]
        assert not [p for p in private if p in out], fmt


# ---------------------------------------------------------------- reminders and hostile text


def _result(repo: Path) -> Result:
    from engine import policy, snapshot
    from engine.cache import Cache
    from engine.evaluate import evaluate

    rules = policy.load(repo / "policy")
    day = date.fromisoformat(AS_OF)
    return evaluate(snapshot.from_worktree(repo), rules, day, Cache(None), as_stood=True)


def _render_all(report: Report) -> dict[str, str]:
    load_formats()
    return {name: "".join(fmt(safe(report))) for name, fmt in sorted(FORMATS.items())}


def test_reminders_alone_fail_nothing_in_any_format(repo: Path) -> None:
    # The fixture's result without its violations: only the two reminders are left.
    result = replace(_result(repo), violations=[])
    assert {m.kind for m in result.reminders} == {kind for kind, _ in REMINDERS}
    out = _render_all(Report(result, shown=[]))
    junit = ET.fromstring(out["junit"].encode("utf-8"))
    assert (junit.get("tests"), junit.get("failures"), junit.get("errors")) == ("6", "0", "0")
    assert [c.tag for c in junit.iter() if c.tag in ("failure", "error")] == []
    results = json.loads(out["sarif"])["runs"][0]["results"]
    assert [(r["kind"], r["level"]) for r in results] == [("review", "none")] * 2
    assert [line.split(" ", 1)[0] for line in out["github"].splitlines()] == ["::notice"] * 2
    assert "共 0 处违规、0 处警示" in out["text"]
    assert json.loads(out["json"])["summary"]["errors"] == 0


HOSTILE = "牛肉干\x1b[2J\u202e告广\n共 0 处违规\x00\x7f\x85\u2028\u2066"


def test_hostile_text_in_a_reminder_is_escaped_in_every_format(repo: Path) -> None:
    result = _result(repo)
    hostile = Reminder(
        kind="backfilled", message=f"「{HOSTILE}」的审核可能是事后补录", hint=HOSTILE,
        message_en=HOSTILE, path="records/accounts/wx-test/posts/2021-01.toml", line=1,
        day="2021-01-05",
    )  # fmt: skip
    result = replace(result, reminders=[*result.reminders, hostile])
    shown = [v for v in result.violations if v.status == "open"]
    shown[0] = replace(shown[0], message=HOSTILE, hint=HOSTILE)
    (waiver,) = [w for w in result.banner.waivers if "opinion" in w.path]
    waiver.data["reason"] = HOSTILE  # SARIF's suppression reads it from the record
    for lang in ("zh", "en"):
        report = Report(result, shown=shown, lang=lang, accepted=shown[:1], fixed=shown[1:2])
        out = _render_all(report)
        assert set(out) == {"github", "json", "junit", "sarif", "text"}
        for name, text in out.items():
            bad = [c for c in "\x1b\u202e\x00\x7f\x85\u2028\u2066" if c in text]
            assert bad == [], (name, lang)
            assert "\\u001b[2J" in text and "\\u202e" in text, (name, lang)
            lines = text.splitlines()
            assert not any(line.lstrip().startswith("共 0 处违规") for line in lines), name
        ET.fromstring(out["junit"].encode("utf-8"))  # well-formed XML 1.0
        json.loads(out["sarif"])
        for line in out["github"].splitlines():
            assert line.startswith(("::error ", "::warning ", "::notice ")), line


def test_every_format_is_written_in_pieces_that_make_the_whole(repo: Path) -> None:
    # Many violations (engine/report: a format yields its text piece by piece): the pieces
    # make the same document a whole dump of what they say would.
    result = _result(repo)
    opened = [v for v in result.violations if v.status == "open"]
    many = [replace(v, line=n, fingerprint=f"{n:016x}") for n in range(1, 1201) for v in opened[:2]]
    result = replace(result, violations=sorted([*many, *result.waived], key=lambda v: v.sort_key()))
    report = safe(Report(result, shown=many))
    load_formats()
    for name, fmt in sorted(FORMATS.items()):
        pieces = list(fmt(report))
        text = "".join(pieces)
        # Not one string made whole first: no piece holds even half of the text.
        assert max(len(piece) for piece in pieces) < len(text) / 2, name
        if name in ("json", "sarif"):
            assert text == json.dumps(json.loads(text), ensure_ascii=False, indent=2) + "\n"
        if name == "junit":
            head, _, xml = text.partition("\n")
            assert head == '<?xml version="1.0" encoding="UTF-8"?>'
            tree = ET.fromstring(xml)
            ET.indent(tree)
            assert ET.tostring(tree, encoding="unicode") + "\n" == xml
            assert tree.get("failures") == str(len(many))
        if name == "text":
            assert sum(1 for line in text.splitlines() if "指纹" in line) == len(many)
    doc = json.loads("".join(FORMATS["json"](report)))
    assert [v["fingerprint"] for v in doc["violations"]] == [v.fingerprint for v in many]
