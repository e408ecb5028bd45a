"""The snapshot file: the whole state as one plain TinyDB JSON file (``{table: {doc_id: doc}}``),
only ever replaced whole (temp file, fsync, rename, fsync of the folder)."""

from __future__ import annotations

import json
import os
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

Doc = dict[str, Any]
Tables = dict[str, dict[str, Doc]]

# Tables are written this many documents at a time, so that a snapshot written in a thread lets
# the event loop have the GIL between pieces.
SNAPSHOT_CHUNK = 1000


def fsync_dir(path: Path) -> None:
    """Make a rename or a new file in the folder ``path`` durable."""
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def snapshot_pieces(data: Tables, chunk: int = SNAPSHOT_CHUNK) -> Iterator[str]:
    """``json.dumps(data)`` (compact, UTF-8) in pieces of at most ``chunk`` documents.

    Each piece is one C-encoded ``json.dumps``: ``json.dump`` streams through the pure Python
    encoder, several times slower for large tables.
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


class CorruptFile(ValueError):
    """A database file the store cannot read; the message names it and says what is wrong."""


def read_snapshot(path: Path) -> Tables:
    """The snapshot's tables; empty when there is no snapshot yet. ``CorruptFile`` when the
    file is not a snapshot: not JSON, or not tables of documents by id."""
    if not path.exists() or path.stat().st_size == 0:
        return {}
    try:
        with open(path, encoding="utf-8") as fh:
            data = json.load(fh)
    except UnicodeDecodeError as exc:
        raise CorruptFile(f"{path} is not a b2b-mock database: it is not UTF-8 text "
                          f"(byte {exc.start})") from None
    except ValueError as exc:
        raise CorruptFile(f"{path} is not a b2b-mock database: it is not JSON ({exc})") from None
    except RecursionError:
        raise CorruptFile(f"{path} is not a b2b-mock database: its JSON nests too deep") \
            from None
    if not isinstance(data, dict):
        raise CorruptFile(f"{path} is not a b2b-mock database: it holds a JSON "
                          f"{type(data).__name__}, not tables")
    for name, docs in data.items():
        if not isinstance(docs, dict) or not all(
                isinstance(key, str) and key.isdigit() and isinstance(doc, dict)
                for key, doc in docs.items()):
            raise CorruptFile(f"{path} is not a b2b-mock database: its table {name[:80]!r} "
                              "is not documents by whole-number id")
    return data


def remove_unfinished(path: Path) -> None:
    """Delete temp snapshots a crash cut short (the caller owns the files)."""
    for unfinished in path.parent.glob(path.name + ".*.tmp"):
        unfinished.unlink()


def write_snapshot(path: Path, data: Tables) -> None:
    """Replace the snapshot file with ``data``: temp file, fsync, rename, fsync."""
    fd, tmp = tempfile.mkstemp(prefix=path.name + ".", suffix=".tmp", dir=path.parent)
    try:
        os.fchmod(fd, 0o644)
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            for piece in snapshot_pieces(data):
                fh.write(piece)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    fsync_dir(path.parent)
