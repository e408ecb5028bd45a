"""The sync at scale against a running b2b-mock: the unchanged re-sync's few reads, and the
rate ceiling as the mock's journal recorded it."""

from __future__ import annotations

from typing import Any

import pytest

from mock_server.testing.process import ServerProcess
from sync_helpers import BASE, Target, contact, facebook
from sync_client.erp import Customer

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def server():
    with ServerProcess(extra_args=["--journal-size", "100000"]) as running:
        yield running


def fresh_target(server: ServerProcess, tmp_path, name: str) -> Target:
    workdir = tmp_path / name
    workdir.mkdir()
    return Target(server, workdir)


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


def test_max_rate_is_never_passed(server, tmp_path) -> None:
    target = fresh_target(server, tmp_path, "ceiling")
    erp = [facebook(customer_id=f"R{i}", name=f"Rated {i}",
                    contacts=(contact(1, f"a@r{i}.example.com", primary=True),
                              contact(2, f"b@r{i}.example.com")))
           for i in range(10)]
    seq = target.last_seq()
    result, _ = target.sync(*erp, max_rate=10)
    assert result.failed == {}
    begun = starts([e for e in target.journal(since=seq) if e["path"].startswith(BASE)])
    assert len(begun) >= 40
    # The gate lets a call go every 0.1 s at most; on the mock's clock a second can hold 11
    # of them (one at each end). More would take one call held 0.2 s longer on its way than
    # the one ten places later.
    busiest = max(sum(1 for t in begun if start <= t < start + 1) for start in begun)
    assert busiest <= 11, busiest
    assert (len(begun) - 1) / (begun[-1] - begun[0]) <= 10 * 1.1
