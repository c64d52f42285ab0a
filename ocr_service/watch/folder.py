"""The watched folder on disk: its subfolders, the claim, and filing a file with its note.

Every move is one ``rename`` inside one file system, so a file is always in exactly one
place. A note (the receipt in ``done/``, the reason in ``failed/``) is written to a
temporary dotfile and renamed into place *before* the file it describes is moved, so a
file in ``done/`` or ``failed/`` always has its note. A name already taken in the target
folder (scanners restart their counters) gets ``_2``, ``_3``... before its suffix: nothing
is ever overwritten. One watcher per folder: :meth:`ScanFolder.lock` holds an exclusive
``flock`` on ``DIR/.ocr-watch.lock``.
"""

from __future__ import annotations

import errno
import fcntl
import os
from dataclasses import dataclass
from pathlib import Path
from typing import IO

from ocr_service.errors import Conflict, InvalidValue
from ocr_service.watch.settle import FileStat, ignored

PROCESSING = "processing"
DONE = "done"
FAILED = "failed"
SUBFOLDERS = (PROCESSING, DONE, FAILED)
LOCK_NAME = ".ocr-watch.lock"
RECEIPT_SUFFIX = ".upload.txt"
REASON_SUFFIX = ".reason.txt"
NOTE_TEMP_PREFIX = ".note-"


@dataclass(frozen=True)
class Filed:
    """Where a file ended: its path and its note's path."""

    path: Path
    note: Path


class ScanFolder:
    """``DIR`` and its ``processing/``, ``done/`` and ``failed/`` subfolders."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.processing = root / PROCESSING
        self.done = root / DONE
        self.failed = root / FAILED
        self._lock: IO[str] | None = None

    def prepare(self) -> None:
        """Create the subfolders and drop note temporaries a killed run left behind."""
        if not self.root.is_dir():
            raise InvalidValue(f"{self.root} is not a folder")
        for folder in (self.processing, self.done, self.failed):
            folder.mkdir(exist_ok=True)
            for stale in folder.glob(f"{NOTE_TEMP_PREFIX}*"):
                stale.unlink(missing_ok=True)

    def lock(self) -> None:
        """Hold the folder for this process; another watcher on it is refused."""
        fh = (self.root / LOCK_NAME).open("a", encoding="utf-8")
        try:
            fcntl.flock(fh, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError as exc:
            fh.close()
            raise Conflict(f"another watcher is already watching {self.root}") from exc
        self._lock = fh

    def unlock(self) -> None:
        if self._lock is not None:
            self._lock.close()  # closing releases the flock
            self._lock = None

    def inbox(self) -> dict[str, FileStat]:
        """The regular files the scanners left in ``DIR`` (not links, not ignored names)."""
        found: dict[str, FileStat] = {}
        for entry in os.scandir(self.root):
            if ignored(entry.name) or not entry.is_file(follow_symlinks=False):
                continue
            try:
                found[entry.name] = FileStat.of(Path(entry.path))
            except FileNotFoundError:  # removed between the listing and the stat
                continue
        return found

    def in_flight(self) -> list[Path]:
        """Files in ``processing/``, oldest first (a rename keeps the scanner's mtime)."""
        files = [
            p
            for p in self.processing.iterdir()
            if not ignored(p.name) and p.is_file() and not p.is_symlink()
        ]
        return sorted(files, key=lambda p: (p.stat().st_mtime_ns, p.name))

    def claim(self, name: str) -> Path:
        """Move ``DIR/name`` into ``processing/`` (one atomic rename); return its new path."""
        target = free_path(self.processing, name)
        _rename(self.root / name, target)
        return target

    def file_done(self, path: Path, receipt: str) -> Filed:
        return self._file(path, self.done, RECEIPT_SUFFIX, receipt)

    def file_failed(self, path: Path, reason: str) -> Filed:
        return self._file(path, self.failed, REASON_SUFFIX, reason)

    def _file(self, path: Path, folder: Path, suffix: str, text: str) -> Filed:
        target = free_path(folder, path.name)
        note = target.with_name(target.name + suffix)
        write_atomically(note, text)
        _rename(path, target)
        return Filed(path=target, note=note)


def free_path(folder: Path, name: str) -> Path:
    """``folder/name``, or ``folder/stem_N.suffix`` with the first N free."""
    candidate = folder / name
    n = 2
    while candidate.exists() or candidate.is_symlink():
        candidate = folder / f"{Path(name).stem}_{n}{Path(name).suffix}"
        n += 1
    return candidate


def write_atomically(path: Path, text: str) -> None:
    """Write ``text`` to ``path`` through a temporary dotfile, synced, then renamed."""
    temp = path.with_name(f"{NOTE_TEMP_PREFIX}{os.getpid()}-{path.name}")
    with temp.open("w", encoding="utf-8", newline="\n") as fh:
        fh.write(text)
        fh.flush()
        os.fsync(fh.fileno())
    temp.replace(path)


def _rename(source: Path, target: Path) -> None:
    """Rename, then sync both folders so the move survives a power cut."""
    try:
        source.rename(target)
    except OSError as exc:
        if exc.errno == errno.EXDEV:
            raise InvalidValue(
                f"{target.parent} is on another file system than {source.parent}; "
                "the subfolders must be inside the watched folder itself"
            ) from exc
        raise
    for folder in {source.parent, target.parent}:
        _sync_folder(folder)


def _sync_folder(folder: Path) -> None:
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    except OSError:  # some network file systems cannot sync a folder; the rename stands
        pass
    finally:
        os.close(fd)
