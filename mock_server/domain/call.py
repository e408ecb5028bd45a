"""What one call of the service acts with: the store, the spec's facts, the tenant scope and
the client acting (stamped into audit info)."""

from __future__ import annotations

from dataclasses import dataclass

from .catalog import Catalog
from .ports import Tables
from .tenancy import Scope


@dataclass(frozen=True)
class Call:
    store: Tables
    catalog: Catalog
    scope: Scope
    actor: str = "anonymous"
