"""A small records repository with planted hostile and private strings, and a site built from it.

Shared by tests/test_site_build.py and tests/test_site_browser.py. The site is
built by the real ``govmedia site`` command in a subprocess (MkDocs and the
material theme may emit DeprecationWarnings in-process, which pytest turns
into errors).
"""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from signing import key, public

ROOT = Path(__file__).resolve().parent.parent
AS_OF = "2026-03-20"

SCRIPT = "<script>alert(1)</script>"
MARKDOWN_BOLD = "**粗体标题**"
MARKDOWN_LINK = "[点我](javascript:alert(2))"
# Values in fields the schema marks private: none may appear anywhere in the built site.
PRIVATE = {
    "person": "张秘密",
    "phone": "13800138000",
    "contact_name": "李隐私",
    "contact_phone": "0470-7654321",
    "approver": "王批准人",
    "login_holder": "赵持有人",
    "amount": "98765.43",
    "reviewer": "钱审核员",
    "signer": "孙签名人",
    "signer_email": "signer-private@example.invalid",
}
# Words of a commit message (which also carries a private phone number): commit messages
# are free text, never published.
COMMIT_WORDS = "提交说明不公开"

# A private value that is also part of public text (a person named like a unit): the
# public text must stay readable, not be masked.
SHARED_NAME = "教育"

UNITS = {
    "zwfwj": """
        name = "旗政务服务局"
        type = "department"
        supervising_office = "办公室"
        newmedia_office = "办公室"
        website_office = "办公室"
        sectors = ["social-management"]
    """,
    "jyj": f"""
        name = "旗教育局"
        type = "department"
        supervising_office = "办公室"
        newmedia_office = "办公室"
        website_office = "信息股"
        sectors = ["livelihood"]
        internal_bodies = ["信息股", "基础教育股"]
        [contact]
        name = "{PRIVATE["contact_name"]}"
        phone = "{PRIVATE["contact_phone"]}"
    """,
}

ACCOUNT_WECHAT = f"""
    unit = "jyj"
    name = "新右旗教育 <img src=x onerror=alert(3)>"
    platform = "wechat-official"
    certification = "旗教育局"
    opened = "2025-06-02"
    login_holder = "{PRIVATE["login_holder"]}"
"""

# "骏马" occurs only inside this phrase: search finds it only if the index holds words.
SEARCH_WORD = "骏马"
ACCOUNT_WEIBO = """
    unit = "jyj"
    name = "教育局微博"
    platform = "weibo"
    certification = "旗教育局"
    opened = "2025-06-02"
    logo = "草原骏马图案"
"""

RESPONSIBLE = f"""
    type = "responsible"
    from = "2025-06-02"
    person = "{PRIVATE["person"]}"
    phone = "{PRIVATE["phone"]}"
    role = "信息员"
"""

CONTRACT = f"""
    type = "contract"
    contractor = "某某文化传媒有限公司"
    start = "2025-06-01"
    end = "2027-05-31"
    rights_duties = true
    amount = {PRIVATE["amount"]}
"""


def _posts(month: str, days: list[int], titles: dict[int, str] | None = None) -> str:
    out = []
    for day in days:
        title = (titles or {}).get(day, f"{month}-{day:02d} 教育动态")
        # Planted titles go in policy posts with one review level: art-14 reports them by title.
        category = "policy" if titles and day in titles else "routine"
        escaped = title.replace("\\", "\\\\").replace('"', '\\"')
        out.append(
            textwrap.dedent(
                f"""
                [[post]]
                published = "{month}-{day:02d}T10:00:00"
                title = "{escaped}"
                category = "{category}"
                [[post.review]]
                level = 1
                at = "{month}-{day:02d}T09:00:00"
                reviewer = "{PRIVATE["reviewer"]}"
                """
            )
        )
    return "".join(out)


def _write(root: Path, rel: str, text: str) -> None:
    path = root / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(textwrap.dedent(text).lstrip(), encoding="utf-8")


def _git(root: Path, *args: str, when: str | None = None) -> None:
    env = {
        **os.environ,
        "GIT_AUTHOR_NAME": "办公室",
        "GIT_AUTHOR_EMAIL": "office@example.invalid",
        "GIT_COMMITTER_NAME": "办公室",
        "GIT_COMMITTER_EMAIL": "office@example.invalid",
    }
    if when:
        env["GIT_AUTHOR_DATE"] = env["GIT_COMMITTER_DATE"] = when
    subprocess.run(["git", *args], cwd=root, env=env, check=True, capture_output=True)


def make_records_repo(root: Path) -> Path:
    """Four months of history: registration, a hostile post month, a violation waived later."""
    root.mkdir(parents=True, exist_ok=True)
    _git(root, "init", "-q", "-b", "main")
    for unit, text in UNITS.items():
        _write(root, f"records/units/{unit}/unit.toml", text)
    _write(root, "records/accounts/jyj-wechat/account.toml", ACCOUNT_WECHAT)
    _write(root, "records/accounts/jyj-wechat/events/2025-06-02-responsible.toml", RESPONSIBLE)
    _write(root, "records/accounts/jyj-wechat/events/2025-06-01-contract.toml", CONTRACT)
    # The authority file's first version: zwfwj may sign waivers.
    _write(
        root,
        "records/authority.toml",
        f"""
        [[identity]]
        unit = "zwfwj"
        name = "{PRIVATE["signer"]}"
        email = "{PRIVATE["signer_email"]}"
        key = "{public("site-zwfwj")}"
        """,
    )
    _git(root, "add", "-A")
    # Signed with the supervising unit's key, which the tests' trust root pins
    # (tests/signing.py): the registry's first version needs it (docs/decisions/0011-threat-model.md).
    _git(
        root, "-c", "gpg.format=ssh", "-c", f"user.signingkey={key('site-zwfwj')}",
        "commit", "-S", "-q", "-m", "登记单位和账号", when="2025-12-20T10:00:00+08:00",
    )  # fmt: skip
    _write(root, "records/accounts/jyj-weibo/account.toml", ACCOUNT_WEIBO)
    _git(root, "add", "-A")
    _git(root, "commit", "-q", "-m", "登记微博账号", when="2026-01-05T10:00:00+08:00")

    # January: the wechat account posts every weekday-ish; the weibo account has no responsible person.
    titles = {6: SCRIPT, 7: MARKDOWN_BOLD, 8: MARKDOWN_LINK}
    days = list(range(5, 32))
    _write(root, "records/accounts/jyj-wechat/posts/2026-01.toml", _posts("2026-01", days, titles))
    _write(root, "records/accounts/jyj-weibo/posts/2026-01.toml", _posts("2026-01", [5, 12]))
    _git(root, "add", "-A")
    _git(root, "commit", "-q", "-m", f"一月发布记录 {SCRIPT}", when="2026-02-01T10:00:00+08:00")

    # February and March: weibo gets a responsible person; a waiver for an old gap.
    _write(
        root,
        "records/accounts/jyj-wechat/posts/2026-02.toml",
        _posts("2026-02", list(range(1, 29))),
    )
    _write(
        root,
        "records/accounts/jyj-wechat/posts/2026-03.toml",
        _posts("2026-03", list(range(1, 20))),
    )
    _write(
        root,
        "records/accounts/jyj-weibo/events/2026-02-10-responsible.toml",
        f"""
        type = "responsible"
        from = "2026-02-10"
        person = "{SHARED_NAME}"
        phone = "{PRIVATE["phone"]}"
        """,
    )
    _write(
        root,
        "records/waivers/2026-weibo-gap.toml",
        f"""
        rule = "art-19"
        target = "records/accounts/jyj-weibo/account.toml"
        reason = "机构改革期间人员未到位 <b>说明</b>"
        approved_by = "zwfwj"
        approver = "{PRIVATE["approver"]}"
        approved = "2026-02-15"
        expires = "2026-12-31"
        """,
    )
    _git(root, "add", "-A")
    _git(
        root,
        "-c",
        "gpg.format=ssh",
        "-c",
        f"user.signingkey={key('site-zwfwj')}",
        "commit",
        "-S",
        "-q",
        "-m",
        f"补录负责人(电话 {PRIVATE['phone']}),登记豁免 {COMMIT_WORDS}",
        when="2026-03-19T10:00:00+08:00",
    )
    return root


def write_config(repo: Path, site_url: str | None = "https://example.invalid/site/") -> Path:
    """The project's mkdocs.yml, pointed at the project's site/ sources, for a records repo elsewhere.

    Strict unless ``site_url`` is None (the build then warns that it has none)."""
    text = (ROOT / "mkdocs.yml").read_text(encoding="utf-8")
    text = text.replace("docs_dir: site\n", f"docs_dir: {ROOT / 'site'}\n")
    text = text.replace("custom_dir: site/overrides", f"custom_dir: {ROOT / 'site' / 'overrides'}")
    # Strict: any MkDocs warning (a broken link, a missing page) fails the build.
    if site_url is not None:
        text += f"site_url: {site_url}\nstrict: true\n"
    config = repo / "mkdocs.yml"
    config.write_text(text, encoding="utf-8")
    return config


def govmedia(*args: str, cwd: Path, cache: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "GOVMEDIA_CACHE_DIR": str(cache)}
    return subprocess.run(
        [sys.executable, "-m", "engine.cli", *args],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


Built = tuple[Path, Path, subprocess.CompletedProcess[str]]
_BUILT: dict[str, Built] = {}


def built_site(factory: pytest.TempPathFactory) -> Built:
    """The fixture site, built once per test session."""
    if "site" not in _BUILT:
        _BUILT["site"] = build_site(factory.mktemp("govmedia-site"))
    return _BUILT["site"]


def build_site(tmp: Path) -> Built:
    """(records repo, built site dir, the finished `govmedia site` process)."""
    repo = make_records_repo(tmp / "records-repo")
    config = write_config(repo)
    out = tmp / "site"
    proc = govmedia(
        "site",
        "--repo",
        str(repo),
        "--as-of",
        AS_OF,
        "--output",
        str(out),
        "--config",
        str(config),
        cwd=repo,
        cache=tmp / "cache",
    )
    return repo, out, proc


# The bundled sample banner (records/ of this repository), as `make demo` builds it.
SAMPLE_AS_OF = "2026-11-26"
SAMPLE_SITE_URL = "https://example.invalid/govmedia/"


def built_sample(factory: pytest.TempPathFactory) -> Built:
    """The sample banner's site, built once per test session, with site_url set (strict).

    Built from this checkout's history; in a shallow or non-git checkout, from a fresh
    repository holding the sample in one signed commit (as tests/test_sample.py does).
    """
    if "sample" not in _BUILT:
        from test_sample import missing_history, signed_copy

        tmp = factory.mktemp("govmedia-sample")
        repo = signed_copy(tmp / "sample-repo") if missing_history() else ROOT
        text = (ROOT / "mkdocs.yml").read_text(encoding="utf-8")
        text = text.replace("docs_dir: site\n", f"docs_dir: {ROOT / 'site'}\n")
        text = text.replace(
            "custom_dir: site/overrides", f"custom_dir: {ROOT / 'site' / 'overrides'}"
        )
        text += f"site_url: {SAMPLE_SITE_URL}\nstrict: true\n"
        config = tmp / "mkdocs.yml"
        config.write_text(text, encoding="utf-8")
        out = tmp / "site"
        proc = govmedia(
            "site",
            "--repo",
            str(repo),
            "--as-of",
            SAMPLE_AS_OF,
            "--output",
            str(out),
            "--config",
            str(config),
            cwd=tmp,
            cache=tmp / "cache",
        )
        _BUILT["sample"] = (repo, out, proc)
    return _BUILT["sample"]
