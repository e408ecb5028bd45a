"""The service's parts put together without the web layer: the store opened with the indexes
the domain needs, and the spec's field facts the domain reads.

The HTTP app and the command's offline verbs both start from here.
"""

from __future__ import annotations

import os
from functools import cache

from . import openapi
from .domain.catalog import Catalog
from .domain.layout import B2B_LAYOUT, TableLayout
from .erp.catalog import ErpCatalog
from .erp.layout import ERP_LAYOUT
from .store import Store

LAYOUT = TableLayout(indexed={**B2B_LAYOUT.indexed, **ERP_LAYOUT.indexed},
                     ordered={**B2B_LAYOUT.ordered, **ERP_LAYOUT.ordered},
                     id_ordered=B2B_LAYOUT.id_ordered + ERP_LAYOUT.id_ordered)


@cache
def b2b_catalog() -> Catalog:
    """The field facts of the B2B spec (shared: the spec does not change while running)."""
    return Catalog(openapi.load("b2baccounts.yaml"))


@cache
def erp_catalog() -> ErpCatalog:
    """The entities of the ERP twin's spec."""
    return ErpCatalog(openapi.load("erp.yaml"))


def open_store(path: str | os.PathLike[str] | None = None) -> Store:
    """The store at ``path`` (in memory when None), indexed as the domain needs."""
    return Store(path, layout=LAYOUT)
