"""``ocr-service bench --ablate RULE_ID``: each reading rule's effect, measured by
switching it off.

The pages are generated once and read once with every rule on (the normal run); then,
for each rule, the pages it touched are read again with that rule off (see
:func:`ocr_service.reading.rules.disabled`). A page no field of which lists the rule
(``FieldResult.rules``) reads the same without it, so it is not read again; a rule
that acts on every reading (``traced=False``) re-reads every page. The truth is always
put in comparison form with every rule on, so a rule switched off changes the reading,
never the answer key.

Per rule the report gives accuracy, wrong-and-unflagged (silent) and flagged shares
with and without it, and the fields it decides: ``needed`` (right only with the rule),
``harmful`` (right only without it) and, of those, the ones the normal run left
unflagged (``harmful_silent``: a rule that changed a right value without a flag).

Run it on development seeds only; the held-out figures are the lead's.
"""

from __future__ import annotations

import json
import logging
import sys
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from tqdm import tqdm

from ocr_service.bench.compare import failed_page_outcome, pipeline_outcome
from ocr_service.bench.metrics import PIPELINE, FieldOutcome
from ocr_service.bench.runner import BenchConfig, error_code, limit_threads, plan, warm_up
from ocr_service.pipeline import Reader
from ocr_service.reading import rules
from ocr_service.synth import Sample, generate
from ocr_service.templates.loader import LoadedTemplate, TemplateRegistry

log = logging.getLogger(__name__)

ALL = "all"
"""``--ablate all``: one run per rule of the table."""


@dataclass(frozen=True)
class Page:
    index: int
    template: LoadedTemplate
    font_style: str
    sample: Sample


@dataclass(frozen=True)
class PageRules:
    outcomes: list[FieldOutcome]
    field_rules: list[frozenset[str]]
    """The rules each field lists (``FieldResult.rules``), in the order of ``outcomes``."""

    @property
    def fired(self) -> frozenset[str]:
        """Every rule any field of the page lists."""
        return frozenset().union(*self.field_rules)


@dataclass(frozen=True)
class Shares:
    fields: int
    correct: int
    silent: int
    flagged: int

    @classmethod
    def of(cls, outcomes: Sequence[FieldOutcome]) -> Shares:
        return cls(
            fields=len(outcomes),
            correct=sum(o.correct for o in outcomes),
            silent=sum(o.silent for o in outcomes),
            flagged=sum(o.flagged for o in outcomes),
        )

    def share(self, count: int) -> float:
        return count / self.fields if self.fields else 0.0


@dataclass(frozen=True)
class RuleEffect:
    rule: str
    stage: str
    flag: str | None
    synthetic_only: bool
    pages_read: int
    """Pages read again with the rule off (those it touched)."""
    fields_touched: int
    """Fields of the normal run that list the rule."""
    with_rule: Shares
    without_rule: Shares
    changed: int
    """Fields whose value or flag differs without the rule."""
    needed: int
    """Right with the rule, wrong without it."""
    harmful: int
    """Wrong with the rule, right without it."""
    harmful_silent: int
    """...and unflagged with the rule: a right value changed without a flag."""
    caught: int
    """Wrong either way, flagged only with the rule (its flag catches an error)."""
    by_type: dict[str, dict[str, int]] = field(default_factory=dict)
    """Per field type, the fields that differ: ``needed``, ``harmful``, ``caught`` and
    ``flagged_right`` (right either way, flagged only with the rule: the rule's cost to
    reviewers). Where a rule is worth narrowing, this says to which fields."""


def resolve(names: Iterable[str]) -> list[str]:
    """Rule ids from ``--ablate`` arguments (``all`` = every rule), each checked."""
    ids: list[str] = []
    for name in names:
        chosen = [r.id for r in rules.all_rules()] if name == ALL else [rules.get(name).id]
        ids.extend(i for i in chosen if i not in ids)
    return ids


def generate_pages(config: BenchConfig, registry: TemplateRegistry) -> list[Page]:
    """The run's pages, generated once (the truth in contract form, every rule on)."""
    templates = {tid: registry.get(tid) for tid in config.templates}
    pages: list[Page] = []
    with rules.all_enabled():
        for index, seed, tid, style in plan(config):
            loaded = templates[tid]
            sample = generate(loaded, seed=seed, font_style=style, degrade_level=config.level)
            pages.append(Page(index, loaded, style, sample))
    return pages


def read_page(reader: Reader, page: Page) -> PageRules:
    """One page read (under whatever rules are switched off by the caller)."""
    specs = page.template.template.fields_on(1)
    truth = page.sample.truth
    try:
        document = reader.read_image(page.sample.image, template_id=page.template.id).document
    except Exception as exc:  # a failed page is a result, as in the benchmark
        code = error_code(exc)
        with rules.all_enabled():
            failed = [
                failed_page_outcome(
                    PIPELINE,
                    s,
                    truth.get(s.name),
                    code,
                    page=page.index,
                    template=page.template.id,
                    font_style=page.font_style,
                )
                for s in specs
            ]
        return PageRules(failed, [frozenset() for _ in failed])
    with rules.all_enabled():  # the answer key is normalized with every rule on
        outcomes = [
            pipeline_outcome(
                s,
                truth.get(s.name),
                document.fields[s.name],
                page=page.index,
                template=page.template.id,
                font_style=page.font_style,
            )
            for s in specs
        ]
    return PageRules(outcomes, [frozenset(document.fields[s.name].rules) for s in specs])


def effect_of(
    rule_id: str, normal: list[PageRules], ablated: dict[int, PageRules], touched: int
) -> RuleEffect:
    rule = rules.get(rule_id)
    with_rule = [o for r in normal for o in r.outcomes]
    without_rule: list[FieldOutcome] = []
    for n, reading in enumerate(normal):
        without_rule.extend(ablated[n].outcomes if n in ablated else reading.outcomes)
    pairs = list(zip(with_rule, without_rule, strict=True))
    return RuleEffect(
        rule=rule_id,
        stage=rule.stage.value,
        flag=None if rule.flag is None else rule.flag.value,
        synthetic_only=all(e.synthetic_only for e in rule.evidence),
        pages_read=len(ablated),
        fields_touched=touched,
        with_rule=Shares.of(with_rule),
        without_rule=Shares.of(without_rule),
        changed=sum(a.read != b.read or a.flagged != b.flagged for a, b in pairs),
        needed=sum(a.correct and not b.correct for a, b in pairs),
        harmful=sum(b.correct and not a.correct for a, b in pairs),
        harmful_silent=sum(b.correct and a.silent for a, b in pairs),
        caught=sum(caught(a, b) for a, b in pairs),
        by_type=by_type(pairs),
    )


def caught(a: FieldOutcome, b: FieldOutcome) -> bool:
    """Wrong with and without the rule, flagged only with it."""
    return not a.correct and not b.correct and a.flagged and not b.flagged


def by_type(pairs: Sequence[tuple[FieldOutcome, FieldOutcome]]) -> dict[str, dict[str, int]]:
    """:attr:`RuleEffect.by_type` from (with the rule, without it) outcome pairs."""
    counts: dict[str, Counter[str]] = defaultdict(Counter)
    for a, b in pairs:
        kinds = {
            "needed": a.correct and not b.correct,
            "harmful": b.correct and not a.correct,
            "caught": caught(a, b),
            "flagged_right": a.correct and b.correct and a.flagged and not b.flagged,
        }
        for kind, counted in kinds.items():
            if counted:
                counts[a.field_type][kind] += 1
    return {t: dict(sorted(c.items())) for t, c in sorted(counts.items())}


def run_ablation(
    config: BenchConfig, registry: TemplateRegistry, rule_ids: Sequence[str]
) -> tuple[Shares, list[RuleEffect]]:
    """The normal run's shares and each rule's effect (see the module docstring)."""
    limit_threads()
    reader = Reader(registry=registry)
    pages = generate_pages(config, registry)
    warm_up(reader, None, list({p.template.id: p.template for p in pages}.values()), config)
    show = config.progress
    normal = [read_page(reader, p) for p in tqdm(pages, desc="normal", disable=not show)]
    effects: list[RuleEffect] = []
    for rule_id in tqdm(rule_ids, desc="ablate", unit="rule", file=sys.stderr, disable=not show):
        rule = rules.get(rule_id)
        chosen = [n for n, r in enumerate(normal) if not rule.traced or rule_id in r.fired]
        with rules.disabled([rule_id]):
            ablated = {n: read_page(reader, pages[n]) for n in chosen}
        touched = sum(rule_id in f for r in normal for f in r.field_rules)
        effects.append(effect_of(rule_id, normal, ablated, touched))
        log.info("ablated %s: %d pages read again", rule_id, len(chosen))
    return Shares.of([o for r in normal for o in r.outcomes]), effects


def write_ablation(
    config: BenchConfig, normal: Shares, effects: list[RuleEffect], out: Path
) -> list[Path]:
    """ablation.json and ablation.md in ``out``."""
    out.mkdir(parents=True, exist_ok=True)
    meta = {
        "seed": config.seed,
        "split": config.split,
        "pages": config.pages,
        "templates": list(config.templates),
        "level": config.level,
        "font_styles": list(config.font_styles),
    }
    data = {"run": meta, "normal": asdict(normal), "rules": [asdict(e) for e in effects]}
    json_path = out / "ablation.json"
    json_path.write_text(json.dumps(data, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    md_path = out / "ablation.md"
    md_path.write_text(format_markdown(meta, normal, effects), encoding="utf-8")
    return [json_path, md_path]


def pct(count: int, shares: Shares) -> str:
    return f"{100 * shares.share(count):.2f}"


def format_markdown(meta: dict[str, Any], normal: Shares, effects: list[RuleEffect]) -> str:
    """The ablation table: one row per rule, with and without it."""
    lines = [
        "# Reading-rule ablation",
        "",
        f"Seed {meta['seed']} ({meta['split']}), {meta['pages']} pages, level {meta['level']}, "
        f"templates {', '.join(meta['templates'])}; {normal.fields} fields. Normal run: "
        f"{pct(normal.correct, normal)} % right, {pct(normal.silent, normal)} % wrong and "
        f"unflagged, {pct(normal.flagged, normal)} % flagged.",
        "",
        "Per rule, with it / without it: accuracy, silent (wrong and unflagged) and flagged "
        "shares in %; *needed*: fields right only with the rule; *harmful*: right only "
        "without it (*silent*: and unflagged with it); *caught*: wrong either way but "
        "flagged only with it. *pages*: pages read again (those it touched); "
        "*synthetic*: its evidence is only our generator's pages.",
        "",
        "| rule | stage | flag | pages | touched | accuracy | silent | flagged | changed "
        "| needed | harmful (silent) | caught | synthetic |",
        "| --- | --- | --- | ---: | ---: | --- | --- | --- | ---: | ---: | ---: | ---: | --- |",
    ]
    for e in effects:
        w, wo = e.with_rule, e.without_rule
        lines.append(
            f"| `{e.rule}` | {e.stage} | {e.flag or '-'} | {e.pages_read} | {e.fields_touched} "
            f"| {pct(w.correct, w)} / {pct(wo.correct, wo)} "
            f"| {pct(w.silent, w)} / {pct(wo.silent, wo)} "
            f"| {pct(w.flagged, w)} / {pct(wo.flagged, wo)} "
            f"| {e.changed} | {e.needed} | {e.harmful} ({e.harmful_silent}) | {e.caught} "
            f"| {'yes' if e.synthetic_only else 'no'} |"
        )
    lines.extend(by_type_markdown(effects))
    lines.append("")
    return "\n".join(lines)


def by_type_markdown(effects: list[RuleEffect]) -> list[str]:
    """Where each rule made a difference, by field type (rules that changed nothing are
    left out)."""
    kinds = ("needed", "harmful", "caught", "flagged_right")
    rows = [
        f"| `{e.rule}` | {t} | " + " | ".join(str(c.get(k, 0)) for k in kinds) + " |"
        for e in effects
        for t, c in e.by_type.items()
    ]
    if not rows:
        return []
    return [
        "",
        "By field type (*flagged right*: right either way, flagged only with the rule):",
        "",
        "| rule | field type | needed | harmful | caught | flagged right |",
        "| --- | --- | ---: | ---: | ---: | ---: |",
        *rows,
    ]


def inventory_markdown() -> str:
    """The rule table as Markdown: id, stage, profiles, flag (or why none), evidence."""
    lines = [
        "| rule | stage | profiles | flag | evidence | commits |",
        "| --- | --- | --- | --- | --- | --- |",
    ]
    for rule in rules.all_rules():
        profiles = "all" if rule.profiles == rules.ALL else ", ".join(sorted(rule.profiles))
        flag = f"`{rule.flag.value}`" if rule.flag else f"none: {rule.unflagged}"
        evidence = "; ".join(
            f"{e.data}: {e.effect}" + (" (generator only)" if e.synthetic_only else " (real)")
            for e in rule.evidence
        )
        commits = ", ".join(c for e in rule.evidence for c in e.commits)
        lines.append(
            f"| `{rule.id}` | {rule.stage.value} | {profiles} | {flag} | {evidence} | {commits} |"
        )
    return "\n".join(lines) + "\n"


def cmd_ablate(
    config: BenchConfig, registry: TemplateRegistry, names: Iterable[str], out: Path
) -> int:
    """``bench --ablate``: the ablation report in ``out``."""
    rule_ids = resolve(names)
    normal, effects = run_ablation(config, registry, rule_ids)
    for path in write_ablation(config, normal, effects, out):
        print(path)
    return 0
