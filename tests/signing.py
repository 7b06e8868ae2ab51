"""Test helpers for authority: real SSH keys and commits signed by git (docs/decisions/0007).

Keys are generated once per test process (``ssh-keygen -t ed25519``) in a temporary
directory removed at exit; they never leave it.
"""

from __future__ import annotations

import atexit
import shutil
import subprocess
import tempfile
from functools import cache
from pathlib import Path

from conftest import git, write_records


@cache
def _key_dir() -> Path:
    folder = Path(tempfile.mkdtemp(prefix="govmedia-test-keys-"))
    atexit.register(shutil.rmtree, folder, True)
    return folder


@cache
def key(name: str) -> Path:
    """The private key file of a fresh ed25519 key pair called ``name``."""
    path = _key_dir() / name
    subprocess.run(
        ["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", f"{name}@test.invalid", "-f", str(path)],
        check=True,
        capture_output=True,
    )  # fmt: skip
    return path


def public(name: str) -> str:
    return key(name).with_suffix(".pub").read_text().strip()


def key_fingerprint(name: str) -> str:
    """The SHA256 fingerprint of key ``name``, as git and ssh-keygen print it."""
    from engine.authority import fingerprint

    return fingerprint(public(name).split()[1])


# The test supervisor's keys, pinned in the tests' trust root.
PINNED = ("zwfwj-key", "zwfwj", "sample-fallback", "site-zwfwj")


@cache
def trust_root_file() -> Path:
    """A trust root pinning the installed rulebook's fingerprints and the test keys ``PINNED``."""
    import rtoml

    from engine.resources import installed_trust_root_file

    installed = rtoml.load(installed_trust_root_file())
    prints = [*installed["fingerprints"], *(key_fingerprint(k) for k in PINNED)]
    path = _key_dir() / "trust-root.toml"
    path.write_text(
        f'supervising_unit = "{installed["supervising_unit"]}"\n'
        f"fingerprints = [{', '.join(repr(p).replace(chr(39), chr(34)) for p in prints)}]\n",
        "utf-8",
    )
    return path


def authority(*entries: tuple[str, str]) -> str:
    """records/authority.toml registering ``(unit, key name)`` pairs."""
    return "".join(
        f'[[identity]]\nunit = "{unit}"\nname = "签名人{i}"\nemail = "signer{i}@example.invalid"\n'
        f'key = "{public(name)}"\n\n'
        for i, (unit, name) in enumerate(entries)
    )


def commit(root: Path, message: str = "记录", signer: str | None = None) -> str:
    """Commit everything in the work tree, signed with key ``signer`` (unsigned if None)."""
    git(root, "add", "-A")
    args = ["commit", "-q", "--allow-empty", "-m", message]
    if signer is not None:
        args = ["-c", "gpg.format=ssh", "-c", f"user.signingkey={key(signer)}", *args, "-S"]
    git(root, *args)
    return git(root, "rev-parse", "HEAD").stdout.strip()


def signed_repo(
    root: Path,
    files: dict[str, str],
    *,
    registry: tuple[tuple[str, str], ...] = (("zwfwj", "zwfwj-key"),),
    signer: str | None = "zwfwj-key",
) -> Path:
    """A repository whose first commit registers ``registry`` and holds ``files``, signed by ``signer``."""
    root.mkdir(parents=True, exist_ok=True)
    if not (root / ".git").exists():
        git(root, "init", "-q", "-b", "main")
    write_records(root, {"authority.toml": authority(*registry), **files})
    commit(root, "初始记录", signer)
    return root
