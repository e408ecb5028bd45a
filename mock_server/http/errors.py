"""The service's error format, and the Connexion handlers that answer every failure in it.

The service answers errors as the official SDKs read them: ``message``, ``errorCode``,
``applicationName``, ``exceptionDetail`` (``message, source, stackTrace, targetSite, type``),
``items`` (each ``applicationName, errorCode, message, additionalErrorData``) and
``additionalErrorData`` (``[{name, value}]``); Connexion would answer problem+json. Every path that can fail (validation,
routing, auth, domain rules, unexpected exceptions) ends up here. The handlers are coroutines:
Connexion would otherwise answer every error from a worker thread.
"""

from __future__ import annotations

import json
import logging
from typing import Any

from connexion.exceptions import ProblemException
from connexion.lifecycle import ConnexionRequest, ConnexionResponse
from starlette.exceptions import HTTPException

from . import routes
from ..domain.errors import ServiceError, code_for, shown
from ..erp.errors import ErpError
from .erp_errors import erp_error, erp_response, is_erp_path

log = logging.getLogger(__name__)

APPLICATION_NAME = "Customer"
# The longest message an error answer carries: messages quote a client's values in part
# (``shown``), and this keeps any that does not from echoing a whole body.
MESSAGE_LIMIT = 1000


def exception_type(error_code: str) -> str:
    """The name ``exceptionDetail.type`` gives an error code (``ITEM_NOT_FOUND`` ->
    ``ItemNotFoundException``): the service's own exception names are not published."""
    return "".join(part.capitalize() for part in error_code.split("_")) + "Exception"


def error_body(status: int, message: str, error_code: str | None = None,
               additional: dict[str, Any] | None = None) -> dict[str, Any]:
    """The service's error body; never a stack trace, whatever went wrong, and never more
    than the start of a long value."""
    code = error_code or code_for(status)
    if len(message) > MESSAGE_LIMIT:
        message = message[:MESSAGE_LIMIT] + "…"
    data = [{"name": name, "value": shown(value) if isinstance(value, str) else value}
            for name, value in (additional or {}).items()]
    return {
        "message": message,
        "errorCode": code,
        "applicationName": APPLICATION_NAME,
        "exceptionDetail": {"message": message, "source": APPLICATION_NAME, "stackTrace": None,
                            "targetSite": None, "type": exception_type(code)},
        "items": [{"applicationName": APPLICATION_NAME, "errorCode": code, "message": message,
                   "additionalErrorData": data}],
        "additionalErrorData": data,
    }


def error_response(status: int, message: str, error_code: str | None = None,
                   additional: dict[str, Any] | None = None,
                   headers: dict[str, str] | None = None) -> ConnexionResponse:
    body = json.dumps(error_body(status, message, error_code, additional))
    return ConnexionResponse(status_code=status, body=body, mimetype="application/json",
                             content_type="application/json", headers=headers or {})


def _problem_message(exc: ProblemException) -> str:
    detail = str(exc.detail or exc.title or "Request failed").strip().splitlines()[0]
    if exc.status == 401:
        return f"Unauthorized: {detail}"
    return str(detail)


async def handle_service_error(_request: ConnexionRequest, exc: ServiceError) -> ConnexionResponse:
    return error_response(exc.status, exc.message, exc.error_code, exc.additional, exc.headers)


async def handle_erp_error(_request: ConnexionRequest, exc: ErpError) -> ConnexionResponse:
    return erp_response(exc)


async def handle_problem(request: ConnexionRequest, exc: ProblemException) -> ConnexionResponse:
    status = exc.status if 400 <= exc.status < 600 else 500
    if is_erp_path(request.url.path):
        if status >= 500:
            log.error("server problem: %r", exc)
        detail = str(exc.detail or exc.title or "Request failed").strip().splitlines()[0]
        return erp_response(erp_error(status, detail if status < 500 else "Internal error",
                                      request.method, str(request.url)))
    if status >= 500:
        log.error("server problem: %r", exc)
        return error_response(500, "Internal error in b2b-mock")
    return error_response(status, _problem_message(exc), headers=dict(exc.headers or {}))


async def handle_http_exception(request: ConnexionRequest, exc: HTTPException) -> ConnexionResponse:
    if is_erp_path(request.url.path):
        headers = dict(exc.headers or {})
        if exc.status_code == 405:
            headers["Allow"] = ", ".join(routes.allowed_methods(request.url.path))
        return erp_response(erp_error(exc.status_code, str(exc.detail), request.method,
                                      str(request.url)), headers)
    code = None
    if exc.status_code == 404:
        # Not ITEM_NOT_FOUND: a client reads that as "the account is gone" and may recreate it.
        code = "ROUTE_NOT_FOUND"
        message = f"The service has no operation at {request.method} {request.url.path}"
    headers = dict(exc.headers or {})
    if exc.status_code == 405:
        message = f"Method {request.method} is not allowed on {request.url.path}"
        allowed = routes.allowed_methods(request.url.path)
        if allowed:
            headers["Allow"] = ", ".join(allowed)
    elif exc.status_code != 404:
        message = str(exc.detail)
    return error_response(exc.status_code, message, code, headers=headers)


async def handle_unexpected(request: ConnexionRequest, exc: Exception) -> ConnexionResponse:
    log.error("unexpected error", exc_info=exc)
    if is_erp_path(request.url.path):
        return erp_response(erp_error(500, "Internal error in b2b-mock"))
    return error_response(500, "Internal error in b2b-mock")
