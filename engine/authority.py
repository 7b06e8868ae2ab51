"""Authority: a waiver or a supervision record counts only when its unit signed it.

A waiver (``records/waivers/``) or a supervision record (``records/supervision/``)
counts when every commit that introduced its current content carries a valid SSH
signature (checked by git itself) made with a key that ``records/authority.toml``
registers for the unit that approved the waiver (``approved_by``: the supervising
unit, or a unit it delegated to in the registry) or issued the record
(``issued_by``, by default the supervising unit).

``records/authority.toml`` is itself guarded. Its first version must be committed
with a key pinned in the trust root (``policy/trust-root.toml`` of the installed
rulebook, or ``--trust-root`` / ``GOVMEDIA_TRUST_ROOT``), never in the records; every
later change must be signed by an identity of the supervising unit registered in
the last trusted version. An untrusted change leaves the last trusted version in force.

History is read as it is (engine/gitsafe.py: no replace objects, no grafts) and in
full, merges included: a merge that brings back content another side changed or
removed introduces it, and needs a signature like any other change. A supervision
record whose current state (edited, closed, moved, deleted) its issuing unit did not
sign stays in force in its last signed version. Decision records:
docs/decisions/0007-authority.md, docs/decisions/0011-threat-model.md.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import tempfile
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace
from datetime import datetime
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Any

from engine import gitsafe, records
from engine.bounded import BoundedDict
from engine.errors import InputError, InputErrors
from engine.records import Record
from engine.resources import trust_root_file
from engine.snapshot import SHALLOW_HINT, Snapshot
from engine.timeutil import CHINA_TZ

if TYPE_CHECKING:
    from engine.banner import Banner
    from engine.cache import Cache
    from engine.policy import Policy

AUTHORITY_PATH = "records/authority.toml"
SUPERVISION_DIR = records.directory("supervision")
GOVERNED_DIRS = (records.directory("waiver"), SUPERVISION_DIR)
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
    # shallow | no-authority | authority-untrusted | ambiguous | authority-uncommitted |
    # not-supervisor | kept-signed | authority-fallback | no-trust-root
    message: str  # Chinese: what and how to fix

    def render(self) -> str:
        return f"{self.path}: {self.message}"


@dataclass(frozen=True)
class Verdict:
    """Which governed files count, and why the others do not: the authority step's answer.

    ``verify`` fills the signature findings; ``settle`` adds what counts for the banner
    (the waivers that count, the supervision records in force). The banner itself is
    never changed: it holds the records as they are on file.
    """

    verified: frozenset[str]
    warnings: list[Finding] = field(default_factory=list)
    trusted_all: bool = False  # the rule cases' runner: no verification at all
    # Supervision records kept in force in their last signed version (path -> record),
    # where the current file (changed, closed, moved or deleted) was not signed.
    kept: dict[str, Record] = field(default_factory=dict)
    # Set by ``settle``: the banner's waivers that count, and its supervision records in
    # force (signed, or kept in their last signed version), by path.
    waivers: tuple[Record, ...] = ()
    supervision: tuple[Record, ...] = ()
    # Supervision records on file that are not in force (judged as withheld).
    withheld: frozenset[str] = frozenset()

    def counts(self, path: str) -> bool:
        return self.trusted_all or path in self.verified

    def unverified_reasons(self) -> dict[str, str]:
        return {w.path: w.reason for w in self.warnings}


TRUST_ALL = Verdict(frozenset(), trusted_all=True)


def settle(verdict: Verdict, the_banner: Banner) -> Verdict:
    """``verdict`` with what counts for ``the_banner``: its waivers that count, its
    supervision records in force and those withheld (the banner is left as it is).

    A kept version naming an account or unit no longer in records/ is left out: the
    account's removal is itself reported (engine/removed.py).
    """
    kept = [
        r
        for r in verdict.kept.values()
        if str(r.data.get("account", "")) in ("", *the_banner.accounts)
        and str(r.data.get("unit", "")) in ("", *the_banner.units)
    ]
    signed = [r for r in the_banner.supervision if verdict.counts(r.path)]
    withheld = frozenset(
        r.path for r in the_banner.supervision if not verdict.counts(r.path)
    ) - frozenset(verdict.kept)
    return replace(
        verdict,
        waivers=tuple(r for r in the_banner.waivers if verdict.counts(r.path)),
        supervision=tuple(sorted(signed + kept, key=lambda r: r.path)),
        withheld=withheld,
    )


@dataclass(frozen=True)
class Root:
    """The first version of records/authority.toml: the trust root."""

    commit: str
    when: datetime


@dataclass(frozen=True)
class TrustRoot:
    """The supervising unit and its pinned key fingerprints (outside the records)."""

    unit: str
    fingerprints: frozenset[str]
    source: str  # the file it was read from


@dataclass
class Chain:
    identities: list[Identity]
    root: Root | None
    problem: str = ""  # why the authority file cannot be trusted ("" = trusted)
    reason: str = ""  # the Finding.reason to give every governed file when untrusted
    delegates: frozenset[str] = frozenset()  # units the supervisor lets approve waivers
    fallback: str = ""  # why the current version is not the one in force ("" = it is)


# ---------------------------------------------------------------- the trust root


def load_trust_root(path: Path | None = None) -> TrustRoot:
    """Read and check a trust root file (input error, exit 2, if it is not one)."""
    import rtoml

    file = path or trust_root_file()
    hint = (
        "信任根文件写明主管单位和其签名密钥的指纹,例如:\n"
        '  supervising_unit = "zwfwj"\n'
        '  fingerprints = ["SHA256:…"](用 ssh-keygen -lf 密钥.pub 查看)。\n'
        "它随规则库安装(policy/trust-root.toml),或由正式检查用 --trust-root 指定。"
    )
    try:
        data = rtoml.loads(file.read_bytes().decode("utf-8"))
    except OSError:
        raise InputError(f"找不到信任根文件 {file}", hint=hint) from None
    except (UnicodeDecodeError, rtoml.TomlParsingError) as exc:
        raise InputError(f"信任根文件 {file} 不是有效的 TOML: {exc}", hint=hint) from None
    unit = data.get("supervising_unit")
    prints = data.get("fingerprints")
    if (
        not isinstance(unit, str)
        or not unit
        or not isinstance(prints, list)
        or not prints
        or not all(isinstance(f, str) and f.startswith("SHA256:") and len(f) > 20 for f in prints)
    ):
        raise InputError(
            f"信任根文件 {file} 须有 supervising_unit(单位 id)和 fingerprints(SHA256: 开头的指纹列表)",
            hint=hint,
        )
    return TrustRoot(unit, frozenset(prints), str(file))


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


def supervising_unit(root: TrustRoot | None) -> str:
    """The banner's supervising unit, as the trust root pins it."""
    return root.unit if root is not None else load_trust_root().unit


def issuing_unit(record: Record, root: TrustRoot | None) -> str:
    """The unit whose identities may sign a waiver or a supervision record."""
    if record.kind == "waiver":
        return str(record.data["approved_by"])
    issued_by = record.data.get("issued_by")
    return str(issued_by) if issued_by else supervising_unit(root)


# ---------------------------------------------------------------- git


class _Git:
    """The git questions authority asks, through the git layer (engine/gitsafe.py)."""

    def __init__(self, directory: Path) -> None:
        self.directory = directory

    def run(self, *args: str, stdin: str | None = None, check: bool = True) -> str:
        return gitsafe.run(self.directory, *args, stdin=stdin, check=check)

    def head(self) -> tuple[str, bool] | None:
        """(HEAD's sha, whether the repository is shallow), or None outside git / without commits."""
        return gitsafe.head(self.directory)

    def is_git(self) -> bool:
        return gitsafe.rev_parse(self.directory, "--git-dir") is not None

    def shallow_commits(self) -> frozenset[str]:
        return gitsafe.shallow_commits(self.directory)

    def blobs(self, specs: list[str]) -> dict[str, str]:
        """``rev:path`` -> blob id, for the specs that exist."""
        return gitsafe.blob_ids(self.directory, specs)

    def contents(self, blobs: Iterable[str]) -> dict[str, bytes]:
        return gitsafe.read_blobs(self.directory, blobs)

    def graph(self, rev: str, dirs: Iterable[str]) -> tuple[list[str], dict[str, list[str]]]:
        """The commits reachable from ``rev`` that touch ``dirs``, merges included, newest
        first (topological order), each with its parents rewritten to such commits.

        Full history (``--full-history`` with parent rewriting): every merge is kept, so a
        merge that resolves a file to one side's content is seen, whichever side it took.
        """
        out = self.run("rev-list", "--full-history", "--parents", "--topo-order", rev, "--", *dirs)
        order: list[str] = []
        parents: dict[str, list[str]] = {}
        for line in out.splitlines():
            sha, *rest = line.split()
            order.append(sha)
            parents[sha] = rest
        return order, parents

    def merge_bases(self, merge: str) -> list[str]:
        """The merge bases of a two-parent merge's real parents."""
        out = self.run("merge-base", "--all", f"{merge}^1", f"{merge}^2", check=False)
        return out.split()

    def hash_paths(self, paths: list[str]) -> dict[str, str]:
        """Work tree files' blob ids as ``git add`` would store them (line-ending
        conversion, ``.gitattributes``): content compared the way git compares it."""
        if not paths:
            return {}
        out = self.run("hash-object", "--stdin-paths", stdin="".join(f"{p}\n" for p in paths))
        return dict(zip(paths, out.split(), strict=True))

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


@dataclass(frozen=True)
class _Version:
    """One version of the registry: its identities and the units it lets approve waivers."""

    identities: list[Identity]
    delegates: frozenset[str]


def _parse_version(blob: str, data: bytes) -> _Version | None:
    try:
        (record,) = records.load_many(iter([(AUTHORITY_PATH, blob, lambda: data)]))
        return _Version(identities(record, strict=False), _delegates(record))
    except InputError:
        return None


def _delegates(record: Record) -> frozenset[str]:
    return frozenset(str(u) for u in record.data.get("waiver_delegates", []))


# Registry versions by blob id (None: an invalid version).
_VERSIONS: BoundedDict[str, _Version | None] = BoundedDict(4_096)


def _versions(repo: _Git, blobs: set[str], store: Cache | None) -> dict[str, _Version | None]:
    """Each version's identities, parsed once per blob id (remembered across runs in ``store``)."""
    from engine.cache import result_key

    found: dict[str, _Version | None] = {}
    missing = []
    for blob in blobs:
        if blob in _VERSIONS:
            found[blob] = _VERSIONS[blob]
            continue
        saved = store.get(result_key("authority-version-2", blob)) if store is not None else None
        parsed = _saved_version(saved)
        if parsed is not False:
            found[blob] = parsed  # type: ignore[assignment]
        else:
            missing.append(blob)
    for blob, data in repo.contents(missing).items():
        version = _parse_version(blob, data)
        found[blob] = version
        if store is not None:
            store.put(
                result_key("authority-version-2", blob),
                {
                    "identities": None
                    if version is None
                    else [[i.unit, i.key, i.fingerprint] for i in version.identities],
                    "delegates": [] if version is None else sorted(version.delegates),
                },
            )
    _VERSIONS.update(found)
    return found


def _saved_version(saved: Any) -> _Version | bool | None:
    """A remembered version, None (remembered as invalid), or False (a miss)."""
    if not isinstance(saved, dict) or "identities" not in saved:
        return False
    items, delegates = saved["identities"], saved.get("delegates", [])
    if items is None:
        return None
    try:
        return _Version(
            [Identity(str(u), str(k), str(f)) for u, k, f in items],
            frozenset(str(d) for d in delegates),
        )
    except (TypeError, ValueError):
        return False


def chain(
    repo: _Git,
    rev: str,
    root_pin: TrustRoot,
    shallow: frozenset[str],
    store: Cache | None = None,
) -> Chain:
    """The registry in force at ``rev``, after checking every change of it.

    Commits that changed the registry are taken oldest first (full history, merges
    included). Its first version must be committed with a pinned key registered in it
    for the supervising unit; each later change must be signed by an identity of the
    supervising unit in the last trusted version before it. An untrusted change leaves
    that last trusted version in force (``fallback`` says so): signed duties never
    disappear with a forged registry, and keys it adds count for nothing.
    """
    order, parents = repo.graph(rev, [AUTHORITY_PATH])
    current = repo.blobs([f"{rev}:{AUTHORITY_PATH}"]).get(f"{rev}:{AUTHORITY_PATH}")
    if current is None:
        return Chain(
            [], None, "records/authority.toml 不存在,没有任何单位登记签名人员", "no-authority"
        )
    found = repo.blobs([f"{sha}:{AUTHORITY_PATH}" for sha in order])
    blob_of = {sha: found.get(f"{sha}:{AUTHORITY_PATH}") for sha in order}
    versions = _versions(repo, {b for b in blob_of.values() if b} | {current}, store)
    every_key = [i for v in versions.values() if v for i in v.identities]
    fold = _ChainFold(
        root_pin,
        shallow,
        parents,
        blob_of,
        versions,
        _cached_signatures(repo, order, every_key, store),
        _commit_dates(repo, order),
    )
    for sha in reversed(order):
        fold.step(sha)
    return fold.result(order[0] if order else None, current)


def _commit_dates(repo: _Git, commits: list[str]) -> dict[str, datetime]:
    """Commit -> its commit time (China time), in one git call."""
    if not commits:
        return {}
    out = repo.run(
        "log", "--no-walk=unsorted", "--stdin", "--format=%H %ct", stdin="\n".join(commits) + "\n"
    )
    dates = {}
    for line in out.splitlines():
        sha, _, stamp = line.partition(" ")
        dates[sha] = datetime.fromtimestamp(int(stamp), CHINA_TZ)
    return dates


@dataclass
class _ChainFold:
    """The registry's history folded oldest first: the trusted version after each commit."""

    root_pin: TrustRoot
    shallow: frozenset[str]
    parents: dict[str, list[str]]
    blob_of: dict[str, str | None]  # commit -> the registry's blob there (None: absent)
    versions: dict[str, _Version | None]  # blob -> its parsed version (None: invalid)
    signatures: dict[str, tuple[str, str]]  # commit -> (git's %G?, key fingerprint)
    dates: dict[str, datetime]
    # The trusted version in force after each commit (None: nothing trusted yet).
    trusted: dict[str, str | None] = field(default_factory=dict)
    roots: list[tuple[str, datetime]] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)

    def step(self, sha: str) -> None:
        """Decide the trusted version after ``sha`` (its parents already decided)."""
        when = self.dates.get(sha, datetime.now(CHINA_TZ))
        blob = self.blob_of.get(sha)
        before = [self.trusted.get(p) for p in self.parents.get(sha, [])]
        inherited = before[0] if before else None
        if sha in self.shallow:
            self.trusted[sha] = None
            self.problems.append("shallow")
        elif blob is not None and (blob == inherited or blob in before):
            self.trusted[sha] = blob  # unchanged, or a merge taking one trusted side's version
        elif inherited is None and all(
            self.blob_of.get(p) is None for p in self.parents.get(sha, [])
        ):
            self._first_version(sha, blob, when)
        else:
            self._change(sha, blob, inherited, when)

    def _signed_key(self, sha: str) -> str:
        status, key = self.signatures.get(sha, ("N", ""))
        return key if status in _SIGNED else ""

    def _first_version(self, sha: str, blob: str | None, when: datetime) -> None:
        """A first version (a root): it must be signed with a pinned key it registers."""
        boss = self.root_pin.unit
        version = self.versions.get(blob) if blob is not None else None
        pinned = {
            i.fingerprint
            for i in (version.identities if version else [])
            if i.unit == boss and i.fingerprint in self.root_pin.fingerprints
        }
        if blob is not None and self._signed_key(sha) in pinned:
            self.trusted[sha] = blob
            self.roots.append((sha, when))
            return
        self.trusted[sha] = None
        self.problems.append(
            f"授权名录在提交 {sha[:10]}({when:%Y-%m-%d})建立,但没有用信任根"
            f"({self.root_pin.source})固定的主管单位「{boss}」密钥签名"
        )

    def _change(self, sha: str, blob: str | None, inherited: str | None, when: datetime) -> None:
        """A change of a version: signed by the supervising unit in the last trusted one."""
        boss = self.root_pin.unit
        allowed = self.versions.get(inherited) if inherited is not None else None
        signers = {i.fingerprint for i in (allowed.identities if allowed else []) if i.unit == boss}
        signed_key = self._signed_key(sha)
        if signed_key and signed_key in signers:
            self.trusted[sha] = blob  # a signed change (a signed deletion leaves nothing)
            return
        self.trusted[sha] = inherited
        status, key = self.signatures.get(sha, ("N", ""))
        why = (
            "没有签名"
            if status == "N"
            else f"签名密钥 {key or '(无法核验)'} 不属于主管单位「{boss}」在上一可信版本中登记的人员"
        )
        self.problems.append(f"修改 records/authority.toml 的提交 {sha[:10]}({when:%Y-%m-%d}){why}")

    def result(self, tip: str | None, current: str) -> Chain:
        """The chain at ``tip`` (the newest commit that changed the registry)."""
        in_force = self.trusted.get(tip) if tip is not None else None
        root = Root(*self.roots[0]) if self.roots else None
        if "shallow" in self.problems:
            return Chain(
                [],
                None,
                "此仓库是浅克隆(shallow clone),缺少 records/authority.toml 的早期历史,"
                "无法确认授权名录的根版本",
                "shallow",
            )
        if in_force is None:
            why = "；".join(self.problems) or "找不到 records/authority.toml 可信的第一个版本"
            return Chain([], root, why, "authority-untrusted")
        version = self.versions.get(in_force)
        if version is None:
            return Chain([], root, "授权名录的可信版本无法读取", "authority-untrusted")
        fallback = ""
        if in_force != current:
            fallback = (
                "；".join(self.problems) or "当前版本不是可信版本"
            ) + ";按最后一个可信版本核验签名"
        return Chain(version.identities, root, delegates=version.delegates, fallback=fallback)


_SIGNATURE_CACHE: BoundedDict[str, tuple[str, str]] = BoundedDict(65_536)


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


class _Refusals:
    """The findings of one verification: why each governed file that does not count
    does not (Chinese messages with the fix), and notes on the registry."""

    def __init__(self, root_pin: TrustRoot) -> None:
        self.root_pin = root_pin
        self.warnings: list[Finding] = []

    def refuse(self, record: Record, reason: str, why: str, fix: str) -> None:
        unit = issuing_unit(record, self.root_pin)
        self.warnings.append(Finding(record.path, reason, _message(record.kind, unit, why, fix)))

    def note(self, path: str, reason: str, message: str) -> None:
        self.warnings.append(Finding(path, reason, message))

    def replace(self, path: str, finding: Finding) -> None:
        """``finding`` instead of every earlier finding about ``path``."""
        self.warnings[:] = [w for w in self.warnings if w.path != path]
        self.warnings.append(finding)


def verify(
    snapshot: Snapshot,
    governed: list[Record],
    authority: Record | None,
    policy: Policy | None,
    units: Iterable[str],
    store: Cache | None = None,
) -> Verdict:
    """Which of the ``governed`` records (waivers, supervision records) have authority,
    and which supervision records stay in force in their last signed version.

    The steps: no history to check (``_without_history``); content not committed yet
    (``_committed``); the registry's chain (``chain``, ``_refuse_untrusted``); each
    file's introducing commits (``_signed``); supervision records kept in their last
    signed version (``_kept_supervision``).
    """
    root_pin = load_trust_root()
    if authority is not None:
        identities(authority)  # input errors in the file being checked: exit 2
        check_units(authority, units)
    found = _Refusals(root_pin)
    repo = _Git(snapshot.source) if snapshot.source is not None else None
    head = repo.head() if repo is not None else None
    if repo is None or head is None:
        _without_history(repo, governed, found)
        return Verdict(frozenset(), found.warnings)
    head_sha, is_shallow = head
    shallow = repo.shallow_commits() if is_shallow else frozenset()
    rev = snapshot.commit.sha if snapshot.commit is not None else head_sha

    # Supervision records in force at rev: a cheap question when there are none.
    sup_order, _ = repo.graph(rev, [SUPERVISION_DIR])
    if not governed and not sup_order:
        return Verdict(frozenset())
    committed = _committed(repo, snapshot, rev, governed, authority, found)
    trust = chain(repo, rev, root_pin, shallow, store)
    by_path = {r.path: r for r in governed}
    if trust.problem:
        _refuse_untrusted(trust, [by_path[p] for p in committed], found)
        return Verdict(frozenset(), found.warnings)
    if trust.fallback:
        found.note(
            AUTHORITY_PATH, "authority-fallback", f"授权名录的当前版本不可信:{trust.fallback}。"
        )
    history = _History(repo, rev, shallow, store, trust.identities)
    verified = _signed(repo, history, trust, committed, by_path, found, store)
    kept = _kept_supervision(
        repo, rev, history, sup_order, by_path, committed, verified, root_pin, found, store
    )
    return Verdict(frozenset(verified), found.warnings, kept=kept)


def _without_history(repo: _Git | None, governed: list[Record], found: _Refusals) -> None:
    """Outside git, or in a repository without commits: nothing is signed."""
    no_git = repo is None or not repo.is_git()
    for record in governed:
        if no_git:
            found.refuse(
                record,
                "no-git",
                "记录不在 git 仓库中,无法核验签名",
                "在记录仓库(git)中检查,并由批准单位签名提交",
            )
        else:
            found.refuse(
                record,
                "uncommitted",
                "尚未提交(仓库还没有任何提交)",
                _fix_hint(issuing_unit(record, found.root_pin)),
            )


def _committed(
    repo: _Git,
    snapshot: Snapshot,
    rev: str,
    governed: list[Record],
    authority: Record | None,
    found: _Refusals,
) -> dict[str, str]:
    """Governed path -> blob id, for the files whose content is committed at ``rev``.

    In the work tree or the index, only content equal to HEAD's (as git stores it: line
    endings converted, file modes aside) is committed; the rest is refused, and an
    uncommitted change of the registry is noted.
    """
    committed: dict[str, str] = {r.path: r.blob for r in governed}
    if snapshot.kind == "commit":
        return committed
    at_head = repo.blobs([f"{rev}:{r.path}" for r in governed] + [f"{rev}:{AUTHORITY_PATH}"])
    stored = {r.path: r.blob for r in governed}
    auth_blob = authority.blob if authority is not None else None
    if snapshot.kind == "worktree":
        stored.update(repo.hash_paths([r.path for r in governed]))
        if authority is not None:
            auth_blob = repo.hash_paths([AUTHORITY_PATH]).get(AUTHORITY_PATH)
    for record in governed:
        if at_head.get(f"{rev}:{record.path}") != stored[record.path]:
            del committed[record.path]
            found.refuse(
                record,
                "uncommitted",
                "当前内容尚未提交(与上一次提交中的版本不同),还没有签名",
                _fix_hint(issuing_unit(record, found.root_pin))
                + "(提交前的检查中这条提醒是正常的)",
            )
        else:
            committed[record.path] = stored[record.path]
    head_auth = at_head.get(f"{rev}:{AUTHORITY_PATH}")
    if authority is not None and head_auth is not None and head_auth != auth_blob:
        found.note(
            AUTHORITY_PATH,
            "authority-uncommitted",
            "授权名录有尚未提交的修改,核验签名时按上一次提交中的版本;"
            "修改由主管单位登记的人员签名提交后生效。",
        )
    return committed


def _refuse_untrusted(trust: Chain, records_: list[Record], found: _Refusals) -> None:
    """Every committed governed file, when the registry cannot be trusted."""
    if trust.reason == "shallow":
        why, fix = f"授权名录不可信({trust.problem})", SHALLOW_HINT.rstrip("。")
    elif trust.reason == "no-authority":
        why = "没有授权名录 records/authority.toml(在已提交的版本中)"
        fix = "建立并提交 records/authority.toml,登记各单位有权签名的人员及其 SSH 公钥"
    else:
        why = f"授权名录不可信({trust.problem})"
        fix = (
            "授权名录的第一版须由主管单位用信任根固定的密钥签名提交,每次修改都须由主管单位"
            "在上一可信版本中登记的人员签名提交;改正后重新签名提交"
        )
    for record in records_:
        found.refuse(record, trust.reason, why, fix)


def _signed(
    repo: _Git,
    history: _History,
    trust: Chain,
    committed: dict[str, str],
    by_path: dict[str, Record],
    found: _Refusals,
    store: Cache | None,
) -> set[str]:
    """The committed files whose introducing commits the right unit signed (the rest
    refused): a waiver approved by the supervising unit or a unit it delegated to."""
    root_pin = found.root_pin
    # Few git calls: every version of every governed file along the history at once, then
    # every introducing commit's signature at once.
    history.versions((c, path) for c in history.order for path in committed)
    _cached_signatures(
        repo,
        sorted({c for path, blob in committed.items() for c in history.introducing(path, blob)[0]}),
        trust.identities,
        store,
    )
    verified: set[str] = set()
    for path, blob in committed.items():
        record = by_path[path]
        unit = issuing_unit(record, root_pin)
        if record.kind == "waiver" and unit != root_pin.unit and unit not in trust.delegates:
            found.refuse(
                record,
                "not-supervisor",
                f"豁免只能由主管单位「{root_pin.unit}」批准(或由它在授权名录 waiver_delegates 中"
                f"授权的单位批准),「{unit}」无权批准",
                f"由主管单位「{root_pin.unit}」批准并签名提交",
            )
            continue
        problem = history.check(path, blob, unit)
        if problem is None:
            verified.add(path)
            continue
        fix = SHALLOW_HINT.rstrip("。") if problem[0] == "shallow" else _fix_hint(unit)
        found.refuse(record, problem[0], problem[1], fix)
    return verified


class _History:
    """Introducing commits of governed files, found over the full history."""

    def __init__(
        self,
        repo: _Git,
        rev: str,
        shallow: frozenset[str],
        store: Cache | None,
        keys: list[Identity],
    ) -> None:
        self.repo = repo
        self.shallow = shallow
        self.store = store
        self.unit_of_key = {i.fingerprint: i.unit for i in keys}
        self.keys = keys
        self.order, self.parents = repo.graph(rev, GOVERNED_DIRS)
        self.rev = rev
        self._versions: dict[str, str | None] = {}
        self._bases: dict[str, list[str]] = {}
        self._introducing: dict[tuple[str, str], tuple[set[str], bool]] = {}

    def versions(self, specs: Iterable[tuple[str, str]]) -> None:
        """Learn the blob ids of (commit, path) pairs in one git call."""
        wanted = [f"{c}:{p}" for c, p in specs if f"{c}:{p}" not in self._versions]
        if wanted:
            found = self.repo.blobs(wanted)
            for spec in wanted:
                self._versions[spec] = found.get(spec)

    def version(self, commit: str, path: str) -> str | None:
        self.versions([(commit, path)])
        return self._versions[f"{commit}:{path}"]

    def introducing(self, path: str, blob: str) -> tuple[set[str], bool]:
        """(the commits that introduced ``blob`` at ``path``, whether history ran out)."""
        if (path, blob) not in self._introducing:
            self._introducing[path, blob] = self._walk(path, blob)
        return self._introducing[path, blob]

    def _walk(self, path: str, blob: str) -> tuple[set[str], bool]:
        tip = self.order[0] if self.order else ""
        if not tip:
            return set(), False
        self.versions((c, path) for c in self.order)
        found: set[str] = set()
        cut = False
        stack, seen = [tip], set()
        while stack:
            sha = stack.pop()
            if sha in seen:
                continue
            seen.add(sha)
            if self.version(sha, path) != blob:
                found.add(sha)  # only at the tip: content not left by any commit here
                continue
            if sha in self.shallow:
                cut = True
                continue
            parents = self.parents.get(sha, [])
            same = [p for p in parents if self.version(p, path) == blob]
            if not parents or not same:
                found.add(sha)  # a root, a plain change, or a merge with content of its own
                continue
            if len(parents) > 1 and len(same) < len(parents) and self._discards(sha, path, parents):
                found.add(sha)  # the merge threw away another side's change: it decides
                continue
            stack.extend(same)
        return found, cut

    def _discards(self, merge: str, path: str, parents: list[str]) -> bool:
        """Whether a merge resolved ``path`` against a side that had changed it."""
        if len(parents) != 2:
            return True  # an octopus merge: fail closed
        if merge not in self._bases:
            self._bases[merge] = self.repo.merge_bases(merge)
        bases = self._bases[merge]
        if not bases:
            return True
        mine = self.version(merge, path)
        for parent in parents:
            theirs = self.version(parent, path)
            if theirs == mine:
                continue
            self.versions((b, path) for b in bases)
            if any(self.version(b, path) != theirs for b in bases):
                return True  # that side changed (or removed) the file since the merge base
        return False

    def check(self, path: str, blob: str, unit: str) -> tuple[str, str] | None:
        """None if every introducing commit is signed by ``unit``; else (reason, why)."""
        commits, cut = self.introducing(path, blob)
        if cut:
            return "shallow", "此仓库是浅克隆(shallow clone),缺少引入当前内容的提交的历史"
        if not commits:
            return "ambiguous", "在历史中找不到引入当前内容的提交"
        signatures = _cached_signatures(self.repo, sorted(commits), self.keys, self.store)
        for commit in sorted(commits):
            short = commit[:10]
            if self.version(commit, path) != blob:
                return "ambiguous", f"最近修改它的提交 {short} 留下的内容与当前不同"
            merge = len(self.parents.get(commit, [])) > 1
            what = (
                f"合并提交 {short}(它取回了另一方已修改或删除的内容)" if merge else f"提交 {short}"
            )
            status, key = signatures.get(commit, ("N", ""))
            if status == "N":
                return "unsigned", f"引入当前内容的{what}没有签名"
            if status not in _SIGNED:
                return "bad-signature", f"{what}的签名无法通过核验(git 状态 {status})"
            if key not in self.unit_of_key:
                return "unknown-key", f"{what}的签名密钥 {key} 没有在 records/authority.toml 中登记"
            if self.unit_of_key[key] != unit:
                return (
                    "other-unit",
                    f"{what}的签名密钥登记给了单位「{self.unit_of_key[key]}」,不是单位「{unit}」",
                )
        return None

    def signer_unit(self, commit: str) -> str | None:
        status, key = _cached_signatures(self.repo, [commit], self.keys, self.store).get(
            commit, ("N", "")
        )
        return self.unit_of_key.get(key) if status in _SIGNED else None


def _kept_supervision(
    repo: _Git,
    rev: str,
    history: _History,
    order: list[str],
    governed: dict[str, Record],
    committed: dict[str, str],
    verified: set[str],
    root_pin: TrustRoot,
    found: _Refusals,
    store: Cache | None,
) -> dict[str, Record]:
    """Supervision records whose issuing unit did not sign their current state (an edit,
    a closure, a move, a deletion): they stay in force in their last signed version.

    The signed versions of each file are folded oldest first over the commits that
    changed it (``_in_force``): a change (or a deletion) takes effect only when it is
    signed by the unit that issued the version in force before it and, for new content,
    by the unit that issues it. Merges change nothing here (a merge's own resolution is
    not a signed act of the issuing unit): a file a merge changed keeps its last signed
    version. Such a file leaves ``verified`` and its findings become one "kept-signed".
    """
    if not order:
        return {}
    events = _supervision_events(repo, rev)
    if not events:
        return {}
    known = {committed[p]: governed[p] for p in committed if p.startswith(SUPERVISION_DIR)}
    versions = _SupervisionVersions(repo, root_pin, known, store)
    _cached_signatures(repo, sorted({c for c, _, _ in events}), history.keys, store)
    in_force = _in_force(events, history.signer_unit, versions.issuer)
    kept: dict[str, Record] = {}
    for path, (blob, issuer, commit) in sorted(in_force.items()):
        if path in verified and committed.get(path) == blob:
            continue
        record = versions.record(path, blob)
        if record is None:
            continue
        # Signed in full history, perhaps, but not by the issuer of the version in force.
        verified.discard(path)
        kept[path] = record
        state = "已被删除或移走" if path not in governed else "当前内容"
        found.replace(
            path,
            Finding(
                path,
                "kept-signed",
                f"监管记录{state}没有作出单位「{issuer}」的签名"
                f"(删除、移动、修改或关闭监管记录都须由作出单位签名提交),"
                f"仍按提交 {commit[:10]} 中签名的版本执行",
            ),
        )
    return kept


def _supervision_events(repo: _Git, rev: str) -> list[tuple[str, str, str]]:
    """(commit, path, new blob or "" for a deletion) of every change of a supervision
    record reachable from ``rev``, oldest first, merges left out."""
    out = repo.run(
        "log", "--full-history", "--topo-order", "--reverse", "--no-merges", "--format=commit %H",
        "--raw", "--no-renames", "--no-abbrev", rev, "--", SUPERVISION_DIR,
    )  # fmt: skip
    return _parse_raw_log(out)


def _parse_raw_log(out: str) -> list[tuple[str, str, str]]:
    """``git log --format='commit %H' --raw`` as (commit, path, new blob or "")."""
    events: list[tuple[str, str, str]] = []
    commit = ""
    for line in out.splitlines():
        if line.startswith("commit "):
            commit = line[7:].strip()
        elif line.startswith(":") and "\t" in line:
            meta, path = line.split("\t", 1)
            fields = meta.lstrip(":").split()
            events.append((commit, path, fields[3] if fields[3].strip("0") else ""))
    return events


def _in_force(
    events: list[tuple[str, str, str]],
    signer_of: Callable[[str], str | None],
    issuer_of: Callable[[str, str], str | None],
) -> dict[str, tuple[str, str, str]]:
    """Path -> (blob, issuing unit, signing commit) of each supervision record's version
    in force after ``events`` (oldest first): a change counts only when signed by the
    unit that issued the version before it and, for new content, by its issuer."""
    in_force: dict[str, tuple[str, str, str]] = {}
    for commit, path, blob in events:
        signer = signer_of(commit)
        if signer is None:
            continue
        before = in_force.get(path)
        if before is not None and before[1] != signer:
            continue  # only the issuing unit changes, closes or removes its record
        if not blob:
            in_force.pop(path, None)
        elif issuer_of(path, blob) == signer:
            in_force[path] = (blob, signer, commit)
    return in_force


class _SupervisionVersions:
    """Versions of supervision records by blob id: parsed once, issuers remembered."""

    def __init__(
        self, repo: _Git, root_pin: TrustRoot, known: dict[str, Record], store: Cache | None
    ) -> None:
        self.repo = repo
        self.root_pin = root_pin
        self.known = known  # blob -> the current record with that content
        self.store = store
        self.parsed: dict[str, Record | None] = {}

    def record(self, path: str, blob: str) -> Record | None:
        if blob in self.known:
            return self.known[blob]
        if blob not in self.parsed:
            data = self.repo.contents([blob]).get(blob, b"")
            try:
                loaded = records.load_many(iter([(path, blob, partial(bytes, data))]))
                self.parsed[blob] = loaded[0] if loaded else None
            except InputError:
                self.parsed[blob] = None
        return self.parsed[blob]

    def issuer(self, path: str, blob: str) -> str | None:
        """The issuing unit of a version, remembered by blob id across runs."""
        from engine.cache import result_key

        if blob in self.known:
            return issuing_unit(self.known[blob], self.root_pin)
        key = result_key("supervision-issuer", blob, self.root_pin.unit)
        saved = self.store.get(key) if self.store is not None else None
        if isinstance(saved, dict) and "issuer" in saved:
            return None if saved["issuer"] is None else str(saved["issuer"])
        record = self.record(path, blob)
        unit = issuing_unit(record, self.root_pin) if record is not None else None
        if self.store is not None:
            self.store.put(key, {"issuer": unit})
        return unit


def trust_root(directory: Path, rev: str, policy: Policy | None) -> tuple[Root | None, str]:
    """The authority file's root version at ``rev`` (for the site), or why there is none."""
    repo = _Git(directory)
    head = repo.head()
    shallow = repo.shallow_commits() if head is not None and head[1] else frozenset()
    found = chain(repo, rev, load_trust_root(), shallow)
    return found.root, found.problem
