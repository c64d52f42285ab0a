"""A burst of concurrent uploads queues for its turn instead of failing: every upload is
answered 202 and every acknowledged upload is committed, on SQLite and PostgreSQL
(issue 21, item 1). Before the admission gate, 100 uploads gave 64 x 503 on SQLite, and
PostgreSQL committed 89 uploads while acknowledging 60 (scripts/measure_burst.py)."""

from __future__ import annotations

import io
import threading
from typing import Any

import httpx
import pytest
from PIL import Image
from sqlalchemy import func, select

from ocr_service.db.models import Upload
from ocr_service.db.session import session_scope

pytestmark = pytest.mark.integration

UPLOADS = 60


def png(i: int) -> bytes:
    image = Image.new("L", (400, 560), 255)
    image.putpixel((i % 400, i // 400), 0)  # every file distinct
    buf = io.BytesIO()
    image.save(buf, format="PNG")
    return buf.getvalue()


def test_a_burst_of_uploads_is_all_acknowledged_and_committed(
    live_server: str, api_keys: dict[str, str], db_sessions: Any, redis_conn: Any
) -> None:
    files = [png(i) for i in range(UPLOADS)]
    statuses: list[int] = []
    lock = threading.Lock()
    go = threading.Event()

    def upload(i: int) -> None:
        go.wait()
        with httpx.Client(base_url=live_server, timeout=120) as c:
            r = c.post(
                "/v1/uploads",
                headers={"X-API-Key": api_keys["clerk"]},
                files={"file": (f"scan-{i}.png", files[i], "image/png")},
            )
        with lock:
            statuses.append(r.status_code)

    threads = [threading.Thread(target=upload, args=(i,)) for i in range(UPLOADS)]
    for t in threads:
        t.start()
    go.set()
    with httpx.Client(base_url=live_server, timeout=10) as c:
        assert c.get("/healthz").status_code == 200
    for t in threads:
        t.join()
    assert statuses == [202] * UPLOADS
    with session_scope(db_sessions) as session:
        assert session.scalar(select(func.count()).select_from(Upload)) == UPLOADS
