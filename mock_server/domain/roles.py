"""The built-in buyer roles and what a user's ``roles`` list looks like."""

from __future__ import annotations

from typing import Any

from . import audit

ADMIN, PURCHASER, NONPURCHASER = 1, 2, 3

ROLE_NAMES: dict[int, str] = {ADMIN: "Admin", PURCHASER: "Purchaser", NONPURCHASER: "Nonpurchaser"}


def catalogue() -> str:
    """The roles as an error message lists them: ``1 Admin, 2 Purchaser, 3 Nonpurchaser``."""
    return ", ".join(f"{role_id} {name}" for role_id, name in ROLE_NAMES.items())


def is_known(role_id: int) -> bool:
    return role_id in ROLE_NAMES


def role_entry(role_id: int, user_id: str, account_id: int, actor: str) -> dict[str, Any]:
    """A role as it appears on a user: the role, the user, the account it was given in (its
    scope), and when and by whom it was given."""
    return {"roleId": role_id, "roleName": ROLE_NAMES[role_id], "userId": user_id,
            "assignedInScope": {"type": "Account", "id": account_id, "name": None},
            "roleResources": [], "roleTags": [], "auditInfo": audit.created(actor)}


def with_role(roles: list[dict[str, Any]], role_id: int, user_id: str, account_id: int,
              actor: str) -> list[dict[str, Any]]:
    """``roles`` plus ``role_id``, kept in role-id order; unchanged when already there."""
    if any(r["roleId"] == role_id for r in roles):
        return roles
    entry = role_entry(role_id, user_id, account_id, actor)
    return sorted([*roles, entry], key=lambda r: r["roleId"])


def without_role(roles: list[dict[str, Any]], role_id: int) -> list[dict[str, Any]]:
    return [r for r in roles if r["roleId"] != role_id]
