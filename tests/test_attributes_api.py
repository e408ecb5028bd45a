"""Account attributes, addressed by their fully qualified name."""

from __future__ import annotations

from conftest import assert_error

FQN = "tenant~customer-tier"


def test_add_get_update_delete(api) -> None:
    account = api.add_account()
    base = f"/{account['id']}/attributes"
    response = api.post(base, json={"fullyQualifiedName": FQN, "values": ["Gold"]})
    assert response.status_code == 200, response.text
    created = response.json()
    assert created["fullyQualifiedName"] == FQN and created["values"] == ["Gold"]
    assert isinstance(created["attributeDefinitionId"], int)
    assert api.get(f"{base}/{FQN}").json() == created
    updated = api.put(f"{base}/{FQN}", json={"fullyQualifiedName": FQN,
                                             "values": ["Platinum", 2]})
    assert updated.status_code == 200 and updated.json()["values"] == ["Platinum", 2]
    assert api.get(f"/{account['id']}").json()["attributes"][0]["values"] == ["Platinum", 2]
    assert api.delete(f"{base}/{FQN}").status_code == 200
    assert_error(api.get(f"{base}/{FQN}"), 404, "ITEM_NOT_FOUND", FQN)
    assert api.get(base).json()["totalCount"] == 0


def test_one_definition_id_per_name_across_accounts(api) -> None:
    first = api.add_account()
    second = api.add_account(externalId="C2", companyOrOrganization="Other")
    a = api.post(f"/{first['id']}/attributes", json={"fullyQualifiedName": FQN}).json()
    b = api.post(f"/{second['id']}/attributes", json={"fullyQualifiedName": FQN}).json()
    c = api.post(f"/{second['id']}/attributes", json={"fullyQualifiedName": "tenant~x"}).json()
    assert a["attributeDefinitionId"] == b["attributeDefinitionId"]
    assert c["attributeDefinitionId"] != a["attributeDefinitionId"]
    assert_error(api.post(f"/{first['id']}/attributes", json={
        "fullyQualifiedName": "tenant~x", "attributeDefinitionId": a["attributeDefinitionId"]}),
        409, "VALIDATION_CONFLICT", "definition id")


def test_attribute_errors(api) -> None:
    account = api.add_account()
    base = f"/{account['id']}/attributes"
    api.post(base, json={"fullyQualifiedName": FQN, "values": ["Gold"]})
    assert_error(api.post(base, json={"fullyQualifiedName": FQN.upper()}), 409,
                 "ITEM_ALREADY_EXISTS", "already exists")
    assert_error(api.post(base, json={"fullyQualifiedName": "no-namespace"}), 400,
                 "MISSING_OR_INVALID_PARAMETER", "fullyQualifiedName")
    assert_error(api.post(base, json={"values": ["x"]}), 400, "MISSING_OR_INVALID_PARAMETER",
                 "fullyQualifiedName")
    assert_error(api.put(f"{base}/tenant~missing", json={"fullyQualifiedName": "tenant~missing"}),
                 404, "ITEM_NOT_FOUND")
    renamed = api.put(f"{base}/{FQN}", json={"fullyQualifiedName": "tenant~other",
                                             "values": ["Gold"]})
    assert renamed.json()["fullyQualifiedName"] == FQN  # the path names the attribute
    assert_error(api.delete(f"{base}/tenant~missing"), 404, "ITEM_NOT_FOUND")
    assert_error(api.get("/999999/attributes"), 404, "ITEM_NOT_FOUND")
    assert api.get(f"{base}/{FQN}").json()["values"] == ["Gold"]


def test_attributes_given_at_creation_must_not_repeat(api) -> None:
    response = api.post(json={"companyOrOrganization": "X", "attributes": [
        {"fullyQualifiedName": FQN}, {"fullyQualifiedName": FQN}]})
    assert_error(response, 409, "ITEM_ALREADY_EXISTS", "twice")
    assert api.get().json()["totalCount"] == 0


def test_attribute_list_filters_and_sorts(api) -> None:
    account = api.add_account()
    base = f"/{account['id']}/attributes"
    for name in ("tenant~b", "tenant~a", "tenant~c"):
        api.post(base, json={"fullyQualifiedName": name})
    listed = api.get(base, params={"sortBy": "fullyQualifiedName desc"}).json()
    assert [a["fullyQualifiedName"] for a in listed["items"]] == ["tenant~c", "tenant~b",
                                                                  "tenant~a"]
    found = api.get(base, params={"filter": "fullyQualifiedName sw 'tenant~a'"}).json()
    assert found["totalCount"] == 1
