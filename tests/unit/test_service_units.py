"""Unit tests of the service layer: no database, Redis or Tesseract."""

from __future__ import annotations

import csv
import io
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

import pytest

from ocr_service.api import csv_export
from ocr_service.api.data_schema import data_schema
from ocr_service.auth import generate_key, hash_key, parse_key_id
from ocr_service.config import Environment, Settings
from ocr_service.db.documents import Cursor, decode_cursor, encode_cursor
from ocr_service.db.uploads import sanitize_filename
from ocr_service.errors import InvalidValue, NotFound
from ocr_service.storage import LocalStorage
from ocr_service.templates.loader import TemplateRegistry
from ocr_service.templates.model import FieldType

REPO = Path(__file__).resolve().parents[2]


def test_database_defaults_to_sqlite_in_the_data_dir(tmp_path: Path) -> None:
    s = Settings(data_dir=tmp_path)
    assert s.database_url == f"sqlite:///{tmp_path.resolve() / 'ocr.db'}"


def test_settings_read_the_ocr_prefix(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("OCR_MAX_PAGES", "7")
    monkeypatch.setenv("OCR_QUEUE_NAME", "elsewhere")
    s = Settings()
    assert (s.max_pages, s.queue_name) == (7, "elsewhere")


def test_production_refuses_the_default_secret() -> None:
    with pytest.raises(ValueError, match="OCR_SECRET_KEY"):
        Settings(environment=Environment.PRODUCTION).check_secrets()
    Settings(environment=Environment.PRODUCTION, secret_key="s3cr3t-from-vault").check_secrets()
    Settings(environment=Environment.DEVELOPMENT).check_secrets()


def test_storage_is_content_addressed_and_never_overwrites(tmp_path: Path) -> None:
    store = LocalStorage(tmp_path)
    digest = store.put_bytes(b"scan bytes")
    path = store.path_for(digest)
    assert path == tmp_path / "blobs" / digest[:2] / digest[2:4] / digest
    assert store.get_bytes(digest) == b"scan bytes"
    mtime = path.stat().st_mtime_ns
    assert store.put_bytes(b"scan bytes") == digest
    assert path.stat().st_mtime_ns == mtime
    src = tmp_path / "in.bin"
    src.write_bytes(b"scan bytes")
    assert store.put_file(src) == digest
    assert not list((tmp_path / "tmp").iterdir())  # no temporary files left behind
    store.delete(digest)
    assert not store.exists(digest)
    with pytest.raises(NotFound):
        store.open(digest)
    with pytest.raises(NotFound):
        store.path_for("../../etc/passwd")


def test_api_keys_parse_and_hash() -> None:
    key_id, key = generate_key()
    assert parse_key_id(key) == key_id
    assert key_id not in hash_key(key)
    assert len(key) > 40
    assert parse_key_id("nonsense") is None
    assert parse_key_id("ocr__x") is None


def test_cursor_round_trips_and_refuses_tampering() -> None:
    c = Cursor(updated_at=datetime(2026, 1, 2, 3, 4, 5, 678901, tzinfo=UTC), id="abc")
    text = encode_cursor(c, "k")
    assert decode_cursor(text, "k") == c
    with pytest.raises(InvalidValue):
        decode_cursor(text, "other-secret")
    with pytest.raises(InvalidValue):
        decode_cursor(text[:-3] + "AAA", "k")
    with pytest.raises(InvalidValue):
        decode_cursor("!!!", "k")


def test_filenames_are_sanitized() -> None:
    assert sanitize_filename("../../etc/passwd") == "passwd"
    assert sanitize_filename("C:\\scans\\転入届.pdf") == "転入届.pdf"
    # a right-to-left override would show "invoiceexe.pdf" for an .exe; zero-width and
    # isolate characters hide what a clerk reads
    assert sanitize_filename("invoice\u202efdp.exe") == "invoicefdp.exe"
    assert sanitize_filename("a\u200bb\u2066c\x85.pdf") == "abc.pdf"
    assert sanitize_filename("a\x00b<c>.png") == "a_b_c_.png"
    assert sanitize_filename(None) == "upload"
    assert sanitize_filename("..") == "upload"
    assert len(sanitize_filename("あ" * 200).encode()) <= 255


def test_csv_cells_defuse_formulas_but_keep_numbers() -> None:
    assert csv_export.cell("=HYPERLINK(1)") == "'=HYPERLINK(1)"
    assert csv_export.cell("@SUM") == "'@SUM"
    assert csv_export.cell("-12") == "-12"
    assert csv_export.cell(True) == "true"
    assert csv_export.cell(None) == ""


def test_csv_starts_with_bom_and_header_in_template_order() -> None:
    template = TemplateRegistry(REPO / "templates_forms").get("jp_tennyu").template
    doc = {
        "id": "d1",
        "upload_id": "u1",
        "status": "verified",
        "updated_at": datetime(2026, 1, 1, tzinfo=UTC),
        "page_index": 0,
        "external_ref": "window-7",
        "data": {f.name: "値" for f in template.fields},
    }
    text = "".join(csv_export.render(template, [doc]))
    assert text.startswith("\ufeff")
    rows = list(csv.reader(io.StringIO(text.removeprefix("\ufeff"))))
    fixed = ["document_id", "upload_id", "status", "updated_at", "sheet", "external_ref"]
    assert rows[0] == fixed + [f.name for f in template.fields]
    assert rows[1][:6] == ["d1", "u1", "verified", "2026-01-01T00:00:00+00:00", "1", "window-7"]


def test_data_schema_types_follow_field_types() -> None:
    for loaded in TemplateRegistry(REPO / "templates_forms").all():
        schema = data_schema(loaded.template)
        assert list(schema["properties"]) == [f.name for f in loaded.template.fields]
        for f in loaded.template.fields:
            prop = schema["properties"][f.name]
            if f.type in (FieldType.CHECKBOX, FieldType.MARK):
                assert prop["type"] == "boolean"
            elif f.type is FieldType.CHOICE:
                assert prop["enum"] == [o.value for o in f.options] + [None]
            else:
                assert prop["type"] == ["string", "null"]
            if f.type is FieldType.DATE:
                assert prop["format"] == "date"


def test_the_api_never_imports_opencv_or_tesseract() -> None:
    code = (
        "import sys\n"
        "from ocr_service.api import create_app\n"
        "from ocr_service.config import Settings\n"
        "import tempfile\n"
        "create_app(Settings(data_dir=tempfile.mkdtemp()))\n"
        "bad = [m for m in ('cv2', 'tesserocr', 'pytesseract', 'ocr_service.pipeline')"
        " if m in sys.modules]\n"
        "print(','.join(bad))\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=REPO
    )
    assert out.stdout.strip() == ""
