"""The variables a message template may use: `{{ client.<name> }}`. One declaration that grows.

Each variable names the client's model fields it needs (read with the chunk's one `values()`
query) and how its text is made from them. Another app adds its own with `register_variable`
(the account manager will), and the form's help, the API's description, the sandbox's allowed
names and the queueing query all follow.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from kartoteka.clients.validation import format_phone

if TYPE_CHECKING:
    from django_stubs_ext import StrPromise
else:
    StrPromise = Promise


@dataclass(frozen=True)
class Variable:
    name: str  # used as {{ client.<name> }}
    label: StrPromise
    fields: tuple[str, ...]  # the client's model fields it is made from
    value: Callable[[Mapping[str, Any]], str]


def _field(name: str) -> Callable[[Mapping[str, Any]], str]:
    return lambda row: str(row.get(name) or "")


def _full_name(row: Mapping[str, Any]) -> str:
    return f"{row.get('first_name') or ''} {row.get('last_name') or ''}".strip()


def _name(row: Mapping[str, Any]) -> str:
    """As the client list shows it: a company known by its name alone is the company (person)."""
    if row.get("company_name") and not row.get("last_name"):
        return f"{row['company_name']} ({row.get('first_name') or ''})".replace(" ()", "")
    return _full_name(row)


_VARIABLES: dict[str, Variable] = {}


def register_variable(variable: Variable) -> Variable:
    existing = _VARIABLES.get(variable.name)
    if existing is not None and existing != variable:
        raise ValueError(f"Message variable {variable.name!r} is registered twice")
    _VARIABLES[variable.name] = variable
    return variable


def variables() -> list[Variable]:
    return list(_VARIABLES.values())


def variable_names() -> frozenset[str]:
    return frozenset(_VARIABLES)


def client_fields() -> list[str]:
    """Every client field the variables need (plus the id), for one values() query."""
    return list(dict.fromkeys(["id", *(f for v in _VARIABLES.values() for f in v.fields)]))


def context_of(row: Mapping[str, Any]) -> dict[str, str]:
    """The plain values a template sees as `client`: text only, never a model object."""
    return {name: variable.value(row) for name, variable in _VARIABLES.items()}


for _variable in (
    Variable("first_name", _("First name"), ("first_name",), _field("first_name")),
    Variable("last_name", _("Last name"), ("last_name",), _field("last_name")),
    Variable("full_name", _("First and last name"), ("first_name", "last_name"), _full_name),
    Variable("name", _("Name as on the client list"), ("first_name", "last_name", "company_name"), _name),
    Variable("company", _("Company name"), ("company_name",), _field("company_name")),
    Variable("email", _("E-mail"), ("email",), _field("email")),
    Variable("phone", _("Phone"), ("phone",), lambda row: format_phone(row.get("phone") or "")),
    Variable("nip", _("NIP"), ("nip",), _field("nip")),
    Variable("street", _("Street"), ("street",), _field("street")),
    Variable("postal_code", _("Postal code"), ("postal_code",), _field("postal_code")),
    Variable("city", _("City"), ("city",), _field("city")),
    Variable("website", _("Website"), ("website",), _field("website")),
):
    register_variable(_variable)
