"""Why a string is not a filter, sort or projection the spec allows: the parsers' own words.

The spec describes the three languages with patterns (``patterns``); a value that does not match
is refused before the domain sees it, and the refusal should say what is wrong with it as the
parser sees it, not quote a pattern of several thousand characters.
"""

from __future__ import annotations

from ..catalog import Catalog
from ..errors import ServiceError, shown
from .filters import FilterError, parse_filter, parse_sort
from .patterns import FILTER_GROUP_DEPTH, PROJECTION_DEPTH
from .projection import parse_projection

_BEYOND = {
    "filter": f"groups in parentheses at most {FILTER_GROUP_DEPTH} deep, operators and the "
              "words and/or in lower case, values typed as their fields",
    "sort": "field names, each with asc or desc, separated by commas",
    "projection": f"names and groups in parentheses at most {PROJECTION_DEPTH} deep, "
                  "without spaces",
}
_NAMES = {"filter": "filter", "sort": "sortBy", "projection": "responseFields"}


def explain(language: str, of: str | None, value: str, catalog: Catalog) -> str:
    """What is wrong with ``value`` in ``language`` over the schema ``of``'s fields."""
    name = _NAMES.get(language, language)
    try:
        if language == "filter" and of is not None:
            parse_filter(value, catalog.field_types(of))
        elif language == "sort" and of is not None:
            parse_sort(value, catalog.field_types(of))
        elif language == "projection":
            parse_projection(value)
    except FilterError as exc:
        return f"Invalid {name} '{shown(value)}': {exc}"
    except ServiceError as exc:
        return exc.message
    return (f"Invalid {name} '{shown(value)}': the service accepts "
            f"{_BEYOND.get(language, 'what the spec describes')}")
