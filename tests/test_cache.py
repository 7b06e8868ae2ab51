"""The result cache: keys follow the data packages, bad entries are misses, writes are atomic."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest
from conftest import BASE_AS_OF, run_cli
from test_check import AD_POST

from engine import cache
from engine.cache import Cache


def test_keys_follow_the_holiday_data_version(monkeypatch: pytest.MonkeyPatch) -> None:
    assert any(v.startswith("chinesecalendar=") for v in cache.package_versions())
    cache.engine_digest.cache_clear()
    before = cache.result_key("x")
    real = cache.installed_versions()
    monkeypatch.setattr(cache, "installed_versions", lambda: {**real, "chinesecalendar": "99.0"})
    cache.engine_digest.cache_clear()
    try:
        assert cache.result_key("x") != before
    finally:
        monkeypatch.undo()
        cache.engine_digest.cache_clear()
    assert cache.result_key("x") == before


def test_package_versions_are_importlib_metadatas(monkeypatch: pytest.MonkeyPatch) -> None:
    """Read from the folder names, the versions are the ones importlib.metadata gives; a
    package without such a folder is asked of importlib.metadata."""
    from importlib import metadata

    plain = [f"{n}={metadata.version(n)}" for n in cache._DEPENDENCIES]
    assert cache.package_versions()[1:] == plain
    assert all(cache._normal(n) in cache.installed_versions() for n in cache._DEPENDENCIES)
    monkeypatch.setattr(cache, "installed_versions", dict)
    assert cache.package_versions()[1:] == plain


def _entries(cache: Path) -> list[Path]:
    return sorted(p for p in cache.rglob("*.json"))


def _damage_truncate(path: Path) -> None:
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 2])


def _damage_garbage(path: Path) -> None:
    path.write_bytes(b"\x80\x81\xfe\xff garbage \x00\x01")


def _damage_empty(path: Path) -> None:
    path.write_bytes(b"")


def _damage_deep(path: Path) -> None:
    path.write_text("[" * 100_000 + "]" * 100_000, encoding="utf-8")


def _forge(path: Path, text: str) -> None:
    """Write ``text`` as the entry's value with a valid checksum header, as someone who
    knows the format would: the shape checks behind the checksum must still hold."""
    from engine.cache import _header

    body = text.encode("utf-8")
    path.write_bytes(_header(path.stem, body) + b"\n" + body)


def _value(path: Path) -> object:
    return json.loads(path.read_bytes().partition(b"\n")[2])


def _shape_list(path: Path) -> None:
    _forge(path, "[1, 2, 3]")


def _unsummed_empty(path: Path) -> None:
    # A well-formed, empty result written without the checksum header.
    value = _value(path)
    path.write_text(
        json.dumps({"violations": [], "facts": {}} if isinstance(value, dict) else []),
        encoding="utf-8",
    )


def _shape_fields(path: Path) -> None:
    # Valid JSON, right top-level keys, wrong insides: each kind of value replaced.
    value = _value(path)
    if isinstance(value, dict) and "violations" in value:
        value = {"violations": [{"rule": 1, "oops": True}], "facts": {"post": "many"}}
    elif isinstance(value, dict):  # parsed records: path -> record data
        value = {k: {"unit": 42} for k in value}
    else:  # fingerprints
        value = [{"not": "a fingerprint"}]
    _forge(path, json.dumps(value))


def _shape_strings(path: Path) -> None:
    _forge(path, '{"violations": "none", "facts": []}')


@pytest.mark.parametrize(
    "damage",
    [
        _damage_truncate,
        _damage_garbage,
        _damage_empty,
        _damage_deep,
        _shape_list,
        _shape_fields,
        _shape_strings,
        _unsummed_empty,
    ],
    ids=[
        "truncated",
        "garbage",
        "empty",
        "deep",
        "list",
        "wrong-fields",
        "wrong-types",
        "unsummed-empty",
    ],
)
def test_a_bad_entry_is_a_miss(
    records_repo: Callable[..., Path],
    tmp_path: Path,
    damage: Callable[[Path], None],
) -> None:
    root = records_repo()
    path = root / "records/accounts/wx-test/posts/2021-01.toml"
    path.write_text(path.read_text(encoding="utf-8") + AD_POST, encoding="utf-8")
    cache = tmp_path / "cache"
    env = {"GOVMEDIA_CACHE_DIR": str(cache)}
    args = ("check", "--repo", str(root), "--as-of", BASE_AS_OF, "--format", "json")
    first = run_cli(*args, env=env)
    assert first.returncode == 1, first.stderr
    entries = _entries(cache)
    assert entries
    for entry in entries:
        damage(entry)
    again = run_cli(*args, env=env)
    assert again.returncode == 1, again.stderr
    assert "Traceback" not in again.stderr and "内部错误" not in again.stderr
    assert json.loads(again.stdout)["violations"] == json.loads(first.stdout)["violations"]
    # The bad entries were replaced by good ones: a third run is served from the cache.
    third = run_cli(*args, env=env)
    assert third.stdout == again.stdout


def test_hook_base_fingerprints_entry_of_wrong_shape(records_repo: Callable[..., Path]) -> None:
    """The hook's remembered fingerprints of HEAD, damaged, are recomputed."""
    root = records_repo()
    cache = root.parent / "cache"
    env = {"GOVMEDIA_CACHE_DIR": str(cache)}
    path = root / "records/accounts/wx-test/posts/2021-01.toml"
    path.write_text(path.read_text(encoding="utf-8") + AD_POST, encoding="utf-8")
    args = ("check", "--staged", "--base", "HEAD", "--repo", str(root), "--as-of", BASE_AS_OF)
    from conftest import git

    git(root, "add", "-A")
    first = run_cli(*args, env=env)
    assert first.returncode == 1, first.stderr
    for entry in _entries(cache):
        _shape_fields(entry)
    again = run_cli(*args, env=env)
    assert again.returncode == 1 and again.stdout == first.stdout, again.stderr


def test_put_is_atomic(tmp_path: Path) -> None:
    store = Cache(tmp_path)
    key = "ab" + "0" * 62
    store.put(key, {"a": 1})
    # A value that fails half-way through serialisation leaves the old entry whole
    # and no temporary file behind.
    store.put(key, {"a": 2, "b": object()})
    assert store.get(key) == {"a": 1}
    assert [p.name for p in (tmp_path / "ab").iterdir()] == [f"{key}.json"]
    store.put(key, {"a": float("nan")})  # not JSON: refused the same way
    assert store.get(key) == {"a": 1}
    assert [p.name for p in (tmp_path / "ab").iterdir()] == [f"{key}.json"]


def test_unwritable_cache_is_only_slower(records_repo: Callable[..., Path], tmp_path: Path) -> None:
    root = records_repo()
    blocker = tmp_path / "not-a-dir"
    blocker.write_text("", encoding="utf-8")
    out = run_cli(
        "check",
        "--repo",
        str(root),
        "--as-of",
        BASE_AS_OF,
        env={"GOVMEDIA_CACHE_DIR": str(blocker)},
    )
    assert out.returncode == 0, out.stderr
