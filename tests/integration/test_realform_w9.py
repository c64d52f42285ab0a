"""Reading works on a real form nobody here designed: the IRS W-9, filled through its own
AcroForm widgets (so the truth is exact), rendered by poppler, skewed and read with the
template authored by ``templates new``."""

from __future__ import annotations

import logging
from pathlib import Path

import cv2
import numpy as np
import pytest
from pdf2image import convert_from_path
from pypdf import PdfReader, PdfWriter

from ocr_service.imaging.ingest import pil_to_bgr
from ocr_service.pipeline import Reader

pytestmark = pytest.mark.integration

W9 = Path(__file__).resolve().parents[3] / "shared" / "realforms" / "irs" / "fw9.pdf"
P = "topmostSubform[0].Page1[0]."
FILLS = [
    {
        P + "f1_01[0]": "Jane Q. Doe",
        P + "Address_ReadOrder[0].f1_07[0]": "1234 Elm Street Apt 5",
        P + "Address_ReadOrder[0].f1_08[0]": "Springfield, IL 62704",
        P + "f1_11[0]": "123",
        P + "f1_12[0]": "45",
        P + "f1_13[0]": "6789",
        P + "Boxes3a-b_ReadOrder[0].c1_1[0]": "/1",
    },
    {
        P + "f1_01[0]": "Robert Tanaka",
        P + "Address_ReadOrder[0].f1_07[0]": "77 Harbor View Road",
        P + "Address_ReadOrder[0].f1_08[0]": "Seattle, WA 98101",
        P + "f1_14[0]": "98",
        P + "f1_15[0]": "7654321",
        P + "Boxes3a-b_ReadOrder[0].c1_1[3]": "/4",
    },
]
TRUTH = [
    {
        "name": "Jane Q. Doe",
        "address": "1234 Elm Street Apt 5",
        "city_state_zip": "Springfield, IL 62704",
        "ssn": "123456789",
        "ein": None,
        "tax_classification": "individual",
        "foreign_partners": False,
    },
    {
        "name": "Robert Tanaka",
        "address": "77 Harbor View Road",
        "city_state_zip": "Seattle, WA 98101",
        "ssn": None,
        "ein": "987654321",
        "tax_classification": "partnership",
        "foreign_partners": False,
    },
]


@pytest.mark.skipif(not W9.is_file(), reason="../shared/realforms is not beside this checkout")
@pytest.mark.parametrize("n", [0, 1])
def test_filled_w9_reads_back(n: int, tmp_path: Path) -> None:
    logging.getLogger("pypdf").setLevel(logging.ERROR)  # the IRS file has a stray xref entry
    writer = PdfWriter(clone_from=PdfReader(W9))
    writer.update_page_form_field_values(writer.pages[0], FILLS[n], auto_regenerate=False)
    writer.set_need_appearances_writer(True)
    filled = tmp_path / "w9.pdf"
    with filled.open("wb") as fh:
        writer.write(fh)
    page = pil_to_bgr(convert_from_path(str(filled), dpi=300, first_page=1, last_page=1)[0])
    h, w = page.shape[:2]
    m = cv2.getRotationMatrix2D((w / 2, h / 2), 2.5 if n else -1.5, 1.0)
    scan = cv2.warpAffine(page, m, (w, h), borderValue=(255, 255, 255))
    scan = np.clip(scan + np.random.default_rng(n).normal(0, 6, scan.shape), 0, 255).astype(
        np.uint8
    )

    reading = Reader().read_image(scan, template_id=None)

    assert reading.template.id == "irs_w9"
    for name, expected in TRUTH[n].items():
        got = reading.fields[name]
        assert got.value == expected or got.flagged, (name, got.value, expected)
    right = sum(reading.fields[k].value == v for k, v in TRUTH[n].items())
    assert right >= len(TRUTH[n]) - 1
    assert reading.fields["signature"].flagged  # required, and nobody signed
