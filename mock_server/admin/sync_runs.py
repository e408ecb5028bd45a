"""Running ``b2b-sync`` from the operator API ("sync now" on the demo page), and its log.

The sync runs as its own process (``python -m sync_client``), against this server's ERP twin and
B2B API over HTTP, so what the page shows is what the command does for a user; the server never
imports the sync client. One run at a time; its references and log live in ``folder``.
"""

from __future__ import annotations

import asyncio
import json
import os
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

DEMO_SALES_REP = "5b0e9d19811a4ea99c3588ca64ba61ca"  # the seed's sales rep
RUN_TIMEOUT = 600.0


@dataclass
class SyncRun:
    exit_code: int
    summary: str
    errors: list[str]

    def to_dict(self) -> dict[str, Any]:
        return {"exitCode": self.exit_code, "summary": self.summary, "errors": self.errors}


class SyncRunner:
    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self._lock = asyncio.Lock()

    @property
    def log_path(self) -> Path:
        return self.folder / "sync-log.jsonl"

    @property
    def busy(self) -> bool:
        return self._lock.locked()

    async def run(self, url: str, erp_login: tuple[str, str, str],
                  b2b_login: tuple[str, str], tenant: int, full: bool,
                  sales_rep: str | None) -> SyncRun:
        """One ``b2b-sync run`` from the twin at ``url`` into ``tenant``, signed in as the
        server's own ERP login and B2B application (given in the child's environment, not on
        its command line, where any user of the machine could read them)."""
        name, password, company = erp_login
        client_id, client_secret = b2b_login
        env = {**os.environ, "ERP_USER": name, "ERP_PASSWORD": password, "ERP_COMPANY": company,
               "B2B_CLIENT_ID": client_id, "B2B_CLIENT_SECRET": client_secret}
        args = [sys.executable, "-m", "sync_client", "run", "--erp-url", url, "--url", url,
                "--tenant", str(tenant), "--state", str(self.folder / "state.json"),
                "--log", str(self.log_path), "--quiet", "--user", "demo page"]
        if sales_rep:
            args += ["--sales-rep", sales_rep]
        if full:
            args.append("--full")
        async with self._lock:
            self.folder.mkdir(parents=True, exist_ok=True)
            process = await asyncio.create_subprocess_exec(
                *args, env=env, stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE)
            try:
                out, err = await asyncio.wait_for(process.communicate(), RUN_TIMEOUT)
            except asyncio.TimeoutError:
                process.kill()
                await process.wait()
                return SyncRun(-1, f"the sync took over {RUN_TIMEOUT:g} s and was stopped", [])
        lines = out.decode("utf-8", "replace").strip().splitlines()
        errors = err.decode("utf-8", "replace").strip().splitlines()
        return SyncRun(process.returncode or 0, lines[-1] if lines else "", errors[-20:])

    def forget(self) -> None:
        """Drop the runs' references, marks and log (a full reset starts the demo over)."""
        for name in ("state.json", "sync-log.jsonl"):
            (self.folder / name).unlink(missing_ok=True)

    def log(self, limit: int = 200) -> list[dict[str, Any]]:
        """The newest ``limit`` rows, newest first."""
        if not self.log_path.exists():
            return []
        rows = []
        for line in self.log_path.read_text(encoding="utf-8").splitlines()[-limit:]:
            try:
                rows.append(json.loads(line))
            except ValueError:
                continue
        rows.reverse()
        return rows
