"""Account lists answered from the indexes must be exactly the lists a full scan answers."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from contract_tests.strategies import quoted
from mock_server.domain import accounts
from mock_server.domain.call import Call
from mock_server.domain.query.filters import parse_filter
from mock_server.domain.query.paging import ListQuery, page
from mock_server.domain.tenancy import Scope
from mock_server.service import b2b_catalog, open_store

SCOPE = Scope(1)
# Few letters, so that prefixes, equal names in other cases and shared values are common.
TEXT = st.text(alphabet="aAbBß ", min_size=0, max_size=4)
ACCOUNT = st.fixed_dictionaries({
    "companyOrOrganization": TEXT.filter(lambda t: t.strip()),
    "externalId": st.one_of(st.none(), TEXT.filter(lambda t: t.strip())),
    "isActive": st.booleans(),
    "taxId": st.one_of(st.none(), TEXT),
})
FIELD = st.sampled_from(["companyOrOrganization", "companyOrOrganization", "externalId",
                         "taxId"])


@st.composite
def comparisons(draw) -> str:
    field = draw(FIELD)
    op = draw(st.sampled_from(["eq", "ne", "sw", "cont", "in"]))
    if op == "in":
        values = draw(st.lists(TEXT, max_size=3))
        return f"{field} in [{', '.join(quoted(v) for v in values)}]"
    if op in ("eq", "ne") and draw(st.integers(0, 5)) == 0:
        return f"{field} {op} null"
    return f"{field} {op} {quoted(draw(TEXT))}"


FILTERS = st.recursive(
    st.one_of(comparisons(), st.sampled_from(["isActive eq true", "isActive eq false"])),
    lambda inner: st.builds(lambda a, join, b: f"({a} {join} {b})", inner,
                            st.sampled_from(["and", "or"]), inner),
    max_leaves=5)


RENAME = st.tuples(st.integers(0, 99), st.sampled_from(["companyOrOrganization", "externalId"]),
                   TEXT.filter(lambda t: t.strip()))


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(bodies=st.lists(ACCOUNT, min_size=1, max_size=25), renames=st.lists(RENAME, max_size=6),
       text=FILTERS, sort=st.sampled_from([None, "companyOrOrganization desc", "id asc"]))
def test_an_indexed_list_answers_what_a_scan_answers(bodies, renames, text, sort) -> None:
    """Accounts are added, listed (which builds the ordered indexes), renamed, listed again."""
    store = open_store()
    call = Call(store, b2b_catalog(), SCOPE, "test")
    ids, external = [], set()  # externalIds are unique regardless of case
    for body in bodies:
        key = body["externalId"].casefold() if body["externalId"] else None
        if key in external:
            body = {**body, "externalId": None}
        external.add(key)
        ids.append(accounts.add_account(call, body)["id"])
    query = ListQuery(filter=text, sort_by=sort, page_size=200)
    accounts.list_accounts(call, query)  # builds the ordered indexes before the renames
    for at, field, value in renames:
        if field == "externalId":
            if value.casefold() in external:
                continue
            external.add(value.casefold())
        accounts.update_account(call, ids[at % len(ids)], {field: value})
    answered = accounts.list_accounts(call, query)
    matches = parse_filter(text, accounts.account_fields(call))
    scanned = page([d for d in store.docs(SCOPE.accounts) if matches(d)], query,
                   accounts.account_fields(call), accounts.TEXT_FIELDS)
    assert [a["id"] for a in answered["items"]] == [a["id"] for a in scanned["items"]]
    assert answered["totalCount"] == scanned["totalCount"]
