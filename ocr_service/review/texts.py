"""Human text for reviewers: flag reasons next to their stable codes, and status names."""

from __future__ import annotations

from typing import TypedDict

from ocr_service.reading.reasons import Reason

REOPENED = "reopened"
"""The reason a senior's reopen gives the fields it sends back to review (a review reason,
not a reading one, so it is not in :class:`~ocr_service.reading.reasons.Reason`)."""

REASON_TEXT: dict[str, str] = {
    REOPENED: "確定後に再オープンされた（訂正が必要）",
    Reason.LOW_CONFIDENCE: "読み取りの確信度が低い",
    Reason.PATTERN_MISMATCH: "書式が項目の規則に合わない",
    Reason.INVALID_DATE: "存在しない日付",
    Reason.CHECK_DIGIT_MISMATCH: "チェックデジットが一致しない（マイナンバー）",
    Reason.POSTAL_ADDRESS_MISMATCH: "郵便番号と住所が一致しない",
    Reason.POSTAL_CODE_UNKNOWN: "存在しない郵便番号",
    Reason.VOCABULARY_CORRECTED: "近い候補あり（候補を確認）",
    Reason.AMBIGUOUS_CHOICE: "選択肢の印が判別できない",
    Reason.REQUIRED_MISSING: "必須項目が空欄",
    Reason.OUT_OF_RANGE: "値が範囲外",
    Reason.INVALID_FORMAT: "形式として読めない",
    Reason.READINGS_DISAGREE: "2回の読み取り結果が食い違う",
    Reason.FAINT_INK: "筆跡が薄い（鉛筆など）",
    Reason.UNKNOWN_TOWN: "町域名が市区町村の一覧にない（読み誤りの疑い）",
    Reason.AMBIGUOUS_SEPARATOR: "区切り記号が桁区切りか小数点か判別できない（例: 6,250）",
    Reason.AMBIGUOUS_CHARACTER: (
        "0（ゼロ）とO（オー）、1とI など紛らわしい文字の区別がつかない（書式の指定なし）"
    ),
    Reason.IMPLAUSIBLE_DATE: "ありえない日付（1900年より前・遠い未来・未来の生年月日や発行日）",
    Reason.CURRENCY_LOOKALIKE: "先頭の数字が通貨記号の読み誤りの疑い（例: $0 → 50）",
    Reason.CONFUSABLE_KANA: "紛らわしい仮名がある（か/が、シ/ツ など）",
    Reason.UNUSUAL_NAME_READING: "氏名の読みとして珍しい（読み誤りの疑い）",
    Reason.NAME_READING_MISMATCH: "フリガナが氏名の読みと一致しない",
    Reason.UNSURE_ACCENT: "アクセント記号の有無・種類が不確か（例: o/ö、e/é）",
}


class ReasonItem(TypedDict):
    code: str
    text: str


def reason_items(codes: list[str]) -> list[ReasonItem]:
    """``[{code, text}]`` for the given codes; an unknown code shows as itself."""
    return [{"code": c, "text": REASON_TEXT.get(c, c)} for c in codes]


STATUS_TEXT: dict[str, str] = {
    "queued": "読み取り待ち",
    "processing": "読み取り中",
    "needs_review": "確認待ち",
    "verified": "確定済み",
    "incomplete": "不備で返却済み",
    "failed": "読み取り失敗",
    "purged": "保存期間切れで削除済み",
}


def status_text(status: str) -> str:
    return STATUS_TEXT.get(status, status)
