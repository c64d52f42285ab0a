"""Service settings: one pydantic ``BaseSettings`` with the ``OCR_`` prefix.

Nothing here connects to anything; :func:`get_settings` reads the environment once.
"""

from __future__ import annotations

from enum import StrEnum
from functools import lru_cache
from pathlib import Path
from typing import Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import Field, SecretStr, field_validator, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from ocr_service.templates.loader import default_templates_dir

DEFAULT_SECRET = "dev-insecure-change-me"


class Environment(StrEnum):
    DEVELOPMENT = "development"
    PRODUCTION = "production"


class Settings(BaseSettings):
    """Everything the API, the worker and the CLI need to know about their surroundings."""

    model_config = SettingsConfigDict(env_prefix="OCR_", extra="ignore")

    environment: Environment = Environment.DEVELOPMENT
    secret_key: SecretStr = SecretStr(DEFAULT_SECRET)
    """Signs feed cursors. Must be changed outside development."""

    data_dir: Path = Path("data")
    templates_dir: Path = Field(default_factory=default_templates_dir)
    database_url: str = ""
    """Empty means a SQLite file ``ocr.db`` in ``data_dir``."""
    redis_url: str = "redis://127.0.0.1:6379/0"
    queue_name: str = "ocr"

    max_upload_bytes: int = Field(default=100 * 2**20, gt=0)
    max_pages: int = Field(default=500, gt=0)
    max_pixels: int = Field(default=60_000_000, gt=0)

    retention_days: int = Field(default=90, ge=1)
    job_timeout_seconds: int = Field(default=300, gt=0)
    job_result_ttl_seconds: int = Field(default=3600, ge=0)
    job_failure_ttl_seconds: int = Field(default=7 * 86400, ge=0)
    reconcile_after_seconds: int = Field(default=30, gt=0)
    """A page queued with no job in Redis, or processing with no heartbeat, for this long is
    enqueued again by ``reconcile``; keep it several heartbeats long."""
    reconcile_interval_seconds: int = Field(default=10, gt=0)
    """How often a running worker reconciles (one worker at a time, by a Redis lock)."""
    page_heartbeat_seconds: float = Field(default=5.0, gt=0)
    """How often a worker renews the claim of the page it is reading."""
    feed_settle_ms: int = Field(default=1000, ge=0)
    """The feed hides rows younger than this, so slower transactions commit before a poller
    moves its cursor past them."""
    lease_minutes: int = Field(default=5, gt=0)
    engine_name: str = "hybrid"
    """``hybrid`` (PP-OCR for lines + Tesseract; default), ``tesserocr`` or ``pytesseract``."""
    worker_nice: int = Field(default=10, ge=0, le=19)
    """Niceness a worker raises itself to at start (``os.nice``), so the API on the same
    machine keeps the CPU when both want it; 0 leaves the worker's priority alone."""

    log_format: Literal["text", "json"] = "text"
    """``json``: one JSON object per log line (ts, level, logger, msg, ids)."""
    webhook_timeout_seconds: float = Field(default=5.0, gt=0)
    """Per delivery attempt; the rq job is stopped 10 s after it (ocr_service.broker)."""
    webhook_retry_intervals: list[int] = Field(default_factory=lambda: [10, 60, 300, 1800, 7200])
    """Seconds before each retry of a failed webhook delivery (JSON list in the env)."""
    webhook_max_pending: int = Field(default=100, ge=1)
    """Deliveries a webhook may have pending (queued or waiting to retry); an event past
    that is recorded ``failed`` (``dropped: ...``) for that webhook instead of queued."""
    upload_slots: int = Field(default=4, ge=1)
    """Uploads handled at once per API process; more wait their turn (ocr_service.api.limits)."""
    upload_wait_seconds: float = Field(default=60.0, gt=0)
    """How long an upload waits for its turn before it is answered 503 with Retry-After."""
    webhook_allow_private: bool = False
    """Allow webhook targets on loopback, private and link-local addresses (a receiver on
    the city hall's own network); off, such targets are refused (ocr_service.webhooks.targets)."""

    timezone: str = "UTC"
    """The IANA time zone exports write times in (``Asia/Tokyo`` for a Japanese office);
    the API's JSON answers stay in UTC."""

    @field_validator("timezone")
    @classmethod
    def _known_zone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError) as exc:
            raise ValueError(
                f"OCR_TIMEZONE {value!r} is not an IANA time zone (e.g. Asia/Tokyo, UTC)"
            ) from exc
        return value

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)

    @model_validator(mode="after")
    def _defaults(self) -> Settings:
        if not self.database_url:
            self.database_url = f"sqlite:///{(self.data_dir / 'ocr.db').resolve()}"
        if self.page_heartbeat_seconds * 2 > self.reconcile_after_seconds:
            raise ValueError(
                "OCR_PAGE_HEARTBEAT_SECONDS must be at most half of OCR_RECONCILE_AFTER_SECONDS, "
                "or reconcile takes pages away from live workers"
            )
        return self

    def check_secrets(self) -> None:
        """Refuse default secrets outside development (called at start-up, not at import)."""
        if (
            self.environment is not Environment.DEVELOPMENT
            and self.secret_key.get_secret_value() == DEFAULT_SECRET
        ):
            raise ValueError(
                "OCR_SECRET_KEY still has its default value; set a random secret "
                "or run with OCR_ENVIRONMENT=development"
            )


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    return Settings()
