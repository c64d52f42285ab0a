import datetime as dt

import pytest

from ocr_service.reading.dates import kanji_number, parse_date, to_wareki
from ocr_service.reading.reasons import Reason


@pytest.mark.parametrize(
    ("text", "iso"),
    [
        ("2024年4月5日", "2024-04-05"),
        ("2024/4/5", "2024-04-05"),
        ("2024-04-05", "2024-04-05"),
        ("2024.4.5", "2024-04-05"),
        ("20240405", "2024-04-05"),
        ("２０２４年４月５日", "2024-04-05"),
        ("令和6年4月5日", "2024-04-05"),
        ("令和 6 年 4 月 5 日", "2024-04-05"),
        ("令和元年5月1日", "2019-05-01"),
        ("平成元年1月8日", "1989-01-08"),
        ("平成31年4月30日", "2019-04-30"),
        ("昭和64年1月7日", "1989-01-07"),
        ("大正元年7月30日", "1912-07-30"),
        ("明治45年7月29日", "1912-07-29"),
        ("H3.4.5", "1991-04-05"),
        ("h3/4/5", "1991-04-05"),
        ("R06.04.05", "2024-04-05"),
        ("S50-1-2", "1975-01-02"),
        ("令6.4.5", "2024-04-05"),
        ("Ｒ６．４．５", "2024-04-05"),
        ("平成十二年十二月二十五日", "2000-12-25"),
        ("令和元年五月一日", "2019-05-01"),
    ],
)
def test_dates_parse_to_iso(text: str, iso: str) -> None:
    assert parse_date(text).value == iso


@pytest.mark.parametrize(
    "text",
    [
        "2024年2月30日",
        "2023/2/29",
        "2024-13-01",
        "平成32年1月1日",
        "平成31年5月1日",
        "令和元年4月30日",
        "昭和64年1月8日",
        "平成元年1月7日",
        "大正15年12月25日",
        "明治46年1月1日",
        "令和0年5月1日",
    ],
)
def test_impossible_dates_are_invalid_date(text: str) -> None:
    parsed = parse_date(text)
    assert parsed.value is None
    assert parsed.reason is Reason.INVALID_DATE


@pytest.mark.parametrize("text", ["", "hello", "24/4/5", "令和6年4月", "X6.4.5"])
def test_non_dates_are_invalid_format(text: str) -> None:
    assert parse_date(text).reason is Reason.INVALID_FORMAT


def test_leap_day() -> None:
    assert parse_date("令和6年2月29日").value == "2024-02-29"


@pytest.mark.parametrize(
    ("text", "n"),
    [("元", 1), ("十", 10), ("十二", 12), ("二十五", 25), ("三十一", 31), ("一〇", 10)],
)
def test_kanji_numbers(text: str, n: int) -> None:
    assert kanji_number(text) == n


def test_to_wareki_round_trips() -> None:
    for day in (
        dt.date(2019, 5, 1),
        dt.date(2019, 4, 30),
        dt.date(1989, 1, 7),
        dt.date(2024, 4, 5),
    ):
        assert parse_date(to_wareki(day)).value == day.isoformat()
    assert to_wareki(dt.date(2019, 5, 1)) == "令和元年5月1日"


def test_year_last_dates_follow_the_forms_order() -> None:
    assert parse_date("06/01/2024", "mdy").value == "2024-06-01"
    assert parse_date("06/01/2024", "dmy").value == "2024-01-06"
    assert parse_date("2024/06/01", "mdy").value == "2024-06-01"  # year first always reads
    assert parse_date("06/01/2024").reason is Reason.INVALID_FORMAT  # a Japanese form: ymd
    assert parse_date("13/01/2024", "mdy").reason is Reason.INVALID_DATE
