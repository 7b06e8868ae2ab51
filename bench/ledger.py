"""Benchmark: importing a banner's year of posts from one ledger workbook.

Makes a records repository with ``--accounts`` accounts (default 49, a banner) and an
.xlsx ledger of ``--rows`` posts (default 14,000, a banner's year) in the template's
columns with mixed date spellings, then times, as medians of ``--repeat`` runs:

- the floor: openpyxl reading every cell of the workbook (read-only mode), in-process;
- ``govmedia import posts FILE`` into a fresh copy of the repository (all rows new);
- the same import again (every row already recorded: nothing written).

Usage: ``.venv/bin/python bench/ledger.py [--rows N] [--accounts N] [--repeat N]``.
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import datetime, timedelta
from pathlib import Path

import openpyxl

PROJECT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(PROJECT / "tests"))

from conftest import base_records, write_records  # noqa: E402

from engine import labels  # noqa: E402

GOVMEDIA = [sys.executable, "-m", "engine.cli"]
CATEGORIES = ["日常信息", "政策解读", "重要信息", "突发事件"]
LEVELS = {"日常信息": 1, "政策解读": 2, "突发事件": 2, "重要信息": 3}
EPOCH = datetime(1899, 12, 30)


def make_repo(root: Path, accounts: int) -> list[str]:
    files = base_records()
    template = files["accounts/wx-test/account.toml"]
    ids = [f"wx-b{n:02d}" for n in range(accounts)]
    for n, account in enumerate(ids):
        files[f"accounts/{account}/account.toml"] = template.replace(
            'name = "测试镇发布"', f'name = "测试镇发布{n:02d}"'
        )
    write_records(root, files)
    return ids


def make_ledger(path: Path, rows: int, ids: list[str]) -> None:
    book = openpyxl.Workbook(write_only=True)
    ws = book.create_sheet("2025年发布审核台账")
    headers = list(labels.POST_LEDGER_COLUMNS.values())
    ws.append(headers)
    start = datetime(2025, 1, 1, 8, 0)
    for i in range(rows):
        account = ids[i % len(ids)]
        published = start + timedelta(minutes=37 * i)
        category = CATEGORIES[i % 4]
        row: dict[str, object] = {
            "账号": account,
            "标题": f"工作动态第{i + 1}期",
            "类别": category,
            "链接": f"https://mp.weixin.qq.com/s/b{i}",
        }
        way = i % 4
        if way == 0:
            row["发布时间"] = published
        elif way == 1:
            row["发布时间"] = (
                f"{published.year}/{published.month}/{published.day} {published:%H:%M}"
            )
        elif way == 2:
            row["发布时间"] = (
                f"{published.year}年{published.month}月{published.day}日 {published:%H:%M}"
            )
        else:
            row["发布时间"] = (published - EPOCH) / timedelta(days=1)
        for level in range(1, LEVELS[category] + 1):
            name = labels.REVIEW_LEVEL[level]
            row[f"{name}人"] = f"审核员{level}"
            day = published - timedelta(days=1)
            row[f"{name}时间"] = f"{day.year}/{day.month}/{day.day}" if i % 2 else day.date()
        ws.append([row.get(h) for h in headers])
    book.save(path)


def floor(path: Path) -> float:
    began = time.perf_counter()
    book = openpyxl.load_workbook(path, read_only=True, data_only=True)
    n = 0
    for ws in book.worksheets:
        for cells in ws.iter_rows():
            for cell in cells:
                if cell.value is not None:
                    n += 1
    book.close()
    return time.perf_counter() - began


def timed(args: list[str]) -> tuple[float, str]:
    began = time.perf_counter()
    out = subprocess.run(args, capture_output=True, text=True, check=False)
    took = time.perf_counter() - began
    if out.returncode != 0:
        raise SystemExit(f"failed: {' '.join(args)}\n{out.stdout}\n{out.stderr}")
    return took, out.stdout.strip().splitlines()[-2 if "请用" in out.stdout else -1]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rows", type=int, default=14_000)
    parser.add_argument("--accounts", type=int, default=49)
    parser.add_argument("--repeat", type=int, default=3)
    opts = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="govmedia-ledger-") as tmp:
        work = Path(tmp)
        seed = work / "seed"
        ids = make_repo(seed, opts.accounts)
        ledger = work / "ledger.xlsx"
        began = time.perf_counter()
        make_ledger(ledger, opts.rows, ids)
        made = time.perf_counter() - began
        floors, first, again = [], [], []
        said = ""
        for n in range(opts.repeat):
            floors.append(floor(ledger))
            repo = work / f"repo{n}"
            shutil.copytree(seed, repo)
            took, said_first = timed(
                [*GOVMEDIA, "import", "posts", str(ledger), "--repo", str(repo)]
            )
            first.append(took)
            took, said = timed([*GOVMEDIA, "import", "posts", str(ledger), "--repo", str(repo)])
            again.append(took)
        size = ledger.stat().st_size / 1e6
        f = statistics.median(floors)
        print(
            f"{opts.rows:,} rows, {opts.accounts} accounts, {size:.1f} MB .xlsx (made in {made:.1f} s)"
        )
        print(f"medians of {opts.repeat} runs, wall-clock seconds:")
        print("| measurement | s | x floor |")
        print("|---|---:|---:|")
        print(f"| floor: openpyxl reads every cell (read-only) | {f:.2f} | 1.0 |")
        for label, times in (
            ("`govmedia import posts` (all new)", first),
            ("the same import again", again),
        ):
            m = statistics.median(times)
            print(f"| {label} | {m:.2f} | {m / f:.1f} |")
        print(f"first import said: {said_first}")
        print(f"second import said: {said}")


if __name__ == "__main__":
    main()
