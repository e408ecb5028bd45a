"""The OpenAPI documents are valid and describe every operation of the B2B accounts resource."""

from __future__ import annotations

import pytest
from openapi_spec_validator import validate

from mock_server import openapi as spec

SEED_OPERATIONS = {
    "AddAccount": ("post", ""),
    "GetB2BAccounts": ("get", ""),
    "GetB2BAccount": ("get", "/{accountId}"),
    "UpdateAccount": ("put", "/{accountId}"),
    "AddUser": ("post", "/{accountId}/user"),
    "GetUsers": ("get", "/{accountId}/users"),
    "UpdateUser": ("put", "/{accountId}/user/{userId}"),
    "RemoveUser": ("put", "/{accountId}/user/{userId}/remove"),
    "AddUserRoleAsync": ("post", "/{accountId}/user/{userId}/roles/{roleId}"),
    "GetUserRolesAsync": ("get", "/{accountId}/user/{userId}/roles"),
    "RemoveUserRoleAsync": ("delete", "/{accountId}/user/{userId}/roles/{roleId}"),
    "AddB2BAccountAttribute": ("post", "/{accountId}/attributes"),
    "GetB2BAccountAttributes": ("get", "/{accountId}/attributes"),
    "GetB2BAccountAttribute": ("get", "/{accountId}/attributes/{attributeFQN}"),
    "UpdateB2BAccountAttribute": ("put", "/{accountId}/attributes/{attributeFQN}"),
    "DeleteB2BAccountAttribute": ("delete", "/{accountId}/attributes/{attributeFQN}"),
}
# The operations of the official SDK's B2BAccountApi that the published description lacks, by
# the SDK's names (@kibocommerce/rest-sdk 3.2634.1); the published ones are held by
# test_fidelity.
SDK_OPERATIONS = {
    "CreateRoleAsync": ("post", "/roles"),
    "GetRoleByRoleIdAsync": ("get", "/roles/{roleId}"),
    "UpdateRoleAsync": ("put", "/roles/{roleId}"),
    "DeleteRoleAsync": ("delete", "/roles/{roleId}"),
    "AssignRoleToAccountAsync": ("put", "/roles/{roleId}/accounts/{accountId}"),
    "RemoveRoleFromAccountAsync": ("delete", "/roles/{roleId}/accounts/{accountId}"),
    "ApplyRoleToFutureChildrensAsync": (
        "put", "/roles/{roleId}/accounts/{accountId}/apply-to-future-children/{enabled}"),
    "GetRolesByAccountIdAsync": ("get", "/{accountId}/roles"),
    "GetUsersByRoleAsync": ("get", "/{accountId}/roles/{roleId}/users"),
    "GetBehaviors": ("get", "/behaviors"),
    "GetBehaviorCategories": ("get", "/behaviors/categories"),
    "GetUserBehaviors": ("get", "/{accountId}/user/{userId}/behaviors"),
}


@pytest.mark.parametrize("name", ["b2baccounts.yaml", "platform.yaml", "mock_admin.yaml"])
def test_spec_is_valid_openapi(name: str) -> None:
    validate(spec.load(name))


def test_the_b2b_document_is_parsed_once_however_it_is_named() -> None:
    """The domain asked for it by default and Connexion by name: it was parsed twice, the second
    time in the middle of the first write a server answered."""
    assert spec.load() is spec.load("b2baccounts.yaml")


def test_every_seed_operation_is_at_its_real_path() -> None:
    document = spec.load()
    base = document["servers"][0]["url"]
    found = {op["operationId"]: (method, base + path)
             for path, item in document["paths"].items()
             for method, op in item.items() if isinstance(op, dict) and "operationId" in op}
    expected = {name: (method, "/api/commerce/customer/b2baccounts" + path)
                for name, (method, path) in {**SEED_OPERATIONS, **SDK_OPERATIONS}.items()}
    assert {name: found.get(name) for name in expected} == expected


def test_account_and_user_schemas_carry_every_seed_property() -> None:
    schemas = spec.load()["components"]["schemas"]
    account = set(schemas["B2BAccount"]["properties"])
    assert {"id", "auditInfo", "accountType", "attributes", "companyOrOrganization",
            "customerSet", "customerSinceDate", "externalId", "isActive", "priceList",
            "taxExempt", "taxId", "users"} <= account
    user = set(schemas["B2BUser"]["properties"])
    assert {"acceptsMarketing", "emailAddress", "firstName", "hasExternalPassword", "isActive",
            "isLocked", "isRemoved", "lastName", "localeCode", "userId", "userName",
            "roles"} <= user
    attribute = set(schemas["CustomerAttribute"]["properties"])
    assert {"attributeDefinitionId", "fullyQualifiedName", "values"} <= attribute


def test_create_operations_link_to_the_operations_that_use_the_new_ids() -> None:
    paths = spec.load()["paths"]
    base = "/commerce/customer/b2baccounts"
    account_links = paths[base]["post"]["responses"]["200"]["links"]
    assert account_links["AddUser"]["parameters"] == {"accountId": "$response.body#/id"}
    user_links = paths[base + "/{accountId}/user"]["post"]["responses"]["200"]["links"]
    assert user_links["AddUserRoleAsync"]["parameters"]["userId"] == "$response.body#/userId"
    assert "RemoveUser" in user_links
    attribute_links = paths[base + "/{accountId}/attributes"]["post"]["responses"]["200"]["links"]
    assert attribute_links["DeleteB2BAccountAttribute"]["parameters"]["attributeFQN"] == \
        "$response.body#/fullyQualifiedName"
