"""Plant the sample violations of the articles beyond the foundation six.

Run after ``bench/synth.py sample`` (which writes ``records/`` and the foundation's
planted lists)::

    python bench/synth.py sample --out . --planted tests/sample/planted
    python bench/sample_extra.py --out . --planted tests/sample/planted --docs docs/sample.md

It only *adds* files: three new units, two new accounts, new supervision records,
one incident event in an existing account, the two waivers and the registry of
signers (``records/authority.toml``). An existing file with different content
is an error (the records are never rewritten behind anybody's back); running twice
is harmless. With ``--docs`` it keeps its own section (between markers) at the
end of ``docs/sample.md``. The planted list of each of its articles is written to
``tests/sample/planted/art-NN.toml``; for art-02, whose file synth.py also writes,
its entries are appended once.

Checked with ``govmedia check --as-of 2026-11-26``.
"""

from __future__ import annotations

import argparse
import sys
import tomllib
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

AS_OF = date(2026, 11, 26)
# Articles whose planted lists this script owns entirely.
OWNED = ("art-06", "art-07", "art-08", "art-10", "art-16", "art-17", "art-18",
         "art-20", "art-21", "art-23", "art-24")  # fmt: skip
# Articles whose planted list synth.py writes; this script appends to it.
SHARED = ("art-02",)


@dataclass(frozen=True)
class Plant:
    check: str
    path: str  # relative to the repository root
    why: str


def _toml_str(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _weekly_posts(opened: date, last: date, special: dict[date, str]) -> dict[str, str]:
    """One routine post every Tuesday from ``opened`` to ``last`` (reviewed an hour before),
    replaced on the days of ``special`` by the given post text. Keyed by month."""
    months: dict[str, list[str]] = {}
    day = opened + timedelta(days=(1 - opened.weekday()) % 7)
    topics = ["一窗受理服务指南", "企业开办一件事办理流程", "政务服务好差评结果公开", "帮办代办服务上线",
              "周末延时服务安排", "跨省通办事项清单更新", "政务服务中心停车指引"]  # fmt: skip
    n = 0
    while day <= last:
        if day in special:
            text = special[day]
        else:
            text = (
                f"[[post]]\npublished = {day.isoformat()} 10:00:00\n"
                f"title = {_toml_str('旗政务服务局:' + topics[n % len(topics)])}\n"
                'category = "routine"\n\n[[post.review]]\nlevel = 1\n'
                f'at = {day.isoformat()} 09:00:00\nreviewer = "赵辉琳"\n'
            )
        months.setdefault(f"{day:%Y-%m}", []).append(text)
        day += timedelta(days=7)
        n += 1
    return {month: "\n".join(items) for month, items in months.items()}


def _closure_date(records: Path, account: str) -> date | None:
    for path in sorted((records / "accounts" / account / "events").glob("*.toml")):
        data = tomllib.loads(path.read_text("utf-8"))
        if data.get("type") == "closure":
            value = data["date"]
            return value if isinstance(value, date) else date.fromisoformat(str(value))
    return None


def _closed_account(records: Path) -> tuple[str, date]:
    """A sample account closed before the check date (mzj-wb if the sample still has it)."""
    preferred = ["mzj-wb", *sorted(p.name for p in (records / "accounts").iterdir())]
    for account in preferred:
        closed = (
            _closure_date(records, account) if (records / "accounts" / account).is_dir() else None
        )
        if closed is not None and closed < AS_OF:
            return account, closed
    raise SystemExit(
        "sample_extra: the sample has no closed account to plant art-24/closed-late on"
    )


def build(records: Path) -> tuple[dict[str, str], list[Plant]]:
    """The files to add (path relative to records/ -> text) and the violations they plant."""
    files: dict[str, str] = {}
    plants: list[Plant] = []

    def plant(check: str, rel: str, why: str) -> None:
        plants.append(Plant(check, f"records/{rel}", why))

    # ---- new units: art-06, art-08, art-10 --------------------------------
    files["units/sfj/unit.toml"] = """name = "新巴尔虎右旗司法局"
type = "department"
supervising_office = "办公室"
website_office = "办公室"
newmedia_office = "法治宣传股"
sectors = ["social-management"]
public_functions = true
internal_bodies = ["办公室", "法治宣传股", "公共法律服务股"]
"""
    plant(
        "art-10/no-account",
        "units/sfj/unit.toml",
        "旗司法局承担社会管理职能、对外行使公共管理职能,却没有任何政务新媒体账号,也没有登记通过上级账号发布。",
    )
    plant(
        "art-08/offices-differ",
        "units/sfj/unit.toml",
        "旗司法局的政务新媒体由法治宣传股负责,政府网站由办公室负责,不在同一职能部门。",
    )

    files["units/dag/unit.toml"] = """name = "新巴尔虎右旗档案馆"
type = "institution"
administrative_functions = true
supervising_office = "待定"
sectors = ["other"]
public_functions = true
"""
    plant(
        "art-06/no-supervising-office",
        "units/dag/unit.toml",
        "旗档案馆的政务新媒体主管办公室写的是占位词「待定」。",
    )

    files["units/gxs/unit.toml"] = """name = "新巴尔虎右旗供销合作社联合社"
type = "institution"
administrative_functions = false
supervising_office = "综合科"
sectors = ["economy"]
public_functions = true
internal_bodies = ["办公室", "业务科"]
"""
    plant(
        "art-06/supervising-office-not-internal-body",
        "units/gxs/unit.toml",
        "供销社登记的主管办公室「综合科」不在它登记的内设机构(办公室、业务科)之中。",
    )

    # ---- an enterprise's account: art-02, art-20, art-24 ------------------
    files["units/rlgs/unit.toml"] = """name = "新巴尔虎右旗热力有限责任公司"
type = "enterprise"
supervising_office = "综合部"
sectors = ["livelihood"]
"""
    files["accounts/rlgs-wx/account.toml"] = """unit = "rlgs"
name = "新右旗供热服务"
platform = "wechat-official"
certification = "新巴尔虎右旗热力有限责任公司"
opened = 2026-11-23
purpose = "general"
operated_by = "self"
"""
    files["accounts/rlgs-wx/events/2026-11-23-responsible.toml"] = """type = "responsible"
from = 2026-11-23
person = "孟和"
phone = "13900007001"
"""
    plant(
        "art-02/ineligible-unit",
        "accounts/rlgs-wx/account.toml",
        "热力公司是企业,不是行政机关或承担行政职能的事业单位,却以政务新媒体名义开设了微信公众号。",
    )
    files["units/rlgs/evidence/security-system.toml"] = """type = "security-system"
title = "新右旗供热服务公众号安全管理制度"
adopted = 2026-11-01
document = "热力公司发〔2026〕31号"
"""
    files["units/rlgs/evidence/confidentiality-review.toml"] = """type = "confidentiality-review"
title = "信息发布保密审查制度"
adopted = 2025-06-01
document = "热力公司发〔2025〕12号"
"""
    plant(
        "art-20/missing",
        "units/rlgs/unit.toml",
        "热力公司主办着在运行的账号,却没有应急预案的记录。",
    )
    files["supervision/2026-11-24-sanction-rlgs-wx.toml"] = """type = "sanction"
measure = "ordered-closure"
account = "rlgs-wx"
date = 2026-11-24
deadline = 2026-11-25
reference = "新右政服函〔2026〕41号"
reason = "企业不属于政务新媒体主办主体,以政务名义开设账号"
issued_by = "zwfwj"
"""
    plant(
        "art-24/not-closed",
        "supervision/2026-11-24-sanction-rlgs-wx.toml",
        "旗政务服务局责令热力公司账号在 2026-11-25 前关闭,检查日仍未登记关停。",
    )

    # ---- a contractor-run Kuaishou account of 旗政务服务局 ------------------
    opened = date(2026, 10, 12)
    files["accounts/zwfwj-ks/account.toml"] = """unit = "zwfwj"
name = "新巴尔虎右旗政务服务局"
platform = "kuaishou"
certification = "新巴尔虎右旗政务服务局"
opened = 2026-10-12
purpose = "general"
operated_by = "contractor"
collects = ["姓名", "手机号", "身份证号"]
needs = ["姓名", "手机号"]
"""
    plant(
        "art-07/no-contract",
        "accounts/zwfwj-ks/account.toml",
        "快手号委托运维,第一份合同 2026-10-31 到期,第二份 2026-11-02 才开始,2026-11-01 这一天没有生效合同。",
    )
    plant(
        "art-21/excess-collection",
        "accounts/zwfwj-ks/account.toml",
        "快手号预约服务收集身份证号,而登记的服务需求只有姓名和手机号。",
    )
    files["accounts/zwfwj-ks/events/2026-10-12-responsible.toml"] = """type = "responsible"
from = 2026-10-12
person = "那仁"
phone = "13900005697"
"""
    files["accounts/zwfwj-ks/events/2026-10-12-contract.toml"] = """type = "contract"
contractor = "呼伦贝尔草原文化传媒有限公司"
start = 2026-10-12
end = 2026-10-31
rights_duties = true
confidentiality_agreement = 2026-10-09
qualification_review = 2026-10-09
amount = 8000
"""
    files["accounts/zwfwj-ks/events/2026-11-02-contract.toml"] = """type = "contract"
contractor = "呼伦贝尔草原文化传媒有限公司"
start = 2026-11-02
end = 2027-11-01
rights_duties = true
qualification_review = 2026-10-30
amount = 96000
"""
    plant(
        "art-07/no-confidentiality-agreement",
        "accounts/zwfwj-ks/events/2026-11-02-contract.toml",
        "续签的委托合同没有签订保密协议。",
    )

    special = {
        date(2026, 10, 20): """[[post]]
published = 2026-10-20 10:00:00
title = "国务院办公厅印发《关于进一步优化政务服务提升行政效能的意见》"
category = "routine"

[post.repost]
source_unit = "新华社"
source_url = "https://example.invalid/xinhua/2026-10-20"
original_title = "国务院办公厅印发《关于进一步优化政务服务提升行政效能的意见》"
source_named = false

[[post.review]]
level = 1
at = 2026-10-20 09:00:00
reviewer = "赵辉琳"
""",
        date(2026, 10, 27): """[[post]]
published = 2026-10-27 10:00:00
title = "内蒙古推行高效办成一件事"
category = "routine"

[post.repost]
source_unit = "内蒙古日报"
original_title = "内蒙古推行高效办成一件事"
source_named = true

[[post.review]]
level = 1
at = 2026-10-27 09:00:00
reviewer = "赵辉琳"
""",
        date(2026, 11, 3): """[[post]]
published = 2026-11-03 10:00:00
title = "2026年第三季度政务服务好差评差评整改情况"
category = "policy"
personal_data = true

[[post.review]]
level = 1
at = 2026-11-03 08:30:00
reviewer = "赵辉琳"

[[post.review]]
level = 2
at = 2026-11-03 09:00:00
reviewer = "文明"
""",
        date(2026, 11, 10): """[[post]]
published = 2026-11-10 10:00:00
title = "社保卡业务进驻旗政务服务中心"
category = "routine"
concerns_units = ["rsj"]

[[post.review]]
level = 1
at = 2026-11-10 09:00:00
reviewer = "赵辉琳"
""",
        date(2026, 11, 17): """[[post]]
published = 2026-11-17 10:00:00
title = "重磅!办事再也不用跑腿了"
category = "routine"

[post.repost]
source_unit = "草原生活圈"
source_url = "https://example.invalid/caoyuan/8812"
original_title = "我旗上线24小时自助办事服务"
source_named = true

[[post.review]]
level = 1
at = 2026-11-17 09:00:00
reviewer = "赵辉琳"
""",
    }
    for month, text in _weekly_posts(opened, AS_OF, special).items():
        files[f"accounts/zwfwj-ks/posts/{month}.toml"] = text
    plant(
        "art-17/source-not-named",
        "accounts/zwfwj-ks/posts/2026-10.toml",
        "2026-10-20 转载新华社稿件,没有注明来源。",
    )
    plant(
        "art-17/untraceable",
        "accounts/zwfwj-ks/posts/2026-10.toml",
        "2026-10-27 转载内蒙古日报稿件,没有记录原文链接,来源不可追溯。",
    )
    plant(
        "art-16/not-deidentified",
        "accounts/zwfwj-ks/posts/2026-11.toml",
        "2026-11-03 公布差评整改情况,含办事群众个人信息,既未去标识化,也不属于惩戒公示或强制性披露。",
    )
    plant(
        "art-16/not-coordinated",
        "accounts/zwfwj-ks/posts/2026-11.toml",
        "2026-11-10 发布社保卡业务进驻的消息,涉及旗人社局工作,没有与人社局沟通协调的记录。",
    )
    plant(
        "art-17/title-changed",
        "accounts/zwfwj-ks/posts/2026-11.toml",
        "2026-11-17 转载时把原标题「我旗上线24小时自助办事服务」改成了「重磅!办事再也不用跑腿了」。",
    )
    plant(
        "art-17/unapproved-source",
        "accounts/zwfwj-ks/posts/2026-11.toml",
        "同一条转载的来源「草原生活圈」是自媒体,不在稿源单位名单内。",
    )

    files["accounts/zwfwj-ks/messages/2026-10.toml"] = """[[message]]
received = 2026-10-13 10:00:00
topic = "咨询企业开办需要哪些材料"
channel = "留言评论"
answered = 2026-10-21 10:00:00
answer = "您好,所需材料已在置顶视频中说明。"
asker = "包金花"
contact = "13900008101"

[[message]]
received = 2026-10-22 15:20:00
topic = "咨询周末是否办公"
channel = "留言评论"
answered = 2026-10-23 09:10:00
answer = "您好,周六上午提供延时服务。"
asker = "刘建军"
"""
    plant(
        "art-18/answered-late",
        "accounts/zwfwj-ks/messages/2026-10.toml",
        "2026-10-13 收到的留言 2026-10-21 才答复,用了 6 个工作日,超过 5 个工作日的时限。",
    )
    files["accounts/zwfwj-ks/messages/2026-11.toml"] = """[[message]]
received = 2026-11-16 09:00:00
topic = "反映自助服务机无法打印"
channel = "留言评论"
asker = "斯琴"
contact = "13900008102"
"""
    plant(
        "art-18/unanswered",
        "accounts/zwfwj-ks/messages/2026-11.toml",
        "2026-11-16 收到的留言到检查日已过 8 个工作日仍未答复。",
    )

    # ---- an incident in an existing account: art-21 ------------------------
    files["accounts/scjgj-wx/events/2026-09-18-incident.toml"] = """type = "incident"
date = 2026-09-18
kind = "data-leak"
description = "投诉登记表链接未设访问权限,37 条投诉人姓名和电话可被公开访问;发现后当日关闭链接并报告主管单位"
"""
    plant(
        "art-21/data-leak",
        "accounts/scjgj-wx/events/2026-09-18-incident.toml",
        "旗市场监管局公众号投诉登记表泄露了投诉人的姓名和电话。",
    )

    files["accounts/jyj-dy/events/2026-08-03-incident.toml"] = """type = "incident"
date = 2026-08-03
kind = "account-hijack"
description = "运维人员离职后未及时修改登录密码,账号被他人登录并修改了简介;当日找回账号并修改密码"
"""
    plant(
        "art-20/account-compromised",
        "accounts/jyj-dy/events/2026-08-03-incident.toml",
        "旗教育局抖音号因离职人员的登录密码未及时修改而被盗用,登录账号和密码的安全管理不到位。",
    )

    # ---- supervision: art-23, art-24 ---------------------------------------
    files["supervision/2026-09-01-rectification-ybj.toml"] = """type = "rectification-order"
reference = "新右政服函〔2026〕27号"
unit = "ybj"
account = "ybj-wx"
issued = 2026-09-01
deadline = 2026-09-30
issue = "医保政策解读信息未标注发布依据,部分链接失效"
issued_by = "zwfwj"
"""
    plant(
        "art-23/overdue",
        "supervision/2026-09-01-rectification-ybj.toml",
        "旗医保局的整改通知期限 2026-09-30,到检查日仍未完成整改。",
    )
    files["supervision/2026-06-10-rectification-tjj.toml"] = """type = "rectification-order"
reference = "新右政服函〔2026〕19号"
unit = "tjj"
issued = 2026-06-10
deadline = 2026-06-30
closed = 2026-07-06
issue = "统计数据发布未经分级审核"
issued_by = "zwfwj"
"""
    plant(
        "art-23/closed-late",
        "supervision/2026-06-10-rectification-tjj.toml",
        "旗统计局的整改通知期限 2026-06-30,2026-07-06 才完成,逾期 6 天。",
    )
    account, closed = _closed_account(records)
    deadline = closed - timedelta(days=1)
    ordered = deadline - timedelta(days=30)
    name = f"supervision/{ordered.isoformat()}-sanction-{account}.toml"
    files[name] = f"""type = "sanction"
measure = "ordered-closure"
account = "{account}"
date = {ordered.isoformat()}
deadline = {deadline.isoformat()}
reference = "新右政服函〔{ordered.year}〕33号"
reason = "长期更新不足,经约谈仍未改进"
issued_by = "zwfwj"
"""
    plant(
        "art-24/closed-late",
        name,
        f"账号 {account} 被责令在 {deadline.isoformat()} 前关闭,{closed.isoformat()} 才关停,逾期 1 天。",
    )
    # ---- authority: the waivers and supervision records, signed by zwfwj ----
    files.update(WAIVERS)
    files["authority.toml"] = AUTHORITY
    return files, plants


# The sample's registry of signers (docs/decisions/0007-authority.md). The private key
# was generated for the one signed commit that introduced the waivers and supervision
# records below, and deleted right after (docs/sample.md).
SAMPLE_SIGNING_KEY = (
    "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAID2C6DqFsMcRQITf1jC49XsTxMbScyfddJS7B4EHO0pU"
)
AUTHORITY = f"""# 授权名录:有权签名提交豁免和监管记录的人员(样例)。
# 样例的签名私钥只用于一次签名提交,随即删除。

[[identity]]
unit = "zwfwj"
name = "旗政务服务局信息化股(样例签名人)"
key = "{SAMPLE_SIGNING_KEY}"
"""
SIGNED_NOTE = "# 由旗政务服务局在 records/authority.toml 登记的人员签名提交。\n"
WAIVERS = {
    "waivers/2025-08-20-aoerjin-wx-weekly.toml": """\
# 敖尔金牧场 2025 年 8 月强降雨断网,第 33 周无法发布;旗政务服务局同意豁免这一周。
rule = "art-15/weekly-update"
target = "records/accounts/aoerjin-wx/account.toml"
fingerprint = "e9c6336420c14a8c"
reason = "2025-08-11 起牧场遭遇强降雨,通信基站停电断网一周,账号无法更新;恢复后已补发情况说明。"
approved_by = "zwfwj"
approver = "旗政务服务局分管领导"
approved = 2025-08-20
expires = 2026-12-31
"""
    + SIGNED_NOTE,
    "waivers/2026-02-10-keerlun-wx-spring-festival.toml": """\
# 已过期的豁免:只覆盖到 2026-02-15,春节当周(第 8 周)起不再豁免,违规照常报告。
rule = "art-15/weekly-update"
target = "records/accounts/keerlun-wx/account.toml"
reason = "春节前账号运维人员集中培训,申请豁免春节前的更新要求。"
approved_by = "zwfwj"
approver = "旗政务服务局分管领导"
approved = 2026-02-10
expires = 2026-02-15
"""
    + SIGNED_NOTE,
}


def write(root: Path, files: dict[str, str]) -> int:
    """Add the files under ``root/records``; refuse to change an existing file."""
    records = root / "records"
    added = 0
    for rel, text in files.items():
        path = records / rel
        if path.exists():
            if path.read_text("utf-8") != text:
                raise SystemExit(f"sample_extra: {path} exists with other content; not overwriting")
            continue
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_name(path.name + ".tmp")
        tmp.write_text(text, "utf-8")
        tmp.replace(path)
        added += 1
    return added


def _entry(p: Plant) -> str:
    return f"\n[[planted]]\ncheck = {_toml_str(p.check)}\npath = {_toml_str(p.path)}\nwhy = {_toml_str(p.why)}\n"


def write_planted(folder: Path, plants: list[Plant]) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    by_article: dict[str, list[Plant]] = {}
    for p in plants:
        by_article.setdefault(p.check.split("/")[0], []).append(p)
    for article, items in sorted(by_article.items()):
        target = folder / f"{article}.toml"
        if article in OWNED:
            text = f"# Planted violations of {article} in the sample banner (written by bench/sample_extra.py).\n"
            target.write_text(text + "".join(_entry(p) for p in items), "utf-8")
            continue
        assert article in SHARED, article
        existing = (
            target.read_text("utf-8")
            if target.exists()
            else (f"# Planted violations of {article} in the sample banner.\n")
        )
        known = tomllib.loads(existing).get("planted", [])
        seen = {(e["check"], e["path"]) for e in known}
        extra = [p for p in items if (p.check, p.path) not in seen]
        if extra:
            note = "\n# Added by bench/sample_extra.py.\n" if "sample_extra" not in existing else ""
            target.write_text(existing + note + "".join(_entry(p) for p in extra), "utf-8")


DOC_BEGIN = "<!-- sample_extra: begin (written by bench/sample_extra.py; do not edit by hand) -->"
DOC_END = "<!-- sample_extra: end -->"


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def write_docs(path: Path, plants: list[Plant]) -> None:
    """Keep a section of the sample's documentation page listing these planted violations."""
    rows = "".join(f"| `{p.check}` | `{p.path}` | {_cell(p.why)} |\n" for p in plants)
    section = (
        f"{DOC_BEGIN}\n"
        "### 其余条款的埋入违规\n\n"
        "以下违规由 `bench/sample_extra.py` 在生成样例之后补充埋入(新增的单位、账号、监管记录和事件文件),"
        "覆盖第二、六、七、八、十、十六、十七、十八、二十、二十一、二十三、二十四条。\n\n"
        "| 检查 | 文件 | 说明 |\n|---|---|---|\n"
        f"{rows}{DOC_END}\n"
    )
    text = path.read_text("utf-8") if path.exists() else ""
    if DOC_BEGIN in text and DOC_END in text:
        head, rest = text.split(DOC_BEGIN, 1)
        tail = rest.split(DOC_END, 1)[1].lstrip("\n")
        text = head + section + ("\n" + tail if tail else "")
    else:
        text = text.rstrip("\n") + "\n\n" + section
    path.write_text(text, "utf-8")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument("--out", default=".", help="the repository root (containing records/)")
    parser.add_argument(
        "--planted", help="also write the planted lists to this folder (tests/sample/planted)"
    )
    parser.add_argument("--docs", help="also keep the planted table in this page (docs/sample.md)")
    args = parser.parse_args(argv)
    root = Path(args.out)
    if not (root / "records" / "accounts").is_dir():
        raise SystemExit(
            f"sample_extra: no sample under {root / 'records'}; run bench/synth.py sample first"
        )
    files, plants = build(root / "records")
    added = write(root, files)
    if args.planted:
        write_planted(Path(args.planted), plants)
    if args.docs:
        write_docs(Path(args.docs), plants)
    print(
        f"sample_extra: {added} files added ({len(files)} in all), {len(plants)} planted violations"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
