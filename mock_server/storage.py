"""TinyDB storage that answers reads from memory and makes every committed write durable.

TinyDB's own JSONStorage re-reads and re-parses the whole file on every access and rewrites it
in place on every write, so it is slow with many documents and can leave a torn file behind.
Here TinyDB runs on an in-memory storage and the file side is split in two:

* the snapshot, ``<path>``: a plain TinyDB JSON file (``{table: {doc_id: doc}}``), only ever
  replaced whole (temp file, fsync, rename, fsync of the folder);
* the journal, ``<path>.journal``: one JSON line per committed transaction, holding the documents
  it wrote in full. A transaction is answered only after its line is fsynced. Replaying the journal
  over the snapshot gives the state back; a torn last line (a crash in the middle of a write that
  was never answered) is dropped.

The journal is folded into a fresh snapshot at start-up and whenever it grows past a threshold.
While running, that happens off the event loop: under the lock the tables are copied (shallowly:
documents are never changed in place) and the journal is set aside as ``<path>.journal.old``,
all of it fsynced, with a fresh journal taking the writes that follow; a thread then writes the
copy as the new snapshot and deletes the old journal. A crash in between leaves the old journal
behind, and start-up replays it before the journal: replaying puts, deletes and drops of whole
documents over a snapshot that already holds them changes nothing.

A writer on the event loop may ask for its fsync later (``deferred_sync``): the line is written
and the change applied under the lock, and the writer then waits for an fsync, run in a worker
thread, that covers its line before it answers. Writers that arrive while one fsync runs share
the next one (group commit). Until then other readers may already see the change; a crash in
that window loses it, but nobody was told it was stored.

Stored documents are never changed in place: a writer copies the document, changes the copy and
puts it. Readers may therefore hand stored documents out (to be serialized) without copying.
"""

from __future__ import annotations

import asyncio
import bisect
import fcntl
import json
import logging
import os
import tempfile
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from pathlib import Path
from dataclasses import dataclass, field
from typing import Any, Protocol

from tinydb import TinyDB
from tinydb.storages import MemoryStorage

log = logging.getLogger(__name__)

Doc = dict[str, Any]
Op = tuple[str, str, int | None, Doc | None]  # (kind, table, doc_id, doc)

JOURNAL_COMPACT_BYTES = 32 * 1024 * 1024
# Tables are written to a snapshot this many documents at a time, so that a snapshot written in
# a thread lets the event loop have the GIL between pieces.
SNAPSHOT_CHUNK = 1000

class Layout(Protocol):
    """Which tables get which indexes: given by the store's user (the domain's ``TableLayout``).

    ``indexed``: for tables whose name contains a marker, hash indexes on fields, keyed by the
    function given; ``ordered``: for tables whose name ends with a marker, text fields kept
    sorted by their lower-case form (built at the first filter that asks, then kept by every
    write); ``id_ordered``: name endings of tables whose documents are listed in id order
    (``replace`` sorts them so).
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


class OrderedIndex:
    """(lower-case text, doc id) pairs of one field, sorted; documents whose field is not text
    are left out, since no text comparison can match them."""

    def __init__(self, docs: dict[str, Doc], field: str) -> None:
        self.field = field
        self.keys: list[tuple[str, int]] = sorted(
            (doc[field].lower(), int(doc_id)) for doc_id, doc in docs.items()
            if isinstance(doc.get(field), str))

    def update(self, doc_id: int, old: Doc | None, new: Doc | None) -> None:
        before = old.get(self.field) if old is not None else None
        after = new.get(self.field) if new is not None else None
        if before == after:
            return
        if isinstance(before, str):
            entry = (before.lower(), doc_id)
            at = bisect.bisect_left(self.keys, entry)
            if at < len(self.keys) and self.keys[at] == entry:
                del self.keys[at]
        if isinstance(after, str):
            bisect.insort(self.keys, (after.lower(), doc_id))

    def starting_with(self, prefix: str) -> set[int]:
        """Ids whose text, in lower case, starts with ``prefix`` (lower case)."""
        return self._run(prefix, lambda key: key.startswith(prefix))

    def equal_to(self, text: str) -> set[int]:
        """Ids whose text equals ``text`` regardless of case."""
        text = text.lower()
        return self._run(text, lambda key: key == text)

    def _run(self, first: str, within: Callable[[str], bool]) -> set[int]:
        """The ids of the sorted run of keys from ``first`` on that ``within`` accepts."""
        keys, found = self.keys, set()
        at = bisect.bisect_left(keys, (first,))
        while at < len(keys) and within(keys[at][0]):
            found.add(keys[at][1])
            at += 1
        return found


def _fsync_dir(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def snapshot_pieces(data: dict[str, dict[str, Doc]],
                    chunk: int = SNAPSHOT_CHUNK) -> Iterator[str]:
    """``json.dumps(data)`` (compact, UTF-8) in pieces of at most ``chunk`` documents.

    Each piece is one C-encoded ``json.dumps`` (json.dump streams through the Python encoder:
    4 s instead of 0.6 for 100,000 users).
    """
    def dumps(value: Any) -> str:
        return json.dumps(value, ensure_ascii=False, separators=(",", ":"))

    yield "{"
    for number, (name, docs) in enumerate(data.items()):
        yield ("," if number else "") + dumps(name) + ":"
        if len(docs) <= chunk:
            yield dumps(docs)
            continue
        rows = list(docs.items())
        yield "{"
        for start in range(0, len(rows), chunk):
            yield ("," if start else "") + dumps(dict(rows[start:start + chunk]))[1:-1]
        yield "}"
    yield "}"


# An index maps a key to one document id, or to a set of them when several share it: a set per
# key would cost 100,000 users some 40 MB more.
Index = dict[Any, "int | set[int]"]


def _reindex(index: Index, key: Any, doc_id: int) -> None:
    ids = index.get(key)
    if ids is None or ids == doc_id:
        index[key] = doc_id
    elif isinstance(ids, int):
        index[key] = {ids, doc_id}
    else:
        ids.add(doc_id)


def _unindex(index: Index, key: Any, doc_id: int) -> None:
    ids = index.get(key)
    if ids == doc_id:
        del index[key]
    elif isinstance(ids, set):
        ids.discard(doc_id)
        if len(ids) == 1:
            index[key] = ids.pop()


class StoreLocked(RuntimeError):
    """Another process (a running server) has the database file open."""


class JournalBroken(RuntimeError):
    """An fsync of the journal failed: what is on disk is unknown, so no write is accepted."""


class PendingSync:
    """The journal position a deferred writer must see fsynced before it answers; within its
    ``with`` block, the store's transactions leave their fsync to it (``Store.deferred_sync``).

    A class rather than a generator context manager: the front door opens one for every call.
    """

    def __init__(self, store: "Store") -> None:
        self.store = store
        self.position = 0
        self._token: Any = None

    def __enter__(self) -> "PendingSync":
        self._token = _deferred.set(self)
        return self

    def __exit__(self, *exc: Any) -> None:
        _deferred.reset(self._token)

    @property
    def outstanding(self) -> bool:
        """Whether a line of this writer's is not on disk yet."""
        return self.position > self.store._synced

    async def durable(self) -> None:
        """Return once the journal is fsynced up to this writer's last line."""
        if self.outstanding:
            await self.store._committer().wait(self.position)


class _Committer:
    """One event loop's deferred writers: one fsync at a time, in a worker thread, answering
    every writer whose line it covers; the writers that queue meanwhile share the next one.
    """

    def __init__(self, store: "Store", loop: asyncio.AbstractEventLoop) -> None:
        self.store = store
        self.loop = loop
        self.waiting: list[tuple[int, asyncio.Future[None]]] = []
        self.task: asyncio.Task[None] | None = None

    async def wait(self, position: int) -> None:
        future = self.loop.create_future()
        self.waiting.append((position, future))
        if self.task is None or self.task.done():
            self.task = self.loop.create_task(self._run())
        await future

    async def _run(self) -> None:
        while self.waiting:
            batch, self.waiting = self.waiting, []
            try:
                await asyncio.to_thread(self.store.sync_to, max(p for p, _ in batch))
            except Exception as exc:  # every writer of the batch is told it failed
                for _, future in batch:
                    if not future.done():
                        future.set_exception(exc)
            except BaseException:
                for _, future in batch + self.waiting:
                    future.cancel()
                raise
            else:
                for _, future in batch:
                    if not future.done():
                        future.set_result(None)


_deferred: ContextVar[PendingSync | None] = ContextVar("b2b_mock_deferred_sync", default=None)


class Transaction:
    """Writes collected under the store's lock; applied all together when the block ends."""

    def __init__(self, store: "Store") -> None:
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
    """The mock's database: TinyDB in memory, a snapshot file and a journal on disk.

    All access goes through one re-entrant lock: TinyDB is not thread-safe, and the domain's
    read-check-write sequences (unique e-mails, say) must be atomic.
    """

    def __init__(self, path: str | os.PathLike[str] | None = None,
                 compact_bytes: int = JOURNAL_COMPACT_BYTES,
                 layout: Layout | None = None) -> None:
        self.path = Path(path) if path is not None else None
        self.layout: Layout = layout if layout is not None else NO_INDEXES
        self.compact_bytes = compact_bytes
        self.lock = threading.RLock()
        self.db = TinyDB(storage=MemoryStorage)
        self._indexed_by_table: dict[str, dict[str, Callable[[Any], Any]]] = {}
        self._next_ids: dict[str, int] = {}
        self._indexes: dict[str, dict[str, Index]] = {}
        self._ordered: dict[str, dict[str, OrderedIndex]] = {}
        self._journal: Any = None
        self._lock_file: Any = None
        # Bytes ever appended to the journal, and how many of them are known to be on disk;
        # both only grow (compaction makes everything so far durable).
        self._written = 0
        self._synced = 0
        self._sync_lock = threading.Lock()
        self._committers: dict[int, _Committer] = {}  # by event loop
        self._broken: BaseException | None = None
        self._compacting: threading.Thread | None = None  # the last thread writing a snapshot
        if self.path is not None:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            self._take_file_lock()
            self._load()

    def _take_file_lock(self) -> None:
        """One process at a time owns the files; a second one would fork the history."""
        self._lock_file = open(self.path.with_name(self.path.name + ".lock"), "a+")
        try:
            fcntl.flock(self._lock_file, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            self._lock_file.close()
            self._lock_file = None
            raise StoreLocked(f"{self.path} is in use by another b2b-mock process") from None

    # ------------------------------------------------------------------ files
    @property
    def journal_path(self) -> Path:
        assert self.path is not None
        return self.path.with_name(self.path.name + ".journal")

    @property
    def old_journal_path(self) -> Path:
        """The journal set aside while its snapshot is written (``_compact_in_background``)."""
        assert self.path is not None
        return self.path.with_name(self.path.name + ".journal.old")

    def _load(self) -> None:
        assert self.path is not None
        for unfinished in self.path.parent.glob(self.path.name + ".*.tmp"):
            unfinished.unlink()  # a snapshot cut short; this process owns the files now
        data: dict[str, dict[str, Doc]] = {}
        if self.path.exists() and self.path.stat().st_size > 0:
            with open(self.path, encoding="utf-8") as fh:
                data = json.load(fh)
        self.db.storage.write(data)
        for name, docs in data.items():
            for doc_id, doc in docs.items():
                self._index(name, int(doc_id), None, doc)
        journaled = self.old_journal_path.exists()
        for journal in (self.old_journal_path, self.journal_path):
            if journal.exists() and journal.stat().st_size > 0:
                journaled = True
                for ops in self._read_journal(journal):
                    self._apply(ops)
        if journaled or not self.path.exists():
            self.compact()
        else:  # the snapshot is the whole state already: rewriting it would only cost time
            self._open_journal()

    def _read_journal(self, path: Path) -> Iterator[list[Op]]:
        with open(path, "rb") as fh:
            for raw in fh:
                if not raw.endswith(b"\n"):
                    break  # torn tail: never acknowledged
                try:
                    record = json.loads(raw)
                except ValueError:
                    break
                yield [tuple(op) for op in record]  # type: ignore[misc]

    def compact(self) -> None:
        """Write the whole state as a fresh snapshot and empty the journal, now."""
        if self.path is None:
            return
        with self.lock:
            self._wait_for_compaction()
            self._write_snapshot(self.db.storage.read() or {})
            self.old_journal_path.unlink(missing_ok=True)
            self._open_journal()

    def _compact_in_background(self) -> None:
        """Fold the journal into a snapshot without holding the lock while it is written.

        Called with the lock held. Rewriting a 100,000-user snapshot takes over a second;
        copying its tables takes ~40 ms. A compaction that failed leaves the old journal in
        place, so the next one is done in the foreground (``compact``), which replaces both.
        """
        if self._compacting is not None and self._compacting.is_alive():
            return
        if self.old_journal_path.exists():
            self.compact()
            return
        tables = {name: dict(docs) for name, docs in (self.db.storage.read() or {}).items()}
        with self._sync_lock:
            try:  # all of the journal on disk, set aside, and a fresh one in its place
                os.fsync(self._journal.fileno())
                self._synced = self._written
                self._journal.close()
                os.replace(self.journal_path, self.old_journal_path)
                self._start_journal()
            except BaseException as exc:  # what the files hold is unknown: no more writes
                self._broken = exc
                raise
        self._compacting = threading.Thread(target=self._finish_compaction, args=(tables,),
                                            name="b2b-mock-compaction", daemon=True)
        self._compacting.start()

    def _finish_compaction(self, tables: dict[str, dict[str, Doc]]) -> None:
        """In a thread: the copied tables become the snapshot, the old journal goes."""
        try:
            self._write_snapshot(tables)
            self.old_journal_path.unlink()
            _fsync_dir(self.path.parent)
        except BaseException:
            log.exception("compaction failed; the next one runs in the foreground")

    def _wait_for_compaction(self) -> None:
        if self._compacting is not None:
            self._compacting.join()

    def _write_snapshot(self, data: dict[str, dict[str, Doc]]) -> None:
        """Replace the snapshot file with ``data``: temp file, fsync, rename, fsync."""
        assert self.path is not None
        fd, tmp = tempfile.mkstemp(prefix=self.path.name + ".", suffix=".tmp",
                                   dir=self.path.parent)
        try:
            os.fchmod(fd, 0o644)
            with os.fdopen(fd, "w", encoding="utf-8") as fh:
                for piece in snapshot_pieces(data):
                    fh.write(piece)
                fh.flush()
                os.fsync(fh.fileno())
            os.replace(tmp, self.path)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
        _fsync_dir(self.path.parent)

    def _open_journal(self) -> None:
        """Start an empty journal: everything written so far is in the snapshot, or in the
        old journal that a compaction is folding into it."""
        with self._sync_lock:
            if self._journal is not None:
                self._journal.close()
            self._start_journal()

    def _start_journal(self) -> None:
        """Open an empty journal file (with the sync lock held): on disk before any line."""
        assert self.path is not None
        self._journal = open(self.journal_path, "wb")
        os.fsync(self._journal.fileno())
        _fsync_dir(self.path.parent)
        self._synced = self._written

    def _write_journal(self, ops: list[Op]) -> tuple[int, int]:
        """Append one line (to the OS, not yet fsynced); returns its file offset and the
        journal position after it.

        A failed write is cut off again: replay stops at the first unreadable line, so a
        half-written line left in the middle (a full disk, say) would hide every later,
        acknowledged write.
        """
        if self._broken is not None:
            raise JournalBroken("the journal could not be made durable; restart b2b-mock") \
                from self._broken
        line = json.dumps(ops, ensure_ascii=False, separators=(",", ":")).encode() + b"\n"
        start = self._journal.tell()
        try:
            self._journal.write(line)
            self._journal.flush()
        except BaseException:
            self._cut(start)
            raise
        self._written += len(line)
        return start, self._written

    def _cut(self, offset: int) -> None:
        self._written -= self._journal.tell() - offset
        self._journal.seek(offset)
        self._journal.truncate()

    def sync_to(self, position: int, cut_from: int | None = None) -> None:
        """fsync the journal unless an fsync since ``position`` was written already did.

        Runs outside the store's lock, so writers go on while the disk works; the ones that
        queue here meanwhile usually find their lines covered by the fsync they waited for.
        When it fails, the last line is cut off again if ``cut_from`` says where it starts
        (the caller holds the store's lock, so nothing came after it and the change is not
        applied); otherwise changes others can already see are in doubt, and the store
        refuses every later write (``JournalBroken``).
        """
        with self._sync_lock:
            if self._synced >= position:
                return
            if self._broken is not None:
                raise JournalBroken("the journal could not be made durable") from self._broken
            covered = self._written
            try:
                os.fsync(self._journal.fileno())
            except BaseException as exc:
                if cut_from is None:
                    self._broken = exc
                else:
                    self._cut(cut_from)
                raise
            self._synced = max(self._synced, covered)

    def _committer(self) -> _Committer:
        loop = asyncio.get_running_loop()
        committer = self._committers.get(id(loop))
        if committer is None or committer.loop is not loop:
            committer = self._committers[id(loop)] = _Committer(self, loop)
        return committer

    def deferred_sync(self) -> PendingSync:
        """For a ``with`` block whose transactions leave their fsync to ``PendingSync.durable``."""
        return PendingSync(self)

    def close(self) -> None:
        with self.lock:
            self._wait_for_compaction()
            with self._sync_lock:
                if self._journal is not None:
                    self._journal.close()
                    self._journal = None
                if self._lock_file is not None:
                    self._lock_file.close()
                    self._lock_file = None

    # ------------------------------------------------------------------ writes
    @contextmanager
    def transaction(self) -> Iterator[Transaction]:
        """Hold the lock; on a clean exit, journal (fsync) then apply the collected writes."""
        with self.lock:
            tx = Transaction(self)
            yield tx
            if not tx.ops:
                return
            if self._journal is not None:
                start, position = self._write_journal(tx.ops)
                pending = _deferred.get()
                if pending is not None and pending.store is self:
                    pending.position = position
                else:
                    self.sync_to(position, cut_from=start)
            self._apply(tx.ops)
            if self._journal is not None and self._journal.tell() > self.compact_bytes:
                self._compact_in_background()

    def _apply(self, ops: list[Op]) -> None:
        """Put the ops into the MemoryStorage's tables directly, in O(1) each.

        TinyDB's Table API copies the whole table on every write (10,000 AddAccount calls took
        58 s that way, measured here); the documents and the layout stay TinyDB's.
        """
        tables = self.db.storage.read()
        if tables is None:
            tables = {}
            self.db.storage.write(tables)
        for kind, name, doc_id, doc in ops:
            if kind == "drop":
                tables.pop(name, None)
                self._next_ids.pop(name, None)
                self._indexes.pop(name, None)
                self._ordered.pop(name, None)
            elif kind == "put":
                if name in self._next_ids and doc_id >= self._next_ids[name]:
                    self._next_ids[name] = doc_id + 1
                docs = tables.setdefault(name, {})
                self._index(name, doc_id, docs.get(str(doc_id)), doc)
                docs[str(doc_id)] = doc
            elif kind == "del":
                self._index(name, doc_id, tables.get(name, {}).pop(str(doc_id), None), None)

    def _index(self, name: str, doc_id: int, old: Doc | None, new: Doc | None) -> None:
        for field, key in self._indexed_fields(name).items():
            index = self._indexes.setdefault(name, {}).setdefault(field, {})
            if old is not None and old.get(field) is not None:
                _unindex(index, key(old[field]), doc_id)
            if new is not None and new.get(field) is not None:
                _reindex(index, key(new[field]), doc_id)
        for ordered in self._ordered.get(name, {}).values():
            ordered.update(doc_id, old, new)

    def lookup(self, table: str, field: str, value: Any) -> list[int]:
        """Ids of the documents whose ``field`` matches ``value``, from a secondary index
        (matching as the index keys it: e-mails regardless of case)."""
        fields = self._indexed_fields(table)
        if field not in fields:
            raise KeyError(f"{table}.{field} is not indexed")
        with self.lock:
            ids = self._indexes.get(table, {}).get(field, {}).get(fields[field](value), ())
            return [ids] if isinstance(ids, int) else sorted(ids)

    def candidates(self, table: str, field: str, op: str, values: list[Any]) -> set[int] | None:
        """Ids of the documents that may satisfy ``field op value`` (``eq``, or ``in`` one of
        ``values``, or ``sw`` ignoring case), from an index: a superset of those that do, for
        the filter to test. None when no index of the table covers the comparison."""
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
                return ordered.starting_with(values[0].lower())
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
            return raw.get(str(doc_id))

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

    def dump(self) -> dict[str, dict[str, Doc]]:
        """A deep copy of every table, in TinyDB's file layout."""
        with self.lock:
            return json.loads(json.dumps(self.db.storage.read() or {}))

