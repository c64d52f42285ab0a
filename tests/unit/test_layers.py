"""The package's layers read top-down: checked on the source's import statements."""

from __future__ import annotations

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[2] / "ocr_service"


def module_name(path: Path) -> str:
    parts = list(path.relative_to(PACKAGE.parent).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def imports_of(path: Path) -> set[str]:
    """Every ``ocr_service`` module that ``path`` imports, at any depth of the file."""
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found.update(a.name for a in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module)
            found.update(f"{node.module}.{a.name}" for a in node.names)
    return {m for m in found if m == "ocr_service" or m.startswith("ocr_service.")}


def sources() -> dict[str, set[str]]:
    return {module_name(p): imports_of(p) for p in sorted(PACKAGE.rglob("*.py"))}


def within(module: str, package: str) -> bool:
    return module == package or module.startswith(package + ".")


def test_nothing_below_the_api_imports_it() -> None:
    above = ("ocr_service.api", "ocr_service.cli")
    wrong = {
        module: sorted(m for m in imported if within(m, "ocr_service.api"))
        for module, imported in sources().items()
        if not any(within(module, a) for a in above)
    }
    assert {m: found for m, found in wrong.items() if found} == {}
