"""The sync at scale against a running b2b-mock: the unchanged re-sync's few reads."""

from __future__ import annotations

import pytest

from mock_server.testing.process import ServerProcess
from sync_helpers import BASE, Target, contact
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
