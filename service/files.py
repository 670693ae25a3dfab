"""File sources: single ``.eml`` files, Maildir folders and mbox files, for imports and the default mailbox.

:class:`FileSource` reads them as batches of :class:`RawMail` in a stable order for :meth:`Pipeline.run`;
nothing here touches the database, and a stored batch needs no post-action (files are read-only).
"""

from __future__ import annotations

import mailbox
from collections.abc import Iterable, Iterator
from pathlib import Path

from service.errors import MailboxError
from service.pipeline import Batch, RawMail


def is_maildir(path: Path) -> bool:
    """A folder with ``cur/`` or ``new/`` in it."""
    return path.is_dir() and ((path / "cur").is_dir() or (path / "new").is_dir())


def is_mbox(path: Path) -> bool:
    """A file not named ``*.eml`` whose first line is an mbox ``From `` separator."""
    if path.suffix.lower() == ".eml":
        return False
    try:
        with path.open("rb") as handle:
            return handle.read(5) == b"From "
    except OSError:
        return False


def maildir_files(path: Path) -> list[Path]:
    """The message files of a Maildir (``new/`` then ``cur/``), dot-files skipped, sorted by name."""
    files: list[Path] = []
    for sub in ("new", "cur"):
        folder = path / sub
        if folder.is_dir():
            files.extend(sorted(p for p in folder.iterdir() if p.is_file() and not p.name.startswith(".")))
    return files


def _read(path: Path) -> bytes:
    try:
        return path.read_bytes()
    except OSError as exc:
        raise MailboxError(f"cannot read {path}: {exc.strerror or exc}") from exc


def iter_mbox(path: Path) -> Iterator[RawMail]:
    """Messages of an mbox file, without the ``From `` separator line."""
    try:
        box = mailbox.mbox(path, create=False)
        keys = list(box.iterkeys())
    except (OSError, mailbox.Error) as exc:
        raise MailboxError(f"cannot read mbox {path}: {exc}") from exc
    for index, key in enumerate(keys, start=1):
        yield RawMail(raw=box.get_bytes(key), origin=f"mbox:{path}#{index}")


def expand(paths: list[Path]) -> list[Path | tuple[Path, str]]:
    """Turn command-line paths into work items: files, Maildir files, or ``(mbox, "mbox")`` pairs.

    A plain folder that is not a Maildir is searched for ``*.eml`` files and Maildirs below it.
    """
    items: list[Path | tuple[Path, str]] = []
    for path in paths:
        if not path.exists():
            raise MailboxError(f"no such file or folder: {path}")
        if is_maildir(path):
            items.extend(maildir_files(path))
        elif path.is_dir():
            for child in sorted(path.rglob("*")):
                if child.is_file() and not child.name.startswith(".") and child.parent.name not in ("tmp",):
                    items.append((child, "mbox") if is_mbox(child) else child)
        elif is_mbox(path):
            items.append((path, "mbox"))
        else:
            items.append(path)
    return items


def iter_items(items: list[Path | tuple[Path, str]]) -> Iterator[RawMail]:
    """Read each work item of :func:`expand` as raw mail."""
    for item in items:
        if isinstance(item, tuple):
            yield from iter_mbox(item[0])
        else:
            yield RawMail(raw=_read(item), origin=f"file:{item}")


def batched(mails: Iterable[RawMail], size: int) -> Iterator[list[RawMail]]:
    """``mails`` in lists of ``size`` (the last one shorter)."""
    batch: list[RawMail] = []
    for mail in mails:
        batch.append(mail)
        if len(batch) >= size:
            yield batch
            batch = []
    if batch:
        yield batch


class FileSource:
    """Files, Maildirs, mbox files or folders of them, read as batches (``split_mbox=False``: one file, one mail)."""

    def __init__(self, paths: list[Path], *, name: str, batch_size: int, split_mbox: bool = True) -> None:
        self.paths = paths
        self.name = name
        self.batch_size = batch_size
        self.split_mbox = split_mbox
        self._items: list[Path | tuple[Path, str]] = []

    def __enter__(self) -> FileSource:
        items = expand(self.paths)  # a missing path fails here, before anything is read
        self._items = items if self.split_mbox else [p if isinstance(p, Path) else p[0] for p in items]
        return self

    def __exit__(self, *_exc: object) -> None:
        self._items = []

    def __iter__(self) -> Iterator[Batch]:
        for mails in batched(iter_items(self._items), self.batch_size):
            yield Batch(mails, total=len(self._items))

    def stored(self, batch: Batch) -> None:
        """Nothing to do after a commit: the files are left as they are."""
