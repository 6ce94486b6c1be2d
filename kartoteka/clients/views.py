"""Web UI of the client registry. Each view validates input, makes one domain call, renders."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from kartoteka.attributes.forms import initial_attributes
from kartoteka.attributes.selectors import attribute_filter_choices, client_attribute_rows
from kartoteka.attributes.services import client_values
from kartoteka.attributes.values import definitions
from kartoteka.audit.selectors import client_history
from kartoteka.clients import fields, selectors, services
from kartoteka.clients.filters import ClientFilter
from kartoteka.clients.forms import ClientForm, ColouredSetForm, NoteForm
from kartoteka.clients.integrations import attach_integrations
from kartoteka.clients.models import Client, ClientGroup, Label
from kartoteka.core.errors import ApplicationError, NotFound
from kartoteka.core.listing import Column, RowPage, chip_links, column_headers, page_size, render_rows
from kartoteka.core.numbers import InvalidNumber, parse_id
from kartoteka.core.pagination import InvalidCursor, Page
from kartoteka.core.permissions import require_perm
from kartoteka.core.tabs import ClientMenuEntry, ClientTab, client_menu_entries, client_tabs, render_client_tab
from kartoteka.core.views import AuthedRequest, add_service_errors, render_htmx

LIST_COLUMNS = (
    Column("id", gettext_lazy("ID"), sort="id"),
    Column("name", gettext_lazy("Name"), sort="name"),
    Column("email", gettext_lazy("E-mail"), sort="email"),
    Column("phone", gettext_lazy("Phone"), sort="phone"),
    Column("created_at", gettext_lazy("Created"), sort="created_at"),
    Column("source", gettext_lazy("Integrations")),
    Column("status", gettext_lazy("Status"), sort="status"),
)
LIST_PARAMETERS = ("cursor", "limit")  # besides the filter's own
# What the row templates (jinja2/clients/list/) read; another field there would cost a query a row
# (test_list_runs_a_fixed_number_of_queries would fail).
ROW_FIELDS = ("first_name", "last_name", "company_name", "email", "phone", "created_at", "source", "status",
              "archived_at")  # fmt: skip


def _list_context(request: AuthedRequest, *, archived: bool) -> dict[str, Any]:
    filter_errors: dict[str, list[str]] = {}
    try:
        filters = ClientFilter.from_params(request.GET, archived=archived, strict=True, allow=LIST_PARAMETERS)
    except ValidationError as exc:
        filter_errors = {k: [str(m) for e in v for m in e.messages] for k, v in exc.error_dict.items()}
        filters = ClientFilter.default(archived=archived)
    cursor = request.GET.get("cursor") or None
    limit = page_size(request.GET.get("limit"))

    def one_page(cursor: str | None) -> Page[Client]:
        return selectors.client_list(
            actor=request.user, filters=filters, cursor=cursor, limit=limit, prefetch_sets=False, only=ROW_FIELDS
        )

    try:
        page = one_page(cursor)
    except InvalidCursor:  # a stale or hand-edited cursor, or one of another sort: start from the first page
        page = one_page(None)
        cursor = None
    groups, labels = list(selectors.groups_all(actor=request.user)), list(selectors.labels_all(actor=request.user))
    _attach_row_urls(page.items)
    attach_integrations(request.user, page.items)  # other apps' marks in Integracje (clients.integrations)
    _attach_badges(request, page.items, groups, labels)
    rows = render_rows(LIST_COLUMNS, page.items, cells="clients/list", page=_row_page(request))  # jinja2/clients/list/
    params = filters.to_params()
    page_params = {"limit": str(limit)} if limit != settings.KARTOTEKA_PAGE_SIZE else {}
    params.update(page_params)
    return {
        "filters": filters,
        "filter_errors": filter_errors,
        "page": page,
        "clients": page.items,
        "rows": rows,
        "query_string": urlencode(params),
        # The bulk form's selection: the filter alone, as bulk actions parse it strictly (no limit, no cursor).
        "filter_query": urlencode(filters.to_params()),
        "next_url": "?" + urlencode({**params, "cursor": page.next_cursor}) if page.next_cursor else None,
        "first_url": "?" + urlencode(params) if cursor else None,
        "columns": column_headers(LIST_COLUMNS, filters, keep=page_params),
        "chips": chip_links(filters, describe=_set_names(request), keep=page_params),
        "groups": groups,
        "labels": labels,
        "archived": archived,
        "id_mark": _ID_MARK,
        "row_menu": _row_menu(request),
        "page_params": page_params,
        "attribute_filter_choices": attribute_filter_choices,  # called by the template, when it shows the form
    }


def _attach_badges(
    request: AuthedRequest, clients: list[Client], groups: list[ClientGroup], labels: list[Label]
) -> None:
    """Each client's group and label badges, in name order; each badge's HTML is made once a page."""
    group_badge = '<span class="badge rounded-pill border text-body-secondary fw-normal me-1">' + (
        '<span class="swatch" style="background:{}"></span> {}</span>'
    )
    label_badge = '<span class="badge fw-normal me-1" style="background:{}">{}</span>'
    badges = {
        "groups": {g.pk: (i, format_html(group_badge, g.color, g.name)) for i, g in enumerate(groups)},
        "labels": {lb.pk: (i, format_html(label_badge, lb.color, lb.name)) for i, lb in enumerate(labels)},
    }
    members = selectors.client_memberships(actor=request.user, client_ids=[c.pk for c in clients])
    for client in clients:
        shown = []
        for relation in ("groups", "labels"):
            ids = members[relation].get(client.pk, ())
            shown += [html for _order, html in sorted(badges[relation][pk] for pk in ids if pk in badges[relation])]
        client.badges = mark_safe("".join(shown))  # type: ignore[attr-defined]  # noqa: S308 -- format_html parts


def _row_menu(request: AuthedRequest) -> list[tuple[ClientTab | ClientMenuEntry, str]]:
    """The shared Options menu: the client-page tabs (of any app) that offer themselves there, then
    the other entries apps register (core.tabs.register_client_menu_entry)."""
    offered: list[ClientTab | ClientMenuEntry] = [tab for tab in client_tabs(actor=request.user) if tab.menu_label]
    offered += client_menu_entries(actor=request.user)
    return [(entry, reverse(entry.url_name, args=[_ID_MARK])) for entry in offered]


def _row_page(request: AuthedRequest) -> RowPage:
    """Texts and permissions every row of the page shares, worked out once a page."""
    sources = {
        "form": ("bi-ui-checks", _("Web form")), "import": ("bi-file-earmark-arrow-up", _("Import")),
        "api": ("bi-braces", _("API")), "manual": ("bi-pencil-square text-secondary", _("Manual")),
    }  # fmt: skip
    text = {
        "select": _("Select"), "preview": _("Preview"), "edit": _("Edit"), "delete": _("Delete"),
        "options": _("Options"), "show_mail": _("Show mail"), "restore": _("Restore"),
        "delete_permanently": _("Delete permanently"), "empty": _("No clients match."),
        "sources": {key: format_html('<i class="bi {}" title="{}"></i>', icon, title)
                    for key, (icon, title) in sources.items()},
        "statuses": {"active": format_html('<span class="badge text-bg-success">{}</span>', _("Active")),
                     "inactive": format_html('<span class="badge text-bg-secondary">{}</span>', _("Inactive"))},
    }  # fmt: skip
    perms = {
        "edit": request.user.has_perm("clients.change_client"),
        "archive": request.user.has_perm("clients.archive_client"),
        "delete": request.user.has_perm("clients.delete_client"),
        "mail": request.user.has_perm("mailroom.view_mailitem"),
    }
    return RowPage(text=text, perms=perms)


def _set_names(request: AuthedRequest) -> dict[str, Callable[[Any], str | None]]:
    """Chips name the group or label, read through the actor's scope."""
    return {
        "group": lambda pk: selectors.group_name(actor=request.user, group_id=pk),
        "label": lambda pk: selectors.label_name(actor=request.user, label_id=pk),
    }


# Row links of the list, reversed once per page instead of once per row and link: with eight
# links on fifty rows, {% url %} was a quarter of the list's rendering time.
# Only the links a row shows (notes and history are in the shared Options menu), by the row's list.
_ROW_URL_NAMES = {
    False: {"detail": "clients:detail", "edit": "clients:edit", "archive": "bulk:client_archive"},
    True: {
        "detail": "clients:detail",
        "restore": "bulk:client_restore",
        "delete": "bulk:client_delete",
    },
}
# Row links to a list filtered to the row's client: (URL name, its client parameter). The archive's
# envelope ("Show mail") opens Korespondencja filtered to that client (R16).
_ROW_FILTER_URLS = {False: {}, True: {"mail": ("mailroom:list", "client")}}
_ID_MARK = "987654321"


def _attach_row_urls(clients: list[Client]) -> None:
    patterns = {
        archived: {key: reverse(name, args=[_ID_MARK]) for key, name in names.items()}
        for archived, names in _ROW_URL_NAMES.items()
    }
    for archived, filtered in _ROW_FILTER_URLS.items():
        for key, (name, param) in filtered.items():
            patterns[archived][key] = f"{reverse(name)}?{param}={_ID_MARK}"
    for client in clients:
        pk = str(client.pk)
        own = patterns[client.archived_at is not None]
        client.urls = {key: url.replace(_ID_MARK, pk) for key, url in own.items()}  # type: ignore[attr-defined]


@require_GET
def client_list_view(request: AuthedRequest) -> HttpResponse:
    return _render_list(request, archived=False)


@require_GET
def client_archive_view(request: AuthedRequest) -> HttpResponse:
    """Clients → Archive: the same list machinery over archived clients."""
    return _render_list(request, archived=True)


def _render_list(request: AuthedRequest, *, archived: bool) -> HttpResponse:
    context = _list_context(request, archived=archived)
    response = render_htmx(request, "clients/list.html", "results", context)
    if request.htmx:
        # The address bar gets the filter's own canonical form, not every empty form field.
        query = context["query_string"]
        cursor = request.GET.get("cursor")
        if cursor and context["first_url"]:
            query = urlencode({**context["filters"].to_params(), **context["page_params"], "cursor": cursor})
        response["HX-Push-Url"] = request.path + (f"?{query}" if query else "")
    return response


@require_GET
def client_count_view(request: AuthedRequest) -> HttpResponse:
    """The number of clients matching the filter, loaded after the page so the page stays fast."""
    archived = request.GET.get("archived") == "1"
    try:
        filters = ClientFilter.from_params(
            request.GET, archived=archived, strict=True, allow=("archived", *LIST_PARAMETERS)
        )
    except ValidationError:
        return HttpResponse("")
    count = selectors.client_count(actor=request.user, filters=filters)
    return render(request, "clients/list.html#count", {"count": count, "filters": filters})


def _client_or_404(request: AuthedRequest, client_id: int) -> Client:
    try:
        return selectors.client_get(actor=request.user, client_id=client_id)
    except NotFound as exc:
        raise Http404(exc.message) from exc


def _detail(request: AuthedRequest, client: Client, tab: str, extra: dict[str, Any]) -> HttpResponse:
    return render_client_tab(request, actor=request.user, client=client, key=tab, context=extra)


@require_GET
def client_detail_view(request: AuthedRequest, client_id: int) -> HttpResponse:
    client = _client_or_404(request, client_id)
    return _detail(request, client, "client", {"attribute_rows": client_attribute_rows(client)})


@require_GET
def client_notes_view(request: AuthedRequest, client_id: int) -> HttpResponse:
    client = _client_or_404(request, client_id)
    notes = selectors.client_notes(actor=request.user, client=client)
    return _detail(request, client, "notes", {"notes": notes, "form": NoteForm()})


@require_GET
def client_history_view(request: AuthedRequest, client_id: int) -> HttpResponse:
    client = _client_or_404(request, client_id)
    events = client_history(actor=request.user, client_id=client.pk)[:200]
    return _detail(request, client, "history", {"events": events})


def _client_form_data(form: ClientForm) -> tuple[dict[str, Any], list[int], list[int]]:
    data = {name: form.cleaned_data[name] for name in fields.EDITABLE}
    groups = [g.pk for g in form.cleaned_data["groups"]]
    labels = [label.pk for label in form.cleaned_data["labels"]]
    return data, groups, labels


def _save_client(request: AuthedRequest, form: ClientForm, client: Client | None) -> Client | None:
    """Call the service; on bad input, possible duplicates or a stale form, put the message on the form."""
    data, groups, labels = _client_form_data(form)
    allow = bool(form.cleaned_data.get("allow_duplicates"))
    try:
        if client is None:
            return services.client_create(
                actor=request.user,
                data=data,
                groups=groups,
                labels=labels,
                allow_duplicates=allow,
                attributes=form.attribute_values(),
            )
        return services.client_update(
            actor=request.user,
            client=client,
            data=data,
            groups=groups,
            labels=labels,
            allow_duplicates=allow,
            expected_version=form.cleaned_data.get("version"),
            attributes=form.attribute_values(),
            replace_attributes=True,
        )
    except ValidationError as exc:
        add_service_errors(form, exc)
    except services.PossibleDuplicates as exc:
        form.duplicates = exc.duplicates  # type: ignore[attr-defined]
    except services.StaleEdit as exc:
        _show_stale(form, exc)
    except ApplicationError as exc:
        form.add_error(None, exc.message)
    return None


def _show_stale(form: ClientForm, exc: services.StaleEdit) -> None:
    """ "Changed meanwhile": the other person's values beside the user's, which stay in the form.

    The form now carries the current version, so saving it again applies the user's values.
    """
    form.add_error(None, exc.message)
    form.changed_meanwhile = exc.changed_since(form.original_values())  # type: ignore[attr-defined]
    data = form.data.copy()  # type: ignore[attr-defined]  # a QueryDict
    data["version"] = str(exc.version)
    data["original"] = json.dumps(exc.current)
    form.data = data


def _edit_initial(client: Client) -> dict[str, Any]:
    initial: dict[str, Any] = {name: getattr(client, name) for name in fields.EDITABLE}
    initial["phone"] = client.phone_display
    initial["groups"] = list(client.groups.all())
    initial["labels"] = list(client.labels.all())
    defs = definitions()
    initial.update(initial_attributes(defs, client_values([client.pk], defs).get(client.pk, {})))
    # What the edit starts from: saving is refused if the client changed since.
    initial["version"] = client.version
    initial["original"] = json.dumps(services.client_snapshot(client))
    return initial


@require_http_methods(["GET", "POST"])
def client_create_view(request: AuthedRequest) -> HttpResponse:
    require_perm(request.user, "clients.add_client")  # no form for someone who may not save it
    form = ClientForm(request.POST or None, actor=request.user)
    if request.method == "POST" and form.is_valid():
        client = _save_client(request, form, None)
        if client is not None:
            messages.success(request, _("Client %(name)s added.") % {"name": client.display_name})
            return redirect("clients:detail", client_id=client.pk)
    return render(request, "clients/form.html", {"form": form, "client": None})


@require_http_methods(["GET", "POST"])
def client_edit_view(request: AuthedRequest, client_id: int) -> HttpResponse:
    require_perm(request.user, "clients.change_client")
    client = _client_or_404(request, client_id)
    if client.is_archived and request.method == "GET":  # no form for what cannot be saved
        # (a POST still reaches the service, which refuses it and says why, e.g. "archived meanwhile")
        messages.error(request, _("This client is in the archive. Restore it before changing it."))
        return redirect("clients:detail", client_id=client.pk)
    form = ClientForm(request.POST or None, initial=_edit_initial(client), actor=request.user)
    if request.method == "POST" and form.is_valid():
        saved = _save_client(request, form, client)
        if saved is not None:
            messages.success(request, _("Changes saved."))
            return redirect("clients:detail", client_id=client.pk)
    return render(request, "clients/form.html", {"form": form, "client": client})


@require_POST
def client_status_view(request: AuthedRequest, client_id: int) -> HttpResponse:
    client = _client_or_404(request, client_id)
    status = request.POST.get("status", "")
    try:
        services.client_set_status(actor=request.user, client=client, status=status)
        messages.success(request, _("Status changed."))
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    except ApplicationError as exc:
        messages.error(request, exc.message)
    return redirect("clients:detail", client_id=client.pk)


# --- notes -----------------------------------------------------------------------


@require_POST
def note_create_view(request: AuthedRequest, client_id: int) -> HttpResponse:
    client = _client_or_404(request, client_id)
    form = NoteForm(request.POST)
    if form.is_valid():
        try:
            services.note_create(actor=request.user, client=client, text=form.cleaned_data["text"])
            return redirect("clients:notes", client_id=client.pk)
        except ValidationError as exc:
            add_service_errors(form, exc)
    notes = selectors.client_notes(actor=request.user, client=client)
    return _detail(request, client, "notes", {"notes": notes, "form": form})


@require_http_methods(["GET", "POST"])
def note_edit_view(request: AuthedRequest, client_id: int, note_id: int) -> HttpResponse:
    client = _client_or_404(request, client_id)
    note = _note_or_404(request, client, note_id)
    try:
        services.note_check_change(actor=request.user, note=note)  # no form for another's note
    except ApplicationError as exc:
        messages.error(request, exc.message)
        return redirect("clients:notes", client_id=client.pk)
    form = NoteForm(request.POST or None, initial={"text": note.text})
    if request.method == "POST" and form.is_valid():
        try:
            services.note_update(actor=request.user, note=note, text=form.cleaned_data["text"])
            return redirect("clients:notes", client_id=client.pk)
        except ValidationError as exc:
            add_service_errors(form, exc)
    return render(request, "clients/note_form.html", {"client": client, "note": note, "form": form})


@require_POST
def note_delete_view(request: AuthedRequest, client_id: int, note_id: int) -> HttpResponse:
    client = _client_or_404(request, client_id)
    note = _note_or_404(request, client, note_id)
    try:
        services.note_delete(actor=request.user, note=note)
    except ApplicationError as exc:  # an archived client's notes are read-only
        messages.error(request, exc.message)
    else:
        messages.success(request, _("Note deleted."))
    return redirect("clients:notes", client_id=client.pk)


def _note_or_404(request: AuthedRequest, client: Client, note_id: int) -> Any:
    try:
        return selectors.note_get(actor=request.user, client=client, note_id=note_id)
    except NotFound as exc:
        raise Http404(exc.message) from exc


# --- groups and labels -------------------------------------------------------------

_SET_KINDS: dict[str, dict[str, Any]] = {
    "groups": {"all": selectors.groups_all, "get": selectors.group_get, "create": services.group_create,
               "update": services.group_update, "delete": services.group_delete, "title": gettext_lazy("Groups")},
    "labels": {"all": selectors.labels_all, "get": selectors.label_get, "create": services.label_create,
               "update": services.label_update, "delete": services.label_delete, "title": gettext_lazy("Labels")},
}  # fmt: skip
_SET_CHANGE_PERMS = {"groups": "clients.change_clientgroup", "labels": "clients.change_label"}
_SET_ADD_PERMS = {"groups": "clients.add_clientgroup", "labels": "clients.add_label"}


@require_http_methods(["GET", "POST"])
def set_list_view(request: AuthedRequest, kind: str) -> HttpResponse:
    """Groups or labels: the list and a form to add one."""
    spec = _SET_KINDS[kind]
    form = ColouredSetForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            spec["create"](actor=request.user, data=form.cleaned_data)
            messages.success(request, _("Saved."))
            return HttpResponseRedirect(request.path)
        except ValidationError as exc:
            add_service_errors(form, exc)
    items = spec["all"](actor=request.user)
    context = {"kind": kind, "title": spec["title"], "items": items, "form": form}
    context["can_add"] = request.user.has_perm(_SET_ADD_PERMS[kind])
    context["can_change"] = request.user.has_perm(_SET_CHANGE_PERMS[kind])
    return render(request, "clients/sets.html", context)


@require_http_methods(["GET", "POST"])
def set_edit_view(request: AuthedRequest, kind: str, pk: int) -> HttpResponse:
    spec = _SET_KINDS[kind]
    require_perm(request.user, _SET_CHANGE_PERMS[kind])  # the edit page is for those who may edit
    try:
        obj = spec["get"](actor=request.user, **{f"{kind[:-1]}_id": pk})
    except NotFound as exc:
        raise Http404(exc.message) from exc
    form = ColouredSetForm(request.POST or None, initial={"name": obj.name, "color": obj.color})
    if request.method == "POST":
        if request.POST.get("delete"):
            spec["delete"](actor=request.user, **{kind[:-1]: obj})
            messages.success(request, _("Deleted."))
            return redirect("clients:sets", kind=kind)
        if form.is_valid():
            try:
                spec["update"](actor=request.user, data=form.cleaned_data, **{kind[:-1]: obj})
                messages.success(request, _("Saved."))
                return redirect("clients:sets", kind=kind)
            except ValidationError as exc:
                add_service_errors(form, exc)
    return render(request, "clients/set_form.html", {"kind": kind, "title": spec["title"], "obj": obj, "form": form})


@require_POST
def group_quick_create_view(request: AuthedRequest) -> HttpResponse:
    """The "+" next to Groups in the client form: create a group without leaving the form.

    Answers with the groups field re-rendered: the groups already ticked stay ticked, the new
    one is added and ticked.
    """
    selected: set[int] = set()
    error = ""
    for raw in request.POST.getlist("groups"):
        try:
            selected.add(parse_id(raw))
        except InvalidNumber as exc:  # no group anyone could tick: create nothing, say why
            error = exc.message
    if not error:
        try:
            group = services.group_create(
                actor=request.user,
                data={"name": request.POST.get("new_group_name", ""), "color": request.POST.get("new_group_color", "")},
            )
            selected.add(group.pk)
        except ValidationError as exc:
            error = " ".join(exc.messages)
    form = ClientForm(
        initial={"groups": list(selectors.groups_by_ids(actor=request.user, ids=selected))}, actor=request.user
    )
    return render(request, "clients/form.html#groups_field", {"form": form, "group_error": error})
