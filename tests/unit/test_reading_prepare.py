"""Ink cleaning before OCR: specks go, a fixed-pitch letter's thin strokes stay."""

from __future__ import annotations

import numpy as np

from ocr_service.reading import rules
from ocr_service.reading.prepare import (
    INK_DELTA,
    Variant,
    clean_ink,
    ink_delta_for,
    prepare_text,
    remove_specks,
)


def fixed_pitch_line() -> np.ndarray:
    """A 33 px zone: two wide letters, then two lone 2 x 10 px strokes (an "ll" in a
    fixed-pitch face) a whole cell away, then a round speck."""
    mask = np.zeros((33, 200), dtype=bool)
    mask[10:23, 20:29] = True  # a wide letter
    mask[10:23, 34:41] = True
    mask[11:21, 70:72] = True  # l
    mask[11:21, 90:92] = True  # l
    mask[15:18, 150:153] = True  # a 3 x 3 speck
    return mask


def test_specks_are_dropped_and_so_are_lone_strokes_without_the_stroke_rule() -> None:
    cleaned = remove_specks(fixed_pitch_line())
    assert cleaned[10:23, 20:29].all()
    assert not cleaned[:, 60:].any()


def test_text_keeps_upright_strokes_but_not_round_specks() -> None:
    cleaned = remove_specks(fixed_pitch_line(), strokes=True)
    assert cleaned[11:21, 70:72].all()
    assert cleaned[11:21, 90:92].all()
    assert not cleaned[:, 140:].any()


def test_a_stroke_on_the_zone_edge_is_residue_not_a_letter() -> None:
    mask = fixed_pitch_line()
    mask[12:21, 198:200] = True  # a rule's residue at the right edge
    cleaned = remove_specks(mask, strokes=True)
    assert not cleaned[:, 195:].any()


def test_prepared_text_keeps_the_strokes() -> None:
    gray = np.where(fixed_pitch_line(), 90, 255).astype(np.uint8)
    image = prepare_text(gray, Variant.ALTERNATE)
    assert image is not None
    # four inked column groups survive (two letters, two strokes), the speck does not
    columns = (image < 128).any(axis=0)
    groups = np.count_nonzero(np.diff(columns.astype(np.int8)) == 1)
    assert groups == 4


def light_punctuation_zone() -> np.ndarray:
    """Two dark letters, a light hyphen beside them (a blurred 150 dpi scan), and a light
    blot far from any text."""
    gray = np.full((33, 300), 255, dtype=np.uint8)
    gray[10:23, 20:29] = 60
    gray[10:23, 34:41] = 60
    gray[16:19, 46:54] = 205  # hyphen: 50 levels under the paper, under INK_DELTA (60)
    gray[16:19, 60:68] = 60  # and a letter after it
    gray[10:23, 70:77] = 60
    gray[16:19, 250:258] = 205  # far from the text
    return gray


def test_a_light_mark_beside_the_text_is_kept_but_not_one_far_away() -> None:
    gray = light_punctuation_zone()
    mask = clean_ink(gray, strokes=True)
    assert mask[16:19, 46:54].all()
    assert not mask[:, 200:].any()
    # marks (checkboxes, circles) do not take light marks in
    assert not clean_ink(gray)[16:19, 46:54].any()


def test_light_marks_alone_do_not_make_a_blank_zone_hold_ink() -> None:
    gray = np.full((33, 300), 255, dtype=np.uint8)
    gray[16:19, 46:54] = 205
    gray[16:18, 60:62] = 60  # a dark speck (4 px)
    assert prepare_text(gray) is None


def test_faint_text_keeps_its_thin_strokes() -> None:
    """Faint ink (grey 170): a stem at 170 and a thin bar at 200, 55 levels under the
    paper, under INK_DELTA; relative to the text's own ink the bar is kept."""
    gray = np.full((33, 120), 255, dtype=np.uint8)
    gray[8:25, 30:34] = 170  # the stem of a T
    gray[8:10, 22:42] = 200  # its thin bar
    gray[8:25, 60:64] = 170
    gray[8:25, 80:84] = 170
    mask = clean_ink(gray, strokes=True)
    assert not mask[8:10, 22:29].any()  # at the fixed delta the bar is lost
    assert ink_delta_for(gray, mask, INK_DELTA) < 55
    image = prepare_text(gray, Variant.ALTERNATE)
    assert image is not None
    ink = image < 128
    top = int(np.flatnonzero(ink.any(axis=1))[0])
    middle = image.shape[0] // 2
    # the top row holds the bar and three stems, the middle row the stems alone
    assert ink[top].sum() > 1.5 * ink[middle].sum()


def test_dark_text_keeps_the_fixed_delta() -> None:
    gray = light_punctuation_zone()
    assert ink_delta_for(gray, clean_ink(gray, strokes=True), INK_DELTA) == INK_DELTA


def speckled_line() -> np.ndarray:
    """A 60 px zone: three 20 px letters and a period after them; far off to the right,
    a cluster of 7 x 7 px specks (each larger than an isolated speck's area)."""
    mask = np.zeros((60, 600), dtype=bool)
    for x in (20, 45, 70):
        mask[20:40, x : x + 14] = True
    mask[36:40, 88:92] = True  # the period, 4 px after the last letter
    mask[24:31, 400:407] = True  # specks, each 49 px
    mask[33:38, 415:420] = True
    return mask


def test_dots_far_from_the_text_are_specks_whatever_their_size() -> None:
    cleaned = remove_specks(speckled_line(), strokes=True)
    assert cleaned[36:40, 88:92].all()  # the period stays
    assert cleaned[20:40, 20:84].sum() == speckled_line()[20:40, 20:84].sum()
    assert not cleaned[:, 300:].any()  # the specks go
    # without the text rule, each speck is big enough to stay
    assert remove_specks(speckled_line())[:, 300:].any()


def test_a_dot_above_a_letter_within_reach_stays() -> None:
    mask = np.zeros((60, 200), dtype=bool)
    mask[25:45, 20:26] = True  # an i's stem
    mask[17:22, 20:25] = True  # its dot, 3 px above
    mask[25:45, 40:54] = True
    cleaned = remove_specks(mask, strokes=True)
    assert cleaned[17:22, 20:25].all()


def test_a_word_of_small_letters_beside_a_large_seal_stays() -> None:
    mask = np.zeros((120, 600), dtype=bool)
    for x in (20, 34, 48, 62, 76):  # a word of 10 px letters
        mask[20:30, x : x + 9] = True
    mask[10:100, 350:440] = True  # a seal's strokes, far larger
    mask[10:100, 460:470] = True
    cleaned = remove_specks(mask, strokes=True)
    assert cleaned[20:30, 20:85].sum() == mask[20:30, 20:85].sum()


def umlaut_line() -> np.ndarray:
    """Small print as dev seed 48 showed it (de_kindergeld, IPAGothic): letters 8 px
    high, an umlaut's two dots 2 x 1 px each 2 px over an o, and a 2 x 1 px speck far
    above the line and one beside it."""
    mask = np.zeros((30, 120), dtype=bool)
    for left in (20, 30, 50, 60):
        mask[12:20, left : left + 7] = True  # x-height letters
    mask[10:20, 40:47] = True  # the o (its top at row 10)
    mask[7, 41:43] = True  # the umlaut's dots, over the o
    mask[7, 44:46] = True
    mask[1, 80:82] = True  # a speck far above
    mask[16, 75:77] = True  # a speck beside the text
    return mask


def test_an_umlauts_dots_over_a_letter_stay_and_other_tiny_specks_go() -> None:
    cleaned = remove_specks(umlaut_line(), strokes=True)
    assert cleaned[7, 41:43].all() and cleaned[7, 44:46].all()
    assert not cleaned[1, 80:82].any()
    assert not cleaned[16, 75:77].any()
    with rules.disabled(["prepare.accent_dots"]):
        assert not remove_specks(umlaut_line(), strokes=True)[7].any()
