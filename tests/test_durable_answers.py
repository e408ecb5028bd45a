"""A write is answered only once its journal line is on disk (the front door holds the answer)."""

from __future__ import annotations

import asyncio
import json
from typing import Any

from mock_server.app import create_app
from mock_server.config import Settings
from tests.conftest import BASE, TICKETS, assert_error


async def _call(app: Any, method: str, path: str, body: bytes = b"",
                token: str | None = None, on_start: Any = None) -> tuple[int, bytes]:
    """One call through the ASGI app; ``on_start`` runs when the answer starts going out."""
    sent: list[dict[str, Any]] = []
    delivered = False

    async def receive() -> dict[str, Any]:
        nonlocal delivered
        if delivered:
            await asyncio.Event().wait()
        delivered = True
        return {"type": "http.request", "body": body, "more_body": False}

    async def send(message: dict[str, Any]) -> None:
        if message["type"] == "http.response.start" and on_start is not None:
            on_start()
        sent.append(message)

    headers = [(b"content-type", b"application/json"),
               (b"content-length", str(len(body)).encode())]
    if token:
        headers.append((b"authorization", f"Bearer {token}".encode()))
    await app({"type": "http", "asgi": {"version": "3.0"}, "http_version": "1.1",
               "method": method, "scheme": "http", "path": path, "raw_path": path.encode(),
               "root_path": "", "query_string": b"", "headers": headers,
               "client": ("127.0.0.1", 1), "server": ("127.0.0.1", 80)}, receive, send)
    return sent[0]["status"], b"".join(m.get("body", b"") for m in sent[1:])


def test_every_answered_write_is_in_the_fsynced_part_of_the_journal(tmp_path) -> None:
    app = create_app(Settings(db_path=tmp_path / "db.json"))
    store = app.state.store

    async def scenario() -> list[tuple[int, int]]:
        status, ticket = await _call(app, "POST", TICKETS, json.dumps({
            "client_id": "b2b-mock-client", "client_secret": "b2b-mock-secret"}).encode())
        assert status == 200
        token = json.loads(ticket)["access_token"]

        async def add(n: int) -> tuple[int, int]:
            synced_at_answer: list[int] = []
            status, body = await _call(
                app, "POST", BASE,
                json.dumps({"companyOrOrganization": f"Company {n}"}).encode(), token,
                on_start=lambda: synced_at_answer.append(store.log.synced))
            assert status == 200, body
            return json.loads(body)["id"], synced_at_answer[0]

        return await asyncio.gather(*(add(n) for n in range(24)))

    answered = asyncio.run(scenario())
    journal = store.journal_path.read_bytes()
    for account_id, synced in answered:
        on_disk = [json.loads(line) for line in journal[:synced].splitlines()]
        assert any(op[0] == "put" and op[1].endswith("/accounts") and op[2] == account_id
                   for ops in on_disk for op in ops), (account_id, synced)
    store.close()


def test_a_write_whose_fsync_fails_is_a_500_in_the_service_format(tmp_path,
                                                                   monkeypatch) -> None:
    app = create_app(Settings(db_path=tmp_path / "db.json"))
    with app.test_client() as client:
        token = client.post(TICKETS, json={"client_id": "b2b-mock-client",
                                           "client_secret": "b2b-mock-secret"}).json()
        headers = {"Authorization": f"Bearer {token['access_token']}"}
        assert client.get(BASE, headers=headers).status_code == 200

        def failing_fsync(fd: int) -> None:
            raise OSError(5, "Input/output error")

        monkeypatch.setattr("mock_server.store.wal.os.fsync", failing_fsync)
        response = client.post(BASE, headers=headers, json={"companyOrOrganization": "Acme"})
        assert_error(response, 500, "UNEXPECTED_ERROR", "durable")
        later = client.post(BASE, headers=headers, json={"companyOrOrganization": "Later"})
        assert later.status_code == 500
        listed = client.get(BASE, headers=headers).json()
        assert "Later" not in [a["companyOrOrganization"] for a in listed["items"]]
        journaled = client.get("/_mock/journal", params={"method": "POST"}).json()
        assert [e["status"] for e in journaled["items"] if e["path"] == BASE][-2:] == [500, 500]
    app.state.store.close()
