"""HTTP to the B2B service: one ``requests.Session`` with tickets, tenant headers and retries.

* Tickets: got from the platform's OAuth endpoint, renewed ahead of expiry (by the refresh token
  when there is one), and renewed once more when a call is answered 401 anyway.
* Retries: urllib3's ``Retry`` on 429/502/503/504 and connection errors, honouring
  ``Retry-After``, with exponential backoff and a deadline on the whole retry sequence; a
  service that cannot be reached at all is :class:`Unreachable` within a minute (a 5 s connect
  timeout, retries for at most 40 s), which ends a run rather than failing record after record.
* Rate: every attempt, first or retried, passes one :class:`RateGate` shared by the sessions of
  a run's workers, so that a refusal slows them all (see the class).
* Threads: a ``requests.Session`` is not promised to be thread-safe, so each worker thread has
  its own (:func:`session_for_thread`), sharing the ticket and the gate.
* Proxies and CA bundle from the environment, as ``requests`` takes them, read once per host.
"""

from __future__ import annotations

import os
import threading
import time
from collections import deque
from collections.abc import Callable
from email.utils import parsedate_to_datetime
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
THROTTLE_STATUSES = (429, 503)  # the service asks callers to slow down
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


class RateGate:
    """When the next call may go, for every worker of a run (thread-safe).

    The service publishes no numbers for its rate limits; it answers 429 (with
    ``Retry-After``) when one is passed. So the gate starts without a limit of its own and
    adapts, additive increase and multiplicative decrease as TCP does: a 429 or 503 halves the
    allowed rate (from what was really being sent, at most once per ``cooldown`` seconds: the
    refusals of calls that were already in flight are one event), a ``Retry-After`` holds every
    worker until it has passed, and each call answered otherwise raises the rate by one call
    per second. ``max_rate`` (calls per second) is a ceiling never passed: calls are spaced at
    least ``1 / max_rate`` seconds apart.
    """

    MIN_RATE = 1.0

    def __init__(self, max_rate: float | None = None, cooldown: float = 1.0,
                 clock: Callable[[], float] = time.monotonic,
                 sleep: Callable[[float], None] = time.sleep) -> None:
        if max_rate is not None and max_rate <= 0:
            raise ValueError("max_rate is a number of calls per second above 0")
        self.max_rate = max_rate
        self.cooldown = cooldown
        self._clock = clock
        self._sleep = sleep
        self._lock = threading.Lock()
        self._adapted: float | None = None  # the rate AIMD allows; None: no limit of its own
        self._next = 0.0  # the earliest time the next call may go
        self._paused_until = 0.0
        self._last_decrease = float("-inf")
        self._sent: deque[float] = deque()  # when the calls of the last second went
        self._first: float | None = None
        self.throttles = 0  # refusals seen (429, 503)

    @property
    def rate(self) -> float | None:
        """The calls per second allowed now (None: as fast as the workers go)."""
        with self._lock:
            return self._allowed()

    def _allowed(self) -> float | None:
        limits = [r for r in (self._adapted, self.max_rate) if r is not None]
        return min(limits) if limits else None

    def wait(self) -> None:
        """Block until this thread's call may go, and count it as sent."""
        with self._lock:
            now = self._clock()
            slot = max(now, self._next, self._paused_until)
            allowed = self._allowed()
            self._next = slot + (1.0 / allowed if allowed else 0.0)
            self._sent.append(slot)
            while self._sent[0] < slot - 1.0:
                self._sent.popleft()
            if self._first is None:
                self._first = slot
        if slot > now:
            self._sleep(slot - now)

    def _measured(self, now: float) -> float:
        """Calls per second actually sent over the last second (or since the first call)."""
        while self._sent and self._sent[0] < now - 1.0:
            self._sent.popleft()
        span = min(1.0, max(now - (self._first if self._first is not None else now), 0.05))
        return len(self._sent) / span

    def throttled(self, retry_after: float | None = None) -> None:
        """The service refused a call for now (429 or 503, or answered ``Retry-After``)."""
        with self._lock:
            now = self._clock()
            self.throttles += 1
            if retry_after is not None and retry_after > 0:
                self._paused_until = max(self._paused_until, now + retry_after)
            if now - self._last_decrease < self.cooldown:
                return
            self._last_decrease = now
            current = self._measured(now)
            if self._adapted is not None:
                current = min(current, self._adapted)
            self._adapted = max(self.MIN_RATE, current / 2)

    def succeeded(self) -> None:
        """A call was answered without a refusal."""
        with self._lock:
            if self._adapted is not None:
                self._adapted += 1.0


def retry_after_seconds(value: str | None) -> float | None:
    """A ``Retry-After`` header's wait in seconds (a number or an HTTP date); None when there
    is none or it cannot be read."""
    if not value:
        return None
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        return max(0.0, parsedate_to_datetime(value).timestamp() - time.time())
    except (TypeError, ValueError, IndexError, OverflowError):
        return None


class DeadlineRetry(Retry):
    """``Retry`` that also gives up once ``deadline`` seconds have passed since the first try,
    and tells its ``gate`` of every refusal and passes it before every retry."""

    def __init__(self, *args: Any, deadline: float = 60.0, started: float | None = None,
                 gate: RateGate | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.deadline = deadline
        self.started = started
        self.gate = gate

    def new(self, **kwargs: Any) -> "DeadlineRetry":
        kwargs.setdefault("deadline", self.deadline)
        kwargs.setdefault("started", self.started if self.started is not None else time.monotonic())
        kwargs.setdefault("gate", self.gate)
        return super().new(**kwargs)

    def sleep(self, response: Any = None) -> None:
        super().sleep(response)
        if self.gate is not None:
            self.gate.wait()

    def increment(self, *args: Any, **kwargs: Any) -> "DeadlineRetry":
        response = kwargs.get("response")
        if self.gate is not None and response is not None:
            retry_after = retry_after_seconds(response.headers.get("Retry-After"))
            if response.status in THROTTLE_STATUSES or retry_after is not None:
                self.gate.throttled(retry_after)
        retry = super().increment(*args, **kwargs)
        if retry.started is not None and time.monotonic() - retry.started > self.deadline:
            reason = RuntimeError(f"gave up after {self.deadline:g} s of retries")
            reason.__cause__ = kwargs.get("error")  # what went wrong, for the caller to tell
            raise MaxRetryError(kwargs.get("_pool"), kwargs.get("url"),  # type: ignore[arg-type]
                                reason)
        return retry


def retry_policy(total: int = 8, backoff: float = 0.2, deadline: float | None = None,
                 gate: RateGate | None = None) -> Retry:
    """The retries of every call; ``deadline`` (seconds) defaults to ``RETRY_DEADLINE``."""
    deadline = RETRY_DEADLINE if deadline is None else deadline
    return DeadlineRetry(
        total=total, connect=total, read=2, status=total, other=0,
        status_forcelist=RETRY_STATUSES,
        allowed_methods=None,  # the statuses retried mean the call was not carried out
        backoff_factor=backoff, backoff_max=10,
        respect_retry_after_header=True, raise_on_status=False, deadline=deadline, gate=gate,
    )


class GatedAdapter(HTTPAdapter):
    """An ``HTTPAdapter`` whose every call first passes ``gate``, and tells it how it went."""

    def __init__(self, gate: RateGate | None = None, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.gate = gate

    def send(self, request: requests.PreparedRequest, *args: Any,
             **kwargs: Any) -> requests.Response:
        if self.gate is None:
            return super().send(request, *args, **kwargs)
        self.gate.wait()
        response = super().send(request, *args, **kwargs)
        if response.status_code not in THROTTLE_STATUSES:
            self.gate.succeeded()
        return response


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
                on_renew: Callable[[str, bool], None] | None = None,
                gate: RateGate | None = None) -> requests.Session:
    """A session for ``base_url`` (a host, to which ``/api/...`` is appended); its calls pass
    ``gate`` when one is given (``retry`` should then be a ``retry_policy`` with the same)."""
    session = gated_session(retry or retry_policy(gate=gate), gate)
    session.headers.update({"Accept": "application/json", "x-vol-dataview-mode": "LIVE"})
    if tenant is not None:
        session.headers["x-vol-tenant"] = str(tenant)
    if site is not None:
        session.headers["x-vol-site"] = str(site)
    # Tickets are fetched through a session of their own, used under the ticket's lock only,
    # so that a renewal never shares a session with a call of another thread.
    tickets = gated_session(retry or retry_policy(gate=gate), gate)
    session.auth = TicketAuth(tickets, base_url.rstrip("/") + TICKET_PATH, credentials,
                              on_renew=on_renew)
    return session


def gated_session(retry: Retry, gate: RateGate | None) -> EnvironmentOnceSession:
    """A session retrying as ``retry`` says, every call through ``gate`` (none: ungated)."""
    session = EnvironmentOnceSession()
    adapter = GatedAdapter(gate, max_retries=retry)
    session.mount("http://", adapter)
    session.mount("https://", adapter)
    return session


def session_for_thread(session: requests.Session) -> requests.Session:
    """Another session like ``session`` (made by :func:`b2b_session`) for another thread: its
    own connections, the same headers, ticket, retries and rate gate."""
    twin = EnvironmentOnceSession()
    for prefix, adapter in session.adapters.items():
        gate = adapter.gate if isinstance(adapter, GatedAdapter) else None
        twin.mount(prefix, GatedAdapter(gate, max_retries=getattr(adapter, "max_retries", None)))
    twin.headers.clear()
    twin.headers.update(session.headers)
    twin.auth = session.auth
    twin.proxies = dict(session.proxies)
    twin.verify = session.verify
    twin.cert = session.cert
    twin.trust_env = session.trust_env
    return twin


def _host(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"
