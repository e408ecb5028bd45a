"""The pytest plugin users install with the package: the ``b2b_mock`` fixture."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.slow


def test_fixture_gives_a_fresh_authenticated_tenant(b2b_mock) -> None:
    created = b2b_mock.session.post(b2b_mock.api, json={"companyOrOrganization": "Facebook",
                                                        "externalId": "C000000288"})
    assert created.status_code == 200
    listed = b2b_mock.session.get(b2b_mock.api).json()
    assert [a["externalId"] for a in listed["items"]] == ["C000000288"]
    assert b2b_mock.calls() == ["AddAccount 200", "GetB2BAccounts 200"]


def test_each_test_has_its_own_tenant(b2b_mock) -> None:
    assert b2b_mock.session.get(b2b_mock.api).json()["totalCount"] == 0


def test_fault_helper_scopes_faults_to_the_tenant(b2b_mock) -> None:
    b2b_mock.fault("status", status=429, retryAfter=1, times=1, operation="GetB2BAccounts")
    throttled = b2b_mock.session.get(b2b_mock.api)
    assert throttled.status_code == 429 and throttled.headers["Retry-After"] == "1"
    assert b2b_mock.session.get(b2b_mock.api).status_code == 200


def test_seed_and_token_expiry(b2b_mock) -> None:
    assert b2b_mock.seed({"accounts": [{"companyOrOrganization": "Contoso",
                                         "users": [{"emailAddress": "a@contoso.com"}]}]}) == \
        {"accounts": 1, "users": 1, "contacts": 0}
    b2b_mock.expire_tokens()
    assert b2b_mock.session.get(b2b_mock.api).status_code == 401


def test_a_users_own_test_file_gets_the_fixture_from_the_entry_point(pytester) -> None:
    pytester.makepyfile(test_mine="""
        def test_my_client(b2b_mock):
            r = b2b_mock.session.post(b2b_mock.api, json={"companyOrOrganization": "Acme"})
            assert r.status_code == 200
            assert b2b_mock.calls(operation="AddAccount") == ["AddAccount 200"]
    """)
    result = pytester.runpytest_subprocess("-q", "-p", "no:cacheprovider")
    result.assert_outcomes(passed=1)
