"""Check digits: the マイナンバー's and the German tax identification number's
(Steuerliche Identifikationsnummer, ISO 7064 MOD 11,10)."""

from __future__ import annotations

from ocr_service.reading.reasons import Parsed, Reason, accept, reject

MYNUMBER_LENGTH = 12
STEUER_ID_LENGTH = 11


def mynumber_check_digit(first11: str) -> int:
    """The check digit of a マイナンバー from its first 11 digits.

    P1..P11 are the digits taken from the right (P1 is the 11th digit); Q_n is n+1
    for n in 1..6 and n-5 for n in 7..11; r = sum(P_n * Q_n) mod 11; the check digit
    is 0 when r <= 1, else 11 - r.
    """
    if len(first11) != MYNUMBER_LENGTH - 1 or not first11.isdigit():
        raise ValueError("a My Number body is 11 digits")
    total = 0
    for n, ch in enumerate(reversed(first11), start=1):
        q = n + 1 if n <= 6 else n - 5
        total += int(ch) * q
    r = total % 11
    return 0 if r <= 1 else 11 - r


def check_mynumber(digits: str) -> Parsed:
    """Accept a 12-digit マイナンバー whose last digit is its check digit."""
    if len(digits) != MYNUMBER_LENGTH or not digits.isascii() or not digits.isdigit():
        return reject(Reason.INVALID_FORMAT)
    if mynumber_check_digit(digits[:-1]) != int(digits[-1]):
        return reject(Reason.CHECK_DIGIT_MISMATCH)
    return accept(digits)


def steuer_id_check_digit(first10: str) -> int:
    """The check digit of a German Steuer-ID from its first 10 digits (ISO/IEC 7064,
    MOD 11,10, as the Bundeszentralamt für Steuern publishes it): start with 10; for
    each digit, s = (digit + product) mod 10 (10 when 0), product = 2 * s mod 11; the
    check digit is 11 - product (0 when that is 10)."""
    if len(first10) != STEUER_ID_LENGTH - 1 or not first10.isdigit():
        raise ValueError("a Steuer-ID body is 10 digits")
    product = 10
    for ch in first10:
        total = (int(ch) + product) % 10 or 10
        product = (total * 2) % 11
    check = 11 - product
    return 0 if check == 10 else check


def check_steuer_id(digits: str) -> Parsed:
    """Accept an 11-digit Steuer-ID whose last digit is its check digit."""
    if len(digits) != STEUER_ID_LENGTH or not digits.isascii() or not digits.isdigit():
        return reject(Reason.INVALID_FORMAT)
    if steuer_id_check_digit(digits[:-1]) != int(digits[-1]):
        return reject(Reason.CHECK_DIGIT_MISMATCH)
    return accept(digits)


CHECKS = {"mynumber": check_mynumber, "de_steuer_id": check_steuer_id}
"""``check_digit`` of a template field → its check."""
