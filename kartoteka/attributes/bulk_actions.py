"""The bulk actions "Ustaw cechę" (set_attribute) and "Wyczyść cechę" (clear_attribute), seed 004.

Set-based per chunk of clients: one UPDATE raising their versions, one DELETE of their value rows
of the attribute and one INSERT ... SELECT per stored row (one; several for "several of a list"),
the same few statements for 3 clients or 10,000. The registry gives them the menu entries, the
confirmation page, `POST /api/clients/bulk/set_attribute` / `clear_attribute` and, for a large
selection, the job; clients that already have the value (or none, to clear) are skipped.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from django import forms
from django.db import connection
from django.db.models import Exists, F, OuterRef, Q, QuerySet
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext_lazy

from kartoteka.api.schemas import Text
from kartoteka.attributes.forms import LooseField
from kartoteka.attributes.models import Attribute, AttributeValue
from kartoteka.attributes.values import BadValue, Definition, definitions, number_text
from kartoteka.bulk.registry import CLIENTS, BulkAction, BulkContext, BulkParam, Skip, register
from kartoteka.clients.bulk_actions import ARCHIVED
from kartoteka.clients.models import Client
from kartoteka.core.actors import Actor
from kartoteka.core.errors import ValidationError

T = Attribute.Type


def _attributes(actor: Actor) -> Iterable[tuple[Any, Any]]:
    if not actor.has_perm("attributes.view_attribute"):
        return []
    return list(Attribute.objects.values_list("id", "name"))


def _definition(params: Mapping[str, Any]) -> Definition:
    found = definitions(Attribute.objects.filter(pk=params["attribute"]))
    if not found:
        raise ValidationError({"attribute": [_("This attribute no longer exists.")]})
    return found[0]


def _stored(definition: Definition, value: Any) -> Any:
    """The job's plain-JSON value back in its stored form."""
    return definition.parse(value)


def _json(definition: Definition, stored: Any) -> Any:
    """The stored value as plain JSON that parses back to it (ids for list values, exact numbers as text)."""
    if definition.type == T.NUMBER:
        return number_text(stored)
    if definition.type == T.DATE:
        return stored.isoformat()
    if definition.type == T.MULTI:
        return list(stored)
    return stored


def _check_set(actor: Actor, params: dict[str, Any]) -> dict[str, Any]:
    definition = _definition(params)
    raw = params.get("value")
    if definition.type == T.MULTI and isinstance(raw, str):
        raw = [part for part in raw.split(",") if part.strip()]
    try:
        stored = definition.parse(raw)
    except BadValue as exc:
        raise ValidationError({"value": [str(exc)]}) from exc
    if stored is None:
        raise ValidationError({"value": [_("Enter the value to set (to remove it, use “Clear attribute”).")]})
    return {**params, "value": _json(definition, stored)}


def _check_clear(actor: Actor, params: dict[str, Any]) -> dict[str, Any]:
    if _definition(params).attribute.required:
        raise ValidationError({"attribute": [_("This attribute is required: it cannot be cleared.")]})
    return params


def _has_value(params: Mapping[str, Any]) -> Q:
    """Clients that have exactly this value already (for "several of a list": these values and no other)."""
    definition = _definition(params)
    stored = _stored(definition, params["value"])
    rows = AttributeValue.objects.filter(attribute_id=definition.attribute.pk)
    if definition.type != T.MULTI:
        return Q(Exists(rows.filter(client_id=OuterRef("pk"), **{definition.column: stored})))
    same = Q()
    for option_id in stored:
        same &= Q(Exists(rows.filter(client_id=OuterRef("pk"), option_id=option_id)))
    return same & ~Q(Exists(rows.filter(client_id=OuterRef("pk")).exclude(option_id__in=stored)))


def _no_value(params: Mapping[str, Any]) -> Q:
    return ~Q(Exists(AttributeValue.objects.filter(attribute_id=params["attribute"], client_id=OuterRef("pk"))))


def _touch(clients: QuerySet[Client], ctx: BulkContext) -> int:
    return clients.update(version=F("version") + 1, updated_by=ctx.actor, updated_at=ctx.now)


def set_rows(clients: QuerySet[Client], definition: Definition, stored: Any) -> None:
    """Give every client of `clients` this value: one DELETE and one INSERT ... SELECT per row kind."""
    table = AttributeValue._meta.db_table
    AttributeValue.objects.filter(attribute_id=definition.attribute.pk, client_id__in=clients.values("id")).delete()
    ids_sql, ids_params = clients.order_by().values("id").query.sql_with_params()
    with connection.cursor() as cursor:
        for row in definition.rows(stored):
            ((column, value),) = row.items()
            cursor.execute(
                f"INSERT INTO {table} (client_id, attribute_id, {column}) "  # noqa: S608 -- our own names
                f"SELECT sub.id, %s, %s FROM ({ids_sql}) sub",
                (definition.attribute.pk, value, *ids_params),
            )


def _set(clients: QuerySet[Client], ctx: BulkContext) -> int:
    definition = _definition(ctx.params)
    stored = _stored(definition, ctx.params["value"])
    set_rows(clients, definition, stored)
    return _touch(clients, ctx)


def _clear(clients: QuerySet[Client], ctx: BulkContext) -> int:
    AttributeValue.objects.filter(attribute_id=ctx.params["attribute"], client_id__in=clients.values("id")).delete()
    return _touch(clients, ctx)


def _value_field(actor: Actor) -> forms.Field:
    return LooseField(
        label=gettext_lazy("Value"),
        required=False,
        help_text=gettext_lazy(
            "Lists: the value's text (several of a list: separated by commas); yes/no: yes or no; dates: YYYY-MM-DD."
        ),
        widget=forms.TextInput(attrs={"class": "form-control"}),
    )


ATTRIBUTE = BulkParam(
    "attribute", gettext_lazy("Attribute"), choices=_attributes, coerce=int, description="The attribute's id."
)
VALUE_SCHEMA = {
    "anyOf": [
        {"type": "string", "maxLength": 500},
        {"type": "number"},
        {"type": "boolean"},
        {"type": "array", "items": {"type": "string"}, "maxItems": 200},
    ]
}

register(
    BulkAction(
        name="set_attribute",
        label=gettext_lazy("Set attribute"),
        permission="clients.change_client",
        lists=(CLIENTS,),
        event_type="attributes.value.bulk_set",
        params=(
            ATTRIBUTE,
            BulkParam(
                "value",
                gettext_lazy("Value"),
                field=_value_field,
                api_type=Text | float | bool | list[Text] | None,
                # Not marked required in the document, which would keep only the string variant
                # of the union: a missing value is the service's 422, as a bad one is.
                required=False,
                description="Required. The value, as in client JSON: a number, YYYY-MM-DD, true/false, a string, "
                "or a list of strings (several of a list); a list value by its text or id.",
            ),
        ),
        check=_check_set,
        skips=(ARCHIVED, Skip("same_value", gettext_lazy("already has this value"), _has_value)),
        apply=_set,
        summary=ngettext_lazy(
            "The attribute will be set for %(count)s client.",
            "The attribute will be set for %(count)s clients.",
            "count",
        ),
        done=ngettext_lazy("Attribute set for %(count)s client.", "Attribute set for %(count)s clients.", "count"),
        icon="bi-tag",
    )
)

register(
    BulkAction(
        name="clear_attribute",
        label=gettext_lazy("Clear attribute"),
        permission="clients.change_client",
        lists=(CLIENTS,),
        event_type="attributes.value.bulk_cleared",
        params=(ATTRIBUTE,),
        check=_check_clear,
        skips=(ARCHIVED, Skip("no_value", gettext_lazy("has no value of this attribute"), _no_value)),
        apply=_clear,
        summary=ngettext_lazy(
            "The attribute will be cleared for %(count)s client.",
            "The attribute will be cleared for %(count)s clients.",
            "count",
        ),
        done=ngettext_lazy(
            "Attribute cleared for %(count)s client.", "Attribute cleared for %(count)s clients.", "count"
        ),
        icon="bi-eraser",
    )
)
