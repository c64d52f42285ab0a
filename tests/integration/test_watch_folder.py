"""The scanner folder end to end: the real API under uvicorn (SQLite, Redis), real
``ocr-service watch`` processes, killed with SIGKILL and restarted while files arrive.

Done when (issue 19): every file is uploaded exactly once, and every file ends in
``done/`` or ``failed/`` (a corrupt one with its reason note)."""

from __future__ import annotations

import hashlib
import io
import os
import signal
import threading
import time
from pathlib import Path
from typing import Any

import pytest
from faultkit import HERE, PYTHON, Procs, wait_until
from PIL import Image, ImageDraw
from sqlalchemy import select

from ocr_service.db.models import Upload
from ocr_service.db.session import session_scope

pytestmark = pytest.mark.integration

SETTLE = 1.0
"""Seconds a file must stay unchanged; the slow writers below pause 0.2 s between chunks."""
IGNORED = (".scan-in-progress.pdf", "~scan.pdf", "scan099.pdf.part", "scan098.tmp")


@pytest.fixture(params=["sqlite"])
def database_url(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> str:
    """The watcher talks HTTP; the database behind the API is not what is tested here."""
    from ocr_service.db.migrate import upgrade

    url = f"sqlite:///{tmp_path_factory.mktemp('watch') / 'ocr.db'}"
    upgrade(url)
    return url


def scan(n: int) -> bytes:
    """A distinct page-sized PNG (distinct bytes: distinct uploads)."""
    im = Image.new("L", (1240, 1754), 255)
    draw = ImageDraw.Draw(im)
    draw.rectangle((100, 100, 1140, 300), outline=0, width=4)
    draw.rectangle((100 + 40 * n, 400, 160 + 40 * n, 460), fill=0)
    draw.text((120, 1600), f"scan {n}", fill=0)
    buf = io.BytesIO()
    im.save(buf, format="PNG")
    return buf.getvalue()


CORRUPT = b"%PDF-1.7\n1 0 obj <</Type /Catalog /Pages 2 0 R>>\n" + b"\x00garbage" * 64


def sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def drop(inbox: Path, name: str, data: bytes) -> None:
    """As a scanner does: write under the final name, then close."""
    (inbox / name).write_bytes(data)


def drop_slowly(inbox: Path, name: str, data: bytes, chunks: int = 8) -> threading.Thread:
    """A slow scanner: the file grows in chunks with pauses shorter than the settle time,
    for longer (1.6 s) than the settle time."""

    def write() -> None:
        step = -(-len(data) // chunks)
        with (inbox / name).open("wb") as fh:
            for i in range(0, len(data), step):
                fh.write(data[i : i + step])
                fh.flush()
                time.sleep(0.2)

    thread = threading.Thread(target=write)
    thread.start()
    return thread


def watcher_env(api_key: str, tmp: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("OCR_")}
    env.update(
        {
            "OCR_API_KEY": api_key,
            "OCR_ENVIRONMENT": "development",
            "OCR_DATA_DIR": str(tmp / "watcher-data"),  # never used: the watcher speaks HTTP
            "PYTHONUNBUFFERED": "1",
        }
    )
    return env


def data_files(folder: Path) -> list[Path]:
    return sorted(
        p for p in folder.iterdir() if not p.name.endswith((".upload.txt", ".reason.txt"))
    )


def uploads_in_db(sessions: Any) -> list[str]:
    with session_scope(sessions) as session:
        return list(session.scalars(select(Upload.sha256)))


def test_files_dropped_while_the_watcher_is_killed_are_uploaded_exactly_once(
    live_server: str,
    api_keys: dict[str, str],
    redis_conn: Any,
    db_sessions: Any,
    procs: Procs,
    tmp_path: Path,
) -> None:
    inbox = tmp_path / "scans"
    inbox.mkdir()
    env = watcher_env(api_keys["clerk"], tmp_path)
    watch = ["watch", str(inbox), "--template", "jp_tennyu", "--url", live_server]
    watch += ["--settle", str(SETTLE), "--poll", "0.05"]
    crasher = [PYTHON, str(HERE / "watch_crasher.py")]
    good: dict[str, bytes] = {}
    for name in IGNORED:
        drop(inbox, name, b"%PDF-1.7 still being written")

    # 1. Killed right after the service accepted its 2nd upload, before filing it.
    for n in range(1, 5):
        good[f"scan{n:03}.png"] = scan(n)
        drop(inbox, f"scan{n:03}.png", good[f"scan{n:03}.png"])
    drop(inbox, "scan005.pdf", CORRUPT)
    first = procs.start([*crasher, "--after", "upload", "--nth", "2", "--", *watch], env, "w1")
    assert first.wait(60) == -signal.SIGKILL, procs.logs()
    assert len(uploads_in_db(db_sessions)) == 2
    in_flight = data_files(inbox / "processing")
    assert in_flight, "the killed watcher left its claimed files in processing/"

    # 2. Killed right after claiming a new file, before sending it.
    good["scan006.png"] = scan(6)
    drop(inbox, "scan006.png", good["scan006.png"])
    second = procs.start([*crasher, "--after", "claim", "--nth", "1", "--", *watch], env, "w2")
    assert second.wait(60) == -signal.SIGKILL, procs.logs()
    assert (inbox / "processing" / "scan006.png").exists()

    # 3. The real command, SIGKILLed from outside while slow scanners write, then again.
    third = procs.start([PYTHON, "-m", "ocr_service.cli", *watch], env, "w3")
    wait_until(lambda: (inbox / "done" / "scan006.png").exists(), 60)  # it is up and working
    writers = []
    for n in range(7, 10):
        good[f"scan{n:03}.png"] = scan(n)
        writers.append(drop_slowly(inbox, f"scan{n:03}.png", good[f"scan{n:03}.png"]))
    drop(inbox, "notes.txt", "スキャンではありません".encode())
    wait_until(lambda: any((inbox / "done").glob("scan00[789].png")), 60)
    procs.stop(third, signal.SIGKILL)
    for writer in writers:
        writer.join()
    for n in range(10, 12):
        good[f"scan{n:03}.png"] = scan(n)
        drop(inbox, f"scan{n:03}.png", good[f"scan{n:03}.png"])
    fourth = procs.start([PYTHON, "-m", "ocr_service.cli", *watch], env, "w4")

    def settled() -> bool:
        left = {p.name for p in inbox.iterdir() if p.is_file()} - {*IGNORED, ".ocr-watch.lock"}
        return not left and not data_files(inbox / "processing")

    wait_until(settled, 60)
    procs.stop(fourth, signal.SIGTERM)
    assert fourth.returncode == 0, procs.logs()
    assert "停止しました" in procs.logs()

    # Every good file uploaded exactly once, and filed once in done/.
    assert sorted(uploads_in_db(db_sessions)) == sorted(sha(d) for d in good.values())
    done = data_files(inbox / "done")
    assert sorted(p.name for p in done) == sorted(good)
    for path in done:
        assert path.read_bytes() == good[path.name]
        receipt = path.with_name(path.name + ".upload.txt").read_text("utf-8")
        assert "受付番号（upload id）" in receipt
    # The corrupt file and the text file in failed/, each with a Japanese reason and code.
    failed = data_files(inbox / "failed")
    assert [p.name for p in failed] == ["notes.txt", "scan005.pdf"]
    corrupt = (inbox / "failed" / "scan005.pdf.reason.txt").read_text("utf-8")
    assert "エラーコード: corrupt_file" in corrupt
    assert "スキャンし直してください" in corrupt
    text = (inbox / "failed" / "notes.txt.reason.txt").read_text("utf-8")
    assert "エラーコード: unsupported_file_type" in text
    # Hidden and temporary names are left alone.
    for name in IGNORED:
        assert (inbox / name).read_bytes() == b"%PDF-1.7 still being written"
    # The file killed between its upload and its move was sent again and given back as
    # the same upload (the outside SIGKILL in step 3 may have caught a second one so).
    logs = procs.logs()
    assert 1 <= logs.count("受付済み（再送）") <= 2, logs


def test_a_wrong_key_stops_the_watcher_with_exit_code_2(
    live_server: str, api_keys: dict[str, str], procs: Procs, tmp_path: Path
) -> None:
    inbox = tmp_path / "scans"
    inbox.mkdir()
    drop(inbox, "scan001.png", scan(1))
    env = watcher_env("ocr_nosuchkey_" + "x" * 40, tmp_path)
    proc = procs.start(
        [PYTHON, "-m", "ocr_service.cli", "watch", str(inbox), "--url", live_server], env, "w"
    )
    assert proc.wait(60) == 2
    assert "error [unauthenticated]" in procs.logs()
    assert "API キーが無効" in procs.logs()
    assert (inbox / "scan001.png").exists()  # nothing was claimed
