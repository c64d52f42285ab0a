"""``ocr-service read`` end to end: PDFs through the real poppler, the JSON contract, exit codes."""

from __future__ import annotations

import io
import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import cv2
import numpy as np
import pytest
from PIL import Image
from pypdf import PdfReader, PdfWriter

from ocr_service.cli.read import EXIT_SOME_REFUSED
from ocr_service.errors import BlankPage, CorruptFile, EncryptedFile, TooManyPages
from ocr_service.imaging.ingest import Limits, probe_file
from ocr_service.synth import generate
from ocr_service.templates import TemplateRegistry

pytestmark = pytest.mark.integration


def run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "ocr_service.cli", *args],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


def json_lines(stdout: str) -> list[dict[str, Any]]:
    return [json.loads(line) for line in stdout.splitlines()]


def pdf_of(images: list[np.ndarray], path: Path, dpi: int = 200) -> Path:
    pages = [Image.fromarray(cv2.cvtColor(im, cv2.COLOR_BGR2RGB)) for im in images]
    pages[0].save(path, save_all=True, append_images=pages[1:], resolution=dpi)
    return path


@pytest.fixture(scope="module")
def three_copies(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, list[dict[str, object]]]:
    reg = TemplateRegistry()
    samples = [
        generate(reg.get("jp_tennyu"), seed=11, font_style="print", degrade_level="light"),
        generate(reg.get("jp_kyufukin"), seed=12, font_style="print", degrade_level="light"),
        generate(reg.get("jp_tennyu"), seed=13, font_style="handwriting", degrade_level="light"),
    ]
    path = pdf_of([s.image for s in samples], tmp_path_factory.mktemp("read") / "batch.pdf")
    return path, [dict(s.truth) for s in samples]


def test_pdf_of_several_copies_gives_one_document_each(
    three_copies: tuple[Path, list[dict[str, object]]], tmp_path: Path
) -> None:
    path, truths = three_copies
    debug = tmp_path / "debug"
    proc = run("read", str(path), "--json", "--debug-dir", str(debug))
    assert proc.returncode == 0, proc.stderr
    lines = json_lines(proc.stdout)
    assert [(e["file"], e["page"]) for e in lines] == [(str(path), n) for n in (1, 2, 3)]
    docs = [e["document"] for e in lines]
    assert [d["template"]["id"] for d in docs] == ["jp_tennyu", "jp_kyufukin", "jp_tennyu"]
    for doc, truth in zip(docs, truths, strict=True):
        assert set(doc) == {"template", "pages", "fields"}
        page = doc["pages"][0]
        assert set(page) >= {"page", "source_page", "rotation", "skew", "registration"}
        assert page["registration"]["inliers"] > 100
        assert set(doc["fields"]) == set(truth)
        for field in doc["fields"].values():
            assert set(field) >= {
                "value",
                "raw_text",
                "confidence",
                "flagged",
                "reasons",
                "page",
                "bbox",
            }
            assert 0.0 <= field["confidence"] <= 1.0
        right = [doc["fields"][n]["value"] == v for n, v in truth.items()]
        caught = [r or doc["fields"][n]["flagged"] for r, n in zip(right, truth, strict=True)]
        assert sum(right) / len(truth) >= 0.6
        assert sum(caught) / len(truth) >= 0.85
    assert [p["source_page"] for d in docs for p in d["pages"]] == [1, 2, 3]
    stages = sorted(p.name.split("_", 2)[2] for p in debug.glob("p001_*.png"))
    assert stages == [
        "deskewed.png",
        "dropout.png",
        "input.png",
        "oriented.png",
        "registered.png",
        "zones.png",
    ]


def test_table_output_marks_flagged_fields(
    three_copies: tuple[Path, list[dict[str, object]]],
) -> None:
    path, _ = three_copies
    proc = run("read", str(path), "--template", "jp_tennyu")
    # page 2 is another form: with the template forced it is refused, the others are read
    assert proc.returncode == EXIT_SOME_REFUSED, proc.stderr
    assert proc.stdout.count("document ") == 2
    assert f"error [template_mismatch]: {path} page 2:" in proc.stderr


def test_json_lines_keep_every_page_when_one_is_refused(
    three_copies: tuple[Path, list[dict[str, object]]], tmp_path: Path
) -> None:
    """Issue 21 item 10: a refused page is an error entry; the batch's other pages and
    files are still printed, and the exit code says some were refused."""
    path, _ = three_copies
    reg = TemplateRegistry()
    form = generate(reg.get("jp_tennyu"), seed=21, font_style="print", degrade_level="light")
    blank = np.full_like(form.image, 255)
    batch = pdf_of([form.image, blank, form.image], tmp_path / "with_blank.pdf")
    missing = tmp_path / "missing.pdf"
    proc = run("read", "--json", str(batch), str(missing), str(path), "--template", "jp_tennyu")
    assert proc.returncode == EXIT_SOME_REFUSED, proc.stderr
    entries = [
        (e["file"], e["page"], e.get("error", {}).get("code")) for e in json_lines(proc.stdout)
    ]
    assert entries == [
        (str(batch), 1, None),
        (str(batch), 2, "blank_page"),
        (str(batch), 3, None),
        (str(missing), None, "corrupt_file"),
        (str(path), 1, None),
        (str(path), 2, "template_mismatch"),
        (str(path), 3, None),
    ]
    refused = json_lines(proc.stdout)[1]
    assert refused["error"]["message"].startswith("the page is blank")
    assert json_lines(proc.stdout)[0]["document"]["template"]["id"] == "jp_tennyu"

    # nothing read: every refusal printed, the exit code is the first refusal's family
    only_blank = pdf_of([blank, blank], tmp_path / "blank.pdf")
    proc = run("read", "--json", str(only_blank))
    assert proc.returncode == BlankPage.exit_code == 4, proc.stderr
    assert [(e["page"], e["error"]["code"]) for e in json_lines(proc.stdout)] == [
        (1, "blank_page"),
        (2, "blank_page"),
    ]
    proc = run("read", "--json", str(missing))
    assert proc.returncode == CorruptFile.exit_code == 2, proc.stderr
    assert json_lines(proc.stdout)[0]["page"] is None


def test_unknown_template_and_unreadable_input_exit_non_zero(tmp_path: Path) -> None:
    proc = run("read", str(tmp_path / "missing.pdf"))
    assert proc.returncode != 0 and "no such file" in proc.stderr
    proc = run("read", "--template", "nope", str(tmp_path / "x.png"))
    assert proc.returncode == 3 and "unknown template 'nope'" in proc.stderr
    html = tmp_path / "page.pdf"
    html.write_text("<!DOCTYPE html><html></html>")
    proc = run("read", str(html))
    assert proc.returncode == 2 and "HTML" in proc.stderr
    blank = tmp_path / "blank.png"
    Image.new("L", (1654, 2339), 255).save(blank)
    proc = run("read", str(blank))
    assert proc.returncode == 4 and "blank" in proc.stderr


def test_truncated_encrypted_and_endless_pdfs(
    three_copies: tuple[Path, list[dict[str, object]]], tmp_path: Path
) -> None:
    path, _ = three_copies
    data = path.read_bytes()
    truncated = tmp_path / "truncated.pdf"
    truncated.write_bytes(data[: len(data) // 3])
    with pytest.raises(CorruptFile):
        probe_file(truncated)

    writer = PdfWriter(clone_from=PdfReader(path))
    writer.encrypt(user_password="secret", owner_password="owner")
    encrypted = tmp_path / "encrypted.pdf"
    with encrypted.open("wb") as fh:
        writer.write(fh)
    with pytest.raises(EncryptedFile, match="password"):
        probe_file(encrypted)

    endless = tmp_path / "endless.pdf"
    many = PdfWriter()
    for _ in range(10_000):
        many.add_blank_page(width=595, height=842)
    buf = io.BytesIO()
    many.write(buf)
    endless.write_bytes(buf.getvalue())
    with pytest.raises(TooManyPages, match="10000 pages"):
        probe_file(endless, Limits())


def test_read_applies_the_upload_limits(
    three_copies: tuple[Path, list[dict[str, object]]],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """``OCR_MAX_*`` hold for ``ocr-service read`` as for uploads (it used the defaults)."""
    path, _ = three_copies
    monkeypatch.setenv("OCR_MAX_PAGES", "2")
    proc = run("read", str(path))
    assert proc.returncode != 0 and "too_many_pages" in proc.stderr, proc.stderr
    monkeypatch.setenv("OCR_MAX_PAGES", "500")
    monkeypatch.setenv("OCR_MAX_UPLOAD_BYTES", "1000")
    proc = run("read", str(path))
    assert proc.returncode != 0 and "file_too_large" in proc.stderr, proc.stderr
    monkeypatch.delenv("OCR_MAX_UPLOAD_BYTES")
    monkeypatch.setenv("OCR_MAX_PIXELS", "1000000")
    big = tmp_path / "big.png"
    Image.new("L", (1654, 2339), 255).save(big)
    proc = run("read", str(big))
    assert proc.returncode != 0 and "image_too_large" in proc.stderr, proc.stderr
