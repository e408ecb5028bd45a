"""Tenants never see each other's data; a site within a tenant sees all of it."""

from __future__ import annotations

from conftest import Api, assert_error


def test_two_tenants_side_by_side(client) -> None:
    one, two = Api(client, tenant=11111), Api(client, tenant=22222)
    mine = one.add_account()
    theirs = two.add_account(companyOrOrganization="Other Co")  # same externalId is fine there
    user = one.add_user(mine["id"])
    # read, list, update, delete: nothing crosses over
    if theirs["id"] != mine["id"]:
        assert_error(two.get(f"/{mine['id']}"), 404, "ITEM_NOT_FOUND")
    assert [a["companyOrOrganization"] for a in two.get().json()["items"]] == ["Other Co"]
    assert [a["companyOrOrganization"] for a in one.get().json()["items"]] == ["Facebook"]
    assert two.get(f"/{theirs['id']}/users").json()["totalCount"] == 0
    assert_error(two.put(f"/{theirs['id']}/user/{user['userId']}", json={"firstName": "X"}),
                 404, "ITEM_NOT_FOUND")
    assert_error(two.put(f"/{theirs['id']}/user/{user['userId']}/remove"), 404,
                 "ITEM_NOT_FOUND")
    two.put(f"/{theirs['id']}", json={"taxId": "changed"})
    assert one.get(f"/{mine['id']}").json()["taxId"] is None
    assert one.get(f"/{mine['id']}/users").json()["items"][0]["isRemoved"] is False


def test_the_same_account_id_means_different_accounts(client) -> None:
    one, two = Api(client, tenant=1), Api(client, tenant=2)
    a = one.add_account()
    b = two.add_account(companyOrOrganization="Two")
    assert a["id"] == b["id"]  # ids count per tenant
    assert one.get(f"/{a['id']}").json()["companyOrOrganization"] == "Facebook"
    assert two.get(f"/{b['id']}").json()["companyOrOrganization"] == "Two"


def test_a_site_does_not_hide_the_tenants_accounts(client) -> None:
    """Accounts belong to the tenant's customer sets, which span its sites."""
    plain = Api(client, tenant=5)
    created = plain.add_account()
    on_site = plain.get(headers={"x-vol-site": "77"}).json()
    assert [a["id"] for a in on_site["items"]] == [created["id"]]
    from_site = plain.post(headers={"x-vol-site": "78"},
                           json={"companyOrOrganization": "Made on a site", "externalId": "S1"})
    assert plain.get(f"/{from_site.json()['id']}").status_code == 200
    assert plain.get().json()["totalCount"] == 2


def test_requests_without_a_tenant_use_the_default(client) -> None:
    default, explicit = Api(client), Api(client, tenant=1)
    default.add_account()
    assert explicit.get().json()["totalCount"] == 1


def test_bad_tenant_header_is_400(client) -> None:
    api = Api(client)
    assert_error(api.get(headers={"x-vol-tenant": "acme"}), 400,
                 "MISSING_OR_INVALID_PARAMETER", "x-vol-tenant")


def test_the_headers_real_clients_send_are_accepted(client) -> None:
    api = Api(client, tenant=3)
    response = api.get(headers={"x-vol-dataview-mode": "LIVE", "x-vol-version": "2.0",
                                "x-vol-site": "4", "x-vol-catalog": "1"})
    assert response.status_code == 200
