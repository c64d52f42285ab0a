"""Helpers for the fault, concurrency and load tests: real worker processes, a private
Redis server, and a loopback TCP proxy in front of PostgreSQL that can be cut."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import select

from ocr_service.config import Settings
from ocr_service.db.models import Page
from ocr_service.db.session import session_scope

HERE = Path(__file__).resolve().parent
REPO = HERE.parents[1]
PYTHON = sys.executable


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


def wait_until(predicate: Callable[[], Any], timeout: float, interval: float = 0.1) -> Any:
    """Poll ``predicate`` until it returns something truthy; fail after ``timeout`` s."""
    deadline = time.monotonic() + timeout
    while True:
        result = predicate()
        if result:
            return result
        if time.monotonic() > deadline:
            raise AssertionError(f"not true within {timeout} s: {predicate}")
        time.sleep(interval)


def worker_env(settings: Settings) -> dict[str, str]:
    """The environment that gives a worker process exactly these settings."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("OCR_")}
    env.update(
        {
            "OCR_ENVIRONMENT": settings.environment.value,
            "OCR_DATABASE_URL": settings.database_url,
            "OCR_REDIS_URL": settings.redis_url,
            "OCR_QUEUE_NAME": settings.queue_name,
            "OCR_DATA_DIR": str(settings.data_dir),
            "OCR_TEMPLATES_DIR": str(settings.templates_dir),
            "OCR_JOB_TIMEOUT_SECONDS": str(settings.job_timeout_seconds),
            "OCR_RECONCILE_AFTER_SECONDS": str(settings.reconcile_after_seconds),
            "OCR_RECONCILE_INTERVAL_SECONDS": str(settings.reconcile_interval_seconds),
            "OCR_PAGE_HEARTBEAT_SECONDS": str(settings.page_heartbeat_seconds),
            "OCR_ENGINE_NAME": settings.engine_name,
            "OCR_WEBHOOK_TIMEOUT_SECONDS": str(settings.webhook_timeout_seconds),
            "OCR_WEBHOOK_RETRY_INTERVALS": json.dumps(settings.webhook_retry_intervals),
            "OCR_WEBHOOK_MAX_PENDING": str(settings.webhook_max_pending),
            "OCR_WEBHOOK_ALLOW_PRIVATE": "1" if settings.webhook_allow_private else "0",
            "PYTHONUNBUFFERED": "1",
        }
    )
    return env


@dataclass
class Procs:
    """Processes a test started; each is ended by its own id at teardown."""

    tmp: Path
    running: list[subprocess.Popen[bytes]] = field(default_factory=list)

    def start(self, args: list[str], env: dict[str, str], name: str) -> subprocess.Popen[bytes]:
        log = (self.tmp / f"{name}-{len(self.running)}.log").open("wb")
        proc = subprocess.Popen(
            args, env=env, cwd=REPO, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
        )
        log.close()
        self.running.append(proc)
        return proc

    def worker(
        self,
        settings: Settings,
        *,
        standin_delay: float | None = None,
        calls: Path | None = None,
        burst: bool = False,
    ) -> subprocess.Popen[bytes]:
        """``python -m worker`` (real pipeline), or the stand-in worker with a delay."""
        if standin_delay is None:
            args = [PYTHON, "-m", "worker"]
        else:
            args = [PYTHON, str(HERE / "standin_worker.py"), "--delay", str(standin_delay)]
            if calls is not None:
                args += ["--calls", str(calls)]
        if burst:
            args.append("--burst")
        return self.start(args, worker_env(settings), "worker")

    def stop(self, proc: subprocess.Popen[bytes], sig: int = signal.SIGTERM) -> None:
        if proc.poll() is None:
            os.killpg(proc.pid, sig)  # the group this test started (start_new_session)
            try:
                proc.wait(15)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)
                proc.wait(5)

    def logs(self) -> str:
        return "\n".join(p.read_text("utf-8", "replace") for p in sorted(self.tmp.glob("*.log")))


def page_states(sessions: Any) -> list[tuple[str, int, str, int]]:
    """``(upload_id, index, status, attempts)`` of every page."""
    with session_scope(sessions) as session:
        rows = session.execute(select(Page.upload_id, Page.index, Page.status, Page.attempts))
        return [(u, i, s, a) for u, i, s, a in rows]


class RedisServer:
    """A private ``redis-server`` on a loopback port, with no persistence: restarting it
    really starts empty, and the machine's Redis is never touched."""

    def __init__(self, procs: Procs) -> None:
        self.procs = procs
        self.port = free_port()
        self.proc: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> None:
        args = ["redis-server", "--port", str(self.port), "--bind", "127.0.0.1"]
        args += ["--save", "", "--appendonly", "no"]
        self.proc = self.procs.start(args, dict(os.environ), "redis")
        wait_until(self._answers, 10)

    def _answers(self) -> bool:
        try:
            with socket.create_connection(("127.0.0.1", self.port), timeout=0.5) as s:
                s.sendall(b"PING\r\n")
                return s.recv(16).startswith(b"+PONG")
        except OSError:
            return False

    def kill(self) -> None:
        assert self.proc is not None
        self.procs.stop(self.proc, signal.SIGKILL)


class TcpProxy:
    """``socat`` forwarding a loopback port to PostgreSQL; ``cut()`` kills it (and every
    connection through it), ``restore()`` starts it again on the same port."""

    def __init__(self, procs: Procs, target: tuple[str, int]) -> None:
        self.procs = procs
        self.target = target
        self.port = free_port()
        self.proc: subprocess.Popen[bytes] | None = None

    def restore(self) -> None:
        host, port = self.target
        args = ["socat", f"TCP-LISTEN:{self.port},bind=127.0.0.1,fork,reuseaddr"]
        args.append(f"TCP:{host}:{port}")
        self.proc = self.procs.start(args, dict(os.environ), "proxy")
        wait_until(self._listening, 10)

    def _listening(self) -> bool:
        try:
            socket.create_connection(("127.0.0.1", self.port), timeout=0.5).close()
            return True
        except OSError:
            return False

    def cut(self) -> None:
        assert self.proc is not None
        self.procs.stop(self.proc, signal.SIGKILL)
