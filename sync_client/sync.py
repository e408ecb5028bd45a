"""Running a sync: read the B2B side, plan, apply the plan, log every step, write the commerce
reference id back to the ERP.

A record the service rejects is logged as an ERROR and the run carries on with the next one; a
service that cannot be reached at all ends the run (``transport.Unreachable``). A run asked to
stop (Ctrl-C, SIGTERM) stops after the customers in flight.

Customers are synced by a pool of worker threads, one customer per task, so that a customer's
steps keep their planned order (the account before its users, role grants before revocations)
while the calls of several customers overlap: against a service tens of milliseconds away, one
call at a time leaves the sync waiting on the network nearly all the time. The B2B side is read
in batches, by the runner, ahead of the workers: one list call finds some 50 customers' accounts
with the users and contacts each carries (see ``read_plan`` for when the sync reads more).
"""

from __future__ import annotations

import threading
from collections import Counter
from collections.abc import Callable, Iterable
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from dataclasses import dataclass, field
from typing import Any

from .b2b import B2BClient, ServiceError, lookup_batches
from .erp import Customer, CustomerSource
from .erp_api import ErpError
from .log import SyncLog
from .planner import Plan, plan_customer
from .roles import PURCHASER
from .steps import (AddAccount, AddLocation, AddRole, AddUser, Applying, RemoveLocation,
                    RemoveRole, RemoveUser, Step, UpdateLocation, UpdateUser)
from .refs import RefStore
from .transport import Credentials, RateGate, b2b_session, retry_policy

DEFAULT_WORKERS = 12
USER_STEPS = (AddUser, UpdateUser, AddRole, RemoveRole, RemoveUser)
LOCATION_STEPS = (AddLocation, UpdateLocation, RemoveLocation)

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
    workers: int = DEFAULT_WORKERS  # customers synced at the same time


@dataclass
class RunResult:
    plans: list[Plan] = field(default_factory=list)
    done: Counter = field(default_factory=Counter)
    failed: Counter = field(default_factory=Counter)
    reads: int = 0
    writes: int = 0
    erp_writes: int = 0
    stopped: bool = False  # asked to stop before every customer was synced

    def add(self, other: RunResult) -> None:
        """Count a part of the run (one customer's) in this one."""
        self.done.update(other.done)
        self.failed.update(other.failed)
        self.erp_writes += other.erp_writes

    @property
    def errors(self) -> int:
        return sum(self.failed.values()) + sum(
            1 for p in self.plans for problem in p.problems if problem.level == "ERROR")

    def summary(self) -> str:
        done = ", ".join(f"{n} {action}" for action, n in sorted(self.done.items())) or "no changes"
        unmanaged = sum(len(p.unmanaged) for p in self.plans)
        text = (f"{_count(len(self.plans), 'customer')}: {done}; "
                f"{_count(self.errors, 'error')}; {_count(self.reads, 'read')}, "
                f"{_count(self.writes, 'write')}")
        if self.erp_writes:
            text += f"; {_count(self.erp_writes, 'reference id')} written to the ERP"
        if self.stopped:
            text += "; stopped before the rest (they sync on the next run)"
        if unmanaged:
            text += (f"; {_count(unmanaged, 'user')} match{'es' if unmanaged == 1 else ''} no "
                     "ERP contact")
        return text


@dataclass
class Found:
    """What a batched read found of a customer's B2B side: its account (None: it has none)."""

    account: dict[str, Any] | None


class Syncer:
    """Syncs customers into one B2B target through ``client``."""

    def __init__(self, client: B2BClient, refs: RefStore, log: SyncLog,
                 options: SyncOptions | None = None,
                 stop: Callable[[], bool] | None = None) -> None:
        self.client = client
        self.refs = refs
        self.log = log
        self.options = options or SyncOptions()
        self.source: CustomerSource | None = None  # the one run_source reads, written back to
        self.stop = stop or (lambda: False)
        self._source_lock = threading.Lock()  # an ERP source is one session: one call at a time
        self._abort = threading.Event()  # the run ends at once (the service is unreachable)

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
        """Sync ``customers`` with ``options.workers`` workers; the plans come back in the
        order of ``customers``."""
        result = RunResult()
        start = len(self.client.calls)
        items = list(customers)
        bar: Any = None
        if progress:
            from tqdm import tqdm

            bar = tqdm(total=len(items), desc="customers", unit="customer")
        workers = max(1, self.options.workers)
        plans: dict[int, Plan] = {}
        self._abort.clear()
        pool = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="b2b-sync")
        pending: set[Future[list[tuple[int, Plan | None, RunResult]]]] = set()

        def collect(block: bool, keep: int) -> None:
            """Take in finished tasks; with ``block``, until at most ``keep`` are pending."""
            nonlocal pending
            while pending and (not block or len(pending) > keep):
                done, pending = wait(pending, timeout=None if block else 0,
                                     return_when=FIRST_COMPLETED)
                for future in done:
                    for index, plan, part in future.result():
                        if plan is None:
                            result.stopped = True
                            continue
                        plans[index] = plan
                        result.add(part)
                        if bar is not None:
                            bar.update(1)
                if not block:
                    return

        try:
            for batch in self._batches(items):
                collect(block=True, keep=2 * workers)  # the workers stay busy while it reads
                if self.stop():
                    result.stopped = True
                    break
                found = self._read_batch([items[i] for group in batch for i in group])
                for group in batch:
                    pending.add(pool.submit(self._sync_group, items, group, found))
            collect(block=True, keep=0)
        except BaseException:
            self._abort.set()
            pool.shutdown(wait=False, cancel_futures=True)
            raise
        finally:
            if bar is not None:
                bar.close()
        pool.shutdown(wait=True)
        self.refs.flush()
        result.plans = [plans[i] for i in sorted(plans)]
        calls = self.client.calls_since(start)
        result.writes = sum(1 for c in calls if c.is_write)
        result.reads = len(calls) - result.writes
        return result

    def _batches(self, items: list[Customer]) -> list[list[list[int]]]:
        """The customers' indexes grouped by customer (one id met twice is one group, synced in
        order by one worker), the groups cut into batches a single list call can look up."""
        groups: dict[str, list[int]] = {}
        for index, customer in enumerate(items):
            groups.setdefault(customer.customer_id.casefold(), []).append(index)
        keyed = list(groups.values())
        batches, taken = [], 0
        for batch in lookup_batches([(items[g[0]].customer_id, _reference(items[g[0]]))
                                     for g in keyed]):
            batches.append(keyed[taken:taken + len(batch)])
            taken += len(batch)
        return batches

    def _read_batch(self, customers: list[Customer]) -> dict[str, Found]:
        """The accounts of ``customers`` from one list call (a few for long batches), by
        customer id; empty when the read fails (each customer is then read on its own, and
        its failure logged there)."""
        try:
            accounts = self.client.find_accounts(
                [c.customer_id for c in customers],
                [r for r in (_reference(c) for c in customers) if r is not None])
        except ServiceError:
            return {}
        by_id = {a["id"]: a for a in accounts}
        by_external = {str(a.get("externalId") or "").casefold(): a for a in accounts}
        found: dict[str, Found] = {}
        for customer in customers:
            reference = _reference(customer)
            account = by_id.get(reference) if reference is not None else None
            found[customer.customer_id] = Found(
                account or by_external.get(customer.customer_id.casefold()))
        return found

    def _sync_group(self, items: list[Customer], group: list[int],
                    found: dict[str, Found]) -> list[tuple[int, Plan | None, RunResult]]:
        """One worker's task: one customer (or the same one met again: read afresh)."""
        out: list[tuple[int, Plan | None, RunResult]] = []
        for n, index in enumerate(group):
            if self._abort.is_set() or self.stop():
                out.append((index, None, RunResult()))
                continue
            part = RunResult()
            customer = items[index]
            known = found.get(customer.customer_id) if n == 0 else None
            out.append((index, self.sync_customer(customer, part, known), part))
            self.refs.flush()
        return out

    def find_account(self, customer: Customer) -> dict[str, Any] | None:
        """The customer's account: the one its commerce reference id names, else the one whose
        externalId is the customer id."""
        reference = _reference(customer)
        if reference is not None:
            account = self.client.get_account(reference)
            if account is not None:
                return account
        return self.client.find_account(customer.customer_id)

    def read_plan(self, customer: Customer, found: Found | None = None) -> Plan:
        """Read the customer's B2B state and plan; makes no write.

        ``found`` is what a batched read found. The users and contacts its account carries are
        used when they are all there (the list is present, and holds every user and address
        the references name); a plan made from them that writes users or addresses is made
        again from the account's own user and contact lists first, since the published model
        does not say that a listed account carries every one of them. An unchanged customer
        costs no read of its own.
        """
        account = found.account if found is not None else self.find_account(customer)
        refs = self.refs.contact_users(customer.customer_id)
        location_refs = self.refs.location_contacts(customer.customer_id)
        wants_contacts = bool(customer.locations or location_refs)
        if account is None:
            return self._plan(customer, None, [], [], refs, location_refs)
        account_id = account["id"]
        users = _carried(account, "users", "userId", refs.values()) if found else None
        users_read = users is None
        if users is None:
            users = self.client.users(account_id)
        contacts: list[dict[str, Any]] = []
        contacts_read = False
        if wants_contacts:
            carried = _carried(account, "contacts", "id", location_refs.values()) \
                if found else None
            contacts_read = carried is None
            contacts = self.client.contacts(account_id) if carried is None else carried
        plan = self._plan(customer, account, users, contacts, refs, location_refs)
        recheck_users = not users_read and any(isinstance(s, USER_STEPS) for s in plan.steps)
        recheck_contacts = wants_contacts and not contacts_read and any(
            isinstance(s, LOCATION_STEPS) for s in plan.steps)
        if not (recheck_users or recheck_contacts):
            return plan
        if recheck_users:
            users = self.client.users(account_id)
        if recheck_contacts:
            contacts = self.client.contacts(account_id)
        return self._plan(customer, account, users, contacts, refs, location_refs)

    def _plan(self, customer: Customer, account: dict[str, Any] | None,
              users: list[dict[str, Any]], contacts: list[dict[str, Any]], refs: dict[int, str],
              location_refs: dict[str, int]) -> Plan:
        return plan_customer(customer, account, users, refs,
                             default_role=self.options.default_role, prune=self.options.prune,
                             sales_rep=self.options.sales_rep, approve=self.options.approve,
                             account_contacts=contacts, location_refs=location_refs)

    def sync_customer(self, customer: Customer, result: RunResult,
                      found: Found | None = None) -> Plan:
        try:
            plan = self.read_plan(customer, found)
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
            with self._source_lock:
                written = self.source.write_reference(customer.customer_id, plan.account_id)
        except ErpError as exc:
            result.failed["WriteReference"] += 1
            self.log.error("Customer Sync", payload, f"{exc.method} {exc.url}",
                           f"Commerce reference ID could not be written to the ERP: "
                           f"{exc.message}")
            return
        if written:
            result.erp_writes += 1
            self.log.info("Customer Sync", payload, written,
                          "Commerce reference ID is updated in the ERP.")

    def _log_success(self, step: Step) -> None:
        call = self.client.last_call
        self.log.info(step.action_type, step.payload(), f"{call.method} {call.url}",
                      step.success)


def _reference(customer: Customer) -> int | None:
    """The account id the ERP holds as the customer's commerce reference id, if any."""
    reference = customer.reference_id
    return int(reference) if reference is not None and reference.isdigit() else None


def _carried(account: dict[str, Any], key: str, id_key: str,
             referenced: Iterable[Any]) -> list[dict[str, Any]] | None:
    """The users (or contacts) a listed account carries, when they are all there: None when
    the account carries none, or misses one the references name."""
    carried = account.get(key)
    if not isinstance(carried, list):
        return None
    held = {item.get(id_key) for item in carried}
    return carried if all(ref in held for ref in referenced) else None


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
                stop: Callable[[], bool] | None = None, retry_for: float | None = None,
                max_rate: float | None = None) -> Syncer:
    """A syncer for the service at ``url`` (a host), logging ticket renewals in ``log``;
    ``retry_for``: seconds to keep retrying a call (the transport's default when None);
    ``max_rate``: calls per second its workers together never pass."""
    gate = RateGate(max_rate)
    retry = retry_policy(deadline=retry_for, gate=gate)
    session = b2b_session(url, credentials, tenant, site, retry=retry,
                          on_renew=log_token_renewals(log), gate=gate)
    return Syncer(B2BClient(session, url), refs, log, options, stop=stop)


def _count(n: int, noun: str) -> str:
    """``1 error``, ``2 errors``: the summary reads as a sentence."""
    return f"{n} {noun}{'' if n == 1 else 's'}"
