"""Check digits."""

from __future__ import annotations

from ocr_service.reading.reasons import Parsed, Reason, accept, reject

MYNUMBER_LENGTH = 12


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
