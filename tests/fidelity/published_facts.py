"""Facts of the service's published OpenAPI descriptions, for the fidelity test: per operation its
parameters (name, location -> type, format, nullable), its success statuses, request and answer
models; per model its fields. Names and types only, read from the published customer,
app-development and tenant descriptions (KiboSoftware/kibo-open-api-specs at commit
6bb904248e9618044205764315cf2328fe28c6f8, docs/openapi_customer.json,
openapi_appdevelopement.json and openapi_tenant.json). A field is (type, format, nullable), an
array (\"array\", item model or type, nullable), a model reference (\"ref\", model).
"""


from typing import Any

# The security schemes every published description declares: name -> (type, scheme).
SECURITY_SCHEMES: dict[str, tuple[str, str]] = {"bearerAuth": ("http", "bearer")}

OPERATIONS: dict[tuple[str, str], dict[str, Any]] = {
    ('delete', '/api/commerce/customer/accounts/{accountId}/contacts/{contactId}'): {
        "statuses": ['200'],
        "body": None,
        "response": None,
        "params": {
            ('accountId', 'path'): ('integer', 'int32', False),
            ('contactId', 'path'): ('integer', 'int32', False),
        },
    },
    ('delete', '/api/commerce/customer/b2baccounts/{accountId}/attributes/{attributeFQN}'): {
        "statuses": ['200'],
        "body": None,
        "response": None,
        "params": {
            ('accountId', 'path'): ('integer', 'int32', False),
            ('attributeFQN', 'path'): ('string', None, False),
        },
    },
    ('delete', '/api/commerce/customer/b2baccounts/{accountId}/salesrep/{userId}'): {
        "statuses": ['200'],
        "body": None,
        "response": ('ref', 'B2BAccount'),
        "params": {
            ('accountId', 'path'): ('integer', 'int32', False),
            ('userId', 'path'): ('string', None, False),
        },
    },
    ('delete', '/api/commerce/customer/b2baccounts/{accountId}/user/{userId}/roles/{roleId}'): {
        "statuses": ['200'],
        "body": None,
        "response": None,
        "params": {
            ('accountId', 'path'): ('integer', 'int32', False),
            ('roleId', 'path'): ('integer', 'int32', False),
            ('userId', 'path'): ('string', None, False),
        },
    },
    ('delete', '/api/platform/applications/authtickets/{refreshToken}'): {
        "statuses": ['200'],
        "body": None,
        "response": None,
        "params": {
            ('refreshToken', 'path'): ('string', None, False),
        },
    },
    ('get', '/api/commerce/customer/accounts/{accountId}/contacts'): {
        "statuses": ['200'],
        "body": None,
        "response": ('ref', 'CustomerContactCollection'),
        "params": {
            ('accountId', 'path'): ('integer', 'int32', False),
            ('filter', 'query'): ('string', None, False),
            ('pageSize', 'query'): ('integer', 'int32', False),
            ('responseFields', 'query'): ('string', None, False),
            ('sortBy', 'query'): ('string', None, False),
            ('startIndex', 'query'): ('integer', 'int32', False),
            ('userId', 'query'): ('string', None, False),
        },
    },
    ('get', '/api/commerce/customer/accounts/{accountId}/contacts/{contactId}'): {
        "statuses": ['200'],
        "body": None,
        "response": ('ref', 'CustomerContact'),
        "params": {
            ('accountId', 'path'): ('integer', 'int32', False),
            ('contactId', 'path'): ('integer', 'int32', False),
            ('responseFields', 'query'): ('string', None, False),
            ('userId', 'query'): ('string', None, False),
        },
    },
    ('get', '/api/commerce/customer/b2baccounts'): {
        "statuses": ['200'],
        "body": None,
        "response": ('ref', 'B2BAccountCollection'),
        "params": {
            ('fields', 'query'): ('string', None, False),
            ('filter', 'query'): ('string', None, False),
            ('pageSize', 'query'): ('integer', 'int32', False),
            ('q', 'query'): ('string', None, False),
            ('qLimit', 'query'): ('integer', 'int32', False),
            ('responseFields', 'query'): ('string', None, False),
            ('responseGroups', 'query'): ('string', None, False),
            ('sortBy', 'query'): ('string', None, False),
            ('startIndex', 'query'): ('integer', 'int32', False),
        },
    },
    ('get', '/api/commerce/customer/b2baccounts/accountsbyuser'): {
        "statuses": ['200'],
        "body": None,
        "response": ('array', 'integer', False),
        "params": {
            ('emailAddress', 'query'): ('string', None, False),
            ('getAllAccounts', 'query'): ('boolean', None, False),
            ('responseFields', 'query'): ('string', None, False),
            ('userName', 'query'): ('string', None, False),
        },
    },
    ('get', '/api/commerce/customer/b2baccounts/priority/read'): {
        "statuses": ['200'],
        "body": None,
        "response": ('ref', 'AccountPriorityModel'),
        "params": {
            ('responseFields', 'query'): ('string', None, False),
        },
    },
    ('get', '/api/commerce/customer/b2baccounts/salesrep/{userId}'): {
        "statuses": ['200'],
        "body": None,
        "response": ('array', 'integer', False),
        "params": {
            ('responseFields', 'query'): ('string', None, False),
            ('userId', 'path'): ('string', None, False),
        },
    },
    ('get', '/api/commerce/customer/b2baccounts/{accountId}'): {
        "statuses": ['200'],
        "body": None,
        "response": ('ref', 'B2BAccount'),
        "params": {
            ('accountId', 'path'): ('integer', 'int32', False),
            ('responseFields', 'query'): ('string', None, False),
            ('responseGroups', 'query'): ('string', None, False),
        },
    },
    ('get', '/api/commerce/customer/b2baccounts/{accountId}/attributes'): {
        "statuses": ['200'],
        "body": None,
        "response": ('ref', 'CustomerAttributeCollection'),
        "params": {
            ('accountId', 'path'): ('integer', 'int32', False),
            ('filter', 'query'): ('string', None, False),
            ('pageSize', 'query'): ('integer', 'int32', False),
            ('responseFields', 'query'): ('string', None, False),
            ('sortBy', 'query'): ('string', None, False),
            ('startIndex', 'query'): ('integer', 'int32', False),
        },
    },
    ('get', '/api/commerce/customer/b2baccounts/{accountId}/attributes/{attributeFQN}'): {
        "statuses": ['200'],
        "body": None,
        "response": ('ref', 'CustomerAttribute'),
        "params": {
            ('accountId', 'path'): ('integer', 'int32', False),
            ('attributeFQN', 'path'): ('string', None, False),
            ('responseFields', 'query'): ('string', None, False),
        },
    },
    ('get', '/api/commerce/customer/b2baccounts/{accountId}/hierarchy'): {
        "statuses": ['200'],
        "body": None,
        "response": ('ref', 'B2BAccountHierarchyResult'),
        "params": {
            ('accountId', 'path'): ('integer', 'int32', False),
            ('responseFields', 'query'): ('string', None, False),
            ('responseGroups', 'query'): ('string', None, False),
        },
    },
    ('get', '/api/commerce/customer/b2baccounts/{accountId}/user/{userId}/roles'): {
        "statuses": ['200'],
        "body": None,
        "response": ('ref', 'CustomerUserRoleCollection'),
        "params": {
            ('accountId', 'path'): ('integer', 'int32', False),
            ('responseFields', 'query'): ('string', None, False),
            ('userId', 'path'): ('string', None, False),
        },
    },
    ('get', '/api/commerce/customer/b2baccounts/{accountId}/users'): {
        "statuses": ['200'],
        "body": None,
        "response": ('ref', 'B2BUserCollection'),
        "params": {
            ('accountId', 'path'): ('integer', 'int32', False),
            ('filter', 'query'): ('string', None, False),
            ('pageSize', 'query'): ('integer', 'int32', False),
            ('q', 'query'): ('string', None, False),
            ('qLimit', 'query'): ('integer', 'int32', False),
            ('responseFields', 'query'): ('string', None, False),
            ('responseGroups', 'query'): ('string', None, False),
            ('sortBy', 'query'): ('string', None, False),
            ('startIndex', 'query'): ('integer', 'int32', False),
        },
    },
    ('get', '/api/commerce/customer/b2bcontacts'): {
        "statuses": ['200'],
        "body": None,
        "response": ('ref', 'ExtendedCustomerContactCollection'),
        "params": {
            ('filter', 'query'): ('string', None, False),
            ('pageSize', 'query'): ('integer', 'int32', False),
            ('q', 'query'): ('string', None, False),
            ('qLimit', 'query'): ('integer', 'int32', False),
            ('responseFields', 'query'): ('string', None, False),
            ('sortBy', 'query'): ('string', None, False),
            ('startIndex', 'query'): ('integer', 'int32', False),
        },
    },
    ('get', '/api/platform/tenants/{tenantId}'): {
        "statuses": ['200'],
        "body": None,
        "response": ('ref', 'TenantTenant'),
        "params": {
            ('responseFields', 'query'): ('string', None, False),
            ('tenantId', 'path'): ('integer', 'int32', False),
        },
    },
    ('post', '/api/commerce/customer/accounts/{accountId}/contacts'): {
        "statuses": ['200'],
        "body": ('ref', 'CustomerContact'),
        "response": ('ref', 'CustomerContact'),
        "params": {
            ('accountId', 'path'): ('integer', 'int32', False),
            ('responseFields', 'query'): ('string', None, False),
        },
    },
    ('post', '/api/commerce/customer/b2baccounts'): {
        "statuses": ['200'],
        "body": ('ref', 'B2BAccount'),
        "response": ('ref', 'B2BAccount'),
        "params": {
            ('responseFields', 'query'): ('string', None, False),
        },
    },
    ('post', '/api/commerce/customer/b2baccounts/{accountId}/addsalesreps'): {
        "statuses": ['200'],
        "body": ('array', 'string', False),
        "response": ('ref', 'B2BAccount'),
        "params": {
            ('accountId', 'path'): ('integer', 'int32', False),
            ('responseFields', 'query'): ('string', None, False),
        },
    },
    ('post', '/api/commerce/customer/b2baccounts/{accountId}/attributes'): {
        "statuses": ['200'],
        "body": ('ref', 'CustomerAttribute'),
        "response": ('ref', 'CustomerAttribute'),
        "params": {
            ('accountId', 'path'): ('integer', 'int32', False),
            ('responseFields', 'query'): ('string', None, False),
        },
    },
    ('post', '/api/commerce/customer/b2baccounts/{accountId}/changeparent/{parentAccountId}'): {
        "statuses": ['200'],
        "body": None,
        "response": ('ref', 'B2BAccount'),
        "params": {
            ('accountId', 'path'): ('integer', 'int32', False),
            ('parentAccountId', 'path'): ('integer', 'int32', False),
            ('responseFields', 'query'): ('string', None, False),
        },
    },
    ('post', '/api/commerce/customer/b2baccounts/{accountId}/salesrep/{userId}'): {
        "statuses": ['200'],
        "body": None,
        "response": ('ref', 'B2BAccount'),
        "params": {
            ('accountId', 'path'): ('integer', 'int32', False),
            ('responseFields', 'query'): ('string', None, False),
            ('userId', 'path'): ('string', None, False),
        },
    },
    ('post', '/api/commerce/customer/b2baccounts/{accountId}/user'): {
        "statuses": ['200'],
        "body": ('ref', 'B2BUserAndAuthInfo'),
        "response": ('ref', 'B2BUser'),
        "params": {
            ('accountId', 'path'): ('integer', 'int32', False),
            ('responseFields', 'query'): ('string', None, False),
        },
    },
    ('post', '/api/commerce/customer/b2baccounts/{accountId}/user/{userId}/roles/{roleId}'): {
        "statuses": ['200'],
        "body": None,
        "response": None,
        "params": {
            ('accountId', 'path'): ('integer', 'int32', False),
            ('responseFields', 'query'): ('string', None, False),
            ('roleId', 'path'): ('integer', 'int32', False),
            ('userId', 'path'): ('string', None, False),
        },
    },
    ('post', '/api/platform/applications/authtickets'): {
        "statuses": ['200'],
        "body": ('ref', 'AppAuthInfo'),
        "response": ('ref', 'AuthTicket'),
        "params": {
            ('responseFields', 'query'): ('string', None, False),
        },
    },
    ('post', '/api/platform/applications/authtickets/oauth'): {
        "statuses": ['200'],
        "body": ('ref', 'OauthAuthRequest'),
        "response": ('ref', 'OAuthAccessTokenResponse'),
        "params": {
            ('responseFields', 'query'): ('string', None, False),
        },
    },
    ('put', '/api/commerce/customer/accounts/{accountId}/contacts'): {
        "statuses": ['200'],
        "body": ('array', 'CustomerContact', False),
        "response": ('ref', 'CustomerContactCollection'),
        "params": {
            ('accountId', 'path'): ('integer', 'int32', False),
            ('responseFields', 'query'): ('string', None, False),
        },
    },
    ('put', '/api/commerce/customer/accounts/{accountId}/contacts/{contactId}'): {
        "statuses": ['200'],
        "body": ('ref', 'CustomerContact'),
        "response": ('ref', 'CustomerContact'),
        "params": {
            ('accountId', 'path'): ('integer', 'int32', False),
            ('contactId', 'path'): ('integer', 'int32', False),
            ('responseFields', 'query'): ('string', None, False),
            ('userId', 'query'): ('string', None, False),
        },
    },
    ('put', '/api/commerce/customer/b2baccounts/priority/delete'): {
        "statuses": ['200'],
        "body": ('array', 'integer', False),
        "response": None,
        "params": {
            ('responseFields', 'query'): ('string', None, False),
        },
    },
    ('put', '/api/commerce/customer/b2baccounts/priority/update'): {
        "statuses": ['200'],
        "body": ('ref', 'AccountPriorityModel'),
        "response": ('ref', 'AccountPriorityModel'),
        "params": {
            ('responseFields', 'query'): ('string', None, False),
        },
    },
    ('put', '/api/commerce/customer/b2baccounts/upgradeaccounts'): {
        "statuses": ['200'],
        "body": ('array', 'integer', False),
        "response": ('ref', 'UpgradeToB2BAccountResponse'),
        "params": {
            ('responseFields', 'query'): ('string', None, False),
        },
    },
    ('put', '/api/commerce/customer/b2baccounts/{accountId}'): {
        "statuses": ['200'],
        "body": ('ref', 'B2BAccount'),
        "response": ('ref', 'B2BAccount'),
        "params": {
            ('accountId', 'path'): ('integer', 'int32', False),
            ('responseFields', 'query'): ('string', None, False),
        },
    },
    ('put', '/api/commerce/customer/b2baccounts/{accountId}/attributes/{attributeFQN}'): {
        "statuses": ['200'],
        "body": ('ref', 'CustomerAttribute'),
        "response": ('ref', 'CustomerAttribute'),
        "params": {
            ('accountId', 'path'): ('integer', 'int32', False),
            ('attributeFQN', 'path'): ('string', None, False),
            ('responseFields', 'query'): ('string', None, False),
        },
    },
    ('put', '/api/commerce/customer/b2baccounts/{accountId}/salesrep'): {
        "statuses": ['200'],
        "body": ('array', 'string', False),
        "response": ('ref', 'B2BAccount'),
        "params": {
            ('accountId', 'path'): ('integer', 'int32', False),
            ('responseFields', 'query'): ('string', None, False),
        },
    },
    ('put', '/api/commerce/customer/b2baccounts/{accountId}/status/{actionName}'): {
        "statuses": ['200'],
        "body": None,
        "response": ('ref', 'B2BAccount'),
        "params": {
            ('accountId', 'path'): ('integer', 'int32', False),
            ('actionName', 'path'): ('string', None, False),
            ('responseFields', 'query'): ('string', None, False),
        },
    },
    ('put', '/api/commerce/customer/b2baccounts/{accountId}/user/{userId}'): {
        "statuses": ['200'],
        "body": ('ref', 'B2BUser'),
        "response": ('ref', 'B2BUser'),
        "params": {
            ('accountId', 'path'): ('integer', 'int32', False),
            ('responseFields', 'query'): ('string', None, False),
            ('userId', 'path'): ('string', None, False),
        },
    },
    ('put', '/api/commerce/customer/b2baccounts/{accountId}/user/{userId}/remove'): {
        "statuses": ['200'],
        "body": None,
        "response": None,
        "params": {
            ('accountId', 'path'): ('integer', 'int32', False),
            ('responseFields', 'query'): ('string', None, False),
            ('userId', 'path'): ('string', None, False),
        },
    },
    ('put', '/api/platform/applications/authtickets/refresh-ticket'): {
        "statuses": ['200'],
        "body": ('ref', 'AuthTicketRequest'),
        "response": ('ref', 'AuthTicket'),
        "params": {
            ('responseFields', 'query'): ('string', None, False),
        },
    },
}

MODELS: dict[str, dict[str, tuple[Any, ...]]] = {
    'AccountHierarchyNode': {
        'children': ('array', 'object', True),
        'id': ('integer', 'int32', False),
    },
    'AccountPriority': {
        'accounts': ('array', 'integer', True),
        'priority': ('integer', 'int32', False),
    },
    'AccountPriorityModel': {
        'accountPriorities': ('array', 'AccountPriority', True),
        'blackListedAccounts': ('array', 'integer', True),
    },
    'AccountSalesRep': {
        'accountId': ('integer', 'int32', False),
        'adminUserId': ('string', None, True),
    },
    'AdminUserAuditInfo': {
        'createBy': ('string', None, True),
        'createDate': ('string', 'date-time', True),
        'updateBy': ('string', None, True),
        'updateDate': ('string', 'date-time', True),
    },
    'AppAuthInfo': {
        'applicationId': ('string', None, True),
        'sharedSecret': ('string', None, True),
    },
    'AuthTicket': {
        'accessToken': ('string', None, True),
        'accessTokenExpiration': ('string', 'date-time', False),
        'refreshToken': ('string', None, True),
        'refreshTokenExpiration': ('string', 'date-time', False),
    },
    'AuthTicketRequest': {
        'refreshToken': ('string', None, True),
    },
    'B2BAccount': {
        'accountType': ('string', None, True),
        'approvalStatus': ('string', None, True),
        'attributes': ('array', 'CustomerAttribute', True),
        'auditInfo': ('ref', 'AdminUserAuditInfo'),
        'commerceSummary': ('ref', 'CommerceSummary'),
        'companyOrOrganization': ('string', None, True),
        'contacts': ('array', 'CustomerContact', True),
        'customerSet': ('string', None, True),
        'customerSinceDate': ('string', 'date-time', True),
        'externalId': ('string', None, True),
        'id': ('integer', 'int32', False),
        'isActive': ('boolean', None, True),
        'migrationRequired': ('boolean', None, False),
        'notes': ('array', 'CustomerNote', True),
        'parentAccountId': ('integer', 'int32', True),
        'priceList': ('string', None, True),
        'priority': ('integer', 'int32', True),
        'rootAccountId': ('integer', 'int32', True),
        'salesReps': ('array', 'AccountSalesRep', True),
        'segments': ('array', 'CustomerCustomerSegment', True),
        'taxExempt': ('boolean', None, False),
        'taxId': ('string', None, True),
        'users': ('array', 'B2BUser', True),
    },
    'B2BAccountCollection': {
        'items': ('array', 'B2BAccount', True),
        'pageCount': ('integer', 'int32', False),
        'pageSize': ('integer', 'int32', False),
        'startIndex': ('integer', 'int32', False),
        'totalCount': ('integer', 'int32', False),
    },
    'B2BAccountHierarchyResult': {
        'accounts': ('array', 'B2BAccount', True),
        'hierarchy': ('ref', 'AccountHierarchyNode'),
    },
    'B2BUser': {
        'acceptsMarketing': ('boolean', None, False),
        'emailAddress': ('string', None, True),
        'firstName': ('string', None, True),
        'hasExternalPassword': ('boolean', None, False),
        'isActive': ('boolean', None, False),
        'isLocked': ('boolean', None, False),
        'isRemoved': ('boolean', None, False),
        'lastName': ('string', None, True),
        'localeCode': ('string', None, True),
        'roles': ('array', 'UserRole', True),
        'userId': ('string', None, True),
        'userName': ('string', None, True),
    },
    'B2BUserAndAuthInfo': {
        'b2BUser': ('ref', 'B2BUser'),
        'externalPassword': ('string', None, True),
        'isImport': ('boolean', None, False),
    },
    'B2BUserCollection': {
        'items': ('array', 'B2BUser', True),
        'pageCount': ('integer', 'int32', False),
        'pageSize': ('integer', 'int32', False),
        'startIndex': ('integer', 'int32', False),
        'totalCount': ('integer', 'int32', False),
    },
    'Catalog': {
        'defaultCurrencyCode': ('string', None, True),
        'defaultLocaleCode': ('string', None, True),
        'id': ('integer', 'int32', False),
        'masterCatalogId': ('integer', 'int32', False),
        'name': ('string', None, True),
        'tenantId': ('integer', 'int32', False),
    },
    'CommerceRuntimeAddress': {
        'address1': ('string', None, True),
        'address2': ('string', None, True),
        'address3': ('string', None, True),
        'address4': ('string', None, True),
        'addressType': ('string', None, True),
        'cityOrTown': ('string', None, True),
        'countryCode': ('string', None, True),
        'isValidated': ('boolean', None, True),
        'postalOrZipCode': ('string', None, True),
        'stateOrProvince': ('string', None, True),
    },
    'CommerceRuntimePhone': {
        'home': ('string', None, True),
        'mobile': ('string', None, True),
        'work': ('string', None, True),
    },
    'CommerceSummary': {
        'lastOrderDate': ('string', 'date-time', True),
        'orderCount': ('integer', 'int32', False),
        'totalOrderAmount': ('ref', 'CurrencyAmount'),
        'visitsCount': ('integer', 'int32', False),
        'wishlistCount': ('integer', 'int32', False),
    },
    'ContactType': {
        'isPrimary': ('boolean', None, False),
        'name': ('string', None, True),
    },
    'CurrencyAmount': {
        'amount': ('number', 'double', False),
        'currencyCode': ('string', None, True),
    },
    'CustomerAttribute': {
        'attributeDefinitionId': ('integer', 'int32', True),
        'auditInfo': ('ref', 'AdminUserAuditInfo'),
        'fullyQualifiedName': ('string', None, True),
        'values': ('array', 'any', True),
    },
    'CustomerAttributeCollection': {
        'items': ('array', 'CustomerAttribute', True),
        'pageCount': ('integer', 'int32', False),
        'pageSize': ('integer', 'int32', False),
        'startIndex': ('integer', 'int32', False),
        'totalCount': ('integer', 'int32', False),
    },
    'CustomerContact': {
        'accountId': ('integer', 'int32', False),
        'address': ('ref', 'CommerceRuntimeAddress'),
        'auditInfo': ('ref', 'AdminUserAuditInfo'),
        'companyOrOrganization': ('string', None, True),
        'email': ('string', None, True),
        'faxNumber': ('string', None, True),
        'firstName': ('string', None, True),
        'id': ('integer', 'int32', True),
        'label': ('string', None, True),
        'lastNameOrSurname': ('string', None, True),
        'middleNameOrInitial': ('string', None, True),
        'phoneNumbers': ('ref', 'CommerceRuntimePhone'),
        'types': ('array', 'ContactType', True),
    },
    'CustomerContactCollection': {
        'items': ('array', 'CustomerContact', True),
        'pageCount': ('integer', 'int32', False),
        'pageSize': ('integer', 'int32', False),
        'startIndex': ('integer', 'int32', False),
        'totalCount': ('integer', 'int32', False),
    },
    'CustomerCustomerSegment': {
        'auditInfo': ('ref', 'AdminUserAuditInfo'),
        'code': ('string', None, True),
        'description': ('string', None, True),
        'id': ('integer', 'int32', False),
        'name': ('string', None, True),
    },
    'CustomerNote': {
        'auditInfo': ('ref', 'AdminUserAuditInfo'),
        'content': ('string', None, True),
        'id': ('integer', 'int32', False),
    },
    'CustomerUserRoleCollection': {
        'items': ('array', 'UserRole', True),
        'totalCount': ('integer', 'int32', False),
    },
    'ExtendedCustomerContact': {
        'accountId': ('integer', 'int32', False),
        'accountName': ('string', None, True),
        'address': ('ref', 'CommerceRuntimeAddress'),
        'auditInfo': ('ref', 'AdminUserAuditInfo'),
        'companyOrOrganization': ('string', None, True),
        'email': ('string', None, True),
        'faxNumber': ('string', None, True),
        'firstName': ('string', None, True),
        'id': ('integer', 'int32', True),
        'label': ('string', None, True),
        'lastNameOrSurname': ('string', None, True),
        'middleNameOrInitial': ('string', None, True),
        'phoneNumbers': ('ref', 'CommerceRuntimePhone'),
        'types': ('array', 'ContactType', True),
    },
    'ExtendedCustomerContactCollection': {
        'items': ('array', 'ExtendedCustomerContact', True),
        'pageCount': ('integer', 'int32', False),
        'pageSize': ('integer', 'int32', False),
        'startIndex': ('integer', 'int32', False),
        'totalCount': ('integer', 'int32', False),
    },
    'OAuthAccessTokenResponse': {
        'access_token': ('string', None, True),
        'expires_in': ('integer', 'int32', False),
        'refresh_token': ('string', None, True),
        'token_type': ('string', None, True),
    },
    'OauthAuthRequest': {
        'client_id': ('string', None, True),
        'client_secret': ('string', None, True),
        'grant_type': ('string', None, True),
        'refresh_token': ('string', None, True),
    },
    'Resource': {
        'id': ('string', None, True),
        'type': ('string', None, True),
    },
    'Site': {
        'attributes': ('array', 'TenantAttribute', True),
        'catalogId': ('integer', 'int32', False),
        'countryCode': ('string', None, True),
        'currencyCode': ('string', None, True),
        'domain': ('string', None, True),
        'id': ('integer', 'int32', False),
        'localeCode': ('string', None, True),
        'name': ('string', None, True),
        'primaryCustomDomain': ('string', None, True),
        'tenantId': ('integer', 'int32', False),
    },
    'TenantAttribute': {
        'createBy': ('string', None, True),
        'createDate': ('string', 'date-time', False),
        'name': ('string', None, True),
        'updateBy': ('string', None, True),
        'updateDate': ('string', 'date-time', False),
        'value': ('any', None, True),
    },
    'TenantMasterCatalog': {
        'catalogs': ('array', 'Catalog', True),
        'defaultCurrencyCode': ('string', None, True),
        'defaultLocaleCode': ('string', None, True),
        'id': ('integer', 'int32', False),
        'name': ('string', None, True),
        'supportedLocaleCodes': ('array', 'string', True),
        'tenantId': ('integer', 'int32', False),
    },
    'TenantTenant': {
        'attributes': ('array', 'TenantAttribute', True),
        'domain': ('string', None, True),
        'expiry': ('string', 'date-time', True),
        'id': ('integer', 'int32', False),
        'isDevTenant': ('boolean', None, False),
        'isUnified': ('boolean', None, False),
        'lastLoginDate': ('string', 'date-time', True),
        'masterCatalogs': ('array', 'TenantMasterCatalog', True),
        'name': ('string', None, True),
        'sites': ('array', 'Site', True),
    },
    'UpgradeToB2BAccountError': {
        'accountID': ('integer', 'int32', False),
        'errorMessage': ('string', None, True),
    },
    'UpgradeToB2BAccountResponse': {
        'errorAccountIds': ('array', 'UpgradeToB2BAccountError', True),
        'skippedAccountIds': ('array', 'integer', True),
        'successAccountIds': ('array', 'integer', True),
    },
    'UserRole': {
        'assignedInScope': ('ref', 'UserScope'),
        'auditInfo': ('ref', 'AdminUserAuditInfo'),
        'roleId': ('integer', 'int32', False),
        'roleName': ('string', None, True),
        'roleResources': ('array', 'Resource', True),
        'roleTags': ('array', 'string', True),
        'userId': ('string', None, True),
    },
    'UserScope': {
        'id': ('integer', 'int32', True),
        'name': ('string', None, True),
        'type': ('string', None, True),
    },
}

# The fields each model above requires, as published: none of the 40 lists any (every field of
# every published model may be left out or null), so a model of ours that requires a field says
# why in the fidelity test.
REQUIRED: dict[str, tuple[str, ...]] = {name: () for name in MODELS}
