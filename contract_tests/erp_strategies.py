"""Hypothesis strategies for ERP customers and contacts, in the sync client's own model.

They lean toward what breaks syncs: unicode and very long names, mixed-case and plus-addressed
e-mails, missing and malformed e-mails, the same e-mail on two contacts, zero or one primary,
disabled and inactive contacts, and attribute sets.
"""

from __future__ import annotations

from dataclasses import replace

from hypothesis import strategies as st

from sync_client.erp import Contact, Customer, Location

DOMAINS = ("contoso.com", "fabrikam.io", "exämple.de", "northwind.co.uk")
LOCALS = ("mark", "olivia", "raj", "amelie", "li.wei", "o'brien")
ATTRIBUTE_IDS = ("TIER", "REGION", "PAY TERMS", "INCOTERM", "Credit.Limit")
STATUSES = ("Active", "Active", "Active", "OnHold", "Inactive")

names = st.one_of(
    st.sampled_from(["Mark", "Zoë", "Олег", "李", "Ngũgĩ", "O'Neil", "Anne-Marie"]),
    st.text(st.characters(codec="utf-8", exclude_categories=("Cs", "Cc")), min_size=1,
            max_size=200),
)


def _mixed_case(text: str, mask: int) -> str:
    return "".join(c.upper() if (mask >> (i % 16)) & 1 else c for i, c in enumerate(text))


emails = st.builds(
    lambda local, tag, domain, mask: _mixed_case(f"{local}{'+' + tag if tag else ''}@{domain}",
                                                 mask),
    st.sampled_from(LOCALS), st.sampled_from(["", "b2b", "erp"]), st.sampled_from(DOMAINS),
    st.integers(0, 2**16 - 1) | st.just(0),
)
"""A small pool on purpose: the same address (up to case) turns up on different contacts."""

contact_emails = st.one_of(emails, emails, emails, st.none(), st.sampled_from(["", "not-an-email",
                                                                               "x@localhost"]))


@st.composite
def contacts(draw: st.DrawFn, contact_id: int) -> Contact:
    return Contact(
        contact_id=contact_id,
        first_name=draw(names),
        last_name=draw(st.none() | names),
        email=draw(contact_emails) or None,
        job_title=draw(st.none() | st.sampled_from(["Buyer", "Owner", "Accounts Payable"])),
        active=draw(st.booleans() | st.just(True)),
        primary=False,
        enabled=draw(st.booleans() | st.just(True)),
    )


attribute_sets = st.lists(
    st.tuples(st.sampled_from(ATTRIBUTE_IDS), st.text(min_size=0, max_size=30)),
    max_size=4, unique_by=lambda pair: pair[0],
).map(tuple)


@st.composite
def customers(draw: st.DrawFn, customer_id: str = "C000000288") -> Customer:
    """A customer with up to five contacts, of which at most one is primary."""
    count = draw(st.integers(0, 5))
    people = [draw(contacts(100 + i)) for i in range(count)]
    if people and draw(st.booleans()):
        chosen = draw(st.integers(0, len(people) - 1))
        people[chosen] = replace(people[chosen], primary=True)
    return Customer(
        customer_id=customer_id,
        name=draw(names.filter(lambda n: n.strip(" \t\n\r"))),  # the service needs a name
        status=draw(st.sampled_from(STATUSES)),
        customer_class=draw(st.none() | st.sampled_from(["LOCAL", "INTL", "RETAIL"])),
        tax_registration_id=draw(st.none() | st.from_regex(r"\d{2}-\d{7}", fullmatch=True)),
        attributes=draw(attribute_sets),
        contacts=tuple(people),
    )


PLACES = ("Head Office", "Dock", "Warehouse", "Lager Süd", "倉庫", "O'Hare Depot")


@st.composite
def locations(draw: st.DrawFn, number: int, default: bool = False) -> Location:
    """A location with a unique name (the sync finds a location's address again by it)."""
    return Location(
        location_id=f"L{number}",
        name=f"{draw(st.sampled_from(PLACES))} {number}",
        active=draw(st.booleans() | st.just(True)),
        default=default,
        email=draw(st.none() | emails),
        city=draw(st.sampled_from(["Oslo", "Zürich", "São Paulo", "Ōsaka"])),
        country=draw(st.sampled_from(["NO", "CH", "BR", "JP"])),
    )
