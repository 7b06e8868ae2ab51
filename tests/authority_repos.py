"""Records repositories with signed authority (docs/decisions/0007-authority.md), as the
authority and attack tests build them, and what the site publishes for one.

Shared by tests/test_authority.py and tests/test_attacks.py: the registry, the waiver
and the rectification order they sign, ``check`` as JSON, and ``site_of``, the site's
pages and data files built from a repository at HEAD the way the MkDocs plugin builds
them (engine/site/plugin.py), without running MkDocs.
"""

from __future__ import annotations

import json
import os
import re
import sys
import tempfile
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from conftest import BASE_AS_OF, base_records, run_cli, write_records
from signing import commit, signed_repo
from test_waivers import AD_POSTS, POSTS, WAIVER

WAIVER_TEXT = """rule = "art-15/commercial-ad"
target = "records/accounts/wx-test/posts/2021-01.toml"
reason = "公益性助农展销,经旗政务服务局同意临时发布"
approved_by = "zwfwj"
approver = "审批人"
approved = 2021-01-11
expires = 2021-01-31
"""
WAIVER_REASON = "公益性助农展销,经旗政务服务局同意临时发布"
ORDER = "supervision/2021-01-05-rectification.toml"
ORDER_TEXT = """type = "rectification-order"
unit = "xiaozhen"
issued = 2021-01-05
deadline = 2021-01-12
issue = "错别字"
"""
# Both registered: zwfwj (the supervising unit, approves the waiver) and xiaozhen.
REGISTRY = (("zwfwj", "zwfwj-key"), ("xiaozhen", "xiaozhen-key"))


def check_json(root: Path, *args: str) -> tuple[int, dict[str, Any], str]:
    """``govmedia check --format json`` on ``root`` (exit code, report, stderr)."""
    out = run_cli(
        "check", "--repo", str(root), "--as-of", BASE_AS_OF, "--no-cache", "--format", "json",
        *args,
    )  # fmt: skip
    assert out.returncode in (0, 1), out.stderr
    doc: dict[str, Any] = json.loads(out.stdout)
    return out.returncode, doc, out.stderr


def reasons(doc: dict[str, Any]) -> dict[str, str]:
    """Authority warnings of a report: record path -> reason."""
    return {w["path"]: w["reason"] for w in doc["authority_warnings"]}


def waived(doc: dict[str, Any]) -> list[str]:
    return [v["waiver"] for v in doc["waived"]]


def overdue(doc: dict[str, Any]) -> bool:
    """The rectification order's duty (art-23) is reported."""
    return any(v["rule"] == "art-23" for v in doc["violations"])


def signed_records(tmp_path: Path, signer: str | None = "zwfwj-key", name: str = "repo") -> Path:
    """The registry (trust root) first, with the base records and the ad post; then the
    waiver and the order in one commit signed by ``signer`` (unsigned if None)."""
    root = signed_repo(tmp_path / name, {**base_records(), POSTS: AD_POSTS}, registry=REGISTRY)
    write_records(root, {WAIVER: WAIVER_TEXT, ORDER: ORDER_TEXT})
    commit(root, "登记豁免和整改通知", signer)
    return root


def hook_env() -> dict[str, str]:
    """The environment of ``git commit`` through the installed hook."""
    return {
        "GOVMEDIA_AS_OF": BASE_AS_OF,
        "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}",
    }


# ---------------------------------------------------------------- the site


@dataclass
class Site:
    """What the site publishes for a repository: every generated page (Markdown with its
    HTML blocks) and data file, and the published report (data/violations.json)."""

    files: dict[str, str]
    report: dict[str, Any]

    def text(self) -> str:
        return "\n".join(self.files.values())

    def waivers_in_force(self) -> str:
        """Every 「有效期内的豁免」 section of every page, as one text."""
        found = []
        for page in self.files.values():
            for part in page.split("## 有效期内的豁免")[1:]:
                found.append(re.split(r"\n#{2,3} ", part, maxsplit=1)[0])
        return "\n".join(found)

    def open_checks(self) -> list[str]:
        return sorted(f"{v['rule']}/{v['check']}" for v in self.report["violations"])

    def waived(self) -> list[str]:
        return waived(self.report)

    def reasons(self) -> dict[str, str]:
        return reasons(self.report)

    def overdue(self) -> bool:
        return overdue(self.report)


def site_of(root: Path, as_of: str = BASE_AS_OF, policy: Path | None = None) -> Site:
    """The site for ``root`` at HEAD, judged with the rulebook HEAD holds (the bundled one
    when it holds none), as ``govmedia site`` builds it (engine/site/plugin.py)."""
    from engine import policy as policy_mod
    from engine.cache import Cache
    from engine.resources import bundled_policy_dir
    from engine.site.due_pages import due_files
    from engine.site.model import gather
    from engine.site.pages import Pages

    with tempfile.TemporaryDirectory(prefix="govmedia-test-site-") as folder:
        rulebook = policy or Path(folder) / "policy"
        if policy is None and not policy_mod.write_committed(root, "HEAD", rulebook):
            rulebook = bundled_policy_dir()
        # One history sample: the newest, which is the site's own evaluation (the older
        # months are judged by the same evaluate, one commit each).
        model = gather(root, "HEAD", date.fromisoformat(as_of), rulebook, Cache(None), 1)
    pages = Pages(model, use_directory_urls=False)
    files: dict[str, str] = dict(pages.all())
    files.update(pages.downloads())
    for path, content in due_files(model, False, pages.prose).items():
        files[path] = content if isinstance(content, str) else content.decode("utf-8")
    for text in files.values():  # the plugin refuses to publish a private value
        assert model.escape.leaks(text) == []
    return Site(files, json.loads(files["data/violations.json"]))
