"""Generated values of forms outside Japan: written forms differ from the truth, and
the reading's parsers bring every written form back to it."""

from __future__ import annotations

import random
from typing import Any

import pytest

from ocr_service.reading.validate import check_value
from ocr_service.synth.foreign import make_code, written_amount
from ocr_service.synth.values import generate_values, make_phone, make_postcode, written_form
from ocr_service.templates.locales import LOCALES
from ocr_service.templates.model import FieldSpec, FieldType, Template

COUNTRIES = ("JP", "US", "CA", "GB", "DE", "FR", "ES", "IT", "PT", "AU")


def form(locale: str, *fields: dict[str, Any]) -> Template:
    page = {"page": 1, "image": "p.png", "dpi": 200, "width": 2000, "height": 2000}
    body = []
    for n, f in enumerate(fields):
        box = [10 + 60 * i for i in range(f.pop("n", 0))]
        extra = {"boxes": [[x, 10 + 60 * n, 50, 50] for x in box]} if box else {}
        body.append({"name": f"f{n}", "label": "f", "bbox": [0, 60 * n, 1000, 60], "required": True,
                     **f, **extra})  # fmt: skip
    return Template(id="t", name="t", locale=locale, pages=[page], fields=body)


FIELDS: list[dict[str, Any]] = [
    {"type": "number", "currency": "€"},
    {"type": "number", "currency": "$", "decimals": 2},
    {"type": "number", "decimals": 0},
    {"type": "time"},
    {"type": "phone"},
    {"type": "postal_code"},
    {"type": "date"},
    {"type": "boxed", "charset": "alnum", "n": 9},
    {"type": "boxed", "charset": "latin", "n": 4},
]


@pytest.mark.parametrize("locale", sorted(LOCALES))
def test_written_forms_read_back_to_the_truth(locale: str) -> None:
    t = form(locale, *[dict(f) for f in FIELDS])
    rng = random.Random(77)
    differs = 0
    for _ in range(40):
        values = generate_values(t, rng)
        for spec in t.fields:
            truth = values[spec.name]
            assert isinstance(truth, str)
            written = written_form(spec, truth, rng) if spec.type is not FieldType.BOXED else truth
            differs += written != truth
            checked = check_value(spec, written)
            assert checked.value == truth, (spec.type, written)
            allowed = {"currency_lookalike", "ambiguous_separator", "ambiguous_character"}
            assert set(checked.reasons) <= allowed, (spec.type, written, checked.reasons)
    assert differs > 100  # the written forms are not the truth


def test_amount_written_in_its_locale() -> None:
    spec = form("de-DE", {"type": "number", "currency": "€", "decimals": 2}).fields[0]
    shapes = {written_amount(spec, "6250", random.Random(s)) for s in range(40)}
    assert "6.250,00 €" in shapes
    assert "6250" in shapes or "6.250" in shapes
    us = form("en-US", {"type": "number", "currency": "$"}).fields[0]
    assert "$1,234.50" in {written_amount(us, "1234.5", random.Random(s)) for s in range(40)}


def test_unflagged_amount_in_a_declared_locale() -> None:
    # a declared locale means the separators are known: no ambiguity flag
    spec = form("fr-FR", {"type": "number"}).fields[0]
    for seed in range(30):
        written = written_amount(spec, "6250", random.Random(seed))
        assert check_value(spec, written).reasons == []


@pytest.mark.parametrize("country", COUNTRIES)
def test_phones_and_postcodes_of_each_country(country: str) -> None:
    phone = FieldSpec(name="p", label="p", bbox=[0, 0, 9, 9], type="phone", country=country)
    post = FieldSpec(name="c", label="c", bbox=[0, 0, 9, 9], type="postal_code", country=country)
    rng = random.Random(555)
    for _ in range(30):
        number, code = make_phone(country, rng), make_postcode(country, rng)
        assert check_value(phone, written_form(phone, number, rng)).value == number
        assert check_value(post, code).value == code


def test_codes_in_boxes() -> None:
    rng = random.Random(31)
    codes = [make_code("alnum", 9, rng) for _ in range(50)]
    alnum = set("ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789")
    assert all(len(c) == 9 and set(c) <= alnum and c[0].isalpha() for c in codes)
    assert any(c[:2].isalpha() and c[2:].isdigit() for c in codes)  # passport-like
    assert all(
        set(make_code("katakana", 5, rng))
        <= set(
            "アイウエオカキクケコサシスセソタチツテトナニヌネノハヒフヘホマミムメモヤユヨラリルレロワン"
        )
        for _ in range(5)
    )
    assert set(make_code("0123456789X", 12, rng)) <= set("0123456789X")


def test_foreign_fields_do_not_take_the_japanese_household() -> None:
    t = form(
        "en-GB", {"type": "phone", "name": "phone"}, {"type": "postal_code", "name": "postal_code"}
    )
    for seed in range(10):
        values = generate_values(t, random.Random(seed))
        assert str(values["phone"]).startswith("0") and "-" not in str(values["phone"])
        assert " " in str(values["postal_code"])
