"""Collections: filtering, free-text search, sorting, paging, the envelope and projections."""

from __future__ import annotations

import functools
import math
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from .errors import bad_request
from .filters import Filter, FilterError, parse_datetime, parse_filter, parse_sort

MAX_PAGE_SIZE = 200
DEFAULT_PAGE_SIZE = 20


@dataclass
class ListQuery:
    """The list parameters the service accepts, as a client sent them."""

    start_index: int = 0
    page_size: int = DEFAULT_PAGE_SIZE
    sort_by: str | None = None
    filter: str | None = None
    q: str | None = None
    q_limit: int | None = None


def predicate_for(query: ListQuery, fields: dict[str, str]) -> Filter | None:
    """The filter of ``query`` compiled, or None when there is none; a bad filter is a 400."""
    if query.filter is None or not query.filter.strip():
        return None
    try:
        return parse_filter(query.filter, fields)
    except FilterError as exc:
        raise bad_request(f"Invalid filter '{query.filter}': {exc}", parameter="filter") from None


def sort_keys(query: ListQuery, fields: dict[str, str]) -> list[tuple[str, bool]]:
    if query.sort_by is None or not query.sort_by.strip():
        return []
    try:
        return parse_sort(query.sort_by, fields)
    except FilterError as exc:
        raise bad_request(f"Invalid sortBy '{query.sort_by}': {exc}", parameter="sortBy") from None


@functools.lru_cache(maxsize=16384)
def _instant(value: str) -> Any:
    """A stored date parsed (remembered: sorting 10,000 accounts by date parsed 10,000 dates a
    call, and stored documents keep their dates)."""
    return parse_datetime(value)


def _reader(name: str, kind: str) -> Callable[[dict[str, Any]], Any]:
    """What a list sorted by ``name`` orders a document by: text without case, dates as
    instants, other values as they are; None for a missing value (or a date that does not
    parse). A top-level field is read straight from the document."""
    if "." in name or kind == "date-time":
        path = tuple(name.split("."))

        def nested(doc: dict[str, Any]) -> Any:
            value: Any = doc
            for part in path:
                value = value.get(part) if isinstance(value, dict) else None
            if value is None:
                return None
            if kind == "string":
                return str(value).casefold()
            if kind != "date-time":
                return value
            try:
                return _instant(value)
            except (TypeError, ValueError):
                return None
        return nested
    if kind == "string":
        def text(doc: dict[str, Any]) -> Any:
            value = doc.get(name)
            if value is None:
                return None
            return value.casefold() if type(value) is str else str(value).casefold()
        return text
    return lambda doc: doc.get(name)


def sorted_by(items: list[dict[str, Any]], name: str, kind: str,
              descending: bool) -> list[dict[str, Any]]:
    """``items`` sorted by one field: missing values first (last when descending), ties in
    the order they came. Sorts plain values, not (present, value) tuples: 10,000 accounts by
    name took 26 ms with a tuple per document, 5 ms so."""
    read = _reader(name, kind)
    keys = [read(doc) for doc in items]
    absent = [doc for doc, key in zip(items, keys) if key is None]
    present = [i for i, key in enumerate(keys) if key is not None]
    present.sort(key=keys.__getitem__, reverse=descending)
    ordered = [items[i] for i in present]
    return ordered + absent if descending else absent + ordered


def text_matches(doc: dict[str, Any], terms: list[str], fields: Iterable[str]) -> bool:
    haystack = " ".join(str(doc.get(f) or "") for f in fields).casefold()
    return all(term in haystack for term in terms)


def page(items: list[dict[str, Any]], query: ListQuery, fields: dict[str, str],
         text_fields: Iterable[str] = ()) -> dict[str, Any]:
    """Apply q/qLimit, sortBy and paging to already filtered ``items``; return the envelope."""
    if query.q and query.q.strip():
        terms = query.q.casefold().split()
        text_fields = tuple(text_fields)
        items = [doc for doc in items if text_matches(doc, terms, text_fields)]
        if query.q_limit is not None:
            items = items[: query.q_limit]
    for name, descending in reversed(sort_keys(query, fields)):
        kind = fields[name]
        items = sorted_by(items, name, kind, descending)
    total = len(items)
    start = query.start_index
    size = query.page_size
    return {
        "startIndex": start,
        "pageSize": size,
        "pageCount": math.ceil(total / size) if size else 0,
        "totalCount": total,
        "items": items[start: start + size],
    }


def parse_projection(text: str) -> dict[str, Any]:
    """``"items(id,users(userId)),totalCount"`` into ``{"items": {"id": {}, ...}, ...}``."""
    tree: dict[str, Any] = {}
    stack = [tree]
    name = ""
    for ch in text:
        if ch == "(":
            child: dict[str, Any] = {}
            stack[-1][name.strip()] = child
            stack.append(child)
            name = ""
        elif ch in ",)":
            if name.strip():
                stack[-1].setdefault(name.strip(), {})
            name = ""
            if ch == ")":
                if len(stack) == 1:
                    raise bad_request(f"Invalid responseFields '{text}': unbalanced ')'",
                                      parameter="responseFields")
                stack.pop()
        else:
            name += ch
    if len(stack) != 1:
        raise bad_request(f"Invalid responseFields '{text}': missing ')'",
                          parameter="responseFields")
    if name.strip():
        tree.setdefault(name.strip(), {})
    return tree


def _project(value: Any, tree: dict[str, Any]) -> Any:
    if not tree:
        return value
    if isinstance(value, list):
        return [_project(v, tree) for v in value]
    if not isinstance(value, dict):
        return value
    lower = {k.lower(): k for k in value}
    out: dict[str, Any] = {}
    for name, sub in tree.items():
        key = lower.get(name.lower())
        if key is not None:
            out[key] = _project(value[key], sub)
    return out


def project(body: Any, response_fields: str | None) -> Any:
    """Keep only the fields ``response_fields`` names; everything when it is absent."""
    if not response_fields or not response_fields.strip():
        return body
    return _project(body, parse_projection(response_fields))


def project_items(envelope: dict[str, Any], fields: str | None) -> dict[str, Any]:
    """``fields=a,b``: keep those fields of each item of a collection (names, not syntax)."""
    names = [name.strip() for name in (fields or "").split(",") if name.strip()]
    if not names:
        return envelope
    return {**envelope, "items": _project(envelope["items"], {name: {} for name in names})}
