"""The sync log: one row per step, like the connector's Logs screen, as JSON lines.

Columns: level (INFO/ERROR), action type (Customer Sync, Customer Attribute, Customer Contact,
BearerToken), the payload sent, the endpoint, a description (the service's message on failure),
the login user and the time.
"""

from __future__ import annotations

import getpass
import json
import os
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
        if self.path is not None:
            self.path.parent.mkdir(parents=True, exist_ok=True)

    def write(self, level: str, action_type: str, payload: Any, endpoint: str,
              description: str) -> dict[str, Any]:
        row = {"level": level, "actionType": action_type, "payload": payload,
               "endpoint": endpoint, "description": description, "user": self.user,
               "time": datetime.now(timezone.utc).isoformat(timespec="seconds")}
        self.rows.append(row)
        if self.path is not None:
            with open(self.path, "a", encoding="utf-8") as fh:
                fh.write(json.dumps(row, ensure_ascii=False) + "\n")
        return row

    def info(self, action_type: str, payload: Any, endpoint: str, description: str) -> None:
        self.write("INFO", action_type, payload, endpoint, description)

    def error(self, action_type: str, payload: Any, endpoint: str, description: str) -> None:
        self.write("ERROR", action_type, payload, endpoint, description)

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


def _cell(value: Any, width: int) -> str:
    text = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)
    text = " ".join(str(text).split())
    return text if len(text) <= width else text[: width - 1] + "…"


def table(rows: list[dict[str, Any]], newest_first: bool = True) -> str:
    """The rows as the connector's Logs screen shows them: a fixed-width table."""
    widths = (5, 18, 40, 48, 60, 10, 10, 8)
    lines = ["  ".join(c.ljust(w) for c, w in zip(COLUMNS, widths))]
    lines.append("  ".join("-" * w for w in widths))
    for row in reversed(rows) if newest_first else rows:
        stamp = datetime.fromisoformat(row["time"]).astimezone()
        cells = (row["level"], row["actionType"], row["payload"], row["endpoint"],
                 row["description"], row["user"], stamp.strftime("%m/%d/%Y"),
                 stamp.strftime("%H:%M"))
        lines.append("  ".join(_cell(v, w).ljust(w) for v, w in zip(cells, widths)))
    return "\n".join(lines)
