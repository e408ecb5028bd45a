"""Connexion's request validators, adjusted so every bad request is a clear 400.

Connexion's own parameter message is jsonschema's full report (schema dump included) without the
parameter's name; a client needs "query parameter 'pageSize': 500 is greater than 200".

The validation layer itself (``PlannedValidationMiddleware``) checks parameters through each
operation's ``RequestPlan`` and keeps, per operation, what Connexion worked out again on every
request: the accepted content types and the body validators. Compiled schemas are kept per
definition (``schema_checks``).
"""

from __future__ import annotations

import codecs
import functools
from typing import Any

from connexion.datastructures import MediaTypeDict
from connexion.exceptions import BadRequestProblem, UnsupportedMediaTypeProblem
from connexion.json_schema import Draft4RequestValidator
from connexion.middleware.request_validation import (RequestValidationAPI,
                                                     RequestValidationMiddleware,
                                                     RequestValidationOperation)
from connexion.utils import is_null, is_nullable
from connexion.validators import (FormDataValidator, JSONRequestBodyValidator,
                                  MultiPartFormDataValidator, ParameterValidator)
from jsonschema import Draft4Validator
from starlette.types import Receive, Scope, Send

from .request_plan import ARGUMENTS_KEY, BODY_KEY, RequestPlan, parameter_problem, plan_for
from .schema_checks import compiled_validator, shortcut

class NamingParameterValidator(ParameterValidator):
    """Validates one parameter; the message names the parameter and its location."""

    @staticmethod
    def validate_parameter(parameter_type: str, value: Any, param: dict[str, Any],
                           param_name: str | None = None) -> str | None:
        if is_nullable(param) and is_null(value):
            return None
        schema = param.get("schema", param)
        return parameter_problem(parameter_type, param.get("name", param_name), value,
                                 bool(param.get("required")), compiled_validator(schema),
                                 shortcut(schema))


def _codec(encoding: str) -> str:
    """The codec a Content-Type's charset names; a 415 when Python knows none by that name."""
    try:
        b"{".decode(encoding)  # unknown names and bytes-to-bytes codecs (base64, ...) fail here
    except ValueError:
        pass  # a text codec all the same (utf-16 wants two bytes, punycode other ones)
    except LookupError:
        raise UnsupportedMediaTypeProblem(
            detail=f"Unknown charset '{encoding}' in the Content-Type") from None
    return codecs.lookup(encoding).name


class SafeJSONBodyValidator(JSONRequestBodyValidator):
    """Connexion's JSON body validator, answering a body that is not UTF-8 with a 400.

    Connexion makes one of these per request and compiled the schema again at each; the
    compiled validator is kept per schema definition, as for parameters. A body the schema's
    ``quick_check`` passes skips jsonschema.
    """

    def __init__(self, *, encoding: str, **kwargs: Any) -> None:
        super().__init__(encoding=_codec(encoding), **kwargs)

    @property
    def _validator(self) -> Draft4Validator:
        return compiled_validator(self._schema, Draft4RequestValidator)

    def _validate(self, body: Any) -> dict[str, Any] | None:
        passes = shortcut(self._schema)
        if body is not None and passes is not None and passes(body):
            return None
        return super()._validate(body)

    async def _parse(self, stream: Any, scope: Any) -> Any:
        """The parsed body, also kept in the scope so the handler's layer need not parse it."""
        try:
            body = await super()._parse(stream, scope)
        except ValueError as exc:  # a body its charset cannot decode (JSON errors are 400s already)
            raise BadRequestProblem(detail=f"The request body is not valid {self._encoding} "
                                    f"JSON: {exc}") from None
        scope[BODY_KEY] = body
        return body


VALIDATOR_MAP = {
    "parameter": NamingParameterValidator,
    "body": MediaTypeDict({
        "*/*json": SafeJSONBodyValidator,
        "application/x-www-form-urlencoded": FormDataValidator,
        "multipart/form-data": MultiPartFormDataValidator,
    }),
}


# Spellings of a content type kept per operation: clients choose them, so there is a ceiling.
_KEPT_PER_OPERATION = 32


class _PlannedValidationOperation(RequestValidationOperation):
    """Connexion's validation of one operation, with what does not change between requests
    worked out once (Connexion built a URI parser, a parameter validator, a media type table
    and a body validator on every request)."""

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
