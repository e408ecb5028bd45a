"""Secrets out of what the mock keeps and shows: that a secret was sent is kept, its value is not.

The request journal (and so the demo page) and the access log show calls as they were, but for
the values of secrets and tokens, which become ``***``: client secrets, shared secrets,
passwords, access and refresh tokens (in JSON bodies, forms and query strings, under any of
their spellings), ``Authorization`` values (the scheme is kept) and cookies (their names are
kept), such as the ERP's ``ASP.NET_SessionId`` and ``.ASPXAUTH``.
"""

from __future__ import annotations

import json
import re
from typing import Any

from ..domain.json_text import JSONRefused, read_json

MASK = "***"

# Names whose values are secret, compared without case, "-" and "_" (accessToken, access_token).
SECRET_NAMES = frozenset({
    "clientsecret", "sharedsecret", "secret", "password", "accesstoken", "refreshtoken",
    "jwtaccesstoken", "idtoken", "token", "apikey", "authorization", "proxyauthorization",
    "cookie", "setcookie", "aspnetsessionid", "aspxauth", "xmockadmintoken"})
SECRET_HEADERS = frozenset({"authorization", "proxy-authorization", "cookie", "set-cookie",
                            "x-mock-admin-token"})

# Words of which a text holds one if it holds a secret (bodies without any are kept unread).
_WORDS = (b"secret", b"token", b"password", b"session", b"aspxauth", b"authorization",
          b"cookie")
# Answers of the service's and the ERP twin's data operations are the store's documents: a
# secret among them is masked when the journal is read rather than looked for in every answer
# as it is recorded.
DATA_PATHS = ("/api/commerce/", "/entity/")
_NAME = r"[A-Za-z_.\-]*(?:secret|token|password|sessionid|aspxauth|authorization|cookie)"
# "name": "value" or "name": 123 in JSON text that is not valid JSON
_JSON_PAIR = re.compile(r'(?i)("' + _NAME + r'"\s*:\s*)("(?:[^"\\]|\\.)*"|[-\w.+]+)')
# name=value in a form, a query string or a Cookie header
_FORM_PAIR = re.compile(r"(?i)((?:^|[&;?\s])" + _NAME + r"=)([^&;\s]*)")


def is_secret(name: str) -> bool:
    return re.sub(r"[-_.\s]", "", name.lower()) in SECRET_NAMES


def redact_value(value: Any) -> Any:
    """``value`` with every secret under a secret name masked (JSON-like data)."""
    if isinstance(value, dict):
        return {key: (_masked(inner) if is_secret(str(key)) else redact_value(inner))
                for key, inner in value.items()}
    if isinstance(value, list):
        return [redact_value(inner) for inner in value]
    return value


def _masked(value: Any) -> Any:
    """A secret's value as kept: empty and null ones stay (nothing was sent)."""
    return value if value in (None, "") else MASK


def redact_text(text: str) -> str:
    """Form fields, query parameters, cookies and JSON pairs with secret names, masked in
    text that is not (valid) JSON."""
    text = _JSON_PAIR.sub(lambda m: m.group(1) + json.dumps(MASK), text)
    return _FORM_PAIR.sub(lambda m: m.group(1) + (MASK if m.group(2) else ""), text)


def may_hold_secret(raw: bytes) -> bool:
    lowered = raw.lower()
    return any(word in lowered for word in _WORDS)


def redact_body(raw: bytes) -> bytes:
    """A journaled body with its secrets masked; the same bytes when it can hold none."""
    if not raw or not may_hold_secret(raw):
        return raw
    try:
        value = read_json(raw)
    except JSONRefused:
        return redact_text(raw.decode("utf-8", errors="replace")).encode("utf-8")
    return json.dumps(redact_value(value), ensure_ascii=False,
                      separators=(",", ":")).encode("utf-8")


def redact_query(query: str) -> str:
    if not query or not may_hold_secret(query.encode("latin-1", "replace")):
        return query
    return _FORM_PAIR.sub(lambda m: m.group(1) + (MASK if m.group(2) else ""), query)


def redact_header(name: str, value: str) -> str:
    """A header's value as kept: an Authorization's scheme, the names of cookies."""
    lowered = name.lower()
    if lowered not in SECRET_HEADERS:
        return value
    if lowered in ("authorization", "proxy-authorization"):
        scheme, _, rest = value.strip().partition(" ")
        return f"{scheme} {MASK}" if rest else MASK
    if lowered in ("cookie", "set-cookie"):
        pieces = []
        for number, piece in enumerate(value.split(";")):
            name_part, equals, _ = piece.partition("=")
            # Set-Cookie's attributes after the first pair (Path, HttpOnly...) are no secret
            keep = lowered == "set-cookie" and number > 0
            pieces.append(piece if keep or not equals else f"{name_part}={MASK}")
        return ";".join(pieces)
    return MASK


def redact_headers(headers: Any) -> Any:
    """Headers as a journal entry may hold them (a mapping, or name/value pairs)."""
    if isinstance(headers, dict):
        return {name: redact_header(str(name), str(value)) for name, value in headers.items()}
    if isinstance(headers, list):
        return [[name, redact_header(str(name), str(value))] for name, value in headers]
    return headers


def redact_entry(entry: dict[str, Any]) -> None:
    """Mask the secrets of a journal entry as it is recorded, in place: its bodies (raw bytes,
    or decoded values), its query string and any headers it holds; the answers of data
    operations are masked when read (``DATA_PATHS``)."""
    data = str(entry.get("path", "")).startswith(DATA_PATHS)
    for key in ("requestBody", "responseBody"):
        if data and key == "responseBody":
            continue
        body = entry.get(key)
        if isinstance(body, bytes):
            entry[key] = redact_body(body)
        elif isinstance(body, (dict, list)):
            entry[key] = redact_value(body)
        elif isinstance(body, str):
            entry[key] = redact_text(body)
    if isinstance(entry.get("query"), str):
        entry["query"] = redact_query(entry["query"])
    for key in ("requestHeaders", "responseHeaders", "headers"):
        if key in entry:
            entry[key] = redact_headers(entry[key])
