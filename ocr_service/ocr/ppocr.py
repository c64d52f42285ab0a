"""PP-OCR line recognizer: a CTC text-line model run in-process with onnxruntime.

Tesseract's ``jpn`` model reads printed Japanese well but misreads handwriting-style
kanji and kana at high confidence (浩→洗, 子→千). PaddleOCR's multilingual PP-OCRv6
recognizer (Japanese, Chinese, English and Latin scripts in one 18,708-character
model) reads those lines far better; it ships inside the ``rapidocr`` wheel
(Apache-2.0), so nothing is downloaded at run time.

The model reads one line: a crop is scaled to 48 px high, normalized to [-1, 1] and
decoded greedily (CTC: best class per frame, repeats merged, blanks dropped). A
character's confidence is its best frame probability, renormalized over the classes
the whitelist allows (a whitelist masks the other classes before decoding, so a date
field can only yield date characters; for a code of letters alone, a digit or stroke
the model reads for a letter counts for it). The model's spaces are kept for Latin
text; between Japanese words it rarely emits one, so for Japanese a space is put where
the crop has an ink gap wider than :data:`SPACE_GAP` line heights between two
characters (and the model's own spaces are dropped).

For Japanese (no whitelist) the characters are limited to those a Japanese form can
hold (JIS X 0208 and a few name variants such as 髙 and 﨑), so a simplified Chinese
form is never read, and the old forms of kanji (增 for 増, 橫 for 横) are down-weighted
so that they win only when clearly written (see :meth:`PpOcrLineEngine.prior`).

A block (``psm`` 6, a multi-line field) is cut into lines at blank rows, and each
line read alone.

Each character also carries its runner-up: the likeliest other class at the frames it
was read at, with its probability (``OcrResult.runners_up``), so a reader can tell a
clear か from one that was nearly が.
"""

from __future__ import annotations

import importlib.util
import itertools
import logging
import threading
from collections.abc import Sequence
from dataclasses import dataclass, replace
from functools import cached_property
from pathlib import Path
from typing import Any

import cv2
import numpy as np
import numpy.typing as npt

from ocr_service.errors import MissingDependency, OcrEngineError
from ocr_service.ocr.base import (
    DARK_LEVEL,
    EMPTY,
    NO_RUNNER_UP,
    PSM_BLOCK,
    GrayImage,
    OcrResult,
    OcrSettings,
    ReadingKind,
    is_blank,
)
from ocr_service.ocr.head_cache import Cache
from ocr_service.ocr.onnx_head import SplitModel, head_model, split_head
from ocr_service.reading import rules

log = logging.getLogger(__name__)

MODEL_FILE = "PP-OCRv6_rec_small.onnx"
MODEL_PACKAGE = "rapidocr"
INPUT_HEIGHT = 48
MIN_WIDTH = 16
MAX_WIDTH = 3200
"""Wider crops are squeezed: about 60 characters a line at 48 px."""
SPACE_GAP = 0.95
"""An ink gap between two characters at least this many line heights wide is a space.
Measured on 37 generated kana names: gaps between the characters of a word 0.06-0.80,
the gap between surname and given name 1.05-1.98."""
LATIN_SPURIOUS_GAP = 0.15
LONE_DASH_GAP = 0.6
LONE_DASHES = frozenset("ー-－—―‐")

UNCOVERED_INK = 0.8
"""Ink reaching this many line heights beyond the first or last character's frames
means a character may be missing: that end's confidence drops to UNCOVERED_CONFIDENCE.
Measured on 330 correctly read lines: at most 0.54 on the left and 0.49 on the right
(99th percentile), since CTC places a character at its middle, not its edge."""
UNCOVERED_CONFIDENCE = 0.3
NAME_VARIANTS = frozenset("髙﨑德濵瀨")
"""Outside JIS X 0208 but common in names (cp932's extensions)."""
OLD_FORMS = frozenset(
    "亞惡壓圍爲醫壹飮隱營榮衞驛圓鹽應歐毆櫻奧溫價假會壞懷繪擴覺學嶽樂勸卷歡觀關陷"
    "巖顏歸氣僞戲犧舊據擧峽挾狹曉區驅勳徑莖惠溪經繼鷄縣儉劍劔險圈檢權顯驗嚴廣效"
    "恆黃鑛號國黑濟齋劑雜參慘棧蠶贊殘絲齒兒辭濕實舍寫釋壽收從澁獸縱肅處緖敍奬將"
    "燒稱證乘剩壤孃條淨狀疊讓釀觸寢愼晉眞盡圖粹醉隨髓數樞聲靜齊攝竊專淺潛纖踐錢"
    "禪雙壯搜插爭總聰莊裝騷增藏臟屬續墮體對帶滯臺瀧擇澤單擔膽團彈斷癡遲晝蟲鑄廳"
    "聽敕鎭遞鐵轉點傳黨盜燈當鬪獨讀屆繩貳惱腦霸廢拜賣麥發髮拔蠻祕濱甁拂佛竝變邊"
    "辨瓣辯舖步寶豐沒飜萬滿默彌藥譯豫餘與譽搖樣謠來賴亂覽龍兩獵綠壘淚勵禮隸靈齡"
    "戀爐勞樓祿錄灣橫穗鄉"
)
"""Old (pre-1949) forms of kanji whose new forms are in use (旧字体)."""
OLD_FORM_WEIGHT = 0.05
LATIN_EXTRA_WEIGHT = 0.05
"""Prior of an accented Latin letter or typographic punctuation in English text."""

MIN_BAND = 0.4
LINE_PAD = 6

FloatArray = npt.NDArray[np.float32]


def find_model() -> Path:
    """The recognizer's ONNX file inside the installed ``rapidocr`` package (not imported)."""
    spec = importlib.util.find_spec(MODEL_PACKAGE)
    locations = list(spec.submodule_search_locations or []) if spec else []
    for folder in locations:
        path = Path(folder) / "models" / MODEL_FILE
        if path.is_file():
            return path
    raise MissingDependency(
        f"the PP-OCR model {MODEL_FILE} was not found; install the '{MODEL_PACKAGE}' package "
        "(pip install -e .) or set OCR_ENGINE_NAME=tesserocr",
        searched=locations,
    )


@dataclass(frozen=True)
class LoadedModel:
    session: Any
    """The onnxruntime session of the model, or of its body when the head is split off."""
    head: tuple[FloatArray, FloatArray] | None
    """The split-off classification head's weight and bias (see onnx_head): the session
    then returns features, not probabilities."""
    cache: Cache | None = None
    """Where the split model and its heads are kept between starts (see head_cache)."""


class PpOcrLineEngine:
    """One text line per call; thread-safe (onnxruntime sessions are)."""

    name = "ppocr"
    kinds = frozenset({ReadingKind.LINE})

    def __init__(
        self, model: Path | None = None, threads: int = 1, cache_dir: Path | None = None
    ) -> None:
        """Nothing is loaded until the first reading. ``cache_dir``: where the split
        model is kept (default :func:`~ocr_service.ocr.head_cache.default_cache_dir`)."""
        self._model = model
        self._threads = threads
        self._cache_dir = cache_dir
        self._lock = threading.Lock()
        self._priors: dict[str, Prior] = {}

    @cached_property
    def _loaded(self) -> LoadedModel:
        path = self._model or find_model()
        if not path.is_file():
            raise MissingDependency(
                f"the PP-OCR model {path} does not exist; reinstall the package "
                "(pip install -e .) or set OCR_ENGINE_NAME=tesserocr",
                path=str(path),
            )
        try:
            cache: Cache | None = Cache.of(path, self._cache_dir)
        except OSError as exc:
            log.warning("cannot hash the PP-OCR model %s (%s); no cache", path, exc)
            cache = None
        try:
            split, session = self._cached_split(cache)
            if session is None:
                split = split_head(path)
                session = self._new_session(split.body if split else str(path), self._threads)
                if split is not None and cache is not None:
                    cache.save_split(split)
        except Exception as exc:  # onnxruntime and onnx raise their own types
            raise OcrEngineError(f"cannot load the PP-OCR model {path.name}: {exc}") from exc
        return LoadedModel(session, (split.weight, split.bias) if split else None, cache)

    def _cached_split(self, cache: Cache | None) -> tuple[SplitModel | None, Any]:
        """The split model and its session from the cache, or (None, None)."""
        split = cache.load_split() if cache is not None else None
        if cache is None or split is None:
            return None, None
        try:
            return split, self._new_session(split.body, self._threads)
        except Exception as exc:  # onnxruntime raises its own types
            log.warning("PP-OCR cache %s does not load (%s); building it again", cache.folder, exc)
            cache.drop()
            return None, None

    @property
    def _session(self) -> Any:
        return self._loaded.session

    @property
    def _head(self) -> tuple[FloatArray, FloatArray] | None:
        return self._loaded.head

    @staticmethod
    def _new_session(model: str | bytes, threads: int) -> Any:
        import onnxruntime as ort  # heavy; workers only

        options = ort.SessionOptions()
        options.intra_op_num_threads = threads
        options.inter_op_num_threads = 1
        options.log_severity_level = 3
        # no arena: buffers go back after each call, so a worker's memory does not keep
        # the high-water mark of its widest line (same speed: 21.6 vs 21.4 ms a line)
        options.enable_cpu_mem_arena = False
        # no memory patterns either: onnxruntime keeps one per input shape, and every
        # line width is a new shape (measured: RSS 135 -> 346 MB over 300 widths with
        # them, 135 -> 165 MB without, at the same speed)
        options.enable_mem_pattern = False
        return ort.InferenceSession(model, options, providers=["CPUExecutionProvider"])

    @cached_property
    def classes(self) -> list[str]:
        """Class index → character: 0 is the CTC blank, the last is the space."""
        meta = self._session.get_modelmeta().custom_metadata_map
        return ["", *meta["character"].splitlines(), " "]

    def prior(self, settings: OcrSettings) -> Prior:
        """Per-class weights applied before decoding, kept as the classes of non-zero
        weight (decoding looks at 504 columns for English, 6,586 for Japanese, not 18,710).

        A whitelist keeps its characters (and the blank). Japanese keeps what a Japanese
        form can hold: JIS X 0208 (shift_jis) and the name variants of
        :data:`NAME_VARIANTS`, with the old forms of :data:`OLD_FORMS` down-weighted to
        :data:`OLD_FORM_WEIGHT`: the model spreads a glyph between 増 and 增, and in
        today's Japanese the new form is far likelier; a clearly written old form still
        wins. Other languages (English) keep Latin text: ASCII, with accented letters and
        typographic punctuation down-weighted to :data:`LATIN_EXTRA_WEIGHT` (see
        latin_weight), except the accented letters of the field's language
        (``settings.letters``: a German, French, Spanish, Italian or Portuguese form),
        which keep full weight.
        """
        script = "jpn" if "jpn" in settings.language else "latin"
        shaping = prior_rules(settings.whitelist, script, settings.letters)
        letters = settings.letters if LOCALE_LETTERS_RULE & shaping else ""
        key = f"{settings.whitelist or script}|{letters}|{','.join(sorted(shaping))}"
        with self._lock:
            prior = self._priors.get(key)
            if prior is None:
                classes = self.classes
                weights = class_weights(classes, settings.whitelist, script, shaping, letters)
                folds = lookalike_folds(classes, settings.whitelist)
                if "ocr.letter_lookalikes" not in shaping:
                    folds = []
                for source, _ in folds:
                    weights[source] = 1.0  # read, then counted for its lookalike
                head = self._head_session(weights > 0)
                prior = Prior.of(classes, weights, head, folds)
                shaped = shaping if folds else shaping - FOLD_RULE
                prior = replace(prior, rule_ids=tuple(sorted(shaped)))
                self._priors[key] = prior
        return prior

    def _head_session(self, keep: npt.NDArray[np.bool_]) -> Any:
        """The classification head over the kept classes, or None (full model)."""
        if self._head is None:
            return None
        cache = self._loaded.cache
        cached = cache.load_head(keep) if cache is not None else None
        if cache is not None and cached is not None:
            try:
                return self._new_session(cached, threads=1)
            except Exception as exc:  # onnxruntime raises its own types
                log.warning("PP-OCR cached head does not load (%s); building it again", exc)
                cache.drop(cache.head_for(keep))
        weight, bias = self._head
        model = head_model(weight[:, keep], bias[keep])
        if cache is not None:
            cache.save_head(keep, model)
        return self._new_session(model, threads=1)

    def read(self, image: GrayImage, settings: OcrSettings) -> OcrResult:
        """One line; a block (``psm`` 6) is cut into its lines, read one by one and
        joined with newlines."""
        if is_blank(image):
            return EMPTY
        if settings.psm != PSM_BLOCK:
            return self.read_line(image, settings)
        readings = [self.read_line(band, settings) for band in split_lines(image)]
        readings = [r for r in readings if r.text]
        text = "\n".join(r.text for r in readings)
        confidences: list[float] = []
        alternatives: list[tuple[str, float]] = []
        for n, r in enumerate(readings):
            if n:
                confidences.append(min(r.char_confidences, default=0.0))
                alternatives.append(NO_RUNNER_UP)
            confidences.extend(r.char_confidences)
            alternatives.extend(r.runners_up)
        return OcrResult(text, tuple(confidences), tuple(alternatives))

    def read_line(self, image: GrayImage, settings: OcrSettings) -> OcrResult:
        if is_blank(image):
            return EMPTY
        batch = to_input(image)
        session = self._session  # loads the model; a missing one is MissingDependency
        try:
            output = session.run(None, {"x": batch})[0][0]
        except Exception as exc:
            raise OcrEngineError(f"PP-OCR recognizer failed: {exc}") from exc
        prior = self.prior(settings)
        for rule_id in prior.rule_ids:
            rules.fired(rule_id)
        probs = prior.probabilities(output)
        chars = decode(probs, prior.classes)
        if "jpn" in settings.language and rules.active("ocr.japanese_gap_spaces"):
            # its spaces in Japanese are unreliable: gaps decide
            unspaced = [c for c in chars if c[0] != " "]
            if len(unspaced) < len(chars):
                rules.fired("ocr.japanese_gap_spaces")
            chars = unspaced
        chars = mark_uncovered_ink(image, chars, probs.shape[0])
        gaps = gap_widths(image, chars, probs.shape[0])
        alternatives = runners_up(probs, prior.classes, chars)
        return with_spaces(chars, gaps, latin="jpn" not in settings.language, runners=alternatives)


@dataclass(frozen=True)
class Prior:
    """The classes a reading may use, with their weights; the blank first."""

    columns: npt.NDArray[np.intp]
    weights: FloatArray
    classes: list[str]
    head: Any = None
    """An onnxruntime session of the head over these classes, when the body's session
    returns features rather than probabilities (see onnx_head)."""
    folds: tuple[tuple[int, int], ...] = ()
    """(source, target) positions in ``columns``: the source's probability counts for
    the target (see lookalike_folds)."""
    rule_ids: tuple[str, ...] = ()
    """The reading rules that shaped this prior, sorted (reported for every line it
    reads, in the same order in every process)."""

    @classmethod
    def of(
        cls,
        classes: list[str],
        weights: FloatArray,
        head: Any = None,
        folds: Sequence[tuple[int, int]] = (),
    ) -> Prior:
        columns = np.flatnonzero(weights > 0)
        position = {int(c): n for n, c in enumerate(columns.tolist())}
        moved = tuple((position[s], position[t]) for s, t in folds)
        kept = [classes[i] for i in columns.tolist()]
        return cls(columns, weights[columns], kept, head, moved)

    def probabilities(self, output: FloatArray) -> FloatArray:
        """Per frame, each class's probability given that the class is one of these
        (weighted by the prior). ``output`` is the body session's: the model's softmax
        over every class, or the features this prior's head turns into probabilities."""
        if self.head is None:
            probs = output[:, self.columns] * self.weights
        else:
            probs = self.head.run(None, {"features": output})[0] * self.weights
        for source, target in self.folds:
            probs[:, target] += probs[:, source]
            probs[:, source] = 0.0
        return np.asarray(probs / np.maximum(probs.sum(axis=1, keepdims=True), 1e-9), np.float32)


def split_lines(image: GrayImage) -> list[GrayImage]:
    """The text lines of a block: bands of inked rows, split at blank rows.

    Bands under :data:`MIN_BAND` of the tallest (a dot, a stray stroke) join the band
    nearest them rather than being read alone."""
    rows = np.count_nonzero(image < DARK_LEVEL, axis=1) > 0
    bands: list[list[int]] = []
    for y, filled in enumerate(rows.tolist()):
        if filled and bands and bands[-1][1] == y:
            bands[-1][1] = y + 1
        elif filled:
            bands.append([y, y + 1])
    if len(bands) <= 1:
        return [image]
    tallest = max(b - a for a, b in bands)
    merged: list[list[int]] = []
    for band in bands:
        small = band[1] - band[0] < MIN_BAND * tallest
        if merged and (small or merged[-1][1] - merged[-1][0] < MIN_BAND * tallest):
            merged[-1][1] = band[1]
        else:
            merged.append(band)
    pad = LINE_PAD
    h = image.shape[0]
    return [image[max(0, a - pad) : min(h, b + pad)] for a, b in merged]


FOLD_RULE = frozenset({"ocr.letter_lookalikes"})
LOCALE_LETTERS_RULE = frozenset({"ocr.locale_letters"})
ALL_PRIOR_RULES = frozenset(
    {
        "ocr.japanese_charset",
        "ocr.old_forms",
        "ocr.latin_prior",
        "ocr.letter_lookalikes",
        "ocr.locale_letters",
    }
)


def prior_rules(whitelist: str | None, script: str, letters: str = "") -> frozenset[str]:
    """The reading rules that shape a prior for this whitelist and script (and the
    accented ``letters`` of the field's language), of those switched on here (see
    :mod:`ocr_service.reading.rules`)."""
    if whitelist:
        candidates = FOLD_RULE
    elif script == "latin" and letters:
        candidates = frozenset({"ocr.latin_prior"}) | LOCALE_LETTERS_RULE
    elif script == "latin":
        candidates = frozenset({"ocr.latin_prior"})
    else:
        candidates = frozenset({"ocr.japanese_charset", "ocr.old_forms"})
    return frozenset(r for r in candidates if rules.active(r))


def class_weights(
    classes: list[str],
    whitelist: str | None,
    script: str = "jpn",
    shaping: frozenset[str] = ALL_PRIOR_RULES,
    letters: str = "",
) -> FloatArray:
    """Per-class prior weights; ``shaping``: the prior rules switched on (all by default);
    ``letters``: accented letters kept at full weight in Latin text (ocr.locale_letters)."""
    if whitelist:
        keep = set(whitelist)
        return np.array(
            [1.0 if i == 0 or c in keep else 0.0 for i, c in enumerate(classes)], dtype=np.float32
        )
    if script == "latin":
        latin = "ocr.latin_prior" in shaping
        kept = set(letters) if "ocr.locale_letters" in shaping else set()
        return np.array(
            [
                1.0 if i == 0 or not latin or c in kept else latin_weight(c)
                for i, c in enumerate(classes)
            ],
            dtype=np.float32,
        )
    jis, old = "ocr.japanese_charset" in shaping, "ocr.old_forms" in shaping
    weights = [
        1.0
        if i == 0
        else OLD_FORM_WEIGHT
        if old and c in OLD_FORMS
        else float(usable_in_japanese(c) or not jis)
        for i, c in enumerate(classes)
    ]
    return np.array(weights, dtype=np.float32)


LETTER_LOOKALIKES = {"1": "I", "l": "I", "|": "I", "0": "O", "5": "S", "8": "B", "2": "Z"}
"""Characters the model reads for a capital letter of a code (a lone I is a bare bar)."""


def lookalike_folds(classes: list[str], whitelist: str | None) -> list[tuple[int, int]]:
    """(source, target) class indices: for a whitelist of letters alone (a code such as
    the FATCA "A"-"M"), a lookalike the whitelist leaves out counts for its letter.

    Masked out, the model's reading of a lone "I" (a bare bar, which it takes for l, 1
    or |) left only the blank: it was read as no value. Whitelists with digits are left
    as they are."""
    if not whitelist or any(c.isdigit() for c in whitelist):
        return []
    index = {c: i for i, c in enumerate(classes)}
    return [
        (index[source], index[target])
        for source, target in LETTER_LOOKALIKES.items()
        if target in whitelist and source not in whitelist and source in index
    ]


def latin_weight(char: str) -> float:
    """ASCII is Latin text; an accented letter (José, Müller) or typographic punctuation
    (’, –) is possible but rare; anything else (kana, kanji, Cyrillic, arrows, ·) is not
    on an English form. The model, trained on mixed scripts, otherwise reads a blurred
    Spencer as Spéncer, Ortega as Orteġa, a speck as · or ↓."""
    code = ord(char)
    if 0x20 <= code < 0x7F:
        return 1.0
    if 0xC0 <= code <= 0x24F or 0x2010 <= code <= 0x201F:
        return LATIN_EXTRA_WEIGHT
    return 0.0


def usable_in_japanese(char: str) -> bool:
    """JIS X 0208 (shift_jis) or a name variant. The model also knows simplified and
    traditional Chinese forms (增 for 増, 橫 for 横), which Japanese forms do not use."""
    if char in NAME_VARIANTS or char == " ":
        return True
    try:
        char.encode("shift_jis")
    except UnicodeEncodeError:
        return False
    return True


def to_input(image: GrayImage) -> FloatArray:
    """The (1, 3, 48, W) float input."""
    h, w = image.shape[:2]
    width = int(min(MAX_WIDTH, max(MIN_WIDTH, round(w * INPUT_HEIGHT / h))))
    shrinking = h > INPUT_HEIGHT
    interpolation = cv2.INTER_AREA if shrinking else cv2.INTER_CUBIC
    resized = cv2.resize(image, (width, INPUT_HEIGHT), interpolation=interpolation)
    plane = resized.astype(np.float32) / 127.5 - 1.0
    batch = np.repeat(plane[None, None, :, :], 3, axis=1)
    return np.ascontiguousarray(batch)


Decoded = list[tuple[str, float, int, int]]
"""(character, confidence, first frame, last frame) per decoded character."""


def decode(probs: FloatArray, classes: list[str]) -> Decoded:
    """Greedy CTC: the best class per frame, repeats merged, blanks dropped."""
    best = probs.argmax(axis=1)
    top = probs.max(axis=1)
    out: Decoded = []
    previous = 0
    for t, (k, p) in enumerate(zip(best.tolist(), top.tolist(), strict=True)):
        if k != 0 and k == previous and out:
            char, conf, start, _ = out[-1]
            out[-1] = (char, max(conf, p), start, t)
        elif k != 0:
            out.append((classes[k], p, t, t))
        previous = k
    return out


RunnersUp = dict[int, tuple[str, float]]
"""A decoded character's first frame → its runner-up (character, probability)."""


def runners_up(probs: FloatArray, classes: list[str], chars: Decoded) -> RunnersUp:
    """For each decoded character, the likeliest other class at the frames it was read
    at (the blank and the character itself left out), with its probability there.

    Greedy decoding keeps only the best class per frame; the runner-up is how close the
    reading came to another character (か at 0.55 with が at 0.43), which a reader can
    weigh when the two are easily confused by hand (see
    :mod:`ocr_service.reading.kana`)."""
    out: RunnersUp = {}
    for _, _, start, end in chars:
        window = np.array(probs[start : end + 1], dtype=np.float32)
        best = int(window[0].argmax())
        window[:, [0, best]] = 0.0
        frame, column = np.unravel_index(int(window.argmax()), window.shape)
        probability = float(window[frame, column])
        out[start] = (classes[int(column)], probability) if probability > 0 else NO_RUNNER_UP
    return out


def mark_uncovered_ink(image: GrayImage, chars: Decoded, frames: int) -> Decoded:
    """Lower the edge confidence when ink lies well beyond the first or last character.

    A character the model dropped at a line's end otherwise leaves a confident, short
    reading (佐々木桃子 read as 佐々木桃 at 1.00)."""
    if not chars:
        return chars
    columns = np.flatnonzero(np.count_nonzero(image < DARK_LEVEL, axis=0) > 0)
    if columns.size == 0:
        return chars
    per_frame = image.shape[1] / frames
    reach = UNCOVERED_INK * max(1, ink_height(image))
    out = list(chars)
    if (columns[-1] - (chars[-1][3] + 1) * per_frame) > reach:
        c, p, a, b = out[-1]
        out[-1] = (c, min(p, UNCOVERED_CONFIDENCE), a, b)
    if (chars[0][2] * per_frame - columns[0]) > reach:
        c, p, a, b = out[0]
        out[0] = (c, min(p, UNCOVERED_CONFIDENCE), a, b)
    return out


def gap_widths(image: GrayImage, chars: Decoded, frames: int) -> list[float]:
    """The widest ink-free run between each two neighbouring characters, in line heights."""
    columns = np.count_nonzero(image < DARK_LEVEL, axis=0) > 0
    width = columns.shape[0]
    per_frame = width / frames
    height = max(1, ink_height(image))
    out: list[float] = []
    for left, right in itertools.pairwise(chars):
        a = max(0, int(left[3] * per_frame))
        b = min(width, int((right[2] + 1) * per_frame) + 1)
        out.append(widest_run(~columns[a:b]) / height)
    return out


def widest_run(flags: npt.NDArray[np.bool_]) -> int:
    best = run = 0
    for flag in flags.tolist():
        run = run + 1 if flag else 0
        best = max(best, run)
    return best


def ink_height(image: GrayImage) -> int:
    rows = np.flatnonzero(np.count_nonzero(image < DARK_LEVEL, axis=1) > 0)
    return int(rows[-1] - rows[0] + 1) if rows.size else int(image.shape[0])


def between_digits(chars: Decoded, i: int) -> bool:
    return 0 < i < len(chars) - 1 and chars[i - 1][0].isdigit() and chars[i + 1][0].isdigit()


def with_spaces(
    chars: Decoded,
    gaps: list[float],
    *,
    latin: bool = False,
    runners: RunnersUp | None = None,
) -> OcrResult:
    """Text with a space at every wide ink gap; a dash standing alone in a gap is a space
    (a speck or the form's residue between two words, never a long-vowel mark).

    ``latin``: the model's own spaces are kept where there is some gap (at least
    :data:`LATIN_SPURIOUS_GAP`), and no other: in a fixed-pitch face or a handwriting
    font the gaps inside a word reach a whole line height ("Gr iff in" for Griffin).
    Measured on the 1,254 English line readings of 200 generated W-9 pages: of those
    whose letters were right, a space wherever a gap was 0.6 line heights wide split 20
    correctly spaced readings and mended none, and a hyphen alone in a wide gap taken
    for a space broke 3 (Brown-Adams, 41190-441).

    ``runners``: each character's runner-up by first frame (see :func:`runners_up`),
    carried into the result; a space has none.
    """
    wide = None if latin or not rules.active("ocr.japanese_gap_spaces") else SPACE_GAP
    spurious = rules.active("ocr.latin_space_gap")
    dashes = not latin and rules.active("ocr.lone_dash_space")
    kept: list[tuple[str, float, tuple[str, float]]] = []
    for i, (char, conf, start, _) in enumerate(chars):
        before = gaps[i - 1] if i > 0 else 0.0
        after = gaps[i] if i < len(gaps) else 0.0
        if char == " ":
            if not kept or kept[-1][0] == " ":
                continue
            if not spurious or max(before, after) >= LATIN_SPURIOUS_GAP:
                kept.append((" ", conf, NO_RUNNER_UP))
            else:
                rules.fired("ocr.latin_space_gap")
            continue
        if (
            dashes
            and char in LONE_DASHES
            and min(before, after) >= LONE_DASH_GAP
            and not between_digits(chars, i)  # 下津木5-19-9: an address number's hyphen
        ):
            rules.fired("ocr.lone_dash_space")
            kept.append((" ", conf, NO_RUNNER_UP))
            continue
        if wide is not None and before >= wide and kept and kept[-1][0] != " ":
            rules.fired("ocr.japanese_gap_spaces")
            kept.append((" ", min(conf, kept[-1][1]), NO_RUNNER_UP))
        runner = runners.get(start, NO_RUNNER_UP) if runners is not None else NO_RUNNER_UP
        kept.append((char, conf, runner))
    while kept and kept[-1][0] == " ":  # never leading: a space follows a kept character
        kept.pop()
    text = "".join(c for c, _, _ in kept)
    confidences = tuple(p for _, p, _ in kept)
    alternatives = tuple(r for _, _, r in kept) if runners is not None else ()
    return OcrResult(text, confidences, alternatives)
