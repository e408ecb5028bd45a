"""Timestamps and the ``auditInfo`` block the service keeps on what it stores."""

from __future__ import annotations

from datetime import datetime, timezone
from typing import Any


def now_iso() -> str:
    """The current time in UTC as the service writes it: ISO 8601 with milliseconds and Z."""
    return datetime.now(timezone.utc).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def created(actor: str) -> dict[str, Any]:
    stamp = now_iso()
    return {"createBy": actor, "createDate": stamp, "updateBy": actor, "updateDate": stamp}


def updated(audit: dict[str, Any] | None, actor: str) -> dict[str, Any]:
    info = dict(audit or created(actor))
    info["updateBy"] = actor
    info["updateDate"] = now_iso()
    return info
