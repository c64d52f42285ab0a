"""A command imports only what it uses: ``--help``, ``templates list`` and the other light
commands start without OpenCV, onnxruntime, matplotlib, pandas or SQLAlchemy.

Each case runs in a fresh interpreter (this one has imported everything already) and
reports which of those libraries the command left in ``sys.modules``. How long start-up
takes is measured in ``docs/operations.md`` ("Start-up"), not asserted here.
"""

from __future__ import annotations

import argparse
import importlib
import json
import subprocess
import sys
from pathlib import Path

import pytest

from ocr_service.cli import COMMAND_MODULES, COMMANDS, build_parser, command_in

ROOT = Path(__file__).resolve().parents[2]
HEAVY = ("cv2", "onnxruntime", "matplotlib", "pandas", "sqlalchemy")

PROBE = """
import json, sys
from ocr_service.cli import main
try:
    code = main(sys.argv[1:])
except SystemExit as exc:
    code = exc.code
print(json.dumps({"code": code, "loaded": [m for m in HEAVY if m in sys.modules]}))
"""


def loaded_by(*argv: str) -> tuple[int, list[str]]:
    """Run ``ocr-service ARGV`` in a new interpreter: its exit code and the heavy modules
    it imported."""
    script = f"HEAVY = {HEAVY!r}\n{PROBE}"
    done = subprocess.run(
        [sys.executable, "-c", script, *argv],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=120,
        check=False,
    )
    last = done.stdout.strip().splitlines()[-1]
    report = json.loads(last)
    return report["code"], report["loaded"]


@pytest.mark.parametrize(
    ("argv", "allowed"),
    [
        (("--help",), ()),
        (("templates", "list"), ()),
        (("templates", "show", "jp_tennyu"), ()),
        (("templates", "--help"), ()),
        (("read", "--help"), ()),
        (("synth", "--help"), ()),
        (("watch", "--help"), ()),
        # every service command works on the database, so SQLAlchemy is theirs to load
        (("keys", "--help"), ("sqlalchemy",)),
        (("keys", "list", "--help"), ("sqlalchemy",)),
        (("worker", "--help"), ("sqlalchemy",)),
        (("purge", "--help"), ("sqlalchemy",)),
    ],
)
def test_a_light_command_imports_no_heavy_library(
    argv: tuple[str, ...], allowed: tuple[str, ...]
) -> None:
    code, loaded = loaded_by(*argv)
    assert code == 0
    assert [m for m in loaded if m not in allowed] == []


def test_the_probe_sees_a_heavy_import() -> None:
    """The probe itself can fail: ``templates preview`` loads OpenCV (and then refuses
    the unknown template)."""
    code, loaded = loaded_by("templates", "preview", "no_such_form", "-o", "/dev/null")
    assert code == 3
    assert "cv2" in loaded


def test_the_command_is_the_first_word_that_is_no_option() -> None:
    assert command_in(["-v", "templates", "list"]) == "templates"
    assert command_in(["--version"]) is None
    assert command_in([]) is None


def test_a_lazy_parser_still_lists_every_command() -> None:
    parser = build_parser(["templates", "list"])
    [sub] = [a for a in parser._actions if isinstance(a, argparse._SubParsersAction)]
    assert list(sub.choices) == list(COMMANDS)
    assert parser.parse_args(["templates", "list"]).func.__name__ == "cmd_list"


def test_each_module_registers_the_commands_the_table_gives_it() -> None:
    """A command moved to another module without its :data:`COMMANDS` entry would be a
    stub with no handler; a module's extra command would clash with a stub."""
    for module_name in COMMAND_MODULES:
        parser = argparse.ArgumentParser()
        sub = parser.add_subparsers()
        importlib.import_module(module_name).register(sub)
        expected = [name for name, c in COMMANDS.items() if c.module == module_name]
        assert list(sub.choices) == expected, module_name
