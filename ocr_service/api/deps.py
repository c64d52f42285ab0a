"""Dependencies: the app's services, a database session per request, and role checks."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends, Request, Security
from fastapi.security import APIKeyHeader, HTTPAuthorizationCredentials, HTTPBearer
from redis import Redis
from sqlalchemy import Engine
from sqlalchemy.orm import Session

from ocr_service.auth import Principal, Role, authenticate
from ocr_service.config import Settings
from ocr_service.db.session import SessionFactory, session_scope
from ocr_service.errors import Forbidden
from ocr_service.imaging.ingest import Limits
from ocr_service.queue.enqueue import RqPageQueue
from ocr_service.storage import LocalStorage
from ocr_service.templates.loader import TemplateRegistry


@dataclass
class Services:
    """Everything a request may need, built once by ``create_app`` (no connections yet)."""

    settings: Settings
    engine: Engine
    sessions: SessionFactory
    storage: LocalStorage
    registry: TemplateRegistry
    redis: Redis
    queue: RqPageQueue

    @property
    def limits(self) -> Limits:
        return Limits.from_settings(self.settings)


def get_services(request: Request) -> Services:
    services: Services = request.app.state.services
    return services


ServicesDep = Annotated[Services, Depends(get_services)]


def get_db(services: ServicesDep) -> Iterator[Session]:
    with session_scope(services.sessions) as session:
        yield session


SessionDep = Annotated[Session, Depends(get_db)]

bearer = HTTPBearer(auto_error=False, description="Authorization: Bearer <API key>")
api_key_header = APIKeyHeader(name="X-API-Key", auto_error=False, description="The API key")


def get_principal(
    session: SessionDep,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Security(bearer)],
    api_key: Annotated[str | None, Security(api_key_header)],
) -> Principal:
    key = credentials.credentials if credentials is not None else api_key
    try:
        return authenticate(session=session, key=key)
    finally:
        session.rollback()  # end the read: on SQLite every transaction holds the write lock


def require(*roles: Role) -> Callable[[Principal], Principal]:
    """A dependency admitting the given roles (admins are always admitted)."""
    allowed = frozenset(roles) | {Role.ADMIN}

    def check(principal: Annotated[Principal, Depends(get_principal)]) -> Principal:
        if principal.role not in allowed:
            names = ", ".join(sorted(r.value for r in allowed))
            raise Forbidden(f"role {principal.role.value!r} may not do this; needs one of: {names}")
        return principal

    return check


Uploader = Annotated[Principal, Depends(require(Role.CLERK))]
AnyReader = Annotated[
    Principal, Depends(require(Role.CLERK, Role.REVIEWER, Role.SENIOR, Role.READER))
]
"""Clerks are admitted but see only their own uploads and documents."""
FeedReader = Annotated[Principal, Depends(require(Role.REVIEWER, Role.SENIOR, Role.READER))]
Reviewer = Annotated[Principal, Depends(require(Role.REVIEWER, Role.SENIOR))]
"""Reviewers and seniors (and admins); what each may change is the review service's rule."""
Senior = Annotated[Principal, Depends(require(Role.SENIOR))]
