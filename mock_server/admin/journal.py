"""The request journal: the last N calls the mock answered, for tests to inspect."""

from __future__ import annotations

import itertools
import threading
from collections import deque
from dataclasses import dataclass, field
from typing import Any

from ..domain.json_text import JSONRefused, read_json
from .redaction import redact_entry, redact_text, redact_value

MAX_BODY = 64 * 1024
# The bodies of all kept calls together: past it, the oldest calls keep their record but lose
# their bodies. 1,000 list answers of 64 KiB would otherwise hold 128 MB.
DEFAULT_BODY_BUDGET = 32 * 1024 * 1024
DROPPED = "[body dropped: the journal keeps the bodies of its newest calls only]"


def decode_body(raw: bytes) -> Any:
    """A body as JSON when it is JSON the service reads, as text otherwise (malformed bodies
    are journaled too: as their text, never as what a lenient reader made of them); longer
    than 64 KiB, cut as text."""
    if not raw:
        return None
    if len(raw) > MAX_BODY:
        return raw[:MAX_BODY].decode("utf-8", errors="replace") + "…"
    try:
        return read_json(raw)
    except JSONRefused:
        return raw.decode("utf-8", errors="replace")


@dataclass
class Journal:
    """A bounded, thread-safe list of request/response records, oldest first.

    At most ``size`` calls are kept, and the bodies of the newest ones that fit in
    ``body_budget`` bytes; older calls keep everything else.
    """

    size: int = 1000
    body_budget: int = DEFAULT_BODY_BUDGET
    _entries: deque = field(init=False)
    _with_bodies: deque = field(init=False, default_factory=deque)
    _body_bytes: int = field(init=False, default=0)
    _seq: Any = field(init=False, default_factory=lambda: itertools.count(1))
    _lock: threading.Lock = field(init=False, default_factory=threading.Lock)

    def __post_init__(self) -> None:
        self._entries = deque()

    def record(self, entry: dict[str, Any]) -> None:
        """Keep an entry; its bodies may be raw bytes, decoded only when somebody reads them,
        and its ``duration`` (seconds) is given in milliseconds then (``durationMs``)."""
        redact_entry(entry)
        weight = _body_bytes(entry)
        with self._lock:
            entry["seq"] = next(self._seq)
            self._entries.append(entry)
            self._with_bodies.append(entry)
            self._body_bytes += weight
            if len(self._entries) > self.size:
                self._entries.popleft()
            while self._body_bytes > self.body_budget or len(self._with_bodies) > self.size:
                self._body_bytes -= _drop_bodies(self._with_bodies.popleft())

    def clear(self) -> int:
        with self._lock:
            count = len(self._entries)
            self._entries.clear()
            self._with_bodies.clear()
            self._body_bytes = 0
            return count

    def query(self, method: str | None = None, path: str | None = None,
              operation: str | None = None, tenant: int | None = None,
              account: int | None = None, status: int | None = None, since: int | None = None,
              limit: int | None = None, newest_first: bool = False) -> list[dict[str, Any]]:
        """Entries matching every given criterion (``path`` matches as a substring)."""
        return [readable(e) for e in self.select(method, path, operation, tenant, account,
                                                 status, since, limit, newest_first)]

    def select(self, method: str | None = None, path: str | None = None,
               operation: str | None = None, tenant: int | None = None,
               account: int | None = None, status: int | None = None, since: int | None = None,
               limit: int | None = None, newest_first: bool = False) -> list[dict[str, Any]]:
        """The kept entries ``query`` answers, as kept (bodies raw): ``readable`` makes each
        one an answer's entry, so that a long list can be answered one entry at a time."""
        with self._lock:
            entries = list(self._entries)
        found = [e for e in entries
                 if (method is None or e["method"] == method.upper())
                 and (path is None or path in e["path"])
                 and (operation is None or e.get("operation") == operation)
                 and (tenant is None or e.get("tenant") == tenant)
                 and (account is None or e.get("accountId") == account)
                 and (status is None or e["status"] == status)
                 and (since is None or e["seq"] > since)]
        if newest_first:
            found.reverse()
        return found[:limit] if limit else found


def readable(entry: dict[str, Any]) -> dict[str, Any]:
    """An entry as the journal answers it: bodies decoded, the duration in milliseconds."""
    readable = {key: value for key, value in entry.items() if key != "duration"}
    if "duration" in entry:
        readable["durationMs"] = round(entry["duration"] * 1000, 3)
    readable["requestBody"] = _decoded(entry["requestBody"])
    readable["responseBody"] = _decoded(entry["responseBody"])
    return readable


def _body_bytes(entry: dict[str, Any]) -> int:
    return sum(len(entry.get(key) or b"") for key in ("requestBody", "responseBody")
               if isinstance(entry.get(key), bytes))


def _drop_bodies(entry: dict[str, Any]) -> int:
    """Replace an entry's bodies with a note saying they were dropped; the bytes freed."""
    freed = _body_bytes(entry)
    for key in ("requestBody", "responseBody"):
        if entry.get(key):
            entry[key] = DROPPED
    return freed


def _decoded(body: Any) -> Any:
    """A kept body as the journal answers it, with any secret in it masked."""
    if not isinstance(body, bytes):
        return body
    decoded = decode_body(body)
    return redact_text(decoded) if isinstance(decoded, str) else redact_value(decoded)
