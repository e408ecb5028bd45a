"""Building the mock: the Connexion app serving the OpenAPI documents, behind the front door.

Four APIs: the B2B accounts operations (``http.b2b_handlers``), the auth tickets
(``http.platform_handlers``, with the tenant lookup), the ERP twin (``http.erp_handlers``) and the
operator's controls (``http.admin_handlers``). With ``speedups`` off the
app is stock Connexion with the mock's validators and error handlers plugged into its public
extension points; with them on, ``mock_server.speedups`` supplies faster parts.
"""

from __future__ import annotations

import json
import logging
import re
import tempfile
from pathlib import Path
from types import ModuleType
from typing import Any

import connexion
from connexion.exceptions import ProblemException
from connexion.jsonifier import Jsonifier
from connexion.options import SwaggerUIOptions
from connexion.resolver import Resolver
from starlette.exceptions import HTTPException

from . import openapi
from .admin import seeding
from .config import Settings
from .domain.errors import ServiceError
from .domain.tickets import DEFAULT_CLIENT_SECRET, TicketIssuer
from .erp.errors import ErpError
from .erp.sessions import ErpLogin, SessionBook
from .http import admin_handlers, b2b_handlers, erp_handlers, errors, platform_handlers, validation
from .http.front_door import FrontDoor
from .http.operator_guard import OperatorGuard
from .admin.journal import Journal
from .admin.sync_runs import SyncRunner
from .service import b2b_catalog, erp_catalog, open_store
from .speedups import AppParts, fast_parts
from .state import MockState
from .store import Store

log = logging.getLogger(__name__)
# Connexion warns at every request to an operation that takes several media types (the ticket
# request is JSON or a form) that it picked one; it is how the spec means it.
logging.getLogger("connexion.operations.openapi3").setLevel(logging.ERROR)


def handler_name(operation_id: str) -> str:
    """``GetB2BAccounts`` -> ``get_b2b_accounts``."""
    name = operation_id.replace("B2B", "B2b")
    return re.sub(r"(?<=[a-z0-9])(?=[A-Z])", "_", name).lower()


def _resolver(module: ModuleType) -> Resolver:
    return Resolver(function_resolver=lambda operation_id: getattr(module,
                                                                  handler_name(operation_id)))


def served_secured(name: str, auth_enabled: bool, default_tenant: int = 1) -> dict[str, Any]:
    """A spec as served: without its security requirement when auth is switched off, and with
    the server's default tenant as the tenant header's example, which Swagger UI's "Try it
    out" fills in."""
    document = openapi.served(name)
    if not auth_enabled:
        document["security"] = []
    tenant = document.get("components", {}).get("parameters", {}).get("tenant")
    if tenant is not None:
        tenant["schema"]["example"] = str(default_tenant)
    return document


def docs_options(name: str, settings: Settings) -> SwaggerUIOptions:
    """Swagger UI for the B2B document only, its Authorize dialog filled in with the mock's
    client id, and with its secret when that is the public default: a secret of the user's own
    is shown nowhere, the docs page included (it is typed into the dialog)."""
    arguments: dict[str, Any] = {}
    if settings.auth_enabled:
        arguments["initOAuth"] = {"clientId": settings.client_id, "appName": "b2b-mock"}
        if settings.client_secret == DEFAULT_CLIENT_SECRET:
            arguments["initOAuth"]["clientSecret"] = settings.client_secret
    return SwaggerUIOptions(swagger_ui=name == "b2baccounts", swagger_ui_path="/ui",
                            swagger_ui_template_arguments=arguments)


def stock_parts() -> AppParts:
    """Stock Connexion, with the mock's validators (clear 400s and 415s) and compact JSON
    answers (Connexion pretty-prints by default)."""
    return AppParts(connexion.AsyncApp, {}, validation.VALIDATOR_MAP,
                    Jsonifier(json, separators=(",", ":"), ensure_ascii=False))


def create_app(settings: Settings | None = None, store: Store | None = None,
               speedups: bool | None = None) -> FrontDoor:
    """A ready-to-serve ASGI app for ``settings``; ``store`` overrides the one they name, and
    ``speedups`` their choice of speed-ups."""
    settings = settings or Settings()
    catalog = b2b_catalog()
    if store is None:
        store = open_store(settings.db_path)
        if settings.seed_path is not None and seeding.is_empty(store):
            seeding.load_seed(store, catalog, settings.seed_path, settings.default_tenant,
                              erp_catalog())
        if settings.erp_seed_path is not None and seeding.erp_is_empty(store):
            seeding.load_erp_seed(store, erp_catalog(), settings.erp_seed_path)
    tickets = TicketIssuer(settings.client_id, settings.client_secret, settings.token_lifetime)
    sessions = SessionBook(ErpLogin(settings.erp_user, settings.erp_password,
                                    settings.erp_company))
    sync_folder = Path(tempfile.mkdtemp(prefix="b2b-mock-sync-")) if settings.db_path is None \
        else Path(settings.db_path).parent / "sync"
    guard = OperatorGuard(settings.admin_token, settings.bound_host, settings.allowed_hosts)
    mock_state = MockState(settings=settings, store=store, tickets=tickets, catalog=catalog,
                           erp_catalog=erp_catalog(), erp_sessions=sessions,
                           journal=Journal(settings.journal_size),
                           sync_runner=SyncRunner(sync_folder), guard=guard)

    parts = fast_parts() if (settings.speedups if speedups is None else speedups) \
        else stock_parts()
    app = parts.app_class(__name__, **parts.app_options)
    for name, document, handlers in (
            ("b2baccounts", served_secured("b2baccounts.yaml", settings.auth_enabled,
                                           settings.default_tenant), b2b_handlers),
            ("platform", served_secured("platform.yaml", settings.auth_enabled),
             platform_handlers),
            ("erp", served_secured("erp.yaml", settings.auth_enabled), erp_handlers),
            ("mock_admin", openapi.served("mock_admin.yaml"), admin_handlers)):
        app.add_api(document, resolver=_resolver(handlers), pythonic_params=True,
                    validator_map=parts.validator_map, name=name,
                    swagger_ui_options=docs_options(name, settings),
                    jsonifier=parts.jsonifier)
    app.add_error_handler(ServiceError, errors.handle_service_error)
    app.add_error_handler(ErpError, errors.handle_erp_error)
    app.add_error_handler(ProblemException, errors.handle_problem)
    app.add_error_handler(HTTPException, errors.handle_http_exception)
    app.add_error_handler(Exception, errors.handle_unexpected)
    return FrontDoor(app, mock_state)
