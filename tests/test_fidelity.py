"""Our spec against the service's published description: paths, methods, parameters, statuses,
models, field types and nullability, operation by operation.

The published facts are in ``fidelity/published_facts.py``. Every difference fails the test
unless it is listed below with its reason; the README's fidelity table names the same ones.
"""

from __future__ import annotations

from typing import Any

import pytest
from fidelity.published_facts import MODELS, OPERATIONS, REQUIRED, SECURITY_SCHEMES

from mock_server import openapi

OUR_DOCUMENTS = ("b2baccounts.yaml", "platform.yaml")

# Operations of the published description the mock does not serve, and why.
NOT_SERVED: dict[tuple[str, str], str] = {}

# Parameters the mock takes that the published description does not list.
EXTRA_PARAMETERS: dict[tuple[str, str], str] = {
    ("x-vol-tenant", "header"): "the published description puts the tenant in the host name "
                                "(t{tenant}); the official SDKs send it as this header too, "
                                "and the mock serves every tenant on one host",
    ("x-vol-site", "header"): "as x-vol-tenant, for the site; accepted, it partitions nothing",
}

# Security schemes the mock declares that the published descriptions do not.
EXTRA_SECURITY_SCHEMES: dict[str, str] = {
    "clientCredentials": "the same bearer ticket as bearerAuth, declared as OAuth 2.0's client "
                         "credentials flow at the ticket operation's URL so that Swagger UI "
                         "(/api/ui/) fetches a ticket itself; a call may use either",
}

# Request bodies: our model for each published one. Its fields must be published fields of the
# same type; published fields it leaves out, and fields it makes stricter, are listed.
INPUT_MODELS = {"B2BAccountNew": "B2BAccount", "B2BAccountInput": "B2BAccount",
                "B2BUserInput": "B2BUser", "B2BUserNew": "B2BUser",
                "CustomerAttributeInput": "CustomerAttribute",
                "CustomerAttributeUpdate": "CustomerAttribute", "UserRoleInput": "UserRole",
                "CustomerContactInput": "CustomerContact", "ContactTypeInput": "ContactType",
                "AddressInput": "CommerceRuntimeAddress", "SalesRepIds": "string",
                "AccountIds": "integer", "AccountPriorityModelInput": "AccountPriorityModel",
                "AccountPriorityInput": "AccountPriority"}
NOT_TAKEN_ON_INPUT: dict[tuple[str, str], str] = {
    **{("B2BAccount", name): "answered by the service, never set by a client"
       for name in ("id", "auditInfo", "commerceSummary", "migrationRequired", "rootAccountId")},
    **{("B2BAccount", name): "changed by operations of its own (contacts, notes, segments, "
                             "sales reps, approval), not by a body"
       for name in ("contacts", "notes", "segments", "salesReps", "approvalStatus")},
    **{("B2BAccount", name): "taken by AddAccount (B2BAccountNew); afterwards changed by "
                             "operations of their own (AddUser, changeparent), not by "
                             "UpdateAccount's body"
       for name in ("users", "parentAccountId")},
    ("B2BUser", "userId"): "assigned by the service",
    ("B2BUser", "roles"): "changed by AddUserRoleAsync and RemoveUserRoleAsync (AddUser takes "
                          "them in B2BUserNew)",
    ("CustomerAttribute", "auditInfo"): "answered by the service",
    ("CustomerContact", "id"): "assigned by the service; the path names the contact",
    ("CustomerContact", "accountId"): "the path names the account",
    ("CustomerContact", "auditInfo"): "answered by the service",
    **{("UserRole", name): "answered by the service: a role is named by its id"
       for name in ("userId", "assignedInScope", "roleResources", "roleTags", "auditInfo")},
}
STRICTER_ON_INPUT: dict[tuple[str, str], str] = {
    ("B2BAccount", "companyOrOrganization"): "required on create and never null or blank: an "
                                             "account without a name cannot be told apart",
    ("B2BUser", "emailAddress"): "required on AddUser, an e-mail address (it is the user's "
                                 "login and its uniqueness key), never null",
    ("CustomerAttribute", "fullyQualifiedName"): "required on add, namespace~name",
    ("B2BAccount", "attributes"): "each attribute as CustomerAttribute, named on add",
    ("B2BUser", "roles"): "each role by its id",
    ("CustomerAttribute", "values"): "each value text, a number or true/false: what the "
                                     "service's attribute types hold",
    ("B2BUserAndAuthInfo", "b2BUser"): "a B2BUser as AddUser takes it (an e-mail required)",
    ("CustomerContact", "email"): "required, an e-mail address: the published description "
                                  "says a contact needs one",
    ("CustomerContact", "types"): "required, Billing and/or Shipping: the published "
                                  "description says a contact needs a type",
    ("UserRole", "roleId"): "required: AddUser's roles and the role operations name a role by "
                            "its id, and a role without one means nothing",
    ("AccountPriority", "priority"): "required: UpdateAccountPriority without a priority "
                                     "would change nothing",
    ("ContactType", "name"): "required, Billing or Shipping: a type without its name means "
                             "nothing",
}


def _required(document: dict[str, Any], name: str) -> set[str]:
    schema = document["components"]["schemas"][name]
    found = set(schema.get("required", []))
    for part in schema.get("allOf", []):
        found |= _required(document, part["$ref"].rsplit("/", 1)[-1]) if "$ref" in part \
            else set(part.get("required", []))
    return found


def _flat(document: dict[str, Any], name: str) -> dict[str, Any]:
    schema = document["components"]["schemas"][name]
    props: dict[str, Any] = {}
    for part in schema.get("allOf", []):
        if "$ref" in part:
            props.update(_flat(document, part["$ref"].rsplit("/", 1)[-1]))
        else:
            props.update(part.get("properties", {}))
    props.update(schema.get("properties", {}))
    return props


def _fact(prop: dict[str, Any]) -> tuple[Any, ...]:
    if "$ref" in prop:
        return ("ref", prop["$ref"].rsplit("/", 1)[-1])
    kind = prop.get("type")
    if kind == "array":
        items = prop.get("items", {})
        inner = items["$ref"].rsplit("/", 1)[-1] if "$ref" in items else items.get("type", "any")
        return ("array", inner, bool(prop.get("nullable")))
    return (kind or "any", prop.get("format"), bool(prop.get("nullable")))


def _our_operations() -> dict[tuple[str, str], tuple[dict[str, Any], dict[str, Any]]]:
    found = {}
    for name in OUR_DOCUMENTS:
        document = openapi.served(name)
        base = document["servers"][0]["url"].rstrip("/")
        for path, item in document["paths"].items():
            for method, operation in item.items():
                if method in ("get", "put", "post", "delete"):
                    found[(method, base + path)] = (operation, document)
    return found


OURS = _our_operations()


def _parameters(operation: dict[str, Any], document: dict[str, Any]) -> dict[Any, Any]:
    found = {}
    for parameter in operation.get("parameters", []):
        while "$ref" in parameter:
            parameter = document["components"]["parameters"][parameter["$ref"].rsplit("/", 1)[-1]]
        found[(parameter["name"], parameter["in"])] = _fact(parameter.get("schema", {}))
    return found


def _json_schema(content: dict[str, Any], document: dict[str, Any]) -> dict[str, Any]:
    """A body's schema; a reference to a named list schema stands for the list itself."""
    media = content.get("application/json") or next(iter(content.values()))
    schema: dict[str, Any] = media.get("schema", {})
    if "$ref" in schema:
        target = document["components"]["schemas"][schema["$ref"].rsplit("/", 1)[-1]]
        if target.get("type") == "array":
            return dict(target)
    return schema


def _same_model(ours: str, published: str, document: dict[str, Any], seen: set[str],
                differences: list[str]) -> None:
    """Answer models: the same fields, each of the same type, format and nullability."""
    if published in seen:
        return
    seen.add(published)
    our_fields = {name: _fact(prop) for name, prop in _flat(document, ours).items()}
    expected = MODELS[published]
    if _required(document, ours) != set(REQUIRED.get(published, ())):
        differences.append(f"{published}: ours requires {sorted(_required(document, ours))}, "
                           f"published {sorted(REQUIRED.get(published, ()))}")
    if set(our_fields) != set(expected):
        differences.append(f"{published}: fields {sorted(set(our_fields) ^ set(expected))} "
                           "differ")
    for name in set(our_fields) & set(expected):
        if our_fields[name] != expected[name]:
            differences.append(f"{published}.{name}: ours {our_fields[name]}, published "
                               f"{expected[name]}")
        elif our_fields[name][0] in ("ref", "array") and our_fields[name][1] in MODELS:
            _same_model(our_fields[name][1], expected[name][1], document, seen, differences)


def _input_model(ours: str, published: str, document: dict[str, Any],
                 differences: list[str]) -> None:
    """Body models: published fields of the same type; what is left out or stricter listed."""
    our_fields = {name: _fact(prop) for name, prop in _flat(document, ours).items()}
    expected = MODELS[published]
    for name, fact in our_fields.items():
        if name not in expected:
            differences.append(f"{ours}.{name}: not a field of the published {published}")
            continue
        published_fact = expected[name]
        if fact[0] in ("ref", "array") and fact[1] in INPUT_MODELS:
            fact = (fact[0], INPUT_MODELS[fact[1]], *fact[2:])
        if fact != published_fact and (published, name) not in STRICTER_ON_INPUT:
            differences.append(f"{ours}.{name}: ours {fact}, published {published_fact}; "
                               "list it in STRICTER_ON_INPUT if it is meant")
    for name in sorted(_required(document, ours) - set(REQUIRED.get(published, ()))):
        if (published, name) not in STRICTER_ON_INPUT:
            differences.append(f"{ours} requires {name}, the published {published} does not; "
                               "list it in STRICTER_ON_INPUT if it is meant")
    for name in set(expected) - set(our_fields):
        if (published, name) not in NOT_TAKEN_ON_INPUT:
            differences.append(f"{ours} leaves out {published}.{name} without a reason")


@pytest.mark.parametrize("key", sorted(OPERATIONS))
def test_each_published_operation_is_served_as_published(key: tuple[str, str]) -> None:
    if key in NOT_SERVED:
        assert key not in OURS, f"{key} is served now: take it off NOT_SERVED"
        return
    assert key in OURS, f"{key[0].upper()} {key[1]} is not in our spec"
    operation, document = OURS[key]
    published = OPERATIONS[key]
    differences: list[str] = []

    params = _parameters(operation, document)
    for name, fact in published["params"].items():
        if params.get(name) != fact:
            differences.append(f"parameter {name}: ours {params.get(name)}, published {fact}")
    for name in set(params) - set(published["params"]):
        if name not in EXTRA_PARAMETERS:
            differences.append(f"parameter {name} is not published")

    successes = sorted(status for status in operation["responses"] if status.startswith("2"))
    if successes != published["statuses"]:
        differences.append(f"success statuses {successes}, published {published['statuses']}")

    answer = operation["responses"].get("200", {}).get("content")
    if published["response"] is None:
        if answer:
            differences.append("answers a body; the published operation answers none")
    else:
        ours = _fact(_json_schema(answer, document)) if answer else None
        if ours != published["response"]:
            differences.append(f"answer {ours}, published {published['response']}")
        elif ours[0] in ("ref", "array") and ours[1] in MODELS:
            _same_model(ours[1], published["response"][1], document, set(), differences)

    body = operation.get("requestBody", {}).get("content")
    if published["body"] is None:
        if body:
            differences.append("takes a body; the published operation takes none")
    else:
        ours = _fact(_json_schema(body, document)) if body else None
        if ours is None or ours[0] != published["body"][0]:
            differences.append(f"body {ours}, published {published['body']}")
        elif ours[0] == "ref":
            target = INPUT_MODELS.get(ours[1], ours[1])
            if target != published["body"][1]:
                differences.append(f"body model {ours[1]} stands for {target}, published "
                                   f"{published['body'][1]}")
            else:
                _input_model(ours[1], target, document, differences)
    assert differences == []


@pytest.mark.parametrize("name", OUR_DOCUMENTS)
def test_the_published_security_scheme_is_declared_and_required(name: str) -> None:
    document = openapi.served(name)
    schemes = document["components"]["securitySchemes"]
    for scheme, (kind, http_scheme) in SECURITY_SCHEMES.items():
        assert (schemes[scheme]["type"], schemes[scheme]["scheme"]) == (kind, http_scheme)
    assert set(schemes) - set(SECURITY_SCHEMES) <= set(EXTRA_SECURITY_SCHEMES), \
        "a security scheme the published descriptions lack: list it with its reason"
    operations = [op for item in document["paths"].values() for op in item.values()
                  if isinstance(op, dict) and "responses" in op]
    for operation in operations:
        requirements = operation.get("security", document.get("security", []))
        if requirements:
            assert {"bearerAuth": []} in requirements


def test_the_fact_check_sees_a_difference() -> None:
    """A wrong type, a missing field and an unlisted leftover are each reported."""
    document = openapi.served("b2baccounts.yaml")
    schemas = document["components"]["schemas"]
    schemas["B2BUser"]["properties"]["isActive"] = {"type": "string"}
    del schemas["UserRole"]["properties"]["roleTags"]
    del schemas["B2BUserInput"]["properties"]["localeCode"]
    differences: list[str] = []
    _same_model("B2BUser", "B2BUser", document, set(), differences)
    _input_model("B2BUserInput", "B2BUser", document, differences)
    assert any("B2BUser.isActive" in d for d in differences)
    assert any("UserRole: fields ['roleTags']" in d for d in differences)
    assert any("leaves out B2BUser.localeCode" in d for d in differences)


def test_the_fact_check_sees_a_required_field() -> None:
    """An answer model that requires what the published one does not, and a body that requires
    a field without a reason listed, are each reported."""
    document = openapi.served("b2baccounts.yaml")
    schemas = document["components"]["schemas"]
    schemas["B2BAccount"]["required"] = ["isActive"]
    schemas["B2BUserInput"]["required"] = ["firstName"]
    differences: list[str] = []
    _same_model("B2BAccount", "B2BAccount", document, set(), differences)
    _input_model("B2BUserInput", "B2BUser", document, differences)
    assert "B2BAccount: ours requires ['isActive'], published []" in differences
    assert any(d.startswith("B2BUserInput requires firstName") for d in differences)
