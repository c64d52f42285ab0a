"""The one catalogue of people's messages: every code has a Japanese and an English text,
the language follows Accept-Language, and the scanner folder's notes come from it."""

from __future__ import annotations

import inspect

import pytest

from ocr_service import errors
from ocr_service.messages import (
    CATALOGUE,
    FALLBACK,
    error_message,
    is_japanese,
    preferred_language,
    text_for,
)
from ocr_service.watch.messages import reason_text

PAGE_OUTCOMES = {"not_a_form", "all_pages_failed"}


def error_codes() -> set[str]:
    return {
        cls.code
        for _, cls in inspect.getmembers(errors, inspect.isclass)
        if issubclass(cls, errors.OcrServiceError) and cls is not errors.OcrServiceError
    }


def test_every_error_code_and_page_outcome_has_both_texts() -> None:
    missing = sorted((error_codes() | PAGE_OUTCOMES) - set(CATALOGUE))
    assert not missing, f"codes without a text a person can read: {missing}"
    for code, text in CATALOGUE.items():
        assert is_japanese(text.ja), code
        assert not is_japanese(text.en), code


def test_the_issues_three_refusals_read_as_asked() -> None:
    assert text_for("blank_page", "ja") == "白紙です。"
    assert text_for("template_mismatch", "ja").startswith("別の様式です")
    assert text_for("no_template_matched", "ja").startswith("別の様式です")
    assert text_for("unreadable_page", "ja") == (
        "画像が暗すぎるか、ぼやけています。スキャンし直してください。"
    )
    assert (
        len({text_for(c, "ja") for c in ("blank_page", "template_mismatch", "unreadable_page")})
        == 3
    )


@pytest.mark.parametrize(
    ("header", "language"),
    [
        (None, "ja"),
        ("", "ja"),
        ("ja", "ja"),
        ("en", "en"),
        ("en-US,en;q=0.9", "en"),
        ("ja-JP,ja;q=0.9,en-US;q=0.8,en;q=0.7", "ja"),
        ("en-GB,en;q=0.9,ja;q=0.8", "en"),
        ("fr-FR,fr;q=0.9,en;q=0.5", "en"),
        ("de", "ja"),
        ("en;q=0, ja;q=0.1", "ja"),
        ("ja;q=0.4, en;q=0.6", "en"),
        ("*", "ja"),
        ("en;q=abc", "ja"),
    ],
)
def test_the_language_follows_accept_language(header: str | None, language: str) -> None:
    assert preferred_language(header) == language


def test_placeholders_are_filled_from_details_and_never_crash() -> None:
    assert "「jp_x」" in text_for("template_not_found", "ja", {"template": "jp_x"})
    assert text_for("template_not_found", "ja", {}).startswith("様式「」")
    assert "GET, POST" in text_for("method_not_allowed", "ja", {"allowed": ["GET", "POST"]})
    assert text_for("no_such_code", "en") == FALLBACK.en


def test_an_error_reads_in_japanese_with_its_detail_and_in_english_as_written() -> None:
    ja = error_message("template_not_found", "unknown template 'x'", "ja", {"template": "x"})
    assert (
        ja
        == "様式「x」は登録されていません。様式を選び直してください。（詳細: unknown template 'x'）"
    )
    assert error_message("template_not_found", "unknown template 'x'", "en") == (
        "unknown template 'x'"
    )
    # written for a person in Japanese already: kept; in English its message_en, else the
    # catalogue's English
    said = "このファイルは既に受け付けています"
    assert error_message("duplicate_upload", said, "ja") == said
    assert error_message("duplicate_upload", said, "en", {"message_en": "received before"}) == (
        "received before"
    )
    assert error_message("conflict", "ほかの人が先に直しました", "en") == CATALOGUE["conflict"].en


def test_the_scanner_folder_notes_come_from_the_catalogue() -> None:
    assert reason_text("corrupt_file") == CATALOGUE["corrupt_file"].ja
    assert reason_text("encrypted_file") == CATALOGUE["encrypted_file"].ja
    assert "フォルダ" in reason_text("conflict")  # worded for the folder
    assert reason_text("something_new") == FALLBACK.ja
