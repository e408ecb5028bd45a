"""Managing the tenant's custom roles: create, read, change, delete, assign to accounts, hand
down to accounts created later under an account, and who holds a role where.

Rules: a role's name is unique in the tenant (regardless of case); it grants at least one known
behaviour and is assigned to at least one account; a change replaces its behaviours and
accounts; a role cannot be taken from an account (or deleted) while a user there holds it;
system roles cannot be changed or deleted.
"""

from __future__ import annotations

from typing import Any

from . import audit, roles, users
from .call import Call
from .documents import copy_doc
from .errors import already_exists, bad_request, conflict, not_found, shown
from .ports import Writes
from .records import stored_account


def _check(call: Call, body: dict[str, Any], own_id: int | None) -> dict[str, Any]:
    """The role's fields from a body, checked."""
    name = body.get("name")
    if not isinstance(name, str) or not name.strip():
        raise bad_request("name is required", field="name")
    for role_id, doc in call.store.all(call.scope.roles):
        if role_id != own_id and doc["name"].casefold() == name.casefold():
            raise already_exists(f"A role named '{shown(name)}' already exists (id {role_id})",
                                 name=name, roleId=role_id)
    if name.casefold() in (system.casefold() for system in roles.SYSTEM_ROLES.values()):
        raise already_exists(f"'{shown(name)}' is the name of a system role", name=name)
    behaviors = body.get("behaviors") or []
    if not behaviors:
        raise bad_request("behaviors needs at least one behavior id", field="behaviors")
    unknown = sorted(set(behaviors) - roles.BEHAVIOR_IDS)
    if unknown:
        raise not_found(f"Unknown behavior ids {unknown}; GET .../b2baccounts/behaviors lists "
                        "them", behaviors=unknown)
    account_ids = body.get("accountIds") or []
    if not account_ids:
        raise bad_request("accountIds needs at least one account id", field="accountIds")
    for account_id in account_ids:
        stored_account(call, account_id)
    return {"name": name, "behaviors": sorted(set(behaviors)),
            "accountIds": sorted(set(account_ids))}


def _custom(call: Call, role_id: int) -> dict[str, Any]:
    role = roles.known_role(call, role_id)
    if role["isSystemRole"]:
        raise conflict(f"Role {role_id} {role['name']} is a system role and cannot be changed",
                       roleId=role_id)
    copied: dict[str, Any] = copy_doc(role)
    return copied


def _holders(call: Call, role_id: int, account_id: int) -> list[str]:
    """Ids of the account's users (not removed) who hold the role."""
    return [user["userId"] for user in call.store.docs(call.scope.users(account_id))
            if not user.get("isRemoved") and any(r["roleId"] == role_id
                                                 for r in user.get("roles") or [])]


def _release(call: Call, role: dict[str, Any], account_id: int) -> None:
    holders = _holders(call, role["id"], account_id)
    if holders:
        raise conflict(f"Role {role['id']} {role['name']} is held by {len(holders)} user(s) of "
                       f"B2B account {account_id}; take it from them first",
                       roleId=role["id"], accountId=account_id, userId=holders[0])


def _save(call: Call, tx: Writes, role: dict[str, Any]) -> None:
    role["auditInfo"] = audit.updated(role.get("auditInfo"), call.actor)
    tx.put(call.scope.roles, role["id"], role)


def create(call: Call, body: dict[str, Any]) -> dict[str, Any]:
    with call.store.transaction() as tx:
        fields = _check(call, body, None)
        role_id = tx.next_id(call.scope.roles, roles.FIRST_CUSTOM_ROLE_ID)
        role = {"id": role_id, **fields, "isSystemRole": False, "futureChildrenOf": [],
                "auditInfo": audit.created(call.actor)}
        tx.put(call.scope.roles, role_id, role)
    return roles.present(role)


def get(call: Call, role_id: int) -> dict[str, Any]:
    with call.store.lock:
        return roles.present(roles.known_role(call, role_id))


def update(call: Call, role_id: int, body: dict[str, Any]) -> dict[str, Any]:
    """Replace the role's name, behaviours and accounts."""
    with call.store.transaction() as tx:
        role = _custom(call, role_id)
        fields = _check(call, body, role_id)
        for account_id in set(role["accountIds"]) - set(fields["accountIds"]):
            _release(call, role, account_id)
        role.update(fields)
        role["futureChildrenOf"] = [a for a in role.get("futureChildrenOf") or []
                                    if a in role["accountIds"]]
        _save(call, tx, role)
        _rename_on_users(call, tx, role)
    return roles.present(role)


def _rename_on_users(call: Call, tx: Writes, role: dict[str, Any]) -> None:
    """Users carry the role's name: a renamed role is renamed on them."""
    for account_id in role["accountIds"]:
        for user in call.store.docs(call.scope.users(account_id)):
            held = [r for r in user.get("roles") or [] if r["roleId"] == role["id"]]
            if held and held[0]["roleName"] != role["name"]:
                changed = copy_doc(user)
                for entry in changed["roles"]:
                    if entry["roleId"] == role["id"]:
                        entry["roleName"] = role["name"]
                tx.put(call.scope.users(account_id), int(user["userId"], 16), changed)


def delete(call: Call, role_id: int) -> None:
    with call.store.transaction() as tx:
        role = _custom(call, role_id)
        for account_id in role["accountIds"]:
            _release(call, role, account_id)
        tx.delete(call.scope.roles, role_id)


def assign(call: Call, role_id: int, account_id: int) -> None:
    with call.store.transaction() as tx:
        role = _custom(call, role_id)
        stored_account(call, account_id)
        if account_id in role["accountIds"]:
            return
        role["accountIds"] = sorted({*role["accountIds"], account_id})
        _save(call, tx, role)


def unassign(call: Call, role_id: int, account_id: int) -> None:
    with call.store.transaction() as tx:
        role = _custom(call, role_id)
        stored_account(call, account_id)
        if account_id not in role["accountIds"]:
            return
        _release(call, role, account_id)
        if role["accountIds"] == [account_id]:
            raise conflict(f"Role {role_id} {role['name']} would be assigned to no account; "
                           "delete the role instead", roleId=role_id, accountId=account_id)
        role["accountIds"] = [a for a in role["accountIds"] if a != account_id]
        role["futureChildrenOf"] = [a for a in role.get("futureChildrenOf") or []
                                    if a != account_id]
        _save(call, tx, role)


def hand_down(call: Call, role_id: int, account_id: int, enabled: bool) -> None:
    """Whether accounts created later anywhere below ``account_id`` get the role too (accounts
    below it now are left as they are)."""
    with call.store.transaction() as tx:
        role = _custom(call, role_id)
        stored_account(call, account_id)
        if account_id not in role["accountIds"]:
            raise conflict(f"Role {role_id} {role['name']} is not assigned to B2B account "
                           f"{account_id}", roleId=role_id, accountId=account_id)
        givers = set(role.get("futureChildrenOf") or [])
        givers = givers | {account_id} if enabled else givers - {account_id}
        if sorted(givers) != sorted(role.get("futureChildrenOf") or []):
            role["futureChildrenOf"] = sorted(givers)
            _save(call, tx, role)


def inherit(call: Call, tx: Writes, account_id: int, ancestors: list[int]) -> None:
    """Give a new account the roles any of its ancestors hands down (within ``tx``)."""
    if not ancestors:
        return
    for role_id, role in call.store.all(call.scope.roles):
        if set(role.get("futureChildrenOf") or []) & set(ancestors):
            changed = copy_doc(role)
            changed["accountIds"] = sorted({*changed["accountIds"], account_id})
            _save(call, tx, changed)


def of_account(call: Call, account_id: int) -> dict[str, Any]:
    """The roles the account's users may hold: the system roles and the custom roles assigned
    to it."""
    with call.store.lock:
        stored_account(call, account_id)
        found = [roles.system_role(role_id) for role_id in roles.SYSTEM_ROLES]
        found += [roles.present(role) for _, role in call.store.all(call.scope.roles)
                  if account_id in role["accountIds"]]
    return {"startIndex": 0, "pageSize": len(found), "pageCount": 1 if found else 0,
            "totalCount": len(found), "items": found}


def users_with(call: Call, account_id: int, role_id: int) -> list[dict[str, Any]]:
    """The account's users (not removed) who hold the role."""
    with call.store.lock:
        stored_account(call, account_id)
        roles.known_role(call, role_id)
        return [users.present(user) for user in call.store.docs(call.scope.users(account_id))
                if not user.get("isRemoved")
                and any(r["roleId"] == role_id for r in user.get("roles") or [])]


def behaviors_of(call: Call, account_id: int, user_id: str) -> list[int]:
    """The behaviours the user's roles grant."""
    with call.store.lock:
        user = users.stored_user(call, account_id, user_id)
        granted: set[int] = set()
        for held in user.get("roles") or []:
            role = roles.stored_role(call, held["roleId"])
            if role is not None:
                granted.update(role["behaviors"])
    return sorted(granted)


def behaviors() -> dict[str, Any]:
    return {"items": roles.BEHAVIORS, "totalCount": len(roles.BEHAVIORS)}


def behavior_categories() -> dict[str, Any]:
    return {"items": roles.BEHAVIOR_CATEGORIES, "totalCount": len(roles.BEHAVIOR_CATEGORIES)}
