"""Writes the query-language patterns into the spec: ``make spec-patterns``.

Each parameter schema marked ``x-b2b-query: {language: ..., of: ...}`` is followed by its
``pattern:`` line; this fills that line with the pattern ``mock_server.domain.query.patterns``
makes from the named schema's fields, so the spec says exactly what the server accepts.
``tests/test_spec.py`` fails when the spec and the generator disagree.
"""

from __future__ import annotations

import json
import re
import sys
from importlib import resources
from pathlib import Path

import yaml

from mock_server import openapi
from mock_server.domain.catalog import Catalog
from mock_server.domain.query.patterns import filter_pattern, projection_pattern, sort_pattern

MARK = re.compile(r"^(\s*)x-b2b-query: \{language: (\w+)(?:, of: (\w+))?\}\s*$")


def pattern_for(catalog: Catalog, language: str, schema: str | None) -> str:
    if language == "projection":
        return projection_pattern()
    assert schema is not None, f"the {language} language needs 'of: <schema>'"
    fields = catalog.field_types(schema)
    return filter_pattern(fields) if language == "filter" else sort_pattern(fields)


def filled(text: str, catalog: Catalog) -> str:
    """The spec's text with every marked pattern line written anew."""
    lines = text.split("\n")
    for at, line in enumerate(lines):
        match = MARK.match(line)
        if match is None:
            continue
        indent, language, schema = match.groups()
        following = lines[at + 1]
        if not following.startswith(indent + "pattern: "):
            raise ValueError(f"line {at + 2}: expected the pattern of the {language} language")
        lines[at + 1] = indent + "pattern: " + json.dumps(pattern_for(catalog, language, schema))
    return "\n".join(lines)


def main(names: list[str]) -> int:
    for name in names or ["b2baccounts.yaml"]:
        path = Path(str(resources.files(openapi).joinpath(name)))
        text = path.read_text(encoding="utf-8")
        # the catalog reads the document's schemas, which the patterns do not change
        new = filled(text, Catalog(yaml.safe_load(text)))
        if new != text:
            path.write_text(new, encoding="utf-8")
            print(f"{name}: patterns written")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
