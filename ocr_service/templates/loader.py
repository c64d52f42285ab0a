"""Load and validate templates from ``templates_forms/`` (or any folder of templates).

A page whose reference PNG may not be shipped (a form we did not design, such as those
in ``templates_realforms/``) names its blank PDF with ``source: {pdf, page}``; when the
PNG is missing it is rendered here from the realforms root (:func:`default_realforms_dir`)
at the page's dpi, checked against the stated size and written beside the template.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import yaml
from pdf2image import convert_from_path
from pdf2image.exceptions import PDFPageCountError, PDFSyntaxError
from PIL import Image
from pydantic import ValidationError

from ocr_service.errors import TemplateInvalid, TemplateNotFound
from ocr_service.templates.model import PageSpec, Template

TEMPLATE_FILE = "template.yaml"


def default_templates_dir() -> Path:
    """``OCR_TEMPLATES_DIR``, else ``templates_forms/`` beside the package."""
    env = os.environ.get("OCR_TEMPLATES_DIR")
    if env:
        return Path(env)
    return Path(__file__).resolve().parents[2] / "templates_forms"


def default_realforms_dir() -> Path:
    """``OCR_REALFORMS_DIR``, else ``shared/realforms`` beside the repository."""
    env = os.environ.get("OCR_REALFORMS_DIR")
    if env:
        return Path(env)
    return Path(__file__).resolve().parents[3] / "shared" / "realforms"


@dataclass(frozen=True)
class LoadedTemplate:
    template: Template
    folder: Path

    @property
    def id(self) -> str:
        return self.template.id

    def reference_path(self, page: int) -> Path:
        return self.folder / self.template.pages[page - 1].image


def _format_error(path: Path, raw: object, exc: ValidationError) -> str:
    problems: list[str] = []
    for err in exc.errors():
        loc = list(err["loc"])
        where = ""
        if len(loc) >= 2 and loc[0] == "fields" and isinstance(loc[1], int):
            fields = raw.get("fields") if isinstance(raw, dict) else None
            name = "?"
            if (
                isinstance(fields, list)
                and loc[1] < len(fields)
                and isinstance(fields[loc[1]], dict)
            ):
                name = str(fields[loc[1]].get("name", "?"))
            rest = ".".join(str(p) for p in loc[2:])
            where = f"field {name!r}" + (f" ({rest})" if rest else "")
        else:
            where = ".".join(str(p) for p in loc) or "template"
        msg = err["msg"].removeprefix("Value error, ")
        problems.append(f"{where}: {msg}")
    return f"{path}: " + "; ".join(problems)


def load_template(folder: Path) -> LoadedTemplate:
    """Load one template folder strictly; raise :class:`TemplateInvalid` naming file and field."""
    path = folder / TEMPLATE_FILE
    if not path.is_file():
        raise TemplateInvalid(f"{path}: missing {TEMPLATE_FILE}")
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as exc:
        raise TemplateInvalid(f"{path}: not valid YAML: {exc}") from exc
    if not isinstance(raw, dict):
        raise TemplateInvalid(f"{path}: expected a mapping at the top level")
    try:
        template = Template.model_validate(raw)
    except ValidationError as exc:
        raise TemplateInvalid(_format_error(path, raw, exc)) from exc
    if template.id != folder.name:
        raise TemplateInvalid(
            f"{path}: id {template.id!r} differs from folder name {folder.name!r}"
        )
    for page in template.pages:
        image = folder / page.image
        if not image.is_file() and page.source is not None:
            render_source(path, image, page)
        if not image.is_file():
            raise TemplateInvalid(f"{path}: page {page.page}: reference image {image} is missing")
        _check_reference_size(path, image, page.width, page.height, page.page)
    return LoadedTemplate(template=template, folder=folder)


def _check_reference_size(path: Path, image: Path, width: int, height: int, page: int) -> None:
    with Image.open(image) as im:
        if im.size != (width, height):
            raise TemplateInvalid(
                f"{path}: page {page}: reference {image.name} is {im.size[0]}x{im.size[1]}, "
                f"template says {width}x{height}"
            )


def render_source(path: Path, image: Path, page: PageSpec) -> None:
    """Render ``page.source`` (a blank PDF page under the realforms root) to ``image``."""
    assert page.source is not None
    root = default_realforms_dir()
    pdf = root / page.source.pdf
    if not pdf.is_file():
        raise TemplateInvalid(
            f"{path}: page {page.page}: reference {image.name} is missing and its source "
            f"{pdf} is not there; put the realforms folder at {root} or set "
            "OCR_REALFORMS_DIR to the folder that holds it"
        )
    try:
        rendered = convert_from_path(
            str(pdf),
            dpi=page.dpi,
            first_page=page.source.page,
            last_page=page.source.page,
            grayscale=True,
        )
    except (PDFPageCountError, PDFSyntaxError) as exc:
        raise TemplateInvalid(f"{path}: page {page.page}: {pdf} cannot be rendered: {exc}") from exc
    if not rendered:
        raise TemplateInvalid(f"{path}: page {page.page}: {pdf} has no page {page.source.page}")
    im = rendered[0]
    if im.size != (page.width, page.height):
        raise TemplateInvalid(
            f"{path}: page {page.page}: {pdf} page {page.source.page} renders at {page.dpi} dpi "
            f"as {im.size[0]}x{im.size[1]}, template says {page.width}x{page.height}"
        )
    partial = image.with_name(f".{image.name}.{os.getpid()}.tmp")
    try:
        im.save(partial, format="PNG")
        partial.replace(image)  # atomic: a concurrent loader sees no half-written PNG
    except OSError as exc:
        partial.unlink(missing_ok=True)
        raise TemplateInvalid(
            f"{path}: page {page.page}: cannot write the rendered reference {image}: {exc}"
        ) from exc


class TemplateRegistry:
    """All templates in one folder, loaded strictly."""

    def __init__(self, root: Path | None = None) -> None:
        self.root = root or default_templates_dir()

    def ids(self) -> list[str]:
        if not self.root.is_dir():
            return []
        return sorted(p.name for p in self.root.iterdir() if (p / TEMPLATE_FILE).is_file())

    def get(self, template_id: str) -> LoadedTemplate:
        folder = self.root / template_id
        if template_id not in self.ids():
            known = ", ".join(self.ids()) or "none"
            raise TemplateNotFound(
                f"unknown template {template_id!r}; known templates: {known}",
                template=template_id,
            )
        return _load_cached(folder, _mtime(folder / TEMPLATE_FILE))

    def all(self) -> list[LoadedTemplate]:
        return [self.get(i) for i in self.ids()]


def _mtime(path: Path) -> float:
    return path.stat().st_mtime


@cache
def _load_cached(folder: Path, mtime: float) -> LoadedTemplate:
    del mtime  # part of the cache key: an edited template is loaded again
    return load_template(folder)
