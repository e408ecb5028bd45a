"""Connexion's AsyncApp without the work it repeats on every request.

Connexion rebuilds each handler's decorator chain on every request: it re-reads
the handler's signature (``inspect.signature``, three times per request counting the bearer
check) and re-derives every parameter's Python name with regular expressions. The classes
below build the chain once per operation and remember the answers, through the extension points
Connexion offers (``security_map``, the middleware list, the app's API and operation classes).

Connexion also reads a request's query, path and body twice (validation, then the handler's
arguments), and parses a form out of every request, body or not. Here the validation layer reads
them once through the operation's ``RequestPlan`` and the handler's layer takes what it read.
Each replacement keeps Connexion's answers; the tests compare them with stock Connexion's.
"""

from __future__ import annotations

import asyncio
import functools
from typing import Any, Callable

import connexion
from connexion.apps.asynchronous import AsyncApi, AsyncASGIApp, AsyncOperation
from connexion.context import context, receive, scope
from connexion.decorators import StarletteDecorator
from connexion.decorators.parameter import (CONTEXT_NAME, AsyncParameterDecorator,
                                            unwrap_decorators)
from connexion.middleware import ConnexionMiddleware
from connexion.middleware.request_validation import RequestValidationMiddleware
from connexion.middleware.swagger_ui import SwaggerUIMiddleware
from connexion.exceptions import OAuthProblem, OAuthResponseProblem
from connexion.middleware.security import SecurityAPI, SecurityMiddleware, SecurityOperation
from connexion.security import NO_VALUE, BearerSecurityHandler
from connexion.utils import get_function_from_name, inspect_function_arguments
from starlette._utils import get_route_path
from starlette.requests import Request as StarletteRequest
from starlette.routing import Mount
from starlette.types import Receive, Scope, Send

from .request_plan import ARGUMENTS_KEY, BODY_KEY, plan_for
from .validation import PlannedValidationMiddleware


class _PlannedParameterDecorator(AsyncParameterDecorator):
    """Hands the handler the arguments the validation layer read through the operation's
    ``RequestPlan``, instead of parsing the query, path and body a second time.

    Same arguments as Connexion's: path and query parameters the handler names (query defaults
    included), the JSON body under its name, the security context (``user``, ``token_info``).
    Requests the validation layer did not plan (no plan for the operation) go the Connexion way.
    """

    def __init__(self, *, operation: Any, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.sanitize_fn: Callable[[str], str] = functools.cache(self.sanitize_fn)
        self.plan = plan_for(operation)

    def __call__(self, function: Callable[..., Any]) -> Callable[..., Any]:
        connexion_way = super().__call__(function)
        plan = self.plan
        if plan is None:
            return connexion_way
        arguments, has_kwargs = inspect_function_arguments(unwrap_decorators(function))
        names = {rule.name: self.sanitize_fn(rule.name) for rule in plan.rules}
        names = {name: python for name, python in names.items()
                 if has_kwargs or python in arguments}
        body_name = self.sanitize_fn(plan.body_name) if plan.body_name else None
        if body_name is not None and not (has_kwargs or body_name in arguments):
            body_name = None
        wants_context = CONTEXT_NAME in arguments

        @functools.wraps(function)
        async def wrapper(request: Any) -> Any:
            scope = request.scope
            found = scope.get(ARGUMENTS_KEY)
            if found is None:
                return await connexion_way(request)
            kwargs = {python: found[name] for name, python in names.items() if name in found}
            if body_name is not None:
                body = scope[BODY_KEY] if BODY_KEY in scope else await request.get_body()
                kwargs[body_name] = plan.body_argument(body)
            for key, value in request.context.items():
                if has_kwargs or key in arguments:
                    kwargs[key] = value
            if wants_context:
                kwargs[CONTEXT_NAME] = context
            return await function(**kwargs)

        return wrapper


class _OnceDecorator(StarletteDecorator):
    """Connexion's Starlette decorator, with the chain built at the first request only.

    The chain reads the operation from the request context when it runs, never when it is
    built, so one chain serves every request of its operation; so does the URI parser, which
    holds nothing but the operation's parameter definitions.
    """

    def __init__(self, *, operation: Any, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.operation = operation

    @property
    def _parameter_decorator_cls(self) -> Callable[..., AsyncParameterDecorator]:
        return functools.partial(_PlannedParameterDecorator, operation=self.operation)

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
    """The app's operation, keeping the spec's operation its decorators are built from."""

    spec_operation: Any = None

    @classmethod
    def from_operation(cls, operation: Any, **kwargs: Any) -> AsyncOperation:
        made = super().from_operation(operation, **kwargs)
        made.spec_operation = operation
        return made

    @functools.cached_property
    def fn(self) -> Callable[..., Any]:
        return _OnceDecorator(operation=self.spec_operation,
                              pythonic_params=self.pythonic_params,
                              jsonifier=self.jsonifier)(self._fn)


class _Api(AsyncApi):
    def make_operation(self, operation: Any) -> AsyncOperation:
        return _Operation.from_operation(operation, pythonic_params=self.pythonic_params,
                                         jsonifier=self.jsonifier)


class _ASGIApp(AsyncASGIApp):
    api_cls = _Api


def _bearer_token(scope: Scope) -> Any:
    """The token of a request's ``Authorization: Bearer ...`` header, read from the raw ASGI
    headers as Connexion reads it; NO_VALUE without one (or with another scheme)."""
    authorization = next((value for key, value in scope["headers"]
                          if key.lower() == b"authorization"), None)
    if not authorization:
        return NO_VALUE
    try:
        auth_type, token = authorization.decode("latin-1").split(None, 1)
    except ValueError:
        raise OAuthProblem(detail="Invalid authorization header") from None
    if auth_type.lower() != "bearer":
        return NO_VALUE
    return token


class _BearerHandler(BearerSecurityHandler):
    """Connexion's bearer check, reading the raw Authorization header (Connexion built a header
    table for it) and the ticket function's signature once rather than twice a call."""

    @staticmethod
    @functools.cache
    def _accepts_kwarg(func: Callable[..., Any], keyword: str) -> bool:
        return BearerSecurityHandler._accepts_kwarg(func, keyword)

    def _get_verify_func(self, token_info_func: Callable[..., Any]) -> Callable[..., Any]:
        check = self.check_bearer_token(token_info_func)

        def verify(request: Any) -> Any:
            token = _bearer_token(request.scope)
            return token if token is NO_VALUE else check(request, token)

        return verify


class _SecurityOperation(SecurityOperation):
    """Connexion's security check of one operation; when a bearer token is all it asks for
    (every B2B operation), checked in one step.

    Connexion wraps a request object around every call and passes it through five layers of
    wrappers to reach the ticket function; this reads the header and calls the function (the
    spec's ``x-bearerInfoFunc``) directly, with the same answers: 401 "No authorization token
    provided" without a bearer token, "Invalid authorization header" for a header it cannot
    split, "Provided token is not valid" when the function knows no such ticket, and the
    ticket's ``sub`` and info in the request context otherwise.
    """

    @functools.cached_property
    def _ticket_function(self) -> Callable[..., Any] | None:
        """The one ticket function when every alternative the operation accepts is a bearer
        token checked by it: an http bearer scheme (``x-bearerInfoFunc``) or an OAuth 2.0
        scheme without scopes (``x-tokenInfoFunc``), which both read ``Authorization: Bearer``.
        None otherwise: Connexion's own check then runs."""
        names = set()
        for requirement in self.security or ():
            if len(requirement) != 1:
                return None
            ((name, scopes),) = requirement.items()
            scheme = self.security_schemes[name]
            kind = scheme.get("type")
            if kind == "http" and str(scheme.get("scheme")).lower() == "bearer":
                function = scheme.get("x-bearerInfoFunc")
            elif kind == "oauth2":
                function = scheme.get("x-tokenInfoFunc")
            else:
                return None
            if scopes or not function:
                return None
            names.add(function)
        return get_function_from_name(names.pop()) if len(names) == 1 else None

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        function = self._ticket_function
        if function is None:
            await super().__call__(scope, receive, send)
            return
        token = _bearer_token(scope)
        if token is NO_VALUE:
            raise OAuthProblem(detail="No authorization token provided")
        if _BearerHandler._accepts_kwarg(function, "request"):
            info = function(token, request=StarletteRequest(scope))
        else:
            info = function(token)
        while asyncio.iscoroutine(info):
            info = await info
        if info is None:
            raise OAuthResponseProblem(detail="Provided token is not valid")
        scope.setdefault("extensions", {}).setdefault("connexion_context", {}).update(
            user=info.get("sub", info.get("uid")), token_info=info)
        await self.next_app(scope, receive, send)


class _SecurityAPI(SecurityAPI):
    def make_operation(self, operation: Any) -> SecurityOperation:
        return _SecurityOperation.from_operation(
            operation, next_app=self.next_app,
            security_handler_factory=self.security_handler_factory)


class _SecurityMiddleware(SecurityMiddleware):
    api_cls = _SecurityAPI


SECURITY_MAP = {"bearer": _BearerHandler}


class _SwaggerUIMiddleware(SwaggerUIMiddleware):
    """Connexion's middleware for the API documents and Swagger UI, letting every other request
    through without matching it against each document's routes first."""

    @functools.cached_property
    def _served(self) -> tuple[frozenset[str], tuple[str, ...]]:
        """The paths its routes answer (with or without a final slash) and the folders they
        serve whole."""
        exact: set[str] = set()
        folders: list[str] = []
        for mount in self.router.routes:
            exact.add(mount.path)
            for route in mount.app.routes:
                exact.add(mount.path + route.path.rstrip("/"))
                if isinstance(route, Mount):
                    folders.append(mount.path + route.path + "/")
        return frozenset(exact), tuple(folders)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            exact, folders = self._served
            path = get_route_path(scope)
            if path.rstrip("/") not in exact and not path.startswith(folders):
                await self.app(scope, receive, send)
                return
        await super().__call__(scope, receive, send)


# Connexion's middleware stack, with request validation through request plans, bearer tokens
# checked in one step, and the docs middleware skipped for other paths.
_REPLACED = {RequestValidationMiddleware: PlannedValidationMiddleware,
             SecurityMiddleware: _SecurityMiddleware,
             SwaggerUIMiddleware: _SwaggerUIMiddleware}
MIDDLEWARES = [_REPLACED.get(m, m) for m in ConnexionMiddleware.default_middlewares]


class FastApp(connexion.AsyncApp):
    """``connexion.AsyncApp`` serving its operations through the classes above."""

    def __init__(self, import_name: str, **kwargs: Any) -> None:
        super().__init__(import_name, security_map=SECURITY_MAP, middlewares=MIDDLEWARES,
                         **kwargs)
        # Connexion builds the app's middleware stack and routes at the first request and
        # adds APIs to this object, so replacing it before any add_api is complete.
        self._middleware_app = self.middleware.app = _ASGIApp()
