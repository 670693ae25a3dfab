"""Imported once by the parser processes' fork server, before it forks any of them (see :mod:`service.parse_pool`).

It loads the triage knowledge named by the environment the pool set, then freezes the garbage collector's view
of it, so every parser process forked afterwards shares those pages with the others instead of loading its
own copy (~110 MiB each). Without the variables it loads nothing; each process then loads its own.
"""

from __future__ import annotations

import gc
import os
from pathlib import Path

from config.knowledge import load_knowledge
from service.parse_pool import PRELOAD_EVENTS as EVENTS
from service.parse_pool import PRELOAD_MODEL as MODEL

if os.environ.get(EVENTS):
    model = os.environ.get(MODEL, "")
    load_knowledge(Path(os.environ[EVENTS]), Path(model) if model else None)
gc.freeze()  # what is loaded so far is never collected: the children's collections leave its pages alone
