"""The layout's limits (issue #15, "Done when"), read from the source with `ast`, no database:
no import circle between the modules of src/, no module in src/ over 500 lines, no test
module over 1,500, and no two modules in src/ sharing a file name (__init__.py aside)."""

from __future__ import annotations

import ast
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SRC = ROOT / "src"
TESTS = ROOT / "tests"
SRC_LIMIT = 500
TEST_LIMIT = 1500


def src_modules() -> dict[str, Path]:
    """Every module of src/ by its dotted name (a package by its own name)."""
    modules = {}
    for path in sorted(SRC.rglob("*.py")):
        parts = list(path.relative_to(SRC).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts.pop()
        modules[".".join(parts)] = path
    return modules


def lines_of(path: Path) -> int:
    return len(path.read_text(encoding="utf-8").splitlines())


def imported(name: str, path: Path, modules: dict[str, Path]) -> set[str]:
    """The modules of src/ that module `name` imports, anywhere in it (inside functions too).
    `from package import name` counts as importing the submodule when there is one."""
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            targets = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")
                anchor = anchor[: len(anchor) - (node.level - 1)]
                base = ".".join([*anchor, base] if base else anchor)
            targets = [f"{base}.{alias.name}" for alias in node.names] + [base]
        else:
            continue
        for target in targets:
            # the deepest module of src/ the target names (a.b.c -> a.b when c is a name)
            while target and target not in modules:
                target = target.rpartition(".")[0]
            if target and target != name:
                found.add(target)
    return found


def components(graph: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected components of more than one module (Tarjan): each a knot of
    modules that import each other, reported once."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for nxt in sorted(graph[node]):
            if nxt not in index:
                visit(nxt)
                low[node] = min(low[node], low[nxt])
            elif nxt in on_stack:
                low[node] = min(low[node], index[nxt])
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

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return sorted(found)


def path(graph: dict[str, set[str]], within: set[str], start: str, end: str) -> list[str]:
    """A shortest import path from `start` to `end` through the modules `within`."""
    paths = {start: [start]}
    frontier = [start]
    while frontier:
        following = []
        for node in frontier:
            for nxt in sorted(graph[node] & within):
                if nxt == end:
                    return [*paths[node], end]
                if nxt not in paths:
                    paths[nxt] = [*paths[node], nxt]
                    following.append(nxt)
        frontier = following
    raise AssertionError(f"no path from {start} to {end}")  # pragma: no cover


def circles(graph: dict[str, set[str]]) -> list[str]:
    """Each knot of modules, with a way round it through each of its members."""
    report = []
    for component in components(graph):
        within = set(component)
        start = component[0]
        ways = [
            path(graph, within, start, member)[:-1] + path(graph, within, member, start)
            for member in component[1:]
        ]
        report.append(
            f"  {len(component)} modules import each other: {', '.join(component)}\n"
            + "\n".join(f"    {' -> '.join(way)}" for way in ways)
        )
    return report


def test_no_import_circle_between_the_modules_of_src() -> None:
    modules = src_modules()
    graph = {name: imported(name, path, modules) for name, path in modules.items()}
    # A package's __init__ importing its own submodules is how a package is assembled, and a
    # submodule importing its parent package runs that __init__ first: neither is a circle.
    for name in graph:
        graph[name] = {
            other
            for other in graph[name]
            if not other.startswith(f"{name}.") and not name.startswith(f"{other}.")
        }
    found = circles(graph)
    assert not found, "import circles in src/:\n" + "\n".join(found)


def test_no_module_in_src_is_over_500_lines() -> None:
    over = {
        str(path.relative_to(ROOT)): lines_of(path)
        for path in src_modules().values()
        if lines_of(path) > SRC_LIMIT
    }
    assert not over, f"modules in src/ over {SRC_LIMIT} lines:\n" + "\n".join(
        f"  {path}: {count} lines" for path, count in sorted(over.items())
    )


def test_no_test_module_is_over_1500_lines() -> None:
    over = {
        str(path.relative_to(ROOT)): lines_of(path)
        for path in sorted(TESTS.rglob("*.py"))
        if lines_of(path) > TEST_LIMIT
    }
    assert not over, f"test modules over {TEST_LIMIT} lines:\n" + "\n".join(
        f"  {path}: {count} lines" for path, count in sorted(over.items())
    )


def test_no_two_modules_in_src_share_a_file_name() -> None:
    by_name: dict[str, list[str]] = defaultdict(list)
    for path in src_modules().values():
        if path.name != "__init__.py":
            by_name[path.name].append(str(path.relative_to(ROOT)))
    shared = {name: paths for name, paths in by_name.items() if len(paths) > 1}
    assert not shared, "modules in src/ sharing a file name:\n" + "\n".join(
        f"  {name} ({len(paths)}): {', '.join(paths)}" for name, paths in sorted(shared.items())
    )


# -- the read side's types -------------------------------------------------------------

QUERIES = SRC / "projections" / "queries"
ROUTES = SRC / "api" / "routes"
HTTP_METHODS = {"get", "post", "put", "patch", "delete", "head", "options"}


def names_any(annotation: ast.expr | None) -> bool:
    """Whether an annotation says `Any` anywhere in it (`Any`, `typing.Any`, "Any")."""
    if annotation is None:
        return False
    for node in ast.walk(annotation):
        if isinstance(node, ast.Name) and node.id == "Any":
            return True
        if isinstance(node, ast.Attribute) and node.attr == "Any":
            return True
        if isinstance(node, ast.Constant) and isinstance(node.value, str):
            try:
                parsed = ast.parse(node.value, mode="eval").body
            except SyntaxError:
                continue
            if names_any(parsed):
                return True
    return False


def signature_says_any(function: ast.FunctionDef | ast.AsyncFunctionDef) -> bool:
    arguments = function.args
    every = [
        *arguments.posonlyargs,
        *arguments.args,
        *arguments.kwonlyargs,
        *([arguments.vararg] if arguments.vararg else []),
        *([arguments.kwarg] if arguments.kwarg else []),
    ]
    return names_any(function.returns) or any(names_any(a.annotation) for a in every)


def public_functions(tree: ast.Module) -> list[tuple[str, ast.FunctionDef | ast.AsyncFunctionDef]]:
    """Module-level functions and the methods of module-level classes, not starting with _."""
    found: list[tuple[str, ast.FunctionDef | ast.AsyncFunctionDef]] = []
    for node in tree.body:
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            if not node.name.startswith("_"):
                found.append((node.name, node))
        elif isinstance(node, ast.ClassDef) and not node.name.startswith("_"):
            found += [
                (f"{node.name}.{method.name}", method)
                for method in node.body
                if isinstance(method, ast.FunctionDef | ast.AsyncFunctionDef)
                and not method.name.startswith("_")
            ]
    return found


def is_route(function: ast.FunctionDef | ast.AsyncFunctionDef) -> bool:
    return any(
        isinstance(decorator, ast.Call)
        and isinstance(decorator.func, ast.Attribute)
        and decorator.func.attr in HTTP_METHODS
        for decorator in function.decorator_list
    )


def typed_dicts_with_any(tree: ast.Module) -> list[str]:
    """The TypedDicts of a module (by base, also through another of its TypedDicts, or the
    functional form) with a field that says `Any`."""
    typed = {"TypedDict"}
    found: list[str] = []
    for node in tree.body:
        if isinstance(node, ast.ClassDef) and any(
            isinstance(base, ast.Name) and base.id in typed for base in node.bases
        ):
            typed.add(node.name)
            found += [
                f"{node.name}.{field.target.id}"
                for field in node.body
                if isinstance(field, ast.AnnAssign)
                and isinstance(field.target, ast.Name)
                and names_any(field.annotation)
            ]
        value = node.value if isinstance(node, ast.Assign | ast.AnnAssign) else None
        if (
            isinstance(value, ast.Call)
            and isinstance(value.func, ast.Name)
            and value.func.id == "TypedDict"
            and len(value.args) == 2
            and isinstance(value.args[1], ast.Dict)
        ):
            name = ast.literal_eval(value.args[0])
            typed.add(name)
            found += [
                f"{name}.{ast.literal_eval(key) if key else '**'}"
                for key, field in zip(value.args[1].keys, value.args[1].values, strict=True)
                if names_any(field)
            ]
    return found


def module_of(path: Path) -> str:
    return ".".join(path.relative_to(SRC).with_suffix("").parts)


def test_the_read_side_says_any_in_no_public_signature_and_no_row_type() -> None:
    offenders = []
    for path in sorted(QUERIES.glob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        offenders += [
            f"{module_of(path)}:{name}"
            for name, function in public_functions(tree)
            if signature_says_any(function)
        ]
        offenders += [
            f"{module_of(path)}:{field} (row type)" for field in typed_dicts_with_any(tree)
        ]
    for path in sorted(ROUTES.glob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        offenders += [
            f"{module_of(path)}:{node.name} (route)"
            for node in ast.walk(tree)
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef)
            and is_route(node)
            and signature_says_any(node)
        ]
    assert offenders == [], "`Any` in the read side's types:\n" + "\n".join(offenders)
