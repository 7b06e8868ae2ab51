"""One home for each word a user reads: the Chinese labels of every id the records use.

The CLI, the reports and the site all take their labels from here; nothing else in
``engine/`` defines a label dictionary. Which platforms are *approved* is law and lives
in ``policy/`` (art-02, art-12); what a platform is *called* is vocabulary and lives here.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

SEVERITY = {"error": "违规", "warning": "警示"}
# 「提醒」 is what a Reminder (engine/violations.py) is called: never a violation.
SEVERITY_EN = {"error": "error", "warning": "warning"}
REMINDER = "提醒"
# The heading of the reminders in every report format (text, JUnit, SARIF).
REMINDERS_HEADING = "无法评判或值得核实(不是违规,不阻止提交)"
REMINDERS_HEADING_EN = "cannot be judged or worth a look (not violations, never blocking)"
REMINDER_HINT = "怎么办"

RULE_KIND = {
    "checkable": "可由规则检查",
    "evidence": "检查存证记录",
    "informational": "说明性条款",
    "parameter": "参数条款",
}

PLATFORM = {
    "wechat-official": "微信公众号",
    "wechat-channels": "微信视频号",
    "weibo": "新浪微博",
    "toutiao": "今日头条",
    "douyin": "抖音",
    "kuaishou": "快手",
    "mini-program": "小程序",
    "self-built-app": "自建移动客户端",
    "xiaohongshu": "小红书",
    "bilibili": "哔哩哔哩",
}

UNIT_TYPE = {
    "town": "镇",
    "sumu": "苏木",
    "ranch": "牧场",
    "department": "旗直部门",
    "institution": "事业单位",
    "enterprise": "企业",
    "party-body": "党群机构",
}

SECTOR = {
    "economy": "经济发展",
    "livelihood": "民生",
    "social-management": "社会管理",
    "other": "其他",
}

CATEGORY = {
    "routine": "日常信息",
    "policy": "政策文件及解读",
    "major": "重要信息",
    "emergency": "突发事件信息",
}

REVIEW_LEVEL = {1: "初审", 2: "复审", 3: "终审"}

EVENT_TYPE = {
    "opening": "开设",
    "closure-decision": "关停决定",
    "filing": "报主管单位备案",
    "notice": "关停公告",
    "closure": "关停注销",
    "responsible": "专人负责",
    "contract": "委托运维合同",
    "incident": "安全事件",
}

EVIDENCE_TYPE = {
    "security-system": "安全管理制度",
    "confidentiality-review": "保密审查制度",
    "emergency-plan": "应急预案",
    "data-protection": "用户信息保护制度",
}

INCIDENT_TYPE = {
    "data-leak": "用户信息泄露",
    "secret-leak": "国家秘密或商业秘密泄露",
    "privacy-leak": "个人隐私泄露",
    "account-hijack": "账号被盗用",
    "other": "其他安全事件",
}

SUPERVISION_TYPE = {"rectification-order": "整改通知", "sanction": "处置措施"}

MEASURE = {
    "interview": "约谈",
    "warning": "警告",
    "notice": "通报",
    "ordered-closure": "责令关闭",
}

# Values of enum fields that are not one of the vocabularies above.
VALUE = {
    "collective": "集体研究",
    "principal-leader": "主要负责人同意",
    "general": "常设",
    "event": "重大活动",
    "project": "专项工作",
    "self": "本单位",
    "internal-body": "内设机构",
    "contractor": "委托专门机构",
    "work": "因工作原因关停",
    "ordered": "责令关闭",
    "sanction": "惩戒公示",
    "mandatory": "强制性信息披露",
    "abuse": "辱骂攻击",
    "advertising": "广告推销",
    "repeat": "重复留言",
    "holiday": "放假",
    "workday": "调休上班",
    **SECTOR,
}

# Measurements that need a working-day calendar (fact fields), as a reminder names them.
COUNT = {
    "notice_working_days": "关停公告期工作日数",
    "elapsed_working_days": "留言答复时限",
    "in_notice_period": "关停公告期内的每周更新",
}
# What ``govmedia new`` makes, by the names a clerk types (engine/scaffold/table.py).
NEW_KIND = {
    "unit": "单位",
    "account": "账号",
    "post": "发布记录",
    "message": "公众留言",
    "answer": "留言答复",
    "evidence": "制度和预案",
    "calendar": "工作日历",
    **EVENT_TYPE,
    **SUPERVISION_TYPE,
    "waiver": "豁免",
    "signer": "签名人员(授权名录)",
    "acknowledgement": "如实登记",
}
# Kinds of what ``govmedia due`` lists (engine/due.py).
DUE_KIND = {
    "week": "每周更新",
    "message": "留言答复",
    "closure": "关停程序",
    "rectification": "整改期限",
    "sanction": "责令关闭期限",
    "contract": "委托合同",
    "responsible": "负责人任期",
    "evidence": NEW_KIND["evidence"],
    "waiver": "豁免到期",
    "calendar": NEW_KIND["calendar"],
}
WEEKDAY = ("周一", "周二", "周三", "周四", "周五", "周六", "周日")
# Array-of-tables fields, named per entry: 第 2 条发布记录.
ENTRY = {"post": "发布记录", "review": "审核记录", "message": "留言", "identity": "登记人员", "day": "日期"}  # fmt: skip


def field_path_zh(path: Sequence[str | int]) -> str:
    """A key path of a record as a clerk reads it: ("post", 1, "category") is
    第 2 条发布记录的信息类别(category)."""
    parts: list[str] = []
    for i, key in enumerate(path):
        if isinstance(key, int):
            owner = str(path[i - 1]) if i else ""
            parts[-1:] = [f"第 {key + 1} 条{ENTRY.get(owner, FIELD.get(owner, owner))}"]
        else:
            parts.append(f"{FIELD[key]}({key})" if key in FIELD else key)
    return "的".join(parts) or "文件顶层"


def value_zh(value: object) -> str:
    """An id value with its Chinese label when one is known: policy(政策文件及解读)."""
    text = str(value)
    for table in (CATEGORY, PLATFORM, UNIT_TYPE, VALUE, EVENT_TYPE, EVIDENCE_TYPE,
                  INCIDENT_TYPE, SUPERVISION_TYPE, MEASURE):  # fmt: skip
        if text in table:
            return f"{text}({table[text]})"
    return text


# Fields whose ids a Chinese message shows by their label (「类别 政策文件及解读」, not 「类别 policy」).
FIELD_TABLES: dict[str, Mapping[str, str]] = {
    "category": CATEGORY,
    "platform": PLATFORM,
    "basis": VALUE,
    "purpose": VALUE,
    "operated_by": VALUE,
    "ground": VALUE,
}


def message_values(values: Mapping[str, object]) -> dict[str, object]:
    """Values for a Chinese message template: known ids replaced by their labels."""
    return {
        k: label(FIELD_TABLES[k], v) if k in FIELD_TABLES and isinstance(v, str) else v
        for k, v in values.items()
    }


_DIGITS = "零一二三四五六七八九"


def article_zh(n: int) -> str:
    """第十三条-style numbering of an article (1-99)."""
    tens, ones = divmod(n, 10)
    if tens == 0:
        text = _DIGITS[ones]
    else:
        text = ("" if tens == 1 else _DIGITS[tens]) + "十" + (_DIGITS[ones] if ones else "")
    return f"第{text}条"


def parse_article(text: str) -> int | None:
    """The article number written as 第十三条, 十三, 第13条, 13 or art-13 (None if not one)."""
    text = text.strip()
    if text.lower().startswith("art-"):
        text = text[4:]
    text = text.removeprefix("第").removesuffix("条")
    if text.isdigit():
        return int(text) or None
    if not text or any(ch not in _DIGITS + "十" for ch in text) or text.count("十") > 1:
        return None
    if "十" not in text:
        return _DIGITS.index(text) if len(text) == 1 and text != "零" else None
    tens, _, ones = text.partition("十")
    if len(tens) > 1 or len(ones) > 1 or tens == "零" or ones == "零":
        return None
    return (_DIGITS.index(tens) if tens else 1) * 10 + (_DIGITS.index(ones) if ones else 0)


def label(table: Mapping[str, str], key: str) -> str:
    """The Chinese label of ``key``, or ``key`` itself when the table does not know it."""
    return table.get(key, key)


def count_zh(field: str) -> str:
    return label(COUNT, field)


def platform_zh(platform: str) -> str:
    return label(PLATFORM, platform)


def account_zh(platform: str, name: str, account_id: str | None = None) -> str:
    """How an account is named to people: 平台·名称, plus ``(id)`` where a clerk edits files."""
    text = f"{platform_zh(platform)}·{name}"
    return f"{text}({account_id})" if account_id else text


# How ``govmedia new`` asks a clerk for a field: the longer wording a prompt needs (what
# to type, an example). A field not listed here is asked by its ``FIELD`` label.
FIELD_PROMPT = {
    "id": "目录名(小写字母、数字和连字符)",
    "unit.id": "单位 id(目录名,小写字母、数字和连字符,例如 alatan)",
    "account.id": "账号 id(目录名,小写字母、数字和连字符,例如 wx-alatan)",
    "account": "账号 id",
    "unit": "单位 id",
    "name": "名称",
    "type": "类型",
    "supervising_office": "主管办公室",
    "newmedia_office": "负责政务新媒体工作的内设机构",
    "website_office": "负责政府网站管理的内设机构",
    "superior": "上级单位 id",
    "sectors": "与经济发展、民生、社会管理密切相关的职能",
    "public_functions": "是否对外行使公共管理职能",
    "classified": "是否涉密单位",
    "administrative_functions": "事业单位是否承担行政职能",
    "internal_bodies": "内设机构名称",
    "publishes_via": "通过上级政务新媒体发布时,该账号 id",
    "contact.name": "联系人(不公开)",
    "contact.phone": "联系电话(不公开)",
    "platform": "平台",
    "certification": "平台上的公开认证信息",
    "opened": "开设日期",
    "purpose": "开设目的",
    "operated_by": "运维方式",
    "outsourced_from": "委托专门机构承办的起始日期",
    "tracked_from": "纳入管理日期",
    "url": "链接",
    "logo": "头像(LOGO)说明",
    "collects": "收集的个人信息项",
    "needs": "服务确需的个人信息项",
    "login_holder": "登录账号持有人(不公开)",
    "published": "发布时间",
    "title": "标题",
    "category": "信息类别",
    "review": "审核记录",
    "ad": "是否含商业广告",
    "personal_opinion": "是否含个人观点、情绪的言论",
    "personal_data": "是否涉及公民个人信息",
    "repost.source_unit": "转载来源单位",
    "repost.original_title": "转载原标题",
    "repost.source_url": "转载来源链接",
    "received": "收到留言的时间",
    "topic": "留言主题(公开)",
    "channel": "留言栏目",
    "asker": "留言人(不公开)",
    "contact": "留言人联系方式(不公开)",
    "answered": "答复时间",
    "answer": "答复内容摘要",
    "adopted": "印发(通过)日期",
    "reviewed": "最近一次复核日期",
    "document": "文件名称及文号",
    "note": "备注",
    "year": "年份",
    "complete": "是否列出该年全部节假日与调休",
    "source": "依据(如国务院办公厅通知的文号)",
    "date": "日期",
    "need": "开设的必要性",
    "plan": "运维计划",
    "basis": "决策方式",
    "with": "备案的主管单位 id",
    "reference": "文号",
    "start": "开始日期",
    "end": "结束日期",
    "where": "公告发布渠道",
    "reason": "理由",
    "ground": "关停原因类别",
    "order": "责令关闭的监管记录",
    "from": "起始日期",
    "to": "结束日期",
    "person": "负责人姓名(不公开)",
    "phone": "联系电话(不公开)",
    "role": "职务",
    "contractor": "承办单位",
    "rights_duties": "合同是否约定双方权利义务",
    "confidentiality_agreement": "保密协议",
    "qualification_review": "资质审查",
    "amount": "合同金额(元)",
    "kind": "事件类别",
    "description": "经过",
    "issued_by": "作出单位 id",
    "issued": "下发日期",
    "deadline": "期限",
    "closed": "整改完成日期",
    "issue": "存在的问题",
    "measure": "处置措施",
    "rule": "规则(如 art-15 或 art-15/weekly-update)",
    "target": "记录文件(records/ 开头)",
    "fingerprint": "违规指纹",
    "approved_by": "批准单位 id",
    "approver": "批准人(不公开)",
    "approved": "批准日期",
    "expires": "有效期至",
    "email": "电子邮箱(不公开)",
    "key": "SSH 签名公钥(.pub 文件的内容)",
    "recorded": "登记日期",
    "day.date": "节假日或调休上班的日期",
    "day.kind": "放假还是调休上班",
    "day.name": "节日名称",
    "message": "违规内容",
}

YES_NO = {True: "是", False: "否"}

# ---------------------------------------------------------------- ledgers (govmedia import)
# Other spellings of the categories in the ledgers units keep (after NFKC, spaces removed).
CATEGORY_ALIASES = {
    **{label: key for key, label in CATEGORY.items()},
    **{key: key for key in CATEGORY},
    "日常": "routine",
    "日常类": "routine",
    "日常信息类": "routine",
    "一般信息": "routine",
    "一般": "routine",
    "常规信息": "routine",
    "常规": "routine",
    "政策文件": "policy",
    "政策解读": "policy",
    "政策": "policy",
    "政策类": "policy",
    "政策性文件": "policy",
    "政策文件解读": "policy",
    "政策文件和解读": "policy",
    "政策文件类": "policy",
    "重要": "major",
    "重要类": "major",
    "重大信息": "major",
    "重要信息类": "major",
    "突发事件": "emergency",
    "突发": "emergency",
    "突发类": "emergency",
    "突发事件类": "emergency",
    "应急信息": "emergency",
    "突发信息": "emergency",
}

# The columns of the ledger templates (govmedia import --template), in order: field id ->
# header. ``reviewN_by`` / ``reviewN_at``: the reviewer and the time of review level N.
POST_LEDGER_COLUMNS = {
    "account": "账号",
    "published": "发布时间",
    "title": "标题",
    "category": "类别",
    "review1_by": "初审人",
    "review1_at": "初审时间",
    "review2_by": "复审人",
    "review2_at": "复审时间",
    "review3_by": "终审人",
    "review3_at": "终审时间",
    "url": "链接",
    "repost_source": "转载来源",
    "repost_url": "转载原文链接",
    "repost_title": "转载原标题",
    "repost_named": "已注明来源",
}
MESSAGE_LEDGER_COLUMNS = {
    "account": "账号",
    "received": "收到时间",
    "channel": "渠道",
    "topic": "内容摘要",
    "answered": "答复时间",
    "answerer": "答复人",
    "answer": "办理结果",
    "asker": "留言人",
    "contact": "联系方式",
}

# Other headers units use for the same columns (after NFKC, with spaces and anything in
# brackets removed). ``reviewN`` alone: a column that holds the reviewer or the date.
POST_LEDGER_HEADERS = {
    **{label: key for key, label in POST_LEDGER_COLUMNS.items()},
    "账号名称": "account",
    "发布账号": "account",
    "账号id": "account",
    "平台账号": "account",
    "新媒体账号": "account",
    "政务新媒体账号": "account",
    "发布日期": "published",
    "发布时间日期": "published",
    "发布日期时间": "published",
    "发稿时间": "published",
    "推送时间": "published",
    "上线时间": "published",
    "题目": "title",
    "信息标题": "title",
    "文章标题": "title",
    "稿件标题": "title",
    "信息题目": "title",
    "稿件题目": "title",
    "信息名称": "title",
    "类型": "category",
    "信息类别": "category",
    "信息类型": "category",
    "信息分类": "category",
    "分类": "category",
    "初审": "review1",
    "初审签字": "review1_by",
    "初审意见": "review1_by",
    "经办人": "review1_by",
    "信息员": "review1_by",
    "初审日期": "review1_at",
    "复审": "review2",
    "审核": "review2",
    "审核人": "review2_by",
    "复审签字": "review2_by",
    "审核签字": "review2_by",
    "复审日期": "review2_at",
    "审核时间": "review2_at",
    "审核日期": "review2_at",
    "终审": "review3",
    "审发": "review3",
    "签发": "review3",
    "审发人": "review3_by",
    "签发人": "review3_by",
    "终审签字": "review3_by",
    "审发签字": "review3_by",
    "终审日期": "review3_at",
    "审发时间": "review3_at",
    "审发日期": "review3_at",
    "签发时间": "review3_at",
    "签发日期": "review3_at",
    "网址": "url",
    "链接地址": "url",
    "发布链接": "url",
    "信息链接": "url",
    "文章链接": "url",
    "稿源": "repost_source",
    "稿源单位": "repost_source",
    "转载单位": "repost_source",
    "来源": "repost_source",
    "信息来源": "repost_source",
    "原文链接": "repost_url",
    "来源链接": "repost_url",
    "转载链接": "repost_url",
    "原标题": "repost_title",
    "原文标题": "repost_title",
    "注明来源": "repost_named",
    "是否注明来源": "repost_named",
    # Known columns that records do not keep: read, not imported.
    "序号": "",
    "编号": "",
    "栏目": "",
    "发布平台": "",
    "平台": "",
    "内容要点": "",
    "内容摘要": "",
    "摘要": "",
    "采集人": "",
    "撰稿人": "",
    "备注": "",
}
MESSAGE_LEDGER_HEADERS = {
    **{label: key for key, label in MESSAGE_LEDGER_COLUMNS.items()},
    "账号名称": "account",
    "收到日期": "received",
    "留言时间": "received",
    "留言日期": "received",
    "接收时间": "received",
    "受理时间": "received",
    "留言渠道": "channel",
    "来源渠道": "channel",
    "栏目": "channel",
    "留言内容": "topic",
    "留言主题": "topic",
    "主题": "topic",
    "内容": "topic",
    "问题摘要": "topic",
    "答复日期": "answered",
    "回复时间": "answered",
    "回复日期": "answered",
    "办结时间": "answered",
    "回复人": "answerer",
    "办理人": "answerer",
    "经办人": "answerer",
    "答复内容": "answer",
    "回复内容": "answer",
    "答复摘要": "answer",
    "处理结果": "answer",
    "办理情况": "answer",
    "留言人姓名": "asker",
    "姓名": "asker",
    "联系电话": "contact",
    "电话": "contact",
    "序号": "",
    "编号": "",
    "备注": "",
}

# What an import says about a ledger's row and column, and about its files.
LEDGER_KIND = {"posts": "信息发布审核台账", "messages": "留言台账"}
# Field names of records, as people read them: the site's tables, and messages that point
# at a value (「第 2 条发布记录的信息类别(category)」). ``FIELD_PROMPT`` has the longer
# wording ``govmedia new`` asks with.
FIELD = {
    "ad": "商业广告",
    "administrative_functions": "承担行政职能",
    "adopted": "印发日期",
    "amount": "合同金额",
    "answer": "答复",
    "answered": "答复时间",
    "approved": "批准日期",
    "approved_by": "批准单位",
    "approver": "批准人",
    "as-of": "检查日",
    "asker": "留言人",
    "at": "时间",
    "basis": "决定方式",
    "calendar": "节假日安排",
    "category": "信息类别",
    "certification": "认证信息",
    "channel": "渠道",
    "classified": "涉密单位",
    "closed": "完成日期",
    "collects": "收集的个人信息项",
    "complete": "完整",
    "concerns_units": "涉及的单位",
    "confidentiality_agreement": "保密协议日期",
    "contact": "联系人",
    "contractor": "承办机构",
    "coordinated_with": "已沟通协调的单位",
    "covered_types": "适用的单位类别",
    "date": "日期",
    "day": "日期",
    "deadline": "期限",
    "deidentified": "已去标识化",
    "disclosure_basis": "公开依据",
    "document": "文号",
    "email": "电子邮箱",
    "end": "结束",
    "events": "事件记录",
    "evidence": "存证",
    "expires": "到期日期",
    "false": "否",
    "fingerprint": "指纹",
    "from": "起",
    "ground": "关停原因",
    "id": "编号",
    "identity": "登记人员",
    "internal_bodies": "内设机构",
    "issued": "印发日期",
    "key": "公钥",
    "kind": "类别",
    "legal_basis": "上位依据",
    "level": "审核级别",
    "login_holder": "账号登录人",
    "logo": "头像说明",
    "measure": "处置措施",
    "message": "留言",
    "messages": "留言记录",
    "name": "名称",
    "need": "开设需求",
    "needs": "确需的信息项",
    "newmedia_office": "新媒体工作机构",
    "no_answer": "不需答复",
    "no_answer_note": "不需答复的理由",
    "non_organ_name_pattern": "非机关名称写法",
    "note": "备注",
    "office_name_pattern": "办公室名称写法",
    "opened": "开设日期",
    "operated_by": "运营方式",
    "order": "整改通知",
    "organ_name_pattern": "机关名称写法",
    "original_title": "原标题",
    "outsourced_from": "委托开始日期",
    "personal_data": "涉及个人信息",
    "personal_opinion": "个人观点",
    "phone": "电话",
    "plan": "开设方案",
    "platform": "平台",
    "post": "发布记录",
    "posts": "发布记录",
    "public_functions": "对外行使公共管理职能",
    "published": "发布时间",
    "publishes_via": "通过账号发布",
    "purpose": "用途",
    "qualification_review": "资质审核日期",
    "reason": "理由",
    "received": "收到时间",
    "records": "记录",
    "reference": "备案编号",
    "repost": "转载",
    "review": "审核记录",
    "reviewed": "复核日期",
    "reviewer": "审核人",
    "rights_duties": "合同约定权责",
    "role": "职务",
    "rule": "规则",
    "scope": "范围",
    "sectors": "职能领域",
    "source": "来源",
    "source_named": "注明来源",
    "source_unit": "来源单位",
    "source_unit_types": "可作来源的单位类别",
    "source_url": "原文链接",
    "start": "开始",
    "superior": "上级单位",
    "supervising_office": "主管办公室",
    "supervision": "监管记录",
    "target": "豁免的记录",
    "title": "标题",
    "to": "止",
    "topic": "主题",
    "tracked_from": "纳入管理日期",
    "true": "是",
    "type": "类型",
    "unit": "单位",
    "url": "网址",
    "waivers": "豁免记录",
    "website_office": "网站管理机构",
    "where": "公告位置",
    "with": "备案单位",
    "year": "年份",
}

# What the placeholders of a check's message template stand for: the rulebook shows
# templates as 〔账号名称〕 instead of {account_name}.
PLACEHOLDER = {
    "answered_day": "答复日期",
    "as_of": "检查日",
    "category_zh": "信息类别",
    "filed_with_name": "备案单位",
    "gap_period": "空缺期间",
    "judged_from": "应完成日期",
    "late_only_level": "发布后才审核的级别",
    "platform_name": "平台",
    "purpose_zh": "用途",
    "run_weeks": "周数",
    "same_reviewer_levels": "同一人审核的级别",
    "supervising_name": "主管单位",
    "unit_type_zh": "单位类别",
    "account_name": "账号名称",
    "accounts": "账号数",
    "active_accounts": "运行中的账号",
    "answer_working_days": "答复用的工作日数",
    "answered_at": "答复时间",
    "category": "信息类别",
    "certification": "认证信息",
    "closed_on": "关停日期",
    "closed": "关停日期",
    "confidentiality_agreement": "保密协议日期",
    "contractor": "承办机构",
    "date": "日期",
    "days_late": "超出天数",
    "deadline": "期限",
    "decided": "决定日期",
    "description": "说明",
    "earliest_closure": "最早可关停日期",
    "excess": "超出数量",
    "filed_with": "备案单位",
    "filed": "备案日期",
    "gap_days": "空缺天数",
    "gap_from": "空缺开始日期",
    "gap_to": "空缺结束日期",
    "incident_date": "事件日期",
    "incident_kind_zh": "事件类型",
    "internal_bodies": "内设机构",
    "internal_body_in": "内设机构",
    "internal_body": "内设机构",
    "issued": "下发日期",
    "issue": "问题",
    "key": "对象",
    "late_reviews": "逾期审核数",
    "max_accounts_per_platform": "每个平台的账号上限",
    "min_notice_working_days": "公告最少工作日数",
    "min_posts_per_week": "每周最少发布条数",
    "newmedia_office": "新媒体工作机构",
    "notice_end": "公告结束日期",
    "notice_needed_until": "公告应持续到",
    "notice_start": "公告开始日期",
    "notice_working_days": "公告工作日数",
    "ordered": "责令日期",
    "order": "整改通知",
    "original_title": "原标题",
    "platform": "平台",
    "published": "发布时间",
    "publishes_via": "通过账号发布",
    "purpose": "用途",
    "qualification_review": "资质审核日期",
    "received": "收到日期",
    "reviewed_levels": "已审核级数",
    "run_count": "条数",
    "run_from": "起始日期",
    "run_posts": "发布条数",
    "run_to": "结束日期",
    "source": "来源",
    "start": "开始日期",
    "supervising_office": "主管办公室",
    "supervising_unit": "主管单位",
    "supervising_unit_name": "主管单位全称",
    "title": "标题",
    "topic": "主题",
    "uncoordinated": "未协调的账号",
    "unit_name": "单位名称",
    "unit_type": "单位类型",
    "value": "值",
    "website_office": "网站管理机构",
    "working_days": "工作日数",
}


def placeholder_zh(name: str) -> str:
    """A message template's ``{name}`` as people read it: 〔账号名称〕."""
    return f"〔{PLACEHOLDER.get(name, '记录中的值')}〕"


def field_prompt(name: str) -> str:
    """What a record field is called when a clerk is asked for it."""
    return FIELD_PROMPT.get(name) or FIELD.get(name, name)
