"""Amounts and other numbers: grouping, decimal separator, currency, sign, decimals.

The canonical value is a plain decimal string: ``.`` as decimal separator, no grouping,
no ``+``, no trailing zeros (``6.250,00 €`` → ``6250``, ``-1,234.50`` → ``-1234.5``).

How a separator is taken (``decimal`` is the field's declared separator, if any):

* two kinds (``1.234,56``): the last is the decimal separator, the other groups in
  threes; a declared ``decimal`` that is not the last is refused (``invalid_format``);
* one kind, several times (``1,234,567``): grouping in threes;
* one ``,`` or ``.`` before exactly three digits (``6,250``, ``6.250``): grouping or a
  decimal with three places. Nobody can tell from the text, and a handwritten comma
  and point are each read for the other (a handwritten ``6,250`` read ``6.250`` gave
  6.25 at 0.98): when the field says neither ``decimal`` nor ``decimals`` >= 3, it is
  flagged ``ambiguous_separator``. A declared separator that is the other character
  makes it grouping (``6,250`` on an en-US form); the value follows ja-JP (``.``
  decimal) when nothing is declared;
* one separator before another count of digits: the decimal separator (refused when the
  declared one is the other character: ``6,25`` on an en-US form).

``decimals`` is the most digits allowed after the decimal separator: more is refused
(``9,000`` read ``9.000`` on a ``decimals: 0`` field), except written cents of zeros
(``6250.00``, ``6250,-``).

A currency symbol or code is dropped from either end; only the field's declared
``currency`` (and its other spellings: ``$`` ``US$`` ``USD``) is accepted. With ``$``
declared and no symbol read, an amount that starts with ``5`` or ``8`` (or ``S``)
before more digits is flagged ``currency_lookalike``: a printed ``$0`` was read ``50``.
The text alone cannot tell a written ``50`` from it, so every such reading is flagged.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from ocr_service.reading.reasons import Parsed, Reason, accept, reject

CURRENCY_FAMILIES: tuple[frozenset[str], ...] = (
    frozenset({"$", "US$", "USD"}),
    frozenset({"€", "EUR"}),
    frozenset({"£", "GBP"}),
    frozenset({"¥", "円", "JPY"}),
    frozenset({"C$", "CAD"}),
    frozenset({"A$", "AUD"}),
    frozenset({"CHF"}),
)
"""Spellings of one currency: a field that declares one accepts the others."""
KNOWN_TOKENS = sorted({t for f in CURRENCY_FAMILIES for t in f}, key=len, reverse=True)
DOLLAR_LOOKALIKES = "58Ss"
"""What a ``$`` is read as (a printed ``$0`` read ``50``)."""
GROUPING_DIGITS = 3
DEFAULT_DECIMAL = "."
"""The decimal separator of ja-JP, the default locale: the value given to an ambiguous
reading (always flagged)."""
_BODY = re.compile(r"^(?:\d[\d.,]*|[.,]\d+)$")


def currency_family(currency: str) -> frozenset[str]:
    """The spellings of ``currency`` (itself alone when unknown)."""
    for family in CURRENCY_FAMILIES:
        if currency in family or currency.upper() in family:
            return family
    return frozenset({currency})


@dataclass(frozen=True)
class Amount:
    """The parts of a written amount: sign, the number's text, the currency written."""

    sign: str
    body: str
    symbols: tuple[str, ...]


def split_amount(text: str, declared: frozenset[str]) -> Amount:
    """Sign and currency (at either end, around the sign) taken off the number."""
    tokens = sorted({*KNOWN_TOKENS, *declared}, key=len, reverse=True)
    sign, symbols, rest = "", [], text
    for _ in range(2):
        if rest[:1] in "+-" and rest[:1] and not sign:
            sign, rest = rest[0], rest[1:]
        token = next((t for t in tokens if rest.upper().startswith(t.upper())), None)
        if token is not None:
            symbols.append(token)
            rest = rest[len(token) :]
    token = next((t for t in tokens if rest.upper().endswith(t.upper())), None)
    if token is not None and len(token) < len(rest):
        symbols.append(token)
        rest = rest[: -len(token)]
    return Amount(sign, rest, tuple(symbols))


def parse_amount(
    text: str,
    *,
    decimal: str | None = None,
    currency: str | None = None,
    decimals: int | None = None,
) -> Parsed:
    """An amount or number in canonical form (see the module docstring)."""
    declared = currency_family(currency) if currency else frozenset()
    amount = split_amount(text, declared)
    if any(s not in declared and s.upper() not in declared for s in amount.symbols):
        return reject(Reason.INVALID_FORMAT)  # another currency, or none declared
    body, lookalike = amount.body, False
    if "$" in declared and not amount.symbols and body[:1] in DOLLAR_LOOKALIKES:
        lookalike = len(body) > 1 and body[1].isdigit()
        if body[0] in "Ss":
            body = body[1:]
    if body.endswith((",-", ".-")):  # 6250,- : whole, no cents
        body = body[:-2]
    if not _BODY.match(body):
        return reject(Reason.INVALID_FORMAT)
    split = split_separators(body, decimal, decimals)
    if split is None:
        return reject(Reason.INVALID_FORMAT)
    whole, fraction, ambiguous = split
    if not decimals_allowed(fraction, decimals):
        return reject(Reason.INVALID_FORMAT)
    try:
        value = Decimal(f"{amount.sign}{whole or '0'}.{fraction or '0'}")
    except InvalidOperation:
        return reject(Reason.INVALID_FORMAT)
    canonical = format_number(value)
    if lookalike:
        return Parsed(canonical, Reason.CURRENCY_LOOKALIKE)
    if ambiguous:
        return Parsed(canonical, Reason.AMBIGUOUS_SEPARATOR)
    return accept(canonical)


def split_separators(
    body: str, decimal: str | None, decimals: int | None
) -> tuple[str, str, bool] | None:
    """(whole digits, fraction digits, ambiguous) or None when the separators do not
    make a number (see the module docstring)."""
    seps = [c for c in body if c in ".,"]
    if not seps:
        return body, "", False
    kinds = set(seps)
    last = seps[-1]
    if len(kinds) == 2:
        head, _, fraction = body.rpartition(last)
        if last in head or (decimal is not None and decimal != last):
            return None
        whole = grouped(head, ({*kinds} - {last}).pop())
        return (whole, fraction, False) if whole is not None else None
    if len(seps) > 1:
        whole = grouped(body, last)
        return (whole, "", False) if whole is not None and decimal != last else None
    head, _, tail = body.partition(last)
    could_group = len(tail) == GROUPING_DIGITS and grouped(body, last) is not None
    if could_group:
        if decimal is None:
            as_decimal = last == DEFAULT_DECIMAL
            return (head, tail, True) if as_decimal else (head + tail, "", True)
        if decimal != last:
            return head + tail, "", False
        sure = decimals is not None and decimals >= GROUPING_DIGITS
        return head, tail, not sure
    if decimal is not None and decimal != last:
        return None
    return head, tail, False


def grouped(text: str, sep: str) -> str | None:
    """The digits of ``text`` grouped in threes by ``sep`` (``1,234,567``), or None."""
    groups = text.split(sep)
    first, rest = groups[0], groups[1:]
    if not (1 <= len(first) <= GROUPING_DIGITS) or (first.startswith("0") and rest):
        return None
    if any(len(g) != GROUPING_DIGITS or not g.isdigit() for g in rest):
        return None
    return "".join(groups) if first.isdigit() else None


def decimals_allowed(fraction: str, decimals: int | None) -> bool:
    """At most ``decimals`` digits after the separator; written zero cents always pass."""
    if decimals is None or len(fraction) <= decimals:
        return True
    return len(fraction) <= 2 and set(fraction) == {"0"}


def format_number(value: Decimal) -> str:
    text = format(value, "f")
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text
