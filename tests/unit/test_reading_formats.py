import pytest

from ocr_service.reading.checks import check_mynumber, mynumber_check_digit
from ocr_service.reading.formats import (
    parse_digits,
    parse_email,
    parse_kana,
    parse_number,
    parse_phone,
    parse_postal_code,
)
from ocr_service.reading.reasons import Reason


@pytest.mark.parametrize(
    "text", ["100-0001", "1000001", "〒100-0001", "〒 100 0001", "１００－０００１", "100ー0001"]
)
def test_postal_code_canonical(text: str) -> None:
    assert parse_postal_code(text).value == "100-0001"


@pytest.mark.parametrize("text", ["10-00001", "100-000", "1000-001", "abc-defg", ""])
def test_postal_code_invalid(text: str) -> None:
    assert parse_postal_code(text).reason is Reason.INVALID_FORMAT


@pytest.mark.parametrize(
    ("text", "canonical"),
    [
        ("09012345678", "090-1234-5678"),
        ("090-1234-5678", "090-1234-5678"),
        ("090(1234)5678", "090-1234-5678"),
        ("０９０－１２３４－５６７８", "090-1234-5678"),
        ("080 1234 5678", "080-1234-5678"),
        ("+81-90-1234-5678", "090-1234-5678"),
        ("0312345678", "03-1234-5678"),
        ("(03)1234-5678", "03-1234-5678"),
        ("03-12-345678", "03-1234-5678"),
        ("0612345678", "06-1234-5678"),
        ("045-123-4567", "045-123-4567"),
        ("0466-12-3456", "0466-12-3456"),
        ("0466(12)3456", "0466-12-3456"),
        ("0451234567", "0451234567"),
        ("0120123456", "0120-123-456"),
        ("0120-123-456", "0120-123-456"),
        ("0570-123-456", "0570-123-456"),
        ("TEL:090-1234-5678", "090-1234-5678"),
    ],
)
def test_phone_canonical(text: str, canonical: str) -> None:
    assert parse_phone(text).value == canonical


@pytest.mark.parametrize(
    "text", ["1234", "090-1234-567", "9012345678", "00312345678", "03-1234-56789", "abc", ""]
)
def test_phone_invalid(text: str) -> None:
    assert parse_phone(text).reason is Reason.INVALID_FORMAT


@pytest.mark.parametrize(
    ("text", "canonical"),
    [
        ("taro@example.jp", "taro@example.jp"),
        ("Taro.Yamada@Example.CO.JP", "taro.yamada@example.co.jp"),
        (" taro @ example . com ", "taro@example.com"),
        ("ｔａｒｏ＠ｅｘａｍｐｌｅ．ｊｐ", "taro@example.jp"),
        ("a+b_c-d@sub-1.example.org", "a+b_c-d@sub-1.example.org"),
    ],
)
def test_email_canonical(text: str, canonical: str) -> None:
    assert parse_email(text).value == canonical


@pytest.mark.parametrize(
    "text",
    [
        "taro",
        "taro@",
        "@example.jp",
        "a..b@example.jp",
        ".a@example.jp",
        "a@example",
        "a@-x.jp",
        "a@b@c.jp",
    ],
)
def test_email_invalid(text: str) -> None:
    assert parse_email(text).reason is Reason.INVALID_FORMAT


def test_digits_keep_leading_zeros() -> None:
    assert parse_digits("０１２ ３４").value == "01234"
    assert parse_digits("0012-3456").value == "00123456"
    assert parse_digits("12a").reason is Reason.INVALID_FORMAT


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("1,234", "1234"),
        ("12.50", "12.5"),
        ("-3", "-3"),
        ("０１２", "12"),
        ("+7", "7"),
        ("1.0", "1"),
    ],
)
def test_numbers(text: str, value: str) -> None:
    assert parse_number(text).value == value


@pytest.mark.parametrize("text", ["1.2.3", "12a", "", "--1"])
def test_numbers_invalid(text: str) -> None:
    assert parse_number(text).reason is Reason.INVALID_FORMAT


def test_kana() -> None:
    assert parse_kana("ヤマダ タロウ").ok
    assert parse_kana("コーヒー").ok
    assert parse_kana("やまだ", "hiragana").ok
    assert parse_kana("ヤマダ太郎").reason is Reason.INVALID_FORMAT
    assert parse_kana("やまだ").reason is Reason.INVALID_FORMAT
    assert parse_kana("ヤマダ  タロウ").reason is Reason.INVALID_FORMAT


def test_mynumber_check_digit() -> None:
    assert mynumber_check_digit("12345678901") == 8
    assert check_mynumber("123456789018").ok
    assert check_mynumber("123456789019").reason is Reason.CHECK_DIGIT_MISMATCH
    assert check_mynumber("12345678901").reason is Reason.INVALID_FORMAT


def _by_definition(first11: str) -> int:
    p = [int(c) for c in reversed(first11)]  # p[0] is P1, the 11th digit
    q = [n + 1 if n <= 6 else n - 5 for n in range(1, 12)]
    r = sum(a * b for a, b in zip(p, q, strict=True)) % 11
    return 0 if r <= 1 else 11 - r


@pytest.mark.parametrize(
    "body", ["98765432109", "00000000000", "11111111111", "31415926535", "27182818284"]
)
def test_mynumber_check_digit_matches_definition(body: str) -> None:
    digit = mynumber_check_digit(body)
    assert digit == _by_definition(body)
    assert check_mynumber(body + str(digit)).ok
    assert check_mynumber(body + str((digit + 1) % 10)).reason is Reason.CHECK_DIGIT_MISMATCH
