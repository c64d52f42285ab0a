"""Storage that cannot be written: a clean 503/507 with a code, never a 500, nothing
recorded, no half-written blob left to be served later, and a page whose image cannot be
stored goes back to the queue instead of failing the application.

Honest note on the method: the tests run as root, so ``chmod`` cannot make a folder
unwritable and a small full filesystem cannot be mounted. "Unwritable" is real (the data
folder sits under a regular file, so every write fails with ENOTDIR); "full" is injected at
the storage seam: the files storage writes raise ENOSPC after a number of bytes, exactly as
a full disk does.
"""

from __future__ import annotations

import errno
import hashlib
from pathlib import Path
from typing import Any, BinaryIO

import httpx
import pytest
from sqlalchemy import func, select

from ocr_service.config import Settings
from ocr_service.db.models import Page, Upload
from ocr_service.db.session import session_scope
from ocr_service.storage import LocalStorage

pytestmark = pytest.mark.integration


class FullDisk:
    """A writable file that fails with ENOSPC once ``room`` bytes have been written."""

    def __init__(self, fh: BinaryIO, room: int) -> None:
        self.fh = fh
        self.room = room

    def write(self, data: bytes) -> int:
        if len(data) > self.room:
            self.fh.write(data[: self.room])  # a partial write, as a full disk leaves it
            self.room = 0
            raise OSError(errno.ENOSPC, "No space left on device")
        self.room -= len(data)
        return self.fh.write(data)

    def __getattr__(self, name: str) -> Any:
        return getattr(self.fh, name)

    def __enter__(self) -> FullDisk:
        return self

    def __exit__(self, *exc: object) -> None:
        self.fh.close()


class FillingStorage(LocalStorage):
    """LocalStorage whose n-th temporary file (0-based) hits a full disk."""

    def __init__(self, root: Path, *, fail_at: int, room: int) -> None:
        super().__init__(root)
        self.opened = 0
        self.fail_at = fail_at
        self.room = room

    def temp_file(self) -> tuple[BinaryIO, Path]:
        fh, path = super().temp_file()
        n, self.opened = self.opened, self.opened + 1
        if n == self.fail_at:
            return FullDisk(fh, self.room), path  # type: ignore[return-value]
        return fh, path


def blobs(root: Path) -> list[Path]:
    return sorted(p for p in (root / "blobs").rglob("*") if p.is_file())


def leftovers(root: Path) -> list[Path]:
    tmp = root / "tmp"
    return sorted(tmp.iterdir()) if tmp.is_dir() else []


def post(client: httpx.Client, key: str, content: bytes) -> httpx.Response:
    return client.post(
        "/v1/uploads",
        headers={"X-API-Key": key},
        files={"file": ("scan.pdf", content, "application/pdf")},
        data={"template": "jp_tennyu"},
    )


def count_uploads(sessions: Any) -> int:
    with session_scope(sessions) as session:
        return int(session.scalar(select(func.count()).select_from(Upload)) or 0)


@pytest.fixture
def blocked_settings(settings: Settings, tmp_path: Path) -> Settings:
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("a file where the data folder's parent should be")
    return settings.model_copy(update={"data_dir": blocker / "data"})


@pytest.fixture
def app(request: pytest.FixtureRequest, settings: Settings) -> Any:
    from ocr_service.api import create_app

    if "blocked_settings" in request.fixturenames:
        return create_app(request.getfixturevalue("blocked_settings"))
    return create_app(settings)


def test_an_unwritable_data_folder_is_a_clean_503(
    blocked_settings: Settings,
    client: httpx.Client,
    api_keys: dict[str, str],
    files: Any,
    db_sessions: Any,
) -> None:
    r = post(client, api_keys["clerk"], files.pdf([files.blank()]))
    assert r.status_code == 503, r.text
    assert r.json()["error"]["code"] == "storage_error"
    assert r.headers["retry-after"].isdigit()
    assert count_uploads(db_sessions) == 0


@pytest.mark.parametrize("stage", ["receiving", "publishing"])
def test_a_full_disk_is_507_and_leaves_no_half_written_blob(
    stage: str,
    app: Any,
    client: httpx.Client,
    api_keys: dict[str, str],
    files: Any,
    settings: Settings,
    db_sessions: Any,
    redis_conn: Any,
) -> None:
    """``receiving``: the disk fills while the upload streams in; ``publishing``: while
    the received file is copied into its content-addressed blob."""
    root = settings.data_dir
    content = files.pdf([files.form("jp_tennyu", seed=3, degrade_level="none")] * 3)
    services = app.state.services
    services.storage = FillingStorage(
        root, fail_at=0 if stage == "receiving" else 1, room=len(content) // 2
    )
    r = post(client, api_keys["clerk"], content)
    assert r.status_code == 507, r.text
    assert r.json()["error"]["code"] == "storage_full"
    assert blobs(root) == [] and leftovers(root) == []
    assert count_uploads(db_sessions) == 0

    services.storage = LocalStorage(root)  # space was freed
    again = post(client, api_keys["clerk"], content)
    assert again.status_code == 202, again.text
    (blob,) = blobs(root)
    assert hashlib.sha256(blob.read_bytes()).hexdigest() == again.json()["sha256"]
    assert blob.name == again.json()["sha256"]


def test_a_page_image_that_cannot_be_stored_is_retried_not_failed(
    client: httpx.Client,
    api_keys: dict[str, str],
    files: Any,
    settings: Settings,
    run_worker: Any,
    standin: Any,
    db_sessions: Any,
) -> None:
    r = post(client, api_keys["clerk"], files.pdf([files.blank()]))
    assert r.status_code == 202, r.text
    from ocr_service.queue import jobs

    class Full(LocalStorage):
        def put_bytes(self, data: bytes) -> str:
            return FillingStorage(self.root, fail_at=0, room=10).put_bytes(data)

    real = standin()
    jobs.configure(settings, reader=real)
    context = jobs.context()
    context.storage = Full(settings.data_dir)
    original_configure = jobs.configure
    jobs.configure = lambda *a, **k: context
    try:
        run_worker(reader=real)
    finally:
        jobs.configure = original_configure
    with session_scope(db_sessions) as session:
        page = session.scalar(select(Page))
        assert page is not None
        assert (page.status, page.error_code) == ("queued", "storage_full")
    assert leftovers(settings.data_dir) == []
    context.storage = LocalStorage(settings.data_dir)  # space was freed
    assert jobs.process_page(r.json()["id"], 0) == "verified"
