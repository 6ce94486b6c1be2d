"""Web UI of bulk actions and of the archive's one-client actions.

A bulk action is posted by the list's selection form (ids / mode / filter / list). The first
POST shows what will happen to how many clients; "confirm" runs it (final actions ask a second
time, for the number of clients typed in). Small selections finish at once and the list shows
the report; large ones go to the job page.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib import messages
from django.http import Http404, HttpResponse, HttpResponseRedirect, QueryDict
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from kartoteka.bulk import services
from kartoteka.bulk.registry import ARCHIVE, CLIENTS, BulkAction, report_lines
from kartoteka.clients import selectors
from kartoteka.clients import services as client_services
from kartoteka.clients.models import Client
from kartoteka.clients.selectors import ClientSelection
from kartoteka.core.errors import ApplicationError, NotFound, ValidationError
from kartoteka.core.numbers import InvalidNumber, parse_ids, parse_positive_int
from kartoteka.core.permissions import require_perm
from kartoteka.core.views import AuthedRequest, render_htmx


def _list_url(list_name: str, filter_query: str = "") -> str:
    url = reverse("clients:archive" if list_name == ARCHIVE else "clients:list")
    return f"{url}?{filter_query}" if filter_query else url


def _selection(request: AuthedRequest, list_name: str) -> ClientSelection:
    if request.POST.get("mode") == "filter":
        return services.selection_from(list_name=list_name, filter_params=QueryDict(request.POST.get("filter", "")))
    try:
        ids = parse_ids(request.POST.getlist("ids"))
    except InvalidNumber as exc:
        raise ValidationError({"ids": [exc.message]}) from exc
    return services.selection_from(list_name=list_name, ids=ids)


def _typed_count(raw: str) -> int | None:
    """The number typed to confirm a final action; None (asked again) when it is not a number."""
    try:
        return parse_positive_int(raw, minimum=0)
    except InvalidNumber:
        return None


def report_message(action: BulkAction, report: dict[str, Any]) -> str:
    lines = report_lines(report)
    text = str(action.done % {"count": lines["changed"]})
    if lines["skipped"]:
        reasons = ", ".join(f"{label}: {n}" for label, n in lines["skipped"])
        text += " " + _("Skipped %(count)d (%(reasons)s).") % {"count": lines["skipped_total"], "reasons": reasons}
    return text


@require_POST
def bulk_action_view(request: AuthedRequest, name: str) -> HttpResponse:
    list_name = request.POST.get("list", CLIENTS)
    list_name = list_name if list_name in (CLIENTS, ARCHIVE) else CLIENTS
    back = _list_url(list_name, request.POST.get("filter", ""))
    try:
        selection = _selection(request, list_name)
        preview = services.bulk_preview(actor=request.user, action_name=name, list_name=list_name, selection=selection)
    except NotFound as exc:
        raise Http404(exc.message) from exc
    except (ValidationError, ApplicationError) as exc:
        messages.error(request, _error_text(exc))
        return HttpResponseRedirect(back)
    action, step = preview.action, request.POST.get("step", "")
    form = action.form(request.user, request.POST if step else None)
    context: dict[str, Any] = {
        "action": action,
        "count": preview.count,
        "summary": action.summary % {"count": preview.count},
        "form": form,
        "next_step": "confirm",
        "list_name": list_name,
        "back": back,
        "mode": request.POST.get("mode", "ids"),
        "filter": request.POST.get("filter", ""),
        "ids": request.POST.getlist("ids"),
        "background": preview.count > settings.KARTOTEKA_BULK_SYNC_LIMIT,
    }
    if not step or not form.is_valid():
        return render(request, "bulk/confirm.html", context)
    if action.final:
        context.update(next_step="run", params_shown=action.params_display(request.user, form.cleaned_data))
        if step == "confirm":  # the second confirmation: type the number of clients
            return render(request, "bulk/confirm.html", context)
    try:
        outcome = services.bulk_run(
            actor=request.user,
            action_name=name,
            list_name=list_name,
            selection=selection,
            params={
                p.name: request.POST.getlist(p.name) if p.many else request.POST.get(p.name) for p in action.params
            },
            confirm_count=_typed_count(request.POST.get("confirm_count", "").strip()),
        )
    except ValidationError as exc:
        if action.final:
            return render(request, "bulk/confirm.html", {**context, "error": _error_text(exc)})
        messages.error(request, _error_text(exc))
        return HttpResponseRedirect(back)
    except ApplicationError as exc:
        messages.error(request, exc.message)
        return HttpResponseRedirect(back)
    job = outcome.job
    if job is not None and job.status == job.Status.SUCCEEDED and job.has_file:
        # A small export ran at once: straight to its file (the page stays; the next one shows the report).
        messages.success(request, report_message(action, job.result))
        return redirect("jobs:file", job_id=job.pk)
    if job is not None:
        return redirect("jobs:detail", job_id=job.pk)
    messages.success(request, report_message(action, outcome.report or {}))
    return HttpResponseRedirect(back)


def _error_text(exc: Exception) -> str:
    if isinstance(exc, ValidationError):
        return " ".join(exc.messages)
    return getattr(exc, "message", str(exc))


# --- one client: move to the archive, restore, delete permanently, mail ---------------


def _client(request: AuthedRequest, client_id: int) -> Client:
    try:
        return selectors.client_get(actor=request.user, client_id=client_id)
    except NotFound as exc:
        raise Http404(exc.message) from exc


def _dialog(request: AuthedRequest, kind: str, client: Client, error: str = "") -> HttpResponse:
    context = {"kind": kind, "client": client, "error": error}
    return render_htmx(request, "bulk/client_dialog.html", "dialog", context)


@require_http_methods(["GET", "POST"])
def client_archive_view(request: AuthedRequest, client_id: int) -> HttpResponse:
    return _archive_move(
        request, client_id, "archive", client_services.client_archive, "clients:list",
        _("Client %(name)s moved to the archive (Clients → Archive)."),
    )  # fmt: skip


@require_http_methods(["GET", "POST"])
def client_restore_view(request: AuthedRequest, client_id: int) -> HttpResponse:
    return _archive_move(
        request, client_id, "restore", client_services.client_restore, "clients:archive",
        _("Client %(name)s restored: it is on the client list again."),
    )  # fmt: skip


def _archive_move(
    request: AuthedRequest, client_id: int, kind: str, service: Any, back: str, done: str
) -> HttpResponse:
    """GET: the confirmation dialog; POST: move the client into or out of the archive, then go back."""
    require_perm(request.user, "clients.archive_client")  # no dialog for an action the user may not do
    client = _client(request, client_id)
    if request.method == "GET":
        return _dialog(request, kind, client)
    try:
        service(actor=request.user, client=client)
    except ApplicationError as exc:
        messages.error(request, exc.message)
        return redirect(back)
    messages.success(request, done % {"name": client.display_name})
    return redirect(back)


@require_http_methods(["GET", "POST"])
def client_delete_view(request: AuthedRequest, client_id: int) -> HttpResponse:
    require_perm(request.user, "clients.delete_client")
    client = _client(request, client_id)
    if request.method == "GET":
        return _dialog(request, "delete", client)
    if request.POST.get("confirm_count", "").strip() != "1":
        return _dialog(request, "delete", client, error=_("Type 1 to confirm."))
    try:
        client_services.client_delete(actor=request.user, client=client)
    except ApplicationError as exc:
        messages.error(request, exc.message)
        return redirect("clients:archive")
    messages.success(request, _("Client %(name)s deleted permanently.") % {"name": client.display_name})
    return redirect("clients:archive")
