"""The code's shape: no module of the product over 600 lines, and no import cycle among the modules of roi/."""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

from tests.conftest import ROOT

MAX_LINES = 600
#: Modules already over the limit that are being split elsewhere, with the line count they may not grow past.
#: Delete an entry when its module is split.
OVER_LIMIT = {
    "ui/state.py": 604,
}


def product_files() -> list[Path]:
    return sorted([*ROOT.glob("roi/**/*.py"), *ROOT.glob("ui/**/*.py"), ROOT / "app.py"])


def test_no_module_is_over_600_lines():
    too_long = []
    for path in product_files():
        name = path.relative_to(ROOT).as_posix()
        count = len(path.read_text(encoding="utf-8").splitlines())
        if count > OVER_LIMIT.get(name, MAX_LINES):
            allowed = f"may not grow past {OVER_LIMIT[name]}" if name in OVER_LIMIT else f"the limit is {MAX_LINES}"
            too_long.append(f"{name} has {count} lines ({allowed})")
    assert not too_long, "split these modules along their seams: " + "; ".join(too_long)


# ------------------------------------------------------------------ the import graph of roi/


def module_name(path: Path) -> str:
    """roi/scenario/schema.py -> roi.scenario.schema; roi/scenario/__init__.py -> roi.scenario."""
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def roi_modules() -> dict[str, Path]:
    return {module_name(p): p for p in sorted(ROOT.glob("roi/**/*.py"))}


def _is_type_checking(node: ast.If) -> bool:
    test = node.test
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
    )


def _imports(nodes: list[ast.stmt], top: bool) -> Iterator[tuple[ast.Import | ast.ImportFrom, bool]]:
    """Every import statement among nodes, however deep, with whether it runs when the module loads: not in a
    function's body, nor under `if TYPE_CHECKING:` (which never runs); a class body runs when the module loads."""
    for node in nodes:
        if isinstance(node, (ast.Import, ast.ImportFrom)):
            yield node, top
        elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            yield from _imports(node.body, False)
        elif isinstance(node, ast.If) and _is_type_checking(node):
            yield from _imports(node.body, False)
            yield from _imports(node.orelse, top)
        else:  # a block that runs where it stands: if, for, while, with, try (its handlers), match (its cases)
            children = [c for field in ("body", "orelse", "finalbody") for c in getattr(node, field, [])]
            children += [c for part in (*getattr(node, "handlers", []), *getattr(node, "cases", [])) for c in part.body]
            yield from _imports(children, top)


def _targets(statement: ast.Import | ast.ImportFrom, here: str, is_package: bool, modules: set[str]) -> set[str]:
    """The roi modules an import statement loads: a submodule where it names one, else the package or module whose
    names it reads (a name re-exported by a package's __init__ is an edge to the package)."""
    if isinstance(statement, ast.Import):
        return {a.name for a in statement.names if a.name in modules}
    base = statement.module or ""
    if statement.level:
        package = here.split(".") if is_package else here.split(".")[:-1]
        package = package[: len(package) - statement.level + 1]
        base = ".".join([*package, base] if base else package)
    out = set()
    for alias in statement.names:
        if f"{base}.{alias.name}" in modules:
            out.add(f"{base}.{alias.name}")
        elif base in modules:
            out.add(base)
    return out


def import_graph() -> tuple[dict[str, set[str]], dict[str, set[str]]]:
    """The roi modules each roi module imports: (when it loads, inside functions and type-checking blocks)."""
    modules = roi_modules()
    names = set(modules)
    at_load: dict[str, set[str]] = {m: set() for m in modules}
    lazy: dict[str, set[str]] = {m: set() for m in modules}
    for name, path in modules.items():
        tree = ast.parse(path.read_text(encoding="utf-8"), str(path))
        for statement, top in _imports(tree.body, True):
            found = _targets(statement, name, path.name == "__init__.py", names) - {name}
            (at_load if top else lazy)[name] |= found
    return at_load, lazy


def find_cycle(graph: dict[str, set[str]]) -> list[str] | None:
    """A cycle of the graph as a path that ends where it starts, or None: a depth-first search."""
    state: dict[str, int] = {}  # 1 on the current path, 2 done
    path: list[str] = []

    def visit(node: str) -> list[str] | None:
        state[node] = 1
        path.append(node)
        for nxt in sorted(graph.get(node, ())):
            if state.get(nxt) == 1:
                return [*path[path.index(nxt) :], nxt]
            if nxt not in state:
                found = visit(nxt)
                if found:
                    return found
        path.pop()
        state[node] = 2
        return None

    for node in sorted(graph):
        if node not in state:
            found = visit(node)
            if found:
                return found
    return None


def test_the_import_graph_is_read():
    """The graph the cycle test searches has the edges the code has (so an empty graph cannot pass it)."""
    at_load, lazy = import_graph()
    assert "roi.scenario" in at_load["roi.model"]  # from roi.scenario import ... (the package's re-exports)
    assert "roi.scenario.schema" in at_load["roi.scenario.registry"]  # from roi.scenario.schema import ...
    assert "roi.files" in at_load["roi.scenario.tomlfile"]  # from roi import files: a submodule
    assert "roi.charts" in lazy["roi.documents"]  # imported inside a function: altair loads only when needed
    assert {"roi.scenario.schema", "roi.scenario.tomlfile"} <= at_load["roi.scenario"]


def test_no_import_cycle_among_roi_modules():
    """No roi module imports, when it loads, one that imports it back, however far round (an import inside a
    function, run later, may close a loop)."""
    at_load, _ = import_graph()
    cycle = find_cycle(at_load)
    assert cycle is None, "import cycle: " + " -> ".join(cycle or [])


def test_the_cycle_search_finds_a_cycle():
    assert find_cycle({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == ["a", "b", "c", "a"]
    assert find_cycle({"a": {"b"}, "b": set(), "c": {"a", "b"}}) is None
