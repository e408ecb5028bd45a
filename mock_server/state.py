"""What one running mock holds: its store, the spec's facts, its ticket issuer, its journal and
its faults."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from .domain.catalog import Catalog
from .domain.tickets import TicketIssuer
from .erp.catalog import ErpCatalog
from .erp.sessions import SessionBook
from .admin.faults import FaultBook
from .admin.journal import Journal
from .admin.sync_runs import SyncRunner
from .http.operator_guard import OperatorGuard

if TYPE_CHECKING:
    from .config import Settings
    from .store import Store

# The key under which the front door hands the state to the app, in every request's scope.
SCOPE_KEY = "b2b_mock.state"


@dataclass
class MockState:
    settings: Settings
    store: Store
    tickets: TicketIssuer
    catalog: Catalog
    erp_catalog: ErpCatalog
    erp_sessions: SessionBook
    sync_runner: SyncRunner
    journal: Journal = field(default_factory=Journal)
    faults: FaultBook = field(default_factory=FaultBook)
    guard: OperatorGuard = field(default_factory=OperatorGuard)

