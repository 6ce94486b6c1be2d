"""Ustawienia → Cechy klientów: the attributes' list, their form, the removal of values in use."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from kartoteka.attributes import selectors, services
from kartoteka.attributes.forms import AttributeForm
from kartoteka.attributes.models import Attribute, AttributeOption
from kartoteka.core.errors import ApplicationError, NotFound, ValidationError
from kartoteka.core.numbers import InvalidNumber, parse_id
from kartoteka.core.views import AuthedRequest, add_service_errors


def _require_admin(request: AuthedRequest, permission: str) -> None:
    if not request.user.has_perm(permission):
        raise DjangoPermissionDenied


def _attribute(request: AuthedRequest, attribute_id: int) -> Attribute:
    try:
        return selectors.attribute_get(actor=request.user, attribute_id=attribute_id)
    except NotFound as exc:
        from django.http import Http404

        raise Http404(exc.message) from exc


@require_GET
def attribute_list_view(request: AuthedRequest) -> HttpResponse:
    _require_admin(request, "attributes.change_attribute")
    attributes = selectors.attributes_all(actor=request.user)
    return render(request, "attributes/list.html", {"attributes": attributes})


def _save(request: AuthedRequest, form: AttributeForm, attribute: Attribute | None) -> tuple[Attribute | None, Any]:
    """Call the service; the values in use when removing some come back for the confirmation step."""
    data = form.service_data()
    try:
        if attribute is None:
            return services.attribute_create(actor=request.user, data=data), None
        removals = {}
        for key in request.POST:
            if key.startswith("removal_"):
                try:
                    removals[parse_id(key[8:])] = (
                        services.CLEAR if request.POST[key] == services.CLEAR else parse_id(request.POST[key])
                    )
                except InvalidNumber:
                    continue
        return services.attribute_update(actor=request.user, attribute=attribute, data=data, removals=removals), None
    except ValidationError as exc:
        add_service_errors(form, exc)
    except services.ValuesInUse as exc:
        return None, exc.in_use
    except services.DefinitionConflict as exc:
        form.add_error(exc.field if exc.field in form.fields else None, exc.message)
    except ApplicationError as exc:
        form.add_error(None, exc.message)
    return None, None


def _in_use_rows(attribute: Attribute, in_use: dict[int, int], form: AttributeForm) -> list[dict[str, Any]]:
    """For the confirmation: each removed value in use, its clients' count and where they may go."""
    options = {o.pk: o for o in AttributeOption.objects.filter(attribute=attribute)}
    staying = [
        (o.pk, form.cleaned_data.get(f"option_{o.pk}") or o.label)
        for o in options.values()
        if o.pk not in in_use and (form.cleaned_data.get(f"option_{o.pk}") or "").strip()
    ]
    return [{"id": i, "label": options[i].label, "count": n, "targets": staying} for i, n in in_use.items()]


@require_http_methods(["GET", "POST"])
def attribute_create_view(request: AuthedRequest) -> HttpResponse:
    _require_admin(request, "attributes.add_attribute")
    form = AttributeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        created, _in_use = _save(request, form, None)
        if created is not None:
            messages.success(request, _("Attribute %(name)s added.") % {"name": created.name})
            return redirect("attributes:list")
    return render(request, "attributes/form.html", {"form": form, "attribute": None})


@require_http_methods(["GET", "POST"])
def attribute_edit_view(request: AuthedRequest, attribute_id: int) -> HttpResponse:
    _require_admin(request, "attributes.change_attribute")
    attribute = _attribute(request, attribute_id)
    initial = {
        "name": attribute.name,
        "key": attribute.key,
        "type": attribute.type,
        "required": attribute.required,
        "position": attribute.position,
    }
    form = AttributeForm(request.POST or None, initial=initial, attribute=attribute)
    in_use_rows: list[dict[str, Any]] = []
    if request.method == "POST" and form.is_valid():
        saved, in_use = _save(request, form, attribute)
        if saved is not None:
            messages.success(request, _("Changes saved."))
            return redirect("attributes:list")
        if in_use:
            in_use_rows = _in_use_rows(attribute, in_use, form)
    context = {"form": form, "attribute": attribute, "in_use": in_use_rows}
    return render(request, "attributes/form.html", context)


@require_http_methods(["GET", "POST"])
def attribute_delete_view(request: AuthedRequest, attribute_id: int) -> HttpResponse:
    _require_admin(request, "attributes.delete_attribute")
    attribute = _attribute(request, attribute_id)
    if request.method == "POST":
        services.attribute_delete(actor=request.user, attribute=attribute)
        messages.success(request, _("Attribute %(name)s deleted.") % {"name": attribute.name})
        return redirect("attributes:list")
    clients = attribute.values.values("client_id").distinct().count()
    return render(request, "attributes/delete.html", {"attribute": attribute, "clients": clients})
