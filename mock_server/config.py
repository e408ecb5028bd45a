"""The mock's settings: where it stores data, who may call it, and its defaults."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

from .domain import tickets as auth

DEFAULT_DB = Path("data") / "b2b-mock.json"
DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 8080
# The ERP twin's sign-in when the environment names none (printed in the banner).
DEFAULT_ERP_USER = "admin"
DEFAULT_ERP_PASSWORD = "b2b-mock-erp"
DEFAULT_ERP_COMPANY = "Company"


@dataclass
class Settings:
    """Everything ``create_app`` needs; the CLI and tests build one of these."""

    db_path: Path | None = None  # None: an in-memory store
    default_tenant: int = 1
    auth_enabled: bool = True
    client_id: str = field(default_factory=lambda: os.environ.get(
        "B2B_MOCK_CLIENT_ID", auth.DEFAULT_CLIENT_ID))
    client_secret: str = field(default_factory=lambda: os.environ.get(
        "B2B_MOCK_CLIENT_SECRET", auth.DEFAULT_CLIENT_SECRET))
    token_lifetime: float = field(default_factory=lambda: float(os.environ.get(
        "B2B_MOCK_TOKEN_LIFETIME", auth.DEFAULT_LIFETIME)))
    seed_path: Path | None = None
    erp_seed_path: Path | None = None  # customer documents loaded into an empty ERP twin
    erp_user: str = field(default_factory=lambda: os.environ.get(
        "B2B_MOCK_ERP_USER", DEFAULT_ERP_USER))
    erp_password: str = field(default_factory=lambda: os.environ.get(
        "B2B_MOCK_ERP_PASSWORD", DEFAULT_ERP_PASSWORD))
    erp_company: str = field(default_factory=lambda: os.environ.get(
        "B2B_MOCK_ERP_COMPANY", DEFAULT_ERP_COMPANY))
    journal_size: int = 1000
    # False: stock Connexion, none of mock_server.speedups (B2B_MOCK_SPEEDUPS=0)
    speedups: bool = field(default_factory=lambda: os.environ.get(
        "B2B_MOCK_SPEEDUPS", "1").strip().lower() not in ("0", "false", "no", "off"))
