"""What the store indexes for the twin: records by their keys, their GUIDs and their customer."""

from __future__ import annotations

from ..domain.layout import TableLayout, exact

ERP_LAYOUT = TableLayout(
    indexed={"erp/customer": {"CustomerID": exact, "id": exact},
             "erp/contact": {"BusinessAccount": exact, "id": exact},
             "erp/location": {"Customer": exact, "id": exact}},
)


def is_erp_table(name: str) -> bool:
    return name.startswith("erp/")
