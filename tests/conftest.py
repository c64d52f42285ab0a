"""Shared fixtures.

Database: ``database_url`` is parametrized over SQLite and PostgreSQL (a fresh
``ocr_test_<random>`` database on ``OCR_TEST_PG_ADMIN``, dropped at the end), each migrated
once per session with Alembic, so every test using it runs on both backends. Tables are
emptied after each test.

Service: ``settings`` (own data folder, own queue name, test Redis db), ``app``
(``create_app(settings)``), ``live_server`` (the app under uvicorn in a thread; its base
URL), ``client`` (httpx on the live server), ``api_keys`` (one key per role, plus a second
clerk), ``run_worker`` (a burst ``SimpleWorker`` in this process, optional stand-in reader).
"""

from __future__ import annotations

import io
import os
import signal
import socket
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import numpy as np
import numpy.typing as npt
import psycopg
import pytest
import uvicorn
from PIL import Image, ImageDraw
from redis import Redis
from redis.exceptions import ConnectionError as RedisConnectionError
from rq import SimpleWorker
from rq.serializers import JSONSerializer
from sqlalchemy import text

from ocr_service.api import create_app
from ocr_service.auth import Role, create_key
from ocr_service.broker import make_queue, make_webhook_queue
from ocr_service.config import Settings
from ocr_service.db.migrate import upgrade
from ocr_service.db.session import make_engine, make_session_factory, session_scope
from ocr_service.results import Document, FieldResult, PageInfo
from ocr_service.templates.loader import TemplateRegistry
from ocr_service.templates.model import FieldType

PG_ADMIN = os.environ.get("OCR_TEST_PG_ADMIN", "postgresql+psycopg://postgres@127.0.0.1:5432/test")
TEST_REDIS = os.environ.get("OCR_TEST_REDIS_URL", "redis://127.0.0.1:6379/15")
TABLES = (
    "webhook_attempts",
    "webhook_deliveries",
    "webhooks",
    "audit_log",
    "fields",
    "pages",
    "documents",
    "uploads",
    "api_keys",
)
REPO = Path(__file__).resolve().parents[1]


def _psycopg_dsn(url: str) -> str:
    return url.replace("postgresql+psycopg://", "postgresql://")


@pytest.fixture(scope="session", params=["sqlite", "postgresql"])
def database_url(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[str]:
    """A migrated, empty database URL; once for SQLite, once for PostgreSQL."""
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path_factory.mktemp('db') / 'ocr.db'}"
        upgrade(url)
        yield url
        return
    name = f"ocr_test_{uuid.uuid4().hex[:12]}"
    try:
        admin = psycopg.connect(_psycopg_dsn(PG_ADMIN), autocommit=True, connect_timeout=5)
    except psycopg.OperationalError as exc:
        if os.environ.get("OCR_REQUIRE_POSTGRES", "0") != "0":  # ./dev test: must not skip
            pytest.fail(f"PostgreSQL is not reachable at {PG_ADMIN}: {exc}")
        pytest.skip(f"PostgreSQL is not reachable at {PG_ADMIN}: {exc}")
    with admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    url = PG_ADMIN.rsplit("/", 1)[0] + f"/{name}"
    try:
        upgrade(url)
        yield url
    finally:
        with psycopg.connect(_psycopg_dsn(PG_ADMIN), autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture
def db_sessions(database_url: str) -> Iterator[Any]:
    """A session factory on the test database; every table is emptied afterwards."""
    engine = make_engine(database_url)
    yield make_session_factory(engine)
    with engine.begin() as conn:
        if engine.dialect.name == "postgresql":
            conn.execute(text(f"TRUNCATE {', '.join(TABLES)} CASCADE"))
        else:
            for table in TABLES:
                conn.execute(text(f"DELETE FROM {table}"))
    engine.dispose()


@pytest.fixture
def settings(database_url: str, db_sessions: Any, tmp_path: Path) -> Settings:
    return Settings(
        environment="development",
        database_url=database_url,
        data_dir=tmp_path / "data",
        templates_dir=REPO / "templates_forms",
        redis_url=TEST_REDIS,
        queue_name=f"test-{uuid.uuid4().hex[:10]}",
        feed_settle_ms=0,
        job_result_ttl_seconds=60,
        job_failure_ttl_seconds=300,
        # the webhook tests' receivers listen on 127.0.0.1 (targets.py refuses it by default)
        webhook_allow_private=True,
    )


@pytest.fixture
def redis_conn(settings: Settings) -> Iterator[Any]:
    """The test Redis; this test's queue keys are deleted afterwards."""
    conn = Redis.from_url(settings.redis_url)
    try:
        conn.ping()
    except RedisConnectionError as exc:
        conn.close()
        pytest.skip(f"Redis is not reachable at {settings.redis_url}: {exc}")
    yield conn
    keys = list(conn.scan_iter(f"*{settings.queue_name}*"))
    if keys:
        conn.delete(*keys)
    conn.close()


@pytest.fixture
def app(settings: Settings) -> Any:
    return create_app(settings)


@pytest.fixture
def client(live_server: str) -> Iterator[httpx.Client]:
    """An httpx client on the live server. (Starlette's ``TestClient`` warns that its httpx
    support is deprecated, and warnings are errors here, so tests use real HTTP.)"""
    with httpx.Client(base_url=live_server, timeout=60) as c:
        yield c


@pytest.fixture
def api_keys(settings: Settings, db_sessions: Any) -> dict[str, str]:
    """One API key per role: ``{"clerk": key, "reviewer": ..., "reader": ..., "admin": ...}``."""
    keys: dict[str, str] = {}
    with session_scope(db_sessions) as session:
        for role in Role:
            _, keys[role.value] = create_key(session=session, role=role, name=f"test {role}")
        _, keys["clerk2"] = create_key(session=session, role=Role.CLERK, name="second clerk")
    return keys


def auth(key: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {key}"}


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


@pytest.fixture
def live_server(app: Any) -> Iterator[str]:
    """The app served by uvicorn on a free port in a thread; yields its base URL."""
    port = _free_port()
    server = uvicorn.Server(
        uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning", lifespan="on")
    )
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            raise RuntimeError("uvicorn did not start")
        time.sleep(0.02)
    yield f"http://127.0.0.1:{port}"
    server.should_exit = True
    thread.join(10)


@pytest.fixture
def run_worker(settings: Settings, redis_conn: Any) -> Iterator[Callable[..., bool]]:
    """``run_worker(reader=None)``: drain the test's page queue, then its webhook queue,
    with a burst ``SimpleWorker`` here (as ``python -m worker`` orders them).

    ``reader`` swaps the pipeline for a stand-in (the seam in ``ocr_service.queue.jobs``);
    without it the real pipeline is loaded.
    """
    from ocr_service.queue import jobs  # loads the pipeline: only tests that run workers pay

    saved = {s: signal.getsignal(s) for s in (signal.SIGINT, signal.SIGTERM)}

    def run(reader: Any = None) -> bool:
        jobs.configure(settings, reader=reader)
        worker = SimpleWorker(
            [make_queue(settings, redis_conn), make_webhook_queue(settings, redis_conn)],
            connection=redis_conn,
            serializer=JSONSerializer,
        )
        try:
            return worker.work(burst=True, logging_level="WARNING")
        finally:
            for sig, handler in saved.items():
                signal.signal(sig, handler)

    yield run
    jobs.reset()


class Files:
    """Test scans made on the fly: blank pages, synthetic filled forms, PDFs and PNGs."""

    @staticmethod
    def blank(width: int = 1240, height: int = 1754) -> Image.Image:
        im = Image.new("L", (width, height), 255)
        ImageDraw.Draw(im).rectangle((100, 100, width - 100, 300), outline=0, width=4)
        return im

    @staticmethod
    def form(template_id: str, seed: int, degrade_level: str = "light") -> Image.Image:
        """A synthetic filled form (``ocr_service.synth``) as a PIL image."""
        from ocr_service.synth import generate  # renders with OpenCV: only tests that use it

        loaded = TemplateRegistry(REPO / "templates_forms").get(template_id)
        sample = generate(loaded, seed=seed, font_style="print", degrade_level=degrade_level)
        return Image.fromarray(sample.image[:, :, ::-1].copy())

    @staticmethod
    def png(image: Image.Image) -> bytes:
        buf = io.BytesIO()
        image.save(buf, format="PNG")
        return buf.getvalue()

    @staticmethod
    def pdf(images: list[Image.Image], dpi: int = 200) -> bytes:
        buf = io.BytesIO()
        rgb = [im.convert("RGB") for im in images]
        rgb[0].save(buf, format="PDF", save_all=True, append_images=rgb[1:], resolution=dpi)
        return buf.getvalue()


@pytest.fixture
def files() -> type[Files]:
    return Files


@dataclass
class StandInReading:
    document: Document
    straightened: npt.NDArray[np.uint8]
    timings: dict[str, float] = field(default_factory=dict)


@dataclass
class StandInReader:
    """Stands in for the pipeline's ``Reader`` at the worker's seam (no OCR): every page
    reads as its template with made-up values; pages fail or get flagged on request."""

    fail: dict[int, Exception] = field(default_factory=dict)
    flag: set[int] = field(default_factory=set)
    calls: list[int] = field(default_factory=list)

    def read_source_page(
        self, path: Path, index: int, *, template_id: str | None
    ) -> StandInReading:
        self.calls.append(index)
        assert path.is_file()
        if index in self.fail:
            raise self.fail[index]
        loaded = TemplateRegistry(REPO / "templates_forms").get(template_id or "jp_tennyu")
        fields: dict[str, FieldResult] = {}
        for spec in loaded.template.fields:
            value: str | bool | None
            if spec.type in (FieldType.CHECKBOX, FieldType.MARK):
                value = True
            elif spec.type is FieldType.CHOICE:
                value = spec.options[0].value
            else:
                value = f"p{index}-{spec.name}"
            fields[spec.name] = FieldResult(
                value=value, raw_text=str(value), confidence=0.9, bbox=list(spec.bbox)
            )
        if index in self.flag:
            next(iter(fields.values())).flag("low_confidence")
        page = PageInfo(page=1, source_page=index + 1, rotation=0, skew=0, inliers=99, error_px=1)
        document = Document(
            template_id=loaded.id,
            template_version=loaded.template.version,
            pages=[page],
            fields=fields,
        )
        return StandInReading(document=document, straightened=np.full((64, 48), 255, np.uint8))


@pytest.fixture
def standin() -> type[StandInReader]:
    """The ``StandInReader`` class, for ``run_worker(reader=standin(fail={1: BlankPage(...)}))``."""
    return StandInReader
