"""Operations commands: ``purge`` (retention) and ``webhooks`` (add, list, remove,
deliveries, redeliver)."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta
from typing import Any

from tqdm import tqdm

from ocr_service.broker import make_redis
from ocr_service.cli import add_command
from ocr_service.config import get_settings
from ocr_service.db.models import DeliveryStatus, WebhookEvent
from ocr_service.db.session import SessionFactory, make_engine, make_session_factory, session_scope
from ocr_service.retention import purge
from ocr_service.storage import LocalStorage
from ocr_service.webhooks import service as webhooks


def register(sub: Any) -> None:
    p = add_command(
        sub,
        "purge",
        description="Delete stored images and field values of documents older than the limit; "
        "blank old/new values in their audit rows; mark them purged. Run it daily (cron).",
    )
    p.add_argument(
        "--older-than",
        type=int,
        default=None,
        metavar="DAYS",
        help="age limit in days (default: OCR_RETENTION_DAYS)",
    )
    p.add_argument("--dry-run", action="store_true", help="only count what would be purged")
    p.add_argument("--no-progress", action="store_true", help="no progress bar on stderr")
    p.set_defaults(func=cmd_purge)

    hooks = add_command(sub, "webhooks")
    hooks_sub = hooks.add_subparsers(dest="webhooks_command", metavar="ACTION", required=True)
    add = hooks_sub.add_parser("add", help="register a URL for events; prints the secret once")
    add.add_argument("url")
    add.add_argument(
        "--event",
        action="append",
        choices=[e.value for e in WebhookEvent],
        help="event to send (repeatable; default: all)",
    )
    add.add_argument("--description", default="")
    add.set_defaults(func=cmd_webhooks_add)
    listing = hooks_sub.add_parser("list", help="registered webhooks")
    listing.set_defaults(func=cmd_webhooks_list)
    remove = hooks_sub.add_parser("remove", help="stop sending to a webhook")
    remove.add_argument("webhook_id")
    remove.set_defaults(func=cmd_webhooks_remove)
    deliveries = hooks_sub.add_parser("deliveries", help="a webhook's delivery log, newest first")
    deliveries.add_argument("webhook_id")
    deliveries.add_argument("--status", choices=[s.value for s in DeliveryStatus])
    deliveries.add_argument("--limit", type=int, default=50)
    deliveries.set_defaults(func=cmd_webhooks_deliveries)
    redeliver = hooks_sub.add_parser(
        "redeliver", help="enqueue again deliveries still pending (their job was lost)"
    )
    redeliver.add_argument(
        "--older-than", type=int, default=3 * 3600, metavar="SECONDS", help="default: 3 hours"
    )
    redeliver.set_defaults(func=cmd_webhooks_redeliver)


@contextmanager
def _sessions() -> Iterator[SessionFactory]:
    engine = make_engine(get_settings().database_url)
    try:
        yield make_session_factory(engine)
    finally:
        engine.dispose()


def cmd_purge(args: argparse.Namespace) -> int:
    settings = get_settings()
    days = args.older_than if args.older_than is not None else settings.retention_days
    if days < 1:
        print("error: --older-than must be at least 1 day", file=sys.stderr)
        return 2
    bar = tqdm(
        total=0,
        unit="doc",
        desc="purge (dry run)" if args.dry_run else "purge",
        file=sys.stderr,
        disable=args.no_progress,
    )

    def set_total(n: int) -> None:
        bar.reset(total=n)

    def advance(n: int) -> None:
        bar.update(n)

    with bar, _sessions() as sessions:
        report = purge(
            sessions=sessions,
            storage=LocalStorage(settings.data_dir),
            older_than_days=days,
            dry_run=args.dry_run,
            progress=advance,
            on_total=set_total,
        )
    if args.dry_run:
        print(f"would purge {report.documents} documents older than {days} days")
    else:
        print(
            f"purged {report.documents} documents older than {days} days: "
            f"{report.fields} fields blanked, {report.audit_rows} audit rows redacted, "
            f"{report.blobs_deleted} stored files deleted"
        )
    return 0


def cmd_webhooks_add(args: argparse.Namespace) -> int:
    settings = get_settings()
    events = [WebhookEvent(e) for e in (args.event or [e.value for e in WebhookEvent])]
    with _sessions() as sessions, session_scope(sessions) as session:
        row, secret = webhooks.create_webhook(
            session=session,
            settings=settings,
            url=args.url,
            events=events,
            description=args.description,
        )
    print(f"registered webhook {row.id} for {', '.join(row.events)} -> {row.url}")
    print("signing secret (store it now; it is not shown again):")
    print(secret)
    return 0


def cmd_webhooks_list(args: argparse.Namespace) -> int:
    with _sessions() as sessions, session_scope(sessions) as session:
        rows = webhooks.list_webhooks(session=session)
    print(f"{'id':<37} {'created':<20} {'events':<50} url")
    for r in rows:
        created = r.created_at.strftime("%Y-%m-%d %H:%M:%S")
        print(f"{r.id:<37} {created:<20} {','.join(r.events):<50} {r.url}")
    return 0


def cmd_webhooks_remove(args: argparse.Namespace) -> int:
    with _sessions() as sessions, session_scope(sessions) as session:
        webhooks.delete_webhook(session=session, webhook_id=args.webhook_id)
    print(f"removed webhook {args.webhook_id}")
    return 0


def cmd_webhooks_deliveries(args: argparse.Namespace) -> int:
    with _sessions() as sessions, session_scope(sessions) as session:
        logs = webhooks.list_deliveries(
            session=session,
            webhook_id=args.webhook_id,
            status=DeliveryStatus(args.status) if args.status else None,
            limit=args.limit,
        )
    for item in logs:
        d = item.delivery
        created = d.created_at.strftime("%Y-%m-%d %H:%M:%S")
        print(f"{d.id}  {created}  {d.event:<18} {d.status:<9} attempts={d.attempts}")
        for a in item.attempts:
            when = a.started_at.strftime("%Y-%m-%d %H:%M:%S")
            answer = f"HTTP {a.status_code}" if a.status_code is not None else "no answer"
            error = f"  {a.error}" if a.error else ""
            print(f"    #{a.attempt} {when} {answer} {a.duration_ms} ms{error}")
    return 0


def cmd_webhooks_redeliver(args: argparse.Namespace) -> int:
    settings = get_settings()
    with _sessions() as sessions, session_scope(sessions) as session:
        ids = webhooks.pending_deliveries(
            session=session, older_than=timedelta(seconds=args.older_than)
        )
    redis = make_redis(settings)
    try:
        webhooks.DeliveryQueue(settings, redis).enqueue(ids)
    finally:
        redis.close()
    print(f"enqueued {len(ids)} pending deliveries again")
    return 0
