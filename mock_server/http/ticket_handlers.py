"""Handler of the auth ticket operation."""

from __future__ import annotations

from typing import Any

from .context import current


def create_auth_ticket(body: dict[str, Any]) -> tuple[dict[str, Any], int]:
    return current().tickets.grant(body), 200
