"""Alembic migration environment and versions (run through ocr_service.db.migrate)."""
