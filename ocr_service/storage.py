"""Blob storage for original uploads and straightened page images.

Blobs are content-addressed by SHA-256 (``blobs/ab/cd/<sha256>``), written atomically
(temporary file, fsync, rename) and never overwritten. :class:`Storage` is the seam an
object store (S3 and the like) would implement; :class:`LocalStorage` keeps blobs in the
data folder, which several machines may share over a network filesystem.
"""

from __future__ import annotations

import contextlib
import errno
import hashlib
import os
import re
import shutil
import tempfile
from pathlib import Path
from typing import BinaryIO, Protocol

from ocr_service.errors import NotFound, StorageError, StorageFull

SHA256_RE = re.compile(r"^[0-9a-f]{64}$")
CHUNK = 1 << 20


def sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        while chunk := fh.read(CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def storage_error(message: str, exc: OSError) -> StorageError:
    """The error for a failed storage operation: :class:`StorageFull` when out of space."""
    full = exc.errno in (errno.ENOSPC, errno.EDQUOT)
    return (StorageFull if full else StorageError)(f"{message}: {exc.strerror or exc}")


class Storage(Protocol):
    def put_bytes(self, data: bytes) -> str:
        """Store ``data``; return its sha256 (storing the same bytes twice is a no-op)."""
        ...

    def put_file(self, path: Path, sha256: str | None = None) -> str:
        """Store the file at ``path`` (left in place); return its sha256."""
        ...

    def open(self, sha256: str) -> BinaryIO:
        """Open a stored blob for reading."""
        ...

    def get_bytes(self, sha256: str) -> bytes: ...

    def path_for(self, sha256: str) -> Path:
        """A local file holding the blob (a remote store would download it to a cache)."""
        ...

    def exists(self, sha256: str) -> bool: ...

    def delete(self, sha256: str) -> None:
        """Remove a blob (retention); removing a missing blob is not an error."""
        ...


class LocalStorage:
    """Blobs under ``<root>/blobs``; temporary files under ``<root>/tmp`` (same filesystem)."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.blobs = root / "blobs"
        self.tmp = root / "tmp"

    def _location(self, sha256: str) -> Path:
        if not SHA256_RE.match(sha256):
            raise NotFound(f"not a sha256 digest: {sha256[:80]!r}")
        return self.blobs / sha256[:2] / sha256[2:4] / sha256

    def temp_file(self) -> tuple[BinaryIO, Path]:
        """A new temporary file on the storage filesystem (for streaming uploads into)."""
        try:
            self.tmp.mkdir(parents=True, exist_ok=True)
            fd, name = tempfile.mkstemp(dir=self.tmp, prefix="in-")
        except OSError as exc:
            raise storage_error("cannot create a temporary file in storage", exc) from exc
        return os.fdopen(fd, "w+b"), Path(name)

    def put_bytes(self, data: bytes) -> str:
        sha256 = hashlib.sha256(data).hexdigest()
        target = self._location(sha256)
        if target.exists():
            return sha256
        fh, tmp = self.temp_file()
        try:
            with fh:
                fh.write(data)
                fh.flush()
                os.fsync(fh.fileno())
            self._publish(tmp, target)
        except OSError as exc:
            raise storage_error(f"cannot store blob {sha256}", exc) from exc
        finally:
            tmp.unlink(missing_ok=True)
        return sha256

    def put_file(self, path: Path, sha256: str | None = None) -> str:
        sha256 = sha256 or sha256_file(path)
        target = self._location(sha256)
        if target.exists():
            return sha256
        fh, tmp = self.temp_file()
        try:
            with fh, path.open("rb") as src:
                shutil.copyfileobj(src, fh, CHUNK)
                fh.flush()
                os.fsync(fh.fileno())
            self._publish(tmp, target)
        except OSError as exc:
            raise storage_error(f"cannot store blob {sha256}", exc) from exc
        finally:
            tmp.unlink(missing_ok=True)
        return sha256

    def _publish(self, tmp: Path, target: Path) -> None:
        """Move a complete temporary file into place without ever replacing a blob."""
        try:
            target.parent.mkdir(parents=True, exist_ok=True)
            tmp.chmod(0o444)
            # link() fails if the target exists, so a concurrent writer never replaces a blob.
            with contextlib.suppress(FileExistsError):
                os.link(tmp, target)
            _fsync_dir(target.parent)
        except OSError as exc:
            raise storage_error(f"cannot store blob {target.name}", exc) from exc

    def open(self, sha256: str) -> BinaryIO:
        try:
            return self._location(sha256).open("rb")
        except FileNotFoundError as exc:
            raise NotFound(f"blob {sha256} is not in storage") from exc
        except OSError as exc:
            raise storage_error(f"cannot read blob {sha256}", exc) from exc

    def get_bytes(self, sha256: str) -> bytes:
        with self.open(sha256) as fh:
            return fh.read()

    def path_for(self, sha256: str) -> Path:
        path = self._location(sha256)
        if not path.is_file():
            raise NotFound(f"blob {sha256} is not in storage")
        return path

    def exists(self, sha256: str) -> bool:
        return self._location(sha256).is_file()

    def delete(self, sha256: str) -> None:
        try:
            self._location(sha256).unlink(missing_ok=True)
        except OSError as exc:
            raise storage_error(f"cannot delete blob {sha256}", exc) from exc


def _fsync_dir(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
