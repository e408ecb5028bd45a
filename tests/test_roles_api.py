"""Custom roles of a tenant, the system roles, behaviours, and users by role."""

from __future__ import annotations

from conftest import assert_error


def _role(api, account_ids: list[int], name: str = "Buyer", behaviors=(1, 6, 7)) -> dict:
    response = api.post("/roles", json={"name": name, "behaviors": list(behaviors),
                                        "accountIds": account_ids})
    assert response.status_code == 200, response.text
    return response.json()


def test_system_roles_are_there_and_cannot_be_changed(api) -> None:
    admin = api.get("/roles/1").json()
    assert admin["name"] == "Admin" and admin["isSystemRole"] is True
    assert set(admin["behaviors"]) == {b["id"] for b in api.get("/behaviors").json()["items"]}
    assert_error(api.delete("/roles/1"), 409, "VALIDATION_CONFLICT", "system role")
    assert_error(api.put("/roles/2", json={"name": "X", "behaviors": [1], "accountIds": [1]}),
                 409, "VALIDATION_CONFLICT", "system role")
    assert_error(api.get("/roles/999"), 404, "ITEM_NOT_FOUND")
    categories = api.get("/behaviors/categories").json()
    assert categories["totalCount"] == len(categories["items"]) > 0


def test_a_custom_role_is_held_only_where_it_is_assigned(api) -> None:
    one, two = api.add_account(), api.add_account(externalId="C2")
    role = _role(api, [one["id"]])
    assert role["id"] >= 101 and role["isSystemRole"] is False
    user = api.add_user(one["id"], roles=(role["id"],))
    assert [r["roleName"] for r in user["roles"]] == ["Buyer"]
    other = api.add_user(two["id"], email="x@two.com")
    assert_error(api.post(f"/{two['id']}/user/{other['userId']}/roles/{role['id']}"), 409,
                 "VALIDATION_CONFLICT", "not assigned")
    assert api.put(f"/roles/{role['id']}/accounts/{two['id']}").status_code == 200
    assert api.post(f"/{two['id']}/user/{other['userId']}/roles/{role['id']}"
                    ).status_code == 200
    holders = api.get(f"/{two['id']}/roles/{role['id']}/users").json()
    assert [u["userId"] for u in holders] == [other["userId"]]
    assert api.get(f"/{two['id']}/user/{other['userId']}/behaviors").json() == [1, 6, 7]
    names = [r["name"] for r in api.get(f"/{two['id']}/roles").json()["items"]]
    assert names == ["Admin", "Purchaser", "Nonpurchaser", "Buyer"]


def test_a_held_role_cannot_be_taken_from_its_account_or_deleted(api) -> None:
    account = api.add_account()
    role = _role(api, [account["id"]])
    user = api.add_user(account["id"], roles=(role["id"],))
    assert_error(api.delete(f"/roles/{role['id']}"), 409, "VALIDATION_CONFLICT", "held by")
    assert_error(api.delete(f"/roles/{role['id']}/accounts/{account['id']}"), 409,
                 "VALIDATION_CONFLICT", "held by")
    api.delete(f"/{account['id']}/user/{user['userId']}/roles/{role['id']}")
    assert api.delete(f"/roles/{role['id']}").status_code == 200
    assert_error(api.get(f"/roles/{role['id']}"), 404, "ITEM_NOT_FOUND")


def test_names_are_unique_and_behaviours_and_accounts_must_exist(api) -> None:
    account = api.add_account()
    _role(api, [account["id"]])
    assert_error(api.post("/roles", json={"name": "BUYER", "behaviors": [1],
                                          "accountIds": [account["id"]]}),
                 409, "ITEM_ALREADY_EXISTS", "buyer")
    assert_error(api.post("/roles", json={"name": "Admin", "behaviors": [1],
                                          "accountIds": [account["id"]]}),
                 409, "ITEM_ALREADY_EXISTS", "system role")
    assert_error(api.post("/roles", json={"name": "X", "behaviors": [999],
                                          "accountIds": [account["id"]]}),
                 404, "ITEM_NOT_FOUND", "behavior")
    assert_error(api.post("/roles", json={"name": "X", "behaviors": [1], "accountIds": [9999]}),
                 404, "ITEM_NOT_FOUND", "9999")
    assert_error(api.post("/roles", json={"name": "X", "behaviors": [], "accountIds": [1]}),
                 400, "MISSING_OR_INVALID_PARAMETER")


def test_an_update_replaces_and_renames_on_the_users(api) -> None:
    one, two = api.add_account(), api.add_account(externalId="C2")
    role = _role(api, [one["id"]])
    user = api.add_user(one["id"], roles=(role["id"],))
    updated = api.put(f"/roles/{role['id']}", json={"name": "Senior Buyer", "behaviors": [1, 7],
                                                   "accountIds": [one["id"], two["id"]]}).json()
    assert updated["behaviors"] == [1, 7] and updated["accountIds"] == [one["id"], two["id"]]
    held = api.get(f"/{one['id']}/user/{user['userId']}/roles").json()["items"]
    assert [r["roleName"] for r in held] == ["Senior Buyer"]
    assert_error(api.put(f"/roles/{role['id']}", json={"name": "Senior Buyer", "behaviors": [1],
                                                      "accountIds": [two["id"]]}),
                 409, "VALIDATION_CONFLICT", "held by")


def test_a_role_handed_down_reaches_accounts_created_later_below(api) -> None:
    parent = api.add_account()
    existing_child = api.add_account(externalId="C2", parentAccountId=parent["id"])
    role = _role(api, [parent["id"]])
    assert api.put(f"/roles/{role['id']}/accounts/{parent['id']}/apply-to-future-children/true"
                   ).status_code == 200
    child = api.add_account(externalId="C3", parentAccountId=parent["id"])
    grandchild = api.add_account(externalId="C4", parentAccountId=child["id"])
    assigned = api.get(f"/roles/{role['id']}").json()["accountIds"]
    assert assigned == [parent["id"], child["id"], grandchild["id"]]  # not the existing one
    assert existing_child["id"] not in assigned
    api.put(f"/roles/{role['id']}/accounts/{parent['id']}/apply-to-future-children/false")
    later = api.add_account(externalId="C5", parentAccountId=parent["id"])
    assert later["id"] not in api.get(f"/roles/{role['id']}").json()["accountIds"]
