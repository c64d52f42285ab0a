"""The Dockerfile keeps what the docs promise, and its steps work where they can run here.

No Docker engine runs on the development machines or in CI, so the image is not built.
Instead the Dockerfile is parsed and checked (multi-stage, non-root user, health check,
Tesseract language data, poppler, templates, entry point), and its steps are replayed
in order where possible: every apt package must exist in Debian (``apt-cache show``),
the builder's COPY lines are copied into a scratch folder and ``pip wheel`` builds the
service's wheel there, and the wheel must hold what ``pip install`` in the final stage
needs (the ``ocr-service`` command, migrations, web assets, the worker package).
"""

from __future__ import annotations

import json
import re
import shlex
import shutil
import subprocess
import sys
import tomllib
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
DOCKERFILE = REPO / "Dockerfile"
LANGUAGE_PACKS = (
    "tesseract-ocr-eng",
    "tesseract-ocr-jpn",
    "tesseract-ocr-jpn-vert",
    "tesseract-ocr-osd",
)


@dataclass
class Stage:
    image: str
    name: str | None
    steps: list[tuple[str, str]] = field(default_factory=list)

    def all(self, instruction: str) -> list[str]:
        return [args for ins, args in self.steps if ins == instruction]

    def last(self, instruction: str) -> str | None:
        found = self.all(instruction)
        return found[-1] if found else None


def parse(text: str) -> tuple[dict[str, str], list[Stage]]:
    """``(global ARG defaults, stages)``; continuation lines joined, comments dropped."""
    lines: list[str] = []
    current = ""
    for raw in text.splitlines():
        stripped = raw.strip()
        if not current and (not stripped or stripped.startswith("#")):
            continue
        if stripped.startswith("#"):
            continue
        if stripped.endswith("\\"):
            current += stripped[:-1] + " "
            continue
        lines.append(current + stripped)
        current = ""
    args: dict[str, str] = {}
    stages: list[Stage] = []
    for line in lines:
        instruction, _, rest = line.partition(" ")
        instruction = instruction.upper()
        rest = re.sub(r"\s+", " ", rest).strip()
        if instruction == "FROM":
            parts = rest.split()
            image = re.sub(r"\$\{(\w+)\}", lambda m: args.get(m.group(1), ""), parts[0])
            name = parts[2] if len(parts) >= 3 and parts[1].upper() == "AS" else None
            stages.append(Stage(image=image, name=name))
        elif instruction == "ARG" and not stages:
            key, _, default = rest.partition("=")
            args[key] = default
        elif stages:
            stages[-1].steps.append((instruction, rest))
    return args, stages


@pytest.fixture(scope="module")
def stages() -> list[Stage]:
    return parse(DOCKERFILE.read_text(encoding="utf-8"))[1]


@pytest.fixture(scope="module")
def final(stages: list[Stage]) -> Stage:
    return stages[-1]


def apt_packages(stage: Stage) -> list[str]:
    packages: list[str] = []
    for run in stage.all("RUN"):
        for command in run.split("&&"):
            words = shlex.split(command)
            if "apt-get" in words and "install" in words:
                packages += [
                    w for w in words[words.index("install") + 1 :] if not w.startswith("-")
                ]
    return packages


def test_multi_stage_on_python_311_slim_bookworm(stages: list[Stage]) -> None:
    assert len(stages) >= 2
    assert all(s.image == "python:3.11-slim-bookworm" for s in stages)
    builder = next(s for s in stages if s.name == "builder")
    assert any("pip wheel" in r and r.rstrip().endswith(" .") for r in builder.all("RUN"))
    assert any(c.startswith("--from=builder ") for c in stages[-1].all("COPY"))


def test_final_stage_has_the_ocr_runtime_and_no_fonts(final: Stage) -> None:
    packages = apt_packages(final)
    for package in ("tesseract-ocr", *LANGUAGE_PACKS, "poppler-utils"):
        assert package in packages
    assert not [p for p in packages if p.startswith("fonts-")], "no fonts are needed at run time"
    assert not [p for p in packages if p in ("build-essential", "gcc", "g++")]
    assert any("--no-install-recommends" in r for r in final.all("RUN"))
    assert any("rm -rf /var/lib/apt/lists" in r for r in final.all("RUN"))


def test_runs_as_the_unprivileged_ocr_user(final: Stage) -> None:
    user = final.last("USER")
    assert user is not None and user.split(":")[0] == "ocr"
    created = " ".join(final.all("RUN"))
    assert re.search(r"useradd .*--uid 10001 ", created)
    assert re.search(r"groupadd .*--gid 10001 ", created)
    # USER comes after every step that needs root
    instructions = [ins for ins, _ in final.steps]
    assert instructions.index("USER") > max(i for i, ins in enumerate(instructions) if ins == "RUN")


def test_health_check_asks_healthz_with_urllib(final: Stage) -> None:
    check = final.last("HEALTHCHECK")
    assert check is not None and "CMD" in check
    assert "/healthz" in check and "urllib.request" in check
    command = json.loads(check[check.index("CMD") + 3 :].strip())
    assert command[:2] == ["python", "-c"]
    compile(command[2], "<healthcheck>", "exec")  # the one-liner is valid Python


def test_entrypoint_and_default_command(final: Stage) -> None:
    assert json.loads(final.last("ENTRYPOINT") or "null") == ["ocr-service"]
    assert json.loads(final.last("CMD") or "null") == [
        "serve",
        "--host",
        "0.0.0.0",
        "--port",
        "8000",
    ]
    assert "8000" in (final.last("EXPOSE") or "")
    scripts = tomllib.loads((REPO / "pyproject.toml").read_text())["project"]["scripts"]
    assert scripts["ocr-service"] == "ocr_service.cli:main"


def test_templates_are_copied_where_the_settings_look(final: Stage) -> None:
    copies = [c.split() for c in final.all("COPY") if not c.startswith("--from")]
    templates = [c for c in copies if c[0] == "templates_forms"]
    assert templates, "templates_forms/ is not copied"
    workdir = final.last("WORKDIR") or "/"
    target = templates[0][-1]
    target_path = (
        target if target.startswith("/") else f"{workdir.rstrip('/')}/{target.removeprefix('./')}"
    )
    env = " ".join(final.all("ENV"))
    assert f"OCR_TEMPLATES_DIR={target_path.rstrip('/')}" in env
    assert "OCR_DATA_DIR=/data" in env
    assert "OCR_CACHE_DIR=/data/cache" in env  # the split PP-OCR head, kept across starts
    assert (REPO / "templates_forms").is_dir()


def test_dockerignore_keeps_what_the_build_copies() -> None:
    ignored = {
        line.strip()
        for line in (REPO / ".dockerignore").read_text().splitlines()
        if line.strip() and not line.startswith("#")
    }
    for needed in ("pyproject.toml", "README.md", "ocr_service", "worker", "templates_forms"):
        assert needed not in ignored
    assert {".git", ".venv", "data"} <= ignored


def test_apt_packages_exist_in_debian(stages: list[Stage]) -> None:
    """Step ``apt-get install``: every package name must be known to apt."""
    if shutil.which("apt-cache") is None:
        pytest.skip("apt-cache is not available (not a Debian-family machine)")
    if not list(Path("/var/lib/apt/lists").glob("*Packages*")):
        pytest.skip("apt has no package lists; run 'apt-get update' first")
    missing = []
    for stage in stages:
        for package in apt_packages(stage):
            found = subprocess.run(
                ["apt-cache", "show", "--no-all-versions", package],
                capture_output=True,
                text=True,
                check=False,
            )
            if found.returncode != 0 or "Package:" not in found.stdout:
                missing.append(package)
    assert missing == []


@pytest.mark.slow
def test_builder_steps_build_an_installable_wheel(stages: list[Stage], tmp_path: Path) -> None:
    """Replay the builder: its COPY lines into a scratch folder, then ``pip wheel`` there."""
    builder = next(s for s in stages if s.name == "builder")
    src = tmp_path / "src"
    src.mkdir()
    for copy in builder.all("COPY"):
        *sources, dest = copy.split()
        for source in sources:
            origin = REPO / source
            target = src / dest / origin.name if dest.endswith("/") else src / dest
            if origin.is_dir():
                shutil.copytree(origin, target, ignore=shutil.ignore_patterns("__pycache__"))
            else:
                target.parent.mkdir(parents=True, exist_ok=True)
                shutil.copy2(origin, target)
    wheels = tmp_path / "wheels"
    built = subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            "--no-deps",
            "--wheel-dir",
            str(wheels),
            ".",
        ],
        cwd=src,
        capture_output=True,
        text=True,
        check=False,
    )
    assert built.returncode == 0, built.stderr[-2000:]
    [wheel] = list(wheels.glob("ocr_service-*.whl"))
    with zipfile.ZipFile(wheel) as zf:
        names = set(zf.namelist())
        entry_points = next(n for n in names if n.endswith("entry_points.txt"))
        assert "ocr-service = ocr_service.cli:main" in zf.read(entry_points).decode()
    assert "ocr_service/cli/__init__.py" in names and "worker/__init__.py" in names
    migrations = {n for n in names if n.startswith("ocr_service/db/migrations/versions/v")}
    shipped = {
        f"ocr_service/db/migrations/versions/{p.name}"
        for p in (REPO / "ocr_service/db/migrations/versions").glob("v*.py")
    }
    assert shipped and shipped <= migrations
    assert "ocr_service/db/migrations/script.py.mako" in names
    web = {
        p.relative_to(REPO).as_posix()
        for p in (REPO / "ocr_service").rglob("*")
        if p.suffix in (".html", ".js", ".css")
    }
    assert web <= names, "web assets missing from the wheel"
