"""Check a reviewer's value against its field's type and rules; return the canonical value.

Text-like types go through the reading layer's own validator
(:func:`ocr_service.reading.validate.check_value`), so a corrected value obeys exactly the
rules an OCR reading does: ``令和6年4月1日`` becomes ``2024-04-01``, ``１００ー０００１``
becomes ``100-0001``. Checkboxes take a boolean (or ``1/0``, ``yes/no``, ``はい/いいえ``);
a choice takes one of its option values, an option label, or the option's 1-based number.

An unusable value raises :class:`~ocr_service.errors.InvalidValue` whose message says,
in Japanese, what to type instead (English in ``details.message_en``). The message names
the field, never the rejected value.
"""

from __future__ import annotations

from ocr_service.errors import InvalidValue
from ocr_service.reading.phones import PLANS
from ocr_service.reading.postcodes import EXAMPLES as POSTCODE_EXAMPLES
from ocr_service.reading.reasons import Reason
from ocr_service.reading.validate import FLAG_ONLY, READING_DOUBTS, check_value
from ocr_service.results import FieldValue
from ocr_service.templates.model import FieldSpec, FieldType

TRUE_WORDS = frozenset({"1", "true", "yes", "y", "on", "x", "✓", "はい", "有", "あり", "レ"})
FALSE_WORDS = frozenset({"0", "false", "no", "n", "off", "いいえ", "無", "なし"})

HINTS: dict[FieldType, tuple[str, str]] = {
    FieldType.DATE: (
        "2024-04-01 や 令和6年4月1日 のような日付",
        "a date such as 2024-04-01 or 令和6年4月1日",
    ),
    FieldType.POSTAL_CODE: ("100-0001 のような郵便番号", "a postal code such as 100-0001"),
    FieldType.PHONE: (
        "03-1234-5678 や 090-1234-5678 のような電話番号",
        "a Japanese phone number such as 03-1234-5678 or 090-1234-5678",
    ),
    FieldType.EMAIL: (
        "taro@example.jp のようなメールアドレス",
        "an e-mail address such as taro@example.jp",
    ),
    FieldType.DIGITS: ("数字だけ", "digits only"),
    FieldType.NUMBER: ("数値", "a number"),
    FieldType.KANA: ("カナ（カタカナかひらがな）", "kana (katakana or hiragana)"),
    FieldType.TIME: (
        "14:30、2:30 PM、午後2時30分 のような時刻",
        "a time such as 14:30, 2:30 PM or 午後2時30分",
    ),
}  # fmt: skip
PHONE_EXAMPLES = {"US": "(415) 555-0123", "CA": "(613) 555-0199", "GB": "020 7946 0018",
                  "DE": "030 1234567", "FR": "01 23 45 67 89", "ES": "912 345 678",
                  "IT": "06 1234 5678", "PT": "212 345 678", "AU": "(02) 1234 5678"}  # fmt: skip

PROBLEMS: dict[str, tuple[str, str]] = {
    Reason.INVALID_FORMAT: ("形式が正しくありません", "is not in the expected format"),
    Reason.INVALID_DATE: ("存在しない日付です", "is not a real calendar date"),
    Reason.PATTERN_MISMATCH: ("項目の書式に合いません", "does not match the field's pattern"),
    Reason.OUT_OF_RANGE: ("範囲外の値です", "is out of the allowed range"),
    Reason.CHECK_DIGIT_MISMATCH: (
        "マイナンバーのチェックデジットが合いません",
        "fails the My Number check digit",
    ),
    Reason.REQUIRED_MISSING: ("必須項目のため空欄にできません", "is required and cannot be empty"),
    Reason.AMBIGUOUS_SEPARATOR: (
        "区切り記号が桁区切りか小数点か分かりません（6250 か 6.25 と入力してください）",
        "has one separator before three digits, which may group thousands or mark decimals "
        "(write 6250 or 6.25)",
    ),
}


def check_correction(spec: FieldSpec, value: FieldValue) -> FieldValue:
    """The canonical value for ``value`` in field ``spec``, or :class:`InvalidValue`."""
    if spec.type in (FieldType.CHECKBOX, FieldType.MARK):
        return _boolean(spec, value)
    if spec.type is FieldType.CHOICE:
        return _choice(spec, value)
    hint_ja, hint_en = _hint(spec)
    if isinstance(value, bool):
        raise InvalidValue(
            f"{spec.label}（{spec.name}）には文字を入力してください（true/false ではなく）。"
            f"入力例: {hint_ja}",
            message_en=f"{spec.label} ({spec.name}) takes text, not true/false",
            field=spec.name,
            expected=hint_en,
        )
    checked = check_value(spec, value or "")
    if all(r in FLAG_ONLY or r in READING_DOUBTS for r in checked.reasons):
        return checked.value
    problems = [PROBLEMS.get(r, (r.value, r.value)) for r in checked.reasons]
    raise InvalidValue(
        f"{spec.label}（{spec.name}）: {'、'.join(p[0] for p in problems)}。"
        f"{hint_ja}を入力してください。",
        message_en=f"{spec.label} ({spec.name}) {' and '.join(p[1] for p in problems)}; "
        f"enter {hint_en}",
        field=spec.name,
        reasons=[r.value for r in checked.reasons],
        expected=hint_en,
    )


def _hint(spec: FieldSpec) -> tuple[str, str]:
    """What to type, in Japanese and in English."""
    ja, en = HINTS.get(spec.type, ("文字", "text"))
    country = spec.country_code
    if spec.type is FieldType.PHONE and country in PLANS:
        example = PHONE_EXAMPLES[country]
        ja = f"{example} のような{country}の電話番号"
        en = f"a {country} phone number such as {example}"
    if spec.type is FieldType.POSTAL_CODE and country != "JP":
        example = POSTCODE_EXAMPLES[country]
        ja = f"{example} のような{country}の郵便番号"
        en = f"a {country} postal code such as {example}"
    rules: list[tuple[str, str]] = []
    if spec.pattern:
        rules.append((f"書式 {spec.pattern}", f"matching {spec.pattern}"))
    if spec.min is not None or spec.max is not None:
        low = "" if spec.min is None else f"{spec.min:g}"
        high = "" if spec.max is None else f"{spec.max:g}"
        rules.append((f"{low or '…'}～{high or '…'}", f"between {low or '…'} and {high or '…'}"))
    if spec.min_length is not None and spec.max_length is not None:
        rules.append(
            (
                f"{spec.min_length}～{spec.max_length}文字",
                f"{spec.min_length}–{spec.max_length} characters",
            )
        )
    elif spec.max_length is not None:
        rules.append((f"{spec.max_length}文字以内", f"at most {spec.max_length} characters"))
    elif spec.min_length is not None:
        rules.append((f"{spec.min_length}文字以上", f"at least {spec.min_length} characters"))
    if spec.required:
        rules.append(("必須", "required"))
    if not rules:
        return ja, en
    return f"{ja}（{'、'.join(r[0] for r in rules)}）", f"{en} ({', '.join(r[1] for r in rules)})"


def _boolean(spec: FieldSpec, value: FieldValue) -> bool:
    if isinstance(value, bool):
        return value
    word = (value or "").strip().lower()
    if word in TRUE_WORDS:
        return True
    if word in FALSE_WORDS or (not word and not spec.required):
        return False
    raise InvalidValue(
        f"{spec.label}（{spec.name}）はチェック欄です。1（あり）か 0（なし）を入力してください。",
        message_en=f"{spec.label} ({spec.name}) is a checkbox; enter 1 (checked) or 0 "
        "(not checked)",
        field=spec.name,
        expected="true or false",
    )


def _choice(spec: FieldSpec, value: FieldValue) -> str | None:
    text = "" if value is None or isinstance(value, bool) else value.strip()
    if not text and not spec.required:
        return None
    for number, option in enumerate(spec.options, start=1):
        if text in (option.value, option.label, str(number)):
            return option.value
    listing = ", ".join(
        f"{n}={o.value}" + (f" ({o.label})" if o.label else "")
        for n, o in enumerate(spec.options, start=1)
    )
    raise InvalidValue(
        f"{spec.label}（{spec.name}）は選択肢から選んでください（番号・値・表示名のどれでも可）: "
        f"{listing}",
        message_en=f"{spec.label} ({spec.name}) must be one of its options: {listing}",
        field=spec.name,
        options=[o.value for o in spec.options],
    )
