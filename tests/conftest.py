"""Shared test helpers: temporary records repositories and running the real CLI."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from engine.cases import load_base, materialise

ROOT = Path(__file__).resolve().parent.parent
BASE_AS_OF = "2021-01-17"


def base_records() -> dict[str, str]:
    """The violation-free base record set of the rule cases (paths relative to records/)."""
    return dict(load_base(ROOT / "policy").records)


# One writer of record files for cases and tests alike (engine/cases.py).
write_records = materialise


def git(
    root: Path, *args: str, check: bool = True, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    full = {
        **os.environ,
        **(env or {}),
        "GIT_AUTHOR_NAME": "测试",
        "GIT_AUTHOR_EMAIL": "t@example.invalid",
        "GIT_COMMITTER_NAME": "测试",
        "GIT_COMMITTER_EMAIL": "t@example.invalid",
    }
    # Never the runner's own standard input: an empty one (``hash-object --stdin`` reads
    # nothing), not even /dev/null's (a sandbox may make it a shared file).
    return subprocess.run(
        ["git", *args],
        cwd=root,
        env=full,
        check=check,
        capture_output=True,
        text=True,
        input="",
    )


def commit_files(tmp_path: Path, files: dict[str, bytes], message: str = "记录") -> Path:
    """A new git repository ``tmp_path/repo`` holding ``files`` (path -> bytes) in one commit."""
    root = tmp_path / "repo"
    root.mkdir()
    git(root, "init", "-q", "-b", "main")
    for name, data in files.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_bytes(data)
    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", message)
    return root


def run_cli(
    *args: str, cwd: Path | None = None, env: dict[str, str] | None = None, stdin: str | None = None
) -> subprocess.CompletedProcess[str]:
    """Run the real ``govmedia`` command line in a subprocess."""
    full_env = {**os.environ, **(env or {})}
    return subprocess.run(
        [sys.executable, "-m", "engine.cli", *args],
        cwd=cwd or ROOT,
        env=full_env,
        capture_output=True,
        text=True,
        input=stdin,
        timeout=300,
    )


@pytest.fixture(autouse=True)
def _isolated_cache(
    tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Each test gets its own result cache, so tests never see each other's results."""
    monkeypatch.setenv("GOVMEDIA_CACHE_DIR", str(tmp_path_factory.mktemp("cache")))


@pytest.fixture(autouse=True, scope="session")
def _test_trust_root() -> Iterator[None]:
    """The trust root (engine/authority.py) pins the sample's key and the tests' supervisor
    keys (tests/signing.py), for the whole session: session fixtures (the site) too."""
    from signing import trust_root_file

    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("GOVMEDIA_TRUST_ROOT", str(trust_root_file()))
        yield


@pytest.fixture
def records_repo(tmp_path: Path) -> Callable[..., Path]:
    """Make a git repository with the base records (plus changes) committed."""

    def make(
        files: dict[str, str] | None = None, *, base: bool = True, commit: bool = True
    ) -> Path:
        root = tmp_path / "repo"
        root.mkdir(exist_ok=True)
        git(root, "init", "-q", "-b", "main")
        write_records(root, {**(base_records() if base else {}), **(files or {})})
        if commit:
            git(root, "add", "-A")
            git(root, "commit", "-q", "-m", "初始记录")
        return root

    return make
