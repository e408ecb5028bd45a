"""Secondary indexes over the store's tables, and how the store is told which to keep.

A hash index maps a key (a field's value through a key function) to the ids of the documents
that have it; an ordered index keeps one text field's lower-case values sorted, for prefix and
case-blind equality lookups over many documents.
"""

from __future__ import annotations

import bisect
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Protocol

Doc = dict[str, Any]
# An index maps a key to one document id, or to a set of them when several share it: a set per
# key would cost large tables a lot of memory for keys that are nearly always unique.
Index = dict[Any, "int | set[int]"]


class Layout(Protocol):
    """Which tables get which indexes: given by the store's user (the domain's ``TableLayout``).

    ``indexed``: for tables whose name contains a marker, hash indexes on fields, keyed by the
    function given; ``ordered``: for tables whose name ends with a marker, text fields kept
    sorted by their case-folded form (built at the first lookup that asks, then kept by every
    write); ``id_ordered``: name endings of tables whose documents are listed in id order
    (``Store.replace`` sorts them so).
    """

    @property
    def indexed(self) -> dict[str, dict[str, Callable[[Any], Any]]]: ...

    @property
    def ordered(self) -> dict[str, tuple[str, ...]]: ...

    @property
    def id_ordered(self) -> tuple[str, ...]: ...


@dataclass(frozen=True)
class _NoIndexes:
    indexed: dict[str, dict[str, Callable[[Any], Any]]] = field(default_factory=dict)
    ordered: dict[str, tuple[str, ...]] = field(default_factory=dict)
    id_ordered: tuple[str, ...] = ()


NO_INDEXES: Layout = _NoIndexes()


def add_to(index: Index, key: Any, doc_id: int) -> None:
    ids = index.get(key)
    if ids is None or ids == doc_id:
        index[key] = doc_id
    elif isinstance(ids, int):
        index[key] = {ids, doc_id}
    else:
        ids.add(doc_id)


def remove_from(index: Index, key: Any, doc_id: int) -> None:
    ids = index.get(key)
    if ids == doc_id:
        del index[key]
    elif isinstance(ids, set):
        ids.discard(doc_id)
        if len(ids) == 1:
            index[key] = ids.pop()


class OrderedIndex:
    """(case-folded text, doc id) pairs of one field, sorted; documents whose field is not text
    are left out, since no text comparison can match them."""

    def __init__(self, docs: dict[str, Doc], field: str) -> None:
        self.field = field
        self.keys: list[tuple[str, int]] = sorted(
            (doc[field].casefold(), int(doc_id)) for doc_id, doc in docs.items()
            if isinstance(doc.get(field), str))

    def update(self, doc_id: int, old: Doc | None, new: Doc | None) -> None:
        before = old.get(self.field) if old is not None else None
        after = new.get(self.field) if new is not None else None
        if before == after:
            return
        if isinstance(before, str):
            entry = (before.casefold(), doc_id)
            at = bisect.bisect_left(self.keys, entry)
            if at < len(self.keys) and self.keys[at] == entry:
                del self.keys[at]
        if isinstance(after, str):
            bisect.insort(self.keys, (after.casefold(), doc_id))

    def starting_with(self, prefix: str) -> set[int]:
        """Ids whose text starts with ``prefix``, both case-folded."""
        prefix = prefix.casefold()
        return self._run(prefix, lambda key: key.startswith(prefix))

    def equal_to(self, text: str) -> set[int]:
        """Ids whose text equals ``text`` regardless of case."""
        text = text.casefold()
        return self._run(text, lambda key: key == text)

    def _run(self, first: str, within: Callable[[str], bool]) -> set[int]:
        """The ids of the sorted run of keys from ``first`` on that ``within`` accepts."""
        keys, found = self.keys, set()
        at = bisect.bisect_left(keys, (first,))
        while at < len(keys) and within(keys[at][0]):
            found.add(keys[at][1])
            at += 1
        return found
