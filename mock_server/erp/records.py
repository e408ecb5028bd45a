"""The ERP twin's rules: reading, upserting and deleting customers, contacts and locations.

What the twin keeps to, as Acumatica does:

* a record has a GUID ``id``; customers are keyed by ``CustomerID``, contacts by the
  ``ContactID`` the ERP numbers, locations by ``Customer`` and ``LocationID``; key text is
  stored upper case;
* ``PUT`` finds its record by ``id``, by its keys or by ``$filter``, and inserts when there is
  none (``If-None-Match: *``/``If-Match: *`` make it insert or update only); it changes only
  the fields sent, and a record whose fields all stay the same keeps its
  ``LastModifiedDateTime``, so "changed since" reads see real changes only;
* a contact's ``BusinessAccount`` and a location's ``Customer`` must be an existing customer, a
  customer's ``PrimaryContactID`` one of its own contacts; a contact that leaves a customer (moved,
  or deleted) stops being its primary contact;
* a customer has one default location: its first location is the default, making another the
  default takes it from the one before, and the default cannot be deleted while others exist;
  the customer's ``LocationName`` is its default location's name;
* deleting a customer deletes its locations; its contacts stay, without a business account.

Records are stored unwrapped; what a call answers is built by ``present``.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from typing import Any

from ..domain.documents import copy_doc
from ..domain.ports import Tables, Writes
from .catalog import CUSTOM_KINDS, Entity, ErpCatalog, Shape
from .errors import ErpError, invalid, no_entity, precondition_failed, refused
from .odata import FilterParser, Getter, Predicate, split_list
from .values import checked, later_than, parse_datetime, unwrap, wrap

Doc = dict[str, Any]
FIRST_CUSTOMER = 100
FIRST_CONTACT = 100001
_LINK_NAMESPACE = uuid.UUID("0b2b0e4e-6d6f-636b-2d65-727074776e00")


@dataclass(frozen=True)
class ErpCall:
    """What one call of the twin acts with: the store, the spec's entities and the endpoint
    version it was addressed to (answered in its links)."""

    store: Tables
    catalog: ErpCatalog
    version: str = "24.200.001"


@dataclass
class Query:
    """``$select``, ``$expand``, ``$custom``, ``$filter``, ``$skip`` and ``$top``."""

    select: str | None = None
    expand: str | None = None
    custom: str | None = None
    filter: str | None = None
    skip: int = 0
    top: int | None = None


@dataclass
class _Node:
    """What to answer of one entity: its fields (None: all) and the entities it expands."""

    fields: set[str] | None = None
    children: dict[str, _Node] = field(default_factory=dict)


# ------------------------------------------------------------------ reading
def list_records(call: ErpCall, entity_name: str, query: Query) -> list[Doc]:
    entity = call.catalog.entity(entity_name)
    node = _answer_tree(entity, query)
    custom = _custom_names(entity, query.custom)
    predicate = _predicate(entity, query.filter)
    found: list[Doc] = []
    wanted = None if query.top is None else query.skip + query.top
    with call.store.lock:
        for doc in sorted(call.store.docs(entity.table), key=lambda d: _sort_key(entity, d)):
            if wanted is not None and len(found) >= wanted:
                break
            view = _view(call, entity, doc, "Contacts" in node.children)
            if predicate is None or predicate(view):
                found.append(view)
    answered = found[query.skip:]
    return [_present(call, entity, view, node, custom, row)
            for row, view in enumerate(answered, start=1)]


def get_record(call: ErpCall, entity_name: str, keys: list[str], query: Query) -> Doc:
    entity = call.catalog.entity(entity_name)
    node = _answer_tree(entity, query)
    custom = _custom_names(entity, query.custom)
    predicate = _predicate(entity, query.filter)
    with call.store.lock:
        doc = _by_path_keys(call, entity, keys)
        view = _view(call, entity, doc, "Contacts" in node.children) if doc is not None \
            else None
    if view is None or (predicate is not None and not predicate(view)):
        raise no_entity()
    return _present(call, entity, view, node, custom, 1)


def delete_record(call: ErpCall, entity_name: str, keys: list[str]) -> None:
    entity = call.catalog.entity(entity_name)
    with call.store.transaction() as tx:
        doc = _by_path_keys(call, entity, keys)
        if doc is None:
            raise no_entity()
        if entity.table.endswith("/customer"):
            for loc_id in call.store.lookup(_table(call, "CustomerLocation"), "Customer",
                                            doc["CustomerID"]):
                tx.delete(_table(call, "CustomerLocation"), loc_id)
            for contact_id in call.store.lookup(_table(call, "Contact"), "BusinessAccount",
                                                doc["CustomerID"]):
                contact = call.store.get(_table(call, "Contact"), contact_id)
                if contact is not None:
                    _put_changed(tx, call, "Contact", contact,
                                 {**contact, "BusinessAccount": None})
        elif entity.table.endswith("/contact"):
            _leave_customer(call, tx, doc, None)
        elif entity.table.endswith("/location"):
            _delete_location(call, tx, doc)
        tx.delete(entity.table, _doc_id(entity, doc))


def views(call: ErpCall, entity_name: str) -> list[Doc]:
    """Every record of an entity, unwrapped with what the ERP works out (see ``_view``), in key
    order: what the operator's overview shows."""
    entity = call.catalog.entity(entity_name)
    with call.store.lock:
        return [_view(call, entity, doc) for doc in
                sorted(call.store.docs(entity.table), key=lambda d: _sort_key(entity, d))]


# ------------------------------------------------------------------ writing
def put_record(call: ErpCall, entity_name: str, sent: Doc, query: Query,
               if_match: str | None = None, if_none_match: str | None = None,
               keep_keys: bool = False) -> Doc:
    """Insert or update a record from a sent (wrapped) body; the answer is the record with the
    fields sent and those the query asks for. ``keep_keys``: take a numbered key as sent (for
    loading seed data), where a client's PUT may only name an existing one."""
    entity = call.catalog.entity(entity_name)
    node = _answer_tree(entity, query, sent)
    custom = _custom_names(entity, query.custom) | _sent_custom(entity, sent)
    with call.store.transaction() as tx:
        current = _find_for_put(call, entity, sent, query, keep_keys)
        if current is not None and if_none_match == "*":
            raise precondition_failed(f"The {entity.name} record already exists.")
        if current is None and if_match == "*":
            raise precondition_failed(f"The {entity.name} record does not exist.")
        errors: dict[str, Any] = {}
        base = copy_doc(current) if current is not None else {"id": _new_guid(sent, keep_keys)}
        updated = _merge(entity.shape, base, sent, errors, entity.read_only)
        _merge_custom(entity, updated, sent.get("custom"), errors)
        _normalise_keys(entity, updated)
        if current is None:
            _fill_new(call, tx, entity, updated, errors, keep_keys)
        _check_relations(call, entity, updated, errors)
        if errors:
            verb = "Inserting" if current is None else "Updating"
            raise refused(_with_errors(sent, errors),
                          f"{verb} '{entity.name}' record raised at least one error. "
                          "Please review the errors.")
        saved = _put_changed(tx, call, entity.name, current, updated)
        _after_put(call, tx, entity, current, saved)
    with call.store.lock:
        view = _view(call, entity, saved, "Contacts" in node.children)
    return _present(call, entity, view, node, custom, 1)


def _new_guid(sent: Doc, keep_keys: bool) -> str:
    if keep_keys and sent.get("id"):
        try:
            return str(uuid.UUID(str(sent["id"])))
        except ValueError:
            raise invalid(f"'{str(sent['id'])[:40]}' is not a GUID") from None
    return str(uuid.uuid4())


def _find_for_put(call: ErpCall, entity: Entity, sent: Doc, query: Query,
                  keep_keys: bool) -> Doc | None:
    if sent.get("id"):
        found = _by_guid(call, entity, str(sent["id"]))
        if found is None and not keep_keys:
            raise no_entity()
        return found
    keys = [unwrap(sent.get(key)) for key in entity.keys]
    if all(key is not None for key in keys):
        found = _by_keys(call, entity, keys)
        if found is None and entity.numbered and not keep_keys:
            raise no_entity()  # a numbered key names an existing record only
        return found
    if query.filter:
        predicate = _predicate(entity, query.filter)
        assert predicate is not None
        for doc in sorted(call.store.docs(entity.table), key=lambda d: _sort_key(entity, d)):
            if predicate(_view(call, entity, doc)):
                return doc
        raise no_entity()
    return None


def _merge(shape: Shape, current: Doc, sent: Doc, errors: dict[str, Any],
           read_only: frozenset[str] = frozenset()) -> Doc:
    """``current`` with the sent fields of ``shape`` (unwrapped, checked)."""
    for name, value in sent.items():
        if name in ("id", "rowNumber", "custom", "_links", "error", "files", "delete"):
            continue
        if name == "note":
            current["note"] = unwrap(value)
            continue
        if name in read_only:
            continue  # the ERP works these out itself
        if name in shape.fields:
            if not isinstance(value, dict):
                errors[name] = "a field is sent as {\"value\": ...}"
                continue
            stored, problem = checked(shape.fields[name], unwrap(value))
            if problem:
                errors[name] = problem
            else:
                current[name] = stored
        elif name in shape.linked:
            if not isinstance(value, dict):
                errors[name] = "a linked entity is sent as an object"
                continue
            inner: dict[str, Any] = {}
            current[name] = _merge(shape.linked[name], copy_doc(current.get(name) or {}),
                                   value, inner)
            if inner:
                errors[name] = inner
        elif name in shape.details:
            if not isinstance(value, list):
                errors[name] = "a detail list is sent as an array"
                continue
            current[name] = _merge_details(shape.details[name], current.get(name) or [],
                                           value, errors, name)
        else:
            raise invalid(f"{shape.name} has no field '{name[:60]}'")
    return current


def _merge_details(shape: Shape, rows: list[Doc], sent: list[Any], errors: dict[str, Any],
                   name: str) -> list[Doc]:
    """Detail lines: a sent line updates the line with the same first key field (an
    attribute's ``AttributeID``), or is added; ``"delete": true`` removes it; lines not sent
    stay."""
    key = next(iter(shape.fields))
    kept = [copy_doc(row) for row in rows]
    line_errors: dict[int, Any] = {}
    for index, line in enumerate(sent):
        if not isinstance(line, dict):
            line_errors[index] = "a detail line is sent as an object"
            continue
        wanted = unwrap(line.get(key))
        match = next((row for row in kept if wanted is not None and
                      str(row.get(key) or "").casefold() == str(wanted).casefold()), None)
        if line.get("delete"):
            if match is not None:
                kept.remove(match)
            continue
        inner: dict[str, Any] = {}
        if match is None:
            if wanted is None:
                line_errors[index] = f"a line of {name} needs its {key}"
                continue
            kept.append(_merge(shape, {}, line, inner))
        else:
            _merge(shape, match, line, inner)
        if inner:
            line_errors[index] = inner
    if line_errors:
        errors[name] = line_errors
    return kept


def _merge_custom(entity: Entity, doc: Doc, sent: Any, errors: dict[str, Any]) -> None:
    if not sent:
        return
    if not isinstance(sent, dict):
        raise invalid("custom is an object of views")
    stored = copy_doc(doc.get("custom") or {})
    for view, fields in sent.items():
        if not isinstance(fields, dict):
            raise invalid(f"custom.{view[:40]} is an object of fields")
        for name, value in fields.items():
            full = f"{view}.{name}"
            kind = entity.custom.get(full)
            if kind is None:
                raise invalid(f"{entity.name} has no custom field '{full[:80]}'")
            problem: str | None = None
            if not isinstance(value, dict):
                problem = "a custom field is sent as {\"type\": ..., \"value\": ...}"
            elif value.get("type") not in (None, kind):
                problem = f"{full} is a {kind}"
            else:
                result, problem = checked(CUSTOM_KINDS[kind], value.get("value"))
            if problem:
                errors.setdefault("custom", {}).setdefault(view, {})[name] = problem
            else:
                stored.setdefault(view, {})[name] = result
    doc["custom"] = stored


def _normalise_keys(entity: Entity, doc: Doc) -> None:
    for key in entity.keys:
        if isinstance(doc.get(key), str):
            doc[key] = doc[key].strip().upper()
    if isinstance(doc.get("BusinessAccount"), str):
        doc["BusinessAccount"] = doc["BusinessAccount"].strip().upper() or None


def _fill_new(call: ErpCall, tx: Writes, entity: Entity, doc: Doc, errors: dict[str, Any],
              keep_keys: bool) -> None:
    """What a new record needs: its keys (or a number), the ERP's defaults."""
    if entity.numbered and doc.get(entity.numbered) is None:
        number = tx.next_id(entity.table, FIRST_CONTACT)
        while call.store.get(entity.table, number) is not None:  # a seeded number
            number = tx.next_id(entity.table, FIRST_CONTACT)
        doc[entity.numbered] = number
    for key in entity.keys:
        if doc.get(key) in (None, ""):
            errors[key] = f"'{_label(key)}' cannot be empty."
    if entity.table.endswith("/customer"):
        if not doc.get("CustomerName"):
            errors["CustomerName"] = "'Customer Name' cannot be empty."
        doc.setdefault("Status", "Active")
        doc["BAccountID"] = tx.next_id(entity.table, FIRST_CUSTOMER)
    elif entity.table.endswith("/contact"):
        if not doc.get("LastName"):
            errors["LastName"] = "'Last Name' cannot be empty."
    elif entity.table.endswith("/location"):
        doc.setdefault("LocationName", doc.get("LocationID"))
        doc["Default"] = bool(doc.get("Default"))
        doc["locationKey"] = tx.next_id(entity.table, 1)
    if doc.get("Active") is None and not entity.table.endswith("/customer"):
        doc["Active"] = True
    doc["CreatedDateTime"] = later_than(None)


def _check_relations(call: ErpCall, entity: Entity, doc: Doc, errors: dict[str, Any]) -> None:
    customers = _table(call, "Customer")
    if entity.table.endswith("/contact") and doc.get("BusinessAccount"):
        if not call.store.lookup(customers, "CustomerID", doc["BusinessAccount"]):
            errors["BusinessAccount"] = "'Business Account' cannot be found in the system."
    if entity.table.endswith("/location") and doc.get("Customer"):
        if not call.store.lookup(customers, "CustomerID", doc["Customer"]):
            errors["Customer"] = "'Customer' cannot be found in the system."
    if entity.table.endswith("/customer") and doc.get("PrimaryContactID") is not None:
        contact = call.store.get(_table(call, "Contact"), doc["PrimaryContactID"])
        if contact is None or contact.get("BusinessAccount") != doc.get("CustomerID"):
            errors["PrimaryContactID"] = "'Primary Contact' cannot be found in the system."
    for name, allowed in entity.choices.items():
        if doc.get(name) is not None and doc[name] not in allowed:
            errors[name] = f"'{doc[name]}' is not one of {', '.join(allowed)}."


def _after_put(call: ErpCall, tx: Writes, entity: Entity, before: Doc | None,
               saved: Doc) -> None:
    """What one record's change does to others: primaries and default locations."""
    if entity.table.endswith("/contact") and before is not None and \
            before.get("BusinessAccount") != saved.get("BusinessAccount"):
        _leave_customer(call, tx, before, saved)
    if entity.table.endswith("/location"):
        table = entity.table
        siblings = [d for i in call.store.lookup(table, "Customer", saved["Customer"])
                    if (d := call.store.get(table, i)) is not None
                    and d["locationKey"] != saved["locationKey"]]
        if saved.get("Default"):
            for other in siblings:
                if other.get("Default"):
                    _put_changed(tx, call, "CustomerLocation", other, {**other, "Default": False})
        elif not any(d.get("Default") for d in siblings):
            if before is not None and before.get("Default"):
                raise refused({}, "A customer needs a default location; "
                              "make another location the default first.")
            _put_changed(tx, call, "CustomerLocation", saved, {**saved, "Default": True})


def _leave_customer(call: ErpCall, tx: Writes, contact: Doc, now: Doc | None) -> None:
    """A contact left its customer: it is no longer that customer's primary contact."""
    account = contact.get("BusinessAccount")
    if not account:
        return
    customers = _table(call, "Customer")
    for doc_id in call.store.lookup(customers, "CustomerID", account):
        customer = call.store.get(customers, doc_id)
        if customer is not None and customer.get("PrimaryContactID") == contact["ContactID"]:
            _put_changed(tx, call, "Customer", customer, {**customer, "PrimaryContactID": None})


def _delete_location(call: ErpCall, tx: Writes, doc: Doc) -> None:
    """The default location goes last: deleting it while others exist is refused."""
    if not doc.get("Default"):
        return
    table = _table(call, "CustomerLocation")
    if any(i != doc["locationKey"] for i in call.store.lookup(table, "Customer", doc["Customer"])):
        raise ErpError(500, "An error has occurred.",
                       "The default location cannot be deleted; make another location the "
                       "default first.", "PX.Data.PXException")


def _put_changed(tx: Writes, call: ErpCall, entity_name: str, before: Doc | None,
                 after: Doc) -> Doc:
    """Store ``after`` when it differs from ``before``, stamped with the time of the change."""
    entity = call.catalog.entity(entity_name)
    if before is not None and _same(before, after):
        return before
    stamped = {**after, "LastModifiedDateTime": later_than(
        before.get("LastModifiedDateTime") if before else None)}
    tx.put(entity.table, _doc_id(entity, stamped), stamped)
    return stamped


def _same(a: Doc, b: Doc) -> bool:
    skip = ("LastModifiedDateTime",)
    return {k: v for k, v in a.items() if k not in skip} == \
        {k: v for k, v in b.items() if k not in skip}


# ------------------------------------------------------------------ finding records
def _table(call: ErpCall, entity_name: str) -> str:
    return call.catalog.entity(entity_name).table


def _doc_id(entity: Entity, doc: Doc) -> int:
    if entity.table.endswith("/customer"):
        return int(doc["BAccountID"])
    if entity.table.endswith("/contact"):
        return int(doc["ContactID"])
    return int(doc["locationKey"])


def _sort_key(entity: Entity, doc: Doc) -> tuple[Any, ...]:
    return tuple(doc.get(key) if doc.get(key) is not None else "" for key in entity.keys)


def _by_guid(call: ErpCall, entity: Entity, guid: str) -> Doc | None:
    try:
        wanted = str(uuid.UUID(guid))
    except ValueError:
        return None
    ids = call.store.lookup(entity.table, "id", wanted)
    return call.store.get(entity.table, ids[0]) if ids else None


def _by_keys(call: ErpCall, entity: Entity, keys: list[Any]) -> Doc | None:
    if entity.numbered:
        try:
            return call.store.get(entity.table, int(keys[0]))
        except (TypeError, ValueError):
            return None
    first = str(keys[0]).strip().upper()
    for doc_id in call.store.lookup(entity.table, entity.keys[0], first):
        doc = call.store.get(entity.table, doc_id)
        if doc is not None and all(str(doc.get(k) or "") == str(v).strip().upper()
                                   for k, v in zip(entity.keys[1:], keys[1:])):
            return doc
    return None


def _by_path_keys(call: ErpCall, entity: Entity, keys: list[str]) -> Doc | None:
    """The record a URL names: by its GUID (one segment) or by its key values."""
    if len(keys) == 1 and len(entity.keys) > 1:
        return _by_guid(call, entity, keys[0])
    if len(keys) == 1:
        found = _by_guid(call, entity, keys[0])
        if found is not None:
            return found
    if len(keys) != len(entity.keys):
        return None
    if entity.numbered and not keys[0].strip().isdigit():
        return None
    return _by_keys(call, entity, list(keys))


# ------------------------------------------------------------------ views and answers
def _view(call: ErpCall, entity: Entity, doc: Doc, with_contacts: bool = False) -> Doc:
    """A stored record with what the ERP works out: its NoteID, a contact's DisplayName and
    Status, a location's Status, a customer's LocationName, and its Contacts when the answer
    expands them (``$filter`` cannot name a detail entity, so nothing else reads them)."""
    view = dict(doc)
    view["NoteID"] = doc["id"]
    if entity.table.endswith("/contact"):
        view["DisplayName"] = " ".join(p for p in (doc.get("FirstName"), doc.get("MiddleName"),
                                                   doc.get("LastName")) if p) or None
        view["Status"] = "Active" if doc.get("Active", True) else "Inactive"
    elif entity.table.endswith("/location"):
        view["Status"] = "Active" if doc.get("Active", True) else "Inactive"
    elif entity.table.endswith("/customer"):
        locations = _table(call, "CustomerLocation")
        contacts = _table(call, "Contact")
        default = next((d for i in call.store.lookup(locations, "Customer", doc["CustomerID"])
                        if (d := call.store.get(locations, i)) is not None and d.get("Default")),
                       None)
        view["LocationName"] = default.get("LocationName") if default else None
        if not with_contacts:
            return view
        found = [c for i in call.store.lookup(contacts, "BusinessAccount", doc["CustomerID"])
                 if (c := call.store.get(contacts, i)) is not None]
        view["Contacts"] = [{"id": c["id"], "ContactID": c["ContactID"],
                             "LastModifiedDateTime": c.get("LastModifiedDateTime"),
                             "Contact": {**c, "DisplayName": " ".join(
                                 p for p in (c.get("FirstName"), c.get("LastName")) if p)}}
                            for c in sorted(found, key=lambda c: c["ContactID"])]
    return view


def _present(call: ErpCall, entity: Entity, view: Doc, node: _Node, custom: set[str],
             row: int) -> Doc:
    answer = _present_shape(entity.shape, view, node, view["id"], row)
    answer["custom"] = _present_custom(entity, view, custom)
    answer["_links"] = {"self": f"/entity/Default/{call.version}/{entity.name}/{view['id']}"}
    return answer


def _present_shape(shape: Shape, view: Doc, node: _Node, record_id: str, row: int) -> Doc:
    answer: Doc = {"id": record_id, "rowNumber": row, "note": wrap(view.get("note") or "")}
    for name in shape.fields:
        if node.fields is None or name in node.fields:
            answer[name] = wrap(view.get(name))
    for name, child in node.children.items():
        if name in shape.linked:
            linked = view.get(name) or {}
            answer[name] = {**_present_shape(shape.linked[name], linked, child,
                                             str(uuid.uuid5(_LINK_NAMESPACE,
                                                            f"{record_id}/{name}")), 1),
                            "custom": {}}
        elif name in shape.details:
            answer[name] = [{**_present_shape(shape.details[name], line, child,
                                              str(line.get("id") or uuid.uuid5(
                                                  _LINK_NAMESPACE, f"{record_id}/{name}/{i}")),
                                              i), "custom": {}}
                            for i, line in enumerate(view.get(name) or [], start=1)]
    return answer


def _present_custom(entity: Entity, view: Doc, names: set[str]) -> Doc:
    custom: Doc = {}
    stored = view.get("custom") or {}
    for full in sorted(names):
        view_name, _, field_name = full.partition(".")
        custom.setdefault(view_name, {})[field_name] = {
            "type": entity.custom[full], "value": (stored.get(view_name) or {}).get(field_name)}
    return custom


def _answer_tree(entity: Entity, query: Query, sent: Doc | None = None) -> _Node:
    """What an answer holds: every field of the entity, or those ``$select`` names (for a PUT,
    also those sent, and its keys), with the linked and detail entities ``$expand`` names (for a
    PUT, also those sent)."""
    root = _Node()
    expanded = split_list(query.expand, "$expand")
    if sent is not None:
        expanded += [name for name in sent
                     if name in entity.shape.linked or name in entity.shape.details]
    for path in expanded:
        node, shape = root, entity.shape
        for part in path.split("/"):
            inner = shape.linked.get(part) or shape.details.get(part)
            if inner is None:
                raise invalid(f"$expand: {shape.name} has no linked or detail entity '{part}'")
            node = node.children.setdefault(part, _Node())
            shape = inner
    selected = split_list(query.select, "$select")
    if selected:
        root.fields = set()
        for child in root.children.values():
            child.fields = set()
    elif sent is not None:
        root.fields = {name for name in sent if name in entity.shape.fields}
    for path in selected:
        *parents, last = path.split("/")
        node, shape = root, entity.shape
        for part in parents:
            if part not in node.children:
                raise invalid(f"$select names {path[:80]}: add {part} to $expand")
            shape = shape.linked.get(part) or shape.details[part]
            node = node.children[part]
        if last in shape.fields:
            if node.fields is not None:
                node.fields.add(last)
        elif last in shape.linked or last in shape.details:
            if last not in node.children:
                raise invalid(f"$select names {path[:80]}: add it to $expand")
            node.children[last].fields = None
        else:
            raise invalid(f"$select: {shape.name} has no field '{last[:60]}'")
    if sent is not None and root.fields is not None:
        root.fields |= {name for name in sent if name in entity.shape.fields}
        root.fields |= set(entity.keys)
    return root


def _custom_names(entity: Entity, text: str | None) -> set[str]:
    names = set(split_list(text, "$custom"))
    for name in names:
        if name not in entity.custom:
            raise invalid(f"$custom: {entity.name} has no custom field '{name[:80]}'"
                          f" (it has {', '.join(sorted(entity.custom)) or 'none'})")
    return names


def _sent_custom(entity: Entity, sent: Doc) -> set[str]:
    custom = sent.get("custom")
    if not isinstance(custom, dict):
        return set()
    return {f"{view}.{name}" for view, fields in custom.items() if isinstance(fields, dict)
            for name in fields if f"{view}.{name}" in entity.custom}


def _predicate(entity: Entity, text: str | None) -> Predicate | None:
    if not text:
        return None
    return FilterParser(text, lambda path: _getter(entity, path)).parse()


def _getter(entity: Entity, path: str) -> Getter:
    """How a ``$filter`` reads a field path of the entity's view."""
    if path.startswith("custom:"):
        full = path[len("custom:"):]
        if full not in entity.custom:
            raise invalid(f"$filter: {entity.name} has no custom field '{full[:80]}'")
        view_name, _, field_name = full.partition(".")
        kind = CUSTOM_KINDS[entity.custom[full]]
        return lambda r: _typed(kind, ((r.get("custom") or {}).get(view_name) or {})
                                .get(field_name))
    *parents, last = path.split("/")
    shape = entity.shape
    for part in parents:
        if part in shape.details:
            raise invalid(f"$filter: conditions on the detail entity {part} are not supported")
        if part not in shape.linked:
            raise invalid(f"$filter: {shape.name} has no linked entity '{part[:60]}'")
        shape = shape.linked[part]
    if last not in shape.fields:
        raise invalid(f"$filter: {shape.name} has no field '{last[:60]}'")
    kind = shape.fields[last]

    def read(record: Doc) -> Any:
        value: Any = record
        for part in parents:
            value = (value or {}).get(part)
        return _typed(kind, (value or {}).get(last))
    return read


def _typed(kind: str, value: Any) -> Any:
    if kind == "DateTime" and isinstance(value, str):
        try:
            return parse_datetime(value)
        except ValueError:
            return value
    return value


def _with_errors(sent: Doc, errors: dict[str, Any]) -> Doc:
    """The sent record with each refused field's ``error`` (what a 422 answers)."""
    answer = copy_doc(sent)
    for name, problem in errors.items():
        if isinstance(answer.get(name), list) and isinstance(problem, dict):
            lines = answer[name]
            for index, line_problem in problem.items():
                line = lines[index] if isinstance(lines[index], dict) else {}
                lines[index] = _with_errors(line, line_problem) if isinstance(
                    line_problem, dict) else {**line, "error": line_problem}
        elif isinstance(problem, dict):
            inner = answer.get(name) if isinstance(answer.get(name), dict) else {}
            answer[name] = _with_errors(inner, problem)
        else:
            slot = answer.get(name) if isinstance(answer.get(name), dict) else {}
            answer[name] = {**slot, "error": problem}
    return answer


def _label(key: str) -> str:
    """``CustomerID`` -> ``Customer ID`` (how the ERP names a field in its messages)."""
    out = ""
    for i, ch in enumerate(key):
        if i and ch.isupper() and not key[i - 1].isupper():
            out += " "
        out += ch
    return out
