"""A field's profile, chosen once from its spec: never from the text read.

The spec's type decides most profiles; a text field's language, vocabulary, pattern,
whitelist and one-character limit decide the rest. A template's ``content`` key (what
the field holds: full_name, street, amount...), where given, names the profile of a
free-text field directly.
"""

from __future__ import annotations

from ocr_service.reading.rules.registry import Profile
from ocr_service.templates.model import INK_TYPES, FieldSpec, FieldType, Language

BY_TYPE = {
    FieldType.KANA: Profile.KANA,
    FieldType.EMAIL: Profile.EMAIL,
    FieldType.DATE: Profile.DATE,
    FieldType.PHONE: Profile.PHONE,
    FieldType.POSTAL_CODE: Profile.POSTAL_CODE,
    FieldType.NUMBER: Profile.NUMBER,
    FieldType.DIGITS: Profile.CODE,
    FieldType.BOXED: Profile.CODE,
    FieldType.TIME: Profile.TIME,
}
BY_VOCABULARY = {
    "prefecture": Profile.JA_ADDRESS,
    "municipality": Profile.JA_ADDRESS,
    "us_street_address": Profile.EN_STREET,
    "us_city_state_zip": Profile.EN_CITY_LINE,
}
NAME_CONTENT = frozenset({"full_name", "surname", "given_name", "name", "company"})
ADDRESS_CONTENT = frozenset({"address", "street", "city", "town", "prefecture"})
"""``content`` values (see the template docs) that make a free-text field a name or an
address; ``amount`` makes a number an amount."""


def profile_of(spec: FieldSpec, content: str | None = None) -> Profile:
    """The profile of a field (``content``: the template's word for what it holds)."""
    if spec.type in INK_TYPES:
        return Profile.MARK
    if spec.type is FieldType.NUMBER and content == "amount":
        return Profile.AMOUNT
    if spec.type is not FieldType.TEXT:
        return BY_TYPE.get(spec.type, Profile.CODE)
    if spec.pattern is not None or spec.whitelist is not None or spec.max_length == 1:
        return Profile.CODE
    by_vocabulary = BY_VOCABULARY.get(spec.vocabulary or "")
    if by_vocabulary is not None:
        return by_vocabulary
    english = spec.language is Language.ENG
    if content in NAME_CONTENT:
        return Profile.EN_NAME if english else Profile.JA_NAME
    if content in ADDRESS_CONTENT and not english:
        return Profile.JA_ADDRESS
    if content == "street" and english:
        return Profile.EN_STREET
    return Profile.EN_TEXT if english else Profile.JA_TEXT
