"""Web UI of contact persons: the client's tab, the add/edit/remove dialogs, the mail desk's check.

Each dialog is one URL with two renderings: a Bootstrap modal for an HTMX request (the tab's
buttons load it into #modal-slot), a plain page otherwise. A successful save answers an HTMX
request with the refreshed list (retargeted to #contact-list) and the `kt-dialog-done` event
that closes the modal, so the new person shows at once without a reload.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from kartoteka.clients.models import Client
from kartoteka.clients.selectors import client_get
from kartoteka.contacts import fields, selectors, services
from kartoteka.contacts.forms import ContactDeleteForm, ContactForm, PickupCheckForm
from kartoteka.contacts.models import ContactPerson
from kartoteka.contacts.validation import clean_contact_fields
from kartoteka.core.errors import ApplicationError, NotFound
from kartoteka.core.tabs import render_client_tab
from kartoteka.core.views import AuthedRequest, add_service_errors

TAB = "contacts"
LIST_PARTIAL = "contacts/tabs/contacts.html#contact_list"


def _client_or_404(request: AuthedRequest, client_id: int) -> Client:
    try:
        return client_get(actor=request.user, client_id=client_id)
    except NotFound as exc:
        raise Http404(exc.message) from exc


def _contact_or_404(request: AuthedRequest, client: Client, contact_id: int) -> ContactPerson:
    try:
        return selectors.contact_get(actor=request.user, contact_id=contact_id, client=client)
    except NotFound as exc:
        raise Http404(exc.message) from exc


def _list_context(request: AuthedRequest, client: Client) -> dict[str, Any]:
    return {
        "client": client,
        "contacts": list(selectors.client_contacts(actor=request.user, client=client)),
        "flags": fields.FLAGS,
    }


@require_GET
def contacts_tab_view(request: AuthedRequest, client_id: int) -> HttpResponse:
    client = _client_or_404(request, client_id)
    context = {**_list_context(request, client), "pickup_form": PickupCheckForm()}
    return render_client_tab(request, actor=request.user, client=client, key=TAB, context=context)


def _refuse_form(request: AuthedRequest, client: Client, perm: str) -> HttpResponse | None:
    """No form for what the actor may not save: 403 without the permission (raised), the tab
    with a message for an archived client."""
    try:
        services.contact_check_change(actor=request.user, client=client, perm=perm)
    except ApplicationError as exc:
        messages.error(request, exc.message)
        return redirect("contacts:list", client_id=client.pk)
    return None


def _saved(request: AuthedRequest, client: Client, message: str) -> HttpResponse:
    if request.htmx:
        response = render(request, LIST_PARTIAL, _list_context(request, client))
        response["HX-Retarget"] = "#contact-list"
        response["HX-Reswap"] = "outerHTML"
        response["HX-Trigger"] = "kt-dialog-done"
        return response
    messages.success(request, message)
    return redirect("contacts:list", client_id=client.pk)


def _dialog(request: AuthedRequest, template: str, context: dict[str, Any]) -> HttpResponse:
    """The modal for an HTMX request: the whole dialog when it opens, only its form after a failed save."""
    if request.htmx:
        part = "body" if request.method == "POST" else "dialog"
        return render(request, f"{template}#{part}", context)
    return render(request, template, context)


@require_http_methods(["GET", "POST"])
def contact_create_view(request: AuthedRequest, client_id: int) -> HttpResponse:
    client = _client_or_404(request, client_id)
    refused = _refuse_form(request, client, "add")
    if refused:
        return refused
    form = ContactForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            contact = services.contact_create(actor=request.user, client=client, data=form.cleaned_data)
            return _saved(request, client, _("Contact person %(name)s added.") % {"name": contact.full_name})
        except ValidationError as exc:
            add_service_errors(form, exc)
    return _dialog(request, "contacts/form.html", {"client": client, "contact": None, "form": form})


@require_http_methods(["GET", "POST"])
def contact_edit_view(request: AuthedRequest, client_id: int, contact_id: int) -> HttpResponse:
    client = _client_or_404(request, client_id)
    refused = _refuse_form(request, client, "change")
    if refused:
        return refused
    contact = _contact_or_404(request, client, contact_id)
    form = ContactForm(request.POST or None, initial=_initial(contact))
    if request.method == "POST" and form.is_valid():
        try:
            data, version = form.cleaned_data, form.cleaned_data["version"]
            services.contact_update(actor=request.user, contact=contact, data=data, expected_version=version)
            return _saved(request, client, _("Changes saved."))
        except ValidationError as exc:
            add_service_errors(form, exc)
        except services.StaleContact as exc:
            return _stale(request, client, contact.pk, exc, form.cleaned_data)
    return _dialog(request, "contacts/form.html", {"client": client, "contact": contact, "form": form})


def _initial(contact: ContactPerson) -> dict[str, Any]:
    initial: dict[str, Any] = {name: getattr(contact, name) for name in fields.EDITABLE}
    return {**initial, "phone": contact.phone_display, "version": contact.version}


def _stale(
    request: AuthedRequest, client: Client, contact_id: int, exc: ApplicationError, entered: dict[str, Any]
) -> HttpResponse:
    """Someone changed the person since the dialog opened: say so, list what it says now where that
    differs from what the user typed (which the form keeps), and let a second Save apply theirs to
    the current version."""
    contact = _contact_or_404(request, client, contact_id)  # as it is now (removed meanwhile: 404)
    data = request.POST.copy()
    data["version"] = str(contact.version)
    form = ContactForm(data, initial=_initial(contact))
    form.is_valid()
    form.add_error(None, exc.message)
    theirs = clean_contact_fields({name: entered[name] for name in fields.EDITABLE})
    differs = [
        (fields.BY_NAME[name].label, contact.phone_display if name == "phone" else getattr(contact, name))
        for name in fields.EDITABLE
        if theirs[name] != getattr(contact, name)
    ]
    context = {"client": client, "contact": contact, "form": form, "changed_meanwhile": differs}
    return _dialog(request, "contacts/form.html", context)


@require_http_methods(["GET", "POST"])
def contact_delete_view(request: AuthedRequest, client_id: int, contact_id: int) -> HttpResponse:
    client = _client_or_404(request, client_id)
    refused = _refuse_form(request, client, "delete")
    if refused:
        return refused
    contact = _contact_or_404(request, client, contact_id)
    form = ContactDeleteForm(request.POST if request.method == "POST" else None, initial={"version": contact.version})
    if request.method == "POST" and form.is_valid():
        try:
            services.contact_delete(actor=request.user, contact=contact, expected_version=form.cleaned_data["version"])
            return _saved(request, client, _("Contact person %(name)s removed.") % {"name": contact.full_name})
        except services.StaleContact as exc:
            # Show the person as it is now; confirming again removes that version.
            form = ContactDeleteForm({"version": contact.version})
            form.is_valid()
            form.add_error(None, exc.message)
    return _dialog(request, "contacts/confirm_delete.html", {"client": client, "contact": contact, "form": form})


@require_POST
def pickup_check_view(request: AuthedRequest, client_id: int) -> HttpResponse:
    """The mail desk's check (R3.3): a plain answer for a name and an optional document number."""
    client = _client_or_404(request, client_id)
    form = PickupCheckForm(request.POST)
    context: dict[str, Any] = {"client": client, "pickup_form": form}
    if form.is_valid():
        try:
            context["answer"] = selectors.mail_pickup_check(
                actor=request.user,
                client=client,
                name=form.cleaned_data["name"],
                document_number=form.cleaned_data["document_number"],
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
    if request.htmx:
        return render(request, "contacts/partials/pickup_check.html#answer", context)
    context.update(_list_context(request, client))
    return render_client_tab(request, actor=request.user, client=client, key=TAB, context=context)
