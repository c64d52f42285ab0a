"""The line recognizer's split head is kept on disk, keyed by the model file's hash: a
second start reads it back without ``onnx``, and a broken cache is built again (the
real model; see ocr_service/ocr/head_cache.py)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from PIL import Image, ImageDraw, ImageFont

from ocr_service.ocr.base import OcrSettings, ReadingKind
from ocr_service.ocr.head_cache import FORMAT, Cache
from ocr_service.ocr.ppocr import PpOcrLineEngine, find_model

pytestmark = pytest.mark.integration

ROOT = Path(__file__).resolve().parents[2]
NOTO = "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc"
LINE = OcrSettings("jpn", 7, kind=ReadingKind.LINE)
TEXT = "東京都千代田区"

#: A fresh interpreter reads one rendered line and says whether it imported onnx.
PROBE = """
import json, sys
import numpy as np
from PIL import Image, ImageDraw, ImageFont
from ocr_service.ocr.base import OcrSettings, ReadingKind
from ocr_service.ocr.ppocr import PpOcrLineEngine
face = ImageFont.truetype(sys.argv[2], 40)
image = Image.new("L", (420, 80), 255)
ImageDraw.Draw(image).text((20, 14), sys.argv[3], font=face, fill=0)
engine = PpOcrLineEngine(cache_dir=__import__("pathlib").Path(sys.argv[1]))
text = engine.read(np.array(image), OcrSettings("jpn", 7, kind=ReadingKind.LINE)).text
print(json.dumps({"text": text, "onnx": "onnx" in sys.modules}))
"""


def read_in_new_process(cache_dir: Path) -> dict[str, object]:
    done = subprocess.run(
        [sys.executable, "-c", PROBE, str(cache_dir), NOTO, TEXT],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=300,
        check=True,
    )
    result: dict[str, object] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


def line() -> np.ndarray:
    image = Image.new("L", (420, 80), 255)
    ImageDraw.Draw(image).text((20, 14), TEXT, font=ImageFont.truetype(NOTO, 40), fill=0)
    return np.array(image)


def test_the_second_start_reads_the_cache_without_onnx(tmp_path: Path) -> None:
    first = read_in_new_process(tmp_path)
    assert first == {"text": TEXT, "onnx": True}
    [folder] = (tmp_path / "ppocr").iterdir()
    assert folder.name.startswith(f"{FORMAT}-")
    assert folder == Cache.of(find_model(), tmp_path).folder
    assert (folder / "body.onnx").is_file()
    assert (folder / "head.npz").is_file()
    assert list(folder.glob("head-*.onnx"))
    second = read_in_new_process(tmp_path)
    assert second == {"text": TEXT, "onnx": False}


@pytest.mark.parametrize("broken", ["body.onnx", "head.npz", "head-*.onnx"])
@pytest.mark.parametrize("damage", ["truncate", "garbage"])
def test_a_broken_cache_file_is_built_again(tmp_path: Path, broken: str, damage: str) -> None:
    PpOcrLineEngine(cache_dir=tmp_path).read(line(), LINE)
    folder = Cache.of(find_model(), tmp_path).folder
    [path] = list(folder.glob(broken))[:1]
    size = path.stat().st_size
    if damage == "truncate":
        path.write_bytes(path.read_bytes()[: size // 2])
    else:
        path.write_bytes(b"not a model" * 100)
    assert PpOcrLineEngine(cache_dir=tmp_path).read(line(), LINE).text == TEXT
    assert path.stat().st_size == size  # written again, whole


def test_an_unwritable_cache_folder_only_costs_the_start(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("a file where the folder would go")
    assert PpOcrLineEngine(cache_dir=blocker).read(line(), LINE).text == TEXT


def test_another_model_file_gets_its_own_folder(tmp_path: Path) -> None:
    a = tmp_path / "a.onnx"
    b = tmp_path / "b.onnx"
    a.write_bytes(b"model one")
    b.write_bytes(b"model two")
    assert Cache.of(a, tmp_path).folder != Cache.of(b, tmp_path).folder
