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
    "abuse": "辱骂攻击",
    "advertising": "广告推销",
    "repeat": "重复留言",
    **SECTOR,
}

# Measurements that need a working-day calendar (fact fields), as a reminder names them.
COUNT = {
    "notice_working_days": "关停公告期工作日数",
    "elapsed_working_days": "留言答复时限",
    "in_notice_period": "关停公告期内的每周更新",
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
