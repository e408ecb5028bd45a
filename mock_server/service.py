"""The service's parts put together without the web layer: the store opened with the indexes
the domain needs, and the spec's field facts the domain reads.

The HTTP app and the command's offline verbs both start from here.
"""

from __future__ import annotations

import os
from functools import cache

from . import openapi
from .domain.catalog import Catalog
from .domain.layout import B2B_LAYOUT
from .store import Store


@cache
def b2b_catalog() -> Catalog:
    """The field facts of the B2B spec (shared: the spec does not change while running)."""
    return Catalog(openapi.load("b2baccounts.yaml"))


def open_store(path: str | os.PathLike[str] | None = None) -> Store:
    """The store at ``path`` (in memory when None), indexed as the domain needs."""
    return Store(path, layout=B2B_LAYOUT)
