"""Lists: the query a client sends, its filter compiled, free-text search, and the paged
envelope (``startIndex, pageSize, pageCount, totalCount, items``)."""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from ..errors import bad_request
from .filters import Filter, FilterError, parse_filter
from .sorting import sort_keys, sorted_by

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
    for name, descending in reversed(sort_keys(query.sort_by, fields)):
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


