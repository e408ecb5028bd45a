"""The filter language on its own: operators, precedence, quoting, types and mistakes."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from contract_tests.strategies import quoted
from mock_server.domain.query.filters import FilterError, parse_filter, parse_sort, tokenize

FIELDS = {"name": "string", "email": "string", "age": "integer", "score": "number",
          "active": "boolean", "since": "date-time", "auditInfo.createDate": "date-time"}

DOCS = [
    {"name": "Mark Z", "email": "markz@test.com", "age": 40, "score": 1.5, "active": True,
     "since": "2023-11-21T22:39:00Z", "auditInfo": {"createDate": "2023-11-21T22:39:00.000Z"}},
    {"name": "Olivia O'Brien", "email": "olivia@contoso.com", "age": 31, "score": 7.25,
     "active": False, "since": "2024-02-01T00:00:00Z",
     "auditInfo": {"createDate": "2024-02-01T10:00:00.000Z"}},
    {"name": "Raj", "email": None, "age": 25, "active": True, "since": None, "auditInfo": {}},
]


def names(text: str) -> list[str]:
    predicate = parse_filter(text, FIELDS)
    return [d["name"] for d in DOCS if predicate(d)]


@pytest.mark.parametrize("text, expected", [
    ("name eq 'Mark Z'", ["Mark Z"]),
    ("name eq 'mark z'", ["Mark Z"]),  # text compares regardless of case, everywhere
    ("name ne 'MARK Z'", ["Olivia O'Brien", "Raj"]),
    ("age gt 31", ["Mark Z"]),
    ("age ge 31", ["Mark Z", "Olivia O'Brien"]),
    ("age lt 31", ["Raj"]),
    ("age le 31", ["Olivia O'Brien", "Raj"]),
    ("name sw 'ma'", ["Mark Z"]),
    ("email cont 'CONTOSO'", ["Olivia O'Brien"]),
    ("age in [25, 40]", ["Mark Z", "Raj"]),
    ("name in ['Raj', \"Mark Z\"]", ["Mark Z", "Raj"]),
    ("score gt 2", ["Olivia O'Brien"]),
])
def test_each_operator(text: str, expected: list[str]) -> None:
    assert names(text) == expected


def test_and_binds_tighter_than_or() -> None:
    assert names("age eq 25 or age eq 40 and active eq false") == ["Raj"]
    assert names("(age eq 25 or age eq 40) and active eq true") == ["Mark Z", "Raj"]


def test_nested_parentheses_and_case_insensitive_keywords() -> None:
    assert names("((name sw 'M') OR (name sw 'O')) AND age GT 35") == ["Mark Z"]


def test_quotes_doubled_and_escaped_and_bare_words() -> None:
    assert names("name eq 'Olivia O''Brien'") == ["Olivia O'Brien"]
    assert names(r"name eq 'Olivia O\'Brien'") == ["Olivia O'Brien"]
    assert names('name eq "Olivia O\'Brien"') == ["Olivia O'Brien"]
    assert names("name eq Raj") == ["Raj"]
    assert tokenize("x eq ''")[-1].text == ""


@settings(max_examples=200, deadline=None)
@given(st.text(st.characters(codec="utf-8", exclude_categories=("Cs",)), max_size=12))
def test_any_text_written_as_the_contract_tests_quote_it_reads_back_whole(text: str) -> None:
    """Backslashes and quotes in a value survive quoting; a value ending in a backslash once
    left the string open and a schema-valid list call answered 400."""
    assert tokenize(f"name eq {quoted(text)}")[-1].text == text


def test_booleans_null_and_missing_values() -> None:
    assert names("active eq true") == ["Mark Z", "Raj"]
    assert names("active eq 'false'") == ["Olivia O'Brien"]
    assert names("email eq null") == ["Raj"]
    assert names("email ne null") == ["Mark Z", "Olivia O'Brien"]


def test_dates_compare_as_instants_whatever_their_spelling() -> None:
    assert names("since gt 2024-01-01") == ["Olivia O'Brien"]
    assert names("since lt '2023-11-21T23:39:00+01:00'") == []
    assert names("since le '2023-11-21T23:39:00+01:00'") == ["Mark Z"]
    assert names("auditInfo.createDate ge 2024-02-01T10:00:00Z") == ["Olivia O'Brien"]


def test_field_names_ignore_case() -> None:
    assert names("EMAIL eq 'markz@test.com'") == ["Mark Z"]


@pytest.mark.parametrize("text, words", [
    ("", ["empty"]),
    ("nmae eq 'x'", ["unknown field 'nmae'"]),
    ("name eqq 'x'", ["expected an operator", "'eqq'"]),
    ("name eq", ["expected a value for 'name'"]),
    ("name eq 'x", ["unterminated string"]),
    ("(name eq 'x'", ["missing ')'"]),
    ("name eq 'x')", ["unexpected ')'"]),
    ("name eq 'x' and", ["unexpected end"]),
    ("name eq 'x' name eq 'y'", ["unexpected 'name'"]),
    ("age eq forty", ["'age' takes a whole number", "'forty'"]),
    ("active eq yes", ["true or false"]),
    ("since gt yesterday", ["ISO 8601"]),
    ("age in 25", ["list in brackets"]),
    ("age in [25 40]", ["expected ',' or ']'"]),
    ("age sw 2", ["needs a text field"]),
    ("age gt null", ["cannot compare with null"]),
    ("(" * 40 + "age eq 1" + ")" * 40, ["nested deeper"]),
])
def test_mistakes_are_named(text: str, words: list[str]) -> None:
    with pytest.raises(FilterError) as caught:
        parse_filter(text, FIELDS)
    for word in words:
        assert word in str(caught.value)


def test_sort_clauses() -> None:
    assert parse_sort("name asc, age desc,email", FIELDS) == [
        ("name", False), ("age", True), ("email", False)]
    with pytest.raises(FilterError, match="unknown field 'nope'"):
        parse_sort("nope asc", FIELDS)
    with pytest.raises(FilterError, match="asc or desc"):
        parse_sort("name sideways", FIELDS)


class FakeIndex:
    """An index over ``name`` only: each (field, op, values) asked, and ids by first letter."""

    def __init__(self) -> None:
        self.asked: list[tuple[str, str, list]] = []

    def __call__(self, field: str, op: str, values: list) -> set[int] | None:
        self.asked.append((field, op, values))
        if field != "name":
            return None
        return {ord(str(v)[0].lower()) for v in values}


@pytest.mark.parametrize("text, expected", [
    ("name eq 'Mark Z'", {ord("m")}),
    ("name in ['Mark Z', 'Raj']", {ord("m"), ord("r")}),
    ("name sw 'ma'", {ord("m")}),
    ("name eq 'Mark Z' and age gt 3", {ord("m")}),          # and: what the indexed part allows
    ("age gt 3 and (name eq 'Raj' or name eq 'Mark Z')", {ord("r"), ord("m")}),
    ("name in ['Mark Z', 'Raj'] and name eq 'Raj'", {ord("r")}),  # and: both parts narrow
    ("name eq 'Mark Z' or age gt 3", None),                  # or: one part cannot narrow
    ("name ne 'Mark Z'", None),
    ("name cont 'ark'", None),
    ("name eq null", None),                                  # indexes leave missing values out
    ("age in []", set()),                                    # an empty list matches nothing
    ("auditInfo.createDate eq '2024-02-01T10:00:00Z'", None),
])
def test_indexes_narrow_eq_in_and_sw_through_and_and_or(text: str, expected) -> None:
    assert parse_filter(text, FIELDS).candidates(FakeIndex()) == expected


def test_narrowing_stops_asking_once_and_has_ruled_everything_out() -> None:
    index = FakeIndex()
    found = parse_filter("name eq 'Mark Z' and name eq 'Raj' and name sw 'o'", FIELDS)
    assert found.candidates(index) == set()
    assert [field for field, _, _ in index.asked] == ["name", "name"]
