"""Tesseract engines: in-process ``tesserocr`` (default) and ``pytesseract`` (fallback).

This is the only module that imports the Tesseract bindings.

:class:`TesserocrEngine` keeps one ``PyTessBaseAPI`` per (language, psm) for the
life of the engine, created on first use and guarded by its own lock, so loading
the (large) ``jpn`` model happens once per process, not once per field.
:class:`PytesseractEngine` runs the ``tesseract`` command per crop: slower, but it
needs nothing beyond the system binary.

Both return text plus one confidence in [0, 1] per character, give :data:`EMPTY`
for a blank crop without calling Tesseract, and raise
:class:`~ocr_service.errors.OcrEngineError` when Tesseract fails.
"""

from __future__ import annotations

import logging
import os
import shlex
import threading
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pytesseract
import tesserocr
from PIL import Image

from ocr_service.errors import InvalidValue, MissingDependency, OcrEngineError
from ocr_service.ocr.base import (
    EMPTY,
    GrayImage,
    OcrEngine,
    OcrResult,
    OcrSettings,
    ReadingKind,
    is_blank,
)

log = logging.getLogger(__name__)

TESSDATA_CANDIDATES = (
    Path("/usr/share/tesseract-ocr/5/tessdata"),
    Path("/usr/share/tesseract-ocr/4.00/tessdata"),
    Path("/usr/share/tessdata"),
)
TESSDATA_ENV = ("OCR_TESSDATA_DIR", "TESSDATA_PREFIX")

CJK_GAP_RATIO = 0.6
"""pytesseract: a gap wider than this times the line height between CJK words is a space."""


def find_tessdata_dir() -> Path:
    """The tessdata folder: ``OCR_TESSDATA_DIR`` / ``TESSDATA_PREFIX`` (which, when set, must
    hold the language data), then the usual places."""
    for var in TESSDATA_ENV:
        value = os.environ.get(var)
        if not value:
            continue
        for folder in (Path(value), Path(value) / "tessdata"):
            if any(folder.glob("*.traineddata")):
                return folder
        raise MissingDependency(
            f"{var}={value} holds no .traineddata files; point it at the tessdata folder "
            "(e.g. /usr/share/tesseract-ocr/5/tessdata) or install the language data",
            searched=[value, str(Path(value) / "tessdata")],
        )
    for folder in TESSDATA_CANDIDATES:
        if any(folder.glob("*.traineddata")):
            return folder
    raise MissingDependency(
        "no tessdata folder with .traineddata files found; install tesseract-ocr and its "
        "language data (see docs/operations.md) or set OCR_TESSDATA_DIR to the folder",
        searched=[*TESSDATA_ENV, *map(str, TESSDATA_CANDIDATES)],
    )


def available_languages() -> list[str]:
    """Languages with a ``.traineddata`` file in the tessdata folder."""
    return sorted(p.stem for p in find_tessdata_dir().glob("*.traineddata"))


def to_pil(image: GrayImage) -> Image.Image:
    return Image.fromarray(np.ascontiguousarray(image, dtype=np.uint8))


def align_confidences(text: str, symbols: Sequence[tuple[str, float]]) -> OcrResult:
    """Give each character of ``text`` the confidence of the symbol it came from.

    Whitespace takes the lower confidence of its neighbours; characters Tesseract
    reported outside its symbol list get 0.
    """
    text = text.strip()
    confs: list[float | None] = []
    queue = list(symbols)
    pos = 0
    for ch in text:
        if ch.isspace():
            confs.append(None)
            continue
        conf = 0.0
        while pos < len(queue):
            sym, c = queue[pos]
            if ch in sym:
                conf = c
                if sym.endswith(ch):
                    pos += 1
                break
            pos += 1
        confs.append(conf)
    return OcrResult(text=text, char_confidences=tuple(_fill_blanks(confs)))


def _fill_blanks(confs: list[float | None]) -> Iterator[float]:
    known = [c for c in confs if c is not None]
    for i, c in enumerate(confs):
        if c is not None:
            yield c
            continue
        left = next((x for x in reversed(confs[:i]) if x is not None), None)
        right = next((x for x in confs[i + 1 :] if x is not None), None)
        near = [x for x in (left, right) if x is not None]
        yield min(near) if near else min(known, default=0.0)


class _CachedApi:
    """One PyTessBaseAPI with the lock that serializes its use."""

    def __init__(self, api: Any) -> None:
        self.api = api
        self.lock = threading.Lock()


class TesserocrEngine:
    """In-process Tesseract through tesserocr; one API object per (language, psm)."""

    name = "tesserocr"
    kinds = frozenset({ReadingKind.GENERAL})

    def __init__(self, tessdata: Path | None = None) -> None:
        self._tessdata = tessdata
        self._apis: dict[tuple[str, int], _CachedApi] = {}
        self._create_lock = threading.Lock()

    def api(self, language: str, psm: int) -> Any:
        """The cached ``PyTessBaseAPI`` for (language, psm), created on first use."""
        return self._cached(language, psm).api

    def read(self, image: GrayImage, settings: OcrSettings) -> OcrResult:
        if is_blank(image):
            return EMPTY
        cached = self._cached(settings.language, settings.psm)
        try:
            with cached.lock:
                return self._recognize(cached.api, image, settings)
        except RuntimeError as exc:
            raise OcrEngineError("tesseract failed on a crop", engine=self.name) from exc

    def close(self) -> None:
        """End every cached API (the engine can be used again afterwards)."""
        with self._create_lock:
            for cached in self._apis.values():
                with cached.lock:
                    cached.api.End()
            self._apis.clear()

    def __enter__(self) -> TesserocrEngine:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _cached(self, language: str, psm: int) -> _CachedApi:
        key = (language, psm)
        with self._create_lock:
            cached = self._apis.get(key)
            if cached is None:
                cached = _CachedApi(self._create_api(language, psm))
                self._apis[key] = cached
            return cached

    def _create_api(self, language: str, psm: int) -> Any:
        tessdata = self._tessdata or find_tessdata_dir()
        log.info("creating tesseract API language=%s psm=%s", language, psm)
        require_languages(tessdata, language)
        try:
            api = tesserocr.PyTessBaseAPI(path=str(tessdata), lang=language, psm=psm)
        except RuntimeError as exc:
            raise OcrEngineError(
                "tesseract could not load its language data", language=language
            ) from exc
        api.SetVariable("preserve_interword_spaces", "1")
        return api

    @staticmethod
    def _recognize(api: Any, image: GrayImage, settings: OcrSettings) -> OcrResult:
        api.SetVariable("tessedit_char_whitelist", settings.whitelist or "")
        api.SetImage(to_pil(image))
        if not api.Recognize():
            raise OcrEngineError("tesseract could not recognize a crop", engine="tesserocr")
        symbols = list(_symbols(api.GetIterator()))
        if not symbols:
            return EMPTY  # ink, but nothing Tesseract could read (GetUTF8Text would raise)
        return align_confidences(api.GetUTF8Text() or "", symbols)


def _symbols(iterator: Any) -> Iterator[tuple[str, float]]:
    """(symbol text, confidence in [0, 1]) for every recognized symbol."""
    if iterator is None:
        return
    for item in tesserocr.iterate_level(iterator, tesserocr.RIL.SYMBOL):
        if item.Empty(tesserocr.RIL.SYMBOL):
            continue
        symbol = item.GetUTF8Text(tesserocr.RIL.SYMBOL)
        if symbol:
            yield symbol, _unit(item.Confidence(tesserocr.RIL.SYMBOL))


class PytesseractEngine:
    """Tesseract through its command line (pytesseract); per-word confidence per char."""

    name = "pytesseract"
    kinds = frozenset({ReadingKind.GENERAL})

    def __init__(self, tessdata: Path | None = None) -> None:
        self._tessdata = tessdata
        self._checked: set[str] = set()

    def read(self, image: GrayImage, settings: OcrSettings) -> OcrResult:
        if is_blank(image):
            return EMPTY
        if settings.language not in self._checked:
            require_languages(self._tessdata or find_tessdata_dir(), settings.language)
            self._checked.add(settings.language)
        try:
            data = pytesseract.image_to_data(
                to_pil(image),
                lang=settings.language,
                config=self._config(settings),
                output_type=pytesseract.Output.DICT,
            )
        except pytesseract.TesseractNotFoundError as exc:
            raise MissingDependency(
                "the tesseract program is not installed or not on PATH; install tesseract-ocr"
            ) from exc
        except (pytesseract.TesseractError, OSError, RuntimeError) as exc:
            raise OcrEngineError("tesseract failed on a crop", engine=self.name) from exc
        return _join_words(data)

    def _config(self, settings: OcrSettings) -> str:
        tessdata = self._tessdata or find_tessdata_dir()
        parts = [
            f"--tessdata-dir {shlex.quote(str(tessdata))}",
            f"--psm {settings.psm}",
            "-c preserve_interword_spaces=1",
        ]
        if settings.whitelist:
            parts.append(f"-c tessedit_char_whitelist={shlex.quote(settings.whitelist)}")
        return " ".join(parts)


def require_languages(tessdata: Path, language: str) -> None:
    """Refuse, as a missing dependency, a language string (``jpn+eng``) whose language
    data is not in ``tessdata``: no reading could succeed, so retrying would not help."""
    missing = [
        lang for lang in language.split("+") if not (tessdata / f"{lang}.traineddata").is_file()
    ]
    if missing:
        raise MissingDependency(
            f"tesseract language data {', '.join(missing)} is not in {tessdata}; install "
            "it (e.g. tesseract-ocr-jpn) or set OCR_TESSDATA_DIR to a folder that has it",
            missing=missing,
            tessdata=str(tessdata),
        )


def _join_words(data: dict[str, list[Any]]) -> OcrResult:
    """Rebuild line text from ``image_to_data`` words, spreading word confidence to chars."""
    text: list[str] = []
    confs: list[float] = []
    prev: tuple[int, int, int, int, int] | None = None  # block, par, line, right edge, height
    for i, word in enumerate(data["text"]):
        word = str(word).strip()
        conf = float(data["conf"][i])
        if not word or conf < 0:
            continue
        line = (int(data["block_num"][i]), int(data["par_num"][i]), int(data["line_num"][i]))
        left, width, height = int(data["left"][i]), int(data["width"][i]), int(data["height"][i])
        if prev is not None:
            sep = _separator(prev, line, left, text[-1], word)
            if sep:
                text.append(sep)
                confs.append(min(confs[-1], _unit(conf)))
        text.append(word)
        confs.extend([_unit(conf)] * len(word))
        prev = (*line, left + width, max(height, 1))
    return OcrResult(text="".join(text), char_confidences=tuple(confs))


def _separator(
    prev: tuple[int, int, int, int, int],
    line: tuple[int, int, int],
    left: int,
    before: str,
    word: str,
) -> str:
    if prev[:3] != line:
        return "\n"
    if is_cjk(before[-1]) and is_cjk(word[0]):
        gap = left - prev[3]
        return " " if gap > CJK_GAP_RATIO * prev[4] else ""
    return " "


def is_cjk(ch: str) -> bool:
    """Kana, CJK ideographs, the long-vowel mark and full-width forms."""
    code = ord(ch)
    return (
        0x3000 <= code <= 0x30FF
        or 0x3400 <= code <= 0x4DBF
        or 0x4E00 <= code <= 0x9FFF
        or 0xF900 <= code <= 0xFAFF
        or 0xFF00 <= code <= 0xFFEF
    )


def _unit(conf: float) -> float:
    return float(min(max(conf / 100.0, 0.0), 1.0))


ENGINES: dict[str, type[TesserocrEngine] | type[PytesseractEngine]] = {
    TesserocrEngine.name: TesserocrEngine,
    PytesseractEngine.name: PytesseractEngine,
}


def create_engine(name: str = "tesserocr") -> OcrEngine:
    """Build an engine by name: ``"tesserocr"`` (default) or ``"pytesseract"``."""
    try:
        factory = ENGINES[name]
    except KeyError:
        raise InvalidValue(f"unknown OCR engine {name!r}", known=sorted(ENGINES)) from None
    return factory()
