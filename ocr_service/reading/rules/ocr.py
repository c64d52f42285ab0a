"""OCR-stage rules: the PP-OCR line recognizer's priors and spacing.

The priors act on every line they read (each reading lists them); a value they change
is still checked by Tesseract or a second reading, so they raise no flag of their own.
"""

from __future__ import annotations

from ocr_service.reading.rules.registry import ALL, Evidence, Rule, Stage

PPOCR = "ocr_service.ocr.ppocr"
ARBITRATED = (
    "Shapes the line recognizer's reading, which Tesseract or a second reading still "
    "checks: a wrong reading is flagged like any misreading."
)

RULES = (
    Rule(
        id="ocr.japanese_charset",
        stage=Stage.OCR,
        profiles=ALL,
        implementation=f"{PPOCR}:usable_in_japanese",
        summary="Japanese lines read only JIS X 0208 characters and a few name variants "
        "(no simplified Chinese forms).",
        flag=None,
        unflagged=ARBITRATED,
        evidence=(Evidence("generator, Japanese pages", "no count in the commit", ("1458522",)),),
    ),
    Rule(
        id="ocr.old_forms",
        stage=Stage.OCR,
        profiles=ALL,
        implementation=f"{PPOCR}:class_weights#old_forms",
        summary="Old kanji forms (增 for 増) down-weighted to 0.05: they win only when "
        "clearly written.",
        flag=None,
        unflagged=ARBITRATED,
        evidence=(Evidence("generator, Japanese pages", "no count in the commit", ("1458522",)),),
    ),
    Rule(
        id="ocr.latin_prior",
        stage=Stage.OCR,
        profiles=ALL,
        implementation=f"{PPOCR}:latin_weight",
        summary="English lines read ASCII; accented letters and typographic punctuation "
        "down-weighted to 0.05, other scripts excluded.",
        flag=None,
        unflagged=ARBITRATED,
        evidence=(Evidence("generator, W-9 pages", "no count in the commit", ("c336676",)),),
    ),
    Rule(
        id="ocr.locale_letters",
        stage=Stage.OCR,
        profiles=ALL,
        implementation=f"{PPOCR}:class_weights#locale_letters",
        summary="Latin lines of a German, French, Spanish, Italian or Portuguese form read "
        "their language's accented letters (ä ß é ç ñ ã ...) at full weight, not 0.05.",
        flag=None,
        unflagged=ARBITRATED,
        evidence=(
            Evidence(
                "generator, realforms de/fr/es/it/pt, 30 dev pages seed 555 (tuned), 808",
                "seed 555 (old thresholds), prior alone: accuracy 93.64 -> 95.00 %, silent "
                "17 -> 9 of 660 fields, flagged 96 -> 102; accented values right 36 -> 42 of 50",
                ("latin",),
            ),
        ),
    ),
    Rule(
        id="ocr.letter_lookalikes",
        stage=Stage.OCR,
        profiles=ALL,
        implementation=f"{PPOCR}:lookalike_folds",
        summary="For a whitelist of letters alone, a left-out lookalike's probability (1 l | "
        "for I, 0 O, 5 S, 8 B, 2 Z) counts for its letter.",
        flag=None,
        unflagged=ARBITRATED,
        evidence=(
            Evidence(
                "generator, full run page 134; 160 dev pages (seed 555); seed 31",
                "a lone FATCA I read as no value fixed on both; seed 31: same values, one "
                "J now under the 0.995 threshold (flagged)",
                ("d693858",),
            ),
        ),
    ),
    Rule(
        id="ocr.japanese_gap_spaces",
        stage=Stage.OCR,
        profiles=ALL,
        implementation=f"{PPOCR}:with_spaces#wide",
        summary="Japanese: the model's spaces dropped, a space at each ink gap of 0.95+ "
        "line heights (between family and given name).",
        flag=None,
        unflagged="Measured gaps: inside a word 0.06-0.80 line heights, between surname and "
        "given name 1.05-1.98 (37 generated kana names); Japanese text fields then drop "
        "spaces anyway (normalize.japanese_spaces).",
        evidence=(Evidence("generator, 37 kana names", "gap ranges as above", ("b6792a3",)),),
    ),
    Rule(
        id="ocr.lone_dash_space",
        stage=Stage.OCR,
        profiles=ALL,
        implementation=f"{PPOCR}:with_spaces#lone_dash",
        summary="Japanese: a dash alone in a wide gap (not between digits) is a space.",
        flag=None,
        unflagged=ARBITRATED,
        evidence=(Evidence("generator, kana names", "no count in the commit", ("b6792a3",)),),
    ),
    Rule(
        id="ocr.latin_space_gap",
        stage=Stage.OCR,
        profiles=ALL,
        implementation=f"{PPOCR}:with_spaces#spurious",
        summary="English: the model's space is kept only over a gap of 0.15+ line heights.",
        flag=None,
        unflagged=ARBITRATED,
        evidence=(
            Evidence(
                "generator, 200 W-9 pages (1,254 English line readings)",
                "143 measured word spaces all >= 0.29 line heights; gap-made spaces broke "
                "20 readings and mended none, so only the model's own spaces are kept",
                ("291fc05", "11532a4"),
            ),
        ),
    ),
)
