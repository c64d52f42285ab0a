"""The scanner folder's settle rule: a file is taken only once it has stopped changing."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from ocr_service.watch.settle import EMPTY_FACTOR, FileStat, Settler, ignored, openable


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def stat(size: int, mtime: int = 1, inode: int = 7) -> FileStat:
    return FileStat(size=size, mtime_ns=mtime, inode=inode)


@pytest.fixture
def clock() -> Clock:
    return Clock()


def test_a_file_settles_after_the_interval_unchanged(clock: Clock) -> None:
    settler = Settler(5.0, clock=clock)
    assert settler.observe({"scan001.pdf": stat(100)}) == []
    clock.now += 4.9
    assert settler.observe({"scan001.pdf": stat(100)}) == []
    clock.now += 0.1
    assert settler.observe({"scan001.pdf": stat(100)}) == ["scan001.pdf"]


@pytest.mark.parametrize(
    "changed",
    [stat(200), stat(100, mtime=2), stat(100, inode=8)],
    ids=["size grew", "mtime moved", "replaced by another file"],
)
def test_any_change_starts_the_interval_again(clock: Clock, changed: FileStat) -> None:
    settler = Settler(5.0, clock=clock)
    settler.observe({"a.pdf": stat(100)})
    clock.now += 4.0
    assert settler.observe({"a.pdf": changed}) == []
    clock.now += 4.0  # 8 s since first seen, 4 s since the change
    assert settler.observe({"a.pdf": changed}) == []
    clock.now += 1.0
    assert settler.observe({"a.pdf": changed}) == ["a.pdf"]


def test_a_writer_that_keeps_writing_never_settles(clock: Clock) -> None:
    settler = Settler(2.0, clock=clock)
    for size in range(1, 50):
        assert settler.observe({"slow.pdf": stat(size * 1000)}) == []
        clock.now += 1.5


def test_an_empty_file_waits_longer(clock: Clock) -> None:
    settler = Settler(1.0, clock=clock)
    settler.observe({"empty.pdf": stat(0)})
    clock.now += EMPTY_FACTOR - 0.5
    assert settler.observe({"empty.pdf": stat(0)}) == []
    clock.now += 0.5
    assert settler.observe({"empty.pdf": stat(0)}) == ["empty.pdf"]


def test_a_vanished_file_is_forgotten_and_a_new_one_of_that_name_starts_afresh(
    clock: Clock,
) -> None:
    settler = Settler(5.0, clock=clock)
    settler.observe({"scan.pdf": stat(100)})
    clock.now += 10
    assert settler.observe({}) == []
    assert settler.observe({"scan.pdf": stat(100)}) == []  # same stat, but seen anew
    clock.now += 5
    assert settler.observe({"scan.pdf": stat(100)}) == ["scan.pdf"]


def test_forget_after_a_claim(clock: Clock) -> None:
    settler = Settler(1.0, clock=clock)
    settler.observe({"a.pdf": stat(1)})
    clock.now += 1
    assert settler.observe({"a.pdf": stat(1)}) == ["a.pdf"]
    settler.forget("a.pdf")
    assert settler.observe({"a.pdf": stat(1)}) == []


def test_files_settle_independently_in_name_order(clock: Clock) -> None:
    settler = Settler(3.0, clock=clock)
    settler.observe({"b.pdf": stat(1)})
    clock.now += 2
    settler.observe({"b.pdf": stat(1), "a.pdf": stat(1), "c.pdf": stat(1)})
    clock.now += 1
    assert settler.observe({"b.pdf": stat(1), "a.pdf": stat(1), "c.pdf": stat(1)}) == ["b.pdf"]
    clock.now += 2
    assert settler.observe({"b.pdf": stat(1), "a.pdf": stat(1), "c.pdf": stat(1)}) == [
        "a.pdf",
        "b.pdf",
        "c.pdf",
    ]


def test_zero_settle_takes_a_file_on_first_sight(clock: Clock) -> None:
    assert Settler(0.0, clock=clock).observe({"a.pdf": stat(1)}) == ["a.pdf"]


def test_a_negative_interval_is_refused() -> None:
    with pytest.raises(ValueError, match="negative"):
        Settler(-1.0)


@pytest.mark.parametrize(
    "name",
    [
        ".scan001.pdf",
        ".DS_Store",
        "~scan001.pdf",
        "~$form.docx",
        "scan001.tmp",
        "SCAN001.TMP",
        "scan001.pdf.part",
        "scan001.pdf.crdownload",
        "scan001.pdf.filepart",
        "scan001.pdf~",
        "Thumbs.db",
        "desktop.ini",
    ],
)
def test_hidden_and_temporary_names_are_ignored(name: str) -> None:
    assert ignored(name)


@pytest.mark.parametrize(
    "name", ["scan001.pdf", "SCAN_20240401_0001.PDF", "転入届.tif", "page.png", "a.b.jpeg"]
)
def test_scan_names_are_taken(name: str) -> None:
    assert not ignored(name)


def test_file_stat_reads_size_mtime_and_inode(tmp_path: Path) -> None:
    path = tmp_path / "a.pdf"
    path.write_bytes(b"12345")
    st = FileStat.of(path)
    assert st.size == 5
    assert st.inode == path.stat().st_ino
    assert st.mtime_ns == path.stat().st_mtime_ns


def test_openable(tmp_path: Path) -> None:
    path = tmp_path / "a.pdf"
    path.write_bytes(b"%PDF")
    assert openable(path)
    assert not openable(tmp_path / "missing.pdf")


@pytest.mark.skipif(os.geteuid() == 0, reason="root opens any file")
def test_a_file_that_cannot_be_opened_is_not_openable(tmp_path: Path) -> None:
    path = tmp_path / "locked.pdf"
    path.write_bytes(b"%PDF")
    path.chmod(0)
    try:
        assert not openable(path)
    finally:
        path.chmod(0o644)
