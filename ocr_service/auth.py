"""API keys and roles.

A key looks like ``ocr_<id>_<secret>``: ``id`` is public (it names the key in logs, the
audit log and ``keys list``), the secret is 32 random bytes. Only the SHA-256 of the whole
key is stored; keys are compared with :func:`hmac.compare_digest`. Keys are never logged.

Roles:

* ``clerk``    uploads files and sees its own uploads and their documents
* ``reviewer`` reads everything; resolves the flagged fields it has claimed and returns
               documents as 不備 (incomplete)
* ``senior``   a reviewer who may also change any field (flagged or not, claimed or not)
               and reopen verified or returned documents
* ``reader``   reads and pulls results only
* ``admin``    everything, including keys and templates
"""

from __future__ import annotations

import hashlib
import hmac
import logging
import secrets
from dataclasses import dataclass
from enum import StrEnum

from sqlalchemy import select
from sqlalchemy.orm import Session

from ocr_service.db.models import ApiKey, utcnow
from ocr_service.errors import InvalidValue, NotFound, Unauthenticated

log = logging.getLogger(__name__)

PREFIX = "ocr"


class Role(StrEnum):
    CLERK = "clerk"
    REVIEWER = "reviewer"
    SENIOR = "senior"
    READER = "reader"
    ADMIN = "admin"


@dataclass(frozen=True)
class Principal:
    """Who is calling: the key id and its role (never the key itself)."""

    key_id: str
    role: Role
    name: str

    @property
    def sees_everything(self) -> bool:
        return self.role is not Role.CLERK

    @property
    def changes_any_field(self) -> bool:
        """Seniors and admins change any field without a claim; reviewers only the flagged
        fields they hold."""
        return self.role in (Role.SENIOR, Role.ADMIN)


def hash_key(key: str) -> str:
    return hashlib.sha256(key.encode("utf-8")).hexdigest()


def generate_key() -> tuple[str, str]:
    """A new ``(key_id, key)``."""
    key_id = secrets.token_hex(6)
    return key_id, f"{PREFIX}_{key_id}_{secrets.token_urlsafe(32)}"


def parse_key_id(key: str) -> str | None:
    parts = key.split("_", 2)
    if len(parts) != 3 or parts[0] != PREFIX or not parts[1] or not parts[2]:
        return None
    return parts[1]


def create_key(*, session: Session, role: Role, name: str) -> tuple[ApiKey, str]:
    """Store a new key; return the row and the key (shown once, never stored)."""
    if not name.strip():
        raise InvalidValue("a key needs a name")
    key_id, key = generate_key()
    row = ApiKey(id=key_id, key_hash=hash_key(key), role=role.value, name=name.strip())
    session.add(row)
    session.commit()
    log.info("api key created key_id=%s role=%s", key_id, role.value)
    return row, key


def list_keys(*, session: Session) -> list[ApiKey]:
    return list(session.scalars(select(ApiKey).order_by(ApiKey.created_at, ApiKey.id)))


def revoke_key(*, session: Session, key_id: str) -> ApiKey:
    row = session.get(ApiKey, key_id)
    if row is None:
        raise NotFound(f"no API key with id {key_id!r}")
    if row.revoked_at is None:
        row.revoked_at = utcnow()
        session.commit()
        log.info("api key revoked key_id=%s", key_id)
    return row


def authenticate(*, session: Session, key: str | None) -> Principal:
    """The principal for ``key``; :class:`Unauthenticated` if missing, unknown or revoked."""
    if not key:
        raise Unauthenticated("send an API key: 'Authorization: Bearer <key>' or 'X-API-Key'")
    key_id = parse_key_id(key)
    row = session.get(ApiKey, key_id) if key_id else None
    # compare even when the id is unknown so timing says nothing about which ids exist
    expected = row.key_hash if row is not None else hash_key("")
    matches = hmac.compare_digest(expected, hash_key(key))
    if row is None or not matches or row.revoked_at is not None:
        raise Unauthenticated("unknown or revoked API key")
    return Principal(key_id=row.id, role=Role(row.role), name=row.name)
