"""The sync's rate gate, on a clock of its own: the ceiling, AIMD on refusals, Retry-After."""

from __future__ import annotations

import threading
from email.utils import format_datetime
from datetime import datetime, timedelta, timezone

import pytest

from sync_client.transport import RateGate, retry_after_seconds


class Clock:
    """A clock that moves only when the gate sleeps (or the test says so)."""

    def __init__(self) -> None:
        self.now = 100.0
        self.lock = threading.Lock()

    def __call__(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        with self.lock:
            self.now += seconds


def gate(max_rate: float | None = None) -> tuple[RateGate, Clock]:
    clock = Clock()
    return RateGate(max_rate, clock=clock, sleep=clock.sleep), clock


def sends(gate: RateGate, clock: Clock, n: int) -> list[float]:
    """When each of ``n`` calls, one after the other, was let through."""
    times = []
    for _ in range(n):
        gate.wait()
        times.append(clock.now)
    return times


def test_without_a_ceiling_or_a_refusal_calls_are_never_held() -> None:
    g, clock = gate()
    assert sends(g, clock, 50) == [100.0] * 50
    assert g.rate is None


def test_the_ceiling_spaces_every_call_by_its_interval() -> None:
    g, clock = gate(max_rate=4)
    times = sends(g, clock, 9)
    assert times == pytest.approx([100 + n * 0.25 for n in range(9)])
    for start in times:  # in any second, at most 4 calls go
        assert sum(1 for t in times if start <= t < start + 1) <= 4


def test_the_ceiling_holds_across_threads() -> None:
    g, clock = gate(max_rate=10)
    times: list[float] = []
    lock = threading.Lock()

    def worker() -> None:
        for _ in range(10):
            g.wait()
            with lock:
                times.append(clock.now)

    threads = [threading.Thread(target=worker) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    # the gate hands out slots 0.1 s apart: 80 calls take 7.9 s of the gate's clock
    assert len(times) == 80 and max(times) >= 100 + 7.9 - 1e-9


def test_a_refusal_halves_the_rate_really_sent_and_success_adds_back() -> None:
    g, clock = gate()
    for _ in range(32):  # 32 calls within the last second
        g.wait()
        clock.now += 1 / 32
    g.throttled()
    assert g.rate == pytest.approx(16.0)
    for _ in range(4):
        g.succeeded()
    assert g.rate == pytest.approx(20.0)
    times = sends(g, clock, 3)
    assert times[1] - times[0] == pytest.approx(1 / 20)


def test_refusals_of_calls_in_flight_together_halve_once() -> None:
    g, clock = gate()
    for _ in range(32):
        g.wait()
        clock.now += 1 / 32
    for _ in range(8):  # eight workers refused at the same moment
        g.throttled()
    assert g.rate == pytest.approx(16.0)
    clock.now += 1.5
    g.throttled()  # a new refusal, later: halved again (from what is really sent, at most)
    assert g.rate is not None and g.rate <= 8.0
    assert g.throttles == 9


def test_the_rate_never_falls_below_one_call_a_second() -> None:
    g, clock = gate()
    for _ in range(20):
        g.wait()
        g.throttled()
        clock.now += 2
    assert g.rate == RateGate.MIN_RATE


def test_retry_after_holds_every_worker_until_it_has_passed() -> None:
    g, clock = gate()
    g.wait()
    g.throttled(retry_after=60)
    times = sends(g, clock, 2)
    assert times[0] == pytest.approx(160.0)


def test_the_adapted_rate_stays_under_the_ceiling() -> None:
    g, clock = gate(max_rate=5)
    g.wait()
    g.throttled()
    for _ in range(100):
        g.succeeded()
    assert g.rate == 5


@pytest.mark.parametrize("bad", [0, -1])
def test_a_ceiling_is_above_zero(bad: float) -> None:
    with pytest.raises(ValueError):
        RateGate(bad)


def test_retry_after_is_read_as_seconds_or_a_date() -> None:
    assert retry_after_seconds("60") == 60
    assert retry_after_seconds("0") == 0
    assert retry_after_seconds(None) is None
    assert retry_after_seconds("soon") is None
    later = format_datetime(datetime.now(timezone.utc) + timedelta(seconds=120), usegmt=True)
    assert 100 < retry_after_seconds(later) <= 120  # type: ignore[operator]
    earlier = format_datetime(datetime.now(timezone.utc) - timedelta(seconds=120), usegmt=True)
    assert retry_after_seconds(earlier) == 0
