"""Loading the twin from customer documents: each customer with its contacts and locations.

A customer document is a ``Customer`` record as the twin answers it, with two lists beside its
fields: ``Contacts``, each holding the contact's own fields (a ``Contact`` record), and
``Locations`` (``CustomerLocation`` records, their ``Customer`` taken from the document). This is
the shape of ``fixtures/acumatica/`` and of the files ``b2b-sync`` reads, so one file seeds the
twin and feeds a file sync alike. Two older spellings are read too: a contact's
``CommerceEnabled`` (now the custom field ``Contact.UsrCommerceEnabled``) and ``IsPrimary`` (the
customer's ``PrimaryContactID``).

Every record goes through the twin's own upsert, so seed data meets the same checks as a PUT.
"""

from __future__ import annotations

from typing import Any

from .errors import invalid
from .records import ErpCall, Query, put_record
from .values import unwrap

ENABLED_VIEW, ENABLED_FIELD = "Contact", "UsrCommerceEnabled"


def customer_documents(data: Any) -> list[dict[str, Any]]:
    """The customer documents of a file's JSON: a list, one document, or ``{"value": [...]}``."""
    if isinstance(data, dict) and isinstance(data.get("value"), list):
        data = data["value"]
    if isinstance(data, dict):
        data = [data]
    if not isinstance(data, list) or not all(isinstance(d, dict) for d in data):
        raise invalid("ERP data is a list of customer documents (Customer records with their "
                      "Contacts and Locations)")
    return data


def contact_record(raw: dict[str, Any], customer_id: str) -> dict[str, Any]:
    """A contact of a customer document as a ``Contact`` record of that customer."""
    record = {k: v for k, v in raw.items() if k not in ("CommerceEnabled", "IsPrimary",
                                                         "DisplayName", "Status", "rowNumber")}
    record["BusinessAccount"] = {"value": customer_id}
    if "CommerceEnabled" in raw:
        custom = dict(record.get("custom") or {})
        custom[ENABLED_VIEW] = {**(custom.get(ENABLED_VIEW) or {}), ENABLED_FIELD: {
            "type": "CustomBooleanField", "value": bool(unwrap(raw["CommerceEnabled"]))}}
        record["custom"] = custom
    return record


def load_documents(call: ErpCall, data: Any) -> dict[str, int]:
    """Upsert every record of the documents; counts of what was loaded."""
    counts = {"customers": 0, "contacts": 0, "locations": 0}
    for document in customer_documents(data):
        customer_id = unwrap(document.get("CustomerID"))
        if not isinstance(customer_id, str) or not customer_id.strip():
            raise invalid("a customer document needs its CustomerID")
        primary = unwrap(document.get("PrimaryContactID"))
        own = {k: v for k, v in document.items()
               if k not in ("Contacts", "Locations", "PrimaryContactID", "rowNumber")}
        put_record(call, "Customer", own, Query(), keep_keys=True)
        counts["customers"] += 1
        for raw in document.get("Contacts") or []:
            if unwrap(raw.get("IsPrimary")):
                primary = unwrap(raw.get("ContactID"))
            put_record(call, "Contact", contact_record(raw, customer_id), Query(),
                       keep_keys=True)
            counts["contacts"] += 1
        for raw in document.get("Locations") or []:
            location = {k: v for k, v in raw.items() if k not in ("Status", "rowNumber")}
            location["Customer"] = {"value": customer_id}
            put_record(call, "CustomerLocation", location, Query(), keep_keys=True)
            counts["locations"] += 1
        if primary is not None:
            put_record(call, "Customer", {"CustomerID": {"value": customer_id},
                                          "PrimaryContactID": {"value": primary}}, Query())
    return counts
