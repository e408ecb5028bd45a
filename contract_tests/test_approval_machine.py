"""The approval state machine, explored: any sequence of approval actions and sales rep changes
on an account leaves it exactly where the model of the rules says, and active only when
approved; a refused action changes nothing and says why."""

from __future__ import annotations

from typing import Any

from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, rule

from mock_server.app import create_app
from mock_server.config import Settings

BASE = "/api/commerce/customer/b2baccounts"
REPS = ["5b0e9d19811a4ea99c3588ca64ba61ca", "0123456789abcdef0123456789abcdef"]
# The rules as a table: action -> (states it applies to, state it leads to)
MODEL = {"approve": ({"PendingApproval", "Denied", "Inactive"}, "Approved"),
         "deny": ({"PendingApproval"}, "Denied"),
         "disable": ({"Approved"}, "Inactive"),
         "enable": ({"Inactive", "Denied"}, "Approved")}
APP = create_app(Settings(auth_enabled=False))


class ApprovalMachine(RuleBasedStateMachine):
    def __init__(self) -> None:
        super().__init__()
        self.client = APP.test_client()
        created = self.client.post(BASE, json={"companyOrOrganization": "Acme"})
        assert created.status_code == 200, created.text
        self.account: dict[str, Any] = created.json()
        self.state = "PendingApproval"
        self.reps: list[str] = []

    @rule(rep=st.sampled_from(REPS))
    def add_rep(self, rep: str) -> None:
        response = self.client.post(f"{BASE}/{self.account['id']}/salesrep/{rep}")
        assert response.status_code == 200
        if rep not in self.reps:
            self.reps.append(rep)
        self.account = response.json()

    @rule(rep=st.sampled_from(REPS))
    def remove_rep(self, rep: str) -> None:
        response = self.client.delete(f"{BASE}/{self.account['id']}/salesrep/{rep}")
        if rep in self.reps:
            assert response.status_code == 200
            self.reps.remove(rep)
            self.account = response.json()
        else:
            assert response.status_code == 404 and response.json()["errorCode"] == \
                "ITEM_NOT_FOUND"

    @rule(action=st.sampled_from(sorted(MODEL)))
    def act(self, action: str) -> None:
        applies_to, leads_to = MODEL[action]
        response = self.client.put(f"{BASE}/{self.account['id']}/status/{action}")
        allowed = self.state in applies_to and (leads_to != "Approved" or bool(self.reps))
        if allowed:
            assert response.status_code == 200, response.text
            self.state = leads_to
            self.account = response.json()
        else:
            assert response.status_code == 409, response.text
            body = response.json()
            assert body["errorCode"] == "VALIDATION_CONFLICT"
            assert self.state in body["message"] or "sales rep" in body["message"]

    @invariant()
    def the_account_is_where_the_model_is(self) -> None:
        stored = self.client.get(f"{BASE}/{self.account['id']}").json()
        assert stored["approvalStatus"] == self.state
        assert stored["isActive"] is (self.state == "Approved")
        assert [r["adminUserId"] for r in stored["salesReps"]] == self.reps


TestApprovalMachine = ApprovalMachine.TestCase
