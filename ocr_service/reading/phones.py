"""Phone numbers outside Japan, by country (Japan: :func:`formats.parse_phone`).

The canonical value is the national number as digits alone, with the trunk ``0``
where the country dials one (``+44 (0)20 7946 0018`` → ``02079460018``,
``(415) 555-0123`` → ``4155550123``, ``+33 1 23 45 67 89`` → ``0123456789``). A number
written with another known country's prefix is kept in international form
(``+33123456789`` on a German field). Separators (space, ``-``, ``.``, ``/``,
brackets) and a leading ``Tel:`` are dropped; a number of the wrong length or start for
its country is refused (``invalid_format``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ocr_service.reading.reasons import Parsed, Reason, accept, reject


@dataclass(frozen=True)
class PhonePlan:
    calling_code: str
    trunk: str
    """The national prefix that an international number drops (``0``), or ``""``."""
    national: re.Pattern[str]
    """The national number, trunk prefix included."""


PLANS: dict[str, PhonePlan] = {
    "US": PhonePlan("1", "", re.compile(r"^[2-9]\d{2}[2-9]\d{6}$")),
    "CA": PhonePlan("1", "", re.compile(r"^[2-9]\d{2}[2-9]\d{6}$")),
    "GB": PhonePlan("44", "0", re.compile(r"^0[1235789]\d{8,9}$")),
    "DE": PhonePlan("49", "0", re.compile(r"^0[1-9]\d{5,11}$")),
    "FR": PhonePlan("33", "0", re.compile(r"^0[1-9]\d{8}$")),
    "ES": PhonePlan("34", "", re.compile(r"^[6789]\d{8}$")),
    "IT": PhonePlan("39", "", re.compile(r"^(?:0\d{5,10}|3\d{8,9})$")),
    "PT": PhonePlan("351", "", re.compile(r"^[29]\d{8}$")),
    "AU": PhonePlan("61", "0", re.compile(r"^0[2-478]\d{8}$")),
}
_LABEL = re.compile(r"^(?:tel|tél|tlf|phone|ph|fon|telefon|teléfono|telefono)\.?:?", re.I)
_CHARS = re.compile(r"^\+?[0-9()./-]+$")


def parse_foreign_phone(text: str, country: str) -> Parsed:
    """A phone number of ``country`` (a key of :data:`PLANS`) in canonical form."""
    plan = PLANS[country]
    compact = _LABEL.sub("", re.sub(r"\s+", "", text))
    if not compact or not _CHARS.match(compact):
        return reject(Reason.INVALID_FORMAT)
    compact = compact.replace("(0)", "")  # +44 (0)20 ...: the trunk 0 in brackets
    digits = re.sub(r"\D", "", compact)
    international = compact.startswith("+") or digits.startswith("00")
    if international:
        return international_number(digits.removeprefix("00"), country)
    if plan.calling_code == "1" and len(digits) == 11 and digits.startswith("1"):
        digits = digits[1:]  # 1 (415) 555-0123: the NANP trunk 1
    return accept(digits) if plan.national.match(digits) else reject(Reason.INVALID_FORMAT)


def international_number(digits: str, country: str) -> Parsed:
    """``digits`` after ``+``/``00``: national form for ``country``'s own code, else
    ``+<code><number>`` for another known country's."""
    own = PLANS[country].calling_code
    codes = sorted({p.calling_code for p in PLANS.values()}, key=len, reverse=True)
    code = own if digits.startswith(own) else next((c for c in codes if digits.startswith(c)), None)
    if code is None:
        return reject(Reason.INVALID_FORMAT)
    rest = digits[len(code) :]
    plans = [p for p in PLANS.values() if p.calling_code == code]
    for plan in plans:
        national = plan.trunk + rest.removeprefix(plan.trunk)
        if plan.national.match(national):
            return accept(national if code == own else f"+{code}{rest.removeprefix(plan.trunk)}")
    return reject(Reason.INVALID_FORMAT)
