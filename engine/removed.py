"""Accounts whose files left records/ without a closure: a violation, not a correction.

An account's records (``records/accounts/<id>/``) are the evidence of how it was run.
Deleting or moving them out of ``records/`` would make every violation of the account
disappear (the hook would list them as 「已改正」). A closed account keeps its
directory; an account whose ``account.toml`` is gone, and whose last version had no
closure event (``type = "closure"`` under ``events/``), is reported under art. 13
(closure procedure) with the fix: restore the directory, or close the account properly.

The account's last version: HEAD's for the work tree and the index; for a commit, the
parent of the newest commit that deleted its ``account.toml`` (full history).
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any, TypeGuard

from engine import gitsafe, records
from engine.cache import Cache, result_key
from engine.errors import InputError
from engine.labels import account_zh
from engine.policy import Policy
from engine.snapshot import Snapshot, is_shallow
from engine.violations import Violation, fingerprint

RULE, CHECK = "art-13", "account-removed"
_ACCOUNTS = records.directory("account")


def _git(directory: Path, *args: str) -> bytes:
    """git's output through the git layer; empty when git fails (no such commit)."""
    return gitsafe.run_bytes(directory, *args, check=False)


def _accounts_in(entries: dict[str, str] | list[str]) -> set[str]:
    return {
        p[len(_ACCOUNTS) :].split("/", 1)[0]
        for p in entries
        if p.startswith(_ACCOUNTS) and p.endswith("/account.toml") and p.count("/") == 3
    }


def removed_accounts(
    snapshot: Snapshot, policy: Policy, as_of: date, store: Cache | None = None
) -> list[Violation]:
    """Violations for accounts removed from records/ without a closure (git needed).
    ``store``: where what a commit's history says is remembered (``_history``)."""
    if snapshot.source is None:
        return []
    directory = snapshot.source
    present = _accounts_in(snapshot.entries)
    last: dict[str, str] = {}  # account id -> the commit holding its last version
    if snapshot.commit is None:
        at = gitsafe.head(directory)  # asked as authority asks: one git (gitsafe.steady)
        if at is None:
            return []
        head = at[0]
        at_head, deleted = _history(directory, head, True, store)
        for account in set(at_head) - present:
            last[account] = head
    else:
        _, deleted = _history(directory, snapshot.commit.sha, False, store)
    for account, parent in deleted:
        if account not in present:
            last.setdefault(account, parent)
    if not last:
        return []
    rule = policy.rules.get(RULE)
    version = rule.version_on(as_of) if rule is not None else None
    found = []
    for account, commit in sorted(last.items()):
        folder = f"{_ACCOUNTS}{account}/"
        tree = _git(directory, "ls-tree", "-r", "-z", commit, "--", folder).decode(
            "utf-8", errors="replace"
        )
        blobs: dict[str, str] = {}
        for item in tree.split("\0"):
            if item and "\t" in item:
                meta, path = item.split("\t", 1)
                blobs[path] = meta.split()[2]
        account_blob = blobs.get(f"{folder}account.toml")
        events = [p for p in blobs if p.startswith(f"{folder}events/") and p.endswith(".toml")]
        contents = _contents(directory, [b for b in [account_blob, *map(blobs.get, events)] if b])
        closed = any(_data(p, contents.get(blobs[p], b"")).get("type") == "closure" for p in events)
        if closed:
            continue
        data = _data(f"{folder}account.toml", contents.get(account_blob or "", b""))
        name = account_zh(str(data.get("platform", "")), str(data.get("name", account)), account)
        found.append(
            Violation(
                rule=RULE,
                check=CHECK,
                article=13,
                version=version.number if version is not None else 1,
                severity="error",
                path=f"{folder}account.toml",
                line=1,
                unit=str(data.get("unit", "")),
                account=account,
                message=f"账号「{name}」的记录移出了 records/(删除或移走),但没有关停记录",
                message_en=f"the records of account {account} left records/ without a closure",
                hint=f"账号的记录不能删除或移走:误删的用 git checkout {commit[:10]} -- {folder} 恢复;"
                "确需关停的,按第十三条登记关停决定、备案、公告和关停记录(events/),保留账号目录。",
                fingerprint=fingerprint(RULE, CHECK, f"account-removed:{account}"),
                fact_key=f"account-removed:{account}",
                day=as_of.isoformat(),
            )
        )
    return found


def _history(
    directory: Path, rev: str, listed: bool, store: Cache | None
) -> tuple[list[str], list[tuple[str, str]]]:
    """What the commit ``rev`` and its history say, newest first: the accounts it holds
    (when ``listed``), and each deletion of an account's ``account.toml`` as (account,
    the deleting commit's first parent). A commit and its history never change, so this
    is remembered by the commit id, except in a shallow clone (deepening it adds history)."""
    shallow = is_shallow(gitsafe.open_repo(directory))
    key = result_key("removed-accounts", rev, f"listed={listed}")
    saved = store.get(key) if store is not None and not shallow else None
    if _history_shaped(saved):
        return list(saved[0]), [(a, p) for a, p in saved[1]]
    at_head: list[str] = []
    if listed:
        names = _git(directory, "ls-tree", "-r", "--name-only", "-z", rev, "--", _ACCOUNTS)
        at_head = sorted(_accounts_in(names.decode("utf-8", errors="replace").split("\0")))
    out = _git(
        directory, "log", "--full-history", "--no-renames", "--diff-filter=D",
        "--format=commit %H %P", "--name-only", rev, "--", f":(glob){_ACCOUNTS}*/account.toml",
    ).decode("utf-8", errors="replace")  # fmt: skip
    deleted: list[tuple[str, str]] = []
    parent = ""
    for line in out.splitlines():
        if line.startswith("commit "):
            shas = line.split()[1:]
            parent = shas[1] if len(shas) > 1 else ""
        elif line.strip() and parent:
            deleted += [(account, parent) for account in _accounts_in([line.strip()])]
    if store is not None and not shallow:
        store.put(key, [at_head, [list(d) for d in deleted]])
    return at_head, deleted


def _history_shaped(saved: object) -> TypeGuard[list[list[Any]]]:
    return (
        isinstance(saved, list)
        and len(saved) == 2
        and isinstance(saved[0], list)
        and all(isinstance(a, str) for a in saved[0])
        and isinstance(saved[1], list)
        and all(
            isinstance(d, list) and len(d) == 2 and all(isinstance(x, str) for x in d)
            for d in saved[1]
        )
    )


def _contents(directory: Path, blobs: list[str]) -> dict[str, bytes]:
    return gitsafe.read_blobs(directory, blobs)


def _data(path: str, data: bytes) -> dict[str, object]:
    try:
        return records.parse_toml(path, data)
    except InputError:
        return {}
