"""Failures of the ERP twin, answered as Acumatica's ``HttpError`` by the HTTP layer.

Acumatica answers a missing record and a refused sign-in with a 500 naming the exception; the
twin does the same, so that a client built against it handles what the ERP really sends.
A PUT whose fields the ERP refuses is a 422 whose body is the record with an ``error`` on each
refused field (``record`` here).
"""

from __future__ import annotations

from typing import Any

NO_ENTITY = "PX.Api.ContractBased.NoEntitySatisfiesTheConditionException"
PX_EXCEPTION = "PX.Data.PXException"


class ErpError(Exception):
    def __init__(self, status: int, message: str, exception_message: str | None = None,
                 exception_type: str | None = None,
                 record: dict[str, Any] | None = None) -> None:
        super().__init__(exception_message or message)
        self.status = status
        self.message = message
        self.exception_message = exception_message
        self.exception_type = exception_type
        self.record = record

    def body(self) -> dict[str, Any]:
        if self.record is not None:
            return self.record
        return {"message": self.message, "exceptionMessage": self.exception_message,
                "exceptionType": self.exception_type, "stackTrace": None}


def no_entity() -> ErpError:
    return ErpError(500, "An error has occurred.", "No entity satisfies the condition.",
                    NO_ENTITY)


def invalid(message: str) -> ErpError:
    """A request the twin cannot carry out as asked (a 400)."""
    return ErpError(400, "The request is invalid.", message)


def not_signed_in() -> ErpError:
    return ErpError(401, "The user is not signed in to the system.")


def precondition_failed(message: str) -> ErpError:
    return ErpError(412, "An error has occurred.", message)


def refused(record: dict[str, Any], message: str) -> ErpError:
    """A 422: ``record`` already carries its fields' errors; ``message`` is its own ``error``."""
    return ErpError(422, message, message, record={**record, "error": message})
