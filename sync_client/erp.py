"""Reading ERP customers and their contacts, in the shape of Acumatica's contract-based REST API.

Acumatica answers a customer with ``$expand=Contacts,Attributes`` as JSON whose every field is
wrapped as ``{"value": ...}``. A :class:`CustomerSource` yields :class:`Customer` records; the
file reader below is one source, and a live endpoint can be another behind the same interface.

What the reader understands on a contact beyond Acumatica's standard fields:

* primary: the customer's ``PrimaryContactID`` names it (or the contact says ``IsPrimary``);
* enabled for the commerce connection: ``CommerceEnabled`` (the per-contact "enable" check of
  the connector's site association); a contact without the field is not enabled.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterable, Protocol

USABLE_EMAIL = re.compile(r"^[^@ \t\n\r]+@[^@ \t\n\r]+\.[^@. \t\n\r]+$")


def unwrap(record: dict[str, Any], name: str, default: Any = None) -> Any:
    """The value of an Acumatica field (``{"value": x}``), or ``default`` when absent/null."""
    wrapped = record.get(name)
    if isinstance(wrapped, dict):
        value = wrapped.get("value")
        return default if value is None else value
    return default if wrapped is None else wrapped


@dataclass(frozen=True)
class Contact:
    contact_id: int
    first_name: str | None
    last_name: str | None
    email: str | None
    job_title: str | None = None
    phone: str | None = None
    active: bool = True
    primary: bool = False
    enabled: bool = False

    @property
    def display_name(self) -> str:
        return " ".join(p for p in (self.first_name, self.last_name) if p) or f"#{self.contact_id}"

    @property
    def usable_email(self) -> bool:
        return bool(self.email) and bool(USABLE_EMAIL.match(self.email or ""))

    @property
    def wanted(self) -> bool:
        """Should this contact be an active user of the B2B account?"""
        return self.active and self.enabled


@dataclass(frozen=True)
class Customer:
    customer_id: str
    name: str | None
    status: str = "Active"
    customer_class: str | None = None
    tax_registration_id: str | None = None
    attributes: tuple[tuple[str, str], ...] = ()
    contacts: tuple[Contact, ...] = field(default_factory=tuple)

    @property
    def primary(self) -> Contact | None:
        return next((c for c in self.contacts if c.primary), None)


class CustomerSource(Protocol):
    """Where customers come from: a file, a folder, or a live ERP endpoint."""

    def customers(self) -> Iterable[Customer]: ...


def _contact(raw: dict[str, Any], primary_id: Any) -> Contact:
    contact_id = int(unwrap(raw, "ContactID"))
    primary = unwrap(raw, "IsPrimary", False) or (
        primary_id is not None and str(primary_id) == str(contact_id))
    email = unwrap(raw, "Email")
    return Contact(
        contact_id=contact_id,
        first_name=unwrap(raw, "FirstName"),
        last_name=unwrap(raw, "LastName"),
        email=email.strip() if isinstance(email, str) and email.strip() else None,
        job_title=unwrap(raw, "JobTitle"),
        phone=unwrap(raw, "Phone1"),
        active=bool(unwrap(raw, "Active", True)),
        primary=bool(primary),
        enabled=bool(unwrap(raw, "CommerceEnabled", False)),
    )


def customer_from_json(raw: dict[str, Any]) -> Customer:
    """One Acumatica customer record (with its expanded contacts and attributes)."""
    primary_id = unwrap(raw, "PrimaryContactID")
    attributes = tuple(
        (str(unwrap(a, "AttributeID")), str(unwrap(a, "Value", "")))
        for a in raw.get("Attributes") or [] if unwrap(a, "AttributeID"))
    return Customer(
        customer_id=str(unwrap(raw, "CustomerID")),
        name=unwrap(raw, "CustomerName"),
        status=unwrap(raw, "Status", "Active"),
        customer_class=unwrap(raw, "CustomerClass"),
        tax_registration_id=unwrap(raw, "TaxRegistrationID"),
        attributes=attributes,
        contacts=tuple(_contact(c, primary_id) for c in raw.get("Contacts") or []),
    )


class AcumaticaFileSource:
    """Customers from a JSON file (one customer or a list) or a folder of such files."""

    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)

    def _files(self) -> list[Path]:
        if self.path.is_dir():
            return sorted(self.path.glob("*.json"))
        return [self.path]

    def customers(self) -> list[Customer]:
        found: list[Customer] = []
        for file in self._files():
            with open(file, encoding="utf-8") as fh:
                data = json.load(fh)
            if isinstance(data, list):
                records = data
            elif isinstance(data, dict) and isinstance(data.get("value"), list):
                records = data["value"]  # an OData envelope
            else:
                records = [data]
            found.extend(customer_from_json(r) for r in records)
        return found


def _wrap(value: Any) -> dict[str, Any]:
    return {"value": value}


def customer_to_json(customer: Customer) -> dict[str, Any]:
    """The Acumatica JSON of ``customer`` (what :func:`customer_from_json` reads back)."""
    primary = customer.primary
    return {
        "CustomerID": _wrap(customer.customer_id),
        "CustomerName": _wrap(customer.name),
        "Status": _wrap(customer.status),
        "CustomerClass": _wrap(customer.customer_class),
        "TaxRegistrationID": _wrap(customer.tax_registration_id),
        "PrimaryContactID": _wrap(primary.contact_id if primary else None),
        "Attributes": [{"AttributeID": _wrap(a), "Value": _wrap(v)}
                       for a, v in customer.attributes],
        "Contacts": [{
            "ContactID": _wrap(c.contact_id), "FirstName": _wrap(c.first_name),
            "LastName": _wrap(c.last_name), "DisplayName": _wrap(c.display_name),
            "Email": _wrap(c.email), "JobTitle": _wrap(c.job_title), "Phone1": _wrap(c.phone),
            "Active": _wrap(c.active), "CommerceEnabled": _wrap(c.enabled),
        } for c in customer.contacts],
    }
