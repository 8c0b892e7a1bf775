"""The shape of the package (README “目录与分层”): layers, no import cycles, small functions, one place
for the order path layout, one handler per event type."""

from __future__ import annotations

import ast
import re
import subprocess
import sys
import tomllib
from pathlib import Path

import grimp
from conftest import REPO

from hotline.lifecycle.derive import HANDLERS, ORDER_HANDLERS
from hotline.records.models import EVENT_TYPES

PKG = REPO / "src" / "hotline"
MAX_FUNCTION_LINES = 80
MAX_MODULE_LINES = 500
CONTRACTS = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["importlinter"]["contracts"]


def _cycles(graph: grimp.ImportGraph) -> list[list[str]]:
    """Strongly connected components with more than one module (Tarjan), i.e. import cycles."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on: set[str] = set()
    out: list[list[str]] = []
    counter = [0]

    def visit(v: str) -> None:
        index[v] = low[v] = counter[0]
        counter[0] += 1
        stack.append(v)
        on.add(v)
        for w in graph.find_modules_directly_imported_by(v):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            comp = []
            while True:
                w = stack.pop()
                on.discard(w)
                comp.append(w)
                if w == v:
                    break
            if len(comp) > 1:
                out.append(sorted(comp))

    sys.setrecursionlimit(10000)
    for m in sorted(graph.modules):
        if m not in index:
            visit(m)
    return out


def test_no_import_cycles_counting_function_level_and_type_only_imports():
    # grimp reads every import statement, inside functions and under TYPE_CHECKING included;
    # a package's __init__ counts as the package module, so a subpackage importing its parent counts too
    graph = grimp.build_graph("hotline", cache_dir=None)
    assert _cycles(graph) == []


def test_no_dynamic_imports_outside_the_command_line():
    # import_module would hide an edge from the cycle check; only the CLI loads its commands lazily
    users = [
        p.relative_to(PKG).as_posix() for p in PKG.rglob("*.py") if "import_module" in p.read_text(encoding="utf-8")
    ]
    assert users == ["cli/__init__.py"]


def test_layers_contract_holds():
    run = subprocess.run(
        [str(Path(sys.executable).with_name("lint-imports")), "--no-cache"], cwd=REPO, capture_output=True, text=True
    )
    assert run.returncode == 0, run.stdout[-3000:] + run.stderr[-2000:]
    assert f"{len(CONTRACTS)} kept, 0 broken" in run.stdout and len(CONTRACTS) >= 2


def test_no_dead_code():
    """vulture over the package (``[tool.vulture]``): every name defined is used, or named in the whitelist."""
    run = subprocess.run([str(Path(sys.executable).with_name("vulture"))], cwd=REPO, capture_output=True, text=True)
    assert run.returncode == 0, run.stdout[-3000:] + run.stderr[-2000:]


def _contract_layers() -> list[set[str]]:
    (layers,) = [c["layers"] for c in CONTRACTS if c["type"] == "layers"]
    return [{m.strip().removeprefix("hotline.") for m in layer.split("|")} for layer in layers]


def test_the_readme_layer_table_says_what_the_contract_says():
    """README 开发: one row per layer, top first, naming the rooms of that layer (``根目录``: the base modules)."""
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    section = readme[readme.index("\n## 开发") :]
    rows = re.findall(r"^\| (\d+) \| ([^|]+) \|", section, re.M)
    table = []
    for _, rooms in rows:
        names = set(re.findall(r"`([a-z_]+)(?:/|\.py)`", rooms))
        if "根目录" in rooms:
            names |= {"findings", "times", "workdays"}
        table.append(names)
    assert [int(n) for n, _ in rows] == list(range(1, len(rows) + 1))
    assert table == _contract_layers()
    rooms = {p.parent.name for p in PKG.glob("*/__init__.py")} | {"load", "findings", "times", "workdays"}
    assert set().union(*table) == rooms


def test_every_package_says_what_it_owns():
    missing = [
        p.relative_to(PKG).as_posix()
        for p in sorted(PKG.rglob("__init__.py"))
        if len(ast.get_docstring(ast.parse(p.read_text(encoding="utf-8"))) or "") < 60
    ]
    assert missing == []


def test_no_module_is_longer_than_500_lines():
    long = [
        f"{p.relative_to(PKG)} ({n} lines)"
        for p in sorted(PKG.rglob("*.py"))
        if (n := len(p.read_text(encoding="utf-8").splitlines())) > MAX_MODULE_LINES
    ]
    assert long == []


def test_package_root_keeps_only_entry_points_and_the_base():
    root_modules = sorted(p.name for p in PKG.glob("*.py"))
    assert len(root_modules) <= 10, root_modules
    assert root_modules == ["__init__.py", "__main__.py", "findings.py", "load.py", "times.py", "workdays.py"]


def _click_command(node: ast.FunctionDef) -> bool:
    """Decorated ``@….command(…)`` or ``@….group(…)``: its parameters are the options above it."""
    for d in node.decorator_list:
        call = d.func if isinstance(d, ast.Call) else d
        if isinstance(call, ast.Attribute) and call.attr in ("command", "group"):
            return True
    return False


def test_only_click_commands_go_unannotated():
    """mypy's ``disallow_untyped_defs`` is off for ``hotline.cli`` (pyproject.toml) for the click commands alone."""
    missing = []
    for p in sorted((PKG / "cli").glob("*.py")):
        for node in ast.walk(ast.parse(p.read_text(encoding="utf-8"))):
            if not isinstance(node, ast.FunctionDef) or _click_command(node):
                continue
            a = node.args
            params = [x for x in a.posonlyargs + a.args + a.kwonlyargs if x.arg not in ("self", "cls")]
            params += [x for x in (a.vararg, a.kwarg) if x is not None]
            if node.returns is None or any(x.annotation is None for x in params):
                missing.append(f"cli/{p.name}:{node.lineno} {node.name}")
    assert missing == []


def test_no_function_is_longer_than_about_80_lines():
    long = []
    for p in sorted(PKG.rglob("*.py")):
        for node in ast.walk(ast.parse(p.read_text(encoding="utf-8"))):
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                n = node.end_lineno - node.lineno + 1
                if n > MAX_FUNCTION_LINES:
                    long.append(f"{p.relative_to(PKG)}:{node.lineno} {node.name} ({n} lines)")
    assert long == []


def test_the_order_path_layout_is_written_in_one_module():
    found = subprocess.run(
        ["git", "grep", "-n", "-E", r"orders/\{|orders/\*/\*|root / \"orders\"|%Y\}/\{[a-z_.]*:%m", "--", "src"],
        cwd=REPO,
        capture_output=True,
        text=True,
        check=True,  # outside a Git checkout ``git grep`` fails: the test fails rather than find nothing
    ).stdout.splitlines()
    assert any(line.startswith("src/hotline/records/paths.py") for line in found)  # the pattern does find the layout
    assert [line for line in found if not line.startswith("src/hotline/records/paths.py")] == []


def test_every_event_type_has_exactly_one_lifecycle_handler():
    handled = set(HANDLERS) | set(ORDER_HANDLERS)
    assert not set(HANDLERS) & set(ORDER_HANDLERS)
    assert handled == set(EVENT_TYPES)
