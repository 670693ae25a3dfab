"""Property: what the archive stores it gives back — the same bytes under their SHA-256, idempotently, one
blob at a time or a batch at a time; and what process_one archives (the message, its attachments) reads back."""

from __future__ import annotations

import hashlib
import tempfile
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from handlers.knowledge import Knowledge
from service.archive import Archive, sha256_hex
from service.pipeline import process_one
from tests.fuzz import strategies as mail
from tests.fuzz.conftest import scaled

pytestmark = pytest.mark.fuzz


@given(st.lists(st.binary(max_size=5000), min_size=1, max_size=5), st.booleans())
def test_store_then_read_gives_the_same_bytes(blobs: list[bytes], fsync: bool) -> None:
    with tempfile.TemporaryDirectory(prefix="intake-fuzz-archive-") as root:
        archive = Archive(Path(root), fsync=fsync)
        digests = [archive.put(blob) for blob in blobs]
        archive.sync()
        for blob, digest in zip(blobs, digests, strict=True):
            assert digest == sha256_hex(blob) == hashlib.sha256(blob).hexdigest()
            assert archive.has(digest) and archive.size(digest) == len(blob)
            assert archive.get(digest) == blob
            assert archive.put(blob) == digest and archive.get(digest) == blob  # storing again changes nothing
        assert len(list(Path(root).rglob("*.blob"))) == len(set(blobs))
        assert not list(Path(root).rglob(".tmp-*"))  # no temporary file left behind


@scaled(0.3)
@given(mail.any_bytes())
def test_what_process_one_archives_reads_back(knowledge: Knowledge, raw: bytes) -> None:
    with tempfile.TemporaryDirectory(prefix="intake-fuzz-archive-") as root:
        archive = Archive(Path(root), fsync=False)
        processed = process_one(raw, None, archive, knowledge)
        archive.sync()
        assert processed.sha256 == sha256_hex(raw) and archive.get(processed.sha256) == raw
        for attachment in processed.parsed.attachments if processed.parsed else []:
            stored = archive.get(attachment.sha256)
            assert len(stored) == attachment.size and sha256_hex(stored) == attachment.sha256
