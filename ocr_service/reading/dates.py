"""Dates, Western and Japanese era (和暦), to ISO ``YYYY-MM-DD``.

Accepted shapes (after NFKC, spaces removed)::

    2024年4月5日   2024/4/5   2024-04-05   2024.4.5   20240405
    令和6年4月5日  令和元年5月1日  R6.4.5  H3/4/5  r06-04-05  令6.4.5
    平成十二年十二月二十五日 (kanji numerals)

A date that does not exist (2月30日), or that falls outside its era (平成32年,
平成31年5月1日, 令和元年4月30日, 昭和64年1月8日) is rejected with ``invalid_date``;
text that is not a date at all is ``invalid_format``.
"""

from __future__ import annotations

import datetime as dt
import re
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


_YEAR_LAST = re.compile(r"^(?P<a>\d{1,2})[./-](?P<b>\d{1,2})[./-](?P<y>\d{4})$")


def parse_date(text: str, order: str = "ymd") -> Parsed:
    """Parse a Western or era date to ISO ``YYYY-MM-DD``.

    ``order`` ``mdy`` or ``dmy`` also reads a year-last date (06/01/2024) that way.
    A restored era (see :func:`repair_era`) gives the value with ``vocabulary_corrected``.
    """
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
