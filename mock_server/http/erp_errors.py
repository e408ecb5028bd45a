"""The ERP twin's error format: Acumatica's ``HttpError`` (``message``, ``exceptionMessage``,
``exceptionType``, ``stackTrace``) for every failure under ``/entity``, with the words ASP.NET
Web API, which the ERP runs on, answers routing failures in."""

from __future__ import annotations

import http.cookies
import json
from collections.abc import Iterable
from typing import Any

from connexion.lifecycle import ConnexionResponse

from ..erp.errors import ErpError, invalid, not_signed_in

ERP_PREFIX = "/entity"


def is_erp_path(path: str) -> bool:
    return path == ERP_PREFIX or path.startswith(ERP_PREFIX + "/")


def erp_body(status: int, message: str) -> dict[str, Any]:
    """The body of a failure the twin's rules did not name themselves."""
    return erp_error(status, message).body()


def erp_error(status: int, detail: str, method: str = "", url: str = "") -> ErpError:
    if status == 400:
        return invalid(detail)
    if status == 401:
        return not_signed_in()
    if status == 404:
        return ErpError(404, f"No HTTP resource was found that matches the request URI '{url}'.")
    if status == 405:
        return ErpError(405, f"The requested resource does not support http method '{method}'.")
    if status == 415:
        return ErpError(415, "The request entity's media type is not supported for this "
                             f"resource: {detail}")
    if status >= 500:
        return ErpError(500, "An error has occurred.", detail)
    return ErpError(status, "An error has occurred.", detail)


def erp_response(error: ErpError, headers: dict[str, str] | None = None) -> ConnexionResponse:
    return ConnexionResponse(status_code=error.status, body=json.dumps(error.body()),
                             mimetype="application/json", content_type="application/json",
                             headers=headers or {})


def unreadable_cookie(headers: Iterable[tuple[bytes, bytes]]) -> bool:
    """Whether a request's Cookie header is one Connexion's cookie check cannot read (it uses
    ``http.cookies``, which raises on such a header): such a call cannot name a session, and
    is answered as not signed in rather than as the twin's failure."""
    for key, value in headers:
        if key.lower() == b"cookie":
            try:
                http.cookies.SimpleCookie().load(value.decode("latin-1"))
            except http.cookies.CookieError:
                return True
    return False
