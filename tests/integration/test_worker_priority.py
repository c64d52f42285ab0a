"""A started worker yields the CPU to the API: it runs niced (``OCR_WORKER_NICE``, default
10) with one thread in OpenCV and Tesseract's OpenMP (real worker processes)."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import threading
import uuid
from pathlib import Path

import pytest

pytestmark = pytest.mark.integration

ROOT = Path(__file__).resolve().parents[2]
REDIS = os.environ.get("OCR_TEST_REDIS_URL", "redis://127.0.0.1:6379/15")
STARTED = re.compile(r"worker runs at nice (\d+), opencv threads (\d+), (.*)")


def start(command: list[str], tmp_path: Path, **env: str) -> tuple[int, int, str]:
    """Start a worker, wait for its start-up line, and return the niceness the system
    reports for its pid, the OpenCV threads and the environment caps it logged."""
    environment = {
        **os.environ,
        "OCR_DATA_DIR": str(tmp_path),
        "OCR_REDIS_URL": REDIS,
        "OCR_QUEUE_NAME": f"priority-{uuid.uuid4().hex[:8]}",
        **env,
    }
    for name in ("OMP_THREAD_LIMIT", "OPENBLAS_NUM_THREADS", "OCR_WORKER_NICE"):
        if name not in env:
            environment.pop(name, None)
    proc = subprocess.Popen(
        [sys.executable, *command],
        cwd=ROOT,
        env=environment,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    lines: list[str] = []
    found = threading.Event()

    def read() -> None:
        assert proc.stderr is not None
        for line in proc.stderr:
            lines.append(line)
            if STARTED.search(line):
                found.set()

    reader = threading.Thread(target=read, daemon=True)
    reader.start()
    try:
        assert found.wait(120), "".join(lines)
        nice = os.getpriority(os.PRIO_PROCESS, proc.pid)
        match = next(m for m in map(STARTED.search, lines) if m)
        return nice, int(match.group(2)), match.group(3)
    finally:
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(60)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        reader.join(10)
        assert proc.stderr is not None
        proc.stderr.close()


def test_the_worker_command_runs_niced_with_one_thread_each(tmp_path: Path) -> None:
    nice, opencv, limits = start(["-m", "ocr_service.cli", "worker"], tmp_path)
    assert nice == max(10, os.nice(0))
    assert opencv == 1
    assert limits == "OMP_THREAD_LIMIT=1 OPENBLAS_NUM_THREADS=1"


def test_python_m_worker_takes_the_setting(tmp_path: Path) -> None:
    nice, opencv, limits = start(["-m", "worker"], tmp_path, OCR_WORKER_NICE="15")
    assert nice == max(15, os.nice(0))
    assert opencv == 1
    assert limits == "OMP_THREAD_LIMIT=1 OPENBLAS_NUM_THREADS=1"


def test_a_limit_the_operator_set_is_kept(tmp_path: Path) -> None:
    _, _, limits = start(
        ["-m", "worker", "--webhooks-only"], tmp_path, OMP_THREAD_LIMIT="2", OCR_WORKER_NICE="0"
    )
    assert limits == "OMP_THREAD_LIMIT=2 OPENBLAS_NUM_THREADS=1"
