"""How large a request body the server reads: refused with a 413 before it is read.

A body announced by its Content-Length is refused on the number alone, before a byte of it is
read; a chunked body (no Content-Length) is read up to the limit and refused when it passes
it, so no body larger than the limit is ever held. The operator's uploads (a state to import, a
seed) have a limit of their own: an export of a large store is far larger than any call of the
service.
"""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any

MiB = 1024 * 1024
DEFAULT_MAX_BODY = 10 * MiB
DEFAULT_MAX_IMPORT_BODY = 256 * MiB
# The operator's uploads, which the import limit applies to.
UPLOADS = frozenset({("PUT", "/_mock/state"), ("POST", "/_mock/seed")})

_SIZE = re.compile(r"^\s*(\d+)\s*([kmg]i?b?|b)?\s*$", re.IGNORECASE)
_FACTORS = {"": 1, "b": 1, "k": 1024, "m": MiB, "g": 1024 * MiB}

Receive = Callable[[], Awaitable[dict[str, Any]]]


def parse_size(text: str) -> int:
    """``"10MiB"``, ``"512k"``, ``"1048576"`` as bytes (K, M and G count in 1,024s)."""
    match = _SIZE.match(text)
    if match is None:
        raise ValueError(f"'{text}' is not a size: write bytes, or a number with K, M or G")
    unit = (match.group(2) or "").lower()[:1]
    return int(match.group(1)) * _FACTORS[unit]


def size_text(size: int) -> str:
    """A size as the messages say it: ``10 MiB``, ``1500 bytes``."""
    for factor, unit in ((1024 * MiB, "GiB"), (MiB, "MiB"), (1024, "KiB")):
        if size >= factor and size % factor == 0:
            return f"{size // factor} {unit}"
    return f"{size} bytes"


class BodyRefused(Exception):
    """A body the server will not read: its status and what to tell the client."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message


def limit_for(method: str, path: str, max_body: int, max_import_body: int) -> int:
    if (method, path.rstrip("/")) in UPLOADS:
        return max(max_body, max_import_body)
    return max_body


def announced(scope: MutableMapping[str, Any], limit: int) -> bool:
    """Whether the request's body is chunked (to be read with ``read_chunked``); checks a
    Content-Length against ``limit`` (``BodyRefused``) without reading anything."""
    chunked = False
    for key, value in scope["headers"]:
        key = key.lower()
        if key == b"content-length":
            if not value.strip().isdigit():
                raise BodyRefused(400, "The Content-Length header must be a number of bytes")
            if int(value) > limit:
                raise BodyRefused(413, f"The request body ({int(value)} bytes) is larger "
                                       f"than the {size_text(limit)} this server accepts")
            return False
        if key == b"transfer-encoding":
            chunked = True
    return chunked


async def read_chunked(scope: MutableMapping[str, Any], receive: Receive,
                       limit: int) -> Receive:
    """A chunked body read here, whole and up to ``limit`` (``BodyRefused`` past it), and
    handed on as one message, with the Content-Length it turned out to have added to the
    request's headers (Connexion reads a body without one as no body at all)."""
    chunks: list[bytes] = []
    size = 0
    while True:
        message = await receive()
        if message["type"] != "http.request":
            return _replay([], message, receive)
        body = message.get("body", b"")
        size += len(body)
        if size > limit:
            raise BodyRefused(413, f"The request body is larger than the {size_text(limit)} "
                                   "this server accepts")
        chunks.append(body)
        if not message.get("more_body"):
            break
    whole = b"".join(chunks)
    scope["headers"] = [*scope["headers"], (b"content-length", str(len(whole)).encode())]
    return _replay([whole], None, receive)


def _replay(bodies: list[bytes], last: dict[str, Any] | None, receive: Receive) -> Receive:
    """A receive that hands out what was read, then goes on with the original one."""
    pending: list[dict[str, Any]] = [{"type": "http.request", "body": body, "more_body": False}
                                     for body in bodies]
    if last is not None:
        pending.append(last)

    async def replayed() -> dict[str, Any]:
        if pending:
            return pending.pop(0)
        return await receive()

    return replayed
