"""Module-level state is limited to bounded caches that are written down.

The engine's source is read with ``ast``: every module-level name bound to an empty
container (or a ``BoundedDict``), every name a function rebinds with ``global``, and
every function cached with ``functools.cache``/``lru_cache`` must be listed in
CONTRIBUTING.md, section "Module-level state", with what it holds and its bound; a cap
written in the code is the cap written there. The list names nothing that is gone.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

from engine.bounded import BoundedDict

ROOT = Path(__file__).resolve().parent.parent
ENGINE = ROOT / "engine"
CONTAINERS = {"dict", "list", "set", "defaultdict", "OrderedDict", "Counter", "deque"}
CACHES = {"cache", "lru_cache"}


def _name(node: ast.expr) -> str:
    if isinstance(node, ast.Call):
        node = node.func
    if isinstance(node, ast.Attribute):
        return node.attr
    return node.id if isinstance(node, ast.Name) else ""


def _int(node: ast.expr | None) -> int | None:
    return node.value if isinstance(node, ast.Constant) and type(node.value) is int else None


def _held(value: ast.expr | None) -> tuple[bool, int | None]:
    """Whether a module-level value is state (an empty container, a capped dict, a cached
    function), and its cap if the code writes one."""
    if isinstance(value, ast.Dict | ast.List | ast.Set):
        return not (value.keys if isinstance(value, ast.Dict) else value.elts), None
    if not isinstance(value, ast.Call):
        return False, None
    name = _name(value)
    if name == "BoundedDict":
        return True, _int(value.args[0] if value.args else None)
    if name in CONTAINERS:
        return (not value.args and not value.keywords) or name == "defaultdict", None
    if name in CACHES or (isinstance(value.func, ast.Call) and _name(value.func) in CACHES):
        return True, _maxsize(value.func if isinstance(value.func, ast.Call) else value)
    return False, None


def _maxsize(call: ast.expr) -> int | None:
    if not isinstance(call, ast.Call):
        return None
    for keyword in call.keywords:
        if keyword.arg == "maxsize":
            return _int(keyword.value)
    return _int(call.args[0]) if call.args else None


def module_state(engine: Path = ENGINE) -> dict[tuple[str, str], int | None]:
    """(file, name) -> its cap (None: none written in the code) for every piece of
    module-level state in the engine's source. Cached functions are named ``name()``."""
    found: dict[tuple[str, str], int | None] = {}
    for path in sorted(engine.rglob("*.py")):
        where = path.relative_to(engine.parent).as_posix()
        tree = ast.parse(path.read_text("utf-8"))
        for node in tree.body:
            targets: list[ast.expr] = []
            if isinstance(node, ast.Assign):
                targets, value = node.targets, node.value
            elif isinstance(node, ast.AnnAssign):
                targets, value = [node.target], node.value
            else:
                continue
            state, cap = _held(value)
            for target in targets:
                if state and isinstance(target, ast.Name):
                    found[(where, target.id)] = cap
        for node in ast.walk(tree):
            if isinstance(node, ast.Global):
                for name in node.names:
                    found.setdefault((where, name), None)
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                for decorator in node.decorator_list:
                    if _name(decorator) in CACHES:
                        found[(where, f"{node.name}()")] = _maxsize(decorator)
    return found


ROW = re.compile(r"^\|\s*`([^`]+)`\s*\|\s*`([^`]+)`\s*\|([^|]*)\|([^|]*)\|\s*$")


def documented(text: str) -> dict[tuple[str, str], tuple[str, str]]:
    """(file, name) -> (what it holds, its bound) from the table of the section."""
    section = text.split("\n## Module-level state\n", 1)[1].split("\n## ", 1)[0]
    rows: dict[tuple[str, str], tuple[str, str]] = {}
    for line in section.splitlines():
        m = ROW.match(line)
        if m:
            rows[(m.group(1), m.group(2))] = (m.group(3).strip(), m.group(4).strip())
    return rows


def _digits(text: str) -> str:
    return re.sub(r"(?<=\d)[ ,_](?=\d)", "", text)


def test_the_list_in_contributing_matches_the_code() -> None:
    code = module_state()
    docs = documented((ROOT / "CONTRIBUTING.md").read_text("utf-8"))
    assert sorted(set(code) - set(docs)) == [], "state not written down in CONTRIBUTING.md"
    assert sorted(set(docs) - set(code)) == [], "listed in CONTRIBUTING.md, gone from the code"
    for key, (what, bound) in docs.items():
        assert what and bound, f"{key}: say what it holds and what bounds it"
        cap = code[key]
        if cap is not None:
            assert re.search(rf"(?<!\d){cap}(?!\d)", _digits(bound)), f"{key}: the cap is {cap}"


def test_the_scan_finds_state_and_leaves_constants(tmp_path: Path) -> None:
    package = tmp_path / "engine"
    package.mkdir()
    (package / "m.py").write_text(
        "import functools\nfrom collections import defaultdict\n"
        "from engine.bounded import BoundedDict\n"
        "_A: dict[str, int] = {}\n_B = []\n_C = set()\n_D = defaultdict(list)\n"
        "_E = BoundedDict(1_000)\nCONSTANT = {'a': 1}\nNAMES = ['x']\nWORDS = set(NAMES)\n"
        "_n = 0\n\ndef bump() -> None:\n    global _n\n    _n += 1\n\n"
        "@functools.cache\ndef f(x: int) -> int:\n    return x\n\n"
        "@functools.lru_cache(maxsize=64)\ndef g(x: int) -> int:\n    return x\n",
        encoding="utf-8",
    )
    found = module_state(package)
    assert found == {
        ("engine/m.py", "_A"): None,
        ("engine/m.py", "_B"): None,
        ("engine/m.py", "_C"): None,
        ("engine/m.py", "_D"): None,
        ("engine/m.py", "_E"): 1000,
        ("engine/m.py", "_n"): None,
        ("engine/m.py", "f()"): None,
        ("engine/m.py", "g()"): 64,
    }


def test_a_bounded_dict_forgets_the_oldest_entry() -> None:
    d: BoundedDict[str, int] = BoundedDict(2)
    d["a"], d["b"] = 1, 2
    d["a"] = 10  # a key already there takes no new room
    assert d == {"a": 10, "b": 2}
    d["c"] = 3
    assert d == {"b": 2, "c": 3}
    d.update({"d": 4, "e": 5})
    assert d == {"d": 4, "e": 5}
    assert d.setdefault("f", 6) == 6 and d == {"e": 5, "f": 6}
    d |= {"g": 7}
    assert d == {"f": 6, "g": 7} and d.get("g") == 7
    with pytest.raises(ValueError, match="holds nothing"):
        BoundedDict(0)
