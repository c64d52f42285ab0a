"""Fixtures for driving the reviewer page in real headless Chromium (the system's own build;
Playwright never downloads a browser here).

``review_document`` seeds one needs-review document the way production makes one: a clerk
uploads a synthetic filled 転入届 (``ocr_service.synth``), a real rq worker runs the page
job, and only the pipeline is swapped at the worker's seam for a reader that returns the
form's truth with chosen fields flagged or misread, on the synthetic page itself (so the
crops show real writing).
"""

from __future__ import annotations

import io
import os
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import numpy as np
import numpy.typing as npt
import pytest
from PIL import Image
from playwright.sync_api import Browser, Page, sync_playwright

from ocr_service.results import Document, FieldResult, FieldValue, PageInfo
from ocr_service.synth import Sample, generate
from ocr_service.templates.loader import TemplateRegistry

REPO = Path(__file__).resolve().parents[2]
CHROMIUM = os.environ.get("OCR_TEST_CHROMIUM", "/usr/bin/chromium")


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    if not Path(CHROMIUM).is_file():
        pytest.skip(f"no Chromium at {CHROMIUM} (set OCR_TEST_CHROMIUM)")
    with sync_playwright() as pw:
        chromium = pw.chromium.launch(
            executable_path=CHROMIUM,
            args=["--no-sandbox", "--disable-background-networking", "--disable-gpu"],
            headless=True,
        )
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser: Browser) -> Iterator[Page]:
    context = browser.new_context(
        viewport={"width": 1280, "height": 1000}, locale="ja-JP", device_scale_factor=1
    )
    tab = context.new_page()
    tab.set_default_timeout(15_000)
    yield tab
    context.close()


@dataclass
class Reading:
    document: Document
    straightened: npt.NDArray[np.uint8]
    timings: dict[str, float] = field(default_factory=dict)


@dataclass
class SampleReader:
    """Reads every page as ``sample``: its truth, except ``misread`` values, and ``flags``."""

    sample: Sample
    flags: dict[str, list[str]]
    misread: dict[str, FieldValue] = field(default_factory=dict)

    def read_source_page(self, path: Path, index: int, *, template_id: str | None) -> Reading:
        loaded = TemplateRegistry(REPO / "templates_forms").get(self.sample.template_id)
        fields: dict[str, FieldResult] = {}
        for spec in loaded.template.fields:
            value = self.misread.get(spec.name, self.sample.truth.get(spec.name))
            raw = "" if value is None or isinstance(value, bool) else str(value)
            result = FieldResult(value=value, raw_text=raw, confidence=0.95, bbox=list(spec.bbox))
            for reason in self.flags.get(spec.name, []):
                result.flag(reason)
                result.confidence = 0.38
            fields[spec.name] = result
        info = PageInfo(page=1, source_page=1, rotation=0, skew=0, inliers=512, error_px=0.4)
        document = Document(loaded.id, loaded.template.version, [info], fields)
        return Reading(document=document, straightened=straightened(self.sample, loaded))


def straightened(sample: Sample, loaded: Any) -> npt.NDArray[np.uint8]:
    """The undegraded sample in reference geometry (the generator only shifts it)."""
    assert sample.homography is not None
    dx, dy = int(sample.homography[0, 2]), int(sample.homography[1, 2])
    ref = loaded.template.pages[0]
    gray = Image.fromarray(sample.image[:, :, ::-1].copy()).convert("L")
    return np.asarray(gray.crop((dx, dy, dx + ref.width, dy + ref.height)), dtype=np.uint8)


@dataclass
class Seeded:
    document_id: str
    truth: dict[str, FieldValue]


@pytest.fixture
def review_document(client: httpx.Client, api_keys: dict[str, str], run_worker: Any) -> Any:
    """``review_document(flags, misread)`` -> the seeded document's id and the form's truth."""

    def seed(flags: dict[str, list[str]], misread: dict[str, FieldValue]) -> Seeded:
        loaded = TemplateRegistry(REPO / "templates_forms").get("jp_tennyu")
        sample = generate(loaded, seed=11, font_style="handwriting", degrade_level="none")
        scan = io.BytesIO()
        Image.fromarray(sample.image[:, :, ::-1].copy()).save(scan, format="PNG")
        r = client.post(
            "/v1/uploads",
            headers={"Authorization": f"Bearer {api_keys['clerk']}"},
            files={"file": ("tennyu.png", scan.getvalue(), "image/png")},
            data={"template": "jp_tennyu"},
        )
        assert r.status_code == 202, r.text
        run_worker(reader=SampleReader(sample=sample, flags=flags, misread=misread))
        return Seeded(document_id=r.json()["document_ids"][0], truth=dict(sample.truth))

    return seed
