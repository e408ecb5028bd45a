"""Handlers of the B2B accounts operations: HTTP in, a domain call, HTTP out.

Connexion routes each ``operationId`` of the spec to the function of the same name in snake case
(``AddUserRoleAsync`` -> ``add_user_role_async``) and has validated the request already.
They are coroutines, so Connexion runs them on the event loop without a hop to a worker thread,
and they await nothing: the store is in memory. Writes change it at once; their answers wait in
the front door until the log fsync that makes them durable is done (``front_door``).
"""

from __future__ import annotations

from typing import Any

from ..domain import accounts, attributes, contacts, custom_roles, users
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
                           q_limit: int | None = None, response_groups: str | None = None,
                           response_fields: str | None = None) -> Reply:
    call = domain_call()
    query = _list_query(start_index, page_size, sort_by, filter_, q, q_limit)
    body = accounts.list_accounts(call, query)
    if response_fields:
        return project(body, response_fields), 200
    return project_items(body, fields), 200


async def get_b2b_account(account_id: int, response_groups: str | None = None,
                          response_fields: str | None = None) -> Reply:
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
                    q_limit: int | None = None, response_groups: str | None = None,
                    response_fields: str | None = None) -> Reply:
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


# ---------------------------------------------------------------- approval and sales reps
async def update_b2b_account_status(account_id: int, action_name: str,
                                    response_fields: str | None = None) -> Reply:
    changed = accounts.change_status(domain_call(), account_id, action_name)
    return project(changed, response_fields), 200


async def add_sales_rep_to_b2b_account(account_id: int, user_id: str,
                                       response_fields: str | None = None) -> Reply:
    changed = accounts.add_sales_reps(domain_call(), account_id, [user_id])
    return project(changed, response_fields), 200


async def remove_sales_rep_from_b2b_account(account_id: int, user_id: str) -> Reply:
    return accounts.remove_sales_rep(domain_call(), account_id, user_id), 200


async def add_sales_reps_to_b2b_account(account_id: int, body: Any,
                                        response_fields: str | None = None) -> Reply:
    changed = accounts.add_sales_reps(domain_call(), account_id, list(json_body(body)))
    return project(changed, response_fields), 200


async def update_sales_reps_on_b2b_account(account_id: int, body: Any,
                                           response_fields: str | None = None) -> Reply:
    changed = accounts.set_sales_reps(domain_call(), account_id, list(json_body(body)))
    return project(changed, response_fields), 200


async def get_accounts_for_sales_rep(user_id: str, response_fields: str | None = None) -> Reply:
    return project(accounts.accounts_of_sales_rep(domain_call(), user_id), response_fields), 200


# ---------------------------------------------------------------- hierarchy
async def get_b2b_account_hierarchy(account_id: int, response_groups: str | None = None,
                                    response_fields: str | None = None) -> Reply:
    return project(accounts.hierarchy(domain_call(), account_id), response_fields), 200


async def change_parent_account(account_id: int, parent_account_id: int,
                                response_fields: str | None = None) -> Reply:
    changed = accounts.change_parent(domain_call(), account_id, parent_account_id)
    return project(changed, response_fields), 200


async def get_accounts_by_user(email_address: str | None = None, user_name: str | None = None,
                               get_all_accounts: bool = False,
                               response_fields: str | None = None) -> Reply:
    found = accounts.accounts_of_user(domain_call(), email_address, user_name, get_all_accounts)
    return project(found, response_fields), 200


async def upgrade_accounts_to_b2b(body: Any, response_fields: str | None = None) -> Reply:
    return project(accounts.upgrade(domain_call(), list(json_body(body))), response_fields), 200


# ---------------------------------------------------------------- priorities
async def get_b2b_account_priorities(response_fields: str | None = None) -> Reply:
    return project(accounts.priorities(domain_call()), response_fields), 200


async def update_b2b_account_priorities(body: Any, response_fields: str | None = None) -> Reply:
    changed = accounts.update_priorities(domain_call(), json_body(body) or {})
    return project(changed, response_fields), 200


async def delete_b2b_account_priorities(body: Any, response_fields: str | None = None) -> Reply:
    accounts.delete_priorities(domain_call(), list(json_body(body)))
    return None, 200


# ---------------------------------------------------------------- custom roles, behaviours
async def create_role_async(body: Any, response_fields: str | None = None) -> Reply:
    return project(custom_roles.create(domain_call(), json_body(body)), response_fields), 200


async def get_role_by_role_id_async(role_id: int, response_fields: str | None = None) -> Reply:
    return project(custom_roles.get(domain_call(), role_id), response_fields), 200


async def update_role_async(role_id: int, body: Any,
                            response_fields: str | None = None) -> Reply:
    changed = custom_roles.update(domain_call(), role_id, json_body(body))
    return project(changed, response_fields), 200


async def delete_role_async(role_id: int) -> Reply:
    custom_roles.delete(domain_call(), role_id)
    return None, 200


async def assign_role_to_account_async(role_id: int, account_id: int,
                                       response_fields: str | None = None) -> Reply:
    custom_roles.assign(domain_call(), role_id, account_id)
    return None, 200


async def remove_role_from_account_async(role_id: int, account_id: int) -> Reply:
    custom_roles.unassign(domain_call(), role_id, account_id)
    return None, 200


async def apply_role_to_future_childrens_async(role_id: int, account_id: int, enabled: bool,
                                               response_fields: str | None = None) -> Reply:
    custom_roles.hand_down(domain_call(), role_id, account_id, enabled)
    return None, 200


async def get_roles_by_account_id_async(account_id: int,
                                        response_fields: str | None = None) -> Reply:
    return project(custom_roles.of_account(domain_call(), account_id), response_fields), 200


async def get_users_by_role_async(account_id: int, role_id: int,
                                  response_fields: str | None = None) -> Reply:
    found = custom_roles.users_with(domain_call(), account_id, role_id)
    return project(found, response_fields), 200


async def get_behaviors(response_fields: str | None = None) -> Reply:
    return project(custom_roles.behaviors(), response_fields), 200


async def get_behavior_categories(response_fields: str | None = None) -> Reply:
    return project(custom_roles.behavior_categories(), response_fields), 200


async def get_user_behaviors(account_id: int, user_id: str,
                             response_fields: str | None = None) -> Reply:
    found = custom_roles.behaviors_of(domain_call(), account_id, user_id)
    return project(found, response_fields), 200


# ---------------------------------------------------------------- account contacts
async def get_account_contacts(account_id: int, start_index: int = 0,
                               page_size: int = DEFAULT_PAGE_SIZE, sort_by: str | None = None,
                               filter_: str | None = None, user_id: str | None = None,
                               response_fields: str | None = None) -> Reply:
    query = _list_query(start_index, page_size, sort_by, filter_)
    found = contacts.list_contacts(domain_call(), account_id, query)
    return project(found, response_fields), 200


async def add_account_contact(account_id: int, body: Any,
                              response_fields: str | None = None) -> Reply:
    made = contacts.add(domain_call(), account_id, json_body(body))
    return project(made, response_fields), 200


async def add_account_contact_list(account_id: int, body: Any,
                                   response_fields: str | None = None) -> Reply:
    made = contacts.replace_all(domain_call(), account_id, list(json_body(body)))
    return project(made, response_fields), 200


async def get_account_contact(account_id: int, contact_id: int, user_id: str | None = None,
                              response_fields: str | None = None) -> Reply:
    return project(contacts.get(domain_call(), account_id, contact_id), response_fields), 200


async def update_account_contact(account_id: int, contact_id: int, body: Any,
                                 user_id: str | None = None,
                                 response_fields: str | None = None) -> Reply:
    changed = contacts.update(domain_call(), account_id, contact_id, json_body(body))
    return project(changed, response_fields), 200


async def delete_account_contact(account_id: int, contact_id: int) -> Reply:
    contacts.delete(domain_call(), account_id, contact_id)
    return None, 200


async def get_b2b_contacts(start_index: int = 0, page_size: int = DEFAULT_PAGE_SIZE,
                           sort_by: str | None = None, filter_: str | None = None,
                           q: str | None = None, q_limit: int | None = None,
                           response_fields: str | None = None) -> Reply:
    query = _list_query(start_index, page_size, sort_by, filter_, q, q_limit)
    return project(contacts.across_accounts(domain_call(), query), response_fields), 200
