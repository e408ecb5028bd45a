"""Handlers of the B2B accounts operations: HTTP in, a domain call, HTTP out.

Connexion routes each ``operationId`` of the spec to the function of the same name in snake case
(``AddUserRoleAsync`` -> ``add_user_role_async``) and has validated the request already.
They are coroutines, so Connexion runs them on the event loop without a hop to a worker thread,
and they await nothing: the store is in memory. Writes change it at once; their answers wait in
the front door until the log fsync that makes them durable is done (``front_door``).
"""

from __future__ import annotations

from typing import Any

from ..domain import accounts, attributes, users
from ..domain.query.paging import DEFAULT_PAGE_SIZE, ListQuery
from ..domain.query.projection import project, project_items
from .context import domain_call, json_body

Reply = tuple[Any, int]


def _list_query(start_index: int = 0, page_size: int = DEFAULT_PAGE_SIZE,
                sort_by: str | None = None, filter_: str | None = None, q: str | None = None,
                q_limit: int | None = None) -> ListQuery:
    return ListQuery(start_index=start_index, page_size=page_size, sort_by=sort_by,
                     filter=filter_, q=q, q_limit=q_limit)


# ---------------------------------------------------------------- accounts
async def add_account(body: dict[str, Any], response_fields: str | None = None) -> Reply:
    call = domain_call()
    return project(accounts.add_account(call, json_body(body)), response_fields), 200


async def get_b2b_accounts(start_index: int = 0, page_size: int = DEFAULT_PAGE_SIZE,
                           sort_by: str | None = None, filter_: str | None = None,
                           fields: str | None = None, q: str | None = None,
                           q_limit: int | None = None, response_fields: str | None = None) -> Reply:
    call = domain_call()
    query = _list_query(start_index, page_size, sort_by, filter_, q, q_limit)
    body = accounts.list_accounts(call, query)
    if response_fields:
        return project(body, response_fields), 200
    return project_items(body, fields), 200


async def get_b2b_account(account_id: int, response_fields: str | None = None) -> Reply:
    call = domain_call()
    return project(accounts.get_account(call, account_id), response_fields), 200


async def update_account(account_id: int, body: dict[str, Any],
                         response_fields: str | None = None) -> Reply:
    call = domain_call()
    updated = accounts.update_account(call, account_id, json_body(body))
    return project(updated, response_fields), 200


# ---------------------------------------------------------------- users
async def add_user(account_id: int, body: dict[str, Any],
                   response_fields: str | None = None) -> Reply:
    call = domain_call()
    user, _ = users.add_user(call, account_id, json_body(body))
    return project(user, response_fields), 200


async def get_users(account_id: int, start_index: int = 0, page_size: int = DEFAULT_PAGE_SIZE,
                    sort_by: str | None = None, filter_: str | None = None, q: str | None = None,
                    q_limit: int | None = None, response_fields: str | None = None) -> Reply:
    call = domain_call()
    query = _list_query(start_index, page_size, sort_by, filter_, q, q_limit)
    return project(users.list_users(call, account_id, query),
                   response_fields), 200


async def update_user(account_id: int, user_id: str, body: dict[str, Any],
                      response_fields: str | None = None) -> Reply:
    call = domain_call()
    updated = users.update_user(call, account_id, user_id, json_body(body))
    return project(updated, response_fields), 200


async def remove_user(account_id: int, user_id: str) -> Reply:
    call = domain_call()
    users.remove_user(call, account_id, user_id)
    return None, 200


# ---------------------------------------------------------------- roles
async def get_user_roles_async(account_id: int, user_id: str,
                               response_fields: str | None = None) -> Reply:
    call = domain_call()
    return project(users.get_roles(call, account_id, user_id),
                   response_fields), 200


async def add_user_role_async(account_id: int, user_id: str, role_id: int) -> Reply:
    call = domain_call()
    users.add_role(call, account_id, user_id, role_id)
    return None, 200


async def remove_user_role_async(account_id: int, user_id: str, role_id: int) -> Reply:
    call = domain_call()
    users.remove_role(call, account_id, user_id, role_id)
    return None, 200


# ---------------------------------------------------------------- attributes
async def add_b2b_account_attribute(account_id: int, body: dict[str, Any],
                                    response_fields: str | None = None) -> Reply:
    call = domain_call()
    return project(attributes.add(call, account_id, json_body(body)),
                   response_fields), 200


async def get_b2b_account_attributes(account_id: int, start_index: int = 0,
                                     page_size: int = DEFAULT_PAGE_SIZE, sort_by: str | None = None,
                                     filter_: str | None = None,
                                     response_fields: str | None = None) -> Reply:
    call = domain_call()
    query = _list_query(start_index, page_size, sort_by, filter_)
    return project(attributes.list_attributes(call, account_id, query),
                   response_fields), 200


async def get_b2b_account_attribute(account_id: int, attribute_fqn: str,
                                    response_fields: str | None = None) -> Reply:
    call = domain_call()
    return project(attributes.get(call, account_id, attribute_fqn),
                   response_fields), 200


async def update_b2b_account_attribute(account_id: int, attribute_fqn: str, body: dict[str, Any],
                                       response_fields: str | None = None) -> Reply:
    call = domain_call()
    updated = attributes.update(call, account_id, attribute_fqn, json_body(body))
    return project(updated, response_fields), 200


async def delete_b2b_account_attribute(account_id: int, attribute_fqn: str) -> Reply:
    call = domain_call()
    attributes.delete(call, account_id, attribute_fqn)
    return None, 200
