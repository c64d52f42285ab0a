"""The ocr-service worker: an rq worker whose process loads the OCR engines once.

Run it with ``python -m worker`` or ``ocr-service worker``. Several workers on several
machines may share one Redis, one database and one data folder.

It is an rq :class:`~rq.SimpleWorker`: jobs run in the worker process itself, so the
engines, reference images and the database pool are loaded once and reused. (A forking
worker would load them in every child.) Job timeouts still apply (SIGALRM); a worker
that dies mid-job leaves its page to ``reconcile``.

It takes the page queue first and the webhook queue only when no page waits (rq tries its
queues in order before every job), so a delivery holds it for one attempt at most
(``OCR_WEBHOOK_TIMEOUT_SECONDS``). ``--webhooks-only`` runs a delivery worker that loads
no OCR engine and takes the webhook queue alone; page workers then run with ``--queue``
naming the page queue.

So that an API on the same machine stays quick while workers read, a worker lowers its
CPU priority at start (``OCR_WORKER_NICE``, default 10) and runs each of its thread pools
(OpenCV, onnxruntime, Tesseract's OpenMP) with one thread; see
:data:`ocr_service.worker_context.THREAD_LIMITS`.
"""

from __future__ import annotations

import argparse
import logging
import os
import shutil
import signal
import threading
from collections.abc import Sequence
from types import FrameType
from typing import Any

import cv2
from redis import Redis
from redis.exceptions import RedisError
from rq import Queue, SimpleWorker
from rq.job import Job
from rq.job_lifecycle import call_exception_handlers
from rq.serializers import JSONSerializer

from ocr_service import worker_context
from ocr_service.broker import make_queue, make_redis, make_webhook_queue, webhook_queue_name
from ocr_service.config import Settings, get_settings
from ocr_service.errors import MissingDependency, OcrServiceError
from ocr_service.imaging.ingest import POPPLER_MISSING
from ocr_service.ocr.digits import MODEL_PATH as DIGIT_MODEL
from ocr_service.ocr.engines import HybridEngine
from ocr_service.ocr.ppocr import find_model
from ocr_service.ocr.tesseract import find_tessdata_dir
from ocr_service.queue import jobs
from ocr_service.queue.reconcile import ReconcileLoop
from ocr_service.templates.model import Language

log = logging.getLogger("ocr_service.worker")

REDIS_WAIT_SECONDS = 2.0


class PageWorker(SimpleWorker):
    """A :class:`~rq.SimpleWorker` that remembers whether it was asked to stop, and leaves
    the log of an error of the family to the job that raised it."""

    stop_asked = False

    def handle_exception(self, job: Job, *exc_info: Any) -> None:
        """rq logs every exception a job raises at ERROR with its traceback. A page or
        delivery job raises an error of the family only after logging it in one line (a
        retryable error, so rq retries the job), so that one goes to the handlers alone;
        anything else (a bug) keeps rq's traceback."""
        if isinstance(exc_info[1], OcrServiceError):
            call_exception_handlers(self._exc_handlers, job, *exc_info)
            return
        super().handle_exception(job, *exc_info)

    def request_stop(self, signum: int, frame: FrameType | None) -> None:
        self.stop_asked = True
        super().request_stop(signum, frame)  # type: ignore[no-untyped-call]


def wait_for_redis(connection: Redis) -> bool:
    """Block until Redis answers (True) or SIGTERM/SIGINT arrives (False)."""
    stop = threading.Event()

    def on_signal(signum: int, frame: FrameType | None) -> None:
        stop.set()

    for sig in (signal.SIGINT, signal.SIGTERM):
        signal.signal(sig, on_signal)
    while not stop.is_set():
        try:
            connection.ping()
            return True
        except RedisError:
            stop.wait(REDIS_WAIT_SECONDS)
    return False


def run(
    settings: Settings,
    *,
    burst: bool = False,
    queues: Sequence[str] = (),
    reconcile: bool = True,
    max_jobs: int | None = None,
    webhooks_only: bool = False,
) -> bool:
    """Work until stopped (or, with ``burst``, until the queues are empty).

    The queues are tried in order: by default the page queue, then the webhook queue.
    ``webhooks_only``: the webhook queue alone, and no OCR engine is loaded."""
    settings.check_secrets()
    yield_cpu(settings)
    connection = make_redis(settings)
    if webhooks_only:
        ctx: worker_context.JobContext | jobs.WorkerContext = worker_context.configure(settings)
        rq_queues = [make_webhook_queue(settings, connection)]
    else:
        check_dependencies(settings)
        ctx = jobs.configure(settings)  # loads the OCR engines, once, before the first job
        rq_queues = [_queue(settings, connection, n) for n in queues] or [
            make_queue(settings, connection),
            make_webhook_queue(settings, connection),
        ]
    names = [q.name for q in rq_queues]
    loop = None
    if reconcile and not burst:
        loop = ReconcileLoop(settings=settings, sessions=ctx.sessions, connection=connection)
        loop.start()
    try:
        while True:
            try:
                worker = PageWorker(rq_queues, connection=connection, serializer=JSONSerializer)
            except RedisError as exc:  # Redis not up yet, or gone while the engines loaded
                log.warning("worker cannot reach Redis (%s); waiting for it", type(exc).__name__)
                if not wait_for_redis(connection):
                    return False
                continue
            log.info("worker %s on queues %s", worker.name, ",".join(names))
            try:
                worked = worker.work(burst=burst, with_scheduler=True, max_jobs=max_jobs)
            except RedisError as exc:  # rq's own teardown could not reach Redis
                log.warning("worker %s lost Redis (%s)", worker.name, type(exc).__name__)
                worked = False
            if burst or max_jobs is not None or worker.stop_asked:
                return worked
            # rq's loop quits on an error it does not handle, such as Redis going away in
            # the middle of a job; page state lives in the database, so start a new loop.
            log.warning(
                "worker %s stopped unexpectedly; starting again once Redis answers", worker.name
            )
            if not wait_for_redis(connection):
                return worked
    finally:
        if loop is not None:
            loop.stop()
        jobs.reset()
        connection.close()


def yield_cpu(settings: Settings) -> None:
    """Lower this process's priority and run OpenCV single-threaded (the environment's
    caps were set before the engines loaded), and log what it runs with."""
    nice = worker_context.lower_priority(settings.worker_nice)
    cv2.setNumThreads(1)
    limits = " ".join(f"{n}={os.environ.get(n, '-')}" for n in worker_context.THREAD_LIMITS)
    log.info("worker runs at nice %d, opencv threads %d, %s", nice, cv2.getNumThreads(), limits)


def check_dependencies(settings: Settings) -> None:
    """Refuse to start a page worker on a machine that lacks what reading needs, with
    :class:`MissingDependency` (``ocr-service worker`` exits 78), instead of taking pages
    and failing each one: poppler, the tessdata folder with every template language, and
    the hybrid engine's model files."""
    if not all(shutil.which(program) for program in ("pdfinfo", "pdftoppm")):
        raise MissingDependency(POPPLER_MISSING)
    tessdata = find_tessdata_dir()
    languages = sorted({part for lang in Language for part in lang.value.split("+")})
    missing = [lang for lang in languages if not (tessdata / f"{lang}.traineddata").is_file()]
    if missing:
        raise MissingDependency(
            f"tesseract language data {', '.join(missing)} is not in {tessdata}; install it "
            "or set OCR_TESSDATA_DIR to a folder that has it",
            missing=missing,
        )
    if settings.engine_name == HybridEngine.name:
        find_model()
        if not DIGIT_MODEL.is_file():
            raise MissingDependency(
                f"the digit model {DIGIT_MODEL} is missing; reinstall the package "
                "(pip install -e .)"
            )


def _queue(settings: Settings, connection: Redis, name: str) -> Queue:
    if name == webhook_queue_name(settings):
        return make_webhook_queue(settings, connection)
    return make_queue(settings.model_copy(update={"queue_name": name}), connection)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m worker", description=__doc__)
    parser.add_argument("--burst", action="store_true", help="quit when the queues are empty")
    parser.add_argument("--queue", action="append", default=[], help="queue name (repeatable)")
    parser.add_argument(
        "--webhooks-only", action="store_true", help="deliver webhooks only (no OCR engines)"
    )
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s %(message)s")
    run(get_settings(), burst=args.burst, queues=args.queue, webhooks_only=args.webhooks_only)
    return 0
