"""The request journal keeps its newest calls, and the bodies of as many as fit its budget."""

from __future__ import annotations

from mock_server.admin.journal import DROPPED, Journal


def call(n: int, size: int) -> dict:
    return {"method": "GET", "path": f"/x/{n}", "status": 200, "duration": 0.001,
            "requestBody": b"", "responseBody": b'"' + b"x" * (size - 2) + b'"'}


def test_old_calls_lose_their_bodies_past_the_budget_but_stay_listed() -> None:
    journal = Journal(size=10, body_budget=3000)
    for n in range(6):
        journal.record(call(n, 1000))
    items = journal.query()
    assert [e["path"] for e in items] == [f"/x/{n}" for n in range(6)]  # every call is listed
    bodies = [e["responseBody"] for e in items]
    assert bodies[:3] == [DROPPED] * 3  # the oldest calls' bodies went
    assert all(b == "x" * 998 for b in bodies[3:])  # the newest three fit the 3000 bytes
    assert items[0]["durationMs"] == 1.0 and "duration" not in items[0]


def test_the_call_count_bound_still_holds_and_clear_resets_the_budget() -> None:
    journal = Journal(size=3, body_budget=10_000)
    for n in range(5):
        journal.record(call(n, 100))
    assert [e["path"] for e in journal.query()] == ["/x/2", "/x/3", "/x/4"]
    assert journal.clear() == 3
    journal.record(call(9, 9_000))
    assert journal.query()[0]["responseBody"] == "x" * 8_998
