"""Failures the service reports to its client, each with an HTTP status and an error code.

The domain raises them; the HTTP layer (``mock_server.http.errors``) writes them in the service's
error format.
"""

from __future__ import annotations

from typing import Any

CODES_BY_STATUS = {
    400: "MISSING_OR_INVALID_PARAMETER",
    401: "UNAUTHORIZED",
    403: "FORBIDDEN",
    404: "ITEM_NOT_FOUND",
    405: "METHOD_NOT_ALLOWED",
    408: "REQUEST_TIMEOUT",
    409: "VALIDATION_CONFLICT",
    413: "CONTENT_TOO_LARGE",
    414: "URI_TOO_LONG",
    415: "UNSUPPORTED_MEDIA_TYPE",
    429: "TOO_MANY_REQUESTS",
    431: "REQUEST_HEADER_FIELDS_TOO_LARGE",
    500: "UNEXPECTED_ERROR",
    503: "SERVICE_UNAVAILABLE",
}


# Characters of a client's value an error message repeats: a message quotes, never echoes.
QUOTED = 80


def shown(value: Any) -> str:
    """A client's value as an error message repeats it: its start when it is long."""
    text = value if isinstance(value, str) else repr(value)
    if len(text) > QUOTED:
        text = text[:QUOTED] + f"… ({len(text)} characters)"
    # a lone surrogate is no text: the message must stay writable as UTF-8
    return text.encode("utf-8", "replace").decode("utf-8") if not text.isascii() else text


def code_for(status: int) -> str:
    """The error code the service gives a status when nothing more precise applies."""
    return CODES_BY_STATUS.get(status, "UNEXPECTED_ERROR")


class ServiceError(Exception):
    """A failure the service reports to its client, with its HTTP status and error code."""

    def __init__(self, status: int, message: str, error_code: str | None = None,
                 **additional: Any) -> None:
        super().__init__(message)
        self.status = status
        self.message = message
        self.error_code = error_code or code_for(status)
        self.additional = additional
        self.headers: dict[str, str] = {}


def bad_request(message: str, **additional: Any) -> ServiceError:
    return ServiceError(400, message, "MISSING_OR_INVALID_PARAMETER", **additional)


def unauthorized(message: str) -> ServiceError:
    return ServiceError(401, message, "UNAUTHORIZED")


def not_found(message: str, **additional: Any) -> ServiceError:
    return ServiceError(404, message, "ITEM_NOT_FOUND", **additional)


def already_exists(message: str, **additional: Any) -> ServiceError:
    return ServiceError(409, message, "ITEM_ALREADY_EXISTS", **additional)


def conflict(message: str, **additional: Any) -> ServiceError:
    return ServiceError(409, message, "VALIDATION_CONFLICT", **additional)
