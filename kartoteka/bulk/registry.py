"""The one registry of bulk actions. The list's action menu, the confirmation page and the API's
`POST /api/clients/bulk/{action}` endpoints are all generated from it.

An action declares what it is (name, label, permission, destructive / final), which list it
works on, the parameters it asks for, the reasons a selected client is skipped (each a Q over the
clients, counted in one query) and `apply`, one or a few set-based statements over the clients
that are not skipped. The framework (bulk.services) does the rest: selection, permission checks,
chunking, transactions, progress, the audit entry and the report.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django import forms
from django.db.models import Q, QuerySet
from django.utils.functional import Promise
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from kartoteka.clients.models import Client
from kartoteka.core.actors import Actor
from kartoteka.core.errors import NotFound, ValidationError

if TYPE_CHECKING:
    from django_stubs_ext import StrPromise
else:
    StrPromise = Promise

CLIENTS = "clients"  # the client list
ARCHIVE = "archive"  # the archive view
LISTS = (CLIENTS, ARCHIVE)


@dataclass(frozen=True)
class BulkParam:
    """One parameter an action asks for: a choice among `choices()` (value, label) pairs."""

    name: str
    label: StrPromise
    choices: Callable[[], Iterable[tuple[Any, Any]]]
    coerce: Callable[[Any], Any] = str
    description: str = ""


@dataclass(frozen=True)
class Skip:
    """A reason to leave a selected client alone; `condition(params)` matches those clients."""

    code: str
    label: StrPromise
    condition: Callable[[Mapping[str, Any]], Q]


@dataclass(frozen=True)
class BulkContext:
    actor: Actor
    params: Mapping[str, Any]
    now: dt.datetime


@dataclass(frozen=True)
class BulkAction:
    name: str
    label: StrPromise  # the menu entry, e.g. "Move to the archive"
    permission: str  # on top of clients.bulk_client
    lists: tuple[str, ...]
    event_type: str  # of the one audit entry
    apply: Callable[[QuerySet[Client], BulkContext], int]  # returns how many clients changed
    summary: StrPromise  # the confirmation: what will happen, with %(count)s
    done: StrPromise  # the report: what happened, with %(count)s
    skips: tuple[Skip, ...] = ()
    params: tuple[BulkParam, ...] = ()
    destructive: bool = False
    final: bool = False  # cannot be undone: confirmed twice, the second time by typing the count
    warning: StrPromise | None = None
    icon: str = "bi-lightning"

    def form(self, data: Mapping[str, Any] | None = None) -> forms.Form:
        fields = {
            p.name: forms.TypedChoiceField(label=p.label, choices=[("", "—"), *p.choices()], coerce=p.coerce)
            for p in self.params
        }
        form_class = type(f"{self.name.title().replace('_', '')}Form", (forms.Form,), fields)
        return form_class(data)  # type: ignore[no-any-return]

    def clean_params(self, data: Mapping[str, Any]) -> dict[str, Any]:
        """The parameters, checked; ValidationError with a message per field when one is bad."""
        if not self.params:
            return {}
        form = self.form({p.name: data.get(p.name) for p in self.params if data.get(p.name) is not None})
        if not form.is_valid():
            raise ValidationError({name: [str(m) for m in errors] for name, errors in form.errors.items()})
        return dict(form.cleaned_data)

    def params_display(self, params: Mapping[str, Any]) -> list[tuple[str, str]]:
        """(label, chosen value's label) for the confirmation page."""
        shown = []
        for p in self.params:
            labels = {str(value): str(label) for value, label in p.choices()}
            shown.append((str(p.label), labels.get(str(params.get(p.name)), str(params.get(p.name)))))
        return shown


_REGISTRY: dict[str, BulkAction] = {}
_SKIP_LABELS: dict[str, StrPromise] = {  # ids that are not on the list they were picked from
    "not_on_list": _("not on the client list (in the archive, or deleted)"),
    "not_in_archive": _("not in the archive (restored, or deleted)"),
}


def register(action: BulkAction) -> BulkAction:
    if action.name in _REGISTRY:
        raise ValueError(f"Bulk action {action.name!r} is registered twice.")
    _REGISTRY[action.name] = action
    for skip in action.skips:
        _SKIP_LABELS.setdefault(skip.code, skip.label)
    return action


def all_actions() -> list[BulkAction]:
    _load()
    return list(_REGISTRY.values())


def get_action(name: str) -> BulkAction:
    _load()
    try:
        return _REGISTRY[name]
    except KeyError:
        raise NotFound(gettext("Unknown bulk action.")) from None


def actions_for(*, list_name: str, actor: Actor) -> list[BulkAction]:
    """The actions the actor may run on a list, for its action menu."""
    if not actor.has_perm("clients.bulk_client"):
        return []
    return [a for a in all_actions() if list_name in a.lists and actor.has_perm(a.permission)]


def action_title(job_action: str) -> str:
    """A job's title: its bulk action's label ("bulk.archive" -> "Move to the archive")."""
    _load()
    action = _REGISTRY.get(job_action.removeprefix("bulk."))
    return str(action.label) if action else job_action


def report_lines(result: Mapping[str, Any]) -> dict[str, Any]:
    """A report ({"selected", "changed", "skipped": {code: n}}) with the reasons in words."""
    _load()
    skipped = result.get("skipped") or {}
    return {
        "selected": result.get("selected", 0),
        "changed": result.get("changed", 0),
        "skipped": [(str(_SKIP_LABELS.get(code, code)), n) for code, n in skipped.items() if n],
        "skipped_total": sum(skipped.values()),
    }


def _load() -> None:
    """Import the modules that register actions (a later module adds its import here, so the
    API, which builds its endpoints once at start-up, sees every action)."""
    from kartoteka.bulk import actions  # noqa: F401


@dataclass
class Report:
    """What a run did so far; chunks add to it."""

    selected: int = 0
    changed: int = 0
    skipped: dict[str, int] = field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        return {"selected": self.selected, "changed": self.changed, "skipped": dict(self.skipped)}
