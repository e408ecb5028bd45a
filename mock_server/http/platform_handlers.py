"""Handlers of the platform's operations a B2B client meets: auth tickets, and the tenant lookup
the official SDK makes to find a tenant's host."""

from __future__ import annotations

from typing import Any

from connexion.context import request

from ..domain.errors import bad_request
from ..domain.tenancy import tenant_record
from .context import current, json_body
from .security import basic_credentials

Reply = tuple[Any, int]


def create_auth_ticket(body: Any = None, **form: Any) -> Reply:
    """The OAuth-style ticket, from a JSON body or a form; the client id and secret in the body
    or as HTTP Basic credentials, once (RFC 6749 §2.3: one way per request)."""
    fields = dict((json_body(body) if body is not None else form) or {})
    basic = basic_credentials(request.headers.get("authorization"))
    if basic is not None:
        if fields.get("client_id") is not None or fields.get("client_secret") is not None:
            raise bad_request("The client credentials came twice, in the Authorization header "
                              "and in the body: send them one way")
        fields["client_id"], fields["client_secret"] = basic
    fields.pop("scope", None)  # a token request's scope; tickets have none
    return current().tickets.grant(fields), 200


def app_authenticate(body: Any) -> Reply:
    return current().tickets.authenticate(json_body(body) or {}), 200


def refresh_app_auth_ticket(body: Any) -> Reply:
    fields = json_body(body) or {}
    return current().tickets.refresh(str(fields.get("refreshToken") or "")).auth_ticket(), 200


def delete_app_auth_ticket(refresh_token: str) -> Reply:
    current().tickets.revoke(refresh_token)
    return None, 200


def get_tenant(tenant_id: int) -> Reply:
    """The tenant and its site; ``domain`` is the host the call came to, where the SDK then
    sends the tenant's API calls."""
    return tenant_record(tenant_id, request.headers.get("host") or "localhost"), 200
