"""The parser processes: a forkserver pool, one process per core, each loading the triage knowledge once.

The knowledge (compiled phrase tables, country tables, the language model) is large, so it never travels
with the work: the fork server loads it once before forking (:mod:`service.parser_preload`), so the parser
processes share its pages; each process's initializer asks for it again (a cache hit, or its own load when
the pool names other files than the fork server preloaded) and every chunk only names the files. Batches
smaller than :data:`IN_PROCESS_BELOW` are worked in this process instead, where a pool round trip would cost
more than the work.
"""

from __future__ import annotations

import multiprocessing
import os
import threading
import time
from collections.abc import Callable, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Generic, TypeVar

from config.knowledge import DEFAULT_MODEL, load_knowledge
from handlers.knowledge import Knowledge
from service.logs import quiet_parsers

IN_PROCESS_BELOW = 16  # smaller batches are worked in this process: a pool round trip costs more
MAX_CHUNK = 16  # items per task sent to a parser process
PRELOAD = ["service.pipeline", "service.parser_preload"]  # imported once by the fork server: its processes fork
# with the code and the knowledge loaded, and share them
PRELOAD_EVENTS, PRELOAD_MODEL = "INTAKE_PRELOAD_EVENTS", "INTAKE_PRELOAD_MODEL"  # what it loads (MODEL "": none)

T = TypeVar("T")
R = TypeVar("R")
Work = Callable[[list[T], Knowledge], list[R]]  # one result per item; a module-level function (or a partial
# of one): it is pickled by name. It takes a chunk, so that it can finish a chunk's work once (one disk flush)


def exit_with(parent: int, every: float = 1.0) -> None:
    """Run in each parser process: exit once the service process is gone.

    A service killed with SIGKILL (the OOM killer, ``kill -9``) cannot stop its pool, and the workers would
    wait for work forever, each holding the language model and keeping the fork server alive with it.
    """

    def watch() -> None:
        while True:
            time.sleep(every)
            try:
                os.kill(parent, 0)
            except ProcessLookupError:
                os._exit(0)
            except PermissionError:  # alive, as another user
                pass

    threading.Thread(target=watch, name="exit-with-service", daemon=True).start()


def start_parser_process(parent: int, events_file: Path, model_file: Path | None) -> None:
    """Initializer of each parser process: follow the service, quiet the parsing libraries, load the knowledge."""
    exit_with(parent)
    quiet_parsers()
    load_knowledge(events_file, model_file)


def _work_chunk(work: Work[T, R], items: list[T], events_file: Path, model_file: Path | None) -> list[R]:
    knowledge = load_knowledge(events_file, model_file)  # loaded by the initializer: a cache hit
    return work(items, knowledge)


@dataclass
class Parsing(Generic[R]):
    """Work handed to the pool (or already done here); :meth:`results` waits for it, in order."""

    done: list[R] = field(default_factory=list)
    futures: list[Future[list[R]]] = field(default_factory=list)

    def results(self) -> list[R]:
        """Every result, in the order of the items; re-raises what a parser process raised."""
        return self.done + [r for f in self.futures for r in f.result()]


class ParsePool:
    """Runs ``work(chunk, knowledge)`` over chunks of items on every core; the processes start on first use."""

    def __init__(self, *, events_file: Path, model_file: Path | None = DEFAULT_MODEL, workers: int = 0) -> None:
        self.events_file = events_file
        self.model_file = model_file
        self.workers = workers or os.cpu_count() or 1
        self._executor: ProcessPoolExecutor | None = None

    def __enter__(self) -> ParsePool:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()

    def close(self) -> None:
        """Stop the parser processes (work not started is cancelled)."""
        if self._executor is not None:
            self._executor.shutdown(wait=True, cancel_futures=True)
            self._executor = None

    def _processes(self) -> ProcessPoolExecutor:
        if self._executor is None:
            context = multiprocessing.get_context("forkserver")
            # the fork server is started with this process's environment, once: it preloads this knowledge
            os.environ.setdefault(PRELOAD_EVENTS, str(self.events_file))
            os.environ.setdefault(PRELOAD_MODEL, str(self.model_file or ""))
            context.set_forkserver_preload(PRELOAD)
            self._executor = ProcessPoolExecutor(
                max_workers=self.workers,
                mp_context=context,
                initializer=start_parser_process,
                initargs=(os.getpid(), self.events_file, self.model_file),
            )
        return self._executor

    def start(self) -> None:
        """Start the parser processes now and wait until each has loaded the knowledge (a long-running worker
        does this at start-up: then even a single pushed message is parsed there, and this process never loads
        the knowledge itself)."""
        if self.workers > 1:
            pool = self._processes()
            for future in [pool.submit(os.getpid) for _ in range(self.workers)]:
                future.result()

    def map(self, work: Work[T, R], items: Sequence[T]) -> Parsing[R]:
        """Start ``work`` on every item and return at once (small batches are done here, before returning,
        unless the parser processes are running already)."""
        items = list(items)
        if self.workers <= 1 or (len(items) < IN_PROCESS_BELOW and self._executor is None):
            return Parsing(done=_work_chunk(work, items, self.events_file, self.model_file))
        size = max(1, min(MAX_CHUNK, len(items) // (self.workers * 2)))
        pool = self._processes()
        chunks = [items[i : i + size] for i in range(0, len(items), size)]
        files = (self.events_file, self.model_file)
        return Parsing(futures=[pool.submit(_work_chunk, work, chunk, *files) for chunk in chunks])
