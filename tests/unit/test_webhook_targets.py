"""Webhook targets on this machine or a private network are refused (issue 21, item 4)."""

from __future__ import annotations

import ipaddress
import socket
import threading
from collections.abc import Iterator

import pytest

from ocr_service.config import Settings
from ocr_service.errors import InvalidValue
from ocr_service.webhooks.delivery import Request, screened_post
from ocr_service.webhooks.targets import check_target, forbidden


@pytest.mark.parametrize(
    "url",
    [
        "http://127.0.0.1:6379/",
        "http://localhost/hook",
        "http://[::1]/hook",
        "http://2130706433/hook",  # 127.0.0.1 as one number
        "http://0x7f.1/hook",  # 127.0.0.1 in the resolver's hex shorthand
        "http://169.254.169.254/latest/meta-data/",  # cloud metadata
        "http://10.1.2.3/hook",
        "http://192.168.0.10/hook",
        "http://100.64.0.1/hook",
        "http://[::ffff:127.0.0.1]/hook",
        "http://0.0.0.0/hook",
    ],
)
def test_internal_targets_are_refused(url: str) -> None:
    with pytest.raises(InvalidValue) as caught:
        check_target(url)
    assert "OCR_WEBHOOK_ALLOW_PRIVATE" in caught.value.message


def test_a_public_address_is_allowed() -> None:
    check_target("https://93.184.215.14/hooks/ocr")
    assert not forbidden(ipaddress.ip_address("93.184.215.14"))


def test_an_unresolvable_host_is_refused_with_a_reason() -> None:
    with pytest.raises(InvalidValue, match="cannot be resolved"):
        check_target("https://no-such-host.invalid/hook")


@pytest.fixture
def listener() -> Iterator[tuple[int, list[bool]]]:
    """A TCP port on 127.0.0.1 that records whether anything connected."""
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen()
    server.settimeout(3)
    hits: list[bool] = []

    def accept() -> None:
        try:
            conn, _ = server.accept()
            hits.append(True)
            conn.close()
        except OSError:
            pass

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    yield server.getsockname()[1], hits
    server.close()
    thread.join(timeout=5)


def request_to(port: int) -> Request:
    return Request("d1", "w1", "upload.done", f"http://127.0.0.1:{port}/hook", b"{}", "s", 1)


def test_a_delivery_to_an_internal_target_is_not_sent(listener: tuple[int, list[bool]]) -> None:
    port, hits = listener
    outcome = screened_post(request_to(port), Settings(webhook_allow_private=False))
    assert outcome.status_code is None
    assert outcome.error is not None and outcome.error.startswith("not sent")
    assert not hits


def test_allowing_private_targets_sends_it(listener: tuple[int, list[bool]]) -> None:
    port, hits = listener
    settings = Settings(webhook_allow_private=True, webhook_timeout_seconds=2)
    screened_post(request_to(port), settings)
    assert hits == [True]
