"""Connexion's request validators, adjusted so every bad request is a clear 400 (or 415).

Connexion's own parameter message is jsonschema's full report (schema dump included) without the
parameter's name; a client needs "query parameter 'pageSize': 500 is greater than 200". A body
in a charset Python cannot decode made Connexion's body parser raise (a 500); here it is a 415
for an unknown charset and a 400 for bytes the charset cannot read.

These plug into Connexion through its public ``validator_map``; ``mock_server.speedups`` has
faster versions of the same checks.
"""

from __future__ import annotations

import codecs
import re
from functools import lru_cache
from typing import Any, Callable

from connexion.datastructures import MediaTypeDict
from connexion.exceptions import BadRequestProblem, UnsupportedMediaTypeProblem
from connexion.json_schema import format_error_with_path
from connexion.utils import is_null, is_nullable
from connexion.validators import (FormDataValidator, JSONRequestBodyValidator,
                                  MultiPartFormDataValidator, ParameterValidator)
from jsonschema import Draft4Validator, ValidationError, validators

from ..domain.errors import shown
from ..domain.query.languages import explain
from ..service import b2b_catalog
from ..domain.json_text import JSONRefused, read_json

FORMAT_CHECKER = Draft4Validator.FORMAT_CHECKER


@lru_cache(maxsize=256)
def ecma_pattern(pattern: str) -> re.Pattern[str]:
    """``pattern`` with a final ``$`` meaning the end of the value, as in the ECMA regular
    expressions JSON Schema specifies: Python's ``$`` also matches before a final newline, so
    ``"id\\n"`` would pass ``^[0-9a-f]{32}$``."""
    if pattern.endswith("$") and not pattern.endswith("\\$"):
        pattern = pattern[:-1] + r"\Z"
    return re.compile(pattern)


def _pattern(validator: Any, pattern: str, instance: Any, schema: Any) -> Any:
    if isinstance(instance, str) and not ecma_pattern(pattern).search(instance):
        yield ValidationError(f"{instance!r:.60} does not match {pattern!r:.60}")


ParameterSchemaValidator = validators.extend(Draft4Validator, {"pattern": _pattern})


def parameter_problem(location: str, name: str, value: Any, required: bool,
                      validator: Draft4Validator,
                      passes: Callable[[Any], bool] | None = None) -> str | None:
    """What is wrong with a parameter's value, in the words the mock's 400 answers use
    (``passes``: a check that accepts only valid values, to skip jsonschema for them).

    A filter, sort or projection the spec's pattern refuses is explained by the language's
    parser; other values are quoted at most in part.
    """
    if value is None:
        return f"Missing {location} parameter '{name}'" if required else None
    if passes is not None and passes(value):
        return None
    problem = next(validator.iter_errors(value), None)
    if problem is None:
        return None
    query = problem.schema.get("x-b2b-query") if isinstance(problem.schema, dict) else None
    if problem.validator == "pattern" and query and isinstance(value, str):
        return explain(query["language"], query.get("of"), value, b2b_catalog())
    if problem.validator in ("pattern", "maxLength") and isinstance(value, str):
        return f"Invalid {location} parameter '{name}': '{shown(value)}' is not allowed " \
               f"({problem.validator} {problem.validator_value!r:.60})"
    return f"Invalid {location} parameter '{name}': {problem.message}"


class NamingParameterValidator(ParameterValidator):
    """Validates one parameter; the message names the parameter and its location."""

    @staticmethod
    def validate_parameter(parameter_type: str, value: Any, param: dict[str, Any],
                           param_name: str | None = None) -> str | None:
        if is_nullable(param) and is_null(value):
            return None
        schema = param.get("schema", param)
        return parameter_problem(parameter_type, param.get("name", param_name or ""), value,
                                 bool(param.get("required")),
                                 ParameterSchemaValidator(schema, format_checker=FORMAT_CHECKER))


def charset_codec(encoding: str) -> str:
    """The codec a Content-Type's charset names; a 415 when Python knows none by that name."""
    try:
        b"{".decode(encoding)  # unknown names and bytes-to-bytes codecs (base64, ...) fail here
    except ValueError:
        pass  # a text codec all the same (utf-16 wants two bytes, punycode other ones)
    except LookupError:
        raise UnsupportedMediaTypeProblem(
            detail=f"Unknown charset '{encoding}' in the Content-Type") from None
    return codecs.lookup(encoding).name


def body_problem(error: ValidationError) -> str:
    """jsonschema's account of a body that fails its schema, quoting the value only in part
    (its message repeats the whole value: a 10 MB string would come back whole)."""
    message = error.message
    whole = repr(error.instance)
    if len(whole) > QUOTED_REPR:
        message = message.replace(whole, shown(whole))
    return shown_message(f"{message}{format_error_with_path(exception=error)}")


# A refused body's message: longer ones are cut (the value it quotes was shortened already).
QUOTED_REPR = 100
MESSAGE_LIMIT = 500


def shown_message(message: str) -> str:
    return message if len(message) <= MESSAGE_LIMIT else message[:MESSAGE_LIMIT] + "…"


class SafeJSONBodyValidator(JSONRequestBodyValidator):
    """Connexion's JSON body validator, reading the body as the service's JSON readers do
    (``json_input``), answering a body its charset cannot read with a 400 and a charset Python
    does not know with a 415, quoting a refused value only in part, and letting an optional body
    be absent."""

    def __init__(self, *, encoding: str, **kwargs: Any) -> None:
        super().__init__(encoding=charset_codec(encoding), **kwargs)

    def _validate(self, body: Any) -> dict[str, Any] | None:
        """A body the operation does not require may be left out (Connexion asks for one
        unless the schema is nullable)."""
        if body is None and not self._required:
            return None
        if body is None and not self._nullable:
            raise BadRequestProblem(detail="Request body must not be empty")
        try:
            self._validator.validate(body)
        except ValidationError as error:
            raise BadRequestProblem(detail=body_problem(error)) from None
        return None

    async def _parse(self, stream: Any, scope: Any) -> Any:
        raw = b"".join([message async for message in stream])
        try:
            text = raw.decode(self._encoding)
        except ValueError as exc:  # bytes its charset cannot decode
            raise BadRequestProblem(detail=f"The request body is not valid {self._encoding} "
                                    f"JSON: {shown(str(exc))}") from None
        if not text:
            return None
        try:
            return read_json(text)
        except JSONRefused as exc:
            raise BadRequestProblem(detail=f"Invalid request body: {exc}") from None


VALIDATOR_MAP = {
    "parameter": NamingParameterValidator,
    "body": MediaTypeDict({
        "*/*json": SafeJSONBodyValidator,
        "application/x-www-form-urlencoded": FormDataValidator,
        "multipart/form-data": MultiPartFormDataValidator,
    }),
}
