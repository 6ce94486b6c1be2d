"""The one registry of bulk actions. The list's action menu, the confirmation page and the API's
`POST /api/clients/bulk/{action}` endpoints are all generated from it. Each app declares its
actions in its own `bulk_actions.py`, which BulkConfig imports at start-up (before the API builds
its endpoints), so this module never lists the apps that add actions.

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
from typing import IO, TYPE_CHECKING, Any, Protocol

from django import forms
from django.db.models import Q, QuerySet
from django.utils.functional import Promise
from django.utils.module_loading import autodiscover_modules
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from kartoteka.clients.models import Client
from kartoteka.core.actors import Actor
from kartoteka.core.errors import NotFound, ValidationError

if TYPE_CHECKING:
    from django_stubs_ext import StrPromise
else:
    StrPromise = Promise

CHANGED = _("Changed")

CLIENTS = "clients"  # the client list
ARCHIVE = "archive"  # the archive view
LISTS = (CLIENTS, ARCHIVE)


def _no_choices(actor: Actor) -> Iterable[tuple[Any, Any]]:
    return ()


@dataclass(frozen=True)
class BulkParam:
    """One parameter an action asks for: a choice among `choices(actor)` (value, label) pairs.

    The choices come through the actor's scope (e.g. `groups_all(actor=...)`), so a user is
    offered, and may pick, only what they may see.

    Another kind of input (a text, a day, several staff members, yes / no) gives `field`: the
    form field made for the actor. Its cleaned value must be plain JSON (a job stores it and
    cleans it again when it runs). `api_type` is then its type in the API's request schema,
    `schema` adds JSON-schema keywords there (maxLength, pattern, ...), `many` says the web form
    sends it repeated (a multiple choice) and `required` whether the API's schema requires it.
    """

    name: str
    label: StrPromise
    choices: Callable[[Actor], Iterable[tuple[Any, Any]]] = _no_choices
    coerce: Callable[[Any], Any] = str
    description: StrPromise | str = ""  # the API document's (lazy, like `label`); `label` when empty
    field: Callable[[Actor], forms.Field] | None = None
    api_type: Any = None
    schema: Mapping[str, Any] | None = None
    many: bool = False
    required: bool = True

    def shown(self, actor: Actor, value: Any) -> str:
        """The chosen value as the confirmation page shows it (labels of choices, yes / no)."""
        labels = {str(v): str(label) for v, label in self.choices(actor)}
        if isinstance(value, bool):
            return gettext("yes") if value else gettext("no")
        if isinstance(value, list | tuple):
            return ", ".join(labels.get(str(v), str(v)) for v in value)
        return labels.get(str(value), "" if value is None else str(value))


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
    output: Any = None  # the open BulkSink of an action with an `output` (its `apply` writes to it)
    job_id: int | None = None  # the job the run belongs to (what it creates can point at it)


class BulkSink(Protocol):
    def close(self) -> None: ...


@dataclass(frozen=True)
class BulkOutput:
    """An action that writes one file from the selected clients (an export) instead of changing them.

    Every run of such an action is a job, so every file has its job's owner-only download and
    expiry (jobs.services.job_file_write): a small selection's job runs at once, in the request,
    a large one in the worker. The framework opens the job's file, calls `open(handle, ctx)` once
    per run for the sink, hands it to `apply` in `ctx.output` for every chunk, and closes it after
    the last one. `status_url` and `file_url` ("{id}" is the job's id) are what the API answers.
    """

    file_name: Callable[[Mapping[str, Any], dt.datetime], str]
    content_type: Callable[[Mapping[str, Any]], str]
    open: Callable[[IO[bytes], BulkContext], BulkSink]
    keep_hours: Callable[[], int] | None = None  # default: KARTOTEKA_JOB_FILES_KEEP_HOURS
    status_url: str = "/api/jobs/{id}"
    file_url: str = "/api/jobs/{id}/file"


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
    output: BulkOutput | None = None  # the action writes a file (an export) instead of changing clients
    changed_label: StrPromise = CHANGED  # what the report calls the clients acted on ("Exported")
    # Included by the confirmation page below the parameters (e.g. the messages' preview); it gets
    # the page's context (action, form, list_name, mode, filter, ids).
    confirm_template: str = ""
    # Checks the parameters together once each is clean (a value judged by the attribute chosen
    # beside it): returns them (plain JSON) or raises ValidationError with a message per parameter.
    check: Callable[[Actor, dict[str, Any]], dict[str, Any]] | None = None

    def form(self, actor: Actor, data: Mapping[str, Any] | None = None) -> forms.Form:
        fields = {
            p.name: p.field(actor)
            if p.field
            else forms.TypedChoiceField(label=p.label, choices=[("", "—"), *p.choices(actor)], coerce=p.coerce)
            for p in self.params
        }
        form_class = type(
            f"{self.name.title().replace('_', '')}Form", (forms.Form,), {**fields, "clean": self._clean(actor)}
        )
        return form_class(data)  # type: ignore[no-any-return]

    def _clean(self, actor: Actor) -> Callable[[forms.Form], dict[str, Any]]:
        """The form's own clean: `check` puts its messages on the confirmation page's fields."""
        check = self.check

        def clean(form: forms.Form) -> dict[str, Any]:
            cleaned = dict(forms.Form.clean(form) or {})
            if check is not None and not form.errors:
                try:
                    check(actor, dict(cleaned))
                except ValidationError as exc:
                    for name, messages in exc.message_dict.items():
                        form.add_error(name if name in form.fields else None, messages)
            return cleaned

        return clean

    def clean_params(self, actor: Actor, data: Mapping[str, Any]) -> dict[str, Any]:
        """The parameters, checked; ValidationError with a message per field when one is bad."""
        if not self.params:
            return {}
        form = self.form(actor, {p.name: data.get(p.name) for p in self.params if data.get(p.name) is not None})
        if not form.is_valid():
            raise ValidationError({name: [str(m) for m in errors] for name, errors in form.errors.items()})
        cleaned = dict(form.cleaned_data)
        for p in self.params:
            if p.many:  # the order is kept; a value sent twice counts once
                cleaned[p.name] = list(dict.fromkeys(cleaned.get(p.name) or []))
        return self.check(actor, cleaned) if self.check else cleaned

    def params_display(self, actor: Actor, params: Mapping[str, Any]) -> list[tuple[str, str]]:
        """(label, chosen value's label) for the confirmation page."""
        return [(str(p.label), p.shown(actor, params.get(p.name))) for p in self.params]


_REGISTRY: dict[str, BulkAction] = {}
_SKIP_LABELS: dict[str, StrPromise] = {  # ids that are not on the list they were picked from
    "not_on_list": _("not on the client list (in the archive, or deleted)"),
    "not_in_archive": _("not in the archive (restored, or deleted)"),
    "gone": _("no longer exists (deleted meanwhile)"),
}


def register(action: BulkAction) -> BulkAction:
    if action.name in _REGISTRY:
        raise ValueError(f"Bulk action {action.name!r} is registered twice.")
    _REGISTRY[action.name] = action
    for skip in action.skips:
        _SKIP_LABELS.setdefault(skip.code, skip.label)
    return action


def all_actions() -> list[BulkAction]:
    discover()
    return list(_REGISTRY.values())


def get_action(name: str) -> BulkAction:
    discover()
    try:
        return _REGISTRY[name]
    except KeyError:
        raise NotFound(gettext("Unknown bulk action.")) from None


def find_action(name: str) -> BulkAction | None:
    discover()
    return _REGISTRY.get(name)


def actions_for(*, list_name: str, actor: Actor) -> list[BulkAction]:
    """The actions the actor may run on a list, for its action menu."""
    if not actor.has_perm("clients.bulk_client"):
        return []
    return [a for a in all_actions() if list_name in a.lists and actor.has_perm(a.permission)]


def skip_label(code: str) -> str:
    """A skip reason in words ("already_archived" -> "already in the archive")."""
    discover()
    return str(_SKIP_LABELS.get(code, code))


def report_lines(result: Mapping[str, Any]) -> dict[str, Any]:
    """A report ({"selected", "changed", "skipped": {code: n}}) with the reasons in words."""
    discover()
    skipped = result.get("skipped") or {}
    return {
        "selected": result.get("selected", 0),
        "changed": result.get("changed", 0),
        "skipped": [(skip_label(code), n) for code, n in skipped.items() if n],
        "skipped_total": sum(skipped.values()),
    }


_discovered = False


def discover() -> None:
    """Import every installed app's `bulk_actions` module once (BulkConfig.ready calls it)."""
    global _discovered
    if not _discovered:
        _discovered = True
        autodiscover_modules("bulk_actions")


@dataclass
class Report:
    """What a run did so far; chunks add to it."""

    selected: int = 0
    changed: int = 0
    skipped: dict[str, int] = field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        return {"selected": self.selected, "changed": self.changed, "skipped": dict(self.skipped)}

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Report:
        return cls(data.get("selected", 0), data.get("changed", 0), dict(data.get("skipped") or {}))

    def skip(self, code: str, count: int) -> None:
        if count:
            self.skipped[code] = self.skipped.get(code, 0) + count
