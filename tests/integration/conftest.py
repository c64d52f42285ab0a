"""Fixtures for the fault, concurrency and load tests (helpers live in ``faultkit``)."""

from __future__ import annotations

import signal
from collections.abc import Iterator
from pathlib import Path

import pytest
from faultkit import Procs


@pytest.fixture
def procs(tmp_path: Path) -> Iterator[Procs]:
    started = Procs(tmp=tmp_path)
    yield started
    for proc in reversed(started.running):
        started.stop(proc, signal.SIGKILL)
