"""Large answers sent as they are encoded, so that a client that reads slowly, or not at all,
holds a piece of its answer rather than the whole of it.

uvicorn stops the sender while the connection's buffer is full (64 KiB), so an answer encoded
piece by piece occupies about one piece per connection, plus what it is encoded from: for the
operator's export, a view of the store that every export of the unchanged store shares.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Iterable

from starlette.responses import StreamingResponse

PIECE = 64 * 1024


def streamed_json(pieces: Iterable[str], status: int = 200) -> StreamingResponse:
    """A JSON answer made of ``pieces`` (whose concatenation is the JSON text), sent in
    pieces of about 64 KiB as the client takes them."""
    async def body() -> AsyncIterator[bytes]:
        buffered: list[bytes] = []
        size = 0
        for piece in pieces:
            data = piece.encode("utf-8")
            buffered.append(data)
            size += len(data)
            if size >= PIECE:
                yield b"".join(buffered)
                buffered, size = [], 0
                await asyncio.sleep(0)  # other calls go on between pieces
        if buffered:
            yield b"".join(buffered)

    return StreamingResponse(body(), status_code=status, media_type="application/json")
