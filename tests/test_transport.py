"""The sync client's session takes proxies and CA bundle from the environment as requests does."""

from __future__ import annotations

import itertools

import pytest
import requests
import requests.sessions

from sync_client.transport import EnvironmentOnceSession

URLS = ["http://127.0.0.1:8080/api/commerce/customer/b2baccounts",
        "https://t1.sandbox.mozu.com/api/commerce/customer/b2baccounts?filter=x",
        "https://internal.corp.example/api/platform/applications/authtickets/oauth",
        "http://internal.corp.example:8080/x"]


@pytest.mark.parametrize("bundle", [None, "/etc/ssl/corp.pem"])
def test_the_same_proxies_and_verify_as_requests(monkeypatch, bundle) -> None:
    monkeypatch.setenv("HTTP_PROXY", "http://proxy.corp.example:3128")
    monkeypatch.setenv("HTTPS_PROXY", "http://secure-proxy.corp.example:3129")
    monkeypatch.setenv("NO_PROXY", "127.0.0.1,localhost,.corp.example")
    monkeypatch.delenv("CURL_CA_BUNDLE", raising=False)
    if bundle:
        monkeypatch.setenv("REQUESTS_CA_BUNDLE", bundle)
    else:
        monkeypatch.delenv("REQUESTS_CA_BUNDLE", raising=False)
    ours, stock = EnvironmentOnceSession(), requests.Session()
    for session in (ours, stock):
        session.proxies = {"ftp": "http://ftp-proxy.example"}
    cases = list(itertools.product(URLS, [None, {}, {"https": "http://mine.example:1"},
                                          {"no_proxy": "sandbox.mozu.com"}],
                                   [True, None, False, "/my/ca.pem"], [None, False]))
    for _ in range(2):  # the second time from what the session remembers
        for url, proxies, verify, stream in cases:
            mine = ours.merge_environment_settings(
                url, dict(proxies) if proxies is not None else None, stream, verify, None)
            theirs = stock.merge_environment_settings(
                url, dict(proxies) if proxies is not None else None, stream, verify, None)
            assert mine == theirs, (url, proxies, verify)
    assert ours.merge_environment_settings(URLS[1], {}, None, True, None)["proxies"]["https"] \
        == "http://secure-proxy.corp.example:3129"


def test_the_environment_is_read_once_per_host(monkeypatch) -> None:
    reads: list[str] = []
    real = requests.utils.get_environ_proxies
    monkeypatch.setattr("sync_client.transport.get_environ_proxies",
                        lambda url, no_proxy=None: (reads.append(url), real(url, no_proxy))[1])
    session = EnvironmentOnceSession()
    for n in range(50):
        session.merge_environment_settings(f"{URLS[0]}/{n}", {}, None, True, None)
        session.merge_environment_settings(f"{URLS[1]}&n={n}", {}, None, True, None)
    assert len(reads) == 2
    session.trust_env = False
    assert session.merge_environment_settings(URLS[0], {}, None, True, None)["proxies"] == {}
