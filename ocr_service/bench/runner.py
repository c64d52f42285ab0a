"""The benchmark loop: generate a page, read it with the pipeline and the baseline, compare.

Timing: wall seconds and CPU seconds (this process plus the ``tesseract`` processes
the baseline starts) per page. On a machine shared with other work the wall time
includes waiting for a CPU; the CPU time is what one core spends on the page.

Pages cycle through the templates, then the font styles, so every (template, style)
pair gets the same share. Each page's generator seed is drawn from the run's seed, so
a run is reproducible. Only reading is timed (not generation), on one core: OpenCV
runs one thread and Tesseract's OpenMP is limited with ``OMP_THREAD_LIMIT=1`` (which
must be in the environment before Tesseract is loaded; ``ocr-service bench`` sees to
it). One untimed warm-up page per template loads the OCR models first.

Seeds: ``config.seed`` is the run seed; its split (development or held-out,
:mod:`ocr_service.bench.seeds`, ``docs/bench/seeds.md``) is recorded in the report.

Sets (the report's row groups) - the interface for new sources of outcomes
--------------------------------------------------------------------------
Every pipeline outcome belongs to one set, and the report (each run's report.md and
``ocr-service bench report``'s development / held-out comparison) gives each set a
row per font style: accuracy, wrong and not flagged, flagged.

* Template pages: the set is the template's origin, ``ours`` or ``not_designed``
  (:mod:`ocr_service.bench.templates`, by template folder); every template also gets
  its own row, and the leave-one-template-out figure (:mod:`ocr_service.bench.loto`).
* A new font style (a distorted-handwriting style, say) needs nothing here: add it
  to :data:`FONT_STYLES` (and ``ocr_service.synth``) or pass ``--font-style``; every
  row is split by the outcomes' ``font_style``.
* Another source of outcomes (real MNIST digits, ...) is an *extra set*: one line in
  :data:`ocr_service.bench.sets.EXTRA_SETS`::

      ExtraSet(name="mnist_digits", title="MNIST real digits", measure=mnist.measure)

  ``measure(ctx: SetContext) -> list[FieldOutcome]`` is called once per run, after
  the template pages, with the run's seed, split, page count, font styles and its
  warmed-up :class:`~ocr_service.pipeline.Reader`. It must use only data of
  ``ctx.split`` (``dev`` -> development images, ``heldout`` -> held-out ones; see
  :func:`ocr_service.bench.seeds.mnist_split`) and ``ctx.seed`` for any sampling,
  and return outcomes with ``system=PIPELINE``, ``template=`` an id of its own (e.g.
  ``mnist``; not a template id), ``font_style=`` a label of its own (e.g.
  ``real_handwriting``) and ``page=`` a running number within the set. They are
  written to ``extra_fields.jsonl`` and counted in the set's rows only (not in the
  template tables, the headline or the leave-one-template-out fit).
  ``--extra-set NAME`` (repeatable) runs some; ``--extra-set none`` none.
"""

from __future__ import annotations

import json
import logging
import os
import platform
import random
import resource
import sys
import time
from collections.abc import Iterator
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, TypedDict

import cv2
from tqdm import tqdm

from ocr_service.bench.baseline import NaiveBaseline
from ocr_service.bench.compare import baseline_outcome, failed_page_outcome, pipeline_outcome
from ocr_service.bench.metrics import BASELINE, PIPELINE, FieldOutcome
from ocr_service.bench.seeds import Split, split_of
from ocr_service.bench.sets import SetContext, extra_set
from ocr_service.bench.templates import MultiRegistry, origin_of_dir
from ocr_service.errors import InvalidValue, OcrServiceError
from ocr_service.pipeline import Reader
from ocr_service.synth import Sample, generate
from ocr_service.templates.loader import LoadedTemplate, TemplateRegistry

log = logging.getLogger(__name__)

DEFAULT_TEMPLATES = ("jp_kyufukin", "jp_tennyu", "irs_w9")
"""Every shipped template: the generator writes English values into English fields."""
FONT_STYLES = ("print", "handwriting")
WARMUP_SEED_OFFSET = 7_919


@dataclass(frozen=True)
class BenchConfig:
    pages: int
    """Total pages, split evenly over templates and font styles."""
    seed: int
    templates: tuple[str, ...] = DEFAULT_TEMPLATES
    font_styles: tuple[str, ...] = FONT_STYLES
    level: str = "mixed"
    baseline: bool = True
    progress: bool = True
    extra_sets: tuple[str, ...] = ()
    """Names of the extra sets to run (:data:`ocr_service.bench.sets.EXTRA_SETS`)."""

    @property
    def split(self) -> Split:
        return split_of(self.seed)


@dataclass
class SystemTiming:
    seconds: float
    cpu_seconds: float
    stages: dict[str, float]
    error: str | None = None


@dataclass
class PageRecord:
    index: int
    seed: int
    template: str
    font_style: str
    font: str
    degradation: dict[str, float | str | bool]
    timings: dict[str, SystemTiming] = field(default_factory=dict)


@dataclass
class BenchRun:
    config: BenchConfig
    pages: list[PageRecord]
    outcomes: list[FieldOutcome]
    environment: dict[str, Any]
    origins: dict[str, str] = field(default_factory=dict)
    """Template id -> set (``ours`` or ``not_designed``)."""
    extra: dict[str, list[FieldOutcome]] = field(default_factory=dict)
    """Extra set name -> its outcomes."""
    extra_titles: dict[str, str] = field(default_factory=dict)

    def outcomes_of(self, system: str) -> list[FieldOutcome]:
        return [o for o in self.outcomes if o.system == system]

    @property
    def systems(self) -> list[str]:
        return [s for s in (PIPELINE, BASELINE) if any(o.system == s for o in self.outcomes)]


def limit_threads() -> str | None:
    """One core: OpenCV single-threaded, ``OMP_THREAD_LIMIT=1`` for Tesseract.

    Returns the ``OMP_THREAD_LIMIT`` the process started with (in-process Tesseract
    read it when it was loaded; the ``tesseract`` command run by the baseline reads it now).
    """
    inherited = os.environ.get("OMP_THREAD_LIMIT")
    os.environ["OMP_THREAD_LIMIT"] = "1"
    cv2.setNumThreads(1)
    return inherited


def plan(config: BenchConfig) -> Iterator[tuple[int, int, str, str]]:
    """(index, generator seed, template id, font style) for every page of the run."""
    seeds = random.Random(config.seed)
    n_templates = len(config.templates)
    for i in range(config.pages):
        template = config.templates[i % n_templates]
        style = config.font_styles[(i // n_templates) % len(config.font_styles)]
        yield i, seeds.getrandbits(48), template, style


def run_bench(config: BenchConfig, registry: TemplateRegistry | None = None) -> BenchRun:
    inherited = limit_threads()
    load_at_start = os.getloadavg()[0]
    registry = registry or TemplateRegistry()
    templates = {tid: registry.get(tid) for tid in config.templates}
    reader = Reader(registry=registry)
    baseline = NaiveBaseline() if config.baseline else None
    warm_up(reader, baseline, list(templates.values()), config)
    rss_after_warmup = peak_rss_mib()
    pages: list[PageRecord] = []
    outcomes: list[FieldOutcome] = []
    steps = list(plan(config))
    bar = tqdm(steps, desc="bench", unit="page", file=sys.stderr, disable=not config.progress)
    for index, seed, tid, style in bar:
        loaded = templates[tid]
        sample = generate(loaded, seed=seed, font_style=style, degrade_level=config.level)
        record = PageRecord(
            index=index,
            seed=seed,
            template=tid,
            font_style=style,
            font=sample.font,
            degradation=dict(sample.degradation),
        )
        outcomes.extend(read_with_pipeline(reader, loaded, sample, record))
        if baseline is not None:
            outcomes.extend(read_with_baseline(baseline, loaded, sample, record))
        pages.append(record)
    extra: dict[str, list[FieldOutcome]] = {}
    titles: dict[str, str] = {}
    for name in config.extra_sets:
        chosen = extra_set(name)
        context = SetContext(
            seed=config.seed,
            split=config.split,
            pages=config.pages,
            font_styles=config.font_styles,
            level=config.level,
            reader=reader,
            progress=config.progress,
        )
        extra[name] = chosen.measure(context)
        titles[name] = chosen.title
    environment = {
        "python": platform.python_version(),
        "machine": platform.machine(),
        "cpu_count": os.cpu_count(),
        "omp_thread_limit_at_start": inherited,
        "opencv_threads": cv2.getNumThreads(),
        "engine": reader.engine.name,
        "load_average_1min": {"start": load_at_start, "end": os.getloadavg()[0]},
        "peak_rss_mib": peak_rss_mib(),
        "peak_rss_mib_after_warmup": rss_after_warmup,
    }
    return BenchRun(
        config=config,
        pages=pages,
        outcomes=outcomes,
        environment=environment,
        origins=origins_of(registry, config.templates),
        extra=extra,
        extra_titles=titles,
    )


def origins_of(registry: TemplateRegistry, template_ids: tuple[str, ...]) -> dict[str, str]:
    """Template id -> ``ours`` / ``not_designed`` (a one-folder registry: by its folder)."""
    if isinstance(registry, MultiRegistry):
        return registry.origins(template_ids)
    return {tid: origin_of_dir(registry.root) for tid in template_ids}


def warm_up(
    reader: Reader,
    baseline: NaiveBaseline | None,
    templates: list[LoadedTemplate],
    config: BenchConfig,
) -> None:
    """Read one untimed page per template so model loading is not timed."""
    for n, loaded in enumerate(templates):
        sample = generate(loaded, seed=config.seed + WARMUP_SEED_OFFSET + n, degrade_level="none")
        try:
            reader.read_image(sample.image, template_id=loaded.id)
        except OcrServiceError as exc:
            log.warning("warm-up page of %s failed: %s", loaded.id, exc.code)
        if baseline is not None:
            baseline.read(sample.image, loaded)


def read_with_pipeline(
    reader: Reader, loaded: LoadedTemplate, sample: Sample, record: PageRecord
) -> list[FieldOutcome]:
    specs = loaded.template.fields_on(1)
    context = _context(record)
    t, c = time.perf_counter(), cpu_seconds()
    try:
        reading = reader.read_image(sample.image, template_id=loaded.id)
    except Exception as exc:  # a failed page is a result, not the end of the run
        code = error_code(exc)
        record.timings[PIPELINE] = _timing(t, c, {}, code)
        log.debug("page %d: pipeline failed: %s", record.index, code)
        return [
            failed_page_outcome(PIPELINE, s, sample.truth.get(s.name), code, **context)
            for s in specs
        ]
    record.timings[PIPELINE] = _timing(t, c, reading.timings, None)
    fields = reading.document.fields
    return [pipeline_outcome(s, sample.truth.get(s.name), fields[s.name], **context) for s in specs]


def read_with_baseline(
    baseline: NaiveBaseline, loaded: LoadedTemplate, sample: Sample, record: PageRecord
) -> list[FieldOutcome]:
    specs = loaded.template.fields_on(1)
    context = _context(record)
    t, c = time.perf_counter(), cpu_seconds()
    try:
        reading = baseline.read(sample.image, loaded)
    except Exception as exc:  # as for the pipeline
        code = error_code(exc)
        record.timings[BASELINE] = _timing(t, c, {}, code)
        return [
            failed_page_outcome(BASELINE, s, sample.truth.get(s.name), code, **context)
            for s in specs
        ]
    record.timings[BASELINE] = _timing(t, c, reading.timings, None)
    outcomes: list[FieldOutcome] = []
    for s in specs:
        f = reading.fields[s.name]
        outcomes.append(
            baseline_outcome(
                s,
                sample.truth.get(s.name),
                f.value,
                flagged=f.flagged,
                confidence=f.confidence,
                **context,
            )
        )
    return outcomes


class _Context(TypedDict):
    page: int
    template: str
    font_style: str


def _context(record: PageRecord) -> _Context:
    return {"page": record.index, "template": record.template, "font_style": record.font_style}


def error_code(exc: Exception) -> str:
    """The service error code, or ``crash:<type>`` for an exception outside the family."""
    if isinstance(exc, OcrServiceError):
        return exc.code
    log.warning("unexpected %s while reading a page", type(exc).__name__, exc_info=exc)
    return f"crash:{type(exc).__name__}"


def cpu_seconds() -> float:
    """CPU seconds of this process plus its finished child processes (the baseline's
    ``tesseract`` runs): on a shared machine the honest measure of one core's work."""
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return time.process_time() + children.ru_utime + children.ru_stime


def _timing(t0: float, c0: float, stages: dict[str, float], error: str | None) -> SystemTiming:
    """Wall and CPU seconds since (t0, c0)."""
    return SystemTiming(
        seconds=time.perf_counter() - t0,
        cpu_seconds=cpu_seconds() - c0,
        stages=dict(stages),
        error=error,
    )


def peak_rss_mib() -> float:
    """Peak resident memory of this process so far, in MiB (Linux reports KiB)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def write_raw(run: BenchRun, out: Path, command: str | None = None) -> None:
    """Every field outcome and page record as JSON lines (for re-analysis, not committed),
    and ``run.json``: the configuration, split, template origins and ``command``."""
    out.mkdir(parents=True, exist_ok=True)
    described = {**asdict(run.config), "split": run.config.split, "origins": run.origins,
                 "command": command}  # fmt: skip
    (out / "run.json").write_text(
        json.dumps(described, ensure_ascii=False, indent=1) + "\n", encoding="utf-8"
    )
    with (out / "fields.jsonl").open("w", encoding="utf-8") as fh:
        for o in run.outcomes:
            fh.write(json.dumps(asdict(o), ensure_ascii=False) + "\n")
    with (out / "pages.jsonl").open("w", encoding="utf-8") as fh:
        for p in run.pages:
            fh.write(json.dumps(asdict(p), ensure_ascii=False) + "\n")
    if run.extra:
        with (out / "extra_fields.jsonl").open("w", encoding="utf-8") as fh:
            for name, outcomes in run.extra.items():
                for o in outcomes:
                    fh.write(json.dumps({"set": name, **asdict(o)}, ensure_ascii=False) + "\n")


def read_run_config(out: Path) -> dict[str, Any]:
    """The configuration a run wrote (``run.json``: seed, split, pages, templates, origins)."""
    path = out / "run.json"
    if not path.is_file():
        raise InvalidValue(f"{path} is missing: give the --out folder of an earlier bench run")
    described: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    return described


def read_outcomes(out: Path) -> list[FieldOutcome]:
    """The template pages' field outcomes a run wrote (``fields.jsonl``)."""
    path = out / "fields.jsonl"
    if not path.is_file():
        raise InvalidValue(f"{path} is missing: give the --out folder of an earlier bench run")
    outcomes: list[FieldOutcome] = []
    with path.open(encoding="utf-8") as fh:
        for line in fh:
            raw = json.loads(line)
            raw["reasons"] = tuple(raw.get("reasons", ()))
            outcomes.append(FieldOutcome(**raw))
    return outcomes
