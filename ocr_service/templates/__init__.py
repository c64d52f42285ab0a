"""Form templates: model, loader, authoring tools."""

from ocr_service.templates.loader import LoadedTemplate, TemplateRegistry, load_template
from ocr_service.templates.model import FieldSpec, FieldType, Language, Option, PageSpec, Template

__all__ = [
    "FieldSpec",
    "FieldType",
    "Language",
    "LoadedTemplate",
    "Option",
    "PageSpec",
    "Template",
    "TemplateRegistry",
    "load_template",
]
