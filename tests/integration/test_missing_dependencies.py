"""Issue 21 item 11: a misinstalled machine (no tessdata or language data, no model file,
no tesseract or poppler program) is a non-retryable ``missing_dependency`` with a message
an operator can act on and an exit code of its own, not a retryable engine error."""

from __future__ import annotations

import logging
import os
import subprocess
import sys
from pathlib import Path

import cv2
import numpy as np
import pytesseract
import pytest
from PIL import Image
from redis import Redis
from rq import Queue
from rq.job import Job

from ocr_service.errors import MissingDependency, ServiceUnavailable
from ocr_service.failures import as_service_error
from ocr_service.imaging.ingest import load_page, probe_file
from ocr_service.ocr.base import OcrSettings, ReadingKind
from ocr_service.ocr.digits import DigitEngine
from ocr_service.ocr.ppocr import PpOcrLineEngine
from ocr_service.ocr.tesseract import PytesseractEngine, TesserocrEngine, find_tessdata_dir
from ocr_service.synth import generate
from ocr_service.templates import TemplateRegistry
from worker import PageWorker

pytestmark = pytest.mark.integration


def inked_line() -> np.ndarray:
    image = np.full((48, 240), 255, np.uint8)
    cv2.putText(image, "12345", (8, 38), cv2.FONT_HERSHEY_SIMPLEX, 1.2, 0, 3)
    return image


def assert_missing(exc: BaseException, *words: str) -> None:
    error = as_service_error(exc)
    assert isinstance(error, MissingDependency)
    assert (error.code, error.retryable, error.exit_code) == ("missing_dependency", False, 78)
    for word in words:
        assert word in error.message


def test_a_tessdata_setting_without_language_data(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """It fell back to the system's folder silently; the operator's setting was wrong."""
    monkeypatch.delenv("OCR_TESSDATA_DIR", raising=False)
    monkeypatch.setenv("TESSDATA_PREFIX", str(tmp_path))
    with pytest.raises(MissingDependency) as caught:
        find_tessdata_dir()
    assert_missing(caught.value, "TESSDATA_PREFIX", str(tmp_path), ".traineddata")


def test_a_language_missing_from_tessdata(tmp_path: Path) -> None:
    """tesserocr's RuntimeError was a retryable ocr_engine_error."""
    system = find_tessdata_dir()
    (tmp_path / "eng.traineddata").symlink_to(system / "eng.traineddata")
    engine = TesserocrEngine(tessdata=tmp_path)
    assert engine.read(inked_line(), OcrSettings(language="eng")).text  # eng is there
    with pytest.raises(MissingDependency) as caught:
        engine.read(inked_line(), OcrSettings(language="jpn"))
    assert_missing(caught.value, "jpn", str(tmp_path))


def test_no_tesseract_program(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setattr(pytesseract.pytesseract, "tesseract_cmd", str(tmp_path / "tesseract"))
    with pytest.raises(MissingDependency) as caught:
        PytesseractEngine().read(inked_line(), OcrSettings(language="eng"))
    assert_missing(caught.value, "tesseract-ocr")


def test_no_ppocr_model_file(tmp_path: Path) -> None:
    engine = PpOcrLineEngine(model=tmp_path / "missing.onnx")
    settings = OcrSettings(language="eng", kind=ReadingKind.LINE)
    with pytest.raises(MissingDependency) as caught:
        engine.read_line(inked_line(), settings)
    assert_missing(caught.value, str(tmp_path / "missing.onnx"))


def test_no_digit_model_file(tmp_path: Path) -> None:
    with pytest.raises(MissingDependency) as caught:
        DigitEngine(model_path=tmp_path / "digits.onnx").session()
    assert_missing(caught.value, "digits.onnx")


def test_no_poppler(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """It was a corrupt_file: the caller was told their PDF was damaged."""
    pdf = tmp_path / "page.pdf"
    Image.new("L", (600, 800), 255).save(pdf, resolution=72)
    info = probe_file(pdf)
    monkeypatch.setenv("PATH", str(tmp_path / "empty"))
    with pytest.raises(MissingDependency) as caught:
        probe_file(pdf)
    assert_missing(caught.value, "poppler-utils")
    with pytest.raises(MissingDependency):
        load_page(pdf, 0, info=info)


def test_read_exits_78_with_the_fix_on_stderr(tmp_path: Path) -> None:
    page = tmp_path / "page.png"
    form = generate(TemplateRegistry().get("jp_tennyu"), seed=5, degrade_level="light")
    cv2.imwrite(str(page), form.image)
    empty = tmp_path / "tessdata"
    empty.mkdir()
    proc = subprocess.run(
        [sys.executable, "-m", "ocr_service.cli", "read", "--engine", "tesserocr", str(page)],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
        env={"PATH": "/usr/bin:/bin", "OCR_TESSDATA_DIR": str(empty)},
    )
    assert proc.returncode == MissingDependency.exit_code == 78, proc.stderr
    assert f"error [missing_dependency]: OCR_TESSDATA_DIR={empty} holds no" in proc.stderr
    assert "Traceback" not in proc.stderr


def test_a_failed_attempt_logs_one_line_not_rqs_traceback(
    caplog: pytest.LogCaptureFixture,
) -> None:
    """A delivery (or page) attempt that failed is logged once by its job, in one line,
    and raised for rq to retry; rq logged it again at ERROR with the whole traceback."""
    connection = Redis.from_url(os.environ.get("OCR_TEST_REDIS_URL", "redis://127.0.0.1:6379/15"))
    worker = PageWorker([Queue("missing-deps", connection=connection)], connection=connection)
    job = Job.create(func=print, connection=connection)
    caplog.set_level(logging.DEBUG)
    try:
        raise ServiceUnavailable("webhook delivery d1 failed: receiver answered HTTP 500")
    except ServiceUnavailable:
        worker.handle_exception(job, *sys.exc_info())
    assert [r for r in caplog.records if r.levelno >= logging.WARNING] == []
    try:
        raise KeyError("a bug")
    except KeyError:
        worker.handle_exception(job, *sys.exc_info())
    errors = [r.getMessage() for r in caplog.records if r.levelno >= logging.ERROR]
    assert len(errors) == 1 and "Traceback" in errors[0]  # a bug keeps rq's traceback


def test_a_misinstalled_page_worker_refuses_to_start(tmp_path: Path) -> None:
    """It started, took pages and failed (or, before, retried) every one of them."""
    empty = tmp_path / "tessdata"
    empty.mkdir()
    proc = subprocess.run(
        [sys.executable, "-m", "ocr_service.cli", "worker", "--burst"],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
        env={
            "PATH": "/usr/bin:/bin",
            "OCR_TESSDATA_DIR": str(empty),
            "OCR_REDIS_URL": os.environ.get("OCR_TEST_REDIS_URL", "redis://127.0.0.1:6379/15"),
            "OCR_DATABASE_URL": f"sqlite:///{tmp_path / 'ocr.db'}",
            "OCR_DATA_DIR": str(tmp_path / "data"),
        },
    )
    assert proc.returncode == 78, proc.stderr
    assert "error [missing_dependency]: OCR_TESSDATA_DIR=" in proc.stderr
