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

from engine import gitsafe, records
from engine.errors import InputError
from engine.labels import account_zh
from engine.policy import Policy
from engine.snapshot import Snapshot
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


def removed_accounts(snapshot: Snapshot, policy: Policy, as_of: date) -> list[Violation]:
    """Violations for accounts removed from records/ without a closure (git needed)."""
    if snapshot.source is None:
        return []
    directory = snapshot.source
    present = _accounts_in(snapshot.entries)
    last: dict[str, str] = {}  # account id -> the commit holding its last version
    if snapshot.commit is None:
        head = _git(directory, "rev-parse", "--verify", "-q", "HEAD").decode().strip()
        if not head:
            return []
        listed = _git(directory, "ls-tree", "-r", "--name-only", "-z", "HEAD", "--", _ACCOUNTS)
        names = [n for n in listed.decode("utf-8", errors="replace").split("\0") if n]
        for account in _accounts_in(names) - present:
            last[account] = head
        rev = head
    else:
        rev = snapshot.commit.sha
    out = _git(
        directory, "log", "--full-history", "--no-renames", "--diff-filter=D",
        "--format=commit %H %P", "--name-only", rev, "--", f":(glob){_ACCOUNTS}*/account.toml",
    ).decode("utf-8", errors="replace")  # fmt: skip
    parent = ""
    for line in out.splitlines():
        if line.startswith("commit "):
            shas = line.split()[1:]
            parent = shas[1] if len(shas) > 1 else ""
        elif line.strip() and parent:
            for account in _accounts_in([line.strip()]) - present:
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


def _contents(directory: Path, blobs: list[str]) -> dict[str, bytes]:
    return gitsafe.read_blobs(directory, blobs)


def _data(path: str, data: bytes) -> dict[str, object]:
    try:
        return records.parse_toml(path, data)
    except InputError:
        return {}
