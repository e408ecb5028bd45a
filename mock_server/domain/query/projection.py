"""``responseFields`` and ``fields``: answering only the fields a client asks for."""

from __future__ import annotations

from typing import Any

from ..errors import bad_request


def parse_projection(text: str) -> dict[str, Any]:
    """``"items(id,users(userId)),totalCount"`` into ``{"items": {"id": {}, ...}, ...}``."""
    tree: dict[str, Any] = {}
    stack = [tree]
    name = ""
    for ch in text:
        if ch == "(":
            child: dict[str, Any] = {}
            stack[-1][name.strip()] = child
            stack.append(child)
            name = ""
        elif ch in ",)":
            if name.strip():
                stack[-1].setdefault(name.strip(), {})
            name = ""
            if ch == ")":
                if len(stack) == 1:
                    raise bad_request(f"Invalid responseFields '{text}': unbalanced ')'",
                                      parameter="responseFields")
                stack.pop()
        else:
            name += ch
    if len(stack) != 1:
        raise bad_request(f"Invalid responseFields '{text}': missing ')'",
                          parameter="responseFields")
    if name.strip():
        tree.setdefault(name.strip(), {})
    return tree


def _project(value: Any, tree: dict[str, Any]) -> Any:
    if not tree:
        return value
    if isinstance(value, list):
        return [_project(v, tree) for v in value]
    if not isinstance(value, dict):
        return value
    lower = {k.lower(): k for k in value}
    out: dict[str, Any] = {}
    for name, sub in tree.items():
        key = lower.get(name.lower())
        if key is not None:
            out[key] = _project(value[key], sub)
    return out


def project(body: Any, response_fields: str | None) -> Any:
    """Keep only the fields ``response_fields`` names; everything when it is absent."""
    if not response_fields or not response_fields.strip():
        return body
    return _project(body, parse_projection(response_fields))


def project_items(envelope: dict[str, Any], fields: str | None) -> dict[str, Any]:
    """``fields=a,b``: keep those fields of each item of a collection (names, not syntax)."""
    names = [name.strip() for name in (fields or "").split(",") if name.strip()]
    if not names:
        return envelope
    return {**envelope, "items": _project(envelope["items"], {name: {} for name in names})}
