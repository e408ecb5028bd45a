"""The store: tables of JSON documents in memory (TinyDB), indexes its user asks for, and the
files that make every answered write durable (a snapshot and a write-ahead log).

It knows tables, ids and documents, never what the documents mean.
"""

from .indexes import Layout
from .snapshot import CorruptFile
from .tables import Store, StoreLocked, Transaction
from .wal import LogBroken, PendingSync

__all__ = ["CorruptFile", "Layout", "LogBroken", "PendingSync", "Store", "StoreLocked",
           "Transaction"]
