"""The line recognizer's split model, kept on disk between starts.

Splitting the head off (:func:`ocr_service.ocr.onnx_head.split_head`) and building a
head over some classes (:func:`~ocr_service.ocr.onnx_head.head_model`) need the ``onnx``
package, whose import alone took 1.5-1.8 s on a busy 2-core machine; the split itself
0.05-0.14 s. So both results are written once to a folder named by the SHA-256 of the
model file (and :data:`FORMAT`), and later starts read them back without importing
``onnx``::

    <cache>/ppocr/<FORMAT>-<sha256>/body.onnx          the graph without its head
    <cache>/ppocr/<FORMAT>-<sha256>/head.npz           the head's weight and bias
    <cache>/ppocr/<FORMAT>-<sha256>/head-<keep>.onnx   a head over the kept classes

A new model file is a new folder. Files are written to a temporary name and renamed, so
a killed process leaves no half file under the final name; a file that still cannot be
read (truncated, another format) is built again by the caller (:meth:`Cache.drop`).
When the folder cannot be written the recognizer works without it, only slower to start.

The folder is ``OCR_CACHE_DIR``, else ``$XDG_CACHE_HOME/ocr-service``, else
``~/.cache/ocr-service`` (read here, as ``OCR_TESSDATA_DIR`` is read by the Tesseract
engine, since the engine is built without the settings).
"""

from __future__ import annotations

import hashlib
import logging
import os
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import numpy.typing as npt

from ocr_service.ocr.onnx_head import FloatArray, SplitModel

log = logging.getLogger(__name__)

CACHE_ENV = "OCR_CACHE_DIR"
FORMAT = "split1"
"""Bump when what :func:`split_head` or :func:`head_model` writes changes."""


def default_cache_dir() -> Path:
    """``OCR_CACHE_DIR``, else ``$XDG_CACHE_HOME/ocr-service``, else ``~/.cache/ocr-service``."""
    if value := os.environ.get(CACHE_ENV):
        return Path(value)
    xdg = os.environ.get("XDG_CACHE_HOME")
    return (Path(xdg) if xdg else Path.home() / ".cache") / "ocr-service"


def file_digest(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


@dataclass(frozen=True)
class Cache:
    """The cache folder of one model file."""

    folder: Path

    @classmethod
    def of(cls, model: Path, root: Path | None = None) -> Cache:
        base = root if root is not None else default_cache_dir()
        return cls(base / "ppocr" / f"{FORMAT}-{file_digest(model)}")

    @property
    def body(self) -> Path:
        return self.folder / "body.onnx"

    @property
    def head(self) -> Path:
        return self.folder / "head.npz"

    def head_for(self, keep: npt.NDArray[np.bool_]) -> Path:
        key = hashlib.sha256(np.packbits(keep).tobytes() + str(keep.size).encode()).hexdigest()
        return self.folder / f"head-{key[:24]}.onnx"

    def load_split(self) -> SplitModel | None:
        """The split model written earlier, or None (absent or unreadable)."""
        try:
            body = self.body.read_bytes()
            with self.head.open("rb") as f, np.load(f, allow_pickle=False) as npz:
                weight: FloatArray = npz["weight"].astype(np.float32, copy=False)
                bias: FloatArray = npz["bias"].astype(np.float32, copy=False)
        except FileNotFoundError:
            return None
        except Exception as exc:  # a truncated or foreign file: numpy and zipfile raise many
            log.warning("PP-OCR cache %s unreadable (%s); building it again", self.folder, exc)
            self.drop()
            return None
        if not body or weight.ndim != 2 or bias.shape != (weight.shape[1],):
            log.warning("PP-OCR cache %s is not a split model; building it again", self.folder)
            self.drop()
            return None
        return SplitModel(body, weight, bias)

    def save_split(self, split: SplitModel) -> None:
        def write_head(path: Path) -> None:
            with path.open("wb") as f:
                np.savez(f, weight=split.weight, bias=split.bias)

        self._write(self.body, split.body)
        self._write_with(self.head, write_head)

    def load_head(self, keep: npt.NDArray[np.bool_]) -> bytes | None:
        try:
            return self.head_for(keep).read_bytes() or None
        except OSError:
            return None

    def save_head(self, keep: npt.NDArray[np.bool_], model: bytes) -> None:
        self._write(self.head_for(keep), model)

    def drop(self, *paths: Path) -> None:
        """Remove the given files (default: the split model) so they are built again."""
        for path in paths or (self.body, self.head):
            try:
                path.unlink(missing_ok=True)
            except OSError as exc:
                log.warning("cannot remove the PP-OCR cache file %s (%s)", path, exc)

    def _write(self, path: Path, data: bytes) -> None:
        self._write_with(path, lambda tmp: tmp.write_bytes(data))

    def _write_with(self, path: Path, write: Callable[[Path], object]) -> None:
        """Write through a temporary file and a rename; on failure, warn and go on."""
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            fd, name = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")
            os.close(fd)
            tmp = Path(name)
            try:
                write(tmp)
                tmp.replace(path)
            finally:
                tmp.unlink(missing_ok=True)
        except OSError as exc:
            log.warning("cannot write the PP-OCR cache file %s (%s); going on without", path, exc)
