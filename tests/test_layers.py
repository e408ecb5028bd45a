"""The layers of ARCHITECTURE.md hold: the domain does no I/O and imports no framework or store,
the store knows nothing of the domain, and no module imports a layer above its own."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "mock_server"

# layer -> what its modules must not import (absolute module names, prefixes)
FORBIDDEN = {
    "domain": ("connexion", "starlette", "uvicorn", "requests", "tinydb", "os", "io", "pathlib",
               "socket", "open", "mock_server.erp", "mock_server.store", "mock_server.http", "mock_server.admin",
               "mock_server.speedups", "mock_server.app", "mock_server.cli", "mock_server.state",
               "mock_server.service", "mock_server.openapi", "mock_server.testing",
               "mock_server.server"),
    # the ERP twin's rules, held to the domain's line (it may use the domain's ports and layout)
    "erp": ("connexion", "starlette", "uvicorn", "requests", "tinydb", "os", "io", "pathlib",
            "socket", "open", "mock_server.store", "mock_server.http", "mock_server.admin",
            "mock_server.speedups", "mock_server.app", "mock_server.cli", "mock_server.state",
            "mock_server.service", "mock_server.openapi", "mock_server.testing",
            "mock_server.server"),
    "store": ("connexion", "starlette", "mock_server.domain", "mock_server.erp", "mock_server.http",
              "mock_server.admin", "mock_server.speedups", "mock_server.app",
              "mock_server.server"),
    "admin": ("connexion", "starlette", "uvicorn", "mock_server.http", "mock_server.speedups",
              "mock_server.app", "mock_server.cli", "mock_server.server"),
    "http": ("uvicorn", "mock_server.speedups", "mock_server.app", "mock_server.cli",
             "mock_server.server"),
    "testing": ("connexion", "mock_server.app", "mock_server.http", "mock_server.store",
                "mock_server.server"),
}


def imports_of(path: Path) -> set[str]:
    """The absolute names a module imports (relative imports resolved)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    package = ".".join(path.relative_to(PACKAGE.parent).with_suffix("").parts[:-1])
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, (ast.Import, ast.ImportFrom)):
            found |= imported_names(node, package)
        elif isinstance(node, ast.Call) and isinstance(node.func, ast.Name) \
                and node.func.id == "open":
            found.add("open")
    return found


def imported_names(node: ast.Import | ast.ImportFrom, package: str) -> set[str]:
    """The absolute names an import statement of a module of ``package`` names: the modules,
    and for ``from`` imports each name under its module too (it may be a module itself)."""
    if isinstance(node, ast.Import):
        return {alias.name for alias in node.names}
    base = package.rsplit(".", node.level - 1)[0] if node.level else ""
    module = ".".join(p for p in (base, node.module or "") if p)
    return {module, *(f"{module}.{alias.name}" for alias in node.names)}


@pytest.mark.parametrize("layer", sorted(FORBIDDEN))
def test_a_layer_imports_nothing_it_must_not(layer: str) -> None:
    offences = []
    for path in sorted((PACKAGE / layer).rglob("*.py")):
        for name in imports_of(path):
            if any(name == bad or name.startswith(bad + ".") for bad in FORBIDDEN[layer]):
                offences.append(f"{path.relative_to(PACKAGE)} imports {name}")
    assert offences == []


def test_the_layer_check_sees_a_forbidden_import(tmp_path: Path) -> None:
    module = PACKAGE / "domain" / "users.py"
    assert "mock_server.domain.query.paging.ListQuery" in imports_of(module)
    assert not any(name.startswith("mock_server.store") for name in imports_of(module))


def module_imports(path: Path, root: Path) -> set[str]:
    """The project modules ``path`` imports when it is loaded: its imports at module level,
    those under ``if TYPE_CHECKING:`` left out (they never run)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    parts = path.relative_to(root).with_suffix("").parts
    package = ".".join(parts if parts[-1] == "__init__" else parts[:-1]).removesuffix(
        ".__init__")
    found: set[str] = set()

    def visit(nodes: list[ast.stmt]) -> None:
        for node in nodes:
            if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
                continue
            if isinstance(node, (ast.If, ast.Try)):
                visit(node.body + node.orelse + [s for h in getattr(node, "handlers", [])
                                                 for s in h.body])
            elif isinstance(node, (ast.Import, ast.ImportFrom)):
                found.update(imported_names(node, package))

    visit(tree.body)
    return found


def import_cycles(root: Path, packages: tuple[str, ...]) -> list[list[str]]:
    """Every cycle among the modules of ``packages`` under ``root``, each once."""
    modules: dict[str, Path] = {}
    for name in packages:
        for path in (root / name).rglob("*.py"):
            parts = path.relative_to(root).with_suffix("").parts
            modules[".".join(parts[:-1] if parts[-1] == "__init__" else parts)] = path
    graph = {name: sorted(m for m in module_imports(path, root) if m in modules and m != name)
             for name, path in modules.items()}
    cycles: list[list[str]] = []
    state: dict[str, int] = {}
    stack: list[str] = []

    def walk(name: str) -> None:
        state[name] = 1
        stack.append(name)
        for nxt in graph[name]:
            if state.get(nxt) == 1:
                cycles.append(stack[stack.index(nxt):] + [nxt])
            elif nxt not in state:
                walk(nxt)
        stack.pop()
        state[name] = 2

    for name in sorted(graph):
        if name not in state:
            walk(name)
    return cycles


def test_no_module_imports_itself_back() -> None:
    """A cycle makes the import order matter and the layers meaningless; importing a package
    (its ``__init__``) counts."""
    assert import_cycles(PACKAGE.parent, ("mock_server", "sync_client")) == []


def test_the_cycle_check_sees_a_cycle(tmp_path: Path) -> None:
    (tmp_path / "pkg").mkdir()
    (tmp_path / "pkg" / "__init__.py").write_text("")
    (tmp_path / "pkg" / "a.py").write_text("from . import b\n")
    (tmp_path / "pkg" / "b.py").write_text("from typing import TYPE_CHECKING\n"
                                           "if TYPE_CHECKING:\n    from . import c\n"
                                           "from .a import thing\n")
    (tmp_path / "pkg" / "c.py").write_text("from .b import other\n")
    assert import_cycles(tmp_path, ("pkg",)) == [["pkg.a", "pkg.b", "pkg.a"]]
