"""The whole state as one JSON document (``b2b-mock export``, ``GET /_mock/state``) and back."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

from ..domain.errors import bad_request
from ..domain.tenancy import scope_of_table
from ..erp.layout import is_erp_table
from ..store import Store
from ..store.snapshot import snapshot_pieces

STATE_FORMAT = "b2b-mock/1"


# Documents per piece of a streamed export.
EXPORT_CHUNK = 200


def export_state(store: Store) -> dict[str, Any]:
    return {"format": STATE_FORMAT, "tables": store.dump()}


def export_pieces(store: Store) -> Iterator[str]:
    """The export's JSON text in pieces, from a view of the store as it is now (later writes
    do not show), without copying its documents."""
    tables = store.frozen()
    yield '{"format":' + json.dumps(STATE_FORMAT) + ',"tables":'
    yield from snapshot_pieces(tables, EXPORT_CHUNK)
    yield "}"


def import_state(store: Store, document: Any) -> dict[str, int]:
    """Make an export the whole state; a 400 naming what is wrong, before anything changes."""
    if not isinstance(document, dict) or not isinstance(document.get("tables"), dict):
        raise bad_request(f"not a b2b-mock export ({STATE_FORMAT}): it needs a 'tables' object")
    tables = document["tables"]
    for name in tables:
        if is_erp_table(name):
            continue
        try:
            scope_of_table(name)
        except ValueError:
            raise bad_request(f"'{name}' is not a b2b-mock table name") from None
    try:
        store.replace(tables)
    except ValueError as exc:
        raise bad_request(str(exc)) from None
    return {"tables": len(tables)}
