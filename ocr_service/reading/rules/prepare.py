"""Prepare-stage rules: what counts as ink in a crop before OCR.

They change the image, not a value, and raise no flag of their own: a value they
change is still read twice or more and scored, and the readings' agreement and
confidence decide the flags. That is the ``unflagged`` evidence each carries; whether
they ever turn a right reading wrong is what the ablation measures.
"""

from __future__ import annotations

from ocr_service.reading.rules.registry import ALL, Evidence, Rule, Stage

PREPARE = "ocr_service.reading.prepare"
ARBITRATED = (
    "Acts on the image: the value read from it is still checked by a second reading and "
    "scored, so a wrong one is flagged as readings_disagree or low_confidence like any "
    "misreading."
)

RULES = (
    Rule(
        id="prepare.accent_dots",
        stage=Stage.PREPARE,
        profiles=ALL,
        implementation=f"{PREPARE}:accent_dots",
        summary="A component of 2-3 px just over a letter, within its width, is a "
        "diacritic's dot (ä, ö, ü, ë, ï), not a speck.",
        flag=None,
        unflagged=ARBITRATED,
        evidence=(
            Evidence(
                "generator, templates_realforms (8 forms we did not design), dev seed 48 "
                "(looked at: de_kindergeld pages 16 and 48, IPAGothic) and 49, 50 "
                "(confirmation), 80 pages each, print and handwriting",
                "48 print: französisch read franzosisch at 1.00 (page 16) now right, "
                "flagged; a blurred 150 dpi page (48) keeps losing its umlauts (the dots "
                "merge with the letter's halo). 50 print: silent 10 -> 7 (Mülichen, "
                "Restauración, Bárcena now right), 2 right values newly flagged; 50 "
                "handwriting: silent 9 -> 8 (männlich), Hiller read Hler now right",
            ),
        ),
    ),
    Rule(
        id="prepare.isolated_specks",
        stage=Stage.PREPARE,
        profiles=ALL,
        implementation=f"{PREPARE}:remove_specks#within_reach",
        summary="Small components (under 24 px) with no larger ink within 12 px are dust.",
        flag=None,
        unflagged=ARBITRATED,
        evidence=(
            Evidence("generator, degraded pages", "first version of the reader; no count", ()),
        ),
    ),
    Rule(
        id="prepare.thin_strokes",
        stage=Stage.PREPARE,
        profiles=ALL,
        implementation=f"{PREPARE}:stroke_like",
        summary="A thin upright component half the text's height is a letter's stroke (l, "
        "the stem of i), not a speck.",
        flag=None,
        unflagged=ARBITRATED,
        evidence=(
            Evidence(
                "generator, IPA Mincho at 200 dpi",
                "Williams had read 'Wi iams' by both readers; no count",
                ("e162627",),
            ),
        ),
    ),
    Rule(
        id="prepare.stray_dots",
        stage=Stage.PREPARE,
        profiles=ALL,
        implementation=f"{PREPARE}:without_stray_dots",
        summary="Groups of ink under 0.6 text heights, or of dot-sized components alone "
        "under 2 text heights across, are specks.",
        flag=None,
        unflagged=ARBITRATED,
        evidence=(
            Evidence(
                "generator, 180 mixed dev pages (seed 77); W-9 seed 31 page 22",
                "with the other 51577d5 rules: print misses 14 -> 11, flagged 60 -> 49 "
                "(林太一 read 林太, 'MariahClark.' from specks); Blanchard-Cole beside a "
                "seal mended by the group rule",
                ("51577d5", "2f6d28e"),
            ),
        ),
    ),
    Rule(
        id="prepare.light_marks",
        stage=Stage.PREPARE,
        profiles=ALL,
        implementation=f"{PREPARE}:with_light_marks",
        summary="Small marks beside the text lighter than it (a period, a hyphen) are kept.",
        flag=None,
        unflagged=ARBITRATED,
        evidence=(
            Evidence(
                "generator, W-9 pages",
                "Apt. was read Apt, 82497-946 as 82497 946; no count",
                ("c336676",),
            ),
        ),
    ),
    Rule(
        id="prepare.faint_contrast",
        stage=Stage.PREPARE,
        profiles=ALL,
        implementation=f"{PREPARE}:ink_delta_for",
        summary="Faint text is cut at its own contrast (40 % of the way to its darkest "
        "ink, at least 30 grey levels), not at the fixed ink delta.",
        flag=None,
        unflagged=ARBITRATED,
        evidence=(
            Evidence(
                "generator, 200 W-9 pages",
                "print fields 1449 -> 1475 of 1500 right, handwriting 1416 -> 1452",
                ("d474625",),
            ),
        ),
    ),
    Rule(
        id="prepare.row_contrast",
        stage=Stage.PREPARE,
        profiles=ALL,
        implementation="ocr_service.reading.boxes:row_ink_delta",
        summary="A row of boxes is judged at its own contrast (the whole row's ink delta).",
        flag=None,
        unflagged=ARBITRATED,
        evidence=(
            Evidence(
                "generator, 160 heavy dev pages (seed 77); full run (seed 2024)",
                "a silent '4' for 407 of the full run mended; on seed 77 a silent '4' on a "
                "blank account number now flagged; 160 mixed pages: no field changed",
                ("ae7fd9c", "6eb4934"),
            ),
        ),
    ),
)
