"""Signing webhook bodies: ``X-OCR-Signature: t=<unix seconds>,v1=<hex>``.

``v1`` is HMAC-SHA256 keyed with the webhook's secret over ``"<t>." + body`` (the raw
bytes). Receivers recompute it, compare in constant time, and refuse old ``t`` values
(replays). :func:`verify` is the reference implementation (docs/downstream.md has a copy
a receiver can paste).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import time

HEADER = "X-OCR-Signature"
DEFAULT_TOLERANCE_SECONDS = 300


def derive_secret(server_key: str, webhook_id: str, salt: str) -> str:
    """The webhook's signing secret, recomputable from ``OCR_SECRET_KEY`` (never stored)."""
    mac = hmac.new(
        server_key.encode(), f"webhook:{webhook_id}:{salt}".encode(), hashlib.sha256
    ).digest()
    return "whsec_" + base64.urlsafe_b64encode(mac).decode().rstrip("=")


def signature(secret: str, timestamp: int, body: bytes) -> str:
    return hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256).hexdigest()


def sign(secret: str, body: bytes, *, timestamp: int | None = None) -> str:
    """The header value for ``body``."""
    t = int(time.time()) if timestamp is None else timestamp
    return f"t={t},v1={signature(secret, t, body)}"


def verify(
    secret: str,
    body: bytes,
    header: str,
    *,
    tolerance: int = DEFAULT_TOLERANCE_SECONDS,
    now: float | None = None,
) -> bool:
    """Whether ``header`` signs ``body`` with ``secret`` and is no older than ``tolerance``."""
    try:
        parts = dict(item.split("=", 1) for item in header.split(","))
        t = int(parts["t"])
    except (ValueError, KeyError):
        return False
    if abs((time.time() if now is None else now) - t) > tolerance:
        return False
    return hmac.compare_digest(signature(secret, t, body), parts.get("v1", ""))
