"""Handlers of the ERP twin's operations (``erp.yaml``): HTTP in, a call of ``mock_server.erp``,
HTTP out.

Sign-in answers a 204 setting the two session cookies; the spec's cookie check
(``session_info``) lets a call through when it sends both cookies of a live session.
"""

from __future__ import annotations

from typing import Any

from connexion.context import request, scope
from starlette.responses import Response

from ..erp import records
from ..erp.errors import invalid
from ..erp.records import ErpCall, Query
from ..erp.sessions import AUTH_COOKIE, SESSION_COOKIE
from ..state import SCOPE_KEY, MockState
from .context import current, json_body

Reply = tuple[Any, int]
ENDPOINT_VERSIONS = ("23.200.001", "24.200.001", "25.200.001")


def session_info(session_id: str, required_scopes: Any = None,
                 request: Any = None) -> dict[str, Any] | None:
    """Connexion's ``x-apikeyInfoFunc`` for the session cookie: the signed-in user, when the
    ``.ASPXAUTH`` cookie sent with it belongs to the same live session."""
    state: MockState | None = request.scope.get(SCOPE_KEY) if request is not None else None
    if state is None:
        return None
    user = state.erp_sessions.user_of(session_id, request.cookies.get(AUTH_COOKIE))
    return {"sub": user} if user else None


def _call(version: str) -> ErpCall:
    state = current()
    return ErpCall(state.store, state.erp_catalog, version)


def _query(select: str | None = None, expand: str | None = None, custom: str | None = None,
           filter_: str | None = None, skip: int = 0, top: int | None = None,
           **context: Any) -> Query:
    """The query parameters of a call. ``$filter`` arrives as ``filter_`` (Connexion keeps a
    parameter from shadowing a builtin) or as ``filter`` (the speed-ups' name for it); Connexion
    also hands over the signed-in ``user`` and its ``token_info``, which the twin does not use."""
    condition = filter_ if filter_ is not None else context.get("filter")
    return Query(select=select, expand=expand, custom=custom, filter=condition, skip=skip or 0,
                 top=top)


def _no_content() -> Response:
    return Response(status_code=204)


# ---------------------------------------------------------------- session
async def erp_login(body: Any) -> Response:
    body = json_body(body)
    if not isinstance(body, dict):
        raise invalid("the sign-in body is {\"name\", \"password\", \"tenant\"}")
    company = body.get("tenant") if body.get("tenant") is not None else body.get("company")
    if body.get("tenant") is not None and body.get("company") is not None:
        raise invalid("send the tenant as tenant or as company, not both")
    session_id, auth = current().erp_sessions.sign_in(str(body.get("name") or ""),
                                                      str(body.get("password") or ""),
                                                      None if company is None else str(company))
    answer = _no_content()
    answer.set_cookie(SESSION_COOKIE, session_id, path="/", httponly=True, samesite="lax")
    answer.set_cookie(AUTH_COOKIE, auth, path="/", httponly=True, samesite="lax")
    return answer


async def erp_logout() -> Response:
    current().erp_sessions.sign_out(request.cookies.get(SESSION_COOKIE))
    answer = _no_content()
    answer.delete_cookie(SESSION_COOKIE, path="/")
    answer.delete_cookie(AUTH_COOKIE, path="/")
    return answer


async def erp_endpoints() -> Reply:
    root = scope.get("root_path", "")
    return {"version": {"acumaticaBuildVersion": "24.200.001", "databaseVersion": "24.200.001"},
            "endpoints": [{"name": "Default", "version": version,
                           "href": f"{root}/entity/Default/{version}/"}
                          for version in ENDPOINT_VERSIONS]}, 200


# ---------------------------------------------------------------- records
def _put(entity: str, version: str, body: Any, **query: Any) -> Reply:
    body = json_body(body)
    if not isinstance(body, dict):
        raise invalid(f"a {entity} is sent as one JSON object")
    record = records.put_record(_call(version), entity, body, _query(**query),
                                if_match=request.headers.get("if-match"),
                                if_none_match=request.headers.get("if-none-match"))
    return record, 200


def _deleted(entity: str, version: str, *keys: str) -> Response:
    records.delete_record(_call(version), entity, list(keys))
    return _no_content()


async def erp_list_customers(version: str, **query: Any) -> Reply:
    return records.list_records(_call(version), "Customer", _query(**query)), 200


async def erp_put_customer(version: str, body: Any, **query: Any) -> Reply:
    return _put("Customer", version, body, **query)


async def erp_get_customer(version: str, key: str, **query: Any) -> Reply:
    return records.get_record(_call(version), "Customer", [key], _query(**query)), 200


async def erp_delete_customer(version: str, key: str) -> Response:
    return _deleted("Customer", version, key)


async def erp_list_contacts(version: str, **query: Any) -> Reply:
    return records.list_records(_call(version), "Contact", _query(**query)), 200


async def erp_put_contact(version: str, body: Any, **query: Any) -> Reply:
    return _put("Contact", version, body, **query)


async def erp_get_contact(version: str, key: str, **query: Any) -> Reply:
    return records.get_record(_call(version), "Contact", [key], _query(**query)), 200


async def erp_delete_contact(version: str, key: str) -> Response:
    return _deleted("Contact", version, key)


async def erp_list_locations(version: str, **query: Any) -> Reply:
    return records.list_records(_call(version), "CustomerLocation", _query(**query)), 200


async def erp_put_location(version: str, body: Any, **query: Any) -> Reply:
    return _put("CustomerLocation", version, body, **query)


async def erp_get_location_by_id(version: str, key: str, **query: Any) -> Reply:
    return records.get_record(_call(version), "CustomerLocation", [key], _query(**query)), 200


async def erp_delete_location_by_id(version: str, key: str) -> Response:
    return _deleted("CustomerLocation", version, key)


async def erp_get_location(version: str, customer: str, location: str, **query: Any) -> Reply:
    return records.get_record(_call(version), "CustomerLocation", [customer, location],
                              _query(**query)), 200


async def erp_delete_location(version: str, customer: str, location: str) -> Response:
    return _deleted("CustomerLocation", version, customer, location)
