"""A clean clone of this checkout's committed HEAD, for real pre-commit runs.

pre-commit installs the hook from a git URL (``language: python``: it builds a
virtualenv and pip-installs govmedia from the clone, with its package data). The
clone and pre-commit's home are made once per test process, so the environment is
built once and reused by every test that uses the same clone; pip's own cache
(``~/.cache/pip``) is left alone, so the dependencies' wheels are reused across runs.
"""

from __future__ import annotations

import atexit
import os
import shutil
import subprocess
import tempfile
from functools import cache
from pathlib import Path

from conftest import ROOT


@cache
def _folder() -> Path:
    folder = Path(tempfile.mkdtemp(prefix="govmedia-precommit-"))
    atexit.register(shutil.rmtree, folder, True)
    return folder


@cache
def clone() -> tuple[str, str]:
    """(file:// URL, commit) of a clean clone of the checkout's committed HEAD."""
    target = _folder() / "govmedia"
    subprocess.run(
        ["git", "clone", "-q", "--no-hardlinks", str(ROOT), str(target)],
        check=True,
        capture_output=True,
    )
    sha = subprocess.run(
        ["git", "rev-parse", "HEAD"], cwd=target, check=True, capture_output=True, text=True
    ).stdout.strip()
    return target.as_uri(), sha


def pip_env() -> dict[str, str]:
    """What keeps pip's configuration and cache when a test sets HOME to a temporary one."""
    out = {"PIP_CACHE_DIR": os.environ.get("PIP_CACHE_DIR", os.path.expanduser("~/.cache/pip"))}
    for config in ("~/.config/pip/pip.conf", "~/.pip/pip.conf"):
        if "PIP_CONFIG_FILE" not in os.environ and Path(os.path.expanduser(config)).is_file():
            out["PIP_CONFIG_FILE"] = os.path.expanduser(config)
            break
    return out


def home() -> Path:
    """PRE_COMMIT_HOME shared by the tests of this process."""
    path = _folder() / "pre-commit-home"
    path.mkdir(exist_ok=True)
    return path
