"""Customer attributes of an account, keyed by their fully qualified name (``namespace~name``).

Attributes live inside the account document. Each fully qualified name has one attribute
definition id per tenant scope, assigned the first time the name is used. Names are compared
without case.
"""

from __future__ import annotations

from typing import Any

from . import audit
from .call import Call
from .errors import already_exists, conflict, not_found, shown
from .ports import Writes
from .query.paging import ListQuery, page, predicate_for
from .records import editable_account, save_account, stored_account


def attribute_fields(call: Call) -> dict[str, str]:
    return call.catalog.field_types("CustomerAttribute")


def _same(a: str, b: str) -> bool:
    return a.casefold() == b.casefold()


def definition_id(call: Call, tx: Writes, fqn: str, requested: int | None) -> int:
    """The definition id of ``fqn`` in this scope, registering the name when it is new.

    A client may name the id of a new definition (as it would copy it from the real service)
    as long as that id is free; naming another id than the registered one is a conflict.
    """
    table = call.scope.attribute_definitions
    known = {doc["fullyQualifiedName"].casefold(): doc_id
             for doc_id, doc in call.store.all(table)}
    known.update({doc["fullyQualifiedName"].casefold(): doc_id
                  for doc_id, doc in tx.pending(table).items()})
    found = known.get(fqn.casefold())
    if found is None:
        free = requested is not None and requested not in known.values()
        found = requested if free and requested is not None else tx.next_id(table)
        tx.put(table, found, {"fullyQualifiedName": fqn})
    if requested is not None and requested != found:
        raise conflict(f"Attribute '{shown(fqn)}' has definition id {found}, not {requested}",
                       fullyQualifiedName=fqn)
    return found


def _make(call: Call, tx: Writes, body: dict[str, Any]) -> dict[str, Any]:
    fqn = body["fullyQualifiedName"]
    return {
        "attributeDefinitionId": definition_id(call, tx, fqn, body.get("attributeDefinitionId")),
        "fullyQualifiedName": fqn,
        "values": list(body.get("values") or []),
        "auditInfo": audit.created(call.actor),
    }


def initial(call: Call, tx: Writes, bodies: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The attributes a new account is created with; names must not repeat."""
    made: list[dict[str, Any]] = []
    for body in bodies:
        if any(_same(a["fullyQualifiedName"], body["fullyQualifiedName"]) for a in made):
            raise already_exists(f"Attribute '{shown(body['fullyQualifiedName'])}' is given twice",
                                 fullyQualifiedName=body["fullyQualifiedName"])
        made.append(_make(call, tx, body))
    return made


def _index(doc: dict[str, Any], fqn: str) -> int:
    for i, attribute in enumerate(doc.get("attributes") or []):
        if _same(attribute["fullyQualifiedName"], fqn):
            return i
    raise not_found(f"Attribute '{shown(fqn)}' not found on B2B account {doc['id']}",
                    fullyQualifiedName=fqn, accountId=doc["id"])


def add(call: Call, account_id: int, body: dict[str, Any]) -> dict[str, Any]:
    with call.store.transaction() as tx:
        doc = editable_account(call, account_id)
        fqn = body["fullyQualifiedName"]
        if any(_same(a["fullyQualifiedName"], fqn) for a in doc["attributes"]):
            raise already_exists(f"Attribute '{shown(fqn)}' already exists on B2B account "
                                 f"{account_id}", fullyQualifiedName=fqn)
        attribute = _make(call, tx, body)
        doc["attributes"].append(attribute)
        save_account(call, tx, doc)
    return attribute


def update(call: Call, account_id: int, fqn: str, body: dict[str, Any]) -> dict[str, Any]:
    """Replace the values of the attribute the path names (a name in the body is ignored)."""
    with call.store.transaction() as tx:
        doc = editable_account(call, account_id)
        attribute: dict[str, Any] = doc["attributes"][_index(doc, fqn)]
        requested = body.get("attributeDefinitionId")
        if requested is not None and requested != attribute["attributeDefinitionId"]:
            raise conflict(f"Attribute '{shown(fqn)}' has definition id "
                           f"{attribute['attributeDefinitionId']}, not {requested}",
                           fullyQualifiedName=fqn)
        attribute["values"] = list(body.get("values") or [])
        attribute["auditInfo"] = audit.updated(attribute.get("auditInfo"), call.actor)
        save_account(call, tx, doc)
    return attribute


def delete(call: Call, account_id: int, fqn: str) -> None:
    with call.store.transaction() as tx:
        doc = editable_account(call, account_id)
        del doc["attributes"][_index(doc, fqn)]
        save_account(call, tx, doc)


def get(call: Call, account_id: int, fqn: str) -> dict[str, Any]:
    with call.store.lock:
        doc = stored_account(call, account_id)
        found: dict[str, Any] = doc["attributes"][_index(doc, fqn)]
        return found


def list_attributes(call: Call, account_id: int, query: ListQuery) -> dict[str, Any]:
    fields = attribute_fields(call)
    predicate = predicate_for(query, fields)
    with call.store.lock:
        items = stored_account(call, account_id)["attributes"]
    if predicate is not None:
        items = [a for a in items if predicate.matches(a)]
    return page(items, query, fields)
