"""Kana rules (issue 17 part 4): confusable runner-ups and name readings (see
:mod:`ocr_service.reading.kana`); their examples run through :mod:`.kana_runners`."""

from __future__ import annotations

from ocr_service.reading.reasons import Reason
from ocr_service.reading.rules.registry import JA_TEXT, Evidence, Example, Profile, Rule, Stage

CONFUSABLE = "value.confusable_kana"
MISMATCH = "vocabulary.name_reading_mismatch"
UNUSUAL = "vocabulary.unusual_name_reading"
SPACE = "vocabulary.name_reading_space"

KANA_AND_NAMES = JA_TEXT | {Profile.KANA}
KANA_LINES = frozenset({Profile.KANA, Profile.JA_NAME, Profile.JA_TEXT})
"""Where a confusable kana is looked for: not addresses, whose kana (building names) the
address checks cover; on dev seed 4242 its one address flag was a right グリーンハイツ."""
READINGS = frozenset({Profile.KANA})
HERE = "ocr_service.reading.rules.kana_runners"
DEV = "generator, dev seeds 31337/31338 (heavy), 31339 (mixed): 120 pages"
BENCH = "generator, dev bench seeds 5151 and 6262 (heavy), 4242 (mixed): 40 pages each"

RULES = (
    Rule(
        id=CONFUSABLE,
        stage=Stage.VALUE,
        profiles=KANA_LINES,
        implementation="ocr_service.reading.kana:near_confusion",
        example_runner=f"{HERE}:confusable_last",
        summary="A kana whose line-recognizer runner-up is a hand-alike (か/が, シ/ツ, ャ/ヤ) "
        "at least NEAR_RATIO as likely caps the field's confidence at 0.5.",
        flag=Reason.CONFUSABLE_KANA,
        examples=(Example(("マツ", "ッ"), True), Example(("ヤマダ", "タ"), True)),
        evidence=(
            Evidence(
                DEV,
                "at NEAR_RATIO 0.4: 1 of 731 right Japanese fields newly flagged, 1 of 6 "
                "silent errors caught (マッモト for マツモト)",
            ),
            Evidence(
                BENCH,
                "rules on vs off: 4 right kana/name fields of 300 and 1 right address newly "
                "flagged; it caught no error the name check did not (ゆうちよ銀行 aside, "
                "already flagged)",
            ),
        ),
    ),
    Rule(
        id=MISMATCH,
        stage=Stage.VOCABULARY,
        profiles=KANA_AND_NAMES,
        implementation="ocr_service.reading.document:check_name_reading",
        example_runner=f"{HERE}:cross_checked",
        summary="A furigana (reading_of a name) that is not a known JMnedict reading of the "
        "name's kanji, or not the name itself when written in kana: both fields flagged.",
        flag=Reason.NAME_READING_MISMATCH,
        examples=(Example(("山田太郎", "ヤマダ ハナコ"), "name_reading_mismatch"),),
        evidence=(
            Evidence(
                BENCH,
                "rules on vs off, 300 kana/name fields: silent errors 5 -> 0 (ダカハシ, ダクマ "
                "caught; 3 spacing errors mended), flagged 23 -> 41; right name/furigana "
                "pairs flagged on 3 of 120 pages, all 七夏 read ナナミ (not in JMnedict)",
            ),
            Evidence(
                "Faker ja_JP's 50 surnames x 51 given names; 30 real names in the unit test",
                "50 of 2,550 Faker pairs flagged (all 七夏); 0 of 30 real names",
                synthetic_only=False,
            ),
        ),
    ),
    Rule(
        id=UNUSUAL,
        stage=Stage.VOCABULARY,
        profiles=READINGS,
        implementation="ocr_service.reading.kana:unusual_reading",
        example_runner=f"{HERE}:unusual",
        summary="A name reading whose surname or given part no JMnedict name has, or a rare "
        "one (1 spelling) with a common one (5+) one confusion away.",
        flag=Reason.UNUSUAL_NAME_READING,
        examples=(Example("スズギ イチロウ", True),),
        evidence=(
            Evidence(
                "Faker ja_JP names and their one-confusion variants; 30 real names",
                "0 of 2,550 Faker pairs and 0 of 30 real names flagged; 263 of 327 "
                "one-confusion variants of Faker readings flagged",
                synthetic_only=False,
            ),
        ),
    ),
    Rule(
        id=SPACE,
        stage=Stage.VOCABULARY,
        profiles=READINGS,
        implementation="ocr_service.reading.kana:spaced_reading",
        example_runner=f"{HERE}:spaced",
        summary="A furigana that reads the name but lost its space (or has spaces between "
        "its kana) gets one where the name's surname reading ends, when every split agrees.",
        flag=None,
        unflagged="Adds only the space between surname and given name that the name's own "
        "kanji put there; a right reading already has it (on generated pages it always does), "
        "so it cannot change a right value.",
        examples=(
            Example(("石井由美子", "イシイユミコ"), "イシイ ユミコ"),
            Example(("鈴木桃子", "ス ズ キ モ モ コ"), "スズキ モモコ"),
        ),
        evidence=(
            Evidence(DEV, "3 of 6 silent errors were furigana read without the space"),
            Evidence(BENCH, "seed 5151: the one silent kana error left was ス ズ キ モ モ コ"),
        ),
    ),
)
