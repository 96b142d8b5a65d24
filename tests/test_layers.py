"""The layers of pledges/ import downward only, and no two modules import each other.

Read from the source (every import, also those inside functions: a lazy
import upward is still an upward import), so the check costs no Django setup.
"""

import ast
import pathlib

import pytest

PACKAGE = pathlib.Path(__file__).resolve().parent.parent / "pledges"

# Bottom to top. A module may import its own layer and those below it.
LAYERS = [
    ("core", ["pledges.errors", "pledges.core"]),
    ("models", ["pledges.models"]),
    ("db", ["pledges.db"]),
    ("rendering", ["pledges.rendering"]),
    ("services", ["pledges.services"]),
    ("web", ["pledges.web", "pledges.templatetags"]),
    ("entrances", ["pledges.admin", "pledges.management", "pledges.apps"]),
]


def layer_of(module: str) -> int | None:
    for index, (_name, prefixes) in enumerate(LAYERS):
        if any(module == prefix or module.startswith(prefix + ".") for prefix in prefixes):
            return index
    return None


def modules() -> dict[str, pathlib.Path]:
    found = {}
    for path in PACKAGE.rglob("*.py"):
        parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
        if "migrations" in parts:
            continue
        name = ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
        found[name] = path
    return found


def imports_of(name: str, path: pathlib.Path, known: set[str]) -> set[str]:
    """The pledges modules `name` imports (a `from a import b` names a.b if that is a module)."""
    package = name if path.name == "__init__.py" else name.rsplit(".", 1)[0]
    found = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                parent = package.rsplit(".", node.level - 1)[0] if node.level > 1 else package
                base = f"{parent}.{base}" if base else parent
            for alias in node.names:
                candidate = f"{base}.{alias.name}"
                found.add(candidate if candidate in known else base)
    return {module for module in found if module.split(".")[0] == "pledges"} - {name}


def graph() -> dict[str, set[str]]:
    found = modules()
    known = set(found)
    return {name: imports_of(name, path, known) & known for name, path in found.items()}


def test_every_module_belongs_to_a_layer():
    loose = [name for name in modules() if name != "pledges" and layer_of(name) is None]
    assert not loose, f"put these in a layer (tests/test_layers.py LAYERS): {loose}"


def test_layers_import_downward_only():
    upward = [
        f"{name} ({LAYERS[layer_of(name)][0]}) imports {target} ({LAYERS[layer_of(target)][0]})"
        for name, targets in graph().items()
        if layer_of(name) is not None
        for target in targets
        if layer_of(target) is not None and layer_of(target) > layer_of(name)
    ]
    assert not upward, "\n".join(upward)


def find_cycle(edges: dict[str, set[str]]) -> list[str] | None:
    state: dict[str, str] = {}
    trail: list[str] = []

    def visit(node):
        state[node] = "open"
        trail.append(node)
        for target in sorted(edges.get(node, ())):
            if state.get(target) == "open":
                return [*trail[trail.index(target) :], target]
            if target not in state and (cycle := visit(target)):
                return cycle
        state[node] = "done"
        trail.pop()
        return None

    for node in sorted(edges):
        if node not in state and (cycle := visit(node)):
            return cycle
    return None


def test_no_two_modules_import_each_other_even_through_others():
    # A package's __init__ re-exporting its modules is not a circle of code.
    edges = {
        name: {target for target in targets if not name.startswith(target + ".")}
        for name, targets in graph().items()
    }
    cycle = find_cycle(edges)
    assert cycle is None, " → ".join(cycle)


@pytest.mark.parametrize(
    ("edges", "expected"),
    [
        ({"a": {"b"}, "b": {"c"}, "c": {"a"}}, ["a", "b", "c", "a"]),
        ({"a": {"b"}, "b": {"c"}, "c": set()}, None),
    ],
)
def test_the_cycle_check_finds_a_circle_through_a_third_module(edges, expected):
    assert find_cycle(edges) == expected


def test_modules_stay_small():
    large = {
        name: lines
        for name, path in modules().items()
        if (lines := len(path.read_text().splitlines())) > 450
    }
    assert not large, f"split these (over ~400 lines): {large}"
