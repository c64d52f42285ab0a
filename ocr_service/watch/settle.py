"""When a file in the inbox is completely written: names to skip, and the settle rule.

A scanner (or an SMB copy) writes a file over seconds. The watcher takes a file only when
its size, mtime and inode have stayed the same for ``settle_seconds`` of the watcher's own
clock and it can be opened for reading (on Windows shares a file still being written
cannot be). An empty file waits ``EMPTY_FACTOR`` times longer: some writers create the
file first and fill it later.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path

#: Name prefixes that mark hidden or temporary files (Office and scanner drivers use ``~``).
IGNORED_PREFIXES = (".", "~")
#: Suffixes of partial downloads and temporary files, compared in lower case.
IGNORED_SUFFIXES = (
    ".tmp",
    ".temp",
    ".part",
    ".partial",
    ".crdownload",
    ".download",
    ".filepart",
    ".swp",
    "~",
)
#: Files operating systems put into shared folders on their own.
IGNORED_NAMES = frozenset({"thumbs.db", "desktop.ini"})
#: An empty file must stay empty this many settle intervals before it is taken.
EMPTY_FACTOR = 6


def ignored(name: str) -> bool:
    """True for a name the watcher must never take (hidden, temporary or system files)."""
    lower = name.lower()
    return (
        lower.startswith(IGNORED_PREFIXES)
        or lower.endswith(IGNORED_SUFFIXES)
        or lower in IGNORED_NAMES
    )


@dataclass(frozen=True)
class FileStat:
    """What must stay the same while a file settles."""

    size: int
    mtime_ns: int
    inode: int

    @classmethod
    def of(cls, path: Path) -> FileStat:
        st = path.stat()
        return cls(size=st.st_size, mtime_ns=st.st_mtime_ns, inode=st.st_ino)


class Settler:
    """Remembers when each inbox file last changed; says which have settled.

    ``observe`` takes a snapshot of the inbox (name to stat) each poll. A name whose stat
    differs from the last snapshot starts its interval again; a name gone from the
    snapshot is forgotten.
    """

    def __init__(self, settle_seconds: float, clock: Callable[[], float] = time.monotonic) -> None:
        if settle_seconds < 0:
            raise ValueError("the settle interval cannot be negative")
        self.settle_seconds = settle_seconds
        self._clock = clock
        self._since: dict[str, tuple[FileStat, float]] = {}

    def observe(self, snapshot: Mapping[str, FileStat]) -> list[str]:
        """Record the snapshot; return the settled names, in name order."""
        now = self._clock()
        for name in list(self._since):
            if name not in snapshot:
                del self._since[name]
        for name, stat in snapshot.items():
            seen = self._since.get(name)
            if seen is None or seen[0] != stat:
                self._since[name] = (stat, now)
        return sorted(
            name
            for name, (stat, since) in self._since.items()
            if now - since >= self.required(stat)
        )

    def required(self, stat: FileStat) -> float:
        """Seconds a file with this stat must stay unchanged."""
        return self.settle_seconds * (EMPTY_FACTOR if stat.size == 0 else 1)

    def forget(self, name: str) -> None:
        """The file was claimed (or vanished): a new file of that name starts afresh."""
        self._since.pop(name, None)


def openable(path: Path) -> bool:
    """The file can be opened and read (a writer holding it exclusively says no)."""
    try:
        with path.open("rb") as fh:
            fh.read(1)
    except OSError:
        return False
    return True
