"""B2B accounts: creating, reading, listing and changing them, their approval, sales reps,
hierarchy and priorities.

Rules kept here:

- The service assigns integer account ids (from 1001, per tenant). An account's ``externalId``
  is unique in its tenant regardless of case (a mock rule: a sync that creates duplicates fails
  here).
- A new account is pending approval (``approvalStatus`` PendingApproval, not active), whatever
  the body says; the users sent with it are created with it, the first as its Admin. A parent
  named on creation must exist; the new account takes its root, and the custom roles the parent
  (or an ancestor) hands down.
- Approval moves through ``status/{action}``: approve and deny a pending account, disable an
  approved one, enable or approve a disabled or denied one. An account becomes approved only
  with at least one sales rep. ``isActive`` follows: true only when approved; UpdateAccount
  cannot change it.
- Users, attributes, contacts, sales reps, the hierarchy, the approval status, ids and
  ``auditInfo`` are not changed by UpdateAccount.
- A parent change keeps the hierarchy a tree: an account cannot become its own ancestor.
"""

from __future__ import annotations

import functools
from typing import Any

from . import attributes, audit, contacts, custom_roles, users
from .call import Call
from .errors import already_exists, bad_request, conflict, not_found, shown
from .ports import Writes
from .query.filters import Filter, parse_datetime
from .query.paging import ListQuery, page, predicate_for
from .records import editable_account, save_account, stored_account

FIRST_ACCOUNT_ID = 1001
TEXT_FIELDS = ("companyOrOrganization", "externalId", "taxId")

PENDING, APPROVED, DENIED, INACTIVE = "PendingApproval", "Approved", "Denied", "Inactive"
# action -> (the states it applies to, the state it leads to)
TRANSITIONS: dict[str, tuple[tuple[str, ...], str]] = {
    "approve": ((PENDING, DENIED, INACTIVE), APPROVED),
    "deny": ((PENDING,), DENIED),
    "disable": ((APPROVED,), INACTIVE),
    "enable": ((INACTIVE, DENIED), APPROVED),
}

DEFAULTS: dict[str, Any] = {
    "accountType": "B2B", "companyOrOrganization": None, "customerSet": None,
    "customerSinceDate": None, "externalId": None, "isActive": False, "priceList": None,
    "taxExempt": False, "taxId": None, "approvalStatus": PENDING, "parentAccountId": None,
    "priority": None, "migrationRequired": False, "salesReps": [],
}
# What an account holds that other operations (or nothing in the mock) manage: answered as the
# service answers an account that has none of them.
MANAGED: dict[str, Any] = {
    "notes": [], "segments": [],
    "commerceSummary": {"totalOrderAmount": {"currencyCode": "USD", "amount": 0},
                        "orderCount": 0, "lastOrderDate": None, "wishlistCount": 0,
                        "visitsCount": 0},
}
# Fields the body of AddAccount or UpdateAccount may hold that no body changes.
NOT_WRITTEN = ("isActive", "approvalStatus", "parentAccountId", "rootAccountId", "salesReps")


def account_fields(call: Call) -> dict[str, str]:
    return call.catalog.field_types("B2BAccount")


def _check_fields(call: Call, fields: dict[str, Any]) -> dict[str, Any]:
    """The client's writable scalar fields, checked beyond what the schema can say."""
    writable = call.catalog.writable_fields("B2BAccountInput")
    clean = {k: v for k, v in fields.items() if k in writable and k not in NOT_WRITTEN}
    if "companyOrOrganization" in clean and clean["companyOrOrganization"] is None:
        raise bad_request("companyOrOrganization must not be empty", field="companyOrOrganization")
    for name in ("companyOrOrganization", "externalId"):
        value = clean.get(name)
        if isinstance(value, str) and \
                not call.catalog.pattern("B2BAccountInput", name).search(value):
            raise bad_request(f"{name} must not be empty", field=name)
    if clean.get("customerSinceDate") is not None:
        try:
            parse_datetime(clean["customerSinceDate"])
        except ValueError:
            raise bad_request(f"customerSinceDate '{shown(clean['customerSinceDate'])}' is not an "
                              "ISO 8601 date-time", field="customerSinceDate") from None
    return clean


def _check_external_id_free(call: Call, external_id: str | None,
                            own_id: int | None = None) -> None:
    if external_id is None:
        return
    for doc_id in call.store.lookup(call.scope.accounts, "externalId", external_id):
        if doc_id != own_id:
            raise already_exists(f"An account with externalId '{shown(external_id)}' already exists "
                                 f"(id {doc_id})", externalId=external_id, id=doc_id)


def present(call: Call, doc: dict[str, Any], with_users: bool = True) -> dict[str, Any]:
    """The account as the service answers it, with its users when asked, and its contacts
    (every field of the published model; a root account is its own root).

    Stored documents are never changed in place, so they go out uncopied.
    """
    body = {**DEFAULTS, **MANAGED, "rootAccountId": doc["id"], **doc}
    body["approvalStatus"] = approval_status(doc)
    body["isActive"] = body["approvalStatus"] == APPROVED
    if with_users:
        body["users"] = [users.present(user)
                         for user in call.store.docs(call.scope.users(doc["id"]))]
    body["contacts"] = contacts.of_account(call, doc["id"])
    return body


def _new_users(call: Call, account_id: int, bodies: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The users sent with a new account, the first its Admin; names must not repeat."""
    made: list[dict[str, Any]] = []
    seen: set[str] = set()
    for number, body in enumerate(bodies):
        fields = users.new_fields(call, body)
        for key in {fields["emailAddress"].casefold(), str(fields["userName"]).casefold()}:
            if key in seen:
                raise already_exists(f"The account's users name '{shown(key)}' twice",
                                     emailAddress=fields["emailAddress"])
            seen.add(key)
        held = users.requested_roles(call, account_id, body.get("roles") or [])
        if number == 0 and not any(role["id"] == 1 for role in held):
            held = [*users.requested_roles(call, account_id, [{"roleId": 1}]), *held]
        made.append(users.built(call, account_id, fields, held, False))
    return made


def add_account(call: Call, body: dict[str, Any]) -> dict[str, Any]:
    fields = _check_fields(call, body)
    if "companyOrOrganization" not in fields:
        raise bad_request("companyOrOrganization is required", field="companyOrOrganization")
    with call.store.transaction() as tx:
        _check_external_id_free(call, fields.get("externalId"))
        parent_id = body.get("parentAccountId")
        parent = stored_account(call, parent_id) if parent_id is not None else None
        account_id = tx.next_id(call.scope.accounts, FIRST_ACCOUNT_ID)
        doc = {**DEFAULTS, **fields, "id": account_id, "approvalStatus": PENDING,
               "isActive": False, "salesReps": [], "parentAccountId": parent_id,
               "rootAccountId": (parent.get("rootAccountId") or parent["id"])
               if parent is not None else account_id}
        if doc["customerSinceDate"] is None:
            doc["customerSinceDate"] = audit.now_iso()
        doc["attributes"] = attributes.initial(call, tx, body.get("attributes") or [])
        doc["auditInfo"] = audit.created(call.actor)
        tx.put(call.scope.accounts, account_id, doc)
        for user in _new_users(call, account_id, body.get("users") or []):
            users.put_new(call, tx, account_id, user)
        custom_roles.inherit(call, tx, account_id, _ancestors(call, parent))
    return get_account(call, account_id)


def update_account(call: Call, account_id: int, body: dict[str, Any]) -> dict[str, Any]:
    fields = _check_fields(call, body)
    with call.store.transaction() as tx:
        doc = editable_account(call, account_id)
        active = approval_status(doc) == APPROVED
        if body.get("isActive") is not None and body["isActive"] != active:
            raise conflict(f"B2B account {account_id} is {approval_status(doc)}: isActive follows the "
                           "approval status; change it with PUT .../status/enable or "
                           "disable", accountId=account_id)
        if "externalId" in fields:
            _check_external_id_free(call, fields["externalId"], account_id)
        doc.update(fields)
        save_account(call, tx, doc)
    return present(call, doc)


def get_account(call: Call, account_id: int) -> dict[str, Any]:
    with call.store.lock:
        return present(call, stored_account(call, account_id))


def list_accounts(call: Call, query: ListQuery) -> dict[str, Any]:
    fields = account_fields(call)
    matching = predicate_for(query, fields)
    with call.store.lock:
        docs = _filtered(call, call.scope.accounts, matching)
        envelope = page(docs, query, fields, TEXT_FIELDS)
        envelope["items"] = [present(call, doc) for doc in envelope["items"]]
    return envelope


def _filtered(call: Call, table: str, matching: Filter | None) -> list[dict[str, Any]]:
    """The accounts ``matching`` accepts, in id order (the table's order: new accounts always
    get higher ids). Only the candidates the indexes name are tested when they narrow the
    search (the sync's ``externalId eq '...'``, a name prefix); otherwise every account is."""
    if matching is None:
        return call.store.docs(table)
    ids = matching.candidates(functools.partial(call.store.candidates, table))
    if ids is None:
        return [doc for doc in call.store.docs(table) if matching.matches(doc)]
    found = (call.store.get(table, doc_id) for doc_id in sorted(ids))
    return [doc for doc in found if doc is not None and matching.matches(doc)]


# ---------------------------------------------------------------- approval
def approval_status(doc: dict[str, Any]) -> str:
    """The account's approval status (an account stored before approval existed counts as
    approved when it was active, disabled when not)."""
    state: str | None = doc.get("approvalStatus")
    if state is None:
        return APPROVED if doc.get("isActive") else INACTIVE
    return state


def change_status(call: Call, account_id: int, action: str) -> dict[str, Any]:
    """Carry out an approval action, or say why the account's state does not allow it."""
    if action not in TRANSITIONS:
        raise bad_request(f"Unknown action '{action}'; the actions are "
                          f"{', '.join(TRANSITIONS)}", actionName=action)
    applies_to, leads_to = TRANSITIONS[action]
    with call.store.transaction() as tx:
        doc = editable_account(call, account_id)
        state = approval_status(doc)
        if state not in applies_to:
            raise conflict(f"B2B account {account_id} is {state}: '{action}' applies to an "
                           f"account that is {' or '.join(applies_to)}",
                           accountId=account_id, approvalStatus=state)
        if leads_to == APPROVED and not doc.get("salesReps"):
            raise conflict(f"B2B account {account_id} has no sales rep: assign one (POST "
                           f".../{account_id}/salesrep/{{userId}}) before it is approved",
                           accountId=account_id, approvalStatus=state)
        doc["approvalStatus"] = leads_to
        doc["isActive"] = leads_to == APPROVED
        save_account(call, tx, doc)
    return present(call, doc)


# ---------------------------------------------------------------- sales reps
def _set_reps(call: Call, account_id: int, rep_ids: list[str]) -> dict[str, Any]:
    with call.store.transaction() as tx:
        doc = editable_account(call, account_id)
        wanted = list(dict.fromkeys(rep_ids))
        current = [rep["adminUserId"] for rep in doc.get("salesReps") or []]
        if wanted != current:
            doc["salesReps"] = [{"accountId": account_id, "adminUserId": rep} for rep in wanted]
            save_account(call, tx, doc)
    return present(call, doc)


def _reps(call: Call, account_id: int) -> list[str]:
    with call.store.lock:
        return [rep["adminUserId"]
                for rep in stored_account(call, account_id).get("salesReps") or []]


def add_sales_reps(call: Call, account_id: int, rep_ids: list[str]) -> dict[str, Any]:
    """Add reps to the account's (adding one it has is harmless)."""
    with call.store.lock:
        return _set_reps(call, account_id, [*_reps(call, account_id), *rep_ids])


def set_sales_reps(call: Call, account_id: int, rep_ids: list[str]) -> dict[str, Any]:
    """Replace the account's reps."""
    return _set_reps(call, account_id, rep_ids)


def remove_sales_rep(call: Call, account_id: int, rep_id: str) -> dict[str, Any]:
    with call.store.lock:
        current = _reps(call, account_id)
        if rep_id not in current:
            raise not_found(f"Sales rep {rep_id} is not assigned to B2B account {account_id}",
                            accountId=account_id, userId=rep_id)
        return _set_reps(call, account_id, [rep for rep in current if rep != rep_id])


def accounts_of_sales_rep(call: Call, rep_id: str) -> list[int]:
    with call.store.lock:
        return [doc["id"] for doc in call.store.docs(call.scope.accounts)
                if any(rep["adminUserId"] == rep_id for rep in doc.get("salesReps") or [])]


# ---------------------------------------------------------------- hierarchy
def _root(doc: dict[str, Any]) -> int:
    root: int = doc.get("rootAccountId") or doc["id"]
    return root


def _ancestors(call: Call, doc: dict[str, Any] | None) -> list[int]:
    """``doc``'s id and its ancestors' ids, nearest first."""
    found: list[int] = []
    while doc is not None and doc["id"] not in found:
        found.append(doc["id"])
        parent = doc.get("parentAccountId")
        doc = call.store.get(call.scope.accounts, parent) if parent is not None else None
    return found


def _tree(call: Call, root: int) -> list[dict[str, Any]]:
    """The accounts of the hierarchy whose root is ``root``, in id order."""
    ids = set(call.store.lookup(call.scope.accounts, "rootAccountId", root)) | {root}
    found = (call.store.get(call.scope.accounts, doc_id) for doc_id in sorted(ids))
    return [doc for doc in found if doc is not None]


def hierarchy(call: Call, account_id: int) -> dict[str, Any]:
    """The whole hierarchy the account belongs to: its accounts, and the tree from its root."""
    with call.store.lock:
        docs = _tree(call, _root(stored_account(call, account_id)))
        children: dict[int, list[int]] = {}
        for doc in docs:
            if doc.get("parentAccountId") is not None:
                children.setdefault(doc["parentAccountId"], []).append(doc["id"])

        def node(doc_id: int) -> dict[str, Any]:
            return {"id": doc_id, "children": [node(child) for child in children.get(doc_id, [])]}

        root = _root(docs[0]) if docs else account_id
        return {"accounts": [present(call, doc) for doc in docs], "hierarchy": node(root)}


def change_parent(call: Call, account_id: int, parent_id: int) -> dict[str, Any]:
    """Move the account (with everything below it) under ``parent_id``."""
    with call.store.transaction() as tx:
        doc = editable_account(call, account_id)
        parent = stored_account(call, parent_id)
        if parent_id == account_id:
            raise conflict(f"B2B account {account_id} cannot be its own parent",
                           accountId=account_id, parentAccountId=parent_id)
        if account_id in _ancestors(call, parent):
            raise conflict(f"B2B account {parent_id} is below {account_id} in its hierarchy: "
                           "moving it there would make a cycle", accountId=account_id,
                           parentAccountId=parent_id)
        if doc.get("parentAccountId") == parent_id:
            return present(call, doc)
        new_root = _root(parent)
        moved = _below(call, doc)
        doc["parentAccountId"] = parent_id
        for changed in [doc, *moved]:
            changed["rootAccountId"] = new_root
            save_account(call, tx, changed)
    return get_account(call, account_id)


def _below(call: Call, doc: dict[str, Any]) -> list[dict[str, Any]]:
    """Editable copies of every account below ``doc``."""
    tree = _tree(call, _root(doc))
    children: dict[int, list[dict[str, Any]]] = {}
    for other in tree:
        if other.get("parentAccountId") is not None:
            children.setdefault(other["parentAccountId"], []).append(other)
    found: list[dict[str, Any]] = []
    waiting = list(children.get(doc["id"], []))
    while waiting:
        child = waiting.pop()
        found.append(editable_account(call, child["id"]))
        waiting.extend(children.get(child["id"], []))
    return found


# ---------------------------------------------------------------- accounts by user
def accounts_of_user(call: Call, email: str | None, user_name: str | None,
                     all_accounts: bool) -> list[int]:
    """The accounts where a user (not removed) has this e-mail (or, without one, this user
    name); the approved ones only unless ``all_accounts``."""
    field, value = ("emailAddress", email) if email else ("userName", user_name)
    if not value:
        return []  # no user has no name
    with call.store.lock:
        found = []
        for doc in call.store.docs(call.scope.accounts):
            if not all_accounts and approval_status(doc) != APPROVED:
                continue
            table = call.scope.users(doc["id"])
            holders = (call.store.get(table, doc_id)
                       for doc_id in call.store.lookup(table, field, value))
            if any(user is not None and not user.get("isRemoved") for user in holders):
                found.append(doc["id"])
        return found


# ---------------------------------------------------------------- priorities
def priorities(call: Call) -> dict[str, Any]:
    """The accounts' order-release priorities: grouped by priority, the blocked ones (-1)
    apart."""
    with call.store.lock:
        grouped: dict[int, list[int]] = {}
        for doc in call.store.docs(call.scope.accounts):
            if doc.get("priority") is not None:
                grouped.setdefault(doc["priority"], []).append(doc["id"])
    blocked = grouped.pop(-1, [])
    return {"accountPriorities": [{"priority": priority, "accounts": ids}
                                  for priority, ids in sorted(grouped.items())],
            "blackListedAccounts": blocked}


def _set_priorities(call: Call, tx: Writes, wanted: dict[int, int | None]) -> None:
    for account_id, priority in wanted.items():
        doc = editable_account(call, account_id)
        if doc.get("priority") != priority:
            doc["priority"] = priority
            save_account(call, tx, doc)


def update_priorities(call: Call, model: dict[str, Any]) -> dict[str, Any]:
    """Give accounts priorities (each account under one priority; blocked accounts get -1)."""
    wanted: dict[int, int | None] = {}
    groups = [(group.get("priority"), group.get("accounts") or [])
              for group in model.get("accountPriorities") or []]
    groups.append((-1, model.get("blackListedAccounts") or []))
    for priority, ids in groups:
        if priority is None:
            raise bad_request("each accountPriorities entry needs a priority", field="priority")
        for account_id in ids:
            if account_id in wanted:
                raise conflict(f"B2B account {account_id} is given more than one priority",
                               accountId=account_id)
            wanted[account_id] = priority
    with call.store.transaction() as tx:
        _set_priorities(call, tx, wanted)
    return priorities(call)


def delete_priorities(call: Call, account_ids: list[int]) -> None:
    with call.store.transaction() as tx:
        _set_priorities(call, tx, {account_id: None for account_id in account_ids})


# ---------------------------------------------------------------- upgrade
def upgrade(call: Call, customer_account_ids: list[int]) -> dict[str, Any]:
    """Upgrade B2C customer accounts to B2B. The mock keeps no B2C accounts: an id that is a
    B2B account already is skipped, any other is reported as an error."""
    with call.store.lock:
        skipped, errors = [], []
        for account_id in dict.fromkeys(customer_account_ids):
            if call.store.get(call.scope.accounts, account_id) is not None:
                skipped.append(account_id)
            else:
                errors.append({"accountID": account_id,
                               "errorMessage": f"Customer account {account_id} not found: the "
                                               "mock keeps no B2C accounts to upgrade"})
    return {"successAccountIds": [], "skippedAccountIds": skipped, "errorAccountIds": errors}
