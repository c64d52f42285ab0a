"""Value types for any form: amounts, times, foreign phones, postcodes and dates, and the
template ``locale`` defaults (issue 16, part 3)."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from pydantic import ValidationError

from ocr_service.api.data_schema import data_schema
from ocr_service.errors import InvalidValue
from ocr_service.reading.dates import parse_date
from ocr_service.reading.formats import parse_number
from ocr_service.reading.phones import parse_foreign_phone
from ocr_service.reading.postcodes import parse_foreign_postcode
from ocr_service.reading.profiles import language_for, whitelist_for
from ocr_service.reading.reasons import Reason
from ocr_service.reading.times import parse_time
from ocr_service.reading.validate import check_value
from ocr_service.review.texts import REASON_TEXT
from ocr_service.review.values import check_correction
from ocr_service.templates.model import FieldSpec, FieldType, Template

AMBIGUOUS = Reason.AMBIGUOUS_SEPARATOR
LOOKALIKE = Reason.CURRENCY_LOOKALIKE
INVALID = Reason.INVALID_FORMAT


def spec(**kw: Any) -> FieldSpec:
    base: dict[str, Any] = {"name": "f", "label": "f", "bbox": [0, 0, 100, 40], "type": "text"}
    return FieldSpec(**(base | kw))


def template(locale: str | None, *fields: dict[str, Any]) -> Template:
    page = {"page": 1, "image": "p.png", "dpi": 200, "width": 500, "height": 500}
    body = [{"label": f["name"], "bbox": [0, 0, 100, 40], **f} for f in fields]
    return Template(id="t", name="t", locale=locale, pages=[page], fields=body)


# --- numbers ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "kw", "value", "reason"),
    [
        # grouping and decimal separators, by the declared separator
        ("6.250,00 €", {"decimal": ",", "currency": "€"}, "6250", None),
        ("1.234,5", {"decimal": ","}, "1234.5", None),
        ("1,234.5", {"decimal": "."}, "1234.5", None),
        ("1 234 567,89", {"decimal": ","}, "1234567.89", None),
        ("1,234,567", {}, "1234567", None),
        ("1.234.567", {}, "1234567", None),
        ("6,250", {"decimal": "."}, "6250", None),
        ("6.250", {"decimal": ","}, "6250", None),
        ("12.50", {}, "12.5", None),
        ("12,5", {}, "12.5", None),
        ("0.250", {}, "0.25", None),
        # one separator before exactly three digits, nothing declared: flagged
        ("6,250", {}, "6250", AMBIGUOUS),
        ("6.250", {}, "6.25", AMBIGUOUS),
        ("9.000", {}, "9", AMBIGUOUS),
        # the declared decimal separator before three digits: still a comma-for-point
        # misread unless the field allows three decimals
        ("6.250", {"decimal": "."}, "6.25", AMBIGUOUS),
        ("6.250", {"decimal": ".", "decimals": 3}, "6.25", None),
        # decimals policy
        ("6.25", {"decimal": ".", "decimals": 0}, None, INVALID),
        ("9.000", {"decimal": ".", "decimals": 0}, None, INVALID),
        ("9.000", {"decimal": ".", "decimals": 2}, None, INVALID),
        ("6250.00", {"decimals": 0}, "6250", None),
        ("6250,-", {"decimal": ",", "decimals": 0}, "6250", None),
        ("12.345", {"decimal": ".", "decimals": 2}, None, INVALID),
        ("12.34", {"decimal": ".", "decimals": 2}, "12.34", None),
        # separators that contradict the declared one
        ("6,25", {"decimal": "."}, None, INVALID),
        ("1.234.567", {"decimal": "."}, None, INVALID),
        ("1,234.56", {"decimal": ","}, None, INVALID),
        ("1.2.3", {}, None, INVALID),
        ("12,34,567", {}, None, INVALID),
        # sign
        ("-3", {}, "-3", None),
        ("+7", {}, "7", None),
        ("−1,234.50", {"decimal": "."}, "-1234.5", None),
        ("--1", {}, None, INVALID),
    ],
)
def test_amounts(text: str, kw: dict[str, Any], value: str | None, reason: Reason | None) -> None:
    parsed = parse_number(text, **kw)
    assert (parsed.value, parsed.reason) == (value, reason)


@pytest.mark.parametrize(
    ("text", "currency", "value", "reason"),
    [
        ("$1,234.50", "$", "1234.5", None),
        ("-$12", "$", "-12", None),
        ("$-12", "$", "-12", None),
        ("USD 12", "$", "12", None),
        ("US$12", "$", "12", None),
        ("12 €", "€", "12", None),
        ("EUR 12", "€", "12", None),
        ("€12", "EUR", "12", None),
        ("£5", "£", "5", None),
        ("¥1,200", "¥", "1200", None),
        ("1,200円", "円", "1200", None),
        ("1,200", "€", "1200", None),  # "." declared: the comma groups
        ("€12", "$", None, INVALID),  # another currency than the declared one
        ("$12", None, None, INVALID),  # a currency on a field that declares none
        # a $ read as a lookalike digit: a printed $0 read 50
        ("50", "$", "50", LOOKALIKE),
        ("850", "$", "850", LOOKALIKE),
        ("S0", "$", "0", LOOKALIKE),
        ("5", "$", "5", None),  # a lone 5 is no "$ and digits"
        ("$50", "$", "50", None),  # the symbol was read: the 5 is a digit
        ("70", "$", "70", None),
        ("50", "€", "50", None),
    ],
)
def test_currency(text: str, currency: str | None, value: str | None, reason: Reason) -> None:
    parsed = parse_number(text, decimal=".", currency=currency)
    assert (parsed.value, parsed.reason) == (value, reason)


def test_locale_gives_the_decimal_separator() -> None:
    de = template("de-DE", {"name": "amount", "type": "number", "currency": "€"})
    assert check_value(de.fields[0], "6.250,00 €").value == "6250"
    assert check_value(de.fields[0], "6.250").reasons == []
    us = template("en-US", {"name": "amount", "type": "number"})
    assert check_value(us.fields[0], "6,250").value == "6250"
    assert check_value(us.fields[0], "6,250").reasons == []
    bare = template(None, {"name": "amount", "type": "number"})
    checked = check_value(bare.fields[0], "6,250")
    assert checked.value == "6250"
    assert checked.reasons == ["ambiguous_separator"]
    assert not checked.valid


def test_field_decimal_overrides_the_locale() -> None:
    t = template("de-DE", {"name": "amount", "type": "number", "decimal": "."})
    assert check_value(t.fields[0], "6,250").value == "6250"


def test_range_on_an_amount() -> None:
    checked = check_value(
        spec(type="number", decimal=".", max=1000),
        "$1,500",
    )
    assert checked.value is None  # no currency declared: refused
    checked = check_value(spec(type="number", decimal=".", currency="$", max=1000), "$1,500")
    assert checked.value == "1500"
    assert checked.reasons == ["out_of_range"]


# --- times -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("14:30", "14:30"),
        ("9:05", "09:05"),
        ("0:00", "00:00"),
        ("14.30", "14:30"),
        ("14h30", "14:30"),
        ("14h", "14:00"),
        ("14時30分", "14:30"),
        ("14時", "14:00"),
        ("午後2時30分", "14:30"),
        ("午前9時半", "09:30"),
        ("午前0時", "00:00"),
        ("午後0時15分", "12:15"),
        ("2:30 PM", "14:30"),
        ("2:30pm", "14:30"),
        ("2:30 p.m.", "14:30"),
        ("11:59 a.m.", "11:59"),
        ("2 PM", "14:00"),
        ("12 AM", "00:00"),
        ("12:10 PM", "12:10"),
        ("14:30 Uhr", "14:30"),
        ("14 Uhr", "14:00"),
        ("１４：３０", "14:30"),
    ],
)
def test_times(text: str, value: str) -> None:
    assert parse_time(text).value == value


@pytest.mark.parametrize(
    "text",
    ["1430", "14", "24:00", "25:00", "14:60", "9:5", "13 PM", "0 AM", "午後12時", "午前13時",
     "午後2時PM", "14:30 PM", "half past two", "", "14半"],
)  # fmt: skip
def test_times_refused(text: str) -> None:
    assert parse_time(text).reason is INVALID


def test_time_field() -> None:
    checked = check_value(spec(type="time"), "午後 2時 30分")
    assert (checked.value, checked.reasons) == ("14:30", [])
    assert check_value(spec(type="time"), "1430").reasons == ["invalid_format"]


# --- phones ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("country", "text", "value"),
    [
        ("US", "(415) 555-0123", "4155550123"),
        ("US", "415.555.0123", "4155550123"),
        ("US", "+1 415 555 0123", "4155550123"),
        ("US", "1-415-555-0123", "4155550123"),
        ("CA", "(613) 555-0199", "6135550199"),
        ("GB", "020 7946 0018", "02079460018"),
        ("GB", "+44 (0)20 7946 0018", "02079460018"),
        ("GB", "+44 7700 900123", "07700900123"),
        ("GB", "01632 960123", "01632960123"),
        ("DE", "030/1234567", "0301234567"),
        ("DE", "+49 30 1234567", "0301234567"),
        ("DE", "0049 151 23456789", "015123456789"),
        ("FR", "01 23 45 67 89", "0123456789"),
        ("FR", "Tél. : 01.23.45.67.89", "0123456789"),
        ("FR", "+33 6 12 34 56 78", "0612345678"),
        ("ES", "912 345 678", "912345678"),
        ("ES", "+34 612 345 678", "612345678"),
        ("IT", "06 1234 5678", "0612345678"),
        ("IT", "+39 06 1234 5678", "0612345678"),
        ("IT", "333 123 4567", "3331234567"),
        ("PT", "212 345 678", "212345678"),
        ("PT", "+351 912 345 678", "912345678"),
        ("AU", "(02) 1234 5678", "0212345678"),
        ("AU", "+61 412 345 678", "0412345678"),
        # another known country's number keeps its international form
        ("DE", "+33 1 23 45 67 89", "+33123456789"),
    ],
)
def test_foreign_phones(country: str, text: str, value: str) -> None:
    assert parse_foreign_phone(text, country).value == value


@pytest.mark.parametrize(
    ("country", "text"),
    [
        ("US", "123-555-0123"),  # area codes start 2-9
        ("US", "415-155-0123"),  # exchanges too
        ("US", "555-0123"),
        ("GB", "20 7946 0018"),  # no trunk 0
        ("GB", "0207946001"),  # one digit short... of a London number? 10 digits: kept
        ("FR", "0123456"),
        ("FR", "10 23 45 67 89"),
        ("ES", "512 345 678"),
        ("PT", "312 345 678"),
        ("AU", "0512345678"),
        ("US", "+81 3 1234 5678"),  # no plan for the code here
        ("DE", "030-12a4567"),
    ],
)
def test_foreign_phones_refused(country: str, text: str) -> None:
    parsed = parse_foreign_phone(text, country)
    if text == "0207946001":
        assert parsed.value == "0207946001"  # 10-digit GB numbers exist (0169 77...)
        return
    assert parsed.reason is INVALID


def test_phone_field_by_country() -> None:
    t = template("fr-FR", {"name": "phone", "type": "phone"}, {"name": "p2", "type": "phone",
                 "country": "GB"})  # fmt: skip
    assert check_value(t.fields[0], "01 23 45 67 89").value == "0123456789"
    assert check_value(t.fields[1], "020 7946 0018").value == "02079460018"
    # Japan stays the default: its hyphenated form
    assert check_value(spec(type="phone"), "090 1234 5678").value == "090-1234-5678"


# --- postal codes ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("country", "text", "value", "reason"),
    [
        ("US", "12345", "12345", None),
        ("US", "12345-6789", "12345-6789", None),
        ("US", "123456789", "12345-6789", None),
        ("CA", "K1A 0B1", "K1A 0B1", None),
        ("CA", "k1a0b1", "K1A 0B1", None),
        ("CA", "K1A OB1", "K1A 0B1", Reason.VOCABULARY_CORRECTED),
        ("GB", "SW1A 1AA", "SW1A 1AA", None),
        ("GB", "sw1a1aa", "SW1A 1AA", None),
        ("GB", "M1 1AE", "M1 1AE", None),
        ("GB", "EC1A 1BB", "EC1A 1BB", None),
        ("GB", "SW1A IAA", "SW1A 1AA", Reason.VOCABULARY_CORRECTED),
        ("DE", "10115", "10115", None),
        ("DE", "D-10115", "10115", None),
        ("FR", "75008", "75008", None),
        ("ES", "28013", "28013", None),
        ("IT", "00184", "00184", None),
        ("PT", "1000-001", "1000-001", None),
        ("PT", "1000001", "1000-001", None),
        ("AU", "2000", "2000", None),
    ],
)
def test_foreign_postcodes(country: str, text: str, value: str, reason: Reason | None) -> None:
    parsed = parse_foreign_postcode(text, country)
    assert (parsed.value, parsed.reason) == (value, reason)


@pytest.mark.parametrize(
    ("country", "text"),
    [
        ("US", "1234"),
        ("CA", "W1A 0B1"),  # W never starts a Canadian code
        ("CA", "K1A 0B"),
        ("GB", "SW1A 1A4"),
        ("GB", "SW1A 1AAA"),
        ("DE", "1011"),
        ("FR", "750080"),
        ("ES", "53000"),  # provinces 01-52
        ("PT", "100-001"),
        ("AU", "200"),
    ],
)
def test_foreign_postcodes_refused(country: str, text: str) -> None:
    assert parse_foreign_postcode(text, country).reason is INVALID


def test_postal_code_field_by_locale() -> None:
    t = template("en-GB", {"name": "postcode", "type": "postal_code"})
    assert check_value(t.fields[0], "SW1A 1AA").value == "SW1A 1AA"
    assert check_value(spec(type="postal_code"), "100 0001").value == "100-0001"


# --- dates -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "order", "value"),
    [
        ("27.04.2024", "dmy", "2024-04-27"),
        ("27/04/2024", "dmy", "2024-04-27"),
        ("04/27/2024", "mdy", "2024-04-27"),
        ("5 March 2024", "dmy", "2024-03-05"),
        ("March 5, 2024", "mdy", "2024-03-05"),
        ("Sept. 3rd, 2024", "mdy", "2024-09-03"),
        ("5th March 2024", "dmy", "2024-03-05"),
        ("5-Mar-2024", "dmy", "2024-03-05"),
        ("5. März 2024", "dmy", "2024-03-05"),
        ("5. Marz 2024", "dmy", "2024-03-05"),
        ("1. Okt. 2024", "dmy", "2024-10-01"),
        ("1er mai 2024", "dmy", "2024-05-01"),
        ("14 février 2024", "dmy", "2024-02-14"),
        ("5 octobre 2024", "dmy", "2024-10-05"),
        ("5 de marzo de 2024", "dmy", "2024-03-05"),
        ("1º de mayo de 2024", "dmy", "2024-05-01"),
        ("5 marzo 2024", "dmy", "2024-03-05"),
        ("3 giugno 2024", "dmy", "2024-06-03"),
        ("5 de março de 2024", "dmy", "2024-03-05"),
        ("25 de dezembro de 2023", "dmy", "2023-12-25"),
        # month names are read whatever the field's order
        ("5 March 2024", "ymd", "2024-03-05"),
    ],
)
def test_foreign_dates(text: str, order: str, value: str) -> None:
    assert parse_date(text.replace(" ", ""), order).value == value


@pytest.mark.parametrize(
    ("text", "order", "reason"),
    [
        ("31 février 2024", "dmy", Reason.INVALID_DATE),
        ("30.02.2024", "dmy", Reason.INVALID_DATE),
        ("5 Foo 2024", "dmy", INVALID),
        ("05.03.24", "dmy", INVALID),  # a two-digit year: its century is a guess
        ("27.04.2024", "ymd", INVALID),  # a Japanese form reads year first only
    ],
)
def test_foreign_dates_refused(text: str, order: str, reason: Reason) -> None:
    assert parse_date(text.replace(" ", ""), order).reason is reason


def test_date_order_from_locale() -> None:
    t = template(
        "de-DE",
        {"name": "d", "type": "date"},
        {"name": "us", "type": "date", "locale": "en-US"},
        {"name": "own", "type": "date", "date_order": "ymd"},
    )
    assert [f.date_order for f in t.fields] == ["dmy", "mdy", "ymd"]
    assert check_value(t.fields[0], "05.03.2024").value == "2024-03-05"
    assert check_value(t.fields[1], "05/03/2024").value == "2024-05-03"
    assert check_value(t.fields[0], "5. März 2024").value == "2024-03-05"
    assert template(None, {"name": "d", "type": "date"}).fields[0].date_order == "ymd"


# --- template keys, defaults and errors -------------------------------------------------


def test_locale_defaults() -> None:
    t = template("fr-CA", {"name": "phone", "type": "phone"}, {"name": "n", "type": "text"})
    phone, text = t.fields
    assert (phone.country_code, phone.locale, text.language.value) == ("CA", "fr-CA", "eng")
    assert template(None, {"name": "p", "type": "phone"}).fields[0].country_code == "JP"
    assert spec(type="number").decimal_mark is None
    assert spec(type="number", locale="fr-FR").decimal_mark == ","


def test_field_objects_take_the_template_locale() -> None:
    page = {"page": 1, "image": "p.png", "dpi": 200, "width": 500, "height": 500}
    t = Template(id="t", name="t", locale="en-US", pages=[page], fields=[spec(type="date")])
    assert t.fields[0].date_order == "mdy"


@pytest.mark.parametrize(
    ("kw", "message"),
    [
        ({"type": "text", "decimal": ","}, "decimal applies to number fields only"),
        ({"type": "digits", "currency": "$"}, "currency applies to number fields only"),
        ({"type": "text", "country": "GB"}, "country applies to phone and postal_code"),
        ({"type": "text", "charset": "alnum"}, "charset applies to boxed fields only"),
        ({"type": "number", "currency": "1$"}, "must be a symbol or code"),
        ({"type": "number", "decimals": -1}, "greater than or equal to 0"),
        ({"type": "number", "decimal": ";"}, "decimal"),
        ({"type": "phone", "country": "XX"}, "country"),
        ({"type": "number", "locale": "de-AT"}, "locale"),
        (
            {"type": "boxed", "boxes": [[0, 0, 10, 10]], "charset": "alnum", "whitelist": "AB"},
            "charset or whitelist, not both",
        ),
        ({"type": "boxed", "boxes": [[0, 0, 10, 10]], "charset": "a b"}, "must be one of"),
        (
            {"type": "postal_code", "country": "GB", "address_field": "a"},
            "remove it for a GB postal code",
        ),
    ],
)
def test_strict_keys_say_what_to_write(kw: dict[str, Any], message: str) -> None:
    with pytest.raises(ValidationError, match=message):
        spec(**kw)


def test_boxed_charsets() -> None:
    alnum = spec(type="boxed", boxes=[[0, 0, 10, 10]], charset="alnum")
    assert alnum.box_chars == "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"
    assert not alnum.digit_boxes
    assert whitelist_for(alnum) == alnum.box_chars
    assert language_for(alnum) == "eng"
    assert check_value(alnum, "tk 4829173").value == "TK4829173"
    assert check_value(alnum, "TK48?9173").reasons == ["invalid_format"]
    kata = spec(type="boxed", boxes=[[0, 0, 10, 10]], charset="katakana")
    assert check_value(kata, "コーヒー").value == "コーヒー"
    assert language_for(kata) == "jpn"
    explicit = spec(type="boxed", boxes=[[0, 0, 10, 10]], charset="0123456789X")
    assert check_value(explicit, "12345X").value == "12345X"
    assert check_value(explicit, "12345Y").value is None
    digits = spec(type="boxed", boxes=[[0, 0, 10, 10]])
    assert digits.digit_boxes
    assert whitelist_for(digits) == "0123456789"
    assert check_value(digits, "12-34").value == "1234"


def test_zero_and_o_in_letter_boxes_are_flagged_without_a_pattern() -> None:
    boxes = {"type": "boxed", "boxes": [[0, 0, 10, 10]], "charset": "alnum"}
    assert check_value(spec(**boxes), "FNLMYTBXO").reasons == ["ambiguous_character"]
    assert check_value(spec(**boxes), "AB1034567").reasons == ["ambiguous_character"]
    assert check_value(spec(**boxes), "AB1234567").reasons == []
    passport = spec(**boxes, pattern="^[A-Z]{2}[0-9]{7}$")
    assert check_value(passport, "AB1034567").reasons == []
    assert check_value(passport, "AB1O34567").reasons == ["pattern_mismatch"]
    latin = spec(type="boxed", boxes=[[0, 0, 10, 10]], charset="latin")
    assert check_value(latin, "OTTO").reasons == []  # no 0 among its characters


def test_whitelists_for_new_options() -> None:
    assert "$" in (whitelist_for(spec(type="number", currency="$")) or "")
    assert "€" not in (whitelist_for(spec(type="number", currency="$")) or "")
    assert whitelist_for(spec(type="number")) == "0123456789.,-"
    gb = spec(type="postal_code", country="GB")
    assert set("SW1A ") <= set(whitelist_for(gb) or "")
    assert whitelist_for(spec(type="postal_code")) == "0123456789-〒"
    assert "+" in (whitelist_for(spec(type="phone", country="FR")) or "")
    assert whitelist_for(spec(type="phone")) == "0123456789-()"
    assert "午" in (whitelist_for(spec(type="time")) or "")
    assert "M" in (whitelist_for(spec(type="date", locale="en-GB")) or "")


def test_every_reason_has_a_review_text() -> None:
    assert set(Reason) <= set(REASON_TEXT)


def test_readme_table_documents_every_type() -> None:
    readme = (Path(__file__).parents[2] / "README.md").read_text("utf-8")
    rows = {line.split("|")[1].strip() for line in readme.splitlines() if line.startswith("| `")}
    documented = {t.strip("` ") for row in rows for t in row.split(",")}
    assert {t.value for t in FieldType} <= documented
    for key in ("boxes", "charset", "locale", "country", "decimal", "currency", "decimals"):
        assert f"`{key}" in readme


def test_data_schema_follows_the_country_and_the_time_type() -> None:
    t = template(
        "en-GB",
        {"name": "postcode", "type": "postal_code"},
        {"name": "at", "type": "time"},
        {"name": "jp", "type": "postal_code", "country": "JP"},
    )
    props = data_schema(t)["properties"]
    assert re.fullmatch(props["postcode"]["pattern"], "SW1A 1AA")
    assert not re.fullmatch(props["postcode"]["pattern"], "100-0001")
    assert re.fullmatch(props["at"]["pattern"], "14:30")
    assert not re.fullmatch(props["at"]["pattern"], "24:00")
    assert re.fullmatch(props["jp"]["pattern"], "100-0001")


def test_a_reviewer_may_type_what_a_recognizer_is_doubted_for() -> None:
    dollars = field_of_template("en-US", type="number", currency="$")
    assert check_correction(dollars, "50") == "50"  # a $ read 5 is the recognizer's doubt
    code = spec(type="boxed", boxes=[[0, 0, 10, 10]], charset="alnum")
    assert check_correction(code, "FNLMYTBX0") == "FNLMYTBX0"
    with pytest.raises(InvalidValue, match=r"6250 か 6\.25") as separator:
        check_correction(spec(type="number"), "6,250")
    assert "write 6250 or 6.25" in separator.value.details["message_en"]
    with pytest.raises(InvalidValue, match="SW1A 1AA のようなGBの郵便番号") as postcode:
        check_correction(field_of_template("en-GB", type="postal_code"), "12345")
    assert "GB postal code such as SW1A 1AA" in postcode.value.details["message_en"]
    assert check_correction(spec(type="time"), "2:30 PM") == "14:30"


def field_of_template(locale: str, **kw: Any) -> FieldSpec:
    return template(locale, {"name": "f", **kw}).fields[0]


@pytest.mark.parametrize(("text", "flagged"), [("86095742719", False), ("86095742710", True)])
def test_a_steuer_id_field_flags_a_broken_check_digit(text: str, flagged: bool) -> None:
    spec = FieldSpec.model_validate(
        {"name": "steuer_id", "label": "Steuer-ID", "bbox": [0, 0, 400, 40]}
        | {"type": "digits", "check_digit": "de_steuer_id"}
    )
    checked = check_value(spec, text)
    assert checked.value == text
    assert (Reason.CHECK_DIGIT_MISMATCH in checked.reasons) is flagged
