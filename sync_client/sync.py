"""Running a sync: read the B2B side, plan, apply the plan, log every step.

A record the service rejects is logged as an ERROR and the run carries on with the next one.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from .b2b import B2BClient, ServiceError
from .erp import Customer
from .log import SyncLog
from .plan import PURCHASER, ROLE_NAMES, Plan, Step, plan_customer
from .refs import RefStore
from .transport import Credentials, b2b_session

SUCCESS = {
    "AddAccount": "Customer data is created/updated successfully.",
    "UpdateAccount": "Customer data is created/updated successfully.",
    "AddAttribute": "Customer Attribute is created/updated successfully.",
    "UpdateAttribute": "Customer Attribute is created/updated successfully.",
    "DeleteAttribute": "Customer Attribute is deleted.",
    "AddUser": "Customer Contact is created/updated successfully.",
    "UpdateUser": "Customer Contact is created/updated successfully.",
    "RemoveUser": "Customer Contact is removed.",
}
FAILURE = {"Customer Sync": "Customer(s) sync failed", "Customer Attribute":
           "Customer Attribute sync failed", "Customer Contact": "Customer Contact sync failed"}


@dataclass
class SyncOptions:
    default_role: int = PURCHASER
    prune: bool = False
    dry_run: bool = False


@dataclass
class RunResult:
    plans: list[Plan] = field(default_factory=list)
    done: Counter = field(default_factory=Counter)
    failed: Counter = field(default_factory=Counter)
    reads: int = 0
    writes: int = 0

    @property
    def errors(self) -> int:
        return sum(self.failed.values()) + sum(
            1 for p in self.plans for problem in p.problems if problem.level == "ERROR")

    def summary(self) -> str:
        done = ", ".join(f"{n} {action}" for action, n in sorted(self.done.items())) or "no changes"
        unmanaged = sum(len(p.unmanaged) for p in self.plans)
        text = (f"{len(self.plans)} customers: {done}; {self.errors} errors; "
                f"{self.reads} reads, {self.writes} writes")
        if unmanaged:
            text += f"; {unmanaged} users match no ERP contact"
        return text


class Syncer:
    """Syncs customers into one B2B target through ``client``."""

    def __init__(self, client: B2BClient, refs: RefStore, log: SyncLog,
                 options: SyncOptions | None = None) -> None:
        self.client = client
        self.refs = refs
        self.log = log
        self.options = options or SyncOptions()

    def run(self, customers: Iterable[Customer], progress: bool = False) -> RunResult:
        result = RunResult()
        start = len(self.client.calls)
        items = list(customers)
        if progress:
            from tqdm import tqdm

            items = tqdm(items, desc="customers", unit="customer")
        for customer in items:
            result.plans.append(self.sync_customer(customer, result))
            self.refs.flush()
        calls = self.client.calls[start:]
        result.writes = sum(1 for c in calls if c.is_write)
        result.reads = len(calls) - result.writes
        return result

    def read_plan(self, customer: Customer) -> Plan:
        """Read the customer's B2B state and plan; makes no write."""
        account = self.client.find_account(customer.customer_id)
        users = self.client.users(account["id"]) if account else []
        refs = self.refs.contact_users(customer.customer_id)
        return plan_customer(customer, account, users, refs,
                             default_role=self.options.default_role, prune=self.options.prune)

    def sync_customer(self, customer: Customer, result: RunResult) -> Plan:
        try:
            plan = self.read_plan(customer)
        except ServiceError as exc:
            self.log.error("Customer Sync", {"customerId": customer.customer_id},
                           f"{exc.method} {exc.url}",
                           f"{FAILURE['Customer Sync']}: {exc.message}")
            result.failed["ReadAccount"] += 1
            return Plan(customer, None)
        if self.options.dry_run:
            return plan
        for problem in plan.problems:
            self.log.write(problem.level, problem.action_type, {"contactId": problem.contact_id},
                           "", problem.description)
        if plan.account_id is not None:
            self.refs.set_account(customer.customer_id, plan.account_id)
        present = {c.contact_id for c in customer.contacts}
        for contact_id, user_id in plan.matches.items():
            self.refs.set_contact(customer.customer_id, contact_id, user_id)
        failed_contacts: set[int] = set()
        for step in plan.steps:
            if step.contact_id is not None and step.contact_id in failed_contacts:
                continue
            if plan.account_id is None and step.action != "AddAccount":
                break  # the account could not be created
            try:
                self._apply(plan, step)
            except ServiceError as exc:
                result.failed[step.action] += 1
                self.log.error(step.action_type, step.body, f"{exc.method} {exc.url}",
                               f"{FAILURE[step.action_type]}: {exc.message}")
                if step.contact_id is not None:
                    failed_contacts.add(step.contact_id)
                if step.action == "AddAccount":
                    break
                continue
            result.done[step.action] += 1
            if step.action == "RemoveUser" and step.contact_id is not None \
                    and step.contact_id not in present:
                self.refs.forget_contact(customer.customer_id, step.contact_id)
        for user in plan.unmanaged:
            if not self.options.prune:
                self.log.info("Customer Contact", {"userId": user["userId"]}, "",
                              f"User {user.get('emailAddress')} matches no ERP contact of "
                              f"{customer.customer_id}; left alone (--prune removes it).")
        return plan

    def _apply(self, plan: Plan, step: Step) -> None:
        client, customer_id = self.client, plan.customer.customer_id
        account_id = plan.account_id
        if step.action == "AddAccount":
            account = client.add_account(step.body)
            plan.account_id = account["id"]
            self.refs.set_account(customer_id, account["id"])
        elif step.action == "UpdateAccount":
            client.update_account(account_id, step.body)
        elif step.action == "AddAttribute":
            client.add_attribute(account_id, step.body)
        elif step.action == "UpdateAttribute":
            client.update_attribute(account_id, step.fqn, step.body)
        elif step.action == "DeleteAttribute":
            client.delete_attribute(account_id, step.fqn)
        elif step.action == "AddUser":
            user = client.add_user(account_id, step.body)
            step.user_id = user["userId"]
            self.refs.set_contact(customer_id, step.contact_id, user["userId"])
        elif step.action == "UpdateUser":
            client.update_user(account_id, step.user_id, step.body)
        elif step.action == "RemoveUser":
            client.remove_user(account_id, step.user_id)
        elif step.action == "AddRole":
            client.add_role(account_id, step.user_id, step.role_id)
        elif step.action == "RemoveRole":
            client.remove_role(account_id, step.user_id, step.role_id)
        else:
            raise ValueError(f"unknown step {step.action}")
        self._log_success(step)

    def _log_success(self, step: Step) -> None:
        call = self.client.calls[-1]
        if step.action in ("AddRole", "RemoveRole"):
            verb = "granted" if step.action == "AddRole" else "revoked"
            description = f"Customer Contact role {ROLE_NAMES[step.role_id]} is {verb}."
        else:
            description = SUCCESS[step.action]
        self.log.info(step.action_type, step.body if step.body is not None else
                      {"userId": step.user_id, "fullyQualifiedName": step.fqn},
                      f"{call.method} {call.url}", description)


def describe(plan: Plan) -> list[str]:
    """The plan as lines a person reads (``--dry-run``)."""
    customer = plan.customer
    where = f"account {plan.account_id}" if plan.account_id else "new account"
    lines = [f"{customer.customer_id} {customer.name} ({where}): "
             f"{len(plan.steps) or 'no'} change{'s' if len(plan.steps) != 1 else ''}"]
    for step in plan.steps:
        target = step.fqn or (f"contact {step.contact_id}" if step.contact_id else step.user_id)
        role = f" {ROLE_NAMES[step.role_id]}" if step.role_id else ""
        lines.append(f"  {step.action}{role} {target or ''}: {step.reason}".replace("  :", ":"))
    for problem in plan.problems:
        lines.append(f"  {problem.level}: {problem.description}")
    for user in plan.unmanaged:
        lines.append(f"  unmanaged user {user.get('emailAddress')} ({user['userId']})")
    return lines


def log_token_renewals(log: SyncLog) -> Any:
    """Callback for the transport: one BearerToken row per ticket renewal."""
    def on_renew(url: str, refreshed: bool) -> None:
        log.info("BearerToken", "RefreshToken" if refreshed else "ClientCredentials", url,
                 "Token Generated successfully")
    return on_renew


def make_syncer(url: str, credentials: Credentials, log: SyncLog, refs: RefStore,
                tenant: int | None = None, site: int | None = None,
                options: SyncOptions | None = None) -> Syncer:
    """A syncer for the service at ``url`` (a host), logging ticket renewals in ``log``."""
    session = b2b_session(url, credentials, tenant, site, on_renew=log_token_renewals(log))
    return Syncer(B2BClient(session, url), refs, log, options)
