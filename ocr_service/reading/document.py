"""Checks that span fields of one document: postal code ↔ address."""

from __future__ import annotations

from ocr_service.reading import rules
from ocr_service.reading.address import check_postal_address
from ocr_service.reading.reasons import Reason
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
