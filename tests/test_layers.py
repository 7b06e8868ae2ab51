"""The engine's import graph is one-way: no cycles, and lower layers never import higher ones.

The graph is read from the source with ``ast`` (imports inside functions count too: a
lazy import is still a dependency), so the test needs nothing but the engine's files.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ENGINE = Path(__file__).resolve().parent.parent / "engine"


def _modules() -> dict[str, Path]:
    found = {}
    for path in ENGINE.rglob("*.py"):
        parts = list(path.relative_to(ENGINE.parent).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts = parts[:-1]
        found[".".join(parts)] = path
    return found


def _imported(module: str, path: Path, node: ast.Import | ast.ImportFrom) -> list[str]:
    if isinstance(node, ast.Import):
        return [alias.name for alias in node.names]
    base = module.split(".")
    if path.name != "__init__.py":
        base = base[:-1]
    if node.level:
        base = base[: len(base) - node.level + 1]
        name = ".".join(base + ([node.module] if node.module else []))
    else:
        name = node.module or ""
    return [name] + [f"{name}.{alias.name}" for alias in node.names]


def _type_checking_only(tree: ast.AST) -> set[int]:
    """Ids of the nodes under ``if TYPE_CHECKING:``: imports for annotations, never run."""
    found: set[int] = set()
    for node in ast.walk(tree):
        test = node.test if isinstance(node, ast.If) else None
        name = test.id if isinstance(test, ast.Name) else getattr(test, "attr", None)
        if name == "TYPE_CHECKING":
            found.update(id(n) for stmt in node.body for n in ast.walk(stmt))
    return found


def import_graph() -> dict[str, set[str]]:
    """Engine module -> the engine modules it imports at run time (a package's ``__init__``
    importing its own submodules, a registry, is not an edge; neither is an import under
    ``if TYPE_CHECKING:``, which only annotations see)."""
    modules = _modules()
    edges: dict[str, set[str]] = {m: set() for m in modules}
    for module, path in modules.items():
        tree = ast.parse(path.read_text("utf-8"))
        typing_only = _type_checking_only(tree)
        for node in ast.walk(tree):
            if not isinstance(node, ast.Import | ast.ImportFrom) or id(node) in typing_only:
                continue
            for target in _imported(module, path, node):
                while target and target not in modules:
                    target = target.rpartition(".")[0]
                if not target or target in (module, "engine"):
                    continue
                if path.name == "__init__.py" and target.startswith(module + "."):
                    continue
                edges[module].add(target)
    return edges


def cycles(edges: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components of more than one module (Tarjan, iterative)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []
    counter = 0
    for root in sorted(edges):
        if root in index:
            continue
        work = [(root, iter(sorted(edges[root])))]
        index[root] = low[root] = counter
        counter += 1
        stack.append(root)
        on_stack.add(root)
        while work:
            node, children = work[-1]
            child = next(children, None)
            if child is not None:
                if child not in index:
                    index[child] = low[child] = counter
                    counter += 1
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(sorted(edges[child]))))
                elif child in on_stack:
                    low[node] = min(low[node], index[child])
                continue
            work.pop()
            if work:
                parent = work[-1][0]
                low[parent] = min(low[parent], low[node])
            if low[node] == index[node]:
                component = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    component.append(member)
                    if member == node:
                        break
                if len(component) > 1:
                    found.append(sorted(component))
    return found


def reachable(edges: dict[str, set[str]], start: str) -> set[str]:
    seen: set[str] = set()
    todo = [start]
    while todo:
        for target in edges[todo.pop()]:
            if target not in seen:
                seen.add(target)
                todo.append(target)
    return seen


def test_the_cycle_finder_finds_a_cycle() -> None:
    edges = {"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}, "e": {"e"}}
    assert cycles(edges) == [["a", "b", "c"]]
    assert cycles({"a": {"b"}, "b": set()}) == []


def test_the_graph_sees_lazy_and_package_imports() -> None:
    graph = import_graph()
    assert "engine.cache" in graph["engine.authority"]  # imported inside functions
    assert "engine.facts" in graph["engine.facts.posts"]
    assert "engine.facts.posts" not in graph["engine.facts"]  # the registry's own modules


def test_type_checking_imports_are_not_edges() -> None:
    graph = import_graph()
    assert "engine.cache" in graph["engine.authority"]  # also imported at run time
    tree = ast.parse(
        "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    import x\nimport y\n"
    )
    hidden = _type_checking_only(tree)
    imports = {
        n.names[0].name: id(n) in hidden for n in ast.walk(tree) if isinstance(n, ast.Import)
    }
    assert imports == {"x": True, "y": False}


def test_the_feed_does_not_import_the_pages() -> None:
    # The pages import the feed (a download); the feed names what it needs of them as a
    # Protocol, so that no import, not even one for type checking, runs back.
    graph = import_graph()
    assert "engine.site.feed" in graph["engine.site.pages.data"]
    assert not any(m.startswith("engine.site.pages") for m in graph["engine.site.feed"])


def test_no_import_cycles() -> None:
    assert cycles(import_graph()) == []


LOWER = ["engine.records", "engine.banner", "engine.facts"]
HIGHER = ("engine.evaluate", "engine.report")


@pytest.mark.parametrize("lower", LOWER)
def test_lower_layers_never_import_evaluate_or_report(lower: str) -> None:
    graph = import_graph()
    modules = [m for m in graph if m == lower or m.startswith(lower + ".")]
    assert modules
    for module in modules:
        bad = sorted(
            t for t in reachable(graph, module) if t in HIGHER or t.startswith("engine.report.")
        )
        assert bad == [], f"{module} imports (directly or not) {bad}"


def test_no_engine_module_imports_the_site() -> None:
    graph = import_graph()
    for module, targets in graph.items():
        if module == "engine.site" or module.startswith("engine.site."):
            continue
        assert not any(t == "engine.site" or t.startswith("engine.site.") for t in targets), module


def test_china_time_lives_in_timeutil() -> None:
    defined = [p.name for p in ENGINE.rglob("*.py") if "CHINA_TZ = " in p.read_text("utf-8")]
    assert defined == ["timeutil.py"]
    for path in ENGINE.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text("utf-8"))):
            if isinstance(node, ast.ImportFrom) and node.module != "engine.timeutil":
                assert "CHINA_TZ" not in [a.name for a in node.names], path
    assert "engine.snapshot" not in import_graph()["engine.timeutil"]
    assert "engine.snapshot" not in import_graph()["engine.records"]


# ---------------------------------------------------------------- the git access layer

GIT_LAYER = "engine.gitsafe"
# Modules that start programs other than git (and may import subprocess for them).
OTHER_PROGRAMS = {
    "engine.commands.init": "pre-commit install",
    "engine.commands.signing": "ssh-keygen",
}
_OS_SPAWNERS = ("system", "popen", "exec", "spawn", "posix_spawn", "fork")


def git_access(source: str) -> list[str]:
    """Ways ``source`` reaches git (or any program) by itself, bypassing the git layer:
    imports of GitPython / gitdb / subprocess, a command list starting with "git",
    GitPython's command wrapper (``repo.git.log(...)``) or object database, os spawners."""
    found: list[str] = []
    for node in ast.walk(ast.parse(source)):
        names: list[str] = []
        if isinstance(node, ast.Import):
            names = [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom) and not node.level:
            names = [node.module or ""]
        for name in names:
            top = name.split(".")[0]
            if top in ("git", "gitdb", "subprocess", "pygit2", "dulwich"):
                found.append(f"import {name} (line {node.lineno})")
        if isinstance(node, ast.List | ast.Tuple) and node.elts:
            first = node.elts[0]
            if isinstance(first, ast.Constant) and first.value in ("git", "git.exe"):
                found.append(f'a command list starting with "git" (line {node.lineno})')
        if isinstance(node, ast.Attribute):
            inner = node.value
            if isinstance(inner, ast.Attribute) and inner.attr == "git":
                found.append(f"GitPython's command wrapper .git.{node.attr} (line {node.lineno})")
            if node.attr == "odb":
                found.append(f"GitPython's object database .odb (line {node.lineno})")
            if (
                isinstance(inner, ast.Name)
                and inner.id == "os"
                and node.attr.startswith(_OS_SPAWNERS)
            ):
                found.append(f"os.{node.attr} (line {node.lineno})")
    return found


def test_the_git_access_finder_finds_each_way_round_the_layer() -> None:
    planted = {
        "import subprocess\n": "import subprocess",
        "from subprocess import run\n": "import subprocess",
        "import git\n": "import git",
        "from git.exc import GitCommandError\n": "import git.exc",
        "x = repo.git.log('-n1')\n": ".git.log",
        "x = repo.odb.stream(b'')\n": ".odb",
        "run(['git', 'log'])\n": 'starting with "git"',
        "import os\nos.system('git log')\n": "os.system",
    }
    for source, what in planted.items():
        found = git_access(source)
        assert len(found) >= 1 and any(what in f for f in found), (source, found)
    assert git_access("from engine import gitsafe\nx = gitsafe.run(repo, 'log')\n") == []
    # The layer itself is seen doing all of it.
    layer = git_access((ENGINE / "gitsafe.py").read_text("utf-8"))
    assert any("import subprocess" in f for f in layer)
    assert any('starting with "git"' in f for f in layer)


def test_only_the_git_layer_starts_git() -> None:
    """Every git govmedia starts goes through engine/gitsafe.py (hardened: no replace
    objects, no grafts; one blob reader): no other engine module imports GitPython or
    subprocess for git, or spawns git itself (the layer does not use GitPython either)."""
    modules = _modules()
    assert GIT_LAYER in modules
    offenders: dict[str, list[str]] = {}
    for module, path in sorted(modules.items()):
        if module == GIT_LAYER:
            continue
        found = git_access(path.read_text("utf-8"))
        if module in OTHER_PROGRAMS:
            found = [f for f in found if not f.startswith("import subprocess")]
        if found:
            offenders[module] = found
    assert offenders == {}
    layer = git_access(modules[GIT_LAYER].read_text("utf-8"))
    assert not [f for f in layer if f.startswith(("import git", "import gitdb"))]
    # The modules allowed subprocess for other programs still need it (else drop them).
    for module in OTHER_PROGRAMS:
        assert any(
            f.startswith("import subprocess") for f in git_access(modules[module].read_text())
        ), module
