"""Connexion's parameter validator, with messages that name the parameter at fault.

Connexion's own message is jsonschema's full report (schema dump included) without the
parameter's name; a client needs "query parameter 'pageSize': 500 is greater than 200".
"""

from __future__ import annotations

import copy
from typing import Any

from connexion.utils import is_null, is_nullable
from connexion.validators import ParameterValidator
from jsonschema import Draft4Validator, ValidationError

FORMAT_CHECKER = Draft4Validator.FORMAT_CHECKER


class NamingParameterValidator(ParameterValidator):
    @staticmethod
    def validate_parameter(parameter_type: str, value: Any, param: dict[str, Any],
                           param_name: str | None = None) -> str | None:
        name = param.get("name", param_name)
        if is_nullable(param) and is_null(value):
            return None
        if value is not None:
            schema = copy.deepcopy(param).get("schema", param)
            try:
                Draft4Validator(schema, format_checker=FORMAT_CHECKER).validate(value)
            except ValidationError as exc:
                return f"Invalid {parameter_type} parameter '{name}': {exc.message}"
            return None
        if param.get("required"):
            return f"Missing {parameter_type} parameter '{name}'"
        return None
