"""A real rq worker process whose pipeline is the tests' stand-in reader (no OCR).

    python tests/integration/standin_worker.py [--burst] [--delay S] [--calls FILE]

Settings come from the ``OCR_`` environment, as for ``python -m worker``. ``--delay``
makes each page take that long (so a test can kill or race it mid-page); ``--calls``
appends ``<pid> <upload_id> <index> start|end`` lines to FILE, one write per line.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from conftest import StandInReader

import worker
from ocr_service.config import Settings
from ocr_service.queue import jobs


class SlowStandIn(StandInReader):
    def __init__(self, delay: float, calls: Path | None) -> None:
        super().__init__()
        self.delay = delay
        self.log = calls

    def _note(self, path: Path, index: int, what: str) -> None:
        if self.log is None:
            return
        line = f"{os.getpid()} {path.name} {index} {what}\n".encode()
        fd = os.open(self.log, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
        try:
            os.write(fd, line)
        finally:
            os.close(fd)

    def read_source_page(self, path: Path, index: int, *, template_id: str | None) -> Any:
        self._note(path, index, "start")
        time.sleep(self.delay)
        reading = super().read_source_page(path, index, template_id=template_id)
        self._note(path, index, "end")
        return reading


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--burst", action="store_true")
    parser.add_argument("--delay", type=float, default=0.0)
    parser.add_argument("--calls", type=Path)
    args = parser.parse_args()
    settings = Settings()
    reader = SlowStandIn(args.delay, args.calls)
    original = jobs.configure

    def configure(s: Settings, **_: Any) -> jobs.WorkerContext:
        return original(s, reader=reader)

    jobs.configure = configure  # type: ignore[assignment]
    worker.run(settings, burst=args.burst)
    return 0


if __name__ == "__main__":
    sys.exit(main())
