"""Migrations are history: they never import app code, whose later changes would rewrite what an
old migration does on a fresh database (DESIGN.md; SQL and values are frozen into the file)."""

import ast
from pathlib import Path

import kartoteka

APPS = Path(kartoteka.__file__).parent


def _imported_modules(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
    return names


def test_no_migration_imports_app_code():
    offending = {
        str(path.relative_to(APPS)): sorted(m for m in _imported_modules(path) if m.split(".")[0] == "kartoteka")
        for path in sorted(APPS.glob("*/migrations/*.py"))
    }
    assert {path: modules for path, modules in offending.items() if modules} == {}
