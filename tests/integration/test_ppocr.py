"""The PP-OCR line recognizer and the hybrid engine on rendered crops (the real model)."""

from pathlib import Path

import numpy as np
import pytest
from PIL import Image, ImageDraw, ImageFont

from ocr_service.errors import InvalidValue, MissingDependency
from ocr_service.ocr.base import EMPTY, OcrResult, OcrSettings, ReadingKind, reads_lines
from ocr_service.ocr.engines import HybridEngine, create_engine
from ocr_service.ocr.onnx_head import split_head
from ocr_service.ocr.ppocr import (
    LATIN_EXTRA_WEIGHT,
    OLD_FORM_WEIGHT,
    PpOcrLineEngine,
    Prior,
    class_weights,
    find_model,
    lookalike_folds,
    mark_uncovered_ink,
    split_lines,
    usable_in_japanese,
)
from ocr_service.ocr.tesseract import TesserocrEngine

pytestmark = pytest.mark.integration

NOTO = "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc"
KLEE = "/usr/share/fonts/truetype/klee/KleeOne-Regular.ttf"
LINE = OcrSettings("jpn", 7, kind=ReadingKind.LINE)


def render(text: str, size: int = 40, font: str = NOTO, gap: int = 0) -> np.ndarray:
    """One line; ``gap`` extra pixels after each space."""
    face = ImageFont.truetype(font, size)
    image = Image.new("L", (int(size * 1.2 * len(text)) + 40 + gap * 4, size * 2), 255)
    draw = ImageDraw.Draw(image)
    x = 20.0
    for ch in text:
        if ch == " ":
            x += size * 0.5 + gap
            continue
        draw.text((x, size // 3), ch, font=face, fill=0)
        x += draw.textlength(ch, font=face) + 2
    return np.array(image)


@pytest.fixture(scope="module")
def engine() -> PpOcrLineEngine:
    return PpOcrLineEngine()


def test_model_ships_in_the_installed_package() -> None:
    assert find_model().is_file()


@pytest.mark.parametrize(
    ("text", "font"),
    [
        ("山田太郎", NOTO),
        ("東京都千代田区丸の内1-9-1", NOTO),
        ("佐々木くみ子", KLEE),
        ("横浜市港北区新横浜", KLEE),
    ],
)
def test_reads_japanese_lines(engine: PpOcrLineEngine, text: str, font: str) -> None:
    result = engine.read(render(text, font=font), LINE)
    assert result.text == text
    assert len(result.char_confidences) == len(result.text)
    assert result.min_confidence > 0.5


def test_whitelist_limits_the_characters(engine: PpOcrLineEngine) -> None:
    digits = OcrSettings("eng", 7, "0123456789", ReadingKind.LINE)
    result = engine.read(render("AB12"), digits)
    assert set(result.text) <= set("0123456789")
    assert "12" in result.text


def test_wide_gap_is_a_space_narrow_ones_are_not(engine: PpOcrLineEngine) -> None:
    result = engine.read(render("ヤマダ タロウ", gap=40), LINE)
    assert result.text == "ヤマダ タロウ"


def test_blank_crop_is_empty(engine: PpOcrLineEngine) -> None:
    assert engine.read(np.full((60, 300), 255, np.uint8), LINE) == EMPTY


def test_block_is_read_line_by_line(engine: PpOcrLineEngine) -> None:
    block = np.vstack([render("就職のため"), render("転居します")])
    result = engine.read(block, OcrSettings("jpn", 6, kind=ReadingKind.LINE))
    assert result.text.split("\n") == ["就職のため", "転居します"]
    assert len(result.char_confidences) == len(result.text)
    assert len(split_lines(block)) == 2


@pytest.mark.parametrize(
    ("text", "settings"),
    [
        ("東京都千代田区丸の内1-9-1", LINE),
        ("Brianna Fernandez, Apt. 443", OcrSettings("eng", 7, kind=ReadingKind.LINE)),
        ("2024-03-11", OcrSettings("eng", 7, whitelist="0123456789-", kind=ReadingKind.LINE)),
    ],
)
def test_split_head_reads_as_the_whole_model(
    engine: PpOcrLineEngine,
    text: str,
    settings: OcrSettings,
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
) -> None:
    """The head cut off the graph and run over the kept classes only gives the whole
    model's reading, character confidences included."""
    split = engine.read_line(render(text), settings)
    assert engine._head is not None  # the shipped model's head was split off
    monkeypatch.setattr("ocr_service.ocr.ppocr.split_head", lambda path: None)
    whole_engine = PpOcrLineEngine(cache_dir=tmp_path)  # an empty cache: no split to read
    whole = whole_engine.read_line(render(text), settings)
    assert whole_engine._head is None
    assert split.text == whole.text
    assert np.allclose(split.char_confidences, whole.char_confidences, atol=1e-4)


def test_a_lone_i_in_a_letter_code_is_read_as_i(
    engine: PpOcrLineEngine, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The model takes a bare bar for l, 1 or |; with a letters-only whitelist those
    count for I. Without that, the same crop read as nothing or as a doubtful I."""
    code = OcrSettings("eng", 8, whitelist="ABCDEFGHIJKLM", kind=ReadingKind.LINE)
    crop = render("I", size=60)
    folded = engine.read_line(crop, code)
    assert folded.text == "I"
    assert folded.min_confidence > 0.95
    monkeypatch.setattr("ocr_service.ocr.ppocr.lookalike_folds", lambda classes, whitelist: [])
    masked = PpOcrLineEngine().read_line(crop, code)
    assert masked.text == "" or masked.min_confidence < 0.8


def test_lookalikes_fold_only_into_letter_codes(engine: PpOcrLineEngine) -> None:
    classes = engine.classes
    folded = {(classes[s], classes[t]) for s, t in lookalike_folds(classes, "ABCDEFGHIJKLM")}
    assert {("1", "I"), ("l", "I"), ("|", "I")} <= folded
    assert ("0", "O") not in folded  # O is not in the whitelist
    assert ("5", "S") in {(classes[s], classes[t]) for s, t in lookalike_folds(classes, "CSP")}
    assert lookalike_folds(classes, "0123456789") == []
    assert lookalike_folds(classes, None) == []
    assert ("l", "I") not in {(classes[s], classes[t]) for s, t in lookalike_folds(classes, "IJl")}


def test_a_graph_not_ending_in_a_head_is_run_whole(tmp_path: Path) -> None:
    from onnx import TensorProto, helper

    graph = helper.make_graph(
        [helper.make_node("Relu", ["x"], ["y"])],
        "no_head",
        [helper.make_tensor_value_info("x", TensorProto.FLOAT, [1, 4])],
        [helper.make_tensor_value_info("y", TensorProto.FLOAT, [1, 4])],
    )
    path = tmp_path / "relu.onnx"
    path.write_bytes(helper.make_model(graph).SerializeToString())
    assert split_head(path) is None


def test_missing_model_is_a_missing_dependency_not_a_retryable_engine_error() -> None:
    broken = PpOcrLineEngine(model=Path("/nonexistent/model.onnx"))
    with pytest.raises(MissingDependency) as raised:
        broken.read(render("山田"), LINE)
    assert not raised.value.retryable


def test_japanese_prior_excludes_chinese_forms_and_down_weights_old_ones() -> None:
    classes = ["", "増", "这", "澤", "沢", "A", " "]
    weights = class_weights(classes, None)
    assert weights.tolist()[:5] == [1.0, 1.0, 0.0, pytest.approx(OLD_FORM_WEIGHT), 1.0]
    assert not usable_in_japanese("这")  # simplified Chinese
    assert usable_in_japanese("髙")  # a name variant outside JIS X 0208
    assert class_weights(classes, "0123").tolist() == [1, 0, 0, 0, 0, 0, 0]


def test_latin_prior_keeps_ascii_and_down_weights_accents() -> None:
    classes = ["", "A", "é", "増", "·", "’", "ı", " "]
    weights = class_weights(classes, None, "latin").tolist()
    extra = pytest.approx(LATIN_EXTRA_WEIGHT)
    assert weights == [1.0, 1.0, extra, 0.0, 0.0, extra, extra, 1.0]
    prior = Prior.of(classes, class_weights(classes, None, "latin"))
    assert prior.classes == ["", "A", "é", "’", "ı", " "]
    assert prior.columns.tolist() == [0, 1, 2, 5, 6, 7]


def test_ink_beyond_the_last_character_lowers_its_confidence() -> None:
    image = np.full((48, 400), 255, np.uint8)
    image[10:38, 20:60] = 0
    image[10:38, 300:340] = 0  # a second character the reading does not account for
    chars = [("山", 0.99, 3, 6)]  # frames of 8 px: the character spans x 24..56
    lowered = mark_uncovered_ink(image, chars, frames=50)
    assert lowered[0][1] < 0.5
    image[10:38, 300:340] = 255
    assert mark_uncovered_ink(image, chars, frames=50)[0][1] == 0.99


class Fixed:
    def __init__(self, name: str) -> None:
        self.name = name
        self.kinds = frozenset({ReadingKind.LINE})

    def read(self, image: np.ndarray, settings: OcrSettings) -> OcrResult:
        return OcrResult(self.name, (1.0,) * len(self.name))


def test_hybrid_routes_line_readings_to_the_line_model() -> None:
    hybrid = HybridEngine(boxes=Fixed("tess"), lines=Fixed("line"))
    crop = render("山")
    assert hybrid.read(crop, LINE).text == "line"
    assert hybrid.read(crop, OcrSettings("jpn", 10)).text == "tess"
    assert reads_lines(hybrid)
    assert not reads_lines(TesserocrEngine())


def test_engine_names() -> None:
    assert create_engine().name == "hybrid"
    assert create_engine("tesserocr").name == "tesserocr"
    with pytest.raises(InvalidValue):
        create_engine("nope")
