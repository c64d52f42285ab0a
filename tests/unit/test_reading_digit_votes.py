"""Two opinions on each box of a digit row (the line recognizer's and the digit CNN's)."""

import numpy as np
import pytest

from ocr_service.ocr.base import OcrResult
from ocr_service.reading import digit_votes as dv
from ocr_service.reading import rules
from ocr_service.reading.rules.runners import voted_digit


def test_an_opinion_is_a_distribution_over_the_ten_digits() -> None:
    d = dv.distribution("3", 0.7, ("8", 0.2))
    assert d.shape == (10,)
    assert d.sum() == pytest.approx(1.0)
    assert d[3] == pytest.approx(0.7, abs=1e-3)
    assert d[8] == pytest.approx(0.2, abs=1e-3)
    assert d[0] == pytest.approx(0.1 / 8, abs=1e-3)


def test_no_opinion_rules_a_digit_out() -> None:
    d = dv.distribution("3", 1.0, ("", 0.0))
    assert d.min() > 0


def test_a_sure_cnn_outvotes_an_unsure_line() -> None:
    line = OcrResult("12", (0.99, 0.55), (("7", 0.01), ("2", 0.25)))
    cnn = [OcrResult("1", (0.98,), (("7", 0.01),)), OcrResult("7", (0.99,), (("1", 0.005),))]
    votes = dv.settle(line, cnn)
    assert [v.digit for v in votes] == ["1", "7"]
    assert votes[0].agreed and not votes[1].agreed


def test_agreeing_opinions_make_a_sure_row_and_the_row_is_the_product() -> None:
    line = OcrResult("40", (0.99, 0.98), (("9", 0.005), ("6", 0.01)))
    cnn = [OcrResult("4", (0.97,), (("9", 0.02),)), OcrResult("0", (0.96,), (("6", 0.03),))]
    votes = dv.settle(line, cnn)
    assert all(v.confidence > 0.99 for v in votes)
    assert dv.row_confidence(votes) == pytest.approx(np.prod([v.confidence for v in votes]))
    assert dv.row_confidence(votes) >= dv.ROW_SURE


def test_two_unsure_opinions_leave_the_row_under_row_sure() -> None:
    line = OcrResult("3", (0.49,), (("7", 0.48),))
    cnn = [OcrResult("7", (0.6,), (("3", 0.3),))]
    votes = dv.settle(line, cnn)
    assert dv.row_confidence(votes) < dv.ROW_SURE


def test_settle_needs_one_line_digit_per_inked_box() -> None:
    with pytest.raises(ValueError):
        dv.settle(OcrResult("12", (0.9, 0.9)), [OcrResult("1", (0.9,))])


def test_the_rule_off_keeps_the_lines_digit() -> None:
    assert voted_digit("1", "0.55", "7", "0.99") == "7"
    with rules.disabled(["arbitration.digit_votes"]):
        assert voted_digit("1", "0.55", "7", "0.99") == "1"
