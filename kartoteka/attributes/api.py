"""`/api/attributes`: the custom attributes' definitions (reading: staff; changing: administrators)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, cast

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Router, Status

from kartoteka.accounts.models import User
from kartoteka.api.schemas import BODY_ERRORS, ERRORS, PathId
from kartoteka.attributes import selectors, services
from kartoteka.attributes.models import Attribute
from kartoteka.attributes.schemas import AttributeCreateIn, AttributeIn, AttributeOut, AttributePage
from kartoteka.core.errors import ValidationError
from kartoteka.core.numbers import InvalidNumber, parse_id

router = Router(tags=["attributes"])


def _actor(request: HttpRequest) -> User:
    return cast(User, request.auth)  # type: ignore[attr-defined]


def _out(attribute: Attribute) -> dict[str, Any]:
    return {
        "id": attribute.pk,
        "name": attribute.name,
        "key": attribute.key,
        "type": attribute.type,
        "required": attribute.required,
        "position": attribute.position,
        "options": [{"id": o.pk, "label": o.label} for o in attribute.options.all()],
    }


def _data(payload: AttributeIn, *, partial: bool) -> dict[str, Any]:
    given = payload.model_dump(exclude_unset=partial, exclude={"removals"})
    if "options" in given:
        given["options"] = [services.OptionIn(o.get("label") or "", o.get("id")) for o in given["options"] or []]
    return given


def _removals(raw: Mapping[str, Any] | None) -> dict[int, Any]:
    removals: dict[int, Any] = {}
    for option_id, target in (raw or {}).items():
        try:
            removals[parse_id(option_id)] = target if target == services.CLEAR else parse_id(target)
        except InvalidNumber as exc:
            message = _("Give `clear` or the id of a remaining value, by the removed value's id.")
            raise ValidationError({"removals": [message]}) from exc
    return removals


@router.get("/attributes", response={200: AttributePage, **ERRORS}, url_name="attributes")
def attribute_list(request: HttpRequest) -> dict[str, Any]:
    """Every custom attribute with its allowed values, in display order."""
    return {"items": [_out(a) for a in selectors.attributes_all(actor=_actor(request))], "next_cursor": None}


@router.post("/attributes", response={201: AttributeOut, **BODY_ERRORS}, url_name="attribute_create")
def attribute_create(request: HttpRequest, payload: AttributeCreateIn) -> Status[Any]:
    """Define an attribute (administrators)."""
    attribute = services.attribute_create(actor=_actor(request), data=_data(payload, partial=False))
    return Status(201, _out(selectors.attribute_get(actor=_actor(request), attribute_id=attribute.pk)))


@router.get("/attributes/{attribute_id}", response={200: AttributeOut, **ERRORS}, url_name="attribute")
def attribute_get(request: HttpRequest, attribute_id: PathId) -> dict[str, Any]:
    return _out(selectors.attribute_get(actor=_actor(request), attribute_id=attribute_id))


@router.patch("/attributes/{attribute_id}", response={200: AttributeOut, **BODY_ERRORS}, url_name="attribute_update")
def attribute_update(request: HttpRequest, attribute_id: PathId, payload: AttributeIn) -> dict[str, Any]:
    """Change an attribute. Removing a value that clients have needs `removals` (else 409 with the counts)."""
    actor = _actor(request)
    attribute = selectors.attribute_get(actor=actor, attribute_id=attribute_id)
    services.attribute_update(
        actor=actor, attribute=attribute, data=_data(payload, partial=True), removals=_removals(payload.removals)
    )
    return _out(selectors.attribute_get(actor=actor, attribute_id=attribute_id))


@router.delete("/attributes/{attribute_id}", response={204: None, **ERRORS}, url_name="attribute_delete")
def attribute_delete(request: HttpRequest, attribute_id: PathId) -> Status[None]:
    """Delete an attribute and every client's value of it."""
    actor = _actor(request)
    services.attribute_delete(actor=actor, attribute=selectors.attribute_get(actor=actor, attribute_id=attribute_id))
    return Status(204, None)
