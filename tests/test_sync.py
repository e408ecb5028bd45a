"""The sync client end to end against a running b2b-mock: the walkthrough's rules."""

from __future__ import annotations

import json
import subprocess
import sys
import time
from dataclasses import replace
from pathlib import Path

import pytest

from mock_server.testing.process import ServerProcess
from sync_helpers import BASE, Target, contact, facebook, roles, server, target  # noqa: F401
from sync_client.erp import AcumaticaFileSource

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "fixtures" / "acumatica"

pytestmark = pytest.mark.slow


def test_the_walkthrough_customer_becomes_an_account_with_its_primary_admin(target) -> None:
    result, log = target.sync(facebook())
    assert result.errors == 0
    account = target.account("C000000288")
    assert account["companyOrOrganization"] == "Facebook" and account["isActive"] is True
    mark = target.users("C000000288")["markz@test.com"]
    assert mark["userName"] == "markz@test.com" and roles(mark) == ["Admin"]
    assert {a["fullyQualifiedName"]: a["values"] for a in account["attributes"]} == {
        "tenant~customer-class": ["LOCAL"], "tenant~erp-status": ["Active"],
        "tenant~tier": ["Gold"]}
    descriptions = [(r["level"], r["actionType"], r["description"]) for r in log.rows]
    assert ("INFO", "Customer Sync", "Customer data is created/updated successfully.") in \
        descriptions
    assert ("INFO", "Customer Contact", "Customer Contact is created/updated successfully.") in \
        descriptions
    assert ("INFO", "BearerToken", "Token Generated successfully") in descriptions
    contact_row = next(r for r in log.rows if r["actionType"] == "Customer Contact")
    assert contact_row["payload"]["emailAddress"] == "markz@test.com"
    assert contact_row["endpoint"].startswith("POST ") and contact_row["user"] == "tester"


def test_the_fixtures_sync_with_one_rejected_record_and_the_run_carries_on(target) -> None:
    nameless = facebook(customer_id="C000000999", name="")  # a file may hold what no ERP would
    customers = [*AcumaticaFileSource(FIXTURES).customers(), nameless]
    result, log = target.sync(*customers)
    assert result.done["AddAccount"] == 13
    rejected = [r for r in log.errors if r["actionType"] == "Customer Sync"]
    assert len(rejected) == 1 and "companyOrOrganization" in rejected[0]["description"]
    assert rejected[0]["description"].startswith("Customer(s) sync failed:")
    contoso = target.users("C000000301")
    assert sorted(contoso) == ["amelie.dubois@contoso-pharma.com",
                               "olivia.chen@contoso-pharma.com", "raj.patel@contoso-pharma.com"]
    assert roles(contoso["olivia.chen@contoso-pharma.com"]) == ["Admin"]
    assert roles(contoso["raj.patel@contoso-pharma.com"]) == ["Purchaser"]
    assert "priya.nair@fabrikam.com" not in target.users("C000000322")  # not enabled
    coho = target.users("C000000390")  # no primary contact: no admin
    assert all("Admin" not in roles(u) for u in coho.values())
    assert target.account("C000000317")["isActive"] is False  # on hold
    assert any("Felix Bauer" in r["description"] for r in log.errors)  # no e-mail


def test_a_second_run_makes_no_write(target) -> None:
    customers = [c for c in AcumaticaFileSource(FIXTURES).customers() if c.name]
    target.sync(*customers)
    seq = target.last_seq()
    result, _ = target.sync(*customers)
    assert result.writes == 0 and result.errors == 1  # Felix Bauer still has no e-mail
    assert target.writes(since=seq) == []
    # one list call finds the 13 accounts with the users and addresses they carry
    assert result.reads == 1
    assert [e["operation"] for e in target.journal(since=seq) if e["path"].startswith(BASE)] \
        == ["GetB2BAccounts"]


def test_primary_change_moves_admin_new_first(target) -> None:
    olivia = contact(1, "olivia@fb.com", primary=True)
    raj = contact(2, "raj@fb.com")
    target.sync(facebook(contacts=(olivia, raj)))
    seq = target.last_seq()
    target.sync(facebook(contacts=(replace(olivia, primary=False), replace(raj, primary=True))))
    users = target.users("C000000288")
    assert roles(users["raj@fb.com"]) == ["Admin"]
    assert roles(users["olivia@fb.com"]) == ["Purchaser"]
    role_calls = [(e["method"], e["path"].rsplit("/", 1)[-1], e["path"].split("/")[-3])
                  for e in target.writes(since=seq) if "/roles/" in e["path"]]
    raj_id, olivia_id = users["raj@fb.com"]["userId"], users["olivia@fb.com"]["userId"]
    grant_admin = role_calls.index(("POST", "1", raj_id))
    revoke_admin = role_calls.index(("DELETE", "1", olivia_id))
    assert grant_admin < revoke_admin


def test_deactivated_disabled_and_deleted_contacts_are_removed(target) -> None:
    a, b, c, d = (contact(i, f"c{i}@fb.com", primary=i == 1) for i in range(1, 5))
    target.sync(facebook(contacts=(a, b, c, d)))
    target.sync(facebook(contacts=(a, replace(b, active=False), replace(c, enabled=False))))
    users = target.users("C000000288")
    assert users["c1@fb.com"]["isRemoved"] is False
    for email in ("c2@fb.com", "c3@fb.com", "c4@fb.com"):
        assert users[email]["isRemoved"] is True and users[email]["isActive"] is False
    refs = next(iter(json.loads(target.state.read_text())["customers"].values()))
    assert sorted(refs["contacts"]) == ["1", "2", "3"]  # 4 was deleted from the ERP
    result, _ = target.sync(facebook(contacts=(a, b, c)))  # reactivated and re-enabled
    users = target.users("C000000288")
    assert not users["c2@fb.com"]["isRemoved"] and not users["c3@fb.com"]["isRemoved"]
    assert result.done["AddUser"] == 2


def test_attributes_follow_the_erp(target) -> None:
    target.sync(facebook(attributes=(("TIER", "Gold"), ("REGION", "West"))))
    target.sync(facebook(attributes=(("TIER", "Platinum"), ("PAY TERMS", "NET30"))))
    attrs = {a["fullyQualifiedName"]: a["values"]
             for a in target.account("C000000288")["attributes"]}
    assert attrs == {"tenant~customer-class": ["LOCAL"], "tenant~erp-status": ["Active"],
                     "tenant~tier": ["Platinum"], "tenant~pay-terms": ["NET30"]}


def test_hand_made_drift_is_repaired(target) -> None:
    target.sync(facebook(contacts=(contact(1, "mark@fb.com", primary=True),
                                   contact(2, "ann@fb.com"))))
    account = target.account("C000000288")
    users = target.users("C000000288")
    mark, ann = users["mark@fb.com"], users["ann@fb.com"]
    target.call("DELETE", f"/{account['id']}/user/{mark['userId']}/roles/1")
    target.call("POST", f"/{account['id']}/user/{ann['userId']}/roles/1")
    target.call("PUT", f"/{account['id']}", json={"companyOrOrganization": "Renamed by hand"})
    result, _ = target.sync(facebook(contacts=(contact(1, "mark@fb.com", primary=True),
                                               contact(2, "ann@fb.com"))))
    users = target.users("C000000288")
    assert roles(users["mark@fb.com"]) == ["Admin"] and roles(users["ann@fb.com"]) == ["Purchaser"]
    assert target.account("C000000288")["companyOrOrganization"] == "Facebook"
    target.call("PUT", f"/{account['id']}/user/{mark['userId']}/remove")
    target.sync(facebook(contacts=(contact(1, "mark@fb.com", primary=True),
                                   contact(2, "ann@fb.com"))))
    restored = target.users("C000000288")["mark@fb.com"]
    assert restored["isRemoved"] is False and roles(restored) == ["Admin"]
    assert restored["userId"] == mark["userId"]


def test_unmatched_users_are_reported_and_pruned_on_request(target) -> None:
    target.sync(facebook())
    account = target.account("C000000288")
    target.call("POST", f"/{account['id']}/user",
                json={"b2BUser": {"emailAddress": "stranger@fb.com"}})
    result, log = target.sync(facebook())
    assert [u["emailAddress"] for p in result.plans for u in p.unmanaged] == ["stranger@fb.com"]
    assert any("stranger@fb.com" in r["description"] for r in log.rows)
    assert target.users("C000000288")["stranger@fb.com"]["isRemoved"] is False
    target.sync(facebook(), prune=True)
    assert target.users("C000000288")["stranger@fb.com"]["isRemoved"] is True


def test_dry_run_plans_and_writes_nothing(target) -> None:
    seq = target.last_seq()
    result, log = target.sync(facebook(), dry_run=True)
    assert [s.action for s in result.plans[0].steps] == ["AddAccount", "AddSalesRep", "ChangeStatus",
                                                         "AddUser"]
    assert target.writes(since=seq) == []
    assert target.account("C000000288") is None


def test_default_role_is_configurable(target) -> None:
    target.sync(facebook(contacts=(contact(1, "a@fb.com", primary=True),
                                   contact(2, "b@fb.com"))), default_role=3)
    assert roles(target.users("C000000288")["b@fb.com"]) == ["Nonpurchaser"]


def test_the_cli_runs_logs_and_shows_refs(target) -> None:
    source = target.write_erp(facebook(), facebook(customer_id="C9", name=""))
    common = ["--url", target.url, "--tenant", str(target.tenant), "--state", str(target.state)]
    run = subprocess.run([sys.executable, "-m", "sync_client", "run", "--source", str(source),
                          "--log", str(target.log_path), *common], capture_output=True,
                         text=True, timeout=120)
    assert run.returncode == 1  # the nameless customer was rejected
    assert "1 AddAccount" in run.stdout and "1 error;" in run.stdout
    assert "companyOrOrganization" in run.stderr
    shown = subprocess.run([sys.executable, "-m", "sync_client", "log", "--log",
                            str(target.log_path)], capture_output=True, text=True, timeout=60)
    assert "Customer Contact is created/updated successfully." in shown.stdout
    assert "Level" in shown.stdout.splitlines()[0]
    refs = subprocess.run([sys.executable, "-m", "sync_client", "refs", *common],
                          capture_output=True, text=True, timeout=60)
    account = target.account("C000000288")
    assert f"C000000288" in refs.stdout and str(account["id"]) in refs.stdout
    dry = subprocess.run([sys.executable, "-m", "sync_client", "run", "--source", str(source),
                          "--dry-run", "--log", str(target.log_path), *common],
                         capture_output=True, text=True, timeout=120)
    assert "C000000288 Facebook" in dry.stdout and "none made" in dry.stdout


def test_retries_429_and_503_and_renews_tickets(target) -> None:
    target.fault(kind="status", status=429, retryAfter=1, operation="AddUser", times=1)
    target.fault(kind="status", status=503, operation="GetB2BAccounts", times=3)
    target.fault(kind="expire_token", operation="AddAccount", times=1)
    customers = [c for c in AcumaticaFileSource(FIXTURES).customers()][:4]
    result, log = target.sync(*customers)
    assert result.errors == 0
    assert len(target.users("C000000301")) == 3
    statuses = [e["status"] for e in target.journal()]
    assert 429 in statuses and 503 in statuses and 401 in statuses
    assert sum(1 for r in log.rows if r["actionType"] == "BearerToken") >= 2


def test_a_run_outlives_one_second_tickets(tmp_path) -> None:
    with ServerProcess(extra_args=["--token-lifetime", "1"]) as short_lived:
        target = Target(short_lived, tmp_path)
        # two workers sharing the ticket, 25 slow AddUsers: nearly four seconds of calls
        target.fault(kind="latency", latencyMs=300, operation="AddUser", percent=100)
        customers = AcumaticaFileSource(FIXTURES).customers()
        result, log = target.sync(*customers, workers=2)
        renewals = [r for r in log.rows if r["actionType"] == "BearerToken"]
        assert len(renewals) >= 3
        assert any(r["payload"] == "RefreshToken" for r in renewals)
        assert [r["actionType"] for r in log.errors] == ["Customer Contact"]
        assert result.done["AddUser"] == 25


def test_retries_stop_at_the_deadline_and_the_record_is_an_error(target) -> None:
    from sync_client.b2b import B2BClient, ServiceError
    from sync_client.transport import b2b_session, retry_policy
    from sync_helpers import CREDENTIALS

    target.fault(kind="status", status=503, operation="GetB2BAccounts", percent=100)
    session = b2b_session(target.url, CREDENTIALS, target.tenant,
                          retry=retry_policy(total=50, backoff=0.1, deadline=1.0))
    client = B2BClient(session, target.url)
    started = time.monotonic()
    with pytest.raises(ServiceError) as caught:
        client.find_account("C000000288")
    assert time.monotonic() - started < 10
    assert caught.value.status == 503  # the last answer, once the deadline has passed
    attempts = [e for e in target.journal() if e["operation"] == "GetB2BAccounts"]
    assert 2 <= len(attempts) < 50


def test_a_service_that_cannot_be_reached_ends_the_run_at_the_first_customer(tmp_path) -> None:
    from mock_server.testing.process import free_port
    from sync_client.b2b import B2BClient
    from sync_client.log import SyncLog
    from sync_client.refs import RefStore
    from sync_client.sync import Syncer
    from sync_client.transport import Unreachable, b2b_session, retry_policy
    from sync_helpers import CREDENTIALS

    url = f"http://127.0.0.1:{free_port()}"  # nothing listens there
    session = b2b_session(url, CREDENTIALS, retry=retry_policy(total=2, backoff=0.01,
                                                               deadline=2))
    refs = RefStore(tmp_path / "state.json", url)
    client = B2BClient(session, url)
    with pytest.raises(Unreachable) as caught:
        Syncer(client, refs, SyncLog(None)).run([facebook(), facebook(customer_id="C2")])
    refs.close()
    assert str(caught.value) == f"cannot reach the B2B service at {url}: connection refused"
    assert client.calls == []  # not even the ticket: nothing was tried record by record
