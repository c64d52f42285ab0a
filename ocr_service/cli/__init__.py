"""The ``ocr-service`` command line.

Subcommands are registered by the modules of this package, each owning one area:
``templates`` (template tooling), ``read`` (read files), ``service`` (serve, worker,
keys, migrate, reconcile), ``bench`` (benchmark), ``synth`` (synthetic forms), ``ops``
(purge, webhooks) and ``watch`` (the scanner folder). One boundary turns
:class:`OcrServiceError` into a message and an exit code. ``python -m ocr_service.cli``
runs it too.

Start-up stays short because a command imports only what it uses: :data:`COMMANDS`
names each command's module and one-line help, so ``ocr-service --help`` imports no
command module and ``ocr-service templates list`` only ``cli/templates.py``; the other
commands are listed by name and help alone. Within a module, a handler imports the heavy
libraries it needs (OpenCV, the pipeline, the database) when it runs, so the module's
parser builds without them. ``tests/unit/test_cli_startup.py`` holds both to it.
"""

from __future__ import annotations

import argparse
import importlib
import logging
import sys
from collections.abc import Callable, Sequence
from typing import Any, NamedTuple

from ocr_service import __version__
from ocr_service.config import get_settings
from ocr_service.errors import OcrServiceError
from ocr_service.observability.logs import configure_logging

log = logging.getLogger("ocr_service")

Handler = Callable[[argparse.Namespace], int]


class Command(NamedTuple):
    module: str
    help: str


#: Every command, in the order ``--help`` lists them: the module whose ``register(sub)``
#: adds it (and sets ``func``), and its help line.
COMMANDS: dict[str, Command] = {
    "templates": Command(
        "ocr_service.cli.templates", "list, check, show, preview and author form templates"
    ),
    "read": Command("ocr_service.cli.read", "read every page of a scan file into documents"),
    "serve": Command("ocr_service.cli.service", "run the HTTP API (runs migrations first)"),
    "worker": Command("ocr_service.cli.service", "run a queue worker (loads the OCR engines once)"),
    "migrate": Command("ocr_service.cli.service", "create or upgrade the database tables"),
    "keys": Command("ocr_service.cli.service", "manage API keys"),
    "reconcile": Command("ocr_service.cli.service", "enqueue pages stuck in queued/processing"),
    "bench": Command(
        "ocr_service.cli.bench", "benchmark the pipeline (and a naive baseline) on generated pages"
    ),
    "synth": Command(
        "ocr_service.cli.synth",
        "write generated filled forms (PNG + truth JSON) for trying the service out",
    ),
    "purge": Command(
        "ocr_service.cli.ops",
        "delete images and values of documents past retention (keeps audit metadata)",
    ),
    "webhooks": Command("ocr_service.cli.ops", "manage webhooks and read their delivery log"),
    "watch": Command(
        "ocr_service.cli.watch",
        "send the files scanners drop into a folder, then file them in done/ or failed/",
    ),
}

#: Modules with ``register(subparsers)``; each adds its commands of :data:`COMMANDS`.
COMMAND_MODULES = tuple(dict.fromkeys(c.module for c in COMMANDS.values()))


def add_command(sub: Any, name: str, **kwargs: Any) -> argparse.ArgumentParser:
    """Add the command ``name`` of :data:`COMMANDS` with its help line (for ``register``)."""
    parser: argparse.ArgumentParser = sub.add_parser(name, help=COMMANDS[name].help, **kwargs)
    return parser


def command_in(argv: Sequence[str]) -> str | None:
    """The command an argument list runs: its first word that is not an option (the
    top-level options take no value), or None."""
    return next((arg for arg in argv if not arg.startswith("-")), None)


def build_parser(argv: Sequence[str] | None = None) -> argparse.ArgumentParser:
    """The whole command line; given the arguments, only the module of the command they
    run is imported, and every other command is a name and a help line."""
    parser = argparse.ArgumentParser(
        prog="ocr-service",
        description="Turn scanned application forms into checked, structured data.",
    )
    parser.add_argument("--version", action="version", version=f"ocr-service {__version__}")
    parser.add_argument("-v", "--verbose", action="store_true", help="log debug details")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    if argv is None:
        wanted = set(COMMAND_MODULES)
    else:
        command = COMMANDS.get(command_in(argv) or "")
        wanted = {command.module} if command else set()
    registered: set[str] = set()
    for name, command in COMMANDS.items():
        if command.module in wanted:
            if command.module not in registered:
                _register(sub, command.module)
                registered.add(command.module)
        else:
            sub.add_parser(name, help=command.help)
    return parser


def _register(sub: Any, module_name: str) -> None:
    module = importlib.import_module(module_name)
    register: Callable[[Any], None] = module.register
    register(sub)


def main(argv: Sequence[str] | None = None) -> int:
    arguments = sys.argv[1:] if argv is None else list(argv)
    parser = build_parser(arguments)
    args = parser.parse_args(arguments)
    configure_logging(
        level=logging.DEBUG if args.verbose else logging.INFO, fmt=get_settings().log_format
    )
    func: Handler | None = getattr(args, "func", None)
    if func is None:
        parser.print_help()
        return 2
    try:
        return func(args)
    except OcrServiceError as exc:
        print(f"error [{exc.code}]: {exc.message}", file=sys.stderr)
        return exc.exit_code
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130
