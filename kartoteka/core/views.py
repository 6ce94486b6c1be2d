"""Helpers shared by the web views."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET
from django_htmx.middleware import HtmxDetails

from kartoteka.accounts.models import User
from kartoteka.core.settings_pages import settings_pages


def add_service_errors(form: forms.Form, exc: ValidationError) -> None:
    """Put a service's per-field ValidationError onto a form (unknown fields become non-field errors)."""
    if not hasattr(exc, "error_dict"):
        form.add_error(None, exc)
        return
    for field, errors in exc.error_dict.items():
        form.add_error(field if field in form.fields else None, errors)


def render_htmx(request: HttpRequest, template: str, partial: str, context: dict[str, Any]) -> HttpResponse:
    """One URL, two renderings: the whole page, or only `partial` for an HTMX request."""
    htmx = getattr(request, "htmx", None)
    is_htmx = bool(htmx) and not getattr(htmx, "boosted", False)
    name = f"{template}#{partial}" if is_htmx else template
    return render(request, name, context)


class AuthedRequest(HttpRequest):
    """A request that passed LoginRequiredMiddleware (for type checking views)."""

    user: User
    htmx: HtmxDetails


@require_GET
def settings_index_view(request: AuthedRequest) -> HttpResponse:
    """Settings: the pages of the apps that the user may open (none: 403)."""
    pages = settings_pages(actor=request.user)
    if not pages:
        raise DjangoPermissionDenied
    return render(request, "core/settings.html", {"pages": pages})
