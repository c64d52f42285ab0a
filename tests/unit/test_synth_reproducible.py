"""The generator writes the same values for the same seed in every process, whatever the
process's string hashing (PYTHONHASHSEED): a benchmark page must be the same page."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
TEMPLATE = ROOT / "templates_realforms" / "it_schengen_visa" / "template.yaml"
SCRIPT = """
import random, yaml
from ocr_service.templates.model import Template
from ocr_service.synth.locales import generate_local_values
t = Template.model_validate(yaml.safe_load(open({path!r}, encoding="utf-8")))
print([generate_local_values(t, random.Random(s)) for s in range(8)])
"""


def values_with_hash_seed(seed: str) -> str:
    env = {**os.environ, "PYTHONHASHSEED": seed}
    code = SCRIPT.format(path=str(TEMPLATE))
    done = subprocess.run(
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True
    )
    return done.stdout


@pytest.mark.skipif(not TEMPLATE.is_file(), reason="no it_schengen_visa template")
def test_italian_values_do_not_follow_string_hashing() -> None:
    # Faker's it_IT city list is a list of a set: before it was sorted, places of birth
    # differed between these two processes
    assert values_with_hash_seed("1") == values_with_hash_seed("2")
