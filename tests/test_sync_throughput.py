"""The sync at scale against a running b2b-mock: several workers leave the B2B state one worker
leaves (with and without random 429/503), the unchanged re-sync's few reads, and the rate
ceiling and Retry-After as the mock's journal recorded them."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import pytest
import requests

from mock_server.testing.process import ServerProcess
from sync_helpers import BASE, Target, contact, facebook, location, server  # noqa: F401
from sync_client.erp import Customer

pytestmark = pytest.mark.slow


def customers(n: int, round_: int = 0) -> list[Customer]:
    """``n`` customers of every shape the planner knows; ``round_`` 1 is the same ERP later:
    primaries moved, contacts deactivated or disabled, locations deleted or changed, a
    customer put on hold."""
    made = []
    for i in range(n):
        people = [contact(i * 10 + j, f"p{j}@cust{i}.example.com", primary=j == i % 4,
                          active=not (j == 3 and i % 5 == 0), enabled=j != 2 or i % 3 != 0,
                          first=f"First{j}", last=f"Cust{i}")
                  for j in range(1 + i % 4)]
        places = [location(f"L{k}", f"Site {k}", default=k == 0, email=f"site{k}@cust{i}.example.com"
                           if k else None, city=f"City {i}") for k in range(i % 3)]
        customer = facebook(customer_id=f"K{i:04d}", name=f"Company {i}",
                            attributes=(("TIER", ["Gold", "Silver"][i % 2]),),
                            contacts=tuple(people), locations=tuple(places))
        if round_ == 1:
            if i % 2 and len(people) > 1:  # the primary moves to the next contact
                people = [replace(p, primary=k == (i + 1) % len(people))
                          for k, p in enumerate(people)]
            if i % 3 == 1:
                people = [replace(p, active=False) if k == len(people) - 1 and not p.primary
                          else p for k, p in enumerate(people)]
            places = [replace(p, city=p.city + " (moved)") for p in places[:1]]
            customer = replace(customer, contacts=tuple(people), locations=tuple(places),
                               status="OnHold" if i % 7 == 3 else "Active")
        made.append(customer)
    return made


def b2b_state(target: Target) -> dict[str, Any]:
    """Every account of the target's tenant as a person compares them: by externalId, its
    fields, attributes, users (by e-mail, with roles) and addresses (by label); no ids."""
    listed = target.call("GET", params={"pageSize": 200}).json()
    assert listed["totalCount"] <= 200
    state = {}
    for account in listed["items"]:
        users = target.call("GET", f"/{account['id']}/users",
                            params={"pageSize": 200}).json()["items"]
        state[account["externalId"]] = {
            "name": account["companyOrOrganization"], "status": account["approvalStatus"],
            "attributes": sorted((a["fullyQualifiedName"], tuple(a["values"]))
                                 for a in account["attributes"]),
            "users": sorted((u["emailAddress"], u["firstName"], u["isRemoved"],
                             tuple(sorted(r["roleName"] for r in u["roles"]))) for u in users),
            "addresses": sorted((c["label"], c["email"], c["address"]["cityOrTown"],
                                 tuple(sorted((t["name"], t["isPrimary"]) for t in c["types"])))
                                for c in (account.get("contacts") or [])),
        }
    return state


def fresh_target(server: ServerProcess, tmp_path, name: str) -> Target:
    workdir = tmp_path / name
    workdir.mkdir()
    return Target(server, workdir)


def sync_rounds(target: Target, workers: int, n: int = 24,
                faults: tuple[dict[str, Any], ...] = ()) -> list[dict[str, Any]]:
    """Sync the first ERP state, then the later one, each with ``faults`` in force; the B2B
    state after each (read without them)."""
    states = []
    for round_ in (0, 1):
        for rule in faults:
            target.fault(**rule)
        try:
            result, _ = target.sync(*customers(n, round_), workers=workers)
        finally:
            requests.delete(target.url + "/_mock/faults", timeout=10)
        assert result.failed == {}, dict(result.failed)
        states.append(b2b_state(target))
    return states


def test_eight_workers_leave_what_one_worker_leaves(server, tmp_path) -> None:
    one = sync_rounds(fresh_target(server, tmp_path, "one"), workers=1)
    eight = sync_rounds(fresh_target(server, tmp_path, "eight"), workers=8)
    assert eight == one
    assert len(one[0]) == 24 and one[0] != one[1]  # the second round changed something
    moved = one[1]["K0001"]  # its primary moved to p0, and p1 was deactivated
    assert moved["status"] == "Approved" and moved["users"] == [
        ("p0@cust1.example.com", "First0", False, ("Admin",)),
        ("p1@cust1.example.com", "First1", True, ("Admin",))]


def test_and_so_they_do_under_random_429_and_503(server, tmp_path) -> None:
    calm = sync_rounds(fresh_target(server, tmp_path, "calm"), workers=1)
    faulty = fresh_target(server, tmp_path, "faulty")
    stormy = sync_rounds(faulty, workers=8, faults=(
        {"kind": "status", "status": 429, "retryAfter": 0, "percent": 8},
        {"kind": "status", "status": 503, "percent": 8}))
    refused = [e for e in faulty.journal() if e["status"] in (429, 503)]
    assert len(refused) >= 5  # the faults did fire, and were retried through
    assert stormy == calm


def test_an_unchanged_resync_of_1000_customers_reads_in_batches_and_writes_nothing(
        server, tmp_path) -> None:
    target = fresh_target(server, tmp_path, "thousand")
    erp = [Customer(f"T{i:06d}", f"Thousand {i}", "Active",
                    contacts=(contact(i, f"only@t{i}.example.com", primary=True),))
           for i in range(1000)]
    first, _ = target.sync(*erp, approve=False)
    assert first.failed == {} and first.done["AddAccount"] == 1000
    seq = target.last_seq()
    again, _ = target.sync(*erp, approve=False)
    calls = [e for e in target.journal(since=seq) if e["path"].startswith(BASE)]
    reads = [e for e in calls if e["method"] == "GET"]
    assert len(reads) <= 20 and len(calls) == len(reads)  # no write at all
    assert {e["operation"] for e in reads} == {"GetB2BAccounts"}
    assert again.reads == len(reads) and again.writes == 0


def starts(entries: list[dict[str, Any]]) -> list[float]:
    """When the mock began each call: its journal time is the answer's, less the duration."""
    return sorted(e["time"] - e["durationMs"] / 1000 for e in entries)


def test_max_rate_is_never_passed_by_the_workers_together(server, tmp_path) -> None:
    target = fresh_target(server, tmp_path, "ceiling")
    erp = [facebook(customer_id=f"R{i}", name=f"Rated {i}",
                    contacts=(contact(1, f"a@r{i}.example.com", primary=True),
                              contact(2, f"b@r{i}.example.com")))
           for i in range(10)]
    seq = target.last_seq()
    result, _ = target.sync(*erp, workers=8, max_rate=10)
    assert result.failed == {}
    begun = starts([e for e in target.journal(since=seq) if e["path"].startswith(BASE)])
    assert len(begun) >= 40
    # The gate lets a call go every 0.1 s at most; on the mock's clock a second can hold 11
    # of them (one at each end). More would take one call held 0.2 s longer on its way than
    # the one ten places later.
    busiest = max(sum(1 for t in begun if start <= t < start + 1) for start in begun)
    assert busiest <= 11, busiest
    assert (len(begun) - 1) / (begun[-1] - begun[0]) <= 10 * 1.1


def test_a_retry_after_holds_every_worker(server, tmp_path) -> None:
    target = fresh_target(server, tmp_path, "paused")
    erp = [facebook(customer_id=f"P{i}", name=f"Paused {i}",
                    contacts=(contact(1, f"a@p{i}.example.com", primary=True),))
           for i in range(12)]
    target.fault(kind="status", status=429, retryAfter=2, operation="AddUser", times=1)
    seq = target.last_seq()
    result, _ = target.sync(*erp, workers=8)
    assert result.failed == {} and result.done["AddUser"] == 12
    entries = [e for e in target.journal(since=seq) if e["path"].startswith(BASE)]
    refused = next(e for e in entries if e["status"] == 429)["time"]
    later = [t for t in starts(entries) if t > refused]
    # While the service asked to wait (two seconds, less a little for the way from the mock's
    # answer to the client), only the calls of the other seven workers that were already on
    # their way reached it; every other call waited.
    waited_for = [t for t in later if t < refused + 1.8]
    assert len(waited_for) <= 7, len(waited_for)
    assert len(later) - len(waited_for) >= 5


def test_workers_share_one_ticket(server, tmp_path) -> None:
    target = fresh_target(server, tmp_path, "ticket")
    seq = target.last_seq()
    erp = [facebook(customer_id=f"W{i}", name=f"Ticket {i}") for i in range(16)]
    result, log = target.sync(*erp, workers=8)
    assert result.failed == {}
    tickets = [e for e in requests.get(server.url + "/_mock/journal", timeout=10,
                                       params={"since": seq}).json()["items"]
               if "authtickets" in e["path"]]
    assert len(tickets) == 1
    assert sum(1 for r in log.rows if r["actionType"] == "BearerToken") == 1

