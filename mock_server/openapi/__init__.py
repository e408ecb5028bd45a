"""The OpenAPI documents b2b-mock serves, shipped inside the package and read through
``importlib.resources``, so an installed wheel serves the same documents as a checkout.

Each document is parsed once per process and shared: never change what ``load`` returns;
``served`` hands out a private copy prepared for Connexion.
"""

from __future__ import annotations

import copy
from functools import cache
from importlib import resources
from typing import Any

import yaml

DOCUMENTS = ("b2baccounts.yaml", "platform.yaml", "mock_admin.yaml", "erp.yaml")

# libyaml's loader when PyYAML was built with it: several times faster than pure Python.
_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

HTTP_METHODS = ("get", "put", "post", "delete", "patch", "head", "options", "trace")


def text(name: str) -> str:
    """A document's YAML text as shipped."""
    return resources.files(__name__).joinpath(name).read_text(encoding="utf-8")


def load(name: str = "b2baccounts.yaml") -> dict[str, Any]:
    """A document, parsed once per process (shared: never change it, see ``served``)."""
    return _parsed(name)


@cache
def _parsed(name: str) -> dict[str, Any]:
    parsed: dict[str, Any] = yaml.load(text(name), Loader=_LOADER)
    return parsed


def served(name: str) -> dict[str, Any]:
    """A private copy of a document for Connexion, its path-level parameters moved into each
    operation (``inline_path_parameters``)."""
    document = copy.deepcopy(load(name))
    inline_path_parameters(document)
    return document


def inline_path_parameters(document: dict[str, Any]) -> None:
    """Give each operation its path's parameters itself, and drop them from the path.

    Connexion 3.3 appends a path's parameters to its operation's own list in place, once for
    every layer that reads the operation: the tenant and site headers were validated several
    times per call, and a shared document grew with every app built. An operation's own
    parameter overrides the path's of the same name and location, as OpenAPI says.
    """
    for item in document.get("paths", {}).values():
        shared = item.pop("parameters", [])
        for method in HTTP_METHODS:
            if shared and method in item:
                own = item[method].setdefault("parameters", [])
                named = {parameter_key(document, p) for p in own}
                own.extend(p for p in shared if parameter_key(document, p) not in named)


def parameter_key(document: dict[str, Any], parameter: dict[str, Any]) -> tuple[str, str]:
    """A parameter's (name, location), following ``$ref`` into the document's components."""
    while "$ref" in parameter:
        parameter = document["components"]["parameters"][parameter["$ref"].rsplit("/", 1)[-1]]
    return parameter["name"], parameter["in"]
