"""Where a webhook may point: never at the service's own machine or network by default.

An admin could otherwise register ``http://127.0.0.1:6379/`` (or ``localhost``,
``[::1]``, ``2130706433``, ``0x7f.1``), have the worker POST there, and read from the
delivery log which ports are closed, open or silent. A target is resolved and every
address it resolves to must be a public one: not loopback, private, link-local (the
cloud metadata address 169.254.169.254 among them), shared (100.64/10), multicast,
reserved or unspecified, IPv4-mapped forms included. The check runs when the webhook is
registered and again before each delivery (a name can resolve elsewhere later: DNS
rebinding). ``OCR_WEBHOOK_ALLOW_PRIVATE=1`` lifts it, for a receiver on the city hall's
own network.
"""

from __future__ import annotations

import ipaddress
import socket
from urllib.parse import urlsplit

from ocr_service.errors import InvalidValue

IpAddress = ipaddress.IPv4Address | ipaddress.IPv6Address


def forbidden(address: IpAddress) -> bool:
    """Whether a webhook may not be delivered to this address."""
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        address = address.ipv4_mapped
    return (
        address.is_loopback
        or address.is_private
        or address.is_link_local
        or address.is_multicast
        or address.is_reserved
        or address.is_unspecified
        or (isinstance(address, ipaddress.IPv4Address) and address in SHARED)
    )


SHARED = ipaddress.IPv4Network("100.64.0.0/10")


def resolve(host: str, port: int) -> list[IpAddress]:
    """Every address ``host`` resolves to (the resolver's own reading of numeric forms
    such as ``2130706433`` and ``0x7f.1`` included)."""
    infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    return [ipaddress.ip_address(str(info[4][0]).split("%", 1)[0]) for info in infos]


def check_target(url: str) -> None:
    """Refuse a URL whose host resolves to an address a webhook may not reach."""
    parts = urlsplit(url)
    host = parts.hostname or ""
    port = parts.port or (443 if parts.scheme == "https" else 80)
    try:
        addresses = resolve(host, port)
    except (OSError, UnicodeError, ValueError) as exc:
        raise InvalidValue(
            f"the webhook host {host!r} cannot be resolved ({type(exc).__name__}); check the "
            "name, or register the receiver by an address this service can reach",
            host=host,
        ) from None
    bad = sorted({str(a) for a in addresses if forbidden(a)})
    if bad:
        raise InvalidValue(
            f"the webhook host {host!r} resolves to {', '.join(bad)}, an address of this "
            "machine or a private network; register a public receiver, or set "
            "OCR_WEBHOOK_ALLOW_PRIVATE=1 if the receiver is on your own network",
            host=host,
            addresses=bad,
        )
