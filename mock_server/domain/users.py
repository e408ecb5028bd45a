"""The users (logins) of a B2B account and their roles.

Rules kept here: the service assigns ``userId`` (32 lower-case hex characters); an e-mail address
is unique among the account's users that are not removed (compared without case); the user name
defaults to the e-mail; removal is soft (``isRemoved: true``, ``isActive: false``) and only adding
the user again brings it back, under the same ``userId``.
"""

from __future__ import annotations

import uuid
from typing import Any

from . import audit, roles
from .call import Call
from .documents import copy_doc
from .errors import already_exists, bad_request, conflict, not_found, shown
from .ports import Writes
from .query.paging import ListQuery, page, predicate_for
from .records import stored_account

TEXT_FIELDS = ("firstName", "lastName", "emailAddress", "userName")
DEFAULTS: dict[str, Any] = {
    "userName": None, "emailAddress": None, "firstName": None, "lastName": None,
    "localeCode": None, "acceptsMarketing": False, "hasExternalPassword": False,
    "isActive": True, "isLocked": False, "isRemoved": False,
}


def user_fields(call: Call) -> dict[str, str]:
    return call.catalog.field_types("B2BUser")


def present(doc: dict[str, Any]) -> dict[str, Any]:
    """A user as the service answers it: without the audit block it keeps (the published user
    has none; filters and sorts still read it)."""
    return {key: value for key, value in doc.items() if key != "auditInfo"}


def _doc_id(user_id: str) -> int:
    return int(user_id, 16)


def _check_email(call: Call, email: Any) -> str:
    if not isinstance(email, str) or \
            not call.catalog.pattern("B2BUserInput", "emailAddress").search(email):
        raise bad_request(f"emailAddress '{shown(email)}' is not a valid e-mail address",
                          field="emailAddress")
    return email


def _profile(call: Call, body: dict[str, Any]) -> dict[str, Any]:
    """The writable profile fields of a body, checked as the spec describes them.

    Connexion has checked requests already; seeds arrive here unchecked.
    """
    writable = call.catalog.writable_fields("B2BUserInput")
    fields = {k: v for k, v in body.items() if k in writable}
    if "emailAddress" in fields:
        fields["emailAddress"] = _check_email(call, fields["emailAddress"])
    user_name = fields.get("userName")
    name_pattern = call.catalog.pattern("B2BUserInput", "userName")
    if isinstance(user_name, str) and not name_pattern.search(user_name):
        raise bad_request("userName must not be blank", field="userName")
    return fields


def _clash(call: Call, account_id: int, user: dict[str, Any], own_id: str | None) -> None:
    """409 when another user of the account that is not removed has this e-mail or name."""
    for field in ("emailAddress", "userName"):
        value = user.get(field)
        if not value:
            continue
        for other in _with(call, account_id, field, value):
            if other["userId"] != own_id and not other.get("isRemoved"):
                raise already_exists(f"A user with {field} '{shown(value)}' already exists on B2B "
                                     f"account {account_id}",
                                     **{field: value, "userId": other["userId"]})


def _with(call: Call, account_id: int, field: str, value: str) -> list[dict[str, Any]]:
    """The account's users whose ``field`` is ``value`` regardless of case (indexed)."""
    table = call.scope.users(account_id)
    found = (call.store.get(table, doc_id) for doc_id in call.store.lookup(table, field, value))
    return [doc for doc in found if doc is not None]


def stored_user(call: Call, account_id: int, user_id: str) -> dict[str, Any]:
    """The stored user of the account, or a 404."""
    stored_account(call, account_id)
    doc = call.store.get(call.scope.users(account_id), _doc_id(user_id))
    if doc is None:
        raise not_found(f"User {user_id} not found on B2B account {account_id}",
                        userId=user_id, accountId=account_id)
    return doc


def requested_roles(call: Call, account_id: int,
                     requested: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The roles an AddUser body names: any the account's users may hold (404 for a role the
    tenant does not have, 409 for one not assigned to the account)."""
    return [roles.role_for_account(call, wanted["roleId"], account_id) for wanted in requested]


def _save(call: Call, tx: Writes, account_id: int, user: dict[str, Any]) -> None:
    tx.put(call.scope.users(account_id), _doc_id(user["userId"]), user)


def _editable(call: Call, account_id: int, user_id: str) -> dict[str, Any]:
    """A private copy of the stored user (stored documents are never changed in place)."""
    copied: dict[str, Any] = copy_doc(stored_user(call, account_id, user_id))
    return copied


def _save_changed(call: Call, tx: Writes, account_id: int, user: dict[str, Any]) -> None:
    user["auditInfo"] = audit.updated(user.get("auditInfo"), call.actor)
    _save(call, tx, account_id, user)


def new_fields(call: Call, wanted: dict[str, Any]) -> dict[str, Any]:
    """The profile of a user to add, checked: an e-mail is required, the user name defaults
    to it."""
    fields = _profile(call, wanted)
    fields.pop("isRemoved", None)
    if "emailAddress" not in fields:
        raise bad_request("b2BUser.emailAddress is required", field="emailAddress")
    if not fields.get("userName"):
        fields["userName"] = fields["emailAddress"]
    return fields


def built(call: Call, account_id: int, fields: dict[str, Any], held: list[dict[str, Any]],
          external_password: bool, restored: dict[str, Any] | None = None) -> dict[str, Any]:
    """A user document: new, or ``restored`` (a removed user added again, same ``userId``)."""
    if restored is not None:
        user = copy_doc(restored)
        user.update(DEFAULTS)
        user["auditInfo"] = audit.updated(user.get("auditInfo"), call.actor)
    else:
        user = {"userId": uuid.uuid4().hex, **DEFAULTS, "auditInfo": audit.created(call.actor)}
    user.update(fields)
    user["isRemoved"] = False
    user["hasExternalPassword"] = external_password or bool(fields.get("hasExternalPassword"))
    user["roles"] = []
    for role in held:
        user["roles"] = roles.with_role(user["roles"], role, user["userId"], account_id,
                                        call.actor)
    return user


def put_new(call: Call, tx: Writes, account_id: int, user: dict[str, Any]) -> None:
    """Store a user built for a new account (within the account's own transaction)."""
    _save(call, tx, account_id, user)


def add_user(call: Call, account_id: int, body: dict[str, Any]) -> tuple[dict[str, Any], bool]:
    """Add (or restore) a user; returns the user and whether it is new."""
    wanted = body["b2BUser"]
    fields = new_fields(call, wanted)
    with call.store.transaction() as tx:
        stored_account(call, account_id)
        wanted_roles = requested_roles(call, account_id, wanted.get("roles") or [])
        _clash(call, account_id, fields, None)
        removed = [u for u in _with(call, account_id, "emailAddress", fields["emailAddress"])
                   if u.get("isRemoved")]
        user = built(call, account_id, fields, wanted_roles, bool(body.get("externalPassword")),
                     removed[0] if removed else None)
        _save(call, tx, account_id, user)
    return present(user), not removed


def update_user(call: Call, account_id: int, user_id: str,
                body: dict[str, Any]) -> dict[str, Any]:
    fields = _profile(call, body)
    with call.store.transaction() as tx:
        user = _editable(call, account_id, user_id)
        if "isRemoved" in fields and fields.pop("isRemoved") != user["isRemoved"]:
            raise conflict("isRemoved cannot be changed by UpdateUser: use RemoveUser to "
                           "remove a user and AddUser to bring it back", userId=user_id)
        if user["isRemoved"] and fields.get("isActive"):
            raise conflict(f"User {user_id} is removed; add it again with AddUser to make it "
                           "active", userId=user_id)
        if ("emailAddress" in fields and "userName" not in fields
                and user.get("userName") == user.get("emailAddress")):
            fields["userName"] = fields["emailAddress"]
        if "userName" in fields and fields["userName"] is None:  # back to the default
            fields["userName"] = fields.get("emailAddress", user["emailAddress"])
        user.update(fields)
        if not user["isRemoved"]:
            _clash(call, account_id, user, user_id)
        _save_changed(call, tx, account_id, user)
    return present(user)


def remove_user(call: Call, account_id: int, user_id: str) -> None:
    with call.store.transaction() as tx:
        user = _editable(call, account_id, user_id)
        if user["isRemoved"] and not user["isActive"]:
            return
        user["isRemoved"] = True
        user["isActive"] = False
        _save_changed(call, tx, account_id, user)


def list_users(call: Call, account_id: int, query: ListQuery) -> dict[str, Any]:
    fields = user_fields(call)
    predicate = predicate_for(query, fields)
    with call.store.lock:
        stored_account(call, account_id)
        docs = call.store.docs(call.scope.users(account_id))
        if predicate is not None:
            docs = [doc for doc in docs if predicate.matches(doc)]
        envelope = page(docs, query, fields, TEXT_FIELDS)
    envelope["items"] = [present(doc) for doc in envelope["items"]]
    return envelope


def get_roles(call: Call, account_id: int, user_id: str) -> dict[str, Any]:
    """The user's roles as the service answers them: a collection that is not paged."""
    with call.store.lock:
        found = stored_user(call, account_id, user_id)["roles"]
    return {"totalCount": len(found), "items": found}


def add_role(call: Call, account_id: int, user_id: str, role_id: int) -> None:
    with call.store.transaction() as tx:
        user = _editable(call, account_id, user_id)
        role = roles.role_for_account(call, role_id, account_id)
        if user["isRemoved"]:
            raise conflict(f"User {user_id} is removed; add it again before giving it roles",
                           userId=user_id)
        changed = roles.with_role(user["roles"], role, user_id, account_id, call.actor)
        if changed is user["roles"]:
            return
        user["roles"] = changed
        _save_changed(call, tx, account_id, user)


def remove_role(call: Call, account_id: int, user_id: str, role_id: int) -> None:
    with call.store.transaction() as tx:
        roles.known_role(call, role_id)
        user = _editable(call, account_id, user_id)
        changed = roles.without_role(user["roles"], role_id)
        if len(changed) == len(user["roles"]):
            return
        user["roles"] = changed
        _save_changed(call, tx, account_id, user)
