"""b2b-mock: a stateful stand-in for the B2B accounts API."""

__version__ = "0.1.0"
