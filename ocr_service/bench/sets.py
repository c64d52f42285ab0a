"""Sets: the row groups of the report (ours, not designed, and extra sources of outcomes).

Every pipeline outcome of a run belongs to one set. Template pages belong to their
template's origin (:mod:`ocr_service.bench.templates`): ``ours`` or ``not_designed``.
Outcomes that do not come from generated template pages (real MNIST digits, ...) come
from an *extra set*, one :class:`ExtraSet` in :data:`EXTRA_SETS`; see the interface in
the docstring of :mod:`ocr_service.bench.runner`.

:func:`set_rows` and :func:`template_rows` are pure: stats per set and font style, and
per template and font style.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from ocr_service.bench import mnist
from ocr_service.bench.metrics import PIPELINE, FieldOutcome, group_by, summarize
from ocr_service.bench.seeds import Split
from ocr_service.bench.templates import NOT_DESIGNED, ORIGIN_TITLES, OURS
from ocr_service.errors import InvalidValue
from ocr_service.pipeline import Reader


@dataclass(frozen=True)
class SetContext:
    """What an extra set may use: the run's settings and its (warmed-up) reader."""

    seed: int
    split: Split
    """``dev`` or ``heldout`` (or ``other``): use only this split of your data."""
    pages: int
    """The run's page count, a hint for how large a sample to take."""
    font_styles: tuple[str, ...]
    level: str
    reader: Reader
    progress: bool


@dataclass(frozen=True)
class ExtraSet:
    name: str
    """Row key in report.json, e.g. ``mnist_digits``."""
    title: str
    """Row title in report.md, e.g. ``MNIST real digits``."""
    measure: Callable[[SetContext], list[FieldOutcome]]


EXTRA_SETS: tuple[ExtraSet, ...] = (
    ExtraSet(name=mnist.SET_NAME, title=mnist.SET_TITLE, measure=mnist.measure),
)
"""Every extra set; ``ocr-service bench`` runs them all unless ``--extra-set`` picks some."""


def extra_set(name: str) -> ExtraSet:
    for s in EXTRA_SETS:
        if s.name == name:
            return s
    known = ", ".join(s.name for s in EXTRA_SETS) or "none"
    raise InvalidValue(f"unknown extra set {name!r}; known: {known}")


def _row(outcomes: Sequence[FieldOutcome]) -> dict[str, Any]:
    return {
        "overall": summarize(outcomes).to_dict(),
        "by_font_style": {k: v.to_dict() for k, v in group_by(outcomes, _style).items()},
    }


def _style(o: FieldOutcome) -> str:
    return o.font_style


def set_rows(
    outcomes: Sequence[FieldOutcome],
    origins: Mapping[str, str],
    extra: Mapping[str, Sequence[FieldOutcome]] | None = None,
    titles: Mapping[str, str] | None = None,
) -> dict[str, dict[str, Any]]:
    """Stats per set (origins in the order ours, not designed; then the extra sets).

    ``outcomes`` are template pages' outcomes (pipeline only are counted), ``origins``
    maps each template id to its set, ``extra`` set name -> outcomes.
    """
    groups: dict[str, list[FieldOutcome]] = {OURS: [], NOT_DESIGNED: []}
    members: dict[str, set[str]] = {OURS: set(), NOT_DESIGNED: set()}
    for o in outcomes:
        if o.system != PIPELINE:
            continue
        name = origins[o.template]
        groups.setdefault(name, []).append(o)
        members.setdefault(name, set()).add(o.template)
    for name, mine in (extra or {}).items():
        groups[name] = [o for o in mine if o.system == PIPELINE]
        members[name] = {o.template for o in mine}
    every_title = {**ORIGIN_TITLES, **(titles or {})}
    return {
        name: {"title": every_title.get(name, name), "templates": sorted(members[name]),
               **_row(mine)}
        for name, mine in groups.items()
        if mine
    }  # fmt: skip


def template_rows(
    outcomes: Sequence[FieldOutcome], origins: Mapping[str, str]
) -> dict[str, dict[str, Any]]:
    """Stats per template (pipeline outcomes), with its set; sorted by set, then id."""
    by_template: dict[str, list[FieldOutcome]] = {}
    for o in outcomes:
        if o.system == PIPELINE:
            by_template.setdefault(o.template, []).append(o)
    order = sorted(by_template, key=lambda t: (origins[t] != OURS, origins[t], t))
    return {t: {"set": origins[t], **_row(by_template[t])} for t in order}
