"""Faster ways through Connexion and the interpreter, kept apart behind one switch.

``create_app(speedups=False)`` (``b2b-mock serve --no-speedups``, ``B2B_MOCK_SPEEDUPS=0``) serves
with stock Connexion and none of this package; the test suite runs both ways. These pieces reach
into Connexion's and Starlette's internals, so after upgrading either: run the suite with the
speed-ups off, then turn them back on one at a time (``serving``, ``validation``, ``jsonifier``).
"""

from __future__ import annotations

import gc
import sys
from dataclasses import dataclass
from typing import Any

import connexion


@dataclass(frozen=True)
class AppParts:
    """What ``create_app`` builds its Connexion app from."""

    app_class: type[connexion.AsyncApp]
    app_options: dict[str, Any]
    validator_map: dict[str, Any]
    jsonifier: Any


def fast_parts() -> AppParts:
    """The app with every speed-up: fewer layers per request, each schema compiled once, each
    request read once, answers encoded by orjson."""
    from .jsonifier import FastJsonifier
    from .serving import FastApp
    from .validation import VALIDATOR_MAP

    return AppParts(FastApp, {}, VALIDATOR_MAP, FastJsonifier())


def tune_process() -> None:
    """Interpreter settings for a long-running server with a large store.

    The loaded store is long-lived, so the cycle collector is kept from walking it again and
    again; and the switch interval is shortened, because a group commit's writers are answered
    only once the fsync thread gets the GIL back from the busy event loop.
    """
    gc.freeze()
    sys.setswitchinterval(0.0005)
