"""Running b2b-mock as a child process on a free port: for tests, demos and benchmarks."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import requests


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class ServerProcess:
    """``b2b-mock serve`` in a child process; a context manager that waits until it answers."""

    def __init__(self, db: str | Path | None = None, *, seed: str | Path | None = None,
                 port: int | None = None, extra_args: list[str] | None = None,
                 env: dict[str, str] | None = None, startup_timeout: float = 30.0) -> None:
        self.db = Path(db) if db is not None else None
        self.seed = seed
        self.port = port or free_port()
        self.extra_args = extra_args or []
        self.env = env
        self.startup_timeout = startup_timeout
        self.process: subprocess.Popen[bytes] | None = None
        self._log: Any = None
        self._out: Any = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def admin_token(self) -> str | None:
        """The operator token the server requires: ``--admin-token``, or the
        ``B2B_MOCK_ADMIN_TOKEN`` it inherits; None when its operator API is open."""
        if "--admin-token" in self.extra_args:
            return self.extra_args[self.extra_args.index("--admin-token") + 1]
        return {**os.environ, **(self.env or {})}.get("B2B_MOCK_ADMIN_TOKEN") or None

    def admin_headers(self) -> dict[str, str]:
        """Headers for a call to its operator API (``/_mock``)."""
        token = self.admin_token
        return {"Authorization": f"Bearer {token}"} if token else {}

    def command(self) -> list[str]:
        cmd = [sys.executable, "-m", "mock_server", "serve", "--port", str(self.port)]
        cmd += ["--db", str(self.db)] if self.db is not None else ["--memory"]
        if self.seed is not None:
            cmd += ["--seed", str(self.seed)]
        return cmd + self.extra_args

    def start(self) -> "ServerProcess":
        env = {**os.environ, **(self.env or {})}
        # A file, not a pipe: nobody reads the server's log while it runs, and a full pipe
        # would stall it.
        self._log = tempfile.TemporaryFile()
        self._out = tempfile.TemporaryFile()
        self.process = subprocess.Popen(self.command(), env=env, stdout=self._out,
                                        stderr=self._log)
        deadline = time.monotonic() + self.startup_timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"b2b-mock exited with {self.process.returncode}: "
                                   f"{self.log_text()}")
            try:
                if requests.get(self.url + "/_mock/health", timeout=1).status_code == 200:
                    return self
            except (requests.ConnectionError, requests.Timeout):
                pass  # not bound yet, or bound and still loading its store
            time.sleep(0.05)
        self.stop()
        raise RuntimeError(f"b2b-mock did not answer on {self.url} "
                           f"within {self.startup_timeout} s")

    def log_text(self) -> str:
        """What the server wrote to its standard error so far."""
        return self._read(self._log)

    def output_text(self) -> str:
        """What the server wrote to its standard output so far (its banner)."""
        return self._read(self._out)

    @staticmethod
    def _read(file: Any) -> str:
        if file is None:
            return ""
        file.seek(0)
        return file.read().decode(errors="replace")

    def kill(self) -> None:
        """SIGKILL: no shutdown code runs, as in a crash."""
        if self.process is not None and self.process.poll() is None:
            self.process.send_signal(signal.SIGKILL)
            self.process.wait(timeout=10)

    def stop(self) -> None:
        if self.process is None or self.process.poll() is not None:
            return
        self.process.terminate()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.kill()

    def __enter__(self) -> "ServerProcess":
        return self.start()

    def __exit__(self, *exc: Any) -> None:
        self.stop()
        for file in (self._log, self._out):
            if file is not None:
                file.close()
        self._log = self._out = None
