"""Customer contacts (addresses) of an account, and the b2bcontacts list across accounts."""

from __future__ import annotations

from conftest import assert_error

CONTACTS = "/api/commerce/customer/accounts"
B2B_CONTACTS = "/api/commerce/customer/b2bcontacts"


def _contact(**fields) -> dict:
    return {"email": "markz@test.com", "firstName": "Mark", "lastNameOrSurname": "Z",
            "label": "Primary Location", "types": [{"name": "Billing", "isPrimary": True}],
            "address": {"address1": "1 Hacker Way", "cityOrTown": "Menlo Park",
                        "stateOrProvince": "CA", "postalOrZipCode": "94025",
                        "countryCode": "US"}, **fields}


def _call(api, method: str, path: str, **kw):
    return api.client.request(method, CONTACTS + path, headers=api.headers(), **kw)


def test_add_get_update_delete_a_contact(api) -> None:
    account = api.add_account()
    made = _call(api, "POST", f"/{account['id']}/contacts", json=_contact())
    assert made.status_code == 200, made.text
    contact = made.json()
    assert contact["accountId"] == account["id"] and contact["id"] >= 1
    assert contact["address"]["cityOrTown"] == "Menlo Park"
    assert contact["phoneNumbers"] == {"home": None, "mobile": None, "work": None}
    assert api.get(f"/{account['id']}").json()["contacts"] == [contact]
    path = f"/{account['id']}/contacts/{contact['id']}"
    assert _call(api, "GET", path).json() == contact
    changed = _call(api, "PUT", path, json=_contact(label="HQ")).json()
    assert changed["label"] == "HQ" and changed["id"] == contact["id"]
    assert _call(api, "DELETE", path).status_code == 200
    assert_error(_call(api, "GET", path), 404, "ITEM_NOT_FOUND")
    assert_error(_call(api, "GET", f"/9999/contacts"), 404, "ITEM_NOT_FOUND")


def test_a_contact_needs_an_email_and_a_type(api) -> None:
    account = api.add_account()
    assert_error(_call(api, "POST", f"/{account['id']}/contacts",
                       json=_contact(types=[])), 400, "MISSING_OR_INVALID_PARAMETER", "types")
    no_email = _contact()
    del no_email["email"]
    assert_error(_call(api, "POST", f"/{account['id']}/contacts", json=no_email), 400,
                 "MISSING_OR_INVALID_PARAMETER", "email")


def test_one_primary_per_type(api) -> None:
    account = api.add_account()
    first = _call(api, "POST", f"/{account['id']}/contacts", json=_contact(
        types=[{"name": "Billing", "isPrimary": True}, {"name": "Shipping", "isPrimary": True}]
    )).json()
    second = _call(api, "POST", f"/{account['id']}/contacts", json=_contact(
        label="Warehouse", types=[{"name": "shipping", "isPrimary": True}])).json()
    assert second["types"] == [{"name": "Shipping", "isPrimary": True}]
    first_now = _call(api, "GET", f"/{account['id']}/contacts/{first['id']}").json()
    assert first_now["types"] == [{"name": "Billing", "isPrimary": True},
                                  {"name": "Shipping", "isPrimary": False}]


def test_replace_all_and_filter(api) -> None:
    account = api.add_account()
    _call(api, "POST", f"/{account['id']}/contacts", json=_contact())
    replaced = _call(api, "PUT", f"/{account['id']}/contacts", json=[
        _contact(label="A"), _contact(label="B", address={"cityOrTown": "Boston",
                                                          "countryCode": "US"})]).json()
    assert [c["label"] for c in replaced["items"]] == ["A", "B"]
    listed = _call(api, "GET", f"/{account['id']}/contacts",
                   params={"filter": "address.cityOrTown eq boston"}).json()
    assert [c["label"] for c in listed["items"]] == ["B"]
    assert _call(api, "GET", f"/{account['id']}/contacts").json()["totalCount"] == 2


def test_b2bcontacts_across_accounts_carry_the_account_name(api) -> None:
    one, two = api.add_account(), api.add_account(externalId="C2",
                                                  companyOrOrganization="Contoso")
    _call(api, "POST", f"/{one['id']}/contacts", json=_contact())
    _call(api, "POST", f"/{two['id']}/contacts", json=_contact(email="olivia@contoso.com"))
    found = api.client.get(B2B_CONTACTS, headers=api.headers(),
                           params={"filter": "accountName sw conto"}).json()
    assert [(c["accountName"], c["email"]) for c in found["items"]] == [
        ("Contoso", "olivia@contoso.com")]
    assert api.client.get(B2B_CONTACTS, headers=api.headers()).json()["totalCount"] == 2
