"""Files govmedia writes (``new``, ``check -o``) get the mode a plain open() would give.

Each case runs the real CLI in a subprocess under a given umask.
"""

from __future__ import annotations

import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import ROOT, base_records, write_records

UNIT = ["--set", "id=xinzhen", "--set", "name=新镇人民政府", "--set", "type=town",
        "--set", "supervising_office=党政综合办公室", "--set", "sectors=economy"]  # fmt: skip


def run_with_umask(umask: int, *args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "engine.cli", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        preexec_fn=lambda: os.umask(umask),
        env={**os.environ, "PYTHONPATH": str(ROOT)},
        timeout=120,
    )


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


@pytest.mark.parametrize("umask", [0o022, 0o077], ids=["umask-022", "umask-077"])
def test_new_and_output_files_follow_the_umask(tmp_path: Path, umask: int) -> None:
    write_records(tmp_path, base_records())
    made = run_with_umask(umask, "new", "unit", "--repo", str(tmp_path), *UNIT, cwd=tmp_path)
    assert made.returncode == 0, made.stderr
    assert mode(tmp_path / "records/units/xinzhen/unit.toml") == 0o666 & ~umask

    report = tmp_path / "out" / "report.json"
    args = ["check", "--repo", str(tmp_path), "--as-of", "2021-01-17", "--no-cache"]
    done = run_with_umask(umask, *args, "--format", "json", "-o", str(report), cwd=tmp_path)
    assert done.returncode in (0, 1), done.stderr
    assert mode(report) == 0o666 & ~umask
    # No temporary file is left behind.
    assert [p.name for p in report.parent.iterdir()] == ["report.json"]


def test_output_over_an_existing_file_keeps_its_mode(tmp_path: Path) -> None:
    write_records(tmp_path, base_records())
    report = tmp_path / "report.txt"
    report.write_text("old\n")
    report.chmod(0o640)
    args = ["check", "--repo", str(tmp_path), "--as-of", "2021-01-17", "--no-cache"]
    done = run_with_umask(0o022, *args, "-o", str(report), cwd=tmp_path)
    assert done.returncode in (0, 1), done.stderr
    assert report.read_text() != "old\n"
    assert mode(report) == 0o640


def test_new_still_refuses_to_overwrite_under_any_umask(tmp_path: Path) -> None:
    write_records(tmp_path, base_records())
    first = run_with_umask(0o077, "new", "unit", "--repo", str(tmp_path), *UNIT, cwd=tmp_path)
    assert first.returncode == 0, first.stderr
    target = tmp_path / "records/units/xinzhen/unit.toml"
    before = target.read_bytes()
    again = run_with_umask(0o022, "new", "unit", "--repo", str(tmp_path), *UNIT, cwd=tmp_path)
    assert again.returncode == 2 and "不会覆盖" in again.stderr
    assert target.read_bytes() == before and mode(target) == 0o600
