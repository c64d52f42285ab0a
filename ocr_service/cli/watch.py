"""``ocr-service watch DIR``: send what scanners drop into a folder (see ``ocr_service.watch``)."""

from __future__ import annotations

import argparse
import logging
import os
import signal
import sys
import threading
from pathlib import Path
from types import FrameType
from typing import Any

from ocr_service.cli import add_command
from ocr_service.errors import (
    AuthError,
    Conflict,
    InvalidValue,
    NotFound,
    OcrServiceError,
    TemplateError,
)
from ocr_service.watch.client import UploadClient
from ocr_service.watch.folder import ScanFolder
from ocr_service.watch.settle import Settler
from ocr_service.watch.watcher import Watcher

API_KEY_ENV = "OCR_API_KEY"
URL_ENV = "OCR_API_URL"
DEFAULT_URL = "http://127.0.0.1:8000"

EPILOG = f"""\
The folder gets processing/, done/ and failed/ subfolders. A file is taken once its size
and mtime have not changed for --settle seconds; dotfiles, ~*, *.tmp and *.part are left
alone. Accepted files go to done/ (NAME.upload.txt beside each names its upload), refused
ones to failed/ (NAME.reason.txt says why, in Japanese, with the error code). A restart
sends what is left in processing/ again; the service gives back the same upload.

The API key (a clerk's) is read from ${API_KEY_ENV}, never from the command line.
Exit codes: 0 stopped by SIGTERM or Ctrl-C; 2 a wrong or missing key, or another watcher
on the folder; 3 an unknown template."""

#: What a person should do when the watcher cannot start, by error class.
HINTS: tuple[tuple[type[OcrServiceError], str], ...] = (
    (
        AuthError,
        f"API キーが無効か、アップロードできない役割です。{API_KEY_ENV} を確認してください。",
    ),
    (TemplateError, "その様式（--template）はサービスにありません。様式 ID を確認してください。"),
    (Conflict, "このフォルダは別の watch がすでに監視しています。"),
    (NotFound, "送信先（--url）が ocr-service ではないようです。URL を確認してください。"),
    (InvalidValue, "設定を確認してください。"),
)


def register(sub: Any) -> None:
    p = add_command(
        sub,
        "watch",
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument("folder", type=Path, metavar="DIR", help="the folder the scanners write to")
    p.add_argument("--template", default=None, help="template id (default: classify each page)")
    p.add_argument(
        "--url",
        default=os.environ.get(URL_ENV, DEFAULT_URL),
        help=f"the service's base URL (default: ${URL_ENV} or {DEFAULT_URL})",
    )
    p.add_argument(
        "--settle",
        type=float,
        default=5.0,
        metavar="SECONDS",
        help="how long a file must stay unchanged before it is taken (default: 5)",
    )
    p.add_argument(
        "--poll",
        type=float,
        default=1.0,
        metavar="SECONDS",
        help="how often the folder is looked at (default: 1)",
    )
    p.set_defaults(func=cmd_watch)


def cmd_watch(args: argparse.Namespace) -> int:
    logging.getLogger("httpx").setLevel(logging.WARNING)  # one line per request otherwise
    stop = threading.Event()

    def request_stop(signum: int, frame: FrameType | None) -> None:
        stop.set()  # no print here: the main thread may be printing (a reentrant write)

    try:
        api_key = os.environ.get(API_KEY_ENV, "").strip()
        if not api_key:
            raise InvalidValue(f"set {API_KEY_ENV} to a clerk's API key")
        if args.settle < 0 or args.poll <= 0:
            raise InvalidValue("--settle must be 0 or more and --poll more than 0")
        client = UploadClient(url=args.url, api_key=api_key, template=args.template)
        watcher = Watcher(
            folder=ScanFolder(args.folder),
            client=client,
            settler=Settler(args.settle),
            poll_seconds=args.poll,
            stop=stop,
        )
        previous = {s: signal.signal(s, request_stop) for s in (signal.SIGTERM, signal.SIGINT)}
        template = args.template or "自動判別"
        print(f"監視を開始します: {args.folder} (様式 {template}, 送信先 {client.url})", flush=True)
        try:
            watcher.run()
        finally:
            client.close()
            for sig, handler in previous.items():
                signal.signal(sig, handler)
    except OcrServiceError as exc:
        hint = next((text for cls, text in HINTS if isinstance(exc, cls)), None)
        if hint:
            print(hint, file=sys.stderr)
        raise
    print("停止しました", flush=True)
    return 0
