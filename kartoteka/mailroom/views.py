"""Web UI of correspondence: the Korespondencja page, a client's Poczta tab, and the dialogs to
register, edit, collect, forward, scan and delete mail. Each view validates input, makes one
domain call, renders.

Each dialog is one URL with two renderings: a Bootstrap modal for an HTMX request (the buttons
load it into #modal-slot), a plain page otherwise. A successful change answers an HTMX request
with the events `kt-dialog-done` (the modal closes) and `kt-mail-changed` (the list on the page
reloads itself, keeping its filters and page), so the change shows at once without a reload.
"""

from __future__ import annotations

from collections.abc import Callable
from contextlib import suppress
from dataclasses import replace
from typing import Any
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.html import format_html
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods

from kartoteka.clients.models import Client
from kartoteka.clients.selectors import client_get
from kartoteka.contacts.forms import PickupCheckForm
from kartoteka.core.errors import ApplicationError, NotFound
from kartoteka.core.listing import Column, RowPage, chip_links, column_headers, page_size, render_rows
from kartoteka.core.numbers import InvalidNumber, is_id, parse_id, parse_positive_int
from kartoteka.core.pagination import InvalidCursor
from kartoteka.core.tabs import render_client_tab
from kartoteka.core.views import AuthedRequest, add_service_errors, render_htmx
from kartoteka.mailroom import selectors, services
from kartoteka.mailroom.filters import KIND_LABELS, STATUS_LABELS, MailFilter
from kartoteka.mailroom.forms import CollectForm, ForwardForm, MailCreateForm, MailForm, ScanForm
from kartoteka.mailroom.models import MailItem
from kartoteka.mailroom.scans import ScanUpload, max_bytes

LIST_COLUMNS = (
    Column("received_on", gettext_lazy("Received"), sort="received_on"),
    Column("client", gettext_lazy("Client"), sort="client"),
    Column("sender", gettext_lazy("Sender"), sort="sender"),
    Column("kind", gettext_lazy("Type"), sort="kind"),
    Column("status", gettext_lazy("Status"), sort="status"),
    Column("scan", gettext_lazy("Scan")),
)
TAB_COLUMNS = tuple(column for column in LIST_COLUMNS if column.key != "client")
LIST_PARAMETERS = ("cursor", "limit")  # besides the filter's own
CHANGED = "kt-dialog-done, kt-mail-changed"  # the events a successful dialog sends
COUNT_CAP = 10_000  # the page counts matches up to this ("more than 10000" beyond)


def _filters(request: AuthedRequest, *, client: Client | None) -> tuple[MailFilter, dict[str, list[str]]]:
    """The filter of the request (a client's tab: always that client); bad parameters are reported."""
    try:
        filters = MailFilter.from_params(request.GET, strict=True, allow=LIST_PARAMETERS)
        errors: dict[str, list[str]] = {}
    except ValidationError as exc:
        errors = {k: [str(m) for e in v for m in e.messages] for k, v in exc.error_dict.items()}
        filters = MailFilter.default()
    if client is not None:
        filters = replace(filters, client=client.pk)
    return filters, errors


def _list_context(request: AuthedRequest, *, client: Client | None) -> dict[str, Any]:
    filters, filter_errors = _filters(request, client=client)
    cursor = request.GET.get("cursor") or None
    limit = page_size(request.GET.get("limit"))
    try:
        page = selectors.mail_list(actor=request.user, filters=filters, cursor=cursor, limit=limit)
    except InvalidCursor:  # a stale or hand-edited cursor: start from the first page
        page = selectors.mail_list(actor=request.user, filters=filters, cursor=None, limit=limit)
        cursor = None
    shown = replace(filters, client=None) if client is not None else filters  # the tab's URLs omit its client
    params = shown.to_params()
    if limit != settings.KARTOTEKA_PAGE_SIZE:
        params["limit"] = str(limit)
    here = urlencode({**params, "cursor": cursor} if cursor else params)
    back = request.path + (f"?{here}" if here else "")
    columns = TAB_COLUMNS if client else LIST_COLUMNS
    _attach_row_urls(page.items, back=back)
    desk = client is None and filters.client is None  # no desk check on the page: the collect dialog brings one
    rows = render_rows(columns, page.items, cells="mailroom/list", page=_row_page(request, desk=desk))
    return {
        "filters": filters,
        "filter_errors": filter_errors,
        "items": page.items,
        "rows": rows,
        "query_string": urlencode(params),
        "refresh_url": back,
        "next_url": "?" + urlencode({**params, "cursor": page.next_cursor}) if page.next_cursor else None,
        "first_url": "?" + urlencode(params) if cursor else None,
        "columns": column_headers(columns, shown),
        "chips": chip_links(shown, describe=_names(request)),
        "status_labels": STATUS_LABELS,
        "kind_labels": KIND_LABELS,
        "back": back,
    }


# Row links, reversed once per page instead of once per row and link (as the client list does).
_ROW_URL_NAMES = {
    "collect": "mailroom:collect", "forward": "mailroom:forward", "scan": "mailroom:scan", "edit": "mailroom:edit",
    "delete": "mailroom:delete", "scan_file": "mailroom:scan_file",
}  # fmt: skip
_ID_MARK = "987654321"
_WITH_NEXT = ("collect", "forward", "scan", "edit", "delete")  # dialogs: without JavaScript they return here


def _attach_row_urls(items: list[MailItem], *, back: str) -> None:
    suffix = "?" + urlencode({"next": back})
    patterns = {
        key: reverse(name, args=[_ID_MARK]) + (suffix if key in _WITH_NEXT else "")
        for key, name in _ROW_URL_NAMES.items()
    }
    for item in items:
        pk = str(item.pk)
        urls = {key: url.replace(_ID_MARK, pk) for key, url in patterns.items()}
        urls["client"] = f"?client={item.client_id}"
        item.urls = urls  # type: ignore[attr-defined]


_KIND_ICONS = {"registered": "bi-envelope-exclamation text-danger", "parcel": "bi-box-seam"}
_STATUS_BADGES = {"received": "text-bg-primary", "scanned": "text-bg-info", "collected": "text-bg-success",
                  "forwarded": "text-bg-secondary"}  # fmt: skip


def _row_page(request: AuthedRequest, *, desk: bool) -> RowPage:
    """Texts and permissions every row of the page shares, worked out once a page."""
    text = {
        "path": request.path, "archived": _("Archived"), "download": _("Download the scan"),
        "collect": _("Collect"), "forward": _("Forward"), "scan": _("Attach a scan"), "edit": _("Edit"),
        "delete": _("Delete"), "empty": _("No mail matches."), "desk": "&desk=1" if desk else "",
        "kinds": dict(MailItem.Kind.choices),
        "kind_icons": {k: format_html('<i class="bi {}"></i> ', icon) for k, icon in _KIND_ICONS.items()}
        | {k: "" for k in MailItem.Kind.values if k not in _KIND_ICONS},
        "statuses": {k: format_html('<span class="badge {}">{}</span>', _STATUS_BADGES[k], label)
                     for k, label in MailItem.Status.choices},
    }  # fmt: skip
    perms = {
        "change": request.user.has_perm("mailroom.change_mailitem"),
        "delete": request.user.has_perm("mailroom.delete_mailitem"),
    }
    return RowPage(text=text, perms=perms, selectable=False)


def _names(request: AuthedRequest) -> dict[str, Callable[[Any], str | None]]:
    """Chips name the client, read through the actor's scope."""
    return {"client": lambda pk: selectors.client_name(actor=request.user, client_id=pk)}


def _client_or_404(request: AuthedRequest, client_id: int) -> Client:
    try:
        return client_get(actor=request.user, client_id=client_id)
    except NotFound as exc:
        raise Http404(exc.message) from exc


def _item_or_404(request: AuthedRequest, mail_id: int) -> MailItem:
    try:
        return selectors.mail_get(actor=request.user, mail_id=mail_id)
    except NotFound as exc:
        raise Http404(exc.message) from exc


@require_GET
def mail_list_view(request: AuthedRequest) -> HttpResponse:
    """Korespondencja: all mail the user may see, with search, filters, sorting and keyset pages.
    Filtered to one client (archived ones too) it offers registering mail and the mail desk's check."""
    context = _list_context(request, client=None)
    filters = context["filters"]
    context["count"], context["count_capped"] = selectors.mail_count_shown(
        actor=request.user, filters=filters, cap=COUNT_CAP
    )
    context["filter_client"] = None
    if filters.client is not None:
        with suppress(NotFound):  # a client id nobody has: the list is simply empty
            context["filter_client"] = client_get(actor=request.user, client_id=filters.client)
    context["pickup_form"] = PickupCheckForm()
    response = render_htmx(request, "mailroom/list.html", "results", context)
    if request.htmx:
        query = context["query_string"]
        response["HX-Push-Url"] = request.path + (f"?{query}" if query else "")
    return response


@require_GET
def client_mail_view(request: AuthedRequest, client_id: int) -> HttpResponse:
    """The client's Poczta tab: its mail, newest first, with the mail desk's check."""
    client = _client_or_404(request, client_id)
    context = {**_list_context(request, client=client), "pickup_form": PickupCheckForm()}
    return render_client_tab(request, actor=request.user, client=client, key="mail", context=context)


# --- dialogs --------------------------------------------------------------------------------


def _back(request: AuthedRequest, default: str) -> str:
    """Where a dialog returns to without JavaScript: the page it was opened from, if it is ours."""
    back = request.POST.get("next") or request.GET.get("next") or ""
    if back.startswith("/") and url_has_allowed_host_and_scheme(back, allowed_hosts=None):
        return back
    return default


def _done(request: AuthedRequest, message: str, back: str) -> HttpResponse:
    if request.htmx:
        response = HttpResponse(status=204)
        response["HX-Trigger"] = CHANGED
        return response
    messages.success(request, message)
    return redirect(back)


def _dialog(request: AuthedRequest, template: str, context: dict[str, Any]) -> HttpResponse:
    """The modal for an HTMX request: the whole dialog when it opens, only its form after a failed save."""
    if request.htmx:
        part = "body" if request.method == "POST" else "dialog"
        return render(request, f"{template}#{part}", context)
    return render(request, template, context)


def _number(raw: str) -> int | None:
    try:
        return parse_positive_int(raw)
    except InvalidNumber:
        return None


def _version(form: Any) -> int | None:
    value = form.cleaned_data.get("version")
    return int(value) if value is not None else None


def _scan_upload(request: AuthedRequest) -> ScanUpload | None:
    file = request.FILES.get("scan")
    return ScanUpload(file=file, name=file.name or "") if file else None


def _too_large(request: AuthedRequest) -> bool:
    """A body far over the scan limit is refused before its file is looked at."""
    try:
        length = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        return False
    return length > max_bytes() + 1024 * 1024


@require_http_methods(["GET", "POST"])
def mail_create_view(request: AuthedRequest) -> HttpResponse:
    """Register mail: for `?client=<id>` (the Poczta tab, the list filtered to a client) or a client number typed in."""
    services.mail_check_change(actor=request.user, perm="add")
    preset_id = request.GET.get("client", "")
    preset = _client_or_404(request, parse_id(preset_id)) if is_id(preset_id) else None
    back = _back(request, reverse("mailroom:list") + (f"?client={preset.pk}" if preset else ""))
    form = MailCreateForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and _too_large(request):
        form.is_valid()
        form.add_error("scan", _("The file is too large: a scan may have at most %(limit)s MB.")
                       % {"limit": f"{max_bytes() / (1024 * 1024):g}"})  # fmt: skip
    elif request.method == "POST" and form.is_valid():
        client = preset
        try:
            if client is None:
                client_id = form.cleaned_data.get("client")
                if not client_id:
                    raise ValidationError({"client": [_("Enter the number (ID) of the client the mail is for.")]})
                client = client_get(actor=request.user, client_id=client_id)
            item = services.mail_item_create(
                actor=request.user, client=client, data=form.service_data(), scan=_scan_upload(request)
            )
        except NotFound:
            form.add_error("client", _("There is no client with this number."))
        except ValidationError as exc:
            add_service_errors(form, exc)
        except ApplicationError as exc:
            form.add_error(None, exc.message)
        else:
            return _done(request, _("Mail from %(sender)s registered.") % {"sender": item.sender}, back)
    context = {"form": form, "client": preset, "item": None, "back": back, "max_mb": max_bytes() // (1024 * 1024)}
    return _dialog(request, "mailroom/form.html", context)


@require_http_methods(["GET", "POST"])
def mail_edit_view(request: AuthedRequest, mail_id: int) -> HttpResponse:
    services.mail_check_change(actor=request.user)
    item = _item_or_404(request, mail_id)
    back = _back(request, reverse("mailroom:client_tab", args=[item.client_id]))
    initial = {"received_on": item.received_on.isoformat(), "sender": item.sender, "kind": item.kind,
               "note": item.note, "version": item.version}  # fmt: skip
    form = MailForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.mail_item_update(
                actor=request.user, item=item, data=form.service_data(), expected_version=_version(form)
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        except ApplicationError as exc:
            form.add_error(None, exc.message)
        else:
            return _done(request, _("Changes saved."), back)
    return _dialog(request, "mailroom/form.html", {"form": form, "client": item.client, "item": item, "back": back})


@require_http_methods(["GET", "POST"])
def mail_collect_view(request: AuthedRequest, mail_id: int) -> HttpResponse:
    """Hand the item over: choose among the client's contact persons who may collect mail (the
    mail desk's check beside it answers for a name the desk is given)."""
    services.mail_check_change(actor=request.user)
    item = _item_or_404(request, mail_id)
    back = _back(request, reverse("mailroom:client_tab", args=[item.client_id]))
    collectors = selectors.mail_collectors(actor=request.user, client=item.client)
    choices = [(c.pk, c.full_name + (f" ({c.position})" if c.position else "")) for c in collectors]
    form = CollectForm(request.POST or None, initial={"version": item.version}, contacts=choices)
    if request.method == "POST" and form.is_valid():
        try:
            services.mail_item_collect(
                actor=request.user, item=item, contact_id=form.cleaned_data["contact"], expected_version=_version(form)
            )
        except services.CollectRefused as exc:
            form.add_error("contact", exc.message)
        except ValidationError as exc:
            add_service_errors(form, exc)
        except ApplicationError as exc:
            form.add_error(None, exc.message)
        else:
            return _done(request, _("Mail handed over."), back)
    context = {"form": form, "item": item, "client": item.client, "collectors": collectors, "back": back,
               "pickup_form": PickupCheckForm(), "show_desk": request.GET.get("desk") == "1"}  # fmt: skip
    return _dialog(request, "mailroom/collect.html", context)


@require_http_methods(["GET", "POST"])
def mail_forward_view(request: AuthedRequest, mail_id: int) -> HttpResponse:
    services.mail_check_change(actor=request.user)
    item = _item_or_404(request, mail_id)
    back = _back(request, reverse("mailroom:client_tab", args=[item.client_id]))
    form = ForwardForm(request.POST or None, initial={"version": item.version})
    if request.method == "POST" and form.is_valid():
        try:
            services.mail_item_forward(
                actor=request.user, item=item, data=form.service_data(), expected_version=_version(form)
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        except ApplicationError as exc:
            form.add_error(None, exc.message)
        else:
            return _done(request, _("Mail forwarded."), back)
    return _dialog(request, "mailroom/forward.html", {"form": form, "item": item, "client": item.client, "back": back})


@require_http_methods(["GET", "POST"])
def mail_scan_view(request: AuthedRequest, mail_id: int) -> HttpResponse:
    """Attach (or replace) the item's scan: PDF, JPEG or PNG, judged by its content."""
    services.mail_check_change(actor=request.user)
    item = _item_or_404(request, mail_id)
    back = _back(request, reverse("mailroom:client_tab", args=[item.client_id]))
    form = ScanForm(request.POST or None, request.FILES or None, initial={"version": item.version})
    if request.method == "POST" and _too_large(request):
        form.is_valid()
        form.add_error("scan", _("The file is too large: a scan may have at most %(limit)s MB.")
                       % {"limit": f"{max_bytes() / (1024 * 1024):g}"})  # fmt: skip
    elif request.method == "POST" and form.is_valid():
        upload = _scan_upload(request)
        try:
            if upload is None:
                raise ValidationError({"scan": [_("Choose the file with the scan.")]})
            services.mail_item_scan_attach(actor=request.user, item=item, scan=upload, expected_version=_version(form))
        except ValidationError as exc:
            add_service_errors(form, exc)
        except ApplicationError as exc:
            form.add_error(None, exc.message)
        else:
            return _done(request, _("Scan attached."), back)
    context = {"form": form, "item": item, "client": item.client, "back": back, "max_mb": max_bytes() // (1024 * 1024)}
    return _dialog(request, "mailroom/scan.html", context)


@require_GET
def mail_scan_file_view(request: AuthedRequest, mail_id: int) -> FileResponse:
    """The item's scan, for staff who may see the mail (others: 403, or 404 outside their scope).
    A download (never rendered in our pages' origin), never sniffed as anything else."""
    try:
        item, path = selectors.mail_scan_get(actor=request.user, mail_id=mail_id)
    except NotFound as exc:
        raise Http404(exc.message) from exc
    return scan_response(item, path)


def scan_response(item: MailItem, path: str) -> FileResponse:
    """The stored scan with the content type found in its content, its download name and nosniff."""
    response = FileResponse(open(path, "rb"), as_attachment=True, filename=item.scan_name)  # noqa: SIM115
    response["Content-Type"] = item.scan_type
    response["X-Content-Type-Options"] = "nosniff"
    return response


@require_http_methods(["GET", "POST"])
def mail_delete_view(request: AuthedRequest, mail_id: int) -> HttpResponse:
    services.mail_check_change(actor=request.user, perm="delete")
    item = _item_or_404(request, mail_id)
    back = _back(request, reverse("mailroom:client_tab", args=[item.client_id]))
    error = ""
    if request.method == "POST":
        version = request.POST.get("version", "")
        try:
            services.mail_item_delete(actor=request.user, item=item, expected_version=_number(version))
        except ApplicationError as exc:
            error = exc.message
        else:
            return _done(request, _("Mail item deleted."), back)
    return _dialog(request, "mailroom/confirm_delete.html", {"item": item, "client": item.client, "back": back,
                                                            "error": error})  # fmt: skip
