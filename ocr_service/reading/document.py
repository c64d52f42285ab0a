"""Checks that span fields of one document: postal code ↔ address, 氏名 ↔ フリガナ."""

from __future__ import annotations

from ocr_service.reading import rules
from ocr_service.reading.address import check_postal_address
from ocr_service.reading.kana import (
    load_lexicon,
    reading_matches,
    spaced_reading,
    unusual_reading,
)
from ocr_service.reading.reasons import Reason
from ocr_service.reading.rules import kana as kana_rules
from ocr_service.results import FieldResult
from ocr_service.templates.model import FieldType, Template

POSTAL_PREFIX_RULE = "vocabulary.postal_locality"


def check_document(template: Template, results: dict[str, FieldResult]) -> None:
    """Run the cross-field checks and flag (mutate) the results they concern."""
    for spec in template.fields:
        if spec.type is FieldType.POSTAL_CODE and spec.address_field:
            postal = results.get(spec.name)
            address = results.get(spec.address_field)
            if postal is not None and address is not None:
                check_postal_and_address(postal, address)
        if spec.reading_of:
            reading = results.get(spec.name)
            name = results.get(spec.reading_of)
            if reading is not None and name is not None:
                check_name_reading(name, reading)


def check_name_reading(name: FieldResult, reading: FieldResult) -> None:
    """Flag a name reading (フリガナ) that its name does not have, or that no name has.

    Not a known reading of the name's kanji (or not the name itself, when written in
    kana) → both fields ``name_reading_mismatch``. A reading the lexicon cannot check
    against the name (its kanji are not in it, or the name was not read) is flagged
    ``unusual_name_reading`` when no name has it, or a rare one beside a common one
    (see :mod:`~ocr_service.reading.kana`).

    A reading that matches but was read without its space (or with spaces between its
    kana) gets one where the name's surname reading ends, when that place is certain
    (see spaced_reading): the only
    value this check changes, and only by a space the name itself puts there. Measured
    on development pages (seed 31337 and 31338, level heavy): 3 of the 6 wrong,
    unflagged Japanese fields were furigana read without their space (イシイユミコ).
    """
    if not isinstance(reading.value, str) or not reading.value:
        return
    lexicon = load_lexicon()
    matches = (
        reading_matches(lexicon, name.value, reading.value)
        if isinstance(name.value, str) and name.value
        else None
    )
    if matches is True and isinstance(name.value, str) and rules.active(kana_rules.SPACE):
        spaced = spaced_reading(lexicon, name.value, reading.value)
        if spaced is not None:
            reading.value = spaced
            reading.touched_by(kana_rules.SPACE)
    if matches is False and rules.active(kana_rules.MISMATCH):
        for result in (name, reading):
            result.flag(Reason.NAME_READING_MISMATCH)
            result.touched_by(kana_rules.MISMATCH)
    if (
        matches is not True
        and rules.active(kana_rules.UNUSUAL)
        and unusual_reading(lexicon, reading.value)
    ):
        reading.flag(Reason.UNUSUAL_NAME_READING)
        reading.touched_by(kana_rules.UNUSUAL)


def check_postal_and_address(postal: FieldResult, address: FieldResult) -> None:
    """Flag a postal code and its address field that do not agree.

    Unknown code → the postal field; another place → both; a near miss of the code's
    prefecture + city → the corrected address becomes the address field's suggestion
    (it replaces a generic vocabulary suggestion: the postal code knows better).
    """
    if not isinstance(postal.value, str) or not isinstance(address.value, str):
        return
    check = check_postal_address(postal.value, address.value)
    if check.reason is Reason.POSTAL_CODE_UNKNOWN:
        postal.flag(check.reason)
    elif check.reason is Reason.POSTAL_ADDRESS_MISMATCH:
        postal.flag(check.reason)
        address.flag(check.reason)
    elif check.reason is Reason.VOCABULARY_CORRECTED and rules.active(POSTAL_PREFIX_RULE):
        # the postal code's prefecture + city replace the misread start; raw_text keeps
        # the reading and the field stays flagged
        address.suggestion = check.suggestion
        address.value = check.suggestion
        address.flag(check.reason)
        address.touched_by(POSTAL_PREFIX_RULE)
    elif check.reason is Reason.VOCABULARY_CORRECTED:  # the rule switched off: a mismatch
        postal.flag(Reason.POSTAL_ADDRESS_MISMATCH)
        address.flag(Reason.POSTAL_ADDRESS_MISMATCH)
