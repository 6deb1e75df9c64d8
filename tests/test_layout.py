"""The layout keeps itself: imports of the project's own modules are written at the top of a module, so
that import-linter (`make lint`) sees every dependency and no cycle hides inside a function."""

import ast
import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = {"config", "core", "accounts", "consultations", "calls", "budgets", "commons", "reports"}
PACKAGES |= {"opendata", "api", "cms", "search"}


def _application_modules() -> list[str]:
    files = subprocess.run(
        ["git", "ls-files", "*.py"], cwd=ROOT, capture_output=True, text=True, check=True
    ).stdout.split()
    return [f for f in files if f.split("/")[0] in PACKAGES and "/migrations/" not in f]


def _imports_inside_functions(path: str) -> list[str]:
    tree = ast.parse((ROOT / path).read_text(), filename=path)
    found = []
    for function in ast.walk(tree):
        if not isinstance(function, ast.FunctionDef | ast.AsyncFunctionDef):
            continue
        if function.name == "ready":  # AppConfig.ready(): where Django wants listeners connected
            continue
        for node in ast.walk(function):
            names = []
            if isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                names = [node.module]
            elif isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            found += [
                f"{path}:{node.lineno} ({function.name}) imports {name}"
                for name in names
                if name.split(".")[0] in PACKAGES
            ]
    return found


def test_no_module_of_the_project_is_imported_inside_a_function():
    found = [line for path in _application_modules() for line in _imports_inside_functions(path)]
    assert found == []


def test_relative_imports_are_not_used():
    """Absolute imports name the package, so a module's layer is read from its imports."""
    relative = [
        f"{path}:{node.lineno}"
        for path in _application_modules()
        for node in ast.walk(ast.parse((ROOT / path).read_text()))
        if isinstance(node, ast.ImportFrom) and node.level > 0
    ]
    assert relative == []
