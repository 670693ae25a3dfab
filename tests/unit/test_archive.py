"""The raw archive: content-addressed, idempotent, durable one blob at a time or a batch at a time; storing the
same bytes again refreshes the blob's time; removal reports bytes."""

from __future__ import annotations

import os
import time
from pathlib import Path

import pytest

from service import archive as archive_module
from service.archive import Archive, sha256_hex
from service.errors import StorageError


def test_blobs_are_addressed_by_their_digest_and_written_once(tmp_path: Path) -> None:
    archive = Archive(tmp_path)
    digest = archive.put(b"hello")
    assert digest == sha256_hex(b"hello")
    assert archive.path_for(digest).relative_to(tmp_path).parts[:2] == (digest[:2], digest[2:4])
    assert archive.put(b"hello") == digest and archive.get(digest) == b"hello"
    assert not [p for p in archive.path_for(digest).parent.iterdir() if p.name.startswith(".tmp-")]


def test_names_other_than_a_digest_never_reach_the_file_system(tmp_path: Path) -> None:
    with pytest.raises(ValueError):
        Archive(tmp_path).path_for("../../etc/passwd")


def test_a_batch_is_flushed_once_and_only_when_something_was_written(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    flushes: list[Path] = []
    monkeypatch.setattr(archive_module, "sync_file_system", flushes.append)
    archive = Archive(tmp_path, fsync=False)
    archive.sync()
    assert flushes == []  # nothing written: nothing to flush
    for n in range(3):
        archive.put(f"message {n}".encode())
    archive.put(b"message 0")  # already there: not written again
    assert archive.unsynced == 3
    archive.sync()
    assert flushes == [tmp_path] and archive.unsynced == 0


def test_a_failed_flush_is_a_storage_error_naming_the_archive(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def fail(folder: Path) -> None:
        raise OSError(28, "No space left on device", str(folder))

    monkeypatch.setattr(archive_module, "sync_file_system", fail)
    archive = Archive(tmp_path, fsync=False)
    archive.put(b"x")
    with pytest.raises(StorageError, match="cannot flush the archive"):
        archive.sync()
    assert archive.unsynced == 1  # still owed: the batch is not stored


def test_the_real_flush_works_on_this_file_system(tmp_path: Path) -> None:
    archive_module.sync_file_system(tmp_path)  # raises OSError if syncfs refused the folder


def test_storing_the_same_bytes_again_marks_the_blob_in_use_now(tmp_path) -> None:
    archive = Archive(tmp_path, fsync=False)
    digest = archive.put(b"a nomination")
    long_ago = time.time() - 86_400
    os.utime(archive.path_for(digest), (long_ago, long_ago))
    assert archive.modified(digest) == long_ago
    assert archive.put(b"a nomination") == digest  # no second file: the same blob, its time refreshed
    assert archive.modified(digest) > long_ago + 3600
    assert archive.get(digest) == b"a nomination" and archive.size(digest) == len(b"a nomination")


def test_removing_a_blob_reports_what_it_freed_and_a_later_store_writes_it_again(tmp_path) -> None:
    archive = Archive(tmp_path, fsync=False)
    digest = archive.put(b"x" * 100)
    assert archive.delete(digest) == 100 and not archive.has(digest)
    assert archive.delete(digest) == 0  # already gone: nothing to free, no error
    assert archive.size(digest) is None and archive.modified(digest) is None
    assert archive.put(b"x" * 100) == digest and archive.get(digest) == b"x" * 100
    assert archive.size(sha256_hex(b"never stored")) is None
