"""Stopping cleanly, and syncing again and again until stopped (``b2b-sync watch``).

Ctrl-C or SIGTERM asks a run to stop after the customers in flight (their steps are never cut in
half); a second Ctrl-C stops at once. ``watch`` runs incremental syncs every ``interval``
seconds (a full one every ``full_every`` runs, which also finds what was deleted in the ERP),
renews the access ticket ahead of its expiry before each run (a ``BearerToken`` log row each
time), and keeps watching when a service cannot be reached, saying so once per run.
"""

from __future__ import annotations

import signal
import sys
import threading
from collections.abc import Callable
from types import FrameType
from typing import Any, TextIO

from .sync import RunResult
from .transport import Unreachable


class StopRequest:
    """Whether a stop was asked for; a context manager that listens for Ctrl-C and SIGTERM."""

    def __init__(self, out: TextIO | None = None) -> None:
        self._asked = threading.Event()
        self._out = out or sys.stderr
        self._previous: dict[int, Any] = {}

    def __call__(self) -> bool:
        return self._asked.is_set()

    def ask(self) -> None:
        self._asked.set()

    def wait(self, seconds: float) -> bool:
        """Sleep up to ``seconds``; True when a stop was asked meanwhile."""
        return self._asked.wait(seconds)

    def _on_signal(self, signum: int, _frame: FrameType | None) -> None:
        if self._asked.is_set() and signum == signal.SIGINT:
            raise KeyboardInterrupt
        self._asked.set()
        name = "Ctrl-C" if signum == signal.SIGINT else signal.Signals(signum).name
        print(f"b2b-sync: {name}: stopping after the customers in flight "
              f"(Ctrl-C again stops at once)", file=self._out, flush=True)

    def __enter__(self) -> StopRequest:
        if threading.current_thread() is threading.main_thread():
            for signum in (signal.SIGINT, signal.SIGTERM):
                self._previous[signum] = signal.signal(signum, self._on_signal)
        return self

    def __exit__(self, *exc: Any) -> None:
        for signum, handler in self._previous.items():
            signal.signal(signum, handler)
        self._previous.clear()


def watch(run_once: Callable[[bool], RunResult], interval: float, stop: StopRequest,
          full_every: int = 0, renew: Callable[[], None] | None = None,
          report: Callable[[str], None] = print) -> int:
    """Run ``run_once(full)`` every ``interval`` seconds until ``stop``; the number of runs."""
    runs = 0
    while not stop():
        full = bool(full_every) and runs > 0 and runs % full_every == 0
        try:
            if renew is not None:
                renew()
            result = run_once(full)
            report(("full run: " if full else "") + result.summary())
        except Unreachable as exc:
            report(f"b2b-sync: {exc}; trying again in {interval:g} s")
        runs += 1
        if stop.wait(interval):
            break
    return runs
