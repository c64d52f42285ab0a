"""Form templates as validated data.

A template lives in ``templates_forms/<template_id>/template.yaml`` next to one
reference PNG of the blank form per page. Every coordinate is in reference-image
pixels; the reference DPI is stated per page.
"""

from __future__ import annotations

import re
from enum import StrEnum
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from ocr_service.templates.locales import (
    DEFAULT_COUNTRY,
    LOCALES,
    Country,
    DateOrder,
    DecimalMark,
    LocaleName,
    locale_of,
)

BBox = Annotated[list[int], Field(min_length=4, max_length=4)]
"""``[x, y, w, h]`` in reference-image pixels."""

NAME_RE = re.compile(r"^[a-z][a-z0-9_]*$")

Content = Literal[
    "full_name",
    "surname",
    "given_name",
    "birth_name",
    "title",
    "sex",
    "street",
    "address",
    "city_line",
    "city",
    "postcode",
    "region",
    "country_name",
    "place_of_birth",
    "nationality",
    "date_of_birth",
    "date_of_issue",
    "date_of_expiry",
    "date",
    "passport_number",
    "id_number",
    "tax_id",
    "occupation",
    "organisation",
    "amount",
    "count",
    "phone",
    "email",
    "code",
]
"""What a field holds, for the synthetic generator (``synth.locales``) and the rules:
people (``full_name``, ``surname``, ``given_name``, ``birth_name``, ``title``, ``sex``),
places (``street``, ``address`` — a whole address on one line, ``city_line`` — town and
postcode (a US "City, ST 12345"), ``city``, ``postcode``,
``region``, ``country_name``, ``place_of_birth``, ``nationality``), dates
(``date_of_birth``, ``date_of_issue``, ``date_of_expiry``, ``date``), identifiers
(``passport_number``, ``id_number``, ``tax_id``, ``code``), work (``occupation``,
``organisation``), and ``amount``, ``count``, ``phone``, ``email``."""


class FieldType(StrEnum):
    TEXT = "text"
    KANA = "kana"
    DIGITS = "digits"
    NUMBER = "number"
    DATE = "date"
    POSTAL_CODE = "postal_code"
    PHONE = "phone"
    EMAIL = "email"
    CHECKBOX = "checkbox"
    CHOICE = "choice"
    BOXED = "boxed"
    MARK = "mark"
    TIME = "time"


#: Types whose value is decided from ink, not from OCR text.
INK_TYPES = frozenset({FieldType.CHECKBOX, FieldType.CHOICE, FieldType.MARK})


class Language(StrEnum):
    JPN = "jpn"
    ENG = "eng"
    JPN_ENG = "jpn+eng"


CHARSETS: dict[str, str] = {
    "digits": "0123456789",
    "latin": "ABCDEFGHIJKLMNOPQRSTUVWXYZ",
    "alnum": "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789",
    "katakana": "".join(chr(c) for c in range(0x30A1, 0x30FB)) + "ー",
}
"""The named ``charset`` values of boxed fields: one character a box from this set
(``latin``/``alnum``: capital letters; ``katakana``: full-width katakana and ー)."""
NUMBER_KEYS = ("decimal", "currency", "decimals")
CURRENCY_CHARS = re.compile(r"^[^\d\s.,+-]{1,4}$")


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


def _check_bbox(v: list[int]) -> list[int]:
    x, y, w, h = v
    if x < 0 or y < 0:
        raise ValueError(f"bbox {v} starts at a negative coordinate")
    if w <= 0 or h <= 0:
        raise ValueError(f"bbox {v} has no area (w and h must be > 0)")
    return v


class Option(Strict):
    """One option zone of a choice field."""

    value: str = Field(min_length=1)
    label: str | None = None
    bbox: BBox

    _bbox = field_validator("bbox")(_check_bbox)


class FieldSpec(Strict):
    """One field zone of a template."""

    name: str
    label: str = Field(min_length=1)
    page: int = Field(default=1, ge=1)
    bbox: BBox
    type: FieldType
    language: Language = Language.JPN
    required: bool = False
    pattern: str | None = None
    threshold: float | None = Field(default=None, ge=0.0, le=1.0)
    """Review threshold: the field is flagged when its confidence is under it."""
    multiline: bool = False
    psm: int | None = Field(default=None, ge=0, le=13)
    """Tesseract page-segmentation mode override."""
    whitelist: str | None = None
    options: list[Option] = Field(default_factory=list)
    boxes: list[BBox] = Field(default_factory=list)
    min: float | None = None
    max: float | None = None
    min_length: int | None = Field(default=None, ge=0)
    max_length: int | None = Field(default=None, ge=1)
    check_digit: Literal["mynumber", "de_steuer_id"] | None = None
    vocabulary: (
        Literal[
            "prefecture",
            "municipality",
            "era",
            "us_city_state_zip",
            "us_street_address",
            "email_domain",
        ]
        | None
    ) = None
    """A closed vocabulary the value is checked (and near misses corrected) against;
    ``us_city_state_zip``: a US "City, ST 12345" line with a USPS state code;
    ``us_street_address``: a US street line whose suffix (Trail, Cliff) and unit word
    (Apt., Suite) are USPS's; ``email_domain``: an e-mail address whose domain is a near
    miss of a common mail provider's."""
    address_field: str | None = None
    """For postal_code fields: the address field whose start must match the code."""
    reading_of: str | None = None
    """For kana fields: the (text) name field this field is the reading of (フリガナ of
    氏名); the two are checked against each other (see reading/kana.py)."""
    content: Content | None = None
    """What the field holds (a surname, a street, an amount...): the synthetic generator
    writes a plausible value of that kind in the template's language. See :data:`Content`."""
    kana: Literal["katakana", "hiragana"] = "katakana"
    """For kana fields: the script values are normalized to."""
    date_style: Literal["wareki", "western", "any"] = "any"
    date_order: DateOrder = "ymd"
    """For western dates: how a date with the year last is read. ``ymd`` (Japan) accepts
    only year-first dates; ``mdy`` (US forms) also reads 06/01/2024 as June 1, ``dmy``
    (European forms) as 6 January. Year-first dates are read on every form. Absent: the
    field's (or template's) locale decides (ja-JP ymd, en-US mdy, others dmy)."""
    locale: LocaleName | None = None
    """The field's locale; absent, the template's (see :mod:`~ocr_service.templates.locales`)."""
    country: Country | None = None
    """For phone and postal_code fields: whose numbers they are; absent, the locale's."""
    decimal: DecimalMark | None = None
    """For number fields: the decimal separator; absent, a declared locale's. When neither
    says, one ``,`` or ``.`` before exactly three digits is flagged ``ambiguous_separator``."""
    currency: str | None = None
    """For number fields: a currency symbol or code ($, €, £, ¥, 円, EUR) that may be
    written with the amount and is dropped from the value."""
    decimals: int | None = Field(default=None, ge=0)
    """For number fields: the most digits allowed after the decimal separator (0: whole)."""
    charset: str | None = None
    """For boxed fields: what one box may hold: ``digits`` (default), ``latin``,
    ``alnum``, ``katakana`` (see :data:`CHARSETS`) or the characters themselves."""

    _bbox = field_validator("bbox")(_check_bbox)

    @model_validator(mode="before")
    @classmethod
    def _locale_defaults(cls, data: Any) -> Any:
        """A declared locale gives ``date_order`` and ``language`` when the field does not."""
        if not isinstance(data, dict) or data.get("locale") not in LOCALES:
            return data
        loc = locale_of(data["locale"])
        defaults: dict[str, str] = {"date_order": loc.date_order}
        if loc.language != "ja":
            defaults["language"] = "eng"
        return {**defaults, **data}

    @property
    def country_code(self) -> Country:
        """The field's country: its own, else its locale's, else JP."""
        if self.country is not None:
            return self.country
        return locale_of(self.locale).country if self.locale else DEFAULT_COUNTRY

    @property
    def decimal_mark(self) -> DecimalMark | None:
        """The declared decimal separator (the field's, else a declared locale's), or None."""
        if self.decimal is not None:
            return self.decimal
        return locale_of(self.locale).decimal if self.locale else None

    @property
    def box_chars(self) -> str:
        """The characters one box of a boxed field may hold."""
        return CHARSETS.get(self.charset or "digits", self.charset or "")

    @property
    def digit_boxes(self) -> bool:
        """A boxed field of digits alone (the default charset, or a digit whitelist)."""
        chars = self.whitelist or self.box_chars
        return self.type is FieldType.BOXED and set(chars) <= set(CHARSETS["digits"])

    @field_validator("currency")
    @classmethod
    def _currency(cls, v: str | None) -> str | None:
        if v is not None and not CURRENCY_CHARS.match(v):
            raise ValueError(
                f"currency {v!r} must be a symbol or code of 1-4 characters without digits, "
                'spaces or separators, e.g. "$", "€", "£", "¥", "円" or "EUR"'
            )
        return v

    @field_validator("charset")
    @classmethod
    def _charset(cls, v: str | None) -> str | None:
        if v is not None and v not in CHARSETS and (not v or any(c.isspace() for c in v)):
            named = ", ".join(CHARSETS)
            raise ValueError(
                f"charset {v!r} must be one of {named}, or the characters a box may hold "
                '(no spaces), e.g. "0123456789X"'
            )
        return v

    @field_validator("name")
    @classmethod
    def _snake_case(cls, v: str) -> str:
        if not NAME_RE.match(v):
            raise ValueError(f"name {v!r} is not snake_case (a-z, 0-9, _; starts with a letter)")
        return v

    @field_validator("pattern")
    @classmethod
    def _compiles(cls, v: str | None) -> str | None:
        if v is not None:
            try:
                re.compile(v)
            except re.error as exc:
                raise ValueError(f"pattern {v!r} is not a valid regular expression: {exc}") from exc
        return v

    @field_validator("boxes")
    @classmethod
    def _boxes(cls, v: list[list[int]]) -> list[list[int]]:
        for b in v:
            _check_bbox(b)
        return v

    @model_validator(mode="after")
    def _type_rules(self) -> FieldSpec:
        if self.type is FieldType.CHOICE:
            if len(self.options) < 2:
                raise ValueError("a choice field needs at least two options")
            values = [o.value for o in self.options]
            if len(set(values)) != len(values):
                raise ValueError("choice option values must be unique")
            for i, a in enumerate(self.options):
                if not _inside(a.bbox, self.bbox):
                    raise ValueError(
                        f"option {a.value!r} zone {a.bbox} lies outside the field bbox"
                    )
                for b in self.options[i + 1 :]:
                    if _overlap(a.bbox, b.bbox):
                        raise ValueError(
                            f"option zones {a.value!r} {a.bbox} and {b.value!r} {b.bbox} overlap"
                        )
        elif self.options:
            raise ValueError(f"options are only for choice fields, not {self.type.value}")
        if self.type is FieldType.BOXED:
            if not self.boxes:
                raise ValueError("a boxed field needs its boxes (one [x, y, w, h] per character)")
            for i, box in enumerate(self.boxes):
                if not _inside(box, self.bbox):
                    raise ValueError(f"box {i} {box} lies outside the field bbox")
                for other in self.boxes[i + 1 :]:
                    if _overlap(box, other):
                        raise ValueError(f"boxes {box} and {other} overlap")
        elif self.boxes:
            raise ValueError(f"boxes are only for boxed fields, not {self.type.value}")
        if self.check_digit and self.type not in (FieldType.BOXED, FieldType.DIGITS):
            raise ValueError("check_digit applies to digits or boxed fields only")
        if self.address_field and self.type is not FieldType.POSTAL_CODE:
            raise ValueError("address_field applies to postal_code fields only")
        if self.reading_of and self.type is not FieldType.KANA:
            raise ValueError("reading_of applies to kana fields only")
        if self.address_field and self.country_code != "JP":
            raise ValueError(
                "address_field checks Japanese postal codes against the address; "
                f"remove it for a {self.country_code} postal code"
            )
        self._option_keys()
        return self

    def _option_keys(self) -> None:
        """Keys that belong to one type: refused elsewhere, saying where they go."""
        for key in NUMBER_KEYS:
            if getattr(self, key) is not None and self.type is not FieldType.NUMBER:
                raise ValueError(
                    f"{key} applies to number fields only (this field is {self.type.value}); "
                    "remove it or write type: number"
                )
        where = (FieldType.PHONE, FieldType.POSTAL_CODE)
        if self.country is not None and self.type not in where:
            raise ValueError(
                f"country applies to phone and postal_code fields only (this field is "
                f"{self.type.value}); remove it, or set the template's locale"
            )
        if self.charset is not None and self.type is not FieldType.BOXED:
            raise ValueError(
                f"charset applies to boxed fields only (this field is {self.type.value}); "
                "use whitelist to limit what a text field is read with"
            )
        if self.charset is not None and self.whitelist is not None:
            raise ValueError(
                "a boxed field takes charset or whitelist, not both: remove whitelist "
                f"(charset {self.charset!r} already says what a box may hold)"
            )


class PageSource(Strict):
    """Where a reference PNG that may not be shipped is rendered from."""

    pdf: str = Field(min_length=1)
    """The blank form, relative to the realforms root (``OCR_REALFORMS_DIR``, default
    ``<repo>/../shared/realforms``), e.g. ``plume/fixtures/de_kindergeld_acroform.pdf``."""
    page: int = Field(default=1, ge=1)
    """The PDF page (1-based) this template page is."""

    @field_validator("pdf")
    @classmethod
    def _relative(cls, v: str) -> str:
        parts = v.replace("\\", "/").split("/")
        if v.startswith("/") or ".." in parts:
            raise ValueError(
                f"source pdf {v!r} must be a path inside the realforms root "
                "(relative, without '..'), e.g. plume/fixtures/form.pdf"
            )
        return v


class PageSpec(Strict):
    page: int = Field(ge=1)
    image: str = Field(min_length=1)
    """Reference PNG, relative to the template folder."""
    source: PageSource | None = None
    """For a form that may not be shipped: the PDF page the reference PNG is rendered from
    (at ``dpi``, checked against ``width`` and ``height``) when the PNG is missing."""
    dpi: int = Field(ge=72, le=1200)
    width: int = Field(gt=0)
    height: int = Field(gt=0)


class Template(Strict):
    id: str
    name: str = Field(min_length=1)
    version: str | int = 1
    description: str = ""
    source: str | None = None
    """Where the blank form came from (for forms we did not design)."""
    locale: LocaleName | None = None
    """The form's locale (ja-JP when absent): defaults for every field's country,
    decimal separator, date order and language (see :mod:`~ocr_service.templates.locales`)."""
    pages: list[PageSpec] = Field(min_length=1)
    fields: list[FieldSpec] = Field(min_length=1)

    @model_validator(mode="before")
    @classmethod
    def _field_locales(cls, data: Any) -> Any:
        """Every field without a locale of its own takes the template's."""
        if not isinstance(data, dict) or data.get("locale") not in LOCALES:
            return data
        fields = data.get("fields")
        if not isinstance(fields, list):
            return data
        return {**data, "fields": [_with_locale(f, data["locale"]) for f in fields]}

    @field_validator("id")
    @classmethod
    def _id(cls, v: str) -> str:
        if not re.match(r"^[a-z0-9][a-z0-9_-]*$", v):
            raise ValueError(f"template id {v!r} must be lower-case letters, digits, - or _")
        return v

    @model_validator(mode="after")
    def _consistent(self) -> Template:
        numbers = [p.page for p in self.pages]
        if numbers != list(range(1, len(numbers) + 1)):
            raise ValueError(f"pages must be numbered 1..n in order, got {numbers}")
        seen: set[str] = set()
        for f in self.fields:
            if f.name in seen:
                raise ValueError(f"field {f.name!r}: duplicate name")
            seen.add(f.name)
            if f.page > len(self.pages):
                raise ValueError(f"field {f.name!r}: page {f.page} does not exist")
            page = self.pages[f.page - 1]
            x, y, w, h = f.bbox
            if x + w > page.width or y + h > page.height:
                raise ValueError(
                    f"field {f.name!r}: zone {f.bbox} falls off page {f.page} "
                    f"({page.width}x{page.height})"
                )
        for f in self.fields:
            if f.address_field and f.address_field not in seen:
                raise ValueError(f"field {f.name!r}: address_field {f.address_field!r} is unknown")
            if f.reading_of is not None:
                self._check_reading_of(f)
        return self

    def _check_reading_of(self, spec: FieldSpec) -> None:
        target = next((f for f in self.fields if f.name == spec.reading_of), None)
        if target is None:
            raise ValueError(f"field {spec.name!r}: reading_of {spec.reading_of!r} is unknown")
        if target.type is not FieldType.TEXT:
            raise ValueError(
                f"field {spec.name!r}: reading_of {spec.reading_of!r} must be a text field,"
                f" not {target.type.value}"
            )

    def field(self, name: str) -> FieldSpec:
        for f in self.fields:
            if f.name == name:
                return f
        raise KeyError(name)

    def fields_on(self, page: int) -> list[FieldSpec]:
        return [f for f in self.fields if f.page == page]

    def contract(self, folder: Any) -> dict[str, Any]:
        """The ``templates show --json`` contract (``folder`` is the template's Path)."""
        pages = [
            {
                "page": p.page,
                "image": str((folder / p.image).resolve()),
                "width": p.width,
                "height": p.height,
                "dpi": p.dpi,
            }
            for p in self.pages
        ]
        fields: list[dict[str, Any]] = []
        for f in self.fields:
            item: dict[str, Any] = {
                "name": f.name,
                "label": f.label,
                "type": f.type.value,
                "page": f.page,
                "bbox": list(f.bbox),
                "language": f.language.value,
                "required": f.required,
            }
            if f.pattern is not None:
                item["pattern"] = f.pattern
            if f.threshold is not None:
                item["threshold"] = f.threshold
            if f.content is not None:
                item["content"] = f.content
            if f.type is FieldType.CHOICE:
                item["options"] = [{"value": o.value, "bbox": list(o.bbox)} for o in f.options]
            if f.type is FieldType.BOXED:
                item["boxes"] = [list(b) for b in f.boxes]
            for key in ("locale", "country", "charset", *NUMBER_KEYS):
                if getattr(f, key) is not None:
                    item[key] = getattr(f, key)
            fields.append(item)
        contract: dict[str, Any] = {
            "id": self.id,
            "name": self.name,
            "version": self.version,
            "pages": pages,
            "fields": fields,
        }
        if self.locale is not None:
            contract["locale"] = self.locale
        return contract


def _with_locale(spec: object, locale: str) -> object:
    """A field (raw mapping or FieldSpec) with ``locale`` unless it declares its own."""
    if isinstance(spec, dict):
        return spec if "locale" in spec else {**spec, "locale": locale}
    if isinstance(spec, FieldSpec) and "locale" not in spec.model_fields_set:
        return {**spec.model_dump(exclude_unset=True), "locale": locale}
    return spec


def _overlap(a: list[int], b: list[int]) -> bool:
    ax, ay, aw, ah = a
    bx, by, bw, bh = b
    return ax < bx + bw and bx < ax + aw and ay < by + bh and by < ay + ah


def _inside(inner: list[int], outer: list[int]) -> bool:
    ix, iy, iw, ih = inner
    ox, oy, ow, oh = outer
    return ix >= ox and iy >= oy and ix + iw <= ox + ow and iy + ih <= oy + oh
