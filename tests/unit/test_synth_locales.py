"""Values for forms of other countries, made by field content in the template's locale."""

from __future__ import annotations

import random
import re
from pathlib import Path

import pytest
import yaml

from ocr_service.synth.locales import SPANISH_NIF_LETTERS, from_pattern, generate_local_values
from ocr_service.synth.values import written_form
from ocr_service.templates.model import FieldType, Template

ROOT = Path(__file__).resolve().parents[2] / "templates_realforms"
IDS = sorted(p.parent.name for p in ROOT.glob("*/template.yaml"))


def _template(template_id: str) -> Template:
    raw = yaml.safe_load((ROOT / template_id / "template.yaml").read_text(encoding="utf-8"))
    return Template.model_validate(raw)  # the model only: no reference page is rendered


@pytest.mark.parametrize("template_id", IDS)
def test_values_fit_their_fields(template_id: str) -> None:
    t = _template(template_id)
    for seed in range(12):
        values = generate_local_values(t, random.Random(seed))
        assert set(values) == {f.name for f in t.fields_on(1)}
        for spec in t.fields_on(1):
            value = values[spec.name]
            if value is None or isinstance(value, bool):
                continue
            if spec.type is FieldType.CHOICE:
                assert value in {o.value for o in spec.options}
            elif spec.pattern:
                assert re.fullmatch(spec.pattern, value), (spec.name, value)
            if spec.type is FieldType.BOXED:
                assert len(value) == len(spec.boxes)
            written_form(spec, value, random.Random(seed))  # every truth can be written


def test_same_seed_same_values() -> None:
    t = _template("de_kindergeld")
    assert generate_local_values(t, random.Random(5)) == generate_local_values(t, random.Random(5))
    assert generate_local_values(t, random.Random(5)) != generate_local_values(t, random.Random(6))


def test_values_are_in_the_forms_language() -> None:
    """A German form gets German sex words and nationalities, a Spanish one Spanish NIFs."""
    de, es = _template("de_kindergeld"), _template("es_modelo_030")
    sexes = {generate_local_values(de, random.Random(s))["geschlecht"] for s in range(30)}
    assert sexes - {None} <= {"männlich", "weiblich"}
    for seed in range(30):
        nif = generate_local_values(es, random.Random(seed))["nif_titular"]
        if nif is None:
            continue
        body = nif[:-1].replace("X", "0").replace("Y", "1").replace("Z", "2")
        assert SPANISH_NIF_LETTERS[int(body) % 23] == nif[-1], nif


@pytest.mark.parametrize(
    "pattern",
    ["^[0-9]{3}F[0-9]{6}$", "^[0-9]{2}-[0-9]{7}$", "^A?[0-9]{7,9}$", "^[a-z]{26}$", r"^\d{4}$"],
)
def test_codes_follow_simple_patterns(pattern: str) -> None:
    rng = random.Random(3)
    for _ in range(20):
        made = from_pattern(pattern, rng)
        assert made is not None and re.fullmatch(pattern, made)


def test_richer_patterns_are_not_guessed() -> None:
    assert from_pattern("^(AB|CD)[0-9]$", random.Random(1)) is None
