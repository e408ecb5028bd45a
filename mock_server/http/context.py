"""What a handler acts with, from Connexion's public request context: the running mock, and the
domain call (store, catalog, tenant scope, acting client)."""

from __future__ import annotations

from typing import Any

from connexion.context import context, scope

from ..domain.call import Call
from ..domain.errors import bad_request
from ..state import SCOPE_KEY, MockState
from ..domain.json_text import JSONRefused, read_json
from .tenancy import scope_of_call


def current() -> MockState:
    """The state of the mock serving the current request."""
    found: MockState = scope[SCOPE_KEY]
    return found


def domain_call() -> Call:
    """The current call as the domain sees it."""
    state = current()
    tenant_scope = scope_of_call(scope, state.settings.default_tenant)
    actor = context.get("user") or "anonymous"
    return Call(state.store, state.catalog, tenant_scope, actor)


def json_body(body: Any) -> Any:
    """The request's JSON body as the handler's argument. The spec's only media type is JSON, so
    a body sent without a Content-Type is read as JSON too (Connexion validates it as JSON but
    hands such a body over as its raw bytes)."""
    if isinstance(body, (bytes, str)):
        try:
            return read_json(body) if body else None
        except JSONRefused as exc:
            raise bad_request(f"Invalid request body: {exc}") from None
    return body
