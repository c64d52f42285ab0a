"""Build ocr_service/data/kana_names.tsv.gz: the readings of Japanese surnames and given
names, with the kanji spellings each reading has, from JMnedict.

Source: JMnedict (the EDRDG's Japanese names dictionary) as compiled into the SQLite
database of the ``jamdict-data`` package (1.5, JMnedict of 2020-05-29), which is not a
dependency of the service: install it only to rebuild the file::

    pip install jamdict-data        # about 54 MB download, 325 MB unpacked
    python scripts/build_kana_names.py

Licence: the EDRDG licence (Creative Commons Attribution-ShareAlike; the copy inside
jamdict-data 1.5 names version 3.0, the EDRDG's current statement 4.0): the derived file
is shipped under CC BY-SA with attribution, see ocr_service/data/KANA_NAMES_SOURCE.md.

Kept: entries typed ``surname`` (kind S), ``fem``/``masc``/``given`` (kind G), and
``unclass`` (a name of unknown kind: in both). Places, stations, companies and full
names of people (``person``) are left out. Readings are turned into katakana. Each line
is ``kind<TAB>reading<TAB>spellings`` (spellings space-separated; a kana-only entry adds
no spelling). JMnedict has no frequencies: the number of distinct spellings of a reading
is the proxy the reader uses for how common it is (see ocr_service/reading/kana.py).
"""

from __future__ import annotations

import gzip
import sqlite3
import sys
from collections import defaultdict
from pathlib import Path

OUT = Path(__file__).resolve().parent.parent / "ocr_service" / "data" / "kana_names.tsv.gz"
KINDS = {"surname": "S", "fem": "G", "masc": "G", "given": "G", "unclass": "SG"}
HIRAGANA = range(0x3041, 0x3097)
TO_KATAKANA = {c: c + 0x60 for c in HIRAGANA}


def database() -> Path:
    try:
        import jamdict_data  # type: ignore[import-not-found]
    except ImportError:
        sys.exit("jamdict-data is not installed: pip install jamdict-data (build-time only)")
    return Path(jamdict_data.JAMDICT_DB_PATH)


def is_kana(text: str) -> bool:
    return all(0x3041 <= ord(c) <= 0x30FF for c in text)


def collect(path: Path) -> dict[tuple[str, str], set[str]]:
    """(kind, katakana reading) → kanji spellings."""
    names: dict[tuple[str, str], set[str]] = defaultdict(set)
    with sqlite3.connect(path) as conn:
        types: dict[int, set[str]] = defaultdict(set)
        rows = conn.execute(
            "select t.idseq, tt.text from NETranslation t join NETransType tt on tt.tid = t.ID"
        )
        for idseq, kind in rows:
            if kind in KINDS:
                types[idseq].update(KINDS[kind])
        kanji: dict[int, list[str]] = defaultdict(list)
        for idseq, text in conn.execute("select idseq, text from NEKanji"):
            kanji[idseq].append(text)
        for idseq, text in conn.execute("select idseq, text from NEKana"):
            if idseq not in types or not is_kana(text):
                continue
            reading = text.translate(TO_KATAKANA)
            for kind in types[idseq]:
                names[(kind, reading)].update(kanji.get(idseq, []))
    return names


def write(names: dict[tuple[str, str], set[str]], out: Path) -> None:
    out.parent.mkdir(parents=True, exist_ok=True)
    lines = [
        f"{kind}\t{reading}\t{' '.join(sorted(spellings))}\n"
        for (kind, reading), spellings in sorted(names.items())
    ]
    # mtime=0: the same input gives the same bytes
    with out.open("wb") as raw, gzip.GzipFile(fileobj=raw, mode="wb", mtime=0) as fh:
        fh.write("".join(lines).encode("utf-8"))


def main() -> None:
    names = collect(database())
    write(names, OUT)
    kinds = defaultdict(int)
    for kind, _ in names:
        kinds[kind] += 1
    print(f"wrote {OUT} ({OUT.stat().st_size / 1e6:.1f} MB): {dict(kinds)} readings")


if __name__ == "__main__":
    main()
