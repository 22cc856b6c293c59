"""The package's modules import one another in one direction: no module imports itself back through
others (a cycle, even through an import inside a function), and an app imports only apps to its left
in the layering of docs/DEVELOPING.md. Tests are left out: a test may use any app it tests with."""
import ast
from pathlib import Path

import kechuang

PACKAGE = Path(kechuang.__file__).resolve().parent
# The app order (an app may import only the apps before it). The demo package is a building block
# every app registers with, so it sits with core; the project modules (settings, urls, wsgi) gather
# every app and are outside the order.
LAYERS = [("core", "demo")] + [(app,) for app in (
    "registry", "policy", "cultivation", "techmarket", "projects", "vouchers", "carriers", "talent", "finance",
    "plan", "dashboards",
)]
LAYER_OF = {app: rank for rank, apps in enumerate(LAYERS) for app in apps}


def module_name(path: Path) -> str:
    parts = list(path.relative_to(PACKAGE.parent).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def product_modules() -> dict[str, Path]:
    return {
        module_name(path): path
        for path in PACKAGE.rglob("*.py")
        if "tests" not in path.parts and "migrations" not in path.parts
    }


def imports_of(name: str, path: Path, known: set[str]) -> set[str]:
    """The kechuang modules `name` imports anywhere in its file (functions included)."""
    found = set()
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            targets = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                base = ".".join(package.split(".")[: len(package.split(".")) - node.level + 1] + ([base] if base else []))
            targets = [f"{base}.{alias.name}" for alias in node.names] + [base]
        else:
            continue
        for target in targets:
            while target and target not in known:
                target = target.rpartition(".")[0]
            if target.startswith("kechuang.") and target != name:
                found.add(target)
    return found


def graph() -> dict[str, set[str]]:
    modules = product_modules()
    known = set(modules)
    return {name: imports_of(name, path, known) for name, path in modules.items()}


def app_of(module: str) -> str | None:
    parts = module.split(".")
    return parts[1] if len(parts) > 1 and parts[1] in LAYER_OF else None


def find_cycle(edges: dict[str, set[str]]) -> list[str] | None:
    state, stack = {}, []

    def visit(node):
        state[node] = "open"
        stack.append(node)
        for target in sorted(edges.get(node, ())):
            if state.get(target) == "open":
                return stack[stack.index(target):] + [target]
            if target not in state:
                cycle = visit(target)
                if cycle:
                    return cycle
        stack.pop()
        state[node] = "done"
        return None

    for node in sorted(edges):
        if node not in state:
            cycle = visit(node)
            if cycle:
                return cycle
    return None


def test_the_cycle_finder_finds_a_cycle():
    assert find_cycle({"a": {"b"}, "b": {"c"}, "c": {"a"}}) == ["a", "b", "c", "a"]
    assert find_cycle({"a": {"b"}, "b": set()}) is None


def test_no_module_imports_itself_back():
    cycle = find_cycle(graph())
    assert cycle is None, " → ".join(cycle)


def test_every_app_imports_only_apps_to_its_left():
    wrong = sorted(
        f"{module} → {target}"
        for module, targets in graph().items()
        for target in targets
        if app_of(module) and app_of(target) and app_of(module) != app_of(target)
        and LAYER_OF[app_of(target)] >= LAYER_OF[app_of(module)]
        and not {app_of(module), app_of(target)} <= set(LAYERS[0])
    )
    assert not wrong, "\n".join(wrong)


def test_every_app_has_a_layer():
    apps = {path.parent.name for path in PACKAGE.glob("*/apps.py")} | {"demo"}
    assert apps <= set(LAYER_OF), sorted(apps - set(LAYER_OF))
