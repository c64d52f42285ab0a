"""A page's ``source`` (a blank PDF under the realforms root) and what the loader says
when it cannot render from it."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml
from pydantic import ValidationError

from ocr_service.errors import TemplateInvalid
from ocr_service.templates import load_template
from ocr_service.templates.model import PageSource, Template


def _doc(source: dict[str, Any] | None) -> dict[str, Any]:
    page: dict[str, Any] = {"page": 1, "image": "page1.png", "dpi": 72, "width": 200, "height": 100}
    if source is not None:
        page["source"] = source
    return {
        "id": "form",
        "name": "A form",
        "pages": [page],
        "fields": [{"name": "a", "label": "A", "bbox": [10, 10, 50, 20], "type": "text"}],
    }


def test_source_is_a_page_key() -> None:
    t = Template.model_validate(_doc({"pdf": "plume/fixtures/form.pdf", "page": 2}))
    assert t.pages[0].source == PageSource(pdf="plume/fixtures/form.pdf", page=2)
    assert Template.model_validate(_doc(None)).pages[0].source is None


@pytest.mark.parametrize("pdf", ["/abs/form.pdf", "../form.pdf", "plume/../../x.pdf"])
def test_source_stays_inside_the_realforms_root(pdf: str) -> None:
    with pytest.raises(ValidationError, match="inside the realforms root"):
        Template.model_validate(_doc({"pdf": pdf}))


def test_source_refuses_unknown_keys() -> None:
    with pytest.raises(ValidationError, match="dpi"):
        Template.model_validate(_doc({"pdf": "form.pdf", "dpi": 200}))


def test_missing_source_pdf_says_where_it_looked(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = tmp_path / "form"
    folder.mkdir()
    (folder / "template.yaml").write_text(yaml.safe_dump(_doc({"pdf": "plume/form.pdf"})))
    monkeypatch.setenv("OCR_REALFORMS_DIR", str(tmp_path / "realforms"))
    with pytest.raises(TemplateInvalid, match="OCR_REALFORMS_DIR") as err:
        load_template(folder)
    assert str(tmp_path / "realforms" / "plume" / "form.pdf") in err.value.message
    assert not (folder / "page1.png").exists()


def test_missing_png_without_source_is_still_refused(tmp_path: Path) -> None:
    folder = tmp_path / "form"
    folder.mkdir()
    (folder / "template.yaml").write_text(yaml.safe_dump(_doc(None)))
    with pytest.raises(TemplateInvalid, match=r"reference image .* is missing"):
        load_template(folder)
