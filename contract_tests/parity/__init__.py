"""Parity mode: the same scenarios against the real service and the mock, answer by answer.

Run against any base URL with real credentials, the scenarios (``scenarios.py``) record what the
service answered as snapshot files (``snapshots/``), every id, date, tenant, run tag and
correlation id replaced by a placeholder that keeps identity (``snapshots.normalize``). Run
against the mock, they compare its answers with the snapshots and report each difference by its
path (``snapshots.compare``); deliberate differences are declared per path, with their reason,
in ``differences.json``. ``make parity`` compares, ``make parity URL=... RECORD=1`` records.
"""
