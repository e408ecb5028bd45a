"""The operator API: reset, seed, export/import, journal and fault injection."""

from __future__ import annotations

import json
import time
from pathlib import Path

import pytest
import requests

from conftest import BASE, Api, assert_error
from mock_server.testing.process import ServerProcess

SEED = Path(__file__).resolve().parent.parent / "fixtures" / "seed_accounts.json"


def test_seed_then_reset_one_tenant_or_all(client) -> None:
    seed = json.loads(SEED.read_text())
    assert client.post("/_mock/seed", json=seed).json() == {"accounts": 3, "users": 5, "contacts": 2}
    assert client.post("/_mock/seed", json={**seed, "tenant": 9}).status_code == 200
    one, nine = Api(client, tenant=1), Api(client, tenant=9)
    assert one.get().json()["totalCount"] == 3
    client.post("/_mock/reset", json={"tenant": 9})
    assert nine.get().json()["totalCount"] == 0
    assert one.get().json()["totalCount"] == 3
    client.post("/_mock/reset", json={})
    assert one.get().json()["totalCount"] == 0


def test_a_seed_that_breaks_a_rule_is_refused_clearly_and_stores_nothing(client) -> None:
    bad = {"accounts": [{"companyOrOrganization": "Fine Co"},
                        {"companyOrOrganization": "X", "users": [{"emailAddress": "nope"}]}]}
    assert_error(client.post("/_mock/seed", json=bad), 400, "MISSING_OR_INVALID_PARAMETER",
                 "nope")
    assert client.get("/_mock/state").json()["tables"] == {}


def test_export_reset_import_is_lossless(client) -> None:
    client.post("/_mock/seed", json=json.loads(SEED.read_text()))
    api = Api(client, tenant=4)
    account = api.add_account(attributes=[{"fullyQualifiedName": "tenant~x", "values": [1]}])
    user = api.add_user(account["id"], roles=(1, 2))
    api.put(f"/{account['id']}/user/{user['userId']}/remove")
    before = client.get("/_mock/state").json()
    client.post("/_mock/reset")
    assert client.get("/_mock/state").json()["tables"] == {}
    assert client.put("/_mock/state", json=before).status_code == 200
    assert client.get("/_mock/state").json() == before
    assert api.get(f"/{account['id']}/users").json()["items"][0]["isRemoved"] is True
    nxt = api.add_account(externalId="C-next")
    assert nxt["id"] > account["id"]


def test_import_refuses_what_is_not_an_export(client) -> None:
    assert_error(client.put("/_mock/state", json={"tables": {}}), 400,
                 "MISSING_OR_INVALID_PARAMETER", "format")
    assert_error(client.put("/_mock/state", json={"format": "b2b-mock/1",
                                                  "tables": {"x": {"1": {}}}}),
                 400, "MISSING_OR_INVALID_PARAMETER", "table name")


def test_journal_records_a_known_sequence(client, api) -> None:
    client.delete("/_mock/journal")
    account = api.add_account()
    api.add_user(account["id"])
    api.get("/999999")
    entries = client.get("/_mock/journal").json()["items"]
    assert [(e["method"], e["operation"], e["status"]) for e in entries] == [
        ("POST", "AddAccount", 200), ("POST", "AddUser", 200), ("GET", "GetB2BAccount", 404)]
    assert entries[1]["requestBody"]["b2BUser"]["emailAddress"] == "markz@test.com"
    assert entries[1]["responseBody"]["emailAddress"] == "markz@test.com"
    assert entries[1]["accountId"] == account["id"] and entries[1]["tenant"] == 1
    assert all(e["durationMs"] >= 0 for e in entries)
    only = client.get("/_mock/journal", params={"operation": "AddUser"}).json()
    assert only["totalCount"] == 1
    newest = client.get("/_mock/journal", params={"order": "newest", "limit": 1}).json()
    assert newest["items"][0]["status"] == 404
    assert client.delete("/_mock/journal").json()["cleared"] == 3


def test_status_fault_for_the_next_n_calls(client, api) -> None:
    rule = client.post("/_mock/faults", json={"operation": "GetB2BAccounts", "kind": "status",
                                              "status": 429, "retryAfter": 2, "times": 2})
    assert rule.status_code == 201
    for _ in range(2):
        response = api.get()
        assert_error(response, 429, "TOO_MANY_REQUESTS")
        assert response.headers["retry-after"] == "2"
    assert api.get().status_code == 200
    assert api.post(json={"companyOrOrganization": "X"}).status_code == 200  # other operation
    assert client.get("/_mock/faults").json()["items"] == []


def test_fault_scoped_to_a_tenant(client) -> None:
    client.post("/_mock/faults", json={"kind": "status", "status": 503, "tenant": 2,
                                       "times": 5})
    assert Api(client, tenant=1).get().status_code == 200
    assert_error(Api(client, tenant=2).get(), 503, "SERVICE_UNAVAILABLE")


def test_percentage_faults_fire_about_that_often(client, api) -> None:
    client.post("/_mock/faults", json={"kind": "status", "status": 500, "percent": 50})
    statuses = [api.get().status_code for _ in range(200)]
    assert 50 < statuses.count(500) < 150
    assert set(statuses) == {200, 500}
    client.delete("/_mock/faults")
    assert api.get().status_code == 200


def test_token_expiry_fault(client, api) -> None:
    client.post("/_mock/faults", json={"kind": "expire_token", "operation": "GetB2BAccounts"})
    assert_error(api.get(), 401, "UNAUTHORIZED")


def test_bad_fault_rules(client) -> None:
    assert_error(client.post("/_mock/faults", json={"kind": "explode"}), 400,
                 "MISSING_OR_INVALID_PARAMETER")
    assert_error(client.post("/_mock/faults", json={"kind": "status", "status": 200}), 400,
                 "MISSING_OR_INVALID_PARAMETER")
    assert_error(client.delete("/_mock/faults/999"), 404, "ITEM_NOT_FOUND")


@pytest.mark.slow
def test_latency_and_dropped_connections_over_http(tmp_path) -> None:
    with ServerProcess(extra_args=["--no-auth"]) as server:
        requests.post(server.url + "/_mock/faults", timeout=5,
                      json={"kind": "latency", "latencyMs": 400, "operation": "GetB2BAccounts"})
        started = time.monotonic()
        assert requests.get(server.url + BASE, timeout=5).status_code == 200
        assert time.monotonic() - started >= 0.4
        requests.post(server.url + "/_mock/faults", timeout=5,
                      json={"kind": "drop", "operation": "GetB2BAccounts"})
        with pytest.raises(requests.ConnectionError):
            requests.get(server.url + BASE, timeout=5)
        assert requests.get(server.url + BASE, timeout=5).status_code == 200
        journal = requests.get(server.url + "/_mock/journal", timeout=5).json()["items"]
        assert [e["faults"] for e in journal] == [["latency"], ["drop"], []]


def test_the_operator_spec_offers_exactly_the_registered_fault_kinds() -> None:
    """The kinds are written once, in ``FAULT_KINDS``; the spec's list must not drift from it."""
    from mock_server import openapi
    from mock_server.admin.faults import FAULT_KINDS

    schemas = openapi.load("mock_admin.yaml")["components"]["schemas"]
    offered = next(schema["properties"]["kind"]["enum"] for schema in schemas.values()
                   if "kind" in schema.get("properties", {}))
    assert sorted(offered) == sorted(FAULT_KINDS)



def test_resetting_a_tenant_drops_all_of_its_data_and_nothing_of_others(client) -> None:
    rep = "5b0e9d19811a4ea99c3588ca64ba61ca"
    for tenant in (1, 10, 100):
        api = Api(client, tenant=tenant)
        account = api.add_account()
        api.add_user(account["id"])
        api.post(f"/{account['id']}/attributes",
                 json={"fullyQualifiedName": "tenant~tier", "values": ["Gold"]})
        api.post(f"/{account['id']}/salesrep/{rep}")
        assert client.post(f"/api/commerce/customer/accounts/{account['id']}/contacts",
                           headers=api.headers(), json={
                               "email": "ap@x.example", "types": [{"name": "Billing"}]}
                           ).status_code == 200
        assert api.post("/roles", json={"name": "Buyer", "behaviors": [1, 6],
                                        "accountIds": [account["id"]]}).status_code == 200
    tables = set(client.get("/_mock/state").json()["tables"])
    ten = {name for name in tables if name.startswith("t10/")}
    assert {"t10/accounts", "t10/contacts", "t10/roles", "t10/attributeDefinitions"} <= ten
    assert client.post("/_mock/reset", json={"tenant": 10}).json() == {
        "droppedTables": len(ten)}
    assert set(client.get("/_mock/state").json()["tables"]) == tables - ten
    assert Api(client, tenant=10).get().json()["totalCount"] == 0
    assert Api(client, tenant=1).get().json()["totalCount"] == 1
    assert Api(client, tenant=100).get().json()["totalCount"] == 1
