"""docker-compose.yml: valid for Compose, and shaped as docs/operations.md says.

``docker compose config`` (or the older ``docker-compose config``) validates the file
without a Docker engine; the test skips when neither client is installed."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
import yaml

REPO = Path(__file__).resolve().parents[2]
COMPOSE = REPO / "docker-compose.yml"
ENV = {"OCR_SECRET_KEY": "test-secret-" + "x" * 40, "POSTGRES_PASSWORD": "test-password"}
OCR_ROLES = ("migrate", "api", "worker", "purge")


@pytest.fixture(scope="module")
def compose() -> dict[str, Any]:
    data: dict[str, Any] = yaml.safe_load(COMPOSE.read_text(encoding="utf-8"))
    return data


def compose_command() -> list[str] | None:
    """``docker compose`` when the plugin is installed, else ``docker-compose``, else None."""
    if shutil.which("docker"):
        probe = subprocess.run(
            ["docker", "compose", "version"], capture_output=True, text=True, check=False
        )
        if probe.returncode == 0:
            return ["docker", "compose"]
    if shutil.which("docker-compose"):
        return ["docker-compose"]
    return None


def run_config(env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    command = compose_command()
    if command is None:
        pytest.skip(
            "neither the docker compose plugin nor docker-compose is installed; "
            "install one (e.g. apt-get install docker-compose) to validate docker-compose.yml"
        )
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("OCR_", "POSTGRES_"))}
    return subprocess.run(
        [*command, "-f", str(COMPOSE), "config"],
        capture_output=True,
        text=True,
        check=False,
        env={**clean, **env},
        cwd=REPO,
    )


def test_compose_config_validates() -> None:
    result = run_config(ENV)
    assert result.returncode == 0, result.stderr
    rendered = yaml.safe_load(result.stdout)
    assert {"api", "worker", "redis", "postgres", "migrate"} <= set(rendered["services"])
    env = rendered["services"]["api"]["environment"]
    assert env["OCR_DATABASE_URL"] == "postgresql+psycopg://ocr:test-password@postgres:5432/ocr"


def test_compose_refuses_to_start_without_secrets() -> None:
    result = run_config({})
    assert result.returncode != 0
    assert "OCR_SECRET_KEY" in result.stderr or "POSTGRES_PASSWORD" in result.stderr


def test_every_ocr_role_runs_the_same_image_with_the_same_settings(
    compose: dict[str, Any],
) -> None:
    services = compose["services"]
    images = {services[r]["image"] for r in OCR_ROLES}
    assert len(images) == 1
    for role in OCR_ROLES:
        env = services[role]["environment"]
        assert env["OCR_DATABASE_URL"].startswith("postgresql+psycopg://")
        assert env["OCR_DATABASE_URL"].endswith("@postgres:5432/ocr")
        assert env["OCR_REDIS_URL"] == "redis://redis:6379/0"
        assert env["OCR_DATA_DIR"] == "/data"
        assert env["OCR_ENVIRONMENT"] == "production"
        assert any(v.endswith(":/data") for v in services[role]["volumes"])
        assert all(k.startswith("OCR_") for k in env)


def test_workers_scale(compose: dict[str, Any]) -> None:
    worker = compose["services"]["worker"]
    assert "container_name" not in worker
    assert "ports" not in worker
    assert worker["command"] == ["worker"]


def test_migrations_run_before_api_and_workers(compose: dict[str, Any]) -> None:
    services = compose["services"]
    assert services["migrate"]["command"] == ["migrate"]
    assert services["migrate"]["restart"] == "no"
    assert services["migrate"]["depends_on"]["postgres"]["condition"] == "service_healthy"
    for role in ("api", "worker", "purge"):
        condition = services[role]["depends_on"]["migrate"]["condition"]
        assert condition == "service_completed_successfully"
    assert services["api"]["command"][0] == "serve"
    assert "--no-migrate" in services["api"]["command"]


def test_redis_and_postgres_keep_their_data(compose: dict[str, Any]) -> None:
    services = compose["services"]
    redis = services["redis"]
    assert redis["command"][redis["command"].index("--appendonly") + 1] == "yes"
    assert "redis-data:/data" in redis["volumes"]
    assert "test" in redis["healthcheck"]
    postgres = services["postgres"]
    assert "pg-data:/var/lib/postgresql/data" in postgres["volumes"]
    assert "pg_isready" in " ".join(postgres["healthcheck"]["test"])
    assert {"ocr-data", "redis-data", "pg-data"} <= set(compose["volumes"])


def test_purge_is_a_scheduled_one_shot(compose: dict[str, Any]) -> None:
    purge = compose["services"]["purge"]
    assert purge["command"][0] == "purge"
    assert purge["profiles"] == ["cron"]  # not started by a plain `up`
    assert purge["restart"] == "no"


def test_the_scanner_watcher_speaks_only_http_with_a_key_from_the_environment(
    compose: dict[str, Any],
) -> None:
    services = compose["services"]
    watch = services["watch"]
    assert watch["image"] == services["api"]["image"]
    command = watch["command"]
    assert command[:2] == ["watch", "/scans"]
    assert command[command.index("--url") + 1] == "http://api:8000"
    assert command[command.index("--template") + 1]
    assert not any("key" in str(part).lower() for part in command)  # never on the command line
    # no database, Redis or data volume: a scanner PC would not have them either
    assert set(watch["environment"]) == {"OCR_API_KEY", "OCR_LOG_FORMAT"}
    assert [v.split(":")[-1] for v in watch["volumes"]] == ["/scans"]
    assert watch["profiles"] == ["scanner"]  # not started by a plain `up`
    assert watch["healthcheck"]["disable"] is True
    assert "ports" not in watch
    assert "api" in watch["depends_on"]
