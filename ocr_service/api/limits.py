"""An ASGI guard that stops reading an upload body once it passes the byte limit.

Starlette spools a multipart body to disk before the route runs; without this guard an
oversized upload would be received in full before the route could refuse it. A body with
a ``Content-Length`` over the limit is refused at once; a streamed (chunked) body is cut
off where it passes the limit and answered 413 all the same.
"""

from __future__ import annotations

import asyncio
import json

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from ocr_service.api.errors import error_body
from ocr_service.errors import BodyTooLarge, FileTooLarge, OcrServiceError, ServiceUnavailable
from ocr_service.messages import Language, preferred_language


def scope_language(scope: Scope) -> Language:
    """The language of a request's ``Accept-Language``, read from the ASGI scope."""
    for name, value in scope.get("headers", []):
        if name == b"accept-language":
            return preferred_language(value.decode("latin-1"))
    return preferred_language(None)


MULTIPART_OVERHEAD = 64 * 1024
JSON_BODY_LIMIT = 1024 * 1024
"""Largest request body outside uploads (a review resolution, a webhook, a template): a
60 MB JSON body was parsed and validated before its 422."""


class BodySizeLimit:
    def __init__(
        self,
        app: ASGIApp,
        *,
        max_bytes: int,
        path_prefix: str = "/v1/uploads",
        except_prefix: str | None = None,
        uploads: bool = True,
    ) -> None:
        self.app = app
        self.limit = max_bytes + (MULTIPART_OVERHEAD if uploads else 0)
        self.max_bytes = max_bytes
        self.path_prefix = path_prefix
        self.except_prefix = except_prefix
        self.uploads = uploads

    def guards(self, path: str) -> bool:
        if not path.startswith(self.path_prefix):
            return False
        return self.except_prefix is None or not path.startswith(self.except_prefix)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or not self.guards(scope["path"]):
            await self.app(scope, receive, send)
            return
        for name, value in scope.get("headers", []):
            if name == b"content-length" and value.isdigit() and int(value) > self.limit:
                await self._refuse(send, scope_language(scope))
                return
        received = 0
        exceeded = False
        started = False

        async def limited() -> Message:
            nonlocal received, exceeded
            if exceeded:
                return {"type": "http.disconnect"}
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > self.limit:
                    # Raising here would reach FastAPI's body parser, which turns any error
                    # into a 400; end the body instead and answer 413 ourselves.
                    exceeded = True
                    return {"type": "http.disconnect"}
            return message

        async def guarded(message: Message) -> None:
            nonlocal started
            if exceeded and not started:
                return  # the app's answer to a cut-off body is replaced by the 413
            started = True
            await send(message)

        try:
            await self.app(scope, limited, guarded)
        except Exception:
            if not exceeded or started:
                raise
        if exceeded and not started:
            await self._refuse(send, scope_language(scope))

    def _error(self) -> OcrServiceError:
        if not self.uploads:
            return BodyTooLarge(
                f"the request body is over the limit of {self.max_bytes // 1024} KiB",
                limit=self.max_bytes,
            )
        return FileTooLarge(
            f"the upload is over the limit of {self.max_bytes / 2**20:.0f} MiB",
            limit=self.max_bytes,
        )

    async def _refuse(self, send: Send, language: Language) -> None:
        body = json.dumps(error_body(self._error(), language)).encode()
        await send(
            {
                "type": "http.response.start",
                "status": 413,
                "headers": [
                    (b"content-type", b"application/json"),
                    (b"cache-control", b"no-store"),
                    (b"content-length", str(len(body)).encode()),
                    (b"connection", b"close"),
                ],
            }
        )
        await send({"type": "http.response.body", "body": body})


class NoStore:
    """Every answer carries ``Cache-Control: no-store`` unless its route set its own: a
    document, the feed, an export or a crop holds personal data, and no browser or proxy
    may keep a copy. (Route-set values, such as the crops' ``private, no-store``, stay.)"""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def stamped(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                if not any(name.lower() == b"cache-control" for name, _ in headers):
                    headers.append((b"cache-control", b"no-store"))
                message = {**message, "headers": headers}
            await send(message)

        await self.app(scope, receive, stamped)


class UploadAdmission:
    """At most ``slots`` uploads are handled at once; the others wait their turn here, on
    the event loop, before any database connection or pool thread is taken.

    Without it a burst of 50-100 uploads filled the thread pool, each request holding a
    database connection while its file was checked, and requests past the connection
    pool's size timed out: some were committed and then answered 503 (acknowledged and
    committed differed), and SQLite answered most of them 503. A request that waits
    longer than ``wait_seconds`` is answered 503 with ``Retry-After`` and nothing is
    written (scripts/measure_burst.py measures it)."""

    def __init__(
        self, app: ASGIApp, *, slots: int, wait_seconds: float, path: str = "/v1/uploads"
    ) -> None:
        self.app = app
        self.slots = slots
        self.wait_seconds = wait_seconds
        self.path = path
        self._gate: asyncio.Semaphore | None = None

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        admitted = (
            scope["type"] == "http"
            and scope.get("method") == "POST"
            and scope["path"].rstrip("/") == self.path
        )
        if not admitted:
            await self.app(scope, receive, send)
            return
        if self._gate is None:
            self._gate = asyncio.Semaphore(self.slots)
        try:
            await asyncio.wait_for(self._gate.acquire(), timeout=self.wait_seconds)
        except TimeoutError:
            await self._busy(send, scope_language(scope))
            return
        try:
            await self.app(scope, receive, send)
        finally:
            self._gate.release()

    async def _busy(self, send: Send, language: Language) -> None:
        error = ServiceUnavailable(
            f"too many uploads at once; nothing was stored; send it again in {BUSY_RETRY} s"
        )
        body = json.dumps(error_body(error, language)).encode()
        await send(
            {
                "type": "http.response.start",
                "status": 503,
                "headers": [
                    (b"content-type", b"application/json"),
                    (b"content-length", str(len(body)).encode()),
                    (b"retry-after", str(BUSY_RETRY).encode()),
                    (b"cache-control", b"no-store"),
                ],
            }
        )
        await send({"type": "http.response.body", "body": body})


BUSY_RETRY = 10
"""Seconds a refused upload is told to wait (``Retry-After``)."""
