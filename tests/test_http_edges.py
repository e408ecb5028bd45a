"""The edges of the HTTP server, over real sockets: what it answers itself is in the service's
format, bodies over the limit are refused before they are sent, slow and idle connections are
closed, and clients that never read their answers do not make the server hold them whole.

One server for the module, with short timeouts and small limits.
"""

from __future__ import annotations

import json
import socket
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import requests

from mock_server.testing.process import ServerProcess

pytestmark = pytest.mark.slow

MAX_BODY = 1024 * 1024
REQUEST_TIMEOUT = 2
GUARD = 30  # seconds a socket waits before a test gives up on the server


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ServerProcess]:
    db = tmp_path_factory.mktemp("edges") / "store.json"
    db.write_text(json.dumps(big_store(3000)))
    with ServerProcess(db, extra_args=[
            "--max-body", "1M", "--idle-timeout", "1", "--request-timeout", str(REQUEST_TIMEOUT),
            "--max-connections", "150"]) as running:
        yield running


def big_store(accounts: int) -> dict[str, Any]:
    """A snapshot of ``accounts`` accounts of about 1 KB each."""
    return {"t1/accounts": {str(1001 + n): {
        "id": 1001 + n, "companyOrOrganization": f"Company {n:06d}", "externalId": f"C{n:09d}",
        "accountType": "B2B", "approvalStatus": "Approved", "notes": "n" * 900}
        for n in range(accounts)}}


def connect(server: ServerProcess, receive_buffer: int | None = None) -> socket.socket:
    sock = socket.socket()
    if receive_buffer is not None:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, receive_buffer)
    sock.settimeout(GUARD)
    sock.connect(("127.0.0.1", server.port))
    return sock


def answer(sock: socket.socket) -> bytes:
    """Everything the server sends until it closes the connection."""
    data = b""
    try:
        while chunk := sock.recv(65536):
            data += chunk
    except ConnectionResetError:
        pass
    sock.close()
    return data


def exchange(server: ServerProcess, raw: bytes) -> tuple[int, dict[str, Any], bytes]:
    """Send raw bytes; the status, the service's error body and the head of the answer."""
    sock = connect(server)
    sock.sendall(raw)
    data = answer(sock)
    head, _, body = data.partition(b"\r\n\r\n")
    status = int(head.split(b" ", 2)[1])
    return status, json.loads(body), head


def assert_service_error(status_body: tuple[int, dict[str, Any], bytes], status: int,
                         code: str) -> dict[str, Any]:
    got, body, head = status_body
    assert got == status, (got, body)
    assert b"content-type: application/json" in head.lower()
    assert body["errorCode"] == code and body["applicationName"] == "Customer"
    assert set(body["exceptionDetail"]) == {"message", "source", "stackTrace", "targetSite",
                                            "type"}
    assert body["items"][0]["errorCode"] == code
    return body


def test_what_the_http_server_refuses_is_answered_in_the_service_format(server) -> None:
    get = b"GET /_mock/health HTTP/1.1\r\nHost: 127.0.0.1\r\n"
    body = assert_service_error(exchange(server, b"GET /" + b"a" * 70_000 +
                                         b" HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n"),
                                414, "URI_TOO_LONG")
    assert "64 KiB" in body["message"]
    assert_service_error(exchange(server, get + b"X-Big: " + b"b" * 70_000 + b"\r\n\r\n"),
                         431, "REQUEST_HEADER_FIELDS_TOO_LARGE")
    body = assert_service_error(exchange(server, b"POST /_mock/reset HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                                                 b"Content-Length: -1\r\n\r\n"),
                                400, "MISSING_OR_INVALID_PARAMETER")
    assert "Content-Length" in body["message"]
    assert_service_error(exchange(server, b"GET /caf\xe9 HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n"),
                         400, "MISSING_OR_INVALID_PARAMETER")
    assert_service_error(exchange(server, b"BREW /_mock/health HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n"),
                         405, "METHOD_NOT_ALLOWED")
    assert_service_error(exchange(server, b"\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03"),
                         405, "METHOD_NOT_ALLOWED")  # TLS to a plain-HTTP port
    # a method the parser knows and the service does not serve: the app's own 405
    status, body, head = exchange(server, b"PROPFIND /_mock/health HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                                          b"Connection: close\r\n\r\n")
    assert (status, body["errorCode"]) == (405, "METHOD_NOT_ALLOWED")
    # a header value of raw non-ASCII bytes is read as Latin-1, as HTTP allows
    assert requests.get(server.url + "/_mock/health", timeout=GUARD,
                        headers={"X-Note": "caf\xe9".encode("latin-1")}).status_code == 200


def test_a_body_over_the_limit_is_refused_before_it_is_sent(server) -> None:
    sock = connect(server)
    sock.sendall(b"POST /api/commerce/customer/b2baccounts HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                 b"Content-Type: application/json\r\nContent-Length: 104857600\r\n\r\n")
    data = answer(sock)  # not one byte of the 100 MB sent
    head, _, body = data.partition(b"\r\n\r\n")
    assert head.startswith(b"HTTP/1.1 413"), head
    assert b"connection: close" in head.lower()
    assert json.loads(body)["errorCode"] == "CONTENT_TOO_LARGE"
    assert "1 MiB" in json.loads(body)["message"]


def test_a_chunked_body_is_cut_off_at_the_limit(server) -> None:
    sock = connect(server)
    sock.sendall(b"POST /_mock/faults HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json"
                 b"\r\nTransfer-Encoding: chunked\r\n\r\n")
    piece = b"x" * 65536
    try:
        for _ in range(32):  # 2 MiB, twice the limit
            sock.sendall(b"%x\r\n" % len(piece) + piece + b"\r\n")
    except (BrokenPipeError, ConnectionResetError):
        pass  # the server answered and closed before all of it went
    data = answer(sock)
    assert data.startswith(b"HTTP/1.1 413"), data[:200]


def test_idle_half_sent_and_trickling_connections_are_closed(server) -> None:
    idle = connect(server)
    assert answer(idle) == b""  # closed by the server, nothing sent
    half_body = connect(server)
    half_body.sendall(b"POST /_mock/seed HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json"
                      b"\r\nContent-Length: 100\r\n\r\n{\"acc")
    assert answer(half_body).startswith(b"HTTP/1.1 408")
    trickle = connect(server)
    sent = b""
    try:
        for byte in b"GET /_mock/health HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: " + b"s" * 200:
            trickle.send(bytes([byte]))
            sent += bytes([byte])
            time.sleep(0.2)
    except (BrokenPipeError, ConnectionResetError):
        pass
    data = answer(trickle)
    assert data.startswith(b"HTTP/1.1 408"), data[:100]
    assert len(sent) < 200  # cut off before it was done trickling
    body = json.loads(data.partition(b"\r\n\r\n")[2])
    assert body["errorCode"] == "REQUEST_TIMEOUT"


def rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    raise AssertionError("no VmRSS")


def test_clients_that_never_read_do_not_make_the_server_hold_their_answers(server) -> None:
    export = requests.get(server.url + "/_mock/state", timeout=GUARD).content
    assert len(export) > 2_500_000
    pid = server.process.pid
    before = rss_mb(pid)
    clients = []
    for _ in range(100):
        sock = connect(server, receive_buffer=4096)
        sock.sendall(b"GET /_mock/state HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
        clients.append(sock)
    time.sleep(1)
    # others are served meanwhile
    assert requests.get(server.url + "/_mock/health", timeout=GUARD).status_code == 200
    grown = rss_mb(pid) - before
    # Held whole, 100 answers of 3 MB would be 300 MB and more; streamed, each connection
    # holds about its buffer's worth.
    assert grown < 120, f"RSS grew by {grown:.0f} MB"
    # an answer nobody reads ends its connection, and what it held with it
    received = [answer(sock) for sock in clients]
    assert all(len(data) < len(export) for data in received)


def test_connections_past_the_limit_are_answered_503(server) -> None:
    held = [connect(server) for _ in range(150)]
    try:
        status, body, head = exchange(server, b"GET /_mock/health HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
        assert (status, body["errorCode"]) == (503, "SERVICE_UNAVAILABLE")
        assert b"retry-after: 1" in head.lower()
    finally:
        for sock in held:
            sock.close()
    time.sleep(0.5)
    assert requests.get(server.url + "/_mock/health", timeout=GUARD).status_code == 200
