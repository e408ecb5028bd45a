"""The benchmark's arithmetic: ratios are medians of per-round ratios, phase by phase."""

from __future__ import annotations

import pytest

from bench.run import NOOP, WRITES, paired, ratios


def measured(reads: list[float], writes: list[float] = ()) -> dict:
    rounds = [*reads, *writes]
    return {"rps": sorted(rounds)[len(rounds) // 2], "rps_rounds": rounds,
            "phase_rounds": ["reads"] * len(reads) + ["writes"] * len(writes)}


def test_a_ratio_pairs_rounds_so_drift_cancels() -> None:
    # the machine got faster round by round; every round says the call runs at half the no-op
    noop, get = measured([1000, 2000, 4000]), measured([500, 1000, 2000])
    assert paired(get, noop) == pytest.approx(0.5)
    # a slow second round for the call only: the median of the rounds' ratios ignores it,
    # where dividing the medians (500 / 2000) would not
    assert paired(measured([500, 200, 2000]), noop) == pytest.approx(0.5)


def test_writes_are_held_to_get_through_each_phases_noop() -> None:
    # the large store's machine was half as fast while its writes ran
    large = {NOOP: measured([100] * 3, [50] * 3), "GetB2BAccount": measured([60] * 3),
             "AddUser": measured([], [20] * 3), "UpdateUser": measured([], [15] * 3),
             "AddUserRoleAsync (+ its undo)": measured([], [25] * 3)}
    small = dict(large)
    report = {"stores": {"small": {"operations": small}, "large": {"operations": large}}}
    out = ratios(report)
    assert out["GetB2BAccount large/small"] == pytest.approx(1.0)
    assert out["UpdateUser / noop (large store)"] == pytest.approx(0.3)  # 15 / 50 in its rounds
    assert out["UpdateUser / GetB2BAccount (large store)"] == pytest.approx(0.3 / 0.6)


def test_rounds_alternate_their_order_so_a_steady_drift_favours_neither_side(monkeypatch,
                                                                              tmp_path) -> None:
    import bench.run as bench

    calls: list[tuple[str, str]] = []

    def fake_measure(url, ops, token, seconds, use_wrk, directory):  # type: ignore[no-untyped-def]
        out = {}
        for op in ops:
            calls.append((url, op.name))
            # the machine slows by 1% at every measurement; both servers are equally fast
            out[op.name] = {"rps": 1000 * 0.99 ** len(calls), "p50_ms": 1.0, "p99_ms": 2.0,
                            "non_2xx": 0}
        return out

    monkeypatch.setattr(bench, "measure", fake_measure)
    ops = [bench.Op(NOOP, "GET", ["/_mock/health"]), bench.Op("GetB2BAccount", "GET", ["/a"]),
           bench.Op("AddUser", "POST", ["/a/user"])]
    targets = [bench.Target("small", "s", "t", ops), bench.Target("large", "l", "t", ops)]
    measured = bench.measure_rounds(targets, seconds=10, rounds=10, use_wrk=True,
                                    directory=tmp_path)
    assert calls[:4] == [("s", NOOP), ("s", "GetB2BAccount"), ("l", NOOP), ("l", "GetB2BAccount")]
    assert calls[4:8] == [("l", "GetB2BAccount"), ("l", NOOP), ("s", "GetB2BAccount"), ("s", NOOP)]
    large, small = measured["large"], measured["small"]
    assert paired(large["GetB2BAccount"], small["GetB2BAccount"]) == pytest.approx(1.0, abs=0.005)
    assert paired(large["GetB2BAccount"], large[NOOP]) == pytest.approx(1.0, abs=0.005)
    assert paired(large["AddUser"], large[NOOP], "writes") == pytest.approx(1.0, abs=0.005)


def test_the_ticket_ratio_sets_many_live_tickets_against_few() -> None:
    from bench.run import PRELOADED_TICKETS, TICKET_OP

    common = {NOOP: measured([100] * 3, [100] * 3), "GetB2BAccount": measured([60] * 3),
              **{name: measured([], [30] * 3) for name in WRITES}}
    # the machine was slow in the second round, for both servers alike
    small = {**common, TICKET_OP: measured([], [80, 40, 80])}
    large = {**common, TICKET_OP: measured([], [40, 20, 40])}
    out = ratios({"stores": {"small": {"operations": small}, "large": {"operations": large}}})
    assert out[f"{TICKET_OP} with {PRELOADED_TICKETS:,} more live tickets / without"] == \
        pytest.approx(0.5)
    assert f"{TICKET_OP} / noop (large store)" not in out


def test_the_sync_reports_its_effective_concurrency_at_each_latency() -> None:
    from bench.run import sync_table

    def sync(latency: int, calls: int, seconds: float) -> dict:
        return {"customers": 200, "contacts": 1000, "latency_ms": latency, "workers": 12,
                "first_sync_s": seconds, "records_per_s": 1200 / seconds,
                "first_sync_calls": calls, "first_sync_writes": calls - 3,
                "effective_concurrency": calls * latency / 1000 / seconds, "resync_s": 0.1,
                "resync_reads": 3, "resync_writes": 0}

    both = measured([100] * 3, [50] * 3)
    store = {"operations": {NOOP: both, "GetB2BAccount": measured([60] * 3),
                            **{name: measured([], [20] * 3) for name in WRITES}}}
    report = {"stores": {"small": store, "large": store},
              "sync": {"0 ms": sync(0, 1203, 2.0), "20 ms": sync(20, 1203, 3.0),
                       "50 ms": sync(50, 1200, 6.0)}}
    out = ratios(report)
    assert out["sync effective concurrency at 50 ms (12 workers)"] == pytest.approx(10.0)
    assert out["sync effective concurrency at 20 ms (12 workers)"] == pytest.approx(8.02)
    assert not any("at 0 ms" in key for key in out)  # no latency: nothing to overlap
    rows = sync_table(report["sync"]).splitlines()
    assert len(rows) == 5 and rows[-1].startswith("| at 50 ms | 200 | 12 | 200 | 1200 | 10.0 |")
