"""How the app is served: the documents Connexion gets, and the JSON it answers with."""

from __future__ import annotations

import copy
import json
from typing import Any

import pytest

from mock_server import openapi as spec
from mock_server.app import create_app
from mock_server.config import Settings
from mock_server.speedups.jsonifier import FastJsonifier

FQN = "tenant~credit-limit"


def test_each_operation_carries_its_path_parameters_once() -> None:
    served = spec.served("b2baccounts.yaml")
    item = served["paths"]["/commerce/customer/b2baccounts/{accountId}"]
    assert "parameters" not in item
    names = [spec.parameter_key(served, p) for p in item["get"]["parameters"]]
    assert sorted(names) == sorted({("x-vol-tenant", "header"), ("x-vol-site", "header"),
                                    ("accountId", "path"), ("responseGroups", "query"),
                                    ("responseFields", "query")})


def test_an_operation_parameter_overrides_the_paths_own() -> None:
    own = {"name": "id", "in": "path", "required": True, "schema": {"type": "string"}}
    shared = {"name": "id", "in": "path", "required": True, "schema": {"type": "integer"}}
    other = {"name": "x-trace", "in": "header", "schema": {"type": "string"}}
    document = {"paths": {"/things/{id}": {"parameters": [shared, other],
                                           "get": {"parameters": [own]}, "put": {}}}}
    spec.inline_path_parameters(document)
    item = document["paths"]["/things/{id}"]
    assert item["get"]["parameters"] == [own, other]
    assert item["put"]["parameters"] == [shared, other]


def test_building_apps_leaves_the_loaded_documents_as_they_were() -> None:
    names = ("b2baccounts.yaml", "platform.yaml", "mock_admin.yaml")
    before = {name: copy.deepcopy(spec.load(name)) for name in names}
    for _ in range(3):
        with create_app(Settings()).test_client() as client:
            assert client.get("/_mock/health").status_code == 200
    assert {name: spec.load(name) for name in names} == before


def test_answers_are_the_json_the_standard_library_would_write() -> None:
    body = {"companyOrOrganization": "Müller & Söhne — 東京", "id": 1001, "taxExempt": False,
            "priceList": None, "ratio": 0.1, "users": [{"roles": [{"roleId": 1}]}]}
    assert FastJsonifier().dumps(body) == json.dumps(body, separators=(",", ":"),
                                                     ensure_ascii=False) + "\n"


def test_what_orjson_refuses_is_still_answered() -> None:
    huge = 2 ** 70
    assert json.loads(FastJsonifier().dumps({"values": [huge]})) == {"values": [huge]}
    assert json.loads(FastJsonifier().dumps({1: "a"})) == {"1": "a"}


def test_an_attribute_value_beyond_64_bits_round_trips(api) -> None:
    account = api.add_account()
    huge = 2 ** 70
    created = api.post(f"/{account['id']}/attributes",
                       json={"fullyQualifiedName": FQN, "values": [huge, "Gold"]})
    assert created.status_code == 200, created.text
    assert created.json()["values"] == [huge, "Gold"]
    assert api.get(f"/{account['id']}/attributes/{FQN}").json()["values"] == [huge, "Gold"]


@pytest.fixture(scope="module")
def stock_and_ours() -> tuple[Any, Any]:
    """The mock twice: as stock Connexion serves it, and with the speed-ups."""
    stock = create_app(Settings(), speedups=False)
    return stock.test_client(follow_redirects=False), create_app(Settings(), speedups=True
                                                                 ).test_client(follow_redirects=False)


@pytest.mark.parametrize("path", [
    "/api/openapi.json", "/api/openapi.json/", "/api/openapi.yaml", "/api/ui", "/api/ui/",
    "/api/ui/index.html", "/api/ui/swagger-ui.css", "/api/ui/nothing-here", "/api",
    "/api/platform/applications/openapi.json", "/_mock/openapi.json", "/_mock/openapi.yaml/",
    "/_mock", "/_mock/health", "/api/commerce/customer/b2baccounts/ui",
])
def test_documents_and_swagger_ui_answer_as_connexion_serves_them(stock_and_ours, path: str
                                                                  ) -> None:
    stock, ours = stock_and_ours
    expected, answer = stock.get(path), ours.get(path)
    assert (answer.status_code, answer.headers.get("location"), answer.content) == \
        (expected.status_code, expected.headers.get("location"), expected.content)


@pytest.mark.parametrize("authorization", [
    None, "", "Bearer", "Bearer ", "Bearer nonsense", "bearer nonsense", "Basic YTpi",
    "Bearer  two  spaces", "Token abc", "BEARER {token}", "Bearer {token}", "Bearer\t{token}",
])
def test_the_bearer_check_answers_as_connexions_does(stock_and_ours,
                                                     authorization: str | None) -> None:
    stock, ours = stock_and_ours
    responses = []
    for client in (stock, ours):
        state = client.app.state
        token = state.tickets.grant({"client_id": state.settings.client_id,
                                     "client_secret": state.settings.client_secret})
        headers = {} if authorization is None else {
            "Authorization": authorization.replace("{token}", token["access_token"])}
        answer = client.post("/api/commerce/customer/b2baccounts", headers=headers,
                             json={"companyOrOrganization": "Acme", "externalId": None})
        body = answer.json()
        # the whole answer: the error's words, or the account stamped with the ticket's client
        responses.append((answer.status_code, body.get("message"), body.get("errorCode"),
                          body.get("auditInfo", {}).get("createBy")))
    assert responses[0] == responses[1]
