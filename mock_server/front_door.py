"""The outermost ASGI layer: request journal and fault injection around the Connexion app.

It sees every call before Connexion does, so it can delay, fail or drop it as a fault rule says,
and after the answer it records method, path, tenant, status, duration and both bodies.
Calls to the operator's own API (``/_mock``) and to the API docs are neither journaled nor faulted.
"""

from __future__ import annotations

import asyncio
import json
import logging
import time
from typing import Any

from . import routes
from .errors import error_body
from .journal import MAX_BODY
from .state import MockState
from .tenancy import SITE_HEADER, TENANT_HEADER

log = logging.getLogger(__name__)

UNTRACKED_PREFIXES = ("/_mock", "/api/ui", "/api/openapi", "/favicon.ico")


class DroppedConnection(ConnectionError):
    """Raised where a dropped connection cannot be simulated by closing the socket."""


def _header(scope: dict[str, Any], name: str) -> str | None:
    wanted = name.encode()
    for key, value in scope.get("headers", []):
        if key.lower() == wanted:
            return value.decode("latin-1")
    return None


def _int_or_none(text: str | None) -> int | None:
    try:
        return int(text) if text else None
    except ValueError:
        return None


class FrontDoor:
    """Wraps the Connexion app; ``state`` holds the journal and fault book it consults."""

    def __init__(self, app: Any, state: MockState) -> None:
        self.app = app
        self.state = state

    def test_client(self, **kwargs: Any) -> Any:
        from starlette.testclient import TestClient

        return TestClient(self, **kwargs)

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        scope["b2b_mock.tickets"] = self.state.tickets
        path: str = scope["path"]
        if path.startswith(UNTRACKED_PREFIXES):
            await self.app(scope, receive, send)
            return
        await self._tracked(scope, receive, send, path)

    async def _tracked(self, scope: dict[str, Any], receive: Any, send: Any, path: str) -> None:
        method: str = scope["method"]
        tenant = _int_or_none(_header(scope, TENANT_HEADER)) or \
            self.state.settings.default_tenant
        operation = routes.operation_for(method, path)
        started = time.perf_counter()
        request_body: list[bytes] = []
        response_body: list[bytes] = []
        status: list[int] = [0]

        async def receive_logged() -> dict[str, Any]:
            message = await receive()
            if message["type"] == "http.request":
                request_body.append(message.get("body", b""))
            return message

        faults = self.state.faults.draw(operation, tenant) if operation else []
        recorded = [False]

        def record() -> None:
            # Recorded before the last byte goes out, so a client that has its answer
            # always finds the call in the journal.
            if recorded[0]:
                return
            recorded[0] = True
            self.state.journal.record({
                "time": time.time(),
                "method": method,
                "path": path,
                "query": scope.get("query_string", b"").decode("latin-1"),
                "operation": operation,
                "tenant": tenant,
                "site": _int_or_none(_header(scope, SITE_HEADER)),
                "accountId": routes.account_of(path),
                "status": status[0],
                "durationMs": round((time.perf_counter() - started) * 1000, 3),
                "faults": [f.kind for f in faults],
                "requestBody": b"".join(request_body)[:MAX_BODY + 1],
                "responseBody": b"".join(response_body)[:MAX_BODY + 1],
            })

        length: list[int | None] = [None]

        async def send_logged(message: dict[str, Any]) -> None:
            if message["type"] == "http.response.start":
                status[0] = message["status"]
                for key, value in message.get("headers", []):
                    if key.lower() == b"content-length":
                        length[0] = int(value)
            elif message["type"] == "http.response.body":
                response_body.append(message.get("body", b""))
                # A client may hold its whole answer before the closing empty chunk is sent:
                # record as soon as the last byte is about to go.
                sent = sum(len(chunk) for chunk in response_body)
                if not message.get("more_body") or (length[0] is not None and sent >= length[0]):
                    record()
            await send(message)

        try:
            answered = await self._apply_faults(faults, receive_logged, send_logged, receive)
            if not answered:
                await self.app(scope, receive_logged, send_logged)
        finally:
            record()

    async def _apply_faults(self, faults: list[Any], receive: Any, send: Any,
                            server_receive: Any) -> bool:
        """Carry out the drawn faults; True when one of them answered the call itself."""
        for fault in sorted(faults, key=lambda f: f.kind != "latency"):
            if fault.kind == "latency":
                await asyncio.sleep(fault.latency_ms / 1000)
            elif fault.kind == "expire_token":
                self.state.tickets.expire_all()
        for fault in faults:
            if fault.kind == "drop":
                await self._drain(receive)
                # uvicorn's receive is a method of the request cycle, which holds the socket
                cycle = getattr(server_receive, "__self__", None)
                transport = getattr(cycle, "transport", None)
                if transport is not None:
                    transport.abort()
                    return True
                raise DroppedConnection("b2b-mock dropped the connection (fault injection)")
            if fault.kind == "status":
                await self._drain(receive)
                await self._send_error(send, fault.status, fault.retry_after)
                return True
        return False

    @staticmethod
    async def _drain(receive: Any) -> None:
        while True:
            message = await receive()
            if message["type"] != "http.request" or not message.get("more_body"):
                return

    @staticmethod
    async def _send_error(send: Any, status: int, retry_after: int | None) -> None:
        message = f"Injected fault: status {status}"
        body = json.dumps(error_body(status, message)).encode()
        headers = [(b"content-type", b"application/json"),
                   (b"content-length", str(len(body)).encode())]
        if retry_after is not None:
            headers.append((b"retry-after", str(retry_after).encode()))
        await send({"type": "http.response.start", "status": status, "headers": headers})
        await send({"type": "http.response.body", "body": body})
