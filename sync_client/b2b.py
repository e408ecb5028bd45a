"""The B2B accounts operations the sync uses, over a session from :mod:`sync_client.transport`."""

from __future__ import annotations

import threading
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote

import requests

from .transport import CONNECT_TIMEOUT, Unreachable, cannot_connect, session_for_thread

BASE_PATH = "/api/commerce/customer/b2baccounts"
CONTACTS_PATH = "/api/commerce/customer/accounts"  # an account's contacts (its addresses)
PAGE_SIZE = 200
# A batched lookup's filter stays under this many characters (URLs of a few kilobytes pass
# every proxy), which is some 50 customers a call.
FILTER_BUDGET = 1000


class ServiceError(RuntimeError):
    """The service answered an error; ``message`` is its own words."""

    def __init__(self, method: str, url: str, status: int, body: Any) -> None:
        self.method, self.url, self.status, self.body = method, url, status, body
        self.message = body.get("message") if isinstance(body, dict) else str(body)
        self.error_code = body.get("errorCode") if isinstance(body, dict) else None
        super().__init__(f"{method} {url} -> {status}: {self.message}")


@dataclass
class Call:
    """One call made: what the sync log and the counters need."""

    method: str
    url: str
    body: Any
    status: int

    @property
    def is_write(self) -> bool:
        return self.method != "GET"


def quoted(value: str) -> str:
    """A filter string literal: single quotes, inner quotes doubled."""
    return "'" + value.replace("'", "''") + "'"


class B2BClient:
    """Thin methods over the B2B accounts API; every call is recorded in ``calls``.

    Safe to share between threads: each thread calls through a session of its own (made from
    ``session`` by :func:`transport.session_for_thread`, with the same ticket and rate gate),
    and ``last_call`` is the calling thread's.
    """

    def __init__(self, session: requests.Session, base_url: str, timeout: float = 30.0) -> None:
        self.host = base_url.rstrip("/")
        self.root = self.host + BASE_PATH
        self.timeout = timeout
        self.calls: list[Call] = []
        self._first = session
        self._local = threading.local()
        self._local.session = session
        self._lock = threading.Lock()

    @property
    def session(self) -> requests.Session:
        """The calling thread's session."""
        session: requests.Session | None = getattr(self._local, "session", None)
        if session is None:
            session = self._local.session = session_for_thread(self._first)
        return session

    @property
    def last_call(self) -> Call:
        """The calling thread's last call."""
        call: Call = self._local.last
        return call

    def calls_since(self, start: int) -> list[Call]:
        """The calls made since there were ``start`` of them."""
        with self._lock:
            return self.calls[start:]

    def _record(self, call: Call) -> None:
        self._local.last = call
        with self._lock:
            self.calls.append(call)

    def url(self, path: str = "") -> str:
        """A path under the B2B accounts resource, or a whole URL as it is."""
        return path if path.startswith(("http://", "https://")) else self.root + path

    def request(self, method: str, path: str = "", body: Any = None,
                params: dict[str, Any] | None = None) -> Any:
        url = self.url(path)
        try:
            response = self.session.request(method, url, json=body, params=params,
                                            timeout=(CONNECT_TIMEOUT, self.timeout))
        except requests.RequestException as exc:  # retries used up, or no connection at all
            self._record(Call(method, url, body, 0))
            if cannot_connect(exc):
                raise Unreachable(f"the B2B service at {self.host}", exc) from None
            raise ServiceError(method, url, 0, {"message": f"no answer after retries: {exc}"}) \
                from None
        self._record(Call(method, url, body, response.status_code))
        try:
            payload = response.json() if response.content else None
        except ValueError:
            payload = response.text
        if response.status_code >= 400:
            raise ServiceError(method, url, response.status_code, payload)
        return payload

    def _all_pages(self, path: str, params: dict[str, Any] | None = None) -> list[dict[str, Any]]:
        items: list[dict[str, Any]] = []
        start = 0
        while True:
            page = self.request("GET", path, params={**(params or {}), "startIndex": start,
                                                     "pageSize": PAGE_SIZE})
            items.extend(page["items"])
            start += PAGE_SIZE
            if start >= page["totalCount"] or not page["items"]:
                return items

    # accounts
    def find_account(self, external_id: str) -> dict[str, Any] | None:
        page = self.request("GET", params={"filter": f"externalId eq {quoted(external_id)}",
                                           "pageSize": 2})
        return page["items"][0] if page["items"] else None

    def find_accounts(self, external_ids: Iterable[str],
                      account_ids: Iterable[int] = ()) -> list[dict[str, Any]]:
        """Every account whose externalId is one of ``external_ids`` (regardless of case) or
        whose id is one of ``account_ids``, with the users and contacts each carries, in as
        few calls as the filter's length allows (``lookup_batches`` makes fitting batches)."""
        ids = sorted(set(account_ids))
        names = list(dict.fromkeys(external_ids))
        parts = []
        if ids:
            parts.append(f"id in [{', '.join(str(i) for i in ids)}]")
        if names:
            parts.append(f"externalId in [{', '.join(quoted(n) for n in names)}]")
        if not parts:
            return []
        return self._all_pages("", params={"filter": " or ".join(parts)})

    def get_account(self, account_id: int) -> dict[str, Any] | None:
        """The account with this id, or None when the service has none."""
        try:
            found: dict[str, Any] = self.request("GET", f"/{account_id}")
        except ServiceError as exc:
            if exc.status == 404:
                return None
            raise
        return found

    def add_account(self, body: dict[str, Any]) -> dict[str, Any]:
        return self.request("POST", "", body)

    def update_account(self, account_id: int, body: dict[str, Any]) -> dict[str, Any]:
        return self.request("PUT", f"/{account_id}", body)

    def add_sales_rep(self, account_id: int, rep_id: str) -> dict[str, Any]:
        return self.request("POST", f"/{account_id}/salesrep/{rep_id}")

    def change_status(self, account_id: int, action: str) -> dict[str, Any]:
        return self.request("PUT", f"/{account_id}/status/{action}")

    # users and roles
    def users(self, account_id: int) -> list[dict[str, Any]]:
        return self._all_pages(f"/{account_id}/users")

    def add_user(self, account_id: int, user: dict[str, Any]) -> dict[str, Any]:
        return self.request("POST", f"/{account_id}/user",
                            {"b2BUser": user, "isImport": True})

    def update_user(self, account_id: int, user_id: str, user: dict[str, Any]) -> dict[str, Any]:
        return self.request("PUT", f"/{account_id}/user/{user_id}", user)

    def remove_user(self, account_id: int, user_id: str) -> None:
        self.request("PUT", f"/{account_id}/user/{user_id}/remove")

    def add_role(self, account_id: int, user_id: str, role_id: int) -> None:
        self.request("POST", f"/{account_id}/user/{user_id}/roles/{role_id}")

    def remove_role(self, account_id: int, user_id: str, role_id: int) -> None:
        self.request("DELETE", f"/{account_id}/user/{user_id}/roles/{role_id}")

    # attributes
    def add_attribute(self, account_id: int, body: dict[str, Any]) -> dict[str, Any]:
        return self.request("POST", f"/{account_id}/attributes", body)

    def update_attribute(self, account_id: int, fqn: str, body: dict[str, Any]) -> dict[str, Any]:
        return self.request("PUT", f"/{account_id}/attributes/{quote(fqn, safe='~')}", body)

    def delete_attribute(self, account_id: int, fqn: str) -> None:
        self.request("DELETE", f"/{account_id}/attributes/{quote(fqn, safe='~')}")

    # contacts (addresses) of an account
    def _contacts(self, account_id: int, tail: str = "") -> str:
        return f"{self.host}{CONTACTS_PATH}/{account_id}/contacts{tail}"

    def contacts(self, account_id: int) -> list[dict[str, Any]]:
        return self._all_pages(self._contacts(account_id))

    def add_contact(self, account_id: int, body: dict[str, Any]) -> dict[str, Any]:
        return self.request("POST", self._contacts(account_id), body)

    def update_contact(self, account_id: int, contact_id: int,
                       body: dict[str, Any]) -> dict[str, Any]:
        return self.request("PUT", self._contacts(account_id, f"/{contact_id}"), body)

    def delete_contact(self, account_id: int, contact_id: int) -> None:
        self.request("DELETE", self._contacts(account_id, f"/{contact_id}"))


def lookup_batches(keys: list[tuple[str, int | None]],
                   budget: int = FILTER_BUDGET) -> list[list[tuple[str, int | None]]]:
    """(externalId, account id or None) pairs cut into runs whose ``find_accounts`` filter
    stays within ``budget`` characters (a run holds one pair at least)."""
    batches: list[list[tuple[str, int | None]]] = []
    current: list[tuple[str, int | None]] = []
    used = len("id in [] or externalId in []")
    for external_id, account_id in keys:
        cost = len(quoted(external_id)) + 2 + (len(str(account_id)) + 2 if account_id else 0)
        if current and used + cost > budget:
            batches.append(current)
            current, used = [], len("id in [] or externalId in []")
        current.append((external_id, account_id))
        used += cost
    if current:
        batches.append(current)
    return batches
