"""``make bench``: b2b-mock's speed as ratios measured in one run on this machine.

For a store of 10 accounts and one of 10,000 accounts with 100,000 users it drives, with 16
concurrent connections, GetB2BAccount, GetB2BAccounts (filter and sort), GetUsers
(``isRemoved eq false``), AddUser, UpdateUser and AddUserRoleAsync (every other call its undo,
RemoveUserRoleAsync, so that each one writes), plus a no-op on the same server stack
(``/_mock/health``), and reports requests/s, p50/p99 latency and the server's memory.
It also times the sync (5 contacts a customer) with 0, 20 and 50 ms of latency injected by the
mock's own fault on every call, as a service tens of milliseconds away answers: records/s, calls,
the effective concurrency (calls x latency / elapsed) and the reads of an unchanged re-sync; and,
when npm is there, measures Prism's static mock of the same spec.
Ticket issue (CreateAuthTicket) is measured on both servers after the large store's has issued
50,000 tickets: their ratio says whether issuing a ticket slows with the tickets alive.

Both stores' servers (and Prism) run side by side and are measured in interleaved rounds (reads,
then writes), each operation reporting its median round, and each ratio the median of the ratios
of its rounds, so both sides of a ratio meet the same load from the machine's other tenants.
Load comes from ``wrk`` when it is installed (Lua scripts
vary ids and bodies), otherwise from a Python load generator with one keep-alive connection per
thread; the report says which.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import random
import secrets
import signal
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections import deque
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from http.client import HTTPConnection
from pathlib import Path
from typing import Any

import requests

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from mock_server.domain import accounts, users  # noqa: E402
from mock_server.domain.call import Call  # noqa: E402
from mock_server.domain.tenancy import Scope  # noqa: E402
from mock_server.testing.process import ServerProcess, free_port  # noqa: E402
from mock_server.service import b2b_catalog, open_store  # noqa: E402

BASE = "/api/commerce/customer/b2baccounts"
TICKET = "/api/platform/applications/authtickets/oauth"
CONNECTIONS = 16
USERS_PER_ACCOUNT = 10


# ---------------------------------------------------------------------- data
def build_store(path: Path, n_accounts: int) -> list[tuple[int, str]]:
    """A snapshot file of ``n_accounts`` accounts with 10 users each, made by the domain code.

    Returns (account id, user id) pairs to aim updates at.
    """
    store = open_store()
    call = Call(store, b2b_catalog(), Scope(1), "bench")
    pairs: list[tuple[int, str]] = []
    for i in range(n_accounts):
        account = accounts.add_account(call, {
            "companyOrOrganization": f"Company {i:05d}", "externalId": f"C{i:09d}",
            "isActive": i % 5 != 0, "taxId": f"{i:02d}-{i:07d}"})
        for j in range(USERS_PER_ACCOUNT):
            user, _ = users.add_user(call, account["id"], {"b2BUser": {
                "emailAddress": f"user{j}@company{i}.example.com", "firstName": f"First{j}",
                "lastName": f"Last{i}", "roles": [{"roleId": 1 if j == 0 else 2}]}})
            pairs.append((account["id"], user["userId"]))
    path.write_text(json.dumps(store.dump()))
    return pairs


def ticket(url: str) -> str:
    return requests.post(url + TICKET, json={"client_id": "b2b-mock-client",
                                             "client_secret": "b2b-mock-secret"},
                         timeout=10).json()["access_token"]


def rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


# ---------------------------------------------------------------------- load
@dataclass
class Op:
    name: str
    method: str
    paths: list[str]  # one is picked at random per request
    body: str | None = None  # "{n}" is replaced by a request counter
    # A method that undoes the call at the same path. Every other request then undoes a call
    # made at least LAG requests before (answered by then), and no path is called again before
    # it is undone, so that every call changes something: adding a role the user already has
    # would be a call that writes nothing.
    undo: str | None = None


LAG = 2 * CONNECTIONS
NOOP = "noop (/_mock/health)"
WRITES = ("AddUser", "UpdateUser", "AddUserRoleAsync (+ its undo)")
# Issuing a ticket with many live tickets: the large store's server is given this many before
# the rounds, and both servers issue as many as they can during them.
TICKET_OP = "CreateAuthTicket"
PRELOADED_TICKETS = 50_000
CREDENTIALS_BODY = json.dumps({"client_id": "b2b-mock-client",
                               "client_secret": "b2b-mock-secret",
                               "grant_type": "client_credentials"})


def operations(pairs: list[tuple[int, str]], n_accounts: int) -> list[Op]:
    rng = random.Random(7)
    sample = rng.sample(pairs, min(4000, len(pairs)))
    account_ids = [1001 + rng.randrange(n_accounts) for _ in range(2000)]
    # active companies whose name starts "Company 000": 8 of 10, or 80 of 10,000
    flt = "filter=isActive%20eq%20true%20and%20companyOrOrganization%20sw%20%27Company%20000%27"
    return [
        Op(NOOP, "GET", ["/_mock/health"]),
        Op("GetB2BAccount", "GET", [f"{BASE}/{a}" for a in account_ids]),
        Op("GetB2BAccounts filter+sort", "GET",
           [f"{BASE}?{flt}&sortBy=companyOrOrganization%20desc&pageSize=20"]),
        Op("GetUsers isRemoved eq false", "GET",
           [f"{BASE}/{a}/users?filter=isRemoved%20eq%20false" for a in account_ids]),
        Op("AddUser", "POST", [f"{BASE}/{a}/user" for a in account_ids],
           '{"b2BUser": {"emailAddress": "bench{n}@load.example.com", "firstName": "B"}}'),
        Op("UpdateUser", "PUT", [f"{BASE}/{a}/user/{u}" for a, u in sample],
           '{"firstName": "Renamed{n}"}'),
        Op("AddUserRoleAsync (+ its undo)", "POST",
           [f"{BASE}/{a}/user/{u}/roles/3" for a, u in sample], undo="DELETE"),
        Op(TICKET_OP, "POST", [TICKET], CREDENTIALS_BODY),
    ]


def preload_tickets(url: str, count: int) -> float:
    """Have the server issue ``count`` tickets (16 connections); the rate it issued them at."""
    host, port = url.split("//")[1].split(":")
    per_thread = -(-count // CONNECTIONS)

    def worker() -> None:
        connection = HTTPConnection(host, int(port), timeout=30)
        for _ in range(per_thread):
            connection.request("POST", TICKET, body=CREDENTIALS_BODY,
                               headers={"Content-Type": "application/json"})
            connection.getresponse().read()

    threads = [threading.Thread(target=worker) for _ in range(CONNECTIONS)]
    started = time.monotonic()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return per_thread * CONNECTIONS / (time.monotonic() - started)


def _wrk_script(op: Op, token: str, directory: Path) -> Path:
    paths = ",".join(json.dumps(p) for p in op.paths)
    body = json.dumps(op.body or "")
    script = directory / f"{op.name.split()[0]}.lua"
    run = secrets.token_hex(4)  # wrk's random numbers repeat from run to run; bodies must not
    script.write_text(f"""
local paths = {{{paths}}}
local body = {body}
local undo = {json.dumps(op.undo or "")}
local done_calls, busy = {{}}, {{}}
local first, last = 1, 0
local n = 0
local thread_id = 0
setup = function(thread) thread:set("tid", thread_id); thread_id = thread_id + 1 end
request = function()
  n = n + 1
  local headers = {{["Authorization"] = "Bearer {token}", ["Content-Type"] = "application/json"}}
  if undo ~= "" and n % 2 == 0 and last - first >= {LAG} then
    local path = done_calls[first]
    done_calls[first] = nil
    busy[path] = nil
    first = first + 1
    return wrk.format(undo, path, headers, nil)
  end
  local path = paths[math.random(#paths)]
  if undo ~= "" then
    while busy[path] do path = paths[math.random(#paths)] end
    busy[path] = true
    last = last + 1
    done_calls[last] = path
  end
  local b = nil
  if body ~= "" then b = string.gsub(body, "{{n}}", "{run}" .. tostring(tid) .. "x" .. tostring(n) .. "x" .. tostring(math.random(1000000000))) end
  return wrk.format("{op.method}", path, headers, b)
end
done = function(summary, latency, requests)
  io.write(string.format("RESULT %d %d %f %f %d\\n", summary.requests, summary.duration,
    latency:percentile(50), latency:percentile(99), summary.errors.status))
end
""")
    return script


def run_wrk(url: str, op: Op, token: str, seconds: int, directory: Path) -> dict[str, float]:
    script = _wrk_script(op, token, directory)
    out = subprocess.run(["wrk", "-t1", f"-c{CONNECTIONS}", f"-d{seconds}s", "--latency",
                          "-s", str(script), url], capture_output=True, text=True,
                         timeout=seconds + 60).stdout
    line = next(l for l in out.splitlines() if l.startswith("RESULT"))
    requests_done, duration_us, p50, p99, bad = line.split()[1:]
    return {"rps": int(requests_done) / (int(duration_us) / 1e6), "p50_ms": float(p50) / 1000,
            "p99_ms": float(p99) / 1000, "non_2xx": int(bad)}


def run_python(url: str, op: Op, token: str, seconds: int) -> dict[str, float]:
    host, port = url.split("//")[1].split(":")
    latencies: list[float] = []
    bad = [0]
    busy: set[str] = set()  # paths called and not yet undone (op.undo)
    lock = threading.Lock()
    deadline = time.monotonic() + seconds
    run = secrets.token_hex(4)  # bodies must differ from one run to the next

    def worker(tid: int) -> None:
        connection = HTTPConnection(host, int(port), timeout=30)
        rng, n, mine = random.Random(tid), 0, []
        made: deque[str] = deque()  # this thread's calls to undo (op.undo), oldest first
        headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}
        while time.monotonic() < deadline:
            n += 1
            if op.undo and n % 2 == 0 and made:
                method, path, body = op.undo, made.popleft(), None
            else:
                method, path = op.method, rng.choice(op.paths)
                body = op.body.replace("{n}", f"{run}{tid}x{n}") if op.body else None
                if op.undo:
                    with lock:
                        while path in busy:
                            path = rng.choice(op.paths)
                        busy.add(path)
                    made.append(path)
            started = time.perf_counter()
            connection.request(method, path, body=body, headers=headers)
            response = connection.getresponse()
            response.read()
            mine.append(time.perf_counter() - started)
            if response.status >= 400:
                with lock:
                    bad[0] += 1
            if method == op.undo:
                with lock:
                    busy.discard(path)
        with lock:
            latencies.extend(mine)

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(CONNECTIONS)]
    started = time.monotonic()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    elapsed = time.monotonic() - started
    latencies.sort()
    return {"rps": len(latencies) / elapsed, "p50_ms": statistics.median(latencies) * 1000,
            "p99_ms": latencies[int(len(latencies) * 0.99)] * 1000, "non_2xx": bad[0]}


def measure(url: str, ops: list[Op], token: str, seconds: int, use_wrk: bool,
            directory: Path) -> dict[str, dict[str, float]]:
    """One run of each operation, ``seconds`` long."""
    results = {}
    for op in ops:
        run = run_wrk if use_wrk else run_python
        args = (url, op, token, seconds, directory) if use_wrk else (url, op, token, seconds)
        results[op.name] = run(*args)
    return results


@dataclass
class Target:
    """A running server and what to drive against it."""

    label: str
    url: str
    token: str
    ops: list[Op]


def measure_rounds(targets: list[Target], seconds: int, rounds: int, use_wrk: bool,
                   directory: Path) -> dict[str, dict[str, dict[str, Any]]]:
    """Each operation on each server, ``rounds`` times in turn, ``seconds`` in all per operation.

    Interleaving puts every ratio's two sides side by side in time: on a shared machine the
    speed of a core drifts by a third within seconds (other tenants), so ratios are taken per
    round, between measurements made seconds apart, and their median is reported (``ratios``);
    short rounds keep the two sides close, and every other round runs in reverse order.
    The reads' rounds come first, then the writes': the thousands of users AddUser adds would
    otherwise make the small store's accounts (which answer with their users) bigger for the
    next round of reads. The no-op runs in both, as each round's yardstick. Each operation
    reports its median round (by requests/s), and every round's rate in ``rps_rounds``
    (``phase_rounds`` says which of them were reads' rounds, which writes').
    """
    runs: dict[str, dict[str, list[dict[str, float]]]] = {
        t.label: {op.name: [] for op in t.ops} for t in targets}
    phases: dict[str, dict[str, list[str]]] = {t.label: {op.name: [] for op in t.ops}
                                               for t in targets}
    slice_seconds = max(1, round(seconds / rounds))
    for writes in (False, True):
        for index in range(rounds):
            # Every other round runs backwards, servers and calls alike, so that the machine's
            # speed drifting during a round favours neither side of a ratio.
            backwards = index % 2 == 1
            for target in targets[::-1] if backwards else targets:
                ops = [op for op in target.ops
                       if (op.method != "GET") == writes or (op.name == NOOP and writes)]
                if backwards:
                    ops.reverse()
                measured = measure(target.url, ops, target.token, slice_seconds, use_wrk,
                                   directory)
                for name, result in measured.items():
                    runs[target.label][name].append(result)
                    phases[target.label][name].append("writes" if writes else "reads")
    results: dict[str, dict[str, dict[str, Any]]] = {}
    for target in targets:
        print(f"  {target.label}")
        results[target.label] = {}
        for name, samples in runs[target.label].items():
            ordered = sorted(samples, key=lambda r: r["rps"])
            chosen = dict(ordered[len(ordered) // 2])
            chosen["rps_rounds"] = [round(r["rps"]) for r in samples]
            chosen["phase_rounds"] = phases[target.label][name]
            chosen["non_2xx"] = sum(r["non_2xx"] for r in samples)
            results[target.label][name] = chosen
            print(f"    {name:<30} {chosen['rps']:8.0f} req/s  "
                  f"({ordered[0]['rps']:.0f}-{ordered[-1]['rps']:.0f})  "
                  f"p50 {chosen['p50_ms']:6.1f} ms  p99 {chosen['p99_ms']:6.1f} ms"
                  + (f"  ({chosen['non_2xx']} non-2xx)" if chosen["non_2xx"] else ""),
                  flush=True)
    return results


def _rounds(measured: dict[str, Any], phase: str) -> list[float]:
    return [rps for rps, p in zip(measured["rps_rounds"], measured["phase_rounds"])
            if p == phase]


def paired(a: dict[str, Any], b: dict[str, Any], phase: str = "reads") -> float:
    """The median over the rounds of ``phase`` of a's rate over b's in the same round."""
    return statistics.median(x / y for x, y in zip(_rounds(a, phase), _rounds(b, phase)))


# ---------------------------------------------------------------------- prism
@contextmanager
def prism() -> Iterator[str | None]:
    """Prism's static mock of the B2B spec (via npx) while the block runs; None without npm
    or when it does not start."""
    if shutil.which("npx") is None:
        yield None
        return
    port = free_port()
    # its own process group: npx starts Prism as a child, which must go when it goes
    process = subprocess.Popen(["npx", "--yes", "@stoplight/prism-cli@5", "mock", "-p",
                                str(port), "-h", "127.0.0.1",
                                str(ROOT / "openapi" / "b2baccounts.yaml")],
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                               start_new_session=True)
    try:
        for _ in range(600):
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                time.sleep(0.5)
        else:
            yield None
            return
        yield f"http://127.0.0.1:{port}"
    finally:
        for sig, wait in ((signal.SIGTERM, 10), (signal.SIGKILL, None)):
            try:
                os.killpg(process.pid, sig)
                process.wait(timeout=wait)
                break
            except ProcessLookupError:
                break
            except subprocess.TimeoutExpired:
                continue


def prism_operations() -> list[Op]:
    """GetB2BAccount as Prism serves it: the spec's paths without the server's base path."""
    get = next(op for op in operations([(1001, "0" * 32)], 10) if op.name == "GetB2BAccount")
    return [Op(get.name, get.method, [p.removeprefix("/api") for p in get.paths], get.body)]


# ---------------------------------------------------------------------- sync
SYNC_LATENCIES_MS = (0, 20, 50)


def sync_customers(customers: int, contacts: int) -> list[Any]:
    """ERP customers with ``contacts`` contacts each, the first of them primary."""
    from sync_client.erp import Contact, Customer

    return [Customer(f"C{i:09d}", f"Customer {i}", "Active", "LOCAL", None, (("TIER", "Gold"),),
                     tuple(Contact(i * 10 + j, "First", f"Last{j}", f"c{j}@cust{i}.example.com",
                                   primary=j == 0, enabled=True) for j in range(contacts)))
            for i in range(customers)]


def measure_sync(customers: int, contacts: int, latency_ms: int = 0, url: str | None = None,
                 tenant: int = 1, workers: int | None = None) -> dict[str, float]:
    """A first sync of ``customers`` and an unchanged re-sync into ``tenant`` of the server at
    ``url`` (one of its own when None), every B2B call of the tenant held ``latency_ms`` by
    the mock's latency fault, with ``workers`` workers (the sync's default when None).

    ``effective_concurrency`` is calls x latency / elapsed: how many calls were waiting on the
    network at once on average, the number the workers are there to raise.
    """
    from sync_client.log import SyncLog
    from sync_client.refs import RefStore
    from sync_client.sync import DEFAULT_WORKERS, SyncOptions, make_syncer
    from sync_client.transport import Credentials

    erp = sync_customers(customers, contacts)
    options = SyncOptions(workers=workers or DEFAULT_WORKERS)
    with ExitStack() as stack:
        tmp = Path(stack.enter_context(tempfile.TemporaryDirectory()))
        if url is None:  # durable, as `make serve` is
            url = stack.enter_context(ServerProcess(tmp / "sync.json")).url
        if latency_ms:
            requests.post(url + "/_mock/faults", timeout=10, json={
                "kind": "latency", "latencyMs": latency_ms, "percent": 100,
                "tenant": tenant}).raise_for_status()

        def run() -> Any:
            refs = RefStore(tmp / "state.json", f"{url}#{tenant}")
            try:
                return make_syncer(url, Credentials("b2b-mock-client", "b2b-mock-secret"),
                                   SyncLog(None), refs, tenant, options=options).run(erp)
            finally:
                refs.close()
        try:
            started = time.perf_counter()
            first = run()
            elapsed = time.perf_counter() - started
            started = time.perf_counter()
            again = run()
            resync = time.perf_counter() - started
        finally:
            if latency_ms:
                requests.delete(url + "/_mock/faults", timeout=10)
    calls = first.reads + first.writes
    return {"customers": customers, "contacts": customers * contacts, "latency_ms": latency_ms,
            "workers": options.workers, "first_sync_s": elapsed,
            "records_per_s": customers * (contacts + 1) / elapsed, "first_sync_calls": calls,
            "first_sync_writes": first.writes,
            "effective_concurrency": calls * latency_ms / 1000 / elapsed,
            "resync_s": resync, "resync_reads": again.reads, "resync_writes": again.writes}


def measure_syncs(customers: int, latency_customers: int,
                  contacts: int = 5) -> dict[str, dict[str, float]]:
    """The sync at each of ``SYNC_LATENCIES_MS`` against one server, each in a tenant of its
    own: ``customers`` without latency, ``latency_customers`` with it."""
    out: dict[str, dict[str, float]] = {}
    with tempfile.TemporaryDirectory() as tmp, \
            ServerProcess(Path(tmp) / "sync.json") as server:
        for n, latency in enumerate(SYNC_LATENCIES_MS):
            count = customers if latency == 0 else latency_customers
            print(f"  {count} customers x {contacts} contacts at {latency} ms...", flush=True)
            out[f"{latency} ms"] = measure_sync(count, contacts, latency, server.url,
                                                tenant=900 + n)
    return out


# ---------------------------------------------------------------------- report
def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--seconds", type=int, default=10, help="per operation and store")
    parser.add_argument("--rounds", type=int, default=10,
                        help="interleaved rounds the seconds are split into")
    parser.add_argument("--accounts", type=int, default=10_000, help="accounts of the large store")
    parser.add_argument("--sync-customers", type=int, default=1000,
                        help="customers of the sync without latency (and of its re-sync)")
    parser.add_argument("--sync-latency-customers", type=int, default=200,
                        help="customers of the syncs with 20 and 50 ms of latency")
    parser.add_argument("--no-prism", action="store_true")
    parser.add_argument("--out", default=str(ROOT / "bench" / "results.json"))
    args = parser.parse_args()
    use_wrk = shutil.which("wrk") is not None
    report: dict[str, Any] = {
        "machine": {"cpus": os.cpu_count(), "platform": platform.platform(),
                    "python": platform.python_version(), "processor": platform.machine()},
        "load_generator": "wrk" if use_wrk else "python threads (wrk not installed)",
        "connections": CONNECTIONS, "seconds_per_operation": args.seconds,
        "rounds": args.rounds, "stores": {},
    }
    print(f"load generator: {report['load_generator']}, {CONNECTIONS} connections, "
          f"{args.rounds} interleaved rounds")
    with tempfile.TemporaryDirectory(prefix="b2b-bench-") as tmp, ExitStack() as running:
        directory = Path(tmp)
        targets, servers = [], {}
        for n_accounts in (10, args.accounts):
            label = f"{n_accounts} accounts"
            print(f"{label} ({n_accounts * USERS_PER_ACCOUNT} users): building the store...",
                  flush=True)
            db = directory / f"{n_accounts}.json"
            pairs = build_store(db, n_accounts)
            server = running.enter_context(ServerProcess(db, extra_args=["--journal-size",
                                                                        "1000"]))
            servers[label] = server
            report["stores"][label] = {"accounts": n_accounts,
                                       "users": n_accounts * USERS_PER_ACCOUNT,
                                       "rss_mb_loaded": rss_mb(server.process.pid)}
            targets.append(Target(label, server.url, ticket(server.url),
                                  operations(pairs, n_accounts)))
        large_server = servers[f"{args.accounts} accounts"]
        print(f"issuing {PRELOADED_TICKETS:,} tickets on the large store's server...", flush=True)
        report["preloaded_tickets"] = {"count": PRELOADED_TICKETS, "per_second": preload_tickets(
            large_server.url, PRELOADED_TICKETS)}
        if not args.no_prism:
            print("starting Prism (static examples of the same spec, via npx)...", flush=True)
            prism_url = running.enter_context(prism())
            if prism_url is not None:
                targets.append(Target("Prism", prism_url, "prism", prism_operations()))
        print("measuring...", flush=True)
        measured = measure_rounds(targets, args.seconds, args.rounds, use_wrk, directory)
        for label, server in servers.items():
            store = report["stores"][label]
            store["operations"] = measured[label]
            store["rss_mb_after"] = rss_mb(server.process.pid)
            print(f"  server memory, {label}: {store['rss_mb_loaded']:.0f} MB loaded, "
                  f"{store['rss_mb_after']:.0f} MB after the load")
    report["prism"] = measured.get("Prism")
    print("\nthe sync, at 0, 20 and 50 ms of injected latency...", flush=True)
    report["sync"] = measure_syncs(args.sync_customers, args.sync_latency_customers)
    report["ratios"] = ratios(report)
    Path(args.out).write_text(json.dumps(report, indent=2) + "\n")
    print("\n" + table(report))
    print(f"\nwritten to {args.out}")
    return 0


def ratios(report: dict[str, Any]) -> dict[str, float]:
    """Each ratio as the median of its per-round ratios (see ``measure_rounds``); a write
    against GetB2BAccount goes through the no-op of each one's own round."""
    small, large = list(report["stores"].values())
    s, l = small["operations"], large["operations"]
    out = {"GetB2BAccount large/small": paired(l["GetB2BAccount"], s["GetB2BAccount"])}
    for name in s:
        if name not in (NOOP, TICKET_OP):
            phase = "writes" if name in WRITES else "reads"
            out[f"{name} / noop (large store)"] = paired(l[name], l[NOOP], phase)
    if TICKET_OP in s and TICKET_OP in l:
        out[f"{TICKET_OP} with {PRELOADED_TICKETS:,} more live tickets / without"] = \
            paired(l[TICKET_OP], s[TICKET_OP], "writes")
    for name in WRITES:
        out[f"{name} / GetB2BAccount (large store)"] = \
            paired(l[name], l[NOOP], "writes") / paired(l["GetB2BAccount"], l[NOOP])
    if report.get("prism"):
        out["GetB2BAccount / Prism"] = paired(s["GetB2BAccount"],
                                              report["prism"]["GetB2BAccount"])
    for label, sync in (report.get("sync") or {}).items():
        if sync["latency_ms"]:
            out[f"sync effective concurrency at {label} ({sync['workers']} workers)"] = \
                sync["effective_concurrency"]
    return out


def table(report: dict[str, Any]) -> str:
    small, large = list(report["stores"].values())
    lines = [f"| operation | {small['accounts']} accounts req/s (p50/p99 ms) | "
             f"{large['accounts']} accounts req/s (p50/p99 ms) |", "| --- | ---: | ---: |"]
    for name, s in small["operations"].items():
        l = large["operations"][name]
        lines.append(f"| {name} | {s['rps']:.0f} ({s['p50_ms']:.1f}/{s['p99_ms']:.1f}) | "
                     f"{l['rps']:.0f} ({l['p50_ms']:.1f}/{l['p99_ms']:.1f}) |")
    lines.append(f"| server memory (MB) | {small['rss_mb_after']:.0f} | {large['rss_mb_after']:.0f} |")
    lines += ["", "| ratio | value |", "| --- | ---: |"]
    lines += [f"| {k} | {v:.2f} |" for k, v in report["ratios"].items()]
    lines += ["", sync_table(report["sync"])]
    machine = report["machine"]
    lines.append(f"machine: {machine['cpus']} cores, {machine['processor']}, {machine['platform']}, "
                 f"Python {machine['python']}; load: {report['load_generator']}, "
                 f"{report['rounds']} interleaved rounds: rates their median, "
                 "ratios the median of each round's")
    return "\n".join(lines)


def sync_table(syncs: dict[str, dict[str, float]]) -> str:
    """The sync's rows: one per injected latency."""
    lines = ["| sync (5 contacts a customer) | customers | workers | records/s | calls | "
             "effective concurrency | s | re-sync reads | re-sync writes |",
             "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |"]
    for label, sync in syncs.items():
        lines.append(f"| at {label} | {sync['customers']} | {sync['workers']} | "
                     f"{sync['records_per_s']:.0f} | {sync['first_sync_calls']} | "
                     f"{sync['effective_concurrency']:.1f} | {sync['first_sync_s']:.1f} | "
                     f"{sync['resync_reads']} | {sync['resync_writes']} |")
    return "\n".join(lines)


if __name__ == "__main__":
    sys.exit(main())
