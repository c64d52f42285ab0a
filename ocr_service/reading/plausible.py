"""Doubts about a well-formed value: a date no form holds, a character of a code that
could be its lookalike.

Both keep the value and flag it (see :mod:`~ocr_service.reading.validate`): a reading
can be canonical and still unlikely to be what was written.

* :func:`implausible_date`: a year before :data:`EARLIEST_YEAR` (1486-10-02 for
  1986-10-02: a 9 read 4), more than :data:`FUTURE_YEARS` after today, or a date of
  birth or of issue after today. Today is the real clock's, never the generator's.
* :func:`lookalike_in_doubt`: a free letter-and-digit code (a passport or document
  number, a flat number) read with 0/O or 1/I where the field's ``pattern``
  (or ``whitelist``) would take the other one just as well.
"""

from __future__ import annotations

import datetime as dt
import re

from ocr_service.templates.model import FieldSpec

EARLIEST_YEAR = 1900
"""No living person's birth nor a form's date lies before it (a 明治 date is 1900 at most
for anyone alive, and no form is filled in for the dead's birth in our use)."""
FUTURE_YEARS = 20
"""The furthest a date may lie ahead: a passport or visa expires within 10 years of
issue; a 2-digit misread of the year (2O34 -> 2934) lands centuries away."""
NOT_AFTER_TODAY = frozenset({"date_of_birth", "date_of_issue"})
"""``content`` of dates that cannot lie in the future."""
SLACK = dt.timedelta(days=1)
"""Time zones: a form dated today in Tokyo is tomorrow's date in UTC's evening."""


def implausible_date(spec: FieldSpec, value: str, today: dt.date | None = None) -> bool:
    """Whether the ISO date ``value`` is one no form of this field holds (see module)."""
    try:
        date = dt.date.fromisoformat(value)
    except ValueError:
        return False  # not a canonical date: its parser has said so
    today = today or dt.date.today()
    if date.year < EARLIEST_YEAR or date.year > today.year + FUTURE_YEARS:
        return True
    return spec.content in NOT_AFTER_TODAY and date > today + SLACK


LOOKALIKES = {"0": "O", "O": "0", "1": "I", "I": "1"}
"""Digits and capitals a recognizer reads one for the other at full confidence in a
code (O6UYHL2TP read 06UYHL2TP, IOO5MJS read 1005MJS, flat 5O read 50). 5/S and 8/B
are left out: on dev seeds 555 and 808 (templates_realforms, 64 pages) neither was
read silently wrong, and they added 5 flags on right values."""


def lookalike_in_doubt(spec: FieldSpec, value: str) -> bool:
    """Whether a code holding both letters and digits has a lookalike character the
    field would accept as its counterpart too: the ``pattern`` (when given) still
    matches with it swapped, and the ``whitelist`` (when given) holds it."""
    letters = any(c.isalpha() for c in value)
    digits = any(c.isdigit() for c in value)
    if not (letters and digits):
        return False
    for i, char in enumerate(value):
        other = LOOKALIKES.get(char)
        if other is None or (spec.whitelist is not None and other not in spec.whitelist):
            continue
        if within_run(value, i):
            continue
        swapped = value[:i] + other + value[i + 1 :]
        if spec.pattern is None or re.fullmatch(spec.pattern, swapped):
            return True
    return False


RUN_MIN = 6
"""How long a run of one class (digits, or letters) a lookalike must lie inside, with a
neighbour of that class on each side, to be taken as read. A national ID's seven digits
qualify; the short runs of a free letter-and-digit code do not: on dev seed 49 (print,
``it_schengen_visa`` page 76) a run of 5 let ``RL99O26B7WR8`` through as
``RL99026B7WR8`` when any two neighbours were enough."""


def within_run(value: str, i: int) -> bool:
    """Whether ``value[i]`` lies inside a run of at least :data:`RUN_MIN` characters of
    its own class as read (digits round a 0 or 1, letters round an O or I), with a
    neighbour of that class on each side: the 1 of ``MG5749189``, not the 0 of
    ``HJ0972745`` nor the O closing ``E1SGTXUO``. Such a character is taken as read:
    codes that run letters and digits in blocks (a national ID's two letters and seven
    digits) hold long runs, and a recognizer reads a lookalike by its neighbours' class
    as well."""
    if i == 0 or i == len(value) - 1:
        return False
    digit = value[i].isdigit()

    def same(c: str) -> bool:
        return c.isdigit() if digit else c.isalpha()

    if not (same(value[i - 1]) and same(value[i + 1])):
        return False
    start, end = i, i
    while start > 0 and same(value[start - 1]):
        start -= 1
    while end < len(value) - 1 and same(value[end + 1]):
        end += 1
    return end - start + 1 >= RUN_MIN
