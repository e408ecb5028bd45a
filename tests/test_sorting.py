"""Sorted lists: the fast sort must order exactly as the plain definition does."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from mock_server.domain.query.filters import parse_datetime
from mock_server.domain.query.sorting import sorted_by


def plain_sort_value(doc: dict, name: str, kind: str) -> tuple:
    """The order's definition: missing values first, text without case, dates as instants
    (one that does not parse counts as missing), the rest as they are."""
    value = doc
    for part in name.split("."):
        value = value.get(part) if isinstance(value, dict) else None
    if value is None:
        return (0, 0)
    if kind == "string":
        return (1, str(value).casefold())
    if kind == "date-time":
        try:
            return (1, parse_datetime(value))
        except (TypeError, ValueError):
            return (0, 0)
    return (1, value)

TEXT = st.one_of(st.none(), st.text(alphabet="aAbBßs ", max_size=3))
DATE = st.one_of(st.none(), st.sampled_from([
    "2024-02-01T10:00:00Z", "2024-02-01T11:00:00+01:00", "2023-11-21T22:39:00.000Z",
    "2024-02-01", "not a date", "2024-02-01T10:00:00.1234567Z"]))
DOC = st.fixed_dictionaries({
    "id": st.integers(0, 5), "name": TEXT, "active": st.one_of(st.none(), st.booleans()),
    "since": DATE, "auditInfo": st.one_of(st.just({}), st.fixed_dictionaries(
        {"createDate": DATE, "createBy": TEXT}))})
FIELDS = [("id", "integer"), ("name", "string"), ("active", "boolean"), ("since", "date-time"),
          ("auditInfo.createDate", "date-time"), ("auditInfo.createBy", "string")]


@settings(max_examples=300, deadline=None)
@given(docs=st.lists(DOC, max_size=12), field=st.sampled_from(FIELDS), descending=st.booleans())
def test_sorted_by_orders_as_the_definition_does(docs, field, descending) -> None:
    name, kind = field
    expected = sorted(docs, key=lambda d: plain_sort_value(d, name, kind), reverse=descending)
    assert [id(d) for d in sorted_by(docs, name, kind, descending)] == [id(d) for d in expected]
