"""Times of day to canonical ``HH:MM`` (24 h).

Accepted (after NFKC, spaces removed, case ignored)::

    14:30  9:05  14.30  14h30  14h  14時30分  14時  午後2時30分  午前9時半
    2:30 PM  2:30pm  2:30 p.m.  2 PM  12 AM (00:00)  14:30 Uhr  14 Uhr

Refused (``invalid_format``): a bare number (``1430``, ``14``: a dropped colon cannot be
told from a misread digit), an hour over 23 (over 12 with AM/PM, over 11 with
午前/午後: 午後12時 is noon to some and midnight to others), minutes over 59, ``24:00``.
"""

from __future__ import annotations

import re

from ocr_service.reading.reasons import Parsed, Reason, accept, reject

_TIME = re.compile(
    r"^(?P<pre>午前|午後|am|pm)?(?P<h>\d{1,2})"
    r"(?:(?P<sep>[:.h]|時)(?P<m>\d{2}|半)?分?)?"
    r"(?P<post>am|pm|uhr)?$"
)
HALF_HOUR = "半"


def parse_time(text: str) -> Parsed:
    """A time of day as ``HH:MM`` (see the module docstring)."""
    compact = re.sub(r"\s+", "", text).lower().replace("a.m.", "am").replace("p.m.", "pm")
    compact = compact.removesuffix(".").replace("：", ":")
    m = _TIME.match(compact)
    if not m:
        return reject(Reason.INVALID_FORMAT)
    sep, minute_text = m["sep"], m["m"]
    half = minute_text == HALF_HOUR
    if (half and sep != "時") or (sep in (":", ".") and not minute_text):
        return reject(Reason.INVALID_FORMAT)
    if sep is None and m["pre"] is None and m["post"] in (None,):
        return reject(Reason.INVALID_FORMAT)
    meridiem = [x for x in (m["pre"], m["post"]) if x and x != "uhr"]
    if len(meridiem) > 1 or (m["post"] == "uhr" and meridiem):
        return reject(Reason.INVALID_FORMAT)
    hour = int(m["h"])
    minute = 30 if half else int(minute_text or 0)
    hour24 = to_24h(hour, meridiem[0] if meridiem else None)
    if hour24 is None or minute > 59:
        return reject(Reason.INVALID_FORMAT)
    return accept(f"{hour24:02d}:{minute:02d}")


def to_24h(hour: int, meridiem: str | None) -> int | None:
    """The 24-hour hour, or None when it cannot be one."""
    if meridiem is None:
        return hour if hour <= 23 else None
    if meridiem in ("am", "pm"):
        if not 1 <= hour <= 12:
            return None
        return hour % 12 + (12 if meridiem == "pm" else 0)
    if hour > 11:  # 午前/午後 0-11
        return None
    return hour + (12 if meridiem == "午後" else 0)
