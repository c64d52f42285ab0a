"""Measure recovery from a killed worker and page reading beside a sleeping webhook receiver.

Starts the API (uvicorn subprocess) on a fresh SQLite database (or, with ``--db postgres``,
a fresh PostgreSQL database), real Redis, and real worker processes: the rq worker of
``python -m worker`` with the tests' stand-in reader (``tests/integration/standin_worker.py``,
no OCR), so the figures are the queue's and the database's, not Tesseract's. The shipped
timings are used (heartbeat, reconcile age and interval, webhook timeout). It reports
(issue 21):

* seconds from SIGKILL of the worker holding a page to the page being claimed again and to
  its being done (``tests/integration/test_faults_worker.py`` checks the bound);
* seconds from an upload's 202 to its page being done, with no webhook and while
  deliveries to a receiver that sleeps past the delivery timeout are under way
  (``tests/integration/test_webhook_isolation.py`` checks the bound).

    .venv/bin/python scripts/measure_reliability.py [--db sqlite|postgres] [--redis URL]
"""

from __future__ import annotations

import argparse
import io
import shutil
import signal
import sys
import tempfile
import threading
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import httpx
import psycopg
from PIL import Image, ImageDraw
from redis import Redis

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests" / "integration"))
from faultkit import Procs, page_states, wait_until, worker_env
from measure_service import PG, REPO, free_port

from ocr_service.auth import Role, create_key
from ocr_service.broker import make_queue, make_webhook_queue
from ocr_service.config import Settings
from ocr_service.db.migrate import upgrade
from ocr_service.db.models import Upload
from ocr_service.db.session import SessionFactory, make_engine, make_session_factory, session_scope

RECEIVER_SLEEP = 15.0
"""The receiver answers after this many seconds: past the shipped delivery timeout."""


def blank_pdf(pages: int) -> bytes:
    """Pages with a frame only: the stand-in reader reads them in no time."""
    images = []
    for _ in range(pages):
        im = Image.new("RGB", (1240, 1754), "white")
        ImageDraw.Draw(im).rectangle((100, 100, 1140, 300), outline="black", width=4)
        images.append(im)
    buf = io.BytesIO()
    images[0].save(buf, format="PDF", save_all=True, append_images=images[1:], resolution=150)
    return buf.getvalue()


@contextmanager
def sleeping_receiver() -> Iterator[tuple[str, list[float]]]:
    arrivals: list[float] = []

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            arrivals.append(time.monotonic())
            self.rfile.read(int(self.headers["Content-Length"]))
            time.sleep(RECEIVER_SLEEP)
            try:
                self.send_response(200)
                self.send_header("Content-Length", "0")
                self.end_headers()
            except OSError:  # the sender gave up already
                pass

        def log_message(self, format: str, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/hooks/ocr", arrivals
    finally:
        server.shutdown()
        server.server_close()


class Service:
    """The API on one database, and the keys and sessions to drive it."""

    def __init__(self, settings: Settings, procs: Procs) -> None:
        self.settings = settings
        self.procs = procs
        self.sessions: SessionFactory = make_session_factory(make_engine(settings.database_url))
        with session_scope(self.sessions) as session:
            _, self.clerk = create_key(session=session, role=Role.CLERK, name="reliability")
            _, self.admin = create_key(session=session, role=Role.ADMIN, name="reliability")
        port = free_port()
        procs.start(
            [
                *(sys.executable, "-m", "uvicorn", "--factory", "ocr_service.api.app:create_app"),
                *("--port", str(port), "--log-level", "warning"),
            ],
            worker_env(settings),
            "api",
        )
        self.http = httpx.Client(base_url=f"http://127.0.0.1:{port}", timeout=60)
        wait_until(self._up, 30)

    def _up(self) -> bool:
        try:
            return self.http.get("/healthz").status_code == 200
        except httpx.TransportError:
            return False

    def upload(self, pages: int) -> str:
        r = self.http.post(
            "/v1/uploads",
            headers={"X-API-Key": self.clerk},
            files={"file": (f"{uuid.uuid4().hex}.pdf", blank_pdf(pages), "application/pdf")},
            data={"template": "jp_tennyu"},
        )
        r.raise_for_status()
        upload_id: str = r.json()["id"]
        return upload_id

    def done(self, upload_id: str) -> bool:
        with session_scope(self.sessions) as session:
            row = session.get(Upload, upload_id)
            return row is not None and row.status == "done"

    def pages(self, upload_id: str) -> list[tuple[int, str, int]]:
        return [(i, s, a) for u, i, s, a in page_states(self.sessions) if u == upload_id]


def measure_kill(service: Service) -> tuple[float, float]:
    """A worker holding a page (it takes ten minutes) is SIGKILLed; an idle worker
    reconciles. Seconds from the kill to the page claimed again, and to its being done."""
    procs, settings = service.procs, service.settings
    upload_id = service.upload(1)
    slow = procs.worker(settings, standin_delay=600)
    wait_until(lambda: service.pages(upload_id)[0][1] == "processing", 60, 0.05)
    idle = procs.worker(settings, standin_delay=0.2)
    time.sleep(settings.page_heartbeat_seconds * 2)  # the slow worker has renewed its claim
    procs.stop(slow, signal.SIGKILL)
    killed = time.monotonic()
    wait_until(lambda: service.pages(upload_id)[0][2] == 2, 180, 0.05)
    claimed = time.monotonic() - killed
    wait_until(lambda: service.done(upload_id), 60, 0.05)
    done = time.monotonic() - killed
    procs.stop(idle)
    return claimed, done


def measure_webhook_delay(service: Service) -> dict[str, float]:
    """One worker; a one-page upload's 202-to-done with no webhook, then while deliveries
    to a receiver that sleeps past the timeout are under way."""
    procs, settings = service.procs, service.settings
    worker = procs.worker(settings, standin_delay=0.2)

    def read_one() -> float:
        upload_id = service.upload(1)
        accepted = time.monotonic()
        wait_until(lambda: service.done(upload_id), 120, 0.02)
        return time.monotonic() - accepted

    baseline = read_one()
    with sleeping_receiver() as (url, arrivals):
        r = service.http.post(
            "/v1/webhooks",
            headers={"X-API-Key": service.admin},
            json={"url": url, "events": ["document.verified", "upload.done"]},
        )
        r.raise_for_status()
        first = service.upload(4)
        wait_until(lambda: service.done(first), 120, 0.05)
        wait_until(lambda: arrivals, 60, 0.02)  # a delivery attempt is holding the worker
        with_receiver = [read_one() for _ in range(3)]
        attempts = len(arrivals)
    procs.stop(worker)
    return {
        "baseline": baseline,
        "worst": max(with_receiver),
        "mean": sum(with_receiver) / len(with_receiver),
        "attempts": attempts,
    }


@contextmanager
def database(kind: str) -> Iterator[str]:
    if kind == "sqlite":
        yield f"sqlite:///{tempfile.mkdtemp(prefix='ocr-reliability-db-')}/ocr.db"
        return
    name = f"ocr_reliability_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(PG, autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    try:
        yield f"postgresql+psycopg://postgres@127.0.0.1:5432/{name}"
    finally:
        with psycopg.connect(PG, autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--db", choices=("sqlite", "postgres"), default="sqlite")
    parser.add_argument("--redis", default="redis://127.0.0.1:6379/13")
    args = parser.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="ocr-reliability-"))
    procs = Procs(tmp=tmp)
    with database(args.db) as url:
        upgrade(url)
        settings = Settings(
            environment="development",
            database_url=url,
            redis_url=args.redis,
            queue_name=f"reliability-{uuid.uuid4().hex[:8]}",
            data_dir=tmp / "data",
            templates_dir=REPO / "templates_forms",
            webhook_allow_private=True,  # the receiver listens on 127.0.0.1
        )
        connection = Redis.from_url(args.redis)
        try:
            service = Service(settings, procs)
            claimed, done = measure_kill(service)
            print(
                f"{args.db}: SIGKILL of the worker holding a page -> page claimed again "
                f"{claimed:.1f} s, page done {done:.1f} s (heartbeat "
                f"{settings.page_heartbeat_seconds:g} s, reconcile after "
                f"{settings.reconcile_after_seconds} s, every "
                f"{settings.reconcile_interval_seconds} s)",
                flush=True,
            )
            w = measure_webhook_delay(service)
            print(
                f"{args.db}: one-page upload 202 -> done {w['baseline']:.2f} s with no webhook; "
                f"{w['mean']:.2f} s mean, {w['worst']:.2f} s worst of 3 while deliveries to a "
                f"receiver sleeping {RECEIVER_SLEEP:g} s time out ({w['attempts']:.0f} attempts "
                f"so far, timeout {settings.webhook_timeout_seconds:g} s; one worker)",
                flush=True,
            )
        finally:
            for proc in reversed(procs.running):
                procs.stop(proc, signal.SIGKILL)
            for queue in (
                make_queue(settings, connection),
                make_webhook_queue(settings, connection),
            ):
                queue.empty()
            shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
