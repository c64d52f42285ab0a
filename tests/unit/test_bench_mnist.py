"""The real-digit set: MNIST's order is checked and the development split never
reaches the held-out half (d*500+250..499)."""

import numpy as np
import pytest

from ocr_service.bench.mnist import (
    DEV_PER_DIGIT,
    PER_DIGIT,
    check_order,
    digit_box_fields,
    load_mnist,
    mnist_sample,
    split_indices,
    templates_with_digit_boxes,
)
from ocr_service.bench.seeds import DEV, HELDOUT
from ocr_service.templates.loader import TemplateRegistry


def test_the_loader_checks_the_order() -> None:
    mnist = load_mnist()
    assert mnist.images.shape == (10 * PER_DIGIT, 28, 28)
    assert list(np.bincount(mnist.labels)) == [PER_DIGIT] * 10
    shuffled = mnist.labels.copy()
    shuffled[[0, -1]] = shuffled[[-1, 0]]
    with pytest.raises(ValueError, match="sorted"):
        check_order(shuffled)
    with pytest.raises(ValueError, match="sorted"):
        check_order(mnist.labels[:4000])


def test_the_development_split_never_returns_held_out_indices() -> None:
    dev = split_indices(DEV)
    assert len(dev) == 10 * DEV_PER_DIGIT
    assert all(i % PER_DIGIT < DEV_PER_DIGIT for i in dev)
    held = split_indices(HELDOUT)
    assert all(i % PER_DIGIT >= DEV_PER_DIGIT for i in held)
    assert not set(dev.tolist()) & set(held.tolist())
    labels = load_mnist().labels
    for digit in range(10):
        assert set(labels[split_indices(DEV, digit)].tolist()) == {digit}
    validation = split_indices(DEV, within=range(200, 250))
    assert all(200 <= i % PER_DIGIT < 250 for i in validation)
    with pytest.raises(ValueError):
        split_indices(DEV, within=range(200, 300))
    with pytest.raises(ValueError):
        split_indices("other")


def test_every_template_with_digit_boxes_gets_real_digits() -> None:
    registry = TemplateRegistry()
    templates = templates_with_digit_boxes(registry)
    assert {"irs_w9", "jp_kyufukin"} <= {t.id for t in templates}
    for loaded in templates:
        sample = mnist_sample(loaded, seed=11, level="none")
        assert sample.font_style == "real_handwriting"
        written = [s for s in digit_box_fields(loaded) if sample.truth.get(s.name)]
        assert written
        gray = sample.image.min(axis=2)
        for field in written:
            for x, y, w, h in field.boxes[: len(str(sample.truth[field.name]))]:
                assert (gray[y : y + h, x : x + w] < 160).sum() > 20  # ink in the box
