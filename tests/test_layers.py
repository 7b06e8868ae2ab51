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
