"""Two opinions on each box of a row of digit boxes, weighed together.

The row read as one line by the PP-OCR line recognizer gives each box its digit, the
digit's probability and the runner-up's (``OcrResult.runners_up``); the digit CNN
(:mod:`ocr_service.ocr.digits`) gives the same for the box alone. Each opinion becomes
a distribution over the ten digits (:func:`distribution`: the two named digits at
their probabilities, the rest shared evenly by the other eight), and the two are
multiplied, each raised to its weight, as a product of experts (:func:`weigh`). The
box's digit is the product's most likely digit and its confidence that digit's share;
the row's confidence is the product of its boxes' (the chance that every box is right
if the boxes err independently), and a row under :data:`ROW_SURE` is flagged; a row
where the two opinions name different digits in a box is flagged as disagreeing unless
the product is sure of that box (:data:`DISAGREE_SURE`;
:func:`ocr_service.reading.readers.voted_row`).

Before this, Tesseract's reading of each box was the second opinion and the CNN a
third: Tesseract read no digit in most disagreeing boxes of real (MNIST) handwriting,
so right rows were flagged ``readings_disagree`` for it, and a row where the line
recognizer alone was sure was never checked by the CNN (the rule
``arbitration.digit_votes`` holds what was measured).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from ocr_service.ocr.base import OcrResult

DIGITS = "0123456789"
FLOOR = 1e-4
"""Smallest probability a digit keeps in an opinion: no single opinion rules one out."""
LINE_WEIGHT = 1.0
"""Exponent of the line recognizer's opinion in the product (equal weights: not fitted;
a box where the weights would matter is one the two disagree on, which is flagged)..."""
DIGIT_WEIGHT = 1.0
"""...and of the digit CNN's."""
ROW_SURE = 0.9
"""A row whose combined confidence (the product of its boxes') is under this is flagged.

A safety net beside the ``readings_disagree`` flag on any box where the two opinions
differ: on real MNIST development digits (seeds 31-33, 316 rows) every row it caught was
flagged for a disagreement already, and 0.5-0.9 flagged the same rows; 0.95 flagged 1 %
more with no wrong row caught (seeds 34-36 the same). Without the disagreement flag,
a row threshold alone left 0.32 % (0.95) to 0.95 % (0.5) of rows wrong and unflagged."""

DISAGREE_SURE = 0.95
"""A box where the two opinions name different digits first is left unflagged when their
product gives its digit at least this share (and the row stays over ROW_SURE).

Chosen on real MNIST development digits, seeds 37 and 38 (171 voted rows of irs_w9,
jp_kyufukin, de_kindergeld and us_i9): flagged rows 35 -> 28, no row left wrong and
unflagged that was flagged before (0.99: 30, 0.97: 29; 0.9 flags the same as 0.95).
Checked on seeds 39 and 40 (170 rows): flagged 48 -> 28, no new silent row. In the boxes
this leaves unflagged on all four seeds, the product changed the line recognizer's digit
13 times, each time from a wrong digit to the right one, and kept it 14 times, each time
right. Seeds 45 and 46 (251 rows), on vs off: flagged 61 -> 45 rows, silent 1 -> 1."""

Distribution = npt.NDArray[np.float64]


@dataclass(frozen=True)
class BoxVote:
    """One box settled by both opinions."""

    digit: str
    confidence: float
    agreed: bool
    """Whether the line recognizer and the CNN named the same digit first."""

    @property
    def settled(self) -> bool:
        """Agreed, or the product of the two is sure of its digit (:data:`DISAGREE_SURE`)."""
        return self.agreed or self.confidence >= DISAGREE_SURE


def distribution(char: str, probability: float, runner: tuple[str, float]) -> Distribution:
    """One opinion (its digit, that digit's probability and the runner-up) as a
    distribution over the ten digits; the probability left over is shared evenly."""
    out = np.zeros(len(DIGITS), dtype=np.float64)
    named: dict[int, float] = {}
    if char in DIGITS:
        named[DIGITS.index(char)] = probability
    other, p_other = runner
    if other in DIGITS and other != char and len(other) == 1:
        named[DIGITS.index(other)] = p_other
    rest = max(0.0, 1.0 - sum(named.values()))
    out[:] = rest / max(1, len(DIGITS) - len(named))
    for index, p in named.items():
        out[index] = p
    out = np.maximum(out, FLOOR)
    normalized: Distribution = out / out.sum()
    return normalized


def weigh(line: Distribution, digit: Distribution) -> Distribution:
    """The product of the two opinions, each to its weight, normalized."""
    log = LINE_WEIGHT * np.log(line) + DIGIT_WEIGHT * np.log(digit)
    product = np.exp(log - log.max())
    normalized: Distribution = product / product.sum()
    return normalized


def vote(line: OcrResult, index: int, digit: OcrResult) -> BoxVote:
    """Box ``index`` of the row reading ``line``, with the CNN's reading ``digit`` of it."""
    mine = distribution(line.text[index], line.char_confidences[index], line.runner_up(index))
    first = digit.text[:1]
    theirs = distribution(first, digit.min_confidence, digit.runner_up(0))
    combined = weigh(mine, theirs)
    best = int(np.argmax(combined))
    return BoxVote(DIGITS[best], float(combined[best]), agreed=line.text[index] == first)


def settle(line: OcrResult, digits: list[OcrResult]) -> list[BoxVote]:
    """Every box of the row, when ``line`` has one digit per inked box (``digits``: the
    CNN's reading of each inked box, in order)."""
    if len(line.text) != len(digits):
        raise ValueError("one line digit per inked box is needed")
    return [vote(line, i, d) for i, d in enumerate(digits)]


def row_confidence(votes: list[BoxVote]) -> float:
    """The chance that every box is right, if the boxes err independently."""
    return float(np.prod([v.confidence for v in votes])) if votes else 0.0
