"""What the watcher tells people, in Japanese: the reason notes in ``failed/``, the
receipts in ``done/``, and the one console line per file.

The reasons come from the one catalogue of people's messages (:mod:`ocr_service.messages`),
with a few worded for the folder. A clerk reads the notes; the stable error code stays
beside the Japanese text for the operator and for programs. No note or line holds a value
read from a form: the watcher never sees one.
"""

from __future__ import annotations

from datetime import datetime

from ocr_service.messages import text_for
from ocr_service.watch.client import Accepted, Refused, RetryLater

#: Where the folder needs other words than the catalogue's (what to do with the file).
IN_THE_FOLDER: dict[str, str] = {
    "invalid_value": "送信内容が受け付けられませんでした。システム担当者に連絡してください。",
    "invalid_input": "送信内容が受け付けられませんでした。システム担当者に連絡してください。",
    "conflict": (
        "同じファイルの送信が重なりました。このファイルをもう一度フォルダに入れてください。"
    ),
    "internal_error": (
        "サービス内部で問題が起きました。システム担当者に連絡してください"
        "（ファイルはこのフォルダに残っています）。"
    ),
}


def reason_text(code: str) -> str:
    """What went wrong and what to do, in Japanese, for an error code of the upload API
    (the texts are the one catalogue's, :mod:`ocr_service.messages`)."""
    return IN_THE_FOLDER.get(code) or text_for(code, "ja")


def now_local() -> str:
    return datetime.now().astimezone().isoformat(timespec="seconds")


def reason_note(original: str, refused: Refused) -> str:
    """The text of ``failed/NAME.reason.txt``."""
    return (
        f"読み取りに回せませんでした: {reason_text(refused.code)}\n"
        f"エラーコード: {refused.code}\n"
        f"詳細: {refused.message}\n"
        f"元のファイル名: {original}\n"
        f"日時: {now_local()}\n"
    )


def receipt_note(original: str, accepted: Accepted, url: str) -> str:
    """The text of ``done/NAME.upload.txt``."""
    repeated = "（同じ内容のファイルは受付済みでした。その受付です）\n" if accepted.repeated else ""
    return (
        f"受け付けました。受付番号（upload id）: {accepted.upload_id}\n"
        f"{repeated}"
        f"ページ数: {accepted.pages}\n"
        f"確認: {url}/v1/uploads/{accepted.upload_id}\n"
        f"元のファイル名: {original}\n"
        f"日時: {now_local()}\n"
    )


def accepted_line(original: str, filed: str, accepted: Accepted) -> str:
    state = "受付済み（再送）" if accepted.repeated else "受付"
    return f"{state}: {original} -> {filed} (upload {accepted.upload_id}, {accepted.pages} ページ)"


def refused_line(original: str, filed: str, refused: Refused) -> str:
    return f"失敗: {original} -> {filed} [{refused.code}] {reason_text(refused.code)}"


def waiting_line(original: str, retry: RetryLater, delay: float) -> str:
    return (
        f"再送待ち: {original} [{retry.code}] 一時的に送れませんでした。"
        f"{delay:.0f} 秒後にもう一度送ります"
    )


def service_waiting_line(retry: RetryLater, delay: float) -> str:
    return f"接続待ち: [{retry.code}] サービスに接続できません。{delay:.0f} 秒後にもう一度試します"


def folder_error_line(exc: OSError, delay: float) -> str:
    return (
        f"フォルダを読み書きできません: {exc.strerror or exc} ({exc.filename or ''})。"
        f"{delay:.0f} 秒後にもう一度試します"
    )
