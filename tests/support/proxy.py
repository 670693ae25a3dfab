"""A small TCP proxy for fault tests: forwards 127.0.0.1:port to a real server and breaks connections on cue.

:meth:`TcpProxy.reset` ends every open connection with a TCP reset (``SO_LINGER`` 0), so the client sees
``ECONNRESET`` in the middle of whatever it was doing; :meth:`TcpProxy.cut_after` does the same once so many
more bytes have passed from the server to the client (a cut inside a response, e.g. a FETCH literal). New
connections are accepted as before: the client can reconnect.

One thread moves every byte (non-blocking sockets and a selector), so a reset happens between two reads,
never while another thread is blocked on the socket.

Example::

    with TcpProxy(dovecot.host, dovecot.port) as proxy:
        settings = imap_settings(imap_port=proxy.port)
        ...
        proxy.reset()
"""

from __future__ import annotations

import contextlib
import selectors
import socket
import struct
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from types import TracebackType
from typing import Self

CHUNK = 64 * 1024
RESET = struct.pack("ii", 1, 0)  # SO_LINGER on, 0 s: close() sends RST and drops unsent data


@dataclass(eq=False)
class _Pipe:
    """One client connection and its upstream connection, with the bytes each side has yet to be sent."""

    client: socket.socket
    upstream: socket.socket
    to_client: bytearray = field(default_factory=bytearray)
    to_upstream: bytearray = field(default_factory=bytearray)

    def peer(self, sock: socket.socket) -> tuple[socket.socket, bytearray]:
        return (self.upstream, self.to_upstream) if sock is self.client else (self.client, self.to_client)


class TcpProxy:
    """Forwards ``host:port`` (chosen at :meth:`start`) to ``target_host:target_port``."""

    host = "127.0.0.1"

    def __init__(self, target_host: str, target_port: int) -> None:
        self.target = (target_host, target_port)
        self.accepted = 0  # connections accepted so far
        self.resets = 0  # connections ended with a reset so far
        self.bytes_to_client = 0  # bytes forwarded from the server to clients so far
        self._cut_at: int | None = None
        self._pipes: list[_Pipe] = []
        self._calls: list[tuple[Callable[[], object], threading.Event, list[object]]] = []
        self._lock = threading.Lock()
        self._selector = selectors.DefaultSelector()
        self._listener: socket.socket | None = None
        self._wake_r, self._wake_w = socket.socketpair()
        self._thread: threading.Thread | None = None
        self._running = False

    @property
    def port(self) -> int:
        if self._listener is None:
            raise RuntimeError("TcpProxy is not started")
        return self._listener.getsockname()[1]

    def start(self) -> Self:
        listener = socket.create_server((self.host, 0))
        listener.setblocking(False)
        self._listener = listener
        self._wake_r.setblocking(False)
        self._selector.register(listener, selectors.EVENT_READ)
        self._selector.register(self._wake_r, selectors.EVENT_READ)
        self._running = True
        self._thread = threading.Thread(target=self._loop, name="tcp-proxy", daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        """Reset what is open, stop listening and end the thread (idempotent)."""
        if not self._running:
            return
        self.reset()
        self._call(lambda: setattr(self, "_running", False))
        if self._thread is not None:
            self._thread.join(timeout=10)
        for sock in (self._listener, self._wake_r, self._wake_w):
            if sock is not None:
                sock.close()
        self._selector.close()

    def __enter__(self) -> Self:
        return self.start()

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.stop()

    def reset(self) -> int:
        """End every open connection with a TCP reset, both ways; return how many there were."""
        return int(self._call(self._reset_all))  # type: ignore[arg-type]

    def cut_after(self, nbytes: int) -> None:
        """Reset every open connection once ``nbytes`` more bytes have passed from the server to the clients
        (at most that many of them reach a client)."""
        with self._lock:
            self._cut_at = self.bytes_to_client + nbytes

    @property
    def open_connections(self) -> int:
        with self._lock:
            return len(self._pipes)

    # -- the proxy's thread ----------------------------------------------------

    def _call(self, function: Callable[[], object]) -> object:
        """Run ``function`` in the proxy's thread, between two reads, and return its result."""
        done, result = threading.Event(), []
        with self._lock:
            self._calls.append((function, done, result))
        self._wake_w.send(b"x")
        if not done.wait(timeout=10):
            raise RuntimeError("the proxy's thread did not answer")
        return result[0]

    def _loop(self) -> None:
        while self._running:
            for key, events in self._selector.select(timeout=1.0):
                sock = key.fileobj
                if sock is self._listener:
                    self._accept()
                elif sock is self._wake_r:
                    self._run_calls()
                elif isinstance(key.data, _Pipe) and key.data in self._pipes:
                    assert isinstance(sock, socket.socket)
                    self._serve(key.data, sock, events)

    def _run_calls(self) -> None:
        with contextlib.suppress(BlockingIOError):
            self._wake_r.recv(4096)
        with self._lock:
            calls, self._calls = self._calls, []
        for function, done, result in calls:
            result.append(function())
            done.set()

    def _accept(self) -> None:
        assert self._listener is not None
        try:
            client, _ = self._listener.accept()
        except BlockingIOError:
            return
        try:
            upstream = socket.create_connection(self.target, timeout=5)
        except OSError:  # the server is down: the client sees a reset, as it would from the server itself
            _hard_close(client)
            return
        for sock in (client, upstream):
            sock.setblocking(False)
            sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        pipe = _Pipe(client, upstream)
        with self._lock:
            self._pipes.append(pipe)
            self.accepted += 1
        self._selector.register(client, selectors.EVENT_READ, pipe)
        self._selector.register(upstream, selectors.EVENT_READ, pipe)

    def _serve(self, pipe: _Pipe, sock: socket.socket, events: int) -> None:
        if events & selectors.EVENT_WRITE:
            self._flush(pipe, sock)
        if not events & selectors.EVENT_READ or pipe not in self._pipes:
            return
        try:
            data = sock.recv(CHUNK)
        except BlockingIOError:
            return
        except OSError:
            self._reset_pipe(pipe)
            return
        if not data:  # one side closed: close the other (an orderly end, as the server meant it)
            self._close_pipe(pipe)
            return
        peer, buffer = pipe.peer(sock)
        cut = False
        if sock is pipe.upstream:
            with self._lock:
                if self._cut_at is not None and self.bytes_to_client + len(data) >= self._cut_at:
                    data, cut, self._cut_at = data[: self._cut_at - self.bytes_to_client], True, None
                self.bytes_to_client += len(data)
        buffer += data
        self._flush(pipe, peer)
        if cut:
            self._reset_all()

    def _flush(self, pipe: _Pipe, sock: socket.socket) -> None:
        """Send what is waiting for ``sock``; watch it for writing while some is left."""
        buffer = pipe.to_client if sock is pipe.client else pipe.to_upstream
        try:
            sent = sock.send(buffer) if buffer else 0
        except BlockingIOError:
            sent = 0
        except OSError:
            self._reset_pipe(pipe)
            return
        del buffer[:sent]
        self._selector.modify(sock, selectors.EVENT_READ | (selectors.EVENT_WRITE if buffer else 0), pipe)

    def _reset_all(self) -> int:
        with self._lock:
            pipes = list(self._pipes)
        for pipe in pipes:
            self._reset_pipe(pipe)
        return len(pipes)

    def _reset_pipe(self, pipe: _Pipe) -> None:
        self._forget(pipe)
        self.resets += 1
        _hard_close(pipe.client)
        _hard_close(pipe.upstream)

    def _close_pipe(self, pipe: _Pipe) -> None:
        self._forget(pipe)
        for sock, buffer in ((pipe.client, pipe.to_client), (pipe.upstream, pipe.to_upstream)):
            with contextlib.suppress(OSError):
                sock.setblocking(True)
                sock.settimeout(2)
                sock.sendall(buffer)
            sock.close()

    def _forget(self, pipe: _Pipe) -> None:
        with self._lock:
            if pipe in self._pipes:
                self._pipes.remove(pipe)
        for sock in (pipe.client, pipe.upstream):
            with contextlib.suppress(KeyError, ValueError):
                self._selector.unregister(sock)


def _hard_close(sock: socket.socket) -> None:
    """Close with a reset: the peer's next read or write fails with ECONNRESET."""
    with contextlib.suppress(OSError):
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, RESET)
    sock.close()
