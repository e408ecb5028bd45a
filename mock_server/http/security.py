"""The spec's bearer check: which access tickets the B2B operations accept; and the client
credentials a ticket request may send as HTTP Basic."""

from __future__ import annotations

import base64
import binascii
from typing import Any

from ..domain.errors import bad_request
from ..state import SCOPE_KEY


def bearer_info(token: str, request: Any = None) -> dict[str, Any] | None:
    """Connexion's ``x-bearerInfoFunc``: the ticket's info from the issuer of the app serving
    ``request``; None when the ticket is unknown or expired."""
    state = request.scope.get(SCOPE_KEY) if request is not None else None
    if state is None:
        return None
    info: dict[str, Any] | None = state.tickets.check(token)
    return info


def basic_credentials(authorization: str | None) -> tuple[str, str] | None:
    """The client id and secret of an ``Authorization: Basic`` header (RFC 6749 §2.3.1, as
    OAuth 2.0 clients and Swagger UI send them to a token endpoint); None without one. Taken
    as sent, not URL-decoded: Swagger UI and ``curl -u`` do not encode them."""
    if not authorization:
        return None
    kind, _, encoded = authorization.strip().partition(" ")
    if kind.lower() != "basic":
        return None
    try:
        decoded = base64.b64decode(encoded.strip(), validate=True).decode("utf-8")
    except (binascii.Error, UnicodeDecodeError):
        raise bad_request("The Authorization header's Basic credentials are not base64 of "
                          "client_id:client_secret") from None
    client_id, colon, client_secret = decoded.partition(":")
    if not colon:
        raise bad_request("The Authorization header's Basic credentials are not "
                          "client_id:client_secret (no colon)")
    return client_id, client_secret
