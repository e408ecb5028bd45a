"""What one running mock holds: its store, its ticket issuer, its journal and its faults."""

from __future__ import annotations

from dataclasses import dataclass, field

import flask

from .auth import TicketIssuer
from .config import Settings
from .faults import FaultBook
from .journal import Journal
from .storage import Store

EXTENSION = "b2b_mock"


@dataclass
class MockState:
    settings: Settings
    store: Store
    tickets: TicketIssuer
    journal: Journal = field(default_factory=Journal)
    faults: FaultBook = field(default_factory=FaultBook)


def current() -> MockState:
    """The state of the app serving the current request."""
    return flask.current_app.extensions[EXTENSION]
