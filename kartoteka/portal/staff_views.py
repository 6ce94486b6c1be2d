"""Staff pages of the portal app: the client's Konto klienta tab (invite, block, unblock) and
Settings → Client portal. Each view validates input, makes one domain call, renders."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from kartoteka.clients.models import Client
from kartoteka.clients.selectors import client_get
from kartoteka.core.errors import ApplicationError, NotFound
from kartoteka.core.permissions import require_perm
from kartoteka.core.tabs import render_client_tab
from kartoteka.core.views import AuthedRequest, add_service_errors
from kartoteka.portal import selectors, services
from kartoteka.portal.forms import InviteForm, PortalSettingsForm

TAB = "portal"


def _client_or_404(request: AuthedRequest, client_id: int) -> Client:
    try:
        return client_get(actor=request.user, client_id=client_id)
    except NotFound as exc:
        raise Http404(exc.message) from exc


def _tab(request: AuthedRequest, client: Client, form: InviteForm | None = None, status: int = 200) -> HttpResponse:
    context: dict[str, Any] = {
        "client": client,
        "portal_users": list(selectors.client_portal_users(actor=request.user, client=client)),
        "invite_form": form or InviteForm(),
    }
    response = render_client_tab(request, actor=request.user, client=client, key=TAB, context=context)
    response.status_code = status
    return response


@require_GET
def client_tab_view(request: AuthedRequest, client_id: int) -> HttpResponse:
    return _tab(request, _client_or_404(request, client_id))


@require_POST
def invite_view(request: AuthedRequest, client_id: int) -> HttpResponse:
    client = _client_or_404(request, client_id)
    form = InviteForm(request.POST)
    if form.is_valid():
        try:
            user = services.portal_user_invite(
                actor=request.user,
                client=client,
                email=form.cleaned_data["email"],
                name=form.cleaned_data["name"],
                language=get_language(),
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        except ApplicationError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, _("An invitation was sent to %(email)s.") % {"email": user.email})
            return redirect("portal_staff:client_tab", client_id=client.pk)
    return _tab(request, client, form, status=422)


def _block_change(request: AuthedRequest, client_id: int, user_id: int, *, block: bool) -> HttpResponse:
    client = _client_or_404(request, client_id)
    try:
        user = selectors.portal_user_get(actor=request.user, user_id=user_id, client=client)
    except NotFound as exc:
        raise Http404(exc.message) from exc
    change = services.portal_user_block if block else services.portal_user_unblock
    try:
        change(actor=request.user, user=user)
    except ApplicationError as exc:
        messages.error(request, exc.message)
    else:
        done = _("%(email)s is blocked and logged out.") if block else _("%(email)s may log in again.")
        messages.success(request, done % {"email": user.email})
    return redirect("portal_staff:client_tab", client_id=client.pk)


@require_POST
def block_view(request: AuthedRequest, client_id: int, user_id: int) -> HttpResponse:
    return _block_change(request, client_id, user_id, block=True)


@require_POST
def unblock_view(request: AuthedRequest, client_id: int, user_id: int) -> HttpResponse:
    return _block_change(request, client_id, user_id, block=False)


@require_http_methods(["GET", "POST"])
def settings_view(request: AuthedRequest) -> HttpResponse:
    """Settings → Client portal: what portal users may do (a form only for who may save it)."""
    try:
        require_perm(request.user, services.SETTINGS_PERMISSION)
    except Exception as exc:
        raise DjangoPermissionDenied from exc
    current = services.portal_settings_get()
    form = PortalSettingsForm(
        request.POST if request.method == "POST" else None,
        initial={"clients_may_edit_contact": current.clients_may_edit_contact},
    )
    if request.method == "POST" and form.is_valid():
        services.portal_settings_update(actor=request.user, **form.cleaned_data)
        messages.success(request, _("The portal settings are saved."))
        return redirect("portal_staff:settings")
    return render(request, "portal/staff/settings.html", {"form": form})
