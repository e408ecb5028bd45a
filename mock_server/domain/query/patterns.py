"""The query languages as regular expressions, for the spec: a tool that reads only the spec
(a contract tester, a client generator) then knows which strings are filters, sorts and
projections the service accepts.

A regular expression cannot describe nesting to any depth, so the patterns describe a regular
part of each language: every string they match is one the parsers accept (a property test holds
them to it), and the parsers accept more (deeper parentheses, upper-case operators, values in
other spellings). Those limits are documented in the spec. Field names are the resource's own,
written as the schema spells them or in lower case.
"""

from __future__ import annotations

import re

# Parentheses a filter pattern allows: groups of comparisons, not groups of groups.
FILTER_GROUP_DEPTH = 1
# Nesting a responseFields pattern allows: items(users(roles(roleId))).
PROJECTION_DEPTH = 4

# What the filter's reader takes as white space (str.isspace), spelt out: tools that generate
# strings from a pattern do not all read ``\s`` as Python does.
_SPACE = ("\\t\\n\\x0b\\x0c\\r\\x1c-\\x1f \\x85\\xa0\\u1680\\u2000-\\u200a\\u2028"
          "\\u2029\\u202f\\u205f\\u3000")
_TEXT = (r"(?:'(?:[^'\\]|\\.|'')*'|\"(?:[^\"\\]|\\.|\"\")*\"|"
         f"[^{_SPACE}()\\[\\],'\"]+)")
_INTEGER = r"-?[0-9]{1,18}"
_NUMBER = r"-?[0-9]{1,15}(?:\.[0-9]{1,15})?"
_BOOLEAN = r"(?:true|false)"
_DAY = r"[1-9][0-9]{3}-(?:0[1-9]|1[0-2])-(?:0[1-9]|[12][0-9]|3[01])"
_TIME = (r"(?:[Tt](?:[01][0-9]|2[0-3]):[0-5][0-9](?::[0-5][0-9](?:\.[0-9]{1,9})?)?"
         r"(?:[Zz]|[+-](?:[01][0-9]|2[0-3]):[0-5][0-9])?)?")
_DATE = f"(?:{_DAY}{_TIME}|'{_DAY}{_TIME}'|\"{_DAY}{_TIME}\")"

_VALUES = {"string": _TEXT, "integer": _INTEGER, "number": _NUMBER, "boolean": _BOOLEAN,
           "date-time": _DATE}
# Operators besides eq/ne (which also take null) and in, by field type.
_ORDERING = {"string": ("gt", "lt", "ge", "le", "sw", "cont"),
             "integer": ("gt", "lt", "ge", "le"),
             "number": ("gt", "lt", "ge", "le"),
             "boolean": (),
             "date-time": ("gt", "lt", "ge", "le")}


def _names(names: list[str]) -> str:
    spellings = sorted({spelling for name in names for spelling in (name, name.lower())},
                       key=lambda s: (-len(s), s))
    return "(?:" + "|".join(re.escape(s) for s in spellings) + ")"


def _comparison(fields: dict[str, str]) -> str:
    """One ``field op value`` over the fields, grouped by type (values typed as the field)."""
    parts = []
    for kind in ("string", "integer", "number", "boolean", "date-time"):
        names = sorted(name for name, field_kind in fields.items() if field_kind == kind)
        if not names:
            continue
        value = _VALUES[kind]
        operations = [f"(?:eq|ne) +(?:{value}|null)"]
        if _ORDERING[kind]:
            operations.append(f"(?:{'|'.join(_ORDERING[kind])}) +{value}")
        if kind != "date-time":
            operations.append(f"in +\\[ *(?:(?:{value}|null)(?: *, *(?:{value}|null))*)? *\\]")
        parts.append(f"{_names(names)} +(?:{'|'.join(operations)})")
    return "(?:" + "|".join(parts) + ")"


def filter_pattern(fields: dict[str, str]) -> str:
    """Filters over ``fields`` (name -> type): comparisons joined by ``and``/``or``, with
    groups in parentheses ``FILTER_GROUP_DEPTH`` deep; or nothing."""
    term = _comparison(fields)
    for _ in range(FILTER_GROUP_DEPTH):
        term = f"(?:{term}|\\( *{term}(?: +(?:and|or) +{term})* *\\))"
    return f"^ *(?:{term}(?: +(?:and|or) +{term})* *)?$"


def sort_pattern(fields: dict[str, str]) -> str:
    """``field [asc|desc]`` over ``fields``, several separated by commas; or nothing."""
    clause = f"{_names(sorted(fields))}(?: +(?:asc|desc|ASC|DESC))?"
    return f"^ *(?:{clause}(?: *, *{clause})* *)?$"


def projection_pattern() -> str:
    """``responseFields``: names, comma-separated, each with its own fields in parentheses,
    ``PROJECTION_DEPTH`` deep; or nothing. Names need not exist: unknown ones are left out."""
    name = "[A-Za-z_][A-Za-z0-9_]{0,99}"
    level = name
    for _ in range(PROJECTION_DEPTH - 1):
        level = f"{name}(?:\\({level}(?:,{level})*\\))?"
    return f"^(?:{level}(?:,{level})*)?$"
