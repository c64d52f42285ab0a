"""The ``us_street_address`` vocabulary: a US street line's suffix and unit designator.

A street line is "number, street name, suffix", then perhaps a unit: "3733 Bailey Cliff",
"16086 Mitchell Parks Apt. 460". The suffix comes from a closed list (USPS Publication 28,
appendix C1), so a near miss of one (``Chiff``, ``Traffioway``) or one split by a stray
space (``Trai l``) is corrected, and so is a near miss of the unit word (``Sulte 112``).
As with every vocabulary, a correction is flagged ``vocabulary_corrected``; a word that is
no suffix and near none (a street without a suffix, "Broadway") is left as read.
"""

from __future__ import annotations

from ocr_service.reading import rules
from ocr_service.reading.vocabulary import nearest

STREET_SUFFIXES = frozenset((
    "Alley", "Annex", "Arcade", "Avenue", "Bayou", "Beach", "Bend", "Bluff", "Bluffs",
    "Bottom", "Boulevard", "Branch", "Bridge", "Brook", "Brooks", "Burg", "Burgs", "Bypass",
    "Camp", "Canyon", "Cape", "Causeway", "Center", "Centers", "Circle", "Circles", "Cliff",
    "Cliffs", "Club", "Common", "Commons", "Corner", "Corners", "Course", "Court", "Courts",
    "Cove", "Coves", "Creek", "Crescent", "Crest", "Crossing", "Crossroad", "Crossroads",
    "Curve", "Dale", "Dam", "Divide", "Drive", "Drives", "Estate", "Estates", "Expressway",
    "Extension", "Extensions", "Fall", "Falls", "Ferry", "Field", "Fields", "Flat", "Flats",
    "Ford", "Fords", "Forest", "Forge", "Forges", "Fork", "Forks", "Fort", "Freeway",
    "Garden", "Gardens", "Gateway", "Glen", "Glens", "Green", "Greens", "Grove", "Groves",
    "Harbor", "Harbors", "Haven", "Heights", "Highway", "Hill", "Hills", "Hollow", "Inlet",
    "Island", "Islands", "Isle", "Junction", "Junctions", "Key", "Keys", "Knoll", "Knolls",
    "Lake", "Lakes", "Land", "Landing", "Lane", "Light", "Lights", "Loaf", "Lock", "Locks",
    "Lodge", "Loop", "Mall", "Manor", "Manors", "Meadow", "Meadows", "Mews", "Mill", "Mills",
    "Mission", "Motorway", "Mount", "Mountain", "Mountains", "Neck", "Orchard", "Oval",
    "Overpass", "Park", "Parks", "Parkway", "Parkways", "Pass", "Passage", "Path", "Pike",
    "Pine", "Pines", "Place", "Plain", "Plains", "Plaza", "Point", "Points", "Port", "Ports",
    "Prairie", "Radial", "Ramp", "Ranch", "Rapid", "Rapids", "Rest", "Ridge", "Ridges",
    "River", "Road", "Roads", "Route", "Row", "Rue", "Run", "Shoal", "Shoals", "Shore",
    "Shores", "Skyway", "Spring", "Springs", "Spur", "Spurs", "Square", "Squares", "Station",
    "Stravenue", "Stream", "Street", "Streets", "Summit", "Terrace", "Throughway", "Trace",
    "Track", "Trafficway", "Trail", "Trailer", "Tunnel", "Turnpike", "Underpass", "Union",
    "Unions", "Valley", "Valleys", "Via", "Viaduct", "View", "Views", "Village", "Villages",
    "Ville", "Vista", "Walk", "Walks", "Wall", "Way", "Ways", "Well", "Wells",
))  # fmt: skip
"""USPS primary street suffix names (Publication 28, appendix C1)."""
SUFFIX_ABBREVIATIONS = frozenset((
    "Aly", "Ave", "Blvd", "Cir", "Ct", "Cv", "Dr", "Expy", "Fwy", "Hwy", "Ln", "Loop", "Pkwy",
    "Pl", "Plz", "Rd", "Sq", "St", "Ter", "Trl", "Way",
))  # fmt: skip
"""The USPS abbreviations people write most; only an exact one counts (two letters are a
near miss of too much)."""
UNIT_WORDS = ("Apt.", "Suite")
"""Unit designators near misses are corrected to (USPS: APT, STE; forms write them out)."""
UNIT_PREFIXES = ("apt", "ste", "suite", "unit", "#", "fl", "rm", "bldg", "lot", "po")
DIRECTIONS = frozenset(("N", "S", "E", "W", "NE", "NW", "SE", "SW"))
MIN_NEAR_SUFFIX = 4
"""A word shorter than this is never corrected to a suffix."""


def correct_street_line(value: str) -> str | None:
    """The street line with its suffix or unit word corrected, or None when nothing is."""
    words = value.split(" ")
    unit = unit_index(words)
    words = correct_unit(words, unit)
    words = correct_suffix(words, unit)
    fixed = " ".join(words)
    return fixed if fixed != value else None


def unit_index(words: list[str]) -> int:
    """Where the unit designator starts ("Apt. 460", "Suite 112", "#5"), else len(words).

    A near miss of a unit word counts when a number follows it and a street comes before."""
    for i in range(2, len(words) - 1):
        word = words[i]
        if not any(c.isdigit() for c in words[i + 1]):
            continue
        bare = word.rstrip(".").lower()
        if bare in UNIT_PREFIXES or nearest(word, UNIT_WORDS) is not None:
            return i
    return len(words)


def correct_unit(words: list[str], unit: int) -> list[str]:
    if unit >= len(words):
        return words
    word = words[unit]
    if word.rstrip(".").lower() in UNIT_PREFIXES or not rules.active("vocabulary.us_street_unit"):
        return words
    near = nearest(word, UNIT_WORDS)
    if near is None or near == word:
        return words
    rules.fired("vocabulary.us_street_unit")
    return [*words[:unit], near, *words[unit + 1 :]]


def correct_suffix(words: list[str], unit: int) -> list[str]:
    """The suffix is the last word before the unit (or a direction after it)."""
    end = unit
    if end > 2 and words[end - 1] in DIRECTIONS:
        end -= 1
    if end < 3 or not words[0][:1].isdigit():
        return words  # a number and a street name come first
    last = words[end - 1]
    if known_suffix(last):
        return words
    joined = words[end - 2] + last
    split = joined in STREET_SUFFIXES and not known_suffix(words[end - 2]) and end >= 4
    if rules.check("vocabulary.us_street_split_suffix", split):
        return [*words[: end - 2], joined, *words[end:]]  # "Trai l": a space in the suffix
    if len(last) < MIN_NEAR_SUFFIX or not last.isalpha():
        return words
    if not rules.active("vocabulary.us_street_suffix"):
        return words
    near = nearest(last, STREET_SUFFIXES)
    if near is None:
        return words
    rules.fired("vocabulary.us_street_suffix")
    return [*words[: end - 1], near, *words[end:]]


def known_suffix(word: str) -> bool:
    return word in STREET_SUFFIXES or word.rstrip(".") in SUFFIX_ABBREVIATIONS
