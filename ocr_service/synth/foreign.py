"""Values of forms outside Japan: amounts, times, phones, postcodes, codes in boxes, dates.

Each ``make_*`` returns the *truth* in the reading contract's canonical form (``6250``,
``14:30``, ``02079460018``, ``SW1A 1AA``, ``TK4829173``); each ``written_*`` how a person
writes it on the form, in the field's locale (``6.250,00 €``, ``2:30 PM``,
``+44 20 7946 0018``, ``5. März 2024``), so that a reading has to normalize it back.
"""

from __future__ import annotations

import random
import string
from datetime import date
from decimal import Decimal

from ocr_service.reading.numbers import format_number
from ocr_service.templates.locales import Locale, locale_of
from ocr_service.templates.model import CHARSETS, FieldSpec

# ---------------------------------------------------------------- amounts


def make_amount(spec: FieldSpec, rng: random.Random, locale: str | None = None) -> str:
    """An amount for ``spec`` (its ``min``/``max`` and ``decimals``), canonical: ``6250``,
    ``1234.5``. Without ``decimals``, a number without a currency (a count) and yen are
    whole; other currencies have cents two times in five."""
    low = Decimal(str(spec.min)) if spec.min is not None else Decimal(1)
    high = Decimal(str(spec.max)) if spec.max is not None else None
    if high is None:
        digits = rng.randint(1, 5)
        whole = rng.randint(10 ** (digits - 1), 10**digits - 1)
    else:
        whole = rng.randint(int(low), max(int(low), int(high)))
    places = spec.decimals
    if places is None:
        yen = locale_of(locale or spec.locale).country == "JP" or spec.currency in ("¥", "円")
        whole_only = yen or spec.currency is None
        places = 0 if whole_only or rng.random() < 0.6 else 2
    cents = rng.randint(0, 10 ** min(places, 2) - 1) if places else 0
    value = Decimal(whole) + Decimal(cents) / (10 ** min(places, 2)) if places else Decimal(whole)
    if high is not None:
        value = min(max(value, low), high)
    return format_number(value)


SUFFIX_CURRENCIES = frozenset({"€", "EUR", "円", "CHF"})
"""Written after the amount (6.250,00 €, 1,200円) outside English-speaking locales."""


def written_amount(spec: FieldSpec, value: str, rng: random.Random) -> str:
    """``value`` (canonical) as written in the field's locale: grouping (three times in
    four), its decimal separator, cents as declared, the declared currency (three times
    in five; the form may print it instead)."""
    loc = locale_of(spec.locale)
    mark = spec.decimal_mark or loc.decimal
    group = "," if mark == "." else (" " if loc.language == "fr" else ".")
    sign, number = ("-", value[1:]) if value.startswith("-") else ("", value)
    whole, _, fraction = number.partition(".")
    if len(whole) > 3 and rng.random() < 0.75:
        whole = f"{int(whole):,}".replace(",", group)
    places = spec.decimals
    if fraction:
        fraction = fraction.ljust(2, "0") if places is None or places >= 2 else fraction
    elif places != 0 and rng.random() < 0.25:
        fraction = "00"
    text = sign + whole + (mark + fraction if fraction else "")
    if spec.currency and rng.random() < 0.6:
        token = spec.currency
        after = token in SUFFIX_CURRENCIES and (loc.language != "en" or token == "円")
        if after:
            text = text + ("" if token == "円" else " ") + token
        else:
            text = token + (" " if token.isalpha() else "") + text
    return text


# ---------------------------------------------------------------- times


def make_time(rng: random.Random) -> str:
    """A time of day, ``HH:MM``: office hours mostly, minutes in fives mostly."""
    hour = rng.randint(7, 20) if rng.random() < 0.8 else rng.randint(0, 23)
    minute = rng.randrange(0, 60, 5) if rng.random() < 0.8 else rng.randint(0, 59)
    return f"{hour:02d}:{minute:02d}"


def written_time(value: str, loc: Locale, rng: random.Random) -> str:
    """``14:30`` as written in ``loc``: 午後2時30分, 2:30 PM, 14h30, 14.30 Uhr, ..."""
    hour, minute = (int(p) for p in value.split(":"))
    shapes = {
        "ja": [f"{hour}:{minute:02d}", japanese_time(hour, minute, meridiem=False),
               japanese_time(hour, minute, meridiem=True)],
        "en": [english_time(hour, minute, "PM"), english_time(hour, minute, "pm"),
               f"{hour}:{minute:02d}"],
        "fr": [f"{hour}h{minute:02d}" if minute else f"{hour}h", f"{hour}:{minute:02d}"],
        "de": [f"{hour}:{minute:02d}", f"{hour}.{minute:02d} Uhr",
               f"{hour}:{minute:02d} Uhr" if minute else f"{hour} Uhr"],
    }  # fmt: skip
    default = [f"{hour}:{minute:02d}", f"{hour}.{minute:02d}", f"{hour:02d}:{minute:02d}"]
    return rng.choice(shapes.get(loc.language, default))


def japanese_time(hour: int, minute: int, *, meridiem: bool) -> str:
    shown = f"{minute}分" if minute else ""
    if not meridiem:
        return f"{hour}時{shown}"
    return f"{'午後' if hour >= 12 else '午前'}{hour % 12}時{shown}"


def english_time(hour: int, minute: int, pm: str) -> str:
    suffix = pm if hour >= 12 else ("AM" if pm == "PM" else "am")
    return f"{hour % 12 or 12}:{minute:02d} {suffix}"


# ---------------------------------------------------------------- phones and postcodes


def _n(rng: random.Random, count: int) -> str:
    return "".join(rng.choice(string.digits) for _ in range(count))


def make_foreign_phone(country: str, rng: random.Random) -> str:
    """A national number of ``country`` (not JP), canonical: its digits, trunk 0 kept."""
    if country in ("US", "CA"):
        return f"{rng.randint(2, 9)}{_n(rng, 2)}{rng.randint(2, 9)}{_n(rng, 6)}"
    kinds = {
        "GB": [lambda: "020" + _n(rng, 8), lambda: "07" + str(rng.randint(4, 9)) + _n(rng, 8),
               lambda: "0161" + _n(rng, 7)],
        "DE": [lambda: "030" + _n(rng, 7), lambda: "089" + _n(rng, 7),
               lambda: "015" + str(rng.randint(1, 9)) + _n(rng, 8)],
        "FR": [lambda: "0" + rng.choice("1234567") + _n(rng, 8)],
        "ES": [lambda: rng.choice("69") + _n(rng, 8)],
        "IT": [lambda: "06" + _n(rng, 8), lambda: "3" + _n(rng, 9)],
        "PT": [lambda: rng.choice(("21", "22", "91", "93", "96")) + _n(rng, 7)],
        "AU": [lambda: "0" + rng.choice("2378") + _n(rng, 8), lambda: "04" + _n(rng, 8)],
    }  # fmt: skip
    return rng.choice(kinds[country])()


CALLING_CODES = {"US": "1", "CA": "1", "GB": "44", "DE": "49", "FR": "33", "ES": "34",
                 "IT": "39", "PT": "351", "AU": "61"}  # fmt: skip
TRUNK_ZERO = frozenset({"GB", "DE", "FR", "AU"})


def written_phone(country: str, value: str, rng: random.Random) -> str:
    """``value`` (national digits) as written: the country's grouping, sometimes with its
    international prefix."""
    if country in ("US", "CA"):
        a, b, c = value[:3], value[3:6], value[6:]
        return rng.choice((f"({a}) {b}-{c}", f"{a}-{b}-{c}", f"{a}.{b}.{c}", f"+1 {a} {b} {c}"))
    national = grouped_national(country, value)
    if rng.random() < 0.25:
        rest = national[1:] if country in TRUNK_ZERO else national
        return f"+{CALLING_CODES[country]} {rest.lstrip()}"
    if country == "FR" and rng.random() < 0.3:
        return national.replace(" ", ".")
    if country == "DE" and rng.random() < 0.3:
        return national.replace(" ", "/", 1)
    return national


def grouped_national(country: str, digits: str) -> str:
    """The usual spacing of a national number."""
    if country == "FR":
        return " ".join(digits[i : i + 2] for i in range(0, 10, 2))
    if country in ("ES", "PT"):
        return f"{digits[:3]} {digits[3:6]} {digits[6:]}"
    if country == "GB":
        split = 3 if digits.startswith("02") else 4 if digits.startswith("01") else 5
        return f"{digits[:split]} {digits[split:]}"
    if country == "DE":
        split = 4 if digits.startswith("015") else 3
        return f"{digits[:split]} {digits[split:]}"
    if country == "IT":
        return (
            f"{digits[:2]} {digits[2:6]} {digits[6:]}"
            if digits.startswith("0")
            else (f"{digits[:3]} {digits[3:6]} {digits[6:]}")
        )
    if country == "AU":
        if digits.startswith("04"):
            return f"{digits[:4]} {digits[4:7]} {digits[7:]}"
        return f"{digits[:2]} {digits[2:6]} {digits[6:]}"
    return digits


CA_FIRST = "ABCEGHJKLMNPRSTVXY"
CA_LETTERS = "ABCEGHJKLMNPRSTVWXYZ"
GB_AREAS = ("SW", "SE", "NW", "N", "E", "W", "EC", "M", "B", "L", "LS", "G", "EH", "CF",
            "BS", "CR", "OX", "CB", "NE", "S")  # fmt: skip
GB_INWARD_LETTERS = "ABDEFGHJLNPQRSTUWXYZ"


def make_foreign_postcode(country: str, rng: random.Random) -> str:
    """A postal code of ``country`` (not JP), canonical (``SW1A 1AA``, ``1000-001``)."""
    if country == "US":
        zip5 = f"{rng.randint(1001, 99950):05d}"
        return zip5 + (f"-{_n(rng, 4)}" if rng.random() < 0.1 else "")
    if country == "CA":
        a, b, c = rng.choice(CA_FIRST), rng.choice(CA_LETTERS), rng.choice(CA_LETTERS)
        return f"{a}{rng.randint(0, 9)}{b} {rng.randint(0, 9)}{c}{rng.randint(0, 9)}"
    if country == "GB":
        inward = (
            f"{rng.randint(0, 9)}{rng.choice(GB_INWARD_LETTERS)}{rng.choice(GB_INWARD_LETTERS)}"
        )
        return f"{rng.choice(GB_AREAS)}{rng.randint(1, 20)} {inward}"
    if country == "PT":
        return f"{rng.randint(1000, 9999)}-{_n(rng, 3)}"
    if country == "AU":
        return str(rng.randint(2000, 7999))
    if country == "ES":
        return f"{rng.randint(1, 52):02d}{_n(rng, 3)}"
    if country == "FR":
        return f"{rng.randint(1, 95):02d}{_n(rng, 3)}"
    return f"{rng.randint(1067, 99998):05d}"  # DE, IT


# ---------------------------------------------------------------- codes in boxes

KATAKANA = (
    "アイウエオカキクケコサシスセソタチツテトナニヌネノハヒフヘホマミムメモヤユヨラリルレロワン"
)


def make_code(charset: str, n: int, rng: random.Random) -> str:
    """``n`` characters for a row of boxes of ``charset``: ``alnum`` a passport-like
    code (two letters, then digits) half the time, else a mix starting with a letter."""
    letters = CHARSETS["latin"]
    if charset == "alnum":
        if n >= 4 and rng.random() < 0.5:
            return "".join(rng.choice(letters) for _ in range(2)) + _n(rng, n - 2)
        rest = "".join(rng.choice(CHARSETS["alnum"]) for _ in range(n - 1))
        return rng.choice(letters) + rest
    if charset == "katakana":
        return "".join(rng.choice(KATAKANA) for _ in range(n))
    chars = CHARSETS.get(charset, charset)
    return "".join(rng.choice(chars) for _ in range(n))


# ---------------------------------------------------------------- dates

WRITTEN_MONTHS: dict[str, tuple[str, ...]] = {
    "en": ("January", "February", "March", "April", "May", "June", "July", "August",
           "September", "October", "November", "December"),
    "de": ("Januar", "Februar", "März", "April", "Mai", "Juni", "Juli", "August",
           "September", "Oktober", "November", "Dezember"),
    "fr": ("janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août",
           "septembre", "octobre", "novembre", "décembre"),
    "es": ("enero", "febrero", "marzo", "abril", "mayo", "junio", "julio", "agosto",
           "septiembre", "octubre", "noviembre", "diciembre"),
    "it": ("gennaio", "febbraio", "marzo", "aprile", "maggio", "giugno", "luglio", "agosto",
           "settembre", "ottobre", "novembre", "dicembre"),
    "pt": ("janeiro", "fevereiro", "março", "abril", "maio", "junho", "julho", "agosto",
           "setembro", "outubro", "novembro", "dezembro"),
}  # fmt: skip


def written_foreign_date(spec: FieldSpec, d: date, rng: random.Random) -> str:
    """``d`` as written on a form of the field's locale: in figures half the time
    (``27.04.2024``, ``04/27/2024``), else with the month's name in the locale's
    language (``27. April 2024``, ``1er mai 2024``, ``5 de marzo de 2024``)."""
    loc = locale_of(spec.locale)
    if rng.random() < 0.5 or loc.language not in WRITTEN_MONTHS:
        first, second = (d.month, d.day) if spec.date_order == "mdy" else (d.day, d.month)
        sep = "." if loc.language == "de" else rng.choice("/-.") if loc.language != "en" else "/"
        if rng.random() < 0.5:
            return f"{first:02d}{sep}{second:02d}{sep}{d.year}"
        return f"{first}{sep}{second}{sep}{d.year}"
    month = WRITTEN_MONTHS[loc.language][d.month - 1]
    shapes = {
        "en": f"{month} {d.day}, {d.year}" if spec.date_order == "mdy" else
              f"{d.day} {month} {d.year}",
        "de": f"{d.day}. {month} {d.year}",
        "fr": f"{'1er' if d.day == 1 else d.day} {month} {d.year}",
        "es": f"{d.day} de {month} de {d.year}",
        "it": f"{d.day} {month} {d.year}",
        "pt": f"{d.day} de {month} de {d.year}",
    }  # fmt: skip
    return shapes[loc.language]
