"""Buyer roles: the three system roles every account has, the tenant's custom roles, and the
behaviours (permissions) a role grants.

System roles (1 Admin, 2 Purchaser, 3 Nonpurchaser) are not stored and cannot be changed. A
custom role belongs to the tenant, is assigned to accounts, and a user of an account may hold it
only where it is assigned. The behaviours catalogue is the mock's own: the service's is not
published, so the names and ids here are chosen to read like its B2B permissions.
"""

from __future__ import annotations

from typing import Any

from . import audit
from .call import Call
from .errors import conflict, not_found

ADMIN, PURCHASER, NONPURCHASER = 1, 2, 3
SYSTEM_ROLES: dict[int, str] = {ADMIN: "Admin", PURCHASER: "Purchaser",
                                NONPURCHASER: "Nonpurchaser"}
FIRST_CUSTOM_ROLE_ID = 101

BEHAVIOR_CATEGORIES: list[dict[str, Any]] = [
    {"id": 1, "name": "Account"}, {"id": 2, "name": "Users"}, {"id": 3, "name": "Orders"},
    {"id": 4, "name": "Quotes"}, {"id": 5, "name": "Lists"},
]
_BEHAVIORS: list[tuple[int, str, int, tuple[int, ...]]] = [  # id, name, category, system roles
    (1, "View Account", 1, (ADMIN, PURCHASER, NONPURCHASER)),
    (2, "Manage Account", 1, (ADMIN,)),
    (3, "Manage Addresses", 1, (ADMIN,)),
    (4, "View Users", 2, (ADMIN, PURCHASER)),
    (5, "Manage Users", 2, (ADMIN,)),
    (6, "View Orders", 3, (ADMIN, PURCHASER, NONPURCHASER)),
    (7, "Place Orders", 3, (ADMIN, PURCHASER)),
    (8, "Manage Returns", 3, (ADMIN, PURCHASER)),
    (9, "View Quotes", 4, (ADMIN, PURCHASER, NONPURCHASER)),
    (10, "Create Quotes", 4, (ADMIN, PURCHASER)),
    (11, "View Lists", 5, (ADMIN, PURCHASER, NONPURCHASER)),
    (12, "Manage Lists", 5, (ADMIN, PURCHASER)),
]
BEHAVIORS: list[dict[str, Any]] = [
    {"id": behavior_id, "name": name, "categoryId": category, "isPrivate": False,
     "oAuthScopes": [], "requiresBehaviorIds": [],
     "systemRoles": [SYSTEM_ROLES[role] for role in system], "validUserTypes": ["B2B"]}
    for behavior_id, name, category, system in _BEHAVIORS]
BEHAVIOR_IDS = frozenset(behavior["id"] for behavior in BEHAVIORS)


def system_role(role_id: int) -> dict[str, Any]:
    """A system role as the service answers a role: for every account, not stored."""
    return {"id": role_id, "name": SYSTEM_ROLES[role_id], "isSystemRole": True,
            "behaviors": [b for b, _, _, system in _BEHAVIORS if role_id in system],
            "accountIds": [], "auditInfo": {"createBy": None, "createDate": None,
                                            "updateBy": None, "updateDate": None}}


def stored_role(call: Call, role_id: int) -> dict[str, Any] | None:
    """A role of the tenant: a system role, or a stored custom role; None when unknown."""
    if role_id in SYSTEM_ROLES:
        return system_role(role_id)
    return call.store.get(call.scope.roles, role_id)


def present(role: dict[str, Any]) -> dict[str, Any]:
    """A role as the service answers it (the accounts its children inherit it from are the
    mock's own bookkeeping)."""
    return {key: value for key, value in role.items() if key != "futureChildrenOf"}


def known_role(call: Call, role_id: int) -> dict[str, Any]:
    role = stored_role(call, role_id)
    if role is None:
        raise not_found(f"Role {role_id} not found in tenant {call.scope.tenant}; the system "
                        f"roles are {catalogue()}", roleId=role_id)
    return role


def role_for_account(call: Call, role_id: int, account_id: int) -> dict[str, Any]:
    """A role a user of ``account_id`` may hold: a system role, or a custom role assigned to
    the account (404 when the tenant has no such role, 409 when it is not the account's)."""
    role = known_role(call, role_id)
    if not role["isSystemRole"] and account_id not in role["accountIds"]:
        raise conflict(f"Role {role_id} {role['name']} is not assigned to B2B account "
                       f"{account_id}; assign it with PUT .../roles/{role_id}/accounts/"
                       f"{account_id}", roleId=role_id, accountId=account_id)
    return role


def catalogue() -> str:
    """The system roles as an error message lists them: ``1 Admin, 2 Purchaser, ...``."""
    return ", ".join(f"{role_id} {name}" for role_id, name in SYSTEM_ROLES.items())


def role_entry(role: dict[str, Any], user_id: str, account_id: int,
               actor: str) -> dict[str, Any]:
    """A role as it appears on a user: the role, the user, the account it was given in (its
    scope), and when and by whom it was given."""
    return {"roleId": role["id"], "roleName": role["name"], "userId": user_id,
            "assignedInScope": {"type": "Account", "id": account_id, "name": None},
            "roleResources": [], "roleTags": [], "auditInfo": audit.created(actor)}


def with_role(roles: list[dict[str, Any]], role: dict[str, Any], user_id: str,
              account_id: int, actor: str) -> list[dict[str, Any]]:
    """``roles`` plus ``role``, kept in role-id order; unchanged when already there."""
    if any(r["roleId"] == role["id"] for r in roles):
        return roles
    entry = role_entry(role, user_id, account_id, actor)
    return sorted([*roles, entry], key=lambda r: r["roleId"])


def without_role(roles: list[dict[str, Any]], role_id: int) -> list[dict[str, Any]]:
    return [r for r in roles if r["roleId"] != role_id]
