"""The ablation's bookkeeping: which rules, and what switching one off changed."""

from __future__ import annotations

from dataclasses import replace

import pytest

from ocr_service.bench.ablate import PageRules, Shares, effect_of, format_markdown, resolve
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
        PageRules(
            [
                outcome("a", correct=True, flagged=False),  # needs the rule
                outcome("b", correct=False, flagged=False, read="z"),  # broken by it, silently
                outcome("c", correct=False, flagged=True),  # its flag catches it
            ],
            [touched, touched, touched],
        ),
        PageRules([outcome("d", correct=True, flagged=False)], [frozenset()]),  # not touched
    ]
    ablated = {
        0: PageRules(
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


def test_by_type_says_where_a_rule_caught_errors_and_where_it_only_cost_flags() -> None:
    rule = "arbitration.tesseract_confirms"
    touched = frozenset({rule})

    def typed(o: FieldOutcome, field_type: str) -> FieldOutcome:
        return replace(o, field_type=field_type)

    normal = [
        PageRules(
            [
                typed(outcome("mail", correct=False, flagged=True), "email"),  # caught
                typed(outcome("name", correct=True, flagged=True), "text"),  # flag only
                typed(outcome("city", correct=True, flagged=False), "text"),  # unchanged
            ],
            [touched] * 3,
        )
    ]
    ablated = {
        0: PageRules(
            [
                typed(outcome("mail", correct=False, flagged=False), "email"),
                typed(outcome("name", correct=True, flagged=False), "text"),
                typed(outcome("city", correct=True, flagged=False), "text"),
            ],
            [frozenset()] * 3,
        )
    }
    effect = effect_of(rule, normal, ablated, touched=3)
    assert effect.by_type == {"email": {"caught": 1}, "text": {"flagged_right": 1}}
    table = format_markdown(
        {"seed": 1, "split": "dev", "pages": 1, "level": "mixed", "templates": ["t"]},
        Shares.of(normal[0].outcomes),
        [effect],
    )
    assert f"| `{rule}` | email | 0 | 0 | 1 | 0 |" in table
    assert f"| `{rule}` | text | 0 | 0 | 0 | 1 |" in table
