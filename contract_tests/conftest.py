"""Hypothesis profiles (``bounded`` for ``make test``, ``thorough`` for ``make test-thorough``), and
against a live host the tenant the suite uses, in the report's header."""

from __future__ import annotations

import os

import pytest
from hypothesis import HealthCheck, settings

settings.register_profile(
    "bounded", max_examples=20, stateful_step_count=12, deadline=None, database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large,
                           HealthCheck.filter_too_much])
settings.register_profile(
    "thorough", max_examples=300, stateful_step_count=40, deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large,
                           HealthCheck.filter_too_much])
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "bounded"))


def pytest_report_header(config: pytest.Config) -> str | None:
    """Against a live host, which tenant the suite uses (the only one it touches)."""
    if not os.environ.get("B2B_CONTRACT_URL"):
        return None
    from .target import NoTenant

    try:
        from .target import LIVE_URL, TENANT
    except NoTenant as exc:
        raise pytest.UsageError(str(exc)) from None
    return f"contract target: {LIVE_URL}, tenant {TENANT} (the only tenant the suite touches)"
