"""The JSON Schema of a template's ``data`` object (one key per field, in template order)."""

from __future__ import annotations

from typing import Any

from ocr_service.reading.postcodes import CANONICAL as POSTCODE_SHAPES
from ocr_service.templates.model import FieldSpec, FieldType, Template

TIME_PATTERN = r"^(?:[01]\d|2[0-3]):[0-5]\d$"

DIALECT = "https://json-schema.org/draft/2020-12/schema"


def field_schema(spec: FieldSpec) -> dict[str, Any]:
    base: dict[str, Any] = {"title": spec.label}
    t = spec.type
    if t in (FieldType.CHECKBOX, FieldType.MARK):
        return base | {"type": "boolean"}
    if t is FieldType.CHOICE:
        return base | {"enum": [o.value for o in spec.options] + [None]}
    out = base | {"type": ["string", "null"]}
    if t is FieldType.DATE:
        out["format"] = "date"
    elif t is FieldType.EMAIL:
        out["format"] = "email"
    elif t is FieldType.POSTAL_CODE and spec.country_code == "JP":
        out["pattern"] = r"^\d{3}-?\d{4}$"
    elif t is FieldType.POSTAL_CODE:
        out["pattern"] = POSTCODE_SHAPES[spec.country_code]
    elif t is FieldType.TIME:
        out["pattern"] = TIME_PATTERN
    elif t in (FieldType.DIGITS, FieldType.NUMBER) and spec.pattern is None:
        out["pattern"] = r"^[0-9]+$" if t is FieldType.DIGITS else r"^-?[0-9]+(\.[0-9]+)?$"
    if spec.pattern is not None and t is not FieldType.DATE:
        out["pattern"] = spec.pattern
    if spec.min_length is not None:
        out["minLength"] = spec.min_length
    if spec.max_length is not None:
        out["maxLength"] = spec.max_length
    return out


def data_schema(template: Template) -> dict[str, Any]:
    return {
        "$schema": DIALECT,
        "$id": f"urn:ocr-service:template:{template.id}:{template.version}:data",
        "title": f"{template.name} ({template.id} v{template.version})",
        "type": "object",
        "properties": {f.name: field_schema(f) for f in template.fields},
        "required": [f.name for f in template.fields],
        "additionalProperties": False,
    }
