"""The scanner-folder watcher against a stand-in service (httpx ``MockTransport``).

The stand-in keeps one upload per file content, as ``POST /v1/uploads`` does, so these
tests can kill the watcher between any two steps and count what the service received.
"""

from __future__ import annotations

import hashlib
import io
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import pytest

from ocr_service.errors import Conflict, TemplateNotFound, Unauthenticated
from ocr_service.watch.client import UploadClient
from ocr_service.watch.folder import ScanFolder, free_path
from ocr_service.watch.settle import Settler
from ocr_service.watch.watcher import MAX_INTERNAL_ERRORS, Watcher

REPO = Path(__file__).resolve().parents[2]


def file_part(request: httpx.Request) -> bytes:
    """The bytes of the multipart ``file`` field."""
    boundary = request.headers["content-type"].split("boundary=")[1].encode()
    for part in request.content.split(b"--" + boundary):
        head, _, body = part.partition(b"\r\n\r\n")
        if b'name="file"' in head:
            return body[: -len(b"\r\n")]
    raise AssertionError("no file field")


@dataclass
class StandInService:
    """Uploads by content hash; ``script`` holds answers to give before the normal ones."""

    uploads: dict[str, str] = field(default_factory=dict)
    posts: int = 0
    script: list[httpx.Response | Exception] = field(default_factory=list)

    def __call__(self, request: httpx.Request) -> httpx.Response:
        if self.script:
            answer = self.script.pop(0)
            if isinstance(answer, Exception):
                raise answer
            return answer
        if request.method == "GET":
            return httpx.Response(200, json={"id": "jp_tennyu"})
        self.posts += 1
        content = file_part(request)
        if content.startswith(b"BAD"):
            return error(422, "corrupt_file", "the PDF cannot be read")
        sha = hashlib.sha256(content).hexdigest()
        if sha in self.uploads:
            return httpx.Response(200, json={"id": self.uploads[sha], "pages_total": 1})
        self.uploads[sha] = f"u{len(self.uploads) + 1}"
        return httpx.Response(202, json={"id": self.uploads[sha], "pages_total": 1})


def error(status: int, code: str, message: str) -> httpx.Response:
    return httpx.Response(status, json={"error": {"code": code, "message": message}})


class Killed(Exception):
    """Stands for SIGKILL at one step: the watcher stops there, mid-way."""


@pytest.fixture
def service() -> StandInService:
    return StandInService()


@pytest.fixture
def inbox(tmp_path: Path) -> Path:
    folder = tmp_path / "scans"
    folder.mkdir()
    return folder


class Clock:
    now = 0.0

    def __call__(self) -> float:
        return self.now


def make_watcher(
    inbox: Path,
    service: StandInService,
    clock: Clock | None = None,
    folder: ScanFolder | None = None,
) -> Watcher:
    client = UploadClient(
        url="http://ocr.test",
        api_key="ocr_k_s",
        template="jp_tennyu",
        transport=httpx.MockTransport(service),
    )
    folder = folder or ScanFolder(inbox)
    folder.prepare()
    return Watcher(
        folder=folder,
        client=client,
        settler=Settler(0.0),
        out=io.StringIO(),
        clock=clock or Clock(),
    )


def printed(watcher: Watcher) -> str:
    out = watcher.out
    assert isinstance(out, io.StringIO)
    return out.getvalue()


def names(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir())


def test_files_go_to_done_or_failed_with_their_notes(inbox: Path, service: StandInService) -> None:
    (inbox / "scan001.pdf").write_bytes(b"%PDF one")
    (inbox / "scan002.pdf").write_bytes(b"BAD pdf")
    for skipped in (".hidden.pdf", "~scan.pdf", "scan003.pdf.part", "scan004.tmp"):
        (inbox / skipped).write_bytes(b"%PDF partial")
    watcher = make_watcher(inbox, service)
    watcher.cycle()
    assert names(inbox / "done") == ["scan001.pdf", "scan001.pdf.upload.txt"]
    assert names(inbox / "failed") == ["scan002.pdf", "scan002.pdf.reason.txt"]
    assert names(inbox / "processing") == []
    left = {p.name for p in inbox.iterdir() if p.is_file()}
    assert left == {".hidden.pdf", "~scan.pdf", "scan003.pdf.part", "scan004.tmp"}
    reason = (inbox / "failed" / "scan002.pdf.reason.txt").read_text("utf-8")
    assert "ファイルが壊れている" in reason
    assert "エラーコード: corrupt_file" in reason
    assert "元のファイル名: scan002.pdf" in reason
    receipt = (inbox / "done" / "scan001.pdf.upload.txt").read_text("utf-8")
    assert "受付番号（upload id）: u1" in receipt
    out = printed(watcher).splitlines()
    assert len(out) == 2
    assert out[0].startswith("受付: scan001.pdf -> done/scan001.pdf (upload u1")
    assert out[1].startswith("失敗: scan002.pdf -> failed/scan002.pdf [corrupt_file]")


def test_a_watcher_killed_after_the_upload_sends_again_and_gets_the_same_upload(
    inbox: Path, service: StandInService, monkeypatch: pytest.MonkeyPatch
) -> None:
    (inbox / "scan001.pdf").write_bytes(b"%PDF one")
    first = make_watcher(inbox, service)

    def killed(*args: object) -> None:
        raise Killed

    monkeypatch.setattr(first.folder, "file_done", killed)
    with pytest.raises(Killed):
        first.cycle()
    assert names(inbox / "processing") == ["scan001.pdf"]  # uploaded, not yet filed
    assert len(service.uploads) == 1

    second = make_watcher(inbox, service)
    second.cycle()
    assert names(inbox / "done") == ["scan001.pdf", "scan001.pdf.upload.txt"]
    assert names(inbox / "processing") == []
    assert service.posts == 2
    assert service.uploads == {hashlib.sha256(b"%PDF one").hexdigest(): "u1"}
    assert "その受付です" in (inbox / "done" / "scan001.pdf.upload.txt").read_text("utf-8")
    assert printed(second).startswith("受付済み（再送）: scan001.pdf")


def test_a_watcher_killed_after_the_claim_sends_on_restart(
    inbox: Path, service: StandInService, monkeypatch: pytest.MonkeyPatch
) -> None:
    (inbox / "scan001.pdf").write_bytes(b"%PDF one")
    first = make_watcher(inbox, service)
    monkeypatch.setattr(first.client, "send", lambda path: (_ for _ in ()).throw(Killed()))
    with pytest.raises(Killed):
        first.cycle()
    assert names(inbox / "processing") == ["scan001.pdf"]
    assert service.posts == 0
    make_watcher(inbox, service).cycle()
    assert names(inbox / "done") == ["scan001.pdf", "scan001.pdf.upload.txt"]
    assert service.posts == 1


def test_a_kill_between_the_note_and_the_move_leaves_the_file_to_be_sent_again(
    inbox: Path, service: StandInService, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The note is written first: a file in done/ or failed/ always has its note."""
    (inbox / "scan001.pdf").write_bytes(b"%PDF one")
    first = make_watcher(inbox, service)
    original = Path.rename

    def rename(self: Path, target: Path) -> Path:
        if target.parent.name == "done":
            raise Killed
        return original(self, target)

    monkeypatch.setattr(Path, "rename", rename)
    with pytest.raises(Killed):
        first.cycle()
    monkeypatch.undo()
    assert names(inbox / "done") == ["scan001.pdf.upload.txt"]
    assert names(inbox / "processing") == ["scan001.pdf"]
    make_watcher(inbox, service).cycle()
    assert names(inbox / "done") == ["scan001.pdf", "scan001.pdf.upload.txt"]
    assert len(service.uploads) == 1


def test_while_the_service_is_down_files_wait_and_nothing_new_is_claimed(
    inbox: Path, service: StandInService
) -> None:
    clock = Clock()
    (inbox / "scan001.pdf").write_bytes(b"%PDF one")
    service.script = [httpx.ConnectError("refused")]
    watcher = make_watcher(inbox, service, clock)
    watcher.cycle()
    assert names(inbox / "processing") == ["scan001.pdf"]
    (inbox / "scan002.pdf").write_bytes(b"%PDF two")
    watcher.cycle()  # still backing off: scan002 stays where the scanner put it
    assert (inbox / "scan002.pdf").exists()
    assert "再送待ち: scan001.pdf [unreachable]" in printed(watcher)
    clock.now += 60
    service.script = [error(503, "service_unavailable", "the database is not reachable")]
    watcher.cycle()
    assert names(inbox / "done") == []
    clock.now += 60
    watcher.cycle()
    assert names(inbox / "done") == [
        "scan001.pdf",
        "scan001.pdf.upload.txt",
        "scan002.pdf",
        "scan002.pdf.upload.txt",
    ]
    assert len(service.uploads) == 2


def test_retry_after_is_honoured(inbox: Path, service: StandInService) -> None:
    clock = Clock()
    (inbox / "scan001.pdf").write_bytes(b"%PDF one")
    busy = error(503, "service_unavailable", "all upload slots are busy")
    busy.headers["Retry-After"] = "20"
    service.script = [busy]
    watcher = make_watcher(inbox, service, clock)
    watcher.cycle()
    clock.now += 19
    watcher.cycle()
    assert names(inbox / "done") == []
    clock.now += 1
    watcher.cycle()
    assert "scan001.pdf" in names(inbox / "done")


def test_a_wrong_key_stops_the_watcher_and_keeps_the_file(
    inbox: Path, service: StandInService
) -> None:
    (inbox / "scan001.pdf").write_bytes(b"%PDF one")
    service.script = [error(401, "unauthenticated", "unknown API key")]
    with pytest.raises(Unauthenticated):
        make_watcher(inbox, service).cycle()
    assert names(inbox / "processing") == ["scan001.pdf"]
    assert names(inbox / "failed") == []


def test_an_unknown_template_stops_the_watcher_at_start(
    inbox: Path, service: StandInService
) -> None:
    service.script = [error(404, "template_not_found", "unknown template 'jp_x'")]
    watcher = make_watcher(inbox, service)
    with pytest.raises(TemplateNotFound):
        watcher.run()


def test_an_internal_error_fails_the_file_after_a_few_tries(
    inbox: Path, service: StandInService
) -> None:
    clock = Clock()
    (inbox / "scan001.pdf").write_bytes(b"%PDF one")
    service.script = [error(500, "internal_error", "see the log")] * MAX_INTERNAL_ERRORS
    watcher = make_watcher(inbox, service, clock)
    for _ in range(MAX_INTERNAL_ERRORS):
        watcher.cycle()
        clock.now += 100
    assert names(inbox / "failed") == ["scan001.pdf", "scan001.pdf.reason.txt"]
    assert "internal_error" in (inbox / "failed" / "scan001.pdf.reason.txt").read_text("utf-8")


def test_a_name_used_before_is_never_overwritten(inbox: Path, service: StandInService) -> None:
    watcher = make_watcher(inbox, service)
    for content in (b"%PDF monday", b"%PDF tuesday", b"BAD a", b"BAD b"):
        (inbox / "scan001.pdf").write_bytes(content)
        watcher.cycle()
    assert names(inbox / "done") == [
        "scan001.pdf",
        "scan001.pdf.upload.txt",
        "scan001_2.pdf",
        "scan001_2.pdf.upload.txt",
    ]
    assert (inbox / "done" / "scan001_2.pdf").read_bytes() == b"%PDF tuesday"
    assert names(inbox / "failed") == [
        "scan001.pdf",
        "scan001.pdf.reason.txt",
        "scan001_2.pdf",
        "scan001_2.pdf.reason.txt",
    ]


def test_free_path(tmp_path: Path) -> None:
    assert free_path(tmp_path, "a.pdf") == tmp_path / "a.pdf"
    (tmp_path / "a.pdf").touch()
    (tmp_path / "a_2.pdf").touch()
    assert free_path(tmp_path, "a.pdf") == tmp_path / "a_3.pdf"


def test_one_watcher_per_folder(inbox: Path) -> None:
    first, second = ScanFolder(inbox), ScanFolder(inbox)
    first.prepare()
    first.lock()
    try:
        with pytest.raises(Conflict):
            second.lock()
    finally:
        first.unlock()
    second.lock()
    second.unlock()


def test_the_watcher_loads_no_ocr_engine_and_no_database() -> None:
    code = (
        "import sys\n"
        "import ocr_service.watch.watcher\n"
        "heavy = ('cv2', 'tesserocr', 'onnxruntime', 'sqlalchemy', 'redis', 'ocr_service.db')\n"
        "print(','.join(m for m in heavy if m in sys.modules))\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=REPO
    )
    assert out.stdout.strip() == ""


def test_a_folder_error_is_waited_out_not_fatal(
    inbox: Path, service: StandInService, monkeypatch: pytest.MonkeyPatch
) -> None:
    clock = Clock()
    watcher = make_watcher(inbox, service, clock)
    (inbox / "scan001.pdf").write_bytes(b"%PDF one")
    calls = 0
    original = watcher.folder.inbox

    def flaky() -> dict[str, Any]:
        nonlocal calls
        calls += 1
        if calls == 1:
            raise PermissionError(13, "Permission denied", str(inbox))
        return original()

    monkeypatch.setattr(watcher.folder, "inbox", flaky)

    def cycle_then_stop(timeout: float | None = None) -> bool:
        clock.now += 100
        if calls >= 2:
            watcher.stop.set()
        return watcher.stop.is_set()

    monkeypatch.setattr(watcher.stop, "wait", cycle_then_stop)
    watcher.run()
    assert "フォルダを読み書きできません: Permission denied" in printed(watcher)
    assert names(inbox / "done") == ["scan001.pdf", "scan001.pdf.upload.txt"]
