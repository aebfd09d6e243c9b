"""cxmapper.model and cxmapper.exchange never import Qt or the ui package; the modules of
cxmapper.ui import one another without a cycle."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import networkx as nx

PACKAGE = Path(__file__).resolve().parent.parent / "cxmapper"
FORBIDDEN = ("PySide6", "shiboken6", "cxmapper.ui")


def imported_names(path: Path) -> list[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    package = ".".join(path.relative_to(PACKAGE.parent).with_suffix("").parts[:-1])
    names: list[str] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names += [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:  # relative: resolve against the module's package
                base = package.split(".")[: len(package.split(".")) - node.level + 1]
                module = ".".join([*base, node.module] if node.module else base)
            else:
                module = node.module or ""
            names.append(module)
            names += [f"{module}.{a.name}" for a in node.names]
    return names


def test_model_and_exchange_sources_do_not_import_qt_or_ui() -> None:
    offenders = []
    for layer in ("model", "exchange"):
        for path in (PACKAGE / layer).rglob("*.py"):
            for name in imported_names(path):
                if any(name == f or name.startswith(f + ".") for f in FORBIDDEN):
                    offenders.append(f"{path.relative_to(PACKAGE.parent)} imports {name}")
    assert offenders == []


def test_importing_model_and_exchange_loads_no_qt() -> None:
    code = (
        "import importlib, pkgutil, sys\n"
        "import cxmapper.model, cxmapper.exchange\n"
        "for pkg in (cxmapper.model, cxmapper.exchange):\n"
        "    for m in pkgutil.walk_packages(pkg.__path__, pkg.__name__ + '.'):\n"
        "        importlib.import_module(m.name)\n"
        "bad = [m for m in sys.modules if m.startswith(('PySide6', 'shiboken6', 'cxmapper.ui'))]\n"
        "print(bad)\n"
        "sys.exit(1 if bad else 0)\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr


# --- the ui's import graph -------------------------------------------------------------------

UI = PACKAGE / "ui"


def module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def ui_import_graph() -> nx.DiGraph:
    """Every module of cxmapper.ui and the ui modules it imports: at the top, under
    TYPE_CHECKING and inside functions alike (``ast.walk`` sees them all). ``from P import
    N`` counts as importing the module P.N when N is a module, else the package P."""
    modules = {module_name(p): p for p in UI.rglob("*.py")}
    graph = nx.DiGraph()
    graph.add_nodes_from(modules)
    for name, path in modules.items():
        for imported in imported_names(path):
            target = imported if imported in modules else imported.rpartition(".")[0]
            if target in modules and target != name:
                graph.add_edge(name, target)
    return graph


def test_the_import_graph_sees_every_kind_of_import() -> None:
    graph = ui_import_graph()
    assert graph.has_edge("cxmapper.ui.app", "cxmapper.ui.window.main_window")  # in a function
    assert graph.has_edge("cxmapper.ui.canvas.view", "cxmapper.ui.canvas.interactions")
    assert len(graph) > 30


def test_ui_modules_import_one_another_without_a_cycle() -> None:
    graph = ui_import_graph()
    cycles = []
    for part in nx.strongly_connected_components(graph):
        if len(part) > 1:  # modules that reach one another: name one circle through them
            circle = [a for a, _ in nx.find_cycle(graph.subgraph(part))]
            others = sorted(part - set(circle))
            cycles.append(" -> ".join([*circle, circle[0]]) + (f" (also {others})" * bool(others)))
    assert not cycles, "import cycles in cxmapper.ui:\n" + "\n".join(sorted(cycles))


# Which packages of cxmapper.ui each may import: knowledge runs down this list, never up, so a
# newcomer can read the rooms from the bottom (the document being edited) to the top (app).
UI_LAYERS: dict[str, set[str]] = {
    "document": set(),  # the edit path, undo commands, worker relay
    "canvas": {"document"},  # the map, and map images
    "panels": {"document", "canvas"},  # the docked panels and their forms
    "importing": {"document", "canvas"},  # the import wizard
    "window": {"document", "canvas", "panels", "importing"},  # the main window
    "app": {"window"},  # starting the application
}


def ui_package(module: str) -> str:
    return module.removeprefix("cxmapper.ui").lstrip(".").split(".")[0]


def test_ui_packages_import_only_the_layers_below_them() -> None:
    graph = ui_import_graph()
    assert {ui_package(m) for m in graph} == set(UI_LAYERS) | {""}  # "" is ui/__init__.py
    upward = sorted(
        f"{a} imports {b}"
        for a, b in graph.edges
        if ui_package(a) != ui_package(b) and ui_package(b) not in UI_LAYERS[ui_package(a)]
    )
    assert upward == []
