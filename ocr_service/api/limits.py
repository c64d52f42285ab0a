"""An ASGI guard that stops reading an upload body once it passes the byte limit.

Starlette spools a multipart body to disk before the route runs; without this guard an
oversized upload would be received in full before the route could refuse it. A body with
a ``Content-Length`` over the limit is refused at once; a streamed (chunked) body is cut
off where it passes the limit and answered 413 all the same.
"""

from __future__ import annotations

import json

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from ocr_service.errors import FileTooLarge

MULTIPART_OVERHEAD = 64 * 1024


class BodySizeLimit:
    def __init__(self, app: ASGIApp, *, max_bytes: int, path_prefix: str = "/v1/uploads") -> None:
        self.app = app
        self.limit = max_bytes + MULTIPART_OVERHEAD
        self.max_bytes = max_bytes
        self.path_prefix = path_prefix

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or not scope["path"].startswith(self.path_prefix):
            await self.app(scope, receive, send)
            return
        for name, value in scope.get("headers", []):
            if name == b"content-length" and value.isdigit() and int(value) > self.limit:
                await self._refuse(send)
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
            await self._refuse(send)

    def _error(self) -> FileTooLarge:
        return FileTooLarge(
            f"the upload is over the limit of {self.max_bytes / 2**20:.0f} MiB",
            limit=self.max_bytes,
        )

    async def _refuse(self, send: Send) -> None:
        body = json.dumps({"error": self._error().to_dict()}).encode()
        await send(
            {
                "type": "http.response.start",
                "status": 413,
                "headers": [
                    (b"content-type", b"application/json"),
                    (b"content-length", str(len(body)).encode()),
                    (b"connection", b"close"),
                ],
            }
        )
        await send({"type": "http.response.body", "body": body})
