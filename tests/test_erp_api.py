"""The ERP twin as an ERP client meets it: Acumatica's sign-in, records, queries and errors."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

import pytest

from mock_server.app import create_app
from mock_server.config import Settings

ROOT = Path(__file__).resolve().parent.parent
ENTITY = "/entity/Default/24.200.001"
LOGIN = {"name": "admin", "password": "b2b-mock-erp", "tenant": "Company"}
NO_ENTITY = "PX.Api.ContractBased.NoEntitySatisfiesTheConditionException"


class Erp:
    """A signed-in test client of the twin."""

    def __init__(self, client: Any) -> None:
        self.client = client
        signed = client.post("/entity/auth/login", json=LOGIN)
        assert signed.status_code == 204, signed.text

    def get(self, path: str, **params: Any) -> Any:
        return self.client.get(ENTITY + path, params={f"${k}": v for k, v in params.items()})

    def put(self, path: str, body: dict[str, Any], headers: dict[str, str] | None = None,
            **params: Any) -> Any:
        return self.client.put(ENTITY + path, json=body, headers=headers or {},
                               params={f"${k}": v for k, v in params.items()})

    def ok(self, response: Any) -> Any:
        assert response.status_code == 200, response.text
        return response.json()

    def customer(self, customer_id: str, name: str = "Acme", **fields: Any) -> dict[str, Any]:
        body = {"CustomerID": {"value": customer_id}, "CustomerName": {"value": name},
                **{k: {"value": v} for k, v in fields.items()}}
        return self.ok(self.put("/Customer", body))

    def contact(self, customer_id: str | None, last: str, **fields: Any) -> dict[str, Any]:
        body: dict[str, Any] = {"LastName": {"value": last},
                                **{k: {"value": v} for k, v in fields.items()}}
        if customer_id is not None:
            body["BusinessAccount"] = {"value": customer_id}
        return self.ok(self.put("/Contact", body))


@pytest.fixture
def erp(client: Any) -> Erp:
    return Erp(client)


def assert_http_error(response: Any, status: int, *words: str,
                      exception_type: str | None = None) -> dict[str, Any]:
    """Acumatica's HttpError, without the B2B service's correlation header."""
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith("application/json")
    assert "x-vol-correlation" not in response.headers
    body = response.json()
    assert isinstance(body["message"], str) and "errorCode" not in body
    text = f"{body['message']} {body.get('exceptionMessage') or ''}".lower()
    for word in words:
        assert word.lower() in text, body
    if exception_type is not None:
        assert body["exceptionType"] == exception_type, body
    return body


# ---------------------------------------------------------------- sign-in
def test_sign_in_sets_both_session_cookies_and_sign_out_ends_the_session(client) -> None:
    signed = client.post("/entity/auth/login", json=LOGIN)
    assert signed.status_code == 204 and signed.content == b""
    cookies = " ".join(signed.headers.get_list("set-cookie"))
    assert "ASP.NET_SessionId=" in cookies and ".ASPXAUTH=" in cookies and "HttpOnly" in cookies
    assert client.get(ENTITY + "/Customer").status_code == 200
    assert client.post("/entity/auth/logout").status_code == 204
    assert_http_error(client.get(ENTITY + "/Customer"), 401, "not signed in")


def test_a_call_needs_both_cookies_of_one_live_session(client) -> None:
    client.post("/entity/auth/login", json=LOGIN)
    auth = client.cookies.get(".ASPXAUTH")
    client.cookies.delete(".ASPXAUTH")
    assert_http_error(client.get(ENTITY + "/Customer"), 401)
    client.cookies.set(".ASPXAUTH", "0" * len(auth))
    assert_http_error(client.get(ENTITY + "/Customer"), 401)


def test_a_wrong_password_is_refused_as_the_erp_refuses_it(client) -> None:
    refused = client.post("/entity/auth/login", json={**LOGIN, "password": "nope"})
    assert_http_error(refused, 500, "Invalid credentials", exception_type="PX.Data.PXException")
    assert "set-cookie" not in refused.headers


def test_the_tenant_may_be_sent_as_company_and_as_a_form(client) -> None:
    body = {"name": "ADMIN", "password": "b2b-mock-erp", "company": "company"}
    assert client.post("/entity/auth/login", json=body).status_code == 204
    assert client.post("/entity/auth/login", data=body).status_code == 204
    both = client.post("/entity/auth/login", json={**LOGIN, "company": "Company"})
    assert_http_error(both, 400, "tenant")


def test_the_erp_login_comes_from_the_environment(monkeypatch) -> None:
    monkeypatch.setenv("B2B_MOCK_ERP_USER", "integration")
    monkeypatch.setenv("B2B_MOCK_ERP_PASSWORD", "s3cret")
    monkeypatch.setenv("B2B_MOCK_ERP_COMPANY", "Revision Two")
    with create_app(Settings()).test_client() as client:
        assert client.post("/entity/auth/login", json=LOGIN).status_code == 500
        good = {"name": "integration", "password": "s3cret", "tenant": "Revision Two"}
        assert client.post("/entity/auth/login", json=good).status_code == 204


# ---------------------------------------------------------------- records
def test_a_customer_is_answered_wrapped_with_its_id_links_and_empty_values(erp) -> None:
    made = erp.customer("c0001", "Acme Corp", CustomerClass="LOCAL")
    assert made["CustomerID"] == {"value": "C0001"}  # keys are stored upper case
    got = erp.ok(erp.get("/Customer/C0001"))
    assert got["id"] == made["id"] and got["NoteID"] == {"value": made["id"]}
    assert got["CustomerName"] == {"value": "Acme Corp"} and got["Email"] == {}
    assert got["Status"] == {"value": "Active"} and got["custom"] == {}
    assert got["_links"]["self"] == f"{ENTITY}/Customer/{made['id']}"
    assert "MainContact" not in got and "Contacts" not in got  # not expanded
    assert erp.ok(erp.get(f"/Customer/{made['id']}"))["CustomerID"] == {"value": "C0001"}


def test_a_record_that_does_not_exist_is_the_erps_500(erp) -> None:
    assert_http_error(erp.get("/Customer/NOPE"), 500, "No entity satisfies the condition",
                      exception_type=NO_ENTITY)
    assert_http_error(erp.client.delete(ENTITY + "/Contact/999"), 500, exception_type=NO_ENTITY)


def test_put_changes_only_what_differs_and_keeps_the_time_of_an_unchanged_record(erp) -> None:
    erp.customer("C0002", "Acme")
    first = erp.ok(erp.get("/Customer/C0002"))["LastModifiedDateTime"]["value"]
    again = erp.put("/Customer", {"CustomerID": {"value": "C0002"},
                                  "CustomerName": {"value": "Acme"}})
    assert again.status_code == 200
    assert set(again.json()) >= {"CustomerID", "CustomerName"} and "Status" not in again.json()
    assert erp.ok(erp.get("/Customer/C0002"))["LastModifiedDateTime"]["value"] == first
    time.sleep(0.002)
    erp.put("/Customer", {"CustomerID": {"value": "c0002"}, "Status": {"value": "OnHold"}})
    after = erp.ok(erp.get("/Customer/C0002"))
    assert after["LastModifiedDateTime"]["value"] > first
    assert after["CustomerName"] == {"value": "Acme"}  # not sent, kept


def test_insert_only_and_update_only_puts(erp) -> None:
    erp.customer("C0003")
    exists = erp.put("/Customer", {"CustomerID": {"value": "C0003"}},
                     headers={"If-None-Match": "*"})
    assert_http_error(exists, 412, "already exists")
    missing = erp.put("/Customer", {"CustomerID": {"value": "C0004"},
                                    "CustomerName": {"value": "New"}}, headers={"If-Match": "*"})
    assert_http_error(missing, 412, "does not exist")
    assert erp.get("/Customer/C0004").status_code == 500


def test_fields_the_erp_refuses_are_a_422_with_each_fields_error(erp) -> None:
    refused = erp.put("/Customer", {"CustomerID": {"value": "C0005"},
                                    "Status": {"value": "Sleeping"}})
    assert refused.status_code == 422, refused.text
    body = refused.json()
    assert "raised at least one error" in body["error"]
    assert "cannot be empty" in body["CustomerName"]["error"]
    assert "Sleeping" in body["Status"]["error"]
    assert erp.get("/Customer/C0005").status_code == 500  # nothing stored


def test_an_unknown_field_or_custom_field_is_a_400(erp) -> None:
    assert_http_error(erp.put("/Customer", {"CustomerID": {"value": "C1"}, "Colour": {}}), 400)
    odd = erp.put("/Customer", {"CustomerID": {"value": "C1"}, "CustomerName": {"value": "A"},
                                "custom": {"BAccount": {"UsrOther": {"value": "x"}}}})
    assert_http_error(odd, 400, "UsrOther")
    assert_http_error(erp.get("/Customer", custom="BAccount.UsrOther"), 400, "UsrOther")


def test_the_commerce_reference_id_is_written_and_read_as_a_custom_field(erp) -> None:
    erp.customer("C0006")
    written = erp.put("/Customer", {"CustomerID": {"value": "C0006"}, "custom": {"BAccount": {
        "UsrCommerceRefID": {"type": "CustomStringField", "value": "1042"}}}})
    assert erp.ok(written)["custom"]["BAccount"]["UsrCommerceRefID"]["value"] == "1042"
    plain = erp.ok(erp.get("/Customer/C0006"))
    assert plain["custom"] == {}  # custom fields are answered when asked for
    asked = erp.ok(erp.get("/Customer/C0006", custom="BAccount.UsrCommerceRefID"))
    assert asked["custom"] == {"BAccount": {"UsrCommerceRefID": {
        "type": "CustomStringField", "value": "1042"}}}
    found = erp.ok(erp.get("/Customer", filter="cf.String(f='BAccount.UsrCommerceRefID') eq "
                                               "'1042'", select="CustomerID"))
    assert [c["CustomerID"]["value"] for c in found] == ["C0006"]


# ---------------------------------------------------------------- contacts and locations
def test_contacts_are_numbered_by_the_erp_and_belong_to_an_existing_customer(erp) -> None:
    erp.customer("C0010")
    first = erp.contact("C0010", "Lee", FirstName="Ann", Email="ann@example.com")
    second = erp.contact("C0010", "Kim")
    assert first["ContactID"]["value"] >= 100001
    assert second["ContactID"]["value"] == first["ContactID"]["value"] + 1
    got = erp.ok(erp.get(f"/Contact/{first['ContactID']['value']}"))
    assert got["DisplayName"] == {"value": "Ann Lee"} and got["Status"] == {"value": "Active"}
    orphan = erp.put("/Contact", {"LastName": {"value": "X"},
                                  "BusinessAccount": {"value": "NOBODY"}})
    assert orphan.status_code == 422 and "cannot be found" in \
        orphan.json()["BusinessAccount"]["error"]
    unknown = erp.put("/Contact", {"ContactID": {"value": 5}, "LastName": {"value": "X"}})
    assert_http_error(unknown, 500, exception_type=NO_ENTITY)
    off = erp.put("/Contact", {"ContactID": {"value": first["ContactID"]["value"]},
                               "Active": {"value": False}}, select="Status")
    assert erp.ok(off)["Status"] == {"value": "Inactive"}


def test_the_primary_contact_is_one_of_the_customers_own_and_leaves_with_it(erp) -> None:
    erp.customer("C0020")
    erp.customer("C0021")
    ann = erp.contact("C0020", "Lee")["ContactID"]["value"]
    other = erp.contact("C0021", "Kim")["ContactID"]["value"]
    wrong = erp.put("/Customer", {"CustomerID": {"value": "C0020"},
                                  "PrimaryContactID": {"value": other}})
    assert wrong.status_code == 422, wrong.text
    erp.ok(erp.put("/Customer", {"CustomerID": {"value": "C0020"},
                                 "PrimaryContactID": {"value": ann}}))
    erp.ok(erp.put("/Contact", {"ContactID": {"value": ann},
                                "BusinessAccount": {"value": "C0021"}}))
    assert erp.ok(erp.get("/Customer/C0020"))["PrimaryContactID"] == {}
    listed = erp.ok(erp.get("/Customer/C0021", expand="Contacts"))["Contacts"]
    assert sorted(c["ContactID"]["value"] for c in listed) == sorted([ann, other])


def test_a_customer_has_one_default_location_whose_name_it_carries(erp) -> None:
    erp.customer("C0030")

    def location(location_id: str, **fields: Any) -> Any:
        body = {"Customer": {"value": "C0030"}, "LocationID": {"value": location_id},
                **{k: {"value": v} for k, v in fields.items()}}
        return erp.put("/CustomerLocation", body)

    erp.ok(location("main", LocationName="Primary Location"))
    erp.ok(location("WEST", LocationName="West"))
    listed = erp.ok(erp.get("/CustomerLocation", filter="Customer eq 'C0030'"))
    assert [(l["LocationID"]["value"], l["Default"]["value"]) for l in listed] == \
        [("MAIN", True), ("WEST", False)]
    assert erp.ok(erp.get("/Customer/C0030"))["LocationName"] == {"value": "Primary Location"}
    erp.ok(location("WEST", Default=True))
    assert erp.ok(erp.get("/CustomerLocation/C0030/MAIN"))["Default"] == {"value": False}
    assert erp.ok(erp.get("/Customer/C0030"))["LocationName"] == {"value": "West"}
    refused = erp.client.delete(ENTITY + "/CustomerLocation/C0030/WEST")
    assert_http_error(refused, 500, "default location")
    assert erp.client.delete(ENTITY + "/CustomerLocation/C0030/MAIN").status_code == 204
    assert erp.client.delete(ENTITY + "/Customer/C0030").status_code == 204
    assert erp.get("/CustomerLocation/C0030/WEST").status_code == 500  # gone with it


# ---------------------------------------------------------------- queries
def test_expand_answers_linked_entities_only_as_deep_as_named(erp) -> None:
    erp.ok(erp.put("/Customer", {"CustomerID": {"value": "C0040"},
                                 "CustomerName": {"value": "Acme"},
                                 "MainContact": {"Email": {"value": "info@acme.test"},
                                                 "Address": {"City": {"value": "Oslo"}}}}))
    shallow = erp.ok(erp.get("/Customer/C0040", expand="MainContact"))
    assert shallow["MainContact"]["Email"] == {"value": "info@acme.test"}
    assert "Address" not in shallow["MainContact"]
    deep = erp.ok(erp.get("/Customer/C0040", expand="MainContact,MainContact/Address"))
    assert deep["MainContact"]["Address"]["City"] == {"value": "Oslo"}
    by_email = erp.ok(erp.get("/Customer", filter="MainContact/Email eq 'INFO@acme.test'",
                              select="CustomerID"))
    assert [c["CustomerID"] for c in by_email] == [{"value": "C0040"}]
    assert_http_error(erp.get("/Customer", expand="Nothing"), 400, "Nothing")
    assert_http_error(erp.get("/Customer", select="MainContact/Email"), 400, "$expand")


def test_filters_on_dates_text_and_functions_and_paging(erp) -> None:
    for n in range(1, 8):
        erp.customer(f"P{n:03}", f"Company {n}", Status="OnHold" if n % 2 else "Active")
    middle = erp.ok(erp.get("/Customer/P004"))["LastModifiedDateTime"]["value"]
    since = erp.ok(erp.get("/Customer", filter=f"LastModifiedDateTime gt datetimeoffset'{middle}'",
                           select="CustomerID"))
    assert [c["CustomerID"]["value"] for c in since] == ["P005", "P006", "P007"]
    held = erp.ok(erp.get("/Customer", filter="Status eq 'onhold' and "
                                              "startswith(CustomerName,'company')",
                          select="CustomerID"))
    assert [c["CustomerID"]["value"] for c in held] == ["P001", "P003", "P005", "P007"]
    exact = erp.ok(erp.get("/Customer", filter="Status eq 'onhold' and "
                                               "(CustomerID eq 'P001' or CustomerID eq 'P007')",
                           select="CustomerID"))
    assert [c["CustomerID"]["value"] for c in exact] == ["P001", "P007"]
    pages = [erp.ok(erp.get("/Customer", select="CustomerID", top=3, skip=s)) for s in (0, 3, 6)]
    assert [c["CustomerID"]["value"] for page in pages for c in page] == \
        [f"P{n:03}" for n in range(1, 8)]
    assert [c["rowNumber"] for c in pages[1]] == [1, 2, 3]


def test_a_filter_the_erp_cannot_read_is_a_400_naming_the_problem(erp) -> None:
    for bad, word in (("Colour eq 'red'", "Colour"), ("status eq 'x'", "status"), ("CustomerID eq", "expects"),
                      ("CustomerID eq 'a' or", "expects"), ("Contacts/ContactID eq 1", "detail"),
                      ("LastModifiedDateTime gt datetimeoffset'yesterday'", "not a date"),
                      ("CustomerID ~ 'x'", "cannot be read")):
        assert_http_error(erp.get("/Customer", filter=bad), 400, word)


def test_an_endpoint_version_or_path_the_erp_does_not_serve(client, erp) -> None:
    old = client.get("/entity/Default/20.200.001/Customer")
    assert_http_error(old, 400, "version")
    missing = client.get("/entity/Default/24.200.001/SalesOrder")
    assert_http_error(missing, 404, "No HTTP resource was found")
    listed = client.get("/entity/").json()
    assert {e["version"] for e in listed["endpoints"]} == {"23.200.001", "24.200.001",
                                                            "25.200.001"}


# ---------------------------------------------------------------- operator side
def test_erp_calls_are_journaled_and_faults_answer_in_the_erps_format(client, erp) -> None:
    erp.get("/Customer")
    entry = client.get("/_mock/journal", params={"operation": "ErpListCustomers"}).json()
    assert entry["totalCount"] == 1 and entry["items"][0]["tenant"] is None
    client.post("/_mock/faults", json={"kind": "status", "operation": "ErpListCustomers",
                                       "status": 503, "times": 1})
    assert_http_error(erp.get("/Customer"), 503)
    assert erp.get("/Customer").status_code == 200


def test_the_operator_seed_loads_customer_documents_through_the_erps_checks(client, erp) -> None:
    doc = {"CustomerID": {"value": "S1"}, "CustomerName": {"value": "Seeded"},
           "PrimaryContactID": {"value": 77},
           "Contacts": [{"ContactID": {"value": 77}, "LastName": {"value": "Z"},
                         "Email": {"value": "z@s1.test"}, "CommerceEnabled": {"value": True}}],
           "Locations": [{"LocationID": {"value": "MAIN"}, "LocationName": {"value": "Main"}}]}
    loaded = client.post("/_mock/seed", json={"erp": [doc]})
    assert loaded.status_code == 200, loaded.text
    assert loaded.json()["erpContacts"] == 1
    got = erp.ok(erp.get("/Customer/S1", expand="Contacts"))
    assert got["PrimaryContactID"] == {"value": 77} and got["LocationName"] == {"value": "Main"}
    enabled = erp.ok(erp.get("/Contact/77", custom="Contact.UsrCommerceEnabled"))
    assert enabled["custom"]["Contact"]["UsrCommerceEnabled"]["value"] is True
    bad = client.post("/_mock/seed", json={"erp": [{"CustomerID": {"value": "S2"}}]})
    assert bad.status_code == 400 and "Customer Name" in bad.json()["message"]
    assert erp.get("/Customer/S2").status_code == 500


def test_the_fixtures_seed_the_twin_and_an_erp_write_survives_a_restart(tmp_path) -> None:
    db = tmp_path / "db.json"
    settings = Settings(db_path=db, erp_seed_path=ROOT / "fixtures" / "acumatica")
    app = create_app(settings)
    with app.test_client() as client:
        erp = Erp(client)
        assert len(erp.ok(erp.get("/Customer", select="CustomerID"))) == 13
        erp.customer("C0099", "Written before the restart")
    app.state.store.close()
    with create_app(Settings(db_path=db, erp_seed_path=ROOT / "fixtures" / "acumatica")) \
            .test_client() as client:
        erp = Erp(client)
        assert erp.ok(erp.get("/Customer/C0099"))["CustomerName"]["value"] == \
            "Written before the restart"
        assert len(erp.ok(erp.get("/Customer", select="CustomerID"))) == 14  # not seeded twice


def test_a_cookie_header_that_cannot_be_read_is_not_signed_in(client) -> None:
    client.post("/entity/auth/login", json=LOGIN)
    odd = client.get(ENTITY + "/Customer", headers={"Cookie": "a=b; o.rw*|czn0nft~"})
    assert_http_error(odd, 401, "not signed in")
