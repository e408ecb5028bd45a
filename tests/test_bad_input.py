"""Bad input of every kind is a 4xx in the service's error format, and changes nothing stored.

Every operation of the three specs that takes a JSON body (and every one of the ERP twin's, which
answers in its own format) is sent each malformed body below: JSON that the standard refuses (NaN, Infinity, numbers beyond a double), lone surrogates, JSON
nested deeper than the service's readers allow, numbers of thousands of digits. Then the store
must be as it was, and the next account must get the next id (a refused write burns none).
``make test`` runs this module with the speed-ups on and off.
"""

from __future__ import annotations

import json
from typing import Any

import pytest

from conftest import BASE, Api, assert_error
from mock_server import openapi

SECRET = "b2b-mock-secret"

# Bodies no JSON reader that follows the standard accepts, or that the service refuses to read.
MALFORMED = {
    "lone surrogate": '{"companyOrOrganization": "x\\ud800y", "externalId": "S1"}',
    "lone low surrogate in a key": '{"x\\udc00": 1}',
    "lone surrogate deep inside": '{"b2BUser": {"firstName": ["a", {"b": "\\udbff"}]}}',
    "NaN": '{"companyOrOrganization": "N", "taxExempt": NaN}',
    "Infinity": '{"priority": Infinity}',
    "-Infinity": '[-Infinity]',
    "1e999": '{"companyOrOrganization": "E", "externalId": "E", "priority": 1e999}',
    "-1e999": '{"percent": -1e999}',
    "nested 10,000 deep": "[" * 10_000 + "]" * 10_000,
    "objects nested 10,000 deep": '{"a":' * 10_000 + "1" + "}" * 10_000,
    "nested 65 deep": '{"companyOrOrganization": ' + "[" * 65 + "]" * 65 + "}",
    "a number of 5,000 digits": '{"priority": ' + "9" * 5000 + "}",
    "not JSON": "{'single': 'quotes'}",
    "truncated": '{"companyOrOrganization": "Tru',
    "raw surrogate bytes": b'{"companyOrOrganization": "x\xed\xa0\x80y"}',
    "latin-1 bytes": b'{"companyOrOrganization": "caf\xe9"}',
}

PATH_VALUES = {"attributeFQN": "tenant~tier", "roleId": "101", "contactId": "1",
               "refreshToken": "x", "tenant": "1", "faultId": "1", "action": "approve"}


def json_operations() -> list[tuple[str, str]]:
    """(method, path template) of every operation that takes a JSON body, in the three specs."""
    found = []
    for name in ("b2baccounts.yaml", "platform.yaml", "mock_admin.yaml"):
        document = openapi.load(name)
        base = document.get("servers", [{"url": ""}])[0]["url"].rstrip("/")
        for path, item in document["paths"].items():
            for method, operation in item.items():
                body = operation.get("requestBody") if isinstance(operation, dict) else None
                if body and "application/json" in body.get("content", {}):
                    found.append((method.upper(), base + path))
    return found


OPERATIONS = json_operations()


def test_the_set_covers_writes_tickets_and_the_operator_api() -> None:
    paths = {path for _, path in OPERATIONS}
    assert BASE in paths and BASE + "/{accountId}/user/{userId}" in paths
    assert "/api/platform/applications/authtickets/oauth" in paths
    assert {"/_mock/seed", "/_mock/state", "/_mock/reset", "/_mock/faults"} <= paths
    assert len(OPERATIONS) >= 20


@pytest.fixture
def world(client) -> dict[str, Any]:
    """One account with a user; the path values that name them."""
    api = Api(client)
    account = api.add_account()
    user = api.add_user(account["id"])
    return {"api": api, "accountId": str(account["id"]), "userId": user["userId"]}


def fill(path: str, world: dict[str, Any]) -> str:
    values = {**PATH_VALUES, "accountId": world["accountId"], "userId": world["userId"]}
    for name, value in values.items():
        path = path.replace("{" + name + "}", value)
    assert "{" not in path, path
    return path


def assert_refused(response: Any, what: str) -> dict[str, Any]:
    assert 400 <= response.status_code < 500, (what, response.status_code, response.text[:300])
    path = response.request.url.path
    code = response.json().get("errorCode")
    body = assert_error(response, response.status_code, code)
    if not path.startswith("/_mock"):
        assert response.headers.get("x-vol-correlation") or code == "ROUTE_NOT_FOUND"
    assert len(response.content) < 4000, (what, len(response.content))
    return body


@pytest.mark.parametrize("kind", sorted(MALFORMED))
def test_a_malformed_body_is_refused_everywhere_and_changes_nothing(client, world,
                                                                    kind: str) -> None:
    api = world["api"]
    before = client.get("/_mock/state").json()
    raw = MALFORMED[kind]
    content = raw if isinstance(raw, bytes) else raw.encode("utf-8", "surrogatepass")
    for method, template in OPERATIONS:
        response = client.request(method, fill(template, world), content=content,
                                  headers=api.headers({"Content-Type": "application/json"}))
        body = assert_refused(response, f"{kind}: {method} {template}")
        assert body["errorCode"] in ("MISSING_OR_INVALID_PARAMETER", "ITEM_NOT_FOUND"), body
    assert client.get("/_mock/state").json() == before
    # no refused write took an id
    assert int(api.add_account(externalId="next")["id"]) == int(world["accountId"]) + 1
    # the journal keeps the calls, and answers them as strict JSON
    journal = client.get("/_mock/journal", params={"order": "newest", "limit": 100})
    assert journal.status_code == 200
    strict_json(journal.content)


def strict_json(raw: bytes) -> Any:
    """The answer as the JSON standard reads it: no NaN, no lone surrogates."""
    def refuse(name: str) -> None:
        raise AssertionError(f"{name} in an answer")

    value = json.loads(raw.decode("utf-8"), parse_constant=refuse)
    json.dumps(value, ensure_ascii=False).encode("utf-8")  # fails on a lone surrogate
    return value


@pytest.mark.parametrize("kind", ["lone surrogate", "NaN", "1e999", "nested 10,000 deep"])
def test_a_malformed_body_without_a_content_type_is_refused_too(client, world, kind) -> None:
    content = MALFORMED[kind].encode("utf-8", "surrogatepass")
    for method, template in OPERATIONS:
        response = client.request(method, fill(template, world), content=content,
                                  headers=world["api"].headers())
        assert_refused(response, f"{kind} without a content type: {method} {template}")


@pytest.mark.parametrize("kind", ["lone surrogate", "NaN", "1e999", "nested 10,000 deep"])
def test_the_ticket_request_refuses_malformed_json(client, kind) -> None:
    response = client.post("/api/platform/applications/authtickets/oauth",
                           content=MALFORMED[kind].encode("utf-8", "surrogatepass"),
                           headers={"Content-Type": "application/json"})
    body = assert_refused(response, kind)
    assert body["errorCode"] == "MISSING_OR_INVALID_PARAMETER"


def test_what_is_wrong_is_said(client, api) -> None:
    def message(raw: str) -> str:
        return api.post(content=raw.encode("utf-8", "surrogatepass"),
                        headers={"Content-Type": "application/json"}).json()["message"]

    assert "surrogate" in message(MALFORMED["lone surrogate"])
    assert "NaN" in message(MALFORMED["NaN"])
    assert "1e999" in message(MALFORMED["1e999"])
    assert "deeper than 64" in message(MALFORMED["nested 10,000 deep"])
    assert "deeper than 64" in message(MALFORMED["nested 65 deep"])


def test_json_nested_as_deep_as_allowed_is_read(client, api) -> None:
    """64 levels are fine (the .NET readers' default depth): refused by the schema, not the
    reader."""
    deep = '{"companyOrOrganization": ' + "[" * 63 + "]" * 63 + "}"
    response = api.post(content=deep.encode(), headers={"Content-Type": "application/json"})
    body = assert_error(response, 400, "MISSING_OR_INVALID_PARAMETER")
    assert "deeper" not in body["message"]


def test_a_valid_surrogate_pair_is_text_like_any_other(client, api) -> None:
    raw = '{"companyOrOrganization": "smile \\ud83d\\ude00", "externalId": "EMOJI"}'
    response = api.post(content=raw.encode(), headers={"Content-Type": "application/json"})
    assert response.status_code == 200, response.text
    assert response.json()["companyOrOrganization"] == "smile \U0001F600"


@pytest.mark.parametrize("field", ["companyOrOrganization", "externalId", "taxId"])
def test_a_long_value_is_quoted_only_in_part(client, api, field) -> None:
    long = "Z" * 1_000_000
    api.add_account(externalId="DUP")
    bodies = [{"companyOrOrganization": "C", field: long},  # too long, or taken
              {"companyOrOrganization": "C", "externalId": "DUP", field: long},
              {field: 12345, "companyOrOrganization": long}]  # a type error on a long body
    for body in bodies:
        response = api.post(json=body)
        if response.status_code == 200:
            continue  # a long value the service takes
        assert_error(response, response.status_code, response.json()["errorCode"])
        assert len(response.content) < 4000, (body.keys(), response.json()["message"][:200])


def test_a_long_value_of_the_wrong_type_is_quoted_only_in_part(client, api) -> None:
    response = api.post(json={"companyOrOrganization": "C", "taxExempt": "Y" * 1_000_000})
    body = assert_error(response, 400, "MISSING_OR_INVALID_PARAMETER", "taxExempt")
    assert len(body["message"]) < 400 and "YYYY" in body["message"]


def test_a_long_e_mail_and_a_duplicate_are_quoted_only_in_part(client, api) -> None:
    account = api.add_account()
    long = "m" * 500_000 + "@example.com"
    for _ in range(2):
        response = api.post(f"/{account['id']}/user",
                            json={"b2BUser": {"emailAddress": long}, "isImport": False})
        assert len(response.content) < 4000, response.json()["message"][:200]


def test_a_refused_form_ticket_request_says_so(client) -> None:
    response = client.post("/api/platform/applications/authtickets/oauth",
                           content=b"client_id=b2b-mock-client&client_secret=%ED%A0%80",
                           headers={"Content-Type": "application/x-www-form-urlencoded"})
    assert_refused(response, "form with an encoded surrogate")


def test_odd_text_in_the_query_path_and_headers(client, api) -> None:
    for path in ("?filter=companyOrOrganization%20eq%20%27%ED%A0%80%27",
                 "?filter=%FF%FE", "/%ED%A0%80", "?sortBy=" + "x" * 60_000,
                 "?filter=" + "(" * 5000):
        response = client.get(BASE + path, headers=api.headers())
        assert response.status_code < 500, (path[:40], response.text[:300])
        if response.status_code >= 400:
            assert_refused(response, path[:40])
    response = client.get(BASE, headers=api.headers({"x-vol-site": "é".encode("latin-1")}))
    assert response.status_code < 500


def test_a_seed_and_an_import_with_odd_values_are_refused_clearly(client) -> None:
    before = client.get("/_mock/state").json()
    for document in ({"accounts": "no"}, {"accounts": [1]}, {"accounts": [{"users": 5}]},
                     [{"tenant": "x"}], {"tenant": -1, "accounts": []}, 5, "text", None,
                     {"accounts": [{"companyOrOrganization": "A", "approvalStatus": "Nope"}]}):
        response = client.post("/_mock/seed", content=json.dumps(document).encode(),
                               headers={"Content-Type": "application/json"})
        assert_refused(response, f"seed {document!r}")
    for document in ({"format": "b2b-mock/1", "tables": {"t1/accounts": [1, 2]}},
                     {"format": "b2b-mock/1", "tables": {"t1/accounts": {"x": {}}}},
                     {"format": "b2b-mock/1", "tables": {"t1/accounts": {"1": 5}}},
                     {"format": "b2b-mock/1", "tables": []}):
        response = client.put("/_mock/state", json=document)
        assert_refused(response, f"import {document!r}")
    assert client.get("/_mock/state").json() == before


def test_odd_reset_and_fault_bodies(client) -> None:
    for body in ({"tenant": "x"}, {"tenant": 1.5}, {"tenant": True}, [1], "tenant"):
        assert_refused(client.post("/_mock/reset", json=body), f"reset {body!r}")
    for body in ({"kind": "latency", "latencyMs": 10**30}, {"kind": "status", "status": 10**30},
                 {"kind": "status", "status": 500, "percent": 1e308},
                 {"kind": "status", "status": 500, "times": -1}):
        response = client.post("/_mock/faults", json=body)
        assert response.status_code < 500, (body, response.text[:200])
        if response.status_code >= 400:
            assert_refused(response, f"fault {body!r}")
    client.delete("/_mock/faults")


def erp_json_operations() -> list[tuple[str, str]]:
    """(method, path) of every ERP twin operation that takes a JSON body, its keys filled."""
    document = openapi.load("erp.yaml")
    base = document["servers"][0]["url"].rstrip("/")
    values = {"{version}": "24.200.001", "{key}": "C1", "{customer}": "C1", "{location}": "MAIN"}
    found = []
    for path, item in document["paths"].items():
        for method, operation in item.items():
            body = operation.get("requestBody") if isinstance(operation, dict) else None
            if body and "application/json" in body.get("content", {}):
                for name, value in values.items():
                    path = path.replace(name, value)
                found.append((method.upper(), base + path))
    return found


@pytest.mark.parametrize("kind", sorted(MALFORMED))
def test_the_erp_twin_refuses_a_malformed_body_in_its_own_format(client, kind: str) -> None:
    """The twin answers as Acumatica does (``message``, no correlation id), never a 5xx, and
    keeps nothing of the refused body."""
    operations = erp_json_operations()
    assert ("POST", "/entity/auth/login") in operations and len(operations) >= 4
    signed_in = client.post("/entity/auth/login", json={
        "name": "admin", "password": "b2b-mock-erp", "company": "Company"})
    assert signed_in.status_code == 204, signed_in.text
    before = client.get("/_mock/state").json()
    raw = MALFORMED[kind]
    content = raw if isinstance(raw, bytes) else raw.encode("utf-8", "surrogatepass")
    for method, path in operations:
        response = client.request(method, path, content=content,
                                  headers={"Content-Type": "application/json"})
        what = f"{kind}: {method} {path}"
        assert 400 <= response.status_code < 500, (what, response.status_code,
                                                   response.text[:300])
        body = response.json()
        assert isinstance(body.get("message"), str) and body["message"], (what, body)
        assert "errorCode" not in body and len(response.content) < 4000, (what, body)
    assert client.get("/_mock/state").json() == before
