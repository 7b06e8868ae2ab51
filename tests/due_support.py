"""In-memory record sets for the ``due`` tests: evaluated in-process, as ``check`` would.

Building a snapshot from a dict (no files, no git, no CLI) keeps a generated case to a
few milliseconds, so the property tests can run hundreds of them.
"""

from __future__ import annotations

from datetime import date
from functools import cache

from engine import snapshot
from engine.cache import Cache
from engine.cases import bundled_policy_dir, load_base
from engine.commands.due import prepare
from engine.due import DueItem, compute
from engine.evaluate import Result, evaluate
from engine.policy import Policy
from engine.policy import load as load_policy
from engine.violations import Violation


class _Memory(snapshot._Reader):
    def __init__(self, blobs: dict[str, bytes]) -> None:
        self.blobs = blobs

    def read(self, path: str, blob: str) -> bytes:
        return self.blobs[blob]

    def prefetch(self, blobs: list[str]) -> None:
        pass


def memory_snapshot(files: dict[str, str]) -> snapshot.Snapshot:
    """A snapshot of ``files`` (paths relative to records/)."""
    data = {f"records/{rel}": text.encode("utf-8") for rel, text in files.items()}
    entries = {path: snapshot.git_blob_id(body) for path, body in data.items()}
    blobs = {entries[path]: body for path, body in data.items()}
    return snapshot.Snapshot("worktree", "memory", entries, _Memory(blobs))


@cache
def policy() -> Policy:
    return load_policy(bundled_policy_dir())


def units() -> dict[str, str]:
    """The cases' units (a town with its three systems, and the supervising unit)."""
    return {
        k: v for k, v in load_base(bundled_policy_dir()).records.items() if k.startswith("units/")
    }


def account(
    opened: date, account_id: str = "wx-t", unit: str = "xiaozhen", extra: str = ""
) -> dict[str, str]:
    """An account opened on ``opened`` with a responsible person from that day on."""
    return {
        f"accounts/{account_id}/account.toml": f"""unit = "{unit}"
name = "测试账号{account_id}"
platform = "wechat-official"
certification = "测试镇人民政府"
opened = {opened.isoformat()}
purpose = "general"
{extra or 'operated_by = "self"'}
""",
        f"accounts/{account_id}/events/opening-responsible.toml": f"""type = "responsible"
from = {opened.isoformat()}
person = "测试员"
""",
    }


def evaluated(files: dict[str, str], day: date) -> Result:
    return evaluate(memory_snapshot(files), policy(), day, Cache(None), trust_all=True)


def due_items(files: dict[str, str], as_of: date, within: int = 7) -> list[DueItem]:
    result = evaluated(files, as_of)
    return compute(prepare(result, within))


def reported(violations: list[Violation], item: DueItem) -> bool:
    """Whether ``check`` reports (open) what ``item`` is about."""
    return any(
        v.check_id == item.check and item.fact_key in (v.fact_key, *v.fact_keys)
        for v in violations
        if v.status == "open"
    )
