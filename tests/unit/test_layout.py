"""The wing order of simulator/ (issue 8, ../shared/DESIGN.md "Layout"), checked by parsing imports.

Wings in data-flow order: the top modules (errors, names, yamlmarks) < engine < plans < scenarios
< runs < reports < explore (the web app, a shell like run.py). A module never imports a higher
wing; inside the engine, lowering and codegen never import each other and ir / functions /
analysis import nothing above them. Function-level
imports count too (they are allowed for start-up speed, never to hide a cycle), and there is no
import cycle anywhere. No module over 400 lines, no function over 60.
"""

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
MAX_MODULE_LINES = 400
MAX_FUNCTION_LINES = 60

def _module_name(path: Path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


MODULES = {_module_name(p): p for p in sorted((ROOT / "simulator").rglob("*.py"))}
MODULES.update({_module_name(p): p for p in sorted((ROOT / "reports").glob("*.py"))})
MODULES.update({_module_name(p): p for p in sorted((ROOT / "explore").glob("*.py"))})


def _imports(name: str, path: Path) -> set:
    """Modules of simulator/, reports/ and explore/ that ``name`` imports (anywhere in the file)."""
    package = name if path.name == "__init__.py" else name.rsplit(".", 1)[0]
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")[: len(package.split(".")) - node.level + 1]
                module = ".".join(base + ([node.module] if node.module else []))
            else:
                module = node.module
            for alias in node.names:
                full = f"{module}.{alias.name}"
                found.add(full if full in MODULES else module)
        elif isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
    return {m for m in found if m in MODULES and m != name}


GRAPH = {name: _imports(name, path) for name, path in MODULES.items()}

WINGS = ["simulator.engine", "simulator.plans", "simulator.scenarios", "simulator.runs", "reports", "explore"]


def _rank(module: str) -> int:
    """0 for the top modules (errors, names, yamlmarks), then 1.. per wing in data-flow order."""
    for rank, wing in enumerate(WINGS, start=1):
        if module == wing or module.startswith(wing + "."):
            return rank
    return 0


@pytest.mark.parametrize("module", sorted(m for m in GRAPH if m != "simulator"))
def test_no_module_imports_a_higher_wing(module):
    higher = sorted(m for m in GRAPH[module] if m != "simulator" and _rank(m) > _rank(module))
    assert not higher, f"{module} imports higher wing(s): {higher}"


def test_the_top_package_imports_nothing_eagerly():
    """simulator/__init__.py names its public attributes as strings (lazy, PEP 562)."""
    assert GRAPH["simulator"] == set()


def _inside(module: str, package: str) -> bool:
    return module == package or module.startswith(package + ".")


def test_lowering_and_codegen_never_import_each_other():
    lowering, codegen = "simulator.engine.lowering", "simulator.engine.codegen"
    bad = [(m, i) for m, imports in GRAPH.items() for i in imports
           if (_inside(m, lowering) and _inside(i, codegen)) or (_inside(m, codegen) and _inside(i, lowering))]
    assert not bad


@pytest.mark.parametrize("module, allowed", [
    ("simulator.engine.functions", set()),
    ("simulator.engine.ir", {"simulator.errors"}),
    ("simulator.engine.analysis", {"simulator.engine.ir", "simulator.engine.functions", "simulator.errors"}),
])
def test_the_engine_base_imports_nothing_above_it(module, allowed):
    assert GRAPH[module] <= allowed, f"{module} imports {sorted(GRAPH[module] - allowed)}"


def test_no_import_cycle():
    """Tarjan's strongly connected components over every import (function-level ones included)."""
    index, low, stack, on_stack, cycles = {}, {}, [], set(), []

    def visit(v):
        index[v] = low[v] = len(index)
        stack.append(v)
        on_stack.add(v)
        for w in GRAPH[v]:
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                component.append(w)
                if w == v:
                    break
            if len(component) > 1:
                cycles.append(sorted(component))

    for v in GRAPH:
        if v not in index:
            visit(v)
    assert not cycles


def test_modules_stay_short():
    long = sorted(name for name, path in list(MODULES.items()) + [("run", ROOT / "run.py")]
                  if len(path.read_text(encoding="utf-8").splitlines()) > MAX_MODULE_LINES)
    assert not long, f"over {MAX_MODULE_LINES} lines: {long}"


def _functions(tree, prefix):
    for node in tree.body:
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            yield f"{prefix}.{node.name}", node
            yield from _functions(node, f"{prefix}.{node.name}")
        elif isinstance(node, ast.ClassDef):
            yield from _functions(node, f"{prefix}.{node.name}")


def test_functions_stay_short():
    """No function (docstring included) over 60 lines, in simulator/, reports/, explore/ and run.py."""
    long = []
    for name, path in list(MODULES.items()) + [("run", ROOT / "run.py")]:
        for qualified, node in _functions(ast.parse(path.read_text(encoding="utf-8")), name):
            if node.end_lineno - node.lineno + 1 > MAX_FUNCTION_LINES:
                long.append(f"{qualified} ({node.end_lineno - node.lineno + 1} lines)")
    assert not long, f"over {MAX_FUNCTION_LINES} lines: {long}"
