"""Web UI of cases: the Sprawy page, a client's Sprawy tab, the case page and its form.
Each view validates input, makes one domain call, renders."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from typing import Any
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from kartoteka.cases import selectors, services
from kartoteka.cases.filters import STATUS_LABELS, CaseFilter
from kartoteka.cases.forms import CaseForm
from kartoteka.cases.models import Case
from kartoteka.clients.models import Client
from kartoteka.clients.selectors import client_get
from kartoteka.core.errors import ApplicationError, NotFound
from kartoteka.core.forms import VersionField
from kartoteka.core.listing import Column, chip_links, column_headers, page_size
from kartoteka.core.pagination import InvalidCursor
from kartoteka.core.permissions import require_perm
from kartoteka.core.tabs import render_client_tab
from kartoteka.core.views import AuthedRequest, add_service_errors, render_htmx

LIST_COLUMNS = (
    Column("id", gettext_lazy("ID"), sort="id"),
    Column("title", gettext_lazy("Title"), sort="title"),
    Column("client", gettext_lazy("Client"), sort="client"),
    Column("status", gettext_lazy("Status"), sort="status"),
    Column("owner", gettext_lazy("Owner"), sort="owner"),
    Column("opened_at", gettext_lazy("Opened"), sort="opened_at"),
    Column("closed_at", gettext_lazy("Closed"), sort="closed_at"),
)
# The client's tab: the same columns but the client's own.
TAB_COLUMNS = tuple(column for column in LIST_COLUMNS if column.key != "client")
LIST_PARAMETERS = ("cursor", "limit")  # besides the filter's own


def _filters(request: AuthedRequest, *, client: Client | None) -> tuple[CaseFilter, dict[str, list[str]]]:
    """The filter of the request (a client's tab: always that client); bad parameters are reported."""
    try:
        filters = CaseFilter.from_params(request.GET, strict=True, allow=LIST_PARAMETERS)
        errors: dict[str, list[str]] = {}
    except ValidationError as exc:
        errors = {k: [str(m) for e in v for m in e.messages] for k, v in exc.error_dict.items()}
        filters = CaseFilter.default()
    if client is not None:
        filters = replace(filters, client=client.pk)
    return filters, errors


def _list_context(request: AuthedRequest, *, client: Client | None) -> dict[str, Any]:
    filters, filter_errors = _filters(request, client=client)
    cursor = request.GET.get("cursor") or None
    limit = page_size(request.GET.get("limit"))
    try:
        page = selectors.case_list(actor=request.user, filters=filters, cursor=cursor, limit=limit)
    except InvalidCursor:  # a stale or hand-edited cursor: start from the first page
        page = selectors.case_list(actor=request.user, filters=filters, cursor=None, limit=limit)
        cursor = None
    shown = replace(filters, client=None) if client is not None else filters  # the tab's URLs omit its client
    params = shown.to_params()
    if limit != settings.KARTOTEKA_PAGE_SIZE:
        params["limit"] = str(limit)
    return {
        "filters": filters,
        "filter_errors": filter_errors,
        "cases": page.items,
        "query_string": urlencode(params),
        "next_url": "?" + urlencode({**params, "cursor": page.next_cursor}) if page.next_cursor else None,
        "first_url": "?" + urlencode(params) if cursor else None,
        "columns": column_headers(TAB_COLUMNS if client else LIST_COLUMNS, shown),
        "chips": chip_links(shown, describe=_names(request)),
        "status_labels": STATUS_LABELS,
    }


def _names(request: AuthedRequest) -> dict[str, Callable[[Any], str | None]]:
    """Chips name the owner and the client, read through the actor's scope."""
    return {
        "owner": lambda pk: selectors.owner_name(actor=request.user, owner_id=pk),
        "client": lambda pk: selectors.client_name(actor=request.user, client_id=pk),
    }


@require_GET
def case_list_view(request: AuthedRequest) -> HttpResponse:
    """Sprawy: every case the user may see, with search, filters, sorting and keyset pages."""
    context = _list_context(request, client=None)
    context["count"] = selectors.case_count(actor=request.user, filters=context["filters"])
    context["owners"] = selectors.owner_choices(actor=request.user)
    response = render_htmx(request, "cases/list.html", "results", context)
    if request.htmx:
        query = context["query_string"]
        response["HX-Push-Url"] = request.path + (f"?{query}" if query else "")
    return response


def _client_or_404(request: AuthedRequest, client_id: int) -> Client:
    try:
        return client_get(actor=request.user, client_id=client_id)
    except NotFound as exc:
        raise Http404(exc.message) from exc


def _case_or_404(request: AuthedRequest, case_id: int) -> Case:
    try:
        return selectors.case_get(actor=request.user, case_id=case_id)
    except NotFound as exc:
        raise Http404(exc.message) from exc


@require_GET
def client_cases_view(request: AuthedRequest, client_id: int) -> HttpResponse:
    """The client's Sprawy tab: its cases, sortable by every column."""
    client = _client_or_404(request, client_id)
    context = _list_context(request, client=client)
    return render_client_tab(request, actor=request.user, client=client, key="cases", context=context)


def _owners(request: AuthedRequest) -> list[tuple[str, str]]:
    return [(str(user.pk), str(user)) for user in selectors.owner_choices(actor=request.user)]


@require_http_methods(["GET", "POST"])
def case_create_view(request: AuthedRequest, client_id: int) -> HttpResponse:
    require_perm(request.user, "cases.add_case")  # no form for someone who may not save it
    client = _client_or_404(request, client_id)
    if client.is_archived:
        messages.error(request, _("This client is in the archive: its cases can be read but not changed."))
        return redirect("cases:client_tab", client_id=client.pk)
    initial = {"owner": str(request.user.pk)}
    form = CaseForm(request.POST or None, initial=initial, owners=_owners(request))
    if request.method == "POST" and form.is_valid():
        try:
            case = services.case_create(actor=request.user, client=client, data=form.service_data())
        except ValidationError as exc:
            add_service_errors(form, exc)
        except ApplicationError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, _("Case %(title)s opened.") % {"title": case.title})
            return redirect("cases:client_tab", client_id=client.pk)
    return render(request, "cases/form.html", {"form": form, "client": client, "case": None})


@require_GET
def case_detail_view(request: AuthedRequest, case_id: int) -> HttpResponse:
    case = _case_or_404(request, case_id)
    return render(request, "cases/detail.html", {"case": case, "client": case.client})


@require_http_methods(["GET", "POST"])
def case_edit_view(request: AuthedRequest, case_id: int) -> HttpResponse:
    require_perm(request.user, "cases.change_case")
    case = _case_or_404(request, case_id)
    initial = {
        "title": case.title,
        "description": case.description,
        "owner": str(case.owner_id or ""),
        "opened_at": case.opened_at.date().isoformat(),
        "version": case.version,
    }
    form = CaseForm(request.POST or None, initial=initial, owners=_owners(request))
    if request.method == "POST" and form.is_valid():
        data = form.service_data()
        if data["opened_at"] == initial["opened_at"]:
            del data["opened_at"]  # the form shows the day only: an unchanged day keeps the time
        try:
            services.case_update(
                actor=request.user, case=case, data=data, expected_version=form.cleaned_data["version"]
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        except ApplicationError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, _("Changes saved."))
            return redirect("cases:detail", case_id=case.pk)
    return render(request, "cases/form.html", {"form": form, "client": case.client, "case": case})


def _posted_version(request: AuthedRequest) -> int | None:
    """The version the page was rendered with (None: none sent; 0, never current, when tampered)."""
    version: int | None = VersionField().clean(request.POST.get("version", ""))
    return version


def _state_change(request: AuthedRequest, case_id: int, change: Callable[..., Case], done: str) -> HttpResponse:
    case = _case_or_404(request, case_id)
    try:
        change(actor=request.user, case=case, expected_version=_posted_version(request))
        messages.success(request, done)
    except ApplicationError as exc:
        messages.error(request, exc.message)
    back = request.POST.get("next", "")
    if back.startswith("/") and url_has_allowed_host_and_scheme(back, allowed_hosts=None):  # back to its list
        return redirect(back)
    return redirect("cases:detail", case_id=case.pk)


@require_POST
def case_close_view(request: AuthedRequest, case_id: int) -> HttpResponse:
    return _state_change(request, case_id, services.case_close, _("Case closed."))


@require_POST
def case_reopen_view(request: AuthedRequest, case_id: int) -> HttpResponse:
    return _state_change(request, case_id, services.case_reopen, _("Case reopened."))


@require_http_methods(["GET", "POST"])
def case_delete_view(request: AuthedRequest, case_id: int) -> HttpResponse:
    """A plain confirmation page (works without JavaScript), then the POST deletes (managers only)."""
    require_perm(request.user, "cases.delete_case")  # no confirmation for someone who may not delete
    case = _case_or_404(request, case_id)
    if request.method == "GET":
        if case.client.is_archived:
            messages.error(request, _("This client is in the archive: its cases can be read but not changed."))
            return redirect("cases:detail", case_id=case.pk)
        return render(request, "cases/confirm_delete.html", {"case": case, "client": case.client})
    try:
        services.case_delete(actor=request.user, case=case, expected_version=_posted_version(request))
    except ApplicationError as exc:
        messages.error(request, exc.message)
        return redirect("cases:detail", case_id=case.pk)
    messages.success(request, _("Case deleted."))
    return redirect("cases:client_tab", client_id=case.client_id)
