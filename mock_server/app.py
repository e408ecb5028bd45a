"""Building the mock: a Connexion app served from the OpenAPI documents (see ``serving``)."""

from __future__ import annotations

import logging
import re
from typing import Any

from connexion.exceptions import ProblemException
from connexion.options import SwaggerUIOptions
from connexion.resolver import Resolver
from starlette.exceptions import HTTPException

from . import admin_api, api, auth_api, errors, openapi, seeding
from .config import Settings
from .domain.errors import ServiceError
from .domain.tickets import TicketIssuer
from .front_door import FrontDoor
from .journal import Journal
from .serving import FastJsonifier, MockApp
from .service import b2b_catalog, open_store
from .state import MockState
from .store import Store
from .validation import VALIDATOR_MAP

log = logging.getLogger(__name__)

# Connexion pretty-prints (indent=2) with the standard library by default.
JSONIFIER = FastJsonifier()


def handler_name(operation_id: str) -> str:
    """``GetB2BAccounts`` -> ``get_b2b_accounts``."""
    name = operation_id.replace("B2B", "B2b")
    return re.sub(r"(?<=[a-z0-9])(?=[A-Z])", "_", name).lower()


def _resolver(module: Any) -> Resolver:
    return Resolver(function_resolver=lambda operation_id: getattr(module,
                                                                  handler_name(operation_id)))


def b2b_spec(auth_enabled: bool) -> dict[str, Any]:
    """The B2B spec as served: without its security requirement when auth is switched off."""
    document = openapi.served("b2baccounts.yaml")
    if not auth_enabled:
        document["security"] = []
    return document


def create_app(settings: Settings | None = None, store: Store | None = None) -> FrontDoor:
    """A ready-to-serve ASGI app for ``settings``; ``store`` overrides the one they name."""
    settings = settings or Settings()
    catalog = b2b_catalog()
    if store is None:
        store = open_store(settings.db_path)
        if settings.seed_path is not None and seeding.is_empty(store):
            seeding.load_seed(store, catalog, settings.seed_path, settings.default_tenant)
    tickets = TicketIssuer(settings.client_id, settings.client_secret, settings.token_lifetime)
    mock_state = MockState(settings=settings, store=store, tickets=tickets, catalog=catalog,
                           journal=Journal(settings.journal_size))

    app = MockApp(__name__)
    for name, document, handlers in (("b2baccounts", b2b_spec(settings.auth_enabled), api),
                                     ("authtickets", openapi.served("authtickets.yaml"), auth_api),
                                     ("mock_admin", openapi.served("mock_admin.yaml"), admin_api)):
        app.add_api(document, resolver=_resolver(handlers), pythonic_params=True,
                    validator_map=VALIDATOR_MAP, name=name, jsonifier=JSONIFIER,
                    swagger_ui_options=SwaggerUIOptions(swagger_ui=name == "b2baccounts",
                                                        swagger_ui_path="/ui"))
    app.add_error_handler(ServiceError, errors.handle_service_error)
    app.add_error_handler(ProblemException, errors.handle_problem)
    app.add_error_handler(HTTPException, errors.handle_http_exception)
    app.add_error_handler(Exception, errors.handle_unexpected)
    return FrontDoor(app, mock_state)
