"""Values for forms of other countries, by what each field holds (its ``content``).

A template whose fields say what they hold (``content: surname``, ``street``,
``date_of_birth``, ``tax_id``...) gets values made in its own locale: Faker's names,
streets, towns and companies of that country, the country's postcodes and phone numbers
(:mod:`~ocr_service.synth.foreign`), nationalities and sex written in the form's
language, and codes shaped by the field's ``pattern`` (``^[0-9]{3}F[0-9]{6}$`` gives
``482F061937``). Every value is the truth in the reading contract's form; how it is
written (``15.03.1990``, ``+49 30 1234567``, ``4.000 €``) is decided at render time
by :func:`~ocr_service.synth.values.written_form`.
"""

from __future__ import annotations

import random
import re
import string
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta

from faker import Faker

from ocr_service.reading.checks import (
    MYNUMBER_LENGTH,
    STEUER_ID_LENGTH,
    mynumber_check_digit,
    steuer_id_check_digit,
)
from ocr_service.synth.foreign import make_amount
from ocr_service.synth.values import (
    BLANK_RATE,
    TODAY,
    Value,
    make_phone,
    make_postcode,
    random_date,
    seeded_faker,
)
from ocr_service.templates.locales import locale_of
from ocr_service.templates.model import FieldSpec, FieldType, Template

FAKER_LOCALES = {
    "en-US": "en_US",
    "en-GB": "en_GB",
    "en-CA": "en_CA",
    "fr-CA": "fr_CA",
    "en-AU": "en_AU",
    "de-DE": "de_DE",
    "fr-FR": "fr_FR",
    "es-ES": "es_ES",
    "it-IT": "it_IT",
    "pt-PT": "pt_PT",
}

# (male, female) as a person writes it in a "sex" box, by language
SEX_WORDS = {
    "de": ("männlich", "weiblich"),
    "fr": ("masculin", "féminin"),
    "es": ("hombre", "mujer"),
    "it": ("maschile", "femminile"),
    "pt": ("masculino", "feminino"),
    "en": ("male", "female"),
}
NATIONALITIES = {
    "de": ("deutsch", "französisch", "italienisch", "polnisch", "türkisch", "spanisch",
           "österreichisch", "niederländisch", "rumänisch", "griechisch"),
    "fr": ("française", "allemande", "italienne", "espagnole", "portugaise", "belge",
           "marocaine", "algérienne", "suisse", "polonaise"),
    "es": ("española", "francesa", "italiana", "portuguesa", "alemana", "marroquí",
           "colombiana", "rumana", "argentina", "peruana"),
    "it": ("italiana", "francese", "tedesca", "spagnola", "rumena", "albanese",
           "marocchina", "cinese", "ucraina", "polacca"),
    "pt": ("portuguesa", "brasileira", "francesa", "espanhola", "angolana", "italiana",
           "cabo-verdiana", "alemã", "ucraniana", "romena"),
    "en": ("American", "British", "French", "German", "Italian", "Spanish", "Portuguese",
           "Indian", "Canadian", "Australian", "Irish", "Polish"),
}  # fmt: skip
COUNTRIES = {
    "de": ("Deutschland", "Frankreich", "Italien", "Spanien", "Österreich", "Polen",
           "Türkei", "Schweiz", "Niederlande", "Belgien"),
    "fr": ("France", "Allemagne", "Italie", "Espagne", "Belgique", "Suisse", "Portugal",
           "Maroc", "Algérie", "Canada"),
    "es": ("España", "Francia", "Italia", "Portugal", "Alemania", "Marruecos", "Colombia",
           "Argentina", "México", "Perú"),
    "it": ("Italia", "Francia", "Germania", "Spagna", "Svizzera", "Austria", "Romania",
           "Albania", "Grecia", "Belgio"),
    "pt": ("Portugal", "Brasil", "Espanha", "França", "Angola", "Moçambique",
           "Cabo Verde", "Alemanha", "Itália", "Suíça"),
    "en": ("United States", "United Kingdom", "France", "Germany", "Italy", "Spain",
           "Portugal", "Canada", "Australia", "Ireland", "India", "Mexico"),
}  # fmt: skip
TITLES = {
    "de": ("Dr.", "Prof.", "Dr. med.", "Prof. Dr."),
    "fr": ("Dr", "Pr", "Me"),
    "es": ("Dr.", "Dra.", "Lic."),
    "it": ("Dott.", "Dott.ssa", "Ing.", "Avv."),
    "pt": ("Dr.", "Dra.", "Eng."),
    "en": ("Dr", "Prof", "Mr", "Ms", "Mrs"),
}
SPANISH_NIF_LETTERS = "TRWAGMYFPDXBNJZSQVHLCKE"
SPANISH_PERSON_NIF = "^([0-9]{8}|[XYZ][0-9]{7})[A-Z]$"
"""The pattern of a person's NIF (DNI or NIE), which :func:`spanish_nif` fills."""


@dataclass(frozen=True)
class Applicant:
    """One person filling one form, in the form's locale."""

    given: str
    surname: str
    birth_name: str
    male: bool
    birth: date
    street: str
    postcode: str
    city: str
    region: str


def faker_for(template: Template, rng: random.Random) -> Faker:
    return seeded_faker(rng, FAKER_LOCALES.get(template.locale or "", "en_US"))


def language_of(template: Template) -> str:
    return locale_of(template.locale).language if template.locale else "en"


def make_applicant(fake: Faker, rng: random.Random, country: str, *, us: bool) -> Applicant:
    male = rng.random() < 0.5
    given = fake.first_name_male() if male else fake.first_name_female()
    region = str(fake.state_abbr()) if us else str(fake.administrative_unit())
    return Applicant(
        given=str(given),
        surname=str(fake.last_name()),
        birth_name=str(fake.last_name()),
        male=male,
        birth=random_date(rng, date(1940, 1, 1), date(2005, 12, 31)),
        street=one_line(str(fake.street_address())),
        postcode=make_postcode(country, rng),
        city=str(fake.city()),
        region=region,
    )


def one_line(text: str) -> str:
    return " ".join(text.split())


def city_line(a: Applicant, lang: str, country: str) -> str:
    """Town and postcode in the country's order: ``Springfield, IL 62704``,
    ``Leeds LS1 4AP``, ``32588 Düren``."""
    if country == "US":
        return f"{a.city}, {a.region} {a.postcode}"
    if lang == "en":
        return f"{a.city} {a.postcode}"
    return f"{a.postcode} {a.city}"


def address_line(a: Applicant, lang: str, country: str) -> str:
    """A whole postal address on one line, in the country's order."""
    return f"{a.street}, {city_line(a, lang, country)}"


# ---------------------------------------------------------------- codes from patterns

_TOKEN = re.compile(r"\\(.)|\[([^\]]+)\]|(.)")
_QUANT = re.compile(r"\{(\d+)(?:,(\d+))?\}|([?+*])")


def _class_chars(body: str) -> str:
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


def from_pattern(pattern: str, rng: random.Random) -> str | None:
    """A string matching a simple anchored pattern (literals, ``[classes]``, ``{n}``,
    ``{n,m}``, ``?``); None for anything richer (alternation, groups)."""
    body = pattern.removeprefix("^").removesuffix("$")
    if any(c in body for c in "()|"):
        return None
    out: list[str] = []
    pos = 0
    while pos < len(body):
        tok = _TOKEN.match(body, pos)
        if tok is None:
            return None
        pos = tok.end()
        chars = _class_chars(tok[2]) if tok[2] else (tok[1] or tok[3])
        if chars == "d" and tok[1]:
            chars = string.digits
        low = high = 1
        quant = _QUANT.match(body, pos)
        if quant:
            pos = quant.end()
            if quant[3]:
                low, high = {"?": (0, 1), "+": (1, 3), "*": (0, 3)}[quant[3]]
            else:
                low = int(quant[1])
                high = int(quant[2]) if quant[2] else low
        out.extend(rng.choice(chars) for _ in range(rng.randint(low, high)))
    text = "".join(out)
    return text if re.fullmatch(pattern, text) else None


def spanish_nif(rng: random.Random) -> str:
    """A DNI (8 digits) or, one time in four, an NIE (X, Y or Z and 7 digits), with its
    check letter."""
    if rng.random() < 0.25:
        lead = rng.randrange(3)
        number = rng.randint(0, 9_999_999)
        check = SPANISH_NIF_LETTERS[(lead * 10_000_000 + number) % 23]
        return f"{'XYZ'[lead]}{number:07d}{check}"
    number = rng.randint(10_000_000, 99_999_999)
    return f"{number}{SPANISH_NIF_LETTERS[number % 23]}"


def with_check_digit(spec: FieldSpec, drawn: str) -> str:
    """``drawn`` with its last digit replaced by the check digit the field declares (the
    same random draws as without one, so the rest of the page is unchanged)."""
    if spec.check_digit == "de_steuer_id" and len(drawn) == STEUER_ID_LENGTH:
        body = ("1" + drawn[1:-1]) if drawn[0] == "0" else drawn[:-1]
        return body + str(steuer_id_check_digit(body))
    if spec.check_digit == "mynumber" and len(drawn) == MYNUMBER_LENGTH:
        return drawn[:-1] + str(mynumber_check_digit(drawn[:-1]))
    return drawn


def code_for(spec: FieldSpec, rng: random.Random) -> str:
    """An identifier or code shaped as the field asks: its boxes, its pattern, its length."""
    n_boxes = len(spec.boxes)
    if spec.type is FieldType.BOXED:
        chars = spec.box_chars or string.digits
        drawn = "".join(rng.choice(chars) for _ in range(n_boxes))
        return with_check_digit(spec, drawn)
    if spec.pattern == SPANISH_PERSON_NIF:
        return spanish_nif(rng)
    if spec.pattern and (made := from_pattern(spec.pattern, rng)):
        return made
    if spec.type is FieldType.DIGITS:
        n = rng.randint(spec.min_length or 4, spec.max_length or spec.min_length or 8)
        return "".join(rng.choice(string.digits) for _ in range(n))
    letters = "".join(rng.choice(string.ascii_uppercase) for _ in range(2))
    return letters + "".join(rng.choice(string.digits) for _ in range(7))


# ---------------------------------------------------------------- one field


@dataclass(frozen=True)
class Context:
    fake: Faker
    applicant: Applicant
    lang: str
    country: str

    def of(self, spec: FieldSpec, partner: Applicant) -> Context:
        """The context of the person a field is about: a field named ``*_partner`` (the
        Kindergeld's spouse block) is about the partner."""
        if spec.name.endswith("_partner"):
            return Context(self.fake, partner, self.lang, self.country)
        return self


Maker = Callable[[Context, FieldSpec, random.Random], str]


def _other_name(c: Context, s: FieldSpec, r: random.Random) -> str:
    return f"{c.fake.first_name()} {c.fake.last_name()}"


def _date_between(start: date, end: date) -> Callable[[Context, FieldSpec, random.Random], str]:
    return lambda c, s, r: random_date(r, start, end).isoformat()


def _expiry(c: Context, s: FieldSpec, r: random.Random) -> str:
    return random_date(r, TODAY + timedelta(days=30), TODAY + timedelta(days=3650)).isoformat()


def _count(c: Context, s: FieldSpec, r: random.Random) -> str:
    low = int(s.min) if s.min is not None else 0
    high = int(s.max) if s.max is not None else 9
    return str(r.randint(low, min(high, low + 9)))


BY_CONTENT: dict[str, Maker] = {
    "surname": lambda c, s, r: c.applicant.surname,
    "given_name": lambda c, s, r: c.applicant.given,
    "full_name": lambda c, s, r: f"{c.applicant.given} {c.applicant.surname}",
    "birth_name": lambda c, s, r: c.applicant.birth_name,
    "title": lambda c, s, r: r.choice(TITLES[c.lang]),
    "sex": lambda c, s, r: SEX_WORDS[c.lang][0 if c.applicant.male else 1],
    "street": lambda c, s, r: c.applicant.street,
    "address": lambda c, s, r: address_line(c.applicant, c.lang, c.country),
    "city_line": lambda c, s, r: city_line(c.applicant, c.lang, c.country),
    "city": lambda c, s, r: c.applicant.city,
    "place_of_birth": lambda c, s, r: str(c.fake.city()),
    "postcode": lambda c, s, r: c.applicant.postcode,
    "region": lambda c, s, r: c.applicant.region,
    "country_name": lambda c, s, r: r.choice(COUNTRIES[c.lang]),
    "nationality": lambda c, s, r: r.choice(NATIONALITIES[c.lang]),
    "date_of_birth": lambda c, s, r: c.applicant.birth.isoformat(),
    "date_of_issue": _date_between(date(2015, 1, 1), TODAY),
    "date_of_expiry": _expiry,
    "date": _date_between(TODAY - timedelta(days=700), TODAY),
    "occupation": lambda c, s, r: one_line(str(c.fake.job())),
    "organisation": lambda c, s, r: one_line(str(c.fake.company())),
    "email": lambda c, s, r: ascii_email(str(c.fake.free_email())),
    "count": _count,
    "amount": lambda c, s, r: make_amount(s, r),
}


def ascii_email(address: str) -> str:
    folded = unicodedata.normalize("NFKD", address).encode("ascii", "ignore").decode()
    return folded.lower()


def local_value(c: Context, spec: FieldSpec, rng: random.Random) -> Value:
    """The truth of one field: ink types by chance, the rest by ``content`` and type."""
    t = spec.type
    if t is FieldType.CHECKBOX:
        return rng.random() < 0.4
    if t is FieldType.MARK:
        return spec.required or rng.random() < 0.8
    if t is FieldType.CHOICE:
        return rng.choice(spec.options).value
    content = spec.content
    if t is FieldType.PHONE:
        return make_phone(spec.country_code, rng)
    if t is FieldType.POSTAL_CODE:
        return (
            c.applicant.postcode if content == "postcode" else make_postcode(spec.country_code, rng)
        )
    if t is FieldType.EMAIL:
        return BY_CONTENT["email"](c, spec, rng)
    if t is FieldType.NUMBER:
        return _count(c, spec, rng) if content == "count" else make_amount(spec, rng)
    if t is FieldType.DATE:
        maker = BY_CONTENT.get(content or "date", BY_CONTENT["date"])
        return maker(c, spec, rng)
    if content in BY_CONTENT and t is FieldType.TEXT and not spec.pattern:
        return BY_CONTENT[content](c, spec, rng)
    if content in ("surname", "given_name", "region") and spec.pattern:
        made = BY_CONTENT[content](c, spec, rng)
        if re.fullmatch(spec.pattern, made):
            return made
    if (
        t in (FieldType.BOXED, FieldType.DIGITS)
        or spec.pattern
        or content
        in (
            "code",
            "id_number",
            "tax_id",
            "passport_number",
        )
    ):
        return code_for(spec, rng)
    return _other_name(c, spec, rng)


def generate_local_values(template: Template, rng: random.Random) -> dict[str, Value]:
    """Truth values for every field on page 1 of ``template``, in its own locale."""
    fake = faker_for(template, rng)
    country = locale_of(template.locale).country if template.locale else "US"
    applicant = make_applicant(fake, rng, country, us=country == "US")
    partner = make_applicant(fake, rng, country, us=country == "US")
    context = Context(fake=fake, applicant=applicant, lang=language_of(template), country=country)
    values: dict[str, Value] = {}
    for spec in template.fields_on(1):
        values[spec.name] = local_value(context.of(spec, partner), spec, rng)
        blank = not spec.required and spec.type not in (FieldType.CHECKBOX, FieldType.MARK)
        if blank and rng.random() < BLANK_RATE:
            values[spec.name] = None
    return values
