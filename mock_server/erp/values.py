"""Field values as Acumatica writes them: ``{"value": x}``, ``{}`` for empty, and its dates.

Records are stored unwrapped (``{"CustomerName": "Facebook"}``) and wrapped when answered.
"""

from __future__ import annotations

import re
import uuid
from datetime import datetime, timedelta, timezone
from decimal import Decimal, InvalidOperation
from typing import Any


def wrap(value: Any) -> dict[str, Any]:
    """A stored value as answered: ``{}`` when there is none."""
    return {} if value is None else {"value": value}


def unwrap(sent: Any) -> Any:
    """The value of a sent field (``{"value": x}`` or ``{}``)."""
    return sent.get("value") if isinstance(sent, dict) else None


def timestamp(moment: datetime) -> str:
    """A date as Acumatica answers it: milliseconds and the offset (``...T04:33:43.497+00:00``)."""
    return moment.astimezone(timezone.utc).isoformat(timespec="milliseconds")


def now() -> str:
    return timestamp(datetime.now(timezone.utc))


def later_than(previous: str | None) -> str:
    """The time now, and at least a millisecond after ``previous``: a change made just after
    another must sort after it, or a client reading "changed since" would miss it."""
    moment = datetime.now(timezone.utc)
    if previous is not None:
        floor = parse_datetime(previous) + timedelta(milliseconds=1)
        moment = max(moment, floor)
    return timestamp(moment)


_DATE_ONLY = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def parse_datetime(text: str) -> datetime:
    """An ISO date or date-time; one without an offset is taken as UTC (a mock rule: the ERP
    reads it in its own time zone, which the twin keeps at UTC)."""
    if _DATE_ONLY.match(text):
        text += "T00:00:00"
    moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
    return moment if moment.tzinfo else moment.replace(tzinfo=timezone.utc)


def checked(kind: str, value: Any) -> tuple[Any, str | None]:
    """A sent value of ``kind`` as stored, or the ERP's complaint about it."""
    if value is None:
        return None, None
    if kind == "String":
        return (value, None) if isinstance(value, str) else (None, "a text value is expected")
    if kind in ("Int", "Short"):
        if isinstance(value, bool) or not isinstance(value, int):
            return None, "a whole number is expected"
        return value, None
    if kind == "Boolean":
        return (value, None) if isinstance(value, bool) else (None, "true or false is expected")
    if kind == "Decimal":
        if isinstance(value, bool) or not isinstance(value, (int, float, str)):
            return None, "a number is expected"
        try:
            number = Decimal(str(value))
        except InvalidOperation:
            return None, "a number is expected"
        if not number.is_finite():
            return None, "a number is expected"
        return float(number) if "." in str(value) or "e" in str(value).lower() else int(number), None
    if kind == "DateTime":
        if not isinstance(value, str):
            return None, "a date is expected"
        try:
            return timestamp(parse_datetime(value)), None
        except ValueError:
            return None, f"'{value[:40]}' is not a date"
    if kind == "Guid":
        try:
            return str(uuid.UUID(str(value))), None
        except ValueError:
            return None, "a GUID is expected"
    return value, None
