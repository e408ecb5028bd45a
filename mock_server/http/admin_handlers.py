"""Handlers of the operator API under ``/_mock``: data, journal, faults and tickets."""

from __future__ import annotations

import json
from collections.abc import Iterator
from importlib import resources
from typing import Any

from connexion.context import scope as request_scope
from starlette.responses import Response, StreamingResponse

from .. import __version__
from ..admin import seeding, state_files
from ..admin.sync_runs import DEMO_SALES_REP
from ..admin.faults import fault_from
from ..admin.journal import readable
from ..domain import accounts
from ..domain.call import Call
from ..domain.errors import ServiceError, bad_request, not_found
from ..domain.tenancy import Scope, scope_of_table
from ..erp.overview import overview
from ..erp.records import ErpCall
from ..erp.sessions import AUTH_COOKIE, SESSION_COOKIE
from .context import current as current_mock, json_body
from .streaming import streamed_json


Reply = tuple[Any, int]


async def health() -> Reply:
    """Whether the mock is up, and the tenant of calls that name none (a client such as
    b2b-sync keys what it keeps by the tenant it really acts in); where the store lives only
    for those who may use the operator API."""
    current = current_mock()
    settings = current.settings
    answer = {"status": "ok", "version": __version__, "auth": settings.auth_enabled,
              "defaultTenant": settings.default_tenant}
    if current.guard.open_details(request_scope):
        answer["storage"] = str(settings.db_path) if settings.db_path else "memory"
    return answer, 200


def reset(body: Any = None) -> Reply:
    store = current_mock().store
    if isinstance(body, (bytes, str)):  # sent without a JSON content type
        body = json_body(body)
    body = body if body is not None else {}
    if not isinstance(body, dict):
        raise bad_request('the reset body must be a JSON object: {"tenant": N}')
    if body.get("tenant") is None:
        current_mock().sync_runner.forget()
        return {"droppedTables": store.drop_tables(lambda name: True)}, 200
    scope = Scope(body["tenant"])
    return {"droppedTables": store.drop_tables(scope.owns)}, 200


def seed(body: Any) -> Reply:
    current = current_mock()
    counts = seeding.load_seed_data(current.store, current.catalog, body,
                                     current.settings.default_tenant, current.erp_catalog)
    return counts, 200


def export_state() -> StreamingResponse:
    """The whole state, streamed from a view of the store shared by concurrent exports."""
    return streamed_json(state_files.export_pieces(current_mock().store))


def import_state(body: dict[str, Any]) -> Reply:
    return state_files.import_state(current_mock().store, body), 200


def get_journal(method: str | None = None, path: str | None = None,
                operation: str | None = None, tenant: int | None = None,
                account_id: int | None = None, status: int | None = None,
                since: int | None = None, limit: int | None = None,
                order: str = "oldest") -> StreamingResponse:
    """The matching calls, each decoded and encoded as it is sent (the journal may hold
    32 MiB of bodies)."""
    entries = current_mock().journal.select(method=method, path=path, operation=operation,
                                            tenant=tenant, account=account_id, status=status,
                                            since=since, limit=limit,
                                            newest_first=order == "newest")

    def pieces() -> Iterator[str]:
        yield f'{{"totalCount":{len(entries)},"items":['
        for number, entry in enumerate(entries):
            yield ("," if number else "") + json.dumps(readable(entry), ensure_ascii=False,
                                                       separators=(",", ":"))
        yield "]}"

    return streamed_json(pieces())


def clear_journal() -> Reply:
    return {"cleared": current_mock().journal.clear()}, 200


def list_faults() -> Reply:
    return {"items": current_mock().faults.rules()}, 200


def add_fault(body: dict[str, Any]) -> Reply:
    return current_mock().faults.add(fault_from(body)).to_dict(), 201


def clear_faults() -> Reply:
    return {"removed": current_mock().faults.clear()}, 200


def delete_fault(fault_id: int) -> Reply:
    removed = current_mock().faults.clear(fault_id)
    if not removed:
        raise not_found(f"Fault {fault_id} not found")
    return {"removed": removed}, 200


def expire_tokens() -> Reply:
    return {"expired": current_mock().tickets.expire_all()}, 200


def ui() -> tuple[str, int, dict[str, str]]:
    page = resources.files("mock_server.admin").joinpath("ui", "index.html").read_text(
        encoding="utf-8")
    return page, 200, {"Content-Type": "text/html"}


def list_tenants() -> Reply:
    store = current_mock().store
    found = []
    for name in sorted(store.tables()):
        if name.endswith("/accounts"):
            scope = scope_of_table(name)
            found.append({"tenant": scope.tenant, "accounts": len(store.docs(name))})
    return {"items": found}, 200


def _summary(store: Any, scope: Scope, doc: dict[str, Any]) -> dict[str, Any]:
    people = store.docs(scope.users(doc["id"]))
    status = accounts.approval_status(doc)
    return {"id": doc["id"], "companyOrOrganization": doc.get("companyOrOrganization"),
            "externalId": doc.get("externalId"), "isActive": status == accounts.APPROVED,
            "approvalStatus": status, "parentAccountId": doc.get("parentAccountId"),
            "users": sum(1 for u in people if not u.get("isRemoved")),
            "removedUsers": sum(1 for u in people if u.get("isRemoved")),
            "updateDate": (doc.get("auditInfo") or {}).get("updateDate")}


def list_tenant_accounts(tenant: int, q: str | None = None) -> Reply:
    store = current_mock().store
    scope = Scope(tenant)
    terms = (q or "").casefold().split()
    with store.lock:
        items = [_summary(store, scope, doc) for doc in store.docs(scope.accounts)]
    if terms:
        items = [a for a in items if all(
            t in f"{a['companyOrOrganization'] or ''} {a['externalId'] or ''}".casefold()
            for t in terms)]
    return {"totalCount": len(items), "items": items}, 200


def get_tenant_account_hierarchy(tenant: int, account_id: int) -> Reply:
    current = current_mock()
    return accounts.hierarchy(Call(current.store, current.catalog, Scope(tenant)), account_id), 200


def change_tenant_account_status(tenant: int, account_id: int, action: str) -> Reply:
    current = current_mock()
    call = Call(current.store, current.catalog, Scope(tenant), "demo page")
    return accounts.change_status(call, account_id, action), 200


def get_tenant_account(tenant: int, account_id: int) -> Reply:
    current = current_mock()
    call = Call(current.store, current.catalog, Scope(tenant))
    return accounts.get_account(call, account_id), 200


# ---------------------------------------------------------------- the ERP twin and the sync
def list_erp_customers() -> Reply:
    current = current_mock()
    call = ErpCall(current.store, current.erp_catalog)
    return {"items": overview(call)}, 200


async def open_erp_session() -> Response:
    """The demo page edits the ERP through the twin's own API, signed in as the server's ERP
    user: the operator needs no ERP password to demonstrate an edit."""
    current = current_mock()
    settings = current.settings
    session_id, auth = current.erp_sessions.sign_in(settings.erp_user, settings.erp_password,
                                                    settings.erp_company)
    answer = Response(status_code=204)
    answer.set_cookie(SESSION_COOKIE, session_id, path="/", httponly=True, samesite="strict")
    answer.set_cookie(AUTH_COOKIE, auth, path="/", httponly=True, samesite="strict")
    return answer


def _own_url() -> str:
    host, port = request_scope.get("server") or ("127.0.0.1", 8080)
    if host in ("0.0.0.0", "::", "", None):
        host = "127.0.0.1"
    return f"http://{'[' + host + ']' if ':' in str(host) else host}:{port}"


async def run_sync(body: Any = None) -> Reply:
    current = current_mock()
    runner = current.sync_runner
    body = body if isinstance(body, dict) else {}
    if runner.busy:
        raise ServiceError(409, "A sync is running already; try again when it is done",
                           "VALIDATION_CONFLICT")
    settings = current.settings
    result = await runner.run(_own_url(), (settings.erp_user, settings.erp_password,
                                           settings.erp_company),
                              (settings.client_id, settings.client_secret),
                              int(body.get("tenant") or settings.default_tenant),
                              bool(body.get("full")), body.get("salesRep") or DEMO_SALES_REP)
    return result.to_dict(), 200


def get_sync_log(limit: int = 200) -> Reply:
    runner = current_mock().sync_runner
    return {"items": runner.log(limit), "path": str(runner.log_path)}, 200
