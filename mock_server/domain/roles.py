"""The built-in buyer roles and what a user's ``roles`` list looks like."""

from __future__ import annotations

from typing import Any

ADMIN, PURCHASER, NONPURCHASER = 1, 2, 3

ROLE_NAMES: dict[int, str] = {ADMIN: "Admin", PURCHASER: "Purchaser", NONPURCHASER: "Nonpurchaser"}


def catalogue() -> str:
    """The roles as an error message lists them: ``1 Admin, 2 Purchaser, 3 Nonpurchaser``."""
    return ", ".join(f"{role_id} {name}" for role_id, name in ROLE_NAMES.items())


def is_known(role_id: int) -> bool:
    return role_id in ROLE_NAMES


def role_entry(role_id: int, user_id: str) -> dict[str, Any]:
    """A role as it appears on a user: id, name and the user it belongs to."""
    return {"roleId": role_id, "roleName": ROLE_NAMES[role_id], "userId": user_id}


def with_role(roles: list[dict[str, Any]], role_id: int, user_id: str) -> list[dict[str, Any]]:
    """``roles`` plus ``role_id``, kept in role-id order; unchanged when already there."""
    if any(r["roleId"] == role_id for r in roles):
        return roles
    return sorted([*roles, role_entry(role_id, user_id)], key=lambda r: r["roleId"])


def without_role(roles: list[dict[str, Any]], role_id: int) -> list[dict[str, Any]]:
    return [r for r in roles if r["roleId"] != role_id]
