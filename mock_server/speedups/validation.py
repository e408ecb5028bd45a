"""Request validation that reads each request once and compiles each schema once.

Connexion builds a URI parser, a parameter validator, a media type table and a body validator
on every request, compiles the schemas again for each, and reads the query, path and body twice
(validation, then the handler's arguments). Here the validation layer checks parameters through
each operation's ``RequestPlan``, keeps per operation what does not change between requests,
and keeps the parsed body in the scope for the handler's layer (``serving``). The checks and
their words are ``mock_server.http.validation``'s.
"""

from __future__ import annotations

import functools
from typing import Any

from connexion.datastructures import MediaTypeDict
from connexion.json_schema import Draft4RequestValidator
from connexion.middleware.request_validation import (RequestValidationAPI,
                                                     RequestValidationMiddleware,
                                                     RequestValidationOperation)
from connexion.utils import is_null, is_nullable
from connexion.validators import FormDataValidator, MultiPartFormDataValidator
from jsonschema import Draft4Validator
from starlette.types import Receive, Scope, Send

from ..http.validation import NamingParameterValidator, SafeJSONBodyValidator, parameter_problem
from .request_plan import ARGUMENTS_KEY, BODY_KEY, RequestPlan, plan_for
from .schema_checks import compiled_validator, shortcut


class CompiledParameterValidator(NamingParameterValidator):
    """The same check and words, with each parameter's schema compiled once and values that
    surely pass let through without jsonschema (``quick_check``)."""

    @staticmethod
    def validate_parameter(parameter_type: str, value: Any, param: dict[str, Any],
                           param_name: str | None = None) -> str | None:
        if is_nullable(param) and is_null(value):
            return None
        schema = param.get("schema", param)
        return parameter_problem(parameter_type, param.get("name", param_name or ""), value,
                                 bool(param.get("required")), compiled_validator(schema),
                                 shortcut(schema))


class CompiledJSONBodyValidator(SafeJSONBodyValidator):
    """The same body check, with the schema compiled once per definition (Connexion compiled it
    for every request), bodies the schema's ``quick_check`` passes let through, and the parsed
    body kept in the scope so the handler's layer need not parse it again."""

    @property
    def _validator(self) -> Draft4Validator:
        return compiled_validator(self._schema, Draft4RequestValidator)

    def _validate(self, body: Any) -> dict[str, Any] | None:
        passes = shortcut(self._schema)
        if body is not None and passes is not None and passes(body):
            return None
        validated: dict[str, Any] | None = super()._validate(body)
        return validated

    async def _parse(self, stream: Any, scope: Any) -> Any:
        body = await super()._parse(stream, scope)
        scope[BODY_KEY] = body
        return body


VALIDATOR_MAP = {
    "parameter": CompiledParameterValidator,
    "body": MediaTypeDict({
        "*/*json": CompiledJSONBodyValidator,
        "application/x-www-form-urlencoded": FormDataValidator,
        "multipart/form-data": MultiPartFormDataValidator,
    }),
}


# Spellings of a content type kept per operation: clients choose them, so there is a ceiling.
_KEPT_PER_OPERATION = 32


class _PlannedValidationOperation(RequestValidationOperation):
    """Connexion's validation of one operation, with what does not change between requests
    worked out once."""

    @functools.cached_property
    def _plan(self) -> RequestPlan | None:
        if self.strict_validation:
            return None
        return plan_for(self._operation)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._accepted: set[str] = set()
        self._body_validators: dict[tuple[str, str], Any] = {}

    def validate_mime_type(self, mime_type: str) -> None:
        if mime_type not in self._accepted:
            super().validate_mime_type(mime_type)
            if len(self._accepted) < _KEPT_PER_OPERATION:
                self._accepted.add(mime_type)

    def _body_validator(self, mime_type: str, encoding: str) -> Any:
        """The body validator for a content type as the request spells it (validators keep no
        state between requests); a charset Python does not know is a 415, never kept."""
        key = (mime_type, encoding)
        if key in self._body_validators:
            return self._body_validators[key]
        validator = self._new_body_validator(mime_type, encoding)
        if len(self._body_validators) < _KEPT_PER_OPERATION:
            self._body_validators[key] = validator
        return validator

    def _new_body_validator(self, mime_type: str, encoding: str) -> Any:
        schema = self._operation.body_schema(mime_type)
        if not schema:
            return None
        try:
            validator_cls = self._validator_map["body"][mime_type]
        except KeyError:
            return None
        return validator_cls(
            schema=schema, required=self._operation.request_body.get("required", False),
            nullable=is_nullable(self._operation.body_definition(mime_type)),
            encoding=encoding, strict_validation=self.strict_validation,
            uri_parser=self._operation.uri_parser_class(self._operation.parameters,
                                                        self._operation.body_definition()))

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        plan = self._plan
        if plan is None:
            await super().__call__(scope, receive, send)
            return
        scope[ARGUMENTS_KEY] = plan.read(scope)
        mime_type, encoding = self.extract_content_type(scope["headers"])
        self.validate_mime_type(mime_type)
        validator = self._body_validator(mime_type, encoding)
        if validator is not None:
            receive, scope = await validator.wrap_receive(receive, scope=scope)
        await self.next_app(scope, receive, send)


class _PlannedValidationAPI(RequestValidationAPI):
    def make_operation(self, operation: Any) -> RequestValidationOperation:
        return _PlannedValidationOperation(self.next_app, operation=operation,
                                           strict_validation=self.strict_validation,
                                           validator_map=self.validator_map)


class PlannedValidationMiddleware(RequestValidationMiddleware):
    """Connexion's request validation middleware, validating through request plans."""

    api_cls = _PlannedValidationAPI
