"""The Alembic migrations build the schema the models describe, on SQLite and PostgreSQL."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from typing import Any

import psycopg
import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError, IntegrityError

from ocr_service.db.migrate import downgrade, upgrade
from ocr_service.db.models import AuditEntry, Base, DocumentRow, Page, Upload
from ocr_service.db.session import make_engine, make_session_factory, session_scope

pytestmark = pytest.mark.integration


def test_migrated_schema_matches_the_models(db_sessions: Any) -> None:
    with db_sessions() as session:
        diff = compare_metadata(MigrationContext.configure(session.connection()), Base.metadata)
    assert diff == []


def _upload(**kw: Any) -> Upload:
    values: dict[str, Any] = {
        "sha256": "0" * 64,
        "dedupe_key": "k",
        "filename": "f.png",
        "size": 1,
        "mime": "image/png",
        "pages_total": 1,
    }
    values.update(kw)
    return Upload(**values)


def test_unique_constraints_hold(db_sessions: Any) -> None:
    with session_scope(db_sessions) as session:
        upload = _upload()
        session.add(upload)
        session.flush()
        session.add(DocumentRow(upload_id=upload.id, page_index=0))
        session.add(Page(upload_id=upload.id, index=0))
        session.commit()
        session.add(DocumentRow(upload_id=upload.id, page_index=0))
        with pytest.raises(IntegrityError):
            session.commit()
        session.rollback()
        session.add(_upload())  # same dedupe key
        with pytest.raises(IntegrityError):
            session.commit()


def test_audit_log_is_append_only_on_postgresql(db_sessions: Any, database_url: str) -> None:
    if not database_url.startswith("postgresql"):
        pytest.skip("the trigger is PostgreSQL-only; SQLite relies on the service layer")
    with session_scope(db_sessions) as session:
        session.add(AuditEntry(document_id="d", action="read"))
        session.commit()
        with pytest.raises(DBAPIError, match="append-only"):
            session.execute(text("UPDATE audit_log SET action = 'x'"))
        session.rollback()
        with pytest.raises(DBAPIError, match="append-only"):
            session.execute(text("DELETE FROM audit_log"))
        session.rollback()


@pytest.fixture(params=["sqlite", "postgresql"])
def fresh_database(request: pytest.FixtureRequest, tmp_path: Any) -> Iterator[str]:
    """An empty database, not migrated (the session's ``database_url`` is at head)."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'fresh.db'}"
        return
    admin_url = os.environ.get(
        "OCR_TEST_PG_ADMIN", "postgresql+psycopg://postgres@127.0.0.1:5432/test"
    )
    dsn = admin_url.replace("postgresql+psycopg://", "postgresql://")
    name = f"ocr_test_{uuid.uuid4().hex[:12]}"
    try:
        admin = psycopg.connect(dsn, autocommit=True, connect_timeout=5)
    except psycopg.OperationalError as exc:
        if os.environ.get("OCR_REQUIRE_POSTGRES", "0") != "0":
            pytest.fail(f"PostgreSQL is not reachable at {admin_url}: {exc}")
        pytest.skip(f"PostgreSQL is not reachable at {admin_url}: {exc}")
    with admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    try:
        yield admin_url.rsplit("/", 1)[0] + f"/{name}"
    finally:
        with psycopg.connect(dsn, autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def test_0004_marks_done_with_failures_and_keeps_every_page(fresh_database: str) -> None:
    """Widening ``uploads.status`` rebuilds the table on SQLite; with foreign keys on that
    would cascade to pages and documents. Nothing may be lost, either way."""
    upgrade(fresh_database, "0003")
    engine = make_engine(fresh_database)
    stamp = "2026-01-01 00:00:00"
    try:
        with engine.begin() as conn:
            for upload_id, pages in (("u-mixed", ["done", "failed"]), ("u-clean", ["done"])):
                conn.execute(
                    text(
                        "INSERT INTO uploads (id, sha256, dedupe_key, filename, size, mime, "
                        "status, pages_total, pages_done, created_at, updated_at) VALUES "
                        "(:id, 'x', :id, 'f.pdf', 1, 'application/pdf', 'done', :n, :n, "
                        ":t, :t)"
                    ),
                    {"id": upload_id, "n": len(pages), "t": stamp},
                )
                for index, status in enumerate(pages):
                    conn.execute(
                        text(
                            'INSERT INTO pages (upload_id, "index", status, document_id, '
                            "attempts, created_at, updated_at) VALUES "
                            "(:u, :i, :s, :d, 1, :t, :t)"
                        ),
                        {
                            "u": upload_id,
                            "i": index,
                            "s": status,
                            "d": f"{upload_id}-{index}",
                            "t": stamp,
                        },
                    )
                    conn.execute(
                        text(
                            "INSERT INTO documents (id, upload_id, page_index, status, pages, "
                            "version, created_at, updated_at) VALUES "
                            "(:d, :u, :i, 'verified', '[]', 1, :t, :t)"
                        ),
                        {"d": f"{upload_id}-{index}", "u": upload_id, "i": index, "t": stamp},
                    )

        def state() -> tuple[dict[str, str], int, int]:
            with engine.connect() as conn:
                statuses = dict(conn.execute(text("SELECT id, status FROM uploads")).all())
                pages = conn.execute(text("SELECT count(*) FROM pages")).scalar_one()
                docs = conn.execute(text("SELECT count(*) FROM documents")).scalar_one()
            return statuses, pages, docs

        upgrade(fresh_database)
        assert state() == ({"u-mixed": "done_with_failures", "u-clean": "done"}, 3, 3)
        with session_scope(make_session_factory(engine)) as session:
            row = session.get(Upload, "u-mixed")
            assert row is not None
            row.status = "done_with_failures"  # 18 characters fit now (VARCHAR(16) before)
            session.commit()
        downgrade(fresh_database, "0003")
        assert state() == ({"u-mixed": "done", "u-clean": "done"}, 3, 3)
        upgrade(fresh_database)
        assert state() == ({"u-mixed": "done_with_failures", "u-clean": "done"}, 3, 3)
    finally:
        engine.dispose()
