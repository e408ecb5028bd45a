"""ERP customers with their contacts and locations, in the shape of Acumatica's contract-based
REST API, and the file source that reads them.

Acumatica writes every field as ``{"value": ...}``. A customer document is a ``Customer`` record
with ``Contacts`` (each a ``Contact`` record's fields) and ``Locations`` (``CustomerLocation``
records) beside its own fields: what the file source reads, what ``b2b-mock --erp-seed`` loads,
and what the live source (``erp_api``) assembles from the ERP's three entities. A
:class:`CustomerSource` yields :class:`Customer` records.

What the reader understands beyond Acumatica's standard fields, as the connector adds them:

* a contact is enabled for the commerce connection by the custom field
  ``Contact.UsrCommerceEnabled`` (the per-contact "enable" check of the connector's site
  association; ``CommerceEnabled`` is read too); a contact without it is not enabled;
* the customer's commerce reference id (the B2B account it became) is the custom field
  ``BAccount.UsrCommerceRefID``;
* primary: the customer's ``PrimaryContactID`` names it (or the contact says ``IsPrimary``).
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterable, Protocol

USABLE_EMAIL = re.compile(r"^[^@ \t\n\r]+@[^@ \t\n\r]+\.[^@. \t\n\r]+$")
ENABLED = ("Contact", "UsrCommerceEnabled")       # custom view and field
REFERENCE = ("BAccount", "UsrCommerceRefID")       # custom view and field


def custom_value(record: dict[str, Any], view_field: tuple[str, str], default: Any = None) -> Any:
    """The value of a custom field (``record["custom"][view][field]["value"]``)."""
    view, name = view_field
    found = ((record.get("custom") or {}).get(view) or {}).get(name)
    value = found.get("value") if isinstance(found, dict) else None
    return default if value is None else value


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
class Location:
    """A customer location: an address of the customer, one of them its default."""

    location_id: str
    name: str | None = None
    active: bool = True
    default: bool = False
    email: str | None = None
    first_name: str | None = None
    last_name: str | None = None
    company: str | None = None
    phone: str | None = None
    address1: str | None = None
    address2: str | None = None
    city: str | None = None
    state: str | None = None
    postal_code: str | None = None
    country: str | None = None


@dataclass(frozen=True)
class Customer:
    customer_id: str
    name: str | None
    status: str = "Active"
    customer_class: str | None = None
    tax_registration_id: str | None = None
    attributes: tuple[tuple[str, str], ...] = ()
    contacts: tuple[Contact, ...] = field(default_factory=tuple)
    locations: tuple[Location, ...] = field(default_factory=tuple)
    reference_id: str | None = None  # the B2B account id written back to the ERP

    @property
    def primary(self) -> Contact | None:
        return next((c for c in self.contacts if c.primary), None)


class CustomerSource(Protocol):
    """Where customers come from: a file, a folder, or a live ERP endpoint.

    ``customers(since)`` reads those changed after ``since`` (an ERP time a source gave out with
    ``read_clock``), or all of them; a source that cannot tell changes reads all. A source that
    can write the commerce reference id back onto a customer does so in ``write_reference``,
    which answers the call it made (``PUT <url>``, for the log), or None when it cannot.
    """

    name: str

    def customers(self, since: str | None = None) -> list[Customer]: ...

    def read_clock(self) -> str | None: ...

    def write_reference(self, customer_id: str, account_id: int) -> str | None: ...


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
        enabled=bool(custom_value(raw, ENABLED, unwrap(raw, "CommerceEnabled", False))),
    )


def location_from_json(raw: dict[str, Any]) -> Location:
    """One ``CustomerLocation`` record (its ``LocationContact`` and address expanded)."""
    contact = raw.get("LocationContact") or {}
    address = contact.get("Address") or {}
    email = unwrap(contact, "Email")
    return Location(
        location_id=str(unwrap(raw, "LocationID")),
        name=unwrap(raw, "LocationName"),
        active=bool(unwrap(raw, "Active", True)),
        default=bool(unwrap(raw, "Default", False)),
        email=email.strip() if isinstance(email, str) and email.strip() else None,
        first_name=unwrap(contact, "FirstName"),
        last_name=unwrap(contact, "LastName") or unwrap(contact, "Attention"),
        company=unwrap(contact, "CompanyName"),
        phone=unwrap(contact, "Phone1"),
        address1=unwrap(address, "AddressLine1"),
        address2=unwrap(address, "AddressLine2"),
        city=unwrap(address, "City"),
        state=unwrap(address, "State"),
        postal_code=unwrap(address, "PostalCode"),
        country=unwrap(address, "Country"),
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
        locations=tuple(location_from_json(loc) for loc in raw.get("Locations") or []),
        reference_id=_text(custom_value(raw, REFERENCE)),
    )


def _text(value: Any) -> str | None:
    return str(value).strip() or None if value is not None else None


class AcumaticaFileSource:
    """Customers from a JSON file (one customer document or a list) or a folder of such files.

    A file has no clock and cannot be written to: every run reads it whole, and the commerce
    reference ids stay in the sync's own references.
    """

    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)
        self.name = f"file:{self.path.resolve()}"

    def read_clock(self) -> str | None:
        return None

    def write_reference(self, customer_id: str, account_id: int) -> str | None:
        return None

    def _files(self) -> list[Path]:
        if self.path.is_dir():
            return sorted(self.path.glob("*.json"))
        return [self.path]

    def customers(self, since: str | None = None) -> list[Customer]:
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
    return {} if value is None else {"value": value}


def location_to_json(location: Location) -> dict[str, Any]:
    """The ``CustomerLocation`` record of ``location`` (without its ``Customer``)."""
    return {
        "LocationID": _wrap(location.location_id), "LocationName": _wrap(location.name),
        "Active": _wrap(location.active), "Default": _wrap(location.default),
        "LocationContact": {
            "Email": _wrap(location.email), "FirstName": _wrap(location.first_name),
            "LastName": _wrap(location.last_name), "CompanyName": _wrap(location.company),
            "Phone1": _wrap(location.phone),
            "Address": {"AddressLine1": _wrap(location.address1),
                        "AddressLine2": _wrap(location.address2), "City": _wrap(location.city),
                        "State": _wrap(location.state),
                        "PostalCode": _wrap(location.postal_code),
                        "Country": _wrap(location.country)}},
    }


def contact_to_json(c: Contact) -> dict[str, Any]:
    """The ``Contact`` record of ``c`` (without its ``BusinessAccount``)."""
    return {
        "ContactID": _wrap(c.contact_id), "FirstName": _wrap(c.first_name),
        "LastName": _wrap(c.last_name), "Email": _wrap(c.email), "JobTitle": _wrap(c.job_title),
        "Phone1": _wrap(c.phone), "Active": _wrap(c.active),
        "custom": {ENABLED[0]: {ENABLED[1]: {"type": "CustomBooleanField",
                                             "value": c.enabled}}},
    }


def customer_to_json(customer: Customer) -> dict[str, Any]:
    """The customer document of ``customer`` (what :func:`customer_from_json` reads back)."""
    primary = customer.primary
    custom = {}
    if customer.reference_id is not None:
        custom = {REFERENCE[0]: {REFERENCE[1]: {"type": "CustomStringField",
                                                "value": customer.reference_id}}}
    return {
        "CustomerID": _wrap(customer.customer_id),
        "CustomerName": _wrap(customer.name),
        "Status": _wrap(customer.status),
        "CustomerClass": _wrap(customer.customer_class),
        "TaxRegistrationID": _wrap(customer.tax_registration_id),
        "PrimaryContactID": _wrap(primary.contact_id if primary else None),
        "Attributes": [{"AttributeID": _wrap(a), "Value": _wrap(v)}
                       for a, v in customer.attributes],
        "Contacts": [contact_to_json(c) for c in customer.contacts],
        "Locations": [location_to_json(loc) for loc in customer.locations],
        "custom": custom,
    }
