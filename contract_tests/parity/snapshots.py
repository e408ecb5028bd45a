"""Snapshots of a scenario's exchanges: made comparable across services and runs, written, read,
and compared path by path.

An exchange is one call: ``{"step", "request": {"method", "path", "body"}, "status",
"headers", "body"}``. What differs between two correct services or two runs of one is replaced
by placeholders: ids (``<id-1>``, numbered in order of first appearance, so the same id is the
same placeholder everywhere in a scenario, in paths and bodies alike), dates (``<date>``),
tenants (``<tenant>``), the run's own tag in names and e-mails (``<run>``) and correlation ids
(``<correlation-1>``...).
"""

from __future__ import annotations

import fnmatch
import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
SNAPSHOTS = HERE / "snapshots"
DECLARED = HERE / "differences.json"

# Keys whose values are ids the service assigns (or the scenario's own run-specific ones).
ID_KEYS = re.compile(r"^(id|userId|accountId|parentAccountId|rootAccountId|contactId|"
                     r"assignedInScope|salesReps|accountIds|children)$")
# Ids of the tenant's attribute definitions, numbered apart: small numbers that may equal a
# contact's id in one store and not in another.
DEFINITION_KEYS = re.compile(r"^attributeDefinitionId$")
TENANT_KEYS = re.compile(r"^(tenant|tenantId)$")
DATE = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?$")
HEX_ID = re.compile(r"\b[0-9a-f]{32}\b")
# Response headers worth comparing; the rest (date, server, length) say nothing of the API.
HEADERS = ("content-type", "x-vol-correlation")


@dataclass
class Placeholders:
    """The placeholders of one scenario: each distinct id (or correlation id) gets the next
    number the first time it is seen."""

    run_tag: str
    ids: dict[str, str] = field(default_factory=dict)
    definitions: dict[str, str] = field(default_factory=dict)
    correlations: dict[str, str] = field(default_factory=dict)

    def definition(self, value: Any) -> str:
        key = str(value)
        if key not in self.definitions:
            self.definitions[key] = f"<definition-{len(self.definitions) + 1}>"
        return self.definitions[key]

    def id(self, value: Any) -> str:
        key = str(value)
        if key not in self.ids:
            self.ids[key] = f"<id-{len(self.ids) + 1}>"
        return self.ids[key]

    def correlation(self, value: str) -> str:
        if value not in self.correlations:
            self.correlations[value] = f"<correlation-{len(self.correlations) + 1}>"
        return self.correlations[value]

    def text(self, value: str, key: str = "") -> str:
        """A string with the run tag, dates and known ids inside it replaced: numeric ids of
        three digits or more anywhere, shorter ones only in messages (elsewhere a 1 is as
        likely a house number)."""
        if DATE.match(value):
            return "<date>"
        if self.run_tag:
            value = value.replace(self.run_tag, "<run>")
        value = HEX_ID.sub(lambda m: self.id(m.group(0)), value)
        for raw, placeholder in self.ids.items():
            if not HEX_ID.fullmatch(raw) and (len(raw) >= 3 or key == "message"):
                value = re.sub(rf"(?<![\w<.-]){re.escape(raw)}(?![\w>.-])", placeholder, value)
        return value

    def value(self, value: Any, key: str = "") -> Any:
        if isinstance(value, dict):  # keys in order: services order them differently
            named = value.get("name") if set(value) == {"name", "value"} else None
            if isinstance(named, str):  # additionalErrorData: {"name": "accountId", ...}
                return {"name": named, "value": self.value(value["value"], named)}
            return {k: self.value(value[k], k) for k in sorted(value)}
        if isinstance(value, list):
            return [self.value(v, key) for v in value]
        if value is None or isinstance(value, bool):
            return value
        if TENANT_KEYS.match(key) and isinstance(value, (int, str)):
            return "<tenant>"
        if ID_KEYS.match(key) and isinstance(value, (int, str)) and value != "":
            return self.id(value)
        if DEFINITION_KEYS.match(key) and isinstance(value, (int, str)):
            return self.definition(value)
        if isinstance(value, str):
            return self.text(value, key)
        return value

    def path(self, path: str) -> str:
        """A request path with the ids in its segments replaced (known ids, and 32-hex ones)."""
        parts = []
        for part in path.split("/"):
            if part in self.ids or HEX_ID.fullmatch(part):
                parts.append(self.id(part))
            else:
                parts.append(self.text(part))
        return "/".join(parts)


def normalize(exchanges: list[dict[str, Any]], run_tag: str) -> list[dict[str, Any]]:
    """The exchanges of one scenario run with placeholders in place of what varies.

    Answers are read before the request that follows them, so an id the service assigned in
    one answer has its placeholder when a later path uses it."""
    marks = Placeholders(run_tag)
    normalized = []
    for exchange in exchanges:
        request = exchange["request"]
        body = marks.value(request.get("body"))
        answer = marks.value(exchange["body"])
        headers = {name: exchange["headers"][name] for name in HEADERS
                   if name in exchange["headers"]}
        if "x-vol-correlation" in headers:
            headers["x-vol-correlation"] = marks.correlation(headers["x-vol-correlation"])
        if "content-type" in headers:
            headers["content-type"] = headers["content-type"].split(";")[0].strip()
        normalized.append({"step": exchange["step"],
                           "request": {"method": request["method"],
                                       "path": marks.path(request["path"]), "body": body},
                           "status": exchange["status"], "headers": headers, "body": answer})
    return normalized


def write(name: str, exchanges: list[dict[str, Any]], folder: Path = SNAPSHOTS) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / f"{name}.json"
    target.write_text(json.dumps(exchanges, indent=2, ensure_ascii=False, sort_keys=True) + "\n",
                      encoding="utf-8")
    return target


def read(name: str, folder: Path = SNAPSHOTS) -> list[dict[str, Any]]:
    loaded: list[dict[str, Any]] = json.loads((folder / f"{name}.json").read_text(
        encoding="utf-8"))
    return loaded


@dataclass(frozen=True)
class Difference:
    """One place where the answers differ: ``path`` like ``approval.approve.body.isActive``."""

    path: str
    recorded: Any
    actual: Any

    def __str__(self) -> str:
        return f"{self.path}: recorded {_show(self.recorded)}, got {_show(self.actual)}"


_MISSING = "<missing>"


def _show(value: Any) -> str:
    text = value if value == _MISSING else json.dumps(value, ensure_ascii=False)
    return text if len(text) <= 120 else text[:117] + "..."


def compare(scenario: str, recorded: list[dict[str, Any]],
            actual: list[dict[str, Any]]) -> list[Difference]:
    """Every difference between two normalized runs of a scenario, by path."""
    found: list[Difference] = []
    steps = {e["step"]: e for e in actual}
    for exchange in recorded:
        base = f"{scenario}.{exchange['step']}"
        if exchange["step"] not in steps:
            found.append(Difference(base, "a call", _MISSING))
            continue
        _compare(base, exchange, steps[exchange["step"]], found)
    for step in steps.keys() - {e["step"] for e in recorded}:
        found.append(Difference(f"{scenario}.{step}", _MISSING, "a call"))
    return found


def _compare(path: str, recorded: Any, actual: Any, found: list[Difference]) -> None:
    if isinstance(recorded, dict) and isinstance(actual, dict):
        for key in sorted(recorded.keys() | actual.keys()):
            _compare(f"{path}.{key}", recorded.get(key, _MISSING), actual.get(key, _MISSING),
                     found)
    elif isinstance(recorded, list) and isinstance(actual, list):
        for index in range(max(len(recorded), len(actual))):
            _compare(f"{path}[{index}]", recorded[index] if index < len(recorded) else _MISSING,
                     actual[index] if index < len(actual) else _MISSING, found)
    elif recorded != actual or type(recorded) is not type(actual):
        found.append(Difference(path, recorded, actual))


def declared(file: Path = DECLARED) -> dict[str, str]:
    """The deliberate differences: path pattern (``*`` matches anything, ``.`` and ``[]``
    included) -> why the mock answers otherwise."""
    if not file.exists():
        return {}
    loaded: dict[str, str] = json.loads(file.read_text(encoding="utf-8"))["differences"]
    return loaded


def undeclared(differences: list[Difference],
               reasons: dict[str, str]) -> list[Difference]:
    """The differences no declared pattern covers."""
    return [d for d in differences
            if not any(fnmatch.fnmatchcase(d.path, pattern) for pattern in reasons)]
