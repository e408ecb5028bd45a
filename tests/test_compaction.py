"""Folding the journal into a snapshot while running: off the lock, and safe to crash in."""

from __future__ import annotations

import json
import threading

import pytest

from mock_server.store import Store
from mock_server.store.snapshot import snapshot_pieces

SEPARATORS = (",", ":")


def _put(store: Store, doc_id: int, **fields: object) -> None:
    with store.transaction() as tx:
        tx.put("t1/accounts", doc_id, {"id": doc_id, "name": "x" * 40, **fields})


def _ids(store: Store) -> list[int]:
    return [doc_id for doc_id, _ in store.all("t1/accounts")]


@pytest.mark.parametrize("size", [0, 1, 2, 3, 4, 7, 10])
def test_the_snapshot_in_pieces_is_the_same_text_as_one_json_dumps(size: int) -> None:
    data = {"t1/accounts": {str(i): {"id": i, "name": f"Bäckerei {i}", "tags": [i, None]}
                            for i in range(size)},
            "t1/users/1001": {}, "t2s3/accounts": {"5": {"ok": True, "ß": "ẞ"}}}
    expected = json.dumps(data, ensure_ascii=False, separators=SEPARATORS)
    pieces = list(snapshot_pieces(data, chunk=3))
    assert "".join(pieces) == expected
    assert all(piece.count('"id":') <= 3 for piece in pieces)  # no piece holds more than 3


class _HeldSnapshots:
    """Makes the compaction thread's snapshot writes wait until released (or fail)."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch, fail: bool = False) -> None:
        self.entered = threading.Event()
        self.release = threading.Event()
        self.threads: list[str] = []
        real = Store._write_snapshot

        def write_snapshot(store: Store, data: dict) -> None:
            self.threads.append(threading.current_thread().name)
            if threading.current_thread() is not threading.main_thread():
                self.entered.set()
                assert self.release.wait(10)
                if fail:
                    raise OSError(28, "No space left on device")
            real(store, data)

        monkeypatch.setattr(Store, "_write_snapshot", write_snapshot)


def test_writes_go_on_while_the_snapshot_is_written(tmp_path, monkeypatch) -> None:
    path = tmp_path / "db.json"
    store = Store(path, compact_bytes=2000)
    held = _HeldSnapshots(monkeypatch)
    doc_id = 0
    while not held.entered.is_set():
        doc_id += 1
        _put(store, doc_id)
        assert doc_id < 100, "the journal was never folded"
    assert held.entered.wait(10)
    assert held.threads == ["b2b-mock-compaction"]
    folded = doc_id
    for more in range(folded + 1, folded + 31):  # the lock is free: these do not wait
        _put(store, more)
    assert store.old_journal_path.exists()
    held.release.set()
    store.close()
    assert not store.old_journal_path.exists()
    snapshot = json.loads(path.read_text())["t1/accounts"]
    assert sorted(int(i) for i in snapshot) == list(range(1, folded + 1))
    reopened = Store(path)
    assert _ids(reopened) == list(range(1, folded + 31))
    reopened.close()


def test_a_snapshot_that_fails_loses_nothing_and_the_next_fold_is_done_in_front(
        tmp_path, monkeypatch) -> None:
    path = tmp_path / "db.json"
    store = Store(path, compact_bytes=2000)
    held = _HeldSnapshots(monkeypatch, fail=True)
    doc_id = 0
    while not held.entered.is_set():
        doc_id += 1
        _put(store, doc_id)
        assert doc_id < 100, "the journal was never folded in the background"
    held.release.set()
    store._compacting.join()
    assert store.old_journal_path.exists()  # what the failed snapshot was to hold
    (tmp_path / "db.json.k2v9x1.tmp").write_text('{"t1/accounts": {')  # one cut short
    _put(store, doc_id + 1)
    store.close()
    reopened = Store(path)  # as after a crash: the old journal, then the journal
    assert _ids(reopened) == list(range(1, doc_id + 2))
    assert not reopened.old_journal_path.exists()  # folded at start-up
    assert sorted(p.name for p in tmp_path.iterdir()) == ["db.json", "db.json.journal",
                                                         "db.json.lock"]
    reopened.close()

    store = Store(path, compact_bytes=2000)
    held = _HeldSnapshots(monkeypatch, fail=True)
    held.release.set()
    count = doc_id + 1
    while not held.entered.is_set():
        count += 1
        _put(store, count)
        assert count < 300, "the journal was never folded in the background"
    store._compacting.join()
    while "MainThread" not in held.threads:  # past the threshold again: folded in front
        count += 1
        _put(store, count)
        assert count < 300, "the journal was never folded again"
    assert not store.old_journal_path.exists()
    assert sorted(int(i) for i in json.loads(path.read_text())["t1/accounts"]) \
        == list(range(1, count + 1))
    store.close()


def test_an_old_journal_already_in_the_snapshot_is_replayed_harmlessly(tmp_path) -> None:
    path = tmp_path / "db.json"
    store = Store(path)
    for doc_id in range(1, 6):
        _put(store, doc_id)
    with store.transaction() as tx:
        tx.delete("t1/accounts", 2)
        tx.put("t1/accounts", 3, {"id": 3, "name": "renamed"})
        tx.drop("t1/users/1001")
        tx.put("t1/users/1001", 1, {"userId": "u1"})
    lines = store.journal_path.read_bytes()
    store.compact()
    _put(store, 6)
    store.close()
    store = Store(path)
    expected = store.dump()
    store.close()
    # a crash after the snapshot was replaced but before the old journal was deleted
    store.old_journal_path.write_bytes(lines)
    reopened = Store(path)
    assert reopened.dump() == expected
    assert reopened.all("t1/accounts")[2] == (4, {"id": 4, "name": "x" * 40})
    reopened.close()
