"""The reading rules as declared data: one table of records, each with its evidence.

Every heuristic that changes what a field reads (a speck dropped, a lookalike repaired,
a near miss corrected, one reading kept over another) is a :class:`Rule` in this table:
its ``id``, its :class:`Stage`, the field :class:`Profile` s it applies to, the function
or call site that implements it, the flag it raises when it changes a value (or, with
none, the evidence that it never changes a right value), examples and evidence. A
field's profile is chosen once from its spec (:func:`profile_of`), never from its text.

Each field's result lists the rules that fired on it (``FieldResult.rules``), and any
rule can be switched off at run time (``with rules.disabled(["normalize.lone_dot"]):``;
``ocr-service bench --ablate RULE_ID`` measures each one's effect).

How to add a rule (a few lines)
-------------------------------

1. Declare it in the table module of its stage (``rules/value.py`` ...)::

       Rule(
           id="value.kana_confusion",            # stage.name, stable: it is in results
           stage=Stage.VALUE,
           profiles=frozenset({Profile.KANA}),
           implementation="ocr_service.reading.kana:fix_confusions",
           summary="A kana read as its lookalike where spelling cannot have it.",
           flag=Reason.VOCABULARY_CORRECTED,     # or None plus unflagged="evidence..."
           examples=(Example("シヨウ", "ショウ"),),  # run by tests/unit/test_reading_rules.py
           evidence=(Evidence("generator, dev seed 77, 160 pages", "3 of 5 mended", ("abc1234",)),),
       ),

   ``example_runner="module:function"`` names what the examples are run through when
   it is not the implementation itself (a value rule: a ``check_value`` adapter in
   :mod:`.runners`). With the rule off, each example must come out differently.
2. At the call site: ``text = rules.apply("value.kana_confusion", fix_confusions, text)``
   for a ``str -> str`` step; for anything else guard with ``if rules.active(id):`` and
   report a change with ``rules.fired(id)`` (or ``rules.check(id, verdict)`` for a
   predicate).

Canonical forms (NFKC, collapsed whitespace, one kana script, a phone or date in its
canonical layout) are the output contract, not heuristics, and are not in the table.
"""

from ocr_service.reading.rules import (
    arbitration,
    kana,
    normalize,
    ocr,
    prepare,
    value,
    vocabulary,
)
from ocr_service.reading.rules.profiles import profile_of
from ocr_service.reading.rules.registry import (
    ALL,
    EN_FREE,
    EN_TEXT,
    JA_TEXT,
    TEXT,
    Evidence,
    Example,
    Profile,
    Recorder,
    Rule,
    Stage,
    active,
    all_enabled,
    all_rules,
    apply,
    check,
    disabled,
    fired,
    get,
    recording,
    register,
    switched_off,
)

for _table in (prepare, ocr, normalize, value, vocabulary, arbitration, kana):
    register(*_table.RULES)

__all__ = [
    "ALL",
    "EN_FREE",
    "EN_TEXT",
    "JA_TEXT",
    "TEXT",
    "Evidence",
    "Example",
    "Profile",
    "Recorder",
    "Rule",
    "Stage",
    "active",
    "all_enabled",
    "all_rules",
    "apply",
    "check",
    "disabled",
    "fired",
    "get",
    "profile_of",
    "recording",
    "register",
    "switched_off",
]
