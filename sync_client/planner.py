"""What a sync must do for one customer: a pure function of the ERP record and the B2B state.

The rules (those of the connector walkthrough, see the README's sync section):

* the customer is a B2B account: ``externalId`` = customer id, ``companyOrOrganization`` = name;
* each contact that is active and enabled for the connection is an active user, its e-mail its
  user name; the primary contact has the Admin role, the others the default role;
* a contact that is inactive, disabled or deleted from the ERP has its user removed (softly);
* contacts sharing an e-mail are one user, the primary's or else the lowest contact id's (the
  others are ERROR rows); a contact given a user's address takes that user over from the
  contact that held it, rather than adding a second user with that address;
* when the primary changes, every role grant comes before every role revocation, so the new
  primary is Admin before the old one stops being it;
* users that match no contact are left alone and reported, or removed with ``prune``;
* a customer without a usable primary contact (none named, inactive, not enabled, no usable
  e-mail) gets no Admin: a WARN row says so;
* each active location is a contact (an address) of the account: Shipping, and for the
  customer's default location also Billing, primary for both; its e-mail is the location's, or
  the primary contact's; an inactive or deleted location's contact is deleted, and so is the
  contact of a location left with no e-mail to carry. Locations are
  found again by the stored reference, then by label (the location's name).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from .erp import Contact, Customer, Location
from .roles import ADMIN, PURCHASER, ROLE_NAMES
from .steps import (AddAccount, AddAttribute, AddLocation, AddRole, AddSalesRep, AddUser,
                    ChangeStatus, DeleteAttribute, RemoveLocation, RemoveRole, RemoveUser, Step,
                    UpdateAccount, UpdateAttribute, UpdateLocation, UpdateUser)

ATTRIBUTE_NAMESPACE = "tenant"
PENDING, APPROVED, INACTIVE = "PendingApproval", "Approved", "Inactive"


@dataclass
class Problem:
    """Something the sync cannot do for a record, reported as a log row without a call."""

    level: str
    action_type: str
    description: str
    contact_id: int | None = None
    payload: Any = None


@dataclass
class Plan:
    customer: Customer
    account_id: int | None
    steps: list[Step] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    unmanaged: list[dict[str, Any]] = field(default_factory=list)
    matches: dict[int, str] = field(default_factory=dict)  # contact id -> user id
    located: dict[str, int] = field(default_factory=dict)  # location id -> account contact id


def attribute_fqn(attribute_id: str) -> str | None:
    """``CREDIT LIMIT`` -> ``tenant~credit-limit``; None when nothing usable is left."""
    name = re.sub(r"[^a-z0-9_.-]+", "-", attribute_id.strip().lower()).strip("-")[:100]
    return f"{ATTRIBUTE_NAMESPACE}~{name}" if name else None


def desired_attributes(customer: Customer) -> dict[str, list[str]]:
    """The account attributes that mirror the customer: its ERP attributes, class and status."""
    wanted: dict[str, list[str]] = {}
    if customer.customer_class:
        wanted[f"{ATTRIBUTE_NAMESPACE}~customer-class"] = [customer.customer_class]
    wanted[f"{ATTRIBUTE_NAMESPACE}~erp-status"] = [customer.status]
    for attribute_id, value in customer.attributes:
        fqn = attribute_fqn(attribute_id)
        if fqn is not None:
            wanted[fqn] = [value]
    return wanted


def desired_account(customer: Customer) -> dict[str, Any]:
    """The account's own fields (whether it is active follows its approval: ``_plan_status``)."""
    return {
        "externalId": customer.customer_id,
        "companyOrOrganization": customer.name,
        "accountType": "B2B",
        "taxId": customer.tax_registration_id,
    }


def desired_user(contact: Contact) -> dict[str, Any]:
    return {
        "emailAddress": contact.email,
        "userName": contact.email,
        "firstName": contact.first_name,
        "lastName": contact.last_name,
        "isActive": True,
    }


def desired_role(contact: Contact, default_role: int) -> int:
    return ADMIN if contact.primary else default_role


def _role_ids(user: dict[str, Any]) -> set[int]:
    return {r["roleId"] for r in user.get("roles") or []}


def _same_email(a: str | None, b: str | None) -> bool:
    return bool(a) and bool(b) and a.casefold() == b.casefold()  # type: ignore[union-attr]


def _match(contacts: list[Contact], users: list[dict[str, Any]],
           refs: dict[int, str]) -> dict[int, dict[str, Any]]:
    """Pair contacts with users: by the stored reference first, then by e-mail."""
    by_id = {u["userId"]: u for u in users}
    matched: dict[int, dict[str, Any]] = {}
    taken: set[str] = set()
    for contact in contacts:
        user = by_id.get(refs.get(contact.contact_id, ""))
        if user is not None and user["userId"] not in taken:
            matched[contact.contact_id] = user
            taken.add(user["userId"])
    for contact in contacts:
        if contact.contact_id in matched or not contact.email:
            continue
        candidates = [u for u in users if u["userId"] not in taken
                      and _same_email(u.get("emailAddress"), contact.email)]
        candidates.sort(key=lambda u: bool(u.get("isRemoved")))  # active users first
        if candidates:
            matched[contact.contact_id] = candidates[0]
            taken.add(candidates[0]["userId"])
    return matched


def _shadowed(contacts: list[Contact]) -> set[int]:
    """The synced contacts (in ``contacts``' order) whose e-mail an earlier one already has."""
    seen: set[str] = set()
    shadowed: set[int] = set()
    for contact in contacts:
        if contact.wanted and contact.usable_email:
            key = contact.email.casefold()  # type: ignore[union-attr]
            if key in seen:
                shadowed.add(contact.contact_id)
            seen.add(key)
    return shadowed


def plan_customer(customer: Customer, account: dict[str, Any] | None,
                  users: list[dict[str, Any]], refs: dict[int, str],
                  default_role: int = PURCHASER, prune: bool = False,
                  sales_rep: str | None = None, approve: bool = True,
                  account_contacts: list[dict[str, Any]] | None = None,
                  location_refs: dict[str, int] | None = None) -> Plan:
    """The writes that make the B2B side match ``customer``.

    ``account`` is the B2B account found for the customer (None when there is none), ``users``
    its users (removed ones included), ``refs`` the contact id -> user id references of earlier
    runs; ``account_contacts`` the account's contacts (addresses) and ``location_refs`` the
    location id -> contact id references.
    """
    plan = Plan(customer, account["id"] if account else None)
    _plan_account(plan, customer, account)
    _plan_status(plan, customer, account, sales_rep, approve)
    contacts = sorted(customer.contacts, key=lambda c: (not c.primary, c.contact_id))
    # The contacts to sync pick their users first: a user an earlier run gave to a contact now
    # inactive, or that shares its e-mail with one before it, goes to the contact that now has
    # its address rather than being removed and added again (which the service refuses). The
    # others then find theirs, so that a contact leaving the sync takes its user with it.
    shadowed = _shadowed(contacts)
    synced = [c for c in contacts
              if c.contact_id not in shadowed and c.wanted and c.usable_email]
    matched = _match(synced, users, refs)
    taken = {u["userId"] for u in matched.values()}
    synced_ids = {c.contact_id for c in synced}
    matched.update(_match([c for c in contacts if c.contact_id not in shadowed | synced_ids],
                          [u for u in users if u["userId"] not in taken], refs))
    plan.matches = {cid: u["userId"] for cid, u in matched.items()}
    grants: list[Step] = []
    revokes: list[Step] = []
    removals: list[RemoveUser] = []
    seen_emails: dict[str, int] = {}
    for contact in contacts:
        user = matched.get(contact.contact_id)
        if not contact.wanted:
            if user is not None and not user.get("isRemoved"):
                why = "inactive in the ERP" if not contact.active else \
                    "not enabled for the commerce connection"
                removals.append(_removal(contact.contact_id, user, f"contact is {why}"))
            continue
        if not contact.usable_email:
            plan.problems.append(Problem(
                "ERROR", "Customer Contact",
                f"Customer Contact {contact.display_name} ({contact.contact_id}) has no usable "
                f"e-mail address ({contact.email!r}); it is not synced.", contact.contact_id))
            if user is not None and not user.get("isRemoved"):
                removals.append(_removal(contact.contact_id, user, "contact has no usable e-mail"))
            continue
        key = contact.email.casefold()  # type: ignore[union-attr]
        if key in seen_emails:
            plan.problems.append(Problem(
                "ERROR", "Customer Contact",
                f"Customer Contact {contact.display_name} ({contact.contact_id}) has the same "
                f"e-mail as contact {seen_emails[key]}; it is not synced.", contact.contact_id))
            continue
        seen_emails[key] = contact.contact_id
        _plan_contact(plan, contact, user, default_role, grants, revokes)
    _plan_deleted(plan, customer, users, refs, matched, removals)
    managed = {u["userId"] for u in matched.values()} | {s.user_id for s in removals}
    plan.unmanaged = [u for u in users if u["userId"] not in managed and not u.get("isRemoved")]
    if prune:
        removals.extend(RemoveUser("user matches no ERP contact (--prune)", user_id=u["userId"])
                        for u in plan.unmanaged)
    _warn_without_primary(plan, customer)
    plan.steps.extend([*grants, *revokes, *removals])
    _plan_locations(plan, customer, account_contacts or [], location_refs or {})
    return plan


def _warn_without_primary(plan: Plan, customer: Customer) -> None:
    primary = customer.primary
    if primary is None:
        why = "names no primary contact"
    elif not primary.active:
        why = f"has an inactive primary contact ({primary.display_name})"
    elif not primary.enabled:
        why = f"has a primary contact ({primary.display_name}) not enabled for the connection"
    elif not primary.usable_email:
        why = f"has a primary contact ({primary.display_name}) without a usable e-mail address"
    else:
        return
    plan.problems.append(Problem(
        "WARN", "Customer Contact",
        f"Customer {customer.customer_id} {why}: its B2B account has no Admin from the ERP."))


def location_email(customer: Customer, location: Location) -> str | None:
    """The e-mail a location's account contact carries: its own, or the primary contact's."""
    if location.email:
        return location.email
    primary = customer.primary
    return primary.email if primary is not None and primary.usable_email else None


def desired_location(customer: Customer, location: Location) -> dict[str, Any]:
    types = [{"name": "Shipping", "isPrimary": location.default}]
    if location.default:
        types.insert(0, {"name": "Billing", "isPrimary": True})
    return {
        "email": location_email(customer, location),
        "firstName": location.first_name,
        "lastNameOrSurname": location.last_name,
        "companyOrOrganization": location.company or customer.name,
        "label": location.name or location.location_id,
        "address": {"address1": location.address1, "address2": location.address2,
                    "cityOrTown": location.city, "stateOrProvince": location.state,
                    "postalOrZipCode": location.postal_code, "countryCode": location.country},
        "phoneNumbers": {"work": location.phone},
        "types": types,
    }


def _differs(wanted: dict[str, Any], current: dict[str, Any]) -> list[str]:
    """The fields of ``wanted`` the account contact does not hold (types in any order)."""
    changed = []
    for name, value in wanted.items():
        held = current.get(name)
        if name == "types":
            same = sorted((t["name"], bool(t["isPrimary"])) for t in value) == sorted(
                (t.get("name"), bool(t.get("isPrimary"))) for t in held or [])
        elif isinstance(value, dict):
            same = all((held or {}).get(k) == v for k, v in value.items())
        else:
            same = held == value
        if not same:
            changed.append(name)
    return changed


def _plan_locations(plan: Plan, customer: Customer, existing: list[dict[str, Any]],
                    refs: dict[str, int]) -> None:
    by_id = {c["id"]: c for c in existing}
    taken: set[int] = set()
    matched: dict[str, dict[str, Any]] = {}
    locations = sorted(customer.locations, key=lambda loc: (not loc.default, loc.location_id))
    for location in locations:
        found = by_id.get(refs.get(location.location_id, -1))
        if found is not None:
            matched[location.location_id] = found
            taken.add(found["id"])
    for location in locations:
        if location.location_id in matched:
            continue
        label = (location.name or location.location_id).casefold()
        found = next((c for c in existing if c["id"] not in taken
                      and str(c.get("label") or "").casefold() == label), None)
        if found is not None:
            matched[location.location_id] = found
            taken.add(found["id"])
    plan.located = {lid: c["id"] for lid, c in matched.items()}
    for location in locations:
        current = matched.get(location.location_id)
        if not location.active:
            if current is not None:
                plan.steps.append(RemoveLocation("location is inactive in the ERP",
                                                 location=location.location_id,
                                                 contact_ref=current["id"]))
            continue
        wanted = desired_location(customer, location)
        if wanted["email"] is None:
            plan.problems.append(Problem(
                "WARN", "Customer Location",
                f"Customer Location {location.name or location.location_id} of "
                f"{customer.customer_id} has no e-mail address, nor has the customer a usable "
                "primary contact; it is not synced."))
            if current is not None:  # an address needs an e-mail: the old one is out of date
                plan.steps.append(RemoveLocation("location has no e-mail address to carry",
                                                 location=location.location_id,
                                                 contact_ref=current["id"]))
            continue
        if current is None:
            plan.steps.append(AddLocation("new location", body=wanted,
                                          location=location.location_id))
        elif changed := _differs(wanted, current):
            plan.steps.append(UpdateLocation(
                f"changed in the ERP: {', '.join(changed)}", body=wanted,
                location=location.location_id, contact_ref=current["id"]))
    present = {loc.location_id for loc in customer.locations}
    for location_id, contact_id in sorted(refs.items()):
        if location_id not in present and contact_id in by_id and contact_id not in taken:
            plan.steps.append(RemoveLocation("location was deleted in the ERP",
                                             location=location_id, contact_ref=contact_id))


def _removal(contact_id: int | None, user: dict[str, Any], why: str) -> RemoveUser:
    return RemoveUser(why, contact=contact_id, user_id=user["userId"])


def _plan_status(plan: Plan, customer: Customer, account: dict[str, Any] | None,
                 sales_rep: str | None, approve: bool) -> None:
    """The service creates accounts pending approval: an active customer's account is approved
    (its sales rep assigned first, as the service requires); a customer on hold or inactive has
    its account disabled, and enabled again when it is active."""
    state = (account.get("approvalStatus") or APPROVED) if account else PENDING
    if customer.status != "Active":
        if state == APPROVED:
            plan.steps.append(ChangeStatus(f"customer is {customer.status} in the ERP",
                                           status="disable"))
        return
    if state == APPROVED or not approve:
        return
    reps = (account.get("salesReps") or []) if account else []
    if not reps:
        if sales_rep is None:
            plan.problems.append(Problem(
                "WARN", "Customer Sync",
                f"The B2B account of {customer.customer_id} stays {state}: the service approves "
                "an account with a sales rep, and none is configured (--sales-rep)."))
            return
        plan.steps.append(AddSalesRep("the service approves an account that has a sales rep",
                                      rep_id=sales_rep))
    plan.steps.append(ChangeStatus(f"customer is Active in the ERP, the account {state}",
                                   status="enable" if state == INACTIVE else "approve"))


def _plan_account(plan: Plan, customer: Customer, account: dict[str, Any] | None) -> None:
    wanted = desired_account(customer)
    attributes = desired_attributes(customer)
    if account is None:
        body = {**wanted, "attributes": [{"fullyQualifiedName": fqn, "values": values}
                                         for fqn, values in attributes.items()]}
        plan.steps.append(AddAccount("no B2B account has this externalId yet", body=body))
        return
    changed = sorted(k for k, v in wanted.items() if account.get(k) != v)
    if changed:
        plan.steps.append(UpdateAccount(f"changed in the ERP: {', '.join(changed)}", body=wanted))
    current = {a["fullyQualifiedName"].casefold(): a for a in account.get("attributes") or []}
    for fqn, values in attributes.items():
        existing = current.pop(fqn.casefold(), None)
        body = {"fullyQualifiedName": fqn, "values": values}
        if existing is None:
            plan.steps.append(AddAttribute("new in the ERP", body=body, fqn=fqn))
        elif [str(v) for v in existing.get("values") or []] != values:
            plan.steps.append(UpdateAttribute("value changed in the ERP", body=body,
                                              fqn=existing["fullyQualifiedName"]))
    for existing in current.values():
        plan.steps.append(DeleteAttribute("not in the ERP", fqn=existing["fullyQualifiedName"]))


def _plan_contact(plan: Plan, contact: Contact, user: dict[str, Any] | None, default_role: int,
                  grants: list[Step], revokes: list[Step]) -> None:
    wanted = desired_user(contact)
    role = desired_role(contact, default_role)
    if user is None or user.get("isRemoved"):
        reason = "new contact" if user is None else "contact is active again"
        plan.steps.append(AddUser(reason, body={**wanted, "roles": [{"roleId": role}]},
                                  contact=contact.contact_id))
        return
    changed = sorted(k for k, v in wanted.items() if user.get(k) != v)
    if changed:
        plan.steps.append(UpdateUser(f"changed in the ERP: {', '.join(changed)}", body=wanted,
                                     contact=contact.contact_id, user_id=user["userId"]))
    held = _role_ids(user)
    if role not in held:
        grants.append(AddRole(f"{'primary contact' if role == ADMIN else 'contact'} needs "
                              f"{ROLE_NAMES[role]}", contact=contact.contact_id,
                              user_id=user["userId"], role_id=role))
    for extra in sorted(held & set(ROLE_NAMES) - {role}):
        revokes.append(RemoveRole(f"{ROLE_NAMES[extra]} belongs to "
                                  f"{'the primary contact' if extra == ADMIN else 'other contacts'}",
                                  contact=contact.contact_id, user_id=user["userId"],
                                  role_id=extra))


def _plan_deleted(plan: Plan, customer: Customer, users: list[dict[str, Any]],
                  refs: dict[int, str], matched: dict[int, dict[str, Any]],
                  removals: list[RemoveUser]) -> None:
    """Users of contacts that earlier runs synced and that the ERP no longer has."""
    present = {c.contact_id for c in customer.contacts}
    by_id = {u["userId"]: u for u in users}
    claimed = {u["userId"] for u in matched.values()}
    for contact_id, user_id in sorted(refs.items()):
        user = by_id.get(user_id)
        if contact_id in present or user is None or user_id in claimed:
            continue
        if not user.get("isRemoved"):
            removals.append(_removal(contact_id, user, "contact was deleted in the ERP"))
