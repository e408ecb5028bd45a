"""What the domain needs of a store, as protocols: tables of JSON documents keyed by integer
ids, read under one lock and written in transactions.

``mock_server.store.Store`` provides them; the domain never imports it.
"""

from __future__ import annotations

from collections.abc import Callable
from contextlib import AbstractContextManager
from typing import Any, Protocol

Doc = dict[str, Any]


class Writes(Protocol):
    """The writes of one transaction, applied together when it ends."""

    def put(self, table: str, doc_id: int, doc: Doc) -> None: ...

    def delete(self, table: str, doc_id: int) -> None: ...

    def drop(self, table: str) -> None: ...

    def next_id(self, table: str, start: int = 1) -> int: ...

    def pending(self, table: str) -> dict[int, Doc]:
        """The documents this transaction has put into ``table`` so far."""
        ...


class Tables(Protocol):
    """Reads, index lookups and transactions over the store's tables.

    Stored documents are never changed in place: a writer copies one (``documents.copy_doc``),
    changes the copy and puts it; readers may hand stored documents out without copying.
    """

    @property
    def lock(self) -> AbstractContextManager[Any]: ...

    def transaction(self) -> AbstractContextManager[Writes]: ...

    def get(self, table: str, doc_id: int) -> Doc | None: ...

    def all(self, table: str) -> list[tuple[int, Doc]]: ...

    def docs(self, table: str) -> list[Doc]: ...

    def tables(self) -> set[str]: ...

    def lookup(self, table: str, field: str, value: Any) -> list[int]: ...

    def candidates(self, table: str, field: str, op: str,
                   values: list[Any]) -> set[int] | None: ...

    def drop_tables(self, which: Callable[[str], bool]) -> int: ...
