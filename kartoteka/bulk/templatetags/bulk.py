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
