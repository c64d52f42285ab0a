"""Seed split bookkeeping: which run seeds and MNIST images are development or held out."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from ocr_service.bench.seeds import (
    CITED_SEEDS,
    DEFAULT_SEEDS,
    mnist_indices,
    mnist_split,
    split_of,
)
from ocr_service.cli.bench import resolve_seed

SEEDS_DOC = Path(__file__).resolve().parents[2] / "docs" / "bench" / "seeds.md"


@pytest.mark.parametrize(
    ("seed", "split"),
    [(1, "dev"), (99_999, "dev"), (2024, "dev"), (0, "other"), (100_000, "other"),
     (7_000_000, "other"), (7_000_001, "heldout"), (7_000_099, "heldout"),
     (7_000_100, "other")],
)  # fmt: skip
def test_split_of_run_seeds(seed: int, split: str) -> None:
    assert split_of(seed) == split


def test_default_seeds_are_in_their_split() -> None:
    for split, seed in DEFAULT_SEEDS.items():
        assert split_of(seed) == split


def test_every_seed_the_doc_cites_is_development_and_listed_in_code() -> None:
    text = SEEDS_DOC.read_text(encoding="utf-8")
    section = text.split("## Seeds cited so far", 1)[1].split("\n## ", 1)[0]
    rows = re.findall(r"^\| ([\d, ]+) \|", section, flags=re.MULTILINE)
    cited = {int(n) for row in rows for n in row.split(",")}
    assert cited == set(CITED_SEEDS)
    assert all(split_of(s) == "dev" for s in cited)


def test_resolve_seed_prefers_the_given_seed_and_refuses_nothing() -> None:
    assert resolve_seed(None, None) == DEFAULT_SEEDS["dev"]
    assert resolve_seed(None, "heldout") == DEFAULT_SEEDS["heldout"]
    assert resolve_seed(555, "heldout") == 555
    assert resolve_seed(7_000_002, None) == 7_000_002


def test_mnist_split_halves_every_digit() -> None:
    assert mnist_split(0) == "dev"
    assert mnist_split(249) == "dev"
    assert mnist_split(250) == "heldout"
    assert mnist_split(499) == "heldout"
    assert mnist_split(500) == "dev"
    assert mnist_split(9 * 500 + 250) == "heldout"
    assert mnist_split(5000) == "other"
    dev, held = mnist_indices("dev"), mnist_indices("heldout")
    assert len(dev) == len(held) == 2500
    assert not set(dev) & set(held)
    for digit in range(10):
        assert sum(i // 500 == digit for i in dev) == 250
