"""Dates, Western and Japanese era (和暦), to ISO ``YYYY-MM-DD``.

Accepted shapes (after NFKC, spaces removed)::

    2024年4月5日   2024/4/5   2024-04-05   2024.4.5   20240405
    令和6年4月5日  令和元年5月1日  R6.4.5  H3/4/5  r06-04-05  令6.4.5
    平成十二年十二月二十五日 (kanji numerals)

With the year last (``order`` ``mdy`` or ``dmy``, from the template's locale)::

    06/01/2024  6.1.2024  06-01-2024

A month name in English, German, French, Spanish, Italian or Portuguese (full, or the
usual abbreviation, accents optional, any order the language writes it in)::

    5 March 2024  March 5, 2024  5. März 2024  1er mai 2024  5 de marzo de 2024
    5 marzo 2024  5 de março de 2024  5-Mar-2024

A two-digit year is refused (``invalid_format``): its century is a guess.

A date that does not exist (2月30日), or that falls outside its era (平成32年,
平成31年5月1日, 令和元年4月30日, 昭和64年1月8日) is rejected with ``invalid_date``;
text that is not a date at all is ``invalid_format``.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from dataclasses import dataclass

from ocr_service.reading import rules
from ocr_service.reading.normalize import nfkc, remove_spaces
from ocr_service.reading.reasons import Parsed, Reason, accept, reject


@dataclass(frozen=True)
class Era:
    name: str
    letter: str
    start: dt.date
    end: dt.date | None
    """Last day of the era; ``None`` for the current one."""

    def to_date(self, year: int, month: int, day: int) -> dt.date:
        """The Western date, or ``ValueError`` when it does not exist or is outside the era."""
        if year < 1:
            raise ValueError("era years start at 1")
        date = dt.date(self.start.year + year - 1, month, day)
        if date < self.start or (self.end is not None and date > self.end):
            raise ValueError(f"{date} is outside {self.name}")
        return date


ERAS = (
    Era("令和", "R", dt.date(2019, 5, 1), None),
    Era("平成", "H", dt.date(1989, 1, 8), dt.date(2019, 4, 30)),
    Era("昭和", "S", dt.date(1926, 12, 25), dt.date(1989, 1, 7)),
    Era("大正", "T", dt.date(1912, 7, 30), dt.date(1926, 12, 24)),
    Era("明治", "M", dt.date(1868, 10, 23), dt.date(1912, 7, 29)),
)
ERA_NAMES = tuple(e.name for e in ERAS)
_ERA_BY_KEY = {key: e for e in ERAS for key in (e.name, e.name[0], e.letter, e.letter.lower())}

_KANJI_DIGITS = {"〇": 0, "零": 0, "一": 1, "二": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7,
                 "八": 8, "九": 9}  # fmt: skip
_NUM = r"(\d{1,2}|元|[〇零一二三四五六七八九十]{1,3})"
_ERA_KEYS = "|".join(sorted(_ERA_BY_KEY, key=len, reverse=True))
_WAREKI = re.compile(
    rf"^(?P<era>{_ERA_KEYS})\.?(?P<y>{_NUM})(?:年|[./-])(?P<m>{_NUM})(?:月|[./-])(?P<d>{_NUM})日?$"
)
_WESTERN = re.compile(
    r"^(?P<y>\d{4})(?:年|[./-])(?P<m>\d{1,2})(?:月|[./-])(?P<d>\d{1,2})日?$"
    r"|^(?P<y8>\d{4})(?P<m8>\d{2})(?P<d8>\d{2})$"
)


def kanji_number(text: str) -> int:
    """``元`` → 1, ``十二`` → 12, ``二十五`` → 25, ``一〇`` → 10, ``12`` → 12."""
    if text.isdigit():
        return int(text)
    if text == "元":
        return 1
    if "十" in text:
        tens, _, ones = text.partition("十")
        return (_KANJI_DIGITS[tens] if tens else 1) * 10 + (_KANJI_DIGITS[ones] if ones else 0)
    value = 0
    for ch in text:
        value = value * 10 + _KANJI_DIGITS[ch]
    return value


def clean_date_text(text: str) -> str:
    text = remove_spaces(nfkc(text))
    return re.sub("[ー−‐―─]", "-", text)


_JUNK_ENDS = "-._・,:;'\"`|~_"
_REIWA_MISREAD = re.compile(r"^[^\d昭]?和(?=\d|元)")
"""令 in handwriting is read as 今, 念, 多, 金, or dropped by the date whitelist; 昭 is not
confused with it. A lone 和 before the year is therefore taken as 令和, and flagged."""


def repair_era(text: str) -> tuple[str, bool]:
    """Drop junk at the ends; restore a misread 令 of 令和. Returns the text and whether
    an era was restored (the value must then be flagged, never trusted)."""
    text = rules.apply("normalize.date_edge_junk", strip_date_junk, text)
    if text.startswith(("令和", "昭和")) or not _REIWA_MISREAD.match(text):
        return text, False
    if not rules.active("value.reiwa_era"):
        return text, False
    rules.fired("value.reiwa_era")
    return _REIWA_MISREAD.sub("令和", text, count=1), True


def strip_date_junk(text: str) -> str:
    """Specks read as punctuation at a date's ends (- . _ ・ , : ; ' " ` | ~)."""
    return text.strip(_JUNK_ENDS)


MONTH_NAMES: dict[str, tuple[str, ...]] = {
    "en": ("january", "february", "march", "april", "may", "june", "july", "august",
           "september", "october", "november", "december"),
    "de": ("januar", "februar", "marz", "april", "mai", "juni", "juli", "august",
           "september", "oktober", "november", "dezember"),
    "fr": ("janvier", "fevrier", "mars", "avril", "mai", "juin", "juillet", "aout",
           "septembre", "octobre", "novembre", "decembre"),
    "es": ("enero", "febrero", "marzo", "abril", "mayo", "junio", "julio", "agosto",
           "septiembre", "octubre", "noviembre", "diciembre"),
    "it": ("gennaio", "febbraio", "marzo", "aprile", "maggio", "giugno", "luglio", "agosto",
           "settembre", "ottobre", "novembre", "dicembre"),
    "pt": ("janeiro", "fevereiro", "marco", "abril", "maio", "junho", "julho", "agosto",
           "setembro", "outubro", "novembro", "dezembro"),
}  # fmt: skip
"""Month names without accents (März, février, março are matched accent-free)."""
MONTH_ABBREVIATIONS: dict[str, int] = {
    "jan": 1, "feb": 2, "mar": 3, "apr": 4, "jun": 6, "jul": 7, "aug": 8, "sep": 9,
    "sept": 9, "oct": 10, "nov": 11, "dec": 12, "mrz": 3, "okt": 10, "dez": 12,
    "janv": 1, "fevr": 2, "avr": 4, "juil": 7, "ene": 1, "abr": 4, "ago": 8, "dic": 12,
    "gen": 1, "mag": 5, "giu": 6, "lug": 7, "set": 9, "ott": 10, "fev": 2, "out": 10,
}  # fmt: skip
MONTHS: dict[str, int] = {
    **MONTH_ABBREVIATIONS,
    **{name: n for names in MONTH_NAMES.values() for n, name in enumerate(names, 1)},
}
_DAY_FIRST = re.compile(r"^(?P<d>\d{1,2})[./-]?(?P<mon>[a-z]{3,}?)\.?[./,-]?(?P<y>\d{4})$")
_MONTH_FIRST = re.compile(
    r"^(?P<mon>[a-z]{3,}?)\.?[-/]?(?P<d>\d{1,2})(?:st|nd|rd|th)?,?(?P<y>\d{4})$"
)


def unaccented(text: str) -> str:
    """Lower case without accents: ``März`` → ``marz``, ``Février`` → ``fevrier``."""
    decomposed = unicodedata.normalize("NFKD", text.lower())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


ORDINAL_SUFFIXES = ("", "er", "st", "nd", "rd", "th", "o")
"""After the day: 1er (fr), 1st (en), 1º (es, pt; NFKC makes it 1o)."""


def month_number(word: str) -> int | None:
    """The month a name or abbreviation stands for, after the day's ordinal suffix;
    ``de`` around it (5 de marzo de) is Spanish and Portuguese glue."""
    for suffix in ORDINAL_SUFFIXES:
        if not word.startswith(suffix):
            continue
        rest = word[len(suffix) :]
        for candidate in (
            rest,
            rest.removeprefix("de"),
            rest.removesuffix("de"),
            rest.removeprefix("de").removesuffix("de"),
        ):
            if candidate in MONTHS:
                return MONTHS[candidate]
    return None


def parse_month_name_date(text: str) -> Parsed | None:
    """A date with a month name, or None when ``text`` has no month-name shape."""
    plain = unaccented(text)
    m = _DAY_FIRST.match(plain) or _MONTH_FIRST.match(plain)
    if not m:
        return None
    month = month_number(m["mon"])
    if month is None:
        return reject(Reason.INVALID_FORMAT)
    try:
        return accept(dt.date(int(m["y"]), month, int(m["d"])).isoformat())
    except ValueError:
        return reject(Reason.INVALID_DATE)


_YEAR_LAST = re.compile(r"^(?P<a>\d{1,2})[./-](?P<b>\d{1,2})[./-](?P<y>\d{4})$")


def parse_date(text: str, order: str = "ymd") -> Parsed:
    """Parse a Western or era date to ISO ``YYYY-MM-DD``.

    ``order`` ``mdy`` or ``dmy`` also reads a year-last date (06/01/2024) that way.
    A restored era (see :func:`repair_era`) gives the value with ``vocabulary_corrected``.
    A month name (see the module docstring) is read whatever the order.
    """
    named = parse_month_name_date(clean_date_text(text))
    if named is not None:
        return named
    if order != "ymd" and (m := _YEAR_LAST.match(clean_date_text(text))):
        first, second = int(m["a"]), int(m["b"])
        month, day = (first, second) if order == "mdy" else (second, first)
        try:
            return accept(dt.date(int(m["y"]), month, day).isoformat())
        except ValueError:
            return reject(Reason.INVALID_DATE)
    text, repaired = repair_era(clean_date_text(text))
    try:
        if m := _WAREKI.match(text):
            era = _ERA_BY_KEY[m["era"]]
            year, month, day = (kanji_number(m[k]) for k in ("y", "m", "d"))
            iso = era.to_date(year, month, day).isoformat()
            return Parsed(iso, Reason.VOCABULARY_CORRECTED) if repaired else accept(iso)
        if m := _WESTERN.match(text):
            year, month, day = (int(m[k] or m[f"{k}8"]) for k in ("y", "m", "d"))
            return accept(dt.date(year, month, day).isoformat())
    except (ValueError, KeyError):
        return reject(Reason.INVALID_DATE)
    return reject(Reason.INVALID_FORMAT)


def to_wareki(date: dt.date) -> str:
    """``2019-05-01`` → ``令和元年5月1日`` (for rendering test data and messages)."""
    for era in ERAS:
        if date >= era.start and (era.end is None or date <= era.end):
            year = date.year - era.start.year + 1
            shown = "元" if year == 1 else str(year)
            return f"{era.name}{shown}年{date.month}月{date.day}日"
    raise ValueError(f"{date} is before 明治")
