"""What people are told, in Japanese first and in English: one text per stable error code.

The codes are for programs and never change; the texts are for the clerk at the counter,
the reviewer and the operator, and say what happened and what to do. The API answers in
Japanese unless the request prefers English (``Accept-Language: en``); the upload page,
the scanner folder's reason notes and the page refusals of an upload all take their
texts from here.

No text holds a value read from a form. Texts may name ids, template ids, paths and
limits through ``{placeholders}`` filled from the error's details (a missing one leaves
the text without it, never a crash).
"""

from __future__ import annotations

import re
import string
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Literal

Language = Literal["ja", "en"]
LANGUAGES: tuple[Language, ...] = ("ja", "en")
DEFAULT_LANGUAGE: Language = "ja"


@dataclass(frozen=True)
class Text:
    ja: str
    en: str

    def in_(self, language: Language) -> str:
        return self.ja if language == "ja" else self.en


RESCAN = "スキャンし直してください。"
CONTACT = "システム担当者に連絡してください。"

#: One text per code. ``tests/unit/test_messages.py`` checks that every code of the error
#: family (``ocr_service.errors``) and every page outcome has an entry.
CATALOGUE: dict[str, Text] = {
    # -- pages an upload could not read (shown per sheet on /upload) -----------------
    "blank_page": Text("白紙です。", "The sheet is blank."),
    "template_mismatch": Text(
        "別の様式です。正しい様式を選んで読み直すか、申請書でなければ「申請書ではない」にしてください。",
        "This is another form. Read it again with the right form, or mark it as not a form.",
    ),
    "no_template_matched": Text(
        "別の様式です（登録されている様式のどれとも一致しません）。"
        "様式を選んで読み直すか、申請書でなければ「申請書ではない」にしてください。",
        "This is another form (it matches none of the registered forms). Read it again with "
        "a form chosen, or mark it as not a form.",
    ),
    "unreadable_page": Text(
        "画像が暗すぎるか、ぼやけています。" + RESCAN,
        "The image is too dark or blurred. Please scan the sheet again.",
    ),
    "not_a_form": Text("申請書ではないと確認されました。", "Confirmed as not an application form."),
    "all_pages_failed": Text(
        "どのページも読み取れませんでした。各ページの理由を確かめてください。",
        "No page of the file could be read. See the reason given for each sheet.",
    ),
    "page_error": Text(
        "このページは申請書として読み取れません。", "This sheet cannot be read as a form."
    ),
    "ocr_engine_error": Text(
        "文字の読み取りで一時的な問題が起きました。自動でやり直します。",
        "Reading the text failed for a moment; it is retried automatically.",
    ),
    "job_timeout": Text(
        "読み取りに時間がかかりすぎました。自動でやり直します。",
        "Reading the sheet took too long; it is retried automatically.",
    ),
    # -- files refused on upload (the API, the scanner folder's notes) ---------------
    "corrupt_file": Text(
        "ファイルが壊れているか、最後まで保存されていません。" + RESCAN,
        "The file is damaged or was not saved completely. Please scan it again.",
    ),
    "unsupported_file_type": Text(
        "PDF・TIFF・PNG・JPEG 以外のファイルです。スキャナーの保存形式を PDF にしてください。",
        "The file is not a PDF, TIFF, PNG or JPEG. Set the scanner to save PDF files.",
    ),
    "encrypted_file": Text(
        "パスワードで保護された PDF です。保護を外してから入れ直してください。",
        "The PDF is password-protected. Remove the protection and send it again.",
    ),
    "file_too_large": Text(
        "ファイルが大きすぎます。枚数を分けてスキャンしてください。",
        "The file is too large. Scan the sheets in smaller batches.",
    ),
    "too_many_pages": Text(
        "ページ数が多すぎます。枚数を分けてスキャンしてください。",
        "The file has too many pages. Scan the sheets in smaller batches.",
    ),
    "image_too_large": Text(
        "画像が大きすぎます。解像度を下げて（300 dpi 程度）スキャンしてください。",
        "The image is too large. Scan at a lower resolution (about 300 dpi).",
    ),
    "image_too_small": Text(
        "画像が小さすぎて読み取れません。200 dpi 以上でスキャンしてください。",
        "The image is too small to read. Scan at 200 dpi or more.",
    ),
    "body_too_large": Text(
        "送信内容が大きすぎます。分けて送ってください。",
        "The request is too large. Send it in smaller parts.",
    ),
    "invalid_input": Text(
        "送信内容を読み取れませんでした。入力を確かめて、もう一度送ってください。",
        "The request could not be read. Check what was entered and send it again.",
    ),
    "invalid_value": Text(
        "入力に誤りがあります。内容を確かめてください。",
        "A value is not valid. Please check what was entered.",
    ),
    "duplicate_upload": Text(
        "このファイルは既に別の参照番号で受け付けています（受付ID {upload_id}）。",
        "This file was received before under another reference (upload {upload_id}).",
    ),
    # -- templates -------------------------------------------------------------------
    "template_error": Text(
        "様式の定義に問題があります。" + CONTACT, "The form template is not valid."
    ),
    "template_invalid": Text(
        "様式の定義に問題があります。" + CONTACT, "The form template is not valid."
    ),
    "template_not_found": Text(
        "様式「{template}」は登録されていません。様式を選び直してください。",
        "There is no form template {template!r}. Please choose another form.",
    ),
    # -- access and state ------------------------------------------------------------
    "not_found": Text(
        "見つかりません。削除されたか、表示する権限がありません。",
        "Not found. It was removed, or this key may not see it.",
    ),
    "method_not_allowed": Text(
        "この操作はここではできません（使える方法: {allowed}）。",
        "This operation is not possible here (allowed: {allowed}).",
    ),
    "conflict": Text(
        "ほかの操作と重なりました。画面を読み込み直してから、もう一度操作してください。",
        "This clashed with another change. Reload and try again.",
    ),
    "unauthenticated": Text(
        "APIキーがないか、無効です。正しいキーでサインインしてください。",
        "No API key, or the key is not valid. Sign in with a valid key.",
    ),
    "auth_error": Text(
        "APIキーがないか、無効です。正しいキーでサインインしてください。",
        "No API key, or the key is not valid. Sign in with a valid key.",
    ),
    "forbidden": Text(
        "このキーの役割ではこの操作はできません。", "This key's role may not do this."
    ),
    # -- the service -----------------------------------------------------------------
    "service_unavailable": Text(
        "サービスが一時的に使えません。しばらくしてからもう一度試してください。",
        "The service is unavailable for a moment. Please try again shortly.",
    ),
    "storage_error": Text(
        "ファイルを保存できませんでした。しばらくしてからもう一度試してください。",
        "The file could not be stored. Please try again shortly.",
    ),
    "storage_full": Text(
        "保存領域がいっぱいです。" + CONTACT, "Storage is full. Contact the system administrator."
    ),
    "missing_dependency": Text(
        "サービスの設定に不足があります。" + CONTACT,
        "The service is missing a component. Contact the system administrator.",
    ),
    "internal_error": Text(
        "サービス内部で問題が起きました。" + CONTACT,
        "Something went wrong inside the service. Contact the system administrator.",
    ),
    "invariant_broken": Text(
        "サービス内部で問題が起きました。" + CONTACT,
        "Something went wrong inside the service. Contact the system administrator.",
    ),
}
FALLBACK = Text(
    "受け付けられませんでした。" + CONTACT, "This was refused. Contact the system administrator."
)

_JAPANESE = re.compile(r"[\u3040-\u30ff\u3400-\u9fff\uff00-\uffef]")
_TAG = re.compile(r"^\s*([A-Za-z]{1,8})(?:-[A-Za-z0-9]{1,8})*\s*(?:;\s*q\s*=\s*([0-9.]+))?\s*$")


def is_japanese(text: str) -> bool:
    """Whether ``text`` is written in Japanese (holds kana or kanji)."""
    return bool(_JAPANESE.search(text))


def preferred_language(accept_language: str | None) -> Language:
    """The language to answer in for an ``Accept-Language`` header: the supported language
    (ja, en) the header ranks highest; Japanese when it names neither or is absent."""
    chosen: Language = DEFAULT_LANGUAGE
    best_q = 0.0
    for part in (accept_language or "").split(","):
        match = _TAG.match(part)
        if match is None:
            continue
        primary = match.group(1).lower()
        try:
            q = float(match.group(2)) if match.group(2) else 1.0
        except ValueError:
            continue
        if primary in LANGUAGES and q > best_q:  # the first of equal weights wins
            chosen, best_q = ("en" if primary == "en" else "ja"), q
    return chosen


class _Blank(dict[str, Any]):
    def __missing__(self, key: str) -> str:
        return ""


def text_for(code: str, language: Language, details: Mapping[str, Any] | None = None) -> str:
    """The catalogue's text for ``code`` in ``language``, placeholders filled from
    ``details`` (a missing one becomes empty)."""
    template = CATALOGUE.get(code, FALLBACK).in_(language)
    values = _Blank({k: _plain(v) for k, v in (details or {}).items()})
    return string.Formatter().vformat(template, (), values)


def _plain(value: Any) -> Any:
    if isinstance(value, list | tuple):
        return ", ".join(str(v) for v in value)
    return value


def error_message(
    code: str, message: str, language: Language, details: Mapping[str, Any] | None = None
) -> str:
    """What a person reads for an error ``code`` raised with ``message``.

    In Japanese: the error's own message when it is already Japanese (it was written for a
    person, with the specifics), else the catalogue's text followed by the technical
    message as 「詳細」. In English: the error's own message when it is English, else its
    ``message_en`` detail or the catalogue's English text.
    """
    if language == "ja":
        if is_japanese(message):
            return message
        lead = text_for(code, "ja", details)
        return f"{lead}（詳細: {message}）" if message else lead
    if message and not is_japanese(message):
        return message
    english = (details or {}).get("message_en")
    return str(english) if english else text_for(code, "en", details)
