"""Which tenant a run acts in, spelled out, so the references of a run without ``--tenant`` are
the same as those of a run naming the tenant the service would have picked anyway.

The real service takes the tenant from the host name (``t12345.sandbox.mozu.com``, or
``t12345-s6789...`` with a site); b2b-mock takes it from ``x-vol-tenant`` or its default, which
its health endpoint tells.
"""

from __future__ import annotations

import re
from urllib.parse import urlsplit

import requests

_TENANT_HOST = re.compile(r"^t(\d+)(?:-s\d+)?\.", re.IGNORECASE)


def effective_tenant(url: str, tenant: int | None) -> tuple[int | None, str]:
    """The tenant a run at ``url`` acts in, and how it was found out."""
    if tenant is not None:
        return tenant, "--tenant"
    host = urlsplit(url).hostname or ""
    named = _TENANT_HOST.match(host)
    if named:
        return int(named.group(1)), "the host name"
    try:
        answer = requests.get(url.rstrip("/") + "/_mock/health", timeout=5)
        if answer.status_code == 200:
            default = answer.json().get("defaultTenant")
            if isinstance(default, int):
                return default, "the server's default tenant"
    except (requests.RequestException, ValueError):
        pass
    return None, "the service's default tenant (which it does not tell)"
