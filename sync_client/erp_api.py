"""The live ERP source: customers, contacts and locations read from Acumatica's contract-based
REST API (or b2b-mock's ERP twin), and the commerce reference id written back.

* Sign-in: ``POST /entity/auth/login`` with the name, password and tenant; the session cookies
  go with every later call, and a 401 signs in again once. ``close`` signs out (Acumatica counts
  open API sessions against the licence).
* Reads come in pages (``$top``/``$skip``). A full read lists every customer, every contact of a
  business account and every location; an incremental read (``since``) lists only the records
  whose ``LastModifiedDateTime`` is later, and then reads the whole of each customer any of them
  belongs to (its contacts and locations too), so a change anywhere in a customer is synced with
  the rest of it.
* The ERP's clock: the ``Date`` header of its answer to the first read, less a second (the header
  counts whole seconds), is the ``since`` of the next run, so the client's own clock never
  matters.
* The reference id goes back with ``PUT Customer`` as the custom field
  ``BAccount.UsrCommerceRefID``.

A deleted contact or location does not change its customer's ``LastModifiedDateTime``:
incremental reads cannot see deletions, which full reads (``--full``, and every
``--full-every`` runs of ``watch``) find.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from email.utils import parsedate_to_datetime
from typing import Any

import requests

from .erp import ENABLED, REFERENCE, Customer, customer_from_json
from .transport import (CONNECT_TIMEOUT, Unreachable, cannot_connect, gated_session,
                        retry_policy)

DEFAULT_VERSION = "24.200.001"
PAGE_SIZE = 500
KEYS_PER_FILTER = 25  # customer ids per "or" filter: keeps URLs well under common limits


class ErpError(RuntimeError):
    """The ERP answered an error; ``message`` is its own words."""

    def __init__(self, method: str, url: str, status: int, body: Any) -> None:
        self.method, self.url, self.status = method, url, status
        if isinstance(body, dict):
            self.message = str(body.get("exceptionMessage") or body.get("message") or body)
        else:
            self.message = str(body)[:300]
        super().__init__(f"{method} {url} -> {status}: {self.message}")


@dataclass(frozen=True)
class ErpLogin:
    name: str
    password: str
    company: str | None = None
    branch: str | None = None


class AcumaticaApiSource:
    """Customers from a live contract-based endpoint (``url`` is the ERP's host)."""

    def __init__(self, url: str, login: ErpLogin, version: str = DEFAULT_VERSION,
                 page_size: int = PAGE_SIZE, timeout: float = 30.0,
                 session: requests.Session | None = None,
                 retry_for: float | None = None) -> None:
        self.root = url.rstrip("/")
        self.base = f"{self.root}/entity/Default/{version}"
        self.login = login
        self.page_size = page_size
        self.timeout = timeout
        self.name = f"{self.root}#company={login.company or ''}"
        self.session = session or _session(retry_for)
        self.signed_in = False
        self.calls = 0
        self._clock: str | None = None

    # ---------------------------------------------------------------- session
    def sign_in(self) -> None:
        body: dict[str, Any] = {"name": self.login.name, "password": self.login.password}
        if self.login.company:
            body["tenant"] = self.login.company
        if self.login.branch:
            body["branch"] = self.login.branch
        response = self._send("POST", f"{self.root}/entity/auth/login", json=body, auth=False)
        if response.status_code != 204:
            raise ErpError("POST", "/entity/auth/login", response.status_code, _body(response))
        self.signed_in = True

    def close(self) -> None:
        if self.signed_in:
            try:
                self._send("POST", f"{self.root}/entity/auth/logout", auth=False)
            except (Unreachable, requests.RequestException):
                pass
            self.signed_in = False

    # ---------------------------------------------------------------- reading
    def read_clock(self) -> str | None:
        """The ERP's time at the start of the last read, less a second (see the module)."""
        return self._clock

    def customers(self, since: str | None = None) -> list[Customer]:
        self._clock = None
        if since is None:
            return _assemble(*self._read(None, "BusinessAccount ne null", None))
        changed = f"LastModifiedDateTime gt datetimeoffset'{since}'"
        ids = {_key(c, "CustomerID") for c in self._all("Customer", filter=changed,
                                                         select="CustomerID")}
        ids |= {_key(c, "BusinessAccount") for c in self._all(
            "Contact", filter=f"{changed} and BusinessAccount ne null",
            select="ContactID,BusinessAccount")}
        ids |= {_key(loc, "Customer") for loc in self._all(
            "CustomerLocation", filter=changed, select="Customer,LocationID")}
        return self.customers_by_id(sorted(i for i in ids if i))

    def customers_by_id(self, ids: list[str]) -> list[Customer]:
        """The whole of each named customer (its contacts and locations too)."""
        customers: list[dict[str, Any]] = []
        contacts: list[dict[str, Any]] = []
        locations: list[dict[str, Any]] = []
        for start in range(0, len(ids), KEYS_PER_FILTER):
            batch = ids[start:start + KEYS_PER_FILTER]
            read = self._read(_any_of("CustomerID", batch), _any_of("BusinessAccount", batch),
                              _any_of("Customer", batch))
            customers += read[0]
            contacts += read[1]
            locations += read[2]
        return _assemble(customers, contacts, locations)

    def _read(self, customers: str | None, contacts: str | None, locations: str | None
              ) -> tuple[list[dict[str, Any]], list[dict[str, Any]], list[dict[str, Any]]]:
        """Customers, contacts and locations matching the three filters, each with what a sync
        needs of it (one place, so a full and an incremental read read alike)."""
        return (self._all("Customer", filter=customers, expand="Attributes",
                          custom=".".join(REFERENCE)),
                self._all("Contact", filter=contacts, custom=".".join(ENABLED)),
                self._all("CustomerLocation", filter=locations,
                          expand="LocationContact,LocationContact/Address"))

    def _all(self, entity: str, **query: str | None) -> list[dict[str, Any]]:
        """Every record of a list read, page by page (a query option given as None is left
        out)."""
        found: list[dict[str, Any]] = []
        skip = 0
        while True:
            params = {f"${k}": v for k, v in query.items() if v is not None}
            params.update({"$top": str(self.page_size), "$skip": str(skip)})
            page = self._json("GET", f"{self.base}/{entity}", params=params)
            if not isinstance(page, list):
                raise ErpError("GET", f"/{entity}", 200, "the ERP answered a list read with "
                                                        "something other than a list")
            found.extend(page)
            if len(page) < self.page_size:
                return found
            skip += self.page_size

    # ---------------------------------------------------------------- writing
    def write_reference(self, customer_id: str, account_id: int) -> str | None:
        body = {"CustomerID": {"value": customer_id}, "custom": {REFERENCE[0]: {REFERENCE[1]: {
            "type": "CustomStringField", "value": str(account_id)}}}}
        self._json("PUT", f"{self.base}/Customer", json=body, headers={"If-Match": "*"},
                   params={"$select": "CustomerID"})
        return f"PUT {self.base}/Customer"

    # ---------------------------------------------------------------- HTTP
    def _json(self, method: str, url: str, **kwargs: Any) -> Any:
        if not self.signed_in:
            self.sign_in()
        response = self._send(method, url, **kwargs)
        if response.status_code == 401:  # the session ended (timeout, restart): once more
            self.signed_in = False
            self.sign_in()
            response = self._send(method, url, **kwargs)
        if response.status_code >= 400:
            raise ErpError(method, url, response.status_code, _body(response))
        if self._clock is None and method == "GET":
            self._clock = _erp_time(response)
        return response.json() if response.content else None

    def _send(self, method: str, url: str, auth: bool = True,
              **kwargs: Any) -> requests.Response:
        self.calls += 1
        try:
            return self.session.request(method, url, timeout=(CONNECT_TIMEOUT, self.timeout),
                                        **kwargs)
        except requests.RequestException as exc:
            if cannot_connect(exc):
                raise Unreachable(f"the ERP at {self.root}", exc) from None
            raise ErpError(method, url, 0, f"no answer: {exc}") from None


def _session(retry_for: float | None = None) -> requests.Session:
    session = gated_session(retry_policy(deadline=retry_for), None)
    session.headers.update({"Accept": "application/json"})
    return session


def _body(response: requests.Response) -> Any:
    try:
        return response.json()
    except ValueError:
        return response.text


def _erp_time(response: requests.Response) -> str:
    header = response.headers.get("Date")
    try:
        moment = parsedate_to_datetime(header) if header else datetime.now(timezone.utc)
    except (TypeError, ValueError):
        moment = datetime.now(timezone.utc)
    return (moment - timedelta(seconds=1)).astimezone(timezone.utc).isoformat(
        timespec="milliseconds")


def _key(record: dict[str, Any], name: str) -> str:
    value = (record.get(name) or {}).get("value")
    return str(value) if value else ""


def _literal(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def _any_of(field: str, values: Iterable[str]) -> str:
    return " or ".join(f"{field} eq {_literal(v)}" for v in values)


def _assemble(customers: list[dict[str, Any]], contacts: list[dict[str, Any]],
              locations: list[dict[str, Any]]) -> list[Customer]:
    """Customer documents from the three entities' records, read into customers."""
    by_customer: dict[str, dict[str, list[dict[str, Any]]]] = {}
    for contact in contacts:
        by_customer.setdefault(_key(contact, "BusinessAccount"), {}).setdefault(
            "Contacts", []).append(contact)
    for location in locations:
        by_customer.setdefault(_key(location, "Customer"), {}).setdefault(
            "Locations", []).append(location)
    documents = []
    for customer in customers:
        own = by_customer.get(_key(customer, "CustomerID"), {})
        documents.append({**customer, "Contacts": own.get("Contacts", []),
                          "Locations": own.get("Locations", [])})
    return [customer_from_json(d) for d in documents]
