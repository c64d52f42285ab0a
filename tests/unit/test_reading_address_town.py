"""The postal code's town must appear in the address, not only its city."""

from __future__ import annotations

import random

from ocr_service.reading.address import check_postal_address
from ocr_service.reading.normalize import normalize_text
from ocr_service.reading.reasons import Reason
from ocr_service.synth.values import make_place


def test_misread_digit_in_the_same_city_is_caught() -> None:
    # 290-0541 is 市原市平野, 290-0547 is 市原市月崎: the city alone agrees with both
    assert check_postal_address("290-0547", "千葉県市原市月崎4丁目21番12号").reason is None
    assert (
        check_postal_address("290-0541", "千葉県市原市月崎4丁目21番12号").reason
        is Reason.POSTAL_ADDRESS_MISMATCH
    )


def test_codes_without_a_town_only_check_the_city() -> None:
    assert check_postal_address("069-1200", "北海道夕張郡由仁町本町1").reason is None


def test_real_pairs_are_never_flagged() -> None:
    rng = random.Random(5)
    for _ in range(1000):
        place = make_place(rng)
        assert check_postal_address(place.postal_code, normalize_text(place.address)).reason is None
