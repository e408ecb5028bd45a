"""The mock's settings: where it stores data, who may call it, and its defaults."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

from .domain import tickets as auth
from .http.body_limit import DEFAULT_MAX_BODY, DEFAULT_MAX_IMPORT_BODY

DEFAULT_DB = Path("data") / "b2b-mock.json"
DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 8080
# The ERP twin's sign-in when the environment names none (printed in the banner).
DEFAULT_ERP_USER = "admin"
DEFAULT_ERP_PASSWORD = "b2b-mock-erp"
DEFAULT_ERP_COMPANY = "Company"

_FALSE = ("0", "false", "no", "off")
_TRUE = ("1", "true", "yes", "on")


class SettingError(ValueError):
    """An environment variable holds a value the mock cannot use: said with the variable's
    name, so a container that will not start explains itself in its log."""


def env_text(name: str, default: str) -> str:
    """A text setting; an empty value counts as unset."""
    return os.environ.get(name, "").strip() or default


def env_number(name: str, default: float, minimum: float = 0) -> float:
    """A numeric setting of at least ``minimum``."""
    text = os.environ.get(name, "").strip()
    if not text:
        return default
    try:
        value = float(text)
    except ValueError:
        raise SettingError(f"{name}={text!r} is not a number") from None
    if not value >= minimum:
        raise SettingError(f"{name}={text!r} is less than {minimum:g}")
    return value


def env_int(name: str, default: int, minimum: int = 0, maximum: int | None = None) -> int:
    """A whole-number setting between ``minimum`` and ``maximum``."""
    text = os.environ.get(name, "").strip()
    if not text:
        return default
    try:
        value = int(text)
    except ValueError:
        raise SettingError(f"{name}={text!r} is not a whole number") from None
    if value < minimum or (maximum is not None and value > maximum):
        raise SettingError(f"{name}={text!r} is out of range ({minimum}-{maximum or 'any'})")
    return value


def env_flag(name: str, default: bool) -> bool:
    """A yes/no setting: 1, true, yes, on or 0, false, no, off."""
    text = os.environ.get(name, "").strip().lower()
    if not text:
        return default
    if text in _TRUE:
        return True
    if text in _FALSE:
        return False
    raise SettingError(f"{name}={text!r} is not one of {', '.join(_TRUE + _FALSE)}")


@dataclass
class Settings:
    """Everything ``create_app`` needs; the CLI and tests build one of these."""

    db_path: Path | None = None  # None: an in-memory store
    default_tenant: int = 1
    auth_enabled: bool = True
    client_id: str = field(default_factory=lambda: env_text(
        "B2B_MOCK_CLIENT_ID", auth.DEFAULT_CLIENT_ID))
    client_secret: str = field(default_factory=lambda: env_text(
        "B2B_MOCK_CLIENT_SECRET", auth.DEFAULT_CLIENT_SECRET))
    token_lifetime: float = field(default_factory=lambda: env_number(
        "B2B_MOCK_TOKEN_LIFETIME", auth.DEFAULT_LIFETIME))
    seed_path: Path | None = None
    erp_seed_path: Path | None = None  # customer documents loaded into an empty ERP twin
    erp_user: str = field(default_factory=lambda: os.environ.get(
        "B2B_MOCK_ERP_USER", DEFAULT_ERP_USER))
    erp_password: str = field(default_factory=lambda: os.environ.get(
        "B2B_MOCK_ERP_PASSWORD", DEFAULT_ERP_PASSWORD))
    erp_company: str = field(default_factory=lambda: os.environ.get(
        "B2B_MOCK_ERP_COMPANY", DEFAULT_ERP_COMPANY))
    journal_size: int = 1000
    # The largest request body read (larger ones are a 413), and that of the operator's
    # uploads (PUT /_mock/state, POST /_mock/seed).
    max_body: int = DEFAULT_MAX_BODY
    max_import_body: int = DEFAULT_MAX_IMPORT_BODY
    # The operator token (B2B_MOCK_ADMIN_TOKEN): when set, /_mock needs it.
    admin_token: str | None = field(default_factory=lambda: os.environ.get(
        "B2B_MOCK_ADMIN_TOKEN") or None)
    # The address served on, and more names the operator API answers to (Host).
    bound_host: str = DEFAULT_HOST
    allowed_hosts: tuple[str, ...] = ()
    # False: stock Connexion, none of mock_server.speedups (B2B_MOCK_SPEEDUPS=0)
    speedups: bool = field(default_factory=lambda: env_flag("B2B_MOCK_SPEEDUPS", True))
