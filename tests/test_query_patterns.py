"""The spec's patterns for filter, sortBy and responseFields: generated from the schemas' fields,
and never wider than the parsers (a string the spec allows is one the service accepts)."""

from __future__ import annotations

import re

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from contract_tests.spec_patterns import filled
from mock_server import openapi
from mock_server.domain.query.filters import parse_filter, parse_sort
from mock_server.domain.query.patterns import filter_pattern, projection_pattern, sort_pattern
from mock_server.domain.query.projection import parse_projection
from mock_server.service import b2b_catalog

RESOURCES = ["B2BAccount", "B2BUser", "CustomerAttribute"]
FAST = settings(max_examples=100, deadline=None, suppress_health_check=list(HealthCheck))
FIELDS = {resource: b2b_catalog().field_types(resource) for resource in RESOURCES}
# Strategies built once: turning a pattern of several thousand characters into one is slow.
FILTERS = {resource: st.from_regex(filter_pattern(fields), fullmatch=True)
           for resource, fields in FIELDS.items()}
SORTS = {resource: st.from_regex(sort_pattern(fields), fullmatch=True)
         for resource, fields in FIELDS.items()}


def test_the_spec_carries_the_generated_patterns() -> None:
    """``make spec-patterns`` writes them; a field added to a schema changes them."""
    text = openapi.text("b2baccounts.yaml")
    assert filled(text, b2b_catalog()) == text


@pytest.mark.parametrize("resource", RESOURCES)
@FAST
@given(data=st.data())
def test_every_filter_the_pattern_allows_parses(resource: str, data: st.DataObject) -> None:
    text = data.draw(FILTERS[resource])
    if text.strip():
        parse_filter(text, FIELDS[resource])


@pytest.mark.parametrize("resource", RESOURCES)
@FAST
@given(data=st.data())
def test_every_sort_the_pattern_allows_parses(resource: str, data: st.DataObject) -> None:
    parse_sort(data.draw(SORTS[resource]), FIELDS[resource])


@settings(FAST, max_examples=30)
@given(text=st.from_regex(projection_pattern(), fullmatch=True))
def test_every_projection_the_pattern_allows_parses(text: str) -> None:
    parse_projection(text)


@pytest.mark.parametrize("resource, text", [
    ("B2BAccount", "externalId eq 'C000000288'"), ("B2BUser", "isRemoved eq false"),
    ("B2BAccount", "createBy ne Dave"), ("B2BUser", "createDate gt 2021-10-10T00:00:00z"),
    ("B2BAccount", "(companyOrOrganization sw ab or id gt 5) and isActive eq true"),
    ("B2BAccount", "id in [1001, 1002]"), ("B2BAccount", "externalId in ['A', \"B\"]"),
    ("B2BAccount", "customersincedate ge '2024-02-30'"), ("B2BAccount", ""),
    ("CustomerAttribute", "fullyQualifiedName sw 'tenant~'"),
])
def test_the_filters_clients_send_are_in_the_pattern(resource: str, text: str) -> None:
    assert re.search(filter_pattern(b2b_catalog().field_types(resource)), text)


@pytest.mark.parametrize("text", ["nmae eq 1", "id eq 'x'", "id gt null", "id sw 5",
                                  "isActive eq yes", "((id eq 1))", "createDate gt 2021-13-01"])
def test_what_the_service_refuses_is_outside_the_pattern(text: str) -> None:
    assert not re.search(filter_pattern(b2b_catalog().field_types("B2BAccount")), text)
