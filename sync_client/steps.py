"""The writes a sync makes, one small class per kind, registered by name in ``STEPS``.

A planner builds them (``planner``), a runner applies them in order (``sync``): each step knows
its call, what it writes in the log (action type, payload, success text) and how it reads in a
dry run. Adding a kind of write is adding a class here.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, ClassVar, Protocol, TypeVar

from .roles import ROLE_NAMES


class StepTarget(Protocol):
    """What a step acts through: the B2B client and the reference ids of the customer."""

    def add_account(self, body: dict[str, Any]) -> dict[str, Any]: ...

    def add_sales_rep(self, account_id: int, rep_id: str) -> dict[str, Any]: ...

    def change_status(self, account_id: int, action: str) -> dict[str, Any]: ...

    def update_account(self, account_id: int, body: dict[str, Any]) -> dict[str, Any]: ...

    def add_attribute(self, account_id: int, body: dict[str, Any]) -> dict[str, Any]: ...

    def update_attribute(self, account_id: int, fqn: str,
                         body: dict[str, Any]) -> dict[str, Any]: ...

    def delete_attribute(self, account_id: int, fqn: str) -> None: ...

    def add_user(self, account_id: int, user: dict[str, Any]) -> dict[str, Any]: ...

    def update_user(self, account_id: int, user_id: str,
                    user: dict[str, Any]) -> dict[str, Any]: ...

    def remove_user(self, account_id: int, user_id: str) -> None: ...

    def add_role(self, account_id: int, user_id: str, role_id: int) -> None: ...

    def remove_role(self, account_id: int, user_id: str, role_id: int) -> None: ...

    def add_contact(self, account_id: int, body: dict[str, Any]) -> dict[str, Any]: ...

    def update_contact(self, account_id: int, contact_id: int,
                       body: dict[str, Any]) -> dict[str, Any]: ...

    def delete_contact(self, account_id: int, contact_id: int) -> None: ...


class References(Protocol):
    def set_account(self, customer_id: str, account_id: int) -> None: ...

    def set_contact(self, customer_id: str, contact_id: int, user_id: str) -> None: ...

    def set_location(self, customer_id: str, location_id: str, contact_id: int) -> None: ...

    def forget_location(self, customer_id: str, location_id: str) -> None: ...


@dataclass
class Applying:
    """The customer a step is applied for: its id, its account (known once created), the client
    and the reference ids."""

    customer_id: str
    account_id: int | None
    client: StepTarget
    refs: References

    @property
    def account(self) -> int:
        assert self.account_id is not None, "a step on an account that does not exist yet"
        return self.account_id


@dataclass
class Step:
    """One write the sync will make, and why."""

    action: ClassVar[str]
    action_type: ClassVar[str]  # the log's action type: Customer Sync, Customer Contact, ...
    success: ClassVar[str]      # the log's description when it worked

    reason: str

    @property
    def contact_id(self) -> int | None:
        """The ERP contact this step is for, if any (its later steps are skipped on failure)."""
        return None

    def apply(self, on: Applying) -> None:
        raise NotImplementedError

    def payload(self) -> Any:
        """What the log shows as sent."""
        return None

    def target(self) -> str:
        """What the step changes, for a person reading a dry run."""
        return ""


class _SendsItsBody:
    """A step whose log shows the body it sends."""

    body: dict[str, Any]

    def payload(self) -> Any:
        return self.body


S = TypeVar("S", bound=type[Step])
STEPS: dict[str, type[Step]] = {}


def step(cls: S) -> S:
    """Register a kind of step under its action name."""
    STEPS[cls.action] = cls
    return cls


@step
@dataclass
class AddAccount(_SendsItsBody, Step):
    action = "AddAccount"
    action_type = "Customer Sync"
    success = "Customer data is created/updated successfully."
    body: dict[str, Any] = field(default_factory=dict)

    def apply(self, on: Applying) -> None:
        account = on.client.add_account(self.body)
        on.account_id = account["id"]
        on.refs.set_account(on.customer_id, account["id"])


@step
@dataclass
class UpdateAccount(_SendsItsBody, Step):
    action = "UpdateAccount"
    action_type = "Customer Sync"
    success = "Customer data is created/updated successfully."
    body: dict[str, Any] = field(default_factory=dict)

    def apply(self, on: Applying) -> None:
        on.client.update_account(on.account, self.body)


@step
@dataclass
class AddSalesRep(Step):
    action = "AddSalesRep"
    action_type = "Customer Sync"
    success = "Customer sales rep is assigned."
    rep_id: str = ""

    def apply(self, on: Applying) -> None:
        on.client.add_sales_rep(on.account, self.rep_id)

    def payload(self) -> Any:
        return {"salesRep": self.rep_id}

    def target(self) -> str:
        return self.rep_id


@step
@dataclass
class ChangeStatus(Step):
    """Approve (or enable) an account for an active customer, disable it for one on hold."""

    action = "ChangeStatus"
    action_type = "Customer Sync"
    status: str = "approve"

    @property
    def success(self) -> str:  # type: ignore[override]
        done = {"approve": "approved", "enable": "enabled", "disable": "disabled",
                "deny": "denied"}.get(self.status, self.status)
        return f"Customer account is {done}."

    def apply(self, on: Applying) -> None:
        on.client.change_status(on.account, self.status)

    def payload(self) -> Any:
        return {"action": self.status}

    def target(self) -> str:
        return self.status


@dataclass
class _AttributeStep(Step):
    action_type = "Customer Attribute"
    fqn: str = ""

    def target(self) -> str:
        return self.fqn


@step
@dataclass
class AddAttribute(_SendsItsBody, _AttributeStep):
    action = "AddAttribute"
    success = "Customer Attribute is created/updated successfully."
    body: dict[str, Any] = field(default_factory=dict)

    def apply(self, on: Applying) -> None:
        on.client.add_attribute(on.account, self.body)


@step
@dataclass
class UpdateAttribute(_SendsItsBody, _AttributeStep):
    action = "UpdateAttribute"
    success = "Customer Attribute is created/updated successfully."
    body: dict[str, Any] = field(default_factory=dict)

    def apply(self, on: Applying) -> None:
        on.client.update_attribute(on.account, self.fqn, self.body)


@step
@dataclass
class DeleteAttribute(_AttributeStep):
    action = "DeleteAttribute"
    success = "Customer Attribute is deleted."

    def apply(self, on: Applying) -> None:
        on.client.delete_attribute(on.account, self.fqn)

    def payload(self) -> Any:
        return {"fullyQualifiedName": self.fqn}


@dataclass
class _ContactStep(Step):
    action_type = "Customer Contact"
    contact: int | None = None
    user_id: str | None = None

    @property
    def contact_id(self) -> int | None:
        return self.contact

    def target(self) -> str:
        return f"contact {self.contact}" if self.contact is not None else self.user_id or ""

    @property
    def user(self) -> str:
        assert self.user_id is not None, "a step on a user that does not exist yet"
        return self.user_id


@step
@dataclass
class AddUser(_SendsItsBody, _ContactStep):
    action = "AddUser"
    success = "Customer Contact is created/updated successfully."
    body: dict[str, Any] = field(default_factory=dict)

    def apply(self, on: Applying) -> None:
        user = on.client.add_user(on.account, self.body)
        self.user_id = user["userId"]
        if self.contact is not None:
            on.refs.set_contact(on.customer_id, self.contact, user["userId"])


@step
@dataclass
class UpdateUser(_SendsItsBody, _ContactStep):
    action = "UpdateUser"
    success = "Customer Contact is created/updated successfully."
    body: dict[str, Any] = field(default_factory=dict)

    def apply(self, on: Applying) -> None:
        on.client.update_user(on.account, self.user, self.body)


@step
@dataclass
class RemoveUser(_ContactStep):
    action = "RemoveUser"
    success = "Customer Contact is removed."

    def apply(self, on: Applying) -> None:
        on.client.remove_user(on.account, self.user)

    def payload(self) -> Any:
        return {"userId": self.user_id}


@dataclass
class _RoleStep(_ContactStep):
    role_id: int = 0

    def payload(self) -> Any:
        return {"userId": self.user_id, "roleId": self.role_id}

    def target(self) -> str:
        return f"{ROLE_NAMES.get(self.role_id, self.role_id)} {super().target()}"


@step
@dataclass
class AddRole(_RoleStep):
    action = "AddRole"

    @property
    def success(self) -> str:  # type: ignore[override]
        return f"Customer Contact role {ROLE_NAMES.get(self.role_id, self.role_id)} is granted."

    def apply(self, on: Applying) -> None:
        on.client.add_role(on.account, self.user, self.role_id)


@step
@dataclass
class RemoveRole(_RoleStep):
    action = "RemoveRole"

    @property
    def success(self) -> str:  # type: ignore[override]
        return f"Customer Contact role {ROLE_NAMES.get(self.role_id, self.role_id)} is revoked."

    def apply(self, on: Applying) -> None:
        on.client.remove_role(on.account, self.user, self.role_id)


@dataclass
class _LocationStep(Step):
    """A customer location kept as a contact (an address) of the account."""

    action_type = "Customer Location"
    location: str = ""
    contact_ref: int | None = None  # the account contact's id, once known

    def target(self) -> str:
        return f"location {self.location}"


@step
@dataclass
class AddLocation(_SendsItsBody, _LocationStep):
    action = "AddLocation"
    success = "Customer Location is created/updated successfully."
    body: dict[str, Any] = field(default_factory=dict)

    def apply(self, on: Applying) -> None:
        made = on.client.add_contact(on.account, self.body)
        self.contact_ref = made["id"]
        on.refs.set_location(on.customer_id, self.location, made["id"])


@step
@dataclass
class UpdateLocation(_SendsItsBody, _LocationStep):
    action = "UpdateLocation"
    success = "Customer Location is created/updated successfully."
    body: dict[str, Any] = field(default_factory=dict)

    def apply(self, on: Applying) -> None:
        assert self.contact_ref is not None
        on.client.update_contact(on.account, self.contact_ref, self.body)


@step
@dataclass
class RemoveLocation(_LocationStep):
    action = "RemoveLocation"
    success = "Customer Location is deleted."

    def apply(self, on: Applying) -> None:
        assert self.contact_ref is not None
        on.client.delete_contact(on.account, self.contact_ref)
        on.refs.forget_location(on.customer_id, self.location)

    def payload(self) -> Any:
        return {"locationId": self.location, "contactId": self.contact_ref}
