"""The Alembic migrations build the schema the models describe, on SQLite and PostgreSQL."""

from __future__ import annotations

from typing import Any

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError, IntegrityError

from ocr_service.db.models import AuditEntry, Base, DocumentRow, Page, Upload
from ocr_service.db.session import session_scope

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
