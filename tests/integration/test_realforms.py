"""Forms nobody here designed (``templates_realforms/``): each template loads strictly,
its reference page is rendered from the realforms folder, and a page filled from the
form's fill spec (exact truth) registers and reads back through the real pipeline.

Skipped when the realforms folder (``OCR_REALFORMS_DIR``, default ``../shared/realforms``
beside the checkout) is not there.
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import cv2
import numpy as np
import pytest
import yaml
from pypdf import PdfWriter

from ocr_service.errors import TemplateInvalid
from ocr_service.pipeline import Reader
from ocr_service.synth.fillspec import FilledPage, fill_from_spec
from ocr_service.synth.sample import generate
from ocr_service.templates import FieldType, load_template
from ocr_service.templates.loader import (
    TEMPLATE_FILE,
    TemplateRegistry,
    default_realforms_dir,
)

pytestmark = [
    pytest.mark.integration,
    pytest.mark.skipif(
        not default_realforms_dir().is_dir(),
        reason="the realforms folder (OCR_REALFORMS_DIR, ../shared/realforms) is not there",
    ),
]

ROOT = Path(__file__).resolve().parents[2] / "templates_realforms"
IDS = sorted(p.parent.name for p in ROOT.glob(f"*/{TEMPLATE_FILE}"))

# The least each fill-spec page must read exactly, of its fields with a truth (blank
# fields included). Set a few fields under what the first reads gave (kindergeld 24/25,
# modelo 030 15/18, I-9 22/23, W-4 18/18, fr 21/24, it 18/25, pt 13/18, NIST 31/33): the
# misses are the phone numbers plume writes as US "+1-555-0142" on every form, options
# ticked with an X across the printed word, and values written over a printed label.
MIN_EXACT = {
    "de_kindergeld": 21,
    "es_modelo_030": 12,
    "us_i9": 19,
    "irs_w4": 15,
    "fr_schengen_visa": 18,
    "it_schengen_visa": 15,
    "pt_national_visa": 10,
    "nist_sd19": 27,
}


@pytest.fixture(scope="module")
def registry() -> TemplateRegistry:
    return TemplateRegistry(ROOT)


@pytest.fixture(scope="module")
def reader(registry: TemplateRegistry) -> Reader:
    return Reader(registry=registry)


def test_the_did_not_design_set() -> None:
    """Six plume forms or more in three languages or more, the W-4 and the NIST page."""
    locales = Counter(load_template(ROOT / i).template.locale for i in IDS)
    assert {"irs_w4", "nist_sd19"} <= set(IDS)
    assert len(IDS) - 2 >= 6
    assert len({loc.split("-")[0] for loc in locales if loc}) >= 3


@pytest.mark.parametrize("template_id", IDS)
def test_template_loads_strictly(template_id: str) -> None:
    loaded = load_template(ROOT / template_id)
    t = loaded.template
    assert loaded.reference_path(1).is_file()
    assert len(t.fields) >= 10
    types = {f.type for f in t.fields}
    assert len(types) >= 2
    if template_id != "nist_sd19":  # the HSF page holds digits and letters only
        assert len(types) >= 4, types
    for spec in t.fields:
        if spec.type in (FieldType.PHONE, FieldType.POSTAL_CODE, FieldType.EMAIL):
            assert spec.language.value == "eng", spec.name


def test_only_yaml_is_committed_for_forms_we_may_not_ship() -> None:
    """Pages with a source are rendered at run time: git ignores their PNGs."""
    ignore = (ROOT.parent / ".gitignore").read_text(encoding="utf-8")
    assert "/templates_realforms/*/*.png" in ignore
    for template_id in IDS:
        raw = yaml.safe_load((ROOT / template_id / TEMPLATE_FILE).read_text(encoding="utf-8"))
        sourced = all("source" in p for p in raw["pages"])
        assert sourced or template_id == "nist_sd19", template_id


def test_reference_is_rendered_when_missing_and_checked(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    realforms = tmp_path / "realforms"
    realforms.mkdir()
    writer = PdfWriter()
    writer.add_blank_page(width=144, height=72)  # 2 x 1 inch
    with (realforms / "blank.pdf").open("wb") as fh:
        writer.write(fh)
    monkeypatch.setenv("OCR_REALFORMS_DIR", str(realforms))
    folder = tmp_path / "form"
    folder.mkdir()
    page = {"page": 1, "image": "page1.png", "dpi": 100, "width": 200, "height": 100}
    doc = {
        "id": "form",
        "name": "A form",
        "pages": [{**page, "source": {"pdf": "blank.pdf", "page": 1}}],
        "fields": [{"name": "a", "label": "A", "bbox": [10, 10, 50, 20], "type": "text"}],
    }
    (folder / TEMPLATE_FILE).write_text(yaml.safe_dump(doc))
    loaded = load_template(folder)
    image = cv2.imread(str(loaded.reference_path(1)), cv2.IMREAD_GRAYSCALE)
    assert image is not None and image.shape == (100, 200)

    (folder / "page1.png").unlink()
    doc["pages"] = [{**page, "dpi": 150, "source": {"pdf": "blank.pdf", "page": 1}}]
    (folder / TEMPLATE_FILE).write_text(yaml.safe_dump(doc))
    with pytest.raises(TemplateInvalid, match="renders at 150 dpi as 300x150"):
        load_template(folder)


def _scanned(page: FilledPage, angle: float, seed: int) -> np.ndarray:
    """The filled page slightly rotated, with sensor noise: a careful flatbed scan."""
    h, w = page.image.shape[:2]
    m = cv2.getRotationMatrix2D((w / 2, h / 2), angle, 1.0)
    scan = cv2.warpAffine(page.image, m, (w, h), borderValue=(255, 255, 255))
    noise = np.random.default_rng(seed).normal(0, 5, scan.shape)
    return np.clip(scan + noise, 0, 255).astype(np.uint8)


@pytest.mark.parametrize("template_id", IDS)
def test_fill_spec_page_reads_back(
    template_id: str, registry: TemplateRegistry, reader: Reader
) -> None:
    loaded = registry.get(template_id)
    filled = fill_from_spec(loaded)
    assert filled.truth, "the fill spec wrote nothing into the template's zones"
    angle = 0.0 if template_id == "nist_sd19" else 1.2  # the NIST page is a real scan
    scan = filled.image if angle == 0 else _scanned(filled, angle, len(template_id))

    reading = reader.read_image(scan, template_id=template_id)

    assert reading.template.id == template_id
    exact = [n for n, v in filled.truth.items() if reading.fields[n].value == v]
    assert len(exact) >= MIN_EXACT[template_id], sorted(set(filled.truth) - set(exact))
    silent = [
        n
        for n, v in filled.truth.items()
        if reading.fields[n].value not in (v, None) and not reading.fields[n].flagged
    ]
    assert len(silent) <= 2, silent


def test_unnamed_page_is_classified_among_the_forms(
    registry: TemplateRegistry, reader: Reader
) -> None:
    filled = fill_from_spec(registry.get("irs_w4"))
    reading = reader.read_image(_scanned(filled, -0.8, 4), template_id=None)
    assert reading.template.id == "irs_w4"


@pytest.mark.parametrize("template_id", ["de_kindergeld", "es_modelo_030"])
def test_generated_page_in_the_forms_language_registers(
    template_id: str, registry: TemplateRegistry, reader: Reader
) -> None:
    """synth.generate writes values made in the form's locale (Faker de_DE, es_ES...)."""
    sample = generate(registry.get(template_id), seed=31, font_style="print", degrade_level="light")
    reading = reader.read_image(sample.image, template_id=template_id)
    assert reading.template.id == template_id
    exact = sum(reading.fields[n].value == v for n, v in sample.truth.items())
    assert exact >= len(sample.truth) // 2
