"""docs/quickstart.md, followed step by step: real git, real pre-commit (``language: python``).

The quick start's annotated blocks are run in order, in a fresh directory:
``<!-- e2e -->`` shell blocks must succeed, ``<!-- e2e fails: TEXT -->`` ones must fail
saying TEXT, ``<!-- e2e expect: TEXT -->`` ones must succeed saying TEXT;
``<!-- path: FILE -->`` blocks are written to FILE and ``<!-- append: FILE -->`` ones
appended to it. Only the placeholders of the govmedia repository (a clean clone of this
checkout's HEAD) are filled in.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
import time
from pathlib import Path

import rtoml
from conftest import ROOT
from precommit_env import clone, home, pip_env

DOC = ROOT / "docs" / "quickstart.md"
BLOCK = re.compile(r"<!--\s*(e2e|path|append)(?:\s*(fails|expect))?:?\s*(.*?)\s*-->\s*\n```(\w+)\n(.*?)^```", re.S | re.M)  # fmt: skip
AS_OF = "2026-12-04"


def steps() -> list[tuple[str, str, str, str]]:
    """(kind, mode, argument, body) of every annotated block, in order."""
    return [
        (m.group(1), m.group(2) or "", m.group(3), m.group(5))
        for m in BLOCK.finditer(DOC.read_text(encoding="utf-8"))
    ]


def env(tmp_path: Path) -> dict[str, str]:
    return {
        **os.environ,
        "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}",
        "HOME": str(tmp_path / "home"),  # the signing key goes to a temporary ~/.ssh
        **pip_env(),
        "PRE_COMMIT_HOME": str(home()),
        "GOVMEDIA_AS_OF": AS_OF,
        "GIT_AUTHOR_NAME": "林草局信息员",
        "GIT_AUTHOR_EMAIL": "lcj@example.invalid",
        "GIT_COMMITTER_NAME": "林草局信息员",
        "GIT_COMMITTER_EMAIL": "lcj@example.invalid",
    }


def test_quickstart_end_to_end(tmp_path: Path) -> None:
    url, sha = clone()
    environment = env(tmp_path)
    cwd = tmp_path / "work"
    cwd.mkdir()
    state = tmp_path / "cwd"
    outcomes = []
    for kind, mode, argument, body in steps():
        if kind in ("path", "append"):
            target = cwd / argument
            target.parent.mkdir(parents=True, exist_ok=True)
            previous = target.read_text(encoding="utf-8") if kind == "append" else ""
            assert kind == "append" or not target.exists(), f"{argument} written twice"
            target.write_text(previous + body, encoding="utf-8")
            continue
        script = body.replace("<govmedia 仓库地址>", url).replace("<版本>", sha)
        started = time.perf_counter()
        done = subprocess.run(
            ["bash", "-e", "-c", f'{script}\npwd > "{state}"'],
            cwd=cwd,
            env=environment,
            capture_output=True,
            text=True,
            timeout=600,
        )
        seconds = time.perf_counter() - started
        output = done.stdout + done.stderr
        outcomes.append((script.splitlines()[-1], done.returncode, round(seconds, 1)))
        if mode == "fails":
            assert done.returncode != 0, f"{script}\nshould have failed:\n{output}"
            assert argument in output, output
            assert "Traceback" not in output
        else:
            assert done.returncode == 0, f"{script}\nfailed:\n{output}"
            assert not argument or argument in output, output
            cwd = Path(state.read_text().strip())
    print(outcomes)  # step, exit code, seconds (shown with -s)
    # Where the path ends: the post with both reviews is committed, the site is built,
    # the waiver is a commit of its own.
    assert (cwd / "build/site/index.html").is_file()
    log = subprocess.run(
        ["git", "log", "--format=%s", "--name-only"], cwd=cwd, capture_output=True, text=True
    ).stdout
    assert log.startswith("签名提交豁免 2026-12-03-lcj-wx-network\n\nrecords/waivers/")
    assert "登记 12 月 2 日的发布" in log
    posts = rtoml.load(cwd / "records/accounts/lcj-wx/posts/2026-12.toml")
    assert [r["level"] for r in posts["post"][0]["review"]] == [1, 2]
    failed = [step for step, code, _ in outcomes if code != 0]
    assert failed == ['git commit -m "登记 12 月 2 日的发布"']


def test_quickstart_lists_the_sources_in_force() -> None:
    """The list of 稿源单位 in the quick start is the rulebook's newest one."""
    text = DOC.read_text(encoding="utf-8")
    listed = re.search(r"<!-- approved-sources -->\n(.*?)<!-- /approved-sources -->", text, re.S)
    assert listed is not None
    names = [n for n in re.split(r"[、\s]+", listed.group(1)) if n]
    rule = rtoml.load(ROOT / "policy" / "art-17.toml")
    newest = rule["versions"][-1]["parameters"]["approved_sources"]
    assert names == newest
