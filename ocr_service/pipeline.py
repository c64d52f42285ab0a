"""The reading pipeline: small named stages, run in order for every page.

    load -> check ink -> find template -> register (orient, deskew, perspective, scale)
         -> warp -> flatten background -> drop out the form -> read fields -> cross-check

One :class:`Reader` per process holds the OCR engine and the reference features
of every template, so nothing heavy is loaded twice. This module imports OpenCV
and the OCR engine: the API process never imports it, only workers and the CLI.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import cv2
import numpy as np
import numpy.typing as npt

from ocr_service.errors import (
    BlankPage,
    InputError,
    NoTemplateMatched,
    PageError,
    TemplateMismatch,
)
from ocr_service.imaging import debug as dbg
from ocr_service.imaging.dropout import FormMask, drop_out_form, flatten_background, form_mask
from ocr_service.imaging.ingest import FileInfo, Limits, load_page, probe_file
from ocr_service.imaging.legibility import explain_refusal
from ocr_service.imaging.register import (
    Coarse,
    Reference,
    Registration,
    ScanFeatures,
    build_reference,
    coarse_homography,
    register,
    scan_features,
    to_gray,
    warp,
)
from ocr_service.ocr.base import OcrEngine
from ocr_service.ocr.engines import DEFAULT_ENGINE, create_engine
from ocr_service.reading.page import PageImages
from ocr_service.reading.readers import check_document, read_field
from ocr_service.results import Document, FieldResult, PageInfo
from ocr_service.templates.loader import LoadedTemplate, TemplateRegistry

log = logging.getLogger(__name__)

GrayImage = npt.NDArray[np.uint8]
MIN_INK_SHARE = 0.002
"""A page with less ink than this share of its pixels is blank."""
INK_LEVEL = 200
"""After background flattening, a pixel darker than this is ink."""

Progress = Callable[[int, int], None]


@dataclass
class PageReading:
    """One source page read against one template page."""

    template: LoadedTemplate
    template_page: int
    source_page: int
    registration: Registration
    straightened: GrayImage
    fields: dict[str, FieldResult]
    timings: dict[str, float] = field(default_factory=dict)

    @property
    def info(self) -> PageInfo:
        r = self.registration
        return PageInfo(
            page=self.template_page,
            source_page=self.source_page + 1,
            rotation=r.rotation,
            skew=r.skew,
            inliers=r.inliers,
            error_px=0.0 if np.isnan(r.error_px) else r.error_px,
            score=r.score,
        )

    @property
    def document(self) -> Document:
        """This page as a document (every shipped template is one page)."""
        return _document([self])


@dataclass(frozen=True)
class PageRefusal:
    """A source page that could not be read, and why."""

    source_page: int
    """0-based, as :attr:`PageReading.source_page`."""
    error: InputError | PageError


@dataclass
class _RefEntry:
    reference: Reference
    mask: FormMask


class Reader:
    """Reads pages and files. Create one per process and reuse it."""

    def __init__(
        self,
        *,
        registry: TemplateRegistry | None = None,
        engine: OcrEngine | None = None,
        engine_name: str = DEFAULT_ENGINE,
        limits: Limits | None = None,
    ) -> None:
        self.registry = registry or TemplateRegistry()
        self.engine = engine or create_engine(engine_name)
        self.limits = limits or Limits()
        self._refs: dict[tuple[str, int, float], _RefEntry] = {}

    # -- references ---------------------------------------------------------------
    def reference(self, loaded: LoadedTemplate, page: int) -> _RefEntry:
        image_path = loaded.reference_path(page)
        key = (str(image_path), page, image_path.stat().st_mtime)
        entry = self._refs.get(key)
        if entry is None:
            img = cv2.imread(str(image_path), cv2.IMREAD_GRAYSCALE)
            ref = build_reference(f"{loaded.id}/{page}", np.asarray(img, np.uint8))
            entry = _RefEntry(reference=ref, mask=form_mask(ref.ink))
            self._refs[key] = entry
        return entry

    def candidates(self, template_id: str | None) -> list[tuple[LoadedTemplate, int]]:
        templates = [self.registry.get(template_id)] if template_id else self.registry.all()
        return [(t, p.page) for t in templates for p in t.template.pages]

    # -- stages -------------------------------------------------------------------
    def read_source_page(
        self,
        path: Path,
        index: int,
        *,
        template_id: str | None,
        debug_dir: Path | None = None,
        info: FileInfo | None = None,
    ) -> PageReading:
        """Load page ``index`` (0-based) of a file and read it."""
        image = load_page(path, index, self.limits, info=info)
        return self.read_image(
            image, template_id=template_id, source_page=index, debug_dir=debug_dir
        )

    def read_image(
        self,
        image: npt.NDArray[np.uint8],
        *,
        template_id: str | None,
        source_page: int = 0,
        debug_dir: Path | None = None,
    ) -> PageReading:
        sink = dbg.DebugSink(debug_dir, source_page)
        timings: dict[str, float] = {}
        t0 = time.perf_counter()
        gray = to_gray(image)
        check_ink(gray)
        features = scan_features(gray)
        timings["features"] = time.perf_counter() - t0

        t = time.perf_counter()
        try:
            loaded, page, entry, reg = self.find_template(gray, features, template_id)
        except (TemplateMismatch, NoTemplateMatched) as exc:
            raise explain_refusal(gray, exc) from exc  # another form, or unreadable
        timings["register"] = time.perf_counter() - t
        sink.write("input", gray)
        if sink.enabled:
            oriented = dbg.rotate_quarter(gray, reg.rotation)
            sink.write("oriented", oriented)
            sink.write("deskewed", dbg.deskew(oriented, reg.skew))

        t = time.perf_counter()
        warped = (
            reg.warped
            if reg.warped is not None
            else warp(gray, reg.homography, entry.reference.size)
        )
        registered = flatten_background(warped)
        clean = drop_out_form(registered, entry.mask)
        timings["dropout"] = time.perf_counter() - t
        sink.write("registered", registered)
        sink.write("dropout", clean)

        t = time.perf_counter()
        images = PageImages(registered=registered, dropout=clean, form_mask=entry.mask.dilated)
        specs = loaded.template.fields_on(page)
        fields = {spec.name: read_field(spec, images, self.engine) for spec in specs}
        timings["read"] = time.perf_counter() - t
        reading = PageReading(
            template=loaded,
            template_page=page,
            source_page=source_page,
            registration=reg,
            straightened=registered,
            fields=fields,
            timings=timings,
        )
        if len(loaded.template.pages) == 1:
            t = time.perf_counter()
            check_document(loaded.template, fields)
            timings["validate"] = time.perf_counter() - t
        if sink.enabled:
            flagged = {n for n, f in fields.items() if f.flagged}
            sink.write("zones", dbg.draw_zones(registered, specs, flagged))
        log.debug(
            "page %d read as %s page %d in %.3fs",
            source_page + 1,
            loaded.id,
            page,
            sum(timings.values()),
        )
        return reading

    def find_template(
        self, gray: GrayImage, features: ScanFeatures, template_id: str | None
    ) -> tuple[LoadedTemplate, int, _RefEntry, Registration]:
        """Register against the given template, or classify among all templates."""
        ranked: list[tuple[Coarse, LoadedTemplate, int, _RefEntry]] = []
        for loaded, page in self.candidates(template_id):
            entry = self.reference(loaded, page)
            ranked.append((coarse_homography(features, entry.reference), loaded, page, entry))
        ranked.sort(key=lambda r: r[0][1], reverse=True)
        failures: list[str] = []
        for coarse, loaded, page, entry in ranked[:3]:
            try:
                reg = register(gray, entry.reference, features, coarse)
            except TemplateMismatch as exc:
                failures.append(f"{loaded.id} p{page}: {exc.message}")
                continue
            return loaded, page, entry, reg
        if template_id:
            raise TemplateMismatch(
                f"the page is not the form of template {template_id!r}: "
                + "; ".join(failures or ["no candidate page"]),
                template=template_id,
            )
        known = ", ".join(self.registry.ids()) or "none"
        raise NoTemplateMatched(
            f"no known template matches the page (tried {known})",
            tried=[r[1].id for r in ranked],
        )

    # -- files --------------------------------------------------------------------
    def iter_file(
        self,
        path: Path,
        *,
        template_id: str | None = None,
        debug_dir: Path | None = None,
        progress: Progress | None = None,
    ) -> Iterator[PageReading | PageRefusal]:
        """Read every page, yielding each as it is done: its reading, or its refusal.

        A page that is refused (blank, another form, over a limit, damaged) does not stop
        the others; a refusal of the whole file (:func:`probe_file`) is raised.
        """
        info = probe_file(path, self.limits)
        for index in range(info.pages):
            try:
                image = load_page(path, index, self.limits, info=info)
                yield self.read_image(
                    image, template_id=template_id, source_page=index, debug_dir=debug_dir
                )
            except (InputError, PageError) as exc:
                log.warning("page %d: %s", index + 1, exc.code)
                yield PageRefusal(source_page=index, error=exc)
            if progress:
                progress(index + 1, info.pages)

    def read_file(
        self,
        path: Path,
        *,
        template_id: str | None = None,
        debug_dir: Path | None = None,
        progress: Progress | None = None,
    ) -> list[Document]:
        """Read every page; one document per filled copy of the form. Refused pages are
        left out; if every page is refused, the first refusal is raised."""
        readings: list[PageReading] = []
        refusals: list[PageRefusal] = []
        for outcome in self.iter_file(
            path, template_id=template_id, debug_dir=debug_dir, progress=progress
        ):
            if isinstance(outcome, PageRefusal):
                refusals.append(outcome)
            else:
                readings.append(outcome)
        if not readings and refusals:
            raise refusals[0].error
        return group_documents(readings)


def check_ink(gray: GrayImage) -> None:
    small = cv2.resize(gray, None, fx=0.25, fy=0.25, interpolation=cv2.INTER_AREA)
    flat = flatten_background(np.asarray(small, np.uint8))
    # paper is flattened to 255; a faded print (black at ~150) must still count as ink
    if float((flat < INK_LEVEL).mean()) < MIN_INK_SHARE:
        raise BlankPage("the page is blank (no printed form or writing found)")


def group_documents(readings: list[PageReading]) -> list[Document]:
    """Group consecutive pages of a multi-page template into one document each."""
    return [d for d in iter_documents(readings) if isinstance(d, Document)]


def iter_documents(
    outcomes: Iterable[PageReading | PageRefusal],
) -> Iterator[Document | PageRefusal]:
    """Yield each document as soon as its last page is read, and each refusal as it comes.

    Consecutive pages of a multi-page template make one document; a refused page between
    them does not break the run (it is yielded before the document it interrupts).
    """
    current: list[PageReading] = []
    for r in outcomes:
        if isinstance(r, PageRefusal):
            yield r
            continue
        n_pages = len(r.template.template.pages)
        starts_new = (
            not current
            or r.template.id != current[0].template.id
            or r.template_page != current[-1].template_page + 1
        )
        if starts_new and current:
            yield _document(current)
            current = []
        current.append(r)
        if r.template_page == n_pages:
            yield _document(current)
            current = []
    if current:
        yield _document(current)


def _document(pages: list[PageReading]) -> Document:
    loaded = pages[0].template
    fields: dict[str, FieldResult] = {}
    for r in pages:
        fields.update(r.fields)
    if len(loaded.template.pages) > 1:
        check_document(loaded.template, fields)
    ordered = {f.name: fields[f.name] for f in loaded.template.fields if f.name in fields}
    return Document(
        template_id=loaded.id,
        template_version=loaded.template.version,
        pages=[r.info for r in pages],
        fields=ordered,
    )
