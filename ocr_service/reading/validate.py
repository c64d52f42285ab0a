"""Turn a field's OCR text into a checked value, by the rules of its FieldSpec.

Order: normalize for the type → parse to the canonical form → rules (pattern,
length, range, check digit) → vocabulary.

Value policy:

* text that cannot be parsed (not a date, not a phone number) gives ``value=None``
  with ``invalid_format`` / ``invalid_date``: a value is canonical or absent;
* a canonical value that breaks a rule (pattern, range, length, check digit) is kept
  and flagged, so the reviewer sees what was read;
* a vocabulary near match (or a repaired era) becomes the value, with the correction
  also in ``suggestion``, the reading in ``raw_text`` and ``vocabulary_corrected``
  among the reasons, so it is always flagged (see :mod:`ocr_service.reading.vocabulary`).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import partial

from ocr_service.reading import rules
from ocr_service.reading.checks import CHECKS
from ocr_service.reading.dates import parse_date
from ocr_service.reading.english import bracket_as_one, period_as_comma, repair_lookalike_digits
from ocr_service.reading.formats import (
    in_range,
    parse_digits,
    parse_email,
    parse_kana,
    parse_number,
    parse_phone,
    parse_postal_code,
)
from ocr_service.reading.normalize import normalize_field
from ocr_service.reading.phones import parse_foreign_phone
from ocr_service.reading.plausible import implausible_date, lookalike_in_doubt
from ocr_service.reading.postcodes import parse_foreign_postcode
from ocr_service.reading.reasons import Parsed, Reason, accept, reject
from ocr_service.reading.times import parse_time
from ocr_service.reading.us_street import correct_street_line
from ocr_service.reading.vocabulary import (
    comparable,
    correct_email_domain,
    correct_era,
    correct_municipality,
    correct_prefecture,
    correct_us_city_line,
    is_us_city_line,
    town_in_doubt,
)
from ocr_service.templates.model import FieldSpec, FieldType, Language

DIGITS = "0123456789"

FLAG_ONLY = frozenset({Reason.VOCABULARY_CORRECTED, Reason.LOW_CONFIDENCE})
"""Reasons that flag a field whose value is still a valid reading."""
READING_DOUBTS = frozenset({Reason.CURRENCY_LOOKALIKE, Reason.AMBIGUOUS_CHARACTER})
"""Reasons that doubt how a recognizer read a value (a $ read 5, a 0 read O), not the
value itself: a value a person types is not doubted for them (see review.values)."""


@dataclass
class Checked:
    value: str | None
    text: str
    """The normalized text the value was parsed from."""
    reasons: list[Reason] = field(default_factory=list)
    suggestion: str | None = None

    @property
    def valid(self) -> bool:
        """Parsed and passing every rule (a vocabulary suggestion does not make it invalid)."""
        return all(r in FLAG_ONLY for r in self.reasons)

    @property
    def empty(self) -> bool:
        return not self.text


def is_digit_boxes(spec: FieldSpec) -> bool:
    return spec.digit_boxes


def parse_typed(spec: FieldSpec, text: str) -> Parsed:
    """Parse normalized text into the canonical value of the field's type."""
    country = spec.country_code
    parsers: dict[FieldType, Callable[[str], Parsed]] = {
        FieldType.DATE: lambda t: parse_date(t, spec.date_order),
        FieldType.POSTAL_CODE: (
            parse_postal_code if country == "JP" else lambda t: parse_foreign_postcode(t, country)
        ),
        FieldType.PHONE: (
            parse_phone if country == "JP" else lambda t: parse_foreign_phone(t, country)
        ),
        FieldType.EMAIL: parse_email,
        FieldType.DIGITS: parse_digits,
        FieldType.NUMBER: lambda t: parse_number(
            t, decimal=spec.decimal_mark, currency=spec.currency, decimals=spec.decimals
        ),
        FieldType.TIME: parse_time,
    }
    if spec.type is FieldType.KANA:
        return parse_kana(text, spec.kana)
    if spec.type is FieldType.BOXED and is_digit_boxes(spec):
        return parse_digits(text)
    if spec.type is FieldType.BOXED:
        return parse_boxed(spec, text)
    parser = parsers.get(spec.type)
    return parser(text) if parser else accept(text)


LOOKALIKE_PAIR = frozenset("0O")
"""Digit zero and capital O: in a row of letter-and-digit boxes both recognizers read one
for the other at full confidence (measured on 18 rendered dev codes in the generator's 8
fonts, hybrid engine: all 7 silent errors were 0 read O or O read 0; 1/I, 5/S, 8/B came
out right or flagged. With this flag: none silent of 144, 33 right ones flagged)."""


def parse_boxed(spec: FieldSpec, text: str) -> Parsed:
    """A row of boxes of another charset: every character one the charset allows (a
    whitelist, when the field has one, is what its boxes were read with). A 0 or O in a
    charset holding both is flagged unless a ``pattern`` says which a position holds
    (the pattern's own check then flags a misread)."""
    allowed = set(spec.whitelist or spec.box_chars)
    if not set(text) <= allowed:
        return reject(Reason.INVALID_FORMAT)
    in_doubt = allowed >= LOOKALIKE_PAIR and LOOKALIKE_PAIR & set(text) and spec.pattern is None
    return Parsed(text, Reason.AMBIGUOUS_CHARACTER) if in_doubt else accept(text)


MIN_KANA_READING = 2
"""A kana field holds the reading of a name or word (furigana, an account holder): two
kana at least."""


def free_english(spec: FieldSpec) -> bool:
    """An English text line without a pattern, a whitelist or ``max_length: 1``: a name,
    an address, account numbers (not the W-9's FATCA code or a middle initial)."""
    free = spec.pattern is None and spec.whitelist is None and spec.max_length != 1
    return free and spec.type is FieldType.TEXT and spec.language is Language.ENG


def lone_latin_character(spec: FieldSpec, text: str) -> bool:
    """One Latin letter or digit alone on a free English text line. A field meant to
    hold one character says so (see :func:`free_english`)."""
    return free_english(spec) and len(text) == 1 and text.isascii()


def check_value(spec: FieldSpec, raw_text: str) -> Checked:
    """Normalize, parse and check one reading against the field's rules."""
    text = normalize_field(spec, raw_text)
    if not text:
        return Checked(None, text, [Reason.REQUIRED_MISSING] if spec.required else [])
    symbols = spec.type in (FieldType.TEXT, FieldType.KANA) and not any(c.isalnum() for c in text)
    if rules.check("value.symbols_only", symbols):
        # a reading of symbols alone (★, ・・) is noise read as text: no value, flagged
        return Checked(None, text, [Reason.INVALID_FORMAT])
    lone_kana = spec.type is FieldType.KANA and len(text.replace(" ", "")) < MIN_KANA_READING
    if rules.check("value.lone_kana", lone_kana):
        # a lone kana is a speck on a blank zone read as ノ or テ: no value, flagged
        return Checked(None, text, [Reason.INVALID_FORMAT])
    if rules.check("value.lone_latin", lone_latin_character(spec, text)):
        # a speck or a rule's residue on a blank English line read as 1, I or S
        return Checked(None, text, [Reason.INVALID_FORMAT])
    parsed = parse_typed(spec, text)
    if spec.type is FieldType.TEXT and spec.language is not Language.ENG:
        parsed = repaired(parsed, partial(rules.apply, "value.homoglyphs", repair_homoglyphs))
    if free_english(spec):
        parsed = repaired(parsed, repair_english_lookalikes)
    if parsed.value is None:
        return Checked(None, text, [parsed.reason or Reason.INVALID_FORMAT])
    checked = Checked(parsed.value, text, rule_failures(spec, parsed.value))
    if parsed.reason is not None:  # a value recovered by a repair is kept, and flagged
        checked.reasons.append(parsed.reason)
    apply_vocabulary(spec, checked)
    return checked


_HOMOGLYPHS = {"チ": "子", "ロ": "口", "カ": "力", "エ": "工", "ニ": "二", "ト": "卜", "タ": "夕"}
_LONE_KANA = re.compile(r"(?<=[\u4e00-\u9fff])([" + "".join(_HOMOGLYPHS) + r"])(?![\u30a0-\u30ff])")
"""A single katakana right after a kanji and not followed by more katakana: in a Japanese
name or address that is a kanji misread as its look-alike (中村花チ for 中村花子)."""


def repaired(parsed: Parsed, repair: Callable[[str], str]) -> Parsed:
    """``parsed`` with ``repair`` applied to its value; a value it changed is flagged
    (vocabulary_corrected), unless already flagged for another reason."""
    if parsed.value is None:
        return parsed
    fixed = repair(parsed.value)
    if fixed == parsed.value:
        return parsed
    return Parsed(fixed, parsed.reason or Reason.VOCABULARY_CORRECTED)


def repair_homoglyphs(text: str) -> str:
    """Kanji read as a katakana look-alike, restored."""
    return _LONE_KANA.sub(lambda m: _HOMOGLYPHS[m.group(1)], text)


def repair_english_lookalikes(text: str) -> str:
    """A lookalike digit in a word of letters restored to its letter, and a period
    between words or a bracket in a number to the comma or 1 it stands for (see
    :mod:`~ocr_service.reading.english`)."""
    text = rules.apply("value.en_lookalike_digit", repair_lookalike_digits, text)
    text = rules.apply("value.en_period_comma", period_as_comma, text)
    return rules.apply("value.en_bracket_one", bracket_as_one, text)


def rule_failures(spec: FieldSpec, value: str) -> list[Reason]:
    """The rules a canonical value breaks: pattern, length, range, check digit; and the
    doubts about a well-formed one (an implausible date, a lookalike in a code: see
    :mod:`~ocr_service.reading.plausible`)."""
    reasons: list[Reason] = []
    if spec.pattern is not None and not re.fullmatch(spec.pattern, value):
        reasons.append(Reason.PATTERN_MISMATCH)
    if (spec.min_length is not None and len(value) < spec.min_length) or (
        spec.max_length is not None and len(value) > spec.max_length
    ):
        reasons.append(Reason.INVALID_FORMAT)
    numeric = spec.type in (FieldType.NUMBER, FieldType.DIGITS) or is_digit_boxes(spec)
    bounded = spec.min is not None or spec.max is not None
    if numeric and bounded and not in_range(value, spec.min, spec.max):
        reasons.append(Reason.OUT_OF_RANGE)
    if spec.check_digit is not None:
        checked = CHECKS[spec.check_digit](value)
        if checked.reason is not None:
            reasons.append(checked.reason)
    dated = spec.type is FieldType.DATE
    if dated and rules.check("value.implausible_date", implausible_date(spec, value)):
        reasons.append(Reason.IMPLAUSIBLE_DATE)
    coded = spec.type is FieldType.TEXT and rules.profile_of(spec) is rules.Profile.CODE
    if coded and rules.check("value.code_lookalike", lookalike_in_doubt(spec, value)):
        reasons.append(Reason.AMBIGUOUS_CHARACTER)
    return reasons


VOCABULARY_RULES = {
    "prefecture": "vocabulary.prefecture",
    "era": "vocabulary.era",
    "municipality": "vocabulary.municipality",
    "us_city_state_zip": "vocabulary.us_city_line",
    "email_domain": "vocabulary.email_domain",
}
"""The rule of each vocabulary's correction (us_street_address: its parts are rules of
their own, see :mod:`~ocr_service.reading.us_street`)."""


def apply_vocabulary(spec: FieldSpec, checked: Checked) -> None:
    """Suggest the vocabulary entry for a near miss (see the module docstring)."""
    if checked.value is None or spec.vocabulary is None:
        return
    correct = {
        "prefecture": correct_prefecture,
        "era": correct_era,
        "municipality": correct_municipality,
        "us_city_state_zip": correct_us_city_line,
        "email_domain": correct_email_domain,
        "us_street_address": correct_street_line,
    }[spec.vocabulary]
    rule_id = VOCABULARY_RULES.get(spec.vocabulary)
    suggestion = correct(checked.value) if rule_id is None or rules.active(rule_id) else None
    if suggestion is not None and rule_id is not None:
        rules.fired(rule_id)  # a correction, or the registry's spelling (below)
    in_doubt = spec.vocabulary == "municipality" and suggestion is None
    if rules.check("vocabulary.unknown_town", in_doubt and town_in_doubt(checked.value)):
        checked.reasons.append(Reason.UNKNOWN_TOWN)
    if suggestion is not None and comparable(suggestion) == comparable(checked.value):
        if suggestion != checked.value and rules.active("vocabulary.registry_spelling"):
            rules.fired("vocabulary.registry_spelling")
            checked.value = suggestion  # the registry's spelling (ケ for ヶ): not a correction
        return
    if suggestion is not None and suggestion != checked.value:
        # the corrected value is used, recorded as such (raw_text keeps what was read,
        # ``suggestion`` what it became) and flagged: never silently trusted
        checked.value = suggestion
        checked.suggestion = suggestion
        if Reason.VOCABULARY_CORRECTED not in checked.reasons:  # once, if also repaired
            checked.reasons.append(Reason.VOCABULARY_CORRECTED)
    if spec.vocabulary == "us_city_state_zip" and not is_us_city_line(checked.value):
        checked.reasons.append(Reason.PATTERN_MISMATCH)  # no state code, no ZIP code
