"""Schemathesis over the ERP twin's spec (``erp.yaml``), operation by operation and as linked
sequences (put a record, read it, delete it), signed in with the twin's session cookies.

The checks are schemathesis's own, with one change, held in ``ERP_CHECKS``: Acumatica answers a
record that does not exist, and a refused sign-in, with a 500 naming the ERP exception, and so
does the twin. ``erp_5xx_is_the_erps_own`` stands in for ``not_a_server_error``: a 5xx passes
only with one of those exception types; any other (the twin failing) is still a failure.
"""

from __future__ import annotations

from typing import Any

import schemathesis
from hypothesis import HealthCheck, settings

from mock_server.app import create_app
from mock_server.erp.errors import NO_ENTITY, PX_EXCEPTION

ERP_EXCEPTIONS = {NO_ENTITY, PX_EXCEPTION}
LOGIN = {"name": "admin", "password": "b2b-mock-erp", "tenant": "Company"}

app = create_app()
schema = schemathesis.openapi.from_asgi("/entity/openapi.json", app)


@schemathesis.check
def erp_5xx_is_the_erps_own(ctx: Any, response: Any, case: Any) -> None:
    """A 5xx must be one the ERP itself answers (its documented exceptions), never the twin's
    own failure."""
    if response.status_code < 500:
        return
    try:
        body = response.json()
    except ValueError:
        body = None
    kind = body.get("exceptionType") if isinstance(body, dict) else None
    if kind not in ERP_EXCEPTIONS:
        raise AssertionError(f"{response.status_code} that the ERP would not answer: "
                             f"{response.text[:300]}")


# Checks switched off, and why (the twin's own replacement runs in their place).
EXCLUDED: dict[str, str] = {
    "not_a_server_error": "the ERP answers a missing record with a 500; erp_5xx_is_the_erps_own "
                          "checks every 5xx instead",
    "positive_data_acceptance": "the spec describes $filter, $select, $expand and $custom as "
                                "text; the twin refuses with a 400 what it cannot read, as the "
                                "ERP refuses it",
}


def excluded() -> list[Any]:
    from schemathesis import checks

    return [getattr(checks, name) for name in EXCLUDED]


@schema.auth()
class SessionCookies:
    """Sign in once; both session cookies go with every case."""

    def get(self, case: Any, ctx: Any) -> dict[str, str]:
        with app.test_client() as client:
            signed = client.post("/entity/auth/login", json=LOGIN)
            assert signed.status_code == 204, signed.text
            return dict(client.cookies)

    def set(self, case: Any, data: dict[str, str], ctx: Any) -> None:
        if case.operation.path.startswith("/auth/"):
            return
        case.cookies = {**(case.cookies or {}), **data}


COMMON = dict(deadline=None, suppress_health_check=list(HealthCheck), database=None)


@schema.parametrize()
@settings(max_examples=20, **COMMON)
def test_erp_operation_conforms(case: Any) -> None:
    case.call_and_validate(excluded_checks=excluded(),
                           additional_checks=[erp_5xx_is_the_erps_own])


class ErpSequences(schema.as_state_machine()):  # type: ignore[misc]
    """Put a record and follow the spec's links to read and delete it."""

    def validate_response(self, response: Any, case: Any, additional_checks: Any = None,
                          **kwargs: Any) -> None:
        case.validate_response(response, additional_checks=[erp_5xx_is_the_erps_own],
                               excluded_checks=excluded(), transport_kwargs=kwargs or None)


TestErpSequences = ErpSequences.TestCase
TestErpSequences.settings = settings(max_examples=20, stateful_step_count=8, **COMMON)
