"""AddAccount, GetB2BAccount, UpdateAccount and the errors a client meets on them."""

from __future__ import annotations

import pytest
from conftest import BASE, assert_error


def test_add_account_assigns_an_id_and_keeps_what_was_sent(api) -> None:
    account = api.add_account(taxId="20-1665019", isActive=True)
    assert isinstance(account["id"], int)
    assert account["externalId"] == "C000000288"
    assert account["companyOrOrganization"] == "Facebook"
    assert account["taxId"] == "20-1665019"
    assert account["users"] == [] and account["attributes"] == []
    assert account["auditInfo"]["createDate"] == account["auditInfo"]["updateDate"]
    assert account["customerSinceDate"]
    again = api.get(f"/{account['id']}").json()
    assert again == account


def test_ids_are_distinct_integers(api) -> None:
    first = api.add_account()
    second = api.add_account(externalId="C000000289", companyOrOrganization="Meta")
    assert second["id"] != first["id"]


def test_read_only_fields_in_the_body_are_ignored(api) -> None:
    account = api.add_account(id=5, auditInfo={"createBy": "me"})
    assert account["id"] != 5
    assert account["auditInfo"]["createBy"] == "b2b-mock-client"


def test_update_changes_only_given_fields_and_the_update_date(api) -> None:
    account = api.add_account(taxId="1")
    response = api.put(f"/{account['id']}", json={"companyOrOrganization": "Meta Platforms"})
    assert response.status_code == 200, response.text
    updated = response.json()
    assert updated["companyOrOrganization"] == "Meta Platforms"
    assert updated["taxId"] == "1" and updated["externalId"] == "C000000288"
    assert updated["auditInfo"]["createDate"] == account["auditInfo"]["createDate"]
    assert updated["auditInfo"]["updateDate"] >= account["auditInfo"]["updateDate"]
    assert api.get(f"/{account['id']}").json()["companyOrOrganization"] == "Meta Platforms"


def test_get_includes_users_and_attributes(api) -> None:
    account = api.add_account(attributes=[{"fullyQualifiedName": "tenant~tier",
                                           "values": ["Gold"]}])
    api.add_user(account["id"])
    body = api.get(f"/{account['id']}").json()
    assert [u["emailAddress"] for u in body["users"]] == ["markz@test.com"]
    assert body["attributes"][0]["values"] == ["Gold"]


def test_missing_account_is_404(api) -> None:
    assert_error(api.get("/424242"), 404, "ITEM_NOT_FOUND", "424242")
    assert_error(api.put("/424242", json={"taxId": "x"}), 404, "ITEM_NOT_FOUND")


def test_duplicate_external_id_is_409(api) -> None:
    first = api.add_account()
    assert_error(api.post(json={"companyOrOrganization": "Other", "externalId": "C000000288"}),
                 409, "ITEM_ALREADY_EXISTS", "C000000288")
    other = api.add_account(externalId="C2", companyOrOrganization="Other")
    assert_error(api.put(f"/{other['id']}", json={"externalId": "C000000288"}),
                 409, "ITEM_ALREADY_EXISTS")
    assert api.put(f"/{first['id']}", json={"externalId": "C000000288"}).status_code == 200


def test_bad_bodies_are_400_in_the_service_format(api) -> None:
    assert_error(api.post(json={"externalId": "C9"}), 400, "MISSING_OR_INVALID_PARAMETER",
                 "companyOrOrganization")
    assert_error(api.post(json={"companyOrOrganization": "  "}), 400,
                 "MISSING_OR_INVALID_PARAMETER", "companyOrOrganization")
    assert_error(api.post(json={"companyOrOrganization": 5}), 400,
                 "MISSING_OR_INVALID_PARAMETER", "companyOrOrganization")
    assert_error(api.post(json={"companyOrOrganization": "X", "isActive": "yes"}), 400,
                 "MISSING_OR_INVALID_PARAMETER", "isActive")
    assert_error(api.post(json={"companyOrOrganization": "X", "customerSinceDate": "soon"}),
                 400, "MISSING_OR_INVALID_PARAMETER", "customerSinceDate")
    assert_error(api.post(content=b"{not json", headers={"content-type": "application/json"}),
                 400, "MISSING_OR_INVALID_PARAMETER")
    assert_error(api.post(json=[1, 2]), 400, "MISSING_OR_INVALID_PARAMETER")
    assert_error(api.get("/abc"), 404, "ROUTE_NOT_FOUND")  # not an account id: no such path
    assert api.get(json=None).json()["totalCount"] == 0  # nothing was stored by the failures


def test_unknown_paths_and_methods(api, client) -> None:
    assert_error(api.delete("/1001"), 405, "METHOD_NOT_ALLOWED", "DELETE")
    response = assert_error(client.get("/api/commerce/customer/nothing"), 404, "ROUTE_NOT_FOUND")
    assert "no operation at GET /api/commerce/customer/nothing" in response["message"]


def test_response_fields_projects_the_answer(api) -> None:
    account = api.add_account()
    body = api.get(f"/{account['id']}", params={"responseFields": "id,externalId"}).json()
    assert body == {"id": account["id"], "externalId": "C000000288"}
    assert_error(api.get(f"/{account['id']}", params={"responseFields": "id,users(userId"}),
                 400, "MISSING_OR_INVALID_PARAMETER", "responseFields")


def test_the_base_path_has_no_trailing_slash(api, client) -> None:
    api.add_account()
    response = client.get(BASE, headers=api.headers())
    assert response.status_code == 200
    assert response.json()["totalCount"] == 1


@pytest.mark.parametrize("body, status", [(b'{"companyOrOrganization": "No Type Co"}', 200),
                                          (b"companyOrOrganization=No", 400)])
def test_a_body_without_a_content_type_is_read_as_json(api, body: bytes, status: int) -> None:
    """The spec's only media type is JSON: Connexion validated such a body as JSON and then
    handed the handler its raw bytes (a 500)."""
    request = api.client.build_request("POST", BASE, content=body, headers=api.headers())
    request.headers.pop("content-type", None)
    answer = api.client.send(request)
    assert answer.status_code == status, answer.text
    if status == 200:
        assert answer.json()["companyOrOrganization"] == "No Type Co"
    else:
        assert answer.json()["errorCode"] == "MISSING_OR_INVALID_PARAMETER"
