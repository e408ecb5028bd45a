"""What clients that never read their answers cost the server: its memory (RSS) with 100
connections that asked for ``GET /_mock/state`` (or a list of 200 accounts) and read nothing.

    .venv/bin/python bench/unread.py [--clients 100] [--accounts 20000] [--what state|list]

It writes a store of ``--accounts`` accounts (10 users each) straight into a snapshot file,
serves it, reads one export to learn its size, then opens the clients, waits, and reports the
server's RSS before, while they wait, and after they are gone, and how long a health check took
meanwhile.
"""

from __future__ import annotations

import argparse
import json
import socket
import sys
import tempfile
import time
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.run import rss_mb, ticket  # noqa: E402
from mock_server.testing.process import ServerProcess  # noqa: E402


def write_store(path: Path, accounts: int) -> None:
    """A snapshot of ``accounts`` accounts with 10 users each, in the store's file layout."""
    tables: dict[str, dict[str, dict]] = {"t1/accounts": {}}
    for n in range(accounts):
        account_id = 1001 + n
        tables["t1/accounts"][str(account_id)] = {
            "id": account_id, "companyOrOrganization": f"Company {n:06d}",
            "externalId": f"C{n:09d}", "taxId": f"{n:02d}-{n:07d}", "accountType": "B2B",
            "approvalStatus": "Approved", "salesReps": [], "attributes": [],
            "auditInfo": {"createBy": "bench", "createDate": "2026-01-01T00:00:00.000Z",
                          "updateBy": "bench", "updateDate": "2026-01-01T00:00:00.000Z"}}
        tables[f"t1/users/{account_id}"] = {
            str(j + 1): {"userId": f"{account_id:016x}{j:016x}", "firstName": f"First{j}",
                         "lastName": f"Last{n}", "emailAddress": f"user{j}@company{n}.example",
                         "userName": f"user{j}@company{n}.example", "isActive": True,
                         "isRemoved": False, "roles": [{"roleId": 2, "roleName": "Purchaser"}]}
            for j in range(10)}
    path.write_text(json.dumps(tables))


def unread_clients(port: int, count: int, request: bytes) -> list[socket.socket]:
    clients = []
    for _ in range(count):
        sock = socket.socket()
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)  # take (almost) nothing
        sock.connect(("127.0.0.1", port))
        sock.sendall(request)
        clients.append(sock)
    return clients


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--clients", type=int, default=100)
    parser.add_argument("--accounts", type=int, default=20_000)
    parser.add_argument("--what", choices=["state", "list"], default="state")
    parser.add_argument("--wait", type=float, default=10.0, help="seconds the clients wait")
    parser.add_argument("--extra", nargs="*", default=[], help="more arguments for serve")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        db = Path(tmp) / "store.json"
        write_store(db, args.accounts)
        with ServerProcess(db, extra_args=list(args.extra)) as server:
            token = ticket(server.url)
            if args.what == "state":
                path = "/_mock/state"
                headers = ""
            else:
                path = "/api/commerce/customer/b2baccounts?pageSize=200"
                headers = f"Authorization: Bearer {token}\r\n"
            size = len(requests.get(server.url + path, timeout=120,
                                    headers={"Authorization": f"Bearer {token}"}).content)
            pid = server.process.pid
            before = rss_mb(pid)
            request = (f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\n{headers}\r\n").encode()
            clients = unread_clients(server.port, args.clients, request)
            peak, health = before, []
            deadline = time.monotonic() + args.wait
            while time.monotonic() < deadline:
                started = time.perf_counter()
                try:
                    requests.get(server.url + "/_mock/health", timeout=30)
                    health.append(time.perf_counter() - started)
                except requests.RequestException:
                    health.append(float("inf"))
                peak = max(peak, rss_mb(pid))
                time.sleep(0.5)
            waiting = rss_mb(pid)
            for sock in clients:
                sock.close()
            time.sleep(2)
            after = rss_mb(pid)
    print(f"{args.clients} unread {args.what} answers of {size / 1e6:.1f} MB "
          f"({args.accounts} accounts): RSS {before:.0f} MB before, peak {peak:.0f} MB, "
          f"{waiting:.0f} MB after {args.wait:g} s, {after:.0f} MB after they closed; "
          f"health check meanwhile: median {sorted(health)[len(health) // 2] * 1000:.0f} ms, "
          f"worst {max(health) * 1000:.0f} ms")
    return 0


if __name__ == "__main__":
    sys.exit(main())
