"""Connexion's request validators, adjusted so every bad request is a clear 400.

Connexion's own parameter message is jsonschema's full report (schema dump included) without the
parameter's name; a client needs "query parameter 'pageSize': 500 is greater than 200".
"""

from __future__ import annotations

import copy
from typing import Any

from connexion.datastructures import MediaTypeDict
from connexion.exceptions import BadRequestProblem
from connexion.json_schema import Draft4RequestValidator
from connexion.utils import is_null, is_nullable
from connexion.validators import (FormDataValidator, JSONRequestBodyValidator,
                                  MultiPartFormDataValidator, ParameterValidator)
from jsonschema import Draft4Validator, ValidationError

FORMAT_CHECKER = Draft4Validator.FORMAT_CHECKER


_validators: dict[int, tuple[dict[str, Any], Draft4Validator]] = {}


def _compiled(definition: dict[str, Any], kind: Any = Draft4Validator) -> Draft4Validator:
    """One compiled validator per schema definition (Connexion builds one per request).

    Keyed by the definition's identity, which stays alive (and so unique) as long as the app;
    the definition is kept in the cache entry to guarantee that.
    """
    cached = _validators.get(id(definition))
    if cached is None or cached[0] is not definition:
        cached = (definition, kind(copy.deepcopy(definition), format_checker=FORMAT_CHECKER))
        _validators[id(definition)] = cached
    return cached[1]


def _validator_for(param: dict[str, Any]) -> Draft4Validator:
    return _compiled(param.get("schema", param))


class NamingParameterValidator(ParameterValidator):
    """Validates one parameter; the message names the parameter and its location."""

    @staticmethod
    def validate_parameter(parameter_type: str, value: Any, param: dict[str, Any],
                           param_name: str | None = None) -> str | None:
        name = param.get("name", param_name)
        if is_nullable(param) and is_null(value):
            return None
        if value is not None:
            try:
                _validator_for(param).validate(value)
            except ValidationError as exc:
                return f"Invalid {parameter_type} parameter '{name}': {exc.message}"
            return None
        if param.get("required"):
            return f"Missing {parameter_type} parameter '{name}'"
        return None


class SafeJSONBodyValidator(JSONRequestBodyValidator):
    """Connexion's JSON body validator, answering a body that is not UTF-8 with a 400.

    Connexion makes one of these per request and compiled the schema again at each; the
    compiled validator is kept per schema definition, as for parameters.
    """

    @property
    def _validator(self) -> Draft4Validator:
        return _compiled(self._schema, Draft4RequestValidator)

    async def _parse(self, stream: Any, scope: Any) -> Any:
        try:
            return await super()._parse(stream, scope)
        except UnicodeDecodeError as exc:
            raise BadRequestProblem(detail=f"The request body is not valid UTF-8 JSON: {exc}") \
                from None


VALIDATOR_MAP = {
    "parameter": NamingParameterValidator,
    "body": MediaTypeDict({
        "*/*json": SafeJSONBodyValidator,
        "application/x-www-form-urlencoded": FormDataValidator,
        "multipart/form-data": MultiPartFormDataValidator,
    }),
}
