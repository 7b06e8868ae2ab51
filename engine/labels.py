"""One home for each word a user reads: the Chinese labels of every id the records use.

The CLI, the reports and the site all take their labels from here; nothing else in
``engine/`` defines a label dictionary. Which platforms are *approved* is law and lives
in ``policy/`` (art-02, art-12); what a platform is *called* is vocabulary and lives here.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

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

# Record fields, for messages that point at a value (「第 2 条发布记录的类别(category)」).
FIELD = {
    "ad": "商业广告", "administrative_functions": "承担行政职能", "adopted": "印发日期",
    "answer": "答复", "answered": "答复时间", "approved": "批准日期", "approved_by": "批准单位",
    "approver": "批准人", "asker": "留言人", "at": "时间", "category": "类别",
    "certification": "认证信息", "channel": "渠道", "classified": "涉密单位",
    "collects": "收集的信息", "complete": "完整", "concerns_units": "涉及的单位",
    "contact": "联系人", "coordinated_with": "会商的单位", "date": "日期", "day": "日期",
    "deidentified": "已去标识化", "disclosure_basis": "公开依据", "document": "文号",
    "email": "电子邮箱", "expires": "到期日期", "fingerprint": "指纹", "identity": "登记人员",
    "internal_bodies": "内设机构", "key": "公钥", "kind": "种类", "level": "审核级别",
    "login_holder": "账号登录人", "logo": "头像", "message": "留言", "name": "名称",
    "needs": "服务需要的信息", "newmedia_office": "负责政务新媒体的内设机构", "note": "备注",
    "opened": "开设日期", "operated_by": "运维方式", "original_title": "原标题",
    "outsourced_from": "委托起始日", "personal_data": "涉及个人信息",
    "personal_opinion": "个人观点", "phone": "电话", "platform": "平台", "post": "发布记录",
    "public_functions": "对外行使公共管理职能", "published": "发布时间",
    "publishes_via": "借用发布的账号", "purpose": "开设目的", "reason": "理由",
    "received": "收到时间", "repost": "转载", "review": "审核记录", "reviewed": "复核日期",
    "reviewer": "审核人", "rule": "规则", "sectors": "职能领域", "source": "来源",
    "source_named": "注明来源", "source_unit": "来源单位", "source_url": "原文链接",
    "superior": "上级单位", "supervising_office": "主管办公室", "target": "豁免的记录",
    "title": "标题", "topic": "主题", "tracked_from": "纳入管理日期", "type": "类型",
    "unit": "单位", "url": "链接", "website_office": "负责政府网站的内设机构", "year": "年份",
}  # fmt: skip
# Array-of-tables fields, named per entry: 第 2 条发布记录.
ENTRY = {"post": "发布记录", "review": "审核记录", "message": "留言", "identity": "登记人员", "day": "日期"}  # fmt: skip


def field_path_zh(path: Sequence[str | int]) -> str:
    """A key path of a record as a clerk reads it: ("post", 1, "category") is
    第 2 条发布记录的类别(category)."""
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


def platform_zh(platform: str) -> str:
    return label(PLATFORM, platform)


def account_zh(platform: str, name: str, account_id: str | None = None) -> str:
    """How an account is named to people: 平台·名称, plus ``(id)`` where a clerk edits files."""
    text = f"{platform_zh(platform)}·{name}"
    return f"{text}({account_id})" if account_id else text
