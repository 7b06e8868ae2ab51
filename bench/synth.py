"""Synthetic banner records: the bundled sample and the large benchmark repository.

Two scales, one generator (seeded, deterministic: the same arguments give the
same bytes):

``python bench/synth.py sample --out records/ [--planted tests/sample/planted]``
    The bundled sample banner (新巴尔虎右旗): its real townships, seventeen
    banner departments, about forty-five accounts with posts from 2024-09 to
    2026-11-22, review chains, responsible people, contracts, three closures
    done properly over holidays, units' systems and plans, public messages and
    one supervision case, plus a short list of PLANTED violations (``PLANTS``;
    written to ``tests/sample/planted/art-NN.toml``). Checked with
    ``--as-of 2026-11-26``. ``bench/sample_extra.py`` then adds the planted
    violations of further articles (see docs/sample.md).

``python bench/synth.py large --out DIR --accounts 300 --years 5 [--git]``
    A league-sized repository for benchmarks (~450,000 posts, ~20,000 files,
    ~120 MB) built by the same code, without planted violations or messages.
    More accounts than the league's eight banners hold add synthetic banners
    (示例第N旗), for the 10x workload (``bench/scale.py``).

``python bench/synth.py large ... --violations 20000 --reviewers 100000``
    The "many violations" shape of the issue's independent workload: the same
    scale, ~100,000 distinct (private) reviewer names, and exactly that many
    planted violations, half art-15 weekly-update (weeks without a post, never
    two adjacent: consecutive empty weeks are one violation) and half art-14
    review-missing (a post with no review, or its first or highest level left
    out). ``DIR/planted.json`` says what ``govmedia check HEAD`` must find.

``--out`` names the ``records/`` directory itself when its last component is
``records``; otherwise it is a repository root and the records go to
``DIR/records/``. ``units/``, ``accounts/`` and ``supervision/`` are deleted and
rewritten; ``calendar/`` and ``waivers/`` are left alone. Files are written
with plain string templates, which keeps the large repository near half a
minute of CPU time.

Person names and phone numbers are synthetic and appear only in fields the
schemas mark private (``person``, ``phone``, ``reviewer``, ``contact``,
``login_holder``, ``asker``).
"""

from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import subprocess
import sys
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from pathlib import Path

SEED = 20200829
SAMPLE_END = date(2026, 11, 22)  # last day with posts (a Sunday); checked as of 2026-11-26
SAMPLE_START = date(2024, 9, 2)  # the banner began keeping records here (a Monday)
SUPERVISOR = "zwfwj"

TomlValue = str | int | bool | date | datetime | list[str]


# ---------------------------------------------------------------- TOML text


def _quote(text: str) -> str:
    escaped = text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")
    return f'"{escaped}"'


def _value(value: TomlValue) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%d %H:%M:%S")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, list):
        return "[" + ", ".join(_quote(v) for v in value) + "]"
    return _quote(value)


def toml_table(fields: Iterable[tuple[str, TomlValue | None]]) -> str:
    return "".join(f"{k} = {_value(v)}\n" for k, v in fields if v is not None)


# ---------------------------------------------------------------- the banner


@dataclass(frozen=True)
class Unit:
    id: str
    name: str
    type: str  # town | sumu | ranch | department
    short: str  # how titles name the unit
    certified_as: str  # the full name a platform certification shows
    internal_bodies: tuple[str, ...]
    sectors: tuple[str, ...] = ("livelihood",)
    publishes_via: str | None = None
    superior: str | None = None  # the unit whose account ``publishes_via`` names (art. 10)


TOWNSHIP_BODIES = ("党政综合办公室", "党建工作办公室", "经济发展办公室", "社会事务办公室")

# (id, name, type) of the banner's 苏木镇 and its ranch.
TOWNSHIPS = [
    ("aletan", "阿拉坦额莫勒镇", "town"),
    ("arihashate", "阿日哈沙特镇", "town"),
    ("hulun", "呼伦镇", "town"),
    ("beier", "贝尔苏木", "sumu"),
    ("keerlun", "克尔伦苏木", "sumu"),
    ("dalai", "达赉苏木", "sumu"),
    ("baogedewula", "宝格德乌拉苏木", "sumu"),
    ("aoerjin", "敖尔金牧场", "ranch"),
]

# (id, name without the banner's prefix, internal bodies besides 办公室, sectors)
DEPARTMENTS: list[tuple[str, str, tuple[str, ...], tuple[str, ...]]] = [
    ("zwfwj", "政务服务局", ("政务公开股", "审批服务股", "电子政务股"), ("social-management",)),
    ("gkb", "政务公开工作领导小组办公室", (), ("other",)),
    ("fgw", "发展和改革委员会", ("项目管理股", "价格监测股"), ("economy",)),
    ("jyj", "教育局", ("基础教育股", "学生资助管理中心"), ("livelihood",)),
    ("gaj", "公安局", ("指挥中心", "交通管理大队", "治安管理大队"), ("social-management",)),
    ("czj", "财政局", ("预算股", "国库股"), ("economy",)),
    ("rsj", "人力资源和社会保障局", ("就业服务中心", "社会保险股"), ("livelihood",)),
    ("zrzyj", "自然资源局", ("国土空间规划股", "不动产登记中心"), ("economy",)),
    ("nmj", "农牧局", ("畜牧股", "农牧业技术推广中心"), ("economy",)),
    ("wlj", "文化旅游体育局", ("文化艺术股", "旅游发展股", "体育股"), ("economy", "livelihood")),
    ("scjgj", "市场监督管理局", ("食品安全监管股", "消费者权益保护股"), ("economy",)),
    ("yjglj", "应急管理局", ("应急指挥股", "安全生产监管股"), ("social-management",)),
    ("ybj", "医疗保障局", ("待遇保障股", "基金监管股"), ("livelihood",)),
    ("tjj", "统计局", ("普查中心", "综合统计股"), ("economy",)),
    ("lcj", "林业和草原局", ("草原监督管理股", "森林草原防火股"), ("economy",)),
    ("mzj", "民政和退役军人事务局", ("社会救助股", "退役军人服务中心"), ("livelihood",)),
    ("wjw", "卫生健康委员会", ("疾病预防控制股", "妇幼健康股"), ("livelihood",)),
]

# Other banners of the league, for the large repository (id prefix, name).
LEAGUE = [
    ("", "新巴尔虎右旗"),
    ("xzq", "新巴尔虎左旗"),
    ("cbq", "陈巴尔虎旗"),
    ("ewk", "鄂温克族自治旗"),
    ("mld", "莫力达瓦达斡尔族自治旗"),
    ("elc", "鄂伦春自治旗"),
    ("akq", "阿荣旗"),
    ("ylk", "牙克石市"),
]


def banner_units(
    prefix: str = "", banner: str = "新巴尔虎右旗", townships: bool = True
) -> list[Unit]:
    units: list[Unit] = []
    pid = f"{prefix}-" if prefix else ""
    if townships:
        for uid, name, kind in TOWNSHIPS:
            certified = f"{banner}{name}" if kind == "ranch" else f"{banner}{name}人民政府"
            units.append(Unit(pid + uid, name, kind, name, certified, TOWNSHIP_BODIES))
    for uid, name, bodies, sectors in DEPARTMENTS:
        full = f"{banner}{name}"
        # The open-government office is housed in 政务服务局 (which stamps the measures
        # on its behalf) and publishes through its WeChat account.
        via, above = (f"{pid}zwfwj-wx", f"{pid}zwfwj") if uid == "gkb" else (None, None)
        units.append(
            Unit(
                pid + uid,
                full,
                "department",
                "旗" + name,
                full,
                ("办公室", *bodies),
                sectors,
                via,
                above,
            )
        )
    return units


PLATFORMS = {
    "wechat-official": ("wx", "https://wechat.sample.invalid/s/"),
    "wechat-channels": ("sph", "https://channels.sample.invalid/v/"),
    "weibo": ("wb", "https://weibo.sample.invalid/"),
    "toutiao": ("tt", "https://toutiao.sample.invalid/article/"),
    "douyin": ("dy", "https://douyin.sample.invalid/video/"),
    "kuaishou": ("ks", "https://kuaishou.sample.invalid/short-video/"),
    "mini-program": ("xcx", ""),
    "self-built-app": ("app", ""),
    "xiaohongshu": ("xhs", "https://xiaohongshu.sample.invalid/explore/"),
}


PLATFORM_NAMES = {
    "wechat-official": "微信公众号",
    "wechat-channels": "微信视频号",
    "weibo": "新浪微博",
    "toutiao": "头条号",
    "douyin": "抖音",
    "kuaishou": "快手",
    "mini-program": "小程序",
    "self-built-app": "移动客户端",
    "xiaohongshu": "小红书",
}


@dataclass(frozen=True)
class Review:
    level: int
    at: datetime
    reviewer: str


@dataclass
class Post:
    published: datetime
    title: str
    category: str
    url: str = ""
    reviews: list[Review] = field(default_factory=list)
    flags: list[tuple[str, TomlValue]] = field(default_factory=list)
    repost: list[tuple[str, TomlValue]] = field(default_factory=list)


@dataclass
class Account:
    id: str
    unit: Unit
    platform: str
    opened: date
    name: str = ""
    certification: str = ""
    purpose: str = "general"
    operated_by: str = "self"
    last_post: date = SAMPLE_END  # last day the account posts
    skip_weeks: set[date] = field(default_factory=set)  # Mondays with no posts at all
    events: list[tuple[str, str]] = field(default_factory=list)  # (file name, TOML text)
    extra_posts: list[Post] = field(default_factory=list)
    login_holder: str = ""
    collects: list[str] = field(
        default_factory=list
    )  # personal data items the service needs (art. 21)

    def __post_init__(self) -> None:
        self.name = self.name or self.unit.name
        self.certification = self.certification or self.unit.certified_as

    def event(
        self, name: str, fields: list[tuple[str, TomlValue | None]], comment: str = ""
    ) -> None:
        head = "".join(f"# {line}\n" for line in comment.splitlines())
        self.events.append((f"{name}.toml", head + toml_table(fields)))


# ---------------------------------------------------------------- people

SURNAMES = "王李张刘陈杨赵黄周吴徐孙马朱胡郭何高林罗郑梁宋谢韩唐冯于董萧程曹袁邓许傅沈曾彭吕苏卢蒋蔡贾丁魏薛叶阎余潘杜戴夏钟汪田任姜范方石姚谭廖邹熊金陆郝孔白崔康毛邱秦江史顾侯邵孟龙万段雷钱汤尹黎易常武乔贺赖龚文"
GIVEN = (
    "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉兰萍红鹏辉建国志宏斌雪梅琳晨浩宇欣怡嘉文博涵"
)
MONGOLIAN = [
    "巴特尔",
    "其其格",
    "乌云",
    "额尔敦",
    "斯琴",
    "阿拉坦",
    "图雅",
    "苏和",
    "那仁",
    "宝音",
    "萨仁",
    "朝鲁",
]


class People:
    """Synthetic names and phone numbers (private fields only)."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng

    def name(self) -> str:
        r = self.rng
        if r.random() < 0.25:
            return r.choice(MONGOLIAN) + (r.choice(["", "图", "巴雅尔"]))
        given = r.choice(GIVEN) + (r.choice(GIVEN) if r.random() < 0.6 else "")
        return r.choice(SURNAMES) + given

    def phone(self) -> str:
        return f"1390000{self.rng.randrange(10000):04d}"


# Reviewers used instead of a drawn name that a unit's other review level already has.
_SPARE_REVIEWERS = ("张立新", "李秀兰", "王建国")


# ---------------------------------------------------------------- post content

ROUTINE_TOPICS = {
    "town": [
        "人居环境整治",
        "草原防火巡查",
        "牧区安全生产检查",
        "惠民政策宣讲",
        "党员冬训",
        "便民服务",
        "嘎查村两委例会",
        "牲畜防疫",
        "边境地区平安建设",
        "乡村振兴项目推进",
    ],
    "zwfwj": [
        "政务服务“一网通办”",
        "“高效办成一件事”",
        "企业开办一窗通办",
        "帮办代办服务",
        "政务公开日活动",
        "12345热线办理情况",
        "周末延时服务",
    ],
    "gkb": ["政务公开工作"],
    "fgw": ["重点项目建设", "价格监测", "营商环境优化", "以工代赈项目"],
    "jyj": ["校园安全", "学前教育宣传月", "学生资助政策", "教师培训", "中小学招生", "劳动教育实践"],
    "gaj": ["冬季交通安全", "反电信网络诈骗宣传", "户籍办理提醒", "社区警务", "护边员培训"],
    "czj": ["预算执行情况", "惠农惠牧补贴发放", "政府采购公开", "财政资金监管"],
    "rsj": ["高校毕业生就业", "城乡居民养老保险", "职业技能培训", "根治欠薪", "春风行动招聘会"],
    "zrzyj": ["耕地保护", "不动产登记便民措施", "地质灾害防治", "国土空间规划公示"],
    "nmj": ["牲畜越冬度春", "饲草料储备", "动物防疫", "良种补贴", "农牧民技术培训"],
    "wlj": [
        "那达慕群众文化活动",
        "草原旅游季",
        "全民健身",
        "非遗展演",
        "文物保护宣传",
        "图书馆阅读活动",
    ],
    "scjgj": ["食品安全抽检", "消费维权提示", "特种设备安全", "计量检定", "校园食品安全"],
    "yjglj": ["森林草原防灭火", "安全生产大检查", "防汛抗旱", "应急科普", "白灾防范"],
    "ybj": ["医保参保缴费", "异地就医备案", "医保基金监管", "门诊慢特病待遇"],
    "tjj": ["统计数据发布", "经济普查", "统计法治宣传", "统计开放日"],
    "lcj": ["草原生态保护补奖", "森林草原防火", "植树造林", "野生动物保护", "草原禁牧休牧"],
    "mzj": ["社会救助", "养老服务", "退役军人优待", "婚姻登记", "殡葬改革"],
    "wjw": ["家庭医生签约", "流感防治", "健康科普", "妇幼健康", "爱国卫生运动"],
}
ROUTINE_FORMS = [
    "{u}开展{t}工作",
    "{u}召开{t}推进会",
    "{t}进行时",
    "{u}:{t}持续推进",
    "关于{t}的温馨提示",
    "{u}部署{t}",
    "{t}|{u}在行动",
    "{u}{t}工作简报",
]
POLICY_FORMS = ["一图读懂:{t}政策", "关于{t}的政策解读", "{u}关于{t}的通知", "{t}办事指南"]
MAJOR_FORMS = ["{u}召开全体干部大会", "{u}传达学习全会精神", "{u}主要负责同志调研{t}工作"]
EMERGENCY_FORMS = [
    "暴雪蓝色预警:注意出行安全",
    "大风降温预警",
    "森林草原火险橙色预警",
    "道路临时交通管制通告",
]
REPOST_SOURCES = [
    ("内蒙古自治区人民政府", "https://nmg.sample.invalid/"),
    ("呼伦贝尔市人民政府", "https://hlbe.sample.invalid/"),
    ("新华社", "https://xinhua.sample.invalid/"),
    ("中国政府网", "https://govcn.sample.invalid/"),
]
CATEGORY_WEIGHTS = (("routine", 86), ("policy", 8), ("major", 3), ("emergency", 3))
LEVELS = {"routine": 1, "policy": 2, "emergency": 2, "major": 3}  # policy/art-14.toml


class Writer:
    """Posts and events of accounts, as text, in the documented layout."""

    def __init__(self, rng: random.Random, people: People, posts_per_week: tuple[int, ...]) -> None:
        self.rng = rng
        self.people = people
        self.posts_per_week = posts_per_week
        cats = [c for c, _ in CATEGORY_WEIGHTS]
        weights = [w for _, w in CATEGORY_WEIGHTS]
        self.categories: list[str] = rng.choices(cats, weights=weights, k=4096)
        self.reviewers: dict[str, list[str]] = {}

    def reviewers_of(self, unit: Unit) -> list[str]:
        if unit.id not in self.reviewers:
            names = [self.people.name() for _ in range(3)]
            # Each level is signed by a different person (art-14 warns otherwise): a drawn
            # name that repeats is replaced without drawing again, so the rest of the
            # sample stays as it was.
            for i in range(1, 3):
                if names[i] in names[:i]:
                    names[i] = next(n for n in _SPARE_REVIEWERS if n not in names)
            self.reviewers[unit.id] = names
        return self.reviewers[unit.id]

    def post(self, account: Account, when: datetime, serial: int) -> Post:
        r = self.rng
        unit = account.unit
        category = self.categories[serial % 4096]
        topics = ROUTINE_TOPICS.get(unit.id.rsplit("-", 1)[-1]) or ROUTINE_TOPICS["town"]
        topic = r.choice(topics)
        forms = {
            "routine": ROUTINE_FORMS,
            "policy": POLICY_FORMS,
            "major": MAJOR_FORMS,
            "emergency": EMERGENCY_FORMS,
        }[category]
        title = r.choice(forms).format(u=unit.short, t=topic)
        prefix = PLATFORMS.get(account.platform, ("", ""))[1]
        url = f"{prefix}{r.getrandbits(48):012x}" if prefix else ""
        post = Post(when, title, category, url, self.chain(unit, when, LEVELS[category]))
        if serial % 97 == 13 and category == "routine" and account.platform == "wechat-official":
            source, link = r.choice(REPOST_SOURCES)
            # A repost keeps the original title (art. 17); the source is named in the post.
            post.title = (
                f"{source[:2] if source.startswith('内蒙古') else ''}{topic}工作取得积极进展"
            )
            post.repost = [
                ("source_unit", source),
                ("source_url", f"{link}{r.getrandbits(32):08x}.html"),
                ("original_title", post.title),
                ("source_named", True),
            ]
        elif serial % 89 == 7 and unit.id.endswith(("mzj", "rsj", "ybj")):
            post.title = f"{unit.short}{topic}名单公示"
            post.flags = [("personal_data", True), ("deidentified", True)]
        return post

    def chain(self, unit: Unit, when: datetime, levels: int) -> list[Review]:
        """A complete review chain: level 1 first, each level before the next, all before publication."""
        names = self.reviewers_of(unit)
        out = []
        at = when
        for level in range(levels, 0, -1):
            at -= timedelta(minutes=self.rng.randrange(10, 90))
            out.append(Review(level, at, names[level - 1]))
        out.reverse()
        return out

    def posts(self, account: Account, start: date, end: date) -> list[Post]:
        """Posts from start to end (inclusive): a few every week, at least one in each week."""
        r = self.rng
        out: list[Post] = []
        seen: set[tuple[datetime, str]] = set()
        monday = start - timedelta(days=start.weekday())
        serial = r.randrange(1 << 30)
        while monday <= end:
            first = max(start, monday)
            last = min(end, monday + timedelta(days=6))
            if monday not in account.skip_weeks and first <= last:
                span = (last - first).days + 1
                k = r.choice(self.posts_per_week)
                for _ in range(k):
                    day = first + timedelta(days=r.randrange(span))
                    minute = r.randrange(8 * 60, 21 * 60)
                    when = datetime(day.year, day.month, day.day, minute // 60, minute % 60)
                    serial += 1
                    post = self.post(account, when, serial)
                    # One post per publication time and title (a second one is bad input):
                    # a rare draw of both again moves to the next minute.
                    while (post.published, post.title) in seen:
                        post.published += timedelta(minutes=1)
                    seen.add((post.published, post.title))
                    out.append(post)
            monday += timedelta(days=7)
        return out


def render_posts(posts: list[Post]) -> str:
    parts: list[str] = []
    for post in posts:
        parts.append(
            f"[[post]]\npublished = {post.published:%Y-%m-%d %H:%M:%S}\n"
            f'title = {_quote(post.title)}\ncategory = "{post.category}"\n'
        )
        if post.url:
            parts.append(f'url = "{post.url}"\n')
        for key, value in post.flags:
            parts.append(f"{key} = {_value(value)}\n")
        if post.repost:
            parts.append(
                "repost = { " + ", ".join(f"{k} = {_value(v)}" for k, v in post.repost) + " }\n"
            )
        for review in post.reviews:
            parts.append(
                f"\n[[post.review]]\nlevel = {review.level}\nat = {review.at:%Y-%m-%d %H:%M:%S}\n"
                f"reviewer = {_quote(review.reviewer)}\n"
            )
        parts.append("\n")
    return "".join(parts)


def unit_text(unit: Unit, people: People) -> str:
    fields: list[tuple[str, TomlValue | None]] = [
        ("name", unit.name),
        ("type", unit.type),
        ("superior", unit.superior),
        ("supervising_office", "党政综合办公室" if unit.type != "department" else "办公室"),
        ("website_office", "党政综合办公室" if unit.type != "department" else "办公室"),
        ("newmedia_office", "党政综合办公室" if unit.type != "department" else "办公室"),
        ("sectors", list(unit.sectors)),
        ("public_functions", True),
        ("publishes_via", unit.publishes_via),
        ("internal_bodies", list(unit.internal_bodies)),
    ]
    return (
        toml_table(fields)
        + "\n# 联系人(不公开)\n[contact]\n"
        + toml_table([("name", people.name()), ("phone", people.phone())])
    )


def account_text(account: Account) -> str:
    fields: list[tuple[str, TomlValue | None]] = [
        ("unit", account.unit.id),
        ("name", account.name),
        ("platform", account.platform),
        ("certification", account.certification),
        ("opened", account.opened),
        ("purpose", account.purpose),
        ("operated_by", account.operated_by),
        ("collects", account.collects or None),
        ("needs", account.collects or None),
        ("login_holder", account.login_holder or None),
    ]
    return toml_table(fields)


# ---------------------------------------------------------------- shared lifecycle


def open_account(
    account: Account,
    people: People,
    rng: random.Random,
    until: date,
    handovers: int = 1,
    gap: tuple[date, date] | None = None,
) -> None:
    """Opening event and responsible people covering opened..(open-ended), with handovers.

    ``gap`` (first and last day without anyone responsible) plants an art-19 violation.
    """
    account.login_holder = people.name()
    account.event(
        f"{account.opened}-opening",
        [
            ("type", "opening"),
            ("date", account.opened),
            ("need", f"发布{account.unit.short}政务信息、提供便民服务"),
            ("plan", f"{account.unit.short}政务新媒体建设方案"),
        ],
    )
    span = (until - account.opened).days
    cuts: list[date] = []
    if span > 120:
        for day in sorted(
            account.opened + timedelta(days=rng.randrange(60, span - 30)) for _ in range(handovers)
        ):
            if not cuts or day > cuts[-1] + timedelta(days=30):
                cuts.append(day)
    periods: list[tuple[date, date | None]] = []
    start = account.opened
    for cut in cuts:
        periods.append((start, cut))
        start = cut + timedelta(days=1)
    periods.append((start, None))
    if gap is not None:
        first, last = gap
        split: list[tuple[date, date | None]] = []
        for begin, end in periods:
            if begin < first and (end is None or end > last):
                split += [(begin, first - timedelta(days=1)), (last + timedelta(days=1), end)]
            else:
                split.append((begin, end))
        periods = split
    for begin, end in periods:
        account.event(
            f"{begin}-responsible",
            [
                ("type", "responsible"),
                ("from", begin),
                ("to", end),
                ("person", people.name()),
                ("phone", people.phone()),
                ("role", "分管副职" if rng.random() < 0.5 else "办公室主任"),
            ],
        )


def contract(account: Account, contractor: str, periods: list[tuple[date, date]]) -> None:
    account.operated_by = "contractor"
    for start, end in periods:
        account.event(
            f"{start}-contract",
            [
                ("type", "contract"),
                ("contractor", contractor),
                ("start", start),
                ("end", end),
                ("rights_duties", True),
                ("confidentiality_agreement", start - timedelta(days=3)),
                ("qualification_review", start - timedelta(days=7)),
                ("amount", 48000),
            ],
        )


@dataclass
class Closure:
    """A closure's steps; None leaves a step out (that is how violations are planted)."""

    decided: date | None
    filed: date | None
    filed_with: str
    notice: tuple[date, date] | None
    closed: date
    reason: str = "整合至本单位微信公众号,集中力量办好主账号"
    ground: str | None = None  # written only when stated: "work" or "ordered"


def working_days_after(start: date, count: int) -> date:
    """The day on which a notice published on ``start`` completes ``count`` working days.

    The publication day is not counted (民法典 第二百零一条; policy/art-13.toml).
    """
    from engine.workdays import WorkCalendar

    return WorkCalendar().add_working_days(start, count)


def published_before(first: date) -> date:
    """The publication day of a notice whose first counted working day is ``first``:
    the last working day before it."""
    from engine.workdays import WorkCalendar

    calendar = WorkCalendar()
    day = first - timedelta(days=1)
    while not calendar.is_workday(day):
        day -= timedelta(days=1)
    return day


def close_account(account: Account, c: Closure, writer: Writer) -> None:
    if c.decided:
        account.event(
            f"{c.decided}-closure-decision",
            [
                ("type", "closure-decision"),
                ("date", c.decided),
                ("basis", "collective"),
                (
                    "document",
                    f"{account.unit.short}党组会议纪要〔{c.decided.year}〕{c.decided.month}号",
                ),
            ],
        )
    if c.filed:
        account.event(
            f"{c.filed}-filing",
            [
                ("type", "filing"),
                ("date", c.filed),
                ("with", c.filed_with),
                (
                    "reference",
                    f"{account.unit.short}关于关停{PLATFORM_NAMES[account.platform]}账号的备案报告",
                ),
            ],
        )
    if c.notice:
        start, end = c.notice
        account.event(
            f"{start}-notice",
            [
                ("type", "notice"),
                ("start", start),
                ("end", end),
                ("where", "本账号及旗人民政府门户网站"),
                ("url", f"https://banner.sample.invalid/gkgg/{start:%Y%m%d}.html"),
            ],
        )
        # Routine posts stop on the notice period's first counted working day.
        account.last_post = working_days_after(start, 1)
        when = datetime(start.year, start.month, start.day, 9, 0)
        account.extra_posts.append(
            Post(
                when,
                f"关于「{account.name}」{PLATFORM_NAMES[account.platform]}账号关停的公告",
                "routine",
                reviews=writer.chain(account.unit, when, 1),
            )
        )
    else:
        account.last_post = c.closed - timedelta(days=1)
    fields: list[tuple[str, TomlValue | None]] = [("type", "closure"), ("date", c.closed)]
    if c.ground is not None:
        fields.append(("ground", c.ground))
    account.event(f"{c.closed}-closure", [*fields, ("reason", c.reason)])


# ---------------------------------------------------------------- planted violations

Plant = Callable[[dict[str, Account], "Sample"], None]


@dataclass(frozen=True)
class Planted:
    check: str  # art-NN/check-id
    account: str  # the account whose record the violation points at
    where: str  # "account" (account.toml), "closure" (the closure event) or "posts:YYYY-MM"
    why: str  # 中文说明, copied to tests/sample/planted/
    apply: Plant


PLANTS: list[Planted] = []


def plant(check: str, account: str, where: str, why: str) -> Callable[[Plant], Plant]:
    """Register a planted violation; the function spoils the sample's (otherwise clean) records.

    Several entries may share the spoiling (one record, two checks): the second one's
    function is then a no-op that documents where the first does it.
    """

    def register(fn: Plant) -> Plant:
        PLANTS.append(Planted(check, account, where, why, fn))
        return fn

    return register


@dataclass
class Sample:
    units: dict[str, Unit]
    writer: Writer
    people: People
    rng: random.Random


def _dt(text: str) -> datetime:
    return datetime.fromisoformat(text)


def _post(
    s: Sample,
    account: Account,
    when: str,
    title: str,
    category: str = "routine",
    reviews: list[tuple[int, str]] | None = None,
) -> Post:
    names = s.writer.reviewers_of(account.unit)
    at = _dt(when)
    chain = (
        s.writer.chain(account.unit, at, LEVELS[category])
        if reviews is None
        else [Review(level, _dt(t), names[level - 1]) for level, t in reviews]
    )
    post = Post(at, title, category, reviews=chain)
    account.extra_posts.append(post)
    return post


# The planted accounts are created in sample_accounts(); these functions only spoil them.


# ---------------------------------------------------------------- the sample


def sample_accounts(s: Sample) -> dict[str, Account]:
    """The sample banner's accounts: (unit, platform, opened offset in days, options)."""
    rng = s.rng
    u = s.units
    plan: list[tuple[str, str, str, dict[str, object]]] = []
    for uid, _name, _kind in TOWNSHIPS:
        plan.append((f"{uid}-wx", uid, "wechat-official", {}))
    plan += [
        ("aletan-dy", "aletan", "douyin", {}),
        ("hulun-sph", "hulun", "wechat-channels", {}),
        ("zwfwj-wx", "zwfwj", "wechat-official", {}),
        ("zwfwj-wb", "zwfwj", "weibo", {}),
        ("zwfwj-xcx", "zwfwj", "mini-program", {"name": "新右旗政务服务"}),
        ("fgw-wx", "fgw", "wechat-official", {}),
        ("jyj-wx", "jyj", "wechat-official", {}),
        ("jyj-dy", "jyj", "douyin", {}),
        ("gaj-wx", "gaj", "wechat-official", {}),
        ("gaj-wb", "gaj", "weibo", {}),
        ("gaj-dy", "gaj", "douyin", {}),
        ("czj-wx", "czj", "wechat-official", {}),
        ("czj-wb", "czj", "weibo", {}),
        ("rsj-wx", "rsj", "wechat-official", {}),
        ("rsj-dy", "rsj", "douyin", {}),
        ("zrzyj-wx", "zrzyj", "wechat-official", {}),
        ("zrzyj-wb", "zrzyj", "weibo", {}),
        ("nmj-wx", "nmj", "wechat-official", {}),
        ("nmj-tt", "nmj", "toutiao", {}),
        ("nmj-wb", "nmj", "weibo", {}),
        ("wlj-wx", "wlj", "wechat-official", {}),
        ("wlj-dy", "wlj", "douyin", {}),
        ("wlj-sph", "wlj", "wechat-channels", {}),
        ("wlj-tt", "wlj", "toutiao", {}),
        ("scjgj-wx", "scjgj", "wechat-official", {}),
        ("yjglj-wx", "yjglj", "wechat-official", {}),
        ("ybj-wx", "ybj", "wechat-official", {}),
        ("ybj-wb", "ybj", "weibo", {}),
        ("tjj-wx", "tjj", "wechat-official", {}),
        ("tjj-tt", "tjj", "toutiao", {}),
        ("lcj-wx", "lcj", "wechat-official", {}),
        ("lcj-wb", "lcj", "weibo", {}),
        ("mzj-wx", "mzj", "wechat-official", {}),
        ("mzj-wb", "mzj", "weibo", {}),
        ("wjw-wx", "wjw", "wechat-official", {}),
    ]
    accounts: dict[str, Account] = {}
    for aid, uid, platform, opts in plan:
        opened = SAMPLE_START + timedelta(days=rng.randrange(0, 42))
        accounts[aid] = Account(aid, u[uid], platform, opened, name=str(opts.get("name", "")))
    return accounts


def lifecycle(s: Sample, a: dict[str, Account]) -> None:
    """Everything done properly: people, contracts, three closures counted over holidays."""
    gaps = {"dalai-wx": (date(2025, 7, 1), date(2025, 7, 14))}
    for account in a.values():
        gap = gaps.get(account.id)
        handovers = 0 if gap else s.rng.choice([0, 1, 1, 2])
        open_account(account, s.people, s.rng, SAMPLE_END, handovers=handovers, gap=gap)
    contractor = "呼伦贝尔样例文化传媒有限公司"
    contract(
        a["wlj-dy"],
        contractor,
        [(date(2024, 9, 1), date(2025, 8, 31)), (date(2025, 9, 1), date(2026, 12, 31))],
    )
    contract(a["zwfwj-xcx"], "内蒙古样例信息技术有限公司", [(date(2024, 9, 1), date(2026, 12, 31))])
    a["zwfwj-xcx"].collects = ["姓名", "手机号", "身份证号"]
    # Proper closures: 15 working days of notice counted over a holiday.
    proper = [
        (
            "rsj-dy",
            date(2025, 1, 6),
            "抖音号与本单位微信公众号功能相近、利用率低,予以整合关停",
        ),  # over Spring Festival 2025
        (
            "nmj-tt",
            date(2025, 9, 15),
            "头条号用户关注度和利用率低,予以关停",
        ),  # over National Day 2025
        (
            "lcj-wb",
            date(2026, 2, 2),
            "微博账号用户关注度和利用率低,予以关停",
        ),  # over Spring Festival 2026
    ]
    for aid, decided, reason in proper:
        filed = decided + timedelta(days=2)
        start = published_before(decided + timedelta(days=7))  # counted from the next Monday
        end = working_days_after(start, 15)
        close_account(
            a[aid],
            Closure(decided, filed, SUPERVISOR, (start, end), end + timedelta(days=1), reason),
            s.writer,
        )


def plant_all(s: Sample, a: dict[str, Account]) -> None:
    for planted in PLANTS:
        planted.apply(a, s)


# art-11 ---------------------------------------------------------------


@plant(
    "art-11/duplicate-platform",
    "yjglj-wx2",
    "account",
    "旗应急管理局 2025 年又开设了第二个微信公众号「防灾减灾」,与原公众号同时运行。",
)
def _p_duplicate(a: dict[str, Account], s: Sample) -> None:
    a["yjglj-wx2"] = Account(
        "yjglj-wx2",
        s.units["yjglj"],
        "wechat-official",
        date(2025, 4, 7),
        name="新巴尔虎右旗应急管理局防灾减灾",
    )


@plant(
    "art-11/event-account",
    "wlj-ks",
    "account",
    '为那达慕大会单独开设的快手账号(purpose = "event")。',
)
def _p_event(a: dict[str, Account], s: Sample) -> None:
    a["wlj-ks"] = Account(
        "wlj-ks",
        s.units["wlj"],
        "kuaishou",
        date(2025, 6, 2),
        name="新巴尔虎右旗那达慕大会",
        purpose="event",
    )


@plant(
    "art-11/internal-body-name",
    "gaj-sph",
    "account",
    "以旗公安局内设机构「交通管理大队」名义开设的微信视频号。",
)
def _p_internal(a: dict[str, Account], s: Sample) -> None:
    a["gaj-sph"] = Account(
        "gaj-sph",
        s.units["gaj"],
        "wechat-channels",
        date(2025, 3, 3),
        name="新巴尔虎右旗公安局交通管理大队",
    )


# art-12 ---------------------------------------------------------------


@plant(
    "art-12/unapproved-platform",
    "wlj-xhs",
    "account",
    "旗文化旅游体育局在不在核准名单内的平台(小红书)上开设账号。",
)
def _p_platform(a: dict[str, Account], s: Sample) -> None:
    a["wlj-xhs"] = Account("wlj-xhs", s.units["wlj"], "xiaohongshu", date(2025, 5, 12))


@plant(
    "art-12/certification-missing-unit",
    "jyj-dy",
    "account",
    "旗教育局抖音号的认证信息只写了简称「新右旗教育局」,没有主办单位全称。",
)
def _p_cert(a: dict[str, Account], s: Sample) -> None:
    a["jyj-dy"].certification = "新右旗教育局官方账号"


# art-13 ---------------------------------------------------------------


@plant(
    "art-13/no-decision",
    "czj-wb",
    "closure",
    "旗财政局微博关停前没有集体研究或主要领导同意的记录。",
)
def _p_no_decision(a: dict[str, Account], s: Sample) -> None:
    start = published_before(date(2025, 4, 14))
    close_account(
        a["czj-wb"],
        Closure(
            None,
            date(2025, 4, 10),
            SUPERVISOR,
            (start, working_days_after(start, 16)),
            date(2025, 5, 12),
        ),
        s.writer,
    )


@plant("art-13/no-filing", "zrzyj-wb", "closure", "旗自然资源局微博关停前没有报旗政务服务局备案。")
def _p_no_filing(a: dict[str, Account], s: Sample) -> None:
    start = published_before(date(2025, 6, 9))
    end = working_days_after(start, 15)
    close_account(
        a["zrzyj-wb"],
        Closure(date(2025, 6, 3), None, SUPERVISOR, (start, end), end + timedelta(days=1)),
        s.writer,
    )


@plant(
    "art-13/filed-elsewhere",
    "mzj-wb",
    "closure",
    '旗民政和退役军人事务局微博被责令关闭后,关停记录写明是本单位决定关停(ground = "work"),按第十三条检查:'
    "关停备案报给了本单位(mzj),不是主管单位旗政务服务局。",
)
def _p_filed_elsewhere(a: dict[str, Account], s: Sample) -> None:
    start = published_before(date(2025, 11, 3))
    end = working_days_after(start, 15)
    close_account(
        a["mzj-wb"],
        # Ordered closed on 10-22 (bench/sample_extra.py), the unit states it closed the
        # account for its own reasons (ground = "work"), so art. 13 judges the procedure.
        Closure(
            date(2025, 10, 27),
            date(2025, 10, 29),
            "mzj",
            (start, end),
            end + timedelta(days=1),
            ground="work",
        ),
        s.writer,
    )


@plant("art-13/no-notice", "tjj-tt", "closure", "旗统计局头条号关停前没有向社会公告。")
def _p_no_notice(a: dict[str, Account], s: Sample) -> None:
    close_account(
        a["tjj-tt"],
        Closure(date(2026, 3, 16), date(2026, 3, 18), SUPERVISOR, None, date(2026, 3, 25)),
        s.writer,
    )


@plant(
    "art-13/out-of-order",
    "ybj-wb",
    "closure",
    "旗医疗保障局微博 2026-05-09 先发了关停公告,5 月 13 日才经集体研究决定关停:关停决定应在公告之前。",
)
def _p_out_of_order(a: dict[str, Account], s: Sample) -> None:
    start = published_before(date(2026, 5, 11))  # Saturday 05-09, a make-up working day
    end = working_days_after(start, 15)
    close_account(
        a["ybj-wb"],
        Closure(
            date(2026, 5, 13), date(2026, 5, 18), SUPERVISOR, (start, end), end + timedelta(days=1)
        ),
        s.writer,
    )


@plant(
    "art-13/notice-too-short",
    "nmj-wb",
    "closure",
    "旗农牧局微博的关停公告 2025-09-25 发布、至 2025-10-16:自发布次日起按周一至周五数是 15 天,"
    "但跨国庆中秋假期,实际只有 11 个工作日。",
)
def _p_notice_short(a: dict[str, Account], s: Sample) -> None:
    close_account(
        a["nmj-wb"],
        Closure(
            date(2025, 9, 15),
            date(2025, 9, 19),
            SUPERVISOR,
            (date(2025, 9, 25), date(2025, 10, 16)),
            date(2025, 10, 17),
        ),
        s.writer,
    )


# art-14 ---------------------------------------------------------------


@plant(
    "art-14/review-missing",
    "jyj-wx",
    "posts:2025-03",
    "旗教育局公众号一条政策解读只经过一级审核(应为两级)。",
)
def _p_review_one_level(a: dict[str, Account], s: Sample) -> None:
    _post(
        s,
        a["jyj-wx"],
        "2025-03-12 16:20:00",
        "一图读懂:2025年学生资助政策",
        "policy",
        reviews=[(1, "2025-03-12 15:40:00")],
    )


@plant(
    "art-14/review-missing",
    "hulun-wx",
    "posts:2025-11",
    "呼伦镇公众号一条日常信息没有任何审核记录。",
)
def _p_review_none(a: dict[str, Account], s: Sample) -> None:
    _post(
        s, a["hulun-wx"], "2025-11-18 10:05:00", "呼伦镇开展冬季草原防火巡查", "routine", reviews=[]
    )


@plant(
    "art-14/review-missing",
    "gaj-wx",
    "posts:2026-01",
    "旗公安局公众号一条信息发布后才补录审核(同时违反先审后发)。",
)
def _p_review_backfilled(a: dict[str, Account], s: Sample) -> None:
    _post(
        s,
        a["gaj-wx"],
        "2026-01-09 18:30:00",
        "冬季交通安全提示:雪天路滑,减速慢行",
        "routine",
        reviews=[(1, "2026-01-10 09:15:00")],
    )


@plant(
    "art-14/review-after-publication",
    "gaj-wx",
    "posts:2026-01",
    "同上一条:旗公安局公众号唯一的审核晚于发布时间。",
)
def _p_review_backfilled_late(a: dict[str, Account], s: Sample) -> None:
    pass  # the same post as _p_review_backfilled


@plant(
    "art-14/review-after-publication",
    "wjw-wx",
    "posts:2026-06",
    "旗卫生健康委员会公众号一条政策解读发布前只做了第一级审核,第二级审核在发布后才补做:事后审核顶替了发布前应有的一级。",
)
def _p_review_late_stands_in(a: dict[str, Account], s: Sample) -> None:
    _post(
        s,
        a["wjw-wx"],
        "2026-06-03 11:00:00",
        "政策解读:夏季食品安全监管新规要点",
        "policy",
        reviews=[(1, "2026-06-03 10:20:00"), (2, "2026-06-03 14:45:00")],
    )


@plant(
    "art-14/review-missing",
    "wjw-wx",
    "posts:2026-06",
    "同上一条:该政策解读发布前只完成一级审核(应为两级)。",
)
def _p_review_late_stands_in_missing(a: dict[str, Account], s: Sample) -> None:
    pass  # the same post as _p_review_late_stands_in


@plant(
    "art-14/same-reviewer",
    "jyj-wx",
    "posts:2026-09",
    "旗教育局公众号一条重要信息的三级审核中,第二级和第三级由同一人在一分钟内先后签字(提醒,不阻止提交)。",
)
def _p_review_same_person(a: dict[str, Account], s: Sample) -> None:
    names = s.writer.reviewers_of(a["jyj-wx"].unit)
    at = _dt("2026-09-01 10:00:00")
    chain = [
        Review(1, _dt("2026-09-01 08:40:00"), names[0]),
        Review(2, _dt("2026-09-01 09:20:00"), names[1]),
        Review(3, _dt("2026-09-01 09:21:00"), names[1]),
    ]
    a["jyj-wx"].extra_posts.append(Post(at, "2026年秋季学期开学工作安排", "major", reviews=chain))


# art-15 ---------------------------------------------------------------


@plant(
    "art-15/weekly-update",
    "keerlun-wx",
    "account",
    "克尔伦苏木公众号 2026 年春节假期那一周和春节后一周连续两周没有发布(2026-02-16 至 03-01),"
    "连续的缺更周合并报告为一处。",
)
def _p_weekly_1(a: dict[str, Account], s: Sample) -> None:
    a["keerlun-wx"].skip_weeks |= {date(2026, 2, 16), date(2026, 2, 23)}


@plant(
    "art-15/weekly-update",
    "aoerjin-wx",
    "account",
    "敖尔金牧场公众号 2025-08-11 至 08-17 一周没有发布。",
)
def _p_weekly_3(a: dict[str, Account], s: Sample) -> None:
    a["aoerjin-wx"].skip_weeks.add(date(2025, 8, 11))


@plant(
    "art-15/commercial-ad",
    "wlj-wx",
    "posts:2025-07",
    "旗文化旅游体育局公众号一条推文末尾链接了旅行社的商业广告。",
)
def _p_ad(a: dict[str, Account], s: Sample) -> None:
    post = _post(
        s, a["wlj-wx"], "2025-07-18 20:00:00", "草原旅游季|跟着那达慕游新右旗(文末有优惠线路)"
    )
    post.flags.append(("ad", True))


@plant(
    "art-15/personal-opinion",
    "beier-wx",
    "posts:2026-04",
    "贝尔苏木公众号发布了工作人员个人对草场纠纷的看法和情绪。",
)
def _p_opinion(a: dict[str, Account], s: Sample) -> None:
    post = _post(s, a["beier-wx"], "2026-04-21 21:10:00", "小编有话说:草场纠纷,我真的看不下去了")
    post.flags.append(("personal_opinion", True))


# art-19 ---------------------------------------------------------------


@plant(
    "art-19/no-responsible-person",
    "dalai-wx",
    "account",
    "达赉苏木公众号负责人 2025-06-30 离任,继任者 2025-07-15 才到任,中间 14 天无人负责。",
)
def _p_gap(a: dict[str, Account], s: Sample) -> None:
    pass  # the gap is passed to open_account() in lifecycle()


def planted_entries(accounts: dict[str, Account]) -> list[tuple[str, str, str]]:
    """(check id, path, why) of every planted violation."""
    out = []
    for p in PLANTS:
        check, aid, where, why = p.check, p.account, p.where, p.why
        base = f"records/accounts/{aid}"
        if where == "account":
            path = f"{base}/account.toml"
        elif where == "closure":
            name = next(n for n, _ in accounts[aid].events if n.endswith("-closure.toml"))
            path = f"{base}/events/{name}"
        else:
            path = f"{base}/posts/{where.split(':', 1)[1]}.toml"
        out.append((check, path, why))
    return out


# ---------------------------------------------------------------- writing


def records_dir(out: Path) -> Path:
    return out if out.name == "records" else out / "records"


def _reset(records: Path) -> None:
    for sub in ("units", "accounts", "supervision"):
        target = records / sub
        if target.exists():
            shutil.rmtree(target)
    records.mkdir(parents=True, exist_ok=True)


EVIDENCE = [
    ("security-system", "政务新媒体安全管理制度"),
    ("confidentiality-review", "政务新媒体信息发布保密审查制度"),
    ("emergency-plan", "政务新媒体突发事件应急预案"),
    ("data-protection", "政务新媒体用户信息保护制度"),
]


def evidence_files(unit: Unit, rng: random.Random, start: date, end: date) -> list[tuple[str, str]]:
    """The systems and plans of article 20 (and 21), adopted before the first account, reviewed yearly."""
    out = []
    adopted = start - timedelta(days=rng.randrange(10, 40))
    for number, (kind, title) in enumerate(EVIDENCE, start=1):
        fields: list[tuple[str, TomlValue | None]] = [
            ("type", kind),
            ("title", f"{unit.name}{title}"),
            ("adopted", adopted),
            ("reviewed", end - timedelta(days=rng.randrange(30, 300))),
            ("document", f"{unit.short}发〔{adopted.year}〕{number + 10}号"),
        ]
        out.append((f"{kind}.toml", toml_table(fields)))
    return out


MESSAGE_TOPICS = ["咨询办理时间", "咨询所需材料", "反映道路积雪未清理", "咨询补贴发放进度", "建议增加线上办理渠道",
                  "咨询政策适用范围", "反映办事排队时间长"]  # fmt: skip
MESSAGE_PLATFORMS = ("wechat-official", "weibo", "douyin")


def messages(account: Account, rng: random.Random, people: People, end: date) -> dict[str, str]:
    """Public messages per month, each answered within two days (art. 18); some accounts get none."""
    if account.platform not in MESSAGE_PLATFORMS:
        return {}
    out: dict[str, list[str]] = {}
    day = account.opened
    last = min(end, account.last_post)
    while day <= last:
        day += timedelta(days=rng.randrange(5, 25))
        if day > last:
            break
        minute = rng.randrange(7 * 60, 23 * 60)
        received = datetime(day.year, day.month, day.day, minute // 60, minute % 60)
        answered = received + timedelta(minutes=rng.randrange(30, 36 * 60))
        topic = rng.choice(MESSAGE_TOPICS)
        out.setdefault(f"{day:%Y-%m}", []).append(
            "[[message]]\n"
            + toml_table(
                [
                    ("received", received),
                    ("topic", topic),
                    ("channel", "留言评论"),
                    ("answered", answered),
                    ("answer", "您好,您反映的问题已转相关股室办理,感谢您的关注。"),
                    ("asker", people.name()),
                    ("contact", people.phone()),
                ]
            )
        )
    return {month: "\n".join(items) for month, items in out.items()}


def write_banner(
    records: Path,
    units: Iterable[Unit],
    accounts: list[Account],
    writer: Writer,
    end: date,
    with_messages: bool = False,
) -> tuple[int, int]:
    """Write every unit and account; return (files, posts)."""
    files = posts_written = 0
    side = random.Random(SEED + 3)  # evidence and messages do not disturb the posts' sequence
    hosts = {a.unit.id for a in accounts}
    first = min(a.opened for a in accounts)
    for unit in units:
        folder = records / "units" / unit.id
        folder.mkdir(parents=True)
        (folder / "unit.toml").write_text(unit_text(unit, writer.people), "utf-8")
        files += 1
        if unit.id in hosts:
            (folder / "evidence").mkdir()
            for name, text in evidence_files(unit, side, first, end):
                (folder / "evidence" / name).write_text(text, "utf-8")
                files += 1
    for account in accounts:
        folder = records / "accounts" / account.id
        (folder / "events").mkdir(parents=True)
        (folder / "posts").mkdir()
        (folder / "account.toml").write_text(account_text(account), "utf-8")
        files += 1
        for name, text in account.events:
            target = folder / "events" / name
            assert not target.exists(), target
            target.write_text(text, "utf-8")
            files += 1
        posts = writer.posts(account, account.opened, min(end, account.last_post))
        posts += account.extra_posts
        posts.sort(key=lambda p: p.published)
        months: dict[str, list[Post]] = {}
        for post in posts:
            months.setdefault(f"{post.published:%Y-%m}", []).append(post)
        for month, items in months.items():
            (folder / "posts" / f"{month}.toml").write_text(render_posts(items), "utf-8")
            files += 1
        posts_written += len(posts)
        if with_messages:
            for month, text in messages(account, side, writer.people, end).items():
                (folder / "messages").mkdir(exist_ok=True)
                (folder / "messages" / f"{month}.toml").write_text(text, "utf-8")
                files += 1
    return files, posts_written


def write_supervision(records: Path) -> int:
    """The supervisor's records (art. 23, 24): what followed 克尔伦苏木's silent Spring Festival."""
    folder = records / "supervision"
    folder.mkdir()
    items = {
        "2026-03-05-rectification-keerlun.toml": [
            ("type", "rectification-order"), ("reference", "新右政服函〔2026〕8号"), ("unit", "keerlun"),
            ("account", "keerlun-wx"), ("issued", date(2026, 3, 5)), ("deadline", date(2026, 3, 20)),
            ("closed", date(2026, 3, 13)), ("issue", "春节期间连续两周未更新,未落实每周更新要求"),
            ("issued_by", "zwfwj"),
        ],
        "2026-03-05-interview-keerlun.toml": [
            ("type", "sanction"), ("measure", "interview"), ("account", "keerlun-wx"),
            ("date", date(2026, 3, 5)), ("reason", "春节期间连续两周未更新"), ("issued_by", "zwfwj"),
        ],
    }  # fmt: skip
    for name, fields in items.items():
        (folder / name).write_text(toml_table(fields), "utf-8")  # type: ignore[arg-type]
    return len(items)


def build_sample(out: Path) -> tuple[int, int, list[tuple[str, str, str]]]:
    rng = random.Random(SEED)
    people = People(random.Random(SEED + 1))
    writer = Writer(rng, people, (2, 3, 3, 4))
    units = {u.id: u for u in banner_units()}
    s = Sample(units, writer, people, rng)
    accounts = sample_accounts(s)
    plant_all(s, accounts)  # before lifecycle: plants set skipped weeks and certification
    lifecycle(s, accounts)
    records = records_dir(out)
    _reset(records)
    files, posts = write_banner(
        records, units.values(), list(accounts.values()), writer, SAMPLE_END, with_messages=True
    )
    files += write_supervision(records)
    return files, posts, planted_entries(accounts)


def extra_banners(count: int) -> list[tuple[str, str]]:
    """Synthetic banners beyond the league's eight (id prefix, name), for 10x workloads."""
    return [(f"p{i:02d}", f"示例第{i}旗") for i in range(1, count + 1)]


def reviewer_names(count: int, rng: random.Random) -> list[str]:
    """``count`` distinct synthetic names (surname and one or two given characters)."""
    names = [s + g for s in SURNAMES for g in GIVEN]
    names += [s + a + b for s in SURNAMES for a in GIVEN for b in GIVEN]
    if count > len(names):
        raise SystemExit(f"at most {len(names)} distinct reviewer names")
    rng.shuffle(names)
    return names[:count]


class DirtyWriter(Writer):
    """Posts with many distinct reviewers and planted art-14 and art-15 violations.

    ``skip`` (set on each account before its posts are written) are Mondays of weeks
    without any post, never two adjacent ones: art-15 merges consecutive empty weeks
    into one violation. ``missing[account]`` posts lose review levels: each is one
    art-14 review-missing (no review, or the first or the highest level left out).
    """

    def __init__(self, rng: random.Random, people: People, posts_per_week: tuple[int, ...]) -> None:
        super().__init__(rng, people, posts_per_week)
        self.pool: dict[str, list[str]] = {}  # unit id -> its reviewers
        self.missing: dict[str, int] = {}  # account id -> posts to spoil

    def chain(self, unit: Unit, when: datetime, levels: int) -> list[Review]:
        names = self.rng.sample(self.pool[unit.id], levels)  # a different person per level
        out = []
        at = when
        for level in range(levels, 0, -1):
            at -= timedelta(minutes=self.rng.randrange(10, 90))
            out.append(Review(level, at, names[level - 1]))
        out.reverse()
        return out

    def posts(self, account: Account, start: date, end: date) -> list[Post]:
        out = super().posts(account, start, end)
        quota = self.missing.get(account.id, 0)
        if quota > len(out):
            raise SystemExit(f"{account.id}: {quota} review violations, only {len(out)} posts")
        for post in self.rng.sample(out, quota):
            how = self.rng.randrange(3)
            if how == 0 or len(post.reviews) == 1:
                post.reviews = []  # no review at all
            elif how == 1:
                post.reviews = post.reviews[1:]  # level 1 left out: the rest does not count
            else:
                post.reviews = post.reviews[:-1]  # the highest required level left out
        return out


def _spread(total: int, parts: int) -> list[int]:
    return [total // parts + (1 if i < total % parts else 0) for i in range(parts)]


def plan_weeks(account: Account, count: int, rng: random.Random, as_of: date) -> set[date]:
    """``count`` Mondays of whole weeks the check judges, no two adjacent (policy/art-15.toml:
    only whole weeks inside the account's life ending before the check date are judged,
    and consecutive empty weeks are one violation)."""
    first = account.opened + timedelta(days=(7 - account.opened.weekday()) % 7 + 7)
    last_sunday = as_of - timedelta(days=as_of.weekday() + 1)  # the last judged Sunday
    last = last_sunday - timedelta(days=6 + 7)  # a margin of one week
    mondays = []
    day = first
    while day <= last:
        mondays.append(day)
        day += timedelta(days=14)  # every other week: never adjacent
    if count > len(mondays):
        raise SystemExit(f"{account.id}: {count} empty weeks, only {len(mondays)} possible")
    return set(rng.sample(mondays, count))


# The check date of ``check HEAD`` on the large repository: its commit's day (git_commit).
LARGE_AS_OF = date(2026, 11, 23)


def build_large(
    out: Path,
    n_accounts: int,
    years: int,
    violations: int = 0,
    reviewers: int = 0,
) -> tuple[int, int]:
    """The large repository; with ``violations`` > 0 the "many violations" shape: that
    many planted art-15 weekly-update (half) and art-14 review-missing (the rest)
    violations, and ``reviewers`` distinct reviewer names (3 per unit if 0)."""
    rng = random.Random(SEED + n_accounts * 1000 + years)
    people = People(random.Random(SEED + 2))
    dirty = bool(violations or reviewers)
    # The many-violations shape posts a little more in the weeks it posts, so that its
    # total (~430,000 posts at 300 x 5) matches the independent workload's despite the
    # empty weeks.
    per_week = (5, 6, 6, 7, 7, 7) if dirty else (4, 5, 6, 6, 7, 7)
    writer = (DirtyWriter if dirty else Writer)(rng, people, per_week)
    units: list[Unit] = []
    league = LEAGUE
    per_banner = len(PLATFORMS_LARGE) * (len(DEPARTMENTS) - 1)
    if (
        n_accounts
        > len(PLATFORMS_LARGE) * (len(TOWNSHIPS) + len(DEPARTMENTS) - 1)
        + (len(LEAGUE) - 1) * per_banner
    ):
        league = LEAGUE + extra_banners(-(-n_accounts // per_banner))
    for prefix, name in league:
        units += banner_units(prefix, name, townships=not prefix)
    start = SAMPLE_END - timedelta(days=365 * years)
    accounts: list[Account] = []
    publishing = [u for u in units if u.publishes_via is None]
    publishing.sort(
        key=lambda u: u.id != SUPERVISOR
    )  # the supervisor first: it must have an account
    for platform in PLATFORMS_LARGE:
        for unit in publishing:
            if len(accounts) == n_accounts:
                break
            aid = f"{unit.id}-{PLATFORMS[platform][0]}"
            opened = start + timedelta(days=rng.randrange(0, 28))
            accounts.append(Account(aid, unit, platform, opened))
    if len(accounts) < n_accounts:
        raise SystemExit(f"at most {len(accounts)} accounts")
    used = {a.unit.id for a in accounts}
    ids = {a.id for a in accounts}
    units = [u for u in units if u.id in used or u.publishes_via in ids]
    for account in accounts:
        open_account(account, people, rng, SAMPLE_END, handovers=rng.choice([1, 2, 3]))
    if isinstance(writer, DirtyWriter):
        plan = random.Random(SEED + 5)
        names = reviewer_names(max(reviewers, 3 * len(used)), plan)
        hosts = sorted(used)
        pool = {uid: names[i :: len(hosts)] for i, uid in enumerate(hosts)}
        weekly = violations // 2
        for account, count in zip(accounts, _spread(weekly, len(accounts)), strict=True):
            account.skip_weeks = plan_weeks(account, count, plan, LARGE_AS_OF)
        missing = dict(
            zip((a.id for a in accounts), _spread(violations - weekly, len(accounts)), strict=True)
        )
        writer.pool, writer.missing = pool, missing
    records = records_dir(out)
    _reset(records)
    return write_banner(records, units, accounts, writer, SAMPLE_END)


PLATFORMS_LARGE = ["wechat-official", "douyin", "weibo", "toutiao", "wechat-channels", "kuaishou"]


def write_manifest(out: Path, args: argparse.Namespace, files: int, posts: int) -> Path:
    """planted.json beside records/: what ``govmedia check HEAD`` must find."""
    weekly = args.violations // 2
    manifest = {
        "generator": "bench/synth.py large",
        "accounts": args.accounts,
        "years": args.years,
        "as_of": LARGE_AS_OF.isoformat(),
        "files": files,
        "posts": posts,
        "reviewers": args.reviewers,
        "violations": {
            "art-14/review-missing": args.violations - weekly,
            "art-15/weekly-update": weekly,
        },
        "total": args.violations,
    }
    target = records_dir(out).parent / "planted.json"
    target.write_text(json.dumps(manifest, ensure_ascii=False, indent=2) + "\n", "utf-8")
    return target


def git_commit(root: Path) -> None:
    env = {
        **os.environ,
        "GIT_AUTHOR_NAME": "synth",
        "GIT_AUTHOR_EMAIL": "synth@example.invalid",
        "GIT_COMMITTER_NAME": "synth",
        "GIT_COMMITTER_EMAIL": "synth@example.invalid",
        "GIT_AUTHOR_DATE": "2026-11-23T09:00:00+08:00",
        "GIT_COMMITTER_DATE": "2026-11-23T09:00:00+08:00",
    }
    if not (root / ".git").exists():
        subprocess.run(["git", "init", "-q", "-b", "main", str(root)], check=True)
    subprocess.run(["git", "-C", str(root), "add", "-A", "records"], check=True, env=env)
    subprocess.run(
        ["git", "-C", str(root), "commit", "-q", "-m", "Synthetic records"], check=True, env=env
    )


def write_planted(folder: Path, entries: list[tuple[str, str, str]]) -> None:
    """tests/sample/planted/art-NN.toml, one file per article."""
    by_article: dict[str, list[tuple[str, str, str]]] = {}
    for entry in entries:
        by_article.setdefault(entry[0].split("/")[0], []).append(entry)
    folder.mkdir(parents=True, exist_ok=True)
    for article, items in sorted(by_article.items()):
        text = (
            f"# Planted violations of {article} in the sample banner (written by bench/synth.py).\n"
        )
        for check, path, why in items:
            text += f"\n[[planted]]\ncheck = {_quote(check)}\npath = {_quote(path)}\nwhy = {_quote(why)}\n"
        (folder / f"{article}.toml").write_text(text, "utf-8")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    sub = parser.add_subparsers(dest="scale", required=True)
    p_sample = sub.add_parser("sample", help="the bundled sample banner with planted violations")
    p_sample.add_argument("--out", required=True, help="records/ directory, or a repository root")
    p_sample.add_argument(
        "--planted", help="also write the planted list to this folder (tests/sample/planted)"
    )
    p_sample.add_argument(
        "--git", action="store_true", help="git init (if needed) and commit the records"
    )
    p_large = sub.add_parser("large", help="a large repository for benchmarks")
    p_large.add_argument("--out", required=True, help="records/ directory, or a repository root")
    p_large.add_argument("--accounts", type=int, default=300)
    p_large.add_argument("--years", type=int, default=5)
    p_large.add_argument(
        "--violations",
        type=int,
        default=0,
        help="plant this many violations (half art-15 weekly-update, half art-14 "
        "review-missing) and write planted.json beside records/",
    )
    p_large.add_argument(
        "--reviewers", type=int, default=0, help="distinct reviewer names (default: 3 a unit)"
    )
    p_large.add_argument(
        "--git", action="store_true", help="git init (if needed) and commit the records"
    )
    args = parser.parse_args(argv)
    out = Path(args.out)
    began = time.perf_counter()
    if args.scale == "sample":
        sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
        files, posts, entries = build_sample(out)
        if args.planted:
            write_planted(Path(args.planted), entries)
    else:
        files, posts = build_large(out, args.accounts, args.years, args.violations, args.reviewers)
        if args.violations:
            write_manifest(out, args, files, posts)
    if args.git:
        git_commit(records_dir(out).parent)
    print(
        f"{args.scale}: {files} files, {posts} posts in {time.perf_counter() - began:.1f} s "
        f"-> {records_dir(out)}",
        file=sys.stderr,
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
