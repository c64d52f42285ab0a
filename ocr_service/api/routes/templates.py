"""``/v1/templates``: the forms this service reads, their contracts and data schemas."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter

from ocr_service.api.data_schema import data_schema
from ocr_service.api.deps import AnyReader, ServicesDep
from ocr_service.api.routes.uploads import ERRORS
from ocr_service.api.schemas import ErrorBody, TemplateSummary

router = APIRouter(prefix="/v1/templates", tags=["templates"])
NOT_FOUND: dict[int | str, dict[str, Any]] = {
    404: {"model": ErrorBody, "description": "unknown template"}
}


@router.get("", response_model=list[TemplateSummary], responses=ERRORS)
def list_templates(services: ServicesDep, principal: AnyReader) -> list[TemplateSummary]:
    return [
        TemplateSummary(
            id=t.id,
            name=t.template.name,
            version=t.template.version,
            description=t.template.description,
            pages=len(t.template.pages),
            fields=len(t.template.fields),
        )
        for t in services.registry.all()
    ]


@router.get("/{template_id}", summary="The template contract", responses={**ERRORS, **NOT_FOUND})
def read_template(services: ServicesDep, principal: AnyReader, template_id: str) -> dict[str, Any]:
    loaded = services.registry.get(template_id)
    return loaded.template.contract(loaded.folder)


@router.get(
    "/{template_id}/schema",
    summary="JSON Schema of a document's data for this template",
    responses={**ERRORS, **NOT_FOUND},
)
def read_template_schema(
    services: ServicesDep, principal: AnyReader, template_id: str
) -> dict[str, Any]:
    return data_schema(services.registry.get(template_id).template)
