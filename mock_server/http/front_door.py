"""The outermost ASGI layer: request journal and fault injection around the Connexion app.

It sees every call before Connexion does, so it can delay, fail or drop it as a fault rule says,
and after the answer it records method, path, tenant, status, duration and both bodies.
Calls to the operator's own API (``/_mock``) and to the API docs are neither journaled nor faulted.

It also keeps the promise that an acknowledged write is on disk. A B2B call's writes go to the
store's write-ahead log without waiting for its fsync (``Store.deferred_sync``); when the call's
answer starts while a line of its own is not on disk yet, the answer is held here and sent once
the fsync that covers it is done, or replaced by a 500 when that fsync fails. Waiting here
rather than in the handler matters for speed: a coroutine that waits suspends, and resumes,
every frame of the await chain above it, two dozen and more inside Connexion and Starlette;
here there are four.
"""

from __future__ import annotations

import asyncio
import json
import logging
import time
import uuid
from collections.abc import MutableMapping
from typing import Any

from . import routes
from .body_limit import BodyRefused, announced, limit_for, read_chunked
from .errors import error_body
from .erp_errors import erp_body, is_erp_path, unreadable_cookie
from ..admin.faults import FAULT_KINDS, Fault
from ..admin.journal import MAX_BODY
from ..state import SCOPE_KEY, MockState
from ..store import PendingSync
from .tenancy import tenancy_of_call

log = logging.getLogger(__name__)

UNTRACKED_PREFIXES = ("/_mock", "/api/ui", "/api/openapi", "/favicon.ico")


class DroppedConnection(ConnectionError):
    """Raised where a dropped connection cannot be simulated by closing the socket."""


class _Call:
    """One journaled call: what came in, what goes out, recorded once."""

    __slots__ = ("journal", "entry", "started", "request_body", "response_body", "status",
                 "length", "sent", "received", "recorded")

    def __init__(self, journal: Any, entry: dict[str, Any]) -> None:
        self.journal = journal
        self.entry = entry
        self.started = time.perf_counter()
        self.request_body: list[bytes] = []
        self.response_body: list[bytes] = []
        self.status = 0
        self.length: int | None = None
        self.sent = 0
        self.received = 0
        self.recorded = False

    def sending(self, message: dict[str, Any]) -> None:
        """Note an outgoing message; record the call before its last byte goes out.

        A client may hold its whole answer before the closing empty chunk is sent, and must
        then find the call in the journal.
        """
        if message["type"] == "http.response.start":
            self.status = message["status"]
            for key, value in message.get("headers", []):
                if key.lower() == b"content-length":
                    self.length = int(value)
        elif message["type"] == "http.response.body":
            body = message.get("body", b"")
            if self.sent <= MAX_BODY:  # the journal keeps the start of a body only
                self.response_body.append(body)
            self.sent += len(body)
            if not message.get("more_body") or (self.length is not None
                                                and self.sent >= self.length):
                self.record()

    def record(self) -> None:
        if self.recorded:
            return
        self.recorded = True
        entry = self.entry
        entry["time"] = time.time()
        entry["status"] = self.status
        entry["duration"] = time.perf_counter() - self.started  # seconds; ms when read
        entry["requestBody"] = b"".join(self.request_body)[:MAX_BODY + 1]
        entry["responseBody"] = b"".join(self.response_body)[:MAX_BODY + 1]
        self.journal.record(entry)


class FrontDoor:
    """Wraps the Connexion app; ``state`` holds the journal and fault book it consults."""

    def __init__(self, app: Any, state: MockState) -> None:
        self.app = app
        self.state = state

    def test_client(self, **kwargs: Any) -> Any:
        """Starlette's test client, calling as a client on this machine does (``localhost``,
        a name the operator API answers to)."""
        from starlette.testclient import TestClient

        kwargs.setdefault("base_url", "http://localhost")
        return TestClient(self, **kwargs)

    async def __call__(self, scope: MutableMapping[str, Any], receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        scope[SCOPE_KEY] = self.state
        path: str = scope["path"]
        if path.startswith(UNTRACKED_PREFIXES):
            if path == "/_mock" or path.startswith("/_mock/"):
                refused = self.state.guard.refusal(scope)
                if refused is not None:
                    for message in _error_messages(refused.status, refused.message,
                                                   headers=refused.headers):
                        await send(message)
                    return
            try:
                limit = self._limit(scope, path)
                if announced(scope, limit):
                    receive = await read_chunked(scope, receive, limit)
            except BodyRefused as refused:
                for message in _refusal(refused, is_erp_path(path)):
                    await send(message)
                return
            await self.app(scope, receive, send)
            return
        await self._tracked(scope, receive, send, path)

    def _limit(self, scope: MutableMapping[str, Any], path: str) -> int:
        """The largest body the request may have."""
        settings = self.state.settings
        return limit_for(scope["method"], path, settings.max_body, settings.max_import_body)

    async def _tracked(self, scope: MutableMapping[str, Any], receive: Any, send: Any,
                       path: str) -> None:
        method: str = scope["method"]
        named = tenancy_of_call(scope, self.state.settings.default_tenant)
        operation, account_id = routes.describe(method, path)
        erp = is_erp_path(path)
        tenant = None if erp else named.scope.tenant
        faults = self.state.faults.draw(operation, tenant) if operation else []
        # Answers of the service carry a correlation id; a path it has no operation at is
        # answered by its router, without one (as the Java SDK tells such 404s apart). The
        # ERP twin answers as the ERP does, without one.
        correlation = uuid.uuid4().hex if operation is not None and not erp else None
        if correlation is not None:
            send = _correlated(send, correlation.encode())
        call = _Call(self.state.journal, {
            "method": method, "path": routes.shown_path(operation, path),
            "operation": operation, "tenant": tenant,
            "query": scope.get("query_string", b"").decode("latin-1"),
            "site": named.site, "accountId": account_id, "faults": [f.kind for f in faults],
            "correlationId": correlation})

        held: list[dict[str, Any]] = []

        async def receive_logged() -> dict[str, Any]:
            message = await receive()
            if message["type"] == "http.request" and call.received <= MAX_BODY:
                body = message.get("body", b"")
                call.request_body.append(body)
                call.received += len(body)
            return message

        with self.state.store.deferred_sync() as pending:
            async def send_logged(message: dict[str, Any]) -> None:
                if held or (message["type"] == "http.response.start" and pending.outstanding):
                    held.append(message)
                    return
                call.sending(message)
                await send(message)

            try:
                if erp and unreadable_cookie(scope["headers"]):
                    for message in _error_messages(401, "", erp=True):
                        await send_logged(message)
                    return
                bounded: Any = receive_logged
                try:
                    limit = self._limit(scope, path)
                    if announced(scope, limit):
                        bounded = await read_chunked(scope, receive_logged, limit)
                except BodyRefused as refused:
                    for message in _refusal(refused, erp):
                        await send_logged(message)
                    return
                if not faults or not await self._apply_faults(faults, bounded,
                                                              send_logged, receive, erp):
                    await self.app(scope, bounded, send_logged)
                if held:
                    await self._send_when_durable(pending, held, call, send)
            finally:
                call.record()

    @staticmethod
    async def _send_when_durable(pending: PendingSync, held: list[dict[str, Any]], call: _Call,
                                 send: Any) -> None:
        """Send a held answer once the call's journal lines are on disk; a 500 in the service's
        error format instead when they cannot be (the store then refuses later writes)."""
        try:
            await pending.durable()
        except Exception:
            log.exception("a write could not be made durable")
            held = _error_messages(500, "Internal error in b2b-mock: the write could not be "
                                        "made durable", erp=is_erp_path(call.entry["path"]))
        for message in held:
            call.sending(message)
            await send(message)

    async def _apply_faults(self, faults: list[Fault], receive: Any, send: Any,
                            server_receive: Any, erp: bool) -> bool:
        """Carry out the drawn faults, in their kinds' order; True when one of them answered
        the call itself."""
        call = _FaultedCall(self.state, receive, send, server_receive, erp)
        for fault in sorted(faults, key=lambda f: FAULT_KINDS[f.kind].order):
            if await FAULT_KINDS[fault.kind].act(fault, call):
                return True
        return False


class _FaultedCall:
    """A call as a fault acts on it (``admin.faults.FaultedCall``)."""

    def __init__(self, state: MockState, receive: Any, send: Any, server_receive: Any,
                 erp: bool = False) -> None:
        self.state = state
        self.erp = erp
        self.receive = receive
        self.send = send
        self.server_receive = server_receive

    def expire_tickets(self) -> None:
        self.state.tickets.expire_all()

    async def drop(self) -> None:
        await self._drain()
        # uvicorn's receive is a method of the request cycle, which holds the socket
        cycle = getattr(self.server_receive, "__self__", None)
        transport = getattr(cycle, "transport", None)
        if transport is None:
            raise DroppedConnection("b2b-mock dropped the connection (fault injection)")
        transport.abort()

    async def reject(self, status: int, retry_after: int | None) -> None:
        await self._drain()
        for message in _error_messages(status, f"Injected fault: status {status}", retry_after,
                                       erp=self.erp):
            await self.send(message)

    async def _drain(self) -> None:
        while True:
            message = await self.receive()
            if message["type"] != "http.request" or not message.get("more_body"):
                return


def _correlated(send: Any, correlation: bytes) -> Any:
    """``send`` adding the call's ``x-vol-correlation`` header to its answer, as the service
    does (its SDKs report the id with every error)."""
    async def sending(message: dict[str, Any]) -> None:
        if message["type"] == "http.response.start":
            message = {**message, "headers": [*message.get("headers", []),
                                              (b"x-vol-correlation", correlation)]}
        await send(message)
    return sending


def _refusal(refused: BodyRefused, erp: bool) -> list[dict[str, Any]]:
    """The answer to a body the server will not read; the connection is closed after it, as
    the rest of the body may still be on its way."""
    return _error_messages(refused.status, refused.message, close=True, erp=erp)


def _error_messages(status: int, message: str, retry_after: int | None = None,
                    close: bool = False, erp: bool = False,
                    headers: tuple[tuple[bytes, bytes], ...] = ()) -> list[dict[str, Any]]:
    """The ASGI messages of an error answer in the service's format (the ERP's, for ``erp``)."""
    body = json.dumps(erp_body(status, message) if erp else error_body(status, message)).encode()
    headers = (*headers, (b"content-type", b"application/json"),
               (b"content-length", str(len(body)).encode()))
    if retry_after is not None:
        headers = (*headers, (b"retry-after", str(retry_after).encode()))
    if close:
        headers = (*headers, (b"connection", b"close"))
    return [{"type": "http.response.start", "status": status, "headers": list(headers)},
            {"type": "http.response.body", "body": body}]
