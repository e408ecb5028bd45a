"""Schemathesis: the spec against the server, operation by operation and as linked sequences.

Every schemathesis check runs (server errors, status codes, content types, response schemas and
headers, negative data rejected, positive data accepted, use after free, resource availability,
ignored auth, unsupported methods, ...) except those listed in ``target.EXCLUDED_CHECKS``.
A failure prints the request as a curl command that reproduces it.
"""

from __future__ import annotations

from hypothesis import HealthCheck, settings

from .target import TENANT, excluded, in_tenant, reset, schema

COMMON = dict(deadline=None, suppress_health_check=list(HealthCheck), database=None)


@schema.parametrize()
@settings(max_examples=25, **COMMON)
def test_operation_conforms(case) -> None:
    case.call_and_validate(excluded_checks=excluded())


class LinkedSequences(schema.as_state_machine()):  # type: ignore[misc]
    """Create account -> add user -> roles -> remove, following the spec's links.

    Each scenario starts from an empty store: hypothesis replays scenarios while shrinking, and
    data left by an earlier one (an externalId now taken, say) would change what a replay
    draws.
    """

    def setup(self) -> None:
        reset()

    def before_call(self, case) -> None:
        """Keep a scenario in one tenant: generated tenant/site headers would scatter it.

        Only well-formed values are replaced; malformed ones (negative cases) go out as drawn.
        """
        super().before_call(case)
        headers = case.headers or {}
        if str(headers.get("x-vol-site", "x")).isdigit():
            del headers["x-vol-site"]
        if TENANT:
            in_tenant(headers)
        elif str(headers.get("x-vol-tenant", "x")).isdigit():
            headers["x-vol-tenant"] = "1"
        case.headers = headers

    def validate_response(self, response, case, additional_checks=None, **kwargs) -> None:
        case.validate_response(response, additional_checks=additional_checks,
                               excluded_checks=excluded(), transport_kwargs=kwargs or None)


TestLinkedSequences = LinkedSequences.TestCase
TestLinkedSequences.settings = settings(max_examples=40, stateful_step_count=10, **COMMON)
