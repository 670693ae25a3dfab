"""The raw archive: bytes stored content-addressed by SHA-256 under the data folder, before anything else.

A blob is written to a temporary file in the same folder, then renamed into place, so a crash leaves either
the whole blob or nothing; writing the same bytes twice only refreshes the blob's time (so a purge can tell a
blob stored again just now, whose new row it may not see yet, from one long unused). Each blob is flushed to
disk on its own (``fsync=True``) or a batch of them at once (``fsync=False``, then :meth:`Archive.sync`: one
``syncfs`` of the archive's file system for the whole batch, before the database hears of any of it). The path
is built from the hex digest only, so no name from a message can reach the file system.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import hashlib
import os
import re
import tempfile
from collections.abc import Iterable
from pathlib import Path

from service.errors import DISK_FULL, StorageError, disk_full

_HEX64 = re.compile(r"^[0-9a-f]{64}$")
_MADE: set[Path] = set()  # folders this process has made or seen: no mkdir call per blob
_LIBC = ctypes.CDLL(ctypes.util.find_library("c") or None, use_errno=True)


def sync_file_system(folder: Path) -> None:
    """Flush everything written to the file system holding ``folder`` (Linux ``syncfs``; elsewhere ``sync``)."""
    syncfs = getattr(_LIBC, "syncfs", None)
    if syncfs is None:
        os.sync()
        return
    fd = os.open(folder, os.O_RDONLY)
    try:
        if syncfs(fd) != 0:
            error = ctypes.get_errno()
            raise OSError(error, os.strerror(error), str(folder))
    finally:
        os.close(fd)


def sha256_hex(data: bytes) -> str:
    """The SHA-256 digest of ``data`` as 64 lower-case hex digits."""
    return hashlib.sha256(data).hexdigest()


class Archive:
    """Content-addressed blob store: ``root/ab/cd/abcd….blob``."""

    def __init__(self, root: Path, *, fsync: bool = True) -> None:
        self.root = root
        self.fsync = fsync
        self.unsynced = 0  # blobs written since the last :meth:`sync` (``fsync=False`` only)

    def path_for(self, digest: str) -> Path:
        """Where the blob with this digest lives; refuses anything that is not a SHA-256 hex digest."""
        if not _HEX64.match(digest):
            raise ValueError(f"not a sha256 hex digest: {digest!r}")
        return self.root / digest[:2] / digest[2:4] / f"{digest}.blob"

    def put(self, data: bytes, digest: str | None = None) -> str:
        """Store ``data`` (idempotent) and return its digest."""
        digest = digest or sha256_hex(data)
        path = self.path_for(digest)
        try:
            os.utime(path)  # already stored: it is in use again now (see service.retention)
            return digest
        except FileNotFoundError:
            pass  # not stored yet: write it
        except OSError:  # another user's blob: the bytes are there, which is what storing needs
            return digest
        try:
            if path.parent not in _MADE:
                path.parent.mkdir(parents=True, exist_ok=True)
                _MADE.add(path.parent)
            try:
                fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".tmp-")
            except FileNotFoundError:  # removed behind this process's back: make it again
                path.parent.mkdir(parents=True, exist_ok=True)
                fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".tmp-")
            try:
                with os.fdopen(fd, "wb") as handle:
                    handle.write(data)
                    if self.fsync:
                        handle.flush()
                        os.fsync(handle.fileno())
                os.replace(tmp, path)
                self.unsynced += not self.fsync
            except BaseException:
                Path(tmp).unlink(missing_ok=True)
                raise
        except OSError as exc:
            if exc.errno in DISK_FULL:  # the temporary file is gone again: nothing half-written is left
                raise disk_full(self.root, f"write archive blob {digest[:12]}…") from exc
            raise StorageError(f"cannot write archive blob {digest[:12]}… under {self.root}: {exc}") from exc
        return digest

    def put_stream(self, chunks: Iterable[bytes]) -> tuple[str, int]:
        """Store bytes that arrive in pieces (a large message), never holding them whole; returns (digest, size)."""
        digest, size = hashlib.sha256(), 0
        try:
            self.root.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(dir=self.root, prefix=".tmp-stream-")
            try:
                with os.fdopen(fd, "wb") as handle:
                    for chunk in chunks:
                        digest.update(chunk)
                        handle.write(chunk)
                        size += len(chunk)
                    handle.flush()
                    os.fsync(handle.fileno())
                path = self.path_for(digest.hexdigest())
                path.parent.mkdir(parents=True, exist_ok=True)
                os.replace(tmp, path)  # the same bytes stored before: replaced by themselves
            except BaseException:
                Path(tmp).unlink(missing_ok=True)
                raise
        except OSError as exc:
            if exc.errno in DISK_FULL:
                raise disk_full(self.root, f"write a streamed archive blob ({size:,} bytes so far)") from exc
            raise StorageError(f"cannot write a streamed archive blob under {self.root}: {exc}") from exc
        return digest.hexdigest(), size

    def sync(self) -> None:
        """Make every blob written since the last call durable (one ``syncfs``; nothing when none was written)."""
        if not self.unsynced:
            return
        try:
            sync_file_system(self.root)
        except OSError as exc:
            if exc.errno in DISK_FULL:
                raise disk_full(self.root, "flush the archive to disk") from exc
            raise StorageError(f"cannot flush the archive under {self.root} to disk: {exc}") from exc
        self.unsynced = 0

    def get(self, digest: str) -> bytes:
        """The bytes stored under ``digest``."""
        try:
            return self.path_for(digest).read_bytes()
        except OSError as exc:
            raise StorageError(f"archive blob {digest[:12]}… is missing: {exc}") from exc

    def has(self, digest: str) -> bool:
        """Whether a blob with this digest is stored."""
        return self.path_for(digest).exists()

    def size(self, digest: str) -> int | None:
        """The blob's size in bytes; None when there is none."""
        try:
            return self.path_for(digest).stat().st_size
        except FileNotFoundError:
            return None

    def modified(self, digest: str) -> float | None:
        """When the blob was written or last stored again (a POSIX time); None when there is none."""
        try:
            return self.path_for(digest).stat().st_mtime
        except FileNotFoundError:
            return None

    def delete(self, digest: str) -> int:
        """Remove the blob with this digest (the purge's, once nothing kept refers to it); returns the bytes
        freed, 0 when there was none."""
        path = self.path_for(digest)
        try:
            size = path.stat().st_size
            path.unlink()
        except FileNotFoundError:
            return 0
        except OSError as exc:
            raise StorageError(f"cannot remove archive blob {digest[:12]}… under {self.root}: {exc}") from exc
        return size
