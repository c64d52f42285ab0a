"""The ``ocr-service`` command line.

Subcommands are registered by the modules of this package, each owning one area:
``templates`` (template tooling), ``read`` (read files), ``service`` (serve, worker,
keys, migrate, reconcile), ``bench`` (benchmark), ``synth`` (synthetic forms), ``ops``
(purge, webhooks) and ``watch`` (the scanner folder). One boundary turns
:class:`OcrServiceError` into a message and an exit code. ``python -m ocr_service.cli``
runs it too.
"""

from __future__ import annotations

import argparse
import importlib
import logging
import sys
from collections.abc import Callable, Sequence
from typing import Any

from ocr_service import __version__
from ocr_service.config import get_settings
from ocr_service.errors import OcrServiceError
from ocr_service.observability.logs import configure_logging

log = logging.getLogger("ocr_service")

Handler = Callable[[argparse.Namespace], int]

#: Modules with ``register(subparsers)``; each adds its subcommands and sets ``func``.
COMMAND_MODULES = (
    "ocr_service.cli.templates",
    "ocr_service.cli.read",
    "ocr_service.cli.service",
    "ocr_service.cli.bench",
    "ocr_service.cli.synth",
    "ocr_service.cli.ops",
    "ocr_service.cli.watch",
)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="ocr-service",
        description="Turn scanned application forms into checked, structured data.",
    )
    parser.add_argument("--version", action="version", version=f"ocr-service {__version__}")
    parser.add_argument("-v", "--verbose", action="store_true", help="log debug details")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name in COMMAND_MODULES:
        try:
            module = importlib.import_module(name)
        except ModuleNotFoundError as exc:
            if exc.name != name:
                raise
            continue
        register: Callable[[Any], None] = module.register
        register(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
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
