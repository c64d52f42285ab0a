"""Kana that is not trusted blindly: confusion sets, a name-reading lexicon, and the
氏名 ↔ フリガナ cross-check.

Three checks, each measured on development data (see the constants):

1. **Confusable characters** (:func:`near_confusion`): a character whose runner-up in
   the line recognizer (``OcrResult.runners_up``) is in its confusion set and nearly
   as likely (at least :data:`NEAR_RATIO` of its probability) caps the field's
   confidence at :data:`CONFUSION_CAP` and flags ``confusable_kana``. The sets are the
   kana that hands make alike: き/さ/ち/を, every dakuten and handakuten pair (か/が,
   は/ば/ぱ), シ/ツ, ソ/ン, ー/一, ロ/口, カ/力, エ/工, タ/夕, ニ/二, ヘ/へ, and small and
   large ャュョッァィゥェォ.
2. **Unusual name readings** (:func:`unusual_reading`): a furigana whose surname or
   given-name part no name in the lexicon has, or only a rare one has while a common
   one is one confusion away, is flagged ``unusual_name_reading``.
3. **Name ↔ reading** (:func:`reading_matches`): a kana field declared
   ``reading_of: <name field>`` must be a known reading of the kanji surname and given
   name; when the name is written in kana the two must agree
   (katakana/hiragana-insensitive). Otherwise both fields are flagged
   ``name_reading_mismatch``.

The lexicon is ``ocr_service/data/kana_names.tsv.gz``, built from JMnedict by
``scripts/build_kana_names.py`` (CC BY-SA, see ``ocr_service/data/KANA_NAMES_SOURCE.md``).
JMnedict has no frequencies; the number of distinct kanji spellings a reading has
stands in for how common it is (サトウ has 19 surname spellings, a rare reading one).
That proxy is rough: a reading with many rare spellings counts as common.
"""

from __future__ import annotations

import gzip
import itertools
import unicodedata
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from ocr_service.ocr.base import OcrResult
from ocr_service.reading.normalize import to_katakana

LEXICON_PATH = Path(__file__).resolve().parent.parent / "data" / "kana_names.tsv.gz"

# --- confusion sets -----------------------------------------------------------------

_HAND_ALIKE = ("きさちを", "シツ", "ソン", "ー一", "ロ口", "カ力", "エ工", "タ夕", "ニ二", "ヘへ")
_SMALL = "ャュョッァィゥェォ"
_LARGE = "ヤユヨツアイウエオ"


def _dakuten_groups() -> list[str]:
    """Each kana with its voiced (゛) and half-voiced (゜) forms: か/が, は/ば/ぱ, ウ/ヴ."""
    groups: dict[str, str] = defaultdict(str)
    for code in itertools.chain(range(0x3041, 0x3097), range(0x30A1, 0x30FB)):
        char = chr(code)
        decomposed = unicodedata.normalize("NFD", char)
        if len(decomposed) == 2 and decomposed[1] in "\u3099\u309a":
            groups[decomposed[0]] += char
    return [base + variants for base, variants in groups.items()]


def _small_large() -> list[str]:
    pairs = list(zip(_SMALL, _LARGE, strict=True))
    hiragana = [(chr(ord(s) - 0x60), chr(ord(b) - 0x60)) for s, b in pairs]
    return [s + b for s, b in pairs + hiragana]


def _confusions() -> dict[str, frozenset[str]]:
    out: dict[str, set[str]] = defaultdict(set)
    for group in (*_HAND_ALIKE, *_dakuten_groups(), *_small_large()):
        for a, b in itertools.permutations(group, 2):
            out[a].add(b)
    return {char: frozenset(others) for char, others in out.items()}


CONFUSIONS: dict[str, frozenset[str]] = _confusions()
"""Character → the characters a hand makes like it (symmetric, not transitive)."""

NEAR_RATIO = 0.4
"""A runner-up at least this share of the character's own probability is "nearly as
likely". Chosen on development data only, with ``scripts/measure_kana_confusions.py``
on the Japanese text and kana fields of 120 generated pages (jp_tennyu and jp_kyufukin,
print and handwriting fonts; seeds 31337 and 31338 level heavy, 31339 level mixed; 40
pages each): at 0.4 one right field of 731 is newly flagged and one of the 6 wrong,
unflagged fields is caught (マッモト read for マツモト at a ratio of 0.45); 0.25 flags
six right fields for the same catch, 0.5 catches nothing. Generated fonts rarely make
the hand-alike slips of real writing, so this measures the false flags far better than
the catches."""
CONFUSION_CAP = 0.5
"""Confidence ceiling of a field with a near confusable character (under every
text-type threshold: it is always reviewed)."""


def is_kana(char: str) -> bool:
    return "\u3041" <= char <= "\u30ff"


def fold(char: str) -> str:
    """What a kana field makes of a character: katakana, 一 as the long-vowel mark."""
    return "ー" if char == "一" else to_katakana(char)


def confusable(char: str, other: str, *, kana_field: bool) -> bool:
    """``other`` is a hand-alike of ``char`` that would change the value (in a kana field
    へ and ヘ are one value)."""
    if other not in CONFUSIONS.get(char, frozenset()):
        return False
    return not kana_field or fold(char) != fold(other)


def near_confusion(ocr: OcrResult, *, kana_field: bool) -> bool:
    """Some character's runner-up is a hand-alike at least NEAR_RATIO as likely. In a
    text field only kana characters count (an address's 一 or 口 is kanji)."""
    for i, (char, confidence) in enumerate(zip(ocr.text, ocr.char_confidences, strict=False)):
        if not kana_field and not is_kana(char):
            continue
        other, probability = ocr.runner_up(i)
        if (
            other
            and probability >= NEAR_RATIO * confidence
            and confusable(char, other, kana_field=kana_field)
        ):
            return True
    return False


# --- the lexicon --------------------------------------------------------------------

SURNAME = "S"
GIVEN = "G"
RARE_SPELLINGS = 1
"""A reading with at most this many kanji spellings in JMnedict counts as rare."""
COMMON_SPELLINGS = 5
"""A reading with at least this many spellings counts as common. A rare part with a
common reading one confusion away is unusual (スズギ, 1 surname spelling, beside スズキ
with 45). Chosen with RARE_SPELLINGS on Faker ja_JP's names (the generator's, so
development data): none of the 2,550 surname x given-name pairs is flagged, and 263 of
the 327 readings one confusion from a Faker reading are (1 and 2 spellings as rare, 5,
10 and 20 as common: 248-269 caught, none of the pairs flagged either way); the 30 real
names of tests/unit/test_reading_kana.py, not from Faker, are not flagged either."""


@dataclass(frozen=True)
class NameLexicon:
    """Surname and given-name readings (katakana), with how many kanji spellings each
    has and, per spelling, its readings."""

    counts: dict[str, dict[str, int]]
    """Kind (SURNAME, GIVEN) → reading → number of kanji spellings."""
    readings: dict[str, dict[str, str]]
    """Kind → kanji spelling → its readings, space-separated."""

    def spellings(self, kind: str, reading: str) -> int:
        """Kanji spellings of ``reading`` as a name of ``kind``; -1 when no name has it
        (a kana-only entry has 0)."""
        return self.counts[kind].get(reading, -1)

    def readings_of(self, kind: str, spelling: str) -> frozenset[str]:
        """Known readings of a written surname or given name: the lexicon's for kanji,
        the name itself (in katakana) for one written in kana."""
        if spelling and all(is_kana(c) for c in spelling):
            return frozenset({to_katakana(spelling)})
        return frozenset(self.readings[kind].get(spelling, "").split())


def parse_lexicon(lines: Iterator[str]) -> NameLexicon:
    """The lexicon from its lines (``kind<TAB>reading<TAB>spellings``)."""
    counts: dict[str, dict[str, int]] = {SURNAME: {}, GIVEN: {}}
    readings: dict[str, defaultdict[str, list[str]]] = {
        SURNAME: defaultdict(list),
        GIVEN: defaultdict(list),
    }
    for line in lines:
        kind, reading, spellings = line.rstrip("\n").split("\t")
        names = spellings.split()
        counts[kind][reading] = len(names)
        for name in names:
            readings[kind][name].append(reading)
    joined = {k: {n: " ".join(r) for n, r in v.items()} for k, v in readings.items()}
    return NameLexicon(counts, joined)


@cache
def load_lexicon(path: Path = LEXICON_PATH) -> NameLexicon:
    """The committed lexicon (about 0.5 s and 100 MB the first time; one per process)."""
    with gzip.open(path, "rt", encoding="utf-8") as fh:
        return parse_lexicon(iter(fh))


def splits(text: str) -> list[tuple[str, str]]:
    """(surname, given name) candidates: the one split at a single space, else every
    split of the text without spaces."""
    parts = text.split()
    if len(parts) == 2:
        return [(parts[0], parts[1])]
    joined = "".join(parts)
    return [(joined[:i], joined[i:]) for i in range(1, len(joined))]


def neighbours(reading: str) -> Iterator[str]:
    """``reading`` with one character swapped for a hand-alike kana."""
    for i, char in enumerate(reading):
        for other in CONFUSIONS.get(char, frozenset()):
            if is_kana(other):
                yield reading[:i] + other + reading[i + 1 :]


def rare_beside_common(lexicon: NameLexicon, kind: str, part: str) -> bool:
    if lexicon.spellings(kind, part) > RARE_SPELLINGS:
        return False
    return any(lexicon.spellings(kind, n) >= COMMON_SPELLINGS for n in neighbours(part))


def split_support(lexicon: NameLexicon, surname: str, given: str) -> int:
    """How well a (surname, given name) split is attested: its weaker part's spellings."""
    return min(lexicon.spellings(SURNAME, surname), lexicon.spellings(GIVEN, given))


def unusual_reading(lexicon: NameLexicon, reading: str) -> bool:
    """No (surname, given name) split of the katakana ``reading`` has both parts as
    names; or the best split has a rare part with a common reading one confusion away."""
    known = [
        (s, g)
        for s, g in splits(reading)
        if lexicon.spellings(SURNAME, s) >= 0 and lexicon.spellings(GIVEN, g) >= 0
    ]
    if not known:
        return True
    surname, given = max(known, key=lambda sg: split_support(lexicon, *sg))
    return rare_beside_common(lexicon, SURNAME, surname) or rare_beside_common(
        lexicon, GIVEN, given
    )


def reading_matches(lexicon: NameLexicon, name: str, reading: str) -> bool | None:
    """Whether ``reading`` (katakana) is a reading of ``name`` (kanji or kana): True when
    some (surname, given) split of the name has it as a known reading; None when no split
    has both parts known to the lexicon (nothing to check against); else False. A name
    written in kana alone must equal its reading, whatever the script."""
    wanted = "".join(reading.split())
    written = "".join(name.split())
    if written and all(is_kana(c) or c == "ー" for c in written):
        return to_katakana(written) == wanted
    checked = False
    for surname, given in splits(name):
        first = lexicon.readings_of(SURNAME, surname)
        second = lexicon.readings_of(GIVEN, given)
        if not first or not second:
            continue
        checked = True
        if any(wanted == a + b for a in first for b in second):
            return True
    return False if checked else None


def spaced_reading(lexicon: NameLexicon, name: str, reading: str) -> str | None:
    """The reading with its one space where the name's surname reading ends (タナカハナコ
    or タ ナ カ ハ ナ コ → タナカ ハナコ for 田中花子), when every way the name's kanji read
    as it puts the space there and the reading has it elsewhere or not once; else None
    (a reading spaced at one of the possible places is left as it is)."""
    joined = "".join(reading.split())
    ends = {
        len(first)
        for surname, given in splits(name)
        for first in lexicon.readings_of(SURNAME, surname)
        if joined.startswith(first) and joined[len(first) :] in lexicon.readings_of(GIVEN, given)
    }
    parts = reading.split()
    if len(parts) == 2 and len(parts[0]) in ends:
        return None
    if len(ends) != 1:
        return None
    end = ends.pop()
    return f"{joined[:end]} {joined[end:]}"
