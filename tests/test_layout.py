"""The layout holds: imports point one way (`ui → qa → index`, and inside `qa` from the jobs on top to the
shared records below), no import circle, no module over 600 lines, and the lab is not installed.

Imports are read from the source (every `import` statement, at the top or inside a function), so the
check needs no package to load: `python -m pytest tests/test_layout.py` runs in a second."""

from __future__ import annotations

import ast
import tomllib
from collections.abc import Iterator
from pathlib import Path

import pytest
from setuptools import find_packages

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ("index", "qa", "ui", "lab")
MAX_LINES = 600

# Each module's layer; a module imports only from its own layer or lower ones. The top-level packages
# first (`index` the offline side, `qa` the online side, `ui` the terminal and the browser, the lab
# above them all), then the jobs inside `qa`, lowest first.
LAYERS: tuple[tuple[str, int], ...] = (
    ("index", 0),
    ("qa.models", 10),
    ("qa.nlp", 10),
    ("qa.mojibake", 10),  # mojibake read back, for matching names
    ("qa.attribute_rules", 10),  # spaCy's attribute ruler by table lookup (qa.nlp installs it)
    ("qa.lexical", 10),
    ("qa.spanmodel", 10),  # int8 ONNX span models: windows in, spans out
    ("qa.quotes", 11),  # extracting quotes at index time, and answering who-said from them
    ("qa.factcheck", 12),  # the quote check and a speaker's record
    ("qa.library", 13),  # adding, removing and listing articles
    ("qa.answering", 14),  # a question to a cited answer
    ("qa.engine", 15),  # the library and the answerer: the one entry point of the CLI and the app
    ("qa.formats", 16),  # JSON records and exports
    ("qa.evaluation", 17),  # `qa eval`
    ("ui", 20),
    ("lab", 30),
)
# Imports inside a function are for modules that load a heavy library on import: gradio's owner
# here (the CLI imports it for `qa serve` only).
LAZY_ALLOWED = {("ui.cli", "ui.app")}


def layer(module: str) -> int:
    if module == "qa":  # the package itself holds nothing
        return 10
    for prefix, rank in LAYERS:
        if module == prefix or module.startswith(prefix + "."):
            return rank
    raise AssertionError(f"{module} has no layer in tests/test_layout.py: add its package to LAYERS")


def modules() -> dict[str, Path]:
    found = {}
    for package in PACKAGES:
        for path in sorted((ROOT / package).rglob("*.py")):
            parts = path.relative_to(ROOT).with_suffix("").parts
            name = ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
            found[name] = path
    return found


MODULES = modules()


def project_imports(name: str, path: Path) -> Iterator[tuple[str, bool]]:
    """(imported project module, whether the import stands inside a function) for each import."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    inside = {
        id(node)
        for function in ast.walk(tree)
        if isinstance(function, ast.FunctionDef | ast.AsyncFunctionDef)
        for node in ast.walk(function)
    }
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            targets = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join([*anchor, base] if base else anchor)
            targets = [f"{base}.{alias.name}" for alias in node.names]
        else:
            continue
        for target in targets:
            while target not in MODULES and "." in target:
                target = target.rpartition(".")[0]
            if target in MODULES and target != name:
                yield target, id(node) in inside


GRAPH = {name: sorted(set(project_imports(name, path))) for name, path in MODULES.items()}


def test_every_module_has_a_layer() -> None:
    for name in MODULES:
        layer(name)


def test_imports_point_down_the_layers() -> None:
    upward = [
        f"{name} imports {target}"
        for name, imports in GRAPH.items()
        for target, _ in imports
        if layer(target) > layer(name)
    ]
    assert upward == []


def test_project_modules_are_imported_at_the_top() -> None:
    lazy = [
        f"{name} imports {target} inside a function"
        for name, imports in GRAPH.items()
        for target, inside in imports
        if inside and (name, target) not in LAZY_ALLOWED
    ]
    assert lazy == []


def test_no_import_circle() -> None:
    edges = {name: {target for target, _ in imports} for name, imports in GRAPH.items()}
    circles = []
    state: dict[str, str] = {}

    def visit(name: str, path: list[str]) -> None:
        state[name] = "open"
        for target in sorted(edges[name]):
            if state.get(target) == "open":
                circles.append(" -> ".join([*path[path.index(target) :], target]))
            elif target not in state:
                visit(target, [*path, target])
        state[name] = "done"

    for name in sorted(edges):
        if name not in state:
            visit(name, [name])
    assert circles == []


@pytest.mark.parametrize("name", sorted(MODULES))
def test_no_module_is_over_600_lines(name: str) -> None:
    lines = len(MODULES[name].read_text(encoding="utf-8").splitlines())
    assert lines <= MAX_LINES, f"{MODULES[name]} has {lines} lines: split it by job"


def test_the_lab_is_not_installed_and_the_product_is() -> None:
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    include = config["tool"]["setuptools"]["packages"]["find"]["include"]
    installed = set(find_packages(str(ROOT), include=include))
    product = {name for name, path in MODULES.items() if path.name == "__init__.py"}
    assert {p for p in installed if p.split(".")[0] == "lab"} == set()
    assert {p for p in product if p.split(".")[0] != "lab"} <= installed
