"""The ablation's bookkeeping: which rules, and what switching one off changed."""

from __future__ import annotations

import pytest

from ocr_service.bench.ablate import Reading, Shares, effect_of, format_markdown, resolve
from ocr_service.bench.metrics import PIPELINE, FieldOutcome
from ocr_service.errors import InvalidValue
from ocr_service.reading import rules


def outcome(field: str, *, correct: bool, flagged: bool, read: str = "x") -> FieldOutcome:
    return FieldOutcome(
        system=PIPELINE,
        page=0,
        template="t",
        field=field,
        field_type="text",
        font_style="print",
        expected="x" if correct else "y",
        read=read,
        correct=correct,
        flagged=flagged,
        confidence=0.9,
        edits=0,
        truth_chars=1,
    )


def test_all_is_every_rule_once_and_an_unknown_id_is_refused() -> None:
    ids = resolve(["all", "normalize.lone_dot"])
    assert ids == [r.id for r in rules.all_rules()]
    with pytest.raises(InvalidValue):
        resolve(["normalize.nothing_like_this"])


def test_effect_counts_fields_the_rule_decides() -> None:
    rule = "normalize.lone_dot"
    touched = frozenset({rule})
    normal = [
        Reading(
            [
                outcome("a", correct=True, flagged=False),  # needs the rule
                outcome("b", correct=False, flagged=False, read="z"),  # broken by it, silently
                outcome("c", correct=False, flagged=True),  # its flag catches it
            ],
            [touched, touched, touched],
        ),
        Reading([outcome("d", correct=True, flagged=False)], [frozenset()]),  # not touched
    ]
    ablated = {
        0: Reading(
            [
                outcome("a", correct=False, flagged=False, read="y"),
                outcome("b", correct=True, flagged=False),
                outcome("c", correct=False, flagged=False),
            ],
            [frozenset()] * 3,
        )
    }
    effect = effect_of(rule, normal, ablated, touched=3)
    assert (effect.needed, effect.harmful, effect.harmful_silent, effect.caught) == (1, 1, 1, 1)
    assert effect.changed == 3
    assert effect.pages_read == 1
    assert effect.with_rule == Shares(fields=4, correct=2, silent=1, flagged=1)
    assert effect.without_rule == Shares(fields=4, correct=2, silent=2, flagged=0)
    table = format_markdown(
        {"seed": 1, "split": "dev", "pages": 2, "level": "mixed", "templates": ["t"]},
        Shares.of([o for r in normal for o in r.outcomes]),
        [effect],
    )
    assert f"| `{rule}` | normalize |" in table
