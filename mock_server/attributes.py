"""Customer attributes of an account, keyed by their fully qualified name (``namespace~name``).

Attributes live inside the account document. Each fully qualified name has one attribute
definition id per tenant scope, assigned the first time the name is used.
"""

from __future__ import annotations

from typing import Any

from . import accounts, audit, spec
from .errors import already_exists, conflict, not_found
from .listing import ListQuery, page, predicate_for
from .storage import Store, Transaction
from .tenancy import Scope


def attribute_fields() -> dict[str, str]:
    return spec.field_types("CustomerAttribute")


def _same(a: str, b: str) -> bool:
    return a.casefold() == b.casefold()


def definition_id(store: Store, tx: Transaction, scope: Scope, fqn: str,
                  requested: int | None) -> int:
    """The definition id of ``fqn`` in this scope, registering the name when it is new.

    A client may name the id of a new definition (as it would copy it from the real service)
    as long as that id is free; naming another id than the registered one is a conflict.
    """
    table = scope.attribute_definitions
    known = {doc["fullyQualifiedName"].casefold(): doc_id for doc_id, doc in store.all(table)}
    known.update({op[3]["fullyQualifiedName"].casefold(): op[2]
                  for op in tx.ops if op[1] == table})
    found = known.get(fqn.casefold())
    if found is None:
        free = requested is not None and requested not in known.values()
        found = requested if free else tx.next_id(table)
        tx.put(table, found, {"fullyQualifiedName": fqn})
    if requested is not None and requested != found:
        raise conflict(f"Attribute '{fqn}' has definition id {found}, not {requested}",
                       fullyQualifiedName=fqn)
    return found


def _make(store: Store, tx: Transaction, scope: Scope, body: dict[str, Any],
          actor: str) -> dict[str, Any]:
    fqn = body["fullyQualifiedName"]
    return {
        "attributeDefinitionId": definition_id(store, tx, scope, fqn,
                                               body.get("attributeDefinitionId")),
        "fullyQualifiedName": fqn,
        "values": list(body.get("values") or []),
        "auditInfo": audit.created(actor),
    }


def initial(store: Store, tx: Transaction, scope: Scope, bodies: list[dict[str, Any]],
            actor: str) -> list[dict[str, Any]]:
    """The attributes a new account is created with; names must not repeat."""
    made: list[dict[str, Any]] = []
    for body in bodies:
        if any(_same(a["fullyQualifiedName"], body["fullyQualifiedName"]) for a in made):
            raise already_exists(f"Attribute '{body['fullyQualifiedName']}' is given twice",
                                 fullyQualifiedName=body["fullyQualifiedName"])
        made.append(_make(store, tx, scope, body, actor))
    return made


def _index(doc: dict[str, Any], fqn: str) -> int:
    for i, attribute in enumerate(doc.get("attributes") or []):
        if _same(attribute["fullyQualifiedName"], fqn):
            return i
    raise not_found(f"Attribute '{fqn}' not found on B2B account {doc['id']}",
                    fullyQualifiedName=fqn, accountId=doc["id"])


def add(store: Store, scope: Scope, account_id: int, body: dict[str, Any],
        actor: str) -> dict[str, Any]:
    with store.transaction() as tx:
        doc = accounts.editable(store, scope, account_id)
        fqn = body["fullyQualifiedName"]
        if any(_same(a["fullyQualifiedName"], fqn) for a in doc["attributes"]):
            raise already_exists(f"Attribute '{fqn}' already exists on B2B account "
                                 f"{account_id}", fullyQualifiedName=fqn)
        attribute = _make(store, tx, scope, body, actor)
        doc["attributes"].append(attribute)
        accounts.save(tx, scope, doc, actor)
    return attribute


def update(store: Store, scope: Scope, account_id: int, fqn: str, body: dict[str, Any],
           actor: str) -> dict[str, Any]:
    """Replace the values of the attribute the path names (a name in the body is ignored)."""
    with store.transaction() as tx:
        doc = accounts.editable(store, scope, account_id)
        i = _index(doc, fqn)
        attribute = doc["attributes"][i]
        requested = body.get("attributeDefinitionId")
        if requested is not None and requested != attribute["attributeDefinitionId"]:
            raise conflict(f"Attribute '{fqn}' has definition id "
                           f"{attribute['attributeDefinitionId']}, not {requested}",
                           fullyQualifiedName=fqn)
        attribute["values"] = list(body.get("values") or [])
        attribute["auditInfo"] = audit.updated(attribute.get("auditInfo"), actor)
        accounts.save(tx, scope, doc, actor)
    return attribute


def delete(store: Store, scope: Scope, account_id: int, fqn: str, actor: str) -> None:
    with store.transaction() as tx:
        doc = accounts.editable(store, scope, account_id)
        del doc["attributes"][_index(doc, fqn)]
        accounts.save(tx, scope, doc, actor)


def get(store: Store, scope: Scope, account_id: int, fqn: str) -> dict[str, Any]:
    with store.lock:
        doc = accounts.stored(store, scope, account_id)
        return doc["attributes"][_index(doc, fqn)]


def list_attributes(store: Store, scope: Scope, account_id: int,
                    query: ListQuery) -> dict[str, Any]:
    fields = attribute_fields()
    predicate = predicate_for(query, fields)
    with store.lock:
        items = accounts.stored(store, scope, account_id)["attributes"]
    if predicate is not None:
        items = [a for a in items if predicate.matches(a)]
    return page(items, query, fields)
