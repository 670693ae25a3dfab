"""The content-addressed archive: storing the same bytes again refreshes the blob's time; removal reports bytes."""

from __future__ import annotations

import os
import time

from service.archive import Archive, sha256_hex


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
