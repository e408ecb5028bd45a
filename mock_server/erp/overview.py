"""The ERP twin at a glance, for the operator's demo page: each customer with its contacts and
locations, unwrapped, and the commerce reference id a sync wrote back."""

from __future__ import annotations

from typing import Any

from .records import ErpCall, views

CONTACT_FIELDS = ("ContactID", "FirstName", "LastName", "DisplayName", "Email", "Active",
                  "LastModifiedDateTime")
LOCATION_FIELDS = ("LocationID", "LocationName", "Active", "Default", "LastModifiedDateTime")


def overview(call: ErpCall) -> list[dict[str, Any]]:
    contacts: dict[Any, list[dict[str, Any]]] = {}
    for contact in views(call, "Contact"):
        contacts.setdefault(contact.get("BusinessAccount"), []).append(contact)
    locations: dict[Any, list[dict[str, Any]]] = {}
    for location in views(call, "CustomerLocation"):
        locations.setdefault(location.get("Customer"), []).append(location)
    found = []
    for customer in views(call, "Customer"):
        own = customer["CustomerID"]
        found.append({
            "CustomerID": own, "CustomerName": customer.get("CustomerName"),
            "Status": customer.get("Status"), "PrimaryContactID": customer.get("PrimaryContactID"),
            "LastModifiedDateTime": customer.get("LastModifiedDateTime"),
            "commerceReferenceId": ((customer.get("custom") or {}).get("BAccount") or {})
            .get("UsrCommerceRefID"),
            "contacts": [{**{k: c.get(k) for k in CONTACT_FIELDS},
                          "commerceEnabled": bool(((c.get("custom") or {}).get("Contact") or {})
                                                  .get("UsrCommerceEnabled"))}
                         for c in contacts.get(own, [])],
            "locations": [{**{k: loc.get(k) for k in LOCATION_FIELDS},
                           "city": ((loc.get("LocationContact") or {}).get("Address") or {})
                           .get("City"),
                           "email": (loc.get("LocationContact") or {}).get("Email")}
                          for loc in locations.get(own, [])],
        })
    return found
