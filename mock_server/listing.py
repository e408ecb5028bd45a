"""Collections: filtering, free-text search, sorting, paging, the envelope and projections."""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from .errors import bad_request
from .filters import FilterError, parse_datetime, parse_filter, parse_sort

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


def predicate_for(query: ListQuery, fields: dict[str, str]):
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


def _sort_value(doc: dict[str, Any], name: str, kind: str) -> tuple[int, Any]:
    value: Any = doc
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
        items = sorted(items, key=lambda d: _sort_value(d, name, kind), reverse=descending)
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
