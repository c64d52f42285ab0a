"""Postal codes outside Japan, by country (Japan: :func:`formats.parse_postal_code`).

Canonical forms: US ``12345`` or ``12345-6789``; CA ``K1A 0B1``; GB ``SW1A 1AA``;
DE, FR, ES, IT ``12345``; PT ``1000-001``; AU ``2000``. Letters are upper-cased and
the space of a CA or GB code is put back. In a CA or GB code each position is a letter
or a digit, so a lookalike in the wrong kind of position (``K1A OB1``: O for 0) is
turned into what the position holds, and the value is flagged ``vocabulary_corrected``;
anything else that does not fit the country's format is refused (``invalid_format``).
"""

from __future__ import annotations

import re
from collections.abc import Callable

from ocr_service.reading.reasons import Parsed, Reason, accept, reject

TO_DIGIT = {"O": "0", "D": "0", "Q": "0", "I": "1", "L": "1", "S": "5", "B": "8", "Z": "2",
            "G": "6"}  # fmt: skip
TO_LETTER = {"0": "O", "1": "I", "5": "S", "8": "B", "2": "Z", "6": "G"}

_CA = re.compile(r"^[ABCEGHJ-NPRSTVXY]\d[ABCEGHJ-NPRSTV-Z]\d[ABCEGHJ-NPRSTV-Z]\d$")
_GB_OUTWARD = re.compile(r"^(?:[A-Z]{1,2}\d[A-Z\d]?)$")
_GB_INWARD = re.compile(r"^\d[ABD-HJLNP-UW-Z]{2}$")
_SIMPLE: dict[str, tuple[re.Pattern[str], Callable[[re.Match[str]], str]]] = {
    "US": (re.compile(r"^(\d{5})(?:-?(\d{4}))?$"), lambda m: m[1] + (f"-{m[2]}" if m[2] else "")),
    "DE": (re.compile(r"^(?:D-)?(\d{5})$"), lambda m: m[1]),
    "FR": (re.compile(r"^(?:F-)?(\d{5})$"), lambda m: m[1]),
    "ES": (re.compile(r"^(?:E-)?((?:0[1-9]|[1-4]\d|5[0-2])\d{3})$"), lambda m: m[1]),
    "IT": (re.compile(r"^(?:I-)?(\d{5})$"), lambda m: m[1]),
    "PT": (re.compile(r"^(\d{4})-?(\d{3})$"), lambda m: f"{m[1]}-{m[2]}"),
    "AU": (re.compile(r"^(\d{4})$"), lambda m: m[1]),
}


CANONICAL: dict[str, str] = {
    "JP": r"^\d{3}-\d{4}$",
    "US": r"^\d{5}(?:-\d{4})?$",
    "CA": r"^[A-Z]\d[A-Z] \d[A-Z]\d$",
    "GB": r"^[A-Z]{1,2}\d[A-Z\d]? \d[A-Z]{2}$",
    "DE": r"^\d{5}$",
    "FR": r"^\d{5}$",
    "ES": r"^\d{5}$",
    "IT": r"^\d{5}$",
    "PT": r"^\d{4}-\d{3}$",
    "AU": r"^\d{4}$",
}
"""The canonical form's shape per country (for the data schema)."""
EXAMPLES = {"JP": "100-0001", "US": "12345", "CA": "K1A 0B1", "GB": "SW1A 1AA",
            "DE": "10115", "FR": "75008", "ES": "28013", "IT": "00184", "PT": "1000-001",
            "AU": "2000"}  # fmt: skip


def parse_foreign_postcode(text: str, country: str) -> Parsed:
    """A postal code of ``country`` (not JP) in canonical form."""
    compact = re.sub(r"[\s-]", "", text.upper()) if country in ("CA", "GB") else text.upper()
    if country == "CA":
        return positional(compact, "LDLDLD", lambda s: _CA.match(s) is not None, " ", 3)
    if country == "GB":
        return parse_gb(compact)
    pattern, canonical = _SIMPLE[country]
    m = pattern.match(compact.replace(" ", ""))
    return accept(canonical(m)) if m else reject(Reason.INVALID_FORMAT)


def parse_gb(compact: str) -> Parsed:
    """Outward code (2-4) and inward code (a digit, two letters)."""
    if not 5 <= len(compact) <= 7:
        return reject(Reason.INVALID_FORMAT)
    shape = "L" + "?" * (len(compact) - 4) + "DLL"
    return positional(compact, shape, valid_gb, " ", 3)


def valid_gb(code: str) -> bool:
    return bool(_GB_OUTWARD.match(code[:-3]) and _GB_INWARD.match(code[-3:]))


def positional(
    code: str, shape: str, valid: Callable[[str], bool], space: str, inward: int
) -> Parsed:
    """``code`` checked by ``valid``; a lookalike in a position of ``shape`` (L letter,
    D digit, ? either) turned into its kind, flagged. Canonical: a space before the last
    ``inward`` characters."""
    if len(code) != len(shape) or not code.isalnum() or not code.isascii():
        return reject(Reason.INVALID_FORMAT)
    fixed = "".join(
        TO_DIGIT.get(c, c) if kind == "D" else TO_LETTER.get(c, c) if kind == "L" else c
        for c, kind in zip(code, shape, strict=True)
    )
    if not valid(fixed):
        return reject(Reason.INVALID_FORMAT)
    value = f"{fixed[:-inward]}{space}{fixed[-inward:]}"
    return accept(value) if fixed == code else Parsed(value, Reason.VOCABULARY_CORRECTED)
