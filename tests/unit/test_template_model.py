"""The strict loader rejects bad templates, naming the file, the field and the problem."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml
from PIL import Image

from ocr_service.errors import TemplateInvalid
from ocr_service.templates import load_template


def _write(tmp_path: Path, fields: list[dict[str, Any]], **extra: Any) -> Path:
    folder = tmp_path / "demo"
    folder.mkdir()
    Image.new("L", (400, 300), 255).save(folder / "page1.png")
    doc = {
        "id": "demo",
        "name": "Demo",
        "pages": [{"page": 1, "image": "page1.png", "dpi": 200, "width": 400, "height": 300}],
        "fields": fields,
        **extra,
    }
    (folder / "template.yaml").write_text(yaml.safe_dump(doc, allow_unicode=True), "utf-8")
    return folder


def _field(**kw: Any) -> dict[str, Any]:
    base = {"name": "name", "label": "氏名", "bbox": [10, 10, 100, 30], "type": "text"}
    base.update(kw)
    return base


def test_valid_template_loads(tmp_path: Path) -> None:
    loaded = load_template(_write(tmp_path, [_field()]))
    assert loaded.template.fields[0].label == "氏名"


@pytest.mark.parametrize(
    ("fields", "needle"),
    [
        ([_field(type="signature")], "field 'name' (type)"),
        ([_field(bbox=[350, 10, 100, 30])], "falls off page 1"),
        ([_field(), _field()], "duplicate name"),
        ([_field(name="Bad-Name")], "not snake_case"),
        ([_field(bbox=[10, 10, 0, 30])], "no area"),
        ([_field(pattern="([")], "not a valid regular expression"),
        (
            [
                _field(
                    type="choice",
                    bbox=[10, 10, 200, 40],
                    options=[
                        {"value": "a", "bbox": [12, 12, 50, 30]},
                        {"value": "b", "bbox": [40, 12, 50, 30]},
                    ],
                )
            ],
            "overlap",
        ),
        (
            [
                _field(
                    type="boxed",
                    bbox=[10, 10, 100, 40],
                    boxes=[[12, 12, 30, 30], [150, 12, 30, 30]],
                )
            ],
            "outside the field bbox",
        ),
        ([_field(type="boxed")], "needs its boxes"),
        ([_field(colour="red")], "Extra inputs are not permitted"),
    ],
)
def test_bad_template_is_rejected_with_file_and_field(
    tmp_path: Path, fields: list[dict[str, Any]], needle: str
) -> None:
    folder = _write(tmp_path, fields)
    with pytest.raises(TemplateInvalid) as info:
        load_template(folder)
    message = info.value.message
    assert str(folder / "template.yaml") in message
    assert needle in message


def test_missing_reference_image(tmp_path: Path) -> None:
    folder = _write(tmp_path, [_field()])
    (folder / "page1.png").unlink()
    with pytest.raises(TemplateInvalid, match="reference image"):
        load_template(folder)


def test_reference_size_must_match(tmp_path: Path) -> None:
    folder = _write(tmp_path, [_field()])
    Image.new("L", (401, 300), 255).save(folder / "page1.png")
    with pytest.raises(TemplateInvalid, match="401x300"):
        load_template(folder)


def test_contract_shape(tmp_path: Path) -> None:
    folder = _write(
        tmp_path,
        [
            _field(),
            _field(
                name="sex",
                type="choice",
                bbox=[10, 100, 200, 40],
                options=[
                    {"value": "male", "bbox": [12, 102, 50, 30]},
                    {"value": "female", "bbox": [80, 102, 50, 30]},
                ],
            ),
        ],
    )
    loaded = load_template(folder)
    c = loaded.template.contract(loaded.folder)
    assert set(c) == {"id", "name", "version", "pages", "fields"}
    assert Path(c["pages"][0]["image"]).is_absolute()
    assert c["fields"][1]["options"][0] == {"value": "male", "bbox": [12, 102, 50, 30]}
    assert "options" not in c["fields"][0]


def test_value_type_keys_are_refused_naming_the_field_and_what_to_write(tmp_path: Path) -> None:
    folder = _write(tmp_path, [_field(name="amount", type="text", currency="$")])
    with pytest.raises(TemplateInvalid, match=r"field 'amount'.*currency applies to number"):
        load_template(folder)


def test_unknown_locale_is_refused_with_the_known_ones(tmp_path: Path) -> None:
    folder = _write(tmp_path, [_field()], locale="de-AT")
    with pytest.raises(TemplateInvalid, match=r"locale.*'de-DE'"):
        load_template(folder)


def test_locale_loads_and_fills_field_defaults(tmp_path: Path) -> None:
    fields = [_field(name="amount", type="number"), _field(name="d", type="date")]
    loaded = load_template(_write(tmp_path, fields, locale="fr-FR"))
    amount, day = loaded.template.fields
    assert (amount.decimal_mark, day.date_order, day.language.value) == (",", "dmy", "eng")
    assert loaded.template.contract(loaded.folder)["locale"] == "fr-FR"
