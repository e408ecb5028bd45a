"""Serving the app over HTTP with uvicorn, within limits, answering in the service's format.

uvicorn's HTTP protocol (httptools) answers what it cannot parse itself, in plain text, keeps a
connection that never sends a byte, or sends one a second, open for ever, keeps an answer a
client never reads in memory for ever, and has no bound on the size of a request's headers.
``ServiceHttpProtocol`` is that protocol with:

- its own answers in the service's error format: 400 for what is not HTTP/1.1 (a negative
  Content-Length, a path of raw non-ASCII bytes, garbage), 405 for a method the parser does not
  know, 414 for a request target over 64 KiB, 431 for header fields over 64 KiB in all, 408 for
  a request that does not arrive whole in time, 503 past the connection limit;
- timeouts: a connection idle for ``idle_timeout`` seconds (before its first request too) is
  closed; a request must arrive whole, head and body, within ``request_timeout`` seconds of its
  first byte (a 408 otherwise); an answer that the client stops reading, with nothing taken from
  the connection's buffer for ``request_timeout`` seconds, ends the connection;
- at most ``max_connections`` connections; past them, requests are answered 503.

It extends uvicorn's ``HttpToolsProtocol`` through the points it offers subclasses (its parser
callbacks, ``send_400_response``, the keep-alive timer); a watchdog task per server looks at
every connection once a second, so no timer is set per request.
"""

from __future__ import annotations

import asyncio
import json
import logging
import socket
import sys
import weakref
from dataclasses import dataclass
from typing import Any

import httptools
import uvicorn
from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol

from .admin.redaction import redact_query
from .http import routes
from .http.errors import error_body

MAX_TARGET = 64 * 1024  # bytes of a request target (path and query)
MAX_HEAD = 64 * 1024  # bytes of a request's header fields, names and values
WATCH_INTERVAL = 1.0


@dataclass(frozen=True)
class Limits:
    """What one connection may take from the server, and for how long."""

    idle_timeout: int = 5
    request_timeout: float = 30.0
    max_connections: int = 256
    max_target: int = MAX_TARGET
    max_head: int = MAX_HEAD


class _HeadTooLarge(Exception):
    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message


def error_answer(status: int, message: str, retry_after: int | None = None,
                 headers: list[tuple[bytes, bytes]] | None = None) -> bytes:
    """A whole HTTP/1.1 answer in the service's error format, closing the connection."""
    body = json.dumps(error_body(status, message)).encode()
    lines = [f"HTTP/1.1 {status} {_REASONS.get(status, 'Error')}".encode(),
             *(name + b": " + value for name, value in headers or []),
             b"content-type: application/json", f"content-length: {len(body)}".encode(),
             b"connection: close"]
    if retry_after is not None:
        lines.append(f"retry-after: {retry_after}".encode())
    return b"\r\n".join(lines) + b"\r\n\r\n" + body


_REASONS = {400: "Bad Request", 405: "Method Not Allowed", 408: "Request Timeout",
            414: "URI Too Long", 431: "Request Header Fields Too Large",
            503: "Service Unavailable"}


def _parse_failure(exc: BaseException | None) -> tuple[int, str]:
    """The status and message for a request the HTTP parser refused."""
    cause = (exc.__cause__ or exc.__context__) if exc is not None else None
    if isinstance(cause, _HeadTooLarge):
        return cause.status, cause.message
    if isinstance(exc, httptools.HttpParserInvalidMethodError):
        return 405, "The request's method is not one the service knows (or it is not HTTP)"
    if isinstance(cause, UnicodeDecodeError):
        return 400, "The request path holds bytes that are not ASCII; percent-encode them"
    reason = str(exc) if exc is not None and str(exc) else "malformed request"
    return 400, f"The request is not valid HTTP/1.1 ({reason[:200]})"


class ServiceHttpProtocol(HttpToolsProtocol):
    """uvicorn's httptools protocol within ``limits``, its own answers in the service's error
    format (see the module's description)."""

    limits = Limits()

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._head_bytes = 0
        self._request_started: float | None = None
        self._refused = False
        self._unsent = 0  # bytes waiting in the transport's buffer at the last look
        self._unsent_since = 0.0

    # -- connections ---------------------------------------------------------------------------
    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        super().connection_made(transport)
        if len(self.connections) > self.limits.max_connections:
            self._refused = True  # answered 503 at its first bytes
        # A connection that never sends a request is idle like one between requests.
        self.timeout_keep_alive_task = self.loop.call_later(
            self.timeout_keep_alive, self.timeout_keep_alive_handler)
        _Watchdog.watch(self)

    def data_received(self, data: bytes) -> None:
        if self._refused:
            self._unset_keepalive_if_required()
            self._answer(503, "The server has as many connections as it takes "
                              f"({self.limits.max_connections}); try again shortly",
                         retry_after=1)
            return
        super().data_received(data)

    def send_400_response(self, msg: str) -> None:
        """uvicorn's answer to what its parser refuses, in the service's error format (called
        while the parser's exception is being handled)."""
        status, message = _parse_failure(sys.exc_info()[1])
        self._answer(status, message)

    def _answer(self, status: int, message: str, retry_after: int | None = None) -> None:
        if not self.transport.is_closing():
            self.transport.write(error_answer(status, message, retry_after,
                                              self.server_state.default_headers))
            self.transport.close()

    # -- parser callbacks: the size of the head, when a request starts and ends ----------------
    def on_message_begin(self) -> None:
        super().on_message_begin()
        self._head_bytes = 0
        self._request_started = self.loop.time()

    def on_url(self, url: bytes) -> None:
        super().on_url(url)
        if len(self.url) > self.limits.max_target:
            raise _HeadTooLarge(414, f"The request target is longer than the "
                                     f"{self.limits.max_target // 1024} KiB the server reads")

    def on_header(self, name: bytes, value: bytes) -> None:
        self._head_bytes += len(name) + len(value) + 4
        if self._head_bytes > self.limits.max_head:
            raise _HeadTooLarge(431, f"The request's header fields are longer than the "
                                     f"{self.limits.max_head // 1024} KiB the server reads")
        super().on_header(name, value)

    def on_message_complete(self) -> None:
        self._request_started = None
        super().on_message_complete()

    # -- the watchdog's look -------------------------------------------------------------------
    def look(self, now: float) -> None:
        """End the connection when its client is too slow sending or reading."""
        transport = self.transport
        if transport is None:
            return
        if not transport.is_closing() and self._request_late(now):
            return
        # A closing connection may still hold an answer nobody reads: it goes too.
        unsent = transport.get_write_buffer_size()
        if unsent == 0 or unsent < self._unsent:
            self._unsent, self._unsent_since = unsent, now
        elif now - self._unsent_since > self.limits.request_timeout:
            transport.abort()  # an answer nobody reads: its buffer goes with the connection
        else:
            self._unsent = unsent

    def _request_late(self, now: float) -> bool:
        """Answer 408 and close when a request has not arrived whole in time (while the server
        waits for the client, not the other way round); whether it did."""
        started = self._request_started
        if started is None or now - started <= self.limits.request_timeout \
                or (self.flow is not None and self.flow.read_paused):
            return False
        self._request_started = None
        cycle = self.cycle
        if cycle is not None and cycle.response_started:
            self.transport.close()
            return True
        if cycle is not None:
            cycle.disconnected = True  # the app's later sends go nowhere
            cycle.message_event.set()
        self._answer(408, f"The request did not arrive whole within "
                          f"{self.limits.request_timeout:g} s")
        return True


class _Watchdog:
    """One task per server that has every connection look at its deadlines once a second,
    while there are connections."""

    _running: weakref.WeakKeyDictionary[Any, asyncio.Task[None]] = weakref.WeakKeyDictionary()

    @classmethod
    def watch(cls, protocol: ServiceHttpProtocol) -> None:
        state = protocol.server_state
        task = cls._running.get(state)
        if task is None or task.done():
            cls._running[state] = protocol.loop.create_task(cls._run(protocol.loop,
                                                                     state.connections))

    @staticmethod
    async def _run(loop: asyncio.AbstractEventLoop, connections: set[Any]) -> None:
        while connections:
            await asyncio.sleep(WATCH_INTERVAL)
            now = loop.time()
            for protocol in list(connections):
                if isinstance(protocol, ServiceHttpProtocol):
                    protocol.look(now)


def protocol_class(limits: Limits) -> type[ServiceHttpProtocol]:
    """The protocol class uvicorn instantiates per connection, with these limits."""
    return type("ServiceHttpProtocol", (ServiceHttpProtocol,), {"limits": limits})


class PortInUse(OSError):
    """The address to serve on is taken (or cannot be bound); the message says which."""


def bind(host: str, port: int) -> socket.socket:
    """A socket listening on ``host:port`` before anything is announced: the banner (a
    container's first log line) is then a sign that calls are accepted; they wait in the
    backlog until the loop runs."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family=family)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind((host, port))
    except OSError as exc:
        sock.close()
        if exc.errno in (98, 48, 10048):  # EADDRINUSE on Linux, macOS, Windows
            raise PortInUse(f"port {port} on {host} is in use (another b2b-mock?); stop what "
                            "holds it, or choose another with --port") from None
        raise PortInUse(f"cannot serve on {host}:{port}: {exc.strerror or exc}") from None
    sock.listen(2048)
    sock.set_inheritable(True)
    return sock


class RedactedAccessLog(logging.Filter):
    """uvicorn's access log lines with the secrets of their paths and query strings masked,
    as the journal keeps them."""

    def filter(self, record: logging.LogRecord) -> bool:
        args = record.args
        if isinstance(args, tuple) and len(args) >= 3 and isinstance(args[2], str):
            path, mark, query = args[2].partition("?")
            shown = routes.shown_path(routes.describe(str(args[1]), path)[0], path)
            record.args = (*args[:2], shown + mark + redact_query(query), *args[3:])
        return True


def serve(app: Any, sock: socket.socket, limits: Limits, log_level: str = "warning",
          access_log: bool = False) -> bool:
    """Serve ``app`` on the bound socket until interrupted (Ctrl-C, SIGTERM); whether it
    started at all."""
    config = uvicorn.Config(app, http=protocol_class(limits), log_level=log_level,
                            access_log=access_log, timeout_keep_alive=limits.idle_timeout,
                            timeout_graceful_shutdown=3)
    server = uvicorn.Server(config)  # its logging is set up here, the filter goes on after
    logging.getLogger("uvicorn.access").addFilter(RedactedAccessLog())
    server.run(sockets=[sock])
    return bool(server.started)
