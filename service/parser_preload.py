"""Imported once by the parser processes' fork server, before it forks any of them (see :mod:`service.parse_pool`).

It loads the triage knowledge named by the environment the pool set, then freezes the garbage collector's view
of it, so every parser process forked afterwards shares those pages with the others instead of loading its
own copy (~110 MiB each). It imports the attachment readers too (pypdf, python-docx, openpyxl: ~65 MiB), which
the storing process never needs. Without the variables it loads no knowledge; each process then loads its own.
"""

from __future__ import annotations

import gc
import importlib
import os
from pathlib import Path

from config.knowledge import load_knowledge
from parsers.attachments import READERS
from service.parse_pool import PRELOAD_EVENTS as EVENTS
from service.parse_pool import PRELOAD_MODEL as MODEL

if os.environ.get(EVENTS):
    model = os.environ.get(MODEL, "")
    load_knowledge(Path(os.environ[EVENTS]), Path(model) if model else None)
for reader in READERS:  # the attachment readers: once here, shared, instead of once in each parser process
    importlib.import_module(reader)
gc.freeze()  # what is loaded so far is never collected: the children's collections leave its pages alone
