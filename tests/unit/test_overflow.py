"""Writing that runs over a digit box's border (ocr_service/reading/overflow.py)."""

from __future__ import annotations

import numpy as np

from ocr_service.reading.boxes import BOX_INSET, box_zone
from ocr_service.reading.overflow import bridge, overflow_zone
from ocr_service.reading.rules.runners import seven_in_box


def test_a_bar_over_the_top_border_is_found_and_joined_to_its_stem() -> None:
    page, box = seven_in_box(bar_above=True)
    inside = box_zone(page, box)
    assert int((inside < 128).sum(axis=1).max()) <= 3  # the box's own crop: a stem, a 1...
    zone = overflow_zone(page, box, BOX_INSET)
    assert zone is not None
    rows = np.flatnonzero((zone < 128).any(axis=1))
    # ...the overflow crop has it, bridged to the stem across the whitened border
    assert np.array_equal(rows, np.arange(rows[0], rows[-1] + 1))
    assert int((zone < 128).sum(axis=1).max()) >= 10  # the bar


def test_a_digit_inside_its_box_has_no_overflow() -> None:
    page, box = seven_in_box(bar_above=False)
    assert overflow_zone(page, box, BOX_INSET) is None


def test_writing_above_the_border_that_does_not_touch_the_box_is_left_out() -> None:
    page, box = seven_in_box(bar_above=False)
    page.dropout[16:20, 24:35] = 30  # another field's writing, not crossing the line
    assert overflow_zone(page, box, BOX_INSET) is None


def test_a_band_is_bridged_only_where_ink_touches_it_on_both_sides() -> None:
    ink = np.zeros((12, 3), dtype=np.bool_)
    band = np.zeros_like(ink)
    band[4:8, :] = True
    ink[2:4, 0] = ink[8:10, 0] = True  # column 0: a stroke crossing the line
    ink[2:4, 2] = True  # column 2: ink above only
    joined = bridge(ink, band)
    assert joined[4:8, 0].all() and joined[4:8, 1].all()  # (one column either side)
    assert not joined[4:8, 2].any()
