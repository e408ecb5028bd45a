"""How b2b-mock has Connexion serve a request: an AsyncApp without the work Connexion repeats.

Connexion 3.3 validates and routes in ASGI middleware, then hands the request to the app. With a
FlaskApp that last step crosses into a WSGI thread through a2wsgi and runs Flask's own routing
and request context; with an AsyncApp the handler runs on the event loop (``async def``), or in
a worker thread when it is a plain function. The B2B handlers are ``async def`` (see ``api``);
the operator's heavy ones (seed, import, export) stay plain functions, in worker threads.

On top of that, Connexion rebuilds each handler's decorator chain on every request: it re-reads
the handler's signature (``inspect.signature``, three times per request counting the bearer
check) and re-derives every parameter's Python name with regular expressions. The classes
below build the chain once per operation and remember the answers, through the extension points
Connexion offers (``security_map``, the app's API and operation classes). Numbers are in
``bench/`` and in issue 6's notes.
"""

from __future__ import annotations

import functools
import json
from typing import Any, Callable

import connexion
import orjson
from connexion.apps.asynchronous import AsyncApi, AsyncASGIApp, AsyncOperation
from connexion.context import receive, scope
from connexion.decorators import StarletteDecorator
from connexion.decorators.parameter import AsyncParameterDecorator
from connexion.jsonifier import Jsonifier
from connexion.security import BearerSecurityHandler


class _RememberingParameterDecorator(AsyncParameterDecorator):
    """Maps ``responseFields`` to ``response_fields`` once per name, not once per request."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.sanitize_fn = functools.cache(self.sanitize_fn)


class _OnceDecorator(StarletteDecorator):
    """Connexion's Starlette decorator, with the chain built at the first request only.

    The chain reads the operation from the request context when it runs, never when it is
    built, so one chain serves every request of its operation; so does the URI parser, which
    holds nothing but the operation's parameter definitions.
    """

    @property
    def _parameter_decorator_cls(self) -> type[AsyncParameterDecorator]:
        return _RememberingParameterDecorator

    def __call__(self, function: Callable[..., Any]) -> Callable[..., Any]:
        decorated = self.decorate(function)
        uri_parser = None

        @functools.wraps(function)
        async def wrapper(*args: Any, **kwargs: Any) -> Any:
            nonlocal uri_parser
            if uri_parser is None:
                uri_parser = self.uri_parser
            request = self.framework.get_request(uri_parser=uri_parser, scope=scope,
                                                 receive=receive)
            return await decorated(request)

        return wrapper


class _Operation(AsyncOperation):
    @functools.cached_property
    def fn(self) -> Callable[..., Any]:
        return _OnceDecorator(pythonic_params=self.pythonic_params,
                              jsonifier=self.jsonifier)(self._fn)


class _Api(AsyncApi):
    def make_operation(self, operation: Any) -> AsyncOperation:
        return _Operation.from_operation(operation, pythonic_params=self.pythonic_params,
                                         jsonifier=self.jsonifier)


class _ASGIApp(AsyncASGIApp):
    api_cls = _Api


class _BearerHandler(BearerSecurityHandler):
    """The bearer check, reading the ticket function's signature once rather than twice a call."""

    @staticmethod
    @functools.cache
    def _accepts_kwarg(func: Callable[..., Any], keyword: str) -> bool:
        return BearerSecurityHandler._accepts_kwarg(func, keyword)


SECURITY_MAP = {"bearer": _BearerHandler}


class FastJsonifier(Jsonifier):
    """Responses encoded by orjson: a 5 KB account with its users in 4 us instead of 50.

    Compact, UTF-8, like the standard library with ``separators=(",", ":")`` and
    ``ensure_ascii=False``, which it falls back to for what orjson refuses (integers beyond 64
    bits, keys that are not strings).
    """

    def __init__(self) -> None:
        super().__init__(json, separators=(",", ":"), ensure_ascii=False)

    def dumps(self, data: Any, **kwargs: Any) -> str:
        if not kwargs:
            try:
                return orjson.dumps(data).decode() + "\n"
            except orjson.JSONEncodeError:
                pass
        return super().dumps(data, **kwargs)


class MockApp(connexion.AsyncApp):
    """``connexion.AsyncApp`` serving its operations through the classes above."""

    def __init__(self, import_name: str, **kwargs: Any) -> None:
        super().__init__(import_name, security_map=SECURITY_MAP, **kwargs)
        # Connexion builds the app's middleware stack and routes at the first request and
        # adds APIs to this object, so replacing it before any add_api is complete.
        self._middleware_app = self.middleware.app = _ASGIApp()
