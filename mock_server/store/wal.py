"""The write-ahead log: one JSON line per committed transaction, holding the documents it wrote
in full, fsynced before the transaction is answered.

Replaying the log over the snapshot gives the state back; a torn last line (a crash in the
middle of a write that was never answered) is dropped. The file is ``<snapshot>.journal``; while
a snapshot is being written from a copy of the tables, the log that copy covers waits as
``<snapshot>.journal.old``.

A writer on the event loop may ask for its fsync later (``PendingSync``): its line is written
and its change applied under the store's lock, and it then waits for an fsync, run in a worker
thread, that covers its line before it answers. Writers that arrive while one fsync runs share
the next one (group commit). Until then other readers may already see the change; a crash in
that window loses it, but nobody was told it was stored.
"""

from __future__ import annotations

import asyncio
import json
import os
import threading
from collections.abc import Iterator
from contextvars import ContextVar
from pathlib import Path
from typing import IO, Any

from .snapshot import CorruptFile, fsync_dir

Doc = dict[str, Any]
Op = tuple[str, str, "int | None", "Doc | None"]  # (kind, table, doc_id, doc)


class LogBroken(RuntimeError):
    """An fsync of the log failed: what is on disk is unknown, so no write is accepted."""


def replay(path: Path) -> Iterator[list[Op]]:
    """The transactions of a log file, oldest first, up to a torn last line (a write a crash
    cut short, never acknowledged). A line that cannot be read with more after it is no torn
    write: ``CorruptFile``, rather than dropping the acknowledged writes after it."""
    if not path.exists():
        return
    with open(path, "rb") as fh:
        for number, raw in enumerate(fh, 1):
            try:
                if not raw.endswith(b"\n"):
                    raise ValueError("a line cut short")
                record = json.loads(raw)
                ops = [(op[0], op[1], op[2], op[3]) for op in record]
            except (ValueError, TypeError, KeyError, IndexError) as exc:
                if fh.read(1):
                    raise CorruptFile(f"{path} line {number} is not a transaction ({exc}), "
                                      "and more follow it: the log is damaged") from None
                return  # torn tail: never acknowledged
            yield ops


class WriteAheadLog:
    """The open log file, with how much was written to it and how much is known to be on disk
    (positions only grow: setting the log aside makes everything so far durable)."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.old_path = path.with_name(path.name + ".old")
        self.written = 0
        self.synced = 0
        self._file: IO[bytes] | None = None
        self._sync_lock = threading.Lock()
        self._broken: BaseException | None = None
        self._committers: dict[int, _Committer] = {}  # by event loop

    @property
    def size(self) -> int:
        """Bytes in the current file."""
        return self._file.tell() if self._file is not None else 0

    def start(self) -> None:
        """Begin an empty log file: everything written so far is in the snapshot, or in the old
        log a snapshot is being written from."""
        with self._sync_lock:
            if self._file is not None:
                self._file.close()
            self._start()

    def _start(self) -> None:
        """Open an empty file (with the sync lock held): on disk before any line."""
        self._file = open(self.path, "wb")
        os.fsync(self._file.fileno())
        fsync_dir(self.path.parent)
        self.synced = self.written

    def set_aside(self) -> None:
        """Make all of the log durable, keep it as the old log, and start a fresh one.

        When that fails what the files hold is unknown, and no later write is accepted.
        """
        with self._sync_lock:
            try:
                assert self._file is not None
                os.fsync(self._file.fileno())
                self.synced = self.written
                self._file.close()
                os.replace(self.path, self.old_path)
                self._start()
            except BaseException as exc:
                self._broken = exc
                raise

    def append(self, ops: list[Op]) -> tuple[int, int]:
        """Append one line (to the OS, not yet fsynced); returns its file offset and the log
        position after it.

        A failed write is cut off again: replay stops at the first unreadable line, so a
        half-written line left in the middle (a full disk, say) would hide every later,
        acknowledged write.
        """
        if self._broken is not None:
            raise LogBroken("the journal could not be made durable; restart b2b-mock") \
                from self._broken
        assert self._file is not None
        line = json.dumps(ops, ensure_ascii=False, separators=(",", ":")).encode() + b"\n"
        start = self._file.tell()
        try:
            self._file.write(line)
            self._file.flush()
        except BaseException:
            self._cut(start)
            raise
        self.written += len(line)
        return start, self.written

    def _cut(self, offset: int) -> None:
        assert self._file is not None
        self.written -= self._file.tell() - offset
        self._file.seek(offset)
        self._file.truncate()

    def sync_to(self, position: int, cut_from: int | None = None) -> None:
        """fsync the log unless an fsync since ``position`` was written already did.

        Runs outside the store's lock, so writers go on while the disk works; the ones that
        queue here meanwhile usually find their lines covered by the fsync they waited for.
        When it fails, the last line is cut off again if ``cut_from`` says where it starts
        (the caller holds the store's lock, so nothing came after it and the change is not
        applied); otherwise changes others can already see are in doubt, and every later
        write is refused (``LogBroken``).
        """
        with self._sync_lock:
            if self.synced >= position:
                return
            if self._broken is not None:
                raise LogBroken("the journal could not be made durable") from self._broken
            assert self._file is not None
            covered = self.written
            try:
                os.fsync(self._file.fileno())
            except BaseException as exc:
                if cut_from is None:
                    self._broken = exc
                else:
                    self._cut(cut_from)
                raise
            self.synced = max(self.synced, covered)

    def committer(self) -> _Committer:
        """The group committer of the running event loop."""
        loop = asyncio.get_running_loop()
        committer = self._committers.get(id(loop))
        if committer is None or committer.loop is not loop:
            committer = self._committers[id(loop)] = _Committer(self, loop)
        return committer

    def close(self) -> None:
        with self._sync_lock:
            if self._file is not None:
                self._file.close()
                self._file = None


class _Committer:
    """One event loop's deferred writers: one fsync at a time, in a worker thread, answering
    every writer whose line it covers; the writers that queue meanwhile share the next one.
    """

    def __init__(self, log: WriteAheadLog, loop: asyncio.AbstractEventLoop) -> None:
        self.log = log
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
                await asyncio.to_thread(self.log.sync_to, max(p for p, _ in batch))
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


class PendingSync:
    """The log position a deferred writer must see fsynced before it answers; within its
    ``with`` block, the store's transactions leave their fsync to it.

    A class rather than a generator context manager: the front door opens one for every call.
    """

    def __init__(self, log: WriteAheadLog | None) -> None:
        self.log = log
        self.position = 0
        self._token: Any = None

    def __enter__(self) -> PendingSync:
        self._token = _deferred.set(self)
        return self

    def __exit__(self, *exc: Any) -> None:
        _deferred.reset(self._token)

    @property
    def outstanding(self) -> bool:
        """Whether a line of this writer's is not on disk yet."""
        return self.log is not None and self.position > self.log.synced

    async def durable(self) -> None:
        """Return once the log is fsynced up to this writer's last line."""
        if self.log is not None and self.outstanding:
            await self.log.committer().wait(self.position)


_deferred: ContextVar[PendingSync | None] = ContextVar("b2b_mock_deferred_sync", default=None)


def deferring(log: WriteAheadLog) -> PendingSync | None:
    """The pending sync that takes over the fsync of a transaction on ``log``, if any."""
    pending = _deferred.get()
    return pending if pending is not None and pending.log is log else None
