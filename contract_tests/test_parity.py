"""Parity with recorded answers: each scenario of ``parity/scenarios.py`` is run and its
answers are compared, path by path, with a snapshot; every difference not declared in
``parity/differences.json`` (with its reason) fails, listed by path.

    make parity                                   # the mock against contract_tests/parity/snapshots
    make parity URL=https://t1.example RECORD=1 SNAPSHOTS=my-sandbox   # record a service
    make parity SNAPSHOTS=my-sandbox              # the mock against those recordings

Environment: ``B2B_PARITY_RECORD=1`` records instead of comparing; ``B2B_PARITY_SNAPSHOTS`` the
folder of the snapshots; ``B2B_PARITY_DIFFERENCES`` the declared differences; the target and
credentials as ``parity/scenarios.py`` says (the mock in-process without ``B2B_PARITY_URL``).
"""

from __future__ import annotations

import copy
import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from contract_tests.parity import snapshots
from contract_tests.parity.scenarios import SCENARIOS, Settings, Transport, run_scenario

RECORD = os.environ.get("B2B_PARITY_RECORD", "").strip().lower() in ("1", "true", "yes")
FOLDER = Path(os.environ.get("B2B_PARITY_SNAPSHOTS", "") or snapshots.SNAPSHOTS)
DIFFERENCES = Path(os.environ.get("B2B_PARITY_DIFFERENCES", "") or snapshots.DECLARED)


@pytest.fixture
def transport() -> Iterator[Transport]:
    """The target: the URL of the settings, or a fresh in-process mock (ids from 1001)."""
    settings = Settings.from_environment()
    if settings.url:
        yield Transport(settings)
        return
    from mock_server.app import create_app
    from mock_server.config import Settings as MockSettings

    with create_app(MockSettings()).test_client() as client:
        yield Transport(settings, client)


def run(name: str, transport: Transport) -> list[dict]:
    exchanges, tag = run_scenario(name, transport)
    return snapshots.normalize(exchanges, tag)


@pytest.mark.parametrize("name", sorted(SCENARIOS))
def test_the_answers_match_the_snapshot(name: str, transport: Transport) -> None:
    answers = run(name, transport)
    if RECORD:
        print(f"recorded {snapshots.write(name, answers, FOLDER)}")
        return
    differences = snapshots.compare(name, snapshots.read(name, FOLDER), answers)
    left = snapshots.undeclared(differences, snapshots.declared(DIFFERENCES))
    assert not left, (f"{len(left)} answer(s) differ from {FOLDER / name}.json "
                      f"(declare deliberate ones in {DIFFERENCES}):\n"
                      + "\n".join(f"  {d}" for d in left))


@pytest.mark.skipif(RECORD, reason="recording")
def test_a_changed_answer_is_reported_by_its_path(transport: Transport) -> None:
    recorded = snapshots.read("approval", FOLDER)
    changed = copy.deepcopy(recorded)
    approve = next(e for e in changed if e["step"] == "approve")
    approve["body"]["approvalStatus"] = "Active"
    approve["headers"]["content-type"] = "text/json"
    del next(e for e in changed if e["step"] == "disable again")["body"]["errorCode"]
    differences = snapshots.compare("approval", changed, run("approval", transport))
    assert sorted(map(str, differences)) == [
        'approval.approve.body.approvalStatus: recorded "Active", got "Approved"',
        'approval.approve.headers.content-type: recorded "text/json", got "application/json"',
        'approval.disable again.body.errorCode: recorded <missing>, got "VALIDATION_CONFLICT"',
    ]
    declared = {"approval.approve.headers.*": "the service answers text/json",
                "approval.*.body.approvalStatus": "named otherwise"}
    assert [d.path for d in snapshots.undeclared(differences, declared)] == [
        "approval.disable again.body.errorCode"]


def test_placeholders_keep_identity_and_drop_what_varies() -> None:
    tag = "p1234abcd"
    user = "0123456789abcdef0123456789abcdef"
    exchanges = [
        {"step": "add", "request": {"method": "POST", "path": "/accounts",
                                    "body": {"externalId": f"X-{tag}"}},
         "status": 200, "headers": {"x-vol-correlation": "c1", "date": "today"},
         "body": {"id": 5005, "externalId": f"X-{tag}", "tenantId": 77,
                  "auditInfo": {"createDate": "2026-01-02T03:04:05.678Z"}, "users": [
                      {"userId": user, "roles": [{"roleId": 1}]}]}},
        {"step": "get", "request": {"method": "GET", "path": f"/accounts/5005/user/{user}",
                                    "body": None},
         "status": 404, "headers": {"x-vol-correlation": "c2"},
         "body": {"message": f"User {user} of account 5005 not found",
                  "additionalErrorData": [{"name": "accountId", "value": 5005}]}},
    ]
    first, second = snapshots.normalize(exchanges, tag)
    assert first["body"] == {"id": "<id-1>", "externalId": "X-<run>", "tenantId": "<tenant>",
                             "auditInfo": {"createDate": "<date>"},
                             "users": [{"userId": "<id-2>", "roles": [{"roleId": 1}]}]}
    assert first["headers"] == {"x-vol-correlation": "<correlation-1>"}
    assert second["request"]["path"] == "/accounts/<id-1>/user/<id-2>"
    assert second["body"] == {"message": "User <id-2> of account <id-1> not found",
                              "additionalErrorData": [{"name": "accountId", "value": "<id-1>"}]}
    assert second["headers"] == {"x-vol-correlation": "<correlation-2>"}


def test_every_declared_difference_says_why() -> None:
    for pattern, reason in snapshots.declared(DIFFERENCES).items():
        assert pattern and reason.strip(), pattern
