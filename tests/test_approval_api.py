"""New accounts are pending approval; sales reps; the approval state machine."""

from __future__ import annotations

import pytest

from conftest import SALES_REP, assert_error

OTHER_REP = "0123456789abcdef0123456789abcdef"


def test_a_new_account_is_pending_and_inactive_whatever_the_body_says(api) -> None:
    account = api.add_account(isActive=True)
    assert account["approvalStatus"] == "PendingApproval" and account["isActive"] is False
    assert account["salesReps"] == [] and account["rootAccountId"] == account["id"]
    listed = api.get(params={"filter": "approvalStatus eq 'PendingApproval'"}).json()
    assert [a["id"] for a in listed["items"]] == [account["id"]]



def test_the_users_sent_with_a_new_account_are_created_the_first_as_admin(api) -> None:
    account = api.add_account(users=[
        {"emailAddress": "first@example.com", "firstName": "F", "lastName": "One"},
        {"emailAddress": "second@example.com", "firstName": "S", "lastName": "Two"}])
    users = api.get(f"/{account['id']}/users").json()["items"]
    assert [(u["emailAddress"], [r["roleName"] for r in u["roles"]]) for u in users] == [
        ("first@example.com", ["Admin"]), ("second@example.com", [])]
    assert [u["emailAddress"] for u in account["users"]] == ["first@example.com",
                                                             "second@example.com"]
    # the same address twice (in any case) is refused, and no account is left behind
    twice = api.post(json={"companyOrOrganization": "Twice", "externalId": "T2", "users": [
        {"emailAddress": "dup@example.com", "firstName": "A", "lastName": "A"},
        {"emailAddress": "DUP@example.com", "firstName": "B", "lastName": "B"}]})
    assert_error(twice, 409, "ITEM_ALREADY_EXISTS")
    assert api.get(params={"filter": "externalId eq 'T2'"}).json()["totalCount"] == 0


def test_approval_status_sorts_and_filters(api) -> None:
    pending = api.add_account(externalId="P")
    approved = api.add_account(externalId="A")
    api.approve(approved["id"])
    ordered = api.get(params={"sortBy": "approvalStatus asc"}).json()["items"]
    assert [a["approvalStatus"] for a in ordered] == ["Approved", "PendingApproval"]
    ordered = api.get(params={"sortBy": "approvalStatus desc"}).json()["items"]
    assert [a["id"] for a in ordered] == [pending["id"], approved["id"]]

def test_approval_needs_a_sales_rep(api) -> None:
    account = api.add_account()
    body = assert_error(api.put(f"/{account['id']}/status/approve"), 409,
                        "VALIDATION_CONFLICT", "no sales rep")
    assert {"name": "approvalStatus", "value": "PendingApproval"} in body["additionalErrorData"]
    approved = api.approve(account["id"])
    assert approved["approvalStatus"] == "Approved" and approved["isActive"] is True
    assert approved["salesReps"] == [{"accountId": account["id"], "adminUserId": SALES_REP}]


@pytest.mark.parametrize("path, state", [
    (["approve"], "Approved"), (["deny"], "Denied"), (["approve", "disable"], "Inactive"),
    (["approve", "disable", "enable"], "Approved"), (["deny", "approve"], "Approved"),
    (["deny", "enable"], "Approved"), (["approve", "disable", "approve"], "Approved"),
])
def test_allowed_transitions(api, path: list[str], state: str) -> None:
    account = api.add_account()
    api.post(f"/{account['id']}/salesrep/{SALES_REP}")
    for action in path:
        response = api.put(f"/{account['id']}/status/{action}")
        assert response.status_code == 200, response.text
    assert response.json()["approvalStatus"] == state
    assert response.json()["isActive"] is (state == "Approved")


@pytest.mark.parametrize("path, refused, state", [
    ([], "disable", "PendingApproval"), ([], "enable", "PendingApproval"),
    (["approve"], "approve", "Approved"), (["approve"], "deny", "Approved"),
    (["approve"], "enable", "Approved"), (["deny"], "deny", "Denied"),
    (["deny"], "disable", "Denied"), (["approve", "disable"], "disable", "Inactive"),
    (["approve", "disable"], "deny", "Inactive"),
])
def test_other_transitions_are_409s_naming_the_state(api, path, refused: str, state: str) -> None:
    account = api.add_account()
    api.post(f"/{account['id']}/salesrep/{SALES_REP}")
    for action in path:
        assert api.put(f"/{account['id']}/status/{action}").status_code == 200
    assert_error(api.put(f"/{account['id']}/status/{refused}"), 409, "VALIDATION_CONFLICT",
                 state, refused)
    assert api.get(f"/{account['id']}").json()["approvalStatus"] == state


def test_unknown_action_is_400_and_missing_account_404(api) -> None:
    account = api.add_account()
    assert_error(api.put(f"/{account['id']}/status/activate"), 400,
                 "MISSING_OR_INVALID_PARAMETER", "actionName")
    assert_error(api.put("/9999/status/approve"), 404, "ITEM_NOT_FOUND")


def test_update_account_cannot_change_is_active(api) -> None:
    account = api.add_account()
    assert_error(api.put(f"/{account['id']}", json={"isActive": True}), 409,
                 "VALIDATION_CONFLICT", "PendingApproval", "status")
    same = api.put(f"/{account['id']}", json={"isActive": False, "taxId": "1"})
    assert same.status_code == 200 and same.json()["taxId"] == "1"


def test_sales_reps_add_several_replace_remove_and_list(api) -> None:
    one, two = api.add_account(), api.add_account(externalId="C2")
    assert api.post(f"/{one['id']}/salesrep/{SALES_REP}").json()["salesReps"] == [
        {"accountId": one["id"], "adminUserId": SALES_REP}]
    assert api.post(f"/{one['id']}/salesrep/{SALES_REP}").status_code == 200  # harmless
    both = api.post(f"/{one['id']}/addsalesreps", json=[OTHER_REP, SALES_REP]).json()
    assert [r["adminUserId"] for r in both["salesReps"]] == [SALES_REP, OTHER_REP]
    api.put(f"/{two['id']}/salesrep", json=[OTHER_REP])
    assert api.get(f"/salesrep/{OTHER_REP}").json() == [one["id"], two["id"]]
    removed = api.delete(f"/{one['id']}/salesrep/{OTHER_REP}").json()
    assert [r["adminUserId"] for r in removed["salesReps"]] == [SALES_REP]
    assert_error(api.delete(f"/{one['id']}/salesrep/{OTHER_REP}"), 404, "ITEM_NOT_FOUND")
    assert api.get(f"/salesrep/{OTHER_REP}").json() == [two["id"]]
    replaced = api.put(f"/{two['id']}/salesrep", json=[])
    assert replaced.json()["salesReps"] == []
    assert_error(api.post(f"/{one['id']}/salesrep/not-an-id"), 400,
                 "MISSING_OR_INVALID_PARAMETER")


def test_accounts_by_user_are_the_approved_ones_unless_all_are_asked_for(api) -> None:
    approved, pending = api.add_account(), api.add_account(externalId="C2")
    api.approve(approved["id"])
    for account in (approved, pending):
        api.add_user(account["id"], email="buyer@example.com", userName="buyer")
    assert api.get("/accountsbyuser", params={"emailAddress": "BUYER@example.com"}).json() == [
        approved["id"]]
    assert api.get("/accountsbyuser", params={"userName": "buyer", "getAllAccounts": "true"}
                   ).json() == [approved["id"], pending["id"]]
    assert api.get("/accountsbyuser", params={"emailAddress": "nobody@example.com"}).json() == []
    assert api.get("/accountsbyuser").json() == []  # no user has no name


def test_priorities_read_update_delete(api) -> None:
    a, b, c = (api.add_account(externalId=f"C{n}") for n in range(3))
    model = {"accountPriorities": [{"priority": 2, "accounts": [a["id"], b["id"]]}],
             "blackListedAccounts": [c["id"]]}
    answered = api.put("/priority/update", json=model).json()
    assert answered == {"accountPriorities": [{"priority": 2, "accounts": [a["id"], b["id"]]}],
                        "blackListedAccounts": [c["id"]]}
    assert api.get(f"/{c['id']}").json()["priority"] == -1
    assert api.put("/priority/delete", json=[a["id"], c["id"]]).status_code == 200
    assert api.get("/priority/read").json() == {
        "accountPriorities": [{"priority": 2, "accounts": [b["id"]]}], "blackListedAccounts": []}
    twice = {"accountPriorities": [{"priority": 1, "accounts": [a["id"]]}],
             "blackListedAccounts": [a["id"]]}
    assert_error(api.put("/priority/update", json=twice), 409, "VALIDATION_CONFLICT",
                 "more than one priority")
    assert_error(api.put("/priority/delete", json=[9999]), 404, "ITEM_NOT_FOUND")


def test_upgrade_reports_every_id(api) -> None:
    existing = api.add_account()
    answered = api.put("/upgradeaccounts", json=[existing["id"], 77]).json()
    assert answered["successAccountIds"] == [] and answered["skippedAccountIds"] == [
        existing["id"]]
    assert [e["accountID"] for e in answered["errorAccountIds"]] == [77]


def test_an_unknown_path_is_not_a_missing_account(api) -> None:
    """A client reads ITEM_NOT_FOUND as 'the account is gone'; a path the service does not
    have is answered apart: no correlation id (as the Java SDK tells routing 404s apart)."""
    account = api.add_account()
    response = api.get(f"/{account['id']}/nonsense")
    assert response.status_code == 404
    assert response.json()["errorCode"] == "ROUTE_NOT_FOUND"
    assert "x-vol-correlation" not in response.headers
