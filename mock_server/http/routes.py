"""Which operation of the spec a method and path name, before Connexion has routed them.

The front door (journal, fault injection) sits outside Connexion, so it matches paths itself,
from the same spec documents.
"""

from __future__ import annotations

import re
from functools import cache, lru_cache

from .. import openapi
from ..admin.redaction import MASK, is_secret

METHODS = ("get", "put", "post", "delete", "patch")


@cache
def _table() -> list[tuple[str, re.Pattern[str], str]]:
    rows: list[tuple[str, re.Pattern[str], str]] = []
    for name in ("b2baccounts.yaml", "platform.yaml", "erp.yaml"):
        document = openapi.load(name)
        base = document["servers"][0]["url"].rstrip("/")
        for path, item in document["paths"].items():
            pattern = re.sub(r"\\{[^}]+\\}", "[^/]+", re.escape(base + path))
            compiled = re.compile(f"^{pattern}/?$")
            for method in METHODS:
                if method in item:
                    rows.append((method.upper(), compiled, item[method]["operationId"]))
    return rows


def operation_for(method: str, path: str) -> str | None:
    """The ``operationId`` served at ``method path`` (the most specific template's), or None."""
    found = [(pattern.pattern.count("[^/]+"), operation_id)
             for row_method, pattern, operation_id in _table()
             if row_method == method.upper() and pattern.match(path)]
    return min(found)[1] if found else None


@lru_cache(maxsize=8192)
def describe(method: str, path: str) -> tuple[str | None, int | None]:
    """The operation and the account a call names (remembered for the most recent paths: the
    front door asks for every call, and the table is a list of patterns)."""
    return operation_for(method, path), account_of(path)


@cache
def _secret_segments() -> dict[str, re.Pattern[str]]:
    """By operation, the pattern of its path where a segment is a secret (a refresh token),
    with that segment as a group."""
    found = {}
    for name in ("b2baccounts.yaml", "platform.yaml"):
        document = openapi.load(name)
        base = document["servers"][0]["url"].rstrip("/")
        for path, item in document["paths"].items():
            parts = re.split(r"(\{[^}]+\})", base + path)
            if not any(is_secret(part[1:-1]) for part in parts if part.startswith("{")):
                continue
            pattern = re.compile("^" + "".join(
                ("([^/]+)" if is_secret(part[1:-1]) else "[^/]+") if part.startswith("{")
                else re.escape(part) for part in parts) + "/?$")
            for method in METHODS:
                if method in item:
                    found[item[method]["operationId"]] = pattern
    return found


def shown_path(operation: str | None, path: str) -> str:
    """``path`` of a call to ``operation`` as the journal and the access log keep it: a secret
    in it masked (``DELETE .../authtickets/{refreshToken}``)."""
    pattern = _secret_segments().get(operation) if operation is not None else None
    match = pattern.match(path) if pattern is not None else None
    if match is None:
        return path
    for group in range(len(match.groups()), 0, -1):
        path = path[:match.start(group)] + MASK + path[match.end(group):]
    return path


def allowed_methods(path: str) -> list[str]:
    """The methods the spec serves at ``path`` (for the Allow header of a 405): those of the
    most specific path template that matches, as routing picks one (``/authtickets/oauth``
    over ``/authtickets/{refreshToken}``)."""
    matching = [(pattern.pattern.count("[^/]+"), method) for method, pattern, _ in _table()
                if pattern.match(path)]
    fewest = min((holes for holes, _ in matching), default=0)
    return sorted({method for holes, method in matching if holes == fewest})


_ACCOUNT_PATH = re.compile(r"^/api/commerce/customer/b2baccounts/(\d+)")


def account_of(path: str) -> int | None:
    """The account id in a B2B path, for filtering the journal by account."""
    match = _ACCOUNT_PATH.match(path)
    return int(match.group(1)) if match else None
