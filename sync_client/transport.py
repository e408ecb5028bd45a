"""HTTP to the B2B service: one ``requests.Session`` with tickets, tenant headers and retries.

* Tickets: got from the platform's OAuth endpoint, renewed ahead of expiry (by the refresh token
  when there is one), and renewed once more when a call is answered 401 anyway.
* Retries: urllib3's ``Retry`` on 429/502/503/504 and connection errors, honouring
  ``Retry-After``, with exponential backoff and a deadline on the whole retry sequence; a
  service that cannot be reached at all is :class:`Unreachable` within a minute (a 5 s connect
  timeout, retries for at most 40 s), which ends a run rather than failing record after record.
* Proxies and CA bundle from the environment, as ``requests`` takes them, read once per host.
"""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

import requests
from requests.adapters import HTTPAdapter
from requests.sessions import merge_setting
from requests.utils import get_environ_proxies
from urllib3.exceptions import ConnectTimeoutError, MaxRetryError, NewConnectionError
from urllib3.util.retry import Retry

TICKET_PATH = "/api/platform/applications/authtickets/oauth"
RETRY_STATUSES = (429, 502, 503, 504)
CONNECT_TIMEOUT = 5.0
RETRY_DEADLINE = 40.0


class Unreachable(RuntimeError):
    """A service could not be reached at all (refused, unknown host, connect timeouts), after
    the retries: nothing the next record could do better."""

    def __init__(self, what: str, cause: BaseException) -> None:
        reason = _root_cause(cause)
        super().__init__(f"cannot reach {what}: {reason}")
        self.what = what
        self.reason = reason


def cannot_connect(exc: BaseException) -> bool:
    """Whether a failure is that no connection could be made (refused, no such host, connect
    timeout), as opposed to one that broke during a call."""
    seen: set[int] = set()
    current: BaseException | None = exc
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        if isinstance(current, (NewConnectionError, ConnectTimeoutError,
                                requests.exceptions.ConnectTimeout)):
            return True
        inner = getattr(current, "reason", None)
        current = inner if isinstance(inner, BaseException) else (
            current.__cause__ or current.__context__)
    return False


def _root_cause(exc: BaseException) -> str:
    """The innermost reason of a connection failure, in a few words."""
    while True:
        inner = getattr(exc, "reason", None) or exc.__cause__ or exc.__context__
        if inner is None or inner is exc or not isinstance(inner, BaseException):
            break
        exc = inner
    text = str(exc)
    for known, words in (("Connection refused", "connection refused"),
                         ("Name or service not known", "unknown host"),
                         ("nodename nor servname", "unknown host"),
                         ("timed out", "connection timed out"),
                         ("gave up after", text)):
        if known in text:
            return words
    return text.split(": ", 1)[-1][:120] or exc.__class__.__name__


class DeadlineRetry(Retry):
    """``Retry`` that also gives up once ``deadline`` seconds have passed since the first try."""

    def __init__(self, *args: Any, deadline: float = 60.0, started: float | None = None,
                 **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.deadline = deadline
        self.started = started

    def new(self, **kwargs: Any) -> "DeadlineRetry":
        kwargs.setdefault("deadline", self.deadline)
        kwargs.setdefault("started", self.started if self.started is not None else time.monotonic())
        return super().new(**kwargs)

    def increment(self, *args: Any, **kwargs: Any) -> "DeadlineRetry":
        retry = super().increment(*args, **kwargs)
        if retry.started is not None and time.monotonic() - retry.started > self.deadline:
            reason = RuntimeError(f"gave up after {self.deadline:g} s of retries")
            reason.__cause__ = kwargs.get("error")  # what went wrong, for the caller to tell
            raise MaxRetryError(kwargs.get("_pool"), kwargs.get("url"),  # type: ignore[arg-type]
                                reason)
        return retry


def retry_policy(total: int = 8, backoff: float = 0.2, deadline: float = RETRY_DEADLINE) -> Retry:
    return DeadlineRetry(
        total=total, connect=total, read=2, status=total, other=0,
        status_forcelist=RETRY_STATUSES,
        allowed_methods=None,  # the statuses retried mean the call was not carried out
        backoff_factor=backoff, backoff_max=10,
        respect_retry_after_header=True, raise_on_status=False, deadline=deadline,
    )


@dataclass
class Credentials:
    client_id: str
    client_secret: str


class TicketAuth(requests.auth.AuthBase):
    """Bearer tickets for a session: fetched lazily, renewed early, and once again on a 401."""

    def __init__(self, session: requests.Session, ticket_url: str, credentials: Credentials,
                 on_renew: Callable[[str, bool], None] | None = None,
                 early: float = 60.0) -> None:
        self.session = session
        self.ticket_url = ticket_url
        self.credentials = credentials
        self.on_renew = on_renew
        self.early = early
        self._lock = threading.Lock()
        self._token: str | None = None
        self._refresh: str | None = None
        self._expires_at = 0.0

    def _renew(self) -> None:
        body: dict[str, Any] = {"client_id": self.credentials.client_id,
                                "client_secret": self.credentials.client_secret}
        if self._refresh:
            body.update(grant_type="refresh_token", refresh_token=self._refresh)
            response = self._post(body)
            if response.status_code == 401:
                self._refresh = None
                return self._renew()
        else:
            body["grant_type"] = "client_credentials"
            response = self._post(body)
        if response.status_code != 200:
            raise AuthError(response)
        ticket = response.json()
        lifetime = float(ticket.get("expires_in") or 0)
        self._token = ticket["access_token"]
        self._refresh = ticket.get("refresh_token")
        # Renew `early` seconds ahead, but never sooner than at a fifth of the lifetime.
        self._expires_at = time.monotonic() + lifetime - min(self.early, lifetime * 0.2)
        if self.on_renew is not None:
            self.on_renew(self.ticket_url, "refresh_token" in body)

    def _post(self, body: dict[str, Any]) -> requests.Response:
        try:
            return self.session.post(self.ticket_url, json=body, auth=_NoAuth(),
                                     timeout=(CONNECT_TIMEOUT, 30))
        except requests.ConnectionError as exc:
            if cannot_connect(exc):
                raise Unreachable(f"the B2B service at {_host(self.ticket_url)}", exc) from None
            raise

    def token(self, force: bool = False) -> str:
        with self._lock:
            if force or self._token is None or time.monotonic() >= self._expires_at:
                self._renew()
            assert self._token is not None
            return self._token

    def __call__(self, request: requests.PreparedRequest) -> requests.PreparedRequest:
        used = self.token()
        request.headers["Authorization"] = f"Bearer {used}"
        request.register_hook("response", self._once_more_on_401(used))
        return request

    def _once_more_on_401(self, used: str) -> Callable[..., requests.Response]:
        def hook(response: requests.Response, **kwargs: Any) -> requests.Response:
            if response.status_code != 401 or getattr(response.request, "_renewed", False):
                return response
            with self._lock:
                if self._token == used:  # nobody renewed it meanwhile
                    self._renew()
                token = self._token
            response.content  # release the connection
            retry = response.request.copy()
            retry.headers["Authorization"] = f"Bearer {token}"
            retry._renewed = True  # type: ignore[attr-defined]
            again = response.connection.send(retry, **kwargs)
            again.history.append(response)
            again.request = retry
            return again
        return hook


class _NoAuth(requests.auth.AuthBase):
    def __call__(self, request: requests.PreparedRequest) -> requests.PreparedRequest:
        return request


class AuthError(RuntimeError):
    """The ticket endpoint refused the credentials."""

    def __init__(self, response: requests.Response) -> None:
        try:
            message = response.json().get("message", response.text)
        except ValueError:
            message = response.text
        super().__init__(f"auth ticket refused ({response.status_code}): {message}")
        self.response = response


class EnvironmentOnceSession(requests.Session):
    """A ``requests.Session`` that reads the environment's proxy and CA bundle settings once per
    host rather than at every call.

    ``requests`` looks them up again for each request, going through every environment variable
    twice (and the proxy bypass rules), a large part of a sync's time against a local service.
    The answers are the same as ``requests``' own for as long as
    the environment does not change under a running session.
    """

    def __init__(self) -> None:
        super().__init__()
        self._environment: dict[tuple[str, str, str | None],
                                tuple[dict[str, str], str | None]] = {}

    def merge_environment_settings(self, url: Any, proxies: Any, stream: Any, verify: Any,
                                   cert: Any) -> Any:
        if not self.trust_env:
            return super().merge_environment_settings(url, proxies, stream, verify, cert)
        no_proxy = proxies.get("no_proxy") if proxies is not None else None
        parts = urlsplit(url)
        key = (parts.scheme, parts.netloc, no_proxy)
        found = self._environment.get(key)
        if found is None:
            found = self._environment[key] = (
                get_environ_proxies(url, no_proxy=no_proxy),
                os.environ.get("REQUESTS_CA_BUNDLE") or os.environ.get("CURL_CA_BUNDLE"))
        env_proxies, ca_bundle = found
        if proxies is not None:
            for scheme, proxy in env_proxies.items():
                proxies.setdefault(scheme, proxy)
        if verify is True or verify is None:
            verify = ca_bundle or verify
        return {"proxies": merge_setting(proxies, self.proxies),
                "stream": merge_setting(stream, self.stream),
                "verify": merge_setting(verify, self.verify),
                "cert": merge_setting(cert, self.cert)}


def b2b_session(base_url: str, credentials: Credentials, tenant: int | None = None,
                site: int | None = None, retry: Retry | None = None,
                on_renew: Callable[[str, bool], None] | None = None) -> requests.Session:
    """A session for ``base_url`` (a host, to which ``/api/...`` is appended)."""
    session = EnvironmentOnceSession()
    adapter = HTTPAdapter(max_retries=retry or retry_policy())
    session.mount("http://", adapter)
    session.mount("https://", adapter)
    session.headers.update({"Accept": "application/json", "x-vol-dataview-mode": "LIVE"})
    if tenant is not None:
        session.headers["x-vol-tenant"] = str(tenant)
    if site is not None:
        session.headers["x-vol-site"] = str(site)
    session.auth = TicketAuth(session, base_url.rstrip("/") + TICKET_PATH, credentials,
                              on_renew=on_renew)
    return session


def _host(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"
