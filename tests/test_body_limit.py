"""A request body over the limit is a 413 in the service's format, refused before it is read.

(Over a real socket, that the body is not read at all: ``test_http_edges``.)
"""

from __future__ import annotations

import json
from collections.abc import Iterator

import pytest

from conftest import BASE, Api, assert_error
from mock_server.config import Settings
from mock_server.http.body_limit import parse_size, size_text

LIMIT = 4096


def chunks(data: bytes, size: int = 1000) -> Iterator[bytes]:
    """A body sent in pieces, without a Content-Length (Transfer-Encoding: chunked)."""
    for start in range(0, len(data), size):
        yield data[start:start + size]


def account(size: int, external_id: str = "BIG") -> bytes:
    """An account's JSON, ``size`` bytes long (padded with white space)."""
    text = json.dumps({"companyOrOrganization": "Big Co", "externalId": external_id}).encode()
    return text[:-1] + b" " * (size - len(text)) + b"}"


@pytest.mark.parametrize("settings", [Settings(max_body=LIMIT, max_import_body=64 * 1024)])
def test_a_body_over_the_limit_is_a_413_and_nothing_is_stored(client, settings) -> None:
    api = Api(client)
    body = assert_error(api.post(content=account(LIMIT + 1), headers={
        "Content-Type": "application/json"}), 413, "CONTENT_TOO_LARGE", "4 KiB")
    assert "larger than" in body["message"]
    assert_error(api.post(content=chunks(account(LIMIT + 1)), headers={
        "Content-Type": "application/json"}), 413, "CONTENT_TOO_LARGE", "4 KiB")
    assert api.get().json()["totalCount"] == 0
    refused = client.get("/_mock/journal", params={"operation": "AddAccount"}).json()["items"]
    assert [(e["status"], e["requestBody"]) for e in refused][0] == (413, None)  # never read


@pytest.mark.parametrize("settings", [Settings(max_body=LIMIT, max_import_body=64 * 1024)])
def test_a_body_within_the_limit_is_read_whole_or_in_chunks(client, settings) -> None:
    api = Api(client)
    created = api.post(content=chunks(account(LIMIT)),
                       headers={"Content-Type": "application/json"})
    assert created.status_code == 200, created.text
    assert created.json()["companyOrOrganization"] == "Big Co"
    again = api.post(content=account(LIMIT, "BIG2"),
                     headers={"Content-Type": "application/json"})
    assert again.status_code == 200, again.text


@pytest.mark.parametrize("settings", [Settings(max_body=LIMIT, max_import_body=64 * 1024)])
def test_the_operators_uploads_have_their_own_limit(client, settings) -> None:
    seed = {"accounts": [{"companyOrOrganization": f"Seeded {n}", "taxId": "t" * 100}
                         for n in range(50)]}
    raw = json.dumps(seed).encode()
    assert LIMIT < len(raw) < 64 * 1024
    assert client.post("/_mock/seed", content=raw,
                       headers={"Content-Type": "application/json"}).status_code == 200
    state = client.get("/_mock/state").content
    assert len(state) > LIMIT
    assert client.put("/_mock/state", content=state,
                      headers={"Content-Type": "application/json"}).status_code == 200
    assert_error(client.put("/_mock/state", content=b" " * (64 * 1024 + 1),
                            headers={"Content-Type": "application/json"}),
                 413, "CONTENT_TOO_LARGE", "64 KiB")
    # any other operator call has the general limit
    assert_error(client.post("/_mock/faults", content=b" " * (LIMIT + 1),
                             headers={"Content-Type": "application/json"}),
                 413, "CONTENT_TOO_LARGE")


def test_the_default_limit_is_10_mib(client, api) -> None:
    assert Settings().max_body == 10 * 1024 * 1024
    assert_error(api.post(content=b" " * (10 * 1024 * 1024 + 1),
                          headers={"Content-Type": "application/json"}),
                 413, "CONTENT_TOO_LARGE", "10 MiB")


def test_sizes_are_written_as_people_write_them() -> None:
    assert parse_size("10MiB") == parse_size("10M") == parse_size("10m") == 10 * 1024 * 1024
    assert parse_size("512K") == 512 * 1024 and parse_size("1G") == 1024 ** 3
    assert parse_size("1500") == 1500
    for bad in ("ten", "-1", "1.5M", "1T", ""):
        with pytest.raises(ValueError):
            parse_size(bad)
    assert size_text(10 * 1024 * 1024) == "10 MiB" and size_text(1500) == "1500 bytes"
