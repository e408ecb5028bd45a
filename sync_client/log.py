"""The sync log: one row per step, like the connector's Logs screen, as JSON lines.

Columns: level (INFO/WARN/ERROR), action type (Customer Sync, Customer Attribute, Customer
Contact, Customer Location, BearerToken), the payload sent, the endpoint, a description (the
service's message on failure), the login user and the time. ``b2b-sync log`` shows them newest
first, as a table (cells cut to fit, or wrapped) or one block per row with everything in full,
after filters as the Logs screen has them (level, action type, message text, dates).
"""

from __future__ import annotations

import getpass
import json
import os
import textwrap
import threading
from collections.abc import Iterable
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

COLUMNS = ("Level", "Action Type", "Message", "Endpoint Uri", "Description", "Login User",
           "Log Date", "Log Time")


def login_user() -> str:
    try:
        return os.environ.get("B2B_SYNC_USER") or getpass.getuser()
    except Exception:  # no user database entry, e.g. in a container
        return "b2b-sync"


class SyncLog:
    """Appends rows to a JSON-lines file and keeps this run's rows in memory."""

    def __init__(self, path: str | Path | None, user: str | None = None) -> None:
        self.path = Path(path) if path else None
        self.user = user or login_user()
        self.rows: list[dict[str, Any]] = []
        self._lock = threading.Lock()  # the workers of a run write to one log
        if self.path is not None:
            self.path.parent.mkdir(parents=True, exist_ok=True)

    def write(self, level: str, action_type: str, payload: Any, endpoint: str,
              description: str) -> dict[str, Any]:
        row = {"level": level, "actionType": action_type, "payload": payload,
               "endpoint": endpoint, "description": description, "user": self.user,
               "time": datetime.now(timezone.utc).isoformat(timespec="seconds")}
        line = json.dumps(row, ensure_ascii=False) + "\n"
        with self._lock:
            self.rows.append(row)
            if self.path is not None:
                with open(self.path, "a", encoding="utf-8") as fh:
                    fh.write(line)
        return row

    def info(self, action_type: str, payload: Any, endpoint: str, description: str) -> None:
        self.write("INFO", action_type, payload, endpoint, description)

    def error(self, action_type: str, payload: Any, endpoint: str, description: str) -> None:
        self.write("ERROR", action_type, payload, endpoint, description)

    def warn(self, action_type: str, payload: Any, endpoint: str, description: str) -> None:
        self.write("WARN", action_type, payload, endpoint, description)

    @property
    def errors(self) -> list[dict[str, Any]]:
        return [r for r in self.rows if r["level"] == "ERROR"]


def read_rows(path: str | Path) -> list[dict[str, Any]]:
    rows = []
    with open(path, encoding="utf-8") as fh:
        for line in fh:
            if line.strip():
                rows.append(json.loads(line))
    return rows


def parse_when(text: str, end: bool = False) -> datetime:
    """A date (``2026-12-02``: the whole day) or a date and time, in local time unless it says
    otherwise."""
    moment = datetime.fromisoformat(text.strip())
    if len(text.strip()) == 10 and end:
        moment = moment.replace(hour=23, minute=59, second=59, microsecond=999999)
    return moment if moment.tzinfo else moment.astimezone()


def select(rows: Iterable[dict[str, Any]], level: str | None = None,
           action: str | None = None, text: str | None = None, since: datetime | None = None,
           until: datetime | None = None, last: int = 0) -> list[dict[str, Any]]:
    """The rows that pass every filter, newest first; ``last``: only the newest N of them.

    ``action`` and ``text`` match a part, regardless of case (``contact`` finds "Customer
    Contact"); ``text`` looks in the message (payload), the endpoint and the description.
    """
    kept = []
    for row in rows:
        if level and row["level"] != level.upper():
            continue
        if action and action.casefold() not in row["actionType"].casefold():
            continue
        if text:
            haystack = " ".join((_text(row["payload"]), row["endpoint"], row["description"]))
            if text.casefold() not in haystack.casefold():
                continue
        when = datetime.fromisoformat(row["time"])
        if (since and when < since) or (until and when > until):
            continue
        kept.append(row)
    kept.reverse()
    return kept[:last] if last else kept


def _text(value: Any) -> str:
    return value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)


def _cell(value: Any, width: int) -> str:
    text = " ".join(_text(value).split())
    return text if len(text) <= width else text[: width - 1] + "…"


WIDTHS = (5, 18, 40, 48, 60, 10, 10, 8)


def _cells(row: dict[str, Any]) -> tuple[Any, ...]:
    stamp = datetime.fromisoformat(row["time"]).astimezone()
    return (row["level"], row["actionType"], row["payload"], row["endpoint"],
            row["description"], row["user"], stamp.strftime("%m/%d/%Y"), stamp.strftime("%H:%M"))


def table(rows: list[dict[str, Any]], wrap: bool = False) -> str:
    """The rows, in the order given, as the connector's Logs screen shows them: a fixed-width
    table whose cells are cut to fit, or (``wrap``) wrapped onto as many lines as they need."""
    lines = ["  ".join(c.ljust(w) for c, w in zip(COLUMNS, WIDTHS))]
    lines.append("  ".join("-" * w for w in WIDTHS))
    for row in rows:
        cells = _cells(row)
        if not wrap:
            lines.append("  ".join(_cell(v, w).ljust(w) for v, w in zip(cells, WIDTHS)))
            continue
        wrapped = [textwrap.wrap(" ".join(_text(v).split()), w, break_on_hyphens=False) or [""]
                   for v, w in zip(cells, WIDTHS)]
        for i in range(max(len(parts) for parts in wrapped)):
            lines.append("  ".join((parts[i] if i < len(parts) else "").ljust(w)
                                   for parts, w in zip(wrapped, WIDTHS)).rstrip())
    return "\n".join(lines)


def details(rows: list[dict[str, Any]]) -> str:
    """One block per row, every column in full (the payload as indented JSON)."""
    blocks = []
    for row in rows:
        level, action, _, endpoint, description, user, day, clock = _cells(row)
        payload = row["payload"]
        shown = payload if isinstance(payload, str) else json.dumps(payload, indent=2,
                                                                    ensure_ascii=False)
        blocks.append("\n".join([
            f"{level} {action}  {day} {clock}  by {user}",
            f"  Endpoint Uri: {endpoint or '-'}",
            "  Description:  " + "\n                ".join(
                textwrap.wrap(description, 90, break_on_hyphens=False) or [""]),
            "  Message:      " + shown.replace("\n", "\n                "),
        ]))
    return "\n\n".join(blocks)
