"""Users of an account: adding, updating, soft removal, restoring, uniqueness, and roles."""

from __future__ import annotations

import re

from conftest import assert_error


def test_add_user_assigns_a_32_hex_id_and_defaults_the_user_name(api) -> None:
    account = api.add_account()
    user = api.add_user(account["id"], roles=(1,))
    assert re.fullmatch(r"[0-9a-f]{32}", user["userId"])
    assert user["userName"] == "markz@test.com"
    assert user["isActive"] is True and user["isRemoved"] is False
    (role,) = user["roles"]
    assert {k: role[k] for k in ("roleId", "roleName", "userId", "roleResources", "roleTags")} \
        == {"roleId": 1, "roleName": "Admin", "userId": user["userId"], "roleResources": [],
            "roleTags": []}
    assert role["assignedInScope"] == {"type": "Account", "id": account["id"], "name": None}
    assert role["auditInfo"]["createBy"] == "b2b-mock-client"
    assert "auditInfo" not in user  # the published B2BUser has none
    assert user["hasExternalPassword"] is False


def test_external_password_marks_the_user(api) -> None:
    account = api.add_account()
    response = api.post(f"/{account['id']}/user", json={
        "b2BUser": {"emailAddress": "a@b.co"}, "externalPassword": "s3cret", "isImport": True})
    assert response.status_code == 200
    assert response.json()["hasExternalPassword"] is True
    assert "s3cret" not in response.text


def test_email_is_unique_among_active_users_ignoring_case(api) -> None:
    account = api.add_account()
    api.add_user(account["id"])
    body = assert_error(api.post(f"/{account['id']}/user",
                                 json={"b2BUser": {"emailAddress": "MarkZ@Test.com"}}),
                        409, "ITEM_ALREADY_EXISTS", "markz@test.com")
    assert {"name": "emailAddress", "value": "MarkZ@Test.com"} in body["additionalErrorData"]
    other = api.add_account(externalId="C2", companyOrOrganization="Other")
    api.add_user(other["id"])  # another account may have the same e-mail


def test_user_name_is_unique_too(api) -> None:
    account = api.add_account()
    api.add_user(account["id"], userName="mark")
    assert_error(api.post(f"/{account['id']}/user", json={
        "b2BUser": {"emailAddress": "other@test.com", "userName": "MARK"}}),
        409, "ITEM_ALREADY_EXISTS", "userName")


def test_bad_user_bodies(api) -> None:
    account = api.add_account()
    path = f"/{account['id']}/user"
    assert_error(api.post(path, json={"emailAddress": "x@y.z"}), 400,
                 "MISSING_OR_INVALID_PARAMETER", "b2BUser")
    assert_error(api.post(path, json={"b2BUser": {"firstName": "X"}}), 400,
                 "MISSING_OR_INVALID_PARAMETER", "emailAddress")
    assert_error(api.post(path, json={"b2BUser": {"emailAddress": "not-an-email"}}), 400,
                 "MISSING_OR_INVALID_PARAMETER", "not-an-email")
    assert_error(api.post(path, json={"b2BUser": {"emailAddress": "a@b.co",
                                                  "roles": [{"roleId": 9}]}}),
                 404, "ITEM_NOT_FOUND", "role 9")
    assert_error(api.post("/999999/user", json={"b2BUser": {"emailAddress": "a@b.co"}}),
                 404, "ITEM_NOT_FOUND")
    assert api.get(f"/{account['id']}/users").json()["totalCount"] == 0


def test_update_user_changes_the_profile(api) -> None:
    account = api.add_account()
    user = api.add_user(account["id"])
    response = api.put(f"/{account['id']}/user/{user['userId']}",
                       json={"lastName": "Zuckerberg", "emailAddress": "mark@meta.com",
                             "userId": "f" * 32, "roles": []})
    assert response.status_code == 200, response.text
    updated = response.json()
    assert updated["lastName"] == "Zuckerberg" and updated["firstName"] == "Mark"
    assert updated["emailAddress"] == "mark@meta.com"
    assert updated["userName"] == "mark@meta.com"  # it followed the e-mail
    assert updated["userId"] == user["userId"]
    assert updated["roles"] == user["roles"]


def test_update_user_respects_uniqueness_and_existence(api) -> None:
    account = api.add_account()
    first = api.add_user(account["id"])
    second = api.add_user(account["id"], email="olivia@test.com")
    assert_error(api.put(f"/{account['id']}/user/{second['userId']}",
                         json={"emailAddress": "MARKZ@test.com"}), 409, "ITEM_ALREADY_EXISTS")
    assert_error(api.put(f"/{account['id']}/user/{'0' * 32}", json={"firstName": "X"}),
                 404, "ITEM_NOT_FOUND")
    assert_error(api.put(f"/{account['id']}/user/NOT-HEX", json={"firstName": "X"}),
                 400, "MISSING_OR_INVALID_PARAMETER", "userId")
    assert api.get(f"/{account['id']}/users").json()["items"][0] == first


def test_remove_is_soft_and_listed_unless_filtered(api) -> None:
    account = api.add_account()
    user = api.add_user(account["id"], roles=(2,))
    other = api.add_user(account["id"], email="olivia@test.com")
    response = api.put(f"/{account['id']}/user/{user['userId']}/remove")
    assert response.status_code == 200
    listed = api.get(f"/{account['id']}/users").json()
    assert listed["totalCount"] == 2
    removed = next(u for u in listed["items"] if u["userId"] == user["userId"])
    assert removed["isRemoved"] is True and removed["isActive"] is False
    active = api.get(f"/{account['id']}/users", params={"filter": "isRemoved eq false"}).json()
    assert [u["userId"] for u in active["items"]] == [other["userId"]]
    assert api.put(f"/{account['id']}/user/{user['userId']}/remove").status_code == 200


def test_a_removed_user_cannot_be_updated_back_to_active(api) -> None:
    account = api.add_account()
    user = api.add_user(account["id"])
    api.put(f"/{account['id']}/user/{user['userId']}/remove")
    path = f"/{account['id']}/user/{user['userId']}"
    assert_error(api.put(path, json={"isActive": True}), 409, "VALIDATION_CONFLICT", "AddUser")
    assert_error(api.put(path, json={"isRemoved": False}), 409, "VALIDATION_CONFLICT")
    assert api.put(path, json={"firstName": "Marcus"}).json()["isRemoved"] is True


def test_adding_a_removed_users_email_restores_it(api) -> None:
    account = api.add_account()
    user = api.add_user(account["id"], roles=(1,))
    api.put(f"/{account['id']}/user/{user['userId']}/remove")
    restored = api.add_user(account["id"], roles=(2,), firstName="Marc")
    assert restored["userId"] == user["userId"]
    assert restored["isRemoved"] is False and restored["isActive"] is True
    assert [r["roleId"] for r in restored["roles"]] == [2]
    assert restored["firstName"] == "Marc"
    assert api.get(f"/{account['id']}/users").json()["totalCount"] == 1


def test_removed_users_email_may_be_reused_after_restore_only_once(api) -> None:
    account = api.add_account()
    user = api.add_user(account["id"])
    api.put(f"/{account['id']}/user/{user['userId']}/remove")
    api.add_user(account["id"])
    assert_error(api.post(f"/{account['id']}/user",
                          json={"b2BUser": {"emailAddress": "markz@test.com"}}),
                 409, "ITEM_ALREADY_EXISTS")


def test_roles_add_list_remove(api) -> None:
    account = api.add_account()
    user = api.add_user(account["id"])
    base = f"/{account['id']}/user/{user['userId']}/roles"
    assert api.get(base).json()["items"] == []
    assert api.post(f"{base}/1").status_code == 200
    assert api.post(f"{base}/1").status_code == 200  # twice is harmless
    assert api.post(f"{base}/3").status_code == 200
    roles = api.get(base).json()
    assert roles["totalCount"] == 2
    assert [(r["roleId"], r["roleName"]) for r in roles["items"]] == [(1, "Admin"),
                                                                       (3, "Nonpurchaser")]
    user_now = api.get(f"/{account['id']}/users").json()["items"][0]
    assert [r["roleId"] for r in user_now["roles"]] == [1, 3]
    assert api.delete(f"{base}/1").status_code == 200
    assert api.delete(f"{base}/1").status_code == 200
    assert [r["roleId"] for r in api.get(base).json()["items"]] == [3]


def test_role_errors(api) -> None:
    account = api.add_account()
    user = api.add_user(account["id"])
    base = f"/{account['id']}/user/{user['userId']}/roles"
    assert_error(api.post(f"{base}/7"), 404, "ITEM_NOT_FOUND", "role 7")
    assert_error(api.delete(f"{base}/7"), 404, "ITEM_NOT_FOUND", "role 7")
    assert_error(api.post(f"/{account['id']}/user/{'a' * 32}/roles/1"), 404, "ITEM_NOT_FOUND")
    assert_error(api.get(f"/{account['id']}/user/{'a' * 32}/roles"), 404, "ITEM_NOT_FOUND")
    api.put(f"/{account['id']}/user/{user['userId']}/remove")
    assert_error(api.post(f"{base}/2"), 409, "VALIDATION_CONFLICT", "removed")


def test_users_of_a_missing_account(api) -> None:
    assert_error(api.get("/999999/users"), 404, "ITEM_NOT_FOUND")
    assert_error(api.put(f"/999999/user/{'a' * 32}/remove"), 404, "ITEM_NOT_FOUND")
