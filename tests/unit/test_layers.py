"""The package's layers read top-down: checked on the source's import statements."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
PACKAGE = REPO / "ocr_service"


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


def test_webhooks_and_observability_sit_below_the_queue() -> None:
    """The worker's jobs (``queue``) call webhooks and metrics; nothing calls back up."""
    below = {
        "ocr_service.observability": ("ocr_service.queue", "ocr_service.webhooks"),
        "ocr_service.webhooks": ("ocr_service.queue",),
    }
    wrong = {
        module: sorted(m for m in imported if any(within(m, u) for u in below[package]))
        for module, imported in sources().items()
        for package in below
        if within(module, package)
    }
    assert {m: found for m, found in wrong.items() if found} == {}


def test_webhook_delivery_loads_no_ocr_engine() -> None:
    code = (
        "import sys\n"
        "import ocr_service.webhooks.delivery\n"
        "heavy = ('cv2', 'tesserocr', 'pytesseract', 'onnxruntime', 'ocr_service.pipeline')\n"
        "print(','.join(m for m in heavy if m in sys.modules))\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=REPO
    )
    assert out.stdout.strip() == ""
