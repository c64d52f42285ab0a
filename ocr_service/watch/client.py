"""Sending one file to the service: ``POST /v1/uploads``, and what the answer means.

Every answer becomes one of three outcomes, or an error that stops the watcher:

* :class:`Accepted` — 202 (a new upload) or 200 (these bytes were uploaded before with
  this template and key: that upload). The file goes to ``done/``.
* :class:`Refused` — the service will never take this file (400, 409, 413, 415, 422).
  The file goes to ``failed/``.
* :class:`RetryLater` — no answer, a timeout, 429 or 5xx. The file stays in
  ``processing/`` and is sent again; the service's de-duplication makes that safe.
* raised :class:`Unauthenticated`, :class:`Forbidden`, :class:`TemplateNotFound`,
  :class:`NotFound` — the watcher is set up wrongly (key, role, template, URL). Every
  file would fail the same way, so the watcher stops and leaves the file where it is.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx

from ocr_service import __version__
from ocr_service.errors import Forbidden, NotFound, TemplateNotFound, Unauthenticated

#: Connecting must be quick; a large upload may wait for an upload slot (60 s) and stream.
TIMEOUT = httpx.Timeout(300.0, connect=10.0)
REFUSED_STATUSES = frozenset({400, 409, 413, 415, 422})


@dataclass(frozen=True)
class Accepted:
    """The service holds the file as this upload."""

    upload_id: str
    pages: int
    repeated: bool
    """True when the service already had these bytes (a re-send after a restart, or the
    same scan dropped twice): the upload is the earlier one."""


@dataclass(frozen=True)
class Refused:
    """The service will not take this file; sending it again will not help."""

    code: str
    message: str


@dataclass(frozen=True)
class RetryLater:
    """No usable answer now; send the same file again later."""

    code: str
    message: str
    after: float | None = None
    """Seconds the service asked us to wait (``Retry-After``), if it said."""


Outcome = Accepted | Refused | RetryLater


class UploadClient:
    """The service's HTTP API as the watcher needs it. ``transport`` is the test seam."""

    def __init__(
        self,
        *,
        url: str,
        api_key: str,
        template: str | None,
        transport: httpx.BaseTransport | None = None,
        timeout: httpx.Timeout = TIMEOUT,
    ) -> None:
        self.url = url.rstrip("/")
        self.template = template
        self._http = httpx.Client(
            base_url=self.url,
            headers={
                "Authorization": f"Bearer {api_key}",
                # the note's Japanese reason comes from the catalogue by code; its 詳細 line
                # keeps the service's own (technical) words for the operator
                "Accept-Language": "en",
                "User-Agent": f"ocr-service-watch/{__version__}",
            },
            timeout=timeout,
            transport=transport,
        )

    def close(self) -> None:
        self._http.close()

    def check(self) -> RetryLater | None:
        """Ask the service for the template with our key: None when both are good.

        Raises when the key, its role, the template or the URL is wrong."""
        path = f"/v1/templates/{self.template}" if self.template else "/v1/templates"
        try:
            response = self._http.get(path)
        except httpx.TransportError as exc:
            return unreachable(exc)
        if response.status_code == 200:
            return None
        outcome = self._classify(response)
        if isinstance(outcome, RetryLater):
            return outcome
        raise NotFound(
            f"{self.url}{path} answered HTTP {response.status_code}; is --url the ocr-service API?"
        )

    def send(self, path: Path) -> Outcome:
        """Upload one file (streamed from disk) and say what the answer means."""
        data = {"template": self.template} if self.template else {}
        try:
            with path.open("rb") as fh:
                response = self._http.post(
                    "/v1/uploads",
                    files={"file": (path.name, fh, "application/octet-stream")},
                    data=data,
                )
        except httpx.TransportError as exc:
            return unreachable(exc)
        if response.status_code in (200, 201, 202):
            body = _json(response)
            upload_id = body.get("id")
            if not isinstance(upload_id, str):
                return RetryLater("bad_answer", "the service's answer holds no upload id")
            pages = body.get("pages_total")
            return Accepted(
                upload_id=upload_id,
                pages=pages if isinstance(pages, int) else 0,
                repeated=response.status_code == 200,
            )
        return self._classify(response)

    def _classify(self, response: httpx.Response) -> Refused | RetryLater:
        status = response.status_code
        code, message = error_of(response)
        if status == 401:
            raise Unauthenticated(message or "the service does not know this API key")
        if status == 403:
            raise Forbidden(message or "this API key's role may not upload")
        if status == 404:
            if code == TemplateNotFound.code:
                raise TemplateNotFound(message, template=self.template)
            raise NotFound(
                f"{response.request.url} answered 404 ({message}); is --url the ocr-service API?"
            )
        if status in REFUSED_STATUSES:
            return Refused(code=code, message=message)
        return RetryLater(code=code, message=message, after=retry_after(response))


def unreachable(exc: httpx.TransportError) -> RetryLater:
    """No answer: the service is down, unreachable, or slower than the timeout."""
    code = "timeout" if isinstance(exc, httpx.TimeoutException) else "unreachable"
    return RetryLater(code=code, message=f"{type(exc).__name__}: {exc}")


def error_of(response: httpx.Response) -> tuple[str, str]:
    """The ``{"error": {"code", "message"}}`` body, or ``http_<status>`` for another shape."""
    error = _json(response).get("error")
    if isinstance(error, dict):
        code, message = error.get("code"), error.get("message")
        if isinstance(code, str):
            return code, message if isinstance(message, str) else ""
    return f"http_{response.status_code}", f"HTTP {response.status_code} {response.reason_phrase}"


def retry_after(response: httpx.Response) -> float | None:
    value = response.headers.get("Retry-After", "")
    try:
        return max(0.0, float(value))
    except ValueError:
        return None


def _json(response: httpx.Response) -> dict[str, Any]:
    try:
        body = response.json()
    except ValueError:
        return {}
    return body if isinstance(body, dict) else {}
