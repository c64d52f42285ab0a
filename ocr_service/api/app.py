"""The FastAPI application factory. Building the app connects to nothing."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI

from ocr_service import __version__
from ocr_service.api import errors
from ocr_service.api.deps import Services
from ocr_service.api.limits import JSON_BODY_LIMIT, BodySizeLimit, NoStore, UploadAdmission
from ocr_service.api.routes import (
    documents,
    exports,
    health,
    metrics,
    review,
    review_page,
    sheets,
    templates,
    upload_page,
    uploads,
    webhooks,
)
from ocr_service.broker import make_redis
from ocr_service.config import Settings, get_settings
from ocr_service.db.session import make_engine, make_session_factory
from ocr_service.observability.logs import configure_logging
from ocr_service.queue.enqueue import RqPageQueue
from ocr_service.storage import LocalStorage
from ocr_service.templates.loader import TemplateRegistry

log = logging.getLogger(__name__)

DESCRIPTION = """
Upload scanned application forms; read the checked, structured results.

Authenticate with an API key: `Authorization: Bearer <key>` or `X-API-Key: <key>`.
Roles: **clerk** uploads and sees its own uploads, **reviewer** and **reader** read
everything, **admin** may do anything. Errors always look like
`{"error": {"code": "...", "message": "...", "details": {...}}}`.
"""


def build_services(settings: Settings) -> Services:
    engine = make_engine(settings.database_url)
    redis = make_redis(settings)
    return Services(
        settings=settings,
        engine=engine,
        sessions=make_session_factory(engine),
        storage=LocalStorage(settings.data_dir),
        registry=TemplateRegistry(settings.templates_dir),
        redis=redis,
        queue=RqPageQueue(settings, redis),
    )


def create_app(settings: Settings | None = None) -> FastAPI:
    settings = settings or get_settings()
    settings.check_secrets()
    services = build_services(settings)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        yield
        services.redis.close()
        services.engine.dispose()

    app = FastAPI(
        title="ocr-service",
        version=__version__,
        description=DESCRIPTION,
        lifespan=lifespan,
    )
    app.state.services = services
    errors.install(app)
    app.add_middleware(BodySizeLimit, max_bytes=settings.max_upload_bytes)
    app.add_middleware(
        BodySizeLimit,
        max_bytes=JSON_BODY_LIMIT,
        path_prefix="/",
        except_prefix="/v1/uploads",
        uploads=False,
    )
    app.add_middleware(
        UploadAdmission,
        slots=settings.upload_slots,
        wait_seconds=settings.upload_wait_seconds,
    )
    app.add_middleware(NoStore)
    if settings.log_format == "json":
        configure_logging(fmt="json")
    for module in (
        health,
        uploads,
        sheets,
        documents,
        templates,
        exports,
        review,
        review_page,
        upload_page,
        webhooks,
        metrics,
    ):
        app.include_router(module.router)
    return app
