"""Ledgers: day-precision reviews, import of 信息发布审核台账 and 留言台账, export."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from conftest import BASE_AS_OF, git, run_cli

from engine import labels

POSTS = "accounts/wx-test/posts/2021-01.toml"


def _post(review: str) -> str:
    return (
        '[[post]]\npublished = 2021-01-05T10:00:00\ntitle = "测试镇开展冬季防火宣传"\n'
        f'category = "routine"\n[[post.review]]\nlevel = 1\n{review}\n'
    )


def test_review_with_day_and_at_is_refused(records_repo: Callable[..., Path]) -> None:
    root = records_repo({POSTS: _post("at = 2021-01-04T10:00:00\nday = 2021-01-04")})
    out = run_cli("check", "--repo", str(root), "--as-of", BASE_AS_OF)
    assert out.returncode == 2, out.stderr
    assert f"records/{POSTS}:5" in out.stderr
    assert "审核时间(at)或只知日期时的审核日期(day)" in out.stderr and "Traceback" not in out.stderr


def test_review_with_neither_day_nor_at_is_refused(records_repo: Callable[..., Path]) -> None:
    root = records_repo({POSTS: _post('reviewer = "赵某某"')})
    out = run_cli("check", "--repo", str(root), "--as-of", BASE_AS_OF)
    assert out.returncode == 2, out.stderr
    assert "有且只有一个" in out.stderr


def test_bare_date_in_at_is_refused(records_repo: Callable[..., Path]) -> None:
    """A date without a time is never read as 00:00: it belongs in ``day``."""
    root = records_repo({POSTS: _post("at = 2021-01-04")})
    out = run_cli("check", "--repo", str(root), "--as-of", BASE_AS_OF)
    assert out.returncode == 2, out.stderr
    assert f"records/{POSTS}:7" in out.stderr
    assert "改写为 day = 2021-01-04" in out.stderr


def test_same_day_review_is_a_reminder_in_the_result(records_repo: Callable[..., Path]) -> None:
    from engine import policy, snapshot
    from engine.cache import Cache
    from engine.cases import bundled_policy_dir
    from engine.evaluate import evaluate

    root = records_repo({POSTS: _post("day = 2021-01-05")})
    rules = policy.load(bundled_policy_dir())
    store = Cache(root / "cache")
    for _ in range(2):  # cold, then from the cache
        result = evaluate(snapshot.from_worktree(root), rules, date(2021, 1, 17), store)
        assert [v.check_id for v in result.open if v.rule == "art-14"] == []
        assert [(r.kind, r.article, r.path, r.line) for r in result.reminders] == [
            ("review-same-day", 14, f"records/{POSTS}", 1)
        ]
        assert "第 1 级审核只记了日期" in result.reminders[0].message
    assert result.cache_hits > 0


# ---------------------------------------------------------------- import / export


HEADERS = list(labels.POST_LEDGER_COLUMNS.values())
CATEGORIES = ["日常信息", "政策解读", "重要信息", "突发事件", "日常", "政策文件及解读"]
LEVELS = {
    "日常信息": 1,
    "日常": 1,
    "政策解读": 2,
    "政策文件及解读": 2,
    "突发事件": 2,
    "重要信息": 3,
}
SERIAL_EPOCH = datetime(1899, 12, 30)


def _spell(when: datetime, i: int, with_time: bool) -> Any:
    """The same moment, spelt the way row ``i`` of a real ledger might."""
    way = i % 5
    if way == 0:
        return f"{when.year}/{when.month}/{when.day}" + (
            f" {when.hour}:{when:%M}" if with_time else ""
        )
    if way == 1:
        return f"{when:%Y-%m-%d}" + (f" {when:%H:%M}" if with_time else "")
    if way == 2:
        return f"{when.year}年{when.month}月{when.day}日" + (
            f" {when.hour}:{when:%M}" if with_time else ""
        )
    if way == 3:  # an Excel serial number in a cell formatted as General
        serial = (when - SERIAL_EPOCH) / timedelta(days=1)
        return serial if with_time else int(serial)
    return when if with_time else when.date()  # a real date cell


def ledger_rows(n: int = 200) -> list[dict[str, Any]]:
    """``n`` posts of wx-test from 2021-01-04 on (every week has some), reviewed in time."""
    rows = []
    for i in range(n):
        published = datetime(2021, 1, 4, 9, 0) + timedelta(hours=10 * i + (i % 7))
        category = CATEGORIES[i % len(CATEGORIES)]
        row: dict[str, Any] = {
            "账号": "wx-test" if i % 2 else "微信公众号·测试镇发布",
            "发布时间": _spell(published, i, True),
            "标题": f"测试镇第{i + 1}期工作动态",
            "类别": category,
            "链接": f"https://mp.weixin.qq.com/s/t{i}",
        }
        for level in range(1, LEVELS[category] + 1):
            name = labels.REVIEW_LEVEL[level]
            if (i + level) % 3:
                row[f"{name}时间"] = _spell(published - timedelta(days=1), i + level, False)
            else:
                row[f"{name}时间"] = _spell(published - timedelta(minutes=30), i + level, True)
            row[f"{name}人"] = f"审核员{level}"
        rows.append(row)
    return rows


def write_xlsx(path: Path, rows: list[dict[str, Any]], sheet: str = "2021年台账") -> None:
    book = openpyxl.Workbook()
    ws = book.active
    ws.title = sheet
    ws.append(HEADERS)
    for row in rows:
        ws.append([row.get(h) for h in HEADERS])
        for cell in ws[ws.max_row]:
            if isinstance(cell.value, datetime):
                cell.number_format = "yyyy-mm-dd hh:mm"
            elif isinstance(cell.value, date):
                cell.number_format = "yyyy-mm-dd"
    book.save(path)


def _post_files(root: Path) -> dict[str, bytes]:
    folder = root / "records" / "accounts" / "wx-test" / "posts"
    return {p.name: p.read_bytes() for p in sorted(folder.glob("*.toml"))}


def test_200_rows_one_bad_then_fixed_then_again(
    records_repo: Callable[..., Path], tmp_path: Path
) -> None:
    root = records_repo()
    rows = ledger_rows(200)
    bad = dict(rows[56])
    bad["发布时间"] = "2021/1/20"  # a day without the time: the law needs the minute
    ledger = tmp_path / "台账.xlsx"
    write_xlsx(ledger, [*rows[:56], bad, *rows[57:]])
    before = _post_files(root)

    out = run_cli("import", "posts", str(ledger), "--repo", str(root))
    assert out.returncode == 2, (out.stdout, out.stderr)
    assert "Traceback" not in out.stderr
    # Header on row 1: the 57th post is on row 58.
    assert "工作表「2021年台账」第 58 行「发布时间」列" in out.stderr, out.stderr
    assert "没有时刻" in out.stderr and "写到分钟" in out.stderr
    assert "没有导入任何一行" in out.stderr
    assert _post_files(root) == before
    assert git(root, "status", "--porcelain").stdout == ""

    ledger.unlink()
    write_xlsx(ledger, rows)
    out = run_cli("import", "posts", str(ledger), "--repo", str(root))
    assert out.returncode == 0, out.stderr
    assert "新增 200 条,已存在 0 条" in out.stdout
    files = _post_files(root)
    assert sorted(files) == ["2021-01.toml", "2021-02.toml", "2021-03.toml"]
    # Appended, never rewritten: the January file starts with what it had.
    assert files["2021-01.toml"].startswith(before["2021-01.toml"])
    text = b"".join(files.values()).decode()
    assert text.count("[[post]]") == 200 + before["2021-01.toml"].decode().count("[[post]]")
    assert "day = " in text and "at = " in text  # date-only reviews stay days
    check = run_cli("check", "--repo", str(root), "--as-of", "2021-03-31")
    assert check.returncode == 0, check.stdout + check.stderr
    assert "共 0 处违规" in check.stdout

    again = run_cli("import", "posts", str(ledger), "--repo", str(root))
    assert again.returncode == 0, again.stderr
    assert "新增 0 条,已存在 200 条" in again.stdout
    assert _post_files(root) == files


def test_every_bad_row_is_listed(records_repo: Callable[..., Path], tmp_path: Path) -> None:
    root = records_repo()
    rows = ledger_rows(6)
    rows[1]["类别"] = "闲聊"
    rows[3]["标题"] = None
    rows[4]["初审时间"] = "2021年13月1日"
    rows[5]["账号"] = "不存在的号"
    ledger = tmp_path / "bad.xlsx"
    write_xlsx(ledger, rows, sheet="一月")
    out = run_cli("import", "posts", str(ledger), "--repo", str(root))
    assert out.returncode == 2
    err = out.stderr
    assert "工作表「一月」第 3 行「类别」列: 不认识的类别「闲聊」" in err, err
    assert "第 5 行「标题」列: 没有填标题" in err
    assert "第 6 行「初审时间」列" in err and "不存在" in err
    assert "第 7 行「账号」列: 账号「不存在的号」没有登记" in err
    assert "有 4 处错误" in err
    assert git(root, "status", "--porcelain").stdout == ""


def test_dry_run_shows_and_writes_nothing(
    records_repo: Callable[..., Path], tmp_path: Path
) -> None:
    root = records_repo()
    ledger = tmp_path / "l.xlsx"
    write_xlsx(ledger, ledger_rows(5))
    out = run_cli("import", "posts", str(ledger), "--repo", str(root), "--dry-run")
    assert out.returncode == 0, out.stderr
    assert "追加到 records/accounts/wx-test/posts/2021-01.toml: 新增 5 条" in out.stdout
    assert 'title = "测试镇第1期工作动态"' in out.stdout and "[[post.review]]" in out.stdout
    assert "将新增 5 条,已存在 0 条" in out.stdout
    assert git(root, "status", "--porcelain").stdout == ""


@pytest.mark.parametrize("encoding", ["utf-8-sig", "utf-8", "gb18030"])
def test_csv_encodings(records_repo: Callable[..., Path], tmp_path: Path, encoding: str) -> None:
    root = records_repo()
    text = (
        "题目,发布日期,类别,初审人,初审时间,链接\n"
        "\n"
        "测试镇召开春耕动员会,2021年1月6日 9:30,日常信息,张三,2021/1/5,https://example.cn/1\n"
        "测试镇惠农补贴政策解读(二),2021-01-07 15:00,政策解读,张三,2021-01-06 10:00,\n"
    )
    ledger = tmp_path / "台账.csv"
    ledger.write_bytes(text.encode(encoding))
    out = run_cli("import", "posts", str(ledger), "--repo", str(root), "--account", "wx-test")
    # Policy posts need two levels: the second post is imported, and check will say so.
    assert out.returncode == 0, out.stderr
    assert "新增 2 条,已存在 0 条" in out.stdout
    posts = (root / "records/accounts/wx-test/posts/2021-01.toml").read_text("utf-8")
    assert 'title = "测试镇惠农补贴政策解读(二)"' in posts  # full-width kept as typed
    assert "published = 2021-01-06 09:30:00" in posts
    assert "day = 2021-01-05" in posts and "at = 2021-01-06 10:00:00" in posts


def test_merged_cells_two_row_header_and_month_headings(
    records_repo: Callable[..., Path], tmp_path: Path
) -> None:
    root = records_repo()
    book = openpyxl.Workbook()
    ws = book.active
    ws.title = "审核台账"
    ws.append(["测试镇政务新媒体信息发布审核登记表"])
    ws.merge_cells("A1:H1")
    ws.append(["账号", "题目", "发布时间", "信息类别", "初审", None, "审核", None])
    ws.merge_cells("E2:F2")
    ws.merge_cells("G2:H2")
    ws.append([None, None, None, None, "签字", "日期", "签字", "日期"])
    ws.merge_cells("A2:A3")
    ws.append(["2021年1月"])
    ws.merge_cells("A4:H4")
    ws.append(["wx-test", "测试镇冬季供暖保障通知", "2021/1/6 10:00", "日常", "张三", "2021/1/5"])
    ws.append(
        [
            None,
            "测试镇冬季防火政策解读",
            "2021/1/8 10:00",
            "政策解读",
            "张三",
            "2021/1/7",
            "李四",
            "2021/1/7",
        ]
    )
    ws.append([])  # a blank row inside the account's merge
    ws.merge_cells("A5:A7")  # one account for the three rows
    ws.append(["2021年2月"])
    ws.merge_cells("A8:H8")
    ws.append(
        ["wx-test", "测试镇春节值班安排", "2021年2月3日 8:00", "日常", "王五", "2021年2月3日 7:30"]
    )
    ledger = tmp_path / "merged.xlsx"
    book.save(ledger)
    out = run_cli("import", "posts", str(ledger), "--repo", str(root))
    assert out.returncode == 0, out.stderr
    assert "新增 3 条,已存在 0 条" in out.stdout
    jan = (root / "records/accounts/wx-test/posts/2021-01.toml").read_text("utf-8")
    feb = (root / "records/accounts/wx-test/posts/2021-02.toml").read_text("utf-8")
    assert jan.count("测试镇冬季防火政策解读") == 1 and 'reviewer = "李四"' in jan
    assert "level = 2\nday = 2021-01-07" in jan
    assert "at = 2021-02-03 07:30:00" in feb


def test_same_day_review_imports_as_a_reminder(
    records_repo: Callable[..., Path], tmp_path: Path
) -> None:
    root = records_repo()
    ledger = tmp_path / "l.csv"
    ledger.write_text(
        "标题,发布时间,类别,初审时间\n测试镇当日审核的消息,2021-01-06 10:00,日常,2021-01-06\n",
        encoding="utf-8",
    )
    assert (
        run_cli(
            "import", "posts", str(ledger), "--repo", str(root), "--account", "wx-test"
        ).returncode
        == 0
    )
    out = run_cli("check", "--repo", str(root), "--as-of", BASE_AS_OF)
    assert out.returncode == 0, out.stdout
    assert "请留意(不是违规" in out.stdout and "测试镇当日审核的消息" in out.stdout


def test_template_round_trip(records_repo: Callable[..., Path], tmp_path: Path) -> None:
    root = records_repo()
    target = tmp_path / "模板.xlsx"
    out = run_cli("import", "--template", "posts", str(target), "--repo", str(root))
    assert out.returncode == 0, out.stderr
    again = run_cli("import", "--template", "posts", str(target), "--repo", str(root))
    assert again.returncode == 2 and "不会覆盖" in again.stderr
    book = openpyxl.load_workbook(target)
    ws = book.active
    assert [c.value for c in ws[1]] == HEADERS
    # The clerk fills the template: the example row, for a registered account.
    ws["A2"] = "wx-test"
    ws["B2"] = datetime(2021, 1, 6, 9, 30)
    ws["F2"] = datetime(2021, 1, 5, 16, 20)
    ws["H2"] = date(2021, 1, 5)
    book.save(target)
    out = run_cli("import", "posts", str(target), "--repo", str(root))
    assert out.returncode == 0, out.stderr
    assert "新增 1 条,已存在 0 条" in out.stdout
    posts = (root / "records/accounts/wx-test/posts/2021-01.toml").read_text("utf-8")
    assert 'category = "policy"' in posts and "day = 2021-01-05" in posts


def test_export_round_trip(records_repo: Callable[..., Path], tmp_path: Path) -> None:
    root = records_repo()
    ledger = tmp_path / "l.xlsx"
    write_xlsx(ledger, ledger_rows(40))
    assert run_cli("import", "posts", str(ledger), "--repo", str(root)).returncode == 0
    exported = tmp_path / "导出.xlsx"
    out = run_cli(
        "export", "posts", "--account", "wx-test", "--month", "2021-01", "-o", str(exported),
        "--repo", str(root),
    )  # fmt: skip
    assert out.returncode == 0, out.stderr
    assert "不要公开发布" in out.stdout
    jan = (root / "records/accounts/wx-test/posts/2021-01.toml").read_text("utf-8")
    n = jan.count("[[post]]")
    assert f"{n} 条" in out.stdout
    before = _post_files(root)
    again = run_cli("import", "posts", str(exported), "--repo", str(root))
    assert again.returncode == 0, again.stderr
    assert f"新增 0 条,已存在 {n} 条" in again.stdout
    assert _post_files(root) == before
    refused = run_cli(
        "export", "posts", "--account", "wx-test", "--month", "2021-01", "-o", str(exported),
        "--repo", str(root),
    )  # fmt: skip
    assert refused.returncode == 2 and "不会覆盖" in refused.stderr


def test_messages_import_and_export(records_repo: Callable[..., Path], tmp_path: Path) -> None:
    root = records_repo()
    ledger = tmp_path / "留言台账.csv"
    ledger.write_text(
        "收到时间,渠道,内容摘要,答复时间,答复人,办理结果\n"
        "2021/1/6 16:32,留言评论,咨询供暖补贴申请时间,2021/1/7 10:05,张三,已答复:1月10日起受理\n"
        "2021年1月8日,私信,反映路灯不亮,,,\n",
        encoding="gb18030",
    )
    out = run_cli("import", "messages", str(ledger), "--repo", str(root), "--account", "wx-test")
    assert out.returncode == 0, out.stderr
    assert "新增 2 条,已存在 0 条" in out.stdout
    text = (root / "records/accounts/wx-test/messages/2021-01.toml").read_text("utf-8")
    assert "received = 2021-01-06 16:32:00" in text and 'answerer = "张三"' in text
    assert "received = 2021-01-08\n" in text  # a day stays a day
    exported = tmp_path / "留言.xlsx"
    out = run_cli(
        "export", "messages", "--account", "wx-test", "--month", "2021-01", "-o", str(exported),
        "--repo", str(root),
    )  # fmt: skip
    assert out.returncode == 0, out.stderr
    again = run_cli("import", "messages", str(exported), "--repo", str(root))
    assert "新增 0 条,已存在 2 条" in again.stdout, again.stdout + again.stderr
    check = run_cli("check", "--repo", str(root), "--as-of", BASE_AS_OF)
    assert check.returncode in (0, 1), check.stderr  # records valid; art-18 judges them


def test_message_template(tmp_path: Path) -> None:
    target = tmp_path / "留言模板.xlsx"
    out = run_cli("import", "--template", "messages", str(target))
    assert out.returncode == 0, out.stderr
    ws = openpyxl.load_workbook(target).active
    assert [c.value for c in ws[1]] == list(labels.MESSAGE_LEDGER_COLUMNS.values())
    assert ws["D2"].value  # the example row


def test_appending_keeps_the_file_as_it_was(
    records_repo: Callable[..., Path], tmp_path: Path
) -> None:
    """An existing month file (with a byte order mark, no final newline) gets the new
    entries after its own bytes, which stay exactly as they were."""
    old = "\ufeff# 一月的发布\n" + base_records_posts().rstrip("\n")
    root = records_repo({POSTS: old})
    before = (root / "records" / POSTS).read_bytes()
    ledger = tmp_path / "l.csv"
    ledger.write_text(
        "标题,发布时间,类别,初审时间\n测试镇新消息,2021-01-06 10:00,日常,2021-01-05 17:00\n",
        encoding="utf-8",
    )
    out = run_cli("import", "posts", str(ledger), "--repo", str(root), "--account", "wx-test")
    assert out.returncode == 0, out.stderr
    after = (root / "records" / POSTS).read_bytes()
    assert after.startswith(before) and after.endswith(b"at = 2021-01-05 17:00:00\n")
    check = run_cli("check", "--repo", str(root), "--as-of", BASE_AS_OF)
    assert check.returncode == 0, check.stdout + check.stderr


def base_records_posts() -> str:
    from conftest import base_records

    return base_records()[POSTS]


def test_inline_array_file_is_not_appended_to(
    records_repo: Callable[..., Path], tmp_path: Path
) -> None:
    old = (
        'post = [{published = 2021-01-05T10:00:00, title = "x", category = "routine", '
        "review = [{level = 1, at = 2021-01-05T09:00:00}]}]\n"
    )
    root = records_repo({POSTS: old})
    ledger = tmp_path / "l.csv"
    ledger.write_text("标题,发布时间,类别\n新,2021-01-06 10:00,日常\n", encoding="utf-8")
    out = run_cli("import", "posts", str(ledger), "--repo", str(root), "--account", "wx-test")
    assert out.returncode == 2
    assert "内嵌数组" in out.stderr and "Cannot mutate" not in out.stderr
    assert git(root, "status", "--porcelain").stdout == ""


def test_date_cells_without_time_and_reviewers_without_date(
    records_repo: Callable[..., Path], tmp_path: Path
) -> None:
    root = records_repo()
    book = openpyxl.Workbook()
    ws = book.active
    ws.title = "表1"
    ws.append(["账号", "发布时间", "标题", "类别", "初审人", "初审时间"])
    ws.append(["wx-test", date(2021, 1, 6), "只有日期的发布", "日常", "张三", date(2021, 1, 5)])
    ws["B2"].number_format = "yyyy/m/d"
    ws.append(["wx-test", "2021-01-07 10:00", "没有审核日期", "日常", "张三", None])
    ws.append(["wx-test", "2021-01-07 11:00", "有审核日期", "日常", "张三", date(2021, 1, 6)])
    ledger = tmp_path / "l.xlsx"
    book.save(ledger)
    out = run_cli("import", "posts", str(ledger), "--repo", str(root))
    assert out.returncode == 2
    assert "工作表「表1」第 2 行「发布时间」列: 发布时间只有日期 2021-01-06,没有时刻" in out.stderr
    assert "第 3 行「初审时间」列: 有初审人「张三」,但没有初审时间" in out.stderr
    assert "第 4 行" not in out.stderr
    assert git(root, "status", "--porcelain").stdout == ""


def test_account_names_that_two_accounts_share_are_refused(
    records_repo: Callable[..., Path], tmp_path: Path
) -> None:
    from conftest import base_records

    twin = base_records()["accounts/wx-test/account.toml"].replace(
        'platform = "wechat-official"', 'platform = "douyin"'
    )
    root = records_repo({"accounts/dy-test/account.toml": twin})
    ledger = tmp_path / "l.csv"
    ledger.write_text(
        "账号,标题,发布时间,类别,初审时间\n"
        "测试镇发布,甲,2021-01-06 10:00,日常,2021-01-05\n"
        "抖音·测试镇发布,乙,2021-01-06 11:00,日常,2021-01-05\n",
        encoding="utf-8",
    )
    out = run_cli("import", "posts", str(ledger), "--repo", str(root), "--dry-run")
    assert out.returncode == 2
    assert "第 2 行「账号」列: 「测试镇发布」同名的账号有 3 个" in out.stderr
    assert "第 3 行" not in out.stderr  # 平台·名称 names one account
