"""Settle where two readings of an English line differ only in their spaces.

The line recognizer and Tesseract often agree on every character of an English line and
differ only in a space. Each has its own failure: the line recognizer drops the space
between two words set close (``37143KatieViaduct``, ``AdrianaJohnson``, ``andSullivan``)
or splits a number (``81 308``); Tesseract splits a word at a wide letter gap
(``Hal l-Green``, ``Jeffrey bury``, ``7841 4-620``) and reads a far-off speck as
punctuation three or more spaces away, which is dropped first. In a full benchmark run
(seed 2024), 6 of the 25 W-9 print misses were wrong in a space alone; in the 5 traced,
Tesseract had the spaces right.

English spelling settles most of them. A space belongs:

- before a capitalized word run into what precedes it: a lowercase letter or a digit,
  then an uppercase letter, then a lowercase one (``aJo``, ``3Ka``);
- after a comma followed by a letter;

and does not belong between two digits. Any other difference is left unsettled (the
readings disagree, as before): between two lowercase letters, either kind of mistake
happens.
"""

from __future__ import annotations

import re

from ocr_service.ocr.base import OcrResult


def respace(first: OcrResult, second: OcrResult) -> OcrResult | None:
    """``first`` with its spaces settled against ``second``, when the two differ only
    in spaces and every difference is settled by spelling; else None."""
    a, b = first.text.strip(), _without_far_junk(second.text).strip()
    if a == b or _squeezed(a) != _squeezed(b):
        return None
    chars = _squeezed(a)
    spaced_a, spaced_b = _spaced_before(a), _spaced_before(b)
    text: list[str] = []
    for k, char in enumerate(chars):
        if k:
            space = spaced_a[k]
            if spaced_b[k] != space:
                settled = _space_belongs(chars, k)
                if settled is None:
                    return None
                space = settled
            if space:
                text.append(" ")
        text.append(char)
    merged = "".join(text)
    return OcrResult(merged, _confidences(first, merged))


FAR_JUNK = re.compile(r"^[^\w\n]+ {3,}|(?<=\S) {3,}[^\w\n]+$")
"""Punctuation at an edge of a Tesseract line, three or more spaces away from the text:
a speck far off in the zone (``Adriana Johnson      +``)."""


def _without_far_junk(text: str) -> str:
    return FAR_JUNK.sub("", text.strip())


def _squeezed(text: str) -> str:
    return text.replace(" ", "")


def _spaced_before(text: str) -> list[bool]:
    """Per non-space character of ``text``: is it preceded by a space?"""
    out: list[bool] = []
    gap = False
    for char in text:
        if char == " ":
            gap = True
            continue
        out.append(gap)
        gap = False
    return out


def _space_belongs(chars: str, k: int) -> bool | None:
    """Whether a space belongs before ``chars[k]``; None when spelling cannot tell."""
    before, here = chars[k - 1], chars[k]
    after = chars[k + 1] if k + 1 < len(chars) else ""
    if before.isdigit() and here.isdigit():
        return False
    capitalized = here.isupper() and after.islower()
    if capitalized and (before.islower() or before.isdigit()):
        return True
    if before == "," and here.isalpha():
        return True
    return None


def _confidences(first: OcrResult, merged: str) -> tuple[float, ...]:
    """``first``'s confidence per character, carried over to ``merged``; a space takes
    the lower of its neighbours'."""
    text = first.text
    given = first.char_confidences
    confidences = given if len(given) == len(text) else (1.0,) * len(text)
    start, end = len(text) - len(text.lstrip()), len(text.rstrip())
    kept = zip(text[start:end], confidences[start:end], strict=True)
    source = [c for ch, c in kept if ch != " "]
    out: list[float] = []
    k = 0
    for char in merged:
        if char == " ":
            out.append(min(source[max(k - 1, 0)], source[min(k, len(source) - 1)]))
        else:
            out.append(source[k])
            k += 1
    return tuple(out)
