"""The notifications page (newest first, mark read one by one or all at once) and opening one."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_GET, require_POST

from kartoteka.core.errors import NotFound
from kartoteka.core.numbers import is_id
from kartoteka.core.views import AuthedRequest
from kartoteka.notifications import selectors, services
from kartoteka.notifications.kinds import kind_title

PAGE_SIZE = 50


def _rows(request: AuthedRequest) -> dict[str, object]:
    raw = request.GET.get("before", "")
    before = int(raw) if is_id(raw) else None
    items, next_before = selectors.notification_page(actor=request.user, before=before, limit=PAGE_SIZE)
    return {
        "notifications": [(n, kind_title(n.kind)) for n in items],
        "next_before": next_before,
        "unread": selectors.notifications_unread_count(actor=request.user),
    }


@require_GET
def notification_list_view(request: AuthedRequest) -> HttpResponse:
    return render(request, "notifications/list.html", _rows(request))


@require_GET
def notification_open_view(request: AuthedRequest, notification_id: int) -> HttpResponse:
    """Follow a notification's link; opening it marks it read."""
    try:
        notification = selectors.notification_get(actor=request.user, notification_id=notification_id)
    except NotFound as exc:  # not one's own, or gone: the list, with a word why
        messages.info(request, exc.message)
        return redirect("notifications:list")
    services.notifications_mark_read(actor=request.user, ids=[notification.pk])
    link = notification.link
    if link.startswith("/") and url_has_allowed_host_and_scheme(link, allowed_hosts=None):
        return redirect(link)
    return redirect("notifications:list")


def _back(request: AuthedRequest) -> HttpResponse:
    if request.htmx:
        return render(request, "notifications/list.html#rows", _rows(request))
    return redirect("notifications:list")


@require_POST
def notification_read_view(request: AuthedRequest, notification_id: int) -> HttpResponse:
    services.notifications_mark_read(actor=request.user, ids=[notification_id])
    return _back(request)


@require_POST
def notifications_read_all_view(request: AuthedRequest) -> HttpResponse:
    services.notifications_mark_all_read(actor=request.user)
    return _back(request)
