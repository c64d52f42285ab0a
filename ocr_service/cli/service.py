"""Service commands: ``serve``, ``worker``, ``migrate``, ``keys``, ``reconcile``.

Every one of them works on the database, so SQLAlchemy loads with the parser; alembic,
Redis and the worker (the pipeline, OpenCV, the OCR engines) load in the handlers that
use them, so ``keys list`` starts without them (see :mod:`ocr_service.cli`).
"""

from __future__ import annotations

import argparse
import os
import sys
from datetime import timedelta
from typing import Any

from ocr_service.auth import Role, create_key, list_keys, revoke_key
from ocr_service.cli import add_command
from ocr_service.config import get_settings
from ocr_service.db.session import (
    SessionFactory,
    make_engine,
    make_session_factory,
    session_scope,
)


def register(sub: Any) -> None:
    serve = add_command(sub, "serve")
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=int, default=8000)
    serve.add_argument("--workers", type=int, default=1, help="uvicorn worker processes")
    serve.add_argument("--no-migrate", action="store_true", help="skip migrations")
    serve.set_defaults(func=cmd_serve)

    worker = add_command(sub, "worker")
    worker.add_argument("--burst", action="store_true", help="quit when the queues are empty")
    worker.add_argument("--queue", action="append", default=[], help="queue name (repeatable)")
    worker.add_argument(
        "--webhooks-only",
        action="store_true",
        help="deliver webhooks only, from <OCR_QUEUE_NAME>-webhooks (loads no OCR engine)",
    )
    worker.set_defaults(func=cmd_worker)

    migrate = add_command(sub, "migrate")
    migrate.add_argument("--revision", default="head")
    migrate.set_defaults(func=cmd_migrate)

    keys = add_command(sub, "keys")
    keys_sub = keys.add_subparsers(dest="keys_command", metavar="ACTION", required=True)
    create = keys_sub.add_parser("create", help="create a key and print it (shown only once)")
    create.add_argument("--role", required=True, choices=[r.value for r in Role])
    create.add_argument("--name", required=True, help="who or what uses the key")
    create.set_defaults(func=cmd_keys_create)
    listing = keys_sub.add_parser("list", help="list keys (ids, never the keys)")
    listing.set_defaults(func=cmd_keys_list)
    revoke = keys_sub.add_parser("revoke", help="revoke a key by id")
    revoke.add_argument("key_id")
    revoke.set_defaults(func=cmd_keys_revoke)

    recon = add_command(sub, "reconcile")
    recon.add_argument(
        "--older-than",
        type=int,
        default=None,
        metavar="SECONDS",
        help="staleness threshold (default: OCR_RECONCILE_AFTER_SECONDS)",
    )
    recon.set_defaults(func=cmd_reconcile)


def cmd_serve(args: argparse.Namespace) -> int:
    """Migrate, then replace this process by uvicorn.

    ``exec`` gives the API a fresh interpreter: whatever other command modules imported
    to build the parser does not stay loaded in the API process.
    """
    from ocr_service.db.migrate import upgrade

    settings = get_settings()
    settings.check_secrets()
    if not args.no_migrate:
        settings.data_dir.mkdir(parents=True, exist_ok=True)
        upgrade(settings.database_url)
    argv = [
        sys.executable,
        "-m",
        "uvicorn",
        "--factory",
        "ocr_service.api.app:create_app",
        "--host",
        args.host,
        "--port",
        str(args.port),
        "--workers",
        str(args.workers),
    ]
    os.execv(sys.executable, argv)


def cmd_worker(args: argparse.Namespace) -> int:
    from ocr_service.worker_context import limit_threads

    limit_threads()  # before the engines load: Tesseract reads OMP_THREAD_LIMIT then
    from worker import run  # loads the pipeline; the other commands must not

    run(get_settings(), burst=args.burst, queues=args.queue, webhooks_only=args.webhooks_only)
    return 0


def cmd_migrate(args: argparse.Namespace) -> int:
    from ocr_service.db.migrate import upgrade

    settings = get_settings()
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    upgrade(settings.database_url, args.revision)
    print(f"database is at revision {args.revision}")
    return 0


def _sessions() -> SessionFactory:
    return make_session_factory(make_engine(get_settings().database_url))


def cmd_keys_create(args: argparse.Namespace) -> int:
    with session_scope(_sessions()) as session:
        row, key = create_key(session=session, role=Role(args.role), name=args.name)
    print(f"created key {row.id} ({row.role}, {row.name}). Store it now; it is not shown again:")
    print(key)
    return 0


def cmd_keys_list(args: argparse.Namespace) -> int:
    with session_scope(_sessions()) as session:
        rows = list_keys(session=session)
    print(f"{'id':<14} {'role':<9} {'created':<20} {'revoked':<20} name")
    for r in rows:
        revoked = r.revoked_at.strftime("%Y-%m-%d %H:%M:%S") if r.revoked_at else "-"
        created = r.created_at.strftime("%Y-%m-%d %H:%M:%S")
        print(f"{r.id:<14} {r.role:<9} {created:<20} {revoked:<20} {r.name}")
    return 0


def cmd_keys_revoke(args: argparse.Namespace) -> int:
    with session_scope(_sessions()) as session:
        row = revoke_key(session=session, key_id=args.key_id)
    print(f"revoked key {row.id} ({row.name})")
    return 0


def cmd_reconcile(args: argparse.Namespace) -> int:
    from ocr_service.broker import make_redis
    from ocr_service.queue.enqueue import RqPageQueue
    from ocr_service.queue.reconcile import reconcile

    settings = get_settings()
    redis = make_redis(settings)
    try:
        n = reconcile(
            settings=settings,
            sessions=_sessions(),
            queue=RqPageQueue(settings, redis),
            older_than=None if args.older_than is None else timedelta(seconds=args.older_than),
        )
    finally:
        redis.close()
    print(f"enqueued {n} pages again")
    return 0
