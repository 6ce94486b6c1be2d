"""Web UI of messages: the client's Wiadomości tab, the business-card form, the card's download and
the bulk confirmation page's preview."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from kartoteka.bulk.registry import ARCHIVE, CLIENTS
from kartoteka.bulk.services import selection_from
from kartoteka.clients.models import Client
from kartoteka.clients.selectors import client_get, clients_selected
from kartoteka.core.errors import NotFound, ValidationError
from kartoteka.core.numbers import InvalidNumber, parse_ids
from kartoteka.core.permissions import require_perm
from kartoteka.core.tabs import render_client_tab
from kartoteka.core.views import AuthedRequest
from kartoteka.messaging import selectors, services
from kartoteka.messaging.forms import VcardForm
from kartoteka.messaging.validation import VCARD_VERSIONS

TAB_PAGE_SIZE = 25


def _client_or_404(request: AuthedRequest, client_id: int) -> Client:
    try:
        return client_get(actor=request.user, client_id=client_id)
    except NotFound as exc:
        raise Http404(exc.message) from exc


@require_GET
def client_messages_view(request: AuthedRequest, client_id: int) -> HttpResponse:
    """The client's Wiadomości tab: what was sent to it, newest first, with status and error."""
    require_perm(request.user, "messaging.view_message")
    client = _client_or_404(request, client_id)
    cursor = request.GET.get("cursor") or None
    try:
        page = selectors.client_message_page(actor=request.user, client=client, cursor=cursor, limit=TAB_PAGE_SIZE)
    except ValidationError:  # a cursor edited by hand: the first page
        page = selectors.client_message_page(actor=request.user, client=client, cursor=None, limit=TAB_PAGE_SIZE)
    context = {"page": page, "next_url": f"?cursor={page.next_cursor}" if page.next_cursor else "", "first": cursor}
    return render_client_tab(request, actor=request.user, client=client, key="messages", context=context)


@require_http_methods(["GET", "POST"])
def send_vcard_view(request: AuthedRequest, client_id: int) -> HttpResponse:
    """The business-card form: recipient, subject and body; the .vcf goes as an attachment."""
    require_perm(request.user, "messaging.send_vcard")  # no form for what the user may not send
    client = _client_or_404(request, client_id)
    if request.method == "GET":
        form = VcardForm(initial={**services.vcard_defaults(client), "version": "3.0"})
        return _vcard_page(request, client, form)
    form = VcardForm(request.POST)
    form.is_valid()
    try:
        services.vcard_send(
            actor=request.user,
            client=client,
            recipient=request.POST.get("recipient", ""),
            subject=request.POST.get("subject", ""),
            body=request.POST.get("body", ""),
            version=request.POST.get("version") or "3.0",
        )
    except ValidationError as exc:
        for field, errors in exc.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
        return _vcard_page(request, client, form, status=422)
    messages.success(request, _("The business card is queued; the worker sends it in a moment."))
    return redirect("messaging:client_tab", client_id=client.pk)


def _vcard_page(request: AuthedRequest, client: Client, form: VcardForm, status: int = 200) -> HttpResponse:
    return render(request, "messaging/send_vcard.html", {"client": client, "form": form}, status=status)


@require_GET
def vcard_download_view(request: AuthedRequest, client_id: int) -> HttpResponse:
    """The client's card on its own (.vcf, 3.0; ?version=4.0)."""
    client = _client_or_404(request, client_id)
    version = request.GET.get("version") or "3.0"
    if version not in VCARD_VERSIONS:
        version = "3.0"
    response = HttpResponse(
        selectors.client_vcard(client=client, version=version), content_type="text/vcard; charset=utf-8"
    )
    response["Content-Disposition"] = f'attachment; filename="{services.vcard_file_name(client)}"'
    return response


@require_POST
def message_preview_view(request: AuthedRequest) -> HttpResponse:
    """The bulk confirmation page's preview (HTMX): the message as the first selected client with an
    e-mail address would receive it, or the template's errors with their lines."""
    require_perm(request.user, "messaging.send_message")
    context: dict[str, object] = {}
    client = _first_selected(request)
    if client is None:
        context["error"] = _("None of the selected clients has an e-mail address to preview the message with.")
        return render(request, "messaging/partials/preview.html", context)
    try:
        preview = services.message_preview(
            actor=request.user, client=client, subject=request.POST.get("subject"), body=request.POST.get("body")
        )
    except ValidationError as exc:
        context["errors"] = exc.message_dict
        return render(request, "messaging/partials/preview.html", context)
    context["preview"] = preview
    return render(request, "messaging/partials/preview.html", context)


def _first_selected(request: AuthedRequest) -> Client | None:
    list_name = request.POST.get("list", CLIENTS)
    list_name = list_name if list_name in (CLIENTS, ARCHIVE) else CLIENTS
    try:
        if request.POST.get("mode") == "filter":
            selection = selection_from(list_name=list_name, filter_params=QueryDict(request.POST.get("filter", "")))
        else:
            selection = selection_from(list_name=list_name, ids=parse_ids(request.POST.getlist("ids")))
    except (ValidationError, InvalidNumber):
        return None
    selected = clients_selected(actor=request.user, selection=selection)
    return selected.exclude(email="").filter(archived_at__isnull=True).order_by("id").first()
