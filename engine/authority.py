"""Authority: a waiver or a supervision record counts only when its unit signed it.

A waiver (``records/waivers/``) or a supervision record (``records/supervision/``)
counts when the commit that introduced its current content carries a valid SSH
signature (checked by git itself) made with a key that ``records/authority.toml``
registers for the unit that approved the waiver (``approved_by``) or issued the
record (``issued_by``, by default the supervising unit of art. 6).

``records/authority.toml`` is itself guarded: every commit that changed it after
its first version must be signed by an identity of the supervising unit registered
in the version before that change. Its first version is the trust root.

The introducing commit of a file is the newest commit reachable from the checked
commit that changed it (``git log -1 REV -- path``); in the work tree or the index, a
file whose content differs from HEAD's is not committed yet, hence unverified, and
the authority file in force is HEAD's. Decision record: docs/decisions/0007-authority.md.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import subprocess
import tempfile
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING

from engine import records
from engine.errors import InputError, InputErrors
from engine.records import Record
from engine.snapshot import SHALLOW_HINT, Snapshot
from engine.timeutil import CHINA_TZ

if TYPE_CHECKING:
    from engine.cache import Cache
    from engine.policy import Policy

AUTHORITY_PATH = "records/authority.toml"
GOVERNED_DIRS = ("records/waivers/", "records/supervision/")
# The supervising unit when the rulebook has no art-06 parameter (a trimmed rulebook).
DEFAULT_SUPERVISOR = "zwfwj"
_SIGNED = frozenset("GU")  # git's %G?: a good signature (G: key in the allowed-signers file)


@dataclass(frozen=True)
class Identity:
    unit: str
    key: str  # "type base64", without the comment
    fingerprint: str  # SHA256:..., as git prints it (%GF)


@dataclass(frozen=True)
class Finding:
    path: str
    reason: str  # unsigned | unknown-key | other-unit | bad-signature | uncommitted | no-git |
    # shallow | no-authority | authority-untrusted | ambiguous | authority-uncommitted
    message: str  # Chinese: what and how to fix

    def render(self) -> str:
        return f"{self.path}: {self.message}"


@dataclass
class Verdict:
    """Which governed files count, and why the others do not."""

    verified: frozenset[str]
    warnings: list[Finding] = field(default_factory=list)
    trusted_all: bool = False  # the rule cases' runner: no verification at all

    def counts(self, path: str) -> bool:
        return self.trusted_all or path in self.verified

    def unverified_reasons(self) -> dict[str, str]:
        return {w.path: w.reason for w in self.warnings}


TRUST_ALL = Verdict(frozenset(), trusted_all=True)


@dataclass(frozen=True)
class Root:
    """The first version of records/authority.toml: the trust root."""

    commit: str
    when: datetime


@dataclass
class Chain:
    identities: list[Identity]
    root: Root | None
    problem: str = ""  # why the authority file cannot be trusted ("" = trusted)
    reason: str = ""  # the Finding.reason to give every governed file when untrusted


# ---------------------------------------------------------------- identities


def fingerprint(blob64: str) -> str:
    """The SHA256 fingerprint of an SSH public key, as ``ssh-keygen -l`` and git print it."""
    raw = base64.b64decode(blob64, validate=True)
    return "SHA256:" + base64.b64encode(hashlib.sha256(raw).digest()).decode().rstrip("=")


def identities(record: Record, strict: bool = True) -> list[Identity]:
    """The identities an authority record registers.

    ``strict``: a key that does not decode, or one key registered for two units, is an
    input error (file:line); otherwise (an old version from history) it is skipped.
    """
    found: list[Identity] = []
    errors: list[InputError] = []
    owner: dict[str, str] = {}
    for i, entry in enumerate(record.data.get("identity", [])):
        parts = str(entry["key"]).split()
        key_type, blob64 = parts[0], parts[1]
        try:
            raw = base64.b64decode(blob64, validate=True)
            inner = _key_type_in_blob(raw)
        except (binascii.Error, ValueError):
            inner = ""
        if inner != key_type:
            if strict:
                errors.append(
                    InputError(
                        "key 不是有效的 SSH 公钥",
                        path=record.path,
                        line=record.line("identity", i, "key"),
                        hint="把签名密钥的 .pub 文件内容整行复制过来"
                        "(例如 ssh-ed25519 AAAA…);不要改动其中的字符。",
                    )
                )
            continue
        ident = Identity(str(entry["unit"]), f"{key_type} {blob64}", fingerprint(blob64))
        previous = owner.setdefault(ident.fingerprint, ident.unit)
        if previous != ident.unit:
            if strict:
                errors.append(
                    InputError(
                        f"同一个签名密钥同时登记给了单位「{previous}」和「{ident.unit}」",
                        path=record.path,
                        line=record.line("identity", i, "key"),
                        hint="一个密钥只能代表一个单位:每人每个单位使用自己的密钥。",
                    )
                )
            continue
        found.append(ident)
    if errors:
        raise InputErrors(errors)
    return found


def _key_type_in_blob(raw: bytes) -> str:
    if len(raw) < 4:
        raise ValueError("short key")
    n = int.from_bytes(raw[:4], "big")
    if n > len(raw) - 4:
        raise ValueError("bad key")
    return raw[4 : 4 + n].decode("ascii")


def check_units(record: Record, units: Iterable[str]) -> None:
    """Every identity names a registered unit (input error with file:line otherwise)."""
    known = set(units)
    errors = [
        InputError(
            f"单位「{entry['unit']}」不存在",
            path=record.path,
            line=record.line("identity", i, "unit"),
            hint="单位 id 是 records/units/ 下的目录名;先登记该单位,或改正拼写。",
        )
        for i, entry in enumerate(record.data.get("identity", []))
        if entry["unit"] not in known
    ]
    if errors:
        raise InputErrors(errors)


def supervising_unit(policy: Policy | None, day: date) -> str:
    """The banner's supervising unit on ``day`` (art. 6's parameter)."""
    rule = policy.rules.get("art-06") if policy is not None else None
    version = rule.version_on(day) if rule is not None else None
    if version is None and rule is not None and rule.versions:
        version = rule.versions[0] if day < rule.versions[0].effective_from else rule.versions[-1]
    unit = version.parameters.get("supervising_unit") if version is not None else None
    return str(unit) if unit else DEFAULT_SUPERVISOR


def issuing_unit(record: Record, policy: Policy | None) -> str:
    """The unit whose identities may sign a waiver or a supervision record."""
    if record.kind == "waiver":
        return str(record.data["approved_by"])
    issued_by = record.data.get("issued_by")
    if issued_by:
        return str(issued_by)
    day = str(record.data.get("issued") or record.data.get("date") or "")
    try:
        when = date.fromisoformat(day)
    except ValueError:
        when = date.today()
    return supervising_unit(policy, when)


# ---------------------------------------------------------------- git


class _Git:
    def __init__(self, directory: Path) -> None:
        self.directory = directory

    def run(self, *args: str, stdin: str | None = None, check: bool = True) -> str:
        proc = subprocess.run(
            ["git", "-C", str(self.directory), "-c", "core.quotePath=false", *args],
            input=stdin,
            capture_output=True,
            text=True,
        )
        if check and proc.returncode != 0:
            raise subprocess.CalledProcessError(proc.returncode, args, proc.stdout, proc.stderr)
        return proc.stdout

    def head(self) -> tuple[str, bool] | None:
        """(HEAD's sha, whether the repository is shallow), or None outside git / without commits."""
        proc = subprocess.run(
            ["git", "-C", str(self.directory), "rev-parse", "--is-shallow-repository", "HEAD"],
            capture_output=True,
            text=True,
        )
        lines = proc.stdout.split()
        if proc.returncode != 0 or len(lines) != 2:
            return None
        return lines[1], lines[0] == "true"

    def is_git(self) -> bool:
        proc = subprocess.run(
            ["git", "-C", str(self.directory), "rev-parse", "--git-dir"],
            capture_output=True,
            text=True,
        )
        return proc.returncode == 0

    def shallow_commits(self) -> frozenset[str]:
        path = self.run("rev-parse", "--git-path", "shallow").strip()
        file = Path(path) if Path(path).is_absolute() else self.directory / path
        try:
            return frozenset(file.read_text().split())
        except OSError:
            return frozenset()

    def blobs(self, specs: list[str]) -> dict[str, str]:
        """``rev:path`` -> blob id, for the specs that exist."""
        if not specs:
            return {}
        out = self.run("cat-file", "--batch-check", stdin="".join(f"{s}\n" for s in specs))
        found: dict[str, str] = {}
        for spec, line in zip(specs, out.splitlines(), strict=True):
            parts = line.split()
            if len(parts) == 3 and parts[1] == "blob":
                found[spec] = parts[0]
        return found

    def contents(self, blobs: Iterable[str]) -> dict[str, bytes]:
        wanted = list(dict.fromkeys(blobs))
        if not wanted:
            return {}
        proc = subprocess.run(
            ["git", "-C", str(self.directory), "cat-file", "--batch"],
            input="".join(f"{b}\n" for b in wanted).encode(),
            capture_output=True,
            check=True,
        )
        out, pos, found = proc.stdout, 0, {}
        for blob in wanted:
            end = out.index(b"\n", pos)
            header = out[pos:end].split()
            pos = end + 1
            if len(header) == 3:
                size = int(header[2])
                found[blob] = out[pos : pos + size]
                pos += size + 1
        return found

    def introducing(self, rev: str, paths: dict[str, str]) -> dict[str, tuple[str, str]]:
        """path -> (newest commit reachable from ``rev`` that changed it, the blob it left).

        One ``git log`` for all paths, stopped as soon as every path is found.
        """
        found: dict[str, tuple[str, str]] = {}
        dirs = sorted({p.rsplit("/", 1)[0] for p in paths})
        proc = subprocess.Popen(
            [
                "git",
                "-C",
                str(self.directory),
                "-c",
                "core.quotePath=false",
                "log",
                "--format=commit %H",
                "--raw",
                "-c",
                "--no-abbrev",
                "--no-renames",
                rev,
                "--",
                *dirs,
            ],
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            text=True,
        )
        assert proc.stdout is not None
        commit = ""
        try:
            for line in proc.stdout:
                if line.startswith("commit "):
                    commit = line[7:].strip()
                elif line.startswith(":") and "\t" in line:
                    meta, path = line.rstrip("\n").split("\t", 1)
                    if path in paths and path not in found:
                        fields = meta.lstrip(":").split()
                        parents = meta.count(":", 0, meta.index(" "))
                        # modes (parents + 1), blobs (parents + 1), status
                        found[path] = (commit, fields[2 * (parents + 1) - 1])
                        if len(found) == len(paths):
                            break
        finally:
            proc.kill()
            proc.stdout.close()
            proc.wait()
        return found

    def signatures(
        self, commits: Iterable[str], keys: Iterable[Identity]
    ) -> dict[str, tuple[str, str]]:
        """commit -> (git's %G? status, key fingerprint), signatures checked by git."""
        wanted = list(dict.fromkeys(commits))
        if not wanted:
            return {}
        with tempfile.TemporaryDirectory(prefix="govmedia-signers-") as tmp:
            allowed = Path(tmp) / "allowed_signers"
            allowed.write_text(
                "".join(f"unit-{k.unit} {k.key}\n" for k in keys) or "# none\n", "utf-8"
            )
            out = self.run(
                "-c", f"gpg.ssh.allowedSignersFile={allowed}", "-c", "log.showSignature=false",
                "log", "--no-walk=unsorted", "--stdin", "--format=%H%x00%G?%x00%GF%x00",
                stdin="".join(f"{c}\n" for c in wanted),
            )  # fmt: skip
        found: dict[str, tuple[str, str]] = {}
        for line in out.splitlines():
            parts = line.split("\0")
            if len(parts) >= 3:
                found[parts[0]] = (parts[1], parts[2])
        return found


# ---------------------------------------------------------------- the authority chain


def _parse_version(blob: str, data: bytes) -> list[Identity] | None:
    try:
        (record,) = records.load_many(iter([(AUTHORITY_PATH, blob, lambda: data)]))
        return identities(record, strict=False)
    except InputError:
        return None


# Identities of authority file versions by blob id (None: an invalid version).
_VERSIONS: dict[str, list[Identity] | None] = {}


def _versions(repo: _Git, blobs: set[str], store: Cache | None) -> dict[str, list[Identity] | None]:
    """Each version's identities, parsed once per blob id (remembered across runs in ``store``)."""
    from engine.cache import result_key

    found: dict[str, list[Identity] | None] = {}
    missing = []
    for blob in blobs:
        if blob in _VERSIONS:
            found[blob] = _VERSIONS[blob]
            continue
        saved = store.get(result_key("authority-version", blob)) if store is not None else None
        if isinstance(saved, dict) and "identities" in saved:
            items = saved["identities"]
            found[blob] = None if items is None else [Identity(*i) for i in items]
        else:
            missing.append(blob)
    for blob, data in repo.contents(missing).items():
        parsed = _parse_version(blob, data)
        found[blob] = parsed
        if store is not None:
            items = None if parsed is None else [[i.unit, i.key, i.fingerprint] for i in parsed]
            store.put(result_key("authority-version", blob), {"identities": items})
    _VERSIONS.update(found)
    return found


def chain(
    repo: _Git, rev: str, policy: Policy | None, shallow: frozenset[str], store: Cache | None = None
) -> Chain:
    """The identities in force at ``rev``, after checking every change of the authority file."""
    out = repo.run("log", "--full-history", "--format=%H %P%x00%ct", rev, "--", AUTHORITY_PATH)
    commits: list[tuple[str, list[str], datetime]] = []
    for line in out.splitlines():
        shas, _, stamp = line.partition("\0")
        sha, *parents = shas.split()
        commits.append((sha, parents, datetime.fromtimestamp(int(stamp), CHINA_TZ)))
    current = repo.blobs([f"{rev}:{AUTHORITY_PATH}"]).get(f"{rev}:{AUTHORITY_PATH}")
    if current is None:
        return Chain(
            [],
            None,
            "records/authority.toml 不存在,没有任何单位登记签名人员",
            "no-authority",
        )
    specs = [f"{sha}:{AUTHORITY_PATH}" for sha, _, _ in commits]
    specs += [f"{p}:{AUTHORITY_PATH}" for _, parents, _ in commits for p in parents]
    blob_of = repo.blobs(specs)
    versions = _versions(repo, set(blob_of.values()) | {current}, store)
    roots: list[tuple[str, datetime]] = []
    to_sign: list[tuple[str, str, datetime]] = []  # (commit, blob of the version before, when)
    for sha, parents, when in commits:
        result = blob_of.get(f"{sha}:{AUTHORITY_PATH}")
        before = [blob_of.get(f"{p}:{AUTHORITY_PATH}") for p in parents]
        if result is None:
            continue  # a deletion: any later version is a new start, refused below
        if len(parents) > 1 and result in before:
            continue  # a merge taking one side's version: that side's commits are checked
        if not parents or before[0] is None:
            roots.append((sha, when))
            continue
        to_sign.append((sha, str(before[0]), when))
    if any(sha in shallow for sha, _ in roots):
        return Chain(
            [],
            None,
            "此仓库是浅克隆(shallow clone),缺少 records/authority.toml 的早期历史,"
            "无法确认授权名录的根版本",
            "shallow",
        )
    if not roots:
        return Chain([], None, "找不到 records/authority.toml 的第一个版本", "authority-untrusted")
    if len(roots) > 1:
        listed = "、".join(sha[:10] for sha, _ in roots)
        return Chain(
            [],
            None,
            f"records/authority.toml 在提交 {listed} 中各自从无到有地建立,根版本不唯一",
            "authority-untrusted",
        )
    root = Root(roots[0][0], roots[0][1])
    every_key = [i for v in versions.values() if v for i in v]
    signatures = _cached_signatures(repo, [sha for sha, _, _ in to_sign], every_key, store)
    for sha, before_blob, when in to_sign:
        allowed = versions.get(before_blob) or []
        boss = supervising_unit(policy, when.date())
        status, key = signatures.get(sha, ("N", ""))
        signers = {i.fingerprint for i in allowed if i.unit == boss}
        if status not in _SIGNED or key not in signers:
            why = (
                "没有签名"
                if status == "N"
                else f"签名密钥 {key or '(无法核验)'} 不属于主管单位「{boss}」在上一版中登记的人员"
            )
            return Chain(
                [],
                root,
                f"修改 records/authority.toml 的提交 {sha[:10]}({when:%Y-%m-%d}){why}",
                "authority-untrusted",
            )
    return Chain(versions.get(current) or [], root)


_SIGNATURE_CACHE: dict[str, tuple[str, str]] = {}


def _cached_signatures(
    repo: _Git, commits: list[str], keys: list[Identity], store: Cache | None
) -> dict[str, tuple[str, str]]:
    """Signature checks by commit id: a commit's signature never changes."""
    from engine.cache import result_key

    found: dict[str, tuple[str, str]] = {}
    missing = []
    for sha in dict.fromkeys(commits):
        hit = _SIGNATURE_CACHE.get(sha)
        if hit is None and store is not None:
            stored = store.get(result_key("signature", sha))
            if isinstance(stored, list) and len(stored) == 2:
                hit = (str(stored[0]), str(stored[1]))
        if hit is None:
            missing.append(sha)
        else:
            found[sha] = hit
    for sha, value in repo.signatures(missing, keys).items():
        found[sha] = _SIGNATURE_CACHE[sha] = value
        if store is not None and value[0] in "GUN":  # definite answers only
            store.put(result_key("signature", sha), list(value))
    return found


# ---------------------------------------------------------------- verification


def _fix_hint(unit: str) -> str:
    return (
        f"由单位「{unit}」在 records/authority.toml 登记的人员用自己的 SSH 密钥签名提交:"
        f"git -c gpg.format=ssh -c user.signingkey=<私钥文件> commit -S"
    )


def _message(kind: str, unit: str, why: str, fix: str) -> str:
    what = "豁免不生效,违规照常计入" if kind == "waiver" else "此监管记录不予采用"
    return f"{what}:{why}。修改方法:{fix}。"


def verify(
    snapshot: Snapshot,
    governed: list[Record],
    authority: Record | None,
    policy: Policy | None,
    units: Iterable[str],
    store: Cache | None = None,
) -> Verdict:
    """Which of the ``governed`` records (waivers, supervision records) have authority."""
    if authority is not None:
        identities(authority)  # input errors in the file being checked: exit 2
        check_units(authority, units)
    if not governed:
        return Verdict(frozenset())
    warnings: list[Finding] = []

    def refuse(record: Record, reason: str, why: str, fix: str) -> None:
        unit = issuing_unit(record, policy)
        warnings.append(Finding(record.path, reason, _message(record.kind, unit, why, fix)))

    repo = _Git(snapshot.source) if snapshot.source is not None else None
    head = repo.head() if repo is not None else None
    if repo is None or head is None:
        no_git = repo is None or not repo.is_git()
        for record in governed:
            if no_git:
                refuse(
                    record,
                    "no-git",
                    "记录不在 git 仓库中,无法核验签名",
                    "在记录仓库(git)中检查,并由批准单位签名提交",
                )
            else:
                refuse(
                    record,
                    "uncommitted",
                    "尚未提交(仓库还没有任何提交)",
                    _fix_hint(issuing_unit(record, policy)),
                )
        return Verdict(frozenset(), warnings)
    head_sha, is_shallow = head
    shallow = repo.shallow_commits() if is_shallow else frozenset()
    rev = snapshot.commit.sha if snapshot.commit is not None else head_sha

    # In the work tree or the index, only content equal to HEAD's is committed.
    committed: dict[str, str] = {r.path: r.blob for r in governed}
    if snapshot.kind != "commit":
        at_head = repo.blobs([f"{rev}:{r.path}" for r in governed] + [f"{rev}:{AUTHORITY_PATH}"])
        for record in governed:
            if at_head.get(f"{rev}:{record.path}") != record.blob:
                del committed[record.path]
                refuse(
                    record,
                    "uncommitted",
                    "当前内容尚未提交(与 HEAD 中的版本不同),还没有签名",
                    _fix_hint(issuing_unit(record, policy)) + "(提交前的检查中这条提醒是正常的)",
                )
        head_auth = at_head.get(f"{rev}:{AUTHORITY_PATH}")
        if authority is not None and head_auth is not None and head_auth != authority.blob:
            warnings.append(
                Finding(
                    AUTHORITY_PATH,
                    "authority-uncommitted",
                    "授权名录有尚未提交的修改,核验签名时按 HEAD 中的版本;"
                    "修改由主管单位登记的人员签名提交后生效。",
                )
            )
    if not committed:
        return Verdict(frozenset(), warnings)

    trust = chain(repo, rev, policy, shallow, store)
    by_path = {r.path: r for r in governed}
    if trust.problem:
        if trust.reason == "shallow":
            why, fix = f"授权名录不可信({trust.problem})", SHALLOW_HINT.rstrip("。")
        elif trust.reason == "no-authority":
            why = "没有授权名录 records/authority.toml(在已提交的版本中)"
            fix = "建立并提交 records/authority.toml,登记各单位有权签名的人员及其 SSH 公钥"
        else:
            why = f"授权名录不可信({trust.problem})"
            fix = "授权名录的每次修改都须由主管单位在上一版名录中登记的人员签名提交;改正后重新签名提交"
        for path in committed:
            refuse(by_path[path], trust.reason, why, fix)
        return Verdict(frozenset(), warnings)

    intro = repo.introducing(rev, committed)
    signatures = _cached_signatures(repo, [c for c, _ in intro.values()], trust.identities, store)
    unit_of_key = {i.fingerprint: i.unit for i in trust.identities}
    verified: set[str] = set()
    for path, blob in committed.items():
        record = by_path[path]
        unit = issuing_unit(record, policy)
        fix = _fix_hint(unit)
        commit, left = intro.get(path, ("", ""))
        if not commit and not is_shallow:
            refuse(record, "ambiguous", "在历史中找不到引入当前内容的提交", fix)
            continue
        if not commit or commit in shallow:
            refuse(
                record,
                "shallow",
                "此仓库是浅克隆(shallow clone),缺少引入当前内容的提交的历史",
                SHALLOW_HINT.rstrip("。"),
            )
            continue
        if left != blob:
            refuse(
                record,
                "ambiguous",
                f"无法确定引入当前内容的提交(最近修改它的提交 {commit[:10]} 留下的内容与当前不同,"
                "多见于合并提交)",
                fix,
            )
            continue
        status, key = signatures.get(commit, ("N", ""))
        short = commit[:10]
        if status == "N":
            refuse(record, "unsigned", f"引入当前内容的提交 {short} 没有签名", fix)
        elif status not in _SIGNED:
            refuse(
                record,
                "bad-signature",
                f"提交 {short} 的签名无法通过核验(git 状态 {status})",
                fix,
            )
        elif key not in unit_of_key:
            refuse(
                record,
                "unknown-key",
                f"提交 {short} 的签名密钥 {key} 没有在 records/authority.toml 中登记",
                fix,
            )
        elif unit_of_key[key] != unit:
            refuse(
                record,
                "other-unit",
                f"提交 {short} 的签名密钥登记给了单位「{unit_of_key[key]}」,"
                f"不是{'批准' if record.kind == 'waiver' else '作出记录的'}单位「{unit}」",
                fix,
            )
        else:
            verified.add(path)
    return Verdict(frozenset(verified), warnings)


def trust_root(directory: Path, rev: str, policy: Policy | None) -> tuple[Root | None, str]:
    """The authority file's root version at ``rev`` (for the site), or why there is none."""
    repo = _Git(directory)
    head = repo.head()
    shallow = repo.shallow_commits() if head is not None and head[1] else frozenset()
    found = chain(repo, rev, policy, shallow)
    return found.root, found.problem
