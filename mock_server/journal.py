"""The request journal: the last N calls the mock answered, for tests to inspect."""

from __future__ import annotations

import itertools
import json
import threading
from collections import deque
from dataclasses import dataclass, field
from typing import Any

MAX_BODY = 64 * 1024


def decode_body(raw: bytes) -> Any:
    """A body as JSON when it is JSON, as text otherwise; longer than 64 KiB, cut as text."""
    if not raw:
        return None
    if len(raw) > MAX_BODY:
        return raw[:MAX_BODY].decode("utf-8", errors="replace") + "…"
    try:
        return json.loads(raw)
    except ValueError:
        return raw.decode("utf-8", errors="replace")


@dataclass
class Journal:
    """A bounded, thread-safe list of request/response records, oldest first."""

    size: int = 1000
    _entries: deque = field(init=False)
    _seq: Any = field(init=False, default_factory=lambda: itertools.count(1))
    _lock: threading.Lock = field(init=False, default_factory=threading.Lock)

    def __post_init__(self) -> None:
        self._entries = deque(maxlen=self.size)

    def record(self, entry: dict[str, Any]) -> None:
        """Keep an entry; its bodies may be raw bytes, decoded only when somebody reads them,
        and its ``duration`` (seconds) is given in milliseconds then (``durationMs``)."""
        with self._lock:
            entry["seq"] = next(self._seq)
            self._entries.append(entry)

    def clear(self) -> int:
        with self._lock:
            count = len(self._entries)
            self._entries.clear()
            return count

    def query(self, method: str | None = None, path: str | None = None,
              operation: str | None = None, tenant: int | None = None,
              account: int | None = None, status: int | None = None, since: int | None = None,
              limit: int | None = None, newest_first: bool = False) -> list[dict[str, Any]]:
        """Entries matching every given criterion (``path`` matches as a substring)."""
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
        found = found[:limit] if limit else found
        return [_readable(e) for e in found]


def _readable(entry: dict[str, Any]) -> dict[str, Any]:
    """An entry as the journal answers it: bodies decoded, the duration in milliseconds."""
    readable = {key: value for key, value in entry.items() if key != "duration"}
    if "duration" in entry:
        readable["durationMs"] = round(entry["duration"] * 1000, 3)
    readable["requestBody"] = _decoded(entry["requestBody"])
    readable["responseBody"] = _decoded(entry["responseBody"])
    return readable


def _decoded(body: Any) -> Any:
    return decode_body(body) if isinstance(body, bytes) else body
