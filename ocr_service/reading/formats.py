"""Parsers for the text-like field types: postal code, phone, email, digits, number, kana.

Numbers, foreign phones and postcodes, and times have modules of their own
(:mod:`~ocr_service.reading.numbers`, :mod:`~ocr_service.reading.phones`,
:mod:`~ocr_service.reading.postcodes`, :mod:`~ocr_service.reading.times`).

Each takes text already normalized for its type (:mod:`ocr_service.reading.normalize`)
and returns a :class:`~ocr_service.reading.reasons.Parsed` with the canonical value.
"""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Literal

from ocr_service.reading.normalize import dashes_to_hyphen, nfkc, remove_spaces
from ocr_service.reading.numbers import parse_amount
from ocr_service.reading.reasons import Parsed, Reason, accept, reject

_POSTAL = re.compile(r"^〒?(\d{3})-?(\d{4})$")


def parse_postal_code(text: str) -> Parsed:
    """``〒1000001`` / ``100-0001`` / ``１００－０００１`` → ``100-0001``."""
    m = _POSTAL.match(dashes_to_hyphen(remove_spaces(nfkc(text))))
    if not m:
        return reject(Reason.INVALID_FORMAT)
    return accept(f"{m[1]}-{m[2]}")


# --- phone -----------------------------------------------------------------------------

MOBILE_PREFIXES = ("070", "080", "090", "050", "060")
"""Mobile, PHS/IP (050) and the 060 range: 11 digits, 3-4-4."""
TWO_DIGIT_AREAS = ("03", "06")
"""Tokyo and Osaka: landlines written 2-4-4."""
_SERVICE = {"0120": (4, 3, 3), "0570": (4, 3, 3), "0800": (4, 3, 4)}
"""Free dial and navi dial: fixed layouts."""
_PHONE_CHARS = re.compile(r"^\+?[0-9()\-]+$")


def parse_phone(text: str) -> Parsed:
    """A Japanese phone number in hyphenated form.

    The writer's own grouping is kept when it is a valid one for the number; otherwise
    mobiles become 3-4-4, 03/06 numbers 2-4-4, free dial 0120-xxx-xxx, and other
    landlines (whose area-code length needs a table) keep their digits unhyphenated.
    """
    compact = dashes_to_hyphen(remove_spaces(nfkc(text)))
    compact = re.sub(r"^(?:tel|TEL|Tel|電話)[:.]?", "", compact)
    if not compact or not _PHONE_CHARS.match(compact):
        return reject(Reason.INVALID_FORMAT)
    if compact.startswith("+81"):
        compact = "0" + compact[3:].lstrip("(-)")
    groups = [g for g in re.split(r"[()\-]+", compact) if g]
    digits = "".join(groups)
    layout = phone_layout(digits)
    if layout is None:
        return reject(Reason.INVALID_FORMAT)
    if valid_grouping(digits, [len(g) for g in groups]):
        return accept("-".join(groups))
    return accept(_group(digits, layout))


def phone_layout(digits: str) -> tuple[int, ...] | None:
    """The canonical group lengths for a number, ``()`` for "keep as written", or None."""
    if not digits.startswith("0") or digits.startswith("00"):
        return None
    for prefix, layout in _SERVICE.items():
        if digits.startswith(prefix):
            return layout if len(digits) == sum(layout) else None
    if digits.startswith(MOBILE_PREFIXES):
        return (3, 4, 4) if len(digits) == 11 else None
    if len(digits) != 10:
        return None
    if digits.startswith(TWO_DIGIT_AREAS):
        return (2, 4, 4)
    return ()


def valid_grouping(digits: str, lengths: list[int]) -> bool:
    """Whether the writer's hyphenation is a valid one for this number."""
    if len(lengths) != 3:
        return False
    layout = phone_layout(digits)
    if layout is None:
        return False
    if digits.startswith(MOBILE_PREFIXES) or digits.startswith(tuple(_SERVICE)):
        return tuple(lengths) == layout
    area, local, line = lengths
    if digits.startswith(TWO_DIGIT_AREAS):
        return (area, local, line) == (2, 4, 4)
    return 2 <= area <= 5 and area + local == 6 and line == 4


def _group(digits: str, layout: tuple[int, ...]) -> str:
    if not layout:
        return digits
    parts, pos = [], 0
    for n in layout:
        parts.append(digits[pos : pos + n])
        pos += n
    return "-".join(parts)


# --- email, digits, numbers, kana -------------------------------------------------------

_EMAIL = re.compile(
    r"^(?P<local>[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+(?:\.[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+)*)"
    r"@(?P<domain>(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,})$"
)


def parse_email(text: str) -> Parsed:
    """Spaces stripped, lower-cased, basic RFC 5322 shape (dot-atom local part).

    The local part is lower-cased too: every mail system a municipality writes to treats
    it case-insensitively, and a handwritten capital is more often OCR noise than intent.
    """
    compact = remove_spaces(nfkc(text))
    local, at, domain = compact.rpartition("@")
    if not at:
        return reject(Reason.INVALID_FORMAT)
    candidate = f"{local.lower()}@{domain.lower()}"
    if not _EMAIL.match(candidate):
        return reject(Reason.INVALID_FORMAT)
    return accept(candidate)


def parse_digits(text: str) -> Parsed:
    """Only digits, leading zeros kept; spaces and hyphens between groups are dropped."""
    compact = re.sub("-", "", dashes_to_hyphen(remove_spaces(nfkc(text))))
    if not compact.isascii() or not compact.isdigit():
        return reject(Reason.INVALID_FORMAT)
    return accept(compact)


def parse_number(
    text: str,
    *,
    decimal: str | None = None,
    currency: str | None = None,
    decimals: int | None = None,
) -> Parsed:
    """An integer, decimal or amount in canonical form (see :mod:`~ocr_service.reading.numbers`)."""
    compact = dashes_to_hyphen(remove_spaces(nfkc(text))).replace("、", ",")
    return parse_amount(compact, decimal=decimal, currency=currency, decimals=decimals)


def in_range(value: str, low: float | None, high: float | None) -> bool:
    number = Decimal(value)
    return (low is None or number >= Decimal(str(low))) and (
        high is None or number <= Decimal(str(high))
    )


_KANA = {
    "katakana": re.compile(r"^[\u30a1-\u30faー]+(?: [\u30a1-\u30faー]+)*$"),
    "hiragana": re.compile(r"^[\u3041-\u3096ー]+(?: [\u3041-\u3096ー]+)*$"),
}


def parse_kana(text: str, script: Literal["katakana", "hiragana"] = "katakana") -> Parsed:
    """Kana of one script, the long-vowel mark and single spaces only."""
    if not _KANA[script].match(text):
        return reject(Reason.INVALID_FORMAT)
    return accept(text)
