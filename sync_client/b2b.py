"""The B2B accounts operations the sync uses, over a session from :mod:`sync_client.transport`."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from urllib.parse import quote

import requests

from .transport import CONNECT_TIMEOUT, Unreachable, cannot_connect

BASE_PATH = "/api/commerce/customer/b2baccounts"
CONTACTS_PATH = "/api/commerce/customer/accounts"  # an account's contacts (its addresses)
PAGE_SIZE = 200


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
    """Thin methods over the B2B accounts API; every call is recorded in ``calls``."""

    def __init__(self, session: requests.Session, base_url: str, timeout: float = 30.0) -> None:
        self.session = session
        self.host = base_url.rstrip("/")
        self.root = self.host + BASE_PATH
        self.timeout = timeout
        self.calls: list[Call] = []

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
            self.calls.append(Call(method, url, body, 0))
            if cannot_connect(exc):
                raise Unreachable(f"the B2B service at {self.host}", exc) from None
            raise ServiceError(method, url, 0, {"message": f"no answer after retries: {exc}"}) \
                from None
        self.calls.append(Call(method, url, body, response.status_code))
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
