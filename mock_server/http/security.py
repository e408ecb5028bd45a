"""The spec's bearer check: which access tickets the B2B operations accept."""

from __future__ import annotations

from typing import Any

from ..state import SCOPE_KEY


def bearer_info(token: str, request: Any = None) -> dict[str, Any] | None:
    """Connexion's ``x-bearerInfoFunc``: the ticket's info from the issuer of the app serving
    ``request``; None when the ticket is unknown or expired."""
    state = request.scope.get(SCOPE_KEY) if request is not None else None
    if state is None:
        return None
    info: dict[str, Any] | None = state.tickets.check(token)
    return info
