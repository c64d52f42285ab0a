"""Liveness and readiness."""

from __future__ import annotations

from fastapi import APIRouter
from fastapi.responses import JSONResponse
from redis.exceptions import RedisError
from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError

from ocr_service.api.deps import ServicesDep
from ocr_service.api.schemas import HealthPublic

router = APIRouter(tags=["health"])


@router.get("/healthz", response_model=HealthPublic, summary="The process is alive")
async def healthz() -> HealthPublic:
    """On the event loop, not in the thread pool: a burst of uploads waiting on the
    database holds every pool thread, and liveness must not wait behind them (it took
    29 s under 50 concurrent uploads on SQLite)."""
    return HealthPublic(status="ok")


@router.get(
    "/readyz",
    response_model=HealthPublic,
    summary="The database and Redis answer (503 when either does not)",
    responses={503: {"model": HealthPublic}},
)
def readyz(services: ServicesDep) -> JSONResponse:
    checks: dict[str, str] = {}
    try:
        with services.engine.connect() as conn:
            conn.execute(text("SELECT 1"))
        checks["database"] = "ok"
    except SQLAlchemyError as exc:
        checks["database"] = f"unavailable ({type(exc).__name__})"
    try:
        services.redis.ping()
        checks["redis"] = "ok"
    except RedisError as exc:
        checks["redis"] = f"unavailable ({type(exc).__name__})"
    ok = all(v == "ok" for v in checks.values())
    body = HealthPublic(status="ok" if ok else "unavailable", checks=checks)
    return JSONResponse(
        body.model_dump(),
        status_code=200 if ok else 503,
        headers=None if ok else {"Retry-After": "5"},
    )
