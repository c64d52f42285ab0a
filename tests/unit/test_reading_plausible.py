"""Doubts about well-formed values: implausible dates, lookalikes in codes."""

from __future__ import annotations

import datetime as dt

import pytest

from ocr_service.reading import rules
from ocr_service.reading.validate import check_value
from ocr_service.templates.model import FieldSpec


def spec(**kw: object) -> FieldSpec:
    base: dict[str, object] = {"name": "f", "label": "f", "bbox": [0, 0, 400, 40]}
    return FieldSpec.model_validate(base | kw)


BIRTH = spec(type="date", language="eng", content="date_of_birth", date_order="dmy")
EXPIRY = spec(type="date", language="eng", content="date_of_expiry", date_order="dmy")
PASSPORT = spec(type="text", language="eng", content="passport_number", pattern="^[0-9A-Z]{6,12}$")


@pytest.mark.parametrize("written", ["02.10.1486", "29.03.1440", "1899-12-31"])
def test_a_year_before_1900_is_kept_and_flagged(written: str) -> None:
    checked = check_value(BIRTH, written)
    assert checked.value is not None and checked.value[:2] in ("14", "18")
    assert checked.reasons == ["implausible_date"]


def test_a_date_of_birth_in_the_future_is_flagged_an_expiry_is_not() -> None:
    ahead = (dt.date.today() + dt.timedelta(days=3 * 365)).strftime("%d.%m.%Y")
    assert check_value(BIRTH, ahead).reasons == ["implausible_date"]
    assert check_value(EXPIRY, ahead).reasons == []
    far = (dt.date.today().replace(day=1) + dt.timedelta(days=40 * 366)).strftime("%d.%m.%Y")
    assert check_value(EXPIRY, far).reasons == ["implausible_date"]


def test_sane_dates_stay_unflagged() -> None:
    assert check_value(BIRTH, "02.10.1986").reasons == []
    assert check_value(BIRTH, "1935-01-01").reasons == []
    plain = spec(type="date")
    assert check_value(plain, "平成3年4月5日").reasons == []


@pytest.mark.parametrize("read", ["06UYHL2TP", "O6UYHL2TP", "1005MJS", "MJS4OW"])
def test_a_lookalike_in_a_free_code_is_flagged(read: str) -> None:
    checked = check_value(PASSPORT, read)
    assert checked.value == read
    assert checked.reasons == ["ambiguous_character"]
    with rules.disabled(["value.code_lookalike"]):
        assert check_value(PASSPORT, read).reasons == []


def test_a_flat_number_whose_pattern_allows_a_letter_is_flagged() -> None:
    apt = spec(type="text", language="eng", pattern="^[0-9]{1,4}[A-Z]?$")
    assert check_value(apt, "5O").reasons == ["ambiguous_character"]
    assert check_value(apt, "12").reasons == []  # digits alone: no letter to doubt


@pytest.mark.parametrize(
    ("pattern", "read"),
    [("^[0-9]{3}F[0-9]{6}$", "724F527472"), ("^[0-9]{2}-[0-9]{7}$", "12-3456789")],
)
def test_a_pattern_that_fixes_each_position_settles_it(pattern: str, read: str) -> None:
    code = spec(type="text", language="eng", content="code", pattern=pattern)
    assert check_value(code, read).reasons == []


def test_codes_without_lookalikes_and_free_text_stay_unflagged() -> None:
    assert check_value(PASSPORT, "XK472639").reasons == []
    name = spec(type="text", language="eng", content="surname")
    assert check_value(name, "Oliver").reasons == []


@pytest.mark.parametrize("read", ["MG5749189", "AX6735119", "QJ6556808"])
def test_a_lookalike_deep_in_a_long_digit_run_is_taken_as_read(read: str) -> None:
    """A national ID's two letters and seven digits: the 1 or 0 inside the digits."""
    assert check_value(PASSPORT, read).reasons == []


@pytest.mark.parametrize(
    "read",
    [
        "RL99026B7WR8",  # a run of 5 digits: dev seed 49 read RL99O26B7WR8 so, unflagged
        "HJ0972745",  # at the run's edge, beside a letter
        "E1SGTXUO",  # the last character
        "WIY536RE",  # a short run of letters
    ],
)
def test_a_lookalike_at_a_run_edge_or_in_a_short_run_stays_in_doubt(read: str) -> None:
    assert check_value(PASSPORT, read).reasons == ["ambiguous_character"]
