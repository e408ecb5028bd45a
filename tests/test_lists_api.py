"""Lists: the envelope, paging, filters, sorting, q/qLimit, fields and responseFields."""

from __future__ import annotations

import pytest

from conftest import SALES_REP, assert_error

COMPANIES = [("C1", "Facebook", True), ("C2", "Contoso", True), ("C3", "Northwind", False),
             ("C4", "Fabrikam", True), ("C5", "Adventure Works", False)]


@pytest.fixture
def companies(api):
    made = []
    for external_id, name, active in COMPANIES:
        account = api.add_account(externalId=external_id, companyOrOrganization=name)
        made.append(api.approve(account["id"]) if active else account)
    return made


def test_envelope_counts_pages(api, companies) -> None:
    body = api.get(params={"pageSize": 2, "startIndex": 2}).json()
    assert body["startIndex"] == 2 and body["pageSize"] == 2
    assert body["totalCount"] == 5 and body["pageCount"] == 3
    assert [a["externalId"] for a in body["items"]] == ["C3", "C4"]
    last = api.get(params={"pageSize": 2, "startIndex": 4}).json()
    assert [a["externalId"] for a in last["items"]] == ["C5"]
    beyond = api.get(params={"startIndex": 50}).json()
    assert beyond["items"] == [] and beyond["totalCount"] == 5


def test_page_size_is_capped_at_200(api) -> None:
    assert_error(api.get(params={"pageSize": 201}), 400, "MISSING_OR_INVALID_PARAMETER",
                 "pageSize")
    assert_error(api.get(params={"pageSize": 0}), 400, "MISSING_OR_INVALID_PARAMETER")
    assert_error(api.get(params={"startIndex": -1}), 400, "MISSING_OR_INVALID_PARAMETER",
                 "startIndex")
    assert_error(api.get(params={"pageSize": "ten"}), 400, "MISSING_OR_INVALID_PARAMETER")


def test_filter_by_external_id_as_a_sync_would(api, companies) -> None:
    body = api.get(params={"filter": "externalId eq 'C3'"}).json()
    assert body["totalCount"] == 1 and body["items"][0]["companyOrOrganization"] == "Northwind"


def test_filter_with_and_or_and_parentheses(api, companies) -> None:
    text = "(companyOrOrganization sw 'f' or externalId in ['C5']) and isActive eq true"
    body = api.get(params={"filter": text, "sortBy": "externalId"}).json()
    assert [a["externalId"] for a in body["items"]] == ["C1", "C4"]


def test_filter_on_ids_and_dates(api, companies) -> None:
    first = companies[0]
    assert api.get(params={"filter": f"id gt {first['id']}"}).json()["totalCount"] == 4
    created = first["auditInfo"]["createDate"]
    body = api.get(params={"filter": f"auditInfo.createDate ge '{created}'"}).json()
    assert body["totalCount"] == 5
    assert api.get(params={"filter": "customerSinceDate lt 2000-01-01"}).json()["totalCount"] == 0



def test_the_documented_flattened_audit_names_and_unquoted_values(api, companies) -> None:
    """The service's own examples: ``createDate desc`` and ``createBy ne Dave``."""
    newest_first = api.get(params={"sortBy": "createDate desc"}).json()["items"]
    dates = [a["auditInfo"]["createDate"] for a in newest_first]
    assert len(dates) == 5 and dates == sorted(dates, reverse=True)
    oldest_first = api.get(params={"sortBy": "createDate asc"}).json()["items"]
    assert [a["auditInfo"]["createDate"] for a in oldest_first] == sorted(dates)
    assert api.get(params={"filter": "createBy ne Dave"}).json()["totalCount"] == 5
    assert api.get(params={"filter": "createBy eq Dave"}).json()["totalCount"] == 0
    created = companies[0]["auditInfo"]["createDate"]
    assert api.get(params={"filter": f"createDate ge '{created}'"}).json()["totalCount"] == 5


def test_an_email_lookup_finds_what_uniqueness_refuses(api) -> None:
    """One rule of case: the address a duplicate AddUser is refused for is the one a filter
    finds, in any case."""
    account = api.add_account()
    api.add_user(account["id"], email="markz@test.com")
    assert api.post(f"/{account['id']}/user", json={"b2BUser": {
        "emailAddress": "MarkZ@Test.com"}}).status_code == 409
    found = api.get(f"/{account['id']}/users",
                    params={"filter": "emailAddress eq 'MarkZ@Test.com'"}).json()
    assert [u["emailAddress"] for u in found["items"]] == ["markz@test.com"]

def test_bad_filters_are_400_naming_the_problem(api, companies) -> None:
    assert_error(api.get(params={"filter": "nmae eq 'x'"}), 400,
                 "MISSING_OR_INVALID_PARAMETER", "unknown field 'nmae'")
    assert_error(api.get(params={"filter": "id eq abc"}), 400,
                 "MISSING_OR_INVALID_PARAMETER", "whole number")
    assert_error(api.get(params={"filter": "((("}), 400, "MISSING_OR_INVALID_PARAMETER")
    assert_error(api.get(params={"sortBy": "nope desc"}), 400, "MISSING_OR_INVALID_PARAMETER",
                 "nope")


def test_multi_field_sort(api, companies) -> None:
    body = api.get(params={"sortBy": "isActive desc, companyOrOrganization asc"}).json()
    assert [a["companyOrOrganization"] for a in body["items"]] == [
        "Contoso", "Fabrikam", "Facebook", "Adventure Works", "Northwind"]


def test_q_searches_names_and_q_limit_caps_it(api, companies) -> None:
    assert [a["externalId"] for a in api.get(params={"q": "fa"}).json()["items"]] == ["C1", "C4"]
    capped = api.get(params={"q": "o", "qLimit": 2}).json()
    assert capped["totalCount"] == 2


def test_response_fields_and_fields(api, companies) -> None:
    body = api.get(params={"responseFields": "items(id,externalId),totalCount",
                           "pageSize": 1}).json()
    assert body == {"items": [{"id": companies[0]["id"], "externalId": "C1"}], "totalCount": 5}
    body = api.get(params={"fields": "externalId", "pageSize": 1}).json()
    assert body["items"] == [{"externalId": "C1"}] and body["totalCount"] == 5


def test_users_list_filters_sorts_and_searches(api) -> None:
    account = api.add_account()
    for email, first in [("markz@test.com", "Mark"), ("olivia@test.com", "Olivia"),
                         ("raj@test.com", "Raj")]:
        api.add_user(account["id"], email=email, firstName=first)
    base = f"/{account['id']}/users"
    body = api.get(base, params={"filter": "emailAddress eq 'markz@test.com'"}).json()
    assert [u["firstName"] for u in body["items"]] == ["Mark"]
    body = api.get(base, params={"sortBy": "firstName desc"}).json()
    assert [u["firstName"] for u in body["items"]] == ["Raj", "Olivia", "Mark"]
    assert api.get(base, params={"q": "OLIVIA"}).json()["totalCount"] == 1
    assert_error(api.get(base, params={"filter": "companyOrOrganization eq 'x'"}), 400,
                 "MISSING_OR_INVALID_PARAMETER", "unknown field")


def test_fields_are_names_not_projection_syntax(api, companies) -> None:
    body = api.get(params={"fields": "externalId),x(", "pageSize": 1}).json()
    assert body["items"] == [{}] and body["totalCount"] == 5


def test_a_pattern_ends_at_the_end_of_the_value_not_before_a_final_newline(api) -> None:
    """JSON Schema's patterns are ECMA's: ``$`` does not match before a trailing newline."""
    listed = api.get("", params={"responseFields": "\n"})
    assert listed.status_code == 400, listed.text
    rep = api.get(f"/salesrep/{SALES_REP}%0A")
    assert rep.status_code in (400, 404), rep.text
    assert api.get(f"/salesrep/{SALES_REP}").status_code == 200
