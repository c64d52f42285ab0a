"""A reviewer's value is checked by the field's type and rules and comes back canonical."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from ocr_service.errors import InvalidValue
from ocr_service.reading.reasons import Reason
from ocr_service.results import FieldValue
from ocr_service.review.texts import REASON_TEXT, REOPENED, reason_items
from ocr_service.review.values import check_correction
from ocr_service.templates.loader import TemplateRegistry
from ocr_service.templates.model import FieldSpec

REPO = Path(__file__).resolve().parents[2]


def spec(name: str, template: str = "jp_tennyu") -> FieldSpec:
    fields = TemplateRegistry(REPO / "templates_forms").get(template).template.fields
    return next(f for f in fields if f.name == name)


@pytest.mark.parametrize(
    ("name", "typed", "canonical"),
    [
        ("date_of_birth", "令和6年4月1日", "2024-04-01"),
        ("date_of_birth", "２０２４－０４－０１", "2024-04-01"),
        ("postal_code", "１００ー０００１", "100-0001"),
        ("phone", "0312345678", "03-1234-5678"),
        ("furigana", "やまだ たろう", "ヤマダ タロウ"),
        ("number_of_people", "３", "3"),
        ("sex", "female", "female"),
        ("sex", "2", "female"),
        ("sex", "女", "female"),
        ("kokuho", "1", True),
        ("kokuho", "いいえ", False),
        ("kokuho", False, False),
        ("notes", "", None),
        ("email", None, None),
    ],
)
def test_values_come_back_canonical(name: str, typed: FieldValue, canonical: FieldValue) -> None:
    assert check_correction(spec(name), typed) == canonical


@pytest.mark.parametrize(
    ("name", "typed", "says", "says_en"),
    [
        ("date_of_birth", "2024-02-30", "存在しない日付", "not a real calendar date"),
        ("date_of_birth", "きのう", "2024-04-01 や 令和6年4月1日", "2024-04-01"),
        ("phone", "9x9", "03-1234-5678", "03-1234-5678"),
        ("number_of_people", "25", "1～20", "between 1 and 20"),
        ("name", "", "必須項目のため空欄にできません", "required"),
        ("sex", "3", "1=male (男), 2=female (女)", "1=male (男), 2=female (女)"),
        ("kokuho", "maybe", "1（あり）か 0（なし）", "1 (checked) or 0"),
        ("name", True, "文字を入力してください", "takes text"),
    ],
)
def test_unusable_values_say_what_to_type(
    name: str, typed: FieldValue, says: str, says_en: str
) -> None:
    with pytest.raises(InvalidValue) as err:
        check_correction(spec(name), typed)
    assert says in err.value.message  # in Japanese, for the reviewer
    assert says_en in err.value.details["message_en"]
    assert err.value.http_status == 422
    if isinstance(typed, str) and typed:
        assert typed not in err.value.message  # the value is personal data: never echoed
        assert typed not in err.value.details["message_en"]


def test_every_reason_code_has_human_text() -> None:
    assert set(REASON_TEXT) == {r.value for r in Reason} | {REOPENED}
    assert reason_items(["low_confidence", "new_code"]) == [
        {"code": "low_confidence", "text": "読み取りの確信度が低い"},
        {"code": "new_code", "text": "new_code"},
    ]


def test_the_review_code_never_loads_opencv_or_tesseract() -> None:
    code = (
        "import sys\n"
        "import ocr_service.api.routes.review, ocr_service.api.routes.review_page\n"
        "from ocr_service.review import audit, corrections, images, tasks, values\n"
        "heavy = sorted(m for m in ('cv2', 'tesserocr', 'pytesseract') if m in sys.modules)\n"
        "assert not heavy, heavy\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True, cwd=REPO)
