"""The mock's database: TinyDB tables in memory, made durable by a snapshot file and a
write-ahead log.

TinyDB's own JSONStorage re-reads and re-parses the whole file on every access and rewrites it
in place on every write, so it is slow with many documents and can leave a torn file behind.
Here TinyDB runs on an in-memory storage; every committed transaction is a line of the
write-ahead log (``wal``), and the log is folded into a fresh snapshot (``snapshot``) at start-up
and whenever it grows past a threshold.

While running, folding happens off the event loop: under the lock the tables are copied
(shallowly: documents are never changed in place) and the log is set aside, all of it fsynced,
with a fresh log taking the writes that follow; a thread then writes the copy as the new
snapshot and deletes the old log. A crash in between leaves the old log behind, and start-up
replays it before the log: replaying puts, deletes and drops of whole documents over a snapshot
that already holds them changes nothing.

Stored documents are never changed in place: a writer copies the document, changes the copy and
puts it. Readers may therefore hand stored documents out (to be serialized) without copying.
"""

from __future__ import annotations

import fcntl
import json
import logging
import os
import threading
import weakref
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO, Any

from tinydb import TinyDB
from tinydb.storages import MemoryStorage

from .indexes import NO_INDEXES, Index, Layout, OrderedIndex, add_to, remove_from
from .snapshot import fsync_dir, read_snapshot, remove_unfinished, write_snapshot
from .wal import Op, PendingSync, WriteAheadLog, deferring, replay

log = logging.getLogger(__name__)

Doc = dict[str, Any]

LOG_FOLD_BYTES = 32 * 1024 * 1024


class _Frozen(dict[str, dict[str, Doc]]):
    """A frozen view of the tables (a dict that a weak reference can point at)."""


class StoreLocked(RuntimeError):
    """Another process (a running server) has the database file open."""


class Transaction:
    """Writes collected under the store's lock; applied all together when the block ends."""

    def __init__(self, store: Store) -> None:
        self._store = store
        self.ops: list[Op] = []

    def put(self, table: str, doc_id: int, doc: Doc) -> None:
        """Store ``doc`` whole under ``doc_id``, replacing what was there."""
        self.ops.append(("put", table, doc_id, doc))

    def delete(self, table: str, doc_id: int) -> None:
        self.ops.append(("del", table, doc_id, None))

    def drop(self, table: str) -> None:
        self.ops.append(("drop", table, None, None))

    def next_id(self, table: str, start: int = 1) -> int:
        """A new document id for ``table``, never handed out before in this process."""
        return self._store._next_id(table, start)

    def pending(self, table: str) -> dict[int, Doc]:
        """The documents this transaction has put into ``table`` so far."""
        return {doc_id: doc for kind, name, doc_id, doc in self.ops
                if kind == "put" and name == table and doc_id is not None and doc is not None}


class Store:
    """Tables of JSON documents keyed by integer ids, in memory, durable when given a path.

    All access goes through one re-entrant lock: TinyDB is not thread-safe, and the domain's
    read-check-write sequences (unique e-mails, say) must be atomic. ``layout`` says which
    fields of which tables to index.
    """

    def __init__(self, path: str | os.PathLike[str] | None = None,
                 compact_bytes: int = LOG_FOLD_BYTES, layout: Layout | None = None) -> None:
        self.path = Path(path) if path is not None else None
        self.compact_bytes = compact_bytes
        self.layout: Layout = layout if layout is not None else NO_INDEXES
        self.lock = threading.RLock()
        self.db = TinyDB(storage=MemoryStorage)
        self._indexed_by_table: dict[str, dict[str, Callable[[Any], Any]]] = {}
        self._next_ids: dict[str, int] = {}
        self._indexes: dict[str, dict[str, Index]] = {}
        self._ordered: dict[str, dict[str, OrderedIndex]] = {}
        self.log: WriteAheadLog | None = None
        self._lock_file: IO[str] | None = None
        self._compacting: threading.Thread | None = None  # the last thread writing a snapshot
        self._version = 0  # counts applied transactions: a frozen view is good until it moves
        self._frozen: tuple[int, weakref.ref[_Frozen]] | None = None
        if self.path is not None:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            self._take_file_lock(self.path)
            self.log = WriteAheadLog(self.path.with_name(self.path.name + ".journal"))
            self._load(self.path, self.log)

    def _take_file_lock(self, path: Path) -> None:
        """One process at a time owns the files; a second one would fork the history."""
        self._lock_file = open(path.with_name(path.name + ".lock"), "a+")
        try:
            fcntl.flock(self._lock_file, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            self._lock_file.close()
            self._lock_file = None
            raise StoreLocked(f"{path} is in use by another b2b-mock process") from None

    # ------------------------------------------------------------------ files
    @property
    def journal_path(self) -> Path:
        assert self.log is not None
        return self.log.path

    @property
    def old_journal_path(self) -> Path:
        """The log set aside while its snapshot is written (``_compact_in_background``)."""
        assert self.log is not None
        return self.log.old_path

    def _load(self, path: Path, wal: WriteAheadLog) -> None:
        remove_unfinished(path)  # this process owns the files now
        data = read_snapshot(path)
        self.db.storage.write(data)
        for name, docs in data.items():
            for doc_id, doc in docs.items():
                self._index(name, int(doc_id), None, doc)
        journaled = wal.old_path.exists()
        for logged in (wal.old_path, wal.path):
            if logged.exists() and logged.stat().st_size > 0:
                journaled = True
                for ops in replay(logged):
                    self._apply(ops)
        if journaled or not path.exists():
            self.compact()
        else:  # the snapshot is the whole state already: rewriting it would only cost time
            wal.start()

    def compact(self) -> None:
        """Write the whole state as a fresh snapshot and empty the log, now."""
        if self.log is None:
            return
        with self.lock:
            self._wait_for_compaction()
            self._write_snapshot(self.db.storage.read() or {})
            self.log.old_path.unlink(missing_ok=True)
            self.log.start()

    def _compact_in_background(self) -> None:
        """Fold the log into a snapshot without holding the lock while it is written.

        Called with the lock held. Rewriting a large snapshot takes seconds; copying its tables
        takes milliseconds. A compaction that failed leaves the old log in place, so the next
        one is done in the foreground (``compact``), which replaces both.
        """
        assert self.log is not None
        if self._compacting is not None and self._compacting.is_alive():
            return
        if self.log.old_path.exists():
            self.compact()
            return
        tables = {name: dict(docs) for name, docs in (self.db.storage.read() or {}).items()}
        self.log.set_aside()
        self._compacting = threading.Thread(target=self._finish_compaction, args=(tables,),
                                            name="b2b-mock-compaction", daemon=True)
        self._compacting.start()

    def _finish_compaction(self, tables: dict[str, dict[str, Doc]]) -> None:
        """In a thread: the copied tables become the snapshot, the old log goes."""
        assert self.log is not None and self.path is not None
        try:
            self._write_snapshot(tables)
            self.log.old_path.unlink()
            fsync_dir(self.path.parent)
        except BaseException:
            log.exception("compaction failed; the next one runs in the foreground")

    def _wait_for_compaction(self) -> None:
        if self._compacting is not None:
            self._compacting.join()

    def _write_snapshot(self, data: dict[str, dict[str, Doc]]) -> None:
        assert self.path is not None
        write_snapshot(self.path, data)

    def deferred_sync(self) -> PendingSync:
        """For a ``with`` block whose transactions leave their fsync to ``PendingSync.durable``."""
        return PendingSync(self.log)

    def close(self) -> None:
        with self.lock:
            self._wait_for_compaction()
            if self.log is not None:
                self.log.close()
            if self._lock_file is not None:
                self._lock_file.close()
                self._lock_file = None

    # ------------------------------------------------------------------ writes
    @contextmanager
    def transaction(self) -> Iterator[Transaction]:
        """Hold the lock; on a clean exit, log (fsync) then apply the collected writes."""
        with self.lock:
            tx = Transaction(self)
            yield tx
            if not tx.ops:
                return
            if self.log is not None:
                start, position = self.log.append(tx.ops)
                pending = deferring(self.log)
                if pending is not None:
                    pending.position = position
                else:
                    self.log.sync_to(position, cut_from=start)
            self._apply(tx.ops)
            if self.log is not None and self.log.size > self.compact_bytes:
                self._compact_in_background()

    def _apply(self, ops: list[Op]) -> None:
        """Put the ops into the MemoryStorage's tables directly, in O(1) each (TinyDB's Table
        API copies the whole table on every write); the documents and the layout stay
        TinyDB's."""
        tables = self.db.storage.read()
        if tables is None:
            tables = {}
            self.db.storage.write(tables)
        self._version += 1
        for kind, name, doc_id, doc in ops:
            if kind == "drop":
                tables.pop(name, None)
                self._next_ids.pop(name, None)
                self._indexes.pop(name, None)
                self._ordered.pop(name, None)
            elif kind == "put" and doc_id is not None:
                if name in self._next_ids and doc_id >= self._next_ids[name]:
                    self._next_ids[name] = doc_id + 1
                docs = tables.setdefault(name, {})
                self._index(name, doc_id, docs.get(str(doc_id)), doc)
                docs[str(doc_id)] = doc
            elif kind == "del" and doc_id is not None:
                self._index(name, doc_id, tables.get(name, {}).pop(str(doc_id), None), None)

    def _index(self, name: str, doc_id: int, old: Doc | None, new: Doc | None) -> None:
        for field, key in self._indexed_fields(name).items():
            index = self._indexes.setdefault(name, {}).setdefault(field, {})
            if old is not None and old.get(field) is not None:
                remove_from(index, key(old[field]), doc_id)
            if new is not None and new.get(field) is not None:
                add_to(index, key(new[field]), doc_id)
        for ordered in self._ordered.get(name, {}).values():
            ordered.update(doc_id, old, new)

    # ------------------------------------------------------------------ index lookups
    def lookup(self, table: str, field: str, value: Any) -> list[int]:
        """Ids of the documents whose ``field`` matches ``value``, from a hash index
        (matching as the index keys it: e-mails regardless of case, say)."""
        fields = self._indexed_fields(table)
        if field not in fields:
            raise KeyError(f"{table}.{field} is not indexed")
        with self.lock:
            ids = self._indexes.get(table, {}).get(field, {}).get(fields[field](value), ())
            return [ids] if isinstance(ids, int) else sorted(ids)

    def candidates(self, table: str, field: str, op: str, values: list[Any]) -> set[int] | None:
        """Ids of the documents that may satisfy ``field op value`` (``eq``, or ``in`` one of
        ``values``, or ``sw``, all regardless of case as the indexes key them), from an index: a superset of those that do, for
        the caller to test. None when no index of the table covers the comparison."""
        if op not in ("eq", "in", "sw"):
            return None
        with self.lock:
            if field in self._indexed_fields(table) and op != "sw":
                return set().union(*(self.lookup(table, field, value) for value in values))
            if field not in self._ordered_fields(table) or \
                    not all(isinstance(value, str) for value in values):
                return None
            ordered = self._ordered_index(table, field)
            if op == "sw":
                return ordered.starting_with(values[0])
            return set().union(*(ordered.equal_to(value) for value in values))

    def _ordered_index(self, table: str, field: str) -> OrderedIndex:
        by_field = self._ordered.setdefault(table, {})
        if field not in by_field:
            by_field[field] = OrderedIndex((self.db.storage.read() or {}).get(table) or {},
                                           field)
        return by_field[field]

    def _indexed_fields(self, table: str) -> dict[str, Callable[[Any], Any]]:
        """The hash-indexed fields of a table, by the layout's markers (remembered per table)."""
        found = self._indexed_by_table.get(table)
        if found is None:
            found = self._indexed_by_table[table] = next(
                (f for marker, f in self.layout.indexed.items() if marker in table), {})
        return found

    def _ordered_fields(self, table: str) -> tuple[str, ...]:
        return next((f for marker, f in self.layout.ordered.items() if table.endswith(marker)),
                    ())

    def _next_id(self, table: str, start: int) -> int:
        with self.lock:
            current = self._next_ids.get(table)
            if current is None:
                ids = [int(k) for k in (self.db.storage.read() or {}).get(table, {})]
                current = max(ids, default=start - 1) + 1
            current = max(current, start)
            self._next_ids[table] = current + 1
            return current

    # ------------------------------------------------------------------ reads
    def get(self, table: str, doc_id: int) -> Doc | None:
        """The document, or None. Callers must not mutate it: copy first."""
        with self.lock:
            raw = (self.db.storage.read() or {}).get(table)
            if not raw:
                return None
            found: Doc | None = raw.get(str(doc_id))
            return found

    def all(self, table: str) -> list[tuple[int, Doc]]:
        """Every (doc_id, document) of the table, in insertion order."""
        with self.lock:
            raw = (self.db.storage.read() or {}).get(table) or {}
            return [(int(k), v) for k, v in raw.items()]

    def docs(self, table: str) -> list[Doc]:
        """Every document of the table, in insertion order (no ids: cheaper than ``all``)."""
        with self.lock:
            return list(((self.db.storage.read() or {}).get(table) or {}).values())

    def tables(self) -> set[str]:
        with self.lock:
            return set((self.db.storage.read() or {}).keys())

    def drop_tables(self, which: Callable[[str], bool]) -> int:
        """Drop every table whose name ``which`` accepts, durably; returns how many."""
        with self.transaction() as tx:
            names = [name for name in self.tables() if which(name)]
            for name in names:
                tx.drop(name)
        return len(names)

    def replace(self, data: dict[str, dict[str, Doc]]) -> None:
        """Make ``data`` (TinyDB's file layout) the whole state, durably and at once (the
        tables the layout keeps in id order sorted so, the others in the order given).

        Raises ValueError, before changing anything, when ``data`` is not in that layout.
        """
        for name, docs in data.items():
            if not isinstance(docs, dict) or not all(str(k).isdigit() and isinstance(v, dict)
                                                     for k, v in docs.items()):
                raise ValueError(f"table '{name}' must map whole-number ids to documents")
        with self.transaction() as tx:
            for name in self.tables():
                tx.drop(name)
            for name, docs in data.items():
                rows = [(int(doc_id), doc) for doc_id, doc in docs.items()]
                if name.endswith(self.layout.id_ordered):
                    rows.sort(key=lambda row: row[0])
                for doc_id, doc in rows:
                    tx.put(name, doc_id, doc)

    def frozen(self) -> dict[str, dict[str, Doc]]:
        """Every table as it is now, without copying a document (they are never changed in
        place): one view shared by every caller until the next write, so that a hundred
        exports of an unchanged store hold one view between them. Read only."""
        with self.lock:
            view = self._frozen[1]() if self._frozen is not None \
                and self._frozen[0] == self._version else None
            if view is None:
                view = _Frozen((name, dict(docs))
                               for name, docs in (self.db.storage.read() or {}).items())
                self._frozen = (self._version, weakref.ref(view))
            return view

    def dump(self) -> dict[str, dict[str, Doc]]:
        """A deep copy of every table, in TinyDB's file layout."""
        with self.lock:
            copied: dict[str, dict[str, Doc]] = json.loads(json.dumps(self.db.storage.read() or {}))
            return copied
