"""The sync's planner on its own: ERP record + B2B state -> the writes, without a server."""

from __future__ import annotations

from dataclasses import replace

import pytest

from sync_client.erp import AcumaticaFileSource, customer_from_json, customer_to_json
from sync_client.planner import attribute_fqn, plan_customer
from sync_helpers import contact, facebook

from pathlib import Path

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "acumatica"


def user(user_id: str, email: str, role_ids=(2,), removed: bool = False, **fields) -> dict:
    base = {"userId": user_id, "emailAddress": email, "userName": email, "firstName": "Test",
            "lastName": "User", "isActive": not removed, "isRemoved": removed,
            "roles": [{"roleId": r} for r in role_ids]}
    return {**base, **fields}


def account_of(customer, attributes=None) -> dict:
    return {"id": 7, "externalId": customer.customer_id, "companyOrOrganization": customer.name,
            "accountType": "B2B", "isActive": True, "taxId": customer.tax_registration_id,
            "attributes": attributes if attributes is not None else [
                {"fullyQualifiedName": "tenant~customer-class", "values": ["LOCAL"]},
                {"fullyQualifiedName": "tenant~erp-status", "values": ["Active"]},
                {"fullyQualifiedName": "tenant~tier", "values": ["Gold"]}]}


def actions(plan) -> list[str]:
    """The plan's steps as ``AddUser``, ``AddRole1`` (a role step with its role id)."""
    return [f"{s.action}{getattr(s, 'role_id', '')}" for s in plan.steps]


def test_every_kind_of_step_is_registered_under_its_action() -> None:
    from sync_client.steps import STEPS

    assert sorted(STEPS) == ["AddAccount", "AddAttribute", "AddLocation", "AddRole",
                             "AddSalesRep", "AddUser", "ChangeStatus", "DeleteAttribute",
                             "RemoveLocation", "RemoveRole", "RemoveUser", "UpdateAccount",
                             "UpdateAttribute", "UpdateLocation", "UpdateUser"]
    assert all(name == kind.action for name, kind in STEPS.items())


def test_new_customer_is_one_account_call_and_one_user_call_per_contact() -> None:
    plan = plan_customer(facebook(), None, [], {})
    assert actions(plan) == ["AddAccount", "AddUser"]
    assert plan.steps[0].body["externalId"] == "C000000288"
    assert {"fullyQualifiedName": "tenant~tier", "values": ["Gold"]} in \
        plan.steps[0].body["attributes"]
    assert plan.steps[1].body["roles"] == [{"roleId": 1}]


def test_unchanged_customer_plans_nothing() -> None:
    customer = facebook(contacts=(contact(1, "a@fb.com", primary=True,
                                          first="Test", last="User"),))
    plan = plan_customer(customer, account_of(customer), [user("u1", "a@fb.com", (1,))], {1: "u1"})
    assert plan.steps == [] and plan.problems == []


def test_users_are_matched_by_reference_then_by_email_ignoring_case() -> None:
    customer = facebook(contacts=(contact(1, "A@FB.com", primary=True),))
    plan = plan_customer(customer, account_of(customer), [user("u1", "a@fb.com", (1,))], {})
    assert plan.matches == {1: "u1"}
    assert actions(plan) == ["UpdateUser"]  # the e-mail's case follows the ERP


def test_primary_moves_grant_before_revoke() -> None:
    customer = facebook(contacts=(contact(1, "a@fb.com"), contact(2, "b@fb.com", primary=True)))
    users = [user("u1", "a@fb.com", (1,)), user("u2", "b@fb.com", (2,))]
    plan = plan_customer(customer, account_of(customer), users, {1: "u1", 2: "u2"})
    steps = [(s.action, s.role_id, s.user_id) for s in plan.steps]
    assert sorted(steps[:2]) == [("AddRole", 1, "u2"), ("AddRole", 2, "u1")]
    assert sorted(steps[2:]) == [("RemoveRole", 1, "u1"), ("RemoveRole", 2, "u2")]


def test_inactive_disabled_deleted_contacts_remove_their_users() -> None:
    customer = facebook(contacts=(contact(1, "a@fb.com", primary=True, active=False),
                                  contact(2, "b@fb.com", enabled=False)))
    users = [user("u1", "a@fb.com", (1,)), user("u2", "b@fb.com"), user("u3", "c@fb.com")]
    plan = plan_customer(customer, account_of(customer), users, {1: "u1", 2: "u2", 3: "u3"})
    assert sorted((s.action, s.user_id) for s in plan.steps) == [
        ("RemoveUser", "u1"), ("RemoveUser", "u2"), ("RemoveUser", "u3")]
    assert plan.unmanaged == []


def test_removed_user_of_an_active_contact_is_added_again() -> None:
    customer = facebook(contacts=(contact(1, "a@fb.com", primary=True),))
    plan = plan_customer(customer, account_of(customer),
                         [user("u1", "a@fb.com", (1,), removed=True)], {1: "u1"})
    assert actions(plan) == ["AddUser"] and plan.steps[0].reason == "contact is active again"


def test_bad_and_duplicate_emails_are_problems_not_calls() -> None:
    customer = facebook(contacts=(contact(1, None, primary=True), contact(2, "x@fb"),
                                  contact(3, "d@fb.com"), contact(4, "D@fb.com")))
    plan = plan_customer(customer, None, [], {}, approve=False)
    assert actions(plan) == ["AddAccount", "AddUser"]
    assert [(p.level, p.contact_id) for p in plan.problems] == [
        ("ERROR", 1), ("ERROR", 2), ("ERROR", 4), ("WARN", None)]
    assert "without a usable e-mail" in plan.problems[-1].description  # so no Admin



def test_a_contact_given_an_email_another_contact_synced_takes_over_its_user() -> None:
    """Contact 3 was synced as d@fb.com; contact 2, before it, now has the same address: the
    user is contact 2's (no AddUser the service would refuse as a duplicate), and contact 3 is
    the one reported."""
    customer = facebook(contacts=(contact(1, "a@fb.com", primary=True, first="Test",
                                          last="User"),
                                  contact(2, "d@fb.com", first="Test", last="User"),
                                  contact(3, "D@fb.com", first="Test", last="User")))
    users = [user("u1", "a@fb.com", (1,)), user("u3", "d@fb.com")]
    plan = plan_customer(customer, account_of(customer), users, {1: "u1", 3: "u3"})
    assert "AddUser" not in actions(plan)
    assert plan.matches == {1: "u1", 2: "u3"}
    assert [(p.level, p.contact_id) for p in plan.problems] == [("ERROR", 3)]


def test_a_contact_given_the_address_of_one_leaving_the_sync_takes_over_its_user() -> None:
    """Contact 3 was synced as d@fb.com and is now disabled; contact 2 now has that address:
    the user goes to contact 2, neither removed nor added again (the service would refuse the
    add while the user is there)."""
    customer = facebook(contacts=(contact(1, "a@fb.com", primary=True, first="Test",
                                          last="User"),
                                  contact(2, "d@fb.com", first="Test", last="User"),
                                  replace(contact(3, "d@fb.com", first="Test", last="User"),
                                          enabled=False)))
    users = [user("u1", "a@fb.com", (1,)), user("u3", "d@fb.com")]
    plan = plan_customer(customer, account_of(customer), users, {1: "u1", 3: "u3"})
    assert actions(plan) == [] and plan.problems == []
    assert plan.matches == {1: "u1", 2: "u3"}

def test_unmanaged_users_are_reported_or_pruned() -> None:
    customer = facebook()
    stranger = user("u9", "stranger@fb.com")
    assert plan_customer(customer, account_of(customer), [stranger], {}).unmanaged == [stranger]
    pruned = plan_customer(customer, account_of(customer), [stranger], {}, prune=True)
    assert ("RemoveUser", "u9") in [(s.action, s.user_id) for s in pruned.steps]


def test_attributes_are_added_updated_and_deleted() -> None:
    customer = facebook(attributes=(("TIER", "Platinum"), ("Region", "West")))
    current = [{"fullyQualifiedName": "tenant~customer-class", "values": ["LOCAL"]},
               {"fullyQualifiedName": "tenant~erp-status", "values": ["Active"]},
               {"fullyQualifiedName": "tenant~tier", "values": ["Gold"]},
               {"fullyQualifiedName": "tenant~old", "values": ["x"]}]
    plan = plan_customer(replace(customer, contacts=()), account_of(customer, current), [], {})
    assert sorted((s.action, s.fqn) for s in plan.steps) == [
        ("AddAttribute", "tenant~region"), ("DeleteAttribute", "tenant~old"),
        ("UpdateAttribute", "tenant~tier")]


def test_attribute_names_are_made_valid() -> None:
    assert attribute_fqn("CREDIT LIMIT") == "tenant~credit-limit"
    assert attribute_fqn("  ") is None


def test_acumatica_json_round_trips_and_fixtures_read() -> None:
    customers = AcumaticaFileSource(FIXTURES).customers()
    assert len(customers) == 13
    seed = customers[0]
    assert (seed.customer_id, seed.name, seed.primary.email) == ("C000000288", "Facebook",
                                                                  "markz@test.com")
    for customer in customers:
        assert customer_from_json(customer_to_json(customer)) == customer


REP = "5b0e9d19811a4ea99c3588ca64ba61ca"


def status_steps(plan) -> list[str]:
    return [getattr(s, "status", s.action) for s in plan.steps
            if s.action in ("AddSalesRep", "ChangeStatus")]


@pytest.mark.parametrize("customer_status, account_state, reps, expected", [
    ("Active", None, [], ["AddSalesRep", "approve"]),  # a new account
    ("Active", "PendingApproval", [REP], ["approve"]),
    ("Active", "Denied", [], ["AddSalesRep", "approve"]),
    ("Active", "Inactive", [REP], ["enable"]),
    ("Active", "Approved", [REP], []),
    ("OnHold", "Approved", [REP], ["disable"]),
    ("Inactive", "PendingApproval", [], []),
    ("OnHold", None, [], []),
])
def test_accounts_are_approved_for_active_customers_and_disabled_for_others(
        customer_status: str, account_state: str | None, reps: list[str],
        expected: list[str]) -> None:
    customer = facebook(status=customer_status, contacts=())
    account = None
    if account_state is not None:
        account = {**account_of(customer), "approvalStatus": account_state,
                   "salesReps": [{"adminUserId": rep} for rep in reps]}
    plan = plan_customer(customer, account, [], {}, sales_rep=REP)
    assert status_steps(plan) == expected


def test_without_a_sales_rep_a_new_account_stays_pending_and_says_why() -> None:
    plan = plan_customer(facebook(contacts=()), None, [], {})
    assert status_steps(plan) == []
    rep = [p for p in plan.problems if p.action_type == "Customer Sync"]
    assert [p.level for p in rep] == ["WARN"] and "--sales-rep" in rep[0].description


def test_locations_become_addresses_and_follow_the_erp() -> None:
    from sync_client.erp import Location

    main = Location("MAIN", "Head Office", default=True, email="office@fb.com", city="Oslo")
    dock = Location("DOCK", "Dock", city="Bergen")
    customer = facebook(locations=(main, dock))
    plan = plan_customer(customer, account_of(customer), [], {}, account_contacts=[])
    bodies = {s.location: s.body for s in plan.steps if s.action == "AddLocation"}
    assert bodies["MAIN"]["types"] == [{"name": "Billing", "isPrimary": True},
                                       {"name": "Shipping", "isPrimary": True}]
    assert bodies["DOCK"]["types"] == [{"name": "Shipping", "isPrimary": False}]
    assert bodies["DOCK"]["email"] == "markz@test.com"  # the primary contact's
    held = [{**bodies["MAIN"], "id": 1}, {**bodies["DOCK"], "id": 2}]
    same = plan_customer(customer, account_of(customer), [], {}, account_contacts=held,
                         location_refs={"MAIN": 1, "DOCK": 2})
    assert [s.action for s in same.steps if "Location" in s.action] == []
    moved = facebook(locations=(replace(main, default=False), replace(dock, default=True),
                                Location("OLD", "Old", active=False)))
    changed = plan_customer(moved, account_of(moved), [], {}, account_contacts=held,
                            location_refs={"MAIN": 1, "DOCK": 2})
    assert sorted(s.action for s in changed.steps if "Location" in s.action) == [
        "UpdateLocation", "UpdateLocation"]
    gone = plan_customer(facebook(contacts=(), locations=(replace(dock, email=None),)),
                         account_of(customer), [], {}, account_contacts=held,
                         location_refs={"MAIN": 1, "DOCK": 2})
    removed = sorted((s.location, s.reason) for s in gone.steps if s.action == "RemoveLocation")
    assert removed == [("DOCK", "location has no e-mail address to carry"),
                       ("MAIN", "location was deleted in the ERP")]
    assert any(p.action_type == "Customer Location" and p.level == "WARN" for p in gone.problems)


def test_a_customer_without_a_usable_primary_contact_is_a_warning() -> None:
    for contacts in ((), (contact(1, "a@fb.com"),), (contact(1, "a@fb.com", primary=True,
                                                          active=False),)):
        plan = plan_customer(facebook(contacts=contacts), None, [], {}, sales_rep="r")
        warned = [p for p in plan.problems if p.action_type == "Customer Contact"]
        assert [p.level for p in warned] == ["WARN"] and "no Admin" in warned[0].description
    assert not plan_customer(facebook(), None, [], {}, sales_rep="r").problems
