"""Reading and saving the stored accounts, for every rule that changes one (the account's own
fields, its attributes, its users)."""

from __future__ import annotations

from typing import Any

from . import audit
from .call import Call
from .documents import copy_doc
from .errors import not_found
from .ports import Writes


def stored_account(call: Call, account_id: int) -> dict[str, Any]:
    """The stored account document, or a 404."""
    doc = call.store.get(call.scope.accounts, account_id)
    if doc is None:
        raise not_found(f"B2B account {account_id} not found", accountId=account_id)
    return doc


def editable_account(call: Call, account_id: int) -> dict[str, Any]:
    """A private copy of the stored account (stored documents are never changed in place)."""
    copied: dict[str, Any] = copy_doc(stored_account(call, account_id))
    return copied


def save_account(call: Call, tx: Writes, doc: dict[str, Any]) -> None:
    """Store a changed copy of an account, stamping its audit info."""
    doc["auditInfo"] = audit.updated(doc.get("auditInfo"), call.actor)
    tx.put(call.scope.accounts, doc["id"], doc)
