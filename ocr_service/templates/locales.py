"""The locales a template may declare, and the defaults each gives its fields.

A template's ``locale`` (``ja-JP`` when absent) gives every field that does not say
otherwise its ``country`` (phone, postal code), its ``date_order`` and its Tesseract
``language``; a declared locale also gives number fields their ``decimal`` separator.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

LocaleName = Literal[
    "ja-JP",
    "en-US",
    "en-GB",
    "en-CA",
    "fr-CA",
    "en-AU",
    "de-DE",
    "fr-FR",
    "es-ES",
    "it-IT",
    "pt-PT",
]
Country = Literal["JP", "US", "CA", "GB", "DE", "FR", "ES", "IT", "PT", "AU"]
DateOrder = Literal["ymd", "mdy", "dmy"]
DecimalMark = Literal[".", ","]

DEFAULT_LOCALE: LocaleName = "ja-JP"
DEFAULT_COUNTRY: Country = "JP"


@dataclass(frozen=True)
class Locale:
    name: str
    country: Country
    decimal: DecimalMark
    date_order: DateOrder
    language: str
    """The two-letter language of month names (``ja``: none)."""


LOCALES: dict[str, Locale] = {
    loc.name: loc
    for loc in (
        Locale("ja-JP", "JP", ".", "ymd", "ja"),
        Locale("en-US", "US", ".", "mdy", "en"),
        Locale("en-GB", "GB", ".", "dmy", "en"),
        Locale("en-CA", "CA", ".", "dmy", "en"),
        Locale("fr-CA", "CA", ",", "dmy", "fr"),
        Locale("en-AU", "AU", ".", "dmy", "en"),
        Locale("de-DE", "DE", ",", "dmy", "de"),
        Locale("fr-FR", "FR", ",", "dmy", "fr"),
        Locale("es-ES", "ES", ",", "dmy", "es"),
        Locale("it-IT", "IT", ",", "dmy", "it"),
        Locale("pt-PT", "PT", ",", "dmy", "pt"),
    )
}


ACCENTED_LETTERS: dict[str, str] = {
    "de": "äöüßÄÖÜ",
    "fr": "éèêëàâçîïôûùüÿœæÉÈÊËÀÂÇÎÏÔÛÙÜŸŒÆ",
    "es": "áéíóúñüÁÉÍÓÚÑÜ¿¡",
    "it": "àèéìíòóùúÀÈÉÌÍÒÓÙÚ",
    "pt": "ãõáéíóúâêôçàÃÕÁÉÍÓÚÂÊÔÇÀ",
}
"""Per language (``Locale.language``), the accented letters its words are written with:
read by the line recognizer as freely as ASCII on a form of that locale (English and
Japanese forms have none)."""


def accented_letters(name: str | None) -> str:
    """The accented letters of the locale ``name``'s language ("" for ja-JP, English)."""
    return ACCENTED_LETTERS.get(locale_of(name).language, "")


def locale_of(name: str | None) -> Locale:
    """The locale named ``name``; ``ja-JP`` for None."""
    return LOCALES[name or DEFAULT_LOCALE]
