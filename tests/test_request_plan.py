"""Request plans read a request exactly as Connexion's own code does, only once.

The proof is a twin: the same store served once through request plans and once the Connexion
way (plans switched off), asked the same generated requests; every answer must match.
"""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any
from unittest import mock
from urllib.parse import urlencode

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from mock_server.speedups import request_plan, serving, validation
from mock_server.domain import accounts, users
from mock_server.domain.call import Call
from mock_server.speedups.quick_check import quick_check
from mock_server.app import create_app
from mock_server.config import Settings
from mock_server.domain.tenancy import Scope
from mock_server.service import b2b_catalog, open_store
from mock_server.store import Store

# These test the speed-ups themselves; the stock pass of `make test` leaves them out.
pytestmark = pytest.mark.speedups

BASE = "/api/commerce/customer/b2baccounts"
QUERY_NAMES = ["startIndex", "pageSize", "sortBy", "filter", "q", "qLimit", "responseFields",
               "fields", "isActive", "page[size]"]
ODD_VALUES = ["", "abc", "1.5", "null", "None", " 7", "1_0", "true", "-1", "0", "201",
              "2147483648", "companyOrOrganization asc", "isActive eq true", "id,users",
              "emailAddress desc", "isRemoved eq false"]


def _seeded() -> Store:
    store = open_store()
    call = Call(store, b2b_catalog(), Scope(1), "test")
    for i in range(3):
        account = accounts.add_account(call, {"companyOrOrganization": f"Co {i}",
                                              "isActive": i != 1})
        for j in range(2):
            users.add_user(call, account["id"], {"b2BUser": {
                "emailAddress": f"u{j}@co{i}.example.com", "roles": [{"roleId": 1}]}})
    return store


@pytest.fixture(scope="module")
def twins() -> tuple[Any, Any]:
    store = _seeded()
    planned = create_app(Settings(auth_enabled=False), store=store, speedups=True).test_client()
    no_plan = mock.patch.object(validation, "plan_for", lambda *a: None), \
        mock.patch.object(serving, "plan_for", lambda *a: None)
    connexion_way = create_app(Settings(auth_enabled=False), store=store,
                                   speedups=True).test_client()
    with no_plan[0], no_plan[1]:  # plans are made at each operation's first request
        for path in (BASE, f"{BASE}/1001", f"{BASE}/1001/users"):
            assert connexion_way.get(path).status_code == 200
    return planned, connexion_way


queries = st.lists(st.tuples(st.sampled_from(QUERY_NAMES),
                             st.one_of(st.sampled_from(ODD_VALUES), st.integers(-3, 250).map(str),
                                       st.text(max_size=4))), max_size=4)
paths = st.sampled_from([BASE, f"{BASE}/1001", f"{BASE}/1002/users", f"{BASE}/0",
                         f"{BASE}/99999999999/users", f"{BASE}/1003"])
tenants = st.one_of(st.none(), st.sampled_from(["1", "abc", "0", "", "1234567890", "7"]))


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(path=paths, query=queries, tenant=tenants)
def test_planned_and_connexion_answers_match(twins, path: str, query: list[tuple[str, str]],
                                             tenant: str | None) -> None:
    planned, connexion_way = twins
    url = f"{path}?{urlencode(query)}"
    headers = {} if tenant is None else {"x-vol-tenant": tenant}
    ours, theirs = planned.get(url, headers=headers), connexion_way.get(url, headers=headers)
    assert (ours.status_code, ours.json()) == (theirs.status_code, theirs.json())


def test_the_last_of_repeated_values_counts_and_defaults_fill_in(twins) -> None:
    planned, _ = twins
    page = planned.get(f"{BASE}?pageSize=abc&pageSize=2").json()
    assert (page["startIndex"], page["pageSize"], len(page["items"])) == (0, 2, 2)
    answer = planned.get(f"{BASE}?pageSize=2&pageSize=abc")
    assert answer.status_code == 400
    assert answer.json()["message"] == \
        "Invalid query parameter 'pageSize': 'abc' is not of type 'integer'"


def test_a_json_body_reaches_the_handler_as_sent(twins) -> None:
    planned, _ = twins
    made = planned.post(BASE, json={"companyOrOrganization": "Body Co", "taxId": "12-3"})
    assert made.status_code == 200
    assert (made.json()["companyOrOrganization"], made.json()["taxId"]) == ("Body Co", "12-3")


def _operation(parameters: list[dict[str, Any]], consumes: list[str] | None = None) -> Any:
    schema = {"type": "object"}
    return SimpleNamespace(parameters=parameters, request_body={"content": {}} if consumes else {},
                           consumes=consumes or [], body_schema=lambda _: schema,
                           body_name=lambda _: "body")


@pytest.mark.parametrize("parameter, consumes", [
    ({"name": "ids", "in": "query", "schema": {"type": "array", "items": {"type": "integer"}}},
     None),
    ({"name": "session", "in": "cookie", "schema": {"type": "string"}}, None),
    ({"name": "where", "in": "query", "schema": {"type": "object"}, "style": "deepObject"}, None),
    ({"name": "q", "in": "query", "schema": {"type": "string"}}, ["multipart/form-data"]),
])
def test_what_a_plan_cannot_read_goes_the_connexion_way(parameter: dict[str, Any],
                                                        consumes: list[str] | None) -> None:
    operation = _operation([parameter], consumes)
    assert request_plan.plan_for(operation) is None


def test_a_plan_reads_typed_values_and_names_what_is_wrong() -> None:
    plan = request_plan.plan_for(_operation([
        {"name": "limit", "in": "query", "schema": {"type": "integer", "maximum": 5,
                                                    "default": 3}},
        {"name": "on", "in": "query", "schema": {"type": "boolean"}},
        {"name": "id", "in": "path", "required": True, "schema": {"type": "integer"}},
        {"name": "X-Site", "in": "header", "schema": {"type": "string", "pattern": "^[0-9]+$"}},
    ]))
    assert plan is not None

    def read(query: bytes, path: dict[str, str], headers: list[tuple[bytes, bytes]]) -> Any:
        return plan.read({"query_string": query, "path_params": path, "headers": headers})

    assert read(b"on=TRUE", {"id": "7"}, [(b"x-site", b"12")]) == {"limit": 3, "on": True,
                                                                  "id": 7}
    with pytest.raises(request_plan.BadRequestProblem, match="query parameter 'limit'"):
        read(b"limit=6&on=maybe", {"id": "x"}, [])
    with pytest.raises(request_plan.BadRequestProblem, match="Missing path parameter 'id'"):
        read(b"", {}, [])
    with pytest.raises(request_plan.BadRequestProblem, match="header parameter 'X-Site'"):
        read(b"", {"id": "1"}, [(b"X-SITE", b"abc")])


simple_schemas = st.one_of(
    st.fixed_dictionaries({"type": st.sampled_from(["integer", "number"])}, optional={
        "minimum": st.integers(-5, 5), "maximum": st.integers(-5, 5),
        "exclusiveMinimum": st.booleans(), "exclusiveMaximum": st.booleans(),
        "pattern": st.just("^1"), "maxLength": st.integers(0, 3)}),
    st.fixed_dictionaries({"type": st.just("string")}, optional={
        "minLength": st.integers(0, 4), "maxLength": st.integers(0, 4),
        "pattern": st.sampled_from(["^[0-9a-f]{2,4}$", "[A-Z]", "^$", "é"]),
        "minimum": st.integers(-5, 5), "format": st.sampled_from(["b2b-filter-attribute",
                                                                  "date-time"])}),
    st.fixed_dictionaries({"type": st.just("boolean")}, optional={"default": st.booleans()}))
PROBES = [None, True, False, *range(-7, 8), -5.5, 0.0, 2.5, 1e300, float("nan"), "", "1",
          "ab", "0a9f", "A", "abcde", "é", "12"]


@settings(max_examples=400, deadline=None)
@given(schema=simple_schemas)
def test_the_quick_check_passes_only_what_jsonschema_accepts(schema: dict[str, Any]) -> None:
    passes = quick_check(schema)
    if passes is None:
        assert schema.get("format") == "date-time"
        return
    validator = validation.compiled_validator(schema)
    for value in PROBES:
        if passes(value):
            assert not list(validator.iter_errors(value)), value


@pytest.mark.parametrize("schema, value", [
    ({"type": "integer", "minimum": 1, "maximum": 2147483647}, 1001),
    ({"type": "string", "pattern": "^[0-9a-f]{32}$"}, "8c5b3e2f6a1d4c0e9b7a5f3d2c1e0b9a"),
    ({"type": "string", "format": "b2b-response-fields"}, "id,users"),
])
def test_the_b2b_parameters_take_the_quick_check(schema: dict[str, Any], value: Any) -> None:
    passes = quick_check(schema)
    assert passes is not None and passes(value)


@pytest.mark.parametrize("charset, status, code", [
    ("foo", 415, "UNSUPPORTED_MEDIA_TYPE"), ("base64", 415, "UNSUPPORTED_MEDIA_TYPE"),
    ("rot13", 415, "UNSUPPORTED_MEDIA_TYPE"), ("punycode", 400, "MISSING_OR_INVALID_PARAMETER"),
    ("utf-16", 400, "MISSING_OR_INVALID_PARAMETER"), ("UTF8", 200, None), ("latin-1", 200, None),
])
def test_a_charset_that_cannot_decode_the_body_is_a_clear_error(twins, charset: str, status: int,
                                                                code: str | None) -> None:
    """An unknown charset made Connexion's body parser raise LookupError (a 500), and some codecs
    fail with a plain UnicodeError (another 500)."""
    planned, _ = twins
    answer = planned.post(BASE, content=b'{"companyOrOrganization": "Charset Co"}',
                          headers={"content-type": f"application/json;charset={charset}"})
    assert answer.status_code == status
    if code is not None:
        assert answer.json()["errorCode"] == code
    assert planned.get(BASE, headers={"content-type": f"application/json;charset={charset}"}
                       ).status_code == 200
