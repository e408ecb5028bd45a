"""What the store must index for the domain's rules, handed to the store when it is opened.

The store knows tables and documents, not accounts or e-mail addresses: this is where the
domain says which fields of which tables it looks documents up by, and how.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any


def exact(value: Any) -> Any:
    """Index key of a field matched as it is."""
    return value


def folded(value: Any) -> Any:
    """Index key of text matched regardless of case, as every text comparison of the service
    is (a user's e-mail and user name, an account's ``externalId``)."""
    if not isinstance(value, str):
        return value
    key = value.casefold()
    return value if key == value else key  # keep the document's own string when it can


@dataclass(frozen=True)
class TableLayout:
    """Indexes by table: a table whose name contains a marker gets that marker's indexes."""

    # marker -> {field: key function}: hash indexes, for equality lookups
    indexed: dict[str, dict[str, Callable[[Any], Any]]] = field(default_factory=dict)
    # marker (a name ending) -> text fields kept sorted by their case-folded form, for prefix
    # filters (``sw``) and equality without case over many documents
    ordered: dict[str, tuple[str, ...]] = field(default_factory=dict)
    # name endings of tables listed in id order (new ids only grow; imports are sorted)
    id_ordered: tuple[str, ...] = ()


B2B_LAYOUT = TableLayout(
    indexed={"/accounts": {"externalId": folded, "rootAccountId": exact},
             "/users/": {"emailAddress": folded, "userName": folded},
             "/contacts": {"accountId": exact}},
    ordered={"/accounts": ("companyOrOrganization", "externalId")},
    id_ordered=("/accounts", "/contacts"),
)
