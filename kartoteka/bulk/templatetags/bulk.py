"""The list's action menu, generated from the bulk-action registry for the current user."""

from __future__ import annotations

from typing import Any

from django import template

from kartoteka.bulk.registry import ARCHIVE, CLIENTS, actions_for

register = template.Library()


@register.inclusion_tag("bulk/menu.html", takes_context=True)
def bulk_menu(context: dict[str, Any], archived: bool) -> dict[str, Any]:
    list_name = ARCHIVE if archived else CLIENTS
    actions = actions_for(list_name=list_name, actor=context["request"].user)
    main = {"archive", "restore"}  # shown as buttons: "Delete selected", "Restore selected clients"
    return {
        "list_name": list_name,
        "buttons": [a for a in actions if a.name in main],
        "menu": [a for a in actions if a.name not in main],
    }


@register.filter
def ordered_choices(field: Any) -> list[tuple[str, str, bool]]:
    """A multiple parameter's choices as (value, label, ticked): the ticked ones first, in the
    order chosen (or remembered), then the others in their offered order."""
    value = field.value() or []
    chosen = [str(v) for v in (value if isinstance(value, list | tuple) else [value])]
    labels = {str(v): str(label) for v, label in field.field.choices}
    ticked = [(v, labels[v], True) for v in dict.fromkeys(chosen) if v in labels]
    rest = [(v, label, False) for v, label in labels.items() if v not in set(chosen)]
    return ticked + rest
