"""The ``ocr-service`` command is one package, ``ocr_service/cli/``, one module per area."""

from __future__ import annotations

import argparse
import importlib

from ocr_service.cli import COMMAND_MODULES, build_parser


def subcommands(parser: argparse.ArgumentParser) -> set[str]:
    [sub] = [a for a in parser._actions if isinstance(a, argparse._SubParsersAction)]
    return set(sub.choices)


def test_every_command_module_imports() -> None:
    """``build_parser`` imports only the module of the command it runs; a renamed one must
    fail here, not when someone first runs its command."""
    for name in COMMAND_MODULES:
        assert name.startswith("ocr_service.cli.")
        importlib.import_module(name)


def test_the_command_offers_every_area() -> None:
    assert subcommands(build_parser()) == {
        "templates",
        "read",
        "serve",
        "worker",
        "migrate",
        "keys",
        "reconcile",
        "bench",
        "synth",
        "purge",
        "webhooks",
        "watch",
    }
