"""Running a sync: read the B2B side, plan, apply the plan, log every step, write the commerce
reference id back to the ERP.

A record the service rejects is logged as an ERROR and the run carries on with the next one; a
service that cannot be reached at all ends the run (``transport.Unreachable``). A run asked to
stop (Ctrl-C, SIGTERM) stops after the customer in flight.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from .b2b import B2BClient, ServiceError
from .erp import Customer, CustomerSource
from .erp_api import ErpError
from .log import SyncLog
from .planner import Plan, plan_customer
from .roles import PURCHASER
from .steps import AddAccount, Applying, RemoveUser, Step
from .refs import RefStore
from .transport import Credentials, b2b_session, retry_policy

FAILURE = {"Customer Sync": "Customer(s) sync failed", "Customer Attribute":
           "Customer Attribute sync failed", "Customer Contact": "Customer Contact sync failed",
           "Customer Location": "Customer Location sync failed"}


@dataclass
class SyncOptions:
    default_role: int = PURCHASER
    prune: bool = False
    dry_run: bool = False
    sales_rep: str | None = None  # assigned to new accounts, so that they can be approved
    approve: bool = True  # approve the accounts of active customers (with a sales rep)


@dataclass
class RunResult:
    plans: list[Plan] = field(default_factory=list)
    done: Counter = field(default_factory=Counter)
    failed: Counter = field(default_factory=Counter)
    reads: int = 0
    writes: int = 0
    erp_writes: int = 0
    stopped: bool = False  # asked to stop before every customer was synced

    @property
    def errors(self) -> int:
        return sum(self.failed.values()) + sum(
            1 for p in self.plans for problem in p.problems if problem.level == "ERROR")

    def summary(self) -> str:
        done = ", ".join(f"{n} {action}" for action, n in sorted(self.done.items())) or "no changes"
        unmanaged = sum(len(p.unmanaged) for p in self.plans)
        text = (f"{len(self.plans)} customers: {done}; {self.errors} errors; "
                f"{self.reads} reads, {self.writes} writes")
        if self.erp_writes:
            text += f"; {self.erp_writes} reference ids written to the ERP"
        if self.stopped:
            text += "; stopped before the rest (they sync on the next run)"
        if unmanaged:
            text += f"; {unmanaged} users match no ERP contact"
        return text


class Syncer:
    """Syncs customers into one B2B target through ``client``."""

    def __init__(self, client: B2BClient, refs: RefStore, log: SyncLog,
                 options: SyncOptions | None = None, source: CustomerSource | None = None,
                 stop: Callable[[], bool] | None = None) -> None:
        self.client = client
        self.refs = refs
        self.log = log
        self.options = options or SyncOptions()
        self.source = source
        self.stop = stop or (lambda: False)

    def run_source(self, source: CustomerSource, full: bool = False,
                   progress: bool = False) -> RunResult:
        """Sync what ``source`` has changed since the last successful run (all of it the first
        time, or with ``full``); the run is successful, and moves the mark on, when it synced
        every customer read and the service refused none of its writes."""
        self.source = source
        since = None if full else self.refs.last_read(source.name)
        customers = source.customers(since)
        result = self.run(customers, progress=progress)
        if not (result.stopped or self.options.dry_run or any(result.failed.values())):
            self.refs.set_last_read(source.name, source.read_clock())
            self.refs.flush(force=True)
        return result

    def run(self, customers: Iterable[Customer], progress: bool = False) -> RunResult:
        result = RunResult()
        start = len(self.client.calls)
        items: Iterable[Customer] = list(customers)
        if progress:
            from tqdm import tqdm

            items = tqdm(items, desc="customers", unit="customer")
        for customer in items:
            if self.stop():
                result.stopped = True
                break
            result.plans.append(self.sync_customer(customer, result))
            self.refs.flush()
        calls = self.client.calls[start:]
        result.writes = sum(1 for c in calls if c.is_write)
        result.reads = len(calls) - result.writes
        return result

    def find_account(self, customer: Customer) -> dict[str, Any] | None:
        """The customer's account: the one its commerce reference id names, else the one whose
        externalId is the customer id."""
        reference = customer.reference_id
        if reference is not None and reference.isdigit():
            account = self.client.get_account(int(reference))
            if account is not None:
                return account
        return self.client.find_account(customer.customer_id)

    def read_plan(self, customer: Customer) -> Plan:
        """Read the customer's B2B state and plan; makes no write."""
        account = self.find_account(customer)
        users = self.client.users(account["id"]) if account else []
        refs = self.refs.contact_users(customer.customer_id)
        location_refs = self.refs.location_contacts(customer.customer_id)
        contacts = self.client.contacts(account["id"]) \
            if account and (customer.locations or location_refs) else []
        return plan_customer(customer, account, users, refs,
                             default_role=self.options.default_role, prune=self.options.prune,
                             sales_rep=self.options.sales_rep, approve=self.options.approve,
                             account_contacts=contacts, location_refs=location_refs)

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
        for location_id, contact_ref in plan.located.items():
            self.refs.set_location(customer.customer_id, location_id, contact_ref)
        failed_contacts: set[int] = set()
        applying = Applying(customer.customer_id, plan.account_id, self.client, self.refs)
        for step in plan.steps:
            if step.contact_id is not None and step.contact_id in failed_contacts:
                continue
            if applying.account_id is None and not isinstance(step, AddAccount):
                break  # the account could not be created
            try:
                step.apply(applying)
            except ServiceError as exc:
                result.failed[step.action] += 1
                self.log.error(step.action_type, step.payload(), f"{exc.method} {exc.url}",
                               f"{FAILURE[step.action_type]}: {exc.message}")
                if step.contact_id is not None:
                    failed_contacts.add(step.contact_id)
                if isinstance(step, AddAccount):
                    break
                continue
            plan.account_id = applying.account_id
            self._log_success(step)
            result.done[step.action] += 1
            if isinstance(step, RemoveUser) and step.contact_id is not None \
                    and step.contact_id not in present:
                self.refs.forget_contact(customer.customer_id, step.contact_id)
        for user in plan.unmanaged:
            if not self.options.prune:
                self.log.info("Customer Contact", {"userId": user["userId"]}, "",
                              f"User {user.get('emailAddress')} matches no ERP contact of "
                              f"{customer.customer_id}; left alone (--prune removes it).")
        self._write_reference(customer, plan, result)
        return plan

    def _write_reference(self, customer: Customer, plan: Plan, result: RunResult) -> None:
        """Put the account id on the ERP customer as its commerce reference id (once)."""
        if self.source is None or plan.account_id is None or \
                customer.reference_id == str(plan.account_id):
            return
        payload = {"customerId": customer.customer_id, "commerceReferenceId": plan.account_id}
        try:
            written = self.source.write_reference(customer.customer_id, plan.account_id)
        except ErpError as exc:
            result.failed["WriteReference"] += 1
            self.log.error("Customer Sync", payload, f"{exc.method} {exc.url}",
                           f"Commerce reference ID could not be written to the ERP: "
                           f"{exc.message}")
            return
        if written:
            result.erp_writes += 1
            self.log.info("Customer Sync", payload, f"PUT {self.source.name.split('#')[0]}",
                          "Commerce reference ID is updated in the ERP.")

    def _log_success(self, step: Step) -> None:
        call = self.client.calls[-1]
        self.log.info(step.action_type, step.payload(), f"{call.method} {call.url}",
                      step.success)


def describe(plan: Plan) -> list[str]:
    """The plan as lines a person reads (``--dry-run``)."""
    customer = plan.customer
    where = f"account {plan.account_id}" if plan.account_id else "new account"
    lines = [f"{customer.customer_id} {customer.name} ({where}): "
             f"{len(plan.steps) or 'no'} change{'s' if len(plan.steps) != 1 else ''}"]
    for step in plan.steps:
        lines.append(f"  {step.action} {step.target()}: {step.reason}".replace(" :", ":"))
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
                options: SyncOptions | None = None,
                stop: Callable[[], bool] | None = None, retry_for: float | None = None) -> Syncer:
    """A syncer for the service at ``url`` (a host), logging ticket renewals in ``log``;
    ``retry_for``: seconds to keep retrying a call (the transport's default when None)."""
    retry = retry_policy(deadline=retry_for) if retry_for is not None else None
    session = b2b_session(url, credentials, tenant, site, retry=retry,
                          on_renew=log_token_renewals(log))
    return Syncer(B2BClient(session, url), refs, log, options, stop=stop)
