"""The sync as the connector runs it, against the mock's ERP twin over HTTP: locations, approval,
the reference id written back, incremental runs, and the command's behaviour at its edges."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
import requests

from mock_server.testing.process import ServerProcess, free_port
from sync_client.erp import customer_to_json
from sync_client.erp_api import AcumaticaApiSource, ErpLogin
from sync_client.log import SyncLog
from sync_client.refs import RefStore, target_key
from sync_client.sync import RunResult, SyncOptions, make_syncer
from sync_helpers import (CREDENTIALS, ERP_ARGS, SALES_REP, ErpTwin, Target, contact, facebook,
                          location, roles, server, target)  # noqa: F401

ROOT = Path(__file__).resolve().parent.parent
pytestmark = pytest.mark.slow


@pytest.fixture
def erp(server) -> ErpTwin:
    return ErpTwin(server.url)


def erp_sync(target: Target, full: bool = False, **options: Any) -> tuple[RunResult, SyncLog]:
    """One run from the twin into the target's tenant, as ``b2b-sync run --erp-url`` does."""
    log = SyncLog(target.log_path, user="tester")
    refs = RefStore(target.state, target_key(target.url, target.tenant))
    source = AcumaticaApiSource(target.url, ErpLogin("admin", "b2b-mock-erp", "Company"),
                                page_size=4)
    try:
        syncer = make_syncer(target.url, CREDENTIALS, log, refs, target.tenant,
                             options=SyncOptions(**{"sales_rep": SALES_REP, **options}))
        return syncer.run_source(source, full=full), log
    finally:
        refs.close()
        source.close()


def cli(*args: str, timeout: float = 120, **kwargs: Any) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "sync_client", *args], capture_output=True,
                          text=True, timeout=timeout, cwd=ROOT, **kwargs)


def second() -> Any:
    """Another customer, with its own contact (contact ids are unique across an ERP)."""
    return facebook(customer_id="C2", name="Second",
                    contacts=(contact(201, "ann@second.com", primary=True),))


def two_locations() -> tuple:
    return (location("MAIN", "Head Office", default=True, email="office@fb.com"),
            location("DOCK", "Loading Dock", city="Bergen"))


# ---------------------------------------------------------------- the flow
def test_a_first_run_makes_approved_accounts_with_users_addresses_and_written_back_ids(
        target, erp) -> None:
    erp.load(facebook(locations=two_locations()),
             facebook(customer_id="C2", name="Second", contacts=(contact(7, "ann@second.com",
                                                                        primary=True),)))
    result, log = erp_sync(target)
    assert result.errors == 0 and result.done["AddAccount"] == 2
    account = target.account("C000000288")
    assert account["approvalStatus"] == "Approved" and account["isActive"] is True
    assert roles(target.users("C000000288")["markz@test.com"]) == ["Admin"]
    addresses = target.contacts("C000000288")
    assert sorted(addresses) == ["Head Office", "Loading Dock"]
    office, dock = addresses["Head Office"], addresses["Loading Dock"]
    assert sorted((t["name"], t["isPrimary"]) for t in office["types"]) == [
        ("Billing", True), ("Shipping", True)]
    assert [(t["name"], t["isPrimary"]) for t in dock["types"]] == [("Shipping", False)]
    assert office["email"] == "office@fb.com" and dock["email"] == "markz@test.com"
    assert dock["address"]["cityOrTown"] == "Bergen" and dock["address"]["countryCode"] == "NO"
    assert erp.reference("C000000288") == str(account["id"])
    assert erp.reference("C2") == str(target.account("C2")["id"])
    described = [(r["actionType"], r["description"]) for r in log.rows]
    assert ("Customer Location", "Customer Location is created/updated successfully.") in \
        described
    assert ("Customer Sync", "Commerce reference ID is updated in the ERP.") in described
    assert {r["endpoint"] for r in log.rows
            if r["description"] == "Commerce reference ID is updated in the ERP."} == {
        f"PUT {target.server.url}/entity/Default/24.200.001/Customer"}
    assert result.erp_writes == 2


def test_incremental_runs_read_only_what_changed(target, erp) -> None:
    erp.load(facebook(locations=two_locations()), second())
    erp_sync(target)
    # A run reads what changed since a second before the ERP's clock (its Date header: whole
    # seconds, which the HTTP server refreshes about once a second) said the last run began:
    # wait that out.
    time.sleep(3.1)
    again, _ = erp_sync(target)  # the reference ids written back changed both customers
    assert again.writes == 0 and again.erp_writes == 0 and len(again.plans) == 2
    quiet, _ = erp_sync(target)
    assert quiet.plans == [] and quiet.reads == 0
    erp.edit_contact(101, Email="mark.z@test.com")
    changed, _ = erp_sync(target)
    assert [p.customer.customer_id for p in changed.plans] == ["C000000288"]
    assert changed.done["UpdateUser"] == 1


def test_erp_edits_reach_the_b2b_side_run_by_run(target, erp) -> None:
    mark = contact(101, "markz@test.com", primary=True)
    ann = contact(102, "ann@fb.com")
    bob = contact(103, "bob@fb.com")
    erp.load(facebook(contacts=(mark, ann, bob), locations=two_locations()))
    erp_sync(target)
    ann_id = target.users("C000000288")["ann@fb.com"]["userId"]

    erp.edit_customer("C000000288", PrimaryContactID=102)  # move the primary
    erp.edit_contact(103, Active=False)  # deactivate a contact
    erp.edit_contact(102, Email="ann.new@fb.com")  # change an e-mail
    erp.edit_location("C000000288", "ANNEX", LocationName="Annex", Default=True)  # a new default
    erp.edit_location("C000000288", "DOCK", Active=False)
    result, _ = erp_sync(target)
    assert result.errors == 0, result.summary()
    users = target.users("C000000288")
    assert roles(users["ann.new@fb.com"]) == ["Admin"] and users["ann.new@fb.com"]["userId"] == \
        ann_id
    assert roles(users["markz@test.com"]) == ["Purchaser"]
    assert users["bob@fb.com"]["isRemoved"] is True
    addresses = target.contacts("C000000288")
    assert sorted(addresses) == ["Annex", "Head Office"]  # the dock's address is gone
    assert {t["name"] for t in addresses["Annex"]["types"] if t["isPrimary"]} == \
        {"Billing", "Shipping"}
    assert not any(t["isPrimary"] for t in addresses["Head Office"]["types"])
    assert addresses["Annex"]["email"] == "ann.new@fb.com"  # the primary contact's

    erp.edit_customer("C000000288", Status="OnHold")
    erp_sync(target)
    assert target.account("C000000288")["isActive"] is False
    erp.edit_customer("C000000288", Status="Active")
    erp_sync(target)
    assert target.account("C000000288")["isActive"] is True


def test_a_deleted_location_goes_at_the_next_full_run(target, erp) -> None:
    erp.load(facebook(locations=two_locations()))
    erp_sync(target)
    time.sleep(3.1)  # past the reference id written back (see the test above)
    erp_sync(target)
    erp.delete("CustomerLocation/C000000288/DOCK")
    quiet, _ = erp_sync(target)  # an incremental read cannot see a deletion
    assert quiet.plans == []
    assert sorted(target.contacts("C000000288")) == ["Head Office", "Loading Dock"]
    result, log = erp_sync(target, full=True)
    assert sorted(target.contacts("C000000288")) == ["Head Office"]
    assert result.done["RemoveLocation"] == 1
    assert any(r["description"] == "Customer Location is deleted." for r in log.rows)


def test_the_reference_id_finds_the_account_before_the_external_id(target, erp) -> None:
    erp.load(facebook())
    erp_sync(target)
    account = target.account("C000000288")
    target.call("PUT", f"/{account['id']}", json={"externalId": "CHANGED-BY-HAND"})
    result, _ = erp_sync(target, full=True)
    assert result.done["AddAccount"] == 0 and result.done["UpdateAccount"] == 1
    assert target.account("C000000288")["id"] == account["id"]


def test_a_customer_without_a_usable_primary_is_a_warn_row(target, erp) -> None:
    erp.load(facebook(contacts=(contact(101, "markz@test.com", primary=True, enabled=False),)))
    _, log = erp_sync(target)
    warned = [r for r in log.rows if r["level"] == "WARN"]
    assert [r["actionType"] for r in warned] == ["Customer Contact"]
    assert "not enabled" in warned[0]["description"]


# ---------------------------------------------------------------- the bugs of the issue
def test_leaving_out_tenant_uses_the_same_references_and_adds_no_second_admin(
        server, erp, tmp_path) -> None:
    erp.load(facebook())
    state, log = tmp_path / "state.json", tmp_path / "log.jsonl"
    common = ["--erp-url", server.url, *ERP_ARGS, "--url", server.url, "--state", str(state),
              "--log", str(log), "--sales-rep", SALES_REP, "--quiet"]
    assert cli("run", *common, "--tenant", "1").returncode == 0
    erp.edit_contact(101, Email="mark.new@test.com")
    assert cli("run", *common).returncode == 0  # the server's default tenant is 1
    target = Target(server, tmp_path)
    target.tenant = 1
    target._headers = None
    users = target.users("C000000288")
    assert sorted(users) == ["mark.new@test.com"]
    assert roles(users["mark.new@test.com"]) == ["Admin"]
    shown = cli("refs", "--url", server.url, "--state", str(state))
    assert "C000000288" in shown.stdout, shown.stderr



def test_the_default_tenant_is_known_on_a_server_that_guards_its_operator_api() -> None:
    """A run without --tenant keys its references as a run naming the tenant would, also where
    the operator API needs a token (every container), or a changed e-mail would add an Admin."""
    from sync_client.target import effective_tenant

    with ServerProcess(env={"B2B_MOCK_ADMIN_TOKEN": "guarded", "B2B_MOCK_TENANT": "7"}) as guarded:
        assert requests.get(guarded.url + "/_mock/journal", timeout=10).status_code == 401
        assert effective_tenant(guarded.url, None) == (7, "the server's default tenant")

def test_refs_says_where_it_looked_when_it_finds_nothing(server, erp, tmp_path) -> None:
    erp.load(facebook())
    state = tmp_path / "state.json"
    common = ["--url", server.url, "--state", str(state)]
    cli("run", "--erp-url", server.url, *ERP_ARGS, *common, "--tenant", "5", "--quiet",
        "--log", str(tmp_path / "log.jsonl"))
    other = cli("refs", *common, "--tenant", "6")
    assert other.returncode == 1
    assert f"no references for {server.url} in tenant 6 (--tenant), in {state}" in other.stderr
    assert f"1 customer for {server.url}#tenant=5" in other.stderr


def test_a_service_that_is_down_is_one_line_within_a_minute(tmp_path) -> None:
    down = f"http://127.0.0.1:{free_port()}"
    source = tmp_path / "erp.json"
    source.write_text(json.dumps([customer_to_json(facebook())]))
    done = cli("run", "--source", str(source), "--url", down, "--state",
               str(tmp_path / "state.json"), "--log", str(tmp_path / "log.jsonl"), timeout=90)
    assert done.returncode == 3
    assert done.stderr.strip() == f"b2b-sync: cannot reach the B2B service at {down}: " \
                                  "connection refused"
    erp_down = cli("run", "--erp-url", down, *ERP_ARGS, "--url", down, "--state",
                   str(tmp_path / "state.json"), "--retry-for", "1", timeout=90)
    assert erp_down.returncode == 3 and "Traceback" not in erp_down.stderr
    assert erp_down.stderr.strip() == f"b2b-sync: cannot reach the ERP at {down}: " \
                                      "connection refused"


def _watch(server: ServerProcess, tmp_path: Path, *extra: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "sync_client", "watch", "--erp-url", server.url, *ERP_ARGS,
         "--url", server.url, "--tenant", "9", "--state", str(tmp_path / "state.json"),
         "--log", str(tmp_path / "log.jsonl"), "--sales-rep", SALES_REP, *extra],
        cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def _wait_for(process: subprocess.Popen[str], words: str, seconds: float = 60) -> list[str]:
    assert process.stdout is not None
    lines: list[str] = []
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        line = process.stdout.readline()
        if not line:
            break
        lines.append(line)
        if words in line:
            return lines
    raise AssertionError(f"never printed {words!r}: {lines}")


@pytest.mark.parametrize("signum", [signal.SIGINT, signal.SIGTERM])
def test_watch_stops_cleanly_on_ctrl_c_and_sigterm(server, erp, tmp_path, signum) -> None:
    erp.load(facebook(), second())
    watcher = _watch(server, tmp_path, "--interval", "0.5")
    _wait_for(watcher, "customers:")
    watcher.send_signal(signum)
    out, err = watcher.communicate(timeout=60)
    assert watcher.returncode == 0, err
    assert "Traceback" not in err and "stopped after" in out
    assert "stopping after the customers in flight" in err


def test_a_run_stops_after_the_customer_in_flight_on_ctrl_c(server, erp, tmp_path) -> None:
    erp.load(*[facebook(customer_id=f"C{n}", name=f"Company {n}",
                        contacts=(contact(100 + n, f"u{n}@c{n}.com", primary=True),))
               for n in range(1, 9)])
    requests.post(server.url + "/_mock/faults", timeout=10, json={
        "kind": "latency", "latencyMs": 300, "operation": "AddUser", "percent": 100})
    try:
        running = subprocess.Popen(
            [sys.executable, "-m", "sync_client", "run", "--erp-url", server.url, *ERP_ARGS,
             "--url", server.url, "--tenant", "11", "--state", str(tmp_path / "state.json"),
             "--log", str(tmp_path / "log.jsonl"), "--sales-rep", SALES_REP, "--quiet",
             "--workers", "2"],  # two customers in flight at a time
            cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        log = tmp_path / "log.jsonl"
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and not (
                log.exists() and "Customer Contact" in log.read_text()):
            time.sleep(0.05)
        running.send_signal(signal.SIGINT)
        out, err = running.communicate(timeout=60)
    finally:
        requests.delete(server.url + "/_mock/faults", timeout=10)
    assert "Traceback" not in err, err
    assert "stopped before the rest" in out
    rows = [json.loads(line) for line in log.read_text().splitlines()]
    synced = {r["payload"]["customerId"] for r in rows
              if r["description"] == "Commerce reference ID is updated in the ERP."}
    assert 1 <= len(synced) < 8
    for customer in synced:  # every customer begun was finished: account, user, reference
        assert any(r["actionType"] == "Customer Contact" and
                   r["payload"].get("emailAddress", "").endswith(f"@{customer.lower()}.com")
                   for r in rows)


def test_watch_renews_its_ticket_and_logs_each_renewal(tmp_path) -> None:
    with ServerProcess(extra_args=["--token-lifetime", "2"]) as short:
        ErpTwin(short.url).load(facebook())
        watcher = _watch(short, tmp_path, "--interval", "0.5")
        try:
            deadline = time.monotonic() + 60
            log = tmp_path / "log.jsonl"
            while time.monotonic() < deadline:
                rows = [json.loads(x) for x in log.read_text().splitlines()] \
                    if log.exists() else []
                if sum(r["actionType"] == "BearerToken" for r in rows) >= 3:
                    break
                time.sleep(0.2)
        finally:
            watcher.send_signal(signal.SIGTERM)
            watcher.communicate(timeout=60)
    renewals = [r for r in rows if r["actionType"] == "BearerToken"]
    assert len(renewals) >= 3
    assert {r["description"] for r in renewals} == {"Token Generated successfully"}
    assert "RefreshToken" in {r["payload"] for r in renewals}


# ---------------------------------------------------------------- the log as people read it
def test_the_log_filters_and_shows_whole_error_texts(tmp_path) -> None:
    log = SyncLog(tmp_path / "log.jsonl", user="tester")
    long_error = "Customer(s) sync failed: " + "the city is not valid; " * 12 + "END"
    log.info("Customer Sync", {"company": "Facebook"}, "POST /x", "Customer data is created.")
    log.write("WARN", "Customer Contact", {}, "", "Customer C1 names no primary contact")
    log.error("Customer Sync", {"company": "Bad"}, "POST /x", long_error)
    log.info("Customer Location", {"address_label": "Primary"}, "POST /y",
             "Customer Location is created/updated successfully.")
    path = str(tmp_path / "log.jsonl")
    table = cli("log", "--log", path).stdout.splitlines()
    as_json = [json.loads(x) for x in cli("log", "--log", path, "--json").stdout.splitlines()]
    assert [r["actionType"] for r in as_json] == ["Customer Location", "Customer Sync",
                                                  "Customer Contact", "Customer Sync"]
    assert [line.split("  ")[0].strip() for line in table[2:]] == \
        [r["level"] for r in as_json]  # the same order as the table
    wrapped = cli("log", "--log", path, "--wrap", "--level", "error").stdout
    assert "END" in wrapped and "Facebook" not in wrapped
    detail = cli("log", "--log", path, "--detail", "--action", "sync", "--text", "city").stdout
    assert " ".join(detail.split()).count("the city is not valid;") == 12
    assert "END" in detail
    assert cli("log", "--log", path, "--level", "WARN", "--json").stdout.count("\n") == 1
    assert cli("log", "--log", path, "--action", "location", "--json").stdout.count("\n") == 1
    today = time.strftime("%Y-%m-%d")
    assert cli("log", "--log", path, "--since", today, "--json").stdout.count("\n") == 4
    assert cli("log", "--log", path, "--until", "2000-01-01", "--json").stdout == ""
    last = [json.loads(x) for x in cli("log", "--log", path, "--last", "1", "--level", "INFO",
                                       "--json").stdout.splitlines()]
    assert [r["actionType"] for r in last] == ["Customer Location"]
    bad = cli("log", "--log", path, "--since", "yesterday")
    assert bad.returncode == 2 and "Traceback" not in bad.stderr


# ---------------------------------------------------------------- the demo
def test_make_demo_plays_its_scenes_against_a_running_server() -> None:
    """On a server whose operator API wants a token (as a container's does): refused with a
    sentence saying what to give without it, played through with it."""
    with ServerProcess(env={"B2B_MOCK_ADMIN_TOKEN": "demo-token"}) as server:
        demo = [sys.executable, "-m", "sync_client.demo", "--url", server.url, "--pause", "0"]
        env = {k: v for k, v in os.environ.items() if k != "B2B_MOCK_ADMIN_TOKEN"}
        refused = subprocess.run(demo, capture_output=True, text=True, timeout=120, cwd=ROOT,
                                 env=env)
        assert refused.returncode == 1 and "Traceback" not in refused.stderr, refused.stderr
        assert "--admin-token or B2B_MOCK_ADMIN_TOKEN" in refused.stderr
        done = subprocess.run(demo, capture_output=True, text=True, timeout=600, cwd=ROOT,
                              env={**env, "B2B_MOCK_ADMIN_TOKEN": "demo-token"})
        assert done.returncode == 0, done.stderr
        log = requests.get(server.url + "/_mock/sync/log", params={"limit": 1000}, timeout=10,
                           headers={"Authorization": "Bearer demo-token"})
    out = done.stdout
    assert "13 reference ids written to the ERP" in out
    scene_two = out.split("2. In the ERP")[1].split("3. ")[0]
    assert "raj.patel@contoso-pharma.com             Primary Admin" in scene_two
    assert "amelie.dubois@contoso-pharma.com         removed" in out.split("3. Am")[1]
    assert "k.liu@adventure-works.com" in out and "address Dallas Warehouse" in out
    assert "Customer Location is created/updated successfully." in out
    tailspin = out.split("6. Tailspin")[1]
    assert "INACTIVE" in tailspin and tailspin.rstrip().count("Approved, active") >= 1
    assert any(r["actionType"] == "Customer Location" for r in log.json()["items"])


def test_make_demo_says_so_when_no_server_runs() -> None:
    down = f"http://127.0.0.1:{free_port()}"
    done = subprocess.run([sys.executable, "-m", "sync_client.demo", "--url", down],
                          capture_output=True, text=True, timeout=60, cwd=ROOT)
    assert done.returncode == 2 and "make serve" in done.stderr
    assert "Traceback" not in done.stderr


def test_sync_now_runs_b2b_sync_from_the_servers_twin_into_a_tenant(server, erp) -> None:
    erp.load(facebook())
    first = requests.post(server.url + "/_mock/sync", json={"tenant": 3}, timeout=120)
    assert first.status_code == 200 and first.json()["exitCode"] == 0, first.text
    assert "1 AddAccount" in first.json()["summary"]
    assert erp.reference("C000000288") is not None
