"""Every output format, end to end, on a tiny records repository with known violations.

The repository is ``tests/report/fixture`` (records plus a frozen copy of four
articles, so that amending the real rulebook does not move the golden files),
copied into a temporary git repository. Its violations at 2021-01-25:

* art-12/unapproved-platform   bili-test is on "bilibili"             error
* art-12/certification-missing-unit  wx-test's certification           warning (fixture)
* art-15/weekly-update         wx-test had no post in 2021-01-18..24  error
* art-15/commercial-ad         wx-test post with ad = true            error
* art-15/personal-opinion      waived by records/waivers/...          waived

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
from pathlib import Path
from typing import Any

import jsonschema
import pytest
import signing
from click.testing import CliRunner

from engine.cli import main
from engine.report.github import escape_data, escape_property

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
    ]
    assert driver["rules"][0]["fullDescription"]["text"] == "核准平台、名称与认证信息"

    results = run["results"]
    open_ = {
        (r["ruleId"], r["level"], r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"])
        for r in results
        if "suppressions" not in r
    }
    assert open_ == EXPECTED
    for r in results:
        assert ids[r["ruleIndex"]] == r["ruleId"]
        assert re.fullmatch(r"[0-9a-f]{16}", r["partialFingerprints"]["govmedia/v1"])
        assert r["locations"][0]["physicalLocation"]["region"]["startLine"] >= 1
    (waived,) = [r for r in results if "suppressions" in r]
    assert waived["ruleId"] == WAIVED[0]
    (suppression,) = waived["suppressions"]
    assert suppression["kind"] == "external"
    assert "平台无法追溯" in suppression["justification"]
    assert "吴某某" not in out  # the waiver's approver is private


def test_sarif_fingerprints_match_json(repo: Path) -> None:
    sarif = json.loads(check(repo, "sarif")[1])
    report = json.loads(check(repo, "json")[1])
    in_sarif = {r["partialFingerprints"]["govmedia/v1"] for r in sarif["runs"][0]["results"]}
    in_json = {v["fingerprint"] for v in report["violations"] + report["waived"]}
    assert in_sarif == in_json


# ---------------------------------------------------------------- junit


def test_junit_counts_and_escaping(repo: Path) -> None:
    code, out = check(repo, "junit")
    assert code == 1
    root = ET.fromstring(out.encode("utf-8"))
    assert root.tag == "testsuites"
    suites = {s.get("name", "").split()[0]: s for s in root.findall("testsuite")}
    assert list(suites) == ["art-12", "art-15", "art-19", "art-25"]

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
    assert root.get("tests") == "7" and root.get("failures") == "4" and root.get("skipped") == "2"

    ad = next(c for c in art15.findall("testcase") if "commercial-ad" in c.get("name", ""))
    failure = ad.find("failure")
    assert failure is not None
    assert "<冬季促销> & 优惠100%, 详情: 见链接" in failure.get("message", "")
    assert failure.get("type") == "error"
    assert "&lt;冬季促销&gt; &amp;" in out


# ---------------------------------------------------------------- github

_COMMAND = re.compile(r"^::(error|warning) file=([^,:]+),line=(\d+),title=([^,:]+)::(.*)$")


def test_github_workflow_commands(repo: Path) -> None:
    code, out = check(repo, "github")
    assert code == 1
    lines = out.splitlines()
    assert len(lines) == len(EXPECTED)
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
    ],
)
def test_golden(repo: Path, fmt: str, lang: str, name: str) -> None:
    code, out = check(repo, fmt, "--lang", lang)
    assert code == 1
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
    ]
    for fmt in ("text", "json", "sarif", "junit", "github"):
        out = check(repo, fmt)[1]
        assert not [p for p in private if p in out], fmt
