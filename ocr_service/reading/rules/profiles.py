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
NAME_CONTENT = frozenset(
    {"full_name", "surname", "given_name", "birth_name", "title", "organisation"}
)
CODE_CONTENT = frozenset({"code", "tax_id", "id_number", "passport_number", "postcode"})
PLACE_CONTENT = frozenset({"address", "street", "city", "region", "place_of_birth"})
"""``content`` values (the template's word for what a field holds, see FieldSpec.content)
that make a free-text field a name, a code or a place; ``amount`` makes a number an
amount."""


def profile_of(spec: FieldSpec) -> Profile:
    """The profile of a field, from its type, language, vocabulary, pattern, whitelist,
    one-character limit and ``content``."""
    if spec.type in INK_TYPES:
        return Profile.MARK
    if spec.type is FieldType.NUMBER and spec.content == "amount":
        return Profile.AMOUNT
    if spec.type is not FieldType.TEXT:
        return BY_TYPE.get(spec.type, Profile.CODE)
    coded = spec.pattern is not None or spec.whitelist is not None or spec.max_length == 1
    if coded or spec.content in CODE_CONTENT:
        return Profile.CODE
    by_vocabulary = BY_VOCABULARY.get(spec.vocabulary or "")
    if by_vocabulary is not None:
        return by_vocabulary
    english = spec.language is Language.ENG
    if spec.content == "city_line" and english:
        return Profile.EN_CITY_LINE
    if spec.content == "street" and english:
        return Profile.EN_STREET
    if spec.content in NAME_CONTENT:
        return Profile.EN_NAME if english else Profile.JA_NAME
    if spec.content in PLACE_CONTENT and not english:
        return Profile.JA_ADDRESS
    return Profile.EN_TEXT if english else Profile.JA_TEXT
