"""Fault injection: rules that make chosen calls slow, fail, drop or lose their ticket.

A rule names what it matches (an ``operation`` id or ``*``, optionally a ``tenant``), what it does
(one of the kinds in ``FAULT_KINDS``) and how often: the next ``times`` matching calls, or a
``percent`` of them (both may be given: the percentage until ``times`` have fired).

Each kind is a small class registered in ``FAULT_KINDS``, the one list of kinds: the front door
asks a drawn fault's kind to act on the call, the command offers the registered names, and a
test holds the operator spec's list to it.
"""

from __future__ import annotations

import asyncio
import itertools
import random
import threading
from dataclasses import dataclass, field
from typing import Any, ClassVar, Protocol

from ..domain.errors import bad_request



class FaultedCall(Protocol):
    """What a fault can do to the call it fires on (the front door provides it)."""

    def expire_tickets(self) -> None: ...

    async def drop(self) -> None:
        """Close the connection without an answer."""
        ...

    async def reject(self, status: int, retry_after: int | None) -> None:
        """Answer with an error in the service's format."""
        ...


class FaultKind:
    """One kind of fault: its name, when it acts among the faults drawn for a call (lower
    first), and what it does; ``act`` returns True when it answered the call itself."""

    name: ClassVar[str]
    order: ClassVar[int] = 1
    description: ClassVar[str]

    async def act(self, fault: Fault, call: FaultedCall) -> bool:
        raise NotImplementedError


FAULT_KINDS: dict[str, FaultKind] = {}


def fault_kind(cls: type[FaultKind]) -> type[FaultKind]:
    """Register a kind of fault under its name."""
    FAULT_KINDS[cls.name] = cls()
    return cls


@fault_kind
class Latency(FaultKind):
    name = "latency"
    order = 0
    description = "wait latencyMs before handling the call"

    async def act(self, fault: Fault, call: FaultedCall) -> bool:
        await asyncio.sleep(fault.latency_ms / 1000)
        return False


@fault_kind
class ExpireToken(FaultKind):
    name = "expire_token"
    description = "expire every access ticket, so the call (and later ones) get a 401"

    async def act(self, fault: Fault, call: FaultedCall) -> bool:
        call.expire_tickets()
        return False


@fault_kind
class Drop(FaultKind):
    name = "drop"
    order = 2
    description = "close the connection without an answer"

    async def act(self, fault: Fault, call: FaultedCall) -> bool:
        await call.drop()
        return True


@fault_kind
class Status(FaultKind):
    name = "status"
    order = 2
    description = "answer with this 4xx/5xx status (and Retry-After when retryAfter is given)"

    async def act(self, fault: Fault, call: FaultedCall) -> bool:
        await call.reject(fault.status, fault.retry_after)
        return True


@dataclass
class Fault:
    kind: str
    operation: str = "*"
    tenant: int | None = None
    status: int = 503
    retry_after: int | None = None
    latency_ms: int = 0
    times: int | None = None
    percent: float | None = None
    id: int = 0
    fired: int = 0

    def matches(self, operation: str | None, tenant: int | None) -> bool:
        if self.operation != "*" and self.operation != operation:
            return False
        return self.tenant is None or self.tenant == tenant

    def to_dict(self) -> dict[str, Any]:
        """The rule as the operator API shows it (camelCase names)."""
        return {"id": self.id, "kind": self.kind, "operation": self.operation,
                "tenant": self.tenant, "status": self.status, "retryAfter": self.retry_after,
                "latencyMs": self.latency_ms, "times": self.times, "percent": self.percent,
                "fired": self.fired}


def fault_from(body: dict[str, Any]) -> Fault:
    """A fault from an admin API body, checked."""
    kind = body.get("kind")
    if kind not in FAULT_KINDS:
        raise bad_request(f"fault kind must be one of {', '.join(FAULT_KINDS)}, got {kind!r}")
    fault = Fault(kind=kind, operation=body.get("operation") or "*", tenant=body.get("tenant"),
                  status=int(body.get("status", 503)), retry_after=body.get("retryAfter"),
                  latency_ms=int(body.get("latencyMs", 0)), times=body.get("times"),
                  percent=body.get("percent"))
    if kind == "status" and not 400 <= fault.status <= 599:
        raise bad_request(f"a status fault needs a 4xx or 5xx status, got {fault.status}")
    if fault.times is None and fault.percent is None:
        fault.times = 1
    if fault.percent is not None and not 0 < fault.percent <= 100:
        raise bad_request(f"percent must be in (0, 100], got {fault.percent}")
    if fault.times is not None and fault.times < 1:
        raise bad_request(f"times must be at least 1, got {fault.times}")
    return fault


@dataclass
class FaultBook:
    """The active faults of one mock; thread-safe."""

    seed: int | None = None
    _faults: list[Fault] = field(default_factory=list)
    _ids: Any = field(default_factory=lambda: itertools.count(1))
    _lock: threading.Lock = field(default_factory=threading.Lock)
    _random: random.Random = field(init=False)

    def __post_init__(self) -> None:
        self._random = random.Random(self.seed)

    def add(self, fault: Fault) -> Fault:
        with self._lock:
            fault.id = next(self._ids)
            self._faults.append(fault)
        return fault

    def rules(self) -> list[dict[str, Any]]:
        with self._lock:
            return [f.to_dict() for f in self._faults]

    def clear(self, fault_id: int | None = None) -> int:
        with self._lock:
            before = len(self._faults)
            self._faults = [f for f in self._faults if fault_id is not None and f.id != fault_id]
            return before - len(self._faults)

    def draw(self, operation: str | None, tenant: int | None) -> list[Fault]:
        """The faults that fire for this call (at most one of each kind), spending them."""
        fired: list[Fault] = []
        if not self._faults:  # the usual case, decided without the lock
            return fired
        with self._lock:
            for fault in list(self._faults):
                if not fault.matches(operation, tenant):
                    continue
                if any(f.kind == fault.kind for f in fired):
                    continue
                if fault.percent is not None and self._random.uniform(0, 100) >= fault.percent:
                    continue
                fault.fired += 1
                fired.append(fault)
                if fault.times is not None and fault.fired >= fault.times:
                    self._faults.remove(fault)
        return fired
