"""One home for each word a user reads: the Chinese labels of every id the records use.

The CLI, the reports and the site all take their labels from here; nothing else in
``engine/`` defines a label dictionary. Which platforms are *approved* is law and lives
in ``policy/`` (art-02, art-12); what a platform is *called* is vocabulary and lives here.
"""

from __future__ import annotations

from collections.abc import Mapping

SEVERITY = {"error": "违规", "warning": "提醒"}
SEVERITY_EN = {"error": "error", "warning": "warning"}

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
    "other": "其他",
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
    **SECTOR,
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
    "evidence": "制度和预案",
    "waiver": "豁免到期",
    "calendar": "工作日历",
}
WEEKDAY = ("周一", "周二", "周三", "周四", "周五", "周六", "周日")

_DIGITS = "零一二三四五六七八九"


def article_zh(n: int) -> str:
    """第十三条-style numbering of an article (1-99)."""
    tens, ones = divmod(n, 10)
    if tens == 0:
        text = _DIGITS[ones]
    else:
        text = ("" if tens == 1 else _DIGITS[tens]) + "十" + (_DIGITS[ones] if ones else "")
    return f"第{text}条"


def label(table: Mapping[str, str], key: str) -> str:
    """The Chinese label of ``key``, or ``key`` itself when the table does not know it."""
    return table.get(key, key)


def platform_zh(platform: str) -> str:
    return label(PLATFORM, platform)


def account_zh(platform: str, name: str, account_id: str | None = None) -> str:
    """How an account is named to people: 平台·名称, plus ``(id)`` where a clerk edits files."""
    text = f"{platform_zh(platform)}·{name}"
    return f"{text}({account_id})" if account_id else text


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
