"""The watch loop: claim settled files, send what is in ``processing/``, file the result.

Each poll runs one :meth:`Watcher.cycle`. Files already in ``processing/`` (claimed by
this run, or left by a run that was killed) are sent before anything new is claimed, so
a restart finishes the earlier work first. While the service does not answer, nothing is
claimed and sending waits with a growing pause (``BACKOFF``, or the service's
``Retry-After``). A stop request (SIGTERM, Ctrl-C) is honoured between files: the file
being sent is sent and filed first.
"""

from __future__ import annotations

import logging
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import TextIO

from ocr_service.watch import messages
from ocr_service.watch.client import Accepted, Refused, RetryLater, UploadClient
from ocr_service.watch.folder import ScanFolder
from ocr_service.watch.settle import Settler, openable

log = logging.getLogger(__name__)

#: Seconds between attempts while the service does not answer; the last one repeats.
BACKOFF = (1.0, 2.0, 5.0, 10.0, 30.0, 60.0)
#: An ``internal_error`` (a bug in the service) this many times in a row fails the file.
MAX_INTERNAL_ERRORS = 3


class Watcher:
    def __init__(
        self,
        *,
        folder: ScanFolder,
        client: UploadClient,
        settler: Settler,
        poll_seconds: float = 1.0,
        stop: threading.Event | None = None,
        out: TextIO | None = None,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.folder = folder
        self.client = client
        self.settler = settler
        self.poll_seconds = poll_seconds
        self.stop = stop or threading.Event()
        self.out = out or sys.stdout
        self._clock = clock
        self._failures = 0
        self._next_try = 0.0
        self._internal_errors: dict[str, int] = {}

    def run(self) -> None:
        """Watch until :attr:`stop` is set. Set-up errors (key, template, URL) raise."""
        self.folder.prepare()
        self.folder.lock()
        try:
            self.wait_for_service()
            while not self.stop.is_set():
                try:
                    self.cycle()
                except OSError as exc:  # the share went away, a folder is not writable...
                    delay = self._back_off(RetryLater(code="folder_error", message=str(exc)))
                    self.say(messages.folder_error_line(exc, delay))
                self.stop.wait(self.poll_seconds)
        finally:
            self.folder.unlock()

    def wait_for_service(self) -> None:
        """Check the key and template once the service answers; raise if they are wrong."""
        while not self.stop.is_set():
            retry = self.client.check()
            if retry is None:
                self._failures = 0
                return
            delay = self._back_off(retry)
            self.say(messages.service_waiting_line(retry, delay))
            self.stop.wait(delay)

    def cycle(self) -> None:
        """One poll: send what is in flight, then claim and send what has settled."""
        if self._clock() < self._next_try:
            return
        if not self._send_in_flight():
            return
        for name in self.settler.observe(self.folder.inbox()):
            if self.stop.is_set():
                return
            if not openable(self.folder.root / name):
                continue  # a writer still holds it; it settles again
            self.settler.forget(name)
            try:
                self.folder.claim(name)
            except FileNotFoundError:  # taken away since the listing
                continue
        self._send_in_flight()

    def _send_in_flight(self) -> bool:
        """Send every file in ``processing/``; False when the service must be waited for."""
        for path in self.folder.in_flight():
            if self.stop.is_set():
                return False
            if not self.send(path):
                return False
        return True

    def send(self, path: Path) -> bool:
        """Send one claimed file and file it; False when it must wait in ``processing/``."""
        outcome = self.client.send(path)
        if isinstance(outcome, RetryLater):
            if outcome.code != "internal_error":
                self._internal_errors.pop(path.name, None)
                delay = self._back_off(outcome)
                self.say(messages.waiting_line(path.name, outcome, delay))
                return False
            seen = self._internal_errors.get(path.name, 0) + 1
            self._internal_errors[path.name] = seen
            if seen < MAX_INTERNAL_ERRORS:
                delay = self._back_off(outcome)
                self.say(messages.waiting_line(path.name, outcome, delay))
                return False
            outcome = Refused(code=outcome.code, message=outcome.message)
        self._failures = 0
        self._internal_errors.pop(path.name, None)
        if isinstance(outcome, Accepted):
            note = messages.receipt_note(path.name, outcome, self.client.url)
            filed = self.folder.file_done(path, note)
            self.say(messages.accepted_line(path.name, self._shown(filed.path), outcome))
            log.debug(
                "scan filed done upload=%s pages=%s repeated=%s",
                outcome.upload_id,
                outcome.pages,
                outcome.repeated,
            )
        else:
            filed = self.folder.file_failed(path, messages.reason_note(path.name, outcome))
            self.say(messages.refused_line(path.name, self._shown(filed.path), outcome))
            log.debug("scan filed failed code=%s", outcome.code)
        return True

    def _back_off(self, retry: RetryLater) -> float:
        delay = BACKOFF[min(self._failures, len(BACKOFF) - 1)]
        if retry.after is not None:
            delay = max(delay, min(retry.after, BACKOFF[-1]))
        self._failures += 1
        self._next_try = self._clock() + delay
        log.debug("service not usable code=%s; next try in %.0f s", retry.code, delay)
        return delay

    def _shown(self, path: Path) -> str:
        return str(path.relative_to(self.folder.root))

    def say(self, line: str) -> None:
        print(line, file=self.out, flush=True)
